//! The one gate every contact the hotline makes passes, at the moment it is made: a pure
//! function of the person's rules, the channel, the purpose and the moment. Senders call it when
//! they send, not only when they queue, because rules change in between (a message queued at
//! noon and retried at night is checked at night).

use chrono::{DateTime, Duration, Utc};

use super::rules::SafeContactRules;
use crate::domain::Channel;

/// Why the hotline is about to contact the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A counselor's message on the person's chat or email thread.
    CounselorMessage,
    /// A bot message; an answer only while the person has just written.
    BotMessage,
    /// The automatic acknowledgement of a new email: the hotline writes first.
    EmailAcknowledgement,
    /// A scheduled callback.
    Callback,
    /// A follow-up months after the case was referred or closed.
    FollowUp,
    /// News of a referral, sent to the person.
    ReferralUpdate,
}

/// The moment of contact and what the person last did.
#[derive(Debug, Clone, Copy)]
pub struct Moment {
    pub at: DateTime<Utc>,
    /// When the person last wrote to the hotline, if ever.
    pub last_inbound_at: Option<DateTime<Utc>>,
}

/// How long after the person's last message an answer is still an answer.
#[derive(Debug, Clone, Copy)]
pub struct Windows {
    /// The person is writing now: answering them on their chat is safe whatever the hour.
    pub live: Duration,
    /// A counselor may still answer someone who asked never to be contacted first (within
    /// the safe windows).
    pub reply: Duration,
}

impl Windows {
    pub fn new(reply_window_hours: i64) -> Windows {
        Windows {
            live: Duration::minutes(LIVE_MINUTES),
            reply: Duration::hours(reply_window_hours),
        }
    }
}

/// The person wrote within this many minutes: they hold the phone now.
pub const LIVE_MINUTES: i64 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forbidden {
    ChannelNotAllowed,
    NeverContactFirst,
    NoUsablePhone,
    TimesUnclear,
    NoSafeWindow,
}

impl Forbidden {
    /// Words a counselor reads (never personal data).
    pub fn reason(self) -> &'static str {
        match self {
            Forbidden::ChannelNotAllowed => "the person did not allow contact on this channel",
            Forbidden::NeverContactFirst => {
                "the person asked never to be contacted first, and has not written recently; wait until they write"
            }
            Forbidden::NoUsablePhone => {
                "the person gave no phone number that may be called (none, or marked wrong)"
            }
            Forbidden::TimesUnclear => {
                "the person described safe times in their own words; a counselor must set the safe windows first"
            }
            Forbidden::NoSafeWindow => "the safe windows have no day on which contact is safe",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Forbidden::ChannelNotAllowed => "channel_not_allowed",
            Forbidden::NeverContactFirst => "never_contact_first",
            Forbidden::NoUsablePhone => "no_usable_phone",
            Forbidden::TimesUnclear => "times_unclear",
            Forbidden::NoSafeWindow => "no_safe_window",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    Forbidden(Forbidden),
    /// Not now: outside the safe windows; the next safe moment.
    NotBefore(DateTime<Utc>),
}

/// The gate. See the module docs.
pub fn decide(
    rules: &SafeContactRules,
    channel: Channel,
    purpose: Purpose,
    moment: Moment,
    windows: Windows,
) -> Decision {
    let since = moment
        .last_inbound_at
        .map(|t| moment.at - t)
        .filter(|d| *d >= Duration::zero());
    let live = since.is_some_and(|d| d <= windows.live);
    let recent = since.is_some_and(|d| d <= windows.reply);
    let calls = channel == Channel::Phone;
    // Ringing a phone first needs the phone allowed explicitly and a number that may be called;
    // writing may go where the person wrote unless they listed channels.
    if calls {
        if !rules.allows_channel(Channel::Phone) {
            return Decision::Forbidden(Forbidden::ChannelNotAllowed);
        }
        if rules.usable_phones().next().is_none() {
            return Decision::Forbidden(Forbidden::NoUsablePhone);
        }
    } else if !rules.allowed_channels.is_empty() && !rules.allows_channel(channel) {
        return Decision::Forbidden(Forbidden::ChannelNotAllowed);
    }
    let answering = match purpose {
        Purpose::CounselorMessage => recent,
        Purpose::BotMessage => live,
        _ => false,
    };
    // The person is writing on this chat right now: an answer there is what they asked for.
    if answering && live && !calls {
        return Decision::Allowed;
    }
    if rules.never_contact_first && !answering {
        return Decision::Forbidden(Forbidden::NeverContactFirst);
    }
    if rules.windows.is_empty() {
        return if rules.times_unclear {
            Decision::Forbidden(Forbidden::TimesUnclear)
        } else {
            Decision::Allowed
        };
    }
    if rules.in_window(moment.at) {
        return Decision::Allowed;
    }
    match rules.next_window_start(moment.at) {
        Some(next) => Decision::NotBefore(next),
        None => Decision::Forbidden(Forbidden::NoSafeWindow),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::safe_contact::rules::{ClockTime, Day, SafeWindow};
    use proptest::prelude::*;

    fn utc(raw: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(raw)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn telegram_rules() -> SafeContactRules {
        SafeContactRules {
            allowed_channels: vec![Channel::Telegram],
            ..SafeContactRules::answer_only(Some("TH"))
        }
    }

    const W: Windows = Windows {
        live: Duration::minutes(15),
        reply: Duration::hours(24),
    };

    #[test]
    fn never_contact_first_refuses_every_first_contact_and_allows_answers() {
        let mut rules = telegram_rules();
        rules.never_contact_first = true;
        rules.allowed_channels.push(Channel::Phone);
        rules.add_phone("+66812345678");
        let now = utc("2026-11-23T08:00:00Z");
        let quiet = Moment {
            at: now,
            last_inbound_at: Some(now - Duration::days(3)),
        };
        for (channel, purpose) in [
            (Channel::Telegram, Purpose::CounselorMessage),
            (Channel::Telegram, Purpose::BotMessage),
            (Channel::Email, Purpose::EmailAcknowledgement),
            (Channel::Phone, Purpose::Callback),
            (Channel::Phone, Purpose::FollowUp),
        ] {
            let mut r = rules.clone();
            r.allowed_channels.push(Channel::Email);
            assert_eq!(
                decide(&r, channel, purpose, quiet, W),
                Decision::Forbidden(Forbidden::NeverContactFirst),
                "{purpose:?}"
            );
        }
        let just_wrote = Moment {
            at: now,
            last_inbound_at: Some(now - Duration::minutes(2)),
        };
        assert_eq!(
            decide(
                &rules,
                Channel::Telegram,
                Purpose::CounselorMessage,
                just_wrote,
                W
            ),
            Decision::Allowed
        );
        // A phone call is never an "answer": it needs consent to call first.
        assert_eq!(
            decide(&rules, Channel::Phone, Purpose::Callback, just_wrote, W),
            Decision::Forbidden(Forbidden::NeverContactFirst)
        );
    }

    #[test]
    fn outside_the_window_the_gate_names_the_next_safe_moment() {
        let mut rules = telegram_rules();
        rules.allowed_channels.push(Channel::Phone);
        rules.add_phone("+66812345678");
        rules.windows = vec![SafeWindow::every_day(
            ClockTime::from_minutes(18 * 60),
            ClockTime::from_minutes(20 * 60),
        )];
        let at = utc("2026-11-23T08:00:00Z"); // 15:00 in Bangkok
        assert_eq!(
            decide(
                &rules,
                Channel::Phone,
                Purpose::Callback,
                Moment {
                    at,
                    last_inbound_at: None
                },
                W
            ),
            Decision::NotBefore(utc("2026-11-23T11:00:00Z"))
        );
    }

    #[test]
    fn a_wrong_number_cannot_be_called_and_a_phone_not_allowed_is_never_rung() {
        let mut rules = telegram_rules();
        rules.add_phone("+66812345678");
        let m = Moment {
            at: utc("2026-11-23T08:00:00Z"),
            last_inbound_at: None,
        };
        assert_eq!(
            decide(&rules, Channel::Phone, Purpose::Callback, m, W),
            Decision::Forbidden(Forbidden::ChannelNotAllowed)
        );
        rules.allowed_channels.push(Channel::Phone);
        rules.mark_wrong("+66812345678");
        assert_eq!(
            decide(&rules, Channel::Phone, Purpose::Callback, m, W),
            Decision::Forbidden(Forbidden::NoUsablePhone)
        );
    }

    fn any_channel() -> impl Strategy<Value = Channel> {
        prop::sample::select(Channel::ALL.to_vec())
    }

    fn any_purpose() -> impl Strategy<Value = Purpose> {
        prop::sample::select(vec![
            Purpose::CounselorMessage,
            Purpose::BotMessage,
            Purpose::EmailAcknowledgement,
            Purpose::Callback,
            Purpose::FollowUp,
            Purpose::ReferralUpdate,
        ])
    }

    fn any_window() -> impl Strategy<Value = SafeWindow> {
        (
            prop::collection::vec(prop::sample::select(Day::ALL.to_vec()), 0..4),
            0u16..1440,
            0u16..1440,
        )
            .prop_map(|(days, from, to)| SafeWindow {
                days,
                from: ClockTime::from_minutes(from),
                to: ClockTime::from_minutes(to),
            })
    }

    fn any_rules() -> impl Strategy<Value = SafeContactRules> {
        (
            prop::collection::vec(any_channel(), 0..4),
            prop::collection::vec((any::<bool>(),), 0..3),
            prop::collection::vec(any_window(), 0..3),
            prop::sample::select(vec![
                chrono_tz::Asia::Bangkok,
                chrono_tz::Asia::Yangon,
                chrono_tz::Asia::Shanghai,
                chrono_tz::Europe::London,
                chrono_tz::America::New_York,
                chrono_tz::Australia::Lord_Howe,
            ]),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(channels, phones, windows, tz, never_first, unclear)| {
                let mut r = SafeContactRules::answer_only(None);
                r.allowed_channels = channels;
                for (i, (wrong,)) in phones.into_iter().enumerate() {
                    let n = format!("+6681234567{i}");
                    r.add_phone(&n);
                    if wrong {
                        r.mark_wrong(&n);
                    }
                }
                r.windows = windows;
                r.time_zone = tz;
                r.never_contact_first = never_first;
                r.times_unclear = unclear && r.windows.is_empty();
                r
            })
    }

    fn any_moment() -> impl Strategy<Value = Moment> {
        // Four years from 2026, and a last message from never to a week before.
        (0i64..126_000_000, prop::option::of(0i64..604_800)).prop_map(|(s, ago)| {
            let at = utc("2026-01-01T00:00:00Z") + Duration::seconds(s);
            Moment {
                at,
                last_inbound_at: ago.map(|a| at - Duration::seconds(a)),
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Nothing the rules forbid is ever allowed: a first contact is never allowed to
        /// someone who asked never to be contacted first, a channel they did not allow is
        /// never used, a phone is never rung without a usable number, and outside the safe
        /// windows only an answer to someone writing right now goes out.
        #[test]
        fn the_gate_never_allows_what_the_rules_forbid(
            rules in any_rules(), channel in any_channel(), purpose in any_purpose(), moment in any_moment()
        ) {
            let decision = decide(&rules, channel, purpose, moment, W);
            if decision == Decision::Allowed {
                let live = moment.last_inbound_at.is_some_and(|t| moment.at - t <= W.live);
                let recent = moment.last_inbound_at.is_some_and(|t| moment.at - t <= W.reply);
                let first_contact = !matches!(
                    (purpose, live, recent),
                    (Purpose::BotMessage, true, _) | (Purpose::CounselorMessage, _, true)
                );
                if channel == Channel::Phone {
                    prop_assert!(rules.allows_channel(Channel::Phone));
                    prop_assert!(rules.usable_phones().next().is_some());
                } else {
                    prop_assert!(rules.allowed_channels.is_empty() || rules.allows_channel(channel));
                }
                if rules.never_contact_first {
                    prop_assert!(!first_contact);
                }
                let answering_live = !first_contact && live && channel != Channel::Phone;
                if !answering_live {
                    prop_assert!(rules.in_window(moment.at));
                    prop_assert!(!(rules.windows.is_empty() && rules.times_unclear));
                }
            }
        }

        /// "Not before" names a moment in the future at which the gate allows the contact.
        #[test]
        fn not_before_is_a_later_moment_the_gate_allows(
            rules in any_rules(), channel in any_channel(), purpose in any_purpose(), moment in any_moment()
        ) {
            if let Decision::NotBefore(next) = decide(&rules, channel, purpose, moment, W) {
                prop_assert!(next > moment.at);
                prop_assert!(rules.in_window(next));
                let later = Moment { at: next, last_inbound_at: None };
                let again = decide(&rules, channel, purpose, later, W);
                // Only the absence of a recent message can change the answer (never-first).
                prop_assert!(
                    again == Decision::Allowed
                        || again == Decision::Forbidden(Forbidden::NeverContactFirst)
                );
            }
        }

        /// The next safe moment is after now and within the next nine days.
        #[test]
        fn the_next_window_start_is_never_in_the_past(rules in any_rules(), moment in any_moment()) {
            if let Some(next) = rules.next_window_start(moment.at) {
                prop_assert!(next > moment.at);
                prop_assert!(next - moment.at <= Duration::days(9));
            }
        }
    }
}
