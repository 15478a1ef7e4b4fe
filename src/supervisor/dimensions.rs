//! The breakdowns a statistics export can count cases by, as data: a name, where a case's
//! value comes from, the values to list even when zero, and the HTCDS field name for exports
//! in the IOM Human Trafficking Case Data Standard's names (docs/referrals.md has the map).
//!
//! A value comes either from SQL over `cases c` (left-joined to its plain `case_records cr`
//! columns), counted in PostgreSQL, or from the case's **sealed** record and its referrals,
//! opened in memory for the count (`from_case`): sex, age band, nationality and places are
//! personal and stay encrypted at rest, so they are never grouped in SQL. A case may give
//! several values (forms of exploitation, the outcomes of several referrals); it then counts
//! once under each.

use crate::referrals::CaseRecord;

/// What the export knows of one case when a breakdown needs its record.
#[derive(Debug, Default)]
pub struct CaseFacts {
    pub record: Option<CaseRecord>,
    /// The quick answer "anyone under 18?" (`yes`, `no`), for cases without a record.
    pub minor_answer: Option<String>,
    /// One code per referral sent (see `REFERRAL_OUTCOMES_BY_CASE_SQL`).
    pub referral_outcomes: Vec<String>,
}

/// Each referral sent (not a draft, not cancelled) as one code, its outcome or where it stands,
/// for every case at once (`case_id`, `outcomes`): joined to a period's cases, not looked up
/// case by case.
pub const REFERRAL_OUTCOMES_BY_CASE_SQL: &str = "SELECT r.case_id, array_agg(CASE
        WHEN r.outcome IS NOT NULL THEN r.outcome
        WHEN r.status = 'rejected' THEN 'declined_by_partner'
        WHEN r.status = 'failed' THEN 'undeliverable'
        ELSE 'awaiting_outcome' END) AS outcomes
    FROM referrals r WHERE r.status NOT IN ('draft', 'cancelled') GROUP BY r.case_id";

/// One breakdown.
#[derive(Debug, Clone, Copy)]
pub struct Dimension {
    /// The name in `by=` and in the export's header.
    pub name: &'static str,
    /// SQL for the case's value (`c` is the case, `cr` its record's plain columns).
    pub sql: Option<&'static str>,
    /// The case's values from its opened record and referrals (when `sql` is `None`).
    pub from_case: Option<fn(&CaseFacts) -> Vec<String>>,
    /// Whether `from_case` needs the sealed record opened.
    pub needs_record: bool,
    /// Values always listed (zeros shown), in this order; others found are added after them.
    pub values: &'static [&'static str],
    /// The HTCDS field name (`x_hotline_…`: a hotline extension, HTCDS has none).
    pub htcds: &'static str,
    /// Hotline value → HTCDS value, where they differ.
    pub htcds_values: &'static [(&'static str, &'static str)],
}

const fn sql(
    name: &'static str,
    sql: &'static str,
    values: &'static [&'static str],
    htcds: &'static str,
) -> Dimension {
    Dimension {
        name,
        sql: Some(sql),
        from_case: None,
        needs_record: false,
        values,
        htcds,
        htcds_values: &[],
    }
}

const NOT_RECORDED: &str = "not_recorded";

fn one(v: impl Into<String>) -> Vec<String> {
    vec![v.into()]
}

fn sex(f: &CaseFacts) -> Vec<String> {
    one(f.record.as_ref().map_or(NOT_RECORDED, |r| r.sex.as_str()))
}

fn age_band(f: &CaseFacts) -> Vec<String> {
    one(match (&f.record, f.minor_answer.as_deref()) {
        (Some(r), _) => r.age_band.as_str(),
        (None, Some("yes")) => "under_18",
        (None, Some("no")) => "adult",
        (None, _) => "unknown",
    })
}

fn nationality(f: &CaseFacts) -> Vec<String> {
    one(match &f.record {
        Some(r) => r.nationality.clone().unwrap_or_else(|| "unknown".into()),
        None => NOT_RECORDED.into(),
    })
}

fn destination_country(f: &CaseFacts) -> Vec<String> {
    one(match &f.record {
        Some(r) => r
            .destination_country
            .clone()
            .unwrap_or_else(|| "none".into()),
        None => NOT_RECORDED.into(),
    })
}

/// A province of origin as a code: the country and the province's English name from the
/// closed list (`config/provinces.yaml`, matched in English or the country's language), as a
/// slug (`TH-songkhla`); a province not on the list is `TH-other`, so typed text never leaves.
pub fn province_code(country: Option<&str>, province: Option<&str>) -> String {
    let Some(country) = country else {
        return "unknown".into();
    };
    let Some(province) = province.map(str::trim).filter(|p| !p.is_empty()) else {
        return format!("{country}-unknown");
    };
    // The export codes one province per case, so the closed list is indexed once (country and
    // lowercased name, English or native, to the code) rather than scanned per case.
    static CODES: std::sync::LazyLock<std::collections::HashMap<(String, String), String>> =
        std::sync::LazyLock::new(|| {
            let mut codes = std::collections::HashMap::new();
            for (country, list) in crate::console::provinces::all() {
                for p in list {
                    let slug: String = p
                        .english
                        .to_lowercase()
                        .chars()
                        .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '-' })
                        .collect();
                    let code = format!("{country}-{slug}");
                    for name in [&p.english, &p.native] {
                        codes
                            .entry((country.clone(), name.to_lowercase()))
                            .or_insert_with(|| code.clone());
                    }
                }
            }
            codes
        });
    match CODES.get(&(country.to_owned(), province.to_lowercase())) {
        Some(code) => code.clone(),
        None => format!("{country}-other"),
    }
}

fn province_of_origin(f: &CaseFacts) -> Vec<String> {
    one(match &f.record {
        Some(r) => province_code(r.origin.country.as_deref(), r.origin.province.as_deref()),
        None => NOT_RECORDED.into(),
    })
}

fn form_of_exploitation(f: &CaseFacts) -> Vec<String> {
    match &f.record {
        Some(r) if !r.exploitation.is_empty() => r
            .exploitation
            .iter()
            .map(|e| e.as_str().to_owned())
            .collect(),
        Some(_) => one("none_recorded"),
        None => one(NOT_RECORDED),
    }
}

fn referral_outcome(f: &CaseFacts) -> Vec<String> {
    if f.referral_outcomes.is_empty() {
        one("not_referred")
    } else {
        let mut v = f.referral_outcomes.clone();
        v.sort();
        v.dedup();
        v
    }
}

/// Every breakdown, in the order exports list them.
pub static DIMENSIONS: &[Dimension] = &[
    sql(
        "channel",
        "c.channel",
        &["phone", "telegram", "line", "email"],
        "x_hotline_channel",
    ),
    sql(
        "case_status",
        "c.status",
        &["new", "in_progress", "waiting", "referred", "closed"],
        "x_hotline_case_status",
    ),
    sql(
        "trafficking_status",
        "COALESCE(cr.status, 'not_recorded')",
        &["potential", "presumed", "not_trafficking", "not_recorded"],
        "x_hotline_screening_status",
    ),
    sql(
        "official_outcome",
        "CASE WHEN cr.case_id IS NULL THEN 'not_recorded' ELSE COALESCE(cr.official_outcome, 'not_known') END",
        &[
            "identified",
            "not_identified",
            "pending",
            "not_known",
            "not_recorded",
        ],
        "x_hotline_official_outcome",
    ),
    sql(
        "closing_reason",
        "COALESCE(c.closing_reason, 'open')",
        &[
            "open",
            "resolved",
            "referred_elsewhere",
            "no_further_contact",
            "not_trafficking",
            "duplicate",
            "test_or_prank",
            "reporter_withdrew",
        ],
        "x_hotline_closing_reason",
    ),
    sql(
        "urgency",
        "c.urgency_level",
        &["critical", "high", "medium", "low"],
        "x_hotline_urgency",
    ),
    sql(
        "caller",
        "c.caller",
        &[
            "victim",
            "relative",
            "friend",
            "coworker",
            "professional",
            "anonymous",
        ],
        "x_hotline_caller",
    ),
    sql(
        "language",
        "COALESCE(split_part(c.language, '-', 1), 'unknown')",
        &[],
        "x_hotline_language",
    ),
    sql(
        "country",
        "COALESCE(c.country, 'unknown')",
        &[],
        "x_hotline_reported_from_country",
    ),
    Dimension {
        // The record's band; for a case without a record, the quick answer "anyone under 18?".
        name: "age_band",
        sql: None,
        from_case: Some(age_band),
        needs_record: true,
        values: &["under_18", "adult", "unknown"],
        htcds: "x_hotline_age_band",
        htcds_values: &[],
    },
    Dimension {
        name: "sex",
        sql: None,
        from_case: Some(sex),
        needs_record: true,
        values: &["female", "male", "other", "unknown", "not_recorded"],
        htcds: "prs_Gender",
        htcds_values: &[
            ("female", "Female"),
            ("male", "Male"),
            ("other", "Transgender/NonConforming"),
            ("unknown", "Unknown"),
        ],
    },
    Dimension {
        name: "nationality",
        sql: None,
        from_case: Some(nationality),
        needs_record: true,
        values: &[],
        htcds: "prs_Nationality",
        htcds_values: &[],
    },
    Dimension {
        name: "province_of_origin",
        sql: None,
        from_case: Some(province_of_origin),
        needs_record: true,
        values: &[],
        htcds: "hte_State (hte_Type=Recruitment)",
        htcds_values: &[],
    },
    Dimension {
        name: "destination_country",
        sql: None,
        from_case: Some(destination_country),
        needs_record: true,
        values: &[],
        htcds: "hte_Country (hte_Type=Exploitation)",
        htcds_values: &[],
    },
    Dimension {
        name: "form_of_exploitation",
        sql: None,
        from_case: Some(form_of_exploitation),
        needs_record: true,
        values: &[
            "forced_prostitution",
            "sexual_exploitation",
            "pornography",
            "forced_labour",
            "forced_labour_fishing",
            "domestic_servitude",
            "forced_begging",
            "forced_marriage",
            "commercial_surrogacy",
            "scam_compound",
            "organ_removal",
            "other",
        ],
        htcds: "vic_TypeOfSexExploitation / vic_TypeOfLabourExploitation",
        htcds_values: &[
            ("forced_prostitution", "Sex:Prostitution"),
            ("sexual_exploitation", "Sex:PrivateSexualServices"),
            ("pornography", "Sex:Pornography"),
            ("forced_labour", "Labour:Other"),
            ("forced_labour_fishing", "Labour:Aquafarming"),
            ("domestic_servitude", "Labour:DomesticWork"),
            ("forced_begging", "Labour:Begging"),
            ("forced_marriage", "x_hotline_forced_marriage"),
            ("commercial_surrogacy", "x_hotline_commercial_surrogacy"),
            ("scam_compound", "Labour:IllicitActivities"),
            ("organ_removal", "x_hotline_organ_removal"),
            ("other", "Other"),
        ],
    },
    Dimension {
        name: "referral_outcome",
        sql: None,
        from_case: Some(referral_outcome),
        needs_record: false,
        values: &[
            "not_referred",
            "awaiting_outcome",
            "declined_by_partner",
            "undeliverable",
            "person_reached",
            "rescued",
            "sheltered",
            "not_found",
            "declined_services",
            "not_a_trafficking_case",
            "other",
        ],
        htcds: "x_hotline_referral_outcome",
        htcds_values: &[],
    },
];

/// The name a breakdown carries in an export (`htcds`: the HTCDS field name).
pub fn name_in(d: &Dimension, htcds: bool) -> &'static str {
    if htcds { d.htcds } else { d.name }
}

/// A published value in HTCDS terms where it has its own (values are already codes).
pub fn value_in(d: &Dimension, value: &str, htcds: bool) -> String {
    if !htcds {
        return value.to_owned();
    }
    d.htcds_values
        .iter()
        .find(|(ours, _)| *ours == value)
        .map_or_else(|| value.to_owned(), |(_, theirs)| (*theirs).to_owned())
}

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
    fn a_province_is_published_only_as_a_code_from_the_closed_list() {
        assert_eq!(province_code(Some("TH"), Some("songkhla")), "TH-songkhla");
        assert_eq!(province_code(Some("TH"), Some("สงขลา")), "TH-songkhla");
        assert_eq!(
            province_code(Some("TH"), Some("Amnat Charoen")),
            "TH-amnat-charoen"
        );
        assert_eq!(
            province_code(Some("TH"), Some("behind the market")),
            "TH-other"
        );
        assert_eq!(province_code(None, Some("Songkhla")), "unknown");
        assert_eq!(
            publishable(&province_code(Some("TH"), Some("Amnat Charoen"))),
            "TH-amnat-charoen"
        );
    }

    #[test]
    fn names_are_unique() {
        for (i, d) in DIMENSIONS.iter().enumerate() {
            assert!(DIMENSIONS[i + 1..].iter().all(|e| e.name != d.name));
        }
    }
}
