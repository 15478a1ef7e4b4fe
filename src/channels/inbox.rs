//! The webhook inbox: a chat webhook (Telegram, LINE) that arrives while every intake turn is
//! taken is not made to wait or refused. Its verified body is sealed and committed in one
//! INSERT (`put`), answered 200, and read later, as soon as a turn is free (`read_once`, run
//! by `run_reading` in `hotline serve`), through the same `receive` as a webhook read at once.
//!
//! Why: under a flood the node triages a few hundred messages a second, but PostgreSQL stores
//! thousands of rows; a 503 `busy` made Telegram redeliver with growing pauses (messages late
//! by minutes) and LINE, unless its "Webhook redelivery" is on, drop the event for good.
//!
//! Order: one chat's bodies are read one after another, oldest first (a body is taken only when
//! no older body of its chat is still here); different chats' at once, each with a turn. While
//! the inbox may hold bodies, this node sends every chat webhook there (`IntakeTurns`), so none
//! overtakes an older one of its chat. Across nodes the mark spreads when a node's reader next
//! looks (within `READ_POLL`): in that window a message of a chat another node put in the inbox
//! may be read before the held one. Nothing is lost either way.
//!
//! First: a body whose words say danger now is read before older ones of other chats, and
//! lifts its own chat's older bodies with it.
//!
//! Nothing is lost: the row is deleted only after its body went through `receive`, which is
//! idempotent by event id; a reader that dies leaves its rows for another after `LEASE`; a body
//! that still cannot be read after `GIVE_UP_AFTER_ATTEMPTS` is kept for review.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hotline_contract::{InboundContent, InboundMessage};
use sqlx::Row;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::{Received, line, telegram, unreadable};
use crate::context::AppContext;

/// How long a reader owns the bodies it took; a body still here after that is taken again (by
/// any node, a restarted one included). Reading a body takes milliseconds and every write is
/// bounded by the write deadline (5 s); a body read twice records once, so a short lease costs
/// nothing, and a node killed mid-round leaves its bodies waiting only this long.
const LEASE: chrono::Duration = chrono::Duration::seconds(15);
/// How often an idle reader looks for bodies another node put.
const READ_POLL: Duration = Duration::from_secs(1);
/// A body whose reading failed (the database went away) is tried again after this long,
/// doubled each attempt, at most `MAX_RETRY_PAUSE_SECONDS`.
const FIRST_RETRY_PAUSE_SECONDS: i64 = 2;
const MAX_RETRY_PAUSE_SECONDS: i64 = 120;
/// After this many failed readings (about half an hour of pauses) a body is kept for review
/// (`unreadable_events`, sealed) and leaves the inbox.
const GIVE_UP_AFTER_ATTEMPTS: i32 = 20;

/// The channels whose webhooks may go to the inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxChannel {
    Telegram,
    Line,
}

impl InboxChannel {
    fn as_str(self) -> &'static str {
        match self {
            InboxChannel::Telegram => "telegram",
            InboxChannel::Line => "line",
        }
    }

    fn parse(s: &str) -> Option<InboxChannel> {
        match s {
            "telegram" => Some(InboxChannel::Telegram),
            "line" => Some(InboxChannel::Line),
            _ => None,
        }
    }
}

/// Puts a verified webhook body in the inbox. A body that is not the platform's format at all
/// is refused here (400, nothing stored), as `receive` would refuse it; anything else is
/// stored, even what `receive` will keep for review. A LINE body carrying several people's
/// events is put as one body per person (each with that person's events, in order), so each
/// chat keeps its own order; all of them are committed before the 200, or none.
pub async fn put(
    ctx: &AppContext,
    channel: InboxChannel,
    body: &[u8],
) -> Result<Received, sqlx::Error> {
    let pieces = match pieces(ctx, channel, body) {
        Ok(pieces) => pieces,
        Err(refused) => return Ok(refused),
    };
    let _put = ctx.turns.putting();
    if let [piece] = pieces.as_slice() {
        // One statement, committed on its own: the usual case, one round trip.
        let mut conn = ctx.db.acquire().await?;
        put_piece(ctx, channel, piece, &mut conn).await?;
    } else {
        let mut tx = ctx.db.begin().await?;
        for piece in &pieces {
            put_piece(ctx, channel, piece, &mut tx).await?;
        }
        tx.commit().await?;
    }
    crate::metrics::webhook_inbox(channel.as_str(), "put");
    Ok(Received {
        in_inbox: pieces.len(),
        ..Received::default()
    })
}

async fn put_piece(
    ctx: &AppContext,
    channel: InboxChannel,
    piece: &Piece<'_>,
    conn: &mut sqlx::PgConnection,
) -> Result<(), sqlx::Error> {
    let (order_key, urgent) = match &piece.first {
        Some(message) => (
            order_key(ctx, channel, &message.sender),
            says_danger_now(ctx, message),
        ),
        None => (order_key(ctx, channel, ""), false),
    };
    let id = Uuid::new_v4();
    let sealed = ctx.keys.seal_bytes_bound(
        &piece.body,
        &crate::crypto::Binding::new("webhook_inbox", "body_enc", id),
    );
    // An urgent body lifts its chat's older bodies too: they must be read before it (order per
    // chat), so they would otherwise hold it behind every other chat's backlog.
    sqlx::query(
        "WITH put AS (
             INSERT INTO webhook_inbox (id, channel, order_key, urgent, body_enc, received_at)
             VALUES ($1, $2, $3, $4, $5, $6))
         UPDATE webhook_inbox SET urgent = true
         WHERE $4 AND order_key = $3 AND NOT urgent",
    )
    .bind(id)
    .bind(channel.as_str())
    .bind(order_key)
    .bind(urgent)
    .bind(sealed)
    .bind(ctx.now())
    .execute(conn)
    .await?;
    Ok(())
}

/// One body to put, and its first message: its sender keeps one chat's bodies in order, its
/// words say whether it is read first (None: only ignored or unreadable events, or none).
struct Piece<'a> {
    body: std::borrow::Cow<'a, [u8]>,
    first: Option<InboundMessage>,
}

/// The body as pieces to put. `Err` carries the refusal for a body that is not the
/// platform's format.
fn pieces<'a>(
    ctx: &AppContext,
    channel: InboxChannel,
    body: &'a [u8],
) -> Result<Vec<Piece<'a>>, Received> {
    match channel {
        InboxChannel::Telegram => {
            let bot_id = ctx.channels.telegram.as_ref().map_or(0, |tg| tg.bot_id);
            let first = match hotline_telegram::parse_update(bot_id, body) {
                Ok(hotline_telegram::ParsedUpdate::Messages(messages)) => {
                    messages.into_iter().next()
                }
                Ok(hotline_telegram::ParsedUpdate::Ignored { .. }) => None,
                Err(hotline_telegram::UpdateError::NotJson(_)) => {
                    crate::metrics::webhook_event("telegram", "not_json");
                    return Err(Received::refused("the body is not a JSON Telegram update"));
                }
                Err(hotline_telegram::UpdateError::NotAnUpdate { .. }) => None,
            };
            Ok(vec![Piece {
                body: body.into(),
                first,
            }])
        }
        InboxChannel::Line => {
            let webhook = hotline_line::parse_webhook(body).map_err(|e| {
                crate::metrics::webhook_event("line", "refused");
                Received::refused(e.to_string())
            })?;
            Ok(line_pieces(body, webhook.events))
        }
    }
}

/// A LINE body split by person: the events of each sender (events without one go with the
/// sender before them), in the body's order. One sender (the usual case): the body as it came.
fn line_pieces(body: &[u8], events: Vec<hotline_line::Event>) -> Vec<Piece<'_>> {
    let mut senders: Vec<Option<InboundMessage>> = Vec::new();
    let mut event_sender: Vec<usize> = Vec::with_capacity(events.len());
    for event in events {
        if let hotline_line::Event::Inbound(message) = event {
            let known = senders
                .iter()
                .position(|s| s.as_ref().is_some_and(|s| s.sender == message.sender));
            match known {
                Some(i) => event_sender.push(i),
                // Events without a sender came first: they go with this first sender.
                None if senders.len() == 1 && senders[0].is_none() => {
                    senders[0] = Some(message);
                    event_sender.push(0);
                }
                None => {
                    senders.push(Some(message));
                    event_sender.push(senders.len() - 1);
                }
            }
        } else {
            if senders.is_empty() {
                senders.push(None);
            }
            event_sender.push(senders.len() - 1);
        }
    }
    if senders.len() <= 1 {
        return vec![Piece {
            body: body.into(),
            first: senders.into_iter().next().flatten(),
        }];
    }
    // Read once already by `parse_webhook`: a JSON object with an events array.
    let mut value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let raw_events = match value["events"].take() {
        serde_json::Value::Array(events) => events,
        _ => Vec::new(),
    };
    senders
        .into_iter()
        .enumerate()
        .map(|(i, first)| {
            let own: Vec<&serde_json::Value> = raw_events
                .iter()
                .zip(&event_sender)
                .filter(|(_, s)| **s == i)
                .map(|(e, _)| e)
                .collect();
            let piece = serde_json::json!({ "destination": value["destination"], "events": own });
            Piece {
                body: serde_json::to_vec(&piece).unwrap_or_default().into(),
                first,
            }
        })
        .collect()
}

/// Whether the message's words say danger now (the rules' critical flags, as the bot's own
/// urgent answer reads them): such a body is read before older ones of other chats. A
/// lexicon pass over a short text, a fraction of a full triage.
fn says_danger_now(ctx: &AppContext, message: &InboundMessage) -> bool {
    match &message.content {
        InboundContent::Text { text } | InboundContent::Edited { text, .. } => {
            !ctx.rules().danger_in(text).is_empty()
        }
        _ => false,
    }
}

/// A keyed digest of the chat: equal for one chat's bodies, says nothing of who it is.
fn order_key(ctx: &AppContext, channel: InboxChannel, sender: &str) -> i64 {
    let mac = ctx.keys.mac(
        "webhook-inbox-order",
        &format!("{}:{sender}", channel.as_str()),
    );
    let mut first = [0u8; 8];
    first.copy_from_slice(&mac[..8]);
    i64::from_be_bytes(first)
}

/// Counting a flood's backlog row by row on every scrape or dashboard refresh would cost more
/// than it tells: counts stop here.
pub const WAITING_COUNT_CAP: i64 = 100_000;

/// The inbox's backlog now, for the metrics and the supervisor's dashboard.
pub struct Backlog {
    /// Bodies waiting, counted up to `WAITING_COUNT_CAP`.
    pub waiting: i64,
    /// When the oldest of them arrived.
    pub oldest: Option<DateTime<Utc>>,
}

impl Backlog {
    /// Whether the count stopped at `WAITING_COUNT_CAP` (there may be more).
    pub fn at_least(&self) -> bool {
        self.waiting >= WAITING_COUNT_CAP
    }
}

pub async fn backlog(db: &sqlx::PgPool) -> Result<Backlog, sqlx::Error> {
    let (waiting, oldest) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM webhook_inbox LIMIT $1) t),
                (SELECT received_at FROM webhook_inbox ORDER BY seq LIMIT 1)",
    )
    .bind(WAITING_COUNT_CAP)
    .fetch_one(db)
    .await?;
    Ok(Backlog { waiting, oldest })
}

/// What one look at the inbox did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReadRound {
    /// Bodies read (and removed).
    pub read: usize,
    /// Bodies whose reading failed (left for a later attempt).
    pub failed: usize,
    /// Whether bodies remain (being read elsewhere, waiting for an older one, or to retry).
    pub more: bool,
}

/// Takes up to `limit` bodies (each the oldest of its chat, none another reader holds; those
/// that say danger now first, then the oldest) and reads them at once, each with an intake
/// turn.
pub async fn read_once(ctx: &AppContext, limit: i64) -> Result<ReadRound, sqlx::Error> {
    let now = ctx.now();
    let taken = sqlx::query(
        "WITH next AS (
             SELECT i.id FROM webhook_inbox i
             WHERE (i.locked_until IS NULL OR i.locked_until <= $1)
               AND NOT EXISTS (SELECT 1 FROM webhook_inbox o
                               WHERE o.order_key = i.order_key AND o.seq < i.seq)
             ORDER BY i.urgent DESC, i.seq LIMIT $2
             FOR UPDATE SKIP LOCKED)
         UPDATE webhook_inbox w SET locked_until = $3, attempts = w.attempts + 1
         FROM next WHERE w.id = next.id
         RETURNING w.id, w.channel, w.body_enc, w.attempts",
    )
    .bind(now)
    .bind(limit)
    .bind(now + LEASE)
    .fetch_all(&ctx.db)
    .await?;
    if taken.is_empty() {
        let db = ctx.db.clone();
        let more = ctx
            .turns
            .clear_unless(|| async move {
                sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM webhook_inbox)")
                    .fetch_one(&db)
                    .await
            })
            .await?;
        return Ok(ReadRound {
            more,
            ..ReadRound::default()
        });
    }
    ctx.turns.mark_in_use();
    let mut reading = tokio::task::JoinSet::new();
    for row in taken {
        let ctx = ctx.clone();
        reading.spawn(async move {
            let id: Uuid = row.get("id");
            let attempts: i32 = row.get("attempts");
            let outcome =
                read_one(&ctx, id, row.get("channel"), row.get("body_enc"), attempts).await;
            (id, attempts, outcome)
        });
    }
    let mut round = ReadRound {
        more: true,
        ..ReadRound::default()
    };
    let mut done_ids = Vec::new();
    while let Some(done) = reading.join_next().await {
        let Ok((id, attempts, outcome)) = done else {
            // A panic in one body's reading: its row stays and is taken again after the lease.
            round.failed += 1;
            continue;
        };
        match outcome {
            Ok(channel) => {
                crate::metrics::webhook_inbox(channel.as_str(), "read");
                done_ids.push(id);
            }
            Err(e) => {
                round.failed += 1;
                tracing::warn!(error = %e, attempts, "a body in the webhook inbox could not be read; it will be tried again");
                retry_later(ctx, id, attempts, ctx.now()).await?;
            }
        }
    }
    // One statement (one commit) for the round: a body read but not yet deleted when the node
    // dies is read again after its lease, and its channel's event key records nothing twice.
    sqlx::query("DELETE FROM webhook_inbox WHERE id = ANY($1)")
        .bind(&done_ids)
        .execute(&ctx.db)
        .await?;
    round.read = done_ids.len();
    Ok(round)
}

/// Reads one body through its channel's `receive` (the caller removes it).
async fn read_one(
    ctx: &AppContext,
    id: Uuid,
    channel: String,
    sealed: Vec<u8>,
    attempts: i32,
) -> Result<InboxChannel, anyhow::Error> {
    let channel = InboxChannel::parse(&channel)
        .ok_or_else(|| anyhow::anyhow!("unknown channel in the webhook inbox"))?;
    let body = ctx.keys.open_bytes_bound(
        &sealed,
        &crate::crypto::Binding::new("webhook_inbox", "body_enc", id),
    )?;
    let _turn = ctx.turns.take_for_reader().await;
    let refused = match receive(ctx, channel, &body).await {
        Ok(received) => received.refused,
        // Tried for about half an hour: kept for a person instead, so one body that cannot be
        // read (its channel turned off, a fault only it meets) stops holding its chat back.
        Err(e) if attempts >= GIVE_UP_AFTER_ATTEMPTS => Some(format!(
            "could not be read from the webhook inbox after {attempts} attempts: {e}"
        )),
        Err(e) => return Err(e),
    };
    if let Some(reason) = refused {
        unreadable::store_for_review(
            ctx,
            channel.as_str(),
            &format!("inbox:{id}"),
            &reason,
            &body,
        )
        .await?;
        tracing::warn!(
            channel = channel.as_str(),
            "a body from the webhook inbox was kept for review"
        );
    }
    Ok(channel)
}

/// The channel's own `receive`, as for a webhook read at once.
async fn receive(
    ctx: &AppContext,
    channel: InboxChannel,
    body: &[u8],
) -> Result<Received, anyhow::Error> {
    Ok(match channel {
        InboxChannel::Telegram => {
            let tg = ctx
                .channels
                .telegram
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("Telegram is not enabled"))?;
            telegram::receive(ctx, tg, body).await?
        }
        InboxChannel::Line => {
            let line = ctx
                .channels
                .line
                .as_ref()
                .ok_or_else(|| anyhow::anyhow!("LINE is not enabled"))?;
            line::receive(ctx, line, body).await?
        }
    })
}

async fn retry_later(
    ctx: &AppContext,
    id: Uuid,
    attempts: i32,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let pause = FIRST_RETRY_PAUSE_SECONDS
        .saturating_mul(1i64 << attempts.clamp(1, 12).saturating_sub(1))
        .min(MAX_RETRY_PAUSE_SECONDS);
    sqlx::query("UPDATE webhook_inbox SET locked_until = $2 WHERE id = $1")
        .bind(id)
        .bind(now + chrono::Duration::seconds(pause))
        .execute(&ctx.db)
        .await?;
    Ok(())
}

/// `hotline serve`'s inbox reader: reads while there are bodies, then waits for a put on this
/// node or `READ_POLL`.
pub async fn run_reading(ctx: AppContext, stop: CancellationToken) {
    // Enough bodies a round that a slow one does not leave the turns idle for long.
    let limit = ctx.settings.server.intake_concurrency.max(1) as i64 * 16;
    loop {
        if stop.is_cancelled() {
            return;
        }
        match read_once(&ctx, limit).await {
            Ok(round) if round.read > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read the webhook inbox now"),
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = ctx.turns.put_done() => {}
            () = tokio::time::sleep(READ_POLL) => {}
        }
    }
}
