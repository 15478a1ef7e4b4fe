//! `assess`: report → level, flags and reasons.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::normalize::prepare;
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

/// What triage read in one message: the indicator phrases that count (negated and
/// hypothetical ones already dropped) and the circumstances the text describes. A case keeps one
/// reading per message (offsets only, never the words), so a new message costs one reading, not
/// a reading of the whole conversation again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageReading {
    pub hits: Vec<ReadPhrase>,
    pub past: bool,
    pub safe_now: bool,
    pub danger_now: bool,
    pub suspicion: bool,
    pub not_a_case: bool,
    /// The frame cues found (what the text is: news, an offer, a third party's report...), each
    /// named in `flag` by its cue name, for the frame step and its evidence.
    #[serde(default)]
    pub cues: Vec<ReadPhrase>,
    /// The message's length in characters, a Chinese character counted as three (a short
    /// question reads otherwise than a long account).
    #[serde(default)]
    pub chars: usize,
    /// What the learned safety net made of the message (only when a net is loaded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resemblance: Option<super::safety_net::Resemblance>,
}

impl MessageReading {
    fn has(&self, cue: &str) -> bool {
        self.cues.iter().any(|c| c.flag == cue)
    }
}

/// One phrase that sets a flag, in Unicode scalar values of the analysed text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadPhrase {
    pub flag: String,
    pub start: usize,
    pub end: usize,
    /// The words themselves, for the explanation now; never stored (the API fills quotes from
    /// the decrypted message when it shows the case).
    #[serde(skip)]
    pub quote: String,
}

/// The version a stored reading was made under: the rules' version and the shape of a reading.
/// A reading under another version is read again from the message.
pub fn reading_version(rules: &TriageRules) -> String {
    match &rules.safety_net {
        Some(net) => format!("{}/reading-2/{}", rules.version, net.version),
        None => format!("{}/reading-2", rules.version),
    }
}

/// A message's length as a Latin-script writer would have typed it: a Chinese character says
/// about as much as three Latin letters, so "a long account" and "a short question" mean the
/// same in every language.
fn reading_length(chars: &[char]) -> usize {
    chars
        .iter()
        .map(|c| if is_ideograph(*c) { 3 } else { 1 })
        .sum()
}

fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Reads one message. Pure.
pub fn read_message(text: &str, rules: &TriageRules) -> MessageReading {
    let prepared = prepare(text);
    let chars = reading_length(&prepared.chars);
    let findings = rules.lexicon.analyse(
        &prepared,
        rules.matching.negation_window,
        rules.matching.gap_window,
        &rules.matching.conditional_flags,
    );
    MessageReading {
        hits: findings
            .hits
            .into_iter()
            .map(|hit| ReadPhrase {
                quote: prepared.chars[hit.start..hit.end].iter().collect(),
                flag: hit.flag,
                start: hit.start,
                end: hit.end,
            })
            .collect(),
        past: findings.past,
        safe_now: findings.safe_now,
        danger_now: findings.danger_now,
        suspicion: findings.suspicion,
        not_a_case: findings.not_a_case,
        cues: findings
            .cues
            .into_iter()
            .map(|(cue, start, end)| ReadPhrase {
                flag: cue.name().to_owned(),
                start,
                end,
                quote: prepared.chars[start..end].iter().collect(),
            })
            .collect(),
        chars,
        resemblance: rules
            .safety_net
            .as_ref()
            .map(|net| net.read_folded(&prepared.folded)),
    }
}

/// Scores a report. Pure: the same report, rules and time always give the same assessment.
///
/// Flags come from the messages (the lexicon, with negation and hypotheticals dropped) and the
/// quick answers (which describe the present). The level follows the rubric: the flags' level
/// first, then the circumstances the text describes (over and safe now; a third party's
/// suspicion; a risky offer not taken; not a case at all), each adjustment with its reason.
pub fn assess(
    report: &ReportForTriage<'_>,
    rules: &TriageRules,
    _now: DateTime<Utc>,
) -> Assessment {
    let readings: Vec<(MessageId, MessageReading)> = report
        .messages
        .iter()
        .map(|(id, text)| (*id, read_message(text, rules)))
        .collect();
    let readings: Vec<(MessageId, &MessageReading)> =
        readings.iter().map(|(id, r)| (*id, r)).collect();
    assess_readings(&readings, report.answers, rules)
}

/// Scores a report from the readings of its messages (in the order they were written) and its
/// quick answers: the same result as `assess` on the texts those readings came from.
pub fn assess_readings(
    readings: &[(MessageId, &MessageReading)],
    answers: &Answers,
    rules: &TriageRules,
) -> Assessment {
    let mut found: Vec<(String, Reason)> = Vec::new();
    let (mut past, mut safe_now, mut danger_now, mut suspicion, mut not_a_case) =
        (false, false, false, false, false);
    for (message_id, reading) in readings {
        past |= reading.past;
        safe_now |= reading.safe_now;
        danger_now |= reading.danger_now;
        suspicion |= reading.suspicion;
        not_a_case |= reading.not_a_case;
        for hit in &reading.hits {
            // Flag words that share words with a safe sign are that sign ("I keep my own
            // passport"; "keep my own passport and residence card", where the flag's phrase runs
            // on; "hộ chiếu … em tự giữ", where it starts before).
            if reading
                .cues
                .iter()
                .any(|c| c.flag == "safe_route" && c.start < hit.end && hit.start < c.end)
            {
                continue;
            }
            let evidence = Evidence {
                message_id: *message_id,
                start: hit.start,
                end: hit.end,
                quote: hit.quote.clone(),
            };
            let implied = rules.implies.get(&hit.flag).cloned().unwrap_or_default();
            for flag in std::iter::once(hit.flag.clone()).chain(implied) {
                if let Some((_, reason)) = found.iter_mut().find(|(f, _)| *f == flag) {
                    if !reason.evidence.contains(&evidence) {
                        reason.evidence.push(evidence.clone());
                    }
                    continue;
                }
                found.push((
                    flag.clone(),
                    Reason {
                        flag: Some(flag.clone()),
                        text: reason_text(rules, &flag, &rules.texts.text_source),
                        evidence: vec![evidence.clone()],
                    },
                ));
            }
        }
    }
    let mut answered_yes = false;
    for question in answers.yes() {
        let Some(flag) = rules.answers.get(question) else {
            continue;
        };
        answered_yes = true;
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
    let ctx = &rules.context;
    // The frame: what the text is, before what its words say. Each frame that changes the level
    // or the flags says so in a reason, with the words that show it.
    let frame = Frame::of(readings, answered_yes, danger_now, past || safe_now, ctx);
    let mut frame_notes: Vec<Reason> = Vec::new();
    // Every flag found (before the offer frame drops the work's) is one a safe route drops.
    let only_route_flags = ctx
        .safe_route_drops
        .as_ref()
        .is_some_and(|drops| found.iter().all(|(f, _)| drops.contains(f)));
    if frame.fiction {
        // Nothing is flagged for fiction, films, news or rumours (rubric, flag rule 2).
        found.clear();
        frame_notes.push(frame_reason(
            readings,
            &["not_real", "fiction"],
            &rules.texts.fiction,
        ));
    } else if frame.offer {
        // An offer not yet taken: only the offer's red flags and the person's age count, not
        // the flags of the work offered (no `at_sea` for a boat job still on offer).
        let before = found.len();
        found.retain(|(f, _)| ctx.offer_keeps.contains(f));
        if found.len() < before || found.is_empty() {
            frame_notes.push(frame_reason(readings, &["offer"], &rules.texts.offer_frame));
        }
    }
    // Recruited, then exploited: the recruitment deceived them (frame-21). Not over an offer
    // not taken (its work's flags are gone) nor fiction (nothing is flagged).
    if let Some(with) = &ctx.recruited_deceived_with
        && !frame.fiction
        && !found.iter().any(|(f, _)| f == "deceptive_recruitment")
        && found.iter().any(|(f, _)| with.contains(f))
        && any_reading_has(readings, "recruited")
    {
        // The flag's own reason, with the recruitment's words as evidence.
        let reason = Reason {
            flag: Some("deceptive_recruitment".to_owned()),
            text: reason_text(rules, "deceptive_recruitment", &rules.texts.text_source),
            evidence: cue_evidence(readings, &["recruited"]),
        };
        found.push(("deceptive_recruitment".to_owned(), reason));
    }
    // A question about a safe, legal route (frame-15): a licensed agency, the official fee, a
    // passport the person keeps, named at least as often as warning signs, and no flag but
    // those of an offer. The rubric makes safe-migration questions low, so the offer's flags
    // (the fee it asks about, the country) drop and neither distress nor length leans it up.
    let safe_route = !frame.fiction
        && !answered_yes
        && !danger_now
        && !past
        && ["question", "offer", "not_a_case"]
            .iter()
            .any(|c| any_reading_has(readings, c))
        && {
            let safe_signs: usize = readings
                .iter()
                .map(|(_, r)| r.cues.iter().filter(|c| c.flag == "safe_route").count())
                .sum();
            let warnings = found
                .iter()
                .filter(|(f, _)| f == "deceptive_recruitment")
                .map(|(_, r)| r.evidence.len())
                .sum::<usize>();
            safe_signs > 0 && warnings <= safe_signs && only_route_flags
        };
    if safe_route {
        found.clear();
        frame_notes.clear();
        frame_notes.push(frame_reason(
            readings,
            &["safe_route"],
            &rules.texts.safe_route,
        ));
    }
    found.sort_by_key(|(f, _)| FLAGS.iter().position(|x| x == f));
    let flags: Vec<String> = found.iter().map(|(f, _)| f.clone()).collect();
    let has = |f: &String| flags.contains(f);
    let mut reasons: Vec<Reason> = found.into_iter().map(|(_, r)| r).collect();
    reasons.extend(frame_notes);
    if frame.third_party && !frame.fiction {
        reasons.push(frame_reason(
            readings,
            &["third_party"],
            &rules.texts.third_party,
        ));
    }
    let note = |reasons: &mut Vec<Reason>, text: &str| {
        reasons.push(Reason {
            flag: None,
            text: text.to_owned(),
            evidence: Vec::new(),
        })
    };

    let minor = flags.iter().any(|f| f == "minor");
    let only_context = flags.iter().all(|f| ctx.not_enough_alone.contains(f));
    // A general question or another problem that only names a country ("can Filipinos work in
    // Cambodia legally?") flags nothing (rubric, flag rule 2): the country is not a person's.
    let mut general_question = false;
    // The text names another problem (a loan, a fraud call) and no indicator.
    let mut other_problem = false;
    // The rules lowered the level because the text reads as an offer not taken or hearsay.
    let mut lowered_by_frame = frame.offer;
    let mut lowered_by_hearsay = false;
    let level = if frame.fiction {
        ctx.fiction_level
    } else if safe_route {
        general_question = true;
        other_problem = true;
        ctx.not_a_case_level
    } else if flags.is_empty() || (only_context && !answered_yes) {
        if not_a_case && !frame.offer {
            general_question = true;
            // Named: a loan, a fraud call. A greeting or "what should I do?" names none.
            other_problem = any_reading_has(readings, "other_problem");
            if other_problem {
                reasons.push(frame_reason(
                    readings,
                    &["other_problem"],
                    &rules.texts.other_problem,
                ));
            } else {
                note(&mut reasons, &rules.texts.not_a_case);
            }
            ctx.not_a_case_level
        } else if frame.short_question && !danger_now {
            reasons.push(frame_reason(
                readings,
                &["question"],
                &rules.texts.short_question,
            ));
            general_question = true;
            ctx.not_a_case_level
        } else {
            note(&mut reasons, &rules.texts.no_flags);
            rules.levels.no_flags
        }
    } else {
        // Critical only because a minor is in an exploitation (rubric tie-break); said in a
        // reason only where the level stays critical.
        let critical_flag = rules.levels.critical.any.iter().any(has);
        let critical_by_minor =
            !critical_flag && minor && rules.levels.critical.with_minor.iter().any(has);
        let by_flags = if critical_flag || critical_by_minor {
            Level::Critical
        } else if rules.levels.high.any.iter().any(has) {
            Level::High
        } else {
            rules.levels.otherwise
        };
        // Answers describe the present; so do flags like "missing now" and "being moved".
        let present = answered_yes || danger_now || ctx.present_flags.iter().any(has);
        // A risky offer with nothing else; or the offer frame, where only the offer's red flags
        // and the person's age were kept ("a minor who has only a risky offer is medium").
        let offer_only = (flags.iter().any(|f| f == "deceptive_recruitment")
            && flags.iter().all(|f| ctx.offer_only_flags.contains(f)))
            || (frame.offer && flags.iter().all(|f| ctx.offer_keeps.contains(f)));
        if (past || safe_now) && !present && by_flags > ctx.past_level {
            reasons.push(frame_reason(
                readings,
                &["past", "safe_now"],
                &rules.texts.past,
            ));
            ctx.past_level
        } else if offer_only && !answered_yes && by_flags > ctx.offer_level {
            note(&mut reasons, &rules.texts.offer_only);
            lowered_by_frame = true;
            ctx.offer_level
        } else if suspicion && by_flags == Level::High && !answered_yes {
            reasons.push(frame_reason(
                readings,
                &["suspicion"],
                &rules.texts.suspicion,
            ));
            lowered_by_frame = true;
            lowered_by_hearsay = true;
            ctx.suspicion_level
        } else {
            if critical_by_minor {
                note(&mut reasons, &rules.texts.critical_with_minor);
            }
            by_flags
        }
    };
    // When unsure, lean up: a distressed writer, trafficking words or a survivor asking for
    // help is never `low`, even without an indicator.
    let level = if level < ctx.lean_up_level && !frame.fiction {
        let over_other_problem = ctx
            .not_a_case_leans_up_on
            .as_ref()
            .filter(|_| other_problem);
        let lean = ctx
            .lean_up_cues
            .iter()
            .filter(|cue| over_other_problem.is_none_or(|only| only.contains(cue)))
            .find(|cue| any_reading_has(readings, cue));
        let length: usize = readings.iter().map(|(_, r)| r.chars).sum();
        match lean {
            Some(cue) => {
                reasons.push(frame_reason(
                    readings,
                    &[cue.as_str()],
                    &rules.texts.lean_up,
                ));
                ctx.lean_up_level
            }
            None if length > ctx.long_message_chars && over_other_problem.is_none() => {
                note(&mut reasons, &rules.texts.long_message);
                ctx.lean_up_level
            }
            None => level,
        }
    } else {
        level
    };
    // The safety net lifts only: one step above what the rules found, never more, never down,
    // where some message reads like reports of a higher level than the rules gave. Not where the
    // frame reads as fiction, news or a rumour: the rules have the words that show it, and a
    // film's or a news report's violent words resemble real reports to a model of words.
    let lift = if frame.fiction {
        None
    } else {
        safety_net_lift(readings, rules)
    };
    // Over a high level the rules found, a critical reading needs the higher score
    // `context.net_critical_over_high`; below it the message reads as high, no lift.
    let lowered_by_frame = lowered_by_frame && ctx.net_respects_offer_and_suspicion;
    // Hearsay the rules lowered has no critical fact in it (a critical fact is never lowered);
    // a model of words cannot hear that it is hearsay, so it does not lift it at all.
    let lowered_by_hearsay = lowered_by_hearsay && ctx.net_respects_offer_and_suspicion;
    let lift = lift.filter(|(reads_as, score, _)| {
        let bar_over_high = (level == Level::High || lowered_by_frame)
            && ctx.net_critical_over_high.is_some_and(|t| *score < t);
        // Over an offer or hearsay only a critical reading lifts; over low (not a case, a
        // short question) only a critical score of `net_low_min_critical`.
        let offer_or_hearsay = lowered_by_frame && *reads_as != Level::Critical;
        let not_a_case = level == Level::Low
            && ctx
                .net_low_min_critical
                .is_some_and(|t| *reads_as != Level::Critical || *score < t);
        !((*reads_as == Level::Critical && bar_over_high)
            || offer_or_hearsay
            || not_a_case
            || lowered_by_hearsay)
    });
    // A critical reading lifts a level the rules set at or above `context.net_critical_from`
    // straight to critical: a critical report whose words no list holds is read as medium by
    // the rules, and one step would leave it at high.
    let level = match lift {
        Some((reads_as, _, closest)) if reads_as > level => {
            let at_once = reads_as == Level::Critical
                && ctx.net_critical_from.is_some_and(|from| level >= from);
            let text = if at_once {
                &rules.texts.safety_net_critical
            } else {
                &rules.texts.safety_net
            };
            reasons.push(Reason {
                flag: None,
                text: text
                    .replace("{level}", reads_as.as_str())
                    .replace("{closest}", &closest.join(", ")),
                evidence: Vec::new(),
            });
            if at_once { reads_as } else { level.raised() }
        }
        _ => level,
    };
    let (flags, reasons) = if general_question && !answered_yes {
        let context_only = |f: &String| ctx.not_enough_alone.contains(f);
        (
            flags.into_iter().filter(|f| !context_only(f)).collect(),
            reasons
                .into_iter()
                .filter(|r| !r.flag.as_ref().is_some_and(context_only))
                .collect(),
        )
    } else {
        (flags, reasons)
    };
    Assessment {
        level,
        flags,
        reasons,
        rules_version: rules.version.clone(),
    }
}

/// The highest level some message reads as to the safety net (when one is loaded), with that
/// message's critical score and the closest training examples at that level or above. A message
/// shorter than `context.net_min_chars` is not read.
fn safety_net_lift(
    readings: &[(MessageId, &MessageReading)],
    rules: &TriageRules,
) -> Option<(Level, f32, Vec<String>)> {
    rules.safety_net.as_ref()?;
    readings
        .iter()
        .filter(|(_, r)| r.chars >= rules.context.net_min_chars)
        .filter_map(|(_, r)| r.resemblance.as_ref())
        .filter_map(|r| r.reads_as.map(|level| (level, r.score, &r.closest)))
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map(|(level, score, closest)| (level, score, closest.clone()))
}

/// Whether some message's reading found the cue.
fn any_reading_has(readings: &[(MessageId, &MessageReading)], cue: &str) -> bool {
    readings.iter().any(|(_, r)| r.has(cue))
}

/// What the text is, as its frame cues say.
struct Frame {
    /// Fiction, a film, news or a rumour, with no real person shown (no yes answer, no words
    /// of distress, a relative or a witness).
    fiction: bool,
    /// An offer not yet taken, with nothing over or ongoing.
    offer: bool,
    /// A third party reports what they saw or heard.
    third_party: bool,
    /// A short question, with nothing that leans up (distress, trafficking words).
    short_question: bool,
}

impl Frame {
    fn of(
        readings: &[(MessageId, &MessageReading)],
        answered_yes: bool,
        danger_now: bool,
        over: bool,
        ctx: &super::rules::ContextRules,
    ) -> Frame {
        let any = |cue: &str| any_reading_has(readings, cue);
        // A counselor's yes answer, or danger said to be now, is about a real person.
        let real = answered_yes || danger_now;
        Frame {
            // Words of a real person (distress, "my sister", "I saw") outweigh a "movie" or a
            // "news alert" in the same text. Fiction narrates danger in the present tense, so a
            // danger-now cue does not count against it; a counselor's answer does.
            // Unless the writer says it is no real case at all (a drill, a role-play): then a
            // "friend" inside the script is the script's (frame-20). A plea for help is never
            // outweighed: a frightened person may try the line with "is this real?" first.
            fiction: !answered_yes
                && ((any("not_real") && !any("distress"))
                    || (any("fiction") && !ctx.real_person_cues.iter().any(|c| any(c)))),
            offer: any("offer") && !real && !over,
            third_party: any("third_party"),
            // An offer is a possible case: asking about one is not a general question.
            short_question: any("question")
                && !any("offer")
                && readings.iter().map(|(_, r)| r.chars).sum::<usize>() <= ctx.short_question_chars
                && !ctx.lean_up_cues.iter().any(|c| any(c)),
        }
    }
}

/// A reason for a frame, with the words that show it (the first few places its cues occur).
fn frame_reason(readings: &[(MessageId, &MessageReading)], cues: &[&str], text: &str) -> Reason {
    // The words are in the evidence, not the text: stored readings keep offsets only.
    Reason {
        flag: None,
        text: text.to_owned(),
        evidence: cue_evidence(readings, cues),
    }
}

/// The words of the first three of these cues, across the messages.
fn cue_evidence(readings: &[(MessageId, &MessageReading)], cues: &[&str]) -> Vec<Evidence> {
    readings
        .iter()
        .flat_map(|(id, r)| {
            r.cues
                .iter()
                .filter(|c| cues.contains(&c.flag.as_str()))
                .map(move |c| Evidence {
                    message_id: *id,
                    start: c.start,
                    end: c.end,
                    quote: c.quote.clone(),
                })
        })
        .take(3)
        .collect()
}

/// Reasons as stored: offsets only, no quoted words (the API fills `quote` from the decrypted
/// message when it shows the case).
pub fn without_quotes(reasons: &[Reason]) -> Vec<Reason> {
    reasons
        .iter()
        .map(|r| Reason {
            evidence: r
                .evidence
                .iter()
                .map(|e| Evidence {
                    quote: String::new(),
                    ..e.clone()
                })
                .collect(),
            ..r.clone()
        })
        .collect()
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
            TriageRules::load(Path::new("config/triage/shared.yaml")).unwrap()
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
    fn a_minor_alone_answered_yes_is_high_but_only_mentioned_is_not() {
        assert_eq!(assess_answers(&[("minor", "yes")]).level, Level::High);
    }

    fn assess_text(text: &str) -> Assessment {
        let answers = Answers::default();
        let report = ReportForTriage {
            messages: vec![(MessageId(uuid::Uuid::nil()), text)],
            answers: &answers,
        };
        assess(
            &report,
            rules(),
            Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap(),
        )
    }

    fn frame_evidence(a: &Assessment, text_part: &str) -> Vec<String> {
        a.reasons
            .iter()
            .filter(|r| r.flag.is_none() && r.text.contains(text_part))
            .flat_map(|r| r.evidence.iter().map(|e| e.quote.clone()))
            .collect()
    }

    #[test]
    fn a_film_with_violent_words_is_low_with_nothing_flagged_and_says_why() {
        let a = assess_text(
            "watched the movie last night, the boss locks the girl in a room and beats her with a gun",
        );
        assert_eq!(a.level, Level::Low);
        assert!(a.flags.is_empty());
        assert_eq!(frame_evidence(&a, "fiction"), ["movie"]);
    }

    #[test]
    fn a_film_mentioned_by_someone_begging_for_help_is_not_fiction() {
        let a = assess_text("like in the movie, they lock me in a room. please help me");
        assert_eq!(a.level, Level::Critical);
    }

    #[test]
    fn a_boat_job_still_on_offer_sets_no_at_sea_flag() {
        let a = assess_text(
            "An agent offered my brother a job on a fishing boat, he must pay a placement fee first. He haven't decided yet.",
        );
        assert!(!a.flags.iter().any(|f| f == "at_sea"), "{:?}", a.flags);
        assert!(a.level <= Level::Medium);
    }

    #[test]
    fn a_drill_that_says_it_is_no_real_case_is_low_even_with_a_friend_in_its_script() {
        // Frame-20: the writer's own "not a real case" outweighs the "friend" of the script it
        // carries (rubric: tests are low).
        for text in [
            "[DRILL - NOT A REAL CASE] trainees type this: 'my friend is locked in a room and beaten'",
            "【演练，非真实事件】学员按剧本发：'我朋友被关在房间里，天天挨打'",
        ] {
            let a = assess_text(text);
            assert_eq!(a.level, Level::Low, "{text}: {:?}", a.flags);
            assert!(a.flags.is_empty(), "{text}: {:?}", a.flags);
        }
    }

    #[test]
    fn a_plea_for_help_is_never_read_away_as_a_drill() {
        // Someone frightened may test the line first; "not real" words never outweigh a plea.
        let a = assess_text(
            "this is not a real case, just trying the hotline. please help me, they lock me in the room every night",
        );
        assert_eq!(a.level, Level::Critical, "{:?}", a.flags);
    }

    #[test]
    fn a_survivor_safe_now_in_plain_words_is_medium_though_her_passport_is_still_held() {
        // Frame-20: "now it's safe", "quite safe", "staying at my mother's" say the ordeal is
        // over; "the passport is still with the manager" is what she wants back, not a danger
        // now (the "still" is the passport's).
        for text in [
            "ตอนนี้กลับมาอยู่บ้านได้ 3 สัปดาห์ ปลอดภัยแล้ว ตอนนั้นถูกขังในห้อง พาสปอร์ตยังอยู่กับผู้จัดการ อยากได้พาสปอร์ตคืน",
            "Năm ngoái em bị ép đi khách ở quán karaoke bên Malaysia. Em trốn về được 1 tháng rồi, giờ thì an toàn. Em muốn hỏi về giấy tờ.",
            "去年我在缅甸园区被打被关。现在在老家住了一个月了，挺安全的。想问问怎么报案。",
        ] {
            let a = assess_text(text);
            assert_eq!(a.level, Level::Medium, "{text}: {:?}", a.flags);
        }
    }

    #[test]
    fn a_recruiters_message_not_yet_answered_is_an_offer_whatever_its_terms() {
        // Frame-20: "I haven't answered", "real or scam?" say the pasted terms (the passport the
        // agency keeps) are an offer's red flags, not a seizure now.
        for text in [
            "A scout messaged me on Instagram: modelling in Dubai, USD 4,000 a month, you go on a tourist visa and the agency keeps your passport. I haven't answered. Real or scam?",
            "有人私信我：迪拜模特，月薪4000美金，先办旅游签过去，护照公司帮你保管。我还没回复。这是真的还是骗子？",
        ] {
            assert_reads_as_a_risky_offer_only(text);
        }
    }

    /// A risky offer not taken: medium, with only its red flags (rubric flag rule 2).
    fn assert_reads_as_a_risky_offer_only(text: &str) {
        let a = assess_text(text);
        assert_eq!(a.level, Level::Medium, "{text}: {:?}", a.flags);
        assert_eq!(a.flags, ["deceptive_recruitment"], "{text}");
    }

    #[test]
    fn market_talk_the_reporter_only_passes_on_is_hearsay() {
        // Frame-20: "I heard the women at the market say … that is all I know" is a third
        // party's hearsay with few details: medium (rubric tie-break), not high.
        let a = assess_text(
            "Em nghe mấy bà ngoài chợ nói có đứa con gái bản bên bị bà cò dẫn sang Trung Quốc lấy chồng. Em chỉ biết có vậy thôi ạ.",
        );
        assert_eq!(a.level, Level::Medium, "{:?}", a.flags);
    }

    #[test]
    fn an_offer_nobody_has_taken_yet_keeps_only_its_red_flags_in_every_script() {
        // Frame-19: "not agreed yet", "nobody has gone yet" say the offer is still an offer,
        // so the terms it describes (IDs kept, a fee cut from pay) are its red flags, not a
        // seizure or unpaid wages now.
        for text in [
            "A broker came to our village offering factory jobs in Malaysia, no passport needed, the fee is cut from the salary and he keeps our ID cards. Not agreed yet, is this safe?",
            "นายหน้ามาชวนไปทำงานโรงงานที่มาเลเซีย ไม่ต้องทำพาสปอร์ต หักค่าหัวจากเงินเดือน จะเก็บบัตรประชาชนไว้ ยังไม่มีใครไปค่ะ ควรทำยังไงดี",
            "中介说给我们办手续，要先把身份证收上去，工资从里面扣，不用办护照。现在还没人走，怎么办",
        ] {
            assert_reads_as_a_risky_offer_only(text);
        }
    }

    #[test]
    fn someone_leaving_tonight_by_a_smugglers_path_is_being_moved_even_in_a_calm_question() {
        // Frame-19: a departure within the day on an irregular route is in_transit (rubric:
        // being moved within about a day), however calmly the relative asks about papers.
        for text in [
            "My cousin leaves tonight, the agent takes her by a jungle path into Thailand, no passport needed. Which papers should she bring?",
            "em gái em tối nay đi làm bên Trung Quốc, có người dẫn đi đường mòn, không cần hộ chiếu",
        ] {
            let a = assess_text(text);
            assert_eq!(a.level, Level::Critical, "{text}: {:?}", a.flags);
            assert!(a.flags.iter().any(|f| f == "in_transit"), "{text}");
        }
    }

    #[test]
    fn a_soon_time_with_a_vehicle_in_one_sentence_is_in_transit_and_critical() {
        let a = assess_text("new boss came. we leave at 3am in two vans.");
        assert_eq!(a.level, Level::Critical);
        assert!(a.flags.iter().any(|f| f == "in_transit"));
        // The evidence spans the words that go together ("we leave" ... "3am").
        let evidence = &a.reasons[0].evidence[0];
        assert!(evidence.quote.contains("3am"), "{}", evidence.quote);
        assert!(evidence.quote.split(' ').count() > 1, "{}", evidence.quote);
        // In two sentences the words say nothing together.
        assert!(
            !assess_text("my uncle bought a van. it was 3am.")
                .flags
                .iter()
                .any(|f| f == "in_transit")
        );
    }

    #[test]
    fn a_minor_sitting_with_guests_is_critical() {
        let a = assess_text("she's sitting with guests at the karaoke again. she's 15");
        assert_eq!(a.level, Level::Critical);
        assert!(a.flags.iter().any(|f| f == "sexual_exploitation"));
    }

    #[test]
    fn a_farewell_before_the_phones_are_taken_is_in_transit() {
        let a =
            assess_text("this is my last message, they take our phones before we cross the river");
        assert_eq!(a.level, Level::Critical);
        assert!(a.flags.iter().any(|f| f == "in_transit"), "{:?}", a.flags);
    }

    #[test]
    fn a_boss_who_will_not_let_the_worker_go_home_is_forced_labour() {
        for text in [
            "my boss will not let me go home",
            "I cannot leave the factory",
            "老板不让我回家",
            "เจ้านายไม่ให้กลับบ้าน",
        ] {
            let a = assess_text(text);
            assert!(
                a.flags.iter().any(|f| f == "forced_labour"),
                "{text}: {:?}",
                a.flags
            );
            assert_eq!(a.level, Level::High, "{text}");
        }
    }

    #[test]
    fn an_age_written_in_words_or_after_a_person_makes_a_minor() {
        for text in [
            "my sister is sixteen years old and sits with guests at the karaoke",
            "my daughter (15) sits with guests at the karaoke",
            "她才十六岁，每天要陪客人喝酒",
            "em gái mười sáu tuổi phải ngồi với khách",
        ] {
            let a = assess_text(text);
            assert!(
                a.flags.iter().any(|f| f == "minor"),
                "{text}: {:?}",
                a.flags
            );
            assert_eq!(a.level, Level::Critical, "{text}");
        }
        // An adult's age is not a minor's, in Chinese digits or characters.
        for text in ["她今年28岁，在KTV上班", "他二十五岁，在工厂上班"] {
            assert!(
                !assess_text(text).flags.iter().any(|f| f == "minor"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_long_chinese_account_is_as_long_as_its_english_translation() {
        // 120 characters of Chinese say about what 360 Latin letters do: not a short question.
        let text = "我表哥在国外一个工地上干活，前年通过中介出去的，说是正规劳务输出，中介费交了很多，一半是借的。现在公司说项目款没到，他想回国，老板说合同没到期不能走，我们在国内找过那个中介，中介说不管，请问我们应该找谁？大使馆能管这种事吗？我们真的不知道怎么办了。";
        let a = assess_text(text);
        assert!(a.level >= Level::Medium, "{:?}", a.level);
    }

    #[test]
    fn a_marriage_she_does_not_want_is_forced_marriage() {
        let a = assess_text("the broker is taking my sister to marry a man she has never met");
        assert!(
            a.flags.contains(&"forced_marriage".to_owned()),
            "{:?}",
            a.flags
        );
    }

    #[test]
    fn a_short_question_without_an_indicator_is_low_but_distress_is_never_low() {
        assert_eq!(
            assess_text("is border pass ok for working in mae sot?").level,
            Level::Low
        );
        assert_eq!(assess_text("what do i do? i'm scared").level, Level::Medium);
    }

    #[test]
    fn another_problem_named_without_an_indicator_stays_low_however_frightened_the_writer() {
        let loan = assess_text(
            "I borrowed from a loan app and now the debt collectors message my whole family \
             every day, I am very scared, please help, what should I do",
        );
        assert_eq!(loan.level, Level::Low, "{:?}", loan.reasons);
        let why = loan
            .reasons
            .iter()
            .find(|r| r.text.starts_with("This names another problem"))
            .expect("the other problem is the reason");
        assert!(
            !why.evidence.is_empty(),
            "the words that name it are marked"
        );
        // A greeting names no problem: distress still leans it up.
        assert_eq!(
            assess_text("hello, please help, I am scared").level,
            Level::Medium
        );
        // Nor does the frame hide an indicator: a loan that keeps her working is debt bondage.
        assert!(
            assess_text("my sister cannot leave the karaoke until she pays back the loan").level
                > Level::Medium
        );
    }

    #[test]
    fn do_not_wait_for_me_with_an_apology_to_mother_is_a_farewell_note() {
        assert_self_harm_and_critical(&[
            "เมื่อคืนน้องส่งไลน์มาว่า ไม่ต้องรอพี่นะ ฝากกราบขอโทษแม่ด้วย แล้วก็อ่านไม่ตอบ",
            "tối qua cháu nhắn: mẹ đừng chờ con nữa, con xin lỗi mẹ",
            "昨晚他说别等我了，替我跟妈说声对不起",
        ]);
        // Waiting alone is no farewell.
        let late = assess_text("ไม่ต้องรอพี่นะ วันนี้เลิกงานดึก");
        assert!(!late.flags.contains(&"self_harm".to_owned()));
    }

    #[test]
    fn a_threat_to_the_family_made_last_night_is_critical_even_for_a_survivor_now_safe() {
        let text = "I left the factory two weeks ago and I am staying with my cousin now. This \
                    morning my mother called: the agent came to our house with two men and said \
                    they will burn the house down and hurt my father if I do not pay by Friday. \
                    How long does a complaint take?";
        let a = assess_text(text);
        assert!(
            a.flags.contains(&"threat_violence".to_owned()),
            "{:?}",
            a.flags
        );
        assert_eq!(a.level, Level::Critical, "{:?}", a.reasons);
        // The same ordeal, over, with no threat now, is a survivor needing help: medium.
        let over = assess_text(
            "I left the factory two weeks ago and I am staying with my cousin now. The agent \
             kept all my salary. How long does a complaint take?",
        );
        assert!(over.level < Level::Critical, "{:?}", over.level);
    }

    #[test]
    fn pills_saved_up_and_not_being_a_burden_are_self_harm() {
        assert_self_harm_and_critical(&[
            "she says she has saved up a lot of pills, soon I won't be a burden to anyone",
            "เธอบอกว่าเก็บยาไว้ได้หลายเม็ดแล้ว อีกไม่นานจะไม่เป็นภาระใครแล้ว",
            "她说已经攒了很多药片，过不了多久就不拖累谁了",
        ]);
    }

    /// Each text flags `self_harm` and is critical.
    fn assert_self_harm_and_critical(texts: &[&str]) {
        for text in texts {
            let a = assess_text(text);
            assert!(
                a.flags.contains(&"self_harm".to_owned()),
                "{text}: {:?}",
                a.flags
            );
            assert_eq!(a.level, Level::Critical, "{text}");
        }
    }

    #[test]
    fn a_thai_tone_mark_variant_matches_the_listed_spelling() {
        let listed = assess_text("น้องอายุ 15 ต้องนั่งดริ้งค์กับแขก");
        let variant = assess_text("น้องอายุ 15 ต้องนั่งดริ๊งค์กับแขก");
        assert_eq!(listed.flags, variant.flags);
        assert_eq!(listed.level, variant.level);
    }

    /// The shipped rules with a net trained on a few examples, lifting at `threshold` (0: every
    /// message reads as critical; above 1: none does).
    fn rules_with_net(threshold: f32) -> TriageRules {
        use super::super::safety_net::{Example, SafetyNet, Training};
        let examples = [
            Example {
                id: "c-1",
                text: "they beat me and locked me in the room",
                level: Level::Critical,
            },
            Example {
                id: "n-1",
                text: "is a border pass ok for mae sot?",
                level: Level::Low,
            },
        ];
        let net = SafetyNet::train(
            &examples,
            Training {
                thresholds: [threshold; 3],
                ..Training::default()
            },
            "test",
        );
        let mut rules = rules().clone();
        rules.safety_net = Some(std::sync::Arc::new(net));
        rules
    }

    fn assess_with(rules: &TriageRules, text: &str) -> Assessment {
        let answers = Answers::default();
        let report = ReportForTriage {
            messages: vec![(MessageId(uuid::Uuid::nil()), text)],
            answers: &answers,
        };
        assess(
            &report,
            rules,
            Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap(),
        )
    }

    #[test]
    fn the_safety_net_lifts_low_one_level_and_medium_or_high_to_critical_and_says_why() {
        let mut always = rules_with_net(0.0);
        // The bar over low is tested on its own below.
        always.context.net_low_min_critical = None;
        for text in [
            "is border pass ok for working in mae sot?",
            "She escaped last year and is home now; the employer kept her passport back then.",
            "the employer keeps her passport",
            "they lock me in a room. please help me",
        ] {
            let by_rules = assess_text(text);
            let lifted = assess_with(&always, text);
            // context.net_critical_from: medium. A critical reading takes medium and high
            // straight to critical; low (not a case) goes one step.
            let expected = if by_rules.level >= Level::Medium {
                Level::Critical
            } else {
                by_rules.level.raised()
            };
            assert_eq!(lifted.level, expected, "{text}");
            assert_eq!(lifted.flags, by_rules.flags, "the net sets no flag: {text}");
            let said = lifted
                .reasons
                .iter()
                .any(|r| r.text.contains("resembles critical reports") && r.text.contains("c-1"));
            assert_eq!(said, by_rules.level < Level::Critical, "{text}");
        }
    }

    #[test]
    fn over_a_high_level_a_critical_reading_needs_the_higher_score() {
        let mut rules = rules_with_net(0.0);
        // No score reaches 1.1: over high the net never lifts; under it, it still does.
        rules.context.net_critical_over_high = Some(1.1);
        let high = "the employer keeps her passport";
        assert_eq!(assess_text(high).level, Level::High);
        assert_eq!(assess_with(&rules, high).level, Level::High);
        let medium =
            "She escaped last year and is home now; the employer kept her passport back then.";
        assert_eq!(assess_text(medium).level, Level::Medium);
        assert_eq!(assess_with(&rules, medium).level, Level::Critical);
    }

    #[test]
    fn over_low_only_a_critical_score_of_the_bar_lifts() {
        let mut rules = rules_with_net(0.0);
        let question = "is border pass ok for working in mae sot?";
        assert_eq!(assess_text(question).level, Level::Low);
        // No score reaches 1.1: a question the rules read as not a case stays low.
        rules.context.net_low_min_critical = Some(1.1);
        assert_eq!(assess_with(&rules, question).level, Level::Low);
        rules.context.net_low_min_critical = Some(0.0);
        assert_eq!(assess_with(&rules, question).level, Level::Medium);
    }

    #[test]
    fn over_an_offer_only_a_critical_reading_over_the_bar_lifts_and_over_hearsay_nothing() {
        let offer = "A broker offered me a boat job in Indonesia, he will keep my ID card and pay an advance. I have not decided yet, should I go?";
        let hearsay = "I heard from a neighbour that the girls at that karaoke are not paid and their passports are kept";
        let mut rules = rules_with_net(0.0);
        rules.context.net_critical_over_high = Some(1.1);
        for text in [offer, hearsay] {
            assert_eq!(assess_text(text).level, Level::Medium, "{text}");
            // The frame is respected: no score reaches the bar, so nothing lifts.
            rules.context.net_respects_offer_and_suspicion = true;
            assert_eq!(assess_with(&rules, text).level, Level::Medium, "{text}");
            // Without it a critical reading takes the medium level to critical.
            rules.context.net_respects_offer_and_suspicion = false;
            assert_eq!(assess_with(&rules, text).level, Level::Critical, "{text}");
        }
        // Over hearsay nothing lifts, whatever the score: a critical fact is never lowered.
        rules.context.net_respects_offer_and_suspicion = true;
        rules.context.net_critical_over_high = Some(0.0);
        assert_eq!(assess_with(&rules, hearsay).level, Level::Medium);
        assert_eq!(assess_with(&rules, offer).level, Level::Critical);
    }

    #[test]
    fn a_question_about_a_licensed_route_with_no_warning_sign_is_low_and_says_why() {
        // The rubric: "general or safe-migration questions" are low, however worried.
        for text in [
            "I want to work in Korea through the EPS program with a licensed agency. Is there an agent fee? I'm a bit scared of being cheated.",
            "อยากไปทำงานญี่ปุ่นแบบถูกกฎหมาย ผ่านกรมการจัดหางาน ต้องเสียค่านายหน้าไหมคะ",
            "我想通过正规渠道去新加坡打工，有书面合同，护照自己保管，还要交中介费吗？",
        ] {
            let a = assess_text(text);
            assert_eq!(a.level, Level::Low, "{text}: {:?}", a.reasons);
            assert!(a.flags.is_empty(), "{text}: {:?}", a.flags);
            assert!(
                !frame_evidence(&a, "safe, legal way").is_empty(),
                "{text}: {:?}",
                a.reasons
            );
        }
    }

    #[test]
    fn safe_words_do_not_outweigh_more_warning_signs_or_any_other_indicator() {
        // One safe word against two red flags of the offer: still a risky offer.
        let risky = assess_text(
            "The agent says it is a licensed agency but I must pay 3,000 dollars up front and no passport needed, should I go?",
        );
        assert_eq!(risky.level, Level::Medium, "{:?}", risky.reasons);
        // A safe word beside ongoing control is a case.
        let held = assess_text(
            "I came by MOU legally, but now the boss keeps my passport and I cannot leave the factory",
        );
        assert!(held.level >= Level::High, "{:?}", held.reasons);
    }

    /// Asserts whether triage finds `flag` in `text`.
    fn assert_flag(text: &str, flag: &str, found: bool) {
        let a = assess_text(text);
        assert_eq!(
            a.flags.iter().any(|f| f == flag),
            found,
            "{flag} in {text}: {:?}",
            a.flags
        );
    }

    #[test]
    fn a_worker_recruited_by_an_advertisement_then_exploited_was_deceived_by_those_words() {
        let a = assess_text(
            "A man on Facebook was recruiting factory workers in Bangkok, so my brother went. \
             Now the boss keeps his passport and he works 16 hours a day.",
        );
        let reason = a
            .reasons
            .iter()
            .find(|r| r.flag.as_deref() == Some("deceptive_recruitment"))
            .unwrap_or_else(|| panic!("no deceptive_recruitment: {:?}", a.flags));
        let quotes: Vec<&str> = reason.evidence.iter().map(|e| e.quote.as_str()).collect();
        assert_eq!(quotes, ["recruiting"]);
        // The advertisement alone, with nothing that followed, deceived nobody yet.
        assert_flag(
            "I saw a job ad for a factory in Bangkok, salary 15,000 baht. Is this company real?",
            "deceptive_recruitment",
            false,
        );
    }

    #[test]
    fn a_pay_cut_for_a_missed_target_is_a_rule_in_force_not_a_hypothetical() {
        assert_flag(
            "my cousin works at a company in Laos, if he misses his target they cut his pay",
            "unpaid_wages",
            true,
        );
        assert_flag(
            "I will go to work in Malaysia next month, what if they do not pay my salary?",
            "unpaid_wages",
            false,
        );
    }

    #[test]
    fn quitting_said_in_a_condition_is_no_ordeal_over() {
        let a = assess_text("my cousin works at a company in Laos, if i quit i lose all my salary");
        assert!(
            a.flags.contains(&"forced_labour".to_owned()),
            "{:?}",
            a.flags
        );
        assert!(a.level >= Level::High, "{:?}", a.reasons);
        assert_no_reason(&a, &rules().texts.past);
    }

    /// Asserts that no reason of `a` says `text` (a frame's note).
    fn assert_no_reason(a: &Assessment, text: &str) {
        assert!(!a.reasons.iter().any(|r| r.text == text), "{:?}", a.reasons);
    }

    #[test]
    fn a_referral_that_names_a_court_sentence_is_about_a_real_person_not_news() {
        let a = assess_text(
            "Subject: Referral - Ms K (23)\nWith her consent we refer the case of Ms K, 23. \
             Three years ago she was forced to carry drugs and was sentenced to 2 years. She is \
             home now and needs legal aid and a health check.",
        );
        assert!(a.level >= Level::Medium, "{:?}", a.reasons);
        assert_no_reason(&a, &rules().texts.fiction);
    }

    #[test]
    fn a_worker_shut_inside_a_freezer_is_confined_in_burmese() {
        // "The supervisor has shut him inside the freezer room since noon."
        assert_flag(
            "ကြီးကြပ်ရေးမှူးက သူ့ကို နေ့လယ်ကတည်းက ရေခဲခန်းထဲ ပိတ်ထည့်ထားတယ်",
            "confinement",
            true,
        );
    }

    #[test]
    fn papers_the_person_still_holds_are_not_seized_in_any_word_order() {
        for text in [
            // The flag's phrase runs on past the safe sign.
            "I am a technical intern in Aichi. I came through a licensed agency, I keep my own \
             passport and residence card, and I am paid in full. Can I take leave?",
            "My son has a factory job in Taiwan; he keeps his own passport. How do I check the \
             agency's licence?",
            // The flag's phrase starts before the safe sign ("passport and residence card, I
            // keep them myself").
            "Ho chieu voi the ngoai kieu em tu giu, luong nhan du hang thang. Em hoi ve nghi phep.",
            // "The landlord changed the room's lock ... The ID card stays with me, the factory
            // work is normal" (Khmer), and the same said in Burmese.
            "ម្ចាស់ផ្ទះប្តូរសោបន្ទប់ ហើយមិនឲ្យយករបស់ខ្ញុំចេញ។ អត្តសញ្ញាណប័ណ្ណនៅជាប់ខ្លួនខ្ញុំ \
             ការងាររោងចក្រធម្មតា។",
            "ပိုင်ရှင်က အခန်းသော့ပြောင်းလိုက်တယ်။ မှတ်ပုံတင်က ကိုယ့်ဆီမှာပဲ၊ စက်ရုံအလုပ် ပုံမှန်ပါပဲ။",
        ] {
            assert_flag(text, "documents_seized", false);
        }
        // Held by someone else, it still is, beside a safe sign or a paper the person keeps.
        for text in [
            "I came through a licensed agency but the boss keeps my passport and residence card.",
            "I keep my own passport but my ID card was taken by the boss.",
            "Công ty có giấy phép nhưng giữ hộ chiếu của em, không trả lương.",
        ] {
            assert_flag(text, "documents_seized", true);
        }
    }

    #[test]
    fn unpaid_leave_is_time_off_not_an_unpaid_wage() {
        assert_flag(
            "Can I ask for two weeks of unpaid leave to go home for my sister's wedding?",
            "unpaid_wages",
            false,
        );
        assert_flag(
            "They left me unpaid for three months and keep my passport.",
            "unpaid_wages",
            true,
        );
    }

    #[test]
    fn nobody_coming_looking_and_a_stay_at_the_temple_say_an_ordeal_is_over() {
        for text in [
            "Caller: abbot. About 8 years ago a man took him to herd buffalo; he was chained at \
             night and beaten. He is staying at the temple now, nobody has come looking for him.",
            "She was locked in the flat above the spa and slapped. She flew home last month. \
             Safe now, no contact from anyone.",
        ] {
            let a = assess_text(text);
            assert_eq!(a.level, Level::Medium, "{text}: {:?}", a.reasons);
            // "No contact from anyone" is nobody chasing her, not a person missing.
            assert!(
                !a.flags.contains(&"missing_person".to_owned()),
                "{:?}",
                a.flags
            );
        }
        assert_flag(
            "My sister went to work in Malaysia, 2 months with no contact since May.",
            "missing_person",
            true,
        );
    }

    #[test]
    fn a_passport_the_worker_keeps_is_not_a_passport_seized() {
        assert_flag(
            "Before I go to Japan through a licensed agency: I keep my own passport, what else should I check?",
            "documents_seized",
            false,
        );
    }

    #[test]
    fn at_home_in_lao_is_not_on_a_boat_but_a_small_boat_is() {
        // "ຢູ່ເຮືອນ" (at home) holds "ຢູ່ເຮືອ" (on the boat); "ເຮືອນ້ອຍ" is a small boat.
        assert_flag("ຕອນນີ້ນ້ອງສາວຢູ່ເຮືອນກັບແມ່ແລ້ວ ແຕ່ບໍລິສັດບໍ່ຈ່າຍເງິນເດືອນ", "at_sea", false);
        assert_flag("ລູກຊາຍຂ້ອຍຢູ່ເຮືອຫາປາ ນາຍເຮືອບໍ່ໃຫ້ກັບບ້ານ", "at_sea", true);
        assert_flag("ຄືນນີ້ນາຍໜ້າຈະພາລາວຂ້າມນ້ຳຂອງດ້ວຍເຮືອນ້ອຍ", "in_transit", true);
    }

    #[test]
    fn a_phrase_that_ends_inside_a_burmese_syllable_is_not_read() {
        // "ကလေး မွေးပေး" is to give birth for someone (surrogacy): the mark after "မ" belongs
        // to it, so there is no "ကလေးမ" (girl) and no minor here.
        assert_flag(
            "ကလေး မွေးပေးရင် ငွေအများကြီး ပေးမယ်လို့ ပွဲစားက ပြောတယ်",
            "minor",
            false,
        );
        // "no permission to go home" is still read where it is written in full.
        assert_flag("သူဌေးက အိမ် ပြန်ခွင့်မရှိဘူးလို့ ပြောတယ်", "forced_labour", true);
    }

    #[test]
    fn a_boss_who_keeps_the_gate_key_and_the_shoes_confines_without_saying_locked() {
        let a = assess_text(
            "since she asked to go home the boss collects all the girls' shoes every night and keeps the gate key on his belt",
        );
        assert_eq!(a.level, Level::Critical, "{:?}", a.reasons);
        assert_flag(
            "ตกกลางคืนเถ้าแก่เก็บรองเท้าของพวกผู้หญิงไปหมด กุญแจประตูรั้วก็แขวนไว้ที่เอวเขาตลอด",
            "confinement",
            true,
        );
    }

    #[test]
    fn a_threat_to_sell_someone_on_if_they_run_is_a_threat() {
        for text in [
            "If you run, I'll sell you to a place where girls serve men, the employer told my daughter",
            "bà chủ nói: mày mà bỏ trốn thì tao bán mày vào chỗ con gái phải phục vụ đàn ông",
            "女主人说：你敢跑，我就把你卖到专门伺候男人的地方去",
        ] {
            assert_flag(text, "threat_violence", true);
        }
    }

    #[test]
    fn a_move_told_as_over_is_not_being_moved_now() {
        let now = assess_text(
            "The boss told us to pack, after dinner a pickup comes to take us to the port, only a few hours left",
        );
        assert_eq!(now.level, Level::Critical, "{:?}", now.reasons);
        assert!(now.flags.iter().any(|f| f == "in_transit"));
        let over = assess_text(
            "Last month the boss told us to pack, after dinner a pickup came to take us to the port. I jumped off at a petrol station and I am safe at home now.",
        );
        assert!(
            !over.flags.iter().any(|f| f == "in_transit"),
            "{:?}",
            over.flags
        );
        assert!(over.level < Level::Critical, "{:?}", over.reasons);
    }

    #[test]
    fn a_minor_with_only_a_risky_offer_is_medium_and_no_reason_calls_it_critical() {
        let a = assess_text(
            "A neighbour will take my 16-year-old daughter to work in a restaurant in Thailand, no passport needed, across the river at night. Is this job real?",
        );
        assert_eq!(a.level, Level::Medium, "{:?}", a.reasons);
        assert!(
            !a.reasons.iter().any(|r| r.text.contains("critical")),
            "{:?}",
            a.reasons
        );
        // Where the minor does make it critical, the reason says so.
        let held = assess_text("my sister is 15, the karaoke owner keeps her ID card");
        assert_eq!(held.level, Level::Critical, "{:?}", held.reasons);
        assert!(
            held.reasons
                .iter()
                .any(|r| r.text == rules().texts.critical_with_minor),
            "{:?}",
            held.reasons
        );
    }

    #[test]
    fn a_passport_still_with_the_employer_does_not_make_a_past_ordeal_ongoing() {
        // "Now I escaped to the embassy, safe now, but the passport is still with the employer."
        let past = assess_text("ตอนนี้หนูหนีออกมาอยู่ที่สถานทูตแล้วค่ะ ปลอดภัยแล้ว แต่พาสปอร์ตยังอยู่กับนายจ้าง");
        assert_eq!(past.level, Level::Medium, "{:?}", past.reasons);
        assert!(past.flags.iter().any(|f| f == "documents_seized"));
        // Still locked in is still now.
        let now = assess_text("I am still locked in the room, my passport is with the employer");
        assert_eq!(now.level, Level::Critical);
    }

    #[test]
    fn an_english_phrase_counts_when_thai_or_chinese_touches_it() {
        // Code-mixed writers put no space between the scripts.
        let thai = assess_text("นายจ้างlocked us inทุกคืน");
        assert!(
            thai.flags.iter().any(|f| f == "confinement"),
            "{:?}",
            thai.flags
        );
        // Inside a Latin word it still does not count.
        let word = assess_text("the unlocked us interface");
        assert!(
            !word.flags.iter().any(|f| f == "confinement"),
            "{:?}",
            word.flags
        );
    }

    #[test]
    fn a_general_question_that_names_a_country_flags_nothing() {
        let a = assess_text("can filipinos work in cambodia legally? what visa do we need?");
        assert_eq!(a.level, Level::Low);
        assert!(a.flags.is_empty(), "{:?}", a.flags);
        // A case in the same country keeps the flag.
        let case = assess_text("my sister in cambodia, the boss keeps her passport");
        assert!(case.flags.iter().any(|f| f == "abroad"), "{:?}", case.flags);
    }

    #[test]
    fn the_safety_net_does_not_read_a_message_of_a_few_words() {
        let always = rules_with_net(0.0);
        // "held case" is 9 characters, under context.net_min_chars (30).
        assert_eq!(assess_text("held case").level, Level::Medium);
        assert_eq!(assess_with(&always, "held case").level, Level::Medium);
    }

    #[test]
    fn the_safety_net_never_lowers_a_level_the_rules_set() {
        let never = rules_with_net(1.5);
        for text in [
            "they lock me in a room. please help me",
            "the employer keeps her passport",
            "what do i do? i'm scared",
        ] {
            let by_rules = assess_text(text);
            let with_net = assess_with(&never, text);
            assert_eq!(with_net.level, by_rules.level, "{text}");
            assert!(
                !with_net
                    .reasons
                    .iter()
                    .any(|r| r.text.contains("resembles")),
                "{text}"
            );
        }
    }

    #[test]
    fn the_safety_net_does_not_lift_what_reads_as_fiction_or_news() {
        let always = rules_with_net(0.0);
        let text =
            "Just watched the new netflix series, episode 3 where they beat him and lock him in";
        let with_net = assess_with(&always, text);
        assert_eq!(with_net.level, Level::Low, "{text}");
        assert!(
            !with_net
                .reasons
                .iter()
                .any(|r| r.text.contains("resembles")),
            "{text}"
        );
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

/// Hostile input (issue 18): triage reads whatever a person typed, in any script, of any size;
/// it answers a reading, never a panic.
#[cfg(test)]
mod never_panics {
    use std::path::Path;

    use proptest::prelude::*;

    use super::{TriageRules, read_message};

    fn rules() -> &'static TriageRules {
        static RULES: std::sync::LazyLock<TriageRules> = std::sync::LazyLock::new(|| {
            TriageRules::load(Path::new("config/triage/shared.yaml"))
                .unwrap_or_else(|e| panic!("{e}"))
        });
        &RULES
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn on_text_from_every_unicode_plane(text in "\\PC{0,400}") {
            let _ = read_message(&text, rules());
        }

        #[test]
        fn on_arbitrary_scalar_values(chars in proptest::collection::vec(any::<char>(), 0..400)) {
            let text: String = chars.into_iter().collect();
            let _ = read_message(&text, rules());
        }
    }

    #[test]
    fn on_a_huge_message() {
        let text = "ช่วยด้วย ขังไว้ 🆘 \u{200b}\u{0301}".repeat(5_000);
        let _ = read_message(&text, rules());
    }
}
