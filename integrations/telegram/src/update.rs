//! Reading one Telegram `Update` (a webhook body, or one element of a `getUpdates` answer) into
//! channel-neutral [`InboundMessage`]s.
//!
//! Webhook and polling both end here, so every rule about what the hotline accepts from
//! Telegram (private chats only, people only, which kinds of content) lives in one place.

use chrono::{DateTime, Utc};
use hotline_contract::{
    AttachmentKind, AttachmentRef, ChannelKind, InboundContent, InboundMessage,
};
use serde_json::Value;
use teloxide_core::types::{
    CallbackQuery, Chat, FileMeta, MediaKind, Message, MessageKind, Update, UpdateKind, User,
};

/// What one update means for the hotline.
#[derive(Debug, Clone, PartialEq)]
pub enum ParsedUpdate {
    /// What the person sent (almost always one message).
    Messages(Vec<InboundMessage>),
    /// An update we deliberately do not act on; `what` is a short static label (e.g.
    /// "group chat", "from a bot", "my_chat_member").
    Ignored { what: &'static str },
}

/// Why a body could not be read as an update. Neither variant carries body content, so both
/// are safe to log.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    /// The body is not JSON at all (the app answers 400). The string must not contain body
    /// content.
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    /// Valid JSON that is not an Update this library can read (e.g. a type newer than
    /// teloxide-core, which parses as `UpdateKind::Error`, or a missing update_id). The app
    /// stores the raw body for review and answers 200.
    #[error("not a Telegram update we can read: {reason}")]
    NotAnUpdate {
        update_id: Option<i64>,
        reason: String,
    },
}

/// Deep-link parameters are at most 64 characters on Telegram; anything longer was typed by
/// hand and is cut so it cannot bloat what the app stores.
const START_SOURCE_MAX_CHARS: usize = 64;

/// Reads one update. `bot_id` (see [`crate::bot_id_from_token`]) goes into every event id, so
/// two bots feeding one hotline never collide.
pub fn parse_update(bot_id: i64, body: &[u8]) -> Result<ParsedUpdate, UpdateError> {
    // A first, generic pass tells "not JSON" apart from "JSON but not an update", and finds the
    // update_id even when teloxide cannot read the rest.
    let value: Value =
        serde_json::from_slice(body).map_err(|e| UpdateError::NotJson(describe_json_error(&e)))?;
    let Some(object) = value.as_object() else {
        return Err(UpdateError::NotAnUpdate {
            update_id: None,
            reason: "the body is not a JSON object".into(),
        });
    };
    let Some(update_id) = object.get("update_id").and_then(Value::as_i64) else {
        return Err(UpdateError::NotAnUpdate {
            update_id: None,
            reason: "no numeric update_id".into(),
        });
    };

    // Deserialise from the bytes, not from `value`: teloxide's `UpdateKind` reads its key as a
    // borrowed string, which only works straight from the body (from a `Value` every update
    // would come out as `UpdateKind::Error`).
    let update: Update = serde_json::from_slice(body).map_err(|_| UpdateError::NotAnUpdate {
        update_id: Some(update_id),
        // serde's messages can quote field values, so they are not passed on.
        reason: "update_id is not a Telegram update id".into(),
    })?;

    let context = UpdateContext { bot_id, update_id };
    match update.kind {
        UpdateKind::Message(message) => Ok(context.message(&message)),
        UpdateKind::EditedMessage(message) => Ok(context.edited_message(&message)),
        UpdateKind::CallbackQuery(query) => Ok(context.callback_query(&query)),
        UpdateKind::Error(_) => Err(UpdateError::NotAnUpdate {
            update_id: Some(update_id),
            reason: format!(
                "an update kind this library cannot read: {}",
                payload_keys(object)
            ),
        }),
        other => Ok(ParsedUpdate::Ignored {
            what: ignored_kind_label(&other),
        }),
    }
}

/// The pieces of an event id that come from the update rather than from its payload.
struct UpdateContext {
    bot_id: i64,
    update_id: i64,
}

impl UpdateContext {
    fn message(&self, message: &Message) -> ParsedUpdate {
        if let Some(what) = refusal(&message.chat, message.from.as_ref()) {
            return ParsedUpdate::Ignored { what };
        }
        let Some(content) = message_content(message) else {
            return ParsedUpdate::Ignored {
                what: "service message",
            };
        };
        ParsedUpdate::Messages(vec![self.inbound(message, message.date, content)])
    }

    fn edited_message(&self, message: &Message) -> ParsedUpdate {
        if let Some(what) = refusal(&message.chat, message.from.as_ref()) {
            return ParsedUpdate::Ignored { what };
        }
        // The edit time, not the original time: the event being recorded is the edit, and a
        // second edit of the same message must get its own event id.
        let edited_at = message.edit_date().copied().unwrap_or(message.date);
        let text = message
            .text()
            .or_else(|| message.caption())
            .unwrap_or_default()
            .to_owned();
        let content = InboundContent::Edited {
            original_message_id: message.id.0.to_string(),
            text,
        };
        ParsedUpdate::Messages(vec![self.inbound(message, edited_at, content)])
    }

    fn inbound(
        &self,
        message: &Message,
        sent_at: DateTime<Utc>,
        content: InboundContent,
    ) -> InboundMessage {
        InboundMessage {
            channel: ChannelKind::Telegram,
            // update_ids restart at a random number after a week without updates, so the date
            // is part of the identity.
            event_id: format!("{}:{}:{}", self.bot_id, self.update_id, sent_at.timestamp()),
            sender: message.chat.id.0.to_string(),
            language_hint: message.from.as_ref().and_then(|u| u.language_code.clone()),
            sent_at,
            platform_message_id: Some(message.id.0.to_string()),
            content,
            reply_token: None,
            bot_may_answer: true,
        }
    }

    fn callback_query(&self, query: &CallbackQuery) -> ParsedUpdate {
        let chat = query.message.as_ref().map(|m| m.chat());
        if query.from.is_bot {
            return ParsedUpdate::Ignored { what: "from a bot" };
        }
        if chat.is_some_and(|c| !c.is_private()) {
            return ParsedUpdate::Ignored { what: "group chat" };
        }
        // Telegram gives a button press no time of its own. The time of the message the
        // button sat on is the best the update offers; the app should prefer its own receipt
        // time for choices. An inaccessible (too old) message has date 0 in Telegram's format.
        let sent_at = query
            .regular_message()
            .map(|m| m.date)
            .unwrap_or(DateTime::UNIX_EPOCH);
        let sender = chat.map_or_else(|| query.from.id.0.to_string(), |c| c.id.0.to_string());
        ParsedUpdate::Messages(vec![InboundMessage {
            channel: ChannelKind::Telegram,
            // Callback query ids are unique on their own; the update id keeps the same shape
            // as message events.
            event_id: format!("{}:{}:cb:{}", self.bot_id, self.update_id, query.id.0),
            sender,
            language_hint: query.from.language_code.clone(),
            sent_at,
            platform_message_id: query.message.as_ref().map(|m| m.id().0.to_string()),
            content: InboundContent::Choice {
                data: query.data.clone().unwrap_or_default(),
                ack_id: Some(query.id.0.clone()),
            },
            reply_token: None,
            bot_may_answer: true,
        }])
    }
}

/// Why a message is not for the hotline, if it is not: only people writing to the bot in a
/// private chat are reporters; groups could expose a reporter to others in the group.
fn refusal(chat: &Chat, from: Option<&User>) -> Option<&'static str> {
    if !chat.is_private() {
        return Some("group chat");
    }
    if from.is_some_and(|u| u.is_bot) {
        return Some("from a bot");
    }
    None
}

/// What a person-written message contains; `None` for service messages (pins, payments,
/// forum topics...), which are Telegram's notices rather than anything the person sent.
fn message_content(message: &Message) -> Option<InboundContent> {
    let common = match &message.kind {
        MessageKind::Common(common) => common,
        MessageKind::Dice(_) => return Some(unsupported("dice")),
        MessageKind::WebAppData(_) => return Some(unsupported("web_app_data")),
        MessageKind::UsersShared(_) => return Some(unsupported("users_shared")),
        MessageKind::ChatShared(_) => return Some(unsupported("chat_shared")),
        MessageKind::PassportData(_) => return Some(unsupported("passport_data")),
        _ => return None,
    };
    let caption = message.caption().map(str::to_owned);
    let content = match &common.media_kind {
        MediaKind::Text(text) => text_content(&text.text),
        MediaKind::Contact(shared) => {
            let contact = &shared.contact;
            let name = [
                Some(contact.first_name.as_str()),
                contact.last_name.as_deref(),
            ]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
            let own = match (contact.user_id, message.from.as_ref()) {
                (Some(contact_user), Some(from)) => contact_user == from.id,
                _ => false,
            };
            InboundContent::Contact {
                phone: contact.phone_number.clone(),
                name: (!name.is_empty()).then_some(name),
                own,
            }
        }
        MediaKind::Location(shared) => InboundContent::Location {
            latitude: shared.location.latitude,
            longitude: shared.location.longitude,
        },
        MediaKind::Photo(photo) => {
            // Telegram sends several sizes of one photo; the largest is the evidence.
            let largest = photo
                .photo
                .iter()
                .max_by_key(|size| u64::from(size.width) * u64::from(size.height));
            match largest {
                Some(size) => attachment(AttachmentKind::Photo, &size.file, None, None, caption),
                None => unsupported("photo without sizes"),
            }
        }
        MediaKind::Voice(voice) => attachment(
            AttachmentKind::Voice,
            &voice.voice.file,
            voice.voice.mime_type.as_ref().map(ToString::to_string),
            None,
            caption,
        ),
        MediaKind::Audio(audio) => attachment(
            AttachmentKind::Audio,
            &audio.audio.file,
            audio.audio.mime_type.as_ref().map(ToString::to_string),
            audio.audio.file_name.clone(),
            caption,
        ),
        MediaKind::Video(video) => attachment(
            AttachmentKind::Video,
            &video.video.file,
            video.video.mime_type.as_ref().map(ToString::to_string),
            video.video.file_name.clone(),
            caption,
        ),
        MediaKind::VideoNote(note) => attachment(
            AttachmentKind::Video,
            &note.video_note.file,
            None,
            None,
            caption,
        ),
        // An animation is a silent MPEG-4 clip (Telegram's "GIF"); a person may still send one
        // as evidence, so its reference is kept like any video.
        MediaKind::Animation(animation) => attachment(
            AttachmentKind::Video,
            &animation.animation.file,
            animation
                .animation
                .mime_type
                .as_ref()
                .map(ToString::to_string),
            animation.animation.file_name.clone(),
            caption,
        ),
        MediaKind::Document(document) => attachment(
            AttachmentKind::Document,
            &document.document.file,
            document
                .document
                .mime_type
                .as_ref()
                .map(ToString::to_string),
            document.document.file_name.clone(),
            caption,
        ),
        MediaKind::Sticker(sticker) => attachment(
            AttachmentKind::Sticker,
            &sticker.sticker.file,
            None,
            None,
            caption,
        ),
        MediaKind::Poll(_) => unsupported("poll"),
        MediaKind::Venue(_) => unsupported("venue"),
        MediaKind::Game(_) => unsupported("game"),
        MediaKind::PaidMedia(_) => unsupported("paid_media"),
        MediaKind::Story(_) => unsupported("story"),
        MediaKind::Checklist(_) => unsupported("checklist"),
        MediaKind::Migration(_) => return None,
    };
    Some(content)
}

/// `/start` (also `/start@SomeBot`) opens the conversation, with an optional deep-link
/// parameter after a space; every other text, other commands included, is free text.
fn text_content(text: &str) -> InboundContent {
    let (command, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let is_start = command == "/start" || command.starts_with("/start@");
    if !is_start {
        return InboundContent::Text {
            text: text.to_owned(),
        };
    }
    let source: String = rest.trim().chars().take(START_SOURCE_MAX_CHARS).collect();
    let source = source.trim_end().to_owned();
    InboundContent::Start {
        source: (!source.is_empty()).then_some(source),
    }
}

fn attachment(
    kind: AttachmentKind,
    file: &FileMeta,
    mime_type: Option<String>,
    file_name: Option<String>,
    caption: Option<String>,
) -> InboundContent {
    InboundContent::Attachment(AttachmentRef {
        kind,
        file_ref: file.id.0.clone(),
        mime_type,
        // teloxide fills a missing file_size with u32::MAX; that means "unknown", not 4 GiB.
        byte_size: (file.size != u32::MAX).then_some(u64::from(file.size)),
        file_name,
        caption,
    })
}

fn unsupported(what: &str) -> InboundContent {
    InboundContent::Unsupported { what: what.into() }
}

/// Labels for update kinds the hotline does not act on, named after Telegram's field so an
/// operator can look them up.
fn ignored_kind_label(kind: &UpdateKind) -> &'static str {
    match kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        UpdateKind::ChannelPost(_) => "channel_post",
        UpdateKind::EditedChannelPost(_) => "edited_channel_post",
        UpdateKind::BusinessConnection(_) => "business_connection",
        UpdateKind::BusinessMessage(_) => "business_message",
        UpdateKind::EditedBusinessMessage(_) => "edited_business_message",
        UpdateKind::DeletedBusinessMessages(_) => "deleted_business_messages",
        UpdateKind::MessageReaction(_) => "message_reaction",
        UpdateKind::MessageReactionCount(_) => "message_reaction_count",
        UpdateKind::InlineQuery(_) => "inline_query",
        UpdateKind::ChosenInlineResult(_) => "chosen_inline_result",
        UpdateKind::ShippingQuery(_) => "shipping_query",
        UpdateKind::PreCheckoutQuery(_) => "pre_checkout_query",
        UpdateKind::PurchasedPaidMedia(_) => "purchased_paid_media",
        UpdateKind::Poll(_) => "poll",
        UpdateKind::PollAnswer(_) => "poll_answer",
        UpdateKind::MyChatMember(_) => "my_chat_member",
        UpdateKind::ChatMember(_) => "chat_member",
        UpdateKind::ChatJoinRequest(_) => "chat_join_request",
        UpdateKind::ChatBoost(_) => "chat_boost",
        UpdateKind::RemovedChatBoost(_) => "removed_chat_boost",
        UpdateKind::Error(_) => "unreadable update",
    }
}

/// The update's payload field names, for the review queue. Only names shaped like Telegram's
/// (lowercase words and underscores) are shown, so a hostile body cannot put text in logs.
fn payload_keys(object: &serde_json::Map<String, Value>) -> String {
    let keys: Vec<&str> = object
        .keys()
        .map(String::as_str)
        .filter(|key| *key != "update_id")
        .filter(|key| key.len() <= 40 && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        .take(3)
        .collect();
    if keys.is_empty() {
        "no payload field".into()
    } else {
        keys.join(", ")
    }
}

/// serde_json's syntax errors name a position, never content; the message is rebuilt from
/// those parts anyway so no future wording can leak the body.
fn describe_json_error(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Eof => "unexpected end",
        Category::Syntax => "syntax error",
        Category::Io => "read error",
        Category::Data => "unexpected data",
    };
    format!("{what} at line {} column {}", error.line(), error.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_with_a_long_parameter_is_cut_to_sixty_four_characters() {
        let text = format!("/start {}", "a".repeat(100));
        assert_eq!(
            text_content(&text),
            InboundContent::Start {
                source: Some("a".repeat(64))
            }
        );
    }

    #[test]
    fn start_addressed_to_a_bot_by_name_is_still_start() {
        assert_eq!(
            text_content("/start@HotlineBot"),
            InboundContent::Start { source: None }
        );
    }

    #[test]
    fn a_word_that_merely_begins_with_start_is_text() {
        assert_eq!(
            text_content("/startle"),
            InboundContent::Text {
                text: "/startle".into()
            }
        );
    }

    #[test]
    fn other_commands_are_text() {
        assert_eq!(
            text_content("/help me"),
            InboundContent::Text {
                text: "/help me".into()
            }
        );
    }

    #[test]
    fn payload_keys_hide_keys_that_do_not_look_like_telegram_fields() {
        let object = serde_json::json!({"update_id": 1, "Hello there": 1, "new_kind": {}});
        let map = object.as_object().unwrap();
        assert_eq!(payload_keys(map), "new_kind");
    }

    fn message_update(update_id: u64) -> Vec<u8> {
        format!(
            r#"{{"update_id": {update_id}, "message": {{"message_id": 1, "date": 1795000000,
                "from": {{"id": 5, "is_bot": false, "first_name": "A"}},
                "chat": {{"id": 5, "type": "private"}}, "text": "help"}}}}"#
        )
        .into_bytes()
    }

    #[test]
    fn an_update_id_beyond_thirty_two_bits_is_not_read_as_an_update() {
        // Telegram's update ids fit in 32 bits and teloxide reads them so; a larger one is an
        // unreadable body (kept for review by the app), not a message. The bench's load
        // generators keep their ids below it for that reason.
        assert!(matches!(
            parse_update(7, &message_update(u64::from(u32::MAX))),
            Ok(ParsedUpdate::Messages(_))
        ));
        assert!(matches!(
            parse_update(7, &message_update(u64::from(u32::MAX) + 1)),
            Err(UpdateError::NotAnUpdate {
                update_id: Some(4_294_967_296),
                ..
            })
        ));
    }
}

/// Hostile input (issue 18): whatever arrives, the parser answers `Ok` or `Err`, never a panic.
/// The bounded `cargo fuzz` targets in `fuzz/` search further (docs/reliability.md).
#[cfg(test)]
mod never_panics {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn on_arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = super::parse_update(7, &body);
        }

        #[test]
        fn on_text_shaped_like_an_update(text in "\\PC{0,300}", id in any::<i64>()) {
            let body = format!(r#"{{"update_id":{id},"message":{{"message_id":1,"date":1,"chat":{{"id":{id},"type":"private"}},"from":{{"id":1,"is_bot":false,"first_name":"x"}},"text":{}}}}}"#,
                serde_json::Value::String(text));
            let _ = super::parse_update(7, body.as_bytes());
        }
    }

    #[test]
    fn on_deeply_nested_json() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(super::parse_update(7, deep.as_bytes()).is_err());
        let deep = format!(r#"{{"update_id":1,"message":{}}}"#, "{\"a\":".repeat(5_000));
        assert!(super::parse_update(7, deep.as_bytes()).is_err());
    }
}
