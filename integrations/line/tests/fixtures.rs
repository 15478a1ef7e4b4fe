//! Every LINE webhook event type the hotline meets, read from fixtures shaped like LINE's own
//! (see `line/line-openapi` webhook.yml): what each becomes, and that nothing panics on
//! arbitrary input.

// A panic in a test helper is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use hotline_contract::{AttachmentKind, ChannelKind, InboundContent, InboundMessage};
use hotline_line::{Event, WebhookError, parse_webhook, sign, signature_matches};
use proptest::prelude::*;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/fixtures/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn events(name: &str) -> Vec<Event> {
    parse_webhook(&fixture(name)).unwrap().events
}

fn only_inbound(name: &str) -> InboundMessage {
    match events(name).as_slice() {
        [Event::Inbound(message)] => message.clone(),
        other => panic!("{name}: expected one inbound event, got {other:?}"),
    }
}

#[test]
fn a_thai_text_with_escaped_emoji_becomes_text_from_the_person_with_its_reply_token() {
    assert_eq!(
        only_inbound("text"),
        InboundMessage {
            channel: ChannelKind::Line,
            event_id: "01JD8Z3T7Q1A2B3C4D5E6F7G8H".into(),
            sender: "U4af4980629a0b1c2d3e4f5a6b7c8d9e0".into(),
            language_hint: None,
            sent_at: Utc.timestamp_opt(1_795_000_000, 0).unwrap(),
            platform_message_id: Some("468789577898262530".into()),
            content: InboundContent::Text {
                text: "ช่วยด้วย นายจ้างยึดพาสปอร์ต 😢".into()
            },
            reply_token: Some("38ef843bde154d9b91c21320ffd17a0f".into()),
            bot_may_answer: true,
        }
    );
}

#[test]
fn images_videos_audio_files_and_stickers_are_kept_by_reference() {
    for (name, kind, reference) in [
        ("image", AttachmentKind::Photo, "message:468789577898262532"),
        ("video", AttachmentKind::Video, "message:468789577898262533"),
        ("audio", AttachmentKind::Audio, "message:468789577898262534"),
        (
            "file",
            AttachmentKind::Document,
            "message:468789577898262535",
        ),
        ("sticker", AttachmentKind::Sticker, "sticker:446/1988"),
    ] {
        match only_inbound(name).content {
            InboundContent::Attachment(file) => {
                assert_eq!(file.kind, kind, "{name}");
                assert_eq!(file.file_ref, reference, "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    let InboundContent::Attachment(file) = only_inbound("file").content else {
        panic!("file");
    };
    assert_eq!(file.file_name.as_deref(), Some("contract.pdf"));
    assert_eq!(file.byte_size, Some(20_480));
}

#[test]
fn a_shared_location_keeps_its_coordinates() {
    assert_eq!(
        only_inbound("location").content,
        InboundContent::Location {
            latitude: 16.7131,
            longitude: 98.5747
        }
    );
}

#[test]
fn follow_starts_unfollow_leaves_and_a_postback_is_a_choice() {
    assert_eq!(
        only_inbound("follow").content,
        InboundContent::Start { source: None }
    );
    let unfollow = only_inbound("unfollow");
    assert_eq!(unfollow.content, InboundContent::Left);
    assert_eq!(unfollow.reply_token, None);
    assert_eq!(
        only_inbound("postback").content,
        InboundContent::Choice {
            data: "lang:lo".into(),
            ack_id: None
        }
    );
}

#[test]
fn group_chats_and_unsent_messages_are_ignored() {
    assert_eq!(
        events("group_text"),
        vec![Event::Ignored { what: "group chat" }]
    );
    assert_eq!(events("unsend"), vec![Event::Ignored { what: "unsend" }]);
}

#[test]
fn the_verification_call_is_an_empty_webhook() {
    assert!(events("verification").is_empty());
}

#[test]
fn a_redelivery_is_the_same_event_without_a_usable_reply_token() {
    let first = only_inbound("text");
    let again = only_inbound("redelivery");
    assert_eq!(again.event_id, first.event_id);
    assert_eq!(again.reply_token, None);
}

#[test]
fn a_body_with_several_events_reads_each_on_its_own() {
    let events = events("several");
    assert_eq!(events.len(), 4);
    assert!(
        matches!(&events[0], Event::Inbound(m) if m.content == InboundContent::Start { source: None })
    );
    assert!(
        matches!(&events[1], Event::Inbound(m) if m.sender == "U99999999999999999999999999999999")
    );
    assert_eq!(events[2], Event::Ignored { what: "beacon" });
    // A text message without its text cannot be read, but costs the others nothing.
    assert!(
        matches!(&events[3], Event::Unreadable { key, reason, .. } if key == "01JD8Z3T7Q1A2B3C4D5E6F7G93" && reason.contains("no text"))
    );
}

#[test]
fn every_fixture_is_signed_over_its_exact_bytes() {
    let body = fixture("several");
    let signature = sign("channel-secret", &body);
    assert!(signature_matches(
        "channel-secret",
        &body,
        Some(signature.as_bytes())
    ));
    let reserialised =
        serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&body).unwrap()).unwrap();
    assert!(!signature_matches(
        "channel-secret",
        &reserialised,
        Some(signature.as_bytes())
    ));
}

#[test]
fn the_signature_matches_an_independently_computed_hmac() {
    // printf '%s' '{"destination":"U1","events":[]}' | openssl dgst -sha256 -hmac 'channel-secret' -binary | base64
    assert_eq!(
        sign("channel-secret", br#"{"destination":"U1","events":[]}"#),
        KNOWN_SIGNATURE
    );
}

const KNOWN_SIGNATURE: &str = "B2fF7S6jgMOeNq3IokYsA4lKncYApSaoE3IcBIVdHr4=";

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        ".{0,12}".prop_map(serde_json::Value::from),
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
            Just("standby")
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("events".to_owned()),
                    Just("type".to_owned()),
                    Just("webhookEventId".to_owned()),
                    Just("source".to_owned()),
                    Just("userId".to_owned()),
                    Just("timestamp".to_owned()),
                    Just("message".to_owned()),
                    Just("text".to_owned()),
                    Just("postback".to_owned()),
                    Just("data".to_owned()),
                    Just("mode".to_owned()),
                    Just("replyToken".to_owned()),
                    Just("deliveryContext".to_owned()),
                    Just("latitude".to_owned()),
                    ".{0,8}"
                ],
                inner,
                0..8
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic_and_are_refused_unless_json(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        match parse_webhook(&bytes) {
            Ok(_) => prop_assert!(serde_json::from_slice::<serde_json::Value>(&bytes).is_ok()),
            Err(WebhookError::NotJson(_) | WebhookError::NotAWebhook(_)) => {}
        }
    }

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        let _ = parse_webhook(value.to_string().as_bytes());
        let body = serde_json::json!({ "destination": "U1", "events": [value] });
        let parsed = parse_webhook(body.to_string().as_bytes());
        prop_assert!(parsed.is_ok());
    }
}
