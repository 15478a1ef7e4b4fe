//! Broken answer promises: people waiting for a human past their level's target right now, and
//! the targets that passed unmet in the last hour. Both read running clocks through their
//! partial index and at most a day of clocks through `answer_clocks_started_idx`.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use crate::settings::AnswerTargets;

/// The moments before which a waiting critical, high, medium or low case is past its target.
fn due_before(targets: &AnswerTargets, now: DateTime<Utc>) -> [DateTime<Utc>; 4] {
    [targets.critical, targets.high, targets.medium, targets.low]
        .map(|s| now - Duration::seconds(s))
}

/// People waiting for a human past their target now (not paused for a safe window), by the
/// case's level now.
pub async fn breaching_now(
    db: &PgPool,
    targets: &AnswerTargets,
    now: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let [t3, t2, t1, t0] = due_before(targets, now);
    sqlx::query_as(
        "SELECT c.urgency_level, count(*)
         FROM answer_clocks a JOIN cases c ON c.id = a.case_id
         WHERE a.stopped_at IS NULL AND a.paused_since IS NULL
           AND a.started_at + make_interval(secs => a.paused_seconds)
               < CASE c.urgency_rank WHEN 3 THEN $1 WHEN 2 THEN $2 WHEN 1 THEN $3 ELSE $4 END
         GROUP BY 1",
    )
    .bind(t3)
    .bind(t2)
    .bind(t1)
    .bind(t0)
    .fetch_all(db)
    .await
}

/// Answer targets that passed unmet in the hour before `now` (answered late, closed
/// unanswered, or still waiting), by level.
pub async fn breaches_last_hour(
    db: &PgPool,
    targets: &AnswerTargets,
    now: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let longest = [targets.critical, targets.high, targets.medium, targets.low]
        .into_iter()
        .max()
        .unwrap_or(0);
    let hour_ago = now - Duration::hours(1);
    sqlx::query_as(
        "SELECT level, count(*) FROM (
             SELECT COALESCE(a.level, c.urgency_level) AS level, a.stopped_at,
                    a.started_at + make_interval(secs => a.paused_seconds +
                        CASE COALESCE(a.level, c.urgency_level)
                            WHEN 'critical' THEN $4 WHEN 'high' THEN $5 WHEN 'medium' THEN $6
                            ELSE $7 END) AS due
             FROM answer_clocks a JOIN cases c ON c.id = a.case_id
             WHERE a.started_at > $3 AND a.started_by <> 'phone_form' AND a.paused_since IS NULL
         ) x
         WHERE due > $1 AND due <= $2 AND (stopped_at IS NULL OR stopped_at > due)
         GROUP BY 1",
    )
    .bind(hour_ago)
    .bind(now)
    .bind(hour_ago - Duration::seconds(longest))
    .bind(targets.critical as f64)
    .bind(targets.high as f64)
    .bind(targets.medium as f64)
    .bind(targets.low as f64)
    .fetch_all(db)
    .await
}
