//! The counselor activity report: per staff member, in a period, the cases they handled (filed,
//! wrote on, noted, moved along), the people they answered first and their median answer time,
//! callbacks done and referrals made. Supervisors see everyone; a counselor sees only their own
//! row (the route decides which, this module only filters by `only`).

use serde::Serialize;
use sqlx::PgPool;

use super::callbacks_and_referrals::{self, WIRED};
use super::percentiles::nearest_rank;
use super::period::Period;
use crate::domain::UserId;

#[derive(Debug, Serialize)]
pub struct Activity {
    pub id: uuid::Uuid,
    pub email: String,
    /// Cases they filed, wrote on, added a note to or changed the status of.
    pub cases_handled: i64,
    /// People whose first human answer was theirs (chat and email).
    pub first_answers: i64,
    /// Median time those people waited, in seconds.
    pub median_answer_seconds: Option<i64>,
    pub callbacks_done: i64,
    pub referrals_made: i64,
    /// False until callbacks and referrals are connected (`callbacks_and_referrals`).
    pub callbacks_and_referrals_wired: bool,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: uuid::Uuid,
    email: String,
    cases_handled: i64,
    answers: Option<Vec<i32>>,
}

/// Activity in `period`, for everyone active in it or only for `only`.
pub async fn activity(
    db: &PgPool,
    period: Period,
    only: Option<UserId>,
) -> Result<Vec<Activity>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "WITH handled AS (
             SELECT actor_id, count(DISTINCT case_id) AS n FROM audit_log
             WHERE at >= $1 AND at < $2 AND case_id IS NOT NULL AND actor_id IS NOT NULL
               AND action IN ('case.opened', 'case.message_sent', 'case.note_added',
                              'case.status_changed', 'case.urgency_overridden')
               AND ($3::uuid IS NULL OR actor_id = $3)
             GROUP BY 1),
         answered AS (
             SELECT answered_by, array_agg(answer_seconds ORDER BY answer_seconds) AS seconds
             FROM answer_clocks
             WHERE started_at >= $1 AND started_at < $2 AND stopped_by IN ('message', 'call')
               AND ($3::uuid IS NULL OR answered_by = $3)
             GROUP BY 1)
         SELECT u.id, u.email, COALESCE(h.n, 0) AS cases_handled, a.seconds AS answers
         FROM users u
         LEFT JOIN handled h ON h.actor_id = u.id
         LEFT JOIN answered a ON a.answered_by = u.id
         WHERE ($3::uuid IS NULL AND (h.n IS NOT NULL OR a.seconds IS NOT NULL)) OR u.id = $3
         ORDER BY u.email",
    )
    .bind(period.from)
    .bind(period.to)
    .bind(only)
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let seconds: Vec<i64> = r
            .answers
            .unwrap_or_default()
            .into_iter()
            .map(i64::from)
            .collect();
        let (callbacks_done, referrals_made) =
            callbacks_and_referrals::counselor_callbacks_and_referrals(db, UserId(r.id), period)
                .await?;
        out.push(Activity {
            id: r.id,
            email: r.email,
            cases_handled: r.cases_handled,
            first_answers: seconds.len() as i64,
            median_answer_seconds: nearest_rank(&seconds, 50),
            callbacks_done,
            referrals_made,
            callbacks_and_referrals_wired: WIRED,
        });
    }
    Ok(out)
}
