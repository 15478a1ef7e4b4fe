//! How long an answer may really take in a surge, from the queue's own figures: the longest
//! anyone at the person's urgency or above is waiting right now, and how long the people
//! answered in the last two hours at that urgency waited (the 90th percentile), never less than
//! the level's answer target. Rounded up, so the bot never promises sooner than is likely: to a
//! quarter of an hour up to two hours, then to whole hours.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::Level;
use crate::settings::QueueSettings;

/// A wait as the bot says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitFigure {
    Minutes(u64),
    Hours(u64),
}

/// Rounds a wait up: quarter hours up to two hours, whole hours beyond, never under 15 minutes.
pub fn round_wait(wait: Duration) -> WaitFigure {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    if minutes <= 120 {
        WaitFigure::Minutes(minutes.div_ceil(15) * 15)
    } else {
        WaitFigure::Hours(minutes.div_ceil(60))
    }
}

/// The honest wait for a person whose case is at `level`.
pub async fn expected_wait<'e>(
    db: impl sqlx::PgExecutor<'e>,
    queue: &QueueSettings,
    level: Level,
    now: DateTime<Utc>,
) -> Result<Duration, sqlx::Error> {
    use crate::queue::{HELD, OPEN};
    // The longest wait is the head of one rank's range of the open-queue index (rank,
    // waiting_since, id), as in claim-next: a few index probes, not a scan of every open case
    // on every chat message in surge (issue 18: 120,000 open cases took Telegram from 423 to
    // 22-36 updates a second).
    let sql = format!(
        "SELECT
            (SELECT EXTRACT(EPOCH FROM $1 - min(h.waiting_since))::float8
               FROM unnest('{{3,2,1,0}}'::int2[]) AS r(rank)
               CROSS JOIN LATERAL (
                   SELECT c.waiting_since FROM cases c
                   WHERE {OPEN} AND NOT {HELD} AND c.urgency_rank = r.rank
                   ORDER BY c.waiting_since, c.id LIMIT 1) h
              WHERE r.rank >= $2),
            (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY a.answer_seconds)::float8
               FROM answer_clocks a
              WHERE a.stopped_at > $1 - interval '2 hours' AND a.stopped_at <= $1
                AND a.stopped_by IN ('message', 'call')
                AND a.level IN (SELECT unnest($3::text[])))"
    );
    let (oldest, recent_p90): (Option<f64>, Option<f64>) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(level.rank())
        .bind(levels_from(level))
        .fetch_one(db)
        .await?;
    let target = queue.answer_target_seconds.for_level(level).max(0) as f64;
    let seconds = [target, oldest.unwrap_or(0.0), recent_p90.unwrap_or(0.0)]
        .into_iter()
        .fold(0.0_f64, f64::max);
    Ok(Duration::from_secs(seconds.ceil() as u64))
}

/// How long a computed wait is told again without asking the database: the bot says it rounded
/// up to a quarter of an hour, so ten seconds cannot change what a person is told by more than
/// one step, and in a surge the query ran for every message (0.53 ms each, the largest share
/// of PostgreSQL's time under a flood: `scripts/faults/flood` with `FLOOD_SURGE=1`).
const WAIT_TOLD_AGAIN_FOR: chrono::TimeDelta = chrono::TimeDelta::seconds(10);

/// A wait, and when it was computed.
type Computed = Option<(DateTime<Utc>, Duration)>;

/// The last wait computed for each level, per running app (`AppContext::surge_waits`).
#[derive(Debug, Default)]
pub struct WaitCache {
    computed: std::sync::Mutex<[Computed; 4]>,
}

impl WaitCache {
    /// `expected_wait`, or the same level's figure from less than ten seconds before `now`.
    pub async fn expected_wait<'e>(
        &self,
        db: impl sqlx::PgExecutor<'e>,
        queue: &QueueSettings,
        level: Level,
        now: DateTime<Utc>,
    ) -> Result<Duration, sqlx::Error> {
        let slot = usize::try_from(level.rank()).unwrap_or(0).min(3);
        let fresh = |at: DateTime<Utc>| at <= now && now - at < WAIT_TOLD_AGAIN_FOR;
        if let Ok(computed) = self.computed.lock()
            && let Some((at, wait)) = computed[slot]
            && fresh(at)
        {
            return Ok(wait);
        }
        let wait = expected_wait(db, queue, level, now).await?;
        if let Ok(mut computed) = self.computed.lock() {
            computed[slot] = Some((now, wait));
        }
        Ok(wait)
    }
}

/// The level and those above it, as stored.
fn levels_from(level: Level) -> Vec<String> {
    [Level::Critical, Level::High, Level::Medium, Level::Low]
        .into_iter()
        .filter(|l| l.rank() >= level.rank())
        .map(|l| l.as_str().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_round_up_to_quarter_hours_then_to_whole_hours() {
        assert_eq!(round_wait(Duration::from_secs(0)), WaitFigure::Minutes(15));
        assert_eq!(
            round_wait(Duration::from_secs(16 * 60)),
            WaitFigure::Minutes(30)
        );
        assert_eq!(
            round_wait(Duration::from_secs(120 * 60)),
            WaitFigure::Minutes(120)
        );
        assert_eq!(
            round_wait(Duration::from_secs(121 * 60)),
            WaitFigure::Hours(3)
        );
        assert_eq!(
            round_wait(Duration::from_secs(5 * 3600)),
            WaitFigure::Hours(5)
        );
    }
}
