//! Missed and abandoned calls from the phone system: signed call events, idempotency, bad
//! input, candidates for a counselor to decide, and direct scheduling only where the person's
//! rules allow phone contact first.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Options, TestApp, phone_report, spawn_app_with};

const SECRET: &str = "telephony-test-secret-1";

async fn app_with(policy: &str) -> TestApp {
    spawn_app_with(Options {
        extra_env: vec![
            ("HOTLINE_TELEPHONY__ENABLED".into(), "true".into()),
            ("HOTLINE_TELEPHONY__WEBHOOK_SECRET".into(), SECRET.into()),
            (
                "HOTLINE_TELEPHONY__MISSED_CALL_POLICY".into(),
                policy.into(),
            ),
        ],
        ..Options::default()
    })
    .await
}

fn event(call_id: &str, caller: &str, outcome: &str) -> Value {
    json!({ "pbx": "asterisk-1", "call_id": call_id, "caller": caller, "dialed": "1300",
            "outcome": outcome, "hold_seconds": 40, "at": "2026-11-23T08:00:00Z" })
}

async fn post_event(app: &TestApp, body: &Value, signature: Option<String>) -> reqwest::Response {
    let raw = serde_json::to_vec(body).unwrap();
    let signature = signature.unwrap_or_else(|| hotline_phone::signature::sign(SECRET, &raw));
    app.client
        .post(app.url("/api/v1/telephony/call-events"))
        .header("Content-Type", "application/json")
        .header("X-Hotline-Signature", signature)
        .body(raw)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_bad_signature_is_refused_counted_and_stores_nothing() {
    let app = app_with("candidate").await;
    let resp = post_event(
        &app,
        &event("c1", "+66899999999", "abandoned"),
        Some("sha256=00".into()),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("call_events").await, 0);
    assert_eq!(app.count("cases").await, 0);
    assert!(
        app.metrics_text()
            .await
            .contains("hotline_rejected_signatures_total{channel=\"phone\"} 1")
    );
}

#[tokio::test]
async fn a_duplicate_answers_with_the_first_result_and_bad_events_name_the_field() {
    let app = app_with("candidate").await;
    let first = post_event(&app, &event("c2", "081 999 9999", "abandoned"), None).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = post_event(&app, &event("c2", "081 999 9999", "abandoned"), None).await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["duplicate"], true);
    assert_eq!(again["result"], first["result"]);
    assert_eq!(app.count("callbacks").await, 1);

    for (body, field) in [
        (event("c3", "+66899999999", "hung_up"), "outcome"),
        (event("c4", "not a number", "abandoned"), "caller"),
        (event("c5", "12", "abandoned"), "caller"),
    ] {
        let resp = post_event(&app, &body, None).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{body}");
        let err: Value = resp.json().await.unwrap();
        assert_eq!(err["error"]["field"], field);
    }
    assert_eq!(app.count("call_events").await, 1);
}

#[tokio::test]
async fn a_missed_call_from_an_unknown_number_is_a_candidate_in_the_queue_for_a_counselor() {
    let app = app_with("callback").await;
    let resp = post_event(&app, &event("c6", "+66 89 999 9999", "no_answer"), None).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    // Even under the `callback` policy: a stranger's hang-up is not consent.
    assert_eq!(body["result"]["action"], "candidate");
    let counselor = app.staff(Role::Counselor).await;
    let queue = app.queue(&counselor).await;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["channel"], "phone");
    assert_eq!(queue[0]["due_callback"]["status"], "candidate");
    let callback_id = queue[0]["due_callback"]["id"].as_str().unwrap().to_owned();

    // A second missed call within the window joins it.
    let resp = post_event(&app, &event("c7", "+66899999999", "abandoned"), None).await;
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["result"]["action"], "joined");
    assert_eq!(body["result"]["callback_id"], callback_id.as_str());

    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/callbacks/{callback_id}/dismiss"),
            &json!({}),
        )
        .await;
    assert_eq!(
        resp.status(),
        StatusCode::BAD_REQUEST,
        "a reason is required"
    );
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/callbacks/{callback_id}/approve"),
            &json!({ "reason": "called twice in a minute" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let approved: Value = resp.json().await.unwrap();
    assert_eq!(approved["status"], "scheduled");
    assert_eq!(approved["missed_calls"], 2);
    assert_eq!(approved["owner"]["id"], counselor.id.to_string());
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/callbacks/{callback_id}/dismiss"),
            &json!({ "reason": "late" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_known_reporter_who_allows_calls_is_scheduled_directly_under_the_callback_policy() {
    let app = app_with("callback").await;
    let counselor = app.staff(Role::Counselor).await;
    let case = app.report(&counselor, &phone_report("a report")).await;
    let resp = post_event(&app, &event("c8", "+66812345678", "abandoned"), None).await;
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["result"]["action"], "scheduled");
    assert_eq!(body["result"]["case_id"], case["id"]);
    let cb: Value = app
        .get(&counselor, "/api/v1/callbacks?status=scheduled")
        .await
        .json()
        .await
        .unwrap();
    // Within the person's safe window: 18:00 in Bangkok.
    assert_eq!(cb["items"][0]["due_from"], "2026-11-23T11:00:00.000000Z");
    assert_eq!(cb["items"][0]["kind"], "missed_call");
}

#[tokio::test]
async fn under_the_candidate_policy_a_known_reporter_still_waits_for_a_counselor() {
    let app = app_with("candidate").await;
    let counselor = app.staff(Role::Counselor).await;
    app.report(&counselor, &phone_report("a report")).await;
    let resp = post_event(&app, &event("c9", "+66812345678", "no_answer"), None).await;
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["result"]["action"], "candidate");
    // An answered call is only recorded.
    let resp = post_event(&app, &event("c10", "+66812345678", "answered"), None).await;
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["result"]["action"], "recorded");
    assert_eq!(app.count("callbacks").await, 1);
}

#[tokio::test]
async fn an_abandoned_call_read_from_the_ami_stand_in_becomes_a_candidate() {
    let app = app_with("candidate").await;
    let ami = hotline_testkit::AmiStandIn::start(
        "hotline",
        "ami-secret",
        vec![
            "Event: QueueCallerJoin\nUniqueid: 1795000000.7\nLinkedid: 1795000000.7\nCallerIDNum: 0891234567\nQueue: hotline".into(),
            "Event: QueueCallerAbandon\nUniqueid: 1795000000.7\nLinkedid: 1795000000.7\nQueue: hotline\nHoldTime: 75".into(),
        ],
    )
    .unwrap();
    let config = hotline_phone::ami::AmiConfig {
        address: ami.address(),
        username: "hotline".into(),
        secret: "ami-secret".into(),
        pbx: "asterisk-test".into(),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let now = app.clock_now();
    tokio::spawn(async move {
        hotline_phone::ami::run_session(&config, &tx, &move || now).await;
    });
    let event = rx.recv().await.unwrap();
    assert_eq!(event.outcome, hotline_phone::Outcome::Abandoned);
    assert_eq!(event.hold_seconds, Some(75));
    assert_eq!(ami.logins(), vec!["hotline".to_owned()]);
    hotline::channels::phone::record_wire_event(&app.ctx, event)
        .await
        .unwrap()
        .unwrap();
    let counselor = app.staff(Role::Counselor).await;
    let queue = app.queue(&counselor).await;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["due_callback"]["status"], "candidate");
    let (pbx,): (String,) = sqlx::query_as("SELECT pbx FROM call_events")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(pbx, "asterisk-test");
}

#[tokio::test]
async fn a_wrong_ami_secret_is_refused() {
    let ami = hotline_testkit::AmiStandIn::start("hotline", "right", vec![]).unwrap();
    let config = hotline_phone::ami::AmiConfig {
        address: ami.address(),
        username: "hotline".into(),
        secret: "wrong".into(),
        pbx: "a".into(),
    };
    let (tx, _rx) = tokio::sync::mpsc::channel(1);
    let now = || chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap();
    let why = hotline_phone::ami::run_session(&config, &tx, &now).await;
    assert!(matches!(why, hotline_phone::ami::AmiError::LoginRefused));
}

#[tokio::test]
async fn a_twilio_signed_status_callback_for_a_canceled_call_becomes_a_candidate() {
    let public_url = "https://hotline.example.org/api/v1/telephony/twilio/status";
    let app = spawn_app_with(Options {
        extra_env: vec![
            ("HOTLINE_TELEPHONY__ENABLED".into(), "true".into()),
            ("HOTLINE_TELEPHONY__WEBHOOK_SECRET".into(), SECRET.into()),
            ("HOTLINE_TELEPHONY__TWILIO__ENABLED".into(), "true".into()),
            (
                "HOTLINE_TELEPHONY__TWILIO__AUTH_TOKEN".into(),
                "twilio-token".into(),
            ),
            (
                "HOTLINE_TELEPHONY__TWILIO__PUBLIC_URL".into(),
                public_url.into(),
            ),
        ],
        ..Options::default()
    })
    .await;
    let params: Vec<(String, String)> = [
        ("CallSid", "CA0001"),
        ("CallStatus", "canceled"),
        ("From", "+66899990000"),
        ("To", "+6621234567"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    let post = |signature: String| {
        app.client
            .post(app.url("/api/v1/telephony/twilio/status"))
            .header("X-Twilio-Signature", signature)
            .form(&params)
            .send()
    };
    let resp = post("AAAA".into()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("call_events").await, 0);
    let signature = hotline_phone::twilio::sign("twilio-token", public_url, &params);
    let resp = post(signature.clone()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["result"]["action"], "candidate");
    let again = post(signature).await.unwrap();
    assert_eq!(again.status(), StatusCode::ACCEPTED);
}
