//! `TelegramClient` against the testkit's Bot API stand-in: what reaches Telegram, and how
//! Telegram's refusals become `SendError`s.

// A panic in a test helper is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

use hotline_contract::{ChannelKind, Choice, InboundContent, OutboundMessage, SendError};
use hotline_telegram::{ParsedUpdate, TelegramClient, parse_update};
use hotline_testkit::{Failure, TelegramStandIn};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const TOKEN: &str = "7012345678:AAFq3dZr-test_token_0123456789";
const BOT_ID: i64 = 7_012_345_678;
const CHAT: i64 = 5_123_456_789;

fn stand_in_and_client() -> (TelegramStandIn, TelegramClient) {
    let stand_in = TelegramStandIn::start().unwrap();
    let client = TelegramClient::new(TOKEN, &stand_in.api_url()).unwrap();
    (stand_in, client)
}

fn message(text: &str) -> OutboundMessage {
    OutboundMessage {
        channel: ChannelKind::Telegram,
        recipient: CHAT.to_string(),
        text: text.into(),
        choices: Vec::new(),
        request_contact: None,
        email: None,
    }
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[tokio::test]
async fn a_message_with_choices_reaches_telegram_with_an_inline_keyboard() {
    let (stand_in, client) = stand_in_and_client();
    let mut outbound = message("เราโทรกลับหาคุณได้ไหม");
    outbound.choices = vec![vec![
        Choice {
            label: "ได้".into(),
            data: "consent:yes".into(),
        },
        Choice {
            label: "ไม่ได้".into(),
            data: "consent:no".into(),
        },
    ]];

    let delivered = client.send(&outbound).await.unwrap();

    assert!(delivered.platform_message_id.is_some());
    let sent = stand_in.sent_messages();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["chat_id"], json!(CHAT));
    assert_eq!(
        sent[0]["reply_markup"],
        json!({"inline_keyboard": [[
            {"text": "ได้", "callback_data": "consent:yes"},
            {"text": "ไม่ได้", "callback_data": "consent:no"},
        ]]})
    );
    assert_eq!(stand_in.texts_sent_to(CHAT), vec!["เราโทรกลับหาคุณได้ไหม"]);
}

#[tokio::test]
async fn asking_for_a_contact_sends_a_one_time_keyboard_with_one_contact_button() {
    let (stand_in, client) = stand_in_and_client();
    let mut outbound = message("Share your number so a counselor can call you back");
    outbound.request_contact = Some("Share my number".into());

    client.send(&outbound).await.unwrap();

    let markup = &stand_in.sent_messages()[0]["reply_markup"];
    assert_eq!(
        markup["keyboard"],
        json!([[{"text": "Share my number", "request_contact": true}]])
    );
    assert_eq!(markup["one_time_keyboard"], json!(true));
}

#[tokio::test]
async fn a_plain_message_has_no_keyboard() {
    let (stand_in, client) = stand_in_and_client();
    client.send(&message("Thank you")).await.unwrap();
    assert!(stand_in.sent_messages()[0].get("reply_markup").is_none());
}

#[tokio::test]
async fn successive_sends_get_distinct_message_ids() {
    let (_stand_in, client) = stand_in_and_client();
    let first = client.send(&message("one")).await.unwrap();
    let second = client.send(&message("two")).await.unwrap();
    assert_ne!(first.platform_message_id, second.platform_message_id);
}

#[tokio::test]
async fn a_rate_limit_is_temporary_with_the_wait_telegram_asked_for() {
    let (stand_in, client) = stand_in_and_client();
    stand_in.fail_next("sendMessage", Failure::TooManyRequests { retry_after: 17 });

    let error = client.send(&message("hello")).await.unwrap_err();

    let SendError::Temporary {
        retry_after,
        reason,
    } = error
    else {
        panic!("expected Temporary, got {error:?}");
    };
    assert_eq!(retry_after, Some(Duration::from_secs(17)));
    assert!(!reason.contains("hello"), "{reason}");
    // The failure is served once; the retry goes through.
    assert!(client.send(&message("hello")).await.is_ok());
}

#[tokio::test]
async fn a_blocked_bot_makes_the_person_unreachable() {
    let (stand_in, client) = stand_in_and_client();
    stand_in.fail_next("sendMessage", Failure::Blocked);

    let error = client.send(&message("hello")).await.unwrap_err();

    assert_eq!(
        error,
        SendError::Unreachable {
            reason: "sendMessage: Forbidden: bot was blocked by the user".into()
        }
    );
    assert!(stand_in.sent_messages().is_empty());
}

#[tokio::test]
async fn a_server_error_is_temporary_and_returns_at_once() {
    let (stand_in, client) = stand_in_and_client();
    stand_in.fail_next("sendMessage", Failure::ServerError);
    let started = Instant::now();

    let error = client.send(&message("hello")).await.unwrap_err();

    assert!(
        matches!(
            error,
            SendError::Temporary {
                retry_after: None,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_unreachable_server_is_temporary_and_the_reason_hides_the_token() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = TelegramClient::new(TOKEN, &format!("http://127.0.0.1:{port}")).unwrap();

    let error = client.send(&message("hello")).await.unwrap_err();

    let SendError::Temporary { reason, .. } = &error else {
        panic!("expected Temporary, got {error:?}");
    };
    assert!(!reason.contains("AAFq3dZr"), "{reason}");
    assert!(!error.to_string().contains("AAFq3dZr"));
}

#[tokio::test]
async fn a_recipient_that_is_not_a_chat_id_fails_permanently_without_a_call() {
    let (stand_in, client) = stand_in_and_client();
    let mut outbound = message("hello");
    outbound.recipient = "U4af4980629".into();

    let error = client.send(&outbound).await.unwrap_err();

    assert!(matches!(error, SendError::Permanent { .. }));
    assert!(stand_in.requests().is_empty());
}

#[tokio::test]
async fn answering_a_choice_sends_its_query_id() {
    let (stand_in, client) = stand_in_and_client();
    client.answer_choice("2206781342567120911").await.unwrap();
    let requests = stand_in.requests();
    assert_eq!(requests[0].method, "answerCallbackQuery");
    assert_eq!(
        requests[0].body["callback_query_id"],
        json!("2206781342567120911")
    );
}

#[tokio::test]
async fn set_webhook_registers_the_url_the_secret_and_the_update_kinds_read() {
    let (stand_in, client) = stand_in_and_client();
    client
        .set_webhook(
            "https://hotline.example.org/webhooks/telegram",
            "hK3-xQ9_vL2mN8pR4tY7",
        )
        .await
        .unwrap();

    assert_eq!(
        stand_in.webhook(),
        Some((
            "https://hotline.example.org/webhooks/telegram".to_owned(),
            Some("hK3-xQ9_vL2mN8pR4tY7".to_owned())
        ))
    );
    assert_eq!(
        stand_in.requests()[0].body["allowed_updates"],
        json!(["message", "edited_message", "callback_query"])
    );

    client.delete_webhook().await.unwrap();
    assert_eq!(stand_in.webhook(), None);
}

#[tokio::test]
async fn get_me_reads_the_bot_id() {
    let (stand_in, client) = stand_in_and_client();
    assert_eq!(client.get_me().await.unwrap(), BOT_ID);
    assert_eq!(stand_in.requests()[0].token, TOKEN);
}

#[tokio::test]
async fn polling_returns_pushed_updates_as_their_raw_json() {
    let (stand_in, client) = stand_in_and_client();
    stand_in.push_update(fixture("text"));
    stand_in.push_update(fixture("callback_query"));

    let updates = client.get_updates(None, 0).await.unwrap();

    assert_eq!(
        updates.iter().map(|u| u.update_id).collect::<Vec<_>>(),
        vec![734_519_201, 734_519_203]
    );
    let parsed = parse_update(BOT_ID, &updates[0].body).unwrap();
    let expected = parse_update(
        BOT_ID,
        &std::fs::read(format!("{}/fixtures/text.json", env!("CARGO_MANIFEST_DIR"))).unwrap(),
    )
    .unwrap();
    assert_eq!(parsed, expected);
}

#[tokio::test]
async fn polling_with_an_offset_confirms_earlier_updates() {
    let (stand_in, client) = stand_in_and_client();
    stand_in.push_update(fixture("text"));
    stand_in.push_update(fixture("callback_query"));

    let first = client.get_updates(None, 0).await.unwrap();
    let next_offset = first.iter().map(|u| u.update_id).max().unwrap() + 1;
    let after = client.get_updates(Some(next_offset), 0).await.unwrap();

    assert_eq!(first.len(), 2);
    assert!(after.is_empty());
    assert!(client.get_updates(None, 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn polling_passes_on_updates_teloxide_cannot_read() {
    let (stand_in, client) = stand_in_and_client();
    stand_in.push_update(fixture("unknown_update_kind"));

    let updates = client.get_updates(None, 0).await.unwrap();

    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].update_id, 734_519_215);
    assert!(parse_update(BOT_ID, &updates[0].body).is_err());
}

#[tokio::test]
async fn polling_while_a_webhook_is_set_is_a_permanent_failure() {
    let (_stand_in, client) = stand_in_and_client();
    client
        .set_webhook("https://hotline.example.org/webhooks/telegram", "secret")
        .await
        .unwrap();
    assert!(matches!(
        client.get_updates(None, 0).await,
        Err(SendError::Permanent { .. })
    ));
}

#[tokio::test]
async fn a_demo_person_pressing_a_button_comes_back_through_polling_as_a_choice() {
    let (stand_in, client) = stand_in_and_client();
    let mut question = message("เราโทรกลับหาคุณได้ไหม");
    question.choices = vec![vec![Choice {
        label: "ได้".into(),
        data: "consent:yes".into(),
    }]];
    let delivered = client.send(&question).await.unwrap();

    let demo = reqwest::Client::new()
        .post(format!("{}/demo/chats/{CHAT}/messages", stand_in.api_url()))
        .json(&json!({"choice": "consent:yes"}))
        .send()
        .await
        .unwrap();
    assert_eq!(demo.status(), 200);

    let updates = client.get_updates(None, 1).await.unwrap();
    let Ok(ParsedUpdate::Messages(messages)) = parse_update(BOT_ID, &updates[0].body) else {
        panic!("not parsed");
    };
    assert_eq!(messages[0].sender, CHAT.to_string());
    assert_eq!(
        messages[0].platform_message_id,
        delivered.platform_message_id
    );
    let InboundContent::Choice { data, ack_id } = &messages[0].content else {
        panic!("not a choice: {:?}", messages[0].content);
    };
    assert_eq!(data, "consent:yes");
    client
        .answer_choice(ack_id.as_deref().unwrap())
        .await
        .unwrap();
}
