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

/// The console's form sends what the page's script sends: the session cookie and the page's
/// CSRF token, to the same API route.
async fn console_put(
    app: &TestApp,
    cookie: &str,
    csrf: Option<&str>,
    case: &str,
    body: Value,
) -> reqwest::Response {
    let mut req = app
        .client
        .put(app.url(&format!("/api/v1/cases/{case}/restriction")))
        .header("Cookie", cookie)
        .json(&body);
    if let Some(csrf) = csrf {
        req = req.header("X-CSRF-Token", csrf);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_supervisor_restricts_a_case_from_its_console_page_and_lifts_it_again() {
    let app = spawn_app().await;
    let s = app.staff(Role::Supervisor).await;
    let named = app.staff(Role::Counselor).await;
    let stranger = app.staff(Role::Counselor).await;
    let case = app
        .report(&s, &phone_report("a case about a public figure"))
        .await;
    let id = case["id"].as_str().unwrap().to_owned();
    let session = |resp: &reqwest::Response| {
        format!(
            "hotline_session={}",
            crate::console::cookie_value(resp, "hotline_session").unwrap()
        )
    };
    let cookie = session(&crate::console::sign_in(&app, &s.email, &s.password).await);
    let page = |cookie: String| {
        let app = &app;
        let id = id.clone();
        async move {
            let resp = app
                .get_page(&format!("/console/cases/{id}"), Some(&cookie))
                .await;
            (resp.status(), resp.text().await.unwrap())
        }
    };

    // The form: the reasons in words and every counselor to tick.
    let (status, html) = page(cookie.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("id=\"restriction-form\""), "{html}");
    assert!(html.contains("value=\"public_figure\">A public figure"));
    for c in [&named, &stranger] {
        assert!(html.contains(&format!("value=\"{}\"> {}", c.id, c.email)));
    }
    assert!(!html.contains("id=\"restricted-note\""));
    let csrf = crate::console::meta_csrf(&html);

    // Without the page's token the session cannot change it.
    let body = json!({ "restricted": true, "reason": "public_figure", "staff": [named.id] });
    let forged = console_put(&app, &cookie, None, &id, body.clone()).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let resp = console_put(&app, &cookie, Some(&csrf), &id, body).await;
    assert_eq!(resp.status(), StatusCode::OK);

    let (_, html) = page(cookie.clone()).await;
    assert!(html.contains("id=\"restricted-note\""));
    assert!(html.contains(&format!("value=\"{}\" checked> {}", named.id, named.email)));
    assert!(html.contains("id=\"restriction-lift\""));
    assert!(
        html.contains("Restricted to named staff"),
        "in the case's history"
    );
    let stranger_cookie =
        session(&crate::console::sign_in(&app, &stranger.email, &stranger.password).await);
    assert_eq!(page(stranger_cookie.clone()).await.0, StatusCode::NOT_FOUND);
    let named_cookie = session(&crate::console::sign_in(&app, &named.email, &named.password).await);
    let (status, html) = page(named_cookie).await;
    assert_eq!(status, StatusCode::OK, "the named counselor still sees it");
    assert!(
        !html.contains("id=\"restriction-form\""),
        "only supervisors change it"
    );

    // Audited as the API is, with the supervisor as actor.
    let audited: Vec<(String, serde_json::Value)> = sqlx::query_as(
        "SELECT a.action, a.details FROM audit_log a JOIN users u ON u.id = a.actor_id
         WHERE a.action LIKE 'case.%restricted' AND u.email = $1",
    )
    .bind(&s.email)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].1["reason"], "public_figure");

    // Lifted: everyone sees it again.
    let resp = console_put(
        &app,
        &cookie,
        Some(&csrf),
        &id,
        json!({ "restricted": false, "reason": "public_figure", "staff": [] }),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, html) = page(cookie).await;
    assert!(!html.contains("id=\"restricted-note\""));
    assert_ne!(page(stranger_cookie).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_callback_list_leaves_out_a_restricted_cases_callbacks_for_staff_not_named_on_it() {
    let app = spawn_app().await;
    let supervisor = app.staff(Role::Supervisor).await;
    let named = app.staff(Role::Counselor).await;
    let stranger = app.staff(Role::Counselor).await;
    let mut ids = Vec::new();
    for narrative in [
        "a call about a cousin on a boat",
        "a call about a neighbour's child",
    ] {
        let case = app.report(&named, &phone_report(narrative)).await;
        let id = case["id"].as_str().unwrap().to_owned();
        let resp = app
            .post(&named, "/api/v1/queue/claim", &json!({ "case_id": id }))
            .await;
        assert_eq!(resp.status(), StatusCode::OK);
        let resp = app
            .post(
                &named,
                &format!("/api/v1/cases/{id}/callbacks"),
                &json!({ "due_from": "2026-11-23T11:00:00Z", "channel": "phone", "reason": "promised a call back" }),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        ids.push(id);
    }
    let resp = restrict(
        &app,
        &supervisor,
        &ids[0],
        json!({ "restricted": true, "reason": "danger_to_person", "staff": [named.id] }),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);

    // The stranger sees the other case's callback (without its number: they never held it),
    // and nothing of the restricted one; the list itself still answers.
    assert_eq!(callback_cases(&app, &stranger).await, vec![ids[1].clone()]);
    let mut both = ids.clone();
    both.sort();
    assert_eq!(callback_cases(&app, &named).await, both);
    assert_eq!(callback_cases(&app, &supervisor).await, both);
}

/// The cases of every callback `who` is shown, sorted.
async fn callback_cases(app: &TestApp, who: &Staff) -> Vec<String> {
    let resp = app.get(who, "/api/v1/callbacks?owner=any").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    let mut cases: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_id"].as_str().unwrap().to_owned())
        .collect();
    cases.sort();
    cases
}
