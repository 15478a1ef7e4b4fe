//! Referrals (issue 14): the case record, the partner directory and its suggestions, consent,
//! packets per partner type, the email through a real SMTP server, the partner's signed link,
//! escalation and re-referral.

use hotline::auth::Role;
use hotline::referrals::link;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Options, Staff, TestApp, phone_report, spawn_app, spawn_app_with};

async fn put(app: &TestApp, who: &Staff, path: &str, body: &Value) -> Response {
    app.client
        .put(app.url(path))
        .bearer_auth(&who.token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn patch(app: &TestApp, who: &Staff, path: &str, body: &Value) -> Response {
    app.client
        .patch(app.url(path))
        .bearer_auth(&who.token)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// A phone report from `area` in `country` with these answers, claimed by `who`; its id.
pub(crate) async fn claimed_case(
    app: &TestApp,
    who: &Staff,
    country: &str,
    area: &str,
    answers: Value,
) -> String {
    let mut body = phone_report("ข้อความทดสอบ: นายจ้างยึดบัตร");
    body["location"] = json!({ "country": country, "area": area });
    body["answers"] = answers;
    let case = app.report(who, &body).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let resp = app
        .post(who, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    id
}

fn minor_record() -> Value {
    json!({
        "sex": "female", "age": 16, "age_band": "under_18", "nationality": "TH",
        "languages": ["th"], "origin": {"country": "TH", "province": "Songkhla"},
        "location": {"country": "TH", "province": "Songkhla", "district": "Hat Yai"},
        "destination_country": null, "exploitation": ["sexual_exploitation"],
        "status": "presumed", "official_outcome": null
    })
}

fn scam_compound_record() -> Value {
    json!({
        "sex": "male", "age_band": "adult", "nationality": "KH", "languages": ["km"],
        "origin": {"country": "KH", "province": "Kampot"},
        "location": {"country": "MM", "province": "Kayin"},
        "destination_country": "MM", "exploitation": ["scam_compound", "forced_labour"],
        "status": "potential"
    })
}

pub(crate) async fn demo_directory(app: &TestApp) {
    hotline::partners::demo::load(&app.ctx).await.unwrap();
}

pub(crate) async fn partner_named(app: &TestApp, who: &Staff, part: &str) -> Value {
    let resp = app.get(who, "/api/v1/partners").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"].as_str().unwrap().contains(part))
        .unwrap_or_else(|| panic!("no partner named {part}"))
        .clone()
}

async fn suggestions(app: &TestApp, who: &Staff, case: &str) -> Vec<Value> {
    let resp = app
        .get(who, &format!("/api/v1/cases/{case}/partner-suggestions"))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_case_record_is_shown_on_the_case_sealed_at_rest_and_unknown_values_name_their_field() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let id = claimed_case(&app, &c, "TH", "Songkhla", json!({})).await;
    let path = format!("/api/v1/cases/{id}/record");

    let resp = put(&app, &c, &path, &minor_record()).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let case: Value = resp.json().await.unwrap();
    assert_eq!(case["record"]["age_band"], "under_18");
    assert_eq!(case["record"]["location"]["district"], "Hat Yai");
    assert_eq!(
        case["record"]["exploitation"],
        json!(["sexual_exploitation"])
    );
    assert_eq!(app.case(&c, &id).await["record"]["status"], "presumed");

    let (sealed,): (Vec<u8>,) = sqlx::query_as("SELECT record_enc FROM case_records")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert!(!String::from_utf8_lossy(&sealed).contains("Hat Yai"));

    for (change, field) in [
        (json!({"exploitation": ["slavery"]}), "exploitation[0]"),
        (json!({"status": "identified"}), "status"),
        (json!({"sex": "f"}), "sex"),
        (json!({"nationality": "XX"}), "nationality"),
        (json!({"languages": ["not a tag"]}), "languages[0]"),
        (
            json!({"origin": {"country": "TH", "village": "x"}}),
            "origin.village",
        ),
        (json!({"official_outcome": "rescued"}), "official_outcome"),
    ] {
        let mut body = minor_record();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let resp = put(&app, &c, &path, &body).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{change}");
        let err: Value = resp.json().await.unwrap();
        assert_eq!(err["error"]["field"], field, "{change}: {err}");
    }
    // Someone who does not hold the case cannot write its record.
    let other = app.staff(Role::Counselor).await;
    assert_eq!(
        put(&app, &other, &path, &minor_record()).await.status(),
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn supervisors_keep_the_directory_and_only_they_see_a_shelters_address() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let s = app.staff(Role::Supervisor).await;
    let shelter = json!({
        "name": "Test shelter", "type": "shelter", "country": "TH",
        "coverage": {"provinces": ["Songkhla"]}, "languages": ["th"], "hours": "24h",
        "referral_email": "shelter@example.org", "phone": "+66 74 000 000",
        "services": ["shelter", "child_protection"], "street_address": "7 Secret Lane"
    });
    assert_eq!(
        app.post(&c, "/api/v1/partners", &shelter).await.status(),
        StatusCode::FORBIDDEN
    );
    let resp = app.post(&s, "/api/v1/partners", &shelter).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let created: Value = resp.json().await.unwrap();
    assert_eq!(created["street_address"], "7 Secret Lane");
    assert_eq!(created["stale"], false);
    let id = created["id"].as_str().unwrap();

    let seen: Value = app
        .get(&c, &format!("/api/v1/partners/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["name"], "Test shelter");
    assert!(seen.get("street_address").is_none());
    let listed = app.get(&c, "/api/v1/partners").await.text().await.unwrap();
    assert!(!listed.contains("Secret Lane"));

    // Not verified for longer than referrals.stale_after_days (180): flagged.
    let resp = patch(
        &app,
        &s,
        &format!("/api/v1/partners/{id}"),
        &json!({"verified_at": "2026-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let changed: Value = resp.json().await.unwrap();
    assert_eq!(changed["stale"], true);
    assert_eq!(
        changed["street_address"], "7 Secret Lane",
        "a change keeps the address"
    );

    let resp = patch(
        &app,
        &s,
        &format!("/api/v1/partners/{id}"),
        &json!({"hours": {"time_zone": "Mars/Base", "weekly": []}}),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let err: Value = resp.json().await.unwrap();
    assert_eq!(err["error"]["field"], "hours.time_zone");
}

#[tokio::test]
async fn a_minor_in_songkhla_and_an_adult_cambodian_in_a_scam_compound_get_different_partners() {
    let app = spawn_app().await;
    demo_directory(&app).await;
    let c = app.staff(Role::Counselor).await;

    let minor = claimed_case(&app, &c, "TH", "Songkhla", json!({ "minor": "yes" })).await;
    put(
        &app,
        &c,
        &format!("/api/v1/cases/{minor}/record"),
        &minor_record(),
    )
    .await;
    let items = suggestions(&app, &c, &minor).await;
    let first = &items[0];
    let reasons: Vec<&str> = first["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(reasons.contains(&"child protection for a minor"), "{first}");
    assert!(reasons.contains(&"covers Songkhla"), "{first}");
    assert!(
        items.iter().all(|i| i["partner"]["type"] != "embassy"),
        "no embassy for a Thai child at home"
    );
    assert!(
        items
            .iter()
            .all(|i| i["partner"].get("street_address").is_none())
    );

    let abroad = claimed_case(&app, &c, "MM", "Myawaddy", json!({ "abroad": "yes" })).await;
    put(
        &app,
        &c,
        &format!("/api/v1/cases/{abroad}/record"),
        &scam_compound_record(),
    )
    .await;
    let items = suggestions(&app, &c, &abroad).await;
    let first = &items[0];
    assert_eq!(first["partner"]["type"], "embassy", "{items:#?}");
    assert!(
        first["partner"]["name"]
            .as_str()
            .unwrap()
            .contains("Yangon")
    );
    let reasons = first["reasons"].to_string();
    assert!(
        reasons.contains("handles people from KH in MM"),
        "{reasons}"
    );
    assert!(reasons.contains("consular help for someone abroad"));
    assert!(reasons.contains("speaks km"));
    // The Cambodian embassy in Bangkok handles Cambodians in Thailand, not in Myanmar.
    assert!(
        items
            .iter()
            .all(|i| !i["partner"]["name"].as_str().unwrap().contains("Bangkok"))
    );
    assert!(
        items
            .iter()
            .all(|i| i["partner"]["name"] != first["partner"]["name"] || i == first)
    );
}

#[tokio::test]
async fn without_consent_a_referral_is_refused_and_an_override_is_sent_audited_and_listed() {
    let app = spawn_app().await;
    demo_directory(&app).await;
    let c = app.staff(Role::Counselor).await;
    let s = app.staff(Role::Supervisor).await;
    let case = claimed_case(
        &app,
        &c,
        "TH",
        "Songkhla",
        json!({ "minor": "yes", "threat_violence": "yes" }),
    )
    .await;
    put(
        &app,
        &c,
        &format!("/api/v1/cases/{case}/record"),
        &minor_record(),
    )
    .await;
    let police = partner_named(&app, &c, "Songkhla Provincial Police").await;
    let path = format!("/api/v1/cases/{case}/referrals");
    let form =
        json!({ "partner_id": police["id"], "summary": "A 16-year-old held in a karaoke bar" });

    let resp = app.post(&c, &path, &form).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let err: Value = resp.json().await.unwrap();
    assert_eq!(err["error"]["code"], "consent_required");
    assert_eq!(app.count("referrals").await, 0);

    // She refused the police; refusal is not consent.
    let refusal = json!({ "partner_id": police["id"], "given_by": "person", "how": "phone", "purpose": "rescue", "granted": false });
    assert_eq!(
        app.post(&c, &format!("/api/v1/cases/{case}/consents"), &refusal)
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        app.post(&c, &path, &form).await.status(),
        StatusCode::CONFLICT
    );

    let mut overridden = form.clone();
    overridden["override"] = json!({ "reason": "not_a_reason", "text": "x" });
    let resp = app.post(&c, &path, &overridden).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let err: Value = resp.json().await.unwrap();
    assert_eq!(err["error"]["field"], "override.reason");

    overridden["override"] =
        json!({ "reason": "minor_at_risk", "text": "a child held against her will" });
    let resp = app.post(&c, &path, &overridden).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let sent: Value = resp.json().await.unwrap();
    assert_eq!(sent["status"], "requested");
    assert_eq!(sent["consent"], "override");
    assert_eq!(sent["closed_now"], false, "the police unit is open 24 h");
    assert_eq!(sent["phone"], "+66 74 000 002");

    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM audit_log WHERE action = 'referral.consent_overridden' AND details->>'reason' = 'minor_at_risk'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        app.get(&c, "/api/v1/referral-overrides").await.status(),
        StatusCode::FORBIDDEN
    );
    let listed: Value = app
        .get(&s, "/api/v1/referral-overrides")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["referral_id"], sent["id"]);
    assert_eq!(listed["items"][0]["reason"], "minor_at_risk");
    assert_eq!(listed["items"][0]["text"], "a child held against her will");
    assert_eq!(listed["items"][0]["by"], c.email.as_str());
    assert!(listed["items"][0]["at"].is_string());

    // Supervisors see the same list on the dashboard, with the escalations.
    let cookie = console_cookie(&app, &s).await;
    let html = app
        .get_page("/console/dashboard", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    let panel = &html[html
        .find("id=\"consent-overrides\"")
        .expect("the overrides panel")..];
    assert!(panel.contains(sent["reference"].as_str().unwrap()));
    assert!(panel.contains("a child held against her will"));
    assert!(panel.contains(c.email.as_str()));
    assert!(html.contains("overrides-title"));
}

#[tokio::test]
async fn the_police_and_the_shelter_receive_only_their_fields_and_nobody_the_shelter_address() {
    let app = spawn_app().await;
    demo_directory(&app).await;
    let c = app.staff(Role::Counselor).await;
    let case = claimed_case(
        &app,
        &c,
        "TH",
        "Songkhla",
        json!({ "minor": "yes", "threat_violence": "yes", "documents_seized": "yes" }),
    )
    .await;
    put(
        &app,
        &c,
        &format!("/api/v1/cases/{case}/record"),
        &minor_record(),
    )
    .await;
    let police = partner_named(&app, &c, "Songkhla Provincial Police").await;
    let shelter = partner_named(&app, &c, "Welfare Protection Center").await;
    for partner_type in ["police", "shelter"] {
        let consent = json!({ "partner_type": partner_type, "given_by": "guardian", "how": "phone", "purpose": "safety and a place to stay", "granted": true });
        assert_eq!(
            app.post(&c, &format!("/api/v1/cases/{case}/consents"), &consent)
                .await
                .status(),
            StatusCode::CREATED
        );
    }
    let path = format!("/api/v1/cases/{case}/referrals");

    // The preview is the exact packet, and writes nothing.
    let form = json!({ "partner_id": police["id"], "summary": "Held in a bar; guarded at night" });
    let resp = app.post(&c, &format!("{path}?preview=true"), &form).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let preview: Value = resp.json().await.unwrap();
    assert_eq!(app.count("referrals").await, 0);
    let sent: Value = app.post(&c, &path, &form).await.json().await.unwrap();
    assert_eq!(sent["packet"], preview["packet"]);
    let packet = &sent["packet"];
    let keys: Vec<&String> = packet.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "danger_indicators",
            "location",
            "reference",
            "safe_contact",
            "summary",
            "urgency"
        ]
    );
    assert_eq!(packet["location"]["province"], "Songkhla");
    assert_eq!(packet["safe_contact"]["phone"], "+66812345678");
    assert_eq!(packet["safe_contact"]["safe_hours"], "18:00-20:00");
    assert!(
        packet["danger_indicators"]
            .as_array()
            .unwrap()
            .contains(&json!("threat_violence"))
    );

    let sent: Value = app
        .post(
            &c,
            &path,
            &json!({ "partner_id": shelter["id"], "summary": "Needs a safe place tonight" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let packet = &sent["packet"];
    let keys: Vec<&String> = packet.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "age_band",
            "languages",
            "needs",
            "reference",
            "sex",
            "summary",
            "urgency"
        ]
    );
    assert_eq!(packet["age_band"], "under_18");
    assert!(
        !packet.to_string().contains("+66812345678"),
        "no phone number to the shelter"
    );

    let all = app
        .get(&c, &format!("/api/v1/cases/{case}/referrals"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !all.contains("Example Road"),
        "the shelter's address is in no packet"
    );
    let referrals: Value = serde_json::from_str(&all).unwrap();
    assert_eq!(referrals["items"].as_array().unwrap().len(), 2);
    assert_eq!(referrals["items"][0]["steps"][0]["status"], "requested");
    assert_eq!(
        referrals["items"][0]["steps"][0]["by_user"],
        c.email.as_str()
    );
}

/// A private instance of the SMTP sink the email tests use (config/mail/smtp_sink.py), so its
/// `fail_next` is ours alone. `None` when the test mail servers are not installed.
struct Sink {
    child: std::process::Child,
    dir: std::path::PathBuf,
    port: u16,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_sink() -> Option<Sink> {
    if std::env::var("HOTLINE_TEST_SMTP_PORT").is_err() {
        eprintln!("skipping: the test mail servers are not running (scripts/test starts them)");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join(format!("hotline-sink-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let python = if std::path::Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    };
    let child = std::process::Command::new(python)
        .args(["config/mail/smtp_sink.py", "--dir"])
        .arg(&dir)
        .args(["--port", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let sink = Sink { child, dir, port };
    // Waiting for another process to listen is not waiting for time to pass.
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", sink.port))
            .await
            .is_ok()
        {
            return Some(sink);
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the SMTP sink did not start");
}

#[tokio::test]
async fn the_email_holds_no_personal_data_and_arrives_through_smtp_after_a_451() {
    let Some(sink) = start_sink().await else {
        return;
    };
    // SMTP settings alone: no mailbox is read.
    let app = spawn_app_with(Options {
        extra_env: vec![
            (
                "HOTLINE_CHANNELS__EMAIL__SMTP_HOST".into(),
                "127.0.0.1".into(),
            ),
            (
                "HOTLINE_CHANNELS__EMAIL__SMTP_PORT".into(),
                sink.port.to_string(),
            ),
            ("HOTLINE_CHANNELS__EMAIL__SMTP_TLS".into(), "none".into()),
            (
                "HOTLINE_CHANNELS__EMAIL__FROM".into(),
                "hotline@hotline.example".into(),
            ),
            (
                "HOTLINE_REFERRALS__PUBLIC_BASE_URL".into(),
                "https://hotline.example".into(),
            ),
        ],
        ..Options::default()
    })
    .await;
    demo_directory(&app).await;
    let c = app.staff(Role::Counselor).await;
    let case = claimed_case(&app, &c, "TH", "Songkhla", json!({ "minor": "yes" })).await;
    put(
        &app,
        &c,
        &format!("/api/v1/cases/{case}/record"),
        &minor_record(),
    )
    .await;
    let shelter = partner_named(&app, &c, "Welfare Protection Center").await;
    let consent = json!({ "partner_id": shelter["id"], "given_by": "person", "how": "phone", "purpose": "shelter", "granted": true });
    app.post(&c, &format!("/api/v1/cases/{case}/consents"), &consent)
        .await;

    std::fs::write(sink.dir.join("fail_next"), "1").unwrap();
    let summary = "Somchai's niece, locked in room 4";
    let sent: Value = app
        .post(
            &c,
            &format!("/api/v1/cases/{case}/referrals"),
            &json!({ "partner_id": shelter["id"], "summary": summary }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sent["email_queued"], true);
    app.run_jobs().await;
    let listed: Value = app
        .get(&c, &format!("/api/v1/cases/{case}/referrals"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["items"][0]["email"]["delivery"], "pending",
        "451: waits and retries"
    );
    assert!(
        listed["items"][0]["email"]["last_error"]
            .as_str()
            .unwrap()
            .contains("451")
    );

    app.advance(3600);
    app.run_jobs().await;
    let listed: Value = app
        .get(&c, &format!("/api/v1/cases/{case}/referrals"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["email"]["delivery"], "sent");

    let messages: Vec<Vec<u8>> = std::fs::read_dir(sink.dir.join("messages"))
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    assert_eq!(messages.len(), 1, "delivered once");
    let mail = hotline_email::parse::parse_email(&messages[0], &[]).unwrap();
    let text = format!(
        "{}\n{}\n{}",
        mail.subject.clone().unwrap_or_default(),
        mail.new_text,
        mail.quoted_text
    );
    let reference = sent["reference"].as_str().unwrap();
    assert!(text.contains(reference), "{text}");
    assert_eq!(mail.to, ["songkhla-shelter@example.org"]);
    for personal in [
        "Somchai",
        "room 4",
        "+66812345678",
        "Songkhla",
        "Hat Yai",
        "under_18",
        "ข้อความ",
        "female",
    ] {
        assert!(!text.contains(personal), "the email holds {personal}");
    }
    let url = sent["link"].as_str().unwrap();
    assert!(url.starts_with("https://hotline.example/r/"));
    let token = url.rsplit('/').next().unwrap();
    assert!(text.contains(token), "the link is in the email");

    // The link opens the packet, and the view is audited.
    let page = app.get_page(&format!("/r/{token}"), None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("locked in room 4"));
    assert!(!html.contains("Example Road"));
    let (views,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM audit_log WHERE action = 'referral.viewed_by_partner'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(views, 1);
}

/// A case with a police referral sent under consent; (case id, referral JSON, token).
pub(crate) async fn referred(app: &TestApp, c: &Staff, answers: Value) -> (String, Value, String) {
    demo_directory(app).await;
    let case = claimed_case(app, c, "TH", "Songkhla", answers).await;
    let police = partner_named(app, c, "Songkhla Provincial Police").await;
    let consent = json!({ "partner_type": "police", "given_by": "person", "how": "chat", "purpose": "rescue", "granted": true });
    app.post(c, &format!("/api/v1/cases/{case}/consents"), &consent)
        .await;
    let resp = app
        .post(
            c,
            &format!("/api/v1/cases/{case}/referrals"),
            &json!({ "partner_id": police["id"], "summary": "Held at a construction site" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let sent: Value = resp.json().await.unwrap();
    let token = sent["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    (case, sent, token)
}

pub(crate) async fn partner_posts(
    app: &TestApp,
    token: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let resp = app
        .client
        .post(app.url(&format!("/r/{token}")))
        .form(form)
        .send()
        .await
        .unwrap();
    (resp.status(), resp.text().await.unwrap())
}

async fn steps_of(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as("SELECT status, by_kind FROM referral_steps ORDER BY at, id")
        .fetch_all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_link_works_once_per_step_and_a_tampered_foreign_revoked_or_expired_one_changes_nothing()
 {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let (case, sent, token) = referred(&app, &c, json!({})).await;

    // Tampered: one character changed.
    let mut tampered = token.clone().into_bytes();
    tampered[10] = if tampered[10] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let (status, html) = partner_posts(&app, &tampered, &[("action", "accept")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("not valid"));
    assert!(!html.contains("construction site"));
    assert_eq!(
        app.get_page(&format!("/r/{tampered}"), None).await.status(),
        StatusCode::NOT_FOUND
    );

    // Another referral's link: correctly signed, but for another partner of this referral.
    let foreign = link::sign(
        &app.ctx.keys,
        link::LinkClaims {
            referral_id: sent["id"].as_str().unwrap().parse().unwrap(),
            partner_id: uuid::Uuid::new_v4(),
            version: 1,
            expires_at: app.clock_now() + chrono::Duration::days(1),
        },
    );
    let (status, _) = partner_posts(&app, &foreign, &[("action", "accept")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(steps_of(&app).await.len(), 1, "only the request so far");

    // The same step twice is recorded once.
    let (status, html) = partner_posts(&app, &token, &[("action", "acknowledge")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("recorded"));
    let (status, html) = partner_posts(&app, &token, &[("action", "acknowledge")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("already recorded"));
    assert_eq!(
        steps_of(&app).await,
        [
            ("requested".to_owned(), "staff".to_owned()),
            ("received".to_owned(), "partner".to_owned())
        ]
    );
    // An outcome before accepting is not possible; a decline needs its reason.
    let (status, _) = partner_posts(
        &app,
        &token,
        &[("action", "outcome"), ("outcome", "rescued")],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = partner_posts(&app, &token, &[("action", "decline")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = partner_posts(&app, &token, &[("action", "accept")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = partner_posts(
        &app,
        &token,
        &[
            ("action", "outcome"),
            ("outcome", "rescued"),
            ("note", "safe now"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = partner_posts(
        &app,
        &token,
        &[("action", "outcome"), ("outcome", "not_found")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "a second outcome changes nothing");
    let listed: Value = app
        .get(&c, &format!("/api/v1/cases/{case}/referrals"))
        .await
        .json()
        .await
        .unwrap();
    let r = &listed["items"][0];
    assert_eq!(r["status"], "completed");
    assert_eq!(r["outcome"], "rescued");
    assert_eq!(r["outcome_note"], "safe now");
    assert_eq!(r["steps"].as_array().unwrap().len(), 4);

    // Revoked: the counselor withdraws the link.
    let resp = app
        .post_empty(
            &c,
            &format!(
                "/api/v1/referrals/{}/revoke-link",
                sent["id"].as_str().unwrap()
            ),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page = app.get_page(&format!("/r/{token}"), None).await;
    assert_eq!(page.status(), StatusCode::GONE);
    assert!(page.text().await.unwrap().contains("withdrawn"));
}

#[tokio::test]
async fn an_expired_link_shows_a_plain_page_and_changes_nothing() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let (_, _, token) = referred(&app, &c, json!({})).await;
    assert_eq!(
        app.get_page(&format!("/r/{token}"), None).await.status(),
        StatusCode::OK
    );
    app.advance(31 * 86400); // referrals.link_days is 30
    let (status, html) = partner_posts(&app, &token, &[("action", "accept")]).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains("expired"));
    assert_eq!(steps_of(&app).await.len(), 1);
}

#[tokio::test]
async fn a_referral_not_acknowledged_in_time_is_escalated_with_the_next_partner() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let s = app.staff(Role::Supervisor).await;
    // threat_violence makes the case critical: 15 minutes to acknowledge.
    let (case, sent, _) = referred(&app, &c, json!({ "threat_violence": "yes" })).await;
    assert_eq!(sent["packet"]["urgency"], "critical");
    app.advance(899);
    app.run_jobs().await;
    let open: Value = app
        .get(&s, "/api/v1/referral-escalations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(open["items"].as_array().unwrap().len(), 0, "not yet due");

    app.advance(2);
    app.run_jobs().await;
    let open: Value = app
        .get(&s, "/api/v1/referral-escalations")
        .await
        .json()
        .await
        .unwrap();
    let items = open["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["referral_id"], sent["id"]);
    assert!(items[0]["next_partner_id"].is_string());
    assert_ne!(items[0]["next_partner_id"], sent["partner"]["id"]);

    // The counselor takes the case again, reaches the partner by phone and records the
    // acknowledgement: settled.
    let resp = app
        .post(&c, "/api/v1/queue/claim", &json!({ "case_id": case }))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = app
        .post(
            &c,
            &format!("/api/v1/referrals/{}/status", sent["id"].as_str().unwrap()),
            &json!({ "status": "received" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let r: Value = resp.json().await.unwrap();
    assert_eq!(r["steps"][1]["by"], "staff");
    let open: Value = app
        .get(&s, "/api/v1/referral-escalations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(open["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn an_acknowledged_referral_is_not_escalated() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let s = app.staff(Role::Supervisor).await;
    let (_, _, token) = referred(&app, &c, json!({ "threat_violence": "yes" })).await;
    partner_posts(&app, &token, &[("action", "acknowledge")]).await;
    app.advance(3600);
    app.run_jobs().await;
    let open: Value = app
        .get(&s, "/api/v1/referral-escalations")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(open["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_declined_referral_prompts_a_re_referral_to_another_partner() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let (case, sent, token) = referred(&app, &c, json!({})).await;
    let (status, _) = partner_posts(
        &app,
        &token,
        &[("action", "decline"), ("reason", "outside our district")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let listed: Value = app
        .get(&c, &format!("/api/v1/cases/{case}/referrals"))
        .await
        .json()
        .await
        .unwrap();
    let r = &listed["items"][0];
    assert_eq!(r["status"], "rejected");
    assert_eq!(r["decline_reason"], "outside our district");
    let next = &r["re_referral"];
    assert!(next["id"].is_string(), "{r}");
    assert_ne!(next["id"], sent["partner"]["id"]);
    assert!(!next["reasons"].as_array().unwrap().is_empty());
    // A declined referral cannot be accepted afterwards.
    let (status, _) = partner_posts(&app, &token, &[("action", "accept")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let resp = app
        .post(
            &c,
            &format!("/api/v1/referrals/{}/status", sent["id"].as_str().unwrap()),
            &json!({ "status": "accepted" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_hsds_import_with_a_bad_entry_imports_nothing_and_names_the_entry_and_field() {
    use hotline::partners::exchange::{Format, export, import};
    let source = spawn_app().await;
    demo_directory(&source).await;
    let text = export(&source.ctx, Format::Hsds).await.unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["organizations"][3]["x_hotline"]["country"] = json!("XX");
    doc["organizations"][5]["services"][0]["email"] = json!("not an address");

    let app = spawn_app().await;
    let errors = import(&app.ctx, Format::Hsds, &doc.to_string())
        .await
        .unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{shown:?}");
    assert_eq!(
        (errors[0].place.as_str(), errors[0].field.as_str()),
        ("organizations[3]", "country")
    );
    assert_eq!(
        (errors[1].place.as_str(), errors[1].field.as_str()),
        ("organizations[5]", "referral_email")
    );
    assert_eq!(app.count("partners").await, 0, "nothing half-imported");

    // A CSV row names its line.
    let csv = export(&source.ctx, Format::Csv).await.unwrap();
    let broken = csv.replacen(",police,TH,", ",polis,TH,", 1);
    let errors = import(&app.ctx, Format::Csv, &broken).await.unwrap_err();
    assert_eq!(errors.len(), 1);
    let line = broken
        .lines()
        .position(|l| l.contains(",polis,TH,"))
        .unwrap()
        + 1;
    assert_eq!(errors[0].place, format!("line {line}"));
    assert_eq!(errors[0].field, "type");
    assert_eq!(app.count("partners").await, 0);
}

#[tokio::test]
async fn the_directory_survives_an_hsds_and_a_csv_round_trip_without_the_shelter_address() {
    use hotline::partners::exchange::{Format, export, import};
    let source = spawn_app().await;
    demo_directory(&source).await;
    for format in [Format::Hsds, Format::Csv] {
        let first = export(&source.ctx, format).await.unwrap();
        assert!(
            !first.contains("Example Road"),
            "addresses are never exported"
        );
        assert!(first.contains("demo-kh-embassy-yangon"));
        let app = spawn_app().await;
        assert_eq!(import(&app.ctx, format, &first).await.unwrap(), 17);
        // Importing again updates the same entries.
        assert_eq!(import(&app.ctx, format, &first).await.unwrap(), 17);
        assert_eq!(app.count("partners").await, 17);
        let second = export(&app.ctx, format).await.unwrap();
        assert_eq!(first, second, "{format:?}");
    }
}

pub(crate) async fn console_cookie(app: &TestApp, who: &Staff) -> String {
    let resp = crate::console::sign_in(app, &who.email, &who.password).await;
    let session = crate::console::cookie_value(&resp, "hotline_session").unwrap();
    format!("hotline_session={session}")
}

#[tokio::test]
async fn the_console_shows_the_directory_and_a_referral_card_with_ranked_partners() {
    let app = spawn_app().await;
    demo_directory(&app).await;
    let c = app.staff(Role::Counselor).await;
    let s = app.staff(Role::Supervisor).await;

    let page = app
        .get_page("/console/partners", Some(&console_cookie(&app, &c).await))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Royal Embassy of Cambodia in Yangon"));
    assert!(
        !html.contains("Example Road"),
        "no shelter address for a counselor"
    );
    assert!(!html.contains("⟦"), "every word is translated");
    let html = app
        .get_page("/console/partners", Some(&console_cookie(&app, &s).await))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Example Road"), "supervisors see it");

    let case = claimed_case(&app, &c, "TH", "Songkhla", json!({ "minor": "yes" })).await;
    let (_, _, token) = {
        let police = partner_named(&app, &c, "Songkhla Provincial Police").await;
        let consent = json!({ "partner_id": police["id"], "given_by": "parent", "how": "phone", "purpose": "rescue", "granted": true });
        app.post(&c, &format!("/api/v1/cases/{case}/consents"), &consent)
            .await;
        let sent: Value = app
            .post(
                &c,
                &format!("/api/v1/cases/{case}/referrals"),
                &json!({ "partner_id": police["id"], "summary": "x" }),
            )
            .await
            .json()
            .await
            .unwrap();
        (
            (),
            (),
            sent["link"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned(),
        )
    };
    let html = app
        .get_page(
            &format!("/console/cases/{case}"),
            Some(&console_cookie(&app, &c).await),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"referral-form\""));
    assert!(html.contains("id=\"referral-preview\""));
    assert!(html.contains("child protection for a minor"));
    assert!(html.contains("Sent, waiting for acknowledgement"));
    assert!(!html.contains("⟦"));

    // The partner's page follows the browser's language.
    let thai = app
        .client
        .get(app.url(&format!("/r/{token}")))
        .header("Accept-Language", "th")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(thai.contains("ยืนยันว่าได้รับแล้ว"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_browser_a_counselor_previews_and_sends_a_referral_and_the_partner_acknowledges() {
    if !crate::helpers::browser_ready("referral browser test") {
        return;
    }
    let app = spawn_app().await;
    demo_directory(&app).await;
    let c = app.staff(Role::Counselor).await;
    let case = claimed_case(&app, &c, "TH", "Songkhla", json!({ "minor": "yes" })).await;
    let args = vec![
        app.address.clone(),
        c.email.clone(),
        c.password.clone(),
        case.clone(),
    ];
    crate::helpers::run_browser_script("referrals.mjs", args, "referrals browser: ok").await;

    // The link the email carried (the same token the server signs).
    let (id, partner, expires): (uuid::Uuid, uuid::Uuid, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as("SELECT id, partner_id, link_expires_at FROM referrals")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let token = link::sign(
        &app.ctx.keys,
        link::LinkClaims {
            referral_id: id,
            partner_id: partner,
            version: 1,
            expires_at: expires,
        },
    );
    let args = vec!["--partner".to_owned(), app.url(&format!("/r/{token}"))];
    crate::helpers::run_browser_script("referrals.mjs", args, "referrals browser: ok").await;
    assert_eq!(
        steps_of(&app).await,
        [
            ("requested".to_owned(), "staff".to_owned()),
            ("received".to_owned(), "partner".to_owned())
        ]
    );
}

#[tokio::test]
async fn a_partner_confirms_its_entry_once_through_its_link_and_a_correction_reaches_supervisors() {
    let app = spawn_app().await;
    demo_directory(&app).await;
    let c = app.staff(Role::Counselor).await;
    let shelter = partner_named(&app, &c, "Welfare Protection Center").await;
    let id = shelter["id"].as_str().unwrap();
    // Not verified for longer than stale_after_days.
    app.advance(400 * 86400);
    // API tokens expire after auth.token_days: 400 days on, staff work with new ones.
    let c = app.staff(Role::Counselor).await;
    let s = app.staff(Role::Supervisor).await;
    let seen: Value = app
        .get(&s, &format!("/api/v1/partners/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["stale"], true);

    let path = format!("/api/v1/partners/{id}/entry-link");
    assert_eq!(
        app.post_empty(&c, &path).await.status(),
        StatusCode::FORBIDDEN
    );
    let resp = app.post_empty(&s, &path).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let link: Value = resp.json().await.unwrap();
    let token = link["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.count("referral_emails").await,
        1,
        "queued in the outbox"
    );

    // A referral's token is not an entry token, and the reverse.
    let (_, _, referral_token) = {
        let case = claimed_case(&app, &c, "TH", "Songkhla", json!({})).await;
        let consent = json!({ "partner_id": id, "given_by": "person", "how": "phone", "purpose": "x", "granted": true });
        app.post(&c, &format!("/api/v1/cases/{case}/consents"), &consent)
            .await;
        let sent: Value = app
            .post(
                &c,
                &format!("/api/v1/cases/{case}/referrals"),
                &json!({ "partner_id": id, "summary": "x" }),
            )
            .await
            .json()
            .await
            .unwrap();
        (
            (),
            (),
            sent["link"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned(),
        )
    };
    assert_eq!(
        app.get_page(&format!("/p/{referral_token}"), None)
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_page(&format!("/r/{token}"), None).await.status(),
        StatusCode::NOT_FOUND
    );

    let page = app.get_page(&format!("/p/{token}"), None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Welfare Protection Center"));
    assert!(
        !html.contains("Example Road"),
        "not even the partner's own page shows the address"
    );
    let resp = app
        .client
        .post(app.url(&format!("/p/{token}")))
        .form(&[("action", "confirm")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let seen: Value = app
        .get(&s, &format!("/api/v1/partners/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["stale"], false);
    // Used once.
    let resp = app
        .client
        .post(app.url(&format!("/p/{token}")))
        .form(&[("action", "correct"), ("correction", "new phone")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::GONE);

    let link: Value = app.post_empty(&s, &path).await.json().await.unwrap();
    let token = link["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let resp = app
        .client
        .post(app.url(&format!("/p/{token}")))
        .form(&[
            ("action", "correct"),
            ("correction", "Our referral line is now +66 74 000 999"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let listed: Value = app
        .get(&s, "/api/v1/partner-corrections")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["items"][0]["text"],
        "Our referral line is now +66 74 000 999"
    );
    assert_eq!(listed["items"][0]["partner_id"], id);
}

#[tokio::test]
async fn a_partners_reply_quoting_the_reference_is_attached_to_the_referral_and_a_strangers_is_not()
{
    let Some((app, mut mailbox)) = crate::helpers::spawn_app_with_email("file", vec![]).await
    else {
        return;
    };
    let c = app.staff(Role::Counselor).await;
    let (case, sent, _) = referred(&app, &c, json!({})).await;
    let reference = sent["reference"].as_str().unwrap().to_owned();
    let police = partner_named(&app, &c, "Songkhla Provincial Police").await;
    let partner_address = police["referral_email"].as_str().unwrap().to_owned();
    let cases_before = app.count("cases").await;
    let messages_before = app.count("messages").await;

    // A stranger quotes the real reference, another a made-up one: neither touches the
    // referral, both are handled alike (a new email case of their own), so the answer says
    // nothing about whether the reference exists.
    mailbox
        .arrives(&crate::email::email(
            "Nosy <nosy@example.net>",
            &format!("Re: Hotline referral {reference}"),
            "stranger-1@example.net",
            "",
            "Tell me about this referral",
        ))
        .await;
    mailbox
        .arrives(&crate::email::email(
            "Nosy <nosy@example.net>",
            "Re: Hotline referral HL-ZZZZZ-R9",
            "stranger-2@example.net",
            "",
            "And this one",
        ))
        .await;
    // The partner answers from its referral address, quoting the reference in the subject.
    mailbox
        .arrives(&crate::email::email(
            &format!("Duty officer <{partner_address}>"),
            &format!("Re: Hotline referral {reference}"),
            "partner-1@example.org",
            "",
            "Received. A team leaves for the site at 14:00.\r\n\r\n> Hotline referral",
        ))
        .await;
    // (The app's own reader may have taken some already: read until the folder is done.)
    while app.read_mailbox().await > 0 {}
    assert!(mailbox.unseen().await.is_empty());

    let listed: Value = app
        .get(&c, &format!("/api/v1/cases/{case}/referrals"))
        .await
        .json()
        .await
        .unwrap();
    let r = &listed["items"][0];
    let replies = r["replies"].as_array().unwrap();
    assert_eq!(replies.len(), 1, "{r}");
    assert!(
        replies[0]["text"]
            .as_str()
            .unwrap()
            .contains("A team leaves")
    );
    assert!(!replies[0]["text"].as_str().unwrap().contains("> Hotline"));
    assert_eq!(r["status"], "received", "a reply is an acknowledgement");
    assert_eq!(r["steps"][1]["by"], "partner");

    // Sealed at rest, and not in the reporter's conversation.
    let (subject, body): (Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT subject_enc, body_enc FROM referral_replies")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(!String::from_utf8_lossy(&body).contains("team leaves"));
    assert!(!String::from_utf8_lossy(&subject).contains(&reference));
    let case_json = app.case_in_full(&c, &case).await.to_string();
    assert!(!case_json.contains("A team leaves"));
    // The stranger's two mails became a case of their own (one sender: one case, two
    // messages); the partner's reply added none.
    assert_eq!(app.count("cases").await, cases_before + 1);
    assert_eq!(app.count("messages").await, messages_before + 2);
    let s = app.staff(Role::Supervisor).await;
    let strangers: Value = app
        .get(&s, "/api/v1/cases?channel=email")
        .await
        .json()
        .await
        .unwrap();
    for item in strangers["items"].as_array().unwrap() {
        let full = app.case_in_full(&s, item["id"].as_str().unwrap()).await;
        assert!(full["referrals"].as_array().is_none_or(|a| a.is_empty()));
        assert!(!full.to_string().contains("A team leaves"));
    }
    // Nothing went back to the stranger.
    app.run_jobs().await;
    assert!(
        mailbox
            .sent()
            .iter()
            .all(|m| !m.contains("nosy@example.net")),
        "nothing is sent to someone quoting a reference"
    );
}

#[tokio::test]
async fn a_partner_closed_now_gives_the_counselor_a_call_to_make_which_is_recorded_as_the_acknowledgement()
 {
    let app = spawn_app().await;
    demo_directory(&app).await;
    let c = app.staff(Role::Counselor).await;
    let case = claimed_case(&app, &c, "TH", "Songkhla", json!({})).await;
    // 08:00 UTC is 15:00 in Bangkok on a Monday; two hours later the office (08:30-16:30) is closed.
    app.advance(2 * 3600);
    app.post(&c, "/api/v1/queue/claim", &json!({ "case_id": case }))
        .await;
    let office = partner_named(&app, &c, "Provincial Social Development").await;
    let consent = json!({ "partner_id": office["id"], "given_by": "person", "how": "phone", "purpose": "shelter", "granted": true });
    app.post(&c, &format!("/api/v1/cases/{case}/consents"), &consent)
        .await;
    let resp = app
        .post(
            &c,
            &format!("/api/v1/cases/{case}/referrals"),
            &json!({ "partner_id": office["id"], "summary": "Needs a safe place tonight" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let sent: Value = resp.json().await.unwrap();
    assert_eq!(sent["closed_now"], true);
    let listed: Value = app
        .get(&c, &format!("/api/v1/cases/{case}/referrals"))
        .await
        .json()
        .await
        .unwrap();
    let task = &listed["items"][0]["phone_task"];
    assert_eq!(task["reason"], "closed_now");
    assert_eq!(task["phone"], office["phone"]);
    assert_eq!(task["done_at"], Value::Null);

    let cookie = console_cookie(&app, &c).await;
    let page = app
        .get_page(&format!("/console/cases/{case}"), Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    let id = sent["id"].as_str().unwrap();
    assert!(
        page.contains(&format!("data-referral-called=\"{id}\"")),
        "{page}"
    );
    assert!(page.contains("is closed now: call +66 74 000 006"));

    // The counselor calls; the office says it has the referral: recorded as received.
    let resp = app
        .post(
            &c,
            &format!("/api/v1/referrals/{id}/status"),
            &json!({ "status": "received" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let r: Value = resp.json().await.unwrap();
    assert_eq!(r["status"], "received");
    assert_eq!(r["steps"][1]["by"], "staff");
    assert!(r["phone_task"]["done_at"].is_string());
    let page = app
        .get_page(&format!("/console/cases/{case}"), Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("data-referral-called="), "the call is done");
}

/// `hotline partners …` against the app's database; (success, stdout, stderr).
fn partners_cli(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hotline"))
        .arg("partners")
        .args(args)
        .env("HOTLINE_PROFILE", "test")
        .env("DATABASE_URL", crate::helpers::database_url(&app.db_name))
        .env("HOTLINE_CRYPTO__KEY", &app.crypto_key)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[tokio::test]
async fn the_demo_directory_goes_round_from_the_command_line_in_hsds_and_csv_and_a_bad_row_imports_nothing()
 {
    let first = spawn_app().await;
    let (ok, _, err) = partners_cli(&first, &["import", "config/partners.json"]);
    assert!(ok, "{err}");
    assert!(err.contains("imported 17 partners"), "{err}");
    let (_, hsds, _) = partners_cli(&first, &["export", "--format", "hsds"]);
    let (_, csv, _) = partners_cli(&first, &["export", "--format", "csv"]);
    let doc: Value = serde_json::from_str(&hsds).unwrap();
    assert_eq!(doc["organizations"].as_array().unwrap().len(), 17);
    assert_eq!(csv.lines().count(), 18);
    for text in [&hsds, &csv] {
        assert!(
            !text.contains("street_address"),
            "a shelter address left the hotline"
        );
    }
    // Importing an export again changes nothing (entries are matched by their id).
    let dir = std::env::temp_dir().join(format!(
        "hotline-partners-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let hsds_file = dir.join("directory.json");
    let csv_file = dir.join("directory.csv");
    std::fs::write(&hsds_file, &hsds).unwrap();
    std::fs::write(&csv_file, &csv).unwrap();
    assert!(partners_cli(&first, &["import", hsds_file.to_str().unwrap()]).0);
    assert_eq!(first.count("partners").await, 17);

    // Into an empty hotline, each export comes back as the same directory.
    for file in [&hsds_file, &csv_file] {
        let second = spawn_app().await;
        let (ok, _, err) = partners_cli(&second, &["import", file.to_str().unwrap()]);
        assert!(ok, "{err}");
        assert_eq!(
            partners_cli(&second, &["export", "--format", "hsds"]).1,
            hsds
        );
        assert_eq!(partners_cli(&second, &["export", "--format", "csv"]).1, csv);
    }

    // A bad type in one entry and a bad address in one row: named with line and field, and
    // not one entry of either file is imported.
    let empty = spawn_app().await;
    let mut entries: Value =
        serde_json::from_str(&std::fs::read_to_string("config/partners.json").unwrap()).unwrap();
    entries[3]["type"] = json!("circus");
    let bad_json = dir.join("bad.json");
    std::fs::write(&bad_json, serde_json::to_string_pretty(&entries).unwrap()).unwrap();
    let (ok, _, err) = partners_cli(&empty, &["import", bad_json.to_str().unwrap()]);
    assert!(!ok);
    // The entry's line is where its object opens (pretty JSON opens each entry on a "  {" line).
    let line = serde_json::to_string_pretty(&entries)
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "  {")
        .nth(3)
        .map(|(i, _)| i + 1)
        .unwrap();
    assert!(
        err.contains("(entry 3): type: unknown variant `circus`"),
        "{err}"
    );
    assert!(err.contains(&format!("line {line} (entry 3)")), "{err}");
    let mut rows: Vec<String> = csv.lines().map(str::to_owned).collect();
    rows[4] = rows[4].replacen("@example.org", "-at-example.org", 1);
    let bad_csv = dir.join("bad.csv");
    std::fs::write(&bad_csv, rows.join("\n")).unwrap();
    let (ok, _, err) = partners_cli(&empty, &["import", bad_csv.to_str().unwrap()]);
    assert!(!ok);
    assert!(err.contains("line 5: referral_email:"), "{err}");
    assert!(err.contains("nothing was imported"));
    assert_eq!(empty.count("partners").await, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn after_forget_me_the_partners_link_is_withdrawn_and_an_unsent_referral_email_is_not_sent() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let (case, _sent, token) = referred(&app, &c, json!({})).await;
    let resp = app
        .post(
            &c,
            &format!("/api/v1/cases/{case}/forget-me"),
            &json!({ "confirm": true }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page = app.get_page(&format!("/r/{token}"), None).await;
    assert_eq!(page.status(), StatusCode::GONE);
    assert!(!page.text().await.unwrap().contains("construction site"));
    assert_eq!(
        app.count("referral_emails WHERE delivery = 'pending'")
            .await,
        0,
        "nothing of an erased case goes to a partner"
    );
}
