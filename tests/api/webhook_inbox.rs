//! The webhook inbox: a Telegram or LINE webhook that finds every intake turn taken is sealed
//! into the inbox in one INSERT and answered 200, then read (in order per chat) when a turn is
//! free, through the same intake as any webhook. Here the test holds the node's only turn, as a
//! flood would, and reads the inbox itself, as `hotline serve`'s reader does.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{
    BOT_TOKEN, TestApp, WEBHOOK_SECRET, spawn_app_with_line, spawn_app_with_telegram, tg_text,
};

const ONE_TURN: [(&str, &str); 2] = [
    ("HOTLINE_SERVER__INTAKE_CONCURRENCY", "1"),
    ("HOTLINE_SERVER__INTAKE_INBOX_AFTER_MS", "20"),
];

impl TestApp {
    /// Reads the inbox until a round reads nothing, as `hotline serve`'s reader would.
    async fn read_inbox(&self) -> usize {
        let mut read = 0;
        loop {
            let round = hotline::channels::inbox::read_once(&self.ctx, 16)
                .await
                .unwrap();
            if round.read == 0 {
                return read;
            }
            read += round.read;
        }
    }

    async fn inbound_texts(&self) -> Vec<String> {
        let who = self.staff(Role::Supervisor).await;
        let case = self.case_of_chat(&who).await;
        case["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["direction"] == "inbound")
            .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

#[tokio::test]
async fn a_message_that_finds_every_turn_taken_is_sealed_in_the_inbox_answered_200_and_recorded_when_read()
 {
    let (app, telegram) = spawn_app_with_telegram(ONE_TURN.to_vec()).await;
    let flood = app.ctx.turns.take_for_reader().await;

    let update = tg_text(
        1,
        560_001,
        "they took my passport and lock the door at night",
    );
    let answer = app.post_telegram_update(&update).await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(app.count("webhook_inbox").await, 1);
    assert_eq!(app.count("channel_events").await, 0);
    // What the person wrote is sealed at rest.
    let (sealed,): (Vec<u8>,) = sqlx::query_as("SELECT body_enc FROM webhook_inbox")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let sealed = String::from_utf8_lossy(&sealed);
    assert!(!sealed.contains("passport") && !sealed.contains("560001"));

    drop(flood);
    assert_eq!(app.read_inbox().await, 1);
    assert_eq!(app.count("webhook_inbox").await, 0);
    assert_eq!(app.count("channel_events").await, 1);
    assert_eq!(
        app.inbound_texts().await,
        ["they took my passport and lock the door at night"]
    );
    // The bot answers as it would have at once.
    app.run_jobs().await;
    assert!(!telegram.texts_sent_to(560_001).is_empty());
    assert!(
        app.metrics_text()
            .await
            .contains("hotline_webhook_inbox_total")
    );
}

#[tokio::test]
async fn while_the_inbox_holds_a_chat_s_message_its_next_ones_go_there_too_and_are_read_in_order() {
    let (app, _telegram) = spawn_app_with_telegram(ONE_TURN.to_vec()).await;
    let flood = app.ctx.turns.take_for_reader().await;
    app.telegram_says(&[tg_text(1, 560_002, "first: my boss keeps our passports")])
        .await;
    drop(flood);

    // A turn is free now, but an older message of the chat waits in the inbox: this one may
    // not overtake it.
    app.telegram_says(&[
        tg_text(2, 560_002, "second: we cannot leave the farm"),
        tg_text(3, 560_002, "third: please help"),
    ])
    .await;
    assert_eq!(app.count("webhook_inbox").await, 3);
    assert_eq!(app.count("channel_events").await, 0);

    // One chat's bodies are read one after another: a round takes only the oldest.
    let round = hotline::channels::inbox::read_once(&app.ctx, 16)
        .await
        .unwrap();
    assert_eq!((round.read, round.more), (1, true));
    app.read_inbox().await;
    assert_eq!(
        app.inbound_texts().await,
        [
            "first: my boss keeps our passports",
            "second: we cannot leave the farm",
            "third: please help"
        ]
    );

    // Empty again: the next message is worked on at once.
    app.read_inbox().await;
    app.telegram_says(&[tg_text(4, 560_002, "fourth")]).await;
    assert_eq!(app.count("webhook_inbox").await, 0);
    assert_eq!(app.count("channel_events").await, 4);
}

#[tokio::test]
async fn different_chats_waiting_in_the_inbox_are_read_in_the_same_round() {
    let (app, _telegram) = spawn_app_with_telegram(ONE_TURN.to_vec()).await;
    let flood = app.ctx.turns.take_for_reader().await;
    for chat in 0..5 {
        app.telegram_says(&[tg_text(10 + chat, 560_100 + chat, "help, we are locked in")])
            .await;
    }
    drop(flood);
    let round = hotline::channels::inbox::read_once(&app.ctx, 16)
        .await
        .unwrap();
    assert_eq!(round.read, 5);
    assert_eq!(app.count("cases WHERE channel = 'telegram'").await, 5);
}

#[tokio::test]
async fn a_message_sent_again_while_it_waits_in_the_inbox_is_recorded_once() {
    let (app, _telegram) = spawn_app_with_telegram(ONE_TURN.to_vec()).await;
    let flood = app.ctx.turns.take_for_reader().await;
    let update = tg_text(5, 560_003, "my daughter is kept at the karaoke");
    // Telegram resends when its request timed out, though the first was stored.
    app.telegram_says(&[update.clone(), update.clone()]).await;
    drop(flood);
    app.read_inbox().await;
    // And once more after it was read, answered at once.
    app.telegram_says(&[update]).await;
    assert_eq!(app.count("channel_events").await, 1);
    assert_eq!(app.count("messages WHERE direction = 'inbound'").await, 1);
    assert_eq!(app.count("webhook_inbox").await, 0);
}

#[tokio::test]
async fn a_body_a_dead_reader_had_taken_is_read_by_another_after_its_lease() {
    let (app, _telegram) = spawn_app_with_telegram(ONE_TURN.to_vec()).await;
    let flood = app.ctx.turns.take_for_reader().await;
    app.telegram_says(&[tg_text(6, 560_004, "they moved us to another boat")])
        .await;
    drop(flood);
    // A reader on a node that died took it a moment ago.
    sqlx::query("UPDATE webhook_inbox SET locked_until = $1 + interval '15 seconds', attempts = 1")
        .bind(app.clock_now())
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(app.read_inbox().await, 0);
    assert_eq!(app.count("webhook_inbox").await, 1);

    app.advance(16);
    assert_eq!(app.read_inbox().await, 1);
    assert_eq!(app.count("channel_events").await, 1);
}

#[tokio::test]
async fn a_body_that_is_not_an_update_is_refused_with_400_and_nothing_is_put_in_the_inbox() {
    let (app, _telegram) = spawn_app_with_telegram(ONE_TURN.to_vec()).await;
    let _flood = app.ctx.turns.take_for_reader().await;
    let answer = reqwest::Client::new()
        .post(app.url("/webhooks/telegram"))
        .header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    let error: Value = answer.json().await.unwrap();
    assert_eq!(error["error"]["code"], "malformed_json");
    // A wrong secret is refused before the turn matters.
    let forged = reqwest::Client::new()
        .post(app.url("/webhooks/telegram"))
        .header("X-Telegram-Bot-Api-Secret-Token", "not-the-secret")
        .json(&tg_text(7, 560_005, "hello"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.count("webhook_inbox").await, 0);
}

#[tokio::test]
async fn a_line_event_that_finds_every_turn_taken_is_recorded_when_read_and_answered_by_push() {
    let (app, line) = spawn_app_with_line(ONE_TURN.to_vec()).await;
    let person = "U0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f";
    let flood = app.ctx.turns.take_for_reader().await;
    app.line_says(
        &line,
        &[line.text_event(person, "นายจ้างยึดบัตรและไม่ให้ออกไปไหน")],
    )
    .await;
    assert_eq!(app.count("webhook_inbox WHERE channel = 'line'").await, 1);
    drop(flood);
    assert_eq!(app.read_inbox().await, 1);
    assert_eq!(app.count("channel_events WHERE channel = 'line'").await, 1);
    app.run_jobs().await;
    assert!(!line.texts_sent_to(person).is_empty());
}

#[tokio::test]
async fn a_message_that_says_danger_now_is_read_before_older_ones_of_other_chats() {
    let (app, _telegram) = spawn_app_with_telegram(ONE_TURN.to_vec()).await;
    let flood = app.ctx.turns.take_for_reader().await;
    for chat in 0..3 {
        app.telegram_says(&[tg_text(
            20 + chat,
            560_200 + chat,
            "hello, a question about visas",
        )])
        .await;
    }
    app.telegram_says(&[tg_text(
        30,
        560_299,
        "help, we are locked in a room and they beat us",
    )])
    .await;
    drop(flood);
    let round = hotline::channels::inbox::read_once(&app.ctx, 1)
        .await
        .unwrap();
    assert_eq!(round.read, 1);
    let first_read: Vec<(String,)> =
        sqlx::query_as("SELECT event_id FROM channel_events WHERE channel = 'telegram'")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(first_read.len(), 1);
    assert!(
        first_read[0].0.contains(":30:"),
        "the locked-in message came first, not {}",
        first_read[0].0
    );
    app.read_inbox().await;
    assert_eq!(app.count("channel_events").await, 4);
}

#[tokio::test]
async fn an_urgent_message_lifts_its_chat_s_older_messages_so_it_does_not_wait_behind_other_chats()
{
    let (app, _telegram) = spawn_app_with_telegram(ONE_TURN.to_vec()).await;
    let flood = app.ctx.turns.take_for_reader().await;
    app.telegram_says(&[tg_text(40, 560_300, "hello, a question about visas")])
        .await;
    for chat in 1..4 {
        app.telegram_says(&[tg_text(
            40 + chat,
            560_300 + chat,
            "hello, a question about work",
        )])
        .await;
    }
    // The first chat now says it is in danger: its older message must be read first, and both
    // before the other chats.
    app.telegram_says(&[tg_text(
        50,
        560_300,
        "help, we are locked in a room and they beat us",
    )])
    .await;
    drop(flood);
    for _ in 0..2 {
        let round = hotline::channels::inbox::read_once(&app.ctx, 1)
            .await
            .unwrap();
        assert_eq!(round.read, 1);
    }
    let (read,): (Vec<String>,) = sqlx::query_as(
        "SELECT array_agg(event_id ORDER BY event_id) FROM channel_events WHERE channel = 'telegram'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(read.len(), 2);
    assert!(read.iter().any(|k| k.contains(":40:")) && read.iter().any(|k| k.contains(":50:")));
}

#[tokio::test]
async fn a_body_put_on_one_node_is_read_by_another_and_the_backlog_is_a_metric() {
    let (first, telegram) = spawn_app_with_telegram(ONE_TURN.to_vec()).await;
    let flood = first.ctx.turns.take_for_reader().await;
    first
        .telegram_says(&[tg_text(
            60,
            560_400,
            "they keep us on the boat, please help",
        )])
        .await;
    assert!(
        first
            .metrics_text()
            .await
            .contains("hotline_webhook_inbox_waiting 1")
    );
    let telegram_on = [
        ("HOTLINE_CHANNELS__TELEGRAM__ENABLED", "true".to_owned()),
        (
            "HOTLINE_CHANNELS__TELEGRAM__BOT_TOKEN",
            BOT_TOKEN.to_owned(),
        ),
        (
            "HOTLINE_CHANNELS__TELEGRAM__WEBHOOK_SECRET",
            WEBHOOK_SECRET.to_owned(),
        ),
        ("HOTLINE_CHANNELS__TELEGRAM__API_URL", telegram.api_url()),
    ];
    let second = crate::helpers::spawn_second_node_with(
        &first,
        telegram_on
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
    .await;
    let round = hotline::channels::inbox::read_once(&second.ctx, 16)
        .await
        .unwrap();
    assert_eq!(round.read, 1);
    assert_eq!(first.count("channel_events").await, 1);
    drop(flood);
    assert!(
        first
            .metrics_text()
            .await
            .contains("hotline_webhook_inbox_waiting 0")
    );
}

#[tokio::test]
async fn a_line_body_with_two_peoples_events_is_put_as_one_body_per_person_and_each_read_in_order()
{
    let (app, line) = spawn_app_with_line(ONE_TURN.to_vec()).await;
    let (a, b) = (
        "U1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a",
        "U2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b",
    );
    let flood = app.ctx.turns.take_for_reader().await;
    // LINE batches events under load: A, then B, then A again, in one signed body.
    let status = line
        .deliver(&[
            line.text_event(a, "first from A: they took my passport"),
            line.text_event(b, "from B: is this the hotline?"),
            line.text_event(a, "second from A: we cannot leave"),
        ])
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(app.count("webhook_inbox").await, 2);
    drop(flood);
    assert_eq!(app.read_inbox().await, 2);
    assert_eq!(app.count("channel_events WHERE channel = 'line'").await, 3);
    let (cases,): (i64,) = sqlx::query_as(
        "SELECT count(DISTINCT case_id) FROM messages WHERE channel = 'line' AND direction = 'inbound'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(cases, 2, "two people, two cases");
    let supervisor = app.staff(Role::Supervisor).await;
    let (case_of_a,): (uuid::Uuid,) = sqlx::query_as(
        "SELECT case_id FROM messages WHERE channel = 'line' AND direction = 'inbound'
         GROUP BY case_id HAVING count(*) = 2",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let case = app.case_in_full(&supervisor, &case_of_a.to_string()).await;
    let inbound: Vec<&str> = case["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "inbound")
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        inbound,
        [
            "first from A: they took my passport",
            "second from A: we cannot leave"
        ]
    );
}

#[tokio::test]
async fn a_body_that_still_cannot_be_read_after_twenty_attempts_is_kept_for_review_and_frees_its_chat()
 {
    let (first, _telegram) = spawn_app_with_telegram(ONE_TURN.to_vec()).await;
    let flood = first.ctx.turns.take_for_reader().await;
    first
        .telegram_says(&[tg_text(80, 560_500, "they keep my passport")])
        .await;
    drop(flood);
    // A node whose Telegram is off cannot read it: the attempt fails, and the body waits.
    let without_telegram = crate::helpers::spawn_second_node(&first).await;
    let round = hotline::channels::inbox::read_once(&without_telegram.ctx, 16)
        .await
        .unwrap();
    assert_eq!((round.read, round.failed), (0, 1));
    assert_eq!(first.count("webhook_inbox").await, 1);

    // Its twentieth attempt fails the same way: kept, sealed, for a person to review.
    sqlx::query("UPDATE webhook_inbox SET attempts = 19, locked_until = NULL")
        .execute(&first.db)
        .await
        .unwrap();
    let round = hotline::channels::inbox::read_once(&without_telegram.ctx, 16)
        .await
        .unwrap();
    assert_eq!(round.read, 1);
    assert_eq!(first.count("webhook_inbox").await, 0);
    assert_eq!(
        first
            .count("unreadable_events WHERE channel = 'telegram'")
            .await,
        1
    );
}
