//! Claiming: the next case, or a specific one.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;

use super::{Claimed, HELD, OPEN, QUEUE_ORDER, QueueError, lease_duration, live_holder, targets};
use crate::auth::audit;
use crate::domain::{CaseId, UserId};
use crate::settings::QueueSettings;

/// Claims the most urgent open case nobody holds. `None` when there is none.
pub async fn claim_next(
    db: &PgPool,
    settings: &QueueSettings,
    counselor: UserId,
    now: DateTime<Utc>,
) -> Result<Option<Claimed>, QueueError> {
    let [t3, t2, t1, t0] = targets(settings, now);
    let mut tx = db.begin().await?;
    // SKIP LOCKED: concurrent claimers each take a different row instead of queueing on one.
    let sql = format!(
        "UPDATE cases SET holder_id = $6, lease_expires_at = $7, updated_at = $1
         WHERE id = (
             SELECT c.id FROM cases c
             WHERE {OPEN} AND NOT {HELD}
             ORDER BY {QUEUE_ORDER}
             LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id"
    );
    let claimed: Option<(CaseId,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(t3)
        .bind(t2)
        .bind(t1)
        .bind(t0)
        .bind(counselor)
        .bind(now + lease_duration(settings))
        .fetch_optional(&mut *tx)
        .await?;
    let Some((case_id,)) = claimed else {
        tx.commit().await?;
        crate::metrics::claim("empty");
        return Ok(None);
    };
    audit::record(
        &mut *tx,
        Some(counselor),
        "case.claimed",
        Some(case_id),
        json!({"how": "next"}),
        now,
    )
    .await?;
    tx.commit().await?;
    crate::metrics::claim("claimed");
    Ok(Some(Claimed(case_id)))
}

/// Claims a specific case (e.g. one a counselor picked from the queue). Re-claiming a case
/// you already hold renews the lease.
pub async fn claim_case(
    db: &PgPool,
    settings: &QueueSettings,
    counselor: UserId,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<Claimed, QueueError> {
    let mut tx = db.begin().await?;
    let row: Option<(String, Option<UserId>, Option<DateTime<Utc>>)> = sqlx::query_as(
        "SELECT status, holder_id, lease_expires_at FROM cases WHERE id = $1 FOR UPDATE",
    )
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (status, holder, expires) = row.ok_or(QueueError::NotFound)?;
    if status == "closed" {
        return Err(QueueError::Closed);
    }
    if live_holder(holder, expires, now).is_some_and(|h| h != counselor) {
        crate::metrics::claim("conflict");
        return Err(QueueError::HeldByAnother);
    }
    sqlx::query(
        "UPDATE cases SET holder_id = $2, lease_expires_at = $3, updated_at = $4 WHERE id = $1",
    )
    .bind(case_id)
    .bind(counselor)
    .bind(now + lease_duration(settings))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Some(counselor),
        "case.claimed",
        Some(case_id),
        json!({"how": "specific"}),
        now,
    )
    .await?;
    tx.commit().await?;
    crate::metrics::claim("claimed");
    Ok(Claimed(case_id))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_claim_query_only_takes_cases_nobody_holds() {
        // Guard against an edit that drops the lease check from the claim query.
        assert!(super::HELD.contains("lease_expires_at > $1"));
    }
}
