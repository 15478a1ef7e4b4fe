//! The breakdowns a statistics export can count cases by, as data: a name, the SQL that gives
//! a case's value (one value per case) and the values to list even when zero. A breakdown whose data the case record does not hold yet is listed
//! with no SQL, so asking for it says so instead of inventing numbers.
//!
//! Integrator (referrals, issue 14, adds the case record's fields): give each of `sex`,
//! `age_band` (from the recorded age), `nationality`, `province_of_origin`,
//! `destination_country`, `form_of_exploitation` and `referral_outcome` its `sql` (a column or
//! expression over `cases c`; codes only, never free text) and its `values`.

/// One breakdown.
#[derive(Debug, Clone, Copy)]
pub struct Dimension {
    /// The name in `by=` and in the export's header.
    pub name: &'static str,
    /// SQL for the case's value (`c` is the case); `None`: not recorded yet.
    pub sql: Option<&'static str>,
    /// Values always listed (zeros shown), in this order; others found are added after them.
    pub values: &'static [&'static str],
}

/// Every breakdown, in the order exports list them.
pub static DIMENSIONS: &[Dimension] = &[
    Dimension {
        name: "channel",
        sql: Some("c.channel"),
        values: &["phone", "telegram", "line", "email"],
    },
    Dimension {
        name: "case_status",
        sql: Some("c.status"),
        values: &["new", "in_progress", "waiting", "referred", "closed"],
    },
    Dimension {
        name: "closing_reason",
        sql: Some("COALESCE(c.closing_reason, 'open')"),
        values: &[
            "open",
            "resolved",
            "referred_elsewhere",
            "no_further_contact",
            "not_trafficking",
            "duplicate",
            "test_or_prank",
            "reporter_withdrew",
        ],
    },
    Dimension {
        name: "urgency",
        sql: Some("c.urgency_level"),
        values: &["critical", "high", "medium", "low"],
    },
    Dimension {
        name: "caller",
        sql: Some("c.caller"),
        values: &[
            "victim",
            "relative",
            "friend",
            "coworker",
            "professional",
            "anonymous",
        ],
    },
    Dimension {
        name: "language",
        sql: Some("COALESCE(split_part(c.language, '-', 1), 'unknown')"),
        values: &[],
    },
    Dimension {
        name: "country",
        sql: Some("COALESCE(c.country, 'unknown')"),
        values: &[],
    },
    Dimension {
        // Until the case record holds an age: the quick answer "anyone under 18?".
        name: "age_band",
        sql: Some(
            "CASE c.answers->>'minor' WHEN 'yes' THEN 'under_18' WHEN 'no' THEN '18_plus' ELSE 'unknown' END",
        ),
        values: &["under_18", "18_plus", "unknown"],
    },
    Dimension {
        name: "sex",
        sql: None,
        values: &[],
    },
    Dimension {
        name: "nationality",
        sql: None,
        values: &[],
    },
    Dimension {
        name: "province_of_origin",
        sql: None,
        values: &[],
    },
    Dimension {
        name: "destination_country",
        sql: None,
        values: &[],
    },
    Dimension {
        name: "form_of_exploitation",
        sql: None,
        values: &[],
    },
    Dimension {
        name: "referral_outcome",
        sql: None,
        values: &[],
    },
];

pub fn find(name: &str) -> Option<&'static Dimension> {
    DIMENSIONS.iter().find(|d| d.name == name)
}

/// A value fit to publish: a short code. Anything else (free text mapped by mistake) is
/// published as "other", so an export can never carry what someone typed.
pub fn publishable(value: &str) -> &str {
    let ok = !value.is_empty()
        && value.len() <= 40
        && value
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-'));
    if ok { value } else { "other" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_codes_are_published() {
        assert_eq!(publishable("TH"), "TH");
        assert_eq!(publishable("in_progress"), "in_progress");
        assert_eq!(publishable("Somchai Secretname"), "other");
        assert_eq!(publishable("+66812345678"), "other");
        assert_eq!(publishable(""), "other");
    }

    #[test]
    fn names_are_unique() {
        for (i, d) in DIMENSIONS.iter().enumerate() {
            assert!(DIMENSIONS[i + 1..].iter().all(|e| e.name != d.name));
        }
    }
}
