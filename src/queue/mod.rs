//! The one triage queue. A case is *open* while its status is `new` or `in_progress`, or
//! `waiting` with an unanswered inbound message. Open cases sort by effective level (the urgency
//! level, raised one step once the case has waited past its level's answer target), then by
//! waiting time, oldest first.
//!
//! Claims are leases stored on the case row: `holder_id` plus `lease_expires_at`. An expired
//! lease is the same as no holder, so expiry needs no background sweeper and cannot be missed;
//! claiming uses `FOR UPDATE SKIP LOCKED`, so any number of nodes can claim at once and no
//! case is ever held twice. An `in_progress` case nobody holds is open: a counselor who drops a
//! case mid-work must not leave it orphaned.

mod claim;
mod lease;
mod list;
mod waiting;

pub use claim::{claim_case, claim_next};
pub use lease::{release, renew};
pub use list::{QueueItem, depth_by_level, list_open};
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
            QueueError::Database(db) => db.into(),
        }
    }
}

/// SQL for "this case is open" (see the module docs).
pub(crate) const OPEN: &str =
    "(c.status IN ('new', 'in_progress') OR (c.status = 'waiting' AND c.awaiting_reply))";

/// SQL for "someone holds this case now", with `$now` bound as parameter 1.
pub(crate) const HELD: &str = "(c.holder_id IS NOT NULL AND c.lease_expires_at > $1)";

/// The effective level rank, as a literal so `QUEUE_ORDER` can be built from it at compile time.
macro_rules! effective_rank {
    () => {
        "LEAST(3, c.urgency_rank + CASE WHEN c.waiting_since <
    CASE c.urgency_rank WHEN 3 THEN $2 WHEN 2 THEN $3 WHEN 1 THEN $4 ELSE $5 END THEN 1 ELSE 0 END)"
    };
}

/// SQL for the effective level rank: the level, raised one step (at most to critical) once the
/// case has waited past its level's answer target. Parameters 2-5 are the moments before which
/// a critical, high, medium or low case counts as overdue (`now - target`), so each row costs a
/// comparison, not an interval computation.
pub(crate) const EFFECTIVE_RANK: &str = effective_rank!();

/// SQL for the queue's order: most urgent first (effective level), then longest waiting. The
/// queue list and the claim both use it, so what a counselor sees on top is what they get.
pub(crate) const QUEUE_ORDER: &str = concat!(effective_rank!(), " DESC, c.waiting_since ASC, c.id");

/// The overdue thresholds in the order `EFFECTIVE_RANK` binds them.
pub(crate) fn targets(settings: &QueueSettings, now: DateTime<Utc>) -> [DateTime<Utc>; 4] {
    let t = &settings.answer_target_seconds;
    [t.critical, t.high, t.medium, t.low].map(|s| now - chrono::Duration::seconds(s))
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
