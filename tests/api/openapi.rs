//! The OpenAPI document lists every API route, and every route it lists is served.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::spawn_app;

/// The API routes named by the issue that introduced them: the contract outside tests rely on.
const CONTRACT: &[(&str, &str)] = &[
    ("post", "/api/v1/reports"),
    ("get", "/api/v1/queue"),
    ("post", "/api/v1/queue/claim"),
    ("get", "/api/v1/cases"),
    ("get", "/api/v1/cases/{id}"),
    ("post", "/api/v1/cases/{id}/renew"),
    ("post", "/api/v1/cases/{id}/release"),
    ("post", "/api/v1/cases/{id}/notes"),
    ("post", "/api/v1/cases/{id}/status"),
];

#[tokio::test]
async fn the_openapi_document_lists_every_api_route_and_each_one_is_served() {
    let app = spawn_app().await;
    let admin = app.staff(Role::Admin).await;
    let doc: Value = app
        .get_page("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in CONTRACT {
        assert!(
            paths.get(*path).and_then(|p| p.get(*method)).is_some(),
            "{method} {path} missing from the document"
        );
    }
    let mut listed = 0;
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            listed += 1;
            let url = app.url(&path.replace("{id}", &uuid::Uuid::new_v4().to_string()));
            let resp = app
                .client
                .request(method.to_uppercase().parse().unwrap(), url)
                .bearer_auth(&admin.token)
                .send()
                .await
                .unwrap();
            let status = resp.status();
            if status == StatusCode::NOT_FOUND {
                let err: Value = resp.json().await.unwrap();
                assert_ne!(
                    err["error"]["message"], "route not found",
                    "{method} {path} is documented but not served"
                );
            }
            assert!(status.as_u16() < 500, "{method} {path}: {status}");
        }
    }
    assert_eq!(listed, hotline::routes::api::ROUTES.len());
}

/// The served document passes a standard validator (openapi-spec-validator, installed by
/// `scripts/test`, which exports its path). Without it the test says so and checks nothing.
#[tokio::test]
async fn the_served_document_passes_a_standard_openapi_validator() {
    let Ok(validator) = std::env::var("HOTLINE_TEST_OPENAPI_VALIDATOR") else {
        eprintln!(
            "HOTLINE_TEST_OPENAPI_VALIDATOR is not set (scripts/test sets it): not validated"
        );
        return;
    };
    let app = spawn_app().await;
    let body = app
        .get_page("/api/openapi.json", None)
        .await
        .text()
        .await
        .unwrap();
    let file = std::env::temp_dir().join(format!("{}-openapi.json", app.db_name));
    std::fs::write(&file, body).unwrap();
    let out = std::process::Command::new(validator)
        .arg(&file)
        .output()
        .expect("run openapi-spec-validator");
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "the OpenAPI document is not valid:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
