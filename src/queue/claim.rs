//! Claiming: the next case, or a specific one, within the counselor's held-case cap.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgPool, Postgres, Transaction};

use super::{Claimed, HELD, QueueError, lease_duration, live_holder, order_by, targets};
use crate::auth::audit;
use crate::domain::{CaseId, UserId};
use crate::settings::QueueSettings;

/// Claims the most urgent open case nobody holds, preferring (within the queue order) cases in
/// one of `languages`. `None` when there is none.
pub async fn claim_next(
    db: &PgPool,
    settings: &QueueSettings,
    counselor: UserId,
    languages: &[String],
    now: DateTime<Utc>,
) -> Result<Option<Claimed>, QueueError> {
    let [t3, t2, t1, t0] = targets(settings, now);
    let mut tx = db.begin().await?;
    ensure_below_cap(&mut tx, settings, counselor, None, now).await?;
    // SKIP LOCKED: concurrent claimers each take a different row instead of queueing on one.
    let sql = format!(
        "UPDATE cases SET holder_id = $7, lease_expires_at = $8, updated_at = $1
         WHERE id = (
             SELECT c.id FROM cases c
             WHERE {in_queue} AND NOT {HELD}
             ORDER BY {order}
             LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id",
        order = order_by(),
        in_queue = super::in_queue(),
    );
    let claimed: Option<(CaseId,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(t3)
        .bind(t2)
        .bind(t1)
        .bind(t0)
        .bind(super::primary_languages(languages))
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
    ensure_below_cap(&mut tx, settings, counselor, Some(case_id), now).await?;
    let row: Option<(String, Option<UserId>, Option<DateTime<Utc>>)> = sqlx::query_as(
        "SELECT status, holder_id, lease_expires_at FROM cases WHERE id = $1 FOR UPDATE",
    )
    .bind(case_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (status, holder, expires) = row.ok_or(QueueError::NotFound)?;
    if status == "closed" {
        // A closed case is claimed only to make a callback that is due on it.
        let (due,): (bool,) = sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM callbacks WHERE case_id = $1
                              AND status IN ('scheduled', 'candidate') AND due_from <= $2)",
        )
        .bind(case_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        if !due {
            return Err(QueueError::Closed);
        }
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

/// Refuses a claim that would make the counselor hold more than `queue.max_held` cases. The
/// counselor's user row is locked first, so two claims by the same person (two tabs, a double
/// click) are counted one after the other and cannot both slip under the cap. `renewing` is a
/// case they may already hold: claiming it again only renews the lease.
async fn ensure_below_cap(
    tx: &mut Transaction<'_, Postgres>,
    settings: &QueueSettings,
    counselor: UserId,
    renewing: Option<CaseId>,
    now: DateTime<Utc>,
) -> Result<(), QueueError> {
    sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
        .bind(counselor)
        .execute(&mut **tx)
        .await?;
    let (held,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM cases
         WHERE holder_id = $1 AND lease_expires_at > $2 AND status <> 'closed'
           AND id IS DISTINCT FROM $3",
    )
    .bind(counselor)
    .bind(now)
    .bind(renewing)
    .fetch_one(&mut **tx)
    .await?;
    if held >= settings.max_held {
        crate::metrics::claim("too_many_held");
        return Err(QueueError::TooManyHeld(settings.max_held));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_claim_query_only_takes_cases_nobody_holds() {
        // Guard against an edit that drops the lease check from the claim query.
        assert!(super::HELD.contains("lease_expires_at > $1"));
    }
}
