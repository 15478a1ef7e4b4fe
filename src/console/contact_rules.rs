//! Why a counselor may not write now, as a catalogue key. The rule itself is decided once, in
//! `messaging::forbidden_reason`; this only names its answer for translation.

/// The keys for each of `forbidden_reason`'s answers, in its order.
pub static REASON_KEYS: &[&str] = &[
    "reply-forbidden-blocked",
    "reply-forbidden-unreachable",
    "reply-forbidden-stopped",
    "reply-forbidden-channel",
    "reply-forbidden-never-first",
];

/// The catalogue key for a reason `forbidden_reason` gave; `None` for a reason added there
/// later (the page then shows its English text, and the test below fails).
pub fn reason_key(reason: &str) -> Option<&'static str> {
    let key = if reason.starts_with("a supervisor blocked") {
        REASON_KEYS[0]
    } else if reason.starts_with("the person blocked the bot") {
        REASON_KEYS[1]
    } else if reason.starts_with("the person asked us to stop") {
        REASON_KEYS[2]
    } else if reason.starts_with("the person did not allow contact") {
        REASON_KEYS[3]
    } else if reason.starts_with("the person asked never to be contacted first") {
        REASON_KEYS[4]
    } else {
        return None;
    };
    Some(key)
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::reason_key;
    use crate::messaging::{ContactFacts, forbidden_reason};

    #[test]
    fn every_reason_a_reply_is_forbidden_has_a_translated_label() {
        let now = Utc.with_ymd_and_hms(2026, 12, 6, 5, 0, 0).unwrap();
        let telegram = ["telegram".to_owned()];
        let phone_only = ["phone".to_owned()];
        let base = ContactFacts {
            chat_channel: "telegram",
            blocked: false,
            unreachable: false,
            stopped: false,
            never_contact_first: false,
            allowed_channels: &telegram,
            last_inbound_at: None,
        };
        let cases = [
            ContactFacts {
                blocked: true,
                ..base
            },
            ContactFacts {
                unreachable: true,
                ..base
            },
            ContactFacts {
                stopped: true,
                ..base
            },
            ContactFacts {
                allowed_channels: &phone_only,
                ..base
            },
            ContactFacts {
                never_contact_first: true,
                ..base
            },
        ];
        for facts in cases {
            let reason = forbidden_reason(&facts, chrono::Duration::hours(24), now)
                .expect("a rule forbids this");
            assert!(reason_key(reason).is_some(), "no label for: {reason}");
        }
    }
}
