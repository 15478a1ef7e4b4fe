//! `hotline triage train | cv`: the learned safety net from the command line.
//!
//! - `hotline triage train --out config/triage/safety_net.json [--critical C --high H --medium M]`
//!   trains the net's three heads on the tuning part (`tests/triage/tuning/*.jsonl`) and the
//!   languages' own examples (`tests/triage/*.jsonl`), never the sealed part, and writes the
//!   file the service loads. Deterministic: the same corpus and seed give the same file.
//! - `hotline triage cv [--folds 5]` cross-validates on the same reports: each report is scored
//!   by heads that never saw it; for each head's thresholds alone, and for the best
//!   combinations, the critical recall gained over the rules alone, the agreement and the lifts
//!   that overshoot the label.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

use crate::domain::Level;
use crate::triage::safety_net::{Example, HEAD_LEVELS, SafetyNet, Training};
use crate::triage::{ReportForTriage, TriageRules, assess};

#[derive(Debug, clap::Subcommand)]
pub enum TriageAction {
    /// Train the safety net on the tuning corpus and write its weights.
    Train {
        /// Where to write the model (the service reads triage.safety_net.path).
        #[arg(long)]
        out: PathBuf,
        /// Critical head's threshold (choose the three with `hotline triage cv`).
        #[arg(long, default_value_t = Training::default().thresholds[0])]
        critical: f32,
        /// "High or above" head's threshold (above 1: it never lifts).
        #[arg(long, default_value_t = Training::default().thresholds[1])]
        high: f32,
        /// "Medium or above" head's threshold (above 1: it never lifts).
        #[arg(long, default_value_t = Training::default().thresholds[2])]
        medium: f32,
        /// The labelled training files' folders (every `*.jsonl` directly in each): the tuning
        /// part of the corpus and the languages' own examples.
        #[arg(long, default_values = CORPUS)]
        corpus: Vec<PathBuf>,
        #[arg(long, default_value_t = Training::default().seed)]
        seed: u64,
        #[command(flatten)]
        settings: TrainingSettings,
    },
    /// Cross-validate the safety net on the tuning corpus (k folds), threshold by threshold.
    Cv {
        #[arg(long, default_value_t = 5)]
        folds: usize,
        #[command(flatten)]
        settings: TrainingSettings,
        #[arg(long, default_values = CORPUS)]
        corpus: Vec<PathBuf>,
        /// Also write every threshold combination's figures to this TSV file (to compare
        /// runs, e.g. under other rules).
        #[arg(long)]
        table: Option<PathBuf>,
        /// Also write each report's held-out head scores to this TSV file (id, label, the
        /// rules' level, the three heads' scores), to study lifts by kind of report.
        #[arg(long)]
        predictions: Option<PathBuf>,
    },
}

/// How the heads are trained, to compare variants (the shipped net uses the defaults).
#[derive(Debug, clap::Args)]
pub struct TrainingSettings {
    /// Training epochs.
    #[arg(long, default_value_t = Training::default().epochs)]
    epochs: usize,
    #[arg(long, default_value_t = Training::default().learning_rate)]
    learning_rate: f32,
    #[arg(long, default_value_t = Training::default().l2)]
    l2: f32,
}

impl TrainingSettings {
    /// These settings over the shipped training's other fields.
    fn training(&self) -> Training {
        Training {
            epochs: self.epochs,
            learning_rate: self.learning_rate,
            l2: self.l2,
            ..Training::default()
        }
    }
}

/// Where the net learns from: the tuning part of the issue-16 corpus and the languages' own
/// labelled examples (`tests/triage/<lang>.jsonl`, `dev.jsonl`). Never the sealed part.
const CORPUS: [&str; 2] = ["tests/triage/tuning", "tests/triage"];

#[derive(Deserialize)]
struct Row {
    id: String,
    text: String,
    level: String,
}

/// The labelled reports of every `*.jsonl` directly in the folders, ordered by id (so folds and
/// training do not depend on the order the files are listed in).
fn corpus(dirs: &[PathBuf]) -> anyhow::Result<Vec<(Row, Level)>> {
    let mut rows = Vec::new();
    for dir in dirs {
        rows.extend(corpus_in(dir)?);
    }
    rows.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    Ok(rows)
}

fn corpus_in(dir: &Path) -> anyhow::Result<Vec<(Row, Level)>> {
    let mut rows = Vec::new();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_none_or(|x| x != "jsonl") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let row: Row = serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not a labelled line", path.display(), n + 1))?;
            let level = Level::parse("level", &row.level)
                .map_err(|e| anyhow::anyhow!("{}:{}: {}", path.display(), n + 1, e.message))?;
            rows.push((row, level));
        }
    }
    Ok(rows)
}

/// The training settings that differ from the shipped defaults, as arguments (so a variant's
/// file says how it was made, and the shipped file's description does not change).
fn variant_arguments(training: &Training) -> String {
    let shipped = Training::default();
    let mut args = String::new();
    if training.epochs != shipped.epochs {
        args += &format!(" --epochs {}", training.epochs);
    }
    if training.learning_rate != shipped.learning_rate {
        args += &format!(" --learning-rate {}", training.learning_rate);
    }
    if training.l2 != shipped.l2 {
        args += &format!(" --l2 {}", training.l2);
    }
    args
}

fn examples<'a>(rows: &[&'a (Row, Level)]) -> Vec<Example<'a>> {
    rows.iter()
        .map(|(row, level)| Example {
            id: &row.id,
            text: &row.text,
            level: *level,
        })
        .collect()
}

pub fn run(action: &TriageAction, rules_path: &Path) -> anyhow::Result<()> {
    match action {
        TriageAction::Train {
            out,
            critical,
            high,
            medium,
            corpus: dir,
            seed,
            settings,
        } => {
            let thresholds = [*critical, *high, *medium];
            let rows = corpus(dir)?;
            let refs: Vec<&(Row, Level)> = rows.iter().collect();
            let training = Training {
                seed: *seed,
                thresholds,
                ..settings.training()
            };
            let net = SafetyNet::train(
                &examples(&refs),
                training,
                &format!(
                    "{} ({} reports); hotline triage train --out FILE --critical {critical} --high {high} --medium {medium} --seed {seed}{}",
                    dir.iter()
                        .map(|d| d.display().to_string())
                        .collect::<Vec<_>>()
                        .join(" + "),
                    rows.len(),
                    variant_arguments(&training),
                ),
            );
            std::fs::write(out, net.to_json() + "\n")
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!(
                "wrote {} ({}; {} reports, {} landmarks, thresholds {thresholds:?})",
                out.display(),
                net.version,
                rows.len(),
                net.landmarks.len()
            );
            Ok(())
        }
        TriageAction::Cv {
            folds,
            corpus: dir,
            settings,
            table,
            predictions,
        } => cross_validate(
            &corpus(dir)?,
            &TriageRules::load(rules_path).map_err(|e| anyhow::anyhow!("{e}"))?,
            (*folds).max(2),
            settings.training(),
            table.as_deref(),
            predictions.as_deref(),
        ),
    }
}

/// What lifting at some thresholds does on held-out reports.
#[derive(Default)]
struct Tally {
    critical_found: usize,
    critical_below_high: usize,
    agree: usize,
    lifts: usize,
    /// Lifts that reach the label (a wrong level made right).
    good_lifts: usize,
    /// Lifts above the label (a right or already-too-high level made too high).
    false_lifts: usize,
}

/// The levels after lifting: a report reads as the highest level whose head scores at or above
/// its threshold, and goes one step up when that is above the rules' level.
fn tally(
    rows: &[(Row, Level)],
    rule_levels: &[Level],
    scores: &[[f32; 3]],
    thresholds: [f32; 3],
) -> Tally {
    let mut t = Tally::default();
    for (i, (_, expected)) in rows.iter().enumerate() {
        let rule = rule_levels[i];
        let reads_as = HEAD_LEVELS
            .iter()
            .zip(scores[i].iter().zip(thresholds))
            .find(|(_, (s, th))| **s >= *th)
            .map(|(l, _)| *l);
        let level = match reads_as {
            Some(l) if l > rule => {
                t.lifts += 1;
                if rule.raised() == *expected {
                    t.good_lifts += 1;
                } else if rule.raised() > *expected {
                    t.false_lifts += 1;
                }
                rule.raised()
            }
            _ => rule,
        };
        if level == *expected {
            t.agree += 1;
        }
        if *expected == Level::Critical {
            if level == Level::Critical {
                t.critical_found += 1;
            } else if level < Level::High {
                t.critical_below_high += 1;
            }
        }
    }
    t
}

fn cross_validate(
    rows: &[(Row, Level)],
    rules: &TriageRules,
    folds: usize,
    training: Training,
    table: Option<&Path>,
    predictions: Option<&Path>,
) -> anyhow::Result<()> {
    let rule_levels: Vec<Level> = rows
        .iter()
        .map(|(row, _)| {
            let answers = crate::domain::Answers::default();
            let id = crate::domain::MessageId(uuid::Uuid::nil());
            assess(
                &ReportForTriage {
                    messages: vec![(id, &row.text)],
                    answers: &answers,
                },
                rules,
                chrono::DateTime::UNIX_EPOCH,
            )
            .level
        })
        .collect();
    // Each report's scores from heads that never saw it (fold = position modulo k, the rows
    // sorted by id, which interleaves languages and levels).
    let mut scores = vec![[0f32; 3]; rows.len()];
    for fold in 0..folds {
        let train: Vec<&(Row, Level)> = rows
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != fold)
            .map(|(_, r)| r)
            .collect();
        // Every head, so each can be judged (thresholds are applied below).
        let every_head = Training {
            thresholds: [0.5; 3],
            ..training
        };
        let net = SafetyNet::train(&examples(&train), every_head, "cv");
        for (i, (row, _)) in rows.iter().enumerate() {
            if i % folds == fold {
                let s = net.scores(&row.text);
                scores[i] = [s[0], s[1], s[2]];
            }
        }
    }
    if let Some(path) = predictions {
        let mut tsv = String::from("id\tlabel\trules\tcritical\thigh\tmedium\n");
        for (i, (row, label)) in rows.iter().enumerate() {
            let [c, h, m] = scores[i];
            tsv += &format!(
                "{}\t{}\t{}\t{c:.4}\t{h:.4}\t{m:.4}\n",
                row.id,
                label.as_str(),
                rule_levels[i].as_str()
            );
        }
        std::fs::write(path, tsv).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let critical = rows.iter().filter(|(_, l)| *l == Level::Critical).count();
    let n = rows.len().max(1) as f64;
    let line = |label: String, t: &Tally| {
        println!(
            "{label:>20}  {:>11.3}  {:>9}  {:>9.3}  {:>5}  {:>4}  {:>5}",
            t.critical_found as f64 / critical.max(1) as f64,
            t.critical_below_high,
            t.agree as f64 / n,
            t.lifts,
            t.good_lifts,
            t.false_lifts
        );
    };
    println!(
        "{folds}-fold cross-validation on {} tuning reports ({critical} critical)",
        rows.len()
    );
    let header = "   thresholds (c/h/m)  crit.recall  crit<high  agreement  lifts  good  false(over the label)";
    println!("{header}");
    let never = 9.0;
    line(
        "rules".to_owned(),
        &tally(rows, &rule_levels, &scores, [never; 3]),
    );
    let grid: Vec<f32> = (5..=45).map(|t| t as f32 * 0.02).collect();
    for (head, name) in ["critical", "high", "medium"].iter().enumerate() {
        println!("{name} head alone:");
        for th in &grid {
            let mut thresholds = [never; 3];
            thresholds[head] = *th;
            line(
                format!("{name} {th:.2}"),
                &tally(rows, &rule_levels, &scores, thresholds),
            );
        }
    }
    // Every combination on a coarser grid; the best by agreement at each critical recall, and
    // those that keep the rules' agreement ranked by critical reports left below high.
    let coarse: Vec<f32> = (5..=23).map(|t| t as f32 * 0.04).chain([never]).collect();
    let base = tally(rows, &rule_levels, &scores, [never; 3]).agree;
    let mut all: Vec<([f32; 3], Tally)> = Vec::new();
    for c in &coarse {
        for h in &coarse {
            for m in &coarse {
                let th = [*c, *h, *m];
                all.push((th, tally(rows, &rule_levels, &scores, th)));
            }
        }
    }
    if let Some(path) = table {
        let mut tsv = String::from(
            "critical\thigh\tmedium\tcritical_recall\tcritical_below_high\tagreement\tlifts\tgood\tfalse\n",
        );
        for (th, t) in &all {
            tsv += &format!(
                "{}\t{}\t{}\t{:.4}\t{}\t{:.4}\t{}\t{}\t{}\n",
                th[0],
                th[1],
                th[2],
                t.critical_found as f64 / critical.max(1) as f64,
                t.critical_below_high,
                t.agree as f64 / n,
                t.lifts,
                t.good_lifts,
                t.false_lifts
            );
        }
        std::fs::write(path, tsv).with_context(|| format!("cannot write {}", path.display()))?;
    }
    all.sort_by(|a, b| {
        (
            a.1.critical_below_high,
            std::cmp::Reverse(a.1.critical_found),
            std::cmp::Reverse(a.1.agree),
        )
            .cmp(&(
                b.1.critical_below_high,
                std::cmp::Reverse(b.1.critical_found),
                std::cmp::Reverse(b.1.agree),
            ))
    });
    for slack in [0usize, 3, 7] {
        println!("combinations keeping agreement within {slack} reports of the rules alone:");
        for (th, t) in all.iter().filter(|(_, t)| t.agree + slack >= base).take(8) {
            let show = |x: f32| {
                if x > 1.0 {
                    "-".to_owned()
                } else {
                    format!("{x:.2}")
                }
            };
            line(
                format!("{}/{}/{}", show(th[0]), show(th[1]), show(th[2])),
                t,
            );
        }
    }
    Ok(())
}
