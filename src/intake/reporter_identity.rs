//! Who writes on a channel: a reporter's identity on one channel (a Telegram chat, a LINE user,
//! an email address), found by keyed hash and locked for the transaction, so two deliveries from
//! the same person are recorded one after the other. Not to be confused with `auth::Identity`,
//! which is a staff member.

use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::conversation::Conversation;
use crate::context::AppContext;
use crate::domain::ReporterId;

/// A reporter's identity on one channel, locked for this transaction.
pub struct ChannelIdentity {
    pub id: Uuid,
    pub reporter_id: ReporterId,
    /// "telegram", "line" or "email".
    pub channel: String,
    pub conversation: Conversation,
    /// A supervisor blocked this chat: its messages are stored, never answered.
    pub blocked: bool,
    /// The person blocked the bot or left: nothing can be sent.
    pub unreachable: bool,
}

/// Finds or creates the identity (and its reporter) of whoever writes from `sender` on
/// `channel` (a chat id, an email address) and locks it for this transaction.
pub async fn lock_channel_identity(
    tx: &mut Transaction<'_, Postgres>,
    ctx: &AppContext,
    channel: &str,
    sender: &str,
    now: DateTime<Utc>,
) -> Result<ChannelIdentity, sqlx::Error> {
    let purpose = format!("chat:{channel}");
    let hash = ctx.keys.index_hash(&purpose, sender);
    // Current and earlier key versions: a rotation in progress never orphans a returning reporter.
    let hashes = ctx.keys.index_hashes(&purpose, sender);
    type Row = (Uuid, ReporterId, serde_json::Value, bool, bool);
    let found = |(id, reporter_id, conversation, blocked, unreachable): Row| ChannelIdentity {
        id,
        reporter_id,
        channel: channel.to_owned(),
        conversation: serde_json::from_value(conversation).unwrap_or_default(),
        blocked,
        unreachable,
    };
    for _ in 0..2 {
        let row: Option<Row> = sqlx::query_as(
            "SELECT id, reporter_id, conversation, blocked_at IS NOT NULL, unreachable_at IS NOT NULL
             FROM channel_identities WHERE channel = $1 AND external_id_hash = ANY($2) FOR UPDATE",
        )
        .bind(channel)
        .bind(&hashes)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(row) = row {
            return Ok(found(row));
        }
        // A new person: their reporter and identity in one statement. The row this
        // transaction inserted is its own until commit (another delivery from the same person
        // waits on it, then finds it), so it is returned as it was written, not read and locked
        // again (issue 18: one round trip, not three).
        let reporter = ReporterId::new();
        let identity = Uuid::new_v4();
        let inserted: Option<Row> = sqlx::query_as(
            "WITH reporter AS (
                 INSERT INTO reporters (id, allowed_channels, created_at) VALUES ($1, ARRAY[$3], $6)
             )
             INSERT INTO channel_identities (id, reporter_id, channel, external_id_hash, external_id_enc, created_at)
             VALUES ($2, $1, $3, $4, $5, $6) ON CONFLICT (channel, external_id_hash) DO NOTHING
             RETURNING id, reporter_id, conversation, blocked_at IS NOT NULL, unreachable_at IS NOT NULL",
        )
        .bind(reporter)
        .bind(identity)
        .bind(channel)
        .bind(&hash)
        .bind(ctx.keys.seal_bound(
            sender,
            &crate::crypto::Binding::new("channel_identities", "external_id_enc", identity),
        ))
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
        match inserted {
            Some(row) => return Ok(found(row)),
            None => {
                // Another delivery from this person created it first; use theirs.
                sqlx::query("DELETE FROM reporters WHERE id = $1")
                    .bind(reporter)
                    .execute(&mut **tx)
                    .await?;
            }
        }
    }
    Err(sqlx::Error::RowNotFound)
}

/// Records that the person wrote (so they can be reached again, after blocking the bot), or
/// that they left (nothing more goes to them, from the bot or a counselor, until they return).
pub async fn record_presence(
    tx: &mut Transaction<'_, Postgres>,
    identity: &mut ChannelIdentity,
    left: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let sql = if left {
        "UPDATE channel_identities SET unreachable_at = $2 WHERE id = $1"
    } else {
        "UPDATE channel_identities SET last_inbound_at = $2, unreachable_at = NULL WHERE id = $1"
    };
    sqlx::query(sql)
        .bind(identity.id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    identity.unreachable = left;
    Ok(())
}
