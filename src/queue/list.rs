//! The queue as counselors see it: open cases, most urgent first, with who holds each.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::{EFFECTIVE_RANK, HELD, OPEN, QUEUE_ORDER, targets};
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
    pub effective_rank: i16,
    pub waiting_since: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub holder_id: Option<uuid::Uuid>,
    pub holder_email: Option<String>,
    pub lease_expires_at: Option<DateTime<Utc>>,
}

impl QueueItem {
    pub fn effective_level(&self) -> Level {
        Level::from_rank(self.effective_rank)
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

pub async fn list_open(
    db: &PgPool,
    settings: &QueueSettings,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<QueueItem>, sqlx::Error> {
    let [t3, t2, t1, t0] = targets(settings, now);
    let sql = format!(
        "SELECT c.id, c.reference, c.channel, c.status, c.urgency_level, c.urgency_flags,
                ({EFFECTIVE_RANK})::int2 AS effective_rank, c.waiting_since, c.created_at,
                CASE WHEN {HELD} THEN c.holder_id END AS holder_id,
                CASE WHEN {HELD} THEN u.email END AS holder_email,
                CASE WHEN {HELD} THEN c.lease_expires_at END AS lease_expires_at
         FROM cases c LEFT JOIN users u ON u.id = c.holder_id
         WHERE {OPEN}
         ORDER BY {QUEUE_ORDER}
         LIMIT $6"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(t3)
        .bind(t2)
        .bind(t1)
        .bind(t0)
        .bind(limit)
        .fetch_all(db)
        .await
}
