//! What an attempt's outcome does to a callback: pure, with time as a parameter. Failed
//! attempts back off (the wait doubles) and then move into the person's next safe window; after
//! `max_attempts` a critical or high case goes to supervisors, any other is closed as
//! unreachable.

use chrono::{DateTime, Duration, Utc};

use crate::domain::report::string_enum;
use crate::domain::{Channel, Level};
use crate::safe_contact::{Decision, Moment, Purpose, SafeContactRules, Windows, decide};

string_enum!(
    /// What happened when the counselor tried.
    Outcome {
        Reached = "reached",
        NoAnswer = "no_answer",
        Busy = "busy",
        Voicemail = "voicemail",
        Unsafe = "unsafe",
        WrongNumber = "wrong_number"
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Done,
    Reschedule(DateTime<Utc>),
    Escalate,
    /// Closed, with the reason (`unreachable`, `wrong_number`, `safe_contact_forbids`).
    Close(&'static str),
}

pub struct Attempted<'a> {
    pub outcome: Outcome,
    /// Attempts made so far, this one included.
    pub attempts: i64,
    pub max_attempts: i64,
    pub level: Level,
    pub rules: &'a SafeContactRules,
    pub channel: Channel,
    pub retry_after: Duration,
    pub now: DateTime<Utc>,
}

pub fn after_attempt(a: &Attempted<'_>) -> Next {
    match a.outcome {
        Outcome::Reached => Next::Done,
        Outcome::WrongNumber => Next::Close("wrong_number"),
        Outcome::NoAnswer | Outcome::Busy | Outcome::Voicemail | Outcome::Unsafe => {
            if a.attempts >= a.max_attempts {
                return if a.level >= Level::High {
                    Next::Escalate
                } else {
                    Next::Close("unreachable")
                };
            }
            let doublings = u32::try_from(a.attempts.clamp(1, 10) - 1).unwrap_or(0);
            let wait = a.retry_after * 2i32.pow(doublings);
            let at = a.now + wait;
            let moment = Moment {
                at,
                last_inbound_at: None,
            };
            match decide(
                a.rules,
                a.channel,
                Purpose::Callback,
                moment,
                Windows::new(24),
            ) {
                Decision::Allowed => Next::Reschedule(at),
                Decision::NotBefore(next) => Next::Reschedule(next),
                Decision::Forbidden(_) => Next::Close("safe_contact_forbids"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::safe_contact::{ClockTime, Day, SafeWindow};
    use proptest::prelude::*;

    fn phone_rules() -> SafeContactRules {
        let mut r = SafeContactRules::answer_only(Some("TH"));
        r.allowed_channels = vec![Channel::Phone];
        r.add_phone("+66812345678");
        r
    }

    fn attempt(outcome: Outcome, attempts: i64, level: Level, rules: &SafeContactRules) -> Next {
        after_attempt(&Attempted {
            outcome,
            attempts,
            max_attempts: 3,
            level,
            rules,
            channel: Channel::Phone,
            retry_after: Duration::minutes(30),
            now: DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default(),
        })
    }

    #[test]
    fn the_third_failed_attempt_escalates_a_critical_case_and_closes_a_low_one() {
        let r = phone_rules();
        assert!(matches!(
            attempt(Outcome::NoAnswer, 1, Level::Critical, &r),
            Next::Reschedule(_)
        ));
        assert_eq!(
            attempt(Outcome::NoAnswer, 3, Level::Critical, &r),
            Next::Escalate
        );
        assert_eq!(attempt(Outcome::Busy, 3, Level::High, &r), Next::Escalate);
        assert_eq!(
            attempt(Outcome::NoAnswer, 3, Level::Low, &r),
            Next::Close("unreachable")
        );
        assert_eq!(attempt(Outcome::Reached, 1, Level::Low, &r), Next::Done);
        assert_eq!(
            attempt(Outcome::WrongNumber, 1, Level::Low, &r),
            Next::Close("wrong_number")
        );
    }

    #[test]
    fn the_wait_doubles_with_each_attempt() {
        let r = phone_rules();
        let now = DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
        assert_eq!(
            attempt(Outcome::NoAnswer, 1, Level::Low, &r),
            Next::Reschedule(now + Duration::minutes(30))
        );
        assert_eq!(
            attempt(Outcome::NoAnswer, 2, Level::Low, &r),
            Next::Reschedule(now + Duration::minutes(60))
        );
    }

    proptest! {
        /// A reschedule always lands later, inside one of the person's safe windows.
        #[test]
        fn reschedules_land_inside_the_next_safe_window(
            from in 0u16..1440, to in 0u16..1440, days in prop::collection::vec(prop::sample::select(Day::ALL.to_vec()), 1..7),
            at in 0i64..126_000_000, attempts in 1i64..3,
        ) {
            let mut r = phone_rules();
            r.windows = vec![SafeWindow { days, from: ClockTime::from_minutes(from), to: ClockTime::from_minutes(to) }];
            let now = DateTime::from_timestamp(1_767_225_600 + at, 0).unwrap_or_default();
            let next = after_attempt(&Attempted {
                outcome: Outcome::NoAnswer, attempts, max_attempts: 3, level: Level::Medium,
                rules: &r, channel: Channel::Phone, retry_after: Duration::minutes(30), now,
            });
            match next {
                Next::Reschedule(t) => {
                    prop_assert!(t > now);
                    prop_assert!(r.in_window(t));
                }
                other => prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }
}
