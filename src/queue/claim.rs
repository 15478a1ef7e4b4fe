//! Claiming: the next case, or a specific one, within the counselor's held-case cap.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{Connection, PgConnection, PgPool, Postgres, Transaction};

use super::{Claimed, HELD, OPEN, QueueError, lease_duration, live_holder, order_by, targets};
use crate::auth::audit;
use crate::domain::{CaseId, UserId};
use crate::settings::QueueSettings;

/// How many cases each candidate list offers. One would do for a lone claimer; a few more let
/// concurrent claimers that skip each other's locked rows still find the true next case.
const CANDIDATES_PER_LIST: u32 = 4;

/// The claim-next statement (parameters: 1 now, 2-5 the overdue thresholds, 6 the counselor's
/// languages, 7 the counselor, 8 the lease's end), public so a test can `EXPLAIN` it.
///
/// Sorting every open case by the queue order costs O(n) per claim (150 ms at 100,000 open
/// cases). The order only ever compares cases of one urgency rank by waiting time, so the next
/// case is always the head of one of a few lists, each a range of the index on (rank,
/// waiting_since, id) over open cases, or of the one on (rank, language, waiting_since, id):
/// per rank, the longest-waiting case (it is past its target if any case of that rank is:
/// overdue cases are the oldest), the longest-waiting case still within its target, and that
/// within target in each of the counselor's languages. Those few heads are put in the full
/// queue order (`order_by`), so the result is the same as the full sort, in O(log n): the head
/// of every list is held cases at most away from its start (a held case is skipped, and a
/// counselor holds at most `queue.max_held`).
pub fn claim_next_sql() -> String {
    claim_next_sql_when("TRUE")
}

/// The claim-next statement, claiming only when `condition` holds (evaluated once, before the
/// queue is read).
fn claim_next_sql_when(condition: &str) -> String {
    let k = CANDIDATES_PER_LIST;
    let threshold = "CASE r.rank WHEN 3 THEN $2::timestamptz WHEN 2 THEN $3::timestamptz
                     WHEN 1 THEN $4::timestamptz ELSE $5::timestamptz END";
    let head = |extra: &str| {
        format!(
            "SELECT c.id FROM cases c
             WHERE {OPEN} AND NOT {HELD} AND NOT c.restricted AND c.urgency_rank = r.rank {extra}
             ORDER BY c.waiting_since, c.id LIMIT {k}"
        )
    };
    let longest = head("");
    let within = head(&format!("AND c.waiting_since >= {threshold}"));
    let in_language = head(&format!(
        "AND split_part(c.language, '-', 1) = lang.code AND c.waiting_since >= {threshold}"
    ));
    // SKIP LOCKED: concurrent claimers each take a different row instead of queueing on one.
    format!(
        "UPDATE cases SET holder_id = $7, lease_expires_at = $8, updated_at = $1
         WHERE ({condition}) AND id = (
             SELECT c.id FROM cases c
             WHERE c.id = ANY(ARRAY(
                 SELECT heads.id FROM unnest('{{3,2,1,0}}'::int2[]) AS r(rank)
                 CROSS JOIN LATERAL (
                     ({longest})
                     UNION ALL ({within})
                     UNION ALL (SELECT l.id FROM unnest($6::text[]) AS lang(code)
                                CROSS JOIN LATERAL ({in_language}) l)
                 ) heads
                 UNION ALL
                 -- Every case with a due callback (they go first within their level, and a
                 -- closed case's follow-up is in the queue too); few at any moment.
                 SELECT cb.case_id FROM callbacks cb
                 WHERE cb.status IN ('scheduled', 'candidate') AND cb.due_from <= $1))
               AND {in_queue} AND NOT {HELD}
             ORDER BY {order}
             LIMIT 1 FOR UPDATE OF c SKIP LOCKED)
         RETURNING id",
        order = order_by(),
        in_queue = super::in_queue(),
    )
}

/// How many cases `counselor` holds now (`now` and `counselor` are SQL parameter names or
/// expressions). Public so a test can `EXPLAIN` it.
///
/// The count reads the index on (holder_id, lease_expires_at), so it touches the counselor's
/// live leases only (never more than the cap). On holder_id alone it walked every case the
/// counselor had ever held whose lease ran out without a release (a case left `waiting`, a
/// lease that expired), a list that only grows: at 1,800 such cases it was 2 ms of a claim's
/// 2.3 ms in the database. No `LIMIT`: under the claim's generic plan a limit made a scan of
/// every case look cheap to the planner (1.36 ms a claim after an intake burst, run 11).
pub fn held_count_sql(now: &str, counselor: &str) -> String {
    format!(
        "SELECT count(*) AS n FROM cases
         WHERE holder_id = {counselor} AND lease_expires_at > {now} AND status <> 'closed'"
    )
}

/// Claim-next in one statement after the counselor's row is locked (issue 18: round trips,
/// not the query, bounded it): the held-case count (parameter 9 is the cap), the claim, the
/// answer clock's first claim (`answer_clock::note_claim`) and the `case.claimed` audit entry
/// (`audit::record`: one INSERT, linked after commit). Returns (cases held before, claimed).
/// The count reads the statement's snapshot, taken after the lock: every earlier claim by the
/// same counselor has committed by then.
fn claim_next_with_cap_sql() -> String {
    format!(
        "WITH held AS (
             {held}
         ), claimed AS (
             {claim}
         ), clock AS (
             UPDATE answer_clocks a SET claimed_at = $1 FROM claimed
             WHERE a.case_id = claimed.id AND a.stopped_at IS NULL AND a.claimed_at IS NULL
         ), entry AS (
             INSERT INTO audit_log (actor_id, action, case_id, details, at)
             SELECT $7, 'case.claimed', id, '{{\"how\": \"next\"}}'::jsonb, $1 FROM claimed
         )
         SELECT (SELECT n FROM held), (SELECT id FROM claimed)",
        held = held_count_sql("$1", "$7"),
        claim = claim_next_sql_when("(SELECT n FROM held) < $9")
    )
}

/// Claims the most urgent open case nobody holds, preferring (within the queue order) cases in
/// one of `languages`. `None` when there is none.
pub async fn claim_next(
    db: &PgPool,
    settings: &QueueSettings,
    counselor: UserId,
    languages: &[String],
    now: DateTime<Utc>,
) -> Result<Option<Claimed>, QueueError> {
    let mut conn = db.acquire().await?;
    claim_next_on(&mut conn, settings, counselor, languages, now).await
}

/// `claim_next` on a connection the caller holds (the claim's case view follows on it).
pub async fn claim_next_on(
    conn: &mut PgConnection,
    settings: &QueueSettings,
    counselor: UserId,
    languages: &[String],
    now: DateTime<Utc>,
) -> Result<Option<Claimed>, QueueError> {
    let [t3, t2, t1, t0] = targets(settings, now);
    // The cap: a counselor's claims take turns on their own row. With the lock, the claim
    // statement's custom plan (about 0.7 ms to make on every execution, more than it takes to
    // run) is switched to its generic plan, the same index walk (`claim_next_sql`). Sent with
    // BEGIN as one simple query (one round trip, not two); the id is a UUID's own text.
    let mut tx = conn
        .begin_with(sqlx::AssertSqlSafe(format!(
            "BEGIN; SELECT set_config('plan_cache_mode', 'force_generic_plan', true) FROM users
             WHERE id = '{}' FOR UPDATE",
            counselor.0
        )))
        .await?;
    let sql = claim_next_with_cap_sql();
    let (held, claimed): (i64, Option<CaseId>) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(t3)
        .bind(t2)
        .bind(t1)
        .bind(t0)
        .bind(super::primary_languages(languages))
        .bind(counselor)
        .bind(now + lease_duration(settings))
        .bind(settings.max_held)
        .fetch_one(&mut *tx)
        .await?;
    if held >= settings.max_held {
        crate::metrics::claim("too_many_held");
        return Err(QueueError::TooManyHeld(settings.max_held));
    }
    tx.commit().await?;
    let Some(case_id) = claimed else {
        crate::metrics::claim("empty");
        return Ok(None);
    };
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
    // A restricted case is there only for its named staff and supervisors (privacy::restricted).
    let row: Option<(String, Option<UserId>, Option<DateTime<Utc>>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT c.status, c.holder_id, c.lease_expires_at FROM cases c
             WHERE c.id = $1 AND ({} OR EXISTS (SELECT 1 FROM users u WHERE u.id = $2
                                                  AND u.role IN ('supervisor', 'admin')))
             FOR UPDATE OF c",
            crate::privacy::restricted::visible_to("$2")
        )))
        .bind(case_id)
        .bind(counselor)
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
    crate::supervisor::answer_clock::note_claim(&mut tx, case_id, now).await?;
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
