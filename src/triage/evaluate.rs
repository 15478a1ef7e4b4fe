//! Scoring a labelled set against the rules: the confusion matrix, per-level and per-flag
//! precision and recall, agreement per language and per genre, the share of parallel situations
//! scored alike in every language, and the misclassified ids. Pure; the `hotline score --eval`
//! command reads the file and prints this (for a sealed set, counts only: see `render`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::Level;

/// One labelled report and what the rules made of it.
pub struct Scored<'a> {
    pub id: &'a str,
    pub language: &'a str,
    pub expected_level: Level,
    pub expected_flags: &'a [String],
    pub level: Level,
    pub flags: &'a [String],
    /// The kind of text (chat, counselor note, news...), when the set records it.
    pub genre: Option<&'a str>,
    /// In a parallel set, the situation this report renders in one language.
    pub situation: Option<&'a str>,
    /// The level the rules gave before the safety net, when a net was loaded (to count what
    /// its lifts did).
    pub rules_alone_level: Option<Level>,
}

/// What the safety net's lifts did, per expected level (counts only, so a sealed set may
/// show it).
#[derive(Debug, Clone, Default, Serialize)]
pub struct NetLifts {
    /// Per expected level (critical, high, medium, low): reports the net lifted, and of those,
    /// lifted to the label, past it, and still below it.
    pub lifted: [usize; 4],
    pub to_label: [usize; 4],
    pub past_label: [usize; 4],
    pub still_below: [usize; 4],
    /// Lifts of a level the rules alone had right.
    pub from_right: usize,
    /// The rules alone: exact agreement, critical recall, critical scored medium or low.
    pub rules_alone_agreement: f64,
    pub rules_alone_critical_recall: f64,
    pub rules_alone_critical_below_high: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PrecisionRecall {
    pub precision: f64,
    pub recall: f64,
    pub support: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub id: String,
    pub expected: Level,
    pub scored: Level,
    pub missing_flags: Vec<String>,
    pub extra_flags: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub reports: usize,
    /// `confusion[expected][scored]`, levels in the order critical, high, medium, low.
    pub confusion: [[usize; 4]; 4],
    pub levels: BTreeMap<String, PrecisionRecall>,
    pub agreement: f64,
    pub critical_recall: f64,
    /// Critical reports scored medium or low (the target is none).
    pub critical_scored_medium_or_low: usize,
    pub flag_precision: f64,
    pub flag_recall: f64,
    pub flag_f1: f64,
    pub flags: BTreeMap<String, PrecisionRecall>,
    /// Exact agreement and the number of reports, per language.
    pub languages: BTreeMap<String, (f64, usize)>,
    /// Exact agreement and the number of reports, per genre (when the set records genres).
    pub genres: BTreeMap<String, (f64, usize)>,
    /// In a parallel set: the share of situations scored at the same level in every language,
    /// and the number of situations.
    pub parallel_consistency: Option<(f64, usize)>,
    /// Reports whose level or flags differ from the label.
    pub misclassified: Vec<Miss>,
    /// When a safety net was loaded: what its lifts did.
    pub net_lifts: Option<NetLifts>,
}

const ORDER: [Level; 4] = [Level::Critical, Level::High, Level::Medium, Level::Low];

fn index(level: Level) -> usize {
    ORDER.iter().position(|l| *l == level).unwrap_or(3)
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 { 1.0 } else { n as f64 / d as f64 }
}

/// Exact agreement, critical recall and critical reports scored medium or low, from a confusion
/// matrix (rows expected, columns scored, both in `ORDER`): the same figures for the levels
/// scored and for the rules alone.
fn headline(confusion: &[[usize; 4]; 4]) -> (f64, f64, usize) {
    let all: usize = confusion.iter().flatten().sum();
    let agree: usize = (0..4).map(|i| confusion[i][i]).sum();
    (
        ratio(agree, all),
        ratio(confusion[0][0], confusion[0].iter().sum()),
        confusion[0][2] + confusion[0][3],
    )
}

pub fn evaluate(items: &[Scored<'_>]) -> Evaluation {
    let mut confusion = [[0usize; 4]; 4];
    let mut languages: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut genres: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut situations: BTreeMap<&str, Vec<Level>> = BTreeMap::new();
    let mut flag_counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new(); // tp, fp, fn
    let mut misclassified = Vec::new();
    let mut lifts: Option<NetLifts> = None;
    let mut rules_alone_confusion = [[0usize; 4]; 4];
    for item in items {
        if let Some(before) = item.rules_alone_level {
            let l = lifts.get_or_insert_with(NetLifts::default);
            let e = index(item.expected_level);
            rules_alone_confusion[e][index(before)] += 1;
            if item.level > before {
                l.lifted[e] += 1;
                l.from_right += usize::from(before == item.expected_level);
                match item.level.cmp(&item.expected_level) {
                    std::cmp::Ordering::Equal => l.to_label[e] += 1,
                    std::cmp::Ordering::Greater => l.past_label[e] += 1,
                    std::cmp::Ordering::Less => l.still_below[e] += 1,
                }
            }
        }
        confusion[index(item.expected_level)][index(item.level)] += 1;
        let lang = languages.entry(item.language.to_owned()).or_default();
        lang.1 += 1;
        if item.level == item.expected_level {
            lang.0 += 1;
        }
        if let Some(genre) = item.genre {
            let g = genres.entry(genre.to_owned()).or_default();
            g.1 += 1;
            if item.level == item.expected_level {
                g.0 += 1;
            }
        }
        if let Some(situation) = item.situation {
            situations.entry(situation).or_default().push(item.level);
        }
        for f in item.flags {
            let c = flag_counts.entry(f.clone()).or_default();
            if item.expected_flags.contains(f) {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
        let missing: Vec<String> = item
            .expected_flags
            .iter()
            .filter(|f| !item.flags.contains(f))
            .cloned()
            .collect();
        for f in &missing {
            flag_counts.entry(f.clone()).or_default().2 += 1;
        }
        let extra: Vec<String> = item
            .flags
            .iter()
            .filter(|f| !item.expected_flags.contains(f))
            .cloned()
            .collect();
        if item.level != item.expected_level || !missing.is_empty() || !extra.is_empty() {
            misclassified.push(Miss {
                id: item.id.to_owned(),
                expected: item.expected_level,
                scored: item.level,
                missing_flags: missing,
                extra_flags: extra,
            });
        }
    }
    let mut levels = BTreeMap::new();
    for (i, level) in ORDER.iter().enumerate() {
        let tp = confusion[i][i];
        let predicted: usize = (0..4).map(|r| confusion[r][i]).sum();
        let actual: usize = confusion[i].iter().sum();
        levels.insert(
            level.as_str().to_owned(),
            PrecisionRecall {
                precision: ratio(tp, predicted),
                recall: ratio(tp, actual),
                support: actual,
            },
        );
    }
    let (agreement, critical_recall, critical_scored_medium_or_low) = headline(&confusion);
    let net_lifts = lifts.map(|l| {
        let (agreement, critical_recall, below_high) = headline(&rules_alone_confusion);
        NetLifts {
            rules_alone_agreement: agreement,
            rules_alone_critical_recall: critical_recall,
            rules_alone_critical_below_high: below_high,
            ..l
        }
    });
    let (tp, fp, fnn) = flag_counts
        .values()
        .fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
    let (flag_precision, flag_recall) = (ratio(tp, tp + fp), ratio(tp, tp + fnn));
    let consistent = situations
        .values()
        .filter(|levels| levels.iter().all(|l| *l == levels[0]))
        .count();
    let per = |m: BTreeMap<String, (usize, usize)>| {
        m.into_iter()
            .map(|(l, (a, n))| (l, (ratio(a, n), n)))
            .collect()
    };
    Evaluation {
        reports: items.len(),
        confusion,
        levels,
        agreement,
        critical_recall,
        critical_scored_medium_or_low,
        flag_precision,
        flag_recall,
        flag_f1: if flag_precision + flag_recall == 0.0 {
            0.0
        } else {
            2.0 * flag_precision * flag_recall / (flag_precision + flag_recall)
        },
        flags: flag_counts
            .into_iter()
            .map(|(f, (tp, fp, fnn))| {
                (
                    f,
                    PrecisionRecall {
                        precision: ratio(tp, tp + fp),
                        recall: ratio(tp, tp + fnn),
                        support: tp + fnn,
                    },
                )
            })
            .collect(),
        languages: per(languages),
        genres: per(genres),
        parallel_consistency: (!situations.is_empty())
            .then(|| (ratio(consistent, situations.len()), situations.len())),
        misclassified,
        net_lifts,
    }
}

impl Evaluation {
    /// The report for people. For a sealed set (`sealed`), counts only: no id or text of a
    /// report, so nobody tuning the rules learns which reports they miss.
    pub fn render(&self, rules_version: &str, sealed: bool) -> String {
        let mut out = format!(
            "rules {rules_version}: {} reports\n\nconfusion (rows: expected, columns: scored)\n{:>10} {:>8} {:>8} {:>8} {:>8}\n",
            self.reports, "", "critical", "high", "medium", "low"
        );
        for (i, level) in ORDER.iter().enumerate() {
            let row = self.confusion[i];
            out.push_str(&format!(
                "{:>10} {:>8} {:>8} {:>8} {:>8}\n",
                level.as_str(),
                row[0],
                row[1],
                row[2],
                row[3]
            ));
        }
        out.push_str("\nlevel       precision  recall  support\n");
        for level in ORDER {
            if let Some(pr) = self.levels.get(level.as_str()) {
                out.push_str(&format!(
                    "{:<10} {:>10.2} {:>7.2} {:>8}\n",
                    level.as_str(),
                    pr.precision,
                    pr.recall,
                    pr.support
                ));
            }
        }
        out.push_str(&format!(
            "\nexact agreement {:.2}; critical recall {:.2}; critical scored medium or low: {}\n",
            self.agreement, self.critical_recall, self.critical_scored_medium_or_low
        ));
        out.push_str(&format!(
            "flags (micro): precision {:.2}, recall {:.2}, F1 {:.2}\n\nflag                    precision  recall  support\n",
            self.flag_precision, self.flag_recall, self.flag_f1
        ));
        for (flag, pr) in &self.flags {
            out.push_str(&format!(
                "{:<22} {:>10.2} {:>7.2} {:>8}\n",
                flag, pr.precision, pr.recall, pr.support
            ));
        }
        out.push_str("\nlanguage  agreement  reports\n");
        for (lang, (a, n)) in &self.languages {
            out.push_str(&format!("{lang:<9} {a:>9.2} {n:>8}\n"));
        }
        if !self.genres.is_empty() {
            out.push_str("\ngenre                 agreement  reports\n");
            for (genre, (a, n)) in &self.genres {
                out.push_str(&format!("{genre:<21} {a:>9.2} {n:>8}\n"));
            }
        }
        if let Some((share, n)) = self.parallel_consistency {
            out.push_str(&format!(
                "\nparallel situations scored at the same level in every language: {share:.2} of {n}\n"
            ));
        }
        if let Some(l) = &self.net_lifts {
            out.push_str(&format!(
                "\nthe safety net's lifts (the rules alone: agreement {:.2}, critical recall {:.2}, critical scored medium or low: {})\n{:>10} {:>8} {:>8} {:>8} {:>12}\n",
                l.rules_alone_agreement,
                l.rules_alone_critical_recall,
                l.rules_alone_critical_below_high,
                "expected",
                "lifted",
                "to it",
                "past it",
                "still below"
            ));
            for (i, level) in ORDER.iter().enumerate() {
                out.push_str(&format!(
                    "{:>10} {:>8} {:>8} {:>8} {:>12}\n",
                    level.as_str(),
                    l.lifted[i],
                    l.to_label[i],
                    l.past_label[i],
                    l.still_below[i]
                ));
            }
            out.push_str(&format!(
                "lifts of a level the rules alone had right: {}\n",
                l.from_right
            ));
        }
        if sealed {
            out.push_str(&format!(
                "\nmisclassified (level or flags): {} of {} (sealed set: counts only)\n",
                self.misclassified.len(),
                self.reports
            ));
            return out;
        }
        out.push_str("\nmisclassified\n");
        for m in &self.misclassified {
            out.push_str(&format!(
                "{}: expected {}, scored {}{}{}\n",
                m.id,
                m.expected.as_str(),
                m.scored.as_str(),
                if m.missing_flags.is_empty() {
                    String::new()
                } else {
                    format!("; missing {}", m.missing_flags.join(","))
                },
                if m.extra_flags.is_empty() {
                    String::new()
                } else {
                    format!("; extra {}", m.extra_flags.join(","))
                },
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_recall_and_flag_counts_follow_the_labels() {
        let f = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let (a, b, none) = (f(&["minor"]), f(&["minor", "confinement"]), f(&[]));
        let items = [
            Scored {
                id: "1",
                language: "th",
                expected_level: Level::Critical,
                expected_flags: &b,
                level: Level::Critical,
                flags: &b,
                genre: None,
                situation: Some("s1"),
                rules_alone_level: None,
            },
            Scored {
                id: "2",
                language: "th",
                expected_level: Level::Critical,
                expected_flags: &b,
                level: Level::Medium,
                flags: &a,
                genre: None,
                situation: Some("s1"),
                rules_alone_level: None,
            },
            Scored {
                id: "3",
                language: "en",
                expected_level: Level::Low,
                expected_flags: &none,
                level: Level::Low,
                flags: &none,
                genre: None,
                situation: Some("s2"),
                rules_alone_level: None,
            },
        ];
        let e = evaluate(&items);
        assert_eq!(e.critical_recall, 0.5);
        assert_eq!(e.critical_scored_medium_or_low, 1);
        assert!((e.agreement - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(e.flag_precision, 1.0);
        assert_eq!(e.flag_recall, 0.75);
        assert_eq!(e.misclassified.len(), 1);
        assert_eq!(e.misclassified[0].missing_flags, ["confinement"]);
        assert!((e.flag_f1 - 2.0 * 0.75 / 1.75).abs() < 1e-9);
        assert_eq!(e.parallel_consistency, Some((0.5, 2)));
    }

    #[test]
    fn a_sealed_report_shows_counts_and_never_an_id() {
        let none: Vec<String> = vec![];
        let items = [Scored {
            id: "secret-id-7",
            language: "en",
            expected_level: Level::Critical,
            expected_flags: &none,
            level: Level::Low,
            flags: &none,
            genre: Some("chat"),
            situation: None,
            rules_alone_level: None,
        }];
        let e = evaluate(&items);
        let sealed = e.render("v", true);
        assert!(!sealed.contains("secret-id-7"));
        assert!(sealed.contains("misclassified (level or flags): 1 of 1"));
        assert!(e.render("v", false).contains("secret-id-7"));
        assert!(e.net_lifts.is_none(), "no net, no lift table");
    }

    #[test]
    fn the_net_lifts_are_counted_against_the_label_and_the_rules_alone() {
        let none: Vec<String> = vec![];
        let item = |expected, before, after| Scored {
            id: "x",
            language: "en",
            expected_level: expected,
            expected_flags: &none,
            level: after,
            flags: &none,
            genre: None,
            situation: None,
            rules_alone_level: Some(before),
        };
        let items = [
            // A critical report the rules left at medium, lifted to critical: a right lift.
            item(Level::Critical, Level::Medium, Level::Critical),
            // A medium report the rules had right, lifted to critical: past the label.
            item(Level::Medium, Level::Medium, Level::Critical),
            // A critical report lifted from low to medium: still below.
            item(Level::Critical, Level::Low, Level::Medium),
            // Not lifted.
            item(Level::High, Level::High, Level::High),
        ];
        let e = evaluate(&items);
        let l = e.net_lifts.as_ref().unwrap();
        assert_eq!(l.lifted, [2, 0, 1, 0]);
        assert_eq!(l.to_label, [1, 0, 0, 0]);
        assert_eq!(l.past_label, [0, 0, 1, 0]);
        assert_eq!(l.still_below, [1, 0, 0, 0]);
        assert_eq!(l.from_right, 1);
        assert_eq!(l.rules_alone_agreement, 0.5);
        assert_eq!(l.rules_alone_critical_recall, 0.0);
        assert_eq!(l.rules_alone_critical_below_high, 2);
        let text = e.render("v", true);
        assert!(
            text.contains("lifts of a level the rules alone had right: 1"),
            "{text}"
        );
        assert!(!text.contains(" x:"), "{text}");
    }
}
