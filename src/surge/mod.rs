//! Surge mode (issue 18): when a raid on a scam compound or a television campaign brings more
//! people than the counselors can answer, the hotline keeps its promises small and true. In
//! surge the bot tells each person how long an answer may really take (from the queue's own
//! figures, rounded up), asks only the essentials (safe now? where? how to reach you safely?)
//! and skips the rest; the queue keeps its order, most urgent first.
//!
//! The state is the latest row of `surge_switches` (append-only, so the dashboard shows every
//! switch and who made it). A supervisor switches it by hand; `automatic` switches it on when
//! arrivals in the last hour, counted in PostgreSQL, reach `surge.auto_threshold_per_hour`, and
//! off again after a quiet period. Every switch is audited.

mod automatic;
mod estimate;
mod state;

pub use automatic::{Decision, check_automatic, decide, watch_arrivals};
pub use estimate::{WaitCache, WaitFigure, expected_wait, round_wait};
pub use state::{SurgeError, SurgeState, SurgeSwitch, current, recent_switches, switch_by_hand};
