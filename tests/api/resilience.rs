//! Redis down: intake, the queue and the bearer API keep working. PostgreSQL down: 503s.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Options, phone_report, spawn_app, spawn_app_with};

/// Nothing listens on port 1, so connections are refused at once.
const DEAD_REDIS: &str = "redis://127.0.0.1:1";

#[tokio::test]
async fn with_redis_down_intake_the_queue_and_tokens_keep_working_and_console_login_says_why() {
    let app = spawn_app_with(Options {
        redis_url: Some(DEAD_REDIS.into()),
        ..Options::default()
    })
    .await;
    let c = app.staff(Role::Counselor).await;

    let case = app
        .report(&c, &phone_report("reported while redis is down"))
        .await;
    assert_eq!(app.queue(&c).await.len(), 1);
    let claimed = app.claim_next(&c).await;
    assert_eq!(claimed.status(), StatusCode::OK);
    let claimed: Value = claimed.json().await.unwrap();
    assert_eq!(claimed["id"], case["id"]);

    let ready = app.get_internal("/health/ready").await;
    assert_eq!(ready.status(), StatusCode::OK);
    let ready: Value = ready.json().await.unwrap();
    assert_eq!(ready["postgres"], "ok");
    assert_eq!(ready["redis"], "degraded");

    let login = crate::console::sign_in(&app, &c.email, &c.password).await;
    assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(login.text().await.unwrap().contains("needs Redis"));

    // A console cookie cannot be checked without Redis: a clear 503, not a 500.
    let cookie = format!("hotline_session={}", app.ctx.keys.sign_cookie("abc"));
    let with_cookie = app.get_page("/api/v1/queue", Some(&cookie)).await;
    assert_eq!(with_cookie.status(), StatusCode::SERVICE_UNAVAILABLE);
    let err: Value = with_cookie.json().await.unwrap();
    assert_eq!(err["error"]["code"], "sessions_unavailable");
}

#[tokio::test]
async fn with_postgres_down_requests_fail_with_503_not_500() {
    // A node whose database is unreachable: it starts, reports not ready, and refuses writes.
    let up = spawn_app().await;
    let c = up.staff(Role::Counselor).await;
    let down = spawn_app_with(Options {
        database_url: Some("postgres://postgres@127.0.0.1:1/hotline".into()),
        crypto_key: Some(up.crypto_key.clone()),
        extra_env: vec![("HOTLINE_DATABASE__ACQUIRE_TIMEOUT_MS".into(), "300".into())],
        migrate: false,
        ..Options::default()
    })
    .await;
    let resp = down
        .post(&c, "/api/v1/reports", &phone_report("lost?"))
        .await;
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    let err: Value = resp.json().await.unwrap();
    assert_eq!(err["error"]["code"], "database_unavailable");
    let ready = down.get_internal("/health/ready").await;
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let live = down.get_page("/health/live", None).await;
    assert_eq!(live.status(), StatusCode::OK);
}
