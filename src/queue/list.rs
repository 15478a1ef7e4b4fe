//! The queue as counselors see it: open cases, most urgent first, with who holds each.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::{EFFECTIVE_RANK, HELD, OPEN, order_by, targets};
use crate::domain::{CaseId, Level};
use crate::settings::QueueSettings;

#[derive(Debug, sqlx::FromRow)]
pub struct QueueItem {
    pub id: CaseId,
    pub reference: String,
    pub channel: String,
    pub status: String,
    pub urgency_level: String,
    pub urgency_flags: Vec<String>,
    /// The case's language tag (`th`, `my-MM`), when known.
    pub language: Option<String>,
    pub effective_rank: i16,
    pub waiting_since: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub holder_id: Option<uuid::Uuid>,
    pub holder_email: Option<String>,
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// The due callback (or missed call's candidate) of the case, the most missed calls first.
    #[sqlx(default)]
    pub due_callback_id: Option<uuid::Uuid>,
    #[sqlx(default)]
    pub due_callback_from: Option<DateTime<Utc>>,
    #[sqlx(default)]
    pub due_callback_to: Option<DateTime<Utc>>,
    #[sqlx(default)]
    pub due_callback_status: Option<String>,
    /// The mass rescue event the case belongs to, so survivors of one raid read as one group.
    #[sqlx(default)]
    pub rescue_event_id: Option<uuid::Uuid>,
    #[sqlx(default)]
    pub rescue_event_name: Option<String>,
}

impl QueueItem {
    pub fn effective_level(&self) -> Level {
        Level::from_rank(self.effective_rank)
    }

    /// The level triage (or a counselor) gave, before any raise for waiting.
    pub fn level(&self) -> Level {
        Level::parse("urgency_level", &self.urgency_level).unwrap_or(Level::Medium)
    }
}

/// How many open cases nobody holds, per urgency level.
pub async fn depth_by_level(
    db: &PgPool,
    now: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let sql = format!(
        "SELECT c.urgency_level, count(*) FROM cases c WHERE {OPEN} AND NOT {HELD} GROUP BY 1"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .fetch_all(db)
        .await
}

/// Open cases in the order claim-next would offer them to a counselor speaking `languages`.
pub async fn list_open(
    db: &PgPool,
    settings: &QueueSettings,
    languages: &[String],
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<QueueItem>, sqlx::Error> {
    let [t3, t2, t1, t0] = targets(settings, now);
    let sql = format!(
        "SELECT c.id, c.reference, c.channel, c.status, c.urgency_level, c.urgency_flags, c.language,
                ({EFFECTIVE_RANK})::int2 AS effective_rank, c.waiting_since, c.created_at,
                CASE WHEN {HELD} THEN c.holder_id END AS holder_id,
                CASE WHEN {HELD} THEN u.email END AS holder_email,
                CASE WHEN {HELD} THEN c.lease_expires_at END AS lease_expires_at,
                due.id AS due_callback_id, due.due_from AS due_callback_from,
                due.due_to AS due_callback_to, due.status AS due_callback_status,
                c.rescue_event_id, re.name AS rescue_event_name
         FROM cases c LEFT JOIN users u ON u.id = c.holder_id
         LEFT JOIN rescue_events re ON re.id = c.rescue_event_id
         LEFT JOIN LATERAL (
             SELECT cb.id, cb.due_from, cb.due_to, cb.status FROM callbacks cb
             WHERE cb.case_id = c.id AND cb.status IN ('scheduled', 'candidate') AND cb.due_from <= $1
             ORDER BY cb.missed_calls DESC, cb.due_from LIMIT 1) due ON TRUE
         WHERE {in_queue}
         ORDER BY {order}
         LIMIT $7",
        order = order_by(),
        in_queue = super::in_queue(),
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(t3)
        .bind(t2)
        .bind(t1)
        .bind(t0)
        .bind(super::primary_languages(languages))
        .bind(limit)
        .fetch_all(db)
        .await
}
