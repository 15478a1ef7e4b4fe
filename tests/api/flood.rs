//! The console stays responsive while webhooks flood in: staff requests have a pool of their
//! own (`database.staff_connections`), and webhooks take turns (`server.intake_concurrency`):
//! a chat webhook without one goes to the inbox (tests/api/webhook_inbox.rs); a call event, or
//! any webhook with the inbox off, waits for one or answers 503 `busy`, which the platform
//! sends again and which records nothing. `scripts/faults/flood` measures the same under load.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{phone_report, spawn_app_with_telegram, tg_text};

#[tokio::test]
async fn a_counselor_files_and_claims_while_webhooks_hold_every_connection_of_the_main_pool() {
    let (app, _telegram) =
        spawn_app_with_telegram(vec![("HOTLINE_DATABASE__MAX_CONNECTIONS", "2")]).await;
    let c = app.staff(Role::Counselor).await;
    // As a flood does: every connection of the main pool (webhooks, jobs) is in use.
    let held = [
        app.db.acquire().await.unwrap(),
        app.db.acquire().await.unwrap(),
    ];

    let filed = app
        .post(&c, "/api/v1/reports", &phone_report("filed during a flood"))
        .await;
    assert_eq!(filed.status(), StatusCode::CREATED);
    let claimed = app.claim_next(&c).await;
    assert_eq!(claimed.status(), StatusCode::OK);
    let queue_page = app.get(&c, "/api/v1/queue").await;
    assert_eq!(queue_page.status(), StatusCode::OK);
    // On a shared pool each of these would have waited its acquire timeout and answered 503
    // `database_unavailable`: they succeed because staff have connections of their own.

    // The webhook has no connection: 503, and Telegram sends it again.
    let update = tg_text(1, 555_001, "my employer took my passport");
    let refused = app.post_telegram_update(&update).await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    drop(held);
    let again = app.post_telegram_update(&update).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        app.count("channel_events WHERE channel = 'telegram'").await,
        1
    );
}

#[tokio::test]
async fn with_the_inbox_off_a_webhook_beyond_the_intake_limit_gets_503_busy_while_claims_answer_and_nothing_is_lost()
 {
    let (app, _telegram) = spawn_app_with_telegram(vec![
        ("HOTLINE_SERVER__INTAKE_CONCURRENCY", "1"),
        ("HOTLINE_SERVER__INTAKE_WAIT_MS", "300"),
        ("HOTLINE_SERVER__INTAKE_INBOX", "false"),
    ])
    .await;
    let c = app.staff(Role::Counselor).await;
    app.report(&c, &phone_report("waiting before the flood"))
        .await;
    // The one turn is held by a webhook whose transaction waits (here on a lock another session
    // holds, as on a saturated database).
    let mut stall = app.db.begin().await.unwrap();
    sqlx::query("LOCK TABLE channel_events IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *stall)
        .await
        .unwrap();
    let first = tg_text(11, 555_011, "my employer took my passport");
    let second = tg_text(12, 555_012, "they locked us in the dormitory");
    let one = app.post_telegram_update(&first);
    let two = app.post_telegram_update(&second);
    tokio::pin!(one, two);
    // Whichever arrived second cannot get a turn: 503 busy after the wait, not after the other.
    let (busy, held, busy_update) = tokio::select! {
        r = &mut one => (r, two, first.clone()),
        r = &mut two => (r, one, second.clone()),
    };
    assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
    let error: Value = busy.json().await.unwrap();
    assert_eq!(error["error"]["code"], "busy");

    // Meanwhile a counselor's claim is answered at once.
    let claimed = app.claim_next(&c).await;
    assert_eq!(claimed.status(), StatusCode::OK);

    // The held one is recorded once the database moves; the busy one when Telegram resends it.
    stall.rollback().await.unwrap();
    assert_eq!(held.await.status(), StatusCode::OK);
    let resent = app.post_telegram_update(&busy_update).await;
    assert_eq!(resent.status(), StatusCode::OK);
    assert_eq!(
        app.count("channel_events WHERE channel = 'telegram'").await,
        2
    );
    // Other tests in this process share the counter: it is there, at least 1.
    assert!(
        app.metrics_text()
            .await
            .contains("hotline_intake_busy_total")
    );
}
