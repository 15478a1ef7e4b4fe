//! `hotline score`: the triage rules from the command line, for tuning and audit.
//!
//! - `hotline score` reads JSON lines `{"text", "lang"?, "channel"?, "answers"?, "id"?}` and
//!   prints one JSON line per input, in order: `id` (when given), `level`, `flags`, `reasons`.
//! - `hotline score --eval FILE.jsonl` scores labelled lines (the format of the shared
//!   `triage/dev.jsonl`) and prints the confusion matrix, precision and recall, agreement per
//!   language and the misclassified ids (`--json` for machines); it exits non-zero below
//!   `--min-critical-recall` or `--min-agreement`.
//! - `hotline score --check` only validates the rules files.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use chrono::{TimeZone, Utc};
use serde::Deserialize;
use serde_json::json;

use crate::domain::{Answers, Level, MessageId};
use crate::triage::evaluate::{Scored, evaluate};
use crate::triage::{ReportForTriage, TriageRules, assess};

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// Only validate the rules files (shared rules and every language file).
    #[arg(long)]
    pub check: bool,
    /// Score a labelled JSON-lines file and print the evaluation.
    #[arg(long, value_name = "FILE.jsonl")]
    pub eval: Option<PathBuf>,
    /// With --eval: print the evaluation as JSON.
    #[arg(long)]
    pub json: bool,
    /// With --eval: exit non-zero when critical recall is below this.
    #[arg(long)]
    pub min_critical_recall: Option<f64>,
    /// With --eval: exit non-zero when exact level agreement is below this.
    #[arg(long)]
    pub min_agreement: Option<f64>,
    /// The shared rules file (default: the triage.rules_path setting).
    #[arg(long)]
    pub rules: Option<PathBuf>,
}

#[derive(Deserialize)]
struct Input {
    text: Option<String>,
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    #[allow(
        dead_code,
        reason = "accepted for the input format; the lexicon tries every language"
    )]
    lang: Option<String>,
    #[serde(default)]
    #[allow(dead_code, reason = "accepted for the input format")]
    channel: Option<String>,
    #[serde(default)]
    answers: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Labelled {
    id: String,
    lang: String,
    text: String,
    level: String,
    #[serde(default)]
    flags: Vec<String>,
}

/// Scoring uses a fixed moment: the rules do not depend on time yet, and output must be
/// reproducible.
fn scoring_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

pub fn run(args: &ScoreArgs, default_rules: &Path) -> anyhow::Result<()> {
    let path = args.rules.as_deref().unwrap_or(default_rules);
    let rules = TriageRules::load(path).map_err(|e| anyhow::anyhow!("{e}"))?;
    if args.check {
        eprintln!(
            "rules {} are valid: {} phrases in {} languages",
            rules.version,
            rules.lexicon.phrase_count(),
            rules.lexicon.languages.len()
        );
        return Ok(());
    }
    match &args.eval {
        Some(file) => eval(args, &rules, file),
        None => score_stdin(&rules),
    }
}

fn score_one(rules: &TriageRules, text: &str, answers: &Answers) -> crate::triage::Assessment {
    let id = MessageId(uuid::Uuid::nil());
    assess(
        &ReportForTriage {
            messages: vec![(id, text)],
            answers,
        },
        rules,
        scoring_time(),
    )
}

fn score_stdin(rules: &TriageRules) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line.context("cannot read standard input")?;
        if line.trim().is_empty() {
            continue;
        }
        let input: Input = serde_json::from_str(&line)
            .with_context(|| format!("line {}: not a JSON object with \"text\"", n + 1))?;
        let answers = Answers::parse(input.answers.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| anyhow::anyhow!("line {}: {}: {}", n + 1, e.field, e.message))?;
        let a = score_one(rules, input.text.as_deref().unwrap_or(""), &answers);
        let mut result = json!({ "level": a.level, "flags": a.flags, "reasons": a.reasons });
        if let Some(id) = input.id {
            result["id"] = id;
        }
        writeln!(out, "{result}").context("cannot write standard output")?;
    }
    Ok(())
}

fn eval(args: &ScoreArgs, rules: &TriageRules, file: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut labelled = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let row: Labelled = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a labelled line", file.display(), n + 1))?;
        let expected = Level::parse("level", &row.level)
            .map_err(|e| anyhow::anyhow!("{}:{}: {}", file.display(), n + 1, e.message))?;
        labelled.push((row, expected));
    }
    let none = Answers::default();
    let scored: Vec<(Level, Vec<String>)> = labelled
        .iter()
        .map(|(row, _)| {
            let a = score_one(rules, &row.text, &none);
            (a.level, a.flags)
        })
        .collect();
    let items: Vec<Scored<'_>> = labelled
        .iter()
        .zip(&scored)
        .map(|((row, expected), (level, flags))| Scored {
            id: &row.id,
            language: &row.lang,
            expected_level: *expected,
            expected_flags: &row.flags,
            level: *level,
            flags,
        })
        .collect();
    let evaluation = evaluate(&items);
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut value = serde_json::to_value(&evaluation)?;
        value["rules_version"] = json!(rules.version);
        writeln!(out, "{value}")?;
    } else {
        write!(out, "{}", evaluation.render(&rules.version))?;
    }
    if let Some(min) = args.min_critical_recall
        && evaluation.critical_recall < min
    {
        bail!(
            "critical recall {:.2} is below {min}",
            evaluation.critical_recall
        );
    }
    if let Some(min) = args.min_agreement
        && evaluation.agreement < min
    {
        bail!("exact agreement {:.2} is below {min}", evaluation.agreement);
    }
    Ok(())
}
