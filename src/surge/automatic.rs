//! The hotline switches itself into surge when arrivals reach `surge.auto_threshold_per_hour`
//! (new cases in the last hour, counted in PostgreSQL: Redis may forget, and a count that
//! vanished on a Redis restart would end a surge in the middle of one), and back off after a
//! quiet period. `decide` is the pure rule; `check_automatic` reads the figures and applies it;
//! `serve` runs `watch_arrivals`, which checks every `surge.check_seconds`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use super::state::{SurgeState, Switcher, current, locked, record_switch};
use crate::context::AppContext;
use crate::settings::SurgeSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Keep,
    StartSurge,
    EndSurge,
}

/// What the automatic rule does, given the state, the new cases of the last hour and those of
/// the last `quiet_minutes`.
///
/// It starts a surge when the last hour's arrivals reach the threshold; it ends only a surge it
/// started, once that surge has lasted `quiet_minutes` and the arrivals of the last
/// `quiet_minutes` ran below half the threshold's rate (the gap between the two rates keeps it
/// from switching back and forth at the edge). A supervisor's surge is theirs to end.
pub fn decide(
    state: &SurgeState,
    arrivals_last_hour: i64,
    arrivals_quiet_window: i64,
    settings: &SurgeSettings,
    now: DateTime<Utc>,
) -> Decision {
    let threshold = settings.auto_threshold_per_hour;
    if !state.on {
        return if threshold > 0 && arrivals_last_hour >= threshold {
            Decision::StartSurge
        } else {
            Decision::Keep
        };
    }
    if !state.automatic {
        return Decision::Keep;
    }
    let lasted = state
        .since
        .is_none_or(|since| now - since >= chrono::Duration::minutes(settings.quiet_minutes));
    // arrivals / quiet_minutes * 60 < threshold / 2, in integers.
    let quiet = arrivals_quiet_window * 120 < threshold * settings.quiet_minutes;
    if threshold == 0 || (lasted && quiet) {
        Decision::EndSurge
    } else {
        Decision::Keep
    }
}

/// Counts the arrivals and switches surge if the rule says so. Returns what it decided. Safe on
/// every node at once: the switch lock serialises them and each decides on the state the other
/// left.
pub async fn check_automatic(
    ctx: &AppContext,
    now: DateTime<Utc>,
) -> Result<Decision, sqlx::Error> {
    let settings = &ctx.settings.surge;
    let (last_hour, quiet_window): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE created_at > $1 - interval '1 hour'),
                count(*) FILTER (WHERE created_at > $1 - make_interval(mins => $2::int))
         FROM cases WHERE created_at > $1 - greatest(interval '1 hour', make_interval(mins => $2::int))
           AND created_at <= $1",
    )
    .bind(now)
    .bind(i32::try_from(settings.quiet_minutes).unwrap_or(i32::MAX))
    .fetch_one(&ctx.db)
    .await?;
    let mut tx = locked(&ctx.db).await?;
    let state = current(&mut *tx).await?;
    let decision = decide(&state, last_hour, quiet_window, settings, now);
    match decision {
        Decision::Keep => return Ok(decision),
        Decision::StartSurge => {
            record_switch(
                &mut tx,
                true,
                Switcher::Automatic,
                Some("arrivals_over_threshold"),
                Some(last_hour),
                now,
            )
            .await?
        }
        Decision::EndSurge => {
            record_switch(
                &mut tx,
                false,
                Switcher::Automatic,
                Some("quiet"),
                Some(last_hour),
                now,
            )
            .await?
        }
    }
    tx.commit().await?;
    // Every console and dashboard re-reads its figures.
    ctx.live.announce(&ctx.redis, None);
    Ok(decision)
}

/// `serve`'s background task: checks the arrivals every `surge.check_seconds` until stopped. A
/// failed check (the database away) is logged and tried again at the next tick.
pub async fn watch_arrivals(ctx: AppContext, stop: CancellationToken) {
    let every = Duration::from_secs(ctx.settings.surge.check_seconds);
    loop {
        if let Err(e) = check_automatic(&ctx, ctx.now()).await {
            tracing::warn!(error = %e, "surge check failed; trying again at the next tick");
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn settings() -> SurgeSettings {
        SurgeSettings {
            auto_threshold_per_hour: 60,
            quiet_minutes: 60,
            check_seconds: 60,
        }
    }

    fn on(automatic: bool, since: DateTime<Utc>) -> SurgeState {
        SurgeState {
            on: true,
            automatic,
            reason: None,
            since: Some(since),
            switched_by: None,
        }
    }

    #[test]
    fn arrivals_at_the_threshold_start_a_surge_and_fewer_do_not() {
        let now = Utc.with_ymd_and_hms(2026, 12, 8, 3, 0, 0).unwrap();
        let off = SurgeState::off();
        assert_eq!(decide(&off, 60, 60, &settings(), now), Decision::StartSurge);
        assert_eq!(decide(&off, 59, 59, &settings(), now), Decision::Keep);
        let never = SurgeSettings {
            auto_threshold_per_hour: 0,
            ..settings()
        };
        assert_eq!(decide(&off, 10_000, 10_000, &never, now), Decision::Keep);
    }

    #[test]
    fn an_automatic_surge_ends_only_after_a_quiet_period_and_a_supervisors_never_by_itself() {
        let start = Utc.with_ymd_and_hms(2026, 12, 8, 3, 0, 0).unwrap();
        let s = settings();
        // Quiet, but the surge began only 30 minutes ago.
        let early = start + chrono::Duration::minutes(30);
        assert_eq!(decide(&on(true, start), 5, 5, &s, early), Decision::Keep);
        let later = start + chrono::Duration::minutes(61);
        // Still busy (30 an hour is not below half of 60).
        assert_eq!(decide(&on(true, start), 30, 30, &s, later), Decision::Keep);
        assert_eq!(
            decide(&on(true, start), 29, 29, &s, later),
            Decision::EndSurge
        );
        assert_eq!(decide(&on(false, start), 0, 0, &s, later), Decision::Keep);
    }
}
