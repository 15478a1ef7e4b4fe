//! The triage rules file, parsed and checked against the rubric's closed flag vocabulary.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::lexicon::{CharWindow, Lexicon, Signal};
use crate::domain::Level;
use crate::domain::report::ANSWER_KEYS;

/// The rubric's closed flag vocabulary.
pub const FLAGS: &[&str] = &[
    "minor",
    "confinement",
    "threat_violence",
    "weapon",
    "injury_medical",
    "self_harm",
    "pregnancy",
    "abroad",
    "at_sea",
    "scam_compound",
    "documents_seized",
    "debt_bondage",
    "unpaid_wages",
    "sexual_exploitation",
    "forced_labour",
    "forced_marriage",
    "missing_person",
    "official_involvement",
    "deceptive_recruitment",
    "in_transit",
];

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("triage rules {path}: {why}")]
    Invalid { path: String, why: String },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageRules {
    pub version: String,
    /// Phone-form question → flag set by a `yes`.
    pub answers: BTreeMap<String, String>,
    pub levels: LevelRules,
    /// Flag → reason template with `{source}`.
    pub reasons: BTreeMap<String, String>,
    pub texts: Texts,
    /// Flags that bring others with them (a weapon is always also a threat).
    #[serde(default)]
    pub implies: BTreeMap<String, Vec<String>>,
    pub context: ContextRules,
    pub matching: MatchingRules,
    /// Flags set by word groups together ("tonight" with "in a van" is `in_transit`).
    #[serde(default)]
    pub signals: Vec<Signal>,
    /// Phrases found in free text, from `config/triage/<language>.yaml` beside the rules file.
    #[serde(skip)]
    pub lexicon: Lexicon,
    /// The learned safety net, when `triage.safety_net.enabled` loads it (see `with_safety_net`).
    #[serde(skip)]
    pub safety_net: Option<std::sync::Arc<super::safety_net::SafetyNet>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelRules {
    pub critical: CriticalRule,
    pub high: AnyRule,
    pub otherwise: Level,
    pub no_flags: Level,
}

/// How the circumstances the text describes change the level the flags alone would give.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextRules {
    /// The situation is over and the person safe now.
    pub past_level: Level,
    /// Flags that describe the present (a past cue does not lower them).
    pub present_flags: Vec<String>,
    /// A third party only suspects: a `high` becomes this (critical facts still count).
    pub suspicion_level: Level,
    /// Only a risky offer: every flag in this list, `deceptive_recruitment` among them.
    pub offer_only_flags: Vec<String>,
    pub offer_level: Level,
    /// No flag, and the text is a question, an advertisement, a greeting or another problem.
    pub not_a_case_level: Level,
    /// Flags that say nothing about exploitation on their own (being abroad, being a minor):
    /// with no other flag the report is treated as if it had none.
    pub not_enough_alone: Vec<String>,
    /// Fiction, a film, news or a rumour with no sign of danger now: this level, no flags.
    pub fiction_level: Level,
    /// An offer not yet taken keeps only these flags (not those of the work offered).
    pub offer_keeps: Vec<String>,
    /// When unsure, lean up: distress, trafficking words or a survivor asking for help lift a
    /// lower level to this one.
    pub lean_up_level: Level,
    /// The cues that lean up (cue names: distress, context, past, safe_now, third_party...).
    pub lean_up_cues: Vec<String>,
    /// A question this short (in characters, every message together) with no indicator and
    /// nothing that leans up is `not_a_case_level`: "is a border pass ok for Mae Sot?".
    pub short_question_chars: usize,
    /// A message longer than this (every message together) is never below `lean_up_level`
    /// unless it reads as fiction or news: a long account is about someone.
    pub long_message_chars: usize,
    /// Where the text names another problem (`cues.not_a_case`: a loan app, a fraud call, a
    /// deposit) and no indicator, only these lean-up cues still lift it; distress and length
    /// do not (rubric: other problems are low, however frightened or long the message).
    #[serde(default)]
    pub not_a_case_leans_up_on: Option<Vec<String>>,
    /// A question or an offer that names signs of a safe, legal route (`cues.safe_route`: a
    /// licensed agency, the official fee, a passport the person keeps) as often as warning
    /// signs, with no flag outside this list, is a safe-migration question: these flags drop
    /// and the level is `not_a_case_level`, not leaned up by distress or length (rubric: "general
    /// or safe-migration questions" are low; frame-15). Unset: no such frame.
    #[serde(default)]
    pub safe_route_drops: Option<Vec<String>>,
    /// Cues that show a real person, so the text is not fiction or news (distress, a relative).
    pub real_person_cues: Vec<String>,
    /// With one of these flags found (exploitation that followed) and a `recruited` cue (an
    /// advertisement, a broker's offer), `deceptive_recruitment` is found too, with the cue's
    /// words as evidence: work that ends in confinement or unpaid was not as promised (rubric:
    /// "was deceived"). Unset: not inferred (frame-21).
    #[serde(default)]
    pub recruited_deceived_with: Option<Vec<String>>,
    /// Where the safety net reads a message as critical and the rules set this level or
    /// higher, the level becomes critical at once instead of one step up (a critical report the
    /// rules read as medium, because no list holds its words, is not left at high). Unset: the
    /// net lifts one step only.
    #[serde(default)]
    pub net_critical_from: Option<Level>,
    /// The critical score a message needs to lift a level the rules set at `high` (above the
    /// net's own critical threshold): a report the rules found ongoing control in already
    /// shares the control words (passport, debt) that critical reports hold too, so those
    /// words must not count twice. Unset: the net's threshold.
    #[serde(default)]
    pub net_critical_over_high: Option<f32>,
    /// A message shorter than this (characters, a Chinese character counted as three) is not
    /// lifted by the safety net: a few words resemble anything ("held case").
    #[serde(default)]
    pub net_min_chars: usize,
    /// Where the rules lowered the level because the text reads as an offer not taken, the net
    /// lifts only with a critical reading of at least `net_critical_over_high`, and a high
    /// reading does not lift; where they lowered it because a third party only suspects, the
    /// net does not lift at all (a critical fact is never lowered, so none was found): an
    /// offer's or a rumour's words are the words of the cases they warn about, and the frame
    /// cues show what the text is. Unset (false): the net lifts as anywhere else.
    #[serde(default)]
    pub net_respects_offer_and_suspicion: bool,
    /// The critical score a message needs to lift a level the rules set at `low` (not a case,
    /// a short question) one step; a high reading alone does not lift it. Unset: any reading
    /// above the rules' level lifts.
    #[serde(default)]
    pub net_low_min_critical: Option<f32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchingRules {
    pub negation_window: CharWindow,
    /// How many characters may come between the parts of a phrase written with a gap.
    #[serde(default = "default_gap_window")]
    pub gap_window: CharWindow,
    /// Flags a hypothetical cue does not drop (threats are conditional by nature).
    #[serde(default)]
    pub conditional_flags: Vec<String>,
}

fn default_gap_window() -> CharWindow {
    CharWindow {
        spaced: 20,
        unspaced: 6,
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriticalRule {
    pub any: Vec<String>,
    pub with_minor: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnyRule {
    pub any: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub answer_source: String,
    pub no_flags: String,
    pub critical_with_minor: String,
    /// How a flag found in a message is described in its reason.
    pub text_source: String,
    pub past: String,
    pub suspicion: String,
    pub offer_only: String,
    pub not_a_case: String,
    /// Another problem named (a loan, a fraud call) and no indicator: low, with its words.
    pub other_problem: String,
    /// The frame: a question about a safe, legal route, with its words.
    #[serde(default)]
    pub safe_route: String,
    /// The frame: fiction, news or rumour.
    pub fiction: String,
    /// The frame: an offer not taken, whose work's flags do not count.
    pub offer_frame: String,
    /// The frame: a third party's report.
    pub third_party: String,
    /// When unsure, lean up.
    pub lean_up: String,
    /// A short question with no indicator.
    pub short_question: String,
    /// A long message is not low.
    pub long_message: String,
    /// The safety net lifted the level; `{level}` is replaced by the level the wording reads
    /// as and `{closest}` by the ids of the closest training examples at that level or above.
    #[serde(default = "default_safety_net_text")]
    pub safety_net: String,
    /// The safety net read the message as critical and the rules' level was at or above
    /// `context.net_critical_from`: `{closest}` as above.
    #[serde(default = "default_safety_net_critical_text")]
    pub safety_net_critical: String,
}

fn default_safety_net_critical_text() -> String {
    "The wording resembles critical reports (closest training examples: {closest}), so the level is critical.".to_owned()
}

fn default_safety_net_text() -> String {
    "The wording resembles {level} reports (closest training examples: {closest}), so the level is one step above what the rules found.".to_owned()
}

impl TriageRules {
    pub fn load(path: &Path) -> Result<TriageRules, RulesError> {
        let invalid = |why: String| RulesError::Invalid {
            path: path.display().to_string(),
            why,
        };
        let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
        let mut rules = TriageRules::parse(&text).map_err(invalid)?;
        // The language files live beside the shared rules.
        let dir = path.parent().unwrap_or(Path::new("."));
        rules.lexicon = Lexicon::load_dir(dir).map_err(|why| RulesError::Invalid {
            path: dir.display().to_string(),
            why,
        })?;
        for signal in &rules.signals {
            if let Some(missing) = signal
                .all
                .iter()
                .find(|g| !rules.lexicon.group_names.contains(*g))
            {
                return Err(invalid(format!(
                    "signals: group {missing} is in no language file"
                )));
            }
        }
        rules.lexicon.signals = rules.signals.clone();
        Ok(rules)
    }

    /// The rules with the learned safety net from `path` (`config/triage/safety_net.json`), or
    /// without one when `path` is `None`. A broken file is refused with the reason.
    pub fn with_safety_net(mut self, path: Option<&Path>) -> Result<TriageRules, RulesError> {
        self.safety_net = match path {
            None => None,
            Some(path) => {
                let invalid = |why: String| RulesError::Invalid {
                    path: path.display().to_string(),
                    why,
                };
                let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
                Some(std::sync::Arc::new(
                    super::safety_net::SafetyNet::from_json(&text).map_err(invalid)?,
                ))
            }
        };
        Ok(self)
    }

    /// The flags the lexicon finds in one text that make a case critical on their own: a
    /// message that says someone is in danger now (not denied, not only in the past).
    /// `danger_in` from the reading `assess::read_message` made of the same text with these
    /// rules (the same lexicon analysis, the same windows): the same flags without preparing
    /// and reading the text a second time (issue 18).
    pub fn danger_in_reading(&self, reading: &super::MessageReading) -> Vec<String> {
        let over = (reading.past || reading.safe_now) && !reading.danger_now;
        self.danger_flags(over, reading.hits.iter().map(|h| &h.flag))
    }

    pub fn danger_in(&self, text: &str) -> Vec<String> {
        let findings = self.lexicon.analyse(
            &super::normalize::prepare(text),
            self.matching.negation_window,
            self.matching.gap_window,
            &self.matching.conditional_flags,
        );
        let over = (findings.past || findings.safe_now) && !findings.danger_now;
        self.danger_flags(over, findings.hits.iter().map(|h| &h.flag))
    }

    /// The critical-level flags among `found`, sorted and once each; none when the text says
    /// the danger is `over` (past or safe now, and no danger now).
    fn danger_flags<'a>(&self, over: bool, found: impl Iterator<Item = &'a String>) -> Vec<String> {
        if over {
            return Vec::new();
        }
        let mut flags: Vec<String> = found
            .filter(|f| self.levels.critical.any.contains(*f))
            .cloned()
            .collect();
        flags.sort();
        flags.dedup();
        flags
    }

    pub fn parse(text: &str) -> Result<TriageRules, String> {
        let rules: TriageRules = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
        rules.check()?;
        Ok(rules)
    }

    /// Refuses rules that name a flag outside the rubric or leave a flag without a reason, so
    /// a typo cannot silently drop an indicator.
    fn check(&self) -> Result<(), String> {
        let known = |f: &String| FLAGS.contains(&f.as_str());
        for (question, flag) in &self.answers {
            if !ANSWER_KEYS.contains(&question.as_str()) {
                return Err(format!("answers.{question}: not a phone-form question"));
            }
            if !known(flag) {
                return Err(format!("answers.{question}: unknown flag {flag}"));
            }
        }
        let lists = [
            ("levels.critical.any", &self.levels.critical.any),
            (
                "levels.critical.with_minor",
                &self.levels.critical.with_minor,
            ),
            ("levels.high.any", &self.levels.high.any),
        ];
        for (key, list) in lists {
            if let Some(bad) = list.iter().find(|f| !known(f)) {
                return Err(format!("{key}: unknown flag {bad}"));
            }
        }
        for (flag, implied) in &self.implies {
            if let Some(bad) = std::iter::once(flag).chain(implied).find(|f| !known(f)) {
                return Err(format!("implies.{flag}: unknown flag {bad}"));
            }
        }
        for signal in &self.signals {
            match &signal.cue {
                Some(cue) => {
                    let acting = !matches!(
                        super::lexicon::Cue::named(cue),
                        None | Some(
                            super::lexicon::Cue::Negation
                                | super::lexicon::Cue::NegationAfter
                                | super::lexicon::Cue::Hypothetical
                                | super::lexicon::Cue::Consequence
                        )
                    );
                    if !acting || !signal.flag.is_empty() {
                        return Err(format!(
                            "signals: cue {cue} must be a circumstance or frame cue, without a flag"
                        ));
                    }
                }
                None if !known(&signal.flag) => {
                    return Err(format!("signals: unknown flag {}", signal.flag));
                }
                None => {}
            }
            if signal.all.is_empty() {
                return Err(format!("signals: {} names no group", signal.flag));
            }
        }
        let c = &self.context;
        fn optional(list: &Option<Vec<String>>) -> &[String] {
            list.as_deref().unwrap_or_default()
        }
        for (key, list) in [
            ("context.present_flags", c.present_flags.as_slice()),
            ("context.offer_only_flags", c.offer_only_flags.as_slice()),
            ("context.not_enough_alone", c.not_enough_alone.as_slice()),
            ("context.offer_keeps", c.offer_keeps.as_slice()),
            ("context.safe_route_drops", optional(&c.safe_route_drops)),
            (
                "context.recruited_deceived_with",
                optional(&c.recruited_deceived_with),
            ),
        ] {
            if let Some(bad) = list.iter().find(|f| !known(f)) {
                return Err(format!("{key}: unknown flag {bad}"));
            }
        }
        if let Some(missing) = FLAGS.iter().find(|f| !self.reasons.contains_key(**f)) {
            return Err(format!("reasons.{missing}: missing"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_file_is_valid() {
        let rules = TriageRules::load(Path::new("config/triage/shared.yaml")).unwrap();
        assert!(!rules.version.is_empty());
    }

    #[test]
    fn a_misspelt_flag_in_an_optional_context_list_is_refused() {
        // A typo would otherwise switch the inference off without a word.
        let mut rules = TriageRules::load(Path::new("config/triage/shared.yaml")).unwrap();
        rules.context.recruited_deceived_with = Some(vec!["confinment".into()]);
        let error = rules.check().unwrap_err();
        assert!(error.contains("context.recruited_deceived_with"), "{error}");
    }

    #[test]
    fn danger_from_a_reading_is_danger_from_the_text() {
        let rules = TriageRules::load(Path::new("config/triage/shared.yaml")).unwrap();
        let mut texts: Vec<String> = vec![
            "he has a gun, help".into(),
            "they used to lock us in, now I am safe".into(),
        ];
        for file in ["dev", "en", "th", "km", "lo", "my", "vi", "zh"] {
            let lines = std::fs::read_to_string(format!("tests/triage/{file}.jsonl")).unwrap();
            for line in lines.lines() {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                texts.push(v["text"].as_str().unwrap_or_default().to_owned());
            }
        }
        let mut dangerous = 0;
        for text in &texts {
            let reading = crate::triage::read_message(text, &rules);
            let from_text = rules.danger_in(text);
            dangerous += usize::from(!from_text.is_empty());
            assert_eq!(rules.danger_in_reading(&reading), from_text, "{text}");
        }
        assert!(dangerous > 10, "the corpus has danger words: {dangerous}");
    }

    #[test]
    fn a_misspelt_flag_is_refused() {
        let text = std::fs::read_to_string("config/triage/shared.yaml")
            .unwrap()
            .replace("any: [minor,", "any: [minnor,");
        assert!(text.contains("minnor"));
        assert!(TriageRules::parse(&text).unwrap_err().contains("minnor"));
    }
}
