//! Bad input gets a 4xx naming the problem and changes nothing.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{phone_report, spawn_app};

fn with(path: &[&str], value: Value) -> Value {
    let mut body = phone_report("bad input table");
    let mut target = &mut body;
    for key in &path[..path.len() - 1] {
        target = &mut target[*key];
    }
    target[path[path.len() - 1]] = value;
    body
}

fn without(key: &str) -> Value {
    let mut body = phone_report("bad input table");
    body.as_object_mut().unwrap().remove(key);
    body
}

#[tokio::test]
async fn invalid_reports_are_refused_with_the_field_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let before = app.write_counts().await;
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "unknown caller kind",
            with(&["caller"], json!("neighbour")),
            "caller",
        ),
        (
            "caller of the wrong type",
            with(&["caller"], json!(5)),
            "caller",
        ),
        ("missing caller", without("caller"), "caller"),
        ("missing narrative", without("narrative"), "narrative"),
        (
            "blank narrative",
            with(&["narrative"], json!("   ")),
            "narrative",
        ),
        (
            "narrative too long",
            with(&["narrative"], json!("x".repeat(20_001))),
            "narrative",
        ),
        (
            "bad language tag",
            with(&["language"], json!("thai language")),
            "language",
        ),
        (
            "unknown country",
            with(&["location", "country"], json!("XX")),
            "location.country",
        ),
        (
            "answer not yes/no/unknown",
            with(&["answers"], json!({ "minor": "maybe" })),
            "answers.minor",
        ),
        (
            "unknown question",
            with(&["answers"], json!({ "age": "yes" })),
            "answers.age",
        ),
        (
            "letters in a phone number",
            with(&["callback", "phone"], json!("call me later")),
            "callback.phone",
        ),
        (
            "unknown field",
            with(&["favourite_colour"], json!("blue")),
            "favourite_colour",
        ),
        (
            "unknown nested field",
            with(&["location", "gps"], json!("1,2")),
            "location.gps",
        ),
        (
            "linked case that does not exist",
            with(&["linked_cases"], json!([uuid::Uuid::new_v4()])),
            "linked_cases",
        ),
        (
            "linked case that is not an id",
            with(&["linked_cases"], json!(["HL-12345"])),
            "linked_cases[0]",
        ),
    ];
    for (what, body, field) in cases {
        let resp = app.post(&c, "/api/v1/reports", &body).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{what}");
        let err: Value = resp.json().await.unwrap();
        assert_eq!(err["error"]["code"], "invalid_field", "{what}");
        assert_eq!(err["error"]["field"], field, "{what}");
        assert!(
            err["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    assert_eq!(
        app.write_counts().await,
        before,
        "a refused report wrote something"
    );
}

#[tokio::test]
async fn malformed_bodies_and_oversized_bodies_get_400_and_413() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let before = app.write_counts().await;
    let send = |body: Vec<u8>| {
        app.client
            .post(app.url("/api/v1/reports"))
            .bearer_auth(&c.token)
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    for (what, body) in [
        ("truncated", b"{\"caller\": ".to_vec()),
        ("not json", b"caller=victim".to_vec()),
        ("empty", vec![]),
        ("an array", b"[]".to_vec()),
    ] {
        let resp = send(body).await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{what}");
        let err: Value = resp.json().await.unwrap();
        assert!(err["error"]["code"].is_string(), "{what}");
    }
    let mut big = phone_report("x");
    big["narrative"] = json!("x".repeat(70_000));
    let resp = send(serde_json::to_vec(&big).unwrap()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let err: Value = resp.json().await.unwrap();
    assert_eq!(err["error"]["code"], "payload_too_large");
    assert_eq!(app.write_counts().await, before);
}

#[tokio::test]
async fn other_bad_requests_are_clear_4xx_errors() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let case = app.report(&c, &phone_report("target")).await;
    let id = case["id"].as_str().unwrap();
    let checks: Vec<(&str, reqwest::Response, StatusCode)> = vec![
        (
            "unknown case",
            app.get(&c, "/api/v1/cases/5f0c8a4e-0000-4000-8000-000000000000")
                .await,
            StatusCode::NOT_FOUND,
        ),
        (
            "case id that is not a uuid",
            app.get(&c, "/api/v1/cases/HL-XXXXX").await,
            StatusCode::NOT_FOUND,
        ),
        (
            "claim of an unknown case",
            app.post(
                &c,
                "/api/v1/queue/claim",
                &json!({ "case_id": uuid::Uuid::new_v4() }),
            )
            .await,
            StatusCode::NOT_FOUND,
        ),
        (
            "claim with a bad body",
            app.post(&c, "/api/v1/queue/claim", &json!({ "case": 1 }))
                .await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "note without text",
            app.post(&c, &format!("/api/v1/cases/{id}/notes"), &json!({}))
                .await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "unknown status",
            app.post(
                &c,
                &format!("/api/v1/cases/{id}/status"),
                &json!({ "status": "done" }),
            )
            .await,
            StatusCode::BAD_REQUEST,
        ),
        (
            "unknown route",
            app.get(&c, "/api/v1/nothing-here").await,
            StatusCode::NOT_FOUND,
        ),
        (
            "lookup of a non-number",
            app.post(&c, "/api/v1/reports/matches", &json!({ "phone": "abc" }))
                .await,
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (what, resp, expected) in checks {
        assert_eq!(resp.status(), expected, "{what}");
        let err: Value = resp.json().await.unwrap();
        assert!(
            err["error"]["code"].is_string() && err["error"]["message"].is_string(),
            "{what}: {err}"
        );
    }
}

#[tokio::test]
async fn cli_user_add_refuses_a_bad_role_and_a_duplicate_email_with_one_line() {
    let app = spawn_app().await;
    let bin = env!("CARGO_BIN_EXE_hotline");
    let run = |args: &[&str]| {
        use std::io::Write;
        let mut child = std::process::Command::new(bin)
            .args(args)
            .env("DATABASE_URL", crate::helpers::database_url(&app.db_name))
            .env("HOTLINE_CRYPTO__KEY", &app.crypto_key)
            .env("HOTLINE_PROFILE", "test")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"a long enough password\n")
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = run(&[
        "user",
        "add",
        "--email",
        "cli@hotline.test",
        "--role",
        "counselor",
    ]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let dup = run(&[
        "user",
        "add",
        "--email",
        "CLI@hotline.test",
        "--role",
        "supervisor",
    ]);
    assert!(!dup.status.success());
    let err = String::from_utf8_lossy(&dup.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("already exists"));
    let bad = run(&["user", "add", "--email", "x@hotline.test", "--role", "boss"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--role"));
    let token = run(&["user", "token", "--email", "cli@hotline.test"]);
    assert!(token.status.success());
    let token = String::from_utf8(token.stdout).unwrap();
    assert_eq!(token.lines().count(), 1, "only the token on stdout");
    let me = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(token.trim())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    // (A supervisor would first need a second factor: tests/api/second_factor.rs.)
    assert_eq!(me["role"], "counselor");
}
