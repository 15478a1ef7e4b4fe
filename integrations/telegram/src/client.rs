//! The outbound half: calls to the Bot API (send a reply, stop a button's spinner, manage the
//! webhook, long-poll for updates).
//!
//! Requests are made with reqwest directly, using teloxide-core's payload and result types for
//! the wire format. teloxide's own `Bot` is not used because it drops the HTTP status and
//! `error_code` (so a 500 with a JSON body looks like a refusal), sleeps 10 s inside the call
//! on every 5xx, and its network errors print the request URL, which contains the token. Here
//! every failure becomes a [`SendError`] the app can act on: retry later, or give up.

use hotline_contract::{ChannelKind, Delivered, OutboundMessage, SendError};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::value::RawValue;
use std::fmt;
use std::time::Duration;
use teloxide_core::payloads::{SendMessage, SendMessageSetters};
use teloxide_core::types::{
    ButtonRequest, ChatId, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton,
    KeyboardMarkup, Me, ReplyMarkup,
};
use url::Url;

/// The update kinds the hotline reads; Telegram then keeps the rest (member changes, polls...)
/// off the wire entirely.
const ALLOWED_UPDATES: [&str; 3] = ["message", "edited_message", "callback_query"];

/// Longest a normal Bot API call may take before it counts as a temporary failure.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// How much longer than the long-poll timeout a `getUpdates` call may take, so the HTTP client
/// never gives up on an answer Telegram is still allowed to hold back.
const LONG_POLL_GRACE: Duration = Duration::from_secs(15);

/// Telegram's descriptions are short; anything longer is cut so a reason stays a reason.
const REASON_MAX_CHARS: usize = 200;

/// A Bot API client for one bot.
pub struct TelegramClient {
    http: reqwest::Client,
    /// `{api_url}/bot{token}/`: contains the token, so it is never printed.
    method_base: String,
    api_url: Url,
    bot_id: i64,
}

impl fmt::Debug for TelegramClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelegramClient")
            .field("api_url", &self.api_url.as_str())
            .field("bot_id", &self.bot_id)
            .finish_non_exhaustive()
    }
}

/// Why a client could not be built. Never contains the token.
#[derive(Debug, thiserror::Error)]
pub enum ClientConfigError {
    #[error("the bot token is not of the form <bot id>:<secret>")]
    BadToken,
    #[error("the Bot API url is not usable: {0}")]
    BadApiUrl(String),
    #[error("the HTTP client could not be built: {0}")]
    HttpClient(String),
}

/// One update's raw JSON, fed back through [`crate::parse_update`] so polling and webhook share
/// every line after receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawUpdate {
    pub update_id: i64,
    pub body: Vec<u8>,
}

impl TelegramClient {
    /// `api_url` is the Bot API server without the `/bot<token>` part, like
    /// `https://api.telegram.org` or a local stand-in's `http://127.0.0.1:PORT`.
    pub fn new(token: &str, api_url: &str) -> Result<Self, ClientConfigError> {
        let bot_id = crate::bot_id_from_token(token).ok_or(ClientConfigError::BadToken)?;
        // The token goes into the URL path as it is, so it may only hold characters that need
        // no escaping (Telegram's tokens are digits, letters, '_', '-' and one ':').
        let path_safe = token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-'));
        if !path_safe {
            return Err(ClientConfigError::BadToken);
        }
        let api_url =
            Url::parse(api_url).map_err(|e| ClientConfigError::BadApiUrl(e.to_string()))?;
        if !matches!(api_url.scheme(), "http" | "https") {
            return Err(ClientConfigError::BadApiUrl(
                "the scheme must be http or https".into(),
            ));
        }
        if api_url.query().is_some() || api_url.fragment().is_some() {
            return Err(ClientConfigError::BadApiUrl(
                "the url must not have a query or fragment".into(),
            ));
        }
        let method_base = format!("{}/bot{token}/", api_url.as_str().trim_end_matches('/'));
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| ClientConfigError::HttpClient(e.without_url().to_string()))?;
        Ok(Self {
            http,
            method_base,
            api_url,
            bot_id,
        })
    }

    /// The bot's numeric id, from its token.
    pub fn bot_id(&self) -> i64 {
        self.bot_id
    }

    /// `sendMessage`. `choices` become an inline keyboard (their `data` comes back as a
    /// callback query); `request_contact` becomes a one-time reply keyboard with a single
    /// share-my-number button. Telegram allows one keyboard per message, so when both are set
    /// the choices win: they carry the conversation's structured answers, while a phone number
    /// can still be typed.
    pub async fn send(&self, message: &OutboundMessage) -> Result<Delivered, SendError> {
        if message.channel != ChannelKind::Telegram {
            return Err(permanent("the message is addressed to another channel"));
        }
        let chat_id: i64 = message
            .recipient
            .trim()
            .parse()
            .map_err(|_| permanent("the recipient is not a Telegram chat id"))?;
        let mut payload = SendMessage::new(ChatId(chat_id), message.text.clone());
        if !message.choices.is_empty() {
            let rows = message.choices.iter().map(|row| {
                row.iter()
                    .map(|c| InlineKeyboardButton::callback(c.label.clone(), c.data.clone()))
                    .collect::<Vec<_>>()
            });
            payload = payload.reply_markup(InlineKeyboardMarkup::new(rows));
        } else if let Some(label) = &message.request_contact {
            let button = KeyboardButton::new(label.clone()).request(ButtonRequest::Contact);
            let keyboard = KeyboardMarkup::new([[button]])
                .one_time_keyboard()
                .resize_keyboard();
            payload = payload.reply_markup(ReplyMarkup::Keyboard(keyboard));
        }

        // Only the id is read from the answer: a message Telegram accepted must never be
        // reported as failed (and so sent twice) because some other field changed shape.
        #[derive(Deserialize)]
        struct SentMessage {
            message_id: i64,
        }
        let sent: SentMessage = self.call("sendMessage", &payload, CALL_TIMEOUT).await?;
        Ok(Delivered {
            platform_message_id: Some(sent.message_id.to_string()),
        })
    }

    /// `answerCallbackQuery`: stops the spinner on the button the person pressed.
    pub async fn answer_choice(&self, ack_id: &str) -> Result<(), SendError> {
        let body = serde_json::json!({ "callback_query_id": ack_id });
        self.call::<bool>("answerCallbackQuery", &body, CALL_TIMEOUT)
            .await
            .map(drop)
    }

    /// `deleteMessage`: removes one message from a private chat, the bot's or the person's.
    /// Telegram allows it for 48 hours after the message was sent; an older or already deleted
    /// message is a permanent failure (nothing to retry).
    pub async fn delete_message(&self, chat_id: &str, message_id: &str) -> Result<(), SendError> {
        let chat_id: i64 = chat_id
            .trim()
            .parse()
            .map_err(|_| permanent("the recipient is not a Telegram chat id"))?;
        let message_id: i64 = message_id
            .trim()
            .parse()
            .map_err(|_| permanent("the message id is not a Telegram message id"))?;
        let body = serde_json::json!({ "chat_id": chat_id, "message_id": message_id });
        self.call::<bool>("deleteMessage", &body, CALL_TIMEOUT)
            .await
            .map(drop)
    }

    /// `setWebhook` with the secret Telegram will send back in
    /// `X-Telegram-Bot-Api-Secret-Token`, and only the update kinds the hotline reads.
    pub async fn set_webhook(&self, url: &str, secret: &str) -> Result<(), SendError> {
        // Without a secret every webhook request would be refused by `secret_matches`.
        if secret.is_empty() {
            return Err(permanent("the webhook secret is empty"));
        }
        let body = serde_json::json!({
            "url": url,
            "secret_token": secret,
            "allowed_updates": ALLOWED_UPDATES,
        });
        self.call::<bool>("setWebhook", &body, CALL_TIMEOUT)
            .await
            .map(drop)
    }

    /// `setMyName`: the bot's name, which is what a lock-screen notification shows as its sender.
    /// Telegram allows 0 to 64 characters; an empty name falls back to the name BotFather gave.
    pub async fn set_name(&self, name: &str) -> Result<(), SendError> {
        if name.chars().count() > 64 {
            return Err(permanent("the bot name is longer than 64 characters"));
        }
        let body = serde_json::json!({ "name": name });
        self.call::<bool>("setMyName", &body, CALL_TIMEOUT)
            .await
            .map(drop)
    }

    /// `deleteWebhook`, keeping pending updates so switching to polling loses nothing.
    pub async fn delete_webhook(&self) -> Result<(), SendError> {
        let body = serde_json::json!({ "drop_pending_updates": false });
        self.call::<bool>("deleteWebhook", &body, CALL_TIMEOUT)
            .await
            .map(drop)
    }

    /// `getMe`: the bot's user id (checks the token and the server at startup).
    pub async fn get_me(&self) -> Result<i64, SendError> {
        let me: Me = self
            .call("getMe", &serde_json::json!({}), CALL_TIMEOUT)
            .await?;
        i64::try_from(me.user.id.0)
            .map_err(|_| temporary("getMe: the bot id is out of range", None))
    }

    /// Long polling: getUpdates with offset and timeout (seconds). Returns each update's raw
    /// JSON, including updates teloxide cannot parse, so the app can keep them for review.
    pub async fn get_updates(
        &self,
        offset: Option<i64>,
        timeout_secs: u32,
    ) -> Result<Vec<RawUpdate>, SendError> {
        #[derive(Serialize)]
        struct GetUpdates {
            #[serde(skip_serializing_if = "Option::is_none")]
            offset: Option<i64>,
            timeout: u32,
            allowed_updates: [&'static str; 3],
        }
        #[derive(Deserialize)]
        struct UpdateIdOnly {
            update_id: i64,
        }
        let body = GetUpdates {
            offset,
            timeout: timeout_secs,
            allowed_updates: ALLOWED_UPDATES,
        };
        let wait = Duration::from_secs(u64::from(timeout_secs)) + LONG_POLL_GRACE;
        let updates: Vec<Box<RawValue>> = self.call("getUpdates", &body, wait).await?;
        Ok(updates
            .into_iter()
            // Telegram always sends update_id; an element without one can be neither confirmed
            // nor deduplicated, so it is left out rather than stalling the loop.
            .filter_map(|raw| {
                let id: UpdateIdOnly = serde_json::from_str(raw.get()).ok()?;
                Some(RawUpdate {
                    update_id: id.update_id,
                    body: raw.get().as_bytes().to_vec(),
                })
            })
            .collect())
    }

    /// One Bot API call: POST JSON, then read Telegram's `{ok, result | error_code,
    /// description, parameters}` answer together with the HTTP status.
    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        body: &impl Serialize,
        timeout: Duration,
    ) -> Result<T, SendError> {
        let response = self
            .http
            .post(format!("{}{method}", self.method_base))
            .json(body)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| network_failure(method, &e))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| network_failure(method, &e))?;

        let Ok(answer) = serde_json::from_slice::<ApiAnswer>(&bytes) else {
            return Err(temporary(
                &format!(
                    "{method}: the answer is not Bot API JSON (HTTP {})",
                    status.as_u16()
                ),
                None,
            ));
        };
        if answer.ok && status.is_success() {
            let result = answer.result.as_deref().map_or("null", RawValue::get);
            return serde_json::from_str(result).map_err(|_| {
                temporary(
                    &format!("{method}: the result has an unexpected shape"),
                    None,
                )
            });
        }
        Err(refusal(method, status.as_u16(), answer))
    }
}

#[derive(Deserialize)]
struct ApiAnswer {
    ok: bool,
    #[serde(default)]
    result: Option<Box<RawValue>>,
    #[serde(default)]
    error_code: Option<u16>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    parameters: Option<ResponseParameters>,
}

#[derive(Deserialize)]
struct ResponseParameters {
    #[serde(default)]
    retry_after: Option<u64>,
}

/// Sorts Telegram's refusal into "try later" (rate limit, server trouble), "the person is gone"
/// (blocked, deactivated, chat not found) and "give up" (bad request, bad token).
fn refusal(method: &str, http_status: u16, answer: ApiAnswer) -> SendError {
    let code = answer.error_code.unwrap_or(http_status);
    let description = answer
        .description
        .as_deref()
        .map(|d| d.chars().take(REASON_MAX_CHARS).collect::<String>())
        .unwrap_or_else(|| format!("error {code}"));
    let reason = format!("{method}: {description}");
    let retry_after = answer
        .parameters
        .and_then(|p| p.retry_after)
        .map(Duration::from_secs);
    if retry_after.is_some() || code == 429 || code >= 500 || http_status >= 500 {
        temporary(&reason, retry_after)
    } else if code == 403 || description.contains("chat not found") {
        // 403: "bot was blocked by the user", "user is deactivated", "bot was kicked".
        SendError::Unreachable { reason }
    } else {
        SendError::Permanent { reason }
    }
}

/// A failure before any answer arrived. reqwest's own message names the URL, which holds the
/// token, so only the kind of failure is kept.
fn network_failure(method: &str, error: &reqwest::Error) -> SendError {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the answer could not be read"
    } else {
        "the request failed"
    };
    temporary(&format!("{method}: {what}"), None)
}

fn temporary(reason: &str, retry_after: Option<Duration>) -> SendError {
    SendError::Temporary {
        reason: reason.into(),
        retry_after,
    }
}

fn permanent(reason: &str) -> SendError {
    SendError::Permanent {
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(json: &str) -> ApiAnswer {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_rate_limit_is_temporary_with_the_wait_telegram_asked_for() {
        let error = refusal(
            "sendMessage",
            429,
            answer(
                r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"#,
            ),
        );
        assert_eq!(
            error,
            SendError::Temporary {
                reason: "sendMessage: Too Many Requests: retry after 7".into(),
                retry_after: Some(Duration::from_secs(7)),
            }
        );
    }

    #[test]
    fn a_server_error_with_a_json_body_is_temporary() {
        let error = refusal(
            "sendMessage",
            500,
            answer(r#"{"ok":false,"error_code":500,"description":"Internal Server Error"}"#),
        );
        assert!(matches!(
            error,
            SendError::Temporary {
                retry_after: None,
                ..
            }
        ));
    }

    #[test]
    fn a_chat_that_is_gone_is_unreachable() {
        let error = refusal(
            "sendMessage",
            400,
            answer(r#"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#),
        );
        assert_eq!(
            error,
            SendError::Unreachable {
                reason: "sendMessage: Bad Request: chat not found".into()
            }
        );
    }

    #[test]
    fn debug_output_never_shows_the_token() {
        let client = TelegramClient::new("123456:SECRET-part", "http://127.0.0.1:9").unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("123456"));
    }

    #[test]
    fn bad_tokens_and_urls_are_refused() {
        assert!(matches!(
            TelegramClient::new("no-colon", "https://api.telegram.org"),
            Err(ClientConfigError::BadToken)
        ));
        assert!(matches!(
            TelegramClient::new("1:a/b", "https://api.telegram.org"),
            Err(ClientConfigError::BadToken)
        ));
        assert!(matches!(
            TelegramClient::new("1:abc", "ftp://api.telegram.org"),
            Err(ClientConfigError::BadApiUrl(_))
        ));
        assert!(matches!(
            TelegramClient::new("1:abc", "not a url"),
            Err(ClientConfigError::BadApiUrl(_))
        ));
    }
}
