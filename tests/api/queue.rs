//! The queue: order, claims as leases, release, renew, notes and status changes.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{phone_report, references, spawn_app};

#[tokio::test]
async fn the_queue_is_sorted_by_urgency_then_by_waiting_time() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let medium_old = app.report_with_answers(&c, json!({})).await;
    app.advance(5);
    let high = app
        .report_with_answers(&c, json!({ "documents_seized": "yes" }))
        .await;
    app.advance(5);
    let critical = app
        .report_with_answers(&c, json!({ "threat_violence": "yes" }))
        .await;
    app.advance(5);
    let medium_new = app.report_with_answers(&c, json!({})).await;

    let order = references(&app.queue(&c).await);
    let expected: Vec<String> = [&critical, &high, &medium_old, &medium_new]
        .iter()
        .map(|c| c["reference"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(order, expected);
}

#[tokio::test]
async fn a_case_waiting_past_its_answer_target_is_raised_one_level() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let medium = app.report_with_answers(&c, json!({})).await;
    app.advance(3500);
    let high = app
        .report_with_answers(&c, json!({ "debt_bondage": "yes" }))
        .await;
    assert_eq!(
        app.queue(&c).await[0]["id"],
        high["id"],
        "high outranks medium within targets"
    );

    // Medium's answer target is one hour: past it, it ranks as high. A tie on the effective
    // level goes to the level triage gave (issue 12), so the true high case stays first.
    app.advance(101);
    let queue = app.queue(&c).await;
    assert_eq!(queue[1]["id"], medium["id"]);
    assert_eq!(queue[1]["urgency"]["level"], "medium");
    assert_eq!(queue[1]["effective_level"], "high");
    assert_eq!(queue[0]["effective_level"], "high");

    // High's target is ten minutes: past it, the high case is raised to critical and leads.
    app.advance(600);
    let queue = app.queue(&c).await;
    assert_eq!(queue[0]["id"], high["id"]);
    assert_eq!(queue[0]["effective_level"], "critical");
    // Claiming follows the same order.
    let claimed: Value = app.claim_next(&c).await.json().await.unwrap();
    assert_eq!(claimed["id"], high["id"]);
}

#[tokio::test]
async fn claim_next_takes_the_most_urgent_case_and_an_empty_queue_answers_204() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    app.report_with_answers(&c, json!({})).await;
    let critical = app
        .report_with_answers(&c, json!({ "injury_medical": "yes" }))
        .await;

    let resp = app.claim_next(&c).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let claimed: Value = resp.json().await.unwrap();
    assert_eq!(claimed["id"], critical["id"]);
    assert_eq!(claimed["holder"]["email"], c.email.as_str());
    assert!(claimed["lease_expires_at"].is_string());

    assert_eq!(app.claim_next(&c).await.status(), StatusCode::OK);
    assert_eq!(app.claim_next(&c).await.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_case_held_by_another_counselor_cannot_be_claimed() {
    let app = spawn_app().await;
    let (a, b) = (
        app.staff(Role::Counselor).await,
        app.staff(Role::Counselor).await,
    );
    let case = app.report(&a, &phone_report("held")).await;
    let body = json!({ "case_id": case["id"] });
    assert_eq!(
        app.post(&a, "/api/v1/queue/claim", &body).await.status(),
        StatusCode::OK
    );
    let resp = app.post(&b, "/api/v1/queue/claim", &body).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let err: Value = resp.json().await.unwrap();
    assert_eq!(err["error"]["code"], "case_held");
    assert_eq!(app.claim_next(&b).await.status(), StatusCode::NO_CONTENT);
    // The queue still shows the case, with who holds it.
    assert_eq!(app.queue(&b).await[0]["holder"]["email"], a.email.as_str());
}

#[tokio::test]
async fn an_expired_lease_returns_the_case_to_the_queue() {
    let app = spawn_app().await;
    let (a, b) = (
        app.staff(Role::Counselor).await,
        app.staff(Role::Counselor).await,
    );
    let case = app.report(&a, &phone_report("lease")).await;
    assert_eq!(app.claim_next(&a).await.status(), StatusCode::OK);

    app.advance(599);
    assert_eq!(
        app.claim_next(&b).await.status(),
        StatusCode::NO_CONTENT,
        "the lease is still live"
    );
    app.advance(2);
    assert_eq!(app.queue(&b).await[0]["holder"], Value::Null);
    let resp = app.claim_next(&b).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let claimed: Value = resp.json().await.unwrap();
    assert_eq!(claimed["id"], case["id"]);
    assert_eq!(claimed["holder"]["email"], b.email.as_str());

    // The first counselor's lease is gone: renewing it fails.
    let renew = app
        .post_empty(
            &a,
            &format!("/api/v1/cases/{}/renew", case["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(renew.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn renewing_and_activity_keep_the_lease() {
    let app = spawn_app().await;
    let (a, b) = (
        app.staff(Role::Counselor).await,
        app.staff(Role::Counselor).await,
    );
    let case = app.report(&a, &phone_report("renew")).await;
    let id = case["id"].as_str().unwrap();
    app.claim_next(&a).await;
    app.advance(500);
    let renew = app
        .post_empty(&a, &format!("/api/v1/cases/{id}/renew"))
        .await;
    assert_eq!(renew.status(), StatusCode::OK);
    app.advance(500);
    assert_eq!(app.claim_next(&b).await.status(), StatusCode::NO_CONTENT);
    let note = app
        .post(
            &a,
            &format!("/api/v1/cases/{id}/notes"),
            &json!({ "text": "still talking" }),
        )
        .await;
    assert_eq!(note.status(), StatusCode::CREATED);
    app.advance(500);
    assert_eq!(
        app.claim_next(&b).await.status(),
        StatusCode::NO_CONTENT,
        "a note renews the lease"
    );
}

#[tokio::test]
async fn a_released_case_goes_back_to_the_queue_and_only_the_holder_may_release_it() {
    let app = spawn_app().await;
    let (a, b) = (
        app.staff(Role::Counselor).await,
        app.staff(Role::Counselor).await,
    );
    let supervisor = app.staff(Role::Supervisor).await;
    let case = app.report(&a, &phone_report("release")).await;
    let id = case["id"].as_str().unwrap();
    app.claim_next(&a).await;
    assert_eq!(
        app.post_empty(&b, &format!("/api/v1/cases/{id}/release"))
            .await
            .status(),
        StatusCode::CONFLICT
    );
    let released = app
        .post_empty(&a, &format!("/api/v1/cases/{id}/release"))
        .await;
    assert_eq!(released.status(), StatusCode::OK);
    assert_eq!(app.claim_next(&b).await.status(), StatusCode::OK);
    // A supervisor may release anyone's case.
    assert_eq!(
        app.post_empty(&supervisor, &format!("/api/v1/cases/{id}/release"))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(app.queue(&a).await[0]["holder"], Value::Null);
}

#[tokio::test]
async fn status_changes_follow_the_allowed_transitions_and_closing_needs_a_reason() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let case = app.report(&c, &phone_report("status")).await;
    let id = case["id"].as_str().unwrap();
    let path = format!("/api/v1/cases/{id}/status");

    let not_held = app
        .post(&c, &path, &json!({ "status": "in_progress" }))
        .await;
    assert_eq!(
        not_held.status(),
        StatusCode::CONFLICT,
        "a counselor must hold the case"
    );
    app.claim_next(&c).await;
    let skip = app.post(&c, &path, &json!({ "status": "waiting" })).await;
    assert_eq!(skip.status(), StatusCode::CONFLICT);
    let err: Value = skip.json().await.unwrap();
    assert_eq!(err["error"]["code"], "invalid_transition");

    assert_eq!(
        app.post(&c, &path, &json!({ "status": "in_progress" }))
            .await
            .status(),
        StatusCode::OK
    );
    let waiting = app.post(&c, &path, &json!({ "status": "waiting" })).await;
    assert_eq!(waiting.status(), StatusCode::OK);
    app.post_empty(&c, &format!("/api/v1/cases/{id}/release"))
        .await;
    assert!(
        app.queue(&c).await.is_empty(),
        "a waiting case with nothing new is not in the queue"
    );

    app.claim_next(&c).await;
    app.post(&c, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    let no_reason = app.post(&c, &path, &json!({ "status": "closed" })).await;
    assert_eq!(no_reason.status(), StatusCode::BAD_REQUEST);
    let err: Value = no_reason.json().await.unwrap();
    assert_eq!(err["error"]["field"], "closing_reason");
    let closed = app
        .post(
            &c,
            &path,
            &json!({ "status": "closed", "closing_reason": "resolved" }),
        )
        .await;
    assert_eq!(closed.status(), StatusCode::OK);
    let closed: Value = closed.json().await.unwrap();
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["closing_reason"], "resolved");
    assert_eq!(closed["holder"], Value::Null);
    let reopen = app
        .post(&c, &path, &json!({ "status": "in_progress" }))
        .await;
    assert_eq!(reopen.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn supervisors_list_all_cases_with_filters_and_see_who_holds_them() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let s = app.staff(Role::Supervisor).await;
    let critical = app
        .report_with_answers(&c, json!({ "confinement": "yes" }))
        .await;
    app.report_with_answers(&c, json!({})).await;
    app.claim_next(&c).await;

    let all: Value = app.get(&s, "/api/v1/cases").await.json().await.unwrap();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let crit: Value = app
        .get(&s, "/api/v1/cases?level=critical")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(crit["items"].as_array().unwrap().len(), 1);
    assert_eq!(crit["items"][0]["id"], critical["id"]);
    assert_eq!(crit["items"][0]["holder"]["email"], c.email.as_str());
    let held: Value = app
        .get(&s, &format!("/api/v1/cases?holder={}", c.id))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(held["items"].as_array().unwrap().len(), 1);
    let flagged: Value = app
        .get(&s, "/api/v1/cases?flag=confinement&status=new")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(flagged["items"].as_array().unwrap().len(), 1);
    let bad = app.get(&s, "/api/v1/cases?level=urgent").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let err: Value = bad.json().await.unwrap();
    assert_eq!(err["error"]["field"], "level");
}
