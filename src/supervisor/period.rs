//! The period a report covers, parsed once at the edge: `from` and `to` as RFC 3339 timestamps
//! or as dates (`2026-11-01`, midnight in the hotline's time zone). `to` is exclusive, and a
//! date for `to` means the end of that day, so `from=2026-11-01&to=2026-11-30` is November.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::domain::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// Reports longer than this are refused (a typo in a year should not scan a century).
const LONGEST_DAYS: i64 = 3 * 366;

impl Period {
    /// The last `hours` hours up to `now`.
    pub fn last_hours(now: DateTime<Utc>, hours: i64) -> Period {
        Period {
            from: now - Duration::hours(hours),
            to: now,
        }
    }

    /// Parses `from` and `to`; a missing `to` is `now` (included), a missing `from` 24 hours
    /// before it.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<Period, FieldError> {
        let to = match to.map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => moment("to", raw, zone, true)?,
            // `to` is exclusive: one second on, so what happened at `now` itself is counted.
            None => now + Duration::seconds(1),
        };
        let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => moment("from", raw, zone, false)?,
            None => to - Duration::hours(24),
        };
        if from >= to {
            return Err(FieldError::new("to", "must be after from"));
        }
        if to - from > Duration::days(LONGEST_DAYS) {
            return Err(FieldError::new(
                "from",
                format!("the period may be at most {LONGEST_DAYS} days"),
            ));
        }
        Ok(Period { from, to })
    }
}

fn moment(field: &str, raw: &str, zone: Tz, end_of_day: bool) -> Result<DateTime<Utc>, FieldError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        FieldError::new(
            field,
            "must be an RFC 3339 timestamp or a date (YYYY-MM-DD)",
        )
    })?;
    let day = if end_of_day {
        date.succ_opt()
            .ok_or_else(|| FieldError::new(field, "is out of range"))?
    } else {
        date
    };
    let midnight = day
        .and_hms_opt(0, 0, 0)
        .ok_or_else(|| FieldError::new(field, "is out of range"))?;
    zone.from_local_datetime(&midnight)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| FieldError::new(field, "is not a time in the hotline's time zone"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn dates_are_whole_days_in_the_hotlines_time_zone() {
        let p = Period::parse(
            Some("2026-11-01"),
            Some("2026-11-30"),
            chrono_tz::Asia::Bangkok,
            now(),
        );
        let p = p.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.from.to_rfc3339(), "2026-10-31T17:00:00+00:00");
        assert_eq!(p.to.to_rfc3339(), "2026-11-30T17:00:00+00:00");
    }

    #[test]
    fn no_period_means_the_last_day() {
        let p = Period::parse(None, None, chrono_tz::UTC, now()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.to, now() + Duration::seconds(1));
        assert_eq!(p.to - p.from, Duration::hours(24));
    }

    #[test]
    fn a_backwards_or_garbled_period_names_the_field() {
        let e = Period::parse(
            Some("2026-11-02"),
            Some("2026-11-01"),
            chrono_tz::UTC,
            now(),
        );
        assert_eq!(e.map_err(|e| e.field), Err("to".to_owned()));
        let e = Period::parse(Some("yesterday"), None, chrono_tz::UTC, now());
        assert_eq!(e.map_err(|e| e.field), Err("from".to_owned()));
    }
}
