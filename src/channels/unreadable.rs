//! Events a channel sent that we cannot read (a newer type, a broken payload): kept,
//! encrypted, for a person to review, so nothing a reporter sent is lost, and answered 200 by
//! the caller so the platform does not redeliver them forever.

use serde_json::json;
use uuid::Uuid;

use crate::context::AppContext;

/// Stores `raw` once per `(channel, key + digest of raw)`: a redelivery of the same event is
/// stored once, two different events that share a weak key are both kept.
pub async fn store_for_review(
    ctx: &AppContext,
    channel: &'static str,
    key: &str,
    reason: &str,
    raw: &[u8],
) -> Result<(), sqlx::Error> {
    let digest = hex::encode(&crate::crypto::sha256(raw)[..8]);
    let event_key = format!("{key}:{digest}");
    let reason: String = reason.chars().take(300).collect();
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO unreadable_events (id, channel, event_key, reason, body_enc, received_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (channel, event_key) DO NOTHING",
    )
    .bind(id)
    .bind(channel)
    .bind(&event_key)
    .bind(&reason)
    .bind(ctx.keys.seal_at(
        &String::from_utf8_lossy(raw),
        "unreadable_events",
        "body_enc",
        id,
    ))
    .bind(ctx.now())
    .execute(&ctx.db)
    .await?;
    // The reason names a field or kind, never content; the key is a platform event id.
    tracing::warn!(channel, details = %json!({ "reason": reason }), "stored an event we cannot read, for review");
    crate::metrics::webhook_event(channel, "stored_for_review");
    Ok(())
}
