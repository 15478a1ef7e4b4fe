//! Whatever arrives at a webhook, correctly authenticated or not, the answer is never a 5xx
//! and the app never panics: arbitrary bytes, arbitrary JSON, and JSON shaped almost like the
//! platforms' own (proptest generates the inputs; `cargo fuzz` would need nightly Rust).

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

use crate::helpers::{BOT_TOKEN, WEBHOOK_SECRET, spawn_app_with_line};

fn words() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just("message"),
        Just("follow"),
        Just("unfollow"),
        Just("postback"),
        Just("user"),
        Just("group"),
        Just("text"),
        Just("sticker"),
        Just("location"),
        Just("standby"),
        Just("private"),
        Just("/start"),
        Just("lang:th"),
        Just("ans:yes"),
    ]
    .prop_map(Value::from)
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::from),
        words(),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        let key = prop_oneof![
            Just("events"),
            Just("type"),
            Just("webhookEventId"),
            Just("source"),
            Just("userId"),
            Just("timestamp"),
            Just("message"),
            Just("text"),
            Just("postback"),
            Just("data"),
            Just("replyToken"),
            Just("mode"),
            Just("update_id"),
            Just("chat"),
            Just("id"),
            Just("from"),
            Just("date"),
            Just("callback_query"),
            Just("is_bot"),
            Just("message_id"),
        ]
        .prop_map(str::to_owned);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            prop::collection::btree_map(key, inner, 0..7)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A valid LINE event with random text and some fields replaced by arbitrary JSON.
fn near_line_event() -> impl Strategy<Value = Value> {
    (
        "\\PC{0,40}",
        "[0-9A-Z]{26}",
        prop::collection::vec((0usize..6, json_value()), 0..3),
    )
        .prop_map(|(text, event_id, replacements)| {
            let mut event = json!({
                "type": "message", "mode": "active", "timestamp": 1_795_000_000_000_i64,
                "webhookEventId": event_id, "deliveryContext": { "isRedelivery": false },
                "source": { "type": "user", "userId": "U4af4980629a0b1c2d3e4f5a6b7c8d9e0" },
                "replyToken": "38ef843bde154d9b91c21320ffd17a0f",
                "message": { "type": "text", "id": "1", "quoteToken": "q", "text": text }
            });
            let fields = [
                "type",
                "mode",
                "timestamp",
                "source",
                "message",
                "deliveryContext",
            ];
            for (field, value) in replacements {
                event[fields[field]] = value;
            }
            event
        })
}

/// Bodies: raw bytes, any JSON, and JSON wrapped the way each platform wraps its events.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        json_value().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(prop_oneof![json_value(), near_line_event()], 0..4).prop_map(
            |events| {
                json!({ "destination": "U1", "events": events })
                    .to_string()
                    .into_bytes()
            }
        ),
        (any::<i64>(), json_value()).prop_map(|(id, message)| {
            json!({ "update_id": id, "message": message })
                .to_string()
                .into_bytes()
        }),
    ]
}

#[tokio::test]
async fn arbitrary_authenticated_bodies_never_get_a_5xx_from_either_webhook() {
    let (app, line) = spawn_app_with_line(vec![
        ("HOTLINE_CHANNELS__TELEGRAM__ENABLED", "true"),
        ("HOTLINE_CHANNELS__TELEGRAM__BOT_TOKEN", BOT_TOKEN),
        ("HOTLINE_CHANNELS__TELEGRAM__WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("HOTLINE_CHANNELS__TELEGRAM__API_URL", "http://127.0.0.1:9"),
    ])
    .await;
    let mut runner = TestRunner::deterministic();
    let strategy = body();
    let mut accepted = [0, 0];
    for _ in 0..150 {
        let body = strategy.new_tree(&mut runner).unwrap().current();
        let signature = line.sign(&body);
        let resp = app.post_line_raw(body.clone(), Some(&signature)).await;
        accepted[0] += usize::from(resp.status().is_success());
        assert!(
            resp.status().is_success() || resp.status().is_client_error(),
            "LINE answered {} to {:?}",
            resp.status(),
            String::from_utf8_lossy(&body)
        );
        let resp = app
            .client
            .post(app.url("/webhooks/telegram"))
            .header("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        accepted[1] += usize::from(resp.status().is_success());
        assert!(
            resp.status().is_success() || resp.status().is_client_error(),
            "Telegram answered {} to {:?}",
            resp.status(),
            String::from_utf8_lossy(&body)
        );
    }
    // The inputs reach past the first check: some bodies are read as webhooks on each route.
    assert!(accepted.iter().all(|n| *n > 10), "accepted: {accepted:?}");
    assert!(app.count("channel_events").await > 0);
}
