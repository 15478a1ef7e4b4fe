//! Email end to end against real servers: real RFC 5322 messages APPENDed to a project-local
//! Dovecot folder are read over IMAP into cases; counselor replies go out in the thread (to a
//! file outbox, or over SMTP to the aiosmtpd sink); crashes at the failpoints lose and
//! duplicate nothing. The servers are started by scripts/test; without them each test says it
//! is skipping.

use hotline::auth::Role;
use hotline::channels::{EmailFailpoint, EmailReader, ReadOutcome, read_mailbox_once};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{EmailBox, TestApp, spawn_app_with_email};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("integrations/email/fixtures/{name}.eml")).unwrap()
}

pub(crate) fn email(
    from: &str,
    subject: &str,
    message_id: &str,
    extra: &str,
    body: &str,
) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: hotline@hotline.example\r\nSubject: {subject}\r\nDate: Mon, 23 Nov 2026 08:00:00 +0700\r\nMessage-ID: <{message_id}>\r\n{extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

async fn cases(app: &TestApp) -> Vec<Value> {
    let counselor = app.staff(Role::Supervisor).await;
    let resp = app.get(&counselor, "/api/v1/cases?channel=email").await;
    let list: Value = resp.json().await.unwrap();
    let mut out = Vec::new();
    for item in list["items"].as_array().unwrap() {
        out.push(app.case(&counselor, item["id"].as_str().unwrap()).await);
    }
    out
}

fn header<'a>(raw: &'a str, name: &str) -> Option<&'a str> {
    raw.lines()
        .find(|l| {
            l.to_lowercase()
                .starts_with(&format!("{}:", name.to_lowercase()))
        })
        .map(|l| l[name.len() + 1..].trim())
}

async fn setup(mailer: &str, env: Vec<(&str, &str)>) -> Option<(TestApp, EmailBox)> {
    spawn_app_with_email(mailer, env).await
}

#[tokio::test]
async fn a_new_email_becomes_a_triaged_case_and_is_marked_seen_only_once_recorded() {
    let Some((app, mut mailbox)) = setup("file", vec![]).await else {
        return;
    };
    mailbox
        .arrives(&email(
            "Somchai <somchai@example.org>",
            "ช่วยด้วย",
            "m1@example.org",
            "",
            "นายจ้างยึดพาสปอร์ตของพี่ชายผม และขังพวกเขาไว้ในโรงงาน",
        ))
        .await;
    assert_eq!(mailbox.unseen().await.len(), 1);
    assert_eq!(app.read_mailbox().await, 1);
    assert!(mailbox.unseen().await.is_empty(), "seen after the commit");

    let cases = cases(&app).await;
    assert_eq!(cases.len(), 1);
    let case = &cases[0];
    assert_eq!(case["channel"], "email");
    assert_eq!(case["language"], "th");
    assert_eq!(case["urgency"]["level"], "critical");
    let message = &case["messages"][0];
    assert_eq!(message["subject"], "ช่วยด้วย");
    assert!(message["text"].as_str().unwrap().contains("ยึดพาสปอร์ต"));
    // Nothing is acknowledged unless the hotline is set to.
    app.run_jobs().await;
    assert!(mailbox.sent().is_empty());
    // Read again: nothing new.
    assert_eq!(app.read_mailbox().await, 0);
    assert_eq!(app.count("cases").await, 1);
}

#[tokio::test]
async fn charsets_html_and_attachments_are_read_and_images_lose_their_location_on_download() {
    let Some((app, mut mailbox)) = setup("file", vec![]).await else {
        return;
    };
    for name in [
        "thai_tis620",
        "html_only",
        "chinese_gb2312",
        "vietnamese_cp1258",
        "attachment_jpeg",
    ] {
        mailbox.arrives(&fixture(name)).await;
    }
    assert_eq!(app.read_mailbox().await, 5);
    let cases = cases(&app).await;
    let texts: Vec<String> = cases
        .iter()
        .flat_map(|c| c["messages"].as_array().unwrap().clone())
        .map(|m| m["text"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.chars().any(|c| ('\u{0E00}'..='\u{0E7F}').contains(&c))),
        "TIS-620 decoded to Thai: {texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))),
        "GB2312 decoded to Chinese"
    );
    assert!(
        texts
            .iter()
            .all(|t| !t.contains("<div") && !t.contains("<p>")),
        "HTML became text"
    );

    let photo = cases
        .iter()
        .flat_map(|c| c["messages"].as_array().unwrap().clone())
        .find_map(|m| m["attachments"].as_array().and_then(|a| a.first().cloned()))
        .expect("the photo is on its case");
    assert_eq!(photo["content_type"], "image/jpeg");
    assert_eq!(photo["stored"], true);
    // A supervisor (a counselor would need to hold the case: need-to-know).
    let counselor = app.staff(Role::Supervisor).await;
    let resp = app
        .get(
            &counselor,
            &format!("/api/v1/attachments/{}", photo["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/octet-stream"
    );
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8]), "still a JPEG");
    assert!(
        !bytes.windows(4).any(|w| w == b"Exif") && !bytes.windows(11).any(|w| w == b"GPSLatitude"),
        "no EXIF or XMP location left"
    );
}

#[tokio::test]
async fn replies_join_their_case_by_headers_or_by_the_reference_in_the_subject() {
    let Some((app, mut mailbox)) = setup("file", vec![]).await else {
        return;
    };
    mailbox
        .arrives(&email(
            "Mai <mai@example.org>",
            "My sister",
            "first@example.org",
            "",
            "My sister works in a factory in Malaysia, they keep her passport.",
        ))
        .await;
    app.read_mailbox().await;
    let case = cases(&app).await.remove(0);
    let id = case["id"].as_str().unwrap().to_owned();
    let reference = case["reference"].as_str().unwrap().to_owned();

    // The counselor answers; the reply continues the sender's thread.
    let counselor = app.staff(Role::Counselor).await;
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{id}/messages"),
            &json!({ "text": "Thank you. Is she safe to talk on the phone?" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    app.run_jobs().await;
    let sent = mailbox.sent();
    assert_eq!(sent.len(), 1);
    let reply = &sent[0];
    assert_eq!(header(reply, "In-Reply-To"), Some("<first@example.org>"));
    assert!(header(reply, "Subject").unwrap().contains(&reference));
    assert_eq!(header(reply, "To"), Some("mai@example.org"));
    let our_id = header(reply, "Message-ID").unwrap().to_owned();

    // Her answer names our message: same case.
    mailbox
        .arrives(&email(
            "Mai <mai@example.org>",
            &format!("Re: My sister [{reference}]"),
            "second@example.org",
            &format!("In-Reply-To: {our_id}\r\nReferences: <first@example.org> {our_id}\r\n"),
            "Yes, after 8 pm.\r\n\r\nOn Mon, 23 Nov 2026 at 09:00, Hotline <hotline@hotline.example> wrote:\r\n> Thank you. Is she safe?",
        ))
        .await;
    // Someone else writes with only the reference in the subject: anyone can type a
    // reference, so it opens a case of its own, marked on both as possibly the same matter.
    mailbox
        .arrives(&email(
            "Brother <brother@example.net>",
            &format!("About case [{reference}]"),
            "third@example.net",
            "",
            "I am her brother, she called me yesterday.",
        ))
        .await;
    assert_eq!(app.read_mailbox().await, 2);
    assert_eq!(app.count("cases").await, 2);
    let case = app.case(&counselor, &id).await;
    let inbound: Vec<&Value> = case["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "inbound")
        .collect();
    assert_eq!(inbound.len(), 2);
    assert!(
        inbound[1]["text"]
            .as_str()
            .unwrap()
            .trim_end()
            .ends_with("Yes, after 8 pm."),
        "{}",
        inbound[1]
    );
    assert!(
        inbound[1]["quoted"]
            .as_str()
            .unwrap()
            .contains("Is she safe?")
    );
    assert!(!case.to_string().contains("I am her brother"));
    let marked: Vec<&Value> = case["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["action"] == "case.possible_link")
        .collect();
    assert_eq!(marked.len(), 1);
    let brothers = marked[0]["details"]["other_case"].as_str().unwrap();
    let supervisor = app.staff(Role::Supervisor).await;
    let theirs = app.case(&supervisor, brothers).await;
    assert!(theirs.to_string().contains("I am her brother"));
    assert_eq!(
        theirs["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["action"] == "case.possible_link")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_forged_sender_with_a_real_reference_gets_the_same_answer_as_a_made_up_reference() {
    let Some((app, mut mailbox)) = setup(
        "file",
        vec![("HOTLINE_CHANNELS__EMAIL__AUTO_ACKNOWLEDGE", "true")],
    )
    .await
    else {
        return;
    };
    mailbox
        .arrives(&email(
            "Mai <mai@example.org>",
            "Help",
            "victim-1@example.org",
            "",
            "They keep my passport.",
        ))
        .await;
    app.read_mailbox().await;
    app.run_jobs().await;
    let reference = cases(&app).await[0]["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let acks_before = mailbox.sent().len();
    for (from, subject, id) in [
        (
            "Boss <boss@example.com>",
            format!("Re: [{reference}] close it"),
            "forged-1@example.com",
        ),
        (
            "Boss <boss@example.com>",
            "Re: [HL-ZZZZZ] close it".to_owned(),
            "forged-2@example.com",
        ),
    ] {
        mailbox
            .arrives(&email(
                from,
                &subject,
                id,
                "",
                "She is safe now, close the case.",
            ))
            .await;
    }
    app.read_mailbox().await;
    app.run_jobs().await;
    // Neither joined the victim's case; both got the same kind of answer: a new case's.
    let all = cases(&app).await;
    assert_eq!(
        all.len(),
        2,
        "the boss's two emails share the boss's own new case"
    );
    let sent = mailbox.sent();
    let acks: Vec<_> = sent[acks_before..].iter().collect();
    assert_eq!(
        acks.len(),
        1,
        "one acknowledgement, for the boss's new case"
    );
    // It names the boss's own new case, never confirms the victim's.
    let boss_case = all
        .iter()
        .find(|c| c["reference"] != reference.as_str())
        .unwrap();
    assert!(acks[0].contains(boss_case["reference"].as_str().unwrap()));
    assert!(!acks[0].contains(&format!("case reference is {reference}")));
}

#[tokio::test]
async fn bounces_auto_replies_and_our_own_mail_open_no_case() {
    let Some((app, mut mailbox)) = setup("file", vec![]).await else {
        return;
    };
    mailbox.arrives(&fixture("bounce")).await;
    mailbox.arrives(&fixture("auto_reply")).await;
    mailbox
        .arrives(&email(
            "Hotline <hotline@hotline.example>",
            "Re: your case",
            "loop@hotline.example",
            "X-Hotline-Loop: 1\r\n",
            "our own message came back",
        ))
        .await;
    assert_eq!(app.read_mailbox().await, 3);
    assert_eq!(app.count("cases").await, 0);
    assert!(mailbox.unseen().await.is_empty());
}

#[tokio::test]
async fn a_crash_after_fetching_or_after_committing_loses_nothing_and_duplicates_nothing() {
    let Some((app, mut mailbox)) = setup("file", vec![]).await else {
        return;
    };
    mailbox
        .arrives(&email(
            "A <a@example.org>",
            "help",
            "crash-1@example.org",
            "",
            "they locked us in the boat",
        ))
        .await;
    mailbox
        .arrives(&email(
            "B <b@example.org>",
            "help",
            "crash-2@example.org",
            "",
            "my daughter is missing since Friday",
        ))
        .await;
    for failpoint in [EmailFailpoint::AfterFetch, EmailFailpoint::AfterCommit] {
        let mut reader = EmailReader::default();
        let result = read_mailbox_once(&app.ctx, &mut reader, failpoint).await;
        assert!(result.is_err(), "{failpoint:?} stops the round");
        reader.release().await;
    }
    // After fetching: nothing recorded. After committing: the first recorded, still unseen.
    assert_eq!(app.count("cases").await, 1);
    assert_eq!(mailbox.unseen().await.len(), 2);

    // The next round (a restarted process) finishes the job, recording each message once.
    let mut reader = EmailReader::default();
    let outcome = read_mailbox_once(&app.ctx, &mut reader, EmailFailpoint::None)
        .await
        .unwrap();
    reader.release().await;
    assert_eq!(outcome, ReadOutcome::Read(2));
    assert_eq!(app.count("cases").await, 2);
    assert_eq!(app.count("messages WHERE channel = 'email'").await, 2);
    assert!(mailbox.unseen().await.is_empty());
}

#[tokio::test]
async fn a_new_case_is_acknowledged_with_its_reference_only_when_configured_and_allowed() {
    let Some((app, mut mailbox)) = setup(
        "file",
        vec![("HOTLINE_CHANNELS__EMAIL__AUTO_ACKNOWLEDGE", "true")],
    )
    .await
    else {
        return;
    };
    mailbox
        .arrives(&email(
            "Lan <lan@example.vn>",
            "giúp em",
            "ack-1@example.vn",
            "",
            "em bị giữ hộ chiếu",
        ))
        .await;
    app.read_mailbox().await;
    app.run_jobs().await;
    let case = cases(&app).await.remove(0);
    let sent = mailbox.sent();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].contains(case["reference"].as_str().unwrap()));
    assert_eq!(header(&sent[0], "Auto-Submitted"), Some("auto-replied"));

    // She asks never to be contacted first; her next case gets no acknowledgement.
    sqlx::query("UPDATE reporters SET never_contact_first = TRUE")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("UPDATE cases SET status = 'closed', closing_reason = 'resolved'")
        .execute(&app.db)
        .await
        .unwrap();
    mailbox
        .arrives(&email(
            "Lan <lan@example.vn>",
            "lại là em",
            "ack-2@example.vn",
            "",
            "em cần giúp",
        ))
        .await;
    app.read_mailbox().await;
    app.run_jobs().await;
    assert_eq!(app.count("cases").await, 2);
    assert_eq!(mailbox.sent().len(), 1);
}

#[tokio::test]
async fn a_counselor_reply_reaches_the_smtp_server_in_the_thread_even_after_an_outage() {
    let Some((app, mut mailbox)) = setup("smtp", vec![]).await else {
        return;
    };
    let sink = std::path::PathBuf::from(std::env::var("HOTLINE_TEST_MAIL_DIR").unwrap());
    mailbox
        .arrives(&email(
            "Noi <noi@example.la>",
            "ຊ່ວຍແດ່",
            "smtp-1@example.la",
            "",
            "ນາຍຈ້າງບໍ່ຈ່າຍເງິນເດືອນ",
        ))
        .await;
    app.read_mailbox().await;
    let case = cases(&app).await.remove(0);
    let id = case["id"].as_str().unwrap().to_owned();
    let counselor = app.staff(Role::Counselor).await;
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    // The server answers 451 once: the reply waits and is retried.
    std::fs::write(sink.join("fail_next"), "1").unwrap();
    let text = format!("ພວກເຮົາຢູ່ນີ້ ({id})");
    app.post(
        &counselor,
        &format!("/api/v1/cases/{id}/messages"),
        &json!({ "text": text }),
    )
    .await;
    app.run_jobs().await;
    let case = app.case(&counselor, &id).await;
    let last = case["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["delivery"], "queued");
    app.advance(3600);
    app.run_jobs().await;
    let case = app.case(&counselor, &id).await;
    assert_eq!(
        case["messages"].as_array().unwrap().last().unwrap()["delivery"],
        "sent"
    );
    // Read it back from what the SMTP server received.
    let received: Vec<String> = std::fs::read_dir(sink.join("messages"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| std::fs::read(e.path()).unwrap())
        .filter_map(|raw| hotline_email::parse::parse_email(&raw, &[]).ok())
        .filter(|m| m.new_text.contains(&id))
        .map(|m| format!("{:?}|{}", m.in_reply_to, m.new_text))
        .collect();
    assert_eq!(received.len(), 1, "delivered once");
    assert!(received[0].contains("smtp-1@example.la"));
    assert!(received[0].contains("ພວກເຮົາຢູ່ນີ້"));
}

#[tokio::test]
async fn with_two_nodes_only_one_reads_the_mailbox_at_a_time() {
    let Some((app, mut mailbox)) = setup("file", vec![]).await else {
        return;
    };
    mailbox
        .arrives(&email(
            "C <c@example.org>",
            "hi",
            "lock-1@example.org",
            "",
            "help",
        ))
        .await;
    let mut first = EmailReader::default();
    let mut second = EmailReader::default();
    let a = read_mailbox_once(&app.ctx, &mut first, EmailFailpoint::None)
        .await
        .unwrap();
    let b = read_mailbox_once(&app.ctx, &mut second, EmailFailpoint::None)
        .await
        .unwrap();
    assert_eq!((a, b), (ReadOutcome::Read(1), ReadOutcome::NotLeader));
    // When the first lets go, the second takes over.
    first.release().await;
    let b = read_mailbox_once(&app.ctx, &mut second, EmailFailpoint::None)
        .await
        .unwrap();
    assert_eq!(b, ReadOutcome::Read(0));
    second.release().await;
    assert_eq!(app.count("cases").await, 1);
}

#[tokio::test]
async fn a_bounce_marks_the_returned_reply_as_failed_on_its_case() {
    let Some((app, mut mailbox)) = setup("file", vec![]).await else {
        return;
    };
    mailbox
        .arrives(&email(
            "D <d@example.org>",
            "help",
            "b-1@example.org",
            "",
            "they hold my passport",
        ))
        .await;
    app.read_mailbox().await;
    let case = cases(&app).await.remove(0);
    let id = case["id"].as_str().unwrap().to_owned();
    let counselor = app.staff(Role::Counselor).await;
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    app.post(
        &counselor,
        &format!("/api/v1/cases/{id}/messages"),
        &json!({ "text": "We read your message." }),
    )
    .await;
    app.run_jobs().await;
    let sent = mailbox.sent();
    let ours = header(&sent[0], "Message-ID").unwrap().to_owned();
    let bounce = String::from_utf8(fixture("bounce"))
        .unwrap()
        .replace("<referral-H-1.0002@hotline.example>", &ours);
    mailbox.arrives(bounce.as_bytes()).await;
    app.read_mailbox().await;
    assert_eq!(app.count("cases").await, 1, "a bounce opens no case");
    let case = app.case(&counselor, &id).await;
    let reply = case["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["direction"] == "outbound")
        .unwrap()
        .clone();
    assert_eq!(reply["delivery"], "failed");
    assert!(reply["delivery_error"].as_str().unwrap().contains("bounce"));
}
