//! Reading a LINE webhook body (already signature-checked by the app) into channel-neutral
//! [`InboundMessage`]s, one per event.
//!
//! One body can carry many events, from many people; each is read on its own, so one event we
//! cannot read never costs the others. Every rule about what the hotline accepts from LINE
//! (one-to-one chats only, which event and message types) lives here.

use chrono::{DateTime, Utc};
use hotline_contract::{
    AttachmentKind, AttachmentRef, ChannelKind, InboundContent, InboundMessage,
};
use serde_json::{Map, Value};

/// A webhook body: the bot's user id and its events, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// The LINE Official Account's own user id (`destination`), if given.
    pub destination: Option<String>,
    pub events: Vec<Event>,
}

/// What one event means for the hotline.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Something the person did: a message, a follow, an unfollow, a button press.
    Inbound(InboundMessage),
    /// An event we deliberately do not act on; `what` is a short static label ("group chat",
    /// "unsend", "beacon"...).
    Ignored { what: &'static str },
    /// An event of a kind we read, missing something it must have. `key` identifies it for
    /// storage (its `webhookEventId`, or its position when it has none); `reason` names the
    /// problem without quoting content; `raw` is the event's JSON, for the app to keep
    /// encrypted for review.
    Unreadable {
        key: String,
        reason: String,
        raw: String,
    },
}

/// Why a body is not a LINE webhook at all (the app answers 400). Never carries body content.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WebhookError {
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    #[error("the body is not a LINE webhook: {0}")]
    NotAWebhook(&'static str),
}

/// Postback data LINE allows is at most 300 characters; ours are far shorter, so anything
/// longer did not come from our buttons and is cut before it is stored.
const CHOICE_DATA_MAX_CHARS: usize = 300;

/// Reads a webhook body. An empty `events` array (LINE's "Verify" button) is a valid, empty
/// webhook.
pub fn parse_webhook(body: &[u8]) -> Result<Webhook, WebhookError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        WebhookError::NotJson(match e.classify() {
            serde_json::error::Category::Io => "unreadable".into(),
            serde_json::error::Category::Syntax => format!("syntax error at line {}", e.line()),
            serde_json::error::Category::Data => "unexpected data".into(),
            serde_json::error::Category::Eof => "the body ends too early".into(),
        })
    })?;
    let Some(object) = value.as_object() else {
        return Err(WebhookError::NotAWebhook("the body is not a JSON object"));
    };
    let Some(events) = object.get("events").and_then(Value::as_array) else {
        return Err(WebhookError::NotAWebhook("there is no events array"));
    };
    let destination = object
        .get("destination")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(Webhook {
        destination,
        events: events
            .iter()
            .enumerate()
            .map(|(position, event)| read_event(position, event))
            .collect(),
    })
}

fn read_event(position: usize, event: &Value) -> Event {
    let unreadable = |key: String, reason: &str| Event::Unreadable {
        key,
        reason: reason.to_owned(),
        raw: event.to_string(),
    };
    let Some(event_object) = event.as_object() else {
        return unreadable(
            format!("position:{position}"),
            "an event is not a JSON object",
        );
    };
    let Some(kind) = text(event_object, "type") else {
        return unreadable(format!("position:{position}"), "an event has no type");
    };
    let Some(what) = handled(kind) else {
        return Event::Ignored {
            what: ignored_label(kind),
        };
    };
    let Some(event_id) = text(event_object, "webhookEventId").filter(|id| !id.is_empty()) else {
        return unreadable(
            format!("position:{position}"),
            &format!("a {what} event has no webhookEventId"),
        );
    };
    let key = event_id.to_owned();
    let source = event_object.get("source").and_then(Value::as_object);
    match source.and_then(|s| text(s, "type")) {
        Some("user") => {}
        Some(_) => return Event::Ignored { what: "group chat" },
        None => return unreadable(key, &format!("a {what} event has no source")),
    }
    let Some(sender) = source.and_then(|s| text(s, "userId")) else {
        return unreadable(key, &format!("a {what} event has no source.userId"));
    };
    let Some(sent_at) = event_object
        .get("timestamp")
        .and_then(Value::as_i64)
        .and_then(DateTime::<Utc>::from_timestamp_millis)
    else {
        return unreadable(key, &format!("a {what} event has no usable timestamp"));
    };
    let content = match kind {
        "message" => match message_content(event_object.get("message")) {
            Ok(content) => content,
            Err(reason) => return unreadable(key, reason),
        },
        "follow" => InboundContent::Start { source: None },
        "unfollow" => InboundContent::Left,
        "postback" => {
            let Some(data) = event_object
                .get("postback")
                .and_then(Value::as_object)
                .and_then(|p| text(p, "data"))
            else {
                return unreadable(key, "a postback event has no postback.data");
            };
            InboundContent::Choice {
                data: data.chars().take(CHOICE_DATA_MAX_CHARS).collect(),
                ack_id: None,
            }
        }
        _ => return Event::Ignored { what: "other" },
    };
    let standby = text(event_object, "mode") == Some("standby");
    let redelivered = event_object
        .get("deliveryContext")
        .and_then(|d| d.get("isRedelivery"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    // A redelivered event's reply token is stale by the time it arrives, and in standby mode
    // another system answers the chat.
    let reply_token = text(event_object, "replyToken")
        .filter(|t| !t.is_empty() && !redelivered && !standby)
        .map(str::to_owned);
    let platform_message_id = event_object
        .get("message")
        .and_then(|m| m.get("id"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Event::Inbound(InboundMessage {
        channel: ChannelKind::Line,
        event_id: key,
        sender: sender.to_owned(),
        // LINE events do not say the person's language; the app may ask the profile API.
        language_hint: None,
        sent_at,
        platform_message_id,
        content,
        reply_token,
        bot_may_answer: !standby,
    })
}

/// The event types the hotline reads, by their label in reasons.
fn handled(kind: &str) -> Option<&'static str> {
    match kind {
        "message" => Some("message"),
        "follow" => Some("follow"),
        "unfollow" => Some("unfollow"),
        "postback" => Some("postback"),
        _ => None,
    }
}

fn ignored_label(kind: &str) -> &'static str {
    match kind {
        // The person took a message back. It stays on the case: a hotline keeps what it was
        // told, and the counselor has already seen it.
        "unsend" => "unsend",
        "join" | "leave" | "memberJoined" | "memberLeft" => "group membership",
        "beacon" => "beacon",
        "accountLink" => "account link",
        "things" => "LINE Things",
        "videoPlayComplete" => "video play complete",
        "activated" | "deactivated" | "botSuspended" | "botResumed" => "module channel",
        "membership" => "membership",
        _ => "unknown event type",
    }
}

fn message_content(message: Option<&Value>) -> Result<InboundContent, &'static str> {
    let Some(message) = message.and_then(Value::as_object) else {
        return Err("a message event has no message object");
    };
    let Some(kind) = text(message, "type") else {
        return Err("a message has no type");
    };
    let id = text(message, "id").unwrap_or_default();
    let attachment = |kind: AttachmentKind, file_ref: String| {
        InboundContent::Attachment(AttachmentRef {
            kind,
            file_ref,
            mime_type: None,
            byte_size: message.get("fileSize").and_then(Value::as_u64),
            file_name: text(message, "fileName").map(str::to_owned),
            caption: None,
        })
    };
    Ok(match kind {
        "text" => match text(message, "text") {
            Some(t) => InboundContent::Text { text: t.to_owned() },
            None => return Err("a text message has no text"),
        },
        // Image, video, audio and file content is fetched from LINE by message id, later and
        // only when a counselor asks; the id is the reference.
        "image" => attachment(AttachmentKind::Photo, format!("message:{id}")),
        "video" => attachment(AttachmentKind::Video, format!("message:{id}")),
        "audio" => attachment(AttachmentKind::Audio, format!("message:{id}")),
        "file" => attachment(AttachmentKind::Document, format!("message:{id}")),
        "sticker" => {
            let package = text(message, "packageId").unwrap_or_default();
            let sticker = text(message, "stickerId").unwrap_or_default();
            attachment(
                AttachmentKind::Sticker,
                format!("sticker:{package}/{sticker}"),
            )
        }
        "location" => {
            let (Some(latitude), Some(longitude)) = (
                message.get("latitude").and_then(Value::as_f64),
                message.get("longitude").and_then(Value::as_f64),
            ) else {
                return Err("a location message has no latitude or longitude");
            };
            InboundContent::Location {
                latitude,
                longitude,
            }
        }
        _ => InboundContent::Unsupported {
            what: "LINE message type".into(),
        },
    })
}

fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(extra: Value) -> Value {
        let mut base = json!({
            "type": "message", "mode": "active", "timestamp": 1_795_000_000_000_i64,
            "webhookEventId": "01JD0000000000000000000001",
            "deliveryContext": { "isRedelivery": false },
            "source": { "type": "user", "userId": "U0123456789abcdef0123456789abcdef" },
            "replyToken": "0f3779fba3b349968c5d07db31eab56f",
            "message": { "type": "text", "id": "1", "quoteToken": "q", "text": "ช่วยด้วย" }
        });
        if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                base.insert(k.clone(), v.clone());
            }
        }
        base
    }

    fn one(event: Value) -> Event {
        let body = json!({ "destination": "Uabc", "events": [event] }).to_string();
        let mut webhook = parse_webhook(body.as_bytes()).unwrap();
        webhook.events.remove(0)
    }

    #[test]
    fn a_redelivered_event_keeps_no_reply_token() {
        let Event::Inbound(m) = one(event(
            json!({ "deliveryContext": { "isRedelivery": true } }),
        )) else {
            panic!("not inbound");
        };
        assert_eq!(m.reply_token, None);
        assert!(m.bot_may_answer);
    }

    #[test]
    fn a_standby_event_is_recorded_but_the_bot_may_not_answer() {
        let Event::Inbound(m) = one(event(json!({ "mode": "standby" }))) else {
            panic!("not inbound");
        };
        assert!(!m.bot_may_answer);
        assert_eq!(m.reply_token, None);
    }

    #[test]
    fn an_event_without_an_event_id_is_unreadable_and_says_why() {
        let mut e = event(json!({}));
        e.as_object_mut().unwrap().remove("webhookEventId");
        match one(e) {
            Event::Unreadable { key, reason, .. } => {
                assert_eq!(key, "position:0");
                assert!(reason.contains("webhookEventId"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_body_without_events_is_not_a_webhook() {
        assert_eq!(
            parse_webhook(br#"{"destination":"U1"}"#),
            Err(WebhookError::NotAWebhook("there is no events array"))
        );
        assert!(matches!(
            parse_webhook(b"\xff\xfe{"),
            Err(WebhookError::NotJson(_))
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
            let _ = super::parse_webhook(&body);
        }

        #[test]
        fn on_text_shaped_like_an_event(text in "\\PC{0,300}", kind in "[a-z]{0,12}") {
            let body = format!(r#"{{"destination":"U0","events":[{{"type":"{kind}","mode":"active","timestamp":1,"webhookEventId":"e","source":{{"type":"user","userId":"U1"}},"replyToken":"r","message":{{"type":"text","id":"1","text":{}}}}}]}}"#,
                serde_json::Value::String(text));
            let _ = super::parse_webhook(body.as_bytes());
        }
    }

    #[test]
    fn on_deeply_nested_json() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(super::parse_webhook(deep.as_bytes()).is_err());
    }
}
