//! `hotline score`: the triage rules from the command line, for tuning and audit.
//!
//! - `hotline score` reads JSON lines `{"text", "lang"?, "channel"?, "answers"?, "id"?}` and
//!   prints one JSON line per input, in order: `id` (when given), `level`, `flags`, `reasons`,
//!   and `net` (the safety net's head scores, critical first) when the net is on.
//! - `hotline score --eval FILE.jsonl[.gz]` scores labelled lines (the format of the shared
//!   `triage/dev.jsonl`) and prints the confusion matrix, precision and recall, flag F1,
//!   agreement per language and genre, the parallel-set consistency and the misclassified ids
//!   (`--json` for machines); it exits non-zero when a gate (`--min-…`, `--max-…`) fails.
//!   A sealed set (`--sealed`, or any file under a `sealed/` folder) prints counts only, never
//!   an id or a text, so nobody tuning the rules learns which sealed reports they miss.
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
    /// Score a labelled JSON-lines file (plain or gzip-compressed, `.gz`) and print the
    /// evaluation.
    #[arg(long, value_name = "FILE.jsonl")]
    pub eval: Option<PathBuf>,
    /// With --eval: print counts only, never ids or texts (automatic under a `sealed/` folder).
    #[arg(long)]
    pub sealed: bool,
    /// With --eval: print the evaluation as JSON.
    #[arg(long)]
    pub json: bool,
    /// With --eval: exit non-zero when critical recall is below this.
    #[arg(long)]
    pub min_critical_recall: Option<f64>,
    /// With --eval: exit non-zero when exact level agreement is below this.
    #[arg(long)]
    pub min_agreement: Option<f64>,
    /// With --eval: exit non-zero when the flags' micro F1 is below this.
    #[arg(long)]
    pub min_flag_f1: Option<f64>,
    /// With --eval: exit non-zero when any language's agreement is below this.
    #[arg(long)]
    pub min_language_agreement: Option<f64>,
    /// With --eval: exit non-zero when more critical reports than this are scored medium or low.
    #[arg(long)]
    pub max_critical_below_high: Option<usize>,
    /// With --eval on a parallel set: exit non-zero when the share of situations scored alike
    /// in every language is below this.
    #[arg(long)]
    pub min_parallel_consistency: Option<f64>,
    /// Lift with the learned safety net (`on`/`off`; default: the triage.safety_net.enabled
    /// setting).
    #[arg(long, value_parser = ["on", "off"])]
    pub safety_net: Option<String>,
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
    #[serde(default)]
    genre: Option<String>,
    #[serde(default)]
    situation: Option<serde_json::Value>,
}

/// Scoring uses a fixed moment: the rules do not depend on time yet, and output must be
/// reproducible.
fn scoring_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

pub fn run(args: &ScoreArgs, settings: &crate::settings::TriageSettings) -> anyhow::Result<()> {
    let path = args.rules.as_deref().unwrap_or(&settings.rules_path);
    let net = match args.safety_net.as_deref() {
        Some("on") => Some(settings.safety_net.path.as_path()),
        Some(_) => None,
        None => settings.safety_net_path(),
    };
    let rules = TriageRules::load(path)
        .and_then(|r| r.with_safety_net(net))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
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
        let text = input.text.as_deref().unwrap_or("");
        let a = score_one(rules, text, &answers);
        let mut result = json!({ "level": a.level, "flags": a.flags, "reasons": a.reasons });
        // The net's scores (critical, high or above, ...), for tuning its thresholds.
        if let Some(net) = &rules.safety_net {
            result["net"] = json!(net.scores(text));
        }
        if let Some(id) = input.id {
            result["id"] = id;
        }
        writeln!(out, "{result}").context("cannot write standard output")?;
    }
    Ok(())
}

/// A labelled file, decompressed when its name ends in `.gz`.
fn read_labelled(file: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    if file.extension().is_some_and(|x| x == "gz") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text)
            .with_context(|| format!("{}: not gzip-compressed UTF-8", file.display()))?;
        Ok(text)
    } else {
        String::from_utf8(bytes).with_context(|| format!("{}: not UTF-8", file.display()))
    }
}

/// A sealed set is scored for counts only: asked for, or any file under a `sealed/` folder.
fn is_sealed(args: &ScoreArgs, file: &Path) -> bool {
    args.sealed || file.components().any(|c| c.as_os_str() == "sealed")
}

fn eval(args: &ScoreArgs, rules: &TriageRules, file: &Path) -> anyhow::Result<()> {
    let sealed = is_sealed(args, file);
    let text = read_labelled(file)?;
    let mut labelled = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        // A sealed line's error names the line, never its text.
        let row: Labelled = serde_json::from_str(line).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}: not a labelled line ({})",
                file.display(),
                n + 1,
                if sealed {
                    format!("{:?}", e.classify())
                } else {
                    e.to_string()
                }
            )
        })?;
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
    // With a safety net, the rules alone too: what the net's lifts did is counted against them.
    let rules_alone = rules.safety_net.is_some().then(|| TriageRules {
        safety_net: None,
        ..rules.clone()
    });
    let rules_alone_levels: Vec<Option<Level>> = labelled
        .iter()
        .map(|(row, _)| {
            rules_alone
                .as_ref()
                .map(|alone| score_one(alone, &row.text, &none).level)
        })
        .collect();
    let situations: Vec<Option<String>> = labelled
        .iter()
        .map(|(row, _)| {
            row.situation.as_ref().map(|s| match s {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        })
        .collect();
    let items: Vec<Scored<'_>> = labelled
        .iter()
        .zip(&scored)
        .zip(&situations)
        .zip(&rules_alone_levels)
        .map(
            |((((row, expected), (level, flags)), situation), before)| Scored {
                id: &row.id,
                language: &row.lang,
                expected_level: *expected,
                expected_flags: &row.flags,
                level: *level,
                flags,
                genre: row.genre.as_deref(),
                situation: situation.as_deref(),
                rules_alone_level: *before,
            },
        )
        .collect();
    let evaluation = evaluate(&items);
    // Which rules, and which safety net if any, made these figures.
    let version = match &rules.safety_net {
        Some(net) => format!("{} + safety net {}", rules.version, net.version),
        None => rules.version.clone(),
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut value = serde_json::to_value(&evaluation)?;
        value["rules_version"] = json!(version);
        if sealed {
            value["misclassified"] = json!(evaluation.misclassified.len());
        }
        writeln!(out, "{value}")?;
    } else {
        write!(out, "{}", evaluation.render(&version, sealed))?;
    }
    let failures = gate_failures(args, &evaluation);
    if !failures.is_empty() {
        bail!("{}", failures.join("; "));
    }
    Ok(())
}

/// Every gate the evaluation fails, in words (counts and figures only).
fn gate_failures(args: &ScoreArgs, e: &crate::triage::evaluate::Evaluation) -> Vec<String> {
    let mut failures = Vec::new();
    if let Some(min) = args.min_critical_recall
        && e.critical_recall < min
    {
        failures.push(format!(
            "critical recall {:.3} is below {min}",
            e.critical_recall
        ));
    }
    if let Some(max) = args.max_critical_below_high
        && e.critical_scored_medium_or_low > max
    {
        failures.push(format!(
            "{} critical reports scored medium or low, more than {max}",
            e.critical_scored_medium_or_low
        ));
    }
    if let Some(min) = args.min_agreement
        && e.agreement < min
    {
        failures.push(format!("exact agreement {:.3} is below {min}", e.agreement));
    }
    if let Some(min) = args.min_flag_f1
        && e.flag_f1 < min
    {
        failures.push(format!("flag F1 {:.3} is below {min}", e.flag_f1));
    }
    if let Some(min) = args.min_language_agreement {
        for (lang, (a, _)) in &e.languages {
            if *a < min {
                failures.push(format!("{lang} agreement {a:.3} is below {min}"));
            }
        }
    }
    if let Some(min) = args.min_parallel_consistency
        && let Some((share, _)) = e.parallel_consistency
        && share < min
    {
        failures.push(format!("parallel consistency {share:.3} is below {min}"));
    }
    failures
}
