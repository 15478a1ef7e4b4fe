//! A stale Redis never drops an event. Redis remembers delivered events only as a hint ("seen
//! before, probably"): after a database restore or a failover to a standby that missed the
//! last commits, it remembers events PostgreSQL lost, and each redelivery must be recorded
//! again. Only PostgreSQL's primary key may call an event a duplicate.

use hotline::auth::Role;
use serde_json::Value;

use crate::helpers::{BOT_TOKEN, spawn_app_with_line, spawn_app_with_telegram, tg_text};

const PERSON: &str = "U0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";

/// The key the chat path sets after a commit (`intake::channel_message`).
fn seen_key(channel: &str, event_id: &str) -> String {
    format!("seen:{channel}:{event_id}")
}

#[tokio::test]
async fn a_telegram_update_redis_remembers_but_the_database_lost_is_recorded() {
    let (app, _tg) = spawn_app_with_telegram(vec![]).await;
    let c = app.staff(Role::Counselor).await;
    let update = tg_text(
        42,
        5001,
        "They took my passport and I cannot leave the boat",
    );
    // The event id the adapter gives this update: bot id, update id, sending time.
    let bot_id = BOT_TOKEN.split(':').next().unwrap();
    let event_id = format!("{bot_id}:42:{}", 1_795_000_000 + 42);
    // Redis says "seen" (it outlived a restore); PostgreSQL has no trace of the event.
    app.ctx
        .redis
        .set_ex(&seen_key("telegram", &event_id), "1", 600)
        .await
        .unwrap();
    assert_eq!(app.count("channel_events").await, 0);

    app.telegram_says(std::slice::from_ref(&update)).await;

    assert_eq!(app.count("channel_events").await, 1);
    assert_eq!(app.count("messages WHERE direction = 'inbound'").await, 1);
    let case = app.case_of_chat(&c).await;
    assert!(
        case["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["direction"] == "inbound")
    );

    // A true redelivery is still a duplicate: PostgreSQL now holds the event.
    app.telegram_says(&[update]).await;
    assert_eq!(app.count("channel_events").await, 1);
    assert_eq!(app.count("messages WHERE direction = 'inbound'").await, 1);
}

#[tokio::test]
async fn a_line_event_redis_remembers_but_the_database_lost_is_recorded() {
    let (app, line) = spawn_app_with_line(vec![]).await;
    let event = line.text_event(PERSON, "นายจ้างยึดบัตรประชาชนและไม่ให้ออกจากห้อง");
    let event_id = event["webhookEventId"].as_str().unwrap().to_owned();
    app.ctx
        .redis
        .set_ex(&seen_key("line", &event_id), "1", 600)
        .await
        .unwrap();

    app.line_says(&line, std::slice::from_ref(&event)).await;

    assert_eq!(app.count("channel_events").await, 1);
    assert_eq!(app.count("messages WHERE direction = 'inbound'").await, 1);
    assert_eq!(app.count("cases").await, 1);

    let mut again: Value = event.clone();
    again["deliveryContext"]["isRedelivery"] = serde_json::json!(true);
    app.line_says(&line, &[again]).await;
    assert_eq!(app.count("channel_events").await, 1);
    assert_eq!(app.count("messages WHERE direction = 'inbound'").await, 1);
}
