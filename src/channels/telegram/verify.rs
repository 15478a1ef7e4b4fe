//! A webhook call is Telegram's when it carries the secret token set with the webhook, compared
//! in constant time before the body is read.

use super::TelegramChannel;
use crate::channels::Refusal;

/// The header Telegram sends the secret in.
pub const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";

/// Checks the secret header; a failure is counted as a rejected signature.
pub fn verify(tg: &TelegramChannel, header: Option<&[u8]>) -> Result<(), Refusal> {
    if hotline_telegram::secret_matches(header, &tg.webhook_secret) {
        Ok(())
    } else {
        crate::metrics::rejected_signature("telegram");
        Err(Refusal::BadSignature)
    }
}
