//! Restricted cases: only the staff a supervisor names, and supervisors, see the case at all;
//! everyone else gets what they would for a case that does not exist. Marking is audited.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Staff, TestApp, phone_report, spawn_app};

async fn restrict(app: &TestApp, who: &Staff, case: &str, body: Value) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/cases/{case}/restriction")))
        .bearer_auth(&who.token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn listed(app: &TestApp, who: &Staff, case: &str) -> bool {
    let resp = app.get(who, "/api/v1/cases").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == case)
}

async fn in_queue(app: &TestApp, who: &Staff, case: &str) -> bool {
    app.queue(who).await.iter().any(|c| c["id"] == case)
}

#[tokio::test]
async fn a_restricted_case_is_invisible_to_everyone_but_its_named_staff_and_supervisors() {
    let app = spawn_app().await;
    let supervisor = app.staff(Role::Supervisor).await;
    let named = app.staff(Role::Counselor).await;
    let stranger = app.staff(Role::Counselor).await;
    let case = app
        .report(
            &supervisor,
            &phone_report("a case about a colleague's relative"),
        )
        .await;
    let id = case["id"].as_str().unwrap().to_owned();
    assert!(in_queue(&app, &stranger, &id).await);

    let resp = restrict(
        &app,
        &supervisor,
        &id,
        json!({ "restricted": true, "reason": "staff_involved", "staff": [named.id] }),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);

    // The stranger: nothing, not even the outline, by any way in.
    let resp = app.get(&stranger, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(!in_queue(&app, &stranger, &id).await);
    let resp = app
        .post(
            &stranger,
            &format!("/api/v1/cases/{id}/break-glass"),
            &json!({ "reason": "other", "text": "curious" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = app
        .post(&stranger, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = app.claim_next(&stranger).await;
    assert_ne!(
        resp.status(),
        StatusCode::OK,
        "claim-next offered a restricted case"
    );
    let resp = app
        .post(
            &stranger,
            "/api/v1/reports/matches",
            &json!({ "phone": "+66812345678" }),
        )
        .await;
    let matches: Value = resp.json().await.unwrap();
    assert_eq!(matches["items"], json!([]));

    // The named counselor: claimable by id, then in full.
    assert_eq!(app.case(&named, &id).await["view"], "outline");
    let resp = app
        .post(&named, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(app.case(&named, &id).await["view"], "full");
    // Supervisors always, in their case list too.
    assert!(listed(&app, &supervisor, &id).await);
    assert_eq!(app.case(&supervisor, &id).await["view"], "full");

    // Audited, with the reason and the named staff.
    let resp = app
        .get(
            &supervisor,
            &format!("/api/v1/audit?action=case.restricted&case_id={id}"),
        )
        .await;
    let audit: Value = resp.json().await.unwrap();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1, "{audit}");

    // Lifted: the stranger sees the outline again.
    let resp = restrict(
        &app,
        &supervisor,
        &id,
        json!({ "restricted": false, "reason": "other" }),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(app.case(&stranger, &id).await["view"], "outline");
}

#[tokio::test]
async fn restricting_needs_a_supervisor_a_known_reason_and_real_staff() {
    let app = spawn_app().await;
    let supervisor = app.staff(Role::Supervisor).await;
    let counselor = app.staff(Role::Counselor).await;
    let case = app.report(&counselor, &phone_report("a case")).await;
    let id = case["id"].as_str().unwrap();
    let ok = json!({ "restricted": true, "reason": "public_figure", "staff": [counselor.id] });
    assert_eq!(
        restrict(&app, &counselor, id, ok.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    for (body, field) in [
        (
            json!({ "restricted": true, "reason": "gossip", "staff": [counselor.id] }),
            "reason",
        ),
        (
            json!({ "restricted": true, "reason": "other", "staff": [] }),
            "staff",
        ),
        (
            json!({ "restricted": true, "reason": "other", "staff": [uuid::Uuid::new_v4()] }),
            "staff",
        ),
    ] {
        let resp = restrict(&app, &supervisor, id, body).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let err: Value = resp.json().await.unwrap();
        assert_eq!(err["error"]["field"], field, "{err}");
    }
    assert_eq!(app.case(&counselor, id).await["view"], "full");
}
