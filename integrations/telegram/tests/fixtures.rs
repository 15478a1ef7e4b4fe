//! Real-shaped Telegram updates (fixtures/*.json) through `parse_update`.
//!
//! Every fixture meant as a valid update must also deserialise into teloxide-core's `Update`
//! (the same type as `teloxide::types::Update`) without falling back to `UpdateKind::Error`,
//! so the fixtures cannot drift from the format the library really reads.

// A panic in a test helper is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

use chrono::{TimeZone, Utc};
use hotline_contract::{
    AttachmentKind, AttachmentRef, ChannelKind, InboundContent, InboundMessage,
};
use hotline_telegram::{ParsedUpdate, UpdateError, parse_update, secret_matches};
use teloxide_core::types::{Update, UpdateKind};

const BOT_ID: i64 = 7_012_345_678;

/// Fixtures that are valid updates; the rest are deliberately broken.
const VALID_UPDATES: &[&str] = &[
    "text",
    "start",
    "start_with_parameter",
    "contact_own",
    "location",
    "callback_query",
    "edited_message",
    "photo_with_caption",
    "voice",
    "document",
    "sticker",
    "poll",
    "group_text",
    "from_bot",
    "my_chat_member",
];
const NOT_UPDATES: &[&str] = &["unknown_update_kind", "missing_update_id"];

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse(name: &str) -> ParsedUpdate {
    parse_update(BOT_ID, &fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn only_message(name: &str) -> InboundMessage {
    match parse(name) {
        ParsedUpdate::Messages(mut messages) if messages.len() == 1 => messages.remove(0),
        other => panic!("{name}: expected one message, got {other:?}"),
    }
}

fn content(name: &str) -> InboundContent {
    only_message(name).content
}

#[test]
fn every_valid_fixture_deserialises_into_a_teloxide_update_of_a_known_kind() {
    for name in VALID_UPDATES {
        let update: Update = serde_json::from_slice(&fixture(name))
            .unwrap_or_else(|e| panic!("{name} is not an Update: {e}"));
        // teloxide swallows payload errors into UpdateKind::Error, so a drifted fixture would
        // otherwise still "parse".
        assert!(
            !matches!(update.kind, UpdateKind::Error(_)),
            "{name} parsed as UpdateKind::Error: a field is missing or misshapen"
        );
    }
}

#[test]
fn every_fixture_file_is_covered_by_these_tests() {
    let dir = format!("{}/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|file| file.strip_suffix(".json").map(str::to_owned))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = VALID_UPDATES
        .iter()
        .chain(NOT_UPDATES)
        .map(|name| (*name).to_owned())
        .collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn thai_text_becomes_text_from_the_private_chat() {
    let message = only_message("text");
    assert_eq!(
        message,
        InboundMessage {
            channel: ChannelKind::Telegram,
            event_id: "7012345678:734519201:1760412345".into(),
            sender: "5123456789".into(),
            language_hint: Some("th".into()),
            sent_at: Utc.timestamp_opt(1_760_412_345, 0).unwrap(),
            platform_message_id: Some("2187".into()),
            content: InboundContent::Text {
                text: "ช่วยด้วย นายจ้างยึดพาสปอร์ตของฉันไว้ และไม่ให้ออกจากโรงงาน".into()
            },
            reply_token: None,
            bot_may_answer: true,
        }
    );
}

#[test]
fn start_without_a_parameter_has_no_source() {
    assert_eq!(content("start"), InboundContent::Start { source: None });
}

#[test]
fn start_with_a_deep_link_parameter_keeps_it_as_the_source() {
    let message = only_message("start_with_parameter");
    assert_eq!(
        message.content,
        InboundContent::Start {
            source: Some("poster-songkhla-2025".into())
        }
    );
    assert_eq!(message.language_hint.as_deref(), Some("vi"));
}

#[test]
fn the_persons_own_contact_keeps_phone_and_full_name() {
    assert_eq!(
        content("contact_own"),
        InboundContent::Contact {
            phone: "66812345678".into(),
            name: Some("Ploy Saelim".into()),
            own: true,
        }
    );
}

#[test]
fn someone_elses_contact_is_not_own() {
    let body = String::from_utf8(fixture("contact_own"))
        .unwrap()
        .replace("\"user_id\": 5123456789", "\"user_id\": 6999999999");
    let Ok(ParsedUpdate::Messages(messages)) = parse_update(BOT_ID, body.as_bytes()) else {
        panic!("not parsed");
    };
    assert!(matches!(
        messages[0].content,
        InboundContent::Contact { own: false, .. }
    ));
}

#[test]
fn a_location_keeps_its_coordinates() {
    assert_eq!(
        content("location"),
        InboundContent::Location {
            latitude: 7.198906,
            longitude: 100.595379
        }
    );
}

#[test]
fn a_button_press_becomes_a_choice_acknowledged_by_its_query_id() {
    let message = only_message("callback_query");
    assert_eq!(
        message.event_id,
        "7012345678:734519203:cb:2206781342567120911"
    );
    assert_eq!(message.sender, "5123456789");
    assert_eq!(message.platform_message_id.as_deref(), Some("2189"));
    assert_eq!(
        message.content,
        InboundContent::Choice {
            data: "consent:yes".into(),
            ack_id: Some("2206781342567120911".into()),
        }
    );
}

#[test]
fn an_edit_names_the_original_message_and_is_identified_by_the_edit_time() {
    let message = only_message("edited_message");
    assert_eq!(message.event_id, "7012345678:734519204:1760412399");
    assert_eq!(
        message.sent_at,
        Utc.timestamp_opt(1_760_412_399, 0).unwrap()
    );
    assert_eq!(
        message.content,
        InboundContent::Edited {
            original_message_id: "2187".into(),
            text: "ช่วยด้วย นายจ้างยึดพาสปอร์ตของฉันและของน้องสาวไว้".into(),
        }
    );
}

#[test]
fn a_photo_keeps_the_largest_size_and_its_caption() {
    assert_eq!(
        content("photo_with_caption"),
        InboundContent::Attachment(AttachmentRef {
            kind: AttachmentKind::Photo,
            file_ref: "AgACAgUAAxkBAAIIiWjv1_large".into(),
            mime_type: None,
            byte_size: Some(118_502),
            file_name: None,
            caption: Some("ห้องพักที่โรงงาน".into()),
        })
    );
}

#[test]
fn a_voice_note_keeps_its_mime_type_and_size() {
    assert_eq!(
        content("voice"),
        InboundContent::Attachment(AttachmentRef {
            kind: AttachmentKind::Voice,
            file_ref: "AwACAgUAAxkBAAIIimjv2_voice".into(),
            mime_type: Some("audio/ogg".into()),
            byte_size: Some(48_213),
            file_name: None,
            caption: None,
        })
    );
}

#[test]
fn a_document_keeps_its_file_name_mime_type_and_caption() {
    assert_eq!(
        content("document"),
        InboundContent::Attachment(AttachmentRef {
            kind: AttachmentKind::Document,
            file_ref: "BQACAgUAAxkBAAIIi2jv2_doc".into(),
            mime_type: Some("application/pdf".into()),
            byte_size: Some(254_118),
            file_name: Some("hop-dong-lao-dong.pdf".into()),
            caption: Some("Hợp đồng lao động".into()),
        })
    );
}

#[test]
fn a_sticker_is_an_attachment() {
    let InboundContent::Attachment(attachment) = content("sticker") else {
        panic!("not an attachment");
    };
    assert_eq!(attachment.kind, AttachmentKind::Sticker);
    assert_eq!(attachment.file_ref, "CAACAgIAAxkBAAIIjGjv2_sticker");
}

#[test]
fn a_poll_is_unsupported_and_named_only_by_its_kind() {
    assert_eq!(
        content("poll"),
        InboundContent::Unsupported {
            what: "poll".into()
        }
    );
}

#[test]
fn messages_in_group_chats_are_ignored() {
    assert_eq!(
        parse("group_text"),
        ParsedUpdate::Ignored { what: "group chat" }
    );
}

#[test]
fn messages_from_bots_are_ignored() {
    assert_eq!(
        parse("from_bot"),
        ParsedUpdate::Ignored { what: "from a bot" }
    );
}

#[test]
fn a_membership_change_is_ignored_under_its_update_kind() {
    assert_eq!(
        parse("my_chat_member"),
        ParsedUpdate::Ignored {
            what: "my_chat_member"
        }
    );
}

#[test]
fn an_update_kind_newer_than_teloxide_is_not_an_update_but_keeps_its_id() {
    match parse_update(BOT_ID, &fixture("unknown_update_kind")) {
        Err(UpdateError::NotAnUpdate { update_id, reason }) => {
            assert_eq!(update_id, Some(734_519_215));
            assert!(reason.contains("some_future_update"), "{reason}");
        }
        other => panic!("expected NotAnUpdate, got {other:?}"),
    }
}

#[test]
fn an_update_without_an_update_id_is_not_an_update() {
    assert!(matches!(
        parse_update(BOT_ID, &fixture("missing_update_id")),
        Err(UpdateError::NotAnUpdate {
            update_id: None,
            ..
        })
    ));
}

#[test]
fn a_known_kind_with_a_misshapen_payload_is_not_an_update() {
    // A message without its chat cannot be read by teloxide.
    let body = br#"{"update_id": 734519299, "message": {"message_id": 1, "date": 1760413200, "text": "hello"}}"#;
    match parse_update(BOT_ID, body) {
        Err(UpdateError::NotAnUpdate { update_id, reason }) => {
            assert_eq!(update_id, Some(734_519_299));
            assert!(reason.contains("message"), "{reason}");
            assert!(!reason.contains("hello"), "{reason}");
        }
        other => panic!("expected NotAnUpdate, got {other:?}"),
    }
}

#[test]
fn a_body_that_is_not_json_is_refused_without_echoing_it() {
    match parse_update(BOT_ID, b"phone=+66812345678") {
        Err(UpdateError::NotJson(reason)) => assert!(!reason.contains("668"), "{reason}"),
        other => panic!("expected NotJson, got {other:?}"),
    }
    assert!(matches!(
        parse_update(BOT_ID, b""),
        Err(UpdateError::NotJson(_))
    ));
}

#[test]
fn json_that_is_not_an_object_is_not_an_update() {
    assert!(matches!(
        parse_update(BOT_ID, b"[1, 2, 3]"),
        Err(UpdateError::NotAnUpdate {
            update_id: None,
            ..
        })
    ));
}

#[test]
fn a_reused_update_id_on_another_day_gets_another_event_id() {
    // After a week without updates Telegram restarts update ids at a random number, so an id
    // can come back; the message date keeps the event ids apart.
    let later = String::from_utf8(fixture("text"))
        .unwrap()
        .replace("1760412345", "1761017145");
    let Ok(ParsedUpdate::Messages(messages)) = parse_update(BOT_ID, later.as_bytes()) else {
        panic!("not parsed");
    };
    assert_ne!(messages[0].event_id, only_message("text").event_id);
}

#[test]
fn the_secret_header_matches_only_the_exact_secret() {
    let secret = "hK3-xQ9_vL2mN8pR4tY7";
    assert!(secret_matches(Some(secret.as_bytes()), secret));
    assert!(!secret_matches(Some(b"hK3-xQ9_vL2mN8pR4tY8"), secret));
    assert!(!secret_matches(Some(b"hK3-xQ9_vL2mN8pR4tY"), secret));
    assert!(!secret_matches(Some(b"HK3-XQ9_VL2MN8PR4TY7"), secret));
}

#[test]
fn a_missing_or_empty_secret_header_never_matches() {
    assert!(!secret_matches(None, "hK3-xQ9_vL2mN8pR4tY7"));
    assert!(!secret_matches(Some(b""), "hK3-xQ9_vL2mN8pR4tY7"));
}

#[test]
fn an_empty_configured_secret_never_matches() {
    assert!(!secret_matches(Some(b"anything"), ""));
    assert!(!secret_matches(Some(b""), ""));
    assert!(!secret_matches(None, ""));
}
