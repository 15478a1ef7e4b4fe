//! Times as staff read them: one format everywhere (`2026-12-06 12:19`, 24-hour, Gregorian), in
//! the hotline's time zone whatever the browser's locale, and minutes waited or overdue.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// `2026-12-06 12:19` in the hotline's time zone.
pub fn local_time(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%Y-%m-%d %H:%M").to_string()
}

/// Whole minutes from `since` to `now` (never negative).
pub fn minutes_between(since: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - since).num_minutes().max(0)
}

/// How a case's wait reads in the queue: minutes waited, and minutes past its answer target
/// when it is overdue (critical cases too, which cannot be raised further).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub minutes: i64,
    pub overdue_minutes: Option<i64>,
}

pub fn waiting(since: DateTime<Utc>, due: DateTime<Utc>, now: DateTime<Utc>) -> Waiting {
    Waiting {
        minutes: minutes_between(since, now),
        overdue_minutes: (now > due).then(|| minutes_between(due, now).max(1)),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn times_show_in_the_hotline_zone_in_one_format() {
        let at = Utc.with_ymd_and_hms(2026, 12, 6, 5, 19, 40).unwrap();
        assert_eq!(local_time(at, chrono_tz::Asia::Bangkok), "2026-12-06 12:19");
    }

    #[test]
    fn a_case_past_its_target_shows_minutes_overdue() {
        let since = Utc.with_ymd_and_hms(2026, 12, 6, 5, 0, 0).unwrap();
        let due = since + chrono::Duration::minutes(2);
        let w = waiting(since, due, since + chrono::Duration::minutes(10));
        assert_eq!(w.minutes, 10);
        assert_eq!(w.overdue_minutes, Some(8));
        assert_eq!(waiting(since, due, since).overdue_minutes, None);
    }
}
