//! Every API route × anonymous / counselor / supervisor / admin.

use hotline::auth::Role;
use hotline::routes::api::ROUTES;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Staff, phone_report, spawn_app};

fn body_for(path: &str) -> Value {
    match path {
        "/api/v1/reports" => phone_report("role matrix"),
        "/api/v1/reports/matches" => json!({ "phone": "+66812345678" }),
        "/api/v1/queue/claim" => json!({}),
        "/api/v1/cases/{id}/notes" => json!({ "text": "a note" }),
        "/api/v1/cases/{id}/status" => json!({ "status": "in_progress" }),
        "/api/v1/users" => {
            json!({ "email": format!("new-{}@hotline.test", uuid::Uuid::new_v4().simple()), "role": "counselor", "password": "long enough password" })
        }
        "/api/v1/users/{id}" => json!({ "active": true }),
        _ => json!({}),
    }
}

#[tokio::test]
async fn every_api_route_enforces_its_role() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let admin = app.staff(Role::Admin).await;
    let target_user = app.staff(Role::Counselor).await;
    let case = app.report(&counselor, &phone_report("matrix")).await;
    let case_id = case["id"].as_str().unwrap().to_owned();

    let identities: [(&str, Option<&Staff>, Option<Role>); 4] = [
        ("anonymous", None, None),
        ("counselor", Some(&counselor), Some(Role::Counselor)),
        ("supervisor", Some(&supervisor), Some(Role::Supervisor)),
        ("admin", Some(&admin), Some(Role::Admin)),
    ];
    let mut checked = 0;
    for route in ROUTES {
        let id = if route.path.starts_with("/api/v1/users/") {
            target_user.id.to_string()
        } else {
            case_id.clone()
        };
        let path = route.path.replace("{id}", &id);
        for (name, who, role) in &identities {
            let mut req = app
                .client
                .request(route.method.as_str().parse().unwrap(), app.url(&path));
            if route.method != actix_web::http::Method::GET {
                req = req.json(&body_for(route.path));
            }
            if let Some(who) = who {
                req = req.bearer_auth(&who.token);
            }
            let status = req.send().await.unwrap().status();
            let expected = match role {
                None => Some(StatusCode::UNAUTHORIZED),
                Some(r) if !r.includes(route.role) => Some(StatusCode::FORBIDDEN),
                Some(_) => None,
            };
            match expected {
                Some(code) => assert_eq!(status, code, "{} {} as {name}", route.method, route.path),
                None => assert!(
                    status != StatusCode::UNAUTHORIZED
                        && status != StatusCode::FORBIDDEN
                        && status.as_u16() < 500,
                    "{} {} as {name} was refused or failed: {status}",
                    route.method,
                    route.path
                ),
            }
            checked += 1;
        }
    }
    assert_eq!(checked, ROUTES.len() * 4);
}

#[tokio::test]
async fn console_pages_send_anonymous_visitors_to_the_login_page() {
    let app = spawn_app().await;
    for path in [
        "/console/queue",
        "/console/cases",
        "/console/intake/phone",
        "/console/cases/00000000-0000-0000-0000-000000000000",
    ] {
        let resp = app.get_page(path, None).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(resp.headers()["Location"], "/console/login", "{path}");
    }
}

#[tokio::test]
async fn liveness_and_the_api_description_are_public_and_metrics_and_readiness_internal() {
    let app = spawn_app().await;
    for path in ["/health/live", "/api/openapi.json", "/console/login"] {
        let resp = app.get_page(path, None).await;
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
    }
    // What arrives and when is for the operator only: not on the public port.
    for path in ["/metrics", "/health/ready"] {
        let resp = app.get_page(path, None).await;
        assert_eq!(
            resp.status(),
            StatusCode::NOT_FOUND,
            "{path} on the public port"
        );
        let resp = app.get_internal(path).await;
        assert_eq!(resp.status(), StatusCode::OK, "{path} on the internal port");
    }
    assert!(app.internal_address.starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn metrics_report_queue_depth_by_level_without_ids() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let case = app
        .report_with_answers(&c, json!({ "confinement": "yes" }))
        .await;
    let body = app.metrics_text().await;
    assert!(
        body.contains("hotline_queue_waiting_cases{level=\"critical\"} 1"),
        "{body}"
    );
    assert!(body.contains("hotline_http_requests_total"));
    assert!(
        !body.contains(case["id"].as_str().unwrap())
            && !body.contains(case["reference"].as_str().unwrap())
    );
}

#[tokio::test]
async fn a_revoked_or_unknown_token_and_a_deactivated_user_are_refused() {
    let app = spawn_app().await;
    let admin = app.staff(Role::Admin).await;
    let counselor = app.staff(Role::Counselor).await;
    let bogus = Staff {
        token: "hl_not-a-token".into(),
        ..app.staff(Role::Counselor).await
    };
    assert_eq!(
        app.get(&bogus, "/api/v1/queue").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let resp = app
        .client
        .patch(app.url(&format!("/api/v1/users/{}", counselor.id)))
        .bearer_auth(&admin.token)
        .json(&json!({ "active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        app.get(&counselor, "/api/v1/queue").await.status(),
        StatusCode::UNAUTHORIZED
    );
}
