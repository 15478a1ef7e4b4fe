//! `hotline triage train | cv`: the learned safety net from the command line.
//!
//! - `hotline triage train --out config/triage/safety_net.json [--threshold T]` trains the net on
//!   the tuning part (`tests/triage/tuning/*.jsonl`) and writes the file the service loads.
//!   Deterministic: the same corpus and seed give the same file.
//! - `hotline triage cv [--folds 5]` cross-validates on the tuning part: for each threshold, the
//!   critical recall gained over the rules alone and the lifts that overshoot the label.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

use crate::domain::Level;
use crate::triage::safety_net::{Example, SafetyNet, Training};
use crate::triage::{ReportForTriage, TriageRules, assess};

#[derive(Debug, clap::Subcommand)]
pub enum TriageAction {
    /// Train the safety net on the tuning corpus and write its weights.
    Train {
        /// Where to write the model (the service reads triage.safety_net.path).
        #[arg(long)]
        out: PathBuf,
        /// Score at or above which the net lifts (choose it with `hotline triage cv`).
        #[arg(long, default_value_t = Training::default().threshold)]
        threshold: f32,
        /// The labelled training files' folder.
        #[arg(long, default_value = "tests/triage/tuning")]
        corpus: PathBuf,
        #[arg(long, default_value_t = Training::default().seed)]
        seed: u64,
    },
    /// Cross-validate the safety net on the tuning corpus (k folds), threshold by threshold.
    Cv {
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Training epochs (to compare settings; the shipped net uses the default).
        #[arg(long, default_value_t = Training::default().epochs)]
        epochs: usize,
        #[arg(long, default_value_t = Training::default().learning_rate)]
        learning_rate: f32,
        #[arg(long, default_value_t = Training::default().l2)]
        l2: f32,
        #[arg(long, default_value = "tests/triage/tuning")]
        corpus: PathBuf,
    },
}

#[derive(Deserialize)]
struct Row {
    id: String,
    text: String,
    level: String,
}

/// The labelled reports of every `*.jsonl` in the folder, ordered by id (so folds and training
/// do not depend on the order the files are listed in).
fn corpus(dir: &Path) -> anyhow::Result<Vec<(Row, Level)>> {
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
    rows.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    Ok(rows)
}

fn examples<'a>(rows: &[&'a (Row, Level)]) -> Vec<Example<'a>> {
    rows.iter()
        .map(|(row, level)| Example {
            id: &row.id,
            text: &row.text,
            critical: *level == Level::Critical,
        })
        .collect()
}

pub fn run(action: &TriageAction, rules_path: &Path) -> anyhow::Result<()> {
    match action {
        TriageAction::Train {
            out,
            threshold,
            corpus: dir,
            seed,
        } => {
            let rows = corpus(dir)?;
            let refs: Vec<&(Row, Level)> = rows.iter().collect();
            let training = Training {
                seed: *seed,
                threshold: *threshold,
                ..Training::default()
            };
            let net = SafetyNet::train(
                &examples(&refs),
                training,
                &format!(
                    "{} ({} reports); hotline triage train --out FILE --threshold {threshold} --seed {seed}",
                    dir.display(),
                    rows.len(),
                ),
            );
            std::fs::write(out, net.to_json() + "\n")
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!(
                "wrote {} ({}; {} reports, {} critical landmarks, threshold {threshold})",
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
            epochs,
            learning_rate,
            l2,
        } => cross_validate(
            &corpus(dir)?,
            &TriageRules::load(rules_path).map_err(|e| anyhow::anyhow!("{e}"))?,
            (*folds).max(2),
            Training {
                epochs: *epochs,
                learning_rate: *learning_rate,
                l2: *l2,
                ..Training::default()
            },
        ),
    }
}

/// What lifting at a threshold does on held-out reports.
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

fn cross_validate(
    rows: &[(Row, Level)],
    rules: &TriageRules,
    folds: usize,
    training: Training,
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
    // Each report's score from a net that never saw it (fold = position modulo k, the rows
    // sorted by id, which interleaves languages and levels).
    let mut scores = vec![0f32; rows.len()];
    for fold in 0..folds {
        let train: Vec<&(Row, Level)> = rows
            .iter()
            .enumerate()
            .filter(|(i, _)| i % folds != fold)
            .map(|(_, r)| r)
            .collect();
        let net = SafetyNet::train(&examples(&train), training, "cv");
        for (i, (row, _)) in rows.iter().enumerate() {
            if i % folds == fold {
                scores[i] = net.score(&row.text);
            }
        }
    }
    let critical = rows.iter().filter(|(_, l)| *l == Level::Critical).count();
    println!(
        "{folds}-fold cross-validation on {} tuning reports ({critical} critical)",
        rows.len()
    );
    println!("threshold  crit.recall  crit<high  agreement  lifts  good  false(over the label)");
    let mut thresholds: Vec<Option<f32>> = vec![None];
    thresholds.extend((10..=40).map(|t| Some(t as f32 * 0.02)));
    for threshold in thresholds {
        let mut t = Tally::default();
        for (i, (_, expected)) in rows.iter().enumerate() {
            let rule = rule_levels[i];
            let level = match threshold {
                Some(th) if scores[i] >= th && rule < Level::Critical => {
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
        println!(
            "{:>9}  {:>11.3}  {:>9}  {:>9.3}  {:>5}  {:>4}  {:>5}",
            threshold.map_or("rules".to_owned(), |t| format!("{t:.2}")),
            t.critical_found as f64 / critical.max(1) as f64,
            t.critical_below_high,
            t.agree as f64 / rows.len().max(1) as f64,
            t.lifts,
            t.good_lifts,
            t.false_lifts
        );
    }
    Ok(())
}
