//! The indicator lexicons: per language, phrases for each rubric flag and cue phrases that
//! change how a flag counts (negation, hypotheticals) or what level the facts deserve (the
//! situation is past, the person is safe now, a third party only suspects, it is not a case).
//!
//! Files are `config/triage/<language>.yaml` beside `shared.yaml`. Every language's phrases are
//! tried on every text, because people mix languages and a message's language is often unknown.
//!
//! Matching works on a prepared text (see `normalize`): Burmese in Zawgyi converted to Unicode,
//! NFC, lowercased, Latin letters folded to their base letter (so Vietnamese typed without
//! marks, and curly apostrophes, match). Latin-script phrases must start and end at a word
//! boundary. Thai, Lao, Khmer, Burmese and Chinese have no spaces between words, so their
//! phrases match as substrings: the lists hold phrases long enough not to occur inside
//! unrelated words (each file's header notes the short words deliberately left out). Whether
//! this beats a dictionary segmenter is measured in the closing note of the triage issue.
//!
//! A flag phrase does not count when a negation cue ends shortly before it in the same clause
//! ("not locked in", "ไม่ได้ถูกขัง", "không bị đánh"), or when a hypothetical cue comes earlier in
//! the same clause ("what if they take my passport").

use std::collections::BTreeMap;
use std::hash::BuildHasherDefault;
use std::path::Path;

use serde::Deserialize;

use super::normalize::{Prepared, is_unspaced_script, prepare_phrase, prepare_phrase_marked};
use super::rules::FLAGS;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    language: String,
    #[serde(default)]
    needs_native_review: bool,
    flags: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    cues: CueLists,
    /// Word groups that set a flag only together (see `Signal`): "tonight" and "in a van".
    #[serde(default)]
    groups: BTreeMap<String, Vec<String>>,
    /// Longer words that hold a phrase's last letters and mean something else: Lao "ເຮືອນ"
    /// (house) after "ຢູ່ເຮືອ" (on the boat) makes "ຢູ່ເຮືອນ", at home. A phrase that ends
    /// inside one of these words is not read (an unspaced script has no word breaks to tell).
    #[serde(default)]
    false_friends: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CueLists {
    #[serde(default)]
    negation: Vec<String>,
    /// Negations that follow what they deny (Burmese "ဒဏ်ရာ မရှိဘူး", no injury).
    #[serde(default)]
    negation_after: Vec<String>,
    #[serde(default)]
    hypothetical: Vec<String>,
    #[serde(default)]
    past: Vec<String>,
    #[serde(default)]
    safe_now: Vec<String>,
    #[serde(default)]
    danger_now: Vec<String>,
    #[serde(default)]
    suspicion: Vec<String>,
    #[serde(default)]
    not_a_case: Vec<String>,
    #[serde(default)]
    other_problem: Vec<String>,
    #[serde(default)]
    consequence: Vec<String>,
    #[serde(default)]
    disjunction: Vec<String>,
    #[serde(default)]
    fiction: Vec<String>,
    #[serde(default)]
    offer: Vec<String>,
    #[serde(default)]
    third_party: Vec<String>,
    #[serde(default)]
    distress: Vec<String>,
    #[serde(default)]
    context: Vec<String>,
    #[serde(default)]
    question: Vec<String>,
    /// Words that make the distress phrase right after them describe a thing, not the writer:
    /// "น่า" in "น่ากลัวมาก" (very frightening) before "กลัวมาก" (very frightened).
    #[serde(default)]
    describing: Vec<String>,
    /// Signs of a safe, legal route: a licensed agency, the official scheme and fee, a
    /// passport the worker keeps, a written contract ("licensed agency", "hộ chiếu em tự giữ").
    #[serde(default)]
    safe_route: Vec<String>,
    /// The writer says the text is no real case: a drill, a test message, a role-play script,
    /// made-up people ("[DRILL / TEST - NOT A REAL CASE]", "人物都是虚构的").
    #[serde(default)]
    not_real: Vec<String>,
    /// The person was recruited or offered the work that followed: an advertisement, a post, a
    /// broker's or recruiter's offer ("answered a Facebook ad", "ชวนไปทำงาน", "招工").
    #[serde(default)]
    recruited: Vec<String>,
}

/// A cue phrase's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cue {
    /// "not", "ไม่", "không": the flag phrase right after it is denied.
    Negation,
    /// "မရှိဘူး" (there is none): the flag phrase right before it is denied, in languages that
    /// put the negation after what it denies.
    NegationAfter,
    /// "what if", "will", "ถ้า": the rest of the clause has not happened.
    Hypothetical,
    /// The situation is over: escaped, came home, last year.
    Past,
    /// The person is safe now: at home, in a shelter, at the embassy.
    SafeNow,
    /// The danger is now: still, right now, tonight.
    DangerNow,
    /// A third party suspects or heard, with few facts.
    Suspicion,
    /// Not a case: a general question, an advertisement, a greeting, a test, another problem.
    NotACase,
    /// Not a case because the text names another problem: a loan, a fraud call, a lost card,
    /// land, a divorce ("loan app", "ทวงหนี้", "网贷"). Also `not_a_case`; with no indicator,
    /// distress or length does not lean it up (rubric: other problems are low).
    OtherProblem,
    /// "then", "thì", "就": what follows a condition happens ("if we miss the quota, then they
    /// beat us"), so a hypothetical cue's reach ends here.
    Consequence,
    /// "or", "หรือ", "hay", "或": a negation carries over it to the next flag phrase ("not
    /// locked in or beaten", "ไม่ได้ถูกขังหรือถูกทำร้าย": neither).
    Disjunction,
    /// The text is fiction, a film, news or a forwarded rumour: no concrete person.
    Fiction,
    /// A job or marriage offer not taken yet ("should I go?", "haven't decided").
    Offer,
    /// Someone reports what they saw or heard about another person (a teacher, a driver).
    ThirdParty,
    /// The writer is distressed or begs for help ("please help", "I'm scared").
    Distress,
    /// Words of trafficking without an indicator ("trafficked", "the broker", "sold").
    Context,
    /// The text asks something ("?", "ไหม", "吗", "လား").
    Question,
    /// "น่า", "ໜ້າ", "គួរឲ្យ": the distress phrase right after it describes something
    /// ("frightening"), so it is no distress of the writer's.
    Describing,
    /// Signs of a safe, legal way to work or marry abroad: a licensed agency, the official
    /// scheme and its fee, a passport the person keeps, a written contract, no broker.
    SafeRoute,
    /// The writer says it is no real case (a drill, a test, a role-play, made-up people):
    /// read as fiction even when the script inside it speaks of a friend or begs for help.
    NotReal,
    /// The person was recruited or offered the work that followed (an advertisement, a post,
    /// a broker's offer): with exploitation found, the recruitment deceived them.
    Recruited,
}

impl Cue {
    /// Every cue, for finding one by its name.
    pub const ALL: [Cue; 21] = [
        Cue::Negation,
        Cue::NegationAfter,
        Cue::Hypothetical,
        Cue::Past,
        Cue::SafeNow,
        Cue::DangerNow,
        Cue::Suspicion,
        Cue::NotACase,
        Cue::OtherProblem,
        Cue::Consequence,
        Cue::Disjunction,
        Cue::Fiction,
        Cue::Offer,
        Cue::ThirdParty,
        Cue::Distress,
        Cue::Context,
        Cue::Question,
        Cue::Describing,
        Cue::SafeRoute,
        Cue::NotReal,
        Cue::Recruited,
    ];

    /// The cue a rules file names.
    pub fn named(name: &str) -> Option<Cue> {
        Cue::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The cue's name in the rules files and in stored readings.
    pub fn name(self) -> &'static str {
        match self {
            Cue::Negation => "negation",
            Cue::NegationAfter => "negation_after",
            Cue::Hypothetical => "hypothetical",
            Cue::Past => "past",
            Cue::SafeNow => "safe_now",
            Cue::DangerNow => "danger_now",
            Cue::Suspicion => "suspicion",
            Cue::NotACase => "not_a_case",
            Cue::OtherProblem => "other_problem",
            Cue::Consequence => "consequence",
            Cue::Disjunction => "disjunction",
            Cue::Fiction => "fiction",
            Cue::Offer => "offer",
            Cue::ThirdParty => "third_party",
            Cue::Distress => "distress",
            Cue::Context => "context",
            Cue::Question => "question",
            Cue::Describing => "describing",
            Cue::SafeRoute => "safe_route",
            Cue::NotReal => "not_real",
            Cue::Recruited => "recruited",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Flag(String),
    Cue(Cue),
    Group(String),
    /// A word that a phrase ending inside it does not match (`false_friends`).
    FalseFriend,
}

/// A flag set by words that say little alone but much together, in one sentence and close
/// to each other: a time that is soon ("tonight", "5am") with a vehicle or a move ("the van",
/// "transferred") is `in_transit`; a guard with a door is `confinement`. From `signals` in
/// `shared.yaml`; the groups' words are in each language file under `groups`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    /// The flag the words set together, or
    #[serde(default)]
    pub flag: String,
    /// the cue they set together ("now" with "at home" is `safe_now`), as its name in the
    /// files (`past`, `safe_now`, `danger_now`, `distress`...). Exactly one of the two.
    #[serde(default)]
    pub cue: Option<String>,
    /// Group names: a word of each must occur.
    pub all: Vec<String>,
    /// At most this many characters from the first word's start to the last word's end.
    pub window: CharWindow,
    /// How many sentence ends may come between the words (0: one sentence). A despairing
    /// line and a farewell are often two sentences: "I can't take this anymore. Tell my
    /// mother I'm sorry."
    #[serde(default)]
    pub sentences: usize,
    /// The words describe the present ("after dinner a pickup comes"): in an account that is
    /// over (a past or safe-now cue and no danger-now cue: "last month … after dinner a pickup
    /// came; I ran, I'm home now") they set nothing.
    #[serde(default)]
    pub only_now: bool,
    /// The words state a rule in force, so a condition does not make them hypothetical: "if
    /// he misses his target they cut his pay" is what happens (frame-21). Off: a hypothetical
    /// cue drops the flag like any other ("what if they don't pay me").
    #[serde(default)]
    pub conditional: bool,
}

#[derive(Debug, Clone)]
struct Phrase {
    kind: Kind,
    /// Index into `languages`: negation and hypothetical cues act only on phrases of their own
    /// language (Vietnamese "ko" must not deny a romanized Thai phrase).
    language: usize,
    chars: Vec<char>,
    /// The first part with its Latin marks, when it has any: where the text has marks too,
    /// they must agree (see `Prepared::marked`).
    marked: Option<Vec<char>>,
    /// Further parts of a phrase written with gaps ("护照 … 扣"): each must follow the part
    /// before it within the gap window, in the same clause.
    rest: Vec<Vec<char>>,
    /// Latin-script phrases need word boundaries.
    bounded: bool,
}

/// A phrase's first three characters as one number, the key of `Lexicon::by_start`: 21 bits
/// each, a missing one as 0x1F_FFFF (above every char).
fn start_key(c0: char, c1: Option<char>, c2: Option<char>) -> u64 {
    const NONE: u64 = 0x1F_FFFF;
    let bits = |c: Option<char>| c.map_or(NONE, u64::from);
    u64::from(c0) | bits(c1) << 21 | bits(c2) << 42
}

/// Hashes a `start_key` with one multiply and a fold (issue 18: SipHash on three lookups per
/// character was about a twentieth of a phone report's instructions). The keys in the map come
/// from the rules; a text only looks them up, so there is nothing to flood.
#[derive(Debug, Clone, Copy, Default)]
pub struct StartKeyHasher(u64);

impl std::hash::Hasher for StartKeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let x = (n ^ self.0).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = x ^ (x >> 32);
    }
}

/// Every language's phrases, compiled.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    phrases: Vec<Phrase>,
    /// Phrase indexes by their first three characters (shorter phrases by all they have), so a
    /// text is scanned once and each position tries only the few phrases that can start there.
    by_start: std::collections::HashMap<u64, Vec<usize>, BuildHasherDefault<StartKeyHasher>>,
    /// Languages loaded, and whether each still needs a native speaker's review.
    pub languages: Vec<(String, bool)>,
    /// Flags set by word groups together (from the shared rules).
    pub signals: Vec<Signal>,
    /// Every group name some language file defines.
    pub group_names: std::collections::BTreeSet<String>,
}

/// A flag phrase found in a text. Offsets count Unicode scalar values of the prepared text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub flag: String,
    pub start: usize,
    pub end: usize,
}

/// What the lexicon found in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// Flag phrases that count (not negated, not hypothetical), in text order.
    pub hits: Vec<Hit>,
    pub past: bool,
    pub safe_now: bool,
    pub danger_now: bool,
    pub suspicion: bool,
    pub not_a_case: bool,
    /// Every frame cue that counts (not denied), with its span in the text: what the text is
    /// (fiction or news, an offer, a third party's report...) and the words that say so.
    pub cues: Vec<(Cue, usize, usize)>,
}

impl Findings {
    pub fn has(&self, cue: Cue) -> bool {
        self.cues.iter().any(|(c, _, _)| *c == cue)
    }
}

/// A distance in characters, for scripts with and without spaces between words: how far
/// before a flag phrase a negation cue may end and still deny it, or how many characters may
/// come between the parts of a phrase written with a gap ("工资 … 没发").
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CharWindow {
    /// For phrases in scripts with spaces between words (Latin).
    pub spaced: usize,
    /// For phrases in scripts without (Thai, Lao, Khmer, Burmese, Chinese).
    pub unspaced: usize,
}

impl Lexicon {
    /// Loads every `*.yaml` in `dir` except `shared.yaml`. Errors name the file and the reason.
    pub fn load_dir(dir: &Path) -> Result<Lexicon, String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .filter(|p| p.file_name().is_some_and(|n| n != "shared.yaml"))
            .collect();
        paths.sort();
        let mut lexicon = Lexicon::default();
        for path in paths {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            lexicon
                .add_file(&text)
                .map_err(|e| format!("{}: {}", path.display(), with_line(&text, &e)))?;
        }
        Ok(lexicon)
    }

    pub(crate) fn add_file(&mut self, text: &str) -> Result<(), String> {
        let file: LexiconFile = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
        let language = self.languages.len();
        for (flag, phrases) in &file.flags {
            if !FLAGS.contains(&flag.as_str()) {
                return Err(format!("flags.{flag}: not a rubric flag"));
            }
            for phrase in phrases {
                self.push(Kind::Flag(flag.clone()), language, phrase)
                    .map_err(|e| format!("flags.{flag}: {e}"))?;
            }
        }
        for (group, phrases) in &file.groups {
            for phrase in phrases {
                self.push(Kind::Group(group.clone()), language, phrase)
                    .map_err(|e| format!("groups.{group}: {e}"))?;
            }
            self.group_names.insert(group.clone());
        }
        for word in &file.false_friends {
            self.push(Kind::FalseFriend, language, word)
                .map_err(|e| format!("false_friends: {e}"))?;
        }
        let c = &file.cues;
        for (cue, name, list) in [
            (Cue::Negation, "negation", &c.negation),
            (Cue::NegationAfter, "negation_after", &c.negation_after),
            (Cue::Hypothetical, "hypothetical", &c.hypothetical),
            (Cue::Past, "past", &c.past),
            (Cue::SafeNow, "safe_now", &c.safe_now),
            (Cue::DangerNow, "danger_now", &c.danger_now),
            (Cue::Suspicion, "suspicion", &c.suspicion),
            (Cue::NotACase, "not_a_case", &c.not_a_case),
            (Cue::OtherProblem, "other_problem", &c.other_problem),
            (Cue::Consequence, "consequence", &c.consequence),
            (Cue::Disjunction, "disjunction", &c.disjunction),
            (Cue::Fiction, "fiction", &c.fiction),
            (Cue::Offer, "offer", &c.offer),
            (Cue::ThirdParty, "third_party", &c.third_party),
            (Cue::Distress, "distress", &c.distress),
            (Cue::Context, "context", &c.context),
            (Cue::Question, "question", &c.question),
            (Cue::Describing, "describing", &c.describing),
            (Cue::SafeRoute, "safe_route", &c.safe_route),
            (Cue::NotReal, "not_real", &c.not_real),
            (Cue::Recruited, "recruited", &c.recruited),
        ] {
            for phrase in list {
                self.push(Kind::Cue(cue), language, phrase)
                    .map_err(|e| format!("cues.{name}: {e}"))?;
            }
        }
        self.languages
            .push((file.language.clone(), file.needs_native_review));
        Ok(())
    }

    fn push(&mut self, kind: Kind, language: usize, phrase: &str) -> Result<(), String> {
        // "A … B" (or "A ... B"): B follows A with a few other words between.
        let phrase_text = phrase.replace("...", "…");
        let parts: Vec<Vec<char>> = phrase_text.split('…').map(prepare_phrase).collect();
        let marked = phrase_text
            .split('…')
            .next()
            .and_then(|first| prepare_phrase_marked(first).1);
        if parts.iter().any(Vec::is_empty) {
            return Err(format!("an empty phrase or gap part in {phrase:?}"));
        }
        if parts.len() > 1 && !matches!(kind, Kind::Flag(_)) {
            return Err(format!("cues cannot have gaps: {phrase:?}"));
        }
        let mut parts = parts.into_iter();
        let chars = parts.next().unwrap_or_default();
        let rest: Vec<Vec<char>> = parts.collect();
        let all = || std::iter::once(&chars).chain(rest.iter()).flatten();
        let bounded = all().any(|c| c.is_alphabetic()) && !all().any(|c| is_unspaced_script(*c));
        self.by_start
            .entry(start_key(
                chars[0],
                chars.get(1).copied(),
                chars.get(2).copied(),
            ))
            .or_default()
            .push(self.phrases.len());
        self.phrases.push(Phrase {
            kind,
            language,
            chars,
            marked,
            rest,
            bounded,
        });
        Ok(())
    }

    pub fn phrase_count(&self) -> usize {
        self.phrases.len()
    }

    /// Finds flags and cues in a prepared text.
    pub fn analyse(
        &self,
        text: &Prepared,
        window: CharWindow,
        gap: CharWindow,
        exempt: &[String],
    ) -> Findings {
        let t = &text.folded;
        // Clause breaks counted up to each position (one count for every script, one that also
        // counts spaces for unspaced scripts), so "is there a break between a and b" is O(1).
        let mut breaks = vec![(0usize, 0usize, 0usize); t.len() + 1];
        // Letters up to each position, combining marks not counted: a signal's window counts
        // letters, so a Khmer or Burmese word (a base letter with subscripts and vowel signs)
        // is not three times as long as a Thai one ("អង្គុយជាមួយភ្ញៀវ", sit with guests: 16
        // characters, 11 letters).
        let mut letters = vec![0usize; t.len() + 1];
        for (i, c) in t.iter().enumerate() {
            let (p, s, e) = breaks[i];
            let punct = is_clause_break(*c);
            breaks[i + 1] = (
                p + usize::from(punct),
                s + usize::from(punct || *c == ' '),
                e + usize::from(is_sentence_end(*c)),
            );
            letters[i + 1] =
                letters[i] + usize::from(!unicode_normalization::char::is_combining_mark(*c));
        }
        let at_word_bounds = |start: usize, end: usize| {
            let before = start.checked_sub(1).map(|i| t[i]);
            let after = t.get(end).copied();
            !(before.is_some_and(is_word_char) || after.is_some_and(is_word_char))
        };
        // Where the gap parts of a phrase end, if they all follow within the window, and the
        // gaps themselves (a negation inside one denies the phrase: "พาสปอร์ตไม่โดนยึด").
        let gap_end = |phrase: &Phrase, mut pos: usize| -> Option<(usize, Vec<(usize, usize)>)> {
            let mut gaps = Vec::new();
            let limit = if phrase.bounded {
                gap.spaced
            } else {
                gap.unspaced
            };
            for part in &phrase.rest {
                let n = part.len();
                let found = (pos..=pos + limit).find(|&j| {
                    j + n <= t.len()
                        && t[j..j + n] == part[..]
                        && breaks[j].0 == breaks[pos].0
                        && (!phrase.bounded || at_word_bounds(j, j + n))
                })?;
                if found > pos {
                    gaps.push((pos, found));
                }
                pos = found + n;
            }
            Some((pos, gaps))
        };
        // (what, start, end, unspaced, language)
        let mut flags: Vec<(String, usize, usize, bool, usize)> = Vec::new();
        // The gaps of gap phrases that matched: (start of the phrase, gap start, gap end).
        let mut gap_spans: Vec<(usize, usize, usize)> = Vec::new();
        let mut cues: Vec<(Cue, usize, usize, bool, usize)> = Vec::new();
        let mut groups: Vec<(&str, usize, usize, bool, usize)> = Vec::new();
        let mut false_friends: Vec<(usize, usize)> = Vec::new();
        for (start, c) in t.iter().enumerate() {
            let (c1, c2) = (t.get(start + 1).copied(), t.get(start + 2).copied());
            let three = c2.and_then(|_| self.by_start.get(&start_key(*c, c1, c2)));
            let two = c1.and_then(|_| self.by_start.get(&start_key(*c, c1, None)));
            let one = self.by_start.get(&start_key(*c, None, None));
            for &i in three.into_iter().chain(two).chain(one).flatten() {
                let phrase = &self.phrases[i];
                let n = phrase.chars.len();
                if start + n > t.len() || t[start..start + n] != phrase.chars[..] {
                    continue;
                }
                let span_marked = &text.marked[start..start + n];
                if let Some(marked) = &phrase.marked
                    && span_marked != &t[start..start + n]
                    && span_marked != &marked[..]
                {
                    continue;
                }
                if phrase.bounded && !at_word_bounds(start, start + n) {
                    continue;
                }
                let Some((end, gaps)) = gap_end(phrase, start + n) else {
                    continue;
                };
                gap_spans.extend(gaps.into_iter().map(|(a, b)| (start, a, b)));
                let (unspaced, language) = (!phrase.bounded, phrase.language);
                match &phrase.kind {
                    Kind::Flag(f) => flags.push((f.clone(), start, end, unspaced, language)),
                    Kind::Cue(c) => cues.push((*c, start, end, unspaced, language)),
                    Kind::Group(g) => groups.push((g.as_str(), start, end, unspaced, language)),
                    // Its last letter carrying a mark starts the next syllable: "ເຮືອນ້ອຍ"
                    // is "ເຮືອ" + "ນ້ອຍ" (a small boat), not the house.
                    Kind::FalseFriend => {
                        // (tone marks are folded away, so look at the text as written)
                        let next_written =
                            text.origin.get(end - 1).and_then(|i| text.chars.get(i + 1));
                        if !next_written
                            .is_some_and(|c| unicode_normalization::char::is_combining_mark(*c))
                        {
                            false_friends.push((start, end));
                        }
                    }
                }
            }
        }
        // A phrase that ends inside a false friend ("ຢູ່ເຮືອ|ນ") is part of that other word.
        // And in a script without spaces, a phrase that ends right before a combining mark
        // ends inside a syllable: the mark belongs to its last letter ("ကလေး မ|ွေး", to give
        // birth, holds no "ကလေးမ", girl).
        let cut = |end: usize, unspaced: bool| {
            false_friends.iter().any(|(s, e)| *s < end && end < *e)
                || (unspaced
                    && t.get(end)
                        .is_some_and(|c| unicode_normalization::char::is_combining_mark(*c)))
        };
        flags.retain(|(_, _, end, unspaced, _)| !cut(*end, *unspaced));
        cues.retain(|(_, _, end, unspaced, _)| !cut(*end, *unspaced));
        groups.retain(|(_, _, end, unspaced, _)| !cut(*end, *unspaced));
        let has_clause_break = |_: &[char], from: usize, to: usize, unspaced: bool| {
            if unspaced {
                breaks[to].1 != breaks[from].1
            } else {
                breaks[to].0 != breaks[from].0
            }
        };
        // How far before a phrase a negation may end and still deny it (and how far "or" may
        // stand from the phrases it joins).
        let reach = |unspaced: bool| {
            if unspaced {
                window.unspaced
            } else {
                window.spaced
            }
        };
        // "miss the quota, then beaten": a consequence cue between a negation or a hypothetical
        // and the phrase ends its reach.
        let consequence_between = |from: usize, to: usize, language: usize| {
            cues.iter().any(|(c, cs, ce, _, l)| {
                *c == Cue::Consequence && *l == language && *cs >= from && *ce <= to
            })
        };
        let denied_how = |start: usize, end: usize, unspaced: bool, language: usize| {
            let limit = reach(unspaced);
            // A negation that follows the phrase ("ဒဏ်ရာ မရှိဘူး": injury, there is none) reaches
            // less far than one before it: after the phrase, the next clause's verb follows soon.
            let after = if unspaced {
                window.unspaced.min(4)
            } else {
                window.spaced.min(12)
            };
            let follows = cues.iter().any(|(cue, s, _, _, lang)| {
                *cue == Cue::NegationAfter
                    && *lang == language
                    && *s >= end
                    && *s - end <= after
                    // A space between words is no break here: Burmese writes one before "မရှိ".
                    && breaks[*s].0 == breaks[end].0
            });
            let before = cues.iter().any(|(cue, s, e, _, lang)| {
                *cue == Cue::Negation
                    && *lang == language
                    && *e <= start
                    && start - *e <= limit
                    && *s < start
                    && !has_clause_break(t, *e, start, unspaced)
                    // "miss the quota, then beaten": the negation belongs to the condition.
                    && !consequence_between(*e, start, language)
            });
            match (before, follows) {
                (true, _) => Some(Denial::Before),
                (false, true) => Some(Denial::After),
                _ => None,
            }
        };
        let denied = |start: usize, end: usize, unspaced: bool, language: usize| {
            denied_how(start, end, unspaced, language).is_some()
        };
        // A hypothetical cue that starts before the phrase covers it, even when they share a
        // word ("nếu sang Nhật": "if going to Japan").
        let hypothetical = |start: usize, language: usize| {
            cues.iter().any(|(cue, s, e, unspaced, lang)| {
                *cue == Cue::Hypothetical
                    && *lang == language
                    && *s < start
                    && !has_clause_break(t, (*e).min(start), start, *unspaced)
                    && !consequence_between(*e, start, language)
            })
        };
        // Signals: a word of every group, close together in one sentence, none denied.
        groups.retain(|(_, start, end, unspaced, language)| {
            !denied(*start, *end, *unspaced, *language)
        });
        // Cues that words set together, added once the signals are read.
        let mut signal_cues: Vec<(Cue, usize, usize, bool, usize)> = Vec::new();
        // Flags of signals that describe the present, kept until the cues say whether the
        // account is over.
        let mut now_flags: Vec<(String, usize, usize, bool, usize)> = Vec::new();
        // Where `conditional` signals set their flags (flag, start, end): a hypothetical cue
        // does not drop them.
        let mut rules_in_force: Vec<(String, usize, usize)> = Vec::new();
        for signal in &self.signals {
            let Some(first) = signal.all.first() else {
                continue;
            };
            for (_, s0, e0, u0, l0) in groups.iter().filter(|g| g.0 == first.as_str()) {
                // A phrase of one group may hold a word of another ("sit with guests").
                let (mut from, mut to, mut unspaced) = (*s0, *e0, *u0);
                let all = signal.all[1..].iter().all(|name| {
                    let best = groups
                        .iter()
                        .filter(|(g, _, _, _, _)| *g == name.as_str())
                        .map(|(_, s, e, u, _)| (*s.min(&from), *e.max(&to), *u || unspaced))
                        .filter(|(a, b, u)| {
                            let limit = if *u {
                                signal.window.unspaced
                            } else {
                                signal.window.spaced
                            };
                            letters[*b] - letters[*a] <= limit
                                && breaks[*b].2 - breaks[*a].2 <= signal.sentences
                        })
                        .min_by_key(|(a, b, _)| b - a);
                    match best {
                        Some((a, b, u)) => {
                            (from, to, unspaced) = (a, b, u);
                            true
                        }
                        None => false,
                    }
                });
                if all {
                    match signal.cue.as_deref().and_then(Cue::named) {
                        Some(cue) => signal_cues.push((cue, from, to, unspaced, *l0)),
                        None if signal.only_now => {
                            now_flags.push((signal.flag.clone(), from, to, unspaced, *l0))
                        }
                        None => {
                            if signal.conditional {
                                rules_in_force.push((signal.flag.clone(), from, to));
                            }
                            flags.push((signal.flag.clone(), from, to, unspaced, *l0))
                        }
                    }
                }
            }
        }
        let mut findings = Findings::default();
        // Where the danger-now cues are (folded offsets): one inside what a survivor asks to get
        // back does not make the danger now (below).
        let mut danger_spans: Vec<(usize, usize)> = Vec::new();
        // "น่ากลัวมาก" (frightening) holds "กลัวมาก" (frightened): a describing word right
        // before a distress phrase makes it the news's or the film's, not the writer's.
        let described = |start: usize, language: usize| {
            cues.iter()
                .any(|(c, _, e, _, l)| *c == Cue::Describing && *l == language && *e == start)
        };
        // "I saw" right before "a news clip" ("หนูเห็นคลิปข่าว", "ខ្ញុំឃើញក្លីបព័ត៌មាន") says who
        // watched the news, not that a witness saw a real person.
        let saw_the_news = |end: usize| {
            cues.iter().any(|(c, s, _, _, _)| {
                *c == Cue::Fiction && *s >= end && t[end..*s].iter().all(|c| *c == ' ')
            })
        };
        for (cue, start, end, unspaced, language) in cues.iter().chain(&signal_cues) {
            if *cue == Cue::Negation
                || *cue == Cue::NegationAfter
                || *cue == Cue::Hypothetical
                || *cue == Cue::Consequence
                || *cue == Cue::Disjunction
                || *cue == Cue::Describing
                || (*cue == Cue::Distress && described(*start, *language))
                || (*cue == Cue::ThirdParty && saw_the_news(*end))
                || denied(*start, *end, *unspaced, *language)
                // "if i quit i lose all my salary": an ending in a condition has not happened.
                || (matches!(cue, Cue::Past | Cue::SafeNow) && hypothetical(*start, *language))
            {
                continue;
            }
            match cue {
                Cue::Past => findings.past = true,
                Cue::SafeNow => findings.safe_now = true,
                Cue::DangerNow => danger_spans.push((*start, *end)),
                Cue::Suspicion => findings.suspicion = true,
                Cue::NotACase | Cue::OtherProblem => findings.not_a_case = true,
                _ => {}
            }
            if !findings.cues.iter().any(|(c, s, _)| c == cue && s == start) {
                let (s, e) = text.span(*start, *end);
                findings.cues.push((*cue, s, e));
            }
        }
        findings.cues.sort_by_key(|(_, s, e)| (*s, *e));
        if !((findings.past || findings.safe_now) && danger_spans.is_empty()) {
            flags.extend(now_flags);
        }
        flags.sort_by_key(|(_, s, e, _, _)| (*s, std::cmp::Reverse(*e)));
        // A negation carries over a disjunction: "not locked in or beaten", "未提及暴力或关押"
        // (no mention of violence or detention) deny both phrases, and where the negation
        // follows ("ရိုက်တာ သို့မဟုတ် ချုပ်တာ မရှိ") it carries back to the phrase before.
        let mut denials: Vec<Option<Denial>> = flags
            .iter()
            .map(|(_, start, end, unspaced, language)| {
                let inside = gap_spans.iter().any(|(phrase_start, a, b)| {
                    phrase_start == start
                        && b <= end
                        && cues.iter().any(|(cue, s, e, _, lang)| {
                            *cue == Cue::Negation && lang == language && s >= a && e <= b
                        })
                });
                if inside {
                    Some(Denial::Before)
                } else {
                    denied_how(*start, *end, *unspaced, *language)
                }
            })
            .collect();
        // Spaces often stand around "หรือ" and "ຫຼື", so only punctuation ends the reach.
        let disjunction_between = |from: usize, to: usize, language: usize, limit: usize| {
            cues.iter().any(|(cue, s, e, _, lang)| {
                *cue == Cue::Disjunction
                    && *lang == language
                    && *s >= from
                    && *s - from <= limit
                    && *e <= to
                    && to - *e <= limit
            })
        };
        let joined =
            |(_, s1, e1, u1, l1): &(String, usize, usize, bool, usize),
             (_, s2, _, u2, l2): &(String, usize, usize, bool, usize)| {
                let limit = reach(*u1 || *u2);
                l1 == l2
                    && e1 <= s2
                    && breaks[*s1].0 == breaks[*s2].0
                    && disjunction_between(*e1, *s2, *l1, limit)
            };
        // "មិនរាយការណ៍ពីការវាយ ឬការឃុំខ្លួន" (no report of beating or detention): where the
        // first of the two is no flag phrase, the negation before it still reaches over "or".
        let negation_over_disjunction = |start: usize, unspaced: bool, language: usize| {
            let limit = reach(unspaced);
            cues.iter().any(|(cue, s, e, _, lang)| {
                *cue == Cue::Disjunction
                    && *lang == language
                    && *e <= start
                    && start - *e <= limit
                    && cues.iter().any(|(n, ns, ne, _, nl)| {
                        *n == Cue::Negation
                            && *nl == language
                            && *ne <= *s
                            && *s - *ne <= 3 * limit
                            && breaks[*ns].0 == breaks[start].0
                            && !consequence_between(*ne, start, language)
                    })
            })
        };
        for (i, (_, start, _, unspaced, language)) in flags.iter().enumerate() {
            if denials[i].is_none() && negation_over_disjunction(*start, *unspaced, *language) {
                denials[i] = Some(Denial::Before);
            }
        }
        for i in 0..flags.len() {
            for j in i + 1..flags.len() {
                if denials[j].is_none()
                    && matches!(denials[i], Some(Denial::Before))
                    && joined(&flags[i], &flags[j])
                {
                    denials[j] = Some(Denial::Before);
                }
            }
        }
        for j in (0..flags.len()).rev() {
            for i in (0..j).rev() {
                if denials[i].is_none()
                    && matches!(denials[j], Some(Denial::After))
                    && joined(&flags[i], &flags[j])
                {
                    denials[i] = Some(Denial::After);
                }
            }
        }
        for ((flag, start, end, _, language), denial) in flags.into_iter().zip(denials) {
            // Some flags hold even in a condition: a threat is conditional by nature ("if you
            // run, we kill your family"), and an age is a fact, not an event.
            let conditional_ok = exempt.contains(&flag)
                || rules_in_force
                    .iter()
                    .any(|(f, s, e)| *f == flag && *s == start && *e == end);
            if denial.is_some() || (!conditional_ok && hypothetical(start, language)) {
                continue;
            }
            if findings
                .hits
                .iter()
                .any(|h| h.flag == flag && h.start < end && start < h.end)
            {
                continue;
            }
            findings.hits.push(Hit { flag, start, end });
        }
        // "The passport is still with the employer", "the boss still owes two months' pay": a
        // danger-now cue ("still") inside a held document or unpaid wages is about what a
        // survivor wants back, not a danger now, so it does not keep a past ordeal ongoing.
        findings.danger_now = danger_spans.iter().any(|(s, e)| {
            !findings.hits.iter().any(|h| {
                QUIET_WHEN_STILL.contains(&h.flag.as_str()) && h.start <= *s && *e <= h.end
            })
        });
        // Offsets of the text, not of its folded view (which may have dropped characters).
        for hit in &mut findings.hits {
            (hit.start, hit.end) = text.span(hit.start, hit.end);
        }
        findings.hits.sort_by_key(|h| (h.start, h.end));
        findings
    }
}

/// Which way a negation denied a flag phrase: from before it ("not beaten") or after it
/// (Burmese "ဒဏ်ရာ မရှိဘူး", injury: there is none). A disjunction carries each its own way.
#[derive(Debug, Clone, Copy)]
enum Denial {
    Before,
    After,
}

/// Flags whose phrase may hold a danger-now cue without the danger being now ("passport still
/// with the employer", "wages still owed").
const QUIET_WHEN_STILL: [&str; 2] = ["documents_seized", "unpaid_wages"];

/// YAML errors name their line; for a rule error (an unknown flag, an empty phrase) find the
/// line of the key it names, so the message says file, line and reason.
fn with_line(text: &str, error: &str) -> String {
    if error.contains(" line ") {
        return error.to_owned();
    }
    let key = error
        .split(':')
        .next()
        .and_then(|path| path.rsplit('.').next())
        .unwrap_or("");
    match text
        .lines()
        .position(|l| !key.is_empty() && l.trim_start().starts_with(&format!("{key}:")))
    {
        Some(i) => format!("line {}: {error}", i + 1),
        None => error.to_owned(),
    }
}

/// Letters and digits; an apostrophe is not, so a phrase in quotes ('extra service') matches.
/// A letter or digit that joins a Latin-script phrase's word: a Thai, Lao, Khmer, Burmese or
/// Chinese character next to it does not ("我cousin上个月", "passport一到就kena keep了",
/// "นายจ้าง keep บัตรชมพู"): code-mixed writers put no space between the scripts.
fn is_word_char(c: char) -> bool {
    crate::chars::is_alphanumeric(c) && !is_unspaced_script(c)
}

/// Sentence ends (a signal's words must be in one sentence; a comma does not end it).
fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\n' | '。' | '！' | '？' | '။' | '។')
}

/// Sentence and clause ends: punctuation in every script and a line break. Between words of
/// unspaced scripts, which use a space between phrases, a space counts too (see `analyse`).
fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | ';'
            | '\n'
            | '。'
            | '！'
            | '？'
            | '；'
            | '…'
            | '၊'
            | '။'
            | '។'
            | ','
            | '，'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::triage::normalize::prepare;

    const WINDOW: CharWindow = CharWindow {
        spaced: 16,
        unspaced: 8,
    };
    const GAP: CharWindow = CharWindow {
        spaced: 20,
        unspaced: 6,
    };

    fn lexicon(yaml: &str) -> Lexicon {
        let mut l = Lexicon::default();
        l.add_file(yaml).unwrap();
        l
    }

    fn flags(l: &Lexicon, text: &str) -> Vec<String> {
        l.analyse(&prepare(text), WINDOW, GAP, &[])
            .hits
            .into_iter()
            .map(|h| h.flag)
            .collect()
    }

    #[test]
    fn frightening_news_is_no_frightened_writer_and_seeing_the_news_is_no_witness() {
        let l = lexicon(
            "language: th\nflags:\n  weapon: [\"ปืน\"]\ncues:\n  distress: [\"กลัวมาก\"]\n  describing: [\"น่า\"]\n  third_party: [\"หนูเห็น\"]\n  fiction: [\"คลิปข่าว\"]\n",
        );
        let cues = |text: &str| -> Vec<Cue> {
            let found = l.analyse(&prepare(text), WINDOW, GAP, &[]);
            found.cues.into_iter().map(|(c, _, _)| c).collect()
        };
        // "I saw a news clip ... very frightening": news, nobody frightened, nobody witnessed.
        assert_eq!(cues("หนูเห็นคลิปข่าว น่ากลัวมาก"), [Cue::Fiction]);
        // "I am very frightened", "I saw them beat him": the writer's own.
        assert_eq!(cues("หนูกลัวมาก"), [Cue::Distress]);
        assert_eq!(cues("หนูเห็นเขาตีพี่"), [Cue::ThirdParty]);
    }

    #[test]
    fn latin_phrases_match_whole_words_only_whatever_the_case() {
        let l = lexicon("language: en\nflags:\n  weapon: [gun]\n");
        assert_eq!(flags(&l, "He has a GUN!"), ["weapon"]);
        assert!(flags(&l, "a begun task").is_empty());
    }

    #[test]
    fn thai_phrases_match_inside_running_text_with_scalar_offsets() {
        let l = lexicon("language: th\nflags:\n  confinement: [\"ขังไว้\"]\n");
        let hits = l.analyse(&prepare("เขาขังไว้ในห้อง"), WINDOW, GAP, &[]).hits;
        assert_eq!((hits[0].start, hits[0].end), (3, 9));
    }

    #[test]
    fn a_negation_that_follows_the_phrase_denies_it_but_one_inside_it_does_not() {
        let l = lexicon(
            "language: my\nflags:\n  injury_medical: [\"ဒဏ်ရာ\"]\n  unpaid_wages: [\"လစာ မရှိ\"]\ncues:\n  negation_after: [\"မရှိ\"]\n",
        );
        // "injury: there is none", with the space Burmese writers put before the negation.
        assert!(flags(&l, "ဒဏ်ရာ မရှိဘူး").is_empty());
        assert_eq!(flags(&l, "ဒဏ်ရာ ရတယ်"), ["injury_medical"]);
        // A phrase that holds the negation itself ("no salary") still counts.
        assert_eq!(flags(&l, "လစာ မရှိဘူး"), ["unpaid_wages"]);
    }

    #[test]
    fn a_negated_phrase_does_not_count_but_the_next_clause_does() {
        let l = lexicon(
            "language: en\nflags:\n  confinement: [locked in]\ncues:\n  negation: [not, \"weren't\"]\n",
        );
        assert!(flags(&l, "I am not locked in").is_empty());
        assert!(flags(&l, "we weren't locked in").is_empty());
        assert_eq!(
            flags(&l, "I am not sure. They locked in my sister"),
            ["confinement"]
        );
    }

    #[test]
    fn a_negation_carries_over_or_to_the_next_phrase_but_not_over_and_or_a_full_stop() {
        let l = lexicon(
            "language: en\nflags:\n  confinement: [locked in]\n  threat_violence: [beaten]\ncues:\n  negation: [not, no report of]\n  disjunction: [or]\n",
        );
        assert!(flags(&l, "She is not locked in or beaten").is_empty());
        // The first of the two need not be a flag phrase: the negation reaches over "or".
        assert!(flags(&l, "no report of shouting or beaten").is_empty());
        // Past the negation's own reach, "or" carries it and "and" does not.
        assert!(flags(&l, "not locked in at the house or beaten").is_empty());
        assert_eq!(
            flags(&l, "not locked in at the house and beaten daily"),
            ["threat_violence"]
        );
        assert_eq!(
            flags(&l, "Not locked in. Or beaten, she said"),
            ["threat_violence"]
        );
    }

    #[test]
    fn in_thai_the_spaces_around_or_do_not_stop_the_negation() {
        let l = lexicon(
            "language: th\nflags:\n  confinement: [\"ถูกขัง\"]\n  threat_violence: [\"ถูกทำร้าย\"]\ncues:\n  negation: [\"ไม่ได้\"]\n  disjunction: [\"หรือ\"]\n",
        );
        assert!(flags(&l, "น้องไม่ได้ถูกขังหรือถูกทำร้าย").is_empty());
        assert!(flags(&l, "น้องไม่ได้ถูกขัง หรือ ถูกทำร้าย").is_empty());
        assert_eq!(
            flags(&l, "น้องถูกขังหรือถูกทำร้าย"),
            ["confinement", "threat_violence"]
        );
    }

    #[test]
    fn a_negation_after_the_phrases_carries_back_over_or() {
        let l = lexicon(
            "language: my\nflags:\n  confinement: [\"ချုပ်\"]\n  threat_violence: [\"ရိုက်\"]\ncues:\n  negation_after: [\"မရှိ\"]\n  disjunction: [\"သို့မဟုတ်\"]\n",
        );
        assert!(flags(&l, "ရိုက် သို့မဟုတ် ချုပ် မရှိ").is_empty());
    }

    #[test]
    fn vietnamese_typed_without_marks_matches_the_marked_phrase() {
        let l = lexicon(
            "language: vi\nflags:\n  threat_violence: [\"bị đánh\"]\ncues:\n  negation: [\"không\"]\n",
        );
        assert_eq!(flags(&l, "em bi danh moi ngay"), ["threat_violence"]);
        assert!(flags(&l, "em khong bi danh").is_empty());
    }

    #[test]
    fn a_hypothetical_clause_does_not_count() {
        let l = lexicon(
            "language: en\nflags:\n  documents_seized: [take my passport]\ncues:\n  hypothetical: [what if]\n",
        );
        assert!(flags(&l, "what if they take my passport?").is_empty());
        assert_eq!(flags(&l, "they take my passport"), ["documents_seized"]);
    }

    #[test]
    fn a_phrase_with_a_gap_matches_across_a_few_words_in_the_same_clause() {
        let l = lexicon(
            "language: zh\nflags:\n  unpaid_wages: [\"工资 … 没发\"]\n  documents_seized: [\"took … passport\"]\n",
        );
        assert_eq!(flags(&l, "我的工资一直没发"), vec!["unpaid_wages"]);
        assert_eq!(flags(&l, "工资没发"), vec!["unpaid_wages"]);
        // Too far apart, or in another clause: no.
        assert!(flags(&l, "工资是多少我不知道他们说没发").is_empty());
        assert!(flags(&l, "工资很高。没发").is_empty());
        assert_eq!(
            flags(&l, "the boss took my son's passport"),
            vec!["documents_seized"]
        );
        assert!(flags(&l, "took. passport").is_empty());
        let hits = l.analyse(&prepare("工资一直没发"), WINDOW, GAP, &[]).hits;
        assert_eq!(
            (hits[0].start, hits[0].end),
            (0, 6),
            "evidence spans both parts"
        );
        let l = lexicon(
            "language: th\nflags:\n  documents_seized: [\"พาสปอร์ต … ยึด\"]\ncues:\n  negation: [\"ไม่\"]\n",
        );
        assert_eq!(flags(&l, "พาสปอร์ตโดนยึด"), vec!["documents_seized"]);
        assert!(
            flags(&l, "พาสปอร์ตไม่โดนยึด").is_empty(),
            "a negation inside the gap denies it"
        );
    }

    #[test]
    fn a_gap_part_left_empty_is_refused() {
        let mut l = Lexicon::default();
        assert!(
            l.add_file("language: zh\nflags:\n  unpaid_wages: [\"工资 … \"]\n")
                .is_err()
        );
    }

    #[test]
    fn a_condition_with_a_consequence_still_counts() {
        let l = lexicon(
            "language: vi\nflags:\n  threat_violence: [\"bị đánh\"]\ncues:\n  hypothetical: [\"nếu\"]\n  consequence: [\"thì\"]\n",
        );
        assert_eq!(
            flags(&l, "nếu không đủ chỉ tiêu thì bị đánh"),
            ["threat_violence"]
        );
        assert!(flags(&l, "nếu bị đánh").is_empty());
    }

    #[test]
    fn a_phrase_under_an_unknown_flag_is_refused() {
        let mut l = Lexicon::default();
        assert!(l.add_file("language: en\nflags:\n  danger: [x]\n").is_err());
    }

    #[test]
    fn the_shipped_lexicons_load() {
        let l = Lexicon::load_dir(Path::new("config/triage")).unwrap();
        assert!(l.phrase_count() > 100);
        assert!(l.languages.len() >= 7);
    }
}
