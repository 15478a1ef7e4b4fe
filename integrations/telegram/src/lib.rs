//! Telegram adapter for hotline: reads Bot API updates into channel-neutral
//! [`hotline_contract`] messages, and sends replies through the Bot API.
//!
//! Updates arrive either at the app's webhook route or from long polling
//! ([`TelegramClient::get_updates`]); both hand the raw JSON to [`parse_update`], so every rule
//! after receipt is shared. The adapter never touches the database or the web framework: the app
//! owns persistence and routing.
//!
//! Nothing here logs. Errors name kinds, fields and Telegram's own descriptions, never message
//! text, names, phone numbers, chat ids or the bot token.

mod client;
mod update;

pub use client::{ClientConfigError, RawUpdate, TelegramClient};
pub use update::{ParsedUpdate, UpdateError, parse_update};

use subtle::ConstantTimeEq;

/// The bot's numeric id, the part of the token before ':'.
pub fn bot_id_from_token(token: &str) -> Option<i64> {
    let (id, secret) = token.split_once(':')?;
    if secret.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    id.parse().ok().filter(|id: &i64| *id > 0)
}

/// Constant-time comparison of the X-Telegram-Bot-Api-Secret-Token header against the
/// configured secret. None/empty header → false. Empty expected → false.
pub fn secret_matches(header: Option<&[u8]>, expected: &str) -> bool {
    // An empty secret would make every request without the header pass, so it never matches.
    let Some(header) = header.filter(|h| !h.is_empty()) else {
        return false;
    };
    if expected.is_empty() {
        return false;
    }
    // `ct_eq` on slices of different lengths returns false without comparing, which reveals
    // only the length; Telegram secrets are configured, not guessed byte by byte.
    header.ct_eq(expected.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bot_id_is_the_number_before_the_colon() {
        assert_eq!(
            bot_id_from_token("7012345678:AAHk3x-example_secret"),
            Some(7_012_345_678)
        );
    }

    #[test]
    fn tokens_without_a_numeric_id_or_secret_have_no_bot_id() {
        assert_eq!(bot_id_from_token(""), None);
        assert_eq!(bot_id_from_token("abc:def"), None);
        assert_eq!(bot_id_from_token("123456"), None);
        assert_eq!(bot_id_from_token("123456:"), None);
        assert_eq!(bot_id_from_token("-5:secret"), None);
        assert_eq!(bot_id_from_token("0:secret"), None);
    }
}
