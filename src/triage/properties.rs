//! Properties of the shipped rules over every labelled text in `tests/triage/` (the shared
//! dev set and our own examples per language): scoring does not depend on letter case or
//! Unicode normalisation form, adding a danger indicator never lowers the level, and our own
//! examples score well in every language.

use std::path::Path;

use chrono::{TimeZone, Utc};
use unicode_normalization::UnicodeNormalization;

use super::evaluate::{Scored, evaluate};
use super::{ReportForTriage, TriageRules, assess};
use crate::domain::{Answers, Level, MessageId};

struct Row {
    id: String,
    lang: String,
    text: String,
    level: Level,
    flags: Vec<String>,
}

fn rules() -> &'static TriageRules {
    static RULES: std::sync::LazyLock<TriageRules> = std::sync::LazyLock::new(|| {
        TriageRules::load(Path::new("config/triage/shared.yaml")).expect("shipped rules load")
    });
    &RULES
}

fn rows(file_filter: impl Fn(&str) -> bool) -> Vec<Row> {
    rows_in("tests/triage", file_filter)
}

fn rows_in(dir: &str, file_filter: impl Fn(&str) -> bool) -> Vec<Row> {
    let mut out = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("the labelled folder exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .filter(|p| file_filter(&p.file_name().unwrap_or_default().to_string_lossy()))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("readable examples");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            out.push(Row {
                id: v["id"].as_str().unwrap_or_default().to_owned(),
                lang: v["lang"].as_str().unwrap_or_default().to_owned(),
                text: v["text"].as_str().unwrap_or_default().to_owned(),
                level: Level::parse("level", v["level"].as_str().unwrap_or_default())
                    .expect("a level"),
                flags: v["flags"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|f| f.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
    }
    out
}

fn level_of(text: &str) -> (Level, Vec<String>) {
    let answers = Answers::default();
    let a = assess(
        &ReportForTriage {
            messages: vec![(MessageId(uuid::Uuid::nil()), text)],
            answers: &answers,
        },
        rules(),
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
    );
    (a.level, a.flags)
}

#[test]
fn the_level_never_depends_on_letter_case_or_normalisation_form() {
    for row in rows(|_| true) {
        let base = level_of(&row.text);
        let upper: String = row.text.chars().flat_map(char::to_uppercase).collect();
        let decomposed: String = row.text.nfd().collect();
        assert_eq!(level_of(&upper), base, "{} in capitals", row.id);
        assert_eq!(level_of(&decomposed), base, "{} decomposed (NFD)", row.id);
    }
}

#[test]
fn adding_a_danger_indicator_never_lowers_the_level() {
    let dangers = [
        "They locked us in the room.",
        "เขาขังพวกเราไว้ในห้อง",
        "Họ nhốt chúng tôi trong phòng.",
        "他们把我们关在房间里。",
    ];
    for row in rows(|_| true) {
        let (before, _) = level_of(&row.text);
        for danger in dangers {
            let (after, _) = level_of(&format!("{} {danger}", row.text));
            assert!(
                after >= before,
                "{}: adding {danger:?} lowered {before:?} to {after:?}",
                row.id
            );
        }
    }
}

#[test]
fn our_own_examples_score_well_in_every_language() {
    let own = rows(|name| name != "dev.jsonl");
    assert!(
        !own.is_empty(),
        "tests/triage/<lang>.jsonl hold our own examples"
    );
    let scored: Vec<(Level, Vec<String>)> = own.iter().map(|r| level_of(&r.text)).collect();
    let items: Vec<Scored<'_>> = own
        .iter()
        .zip(&scored)
        .map(|(r, (level, flags))| Scored {
            id: &r.id,
            language: &r.lang,
            expected_level: r.level,
            expected_flags: &r.flags,
            level: *level,
            flags,
            genre: None,
            situation: None,
            rules_alone_level: None,
        })
        .collect();
    let e = evaluate(&items);
    let report = e.render("shipped", false);
    assert_eq!(e.critical_scored_medium_or_low, 0, "{report}");
    assert!(e.critical_recall >= 0.95, "{report}");
    assert!(e.agreement >= 0.80, "{report}");
    for (lang, (agreement, n)) in &e.languages {
        assert!(
            *n < 8 || *agreement >= 0.70,
            "{lang}: {agreement:.2}\n{report}"
        );
    }
}

/// How the rules score labelled rows, as `hotline score --eval` would.
fn evaluation_of(rows: &[Row]) -> (crate::triage::evaluate::Evaluation, String) {
    let scored: Vec<(Level, Vec<String>)> = rows.iter().map(|r| level_of(&r.text)).collect();
    let items: Vec<Scored<'_>> = rows
        .iter()
        .zip(&scored)
        .map(|(r, (level, flags))| Scored {
            id: &r.id,
            language: &r.lang,
            expected_level: r.level,
            expected_flags: &r.flags,
            level: *level,
            flags,
            genre: None,
            situation: None,
            rules_alone_level: None,
        })
        .collect();
    let e = evaluate(&items);
    let report = e.render("shipped", false);
    (e, report)
}

/// The tuning part of the issue-16 corpus (read and tuned on; the sealed part is scored only by
/// `hotline score --eval` in scripts/test): a floor a little below what the rules score, so a
/// change that loses ground shows here first. The reports added in the third pass
/// (`*-pass*.jsonl`) have their own floor below.
#[test]
fn the_tuning_part_scores_no_worse_than_the_rules_did() {
    let tuning = rows_in("tests/triage/tuning", |name| !name.contains("-pass"));
    assert!(
        tuning.len() > 600,
        "tests/triage/tuning holds the tuning part"
    );
    let (e, report) = evaluation_of(&tuning);
    // Rules 2026-12-06.frame-2 scored 0.79, 0.87, 9 and 0.73 here; frame-3 0.81, 0.87, 9, 0.73;
    // frame-5 0.85, 0.92, 7, 0.83.
    assert!(e.agreement >= 0.83, "{report}");
    assert!(e.critical_recall >= 0.90, "{report}");
    assert!(e.critical_scored_medium_or_low <= 9, "{report}");
    assert!(e.flag_f1 >= 0.80, "{report}");
}

/// The reports written for the third pass (every genre and language, romanized and code-mixed
/// ones; `tests/triage/tuning/*-pass*.jsonl`): each batch was scored once before the rules were
/// changed for it, then tuned on like the rest (see docs/triage.md).
#[test]
fn the_third_pass_reports_score_no_worse_than_the_rules_did() {
    let added = rows_in("tests/triage/tuning", |name| {
        ["-pass3", "-pass4", "-pass5"]
            .iter()
            .any(|p| name.contains(p))
    });
    assert!(added.len() > 300, "the third pass's reports");
    let (e, report) = evaluation_of(&added);
    // Rules 2026-12-06.frame-3 score 0.86, 0.83, 7 and 0.78 here; frame-4 0.87, 0.84, 7, 0.79;
    // frame-5 0.93, 0.94, 1, 0.87.
    assert!(e.agreement >= 0.91, "{report}");
    assert!(e.critical_recall >= 0.91, "{report}");
    assert!(e.critical_scored_medium_or_low <= 3, "{report}");
    assert!(e.flag_f1 >= 0.85, "{report}");
}

/// The 505 blind reports of pass 6 (`tests/triage/tuning/*-pass6.jsonl`; four blind writers,
/// labels second-read), scored once blind before the rules changed for them (docs/triage.md),
/// then tuned on. The rules alone, without the safety net.
#[test]
fn the_sixth_pass_reports_score_no_worse_than_the_rules_did() {
    let added = rows_in("tests/triage/tuning", |name| name.contains("-pass6"));
    assert!(added.len() > 500, "the sixth pass's reports");
    let (e, report) = evaluation_of(&added);
    // Rules 2026-12-06.frame-4 score 0.78, 0.76, 22 and 0.77 here (rules alone); frame-5 0.89,
    // 0.92, 5, 0.88 (tuned on these reports' folds 0-3, see docs/triage.md).
    assert!(e.agreement >= 0.86, "{report}");
    assert!(e.critical_recall >= 0.90, "{report}");
    assert!(e.critical_scored_medium_or_low <= 7, "{report}");
    assert!(e.flag_f1 >= 0.86, "{report}");
}
