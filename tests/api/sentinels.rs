//! The sentinel scan: a unique string planted in every personal field, through the real API
//! and webhooks, must appear neither in the app's log (its own tracing output, captured at
//! debug level) nor in a `pg_dump` of the database. A leak names the field and where it was
//! found.

use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Staff, TestApp, spawn_app_with_telegram, tg_text};

/// Everything the app logged in this test process, at debug level for the app's own crates.
#[derive(Clone, Default)]
struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'w> tracing_subscriber::fmt::MakeWriter<'w> for CapturedLog {
    type Writer = CapturedLog;
    fn make_writer(&'w self) -> CapturedLog {
        self.clone()
    }
}

fn captured_log() -> &'static CapturedLog {
    static LOG: OnceLock<CapturedLog> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = CapturedLog::default();
        let settings = hotline::settings::LogSettings {
            filter: "info,hotline=trace,hotline_telegram=trace,hotline_line=trace,\
                     hotline_email=trace,hotline_phone=trace,sqlx=debug,actix_web=debug"
                .into(),
            format: "json".into(),
        };
        hotline::telemetry::init_with_writer(&settings, log.clone());
        log
    })
}

/// A string nobody types by chance, naming the field it is planted in.
fn sentinel(field: &str) -> String {
    format!("zq{field}{}", &Uuid::new_v4().simple().to_string()[..10])
}

struct Planted {
    field: &'static str,
    value: String,
}

async fn put(app: &TestApp, who: &Staff, path: &str, body: &Value) -> reqwest::Response {
    app.client
        .put(app.url(path))
        .bearer_auth(&who.token)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn expect_ok(status: StatusCode, what: &str) {
    assert!(status.is_success(), "{what}: {status}");
}

fn pg_dump(app: &TestApp) -> Option<String> {
    let url = crate::helpers::database_url(&app.db_name);
    let out = std::process::Command::new("pg_dump")
        .arg("--no-owner")
        .arg(&url)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test]
async fn planted_personal_data_appears_in_neither_the_log_nor_a_database_dump() {
    let log = captured_log();
    let (app, _telegram) = spawn_app_with_telegram(vec![]).await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let mut planted: Vec<Planted> = Vec::new();
    let mut plant = |field: &'static str| {
        let value = sentinel(field);
        planted.push(Planted {
            field,
            value: value.clone(),
        });
        value
    };

    // A phone report: narrative, the caller's name, area, their own words about safe times,
    // and a number that is theirs alone.
    let narrative = plant("narrative");
    let name = plant("name");
    let area = plant("area");
    let hours = plant("safehours");
    let digits = format!("{:08}", rand::random::<u32>() % 100_000_000);
    let phone = format!("+669{digits}");
    let report = app
        .report(
            &counselor,
            &json!({
                "caller": "relative",
                "language": "th",
                "location": { "country": "TH", "area": area },
                "narrative": format!("{narrative} my cousin works on a boat, they took her passport"),
                "answers": {},
                "callback": { "name": name, "phone": phone, "safe_hours": hours }
            }),
        )
        .await;
    let case_id = report["id"].as_str().unwrap().to_owned();
    let claim = app
        .post(
            &counselor,
            "/api/v1/queue/claim",
            &json!({ "case_id": case_id }),
        )
        .await;
    expect_ok(claim.status(), "claim");

    // What counselors write on the case.
    let note = plant("note");
    let r = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{case_id}/notes"),
            &json!({ "text": note }),
        )
        .await;
    expect_ok(r.status(), "note");
    let urgency = plant("urgencyreason");
    let r = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{case_id}/urgency"),
            &json!({ "level": "high", "reason": urgency }),
        )
        .await;
    expect_ok(r.status(), "urgency");
    let code_word = plant("codeword");
    let cover_story = plant("coverstory");
    let own_words = plant("ownwords");
    let r = put(
        &app,
        &counselor,
        &format!("/api/v1/cases/{case_id}/safe-contact"),
        &json!({
            "allowed_channels": ["phone"], "never_contact_first": false, "no_voicemail": true,
            "code_word": code_word, "cover_story": cover_story, "own_words": own_words,
            "phones": [phone]
        }),
    )
    .await;
    expect_ok(r.status(), "safe contact");
    let province = plant("province");
    let district = plant("district");
    let gender = plant("gender");
    let r = put(
        &app,
        &counselor,
        &format!("/api/v1/cases/{case_id}/record"),
        &json!({
            "sex": "female", "age_band": "adult", "nationality": "KH", "languages": ["km"],
            "gender_identity": gender,
            "origin": {"country": "KH", "province": province, "district": district},
            "destination_country": "TH", "exploitation": ["forced_labour"], "status": "potential"
        }),
    )
    .await;
    expect_ok(r.status(), "record");
    let callback_reason = plant("callbackreason");
    let r = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{case_id}/callbacks"),
            &json!({ "due_from": "2026-11-23T12:00:00Z", "channel": "phone", "reason": callback_reason }),
        )
        .await;
    expect_ok(r.status(), "callback");
    let purpose = plant("consentpurpose");
    let r = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{case_id}/consents"),
            &json!({ "partner_type": "police", "given_by": "person", "how": "phone",
                     "purpose": purpose, "granted": true }),
        )
        .await;
    expect_ok(r.status(), "consent");
    // A supervisor's break-glass reason is about the case too.
    let stranger = app.staff(Role::Counselor).await;
    let glass = plant("breakglass");
    let r = app
        .post(
            &stranger,
            &format!("/api/v1/cases/{case_id}/break-glass"),
            &json!({ "reason": "other", "text": glass }),
        )
        .await;
    expect_ok(r.status(), "break glass");

    // A Telegram chat: the person's name and handle, their text, a file's name, a shared contact.
    let chat: i64 = 6_000_000_000 + i64::from(rand::random::<u16>()) * 1000 + 7;
    let first_name = plant("tgname");
    let username = plant("tguser");
    let chat_text = plant("chattext");
    let file_name = plant("filename");
    let caption = plant("caption");
    let shared_digits = format!("{:08}", rand::random::<u32>() % 100_000_000);
    let from =
        json!({ "id": chat, "is_bot": false, "first_name": first_name, "username": username });
    let c =
        json!({ "id": chat, "type": "private", "first_name": first_name, "username": username });
    let mut first = tg_text(1, chat, &format!("{chat_text} please help, my sister"));
    first["message"]["from"] = from.clone();
    first["message"]["chat"] = c.clone();
    app.telegram_says(&[
        first,
        json!({ "update_id": 2, "message": { "message_id": 2, "date": 1_795_000_060, "from": from, "chat": c,
            "document": { "file_id": "doc1", "file_unique_id": "d1", "file_name": file_name,
                          "mime_type": "application/pdf", "file_size": 900000 },
            "caption": caption } }),
        json!({ "update_id": 3, "message": { "message_id": 3, "date": 1_795_000_070, "from": from, "chat": c,
            "contact": { "phone_number": format!("+668{shared_digits}"), "first_name": first_name, "user_id": chat } } }),
    ])
    .await;
    app.run_jobs().await;
    let chat_case = app.case_of_chat(&supervisor).await;
    let chat_case_id = chat_case["id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &counselor,
            "/api/v1/queue/claim",
            &json!({ "case_id": chat_case_id }),
        )
        .await;
    expect_ok(r.status(), "claim the chat");
    let reply = plant("reply");
    let r = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{chat_case_id}/messages"),
            &json!({ "text": format!("{reply} we are here") }),
        )
        .await;
    expect_ok(r.status(), "reply");
    app.run_jobs().await;

    // A whole chat conversation: what they typed after /start, their story, where they are.
    let start = plant("startsource");
    let story = plant("chatstory");
    let chat_area = plant("chatarea");
    let other_chat = chat + 1;
    app.telegram_says(&[
        json!({ "update_id": 11, "message": { "message_id": 11, "date": 1_795_000_101,
            "from": { "id": other_chat, "is_bot": false, "first_name": "X", "language_code": "th" },
            "chat": { "id": other_chat, "type": "private" }, "text": format!("/start {start}") } }),
        crate::helpers::tg_choice(12, other_chat, "lang:th"),
        crate::helpers::tg_choice(13, other_chat, "safe:yes"),
        tg_text(14, other_chat, &format!("{story} นายจ้างเก็บบัตรประชาชนไว้")),
        crate::helpers::tg_choice(15, other_chat, "ans:no"),
        crate::helpers::tg_choice(16, other_chat, "ans:no"),
        crate::helpers::tg_choice(17, other_chat, "ans:yes"),
        crate::helpers::tg_choice(18, other_chat, "country:TH"),
        tg_text(19, other_chat, &chat_area),
        crate::helpers::tg_choice(20, other_chat, "contact:here"),
        crate::helpers::tg_choice(21, other_chat, "hours:evening"),
    ])
    .await;
    app.run_jobs().await;

    // An email: the sender's address, the subject, the text, a file's name.
    let email_user = plant("emailfrom");
    let subject = plant("subject");
    let email_text = plant("emailtext");
    let email_file = plant("emailfile");
    let mail = hotline::intake::email::IncomingEmail {
        kind: hotline::intake::email::IncomingKind::Normal,
        message_id: Some(format!("{}@example.org", Uuid::new_v4().simple())),
        in_reply_to: vec![],
        references: vec![],
        bounced_message_id: None,
        subject: Some(subject.clone()),
        from_address: Some(format!("{email_user}@example.org")),
        new_text: format!("{email_text} my brother cannot leave the farm"),
        quoted_text: String::new(),
        attachments: vec![hotline::intake::email::IncomingFile {
            name: Some(format!("{email_file}.jpg")),
            content_type: "application/octet-stream".into(),
            size: 3,
            bytes: vec![1, 2, 3],
        }],
        case_reference: None,
        content_hash: Uuid::new_v4().simple().to_string(),
    };
    let place = hotline::intake::email::MailboxPlace {
        mailbox: "INBOX",
        uid_validity: 1,
        uid: 1,
    };
    hotline::intake::email::record_email(&app.ctx, place, &mail)
        .await
        .unwrap();
    app.run_jobs().await;

    // Reads of every kind, so their logging is scanned too.
    let full = app.case(&counselor, &case_id).await;
    assert_eq!(full["view"], "full");
    // The planted values really are stored (and open): the scan is not vacuous.
    let shown = full.to_string();
    for value in [&narrative, &name, &area, &note, &code_word] {
        assert!(shown.contains(value.as_str()), "{value} is not on the case");
    }
    let _ = app.case(&supervisor, &chat_case_id).await;
    let r = app
        .post(
            &counselor,
            "/api/v1/reports/matches",
            &json!({ "phone": phone }),
        )
        .await;
    expect_ok(r.status(), "phone lookup");
    let _ = app
        .get(&counselor, &format!("/api/v1/cases/{case_id}/safe-contact"))
        .await;

    // The scan. Numbers are searched for in every form they could be written.
    let mut needles: Vec<(String, String)> = planted
        .iter()
        .map(|p| (p.field.to_owned(), p.value.clone()))
        .collect();
    needles.push(("phone".into(), format!("9{digits}")));
    needles.push(("shared contact".into(), format!("8{shared_digits}")));
    needles.push(("telegram chat id".into(), chat.to_string()));
    let logged =
        String::from_utf8_lossy(&log.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    assert!(!logged.is_empty(), "no log was captured");
    let dump = pg_dump(&app);
    // Controls: the log and the dump are what they claim to be.
    assert!(
        logged.contains("/api/v1/cases/{id}/notes"),
        "the app's request log is missing"
    );
    if let Some(dump) = &dump {
        assert!(dump.contains(full["reference"].as_str().unwrap()));
        assert!(dump.contains("COPY public.messages"));
    }
    let mut leaks = Vec::new();
    for (field, needle) in &needles {
        if logged.contains(needle.as_str()) {
            let line = logged
                .lines()
                .find(|l| l.contains(needle.as_str()))
                .unwrap_or_default();
            leaks.push(format!("{field} in the log: {line}"));
        }
        if let Some(dump) = &dump
            && dump.contains(needle.as_str())
        {
            let line = dump
                .lines()
                .find(|l| l.contains(needle.as_str()))
                .unwrap_or_default();
            leaks.push(format!("{field} in pg_dump: {line}"));
        }
    }
    if dump.is_none() {
        let _ = writeln!(
            std::io::stderr(),
            "pg_dump is not installed: only the log was scanned"
        );
    }
    assert!(
        leaks.is_empty(),
        "personal data leaked:\n{}",
        leaks.join("\n")
    );
}
