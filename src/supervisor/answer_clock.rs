//! The answer clock of a case: it starts when a person first writes (or writes again to a case
//! that was waiting on them, which makes it open again), and stops at the first human
//! response: a counselor's first message after claiming the case, or a logged call. A callback
//! waiting for the person's safe window pauses it (that time is not a broken promise). Each
//! stop is stored with the level, the seconds waited and whether the target was met, so
//! reports read stored rows instead of replaying messages.
//!
//! Every function here runs inside the caller's transaction, so the clock moves exactly when
//! the change that moves it commits.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::percentiles::met;
use crate::domain::{CaseId, Level, UserId};
use crate::settings::AnswerTargets;

/// Why a clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The person's first message opened the case.
    FirstContact,
    /// A case that waited on the person got a new message and is open again.
    Reopened,
}

impl Start {
    fn as_str(self) -> &'static str {
        match self {
            Start::FirstContact => "first_contact",
            Start::Reopened => "reopened",
        }
    }
}

/// What a human did that answers the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnsweredBy {
    /// A counselor's message on the case's chat or email.
    Message,
    /// A call to the person was logged as reaching them (the callbacks feature logs calls).
    Call,
}

impl AnsweredBy {
    fn as_str(self) -> &'static str {
        match self {
            AnsweredBy::Message => "message",
            AnsweredBy::Call => "call",
        }
    }
}

/// Seconds the person waited for a human: from the start to `stopped_at`, less the time the
/// clock was paused (including a pause still running). Never negative.
pub fn waited_seconds(
    started_at: DateTime<Utc>,
    stopped_at: DateTime<Utc>,
    paused_seconds: i64,
    paused_since: Option<DateTime<Utc>>,
) -> i64 {
    let open_pause = paused_since.map_or(0, |since| (stopped_at - since).num_seconds().max(0));
    ((stopped_at - started_at).num_seconds() - paused_seconds - open_pause).max(0)
}

/// Starts the case's clock unless one is running.
pub async fn start(
    conn: &mut PgConnection,
    case_id: CaseId,
    channel: &str,
    why: Start,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO answer_clocks (case_id, channel, started_by, started_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (case_id) WHERE stopped_at IS NULL DO NOTHING",
    )
    .bind(case_id)
    .bind(channel)
    .bind(why.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A case a counselor filed from a phone call: the person was talking to a human already. The
/// clock is stored started and stopped at once, so the case counts in activity, and is left
/// out of the answer-time percentiles (the ring time is the phone system's to measure).
pub async fn answered_by_phone(
    conn: &mut PgConnection,
    case_id: CaseId,
    counselor: UserId,
    level: Level,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO answer_clocks (case_id, channel, started_by, started_at, claimed_at,
                                    stopped_by, stopped_at, answered_by, level, answer_seconds)
         VALUES ($1, 'phone', 'phone_form', $2, $2, 'phone_form', $2, $3, $4, 0)",
    )
    .bind(case_id)
    .bind(now)
    .bind(counselor)
    .bind(level.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// Starts a clock when a message reopens a case that was waiting on the person (status
/// `waiting`, nothing unanswered). Call before the case is marked as awaiting a reply. A
/// message to a case a counselor is already talking in does not start one: that is a
/// conversation going on, not a person waiting to reach a human.
pub async fn start_if_reopened(
    conn: &mut PgConnection,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO answer_clocks (case_id, channel, started_by, started_at)
         SELECT id, channel, 'reopened', $2 FROM cases
         WHERE id = $1 AND status = 'waiting' AND NOT awaiting_reply
         ON CONFLICT (case_id) WHERE stopped_at IS NULL DO NOTHING",
    )
    .bind(case_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Notes the first claim of a running clock (time to claim is part of the answer).
pub async fn note_claim(
    conn: &mut PgConnection,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE answer_clocks SET claimed_at = $2
         WHERE case_id = $1 AND stopped_at IS NULL AND claimed_at IS NULL",
    )
    .bind(case_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A stopped clock, as reported to metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stopped {
    pub channel: String,
    pub level: Level,
    pub seconds: i64,
    pub within_target: bool,
}

#[derive(sqlx::FromRow)]
struct Running {
    id: i64,
    channel: String,
    started_at: DateTime<Utc>,
    paused_seconds: i32,
    paused_since: Option<DateTime<Utc>>,
    urgency_rank: i16,
}

async fn running(conn: &mut PgConnection, case_id: CaseId) -> Result<Option<Running>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.id, a.channel, a.started_at, a.paused_seconds, a.paused_since, c.urgency_rank
         FROM answer_clocks a JOIN cases c ON c.id = a.case_id
         WHERE a.case_id = $1 AND a.stopped_at IS NULL
         FOR UPDATE OF a",
    )
    .bind(case_id)
    .fetch_optional(conn)
    .await
}

/// Stops the running clock: a human answered. The level is the case's level now (the one the
/// queue holds it to). Returns what was measured, or `None` when no clock was running (the
/// person was answered already).
pub async fn stop(
    conn: &mut PgConnection,
    case_id: CaseId,
    by: UserId,
    how: AnsweredBy,
    targets: &AnswerTargets,
    now: DateTime<Utc>,
) -> Result<Option<Stopped>, sqlx::Error> {
    let Some(clock) = running(conn, case_id).await? else {
        return Ok(None);
    };
    let level = Level::from_rank(clock.urgency_rank);
    let target = targets.for_level(level);
    let seconds = waited_seconds(
        clock.started_at,
        now,
        i64::from(clock.paused_seconds),
        clock.paused_since,
    );
    let within = met(seconds, target);
    sqlx::query(
        "UPDATE answer_clocks SET stopped_by = $2, stopped_at = $3, answered_by = $4, level = $5,
                answer_seconds = $6, target_seconds = $7, within_target = $8,
                paused_seconds = paused_seconds + COALESCE(EXTRACT(EPOCH FROM $3 - paused_since)::int, 0),
                paused_since = NULL
         WHERE id = $1",
    )
    .bind(clock.id)
    .bind(how.as_str())
    .bind(now)
    .bind(by)
    .bind(level.as_str())
    .bind(i32::try_from(seconds).unwrap_or(i32::MAX))
    .bind(i32::try_from(target).unwrap_or(i32::MAX))
    .bind(within)
    .execute(conn)
    .await?;
    let stopped = Stopped {
        channel: clock.channel,
        level,
        seconds,
        within_target: within,
    };
    crate::metrics::answer_time(&stopped.channel, level.as_str(), seconds, within);
    Ok(Some(stopped))
}

/// The case was closed or referred before anyone answered: the clock ends without an answer.
/// It is no answer time, but a wait that passed its target is still a breach.
pub async fn end_unanswered(
    conn: &mut PgConnection,
    case_id: CaseId,
    targets: &AnswerTargets,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let Some(clock) = running(conn, case_id).await? else {
        return Ok(());
    };
    let level = Level::from_rank(clock.urgency_rank);
    let target = targets.for_level(level);
    let seconds = waited_seconds(
        clock.started_at,
        now,
        i64::from(clock.paused_seconds),
        clock.paused_since,
    );
    // Only a breach is recorded as a verdict; closing early within the target is no verdict.
    let breached = !met(seconds, target);
    sqlx::query(
        "UPDATE answer_clocks SET stopped_by = 'closed', stopped_at = $2, level = $3,
                target_seconds = $4, within_target = CASE WHEN $5 THEN FALSE END,
                paused_since = NULL
         WHERE id = $1",
    )
    .bind(clock.id)
    .bind(now)
    .bind(level.as_str())
    .bind(i32::try_from(target).unwrap_or(i32::MAX))
    .bind(breached)
    .execute(conn)
    .await?;
    if breached {
        crate::metrics::answer_breach(level.as_str());
    }
    Ok(())
}

/// Pauses the running clock: a callback is waiting for the person's safe window (called by the
/// callbacks feature when it schedules one outside the window). Pausing twice is one pause.
pub async fn pause(
    conn: &mut PgConnection,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE answer_clocks SET paused_since = $2
         WHERE case_id = $1 AND stopped_at IS NULL AND paused_since IS NULL",
    )
    .bind(case_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Resumes a paused clock (the safe window opened); the paused time is kept apart.
pub async fn resume(
    conn: &mut PgConnection,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE answer_clocks
         SET paused_seconds = paused_seconds + GREATEST(0, EXTRACT(EPOCH FROM $2 - paused_since)::int),
             paused_since = NULL
         WHERE case_id = $1 AND stopped_at IS NULL AND paused_since IS NOT NULL",
    )
    .bind(case_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: u32, second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 8, minute, second)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn the_wait_is_the_time_from_start_to_answer() {
        assert_eq!(waited_seconds(at(0, 0), at(2, 0), 0, None), 120);
    }

    #[test]
    fn time_paused_for_a_safe_window_is_not_waiting() {
        // 30 minutes in all, 25 of them paused until the person's safe window.
        assert_eq!(waited_seconds(at(0, 0), at(30, 0), 25 * 60, None), 300);
        // A pause still running when the answer comes counts up to the answer.
        assert_eq!(waited_seconds(at(0, 0), at(30, 0), 0, Some(at(10, 0))), 600);
    }

    #[test]
    fn a_clock_stopped_before_it_started_waited_nothing() {
        assert_eq!(waited_seconds(at(5, 0), at(4, 0), 0, None), 0);
        assert_eq!(waited_seconds(at(0, 0), at(1, 0), 600, None), 0);
    }
}
