//! The one triage queue. A case is *open* while its status is `new` or `in_progress`, or
//! `waiting` with an unanswered inbound message. Open cases sort by effective level (the urgency
//! level, raised one step once the case has waited past its level's answer target), then by
//! waiting time, oldest first. The whole order is one SQL fragment, `ORDER`, used by the
//! list, by claim-next and by the case view, so what counselors see is what they get.
//!
//! Claims are leases stored on the case row: `holder_id` plus `lease_expires_at`. An expired
//! lease is the same as no holder, so expiry needs no background sweeper and cannot be missed;
//! claiming uses `FOR UPDATE SKIP LOCKED`, so any number of nodes can claim at once and no
//! case is ever held twice. An `in_progress` case nobody holds is open: a counselor who drops a
//! case mid-work must not leave it orphaned.

mod claim;
mod lease;
mod list;
mod mine;
mod waiting;

pub use claim::{claim_case, claim_next, claim_next_on, claim_next_sql, held_count_sql};
pub use lease::{release, renew};
pub use list::{QueueItem, depth_by_level, list_open};
pub use mine::{HeldCase, held_by, mark_read};
pub use waiting::mark_awaiting_reply;

use chrono::{DateTime, Utc};

use crate::domain::{CaseId, UserId};
use crate::settings::QueueSettings;

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("case not found")]
    NotFound,
    #[error("another counselor holds this case")]
    HeldByAnother,
    #[error("you do not hold this case")]
    NotHolder,
    #[error("the case is closed")]
    Closed,
    #[error("you already hold {0} cases")]
    TooManyHeld(i64),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<QueueError> for crate::error::ApiError {
    fn from(e: QueueError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            QueueError::NotFound => ApiError::NotFound("case"),
            QueueError::HeldByAnother => {
                ApiError::conflict("case_held", "another counselor holds this case")
            }
            QueueError::NotHolder => ApiError::conflict(
                "not_holder",
                "you do not hold this case (the lease may have expired)",
            ),
            QueueError::Closed => ApiError::conflict("case_closed", "the case is closed"),
            QueueError::TooManyHeld(max) => ApiError::conflict(
                "too_many_held",
                format!(
                    "you already hold {max} cases (queue.max_held): close or release one before claiming another"
                ),
            ),
            QueueError::Database(db) => db.into(),
        }
    }
}

/// SQL for "this case is open" (see the module docs).
pub(crate) const OPEN: &str =
    "(c.status IN ('new', 'in_progress') OR (c.status = 'waiting' AND c.awaiting_reply))";

/// SQL for "a callback of this case is due" (a scheduled callback or a missed call's candidate
/// whose window has opened), with `$now` bound as parameter 1. Such a case is in the queue
/// whatever its status: a follow-up months after closing must reach someone.
pub(crate) const DUE_CALLBACK: &str = "EXISTS (SELECT 1 FROM callbacks cb WHERE cb.case_id = c.id
    AND cb.status IN ('scheduled', 'candidate') AND cb.due_from <= $1)";

/// SQL for "in the queue": open, or with a due callback.
pub(crate) fn in_queue() -> String {
    // A restricted case is worked by its named staff only (privacy::restricted): never offered.
    format!("(({OPEN} OR {DUE_CALLBACK}) AND NOT c.restricted)")
}

/// SQL for "someone holds this case now", with `$now` bound as parameter 1.
pub(crate) const HELD: &str = "(c.holder_id IS NOT NULL AND c.lease_expires_at > $1)";

/// SQL for "this case has waited past its own level's answer target". Parameters 2-5 are the
/// moments before which a critical, high, medium or low case counts as overdue (`now -
/// target`), so each row costs a comparison, not an interval computation.
pub(crate) const OVERDUE: &str = "(c.waiting_since <
    CASE c.urgency_rank WHEN 3 THEN $2 WHEN 2 THEN $3 WHEN 1 THEN $4 ELSE $5 END)";

/// SQL for the effective level rank: the level, raised one step (at most to critical) once the
/// case has waited past its level's answer target (parameters 2-5, see `OVERDUE`).
pub(crate) const EFFECTIVE_RANK: &str = "LEAST(3, c.urgency_rank + CASE WHEN c.waiting_since <
    CASE c.urgency_rank WHEN 3 THEN $2 WHEN 2 THEN $3 WHEN 1 THEN $4 ELSE $5 END THEN 1 ELSE 0 END)";

/// The queue order, the one place it is written (list, claim-next and the supervisor's list
/// use it):
/// 1. effective level, most urgent first;
/// 2. a case with a due callback before new work of the same effective level (the person is
///    waiting for the call the hotline promised);
/// 3. the level triage gave, so a true critical is never pushed below an older high case that
///    aged into critical;
/// 4. a case past its own answer target before one that is not, in any language: nobody is left
///    waiting past the target because nobody on shift speaks their language;
/// 5. then a case in one of the counselor's languages (parameter 6, a `text[]` of primary
///    language subtags; empty for no preference);
/// 6. waiting time, oldest first; the id only makes the order total.
pub(crate) fn order_by() -> String {
    format!(
        "{EFFECTIVE_RANK} DESC, CASE WHEN {DUE_CALLBACK} THEN 0 ELSE 1 END, c.urgency_rank DESC,
         CASE WHEN {OVERDUE} THEN 0
              WHEN split_part(c.language, '-', 1) = ANY($6::text[]) THEN 1
              ELSE 2 END,
         c.waiting_since ASC, c.id"
    )
}

/// The overdue thresholds in the order `EFFECTIVE_RANK` binds them.
pub fn targets(settings: &QueueSettings, now: DateTime<Utc>) -> [DateTime<Utc>; 4] {
    let t = &settings.answer_target_seconds;
    [t.critical, t.high, t.medium, t.low].map(|s| now - chrono::Duration::seconds(s))
}

/// When a case of `level` that has waited since `waiting_since` passes its answer target.
pub fn answer_due(
    settings: &QueueSettings,
    level: crate::domain::Level,
    waiting_since: DateTime<Utc>,
) -> DateTime<Utc> {
    let t = &settings.answer_target_seconds;
    let seconds = match level {
        crate::domain::Level::Critical => t.critical,
        crate::domain::Level::High => t.high,
        crate::domain::Level::Medium => t.medium,
        crate::domain::Level::Low => t.low,
    };
    waiting_since + chrono::Duration::seconds(seconds)
}

/// Primary language subtags (`my` of `my-MM`), the form the queue order compares.
pub fn primary_languages(tags: &[String]) -> Vec<String> {
    tags.iter()
        .filter_map(|t| t.split('-').next())
        .map(str::to_ascii_lowercase)
        .collect()
}

pub(crate) fn lease_duration(settings: &QueueSettings) -> chrono::Duration {
    chrono::Duration::seconds(settings.lease_seconds)
}

/// Who holds a case now: its holder while the lease lasts. An expired lease is no holder, so
/// every check of a claim (claiming, releasing, changing a case) goes through here.
pub fn live_holder(
    holder: Option<UserId>,
    lease_expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<UserId> {
    holder.filter(|_| lease_expires_at.is_some_and(|until| until > now))
}

/// A claimed case, for the caller to load and return.
#[derive(Debug, Clone, Copy)]
pub struct Claimed(pub CaseId);
