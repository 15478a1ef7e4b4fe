//! `assess`: report → level, flags and reasons.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::rules::{FLAGS, TriageRules};
use crate::domain::{Answers, Level, MessageId};

/// What triage reads: the case's inbound messages and any quick answers.
pub struct ReportForTriage<'a> {
    pub messages: Vec<(MessageId, &'a str)>,
    pub answers: &'a Answers,
}

/// A span of a message that supports a flag. Offsets count Unicode scalar values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub message_id: MessageId,
    pub start: usize,
    pub end: usize,
    pub quote: String,
}

/// Why a flag was set (or, with no flag, why the level is what it is).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub flag: Option<String>,
    pub text: String,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub level: Level,
    /// In rubric order.
    pub flags: Vec<String>,
    pub reasons: Vec<Reason>,
    pub rules_version: String,
}

/// Scores a report. Pure: the same report, rules and time always give the same assessment.
pub fn assess(
    report: &ReportForTriage<'_>,
    rules: &TriageRules,
    _now: DateTime<Utc>,
) -> Assessment {
    let mut found: Vec<(String, Reason)> = Vec::new();
    // Free text first, so a flag the reporter's words support carries that evidence.
    for (message_id, text) in &report.messages {
        let hits = rules.lexicon.find(text);
        if hits.is_empty() {
            continue;
        }
        let chars: Vec<char> = text.chars().collect();
        for hit in hits {
            let evidence = Evidence {
                message_id: *message_id,
                start: hit.start,
                end: hit.end,
                quote: chars[hit.start..hit.end].iter().collect(),
            };
            if let Some((_, reason)) = found.iter_mut().find(|(f, _)| *f == hit.flag) {
                reason.evidence.push(evidence);
                continue;
            }
            found.push((
                hit.flag.clone(),
                Reason {
                    flag: Some(hit.flag.clone()),
                    text: reason_text(rules, &hit.flag, &rules.texts.text_source),
                    evidence: vec![evidence],
                },
            ));
        }
    }
    for question in report.answers.yes() {
        let Some(flag) = rules.answers.get(question) else {
            continue;
        };
        if found.iter().any(|(f, _)| f == flag) {
            continue;
        }
        found.push((
            flag.clone(),
            Reason {
                flag: Some(flag.clone()),
                text: reason_text(rules, flag, &rules.texts.answer_source),
                evidence: Vec::new(),
            },
        ));
    }
    found.sort_by_key(|(f, _)| FLAGS.iter().position(|x| x == f));
    let flags: Vec<String> = found.iter().map(|(f, _)| f.clone()).collect();
    let has = |f: &String| flags.contains(f);
    let mut reasons: Vec<Reason> = found.into_iter().map(|(_, r)| r).collect();

    let minor = flags.iter().any(|f| f == "minor");
    let level = if rules.levels.critical.any.iter().any(has) {
        Level::Critical
    } else if minor && rules.levels.critical.with_minor.iter().any(has) {
        reasons.push(Reason {
            flag: None,
            text: rules.texts.critical_with_minor.clone(),
            evidence: Vec::new(),
        });
        Level::Critical
    } else if rules.levels.high.any.iter().any(has) {
        Level::High
    } else if flags.is_empty() {
        reasons.push(Reason {
            flag: None,
            text: rules.texts.no_flags.clone(),
            evidence: Vec::new(),
        });
        rules.levels.no_flags
    } else {
        rules.levels.otherwise
    };
    Assessment {
        level,
        flags,
        reasons,
        rules_version: rules.version.clone(),
    }
}

fn reason_text(rules: &TriageRules, flag: &str, source: &str) -> String {
    rules
        .reasons
        .get(flag)
        .map(String::as_str)
        .unwrap_or("{source}")
        .replace("{source}", source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use std::path::Path;

    fn rules() -> &'static TriageRules {
        static RULES: std::sync::LazyLock<TriageRules> = std::sync::LazyLock::new(|| {
            TriageRules::load(Path::new("config/triage.yaml")).unwrap()
        });
        &RULES
    }

    fn assess_answers(pairs: &[(&str, &str)]) -> Assessment {
        let answers = Answers::parse(pairs.iter().copied()).unwrap();
        let report = ReportForTriage {
            messages: vec![],
            answers: &answers,
        };
        assess(
            &report,
            rules(),
            Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap(),
        )
    }

    #[test]
    fn no_yes_answer_is_medium_and_the_reason_says_a_person_should_look() {
        let a = assess_answers(&[("minor", "no"), ("confinement", "unknown")]);
        assert_eq!(a.level, Level::Medium);
        assert!(a.flags.is_empty());
        assert_eq!(a.reasons.len(), 1);
        assert!(a.reasons[0].text.contains("counselor should review"));
    }

    #[test]
    fn being_locked_in_is_critical_with_a_reason_for_the_flag() {
        let a = assess_answers(&[("confinement", "yes")]);
        assert_eq!(a.level, Level::Critical);
        assert_eq!(a.flags, vec!["confinement"]);
        assert_eq!(a.reasons[0].flag.as_deref(), Some("confinement"));
    }

    #[test]
    fn seized_documents_alone_are_high() {
        assert_eq!(
            assess_answers(&[("documents_seized", "yes")]).level,
            Level::High
        );
    }

    #[test]
    fn a_minor_with_debt_bondage_is_critical() {
        let a = assess_answers(&[("debt_bondage", "yes"), ("minor", "yes")]);
        assert_eq!(a.level, Level::Critical);
        assert_eq!(a.flags, vec!["minor", "debt_bondage"]);
    }

    #[test]
    fn a_minor_alone_is_high() {
        assert_eq!(assess_answers(&[("minor", "yes")]).level, Level::High);
    }

    #[test]
    fn adding_a_yes_answer_never_lowers_the_level() {
        let keys = crate::domain::report::ANSWER_KEYS;
        for mask in 0u32..(1 << keys.len()) {
            let base: Vec<(&str, &str)> = keys
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, k)| (*k, "yes"))
                .collect();
            let before = assess_answers(&base).level;
            for extra in keys {
                let mut more = base.clone();
                if !more.iter().any(|(k, _)| k == extra) {
                    more.push((extra, "yes"));
                }
                assert!(
                    assess_answers(&more).level >= before,
                    "adding {extra} to {base:?} lowered the level"
                );
            }
        }
    }
}
