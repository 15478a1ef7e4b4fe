//! The outbound half: reply and push messages, and the one profile field the hotline reads
//! (the language the person's LINE app is set to).
//!
//! A reply token is free to use but single-use and short-lived; a push can be sent any time but
//! counts against the account's monthly quota. So [`LineClient::send`] answers with the reply
//! token when it is given, falls back to a push when LINE says the token is no longer valid,
//! and sends every push with an `X-Line-Retry-Key`, so a push retried after a lost answer is
//! delivered once (LINE answers 409 to the repeat, which counts as delivered).

use std::fmt;
use std::time::Duration;

use hotline_contract::{ChannelKind, Delivered, OutboundMessage, SendError};
use serde_json::{Value, json};
use url::Url;

/// LINE accepts at most five messages per reply or push call.
pub const MAX_MESSAGES_PER_CALL: usize = 5;

/// Longest an API call may take before it counts as a temporary failure.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// The profile is asked for while a webhook waits for its answer: it must be quick or skipped.
const PROFILE_TIMEOUT: Duration = Duration::from_secs(3);
/// LINE's limits on what a message may hold.
const TEXT_MAX_CHARS: usize = 5000;
const QUICK_REPLY_MAX_ITEMS: usize = 13;
const LABEL_MAX_CHARS: usize = 20;
const DISPLAY_TEXT_MAX_CHARS: usize = 300;
/// LINE's error messages are short; anything longer is cut so a reason stays a reason.
const REASON_MAX_CHARS: usize = 200;

/// A Messaging API client for one LINE Official Account.
pub struct LineClient {
    http: reqwest::Client,
    api_url: String,
    /// The channel access token: sent as a bearer token, never printed.
    access_token: String,
}

impl fmt::Debug for LineClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LineClient")
            .field("api_url", &self.api_url)
            .finish_non_exhaustive()
    }
}

/// Why a client could not be built. Never contains the token.
#[derive(Debug, thiserror::Error)]
pub enum ClientConfigError {
    #[error("the channel access token is empty or holds characters a header cannot carry")]
    BadToken,
    #[error("the Messaging API url is not usable: {0}")]
    BadApiUrl(String),
    #[error("the HTTP client could not be built: {0}")]
    HttpClient(String),
}

impl LineClient {
    /// `api_url` is the Messaging API server, like `https://api.line.me` or a local stand-in's
    /// `http://127.0.0.1:PORT`.
    pub fn new(access_token: &str, api_url: &str) -> Result<Self, ClientConfigError> {
        if access_token.is_empty() || !access_token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ClientConfigError::BadToken);
        }
        let url = Url::parse(api_url).map_err(|e| ClientConfigError::BadApiUrl(e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ClientConfigError::BadApiUrl(
                "the scheme must be http or https".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| ClientConfigError::HttpClient(e.without_url().to_string()))?;
        Ok(Self {
            http,
            api_url: url.as_str().trim_end_matches('/').to_owned(),
            access_token: access_token.to_owned(),
        })
    }

    /// Sends up to five messages to one person, in one call: as a reply when `reply_token` is
    /// given and LINE still accepts it, else as a push carrying `retry_key` (a UUID that must
    /// stay the same when the same messages are retried). All or nothing: LINE delivers the
    /// whole call or none of it.
    pub async fn send(
        &self,
        to: &str,
        messages: &[OutboundMessage],
        reply_token: Option<&str>,
        retry_key: &str,
    ) -> Result<Vec<Delivered>, SendError> {
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        if messages.len() > MAX_MESSAGES_PER_CALL {
            return Err(permanent("more than five messages in one LINE call"));
        }
        if messages.iter().any(|m| m.channel != ChannelKind::Line) {
            return Err(permanent("a message is addressed to another channel"));
        }
        let objects: Vec<Value> = messages.iter().map(message_object).collect();
        if let Some(token) = reply_token {
            let body = json!({ "replyToken": token, "messages": objects });
            match self.post("/v2/bot/message/reply", &body, None).await {
                Ok(answer) => return Ok(delivered(&answer, messages.len())),
                // Expired, or used already: the person still gets the message, by push.
                Err(Refused {
                    status: 400,
                    reason,
                }) if reason.contains("reply token") => {}
                Err(refused) => return Err(refused.into_send_error()),
            }
        }
        let body = json!({ "to": to, "messages": objects });
        match self
            .post("/v2/bot/message/push", &body, Some(retry_key))
            .await
        {
            Ok(answer) => Ok(delivered(&answer, messages.len())),
            // The same retry key was accepted before: the earlier attempt was delivered and its
            // answer lost. Delivered once is what we want.
            Err(Refused {
                status: 409,
                reason: _,
            }) => Ok(vec![
                Delivered {
                    platform_message_id: None,
                };
                messages.len()
            ]),
            Err(refused) => Err(refused.into_send_error()),
        }
    }

    /// The language the person's LINE app is set to (a BCP 47 tag), from their profile; `None`
    /// when the profile does not say or cannot be read quickly. Only this field is read:
    /// display names and pictures are personal and not needed.
    pub async fn profile_language(&self, user_id: &str) -> Option<String> {
        if user_id.is_empty() || !user_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        let response = self
            .http
            .get(format!("{}/v2/bot/profile/{user_id}", self.api_url))
            .bearer_auth(&self.access_token)
            .timeout(PROFILE_TIMEOUT)
            .send()
            .await
            .ok()?;
        if !response.status().is_success() {
            return None;
        }
        let profile: Value = response.json().await.ok()?;
        profile
            .get("language")
            .and_then(Value::as_str)
            .filter(|l| !l.is_empty() && l.len() <= 35)
            .map(str::to_owned)
    }

    async fn post(
        &self,
        path: &str,
        body: &Value,
        retry_key: Option<&str>,
    ) -> Result<Value, Refused> {
        let mut request = self
            .http
            .post(format!("{}{path}", self.api_url))
            .bearer_auth(&self.access_token)
            .timeout(CALL_TIMEOUT)
            .json(body);
        if let Some(key) = retry_key {
            request = request.header("X-Line-Retry-Key", key);
        }
        let response = request.send().await.map_err(|e| Refused {
            status: 0,
            // Without the URL: it names the API host only, but errors are stored and shown.
            reason: format!("network: {}", e.without_url()),
        })?;
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("Retry-After")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        if (200..300).contains(&status) {
            return Ok(answer);
        }
        let message = answer
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("no message")
            .chars()
            .take(REASON_MAX_CHARS)
            .collect::<String>();
        Err(Refused {
            status,
            reason: match retry_after {
                Some(seconds) => format!("{message} (retry after {seconds} s)"),
                None => message,
            },
        })
    }
}

/// A call LINE did not accept (status 0: it never answered).
struct Refused {
    status: u16,
    reason: String,
}

impl Refused {
    fn into_send_error(self) -> SendError {
        let Refused { status, reason } = self;
        match status {
            0 => SendError::Temporary {
                reason,
                retry_after: None,
            },
            429 => SendError::Temporary {
                retry_after: retry_after_of(&reason),
                reason: format!("LINE 429: {reason}"),
            },
            500..=599 => SendError::Temporary {
                reason: format!("LINE {status}: {reason}"),
                retry_after: None,
            },
            401 | 403 => permanent(&format!(
                "LINE {status}: the channel access token was refused ({reason})"
            )),
            _ => permanent(&format!("LINE {status}: {reason}")),
        }
    }
}

fn retry_after_of(reason: &str) -> Option<Duration> {
    let (_, rest) = reason.rsplit_once("(retry after ")?;
    let seconds: u64 = rest.trim_end_matches(" s)").parse().ok()?;
    Some(Duration::from_secs(seconds))
}

fn permanent(reason: &str) -> SendError {
    SendError::Permanent {
        reason: reason.to_owned(),
    }
}

fn delivered(answer: &Value, count: usize) -> Vec<Delivered> {
    let ids: Vec<Option<String>> = answer
        .get("sentMessages")
        .and_then(Value::as_array)
        .map(|sent| {
            sent.iter()
                .map(|m| m.get("id").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    (0..count)
        .map(|i| Delivered {
            platform_message_id: ids.get(i).cloned().flatten(),
        })
        .collect()
}

/// A text message, with the conversation's choices as quick-reply buttons. A phone-number
/// button does not exist on LINE; the conversation's texts also invite typing the number.
fn message_object(message: &OutboundMessage) -> Value {
    let mut object = json!({
        "type": "text",
        "text": cut(&message.text, TEXT_MAX_CHARS, ""),
    });
    let mut choices: Vec<_> = message.choices.iter().flatten().collect();
    if choices.len() > QUICK_REPLY_MAX_ITEMS {
        // The last choice is the conversation's "stop" button: it must always be there.
        let last = choices.pop();
        choices.truncate(QUICK_REPLY_MAX_ITEMS - 1);
        choices.extend(last);
    }
    if !choices.is_empty() {
        let items: Vec<Value> = choices
            .iter()
            .map(|c| {
                json!({
                    "type": "action",
                    "action": {
                        "type": "postback",
                        "label": cut(&c.label, LABEL_MAX_CHARS, "…"),
                        "data": c.data,
                        // What appears in the chat as the person's answer: the whole label.
                        "displayText": cut(&c.label, DISPLAY_TEXT_MAX_CHARS, "…"),
                    }
                })
            })
            .collect();
        if let Some(object) = object.as_object_mut() {
            object.insert("quickReply".into(), json!({ "items": items }));
        }
    }
    object
}

/// At most `max` characters, ending with `ellipsis` when cut.
fn cut(text: &str, max: usize, ellipsis: &str) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let keep = max.saturating_sub(ellipsis.chars().count());
    text.chars().take(keep).chain(ellipsis.chars()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hotline_contract::Choice;

    fn outbound(text: &str, labels: &[&str]) -> OutboundMessage {
        OutboundMessage {
            channel: ChannelKind::Line,
            recipient: "U1".into(),
            text: text.into(),
            choices: vec![
                labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| Choice {
                        label: (*l).into(),
                        data: format!("d{i}"),
                    })
                    .collect(),
            ],
            request_contact: None,
            email: None,
        }
    }

    #[test]
    fn long_labels_are_cut_to_twenty_characters_and_shown_whole_when_pressed() {
        let object = message_object(&outbound("?", &["ไม่ปลอดภัยที่จะคุยตอนนี้ ขอบคุณ"]));
        let action = &object["quickReply"]["items"][0]["action"];
        assert_eq!(action["label"].as_str().unwrap().chars().count(), 20);
        assert_eq!(action["displayText"], "ไม่ปลอดภัยที่จะคุยตอนนี้ ขอบคุณ");
    }

    #[test]
    fn more_than_thirteen_choices_keep_the_last_one() {
        let labels: Vec<String> = (0..16).map(|i| format!("c{i}")).collect();
        let refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let object = message_object(&outbound("?", &refs));
        let items = object["quickReply"]["items"].as_array().unwrap();
        assert_eq!(items.len(), 13);
        assert_eq!(items[12]["action"]["data"], "d15");
    }

    #[test]
    fn a_rate_limit_with_retry_after_waits_that_long() {
        let e = Refused {
            status: 429,
            reason: "slow down (retry after 12 s)".into(),
        }
        .into_send_error();
        assert!(matches!(
            e,
            SendError::Temporary { retry_after: Some(d), .. } if d == Duration::from_secs(12)
        ));
    }
}
