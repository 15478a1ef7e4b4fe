//! All cases, filtered: the supervisor's view.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::domain::{CaseStatus, Channel, Level, UserId};
use crate::queue::{EFFECTIVE_RANK, HELD, QueueItem, targets};
use crate::settings::QueueSettings;

#[derive(Debug, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub level: Option<Level>,
    pub channel: Option<Channel>,
    pub holder: Option<UserId>,
    pub flag: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    pub limit: i64,
    pub offset: i64,
    /// A counselor's id: restricted cases only where they are named. `None` for supervisors.
    pub viewer: Option<UserId>,
}

pub async fn list_cases(
    db: &PgPool,
    queue: &QueueSettings,
    filter: &CaseFilter,
    now: DateTime<Utc>,
) -> Result<Vec<QueueItem>, sqlx::Error> {
    let [t3, t2, t1, t0] = targets(queue, now);
    // Every filter is a nullable parameter at a fixed position: one plan, no string building.
    let sql = format!(
        "SELECT c.id, c.reference, c.channel, c.status, c.urgency_level, c.urgency_flags, c.language,
                ({EFFECTIVE_RANK})::int2 AS effective_rank, c.waiting_since, c.created_at,
                CASE WHEN {HELD} THEN c.holder_id END AS holder_id,
                CASE WHEN {HELD} THEN u.email END AS holder_email,
                CASE WHEN {HELD} THEN c.lease_expires_at END AS lease_expires_at
         FROM cases c LEFT JOIN users u ON u.id = c.holder_id
         WHERE ($6::text IS NULL OR c.status = $6)
           AND ($7::text IS NULL OR c.urgency_level = $7)
           AND ($8::text IS NULL OR c.channel = $8)
           AND ($9::uuid IS NULL OR (c.holder_id = $9 AND {HELD}))
           AND ($10::text IS NULL OR $10 = ANY (c.urgency_flags))
           AND ($11::timestamptz IS NULL OR c.created_at >= $11)
           AND ($12::timestamptz IS NULL OR c.created_at < $12)
           AND ($15::uuid IS NULL OR {visible})
         ORDER BY c.created_at DESC, c.id
         LIMIT $13 OFFSET $14",
        visible = crate::privacy::restricted::visible_to("$15"),
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(t3)
        .bind(t2)
        .bind(t1)
        .bind(t0)
        .bind(filter.status.map(CaseStatus::as_str))
        .bind(filter.level.map(Level::as_str))
        .bind(filter.channel.map(Channel::as_str))
        .bind(filter.holder)
        .bind(filter.flag.as_deref())
        .bind(filter.created_from)
        .bind(filter.created_to)
        .bind(filter.limit)
        .bind(filter.offset)
        .bind(filter.viewer)
        .fetch_all(db)
        .await
}
