//! The phone-call form: a counselor's report becomes a triaged case in the queue.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{phone_report, spawn_app};

#[tokio::test]
async fn a_phone_report_becomes_a_queued_case_with_its_urgency_and_first_message() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let mut body = phone_report("My sister works in a factory and they keep her ID card.");
    body["answers"] = json!({ "minor": "no", "documents_seized": "yes", "confinement": "unknown" });

    let case = app.report(&counselor, &body).await;

    assert_eq!(case["status"], "new");
    assert_eq!(case["channel"], "phone");
    assert_eq!(case["caller"], "relative");
    assert_eq!(
        case["location"],
        json!({ "country": "TH", "area": "Songkhla" })
    );
    assert!(case["reference"].as_str().unwrap().starts_with("HL-"));
    // The rubric makes documents seized `high` (ongoing control, no immediate threat), and
    // neither the rules nor the safety net may make more of it (frame-3's net lifted it).
    assert_eq!(case["urgency"]["level"], "high");
    assert_eq!(case["urgency"]["flags"], json!(["documents_seized"]));
    assert_eq!(case["urgency"]["reasons"][0]["flag"], "documents_seized");
    assert!(case["urgency"]["rules_version"].as_str().is_some());
    let messages = case["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["direction"], "inbound");
    assert_eq!(
        messages[0]["text"],
        "My sister works in a factory and they keep her ID card."
    );
    assert_eq!(case["callback"]["phone"], "+66812345678");
    assert_eq!(case["history"][0]["action"], "case.opened");

    let queue = app.queue(&counselor).await;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["id"], case["id"]);
    assert_eq!(
        queue[0]["urgency"],
        json!({ "level": "high", "flags": ["documents_seized"] })
    );
    assert_eq!(queue[0]["effective_level"], "high");
    assert_eq!(queue[0]["holder"], Value::Null);
}

#[tokio::test]
async fn a_report_with_no_yes_answer_is_medium_and_says_a_person_should_look() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let case = app
        .report_with_answers(&counselor, json!({ "minor": "no", "at_sea": "unknown" }))
        .await;
    assert_eq!(case["urgency"]["level"], "medium");
    assert_eq!(case["urgency"]["flags"], json!([]));
    assert!(
        case["urgency"]["reasons"][0]["text"]
            .as_str()
            .unwrap()
            .contains("counselor should review")
    );
}

#[tokio::test]
async fn a_person_locked_in_is_critical() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let case = app
        .report_with_answers(&counselor, json!({ "confinement": "yes" }))
        .await;
    assert_eq!(case["urgency"]["level"], "critical");
}

#[tokio::test]
async fn earlier_cases_with_the_same_call_back_number_are_shown_but_never_linked_automatically() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let first = app.report(&counselor, &phone_report("first call")).await;
    app.advance(60);
    let mut second_body = phone_report("second call, number typed differently");
    second_body["callback"]["phone"] = json!("+66 81-234-5678");
    let second = app.report(&counselor, &second_body).await;
    assert_eq!(
        second["linked_cases"],
        json!([]),
        "cases must not be linked automatically"
    );

    let resp = app
        .post(
            &counselor,
            "/api/v1/reports/matches",
            &json!({ "phone": "+66 812 345 678" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let matches: Value = resp.json().await.unwrap();
    let ids: Vec<&Value> = matches["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["id"])
        .collect();
    assert_eq!(ids, vec![&second["id"], &first["id"]]);

    let mut third_body = phone_report("third call; the counselor links the first");
    third_body["linked_cases"] = json!([first["id"]]);
    let third = app.report(&counselor, &third_body).await;
    assert_eq!(third["linked_cases"][0]["id"], first["id"]);
    let first_again = app.case(&counselor, first["id"].as_str().unwrap()).await;
    assert_eq!(first_again["linked_cases"][0]["id"], third["id"]);

    let other = app
        .post(
            &counselor,
            "/api/v1/reports/matches",
            &json!({ "phone": "+855 12 345 678" }),
        )
        .await;
    let other: Value = other.json().await.unwrap();
    assert_eq!(other["items"], json!([]));
}

#[tokio::test]
async fn repeating_a_report_with_the_same_idempotency_key_creates_one_case() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let body = phone_report("a call saved twice because the network dropped");
    let send = |b: &Value| {
        app.client
            .post(app.url("/api/v1/reports"))
            .bearer_auth(&counselor.token)
            .header("Idempotency-Key", "form-7f3a")
            .json(b)
            .send()
    };
    let first = send(&body).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = send(&body).await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["Idempotent-Replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(app.queue(&counselor).await.len(), 1);

    let mut changed = body.clone();
    changed["narrative"] = json!("a different report");
    let reused = send(&changed).await.unwrap();
    assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.queue(&counselor).await.len(), 1);
}

#[tokio::test]
async fn every_state_change_writes_an_audit_row() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let case = app.report(&counselor, &phone_report("audit me")).await;
    let id = case["id"].as_str().unwrap();
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    app.post(
        &counselor,
        &format!("/api/v1/cases/{id}/notes"),
        &json!({ "text": "called back, no answer" }),
    )
    .await;
    app.post(
        &counselor,
        &format!("/api/v1/cases/{id}/status"),
        &json!({ "status": "in_progress" }),
    )
    .await;
    app.post_empty(&counselor, &format!("/api/v1/cases/{id}/release"))
        .await;
    let case = app.case(&counselor, id).await;
    let actions: Vec<&str> = case["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "case.opened",
            "case.claimed",
            "case.note_added",
            "case.status_changed",
            "case.released"
        ]
    );
    assert!(
        case["history"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["actor"] == counselor.email.as_str())
    );
}

#[tokio::test]
async fn the_case_shows_the_quick_answers_as_the_caller_gave_them() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let case = app
        .report_with_answers(
            &counselor,
            json!({ "minor": "yes", "confinement": "no", "documents_seized": "unknown" }),
        )
        .await;
    assert_eq!(case["answers"]["minor"], "yes");
    assert_eq!(case["answers"]["confinement"], "no");
    assert_eq!(case["answers"]["documents_seized"], "unknown");
}
