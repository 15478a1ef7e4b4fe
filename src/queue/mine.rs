//! The cases a counselor holds now, with how many of the reporter's messages they have not yet
//! seen, and marking a case read when its holder opens it.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::domain::{CaseId, UserId};

#[derive(Debug, sqlx::FromRow)]
pub struct HeldCase {
    pub id: CaseId,
    pub reference: String,
    pub channel: String,
    pub status: String,
    pub urgency_level: String,
    pub language: Option<String>,
    pub lease_expires_at: DateTime<Utc>,
    /// Messages from the reporter that arrived after the holder last opened the case.
    pub unread: i64,
}

/// The cases `counselor` holds now (live lease, not closed), most urgent first.
pub async fn held_by(
    db: &PgPool,
    counselor: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<HeldCase>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.reference, c.channel, c.status, c.urgency_level, c.language,
                c.lease_expires_at,
                (SELECT count(*) FROM messages m
                  WHERE m.case_id = c.id AND m.direction = 'inbound'
                    AND m.at > COALESCE(r.read_at, '-infinity')) AS unread
         FROM cases c LEFT JOIN case_reads r ON r.case_id = c.id AND r.user_id = $1
         WHERE c.holder_id = $1 AND c.lease_expires_at > $2 AND c.status <> 'closed'
         ORDER BY c.urgency_rank DESC, c.waiting_since, c.id",
    )
    .bind(counselor)
    .bind(now)
    .fetch_all(db)
    .await
}

/// Records that `user` has seen everything on the case up to `now`.
pub async fn mark_read(
    db: &PgPool,
    user: UserId,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_reads (user_id, case_id, read_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, case_id) DO UPDATE SET read_at = GREATEST(case_reads.read_at, $3)",
    )
    .bind(user)
    .bind(case_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}
