//! Burmese typed in the legacy Zawgyi encoding: detection, and conversion to standard Unicode.
//!
//! Zawgyi is a font-based encoding that most Burmese phones used until Myanmar adopted Unicode
//! in 2019, and many still do. It reuses the Myanmar block (U+1000–U+109F) but gives code points
//! other meanings: U+1039 is the asat (killer) rather than the stacking virama, U+103A–U+103D are
//! the medials ya, ra, wa and ha (Unicode: asat, ya, ra, wa), U+1060–U+1097 are precomposed glyph
//! variants (stacked consonants, kinzi, short medials, alternative dots and tails) that Unicode
//! assigns to Mon, Karen and Shan letters. Text is stored in visual order: the vowel sign E (ေ)
//! and medial ra (ြ) come before the consonant they are drawn to the left of, kinzi after it.
//! The same bytes therefore read as different (often nonsense) words in the other encoding.
//!
//! Triage matches the Burmese lexicon (`config/triage/my.yaml`, Unicode only) against messages,
//! so a message that looks like Zawgyi is converted first (`normalize::prepare`). The original
//! text is kept as received and the conversion is stored beside it
//! (`normalize::zawgyi_conversion`), so a wrong guess costs a missed phrase, never the caller's
//! own words. These functions are pure and never fail.
//!
//! Detection weighs evidence, one character at a time with its neighbours, for each reading:
//! sequences only Zawgyi produces (ေ at the start of a word or after a finished syllable, medial
//! ra before a consonant, U+1039 not followed by a consonant or between two consonants that never
//! stack, Zawgyi glyph variants after a consonant) against sequences only Unicode produces (U+103E,
//! kinzi U+1004 U+103A U+1039, ေ followed by ာ / း / a word end, asat after ာ or ့). The evidence
//! is summed and turned into a probability with the logistic function; with no evidence either way
//! it is 0.5, below the threshold, so the text is left alone.
//!
//! Limits of the detector:
//! - Very short texts may carry no evidence: many words (ကို, ပါ, ရဲ, ကူညီ) are the same bytes in
//!   both encodings, and then nothing needs converting anyway. Others differ but give only weak
//!   evidence and stay below the threshold on their own: ေC at the end of a word (Zawgyi အေမ,
//!   "mother"), Zawgyi medial wa U+103C read as Unicode medial ra (ထြက္ without its asat), a
//!   consonant pair that can also be a Pali stack (ပိတ္ထား). On generated plain syllables (no
//!   glyph variants, the hard case) about 44% of one-syllable and 68% of two-syllable Zawgyi
//!   strings are detected, 89% at four syllables, 96% at six; no generated Unicode was taken
//!   for Zawgyi. Real Zawgyi, with its short and cut glyph variants, is easier.
//! - It decides for the whole text: a message that mixes a Zawgyi part and a Unicode part is
//!   converted, or not, as a whole, by whichever evidence is larger.
//! - It knows Burmese only. Mon, Shan and Karen written in Unicode use U+1033/U+1034 and
//!   U+105A–U+109F as letters; Shan-looking uses (such a code point starting a word, or a Zawgyi
//!   "stacked" form after a vowel) count against Zawgyi, but Mon text can still look like Zawgyi.
//! - The weights are set by reasoning about both encodings' spelling rules and checked on the
//!   tests below, not trained on a corpus: treat the probability as a score, not a frequency.
//!
//! Conversion maps each Zawgyi code point to its Unicode meaning, groups the result into
//! syllable clusters (pre-base ေ and ြ, a base, and its dependents) and writes each cluster in
//! Unicode storage order: kinzi, consonant, stacked consonant, medials ျ ြ ွ ှ, ေ, upper vowel,
//! lower vowel, ါ/ာ, ံ, ့, ်, း. It is best effort for badly typed Zawgyi.
//!
//! Written from the published character tables, not from anyone's code. What was learned from:
//! the Unicode Standard (chapter 16, Myanmar) and Unicode Technical Note #11 "Representing
//! Myanmar in Unicode" (storage order; ့ before ်), the Zawgyi-One character map as published
//! with the Rabbit converter (github.com/Rabbit-Converter/Rabbit, `ref/`), whose zg2uni rule list
//! showed which reorderings and special cases matter in practice (ေ and ြ moved behind the
//! consonant, ၎ standing for ၎င်း, ဥ read as ဉ before ် or ာ, စ + ya meaning ဈ, ၀ typed for ဝ),
//! and Google's myanmar-tools (github.com/google/myanmar-tools), whose detector compares how
//! likely a text is under each encoding and reports a probability; this one compares hand-written
//! evidence instead of a trained Markov model.

use std::borrow::Cow;

/// Probability at or above which a text is treated as Zawgyi. One decisive cue (weight 4.0)
/// gives 0.98, one strong cue (2.5) 0.92; weak cues need company.
const THRESHOLD: f64 = 0.9;

/// How likely the text is Zawgyi rather than Unicode Burmese: 0.0..=1.0 (0.0 for text with no
/// Myanmar letters).
pub fn zawgyi_probability(text: &str) -> f64 {
    let chars: Vec<char> = text.chars().collect();
    if !chars.iter().copied().any(is_myanmar_letter) {
        return 0.0;
    }
    let score = evidence(&chars);
    1.0 / (1.0 + (-score).exp())
}

/// True when the text is Myanmar script and looks like Zawgyi (probability >= 0.9).
pub fn is_zawgyi(text: &str) -> bool {
    zawgyi_probability(text) >= THRESHOLD
}

/// Converts Zawgyi-encoded Burmese to standard Unicode Burmese (correct code points and Unicode
/// storage order: consonant, medials in order ျ ြ ွ ှ, vowels, asat/tone marks as Unicode
/// expects). Non-Myanmar characters pass through unchanged.
pub fn zawgyi_to_unicode(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut cluster = Cluster::default();
    for unit in units(&chars) {
        match unit {
            Unit::Other(c) => {
                cluster.flush(&mut out);
                out.push(c);
            }
            Unit::PreE | Unit::PreRa => {
                // Zawgyi writes these before the consonant: they open the next syllable.
                if cluster.has_body() {
                    cluster.flush(&mut out);
                }
                if unit == Unit::PreE {
                    cluster.pre_e = true;
                } else {
                    cluster.pre_ra = true;
                }
            }
            Unit::Base(c) => {
                if cluster.has_body() {
                    cluster.flush(&mut out);
                }
                cluster.base = Some(c);
            }
            Unit::Kinzi => cluster.kinzi = true,
            Unit::Stack(c) => cluster.stacks.push(c),
            Unit::Sign(c) => cluster.signs.push(c),
        }
    }
    cluster.flush(&mut out);
    out
}

/// Detects and converts only when the text is Zawgyi; otherwise returns it unchanged (borrowed).
pub fn normalize_burmese(text: &str) -> Cow<'_, str> {
    if !is_zawgyi(text) {
        return Cow::Borrowed(text);
    }
    let converted = zawgyi_to_unicode(text);
    if converted == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(converted)
    }
}

// ---------------------------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------------------------

fn is_myanmar(c: char) -> bool {
    ('\u{1000}'..='\u{109F}').contains(&c)
}

/// A Myanmar letter or sign (not a digit or punctuation mark).
fn is_myanmar_letter(c: char) -> bool {
    matches!(c, '\u{1000}'..='\u{103F}' | '\u{104E}' | '\u{1050}'..='\u{109F}')
}

/// The 33 consonants, the same in both encodings.
fn is_consonant(c: char) -> bool {
    ('\u{1000}'..='\u{1021}').contains(&c)
}

/// Carries dependent signs in either encoding: consonants, independent vowels, great sa, ၎,
/// and Zawgyi's consonant variants and ligatures.
fn is_base(c: char) -> bool {
    matches!(
        c,
        '\u{1000}'..='\u{102A}'
            | '\u{103F}'
            | '\u{104E}'
            | '\u{106A}'
            | '\u{106B}'
            | '\u{106E}'
            | '\u{106F}'
            | '\u{1086}'
            | '\u{108F}'..='\u{1092}'
            | '\u{1097}'
    )
}

/// Signs that finish a syllable (vowels, tones, asat in either encoding, digits, punctuation):
/// in Unicode ေ never follows one of these; in Zawgyi it starts the next syllable after them.
fn closes_syllable(c: char) -> bool {
    matches!(
        c,
        '\u{102B}'..='\u{1030}'
            | '\u{1032}'..='\u{103A}'
            | '\u{1040}'..='\u{104F}'
            | '\u{105A}'
            | '\u{108E}'
            | '\u{1094}'
            | '\u{1095}'
    )
}

/// Zawgyi stacked consonants and kinzi forms: drawn under or over the consonant they follow.
fn is_zawgyi_stacked_or_kinzi(c: char) -> bool {
    matches!(
        c,
        '\u{1060}'..='\u{1069}'
            | '\u{106C}'
            | '\u{106D}'
            | '\u{1070}'..='\u{107C}'
            | '\u{1085}'
            | '\u{108B}'..='\u{108D}'
            | '\u{1093}'
            | '\u{1096}'
    )
}

/// Zawgyi medial ra forms (U+103B and its cut variants): stored before the consonant.
fn is_zawgyi_ra(c: char) -> bool {
    matches!(c, '\u{103B}' | '\u{107E}'..='\u{1084}')
}

/// Zawgyi signs stored after the consonant.
fn is_zawgyi_post_sign(c: char) -> bool {
    matches!(
        c,
        '\u{102B}'..='\u{1030}'
            | '\u{1032}'..='\u{103A}'
            | '\u{103C}'
            | '\u{103D}'
            | '\u{105A}'
            | '\u{107D}'
            | '\u{1087}'..='\u{108A}'
            | '\u{108E}'
            | '\u{1094}'
            | '\u{1095}'
    ) || is_zawgyi_stacked_or_kinzi(c)
}

/// Whether the signs before a consonant (`before`, and `earlier` before that) end a native
/// Burmese rhyme that Pali spelling never puts before a stack: ို, ာ ါ ီ ူ ဲ ံ, or a tone or asat.
fn native_rhyme_before(before: Option<char>, earlier: Option<char>) -> bool {
    match before {
        Some(
            '\u{102B}'
            | '\u{102C}'
            | '\u{102E}'
            | '\u{1030}'
            | '\u{1032}'..='\u{1038}'
            | '\u{103A}',
        ) => true,
        Some('\u{102F}') => earlier == Some('\u{102D}'),
        _ => false,
    }
}

/// Position of a consonant in its Pali class (varga): (class, place 0..=4, 4 = nasal).
fn varga(c: char) -> Option<(u32, u32)> {
    let k = u32::from(c);
    match k {
        0x1000..=0x1004 => Some((0, k - 0x1000)),
        0x1005..=0x1009 => Some((1, k - 0x1005)),
        0x100A => Some((1, 4)),
        0x100B..=0x100F => Some((2, k - 0x100B)),
        0x1010..=0x1014 => Some((3, k - 0x1010)),
        0x1015..=0x1019 => Some((4, k - 0x1015)),
        _ => None,
    }
}

/// Whether Burmese spelling stacks `lower` under `upper` (Unicode: upper U+1039 lower). Stacks
/// come from Pali: within one class, an unaspirated consonant over itself or its aspirate
/// (က္က, က္ခ, ဂ္ဂ, ဒ္ဓ), or the class nasal over any member (န္တ, မ္ဘ, ဏ္ဍ); plus doubled
/// ယ လ သ ဝ and ဟ္မ (ဗြဟ္မာ). င over anything is written with kinzi instead.
fn legal_stack(upper: char, lower: char) -> bool {
    if upper == lower && matches!(upper, '\u{101A}' | '\u{101C}' | '\u{101E}' | '\u{101D}') {
        return true;
    }
    if upper == '\u{101F}' && lower == '\u{1019}' {
        return true;
    }
    let (Some((class_u, place_u)), Some((class_l, place_l))) = (varga(upper), varga(lower)) else {
        return false;
    };
    if class_u != class_l {
        return false;
    }
    match place_u {
        0 => place_l <= 1,
        2 => (2..=3).contains(&place_l),
        4 => class_u != 0 && (place_l <= 3 || (place_l == 4 && class_u >= 2)),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------------------------

/// Evidence for each reading; the score is their difference (a log-odds).
#[derive(Default)]
struct Tally {
    zawgyi: f64,
    unicode: f64,
}

impl Tally {
    fn z(&mut self, weight: f64) {
        self.zawgyi += weight;
    }
    fn u(&mut self, weight: f64) {
        self.unicode += weight;
    }
}

/// Weights: DECISIVE means the sequence is malformed in the other encoding; STRONG that it is
/// at most a rare typo there; the smaller numbers are tendencies.
const DECISIVE: f64 = 4.0;
const STRONG: f64 = 3.0;
const GOOD: f64 = 2.5;

fn evidence(chars: &[char]) -> f64 {
    // Anything outside the Myanmar block (space, Latin, emoji, ZWSP) is a word boundary: `None`.
    let m: Vec<Option<char>> = chars.iter().map(|&c| is_myanmar(c).then_some(c)).collect();
    let at = |i: usize, offset: isize| -> Option<char> {
        let j = i.checked_add_signed(offset)?;
        m.get(j).copied().flatten()
    };
    let mut t = Tally::default();
    for (i, &c) in m.iter().enumerate() {
        let Some(c) = c else { continue };
        let (p, n) = (at(i, -1), at(i, 1));
        let (pp, nn) = (p.and_then(|_| at(i, -2)), n.and_then(|_| at(i, 2)));
        let after_base = p.is_some_and(is_base);
        match c {
            // Vowel sign E: Unicode stores it after consonant and medials, Zawgyi before them.
            '\u{1031}' => {
                if p.is_none_or(closes_syllable) {
                    t.z(DECISIVE);
                }
                match n {
                    None => t.u(STRONG),
                    Some(n) if is_zawgyi_ra(n) => t.z(DECISIVE),
                    Some('\u{102B}' | '\u{102C}' | '\u{1037}' | '\u{1038}' | '\u{103A}') => {
                        t.u(STRONG);
                    }
                    // ေ then a consonant: Zawgyi's normal order, or a Unicode syllable ending in
                    // ေ before the next one. What follows that consonant decides how much.
                    Some(n) if is_base(n) => match nn {
                        // Unicode: a consonant with only း or ့ or ် (ပး, မ့, တ်) is no syllable.
                        Some('\u{1038}') => t.z(GOOD),
                        Some('\u{1037}' | '\u{1094}' | '\u{1095}' | '\u{103A}' | '\u{107D}') => {
                            t.z(2.0);
                        }
                        // Zawgyi ေCာ (ော) against Unicode Cေ + Cာ (နေရာ).
                        Some('\u{102B}' | '\u{102C}') => t.z(1.0),
                        // Word-final ေC: Zawgyi open syllable, or Unicode Cေ + a bare consonant;
                        // the subject marker က (အမေက) is the common Unicode case.
                        None if n == '\u{1000}' => t.z(0.5),
                        None => t.z(1.5),
                        Some(x) if is_base(x) || matches!(x, '\u{103C}' | '\u{103D}') => t.z(0.5),
                        _ => {}
                    },
                    _ => {}
                }
            }
            // Unicode virama (stacks the next consonant), Zawgyi asat (ends the syllable).
            '\u{1039}' => match n {
                Some(n) if is_consonant(n) => match p {
                    Some('\u{103A}') if pp == Some('\u{1004}') => t.u(DECISIVE), // kinzi
                    Some('\u{103A}') => {}
                    // A stack's upper consonant closes a Pali-style syllable; after a native
                    // Burmese rhyme (ို, long vowels, a tone) it is a Zawgyi final instead.
                    Some(p) if is_consonant(p) => {
                        if legal_stack(p, n) && !native_rhyme_before(pp, at(i, -3)) {
                            t.u(0.5);
                        } else {
                            t.z(GOOD);
                        }
                    }
                    _ => t.z(STRONG),
                },
                _ => t.z(DECISIVE),
            },
            // Unicode asat, Zawgyi medial ya.
            '\u{103A}' => {
                if matches!(p, Some('\u{102B}' | '\u{102C}' | '\u{1037}')) {
                    t.u(STRONG); // ါ် ော် ့်
                }
                match n {
                    Some('\u{102F}') if p == Some('\u{1014}') => {} // Unicode ကျွန်ုပ်
                    Some(
                        '\u{102B}'..='\u{1030}'
                        | '\u{1032}'..='\u{1034}'
                        | '\u{1036}'
                        | '\u{103C}'
                        | '\u{103D}',
                    ) => t.z(STRONG),
                    Some('\u{1037}' | '\u{1038}') => {
                        if pp == Some('\u{1031}') {
                            t.z(1.0); // Zawgyi ေက်း
                        } else {
                            t.u(1.5); // Unicode င်း
                        }
                    }
                    None => t.u(0.5),
                    _ => {}
                }
            }
            // Unicode medial ya (after its consonant), Zawgyi medial ra (before it).
            '\u{103B}' => match n {
                Some(n) if is_base(n) && !after_base => t.z(DECISIVE),
                Some(
                    '\u{1031}'
                    | '\u{102B}'..='\u{1030}'
                    | '\u{1032}'
                    | '\u{1036}'
                    | '\u{103D}'
                    | '\u{103E}',
                ) if after_base => t.u(2.0),
                _ => {}
            },
            // Unicode medial wa never takes ု/ူ; Zawgyi medial ha often does.
            '\u{103D}' if matches!(n, Some('\u{102F}' | '\u{1030}')) => t.z(2.0),
            '\u{103E}' => t.u(DECISIVE),
            '\u{103F}' => t.u(2.0),
            // ု before ိ, ံ before ု: typing orders Zawgyi fonts render but Unicode does not use.
            '\u{102F}' if matches!(n, Some('\u{102D}' | '\u{102E}')) => t.z(1.5),
            '\u{1036}' if matches!(n, Some('\u{102F}' | '\u{1030}')) => t.z(1.5),
            // Zawgyi long-leg ု ူ (Mon vowels in Unicode).
            '\u{1033}' | '\u{1034}'
                if after_base || p.is_some_and(|p| matches!(p, '\u{103A}'..='\u{103D}')) =>
            {
                t.z(STRONG);
            }
            // Zawgyi ါ် (a Mon letter in Unicode).
            '\u{105A}' => {
                if after_base {
                    t.z(STRONG);
                } else {
                    t.u(1.0);
                }
            }
            // Zawgyi types some wide stacked forms (ၻ) after ာ.
            c if is_zawgyi_stacked_or_kinzi(c) || matches!(c, '\u{107D}' | '\u{108E}') => {
                if after_base
                    || (matches!(p, Some('\u{102B}' | '\u{102C}')) && pp.is_some_and(is_base))
                {
                    t.z(DECISIVE);
                } else {
                    t.u(2.0); // Shan or Karen letter, or a tone mark after a vowel
                }
            }
            // Zawgyi short medial ha and its ligatures with ု ူ ွ (Shan tone marks in Unicode).
            '\u{1087}'..='\u{108A}' => {
                if after_base {
                    t.z(DECISIVE);
                } else if matches!(p, Some('\u{103A}' | '\u{103C}' | '\u{107D}')) {
                    t.z(1.0);
                } else {
                    t.u(1.0);
                }
            }
            c if is_zawgyi_ra(c) => {
                if n.is_some_and(is_base) {
                    t.z(DECISIVE);
                } else {
                    t.u(2.0); // a Shan letter
                }
            }
            // Zawgyi dot below variants; Shan digits four and five in Unicode.
            '\u{1094}' | '\u{1095}'
                if p.is_some_and(
                    |p| matches!(p, '\u{1000}'..='\u{103F}' | '\u{1060}'..='\u{108F}'),
                ) =>
            {
                t.z(STRONG);
            }
            // Zawgyi consonant variants (short-tail န ရ, ဉ ည for stacking, great sa, ligatures).
            '\u{106A}' | '\u{106B}' | '\u{106E}' | '\u{106F}' | '\u{1086}' | '\u{108F}'
            | '\u{1090}' | '\u{1091}' | '\u{1092}' | '\u{1097}'
                if n.is_some_and(|n| matches!(n, '\u{102B}'..='\u{103D}')) =>
            {
                t.z(2.0);
            }
            _ => {}
        }
    }
    t.zawgyi - t.unicode
}

// ---------------------------------------------------------------------------------------------
// Conversion
// ---------------------------------------------------------------------------------------------

/// One Zawgyi code point's meaning, in Unicode terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// Vowel sign E (U+1031), stored before its consonant.
    PreE,
    /// Medial ra (Unicode U+103C), stored before its consonant.
    PreRa,
    /// A consonant or independent vowel.
    Base(char),
    /// Kinzi (Unicode U+1004 U+103A U+1039 before the consonant), stored after its consonant.
    Kinzi,
    /// A consonant stacked under the base (Unicode U+1039 + consonant).
    Stack(char),
    /// A dependent sign, as its Unicode code point.
    Sign(char),
    /// Anything else, passed through (and ending the syllable).
    Other(char),
}

fn units(chars: &[char]) -> Vec<Unit> {
    let mut out = Vec::with_capacity(chars.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        push_units(c, prev, next, &mut out);
    }
    out
}

/// The consonant a Zawgyi stacked form stands for.
fn stacked_consonant(c: char) -> Option<char> {
    Some(match c {
        '\u{1060}' => '\u{1000}',
        '\u{1061}' => '\u{1001}',
        '\u{1062}' => '\u{1002}',
        '\u{1063}' => '\u{1003}',
        '\u{1065}' => '\u{1005}',
        '\u{1066}' | '\u{1067}' => '\u{1006}',
        '\u{1068}' => '\u{1007}',
        '\u{1069}' => '\u{1008}',
        '\u{106C}' => '\u{100B}',
        '\u{106D}' => '\u{100C}',
        '\u{1070}' => '\u{100F}',
        '\u{1071}' | '\u{1072}' => '\u{1010}',
        '\u{1073}' | '\u{1074}' => '\u{1011}',
        '\u{1075}' => '\u{1012}',
        '\u{1076}' => '\u{1013}',
        '\u{1077}' => '\u{1014}',
        '\u{1078}' => '\u{1015}',
        '\u{1079}' => '\u{1016}',
        '\u{107A}' => '\u{1017}',
        '\u{107B}' | '\u{1093}' => '\u{1018}',
        '\u{107C}' => '\u{1019}',
        '\u{1085}' => '\u{101C}',
        _ => return None,
    })
}

/// Zawgyi text often has the digits ၀ (zero) and ၇ (seven) for the look-alike letters ဝ (wa)
/// and ရ (ra). Read them as letters when a sign follows, when ေ or ြ stands before them, or
/// (zero only) when they touch letters and no other digit.
fn digit_is_letter(c: char, prev: Option<char>, next: Option<char>) -> bool {
    if next.is_some_and(is_zawgyi_post_sign)
        || prev.is_some_and(|p| p == '\u{1031}' || is_zawgyi_ra(p))
    {
        return true;
    }
    let is_digit = |x: Option<char>| {
        x.is_some_and(|x| x.is_ascii_digit() || ('\u{1040}'..='\u{1049}').contains(&x))
    };
    c == '\u{1040}'
        && !is_digit(prev)
        && !is_digit(next)
        && (prev.is_some_and(|p| is_base(p) || is_zawgyi_post_sign(p))
            || next.is_some_and(|n| is_base(n) || n == '\u{1031}' || is_zawgyi_ra(n)))
}

fn push_units(c: char, prev: Option<char>, next: Option<char>, out: &mut Vec<Unit>) {
    use Unit::{Base, Kinzi, Other, PreE, PreRa, Sign, Stack};
    if let Some(lower) = stacked_consonant(c) {
        out.push(Stack(lower));
        return;
    }
    match c {
        '\u{1040}' if digit_is_letter(c, prev, next) => out.push(Base('\u{101D}')),
        '\u{1047}' if digit_is_letter(c, prev, next) => out.push(Base('\u{101B}')),
        '\u{1000}'..='\u{102A}' | '\u{103F}' => out.push(Base(c)),
        '\u{102B}'..='\u{1030}' | '\u{1032}' | '\u{1036}'..='\u{1038}' => out.push(Sign(c)),
        '\u{1031}' => out.push(PreE),
        '\u{1033}' => out.push(Sign('\u{102F}')),
        '\u{1034}' => out.push(Sign('\u{1030}')),
        '\u{1039}' => out.push(Sign('\u{103A}')),
        '\u{103A}' | '\u{107D}' => out.push(Sign('\u{103B}')),
        c if is_zawgyi_ra(c) => out.push(PreRa),
        '\u{103C}' => out.push(Sign('\u{103D}')),
        '\u{103D}' | '\u{103E}' | '\u{1087}' => out.push(Sign('\u{103E}')),
        // The Zawgyi glyph ၎ is the whole word ၎င်း; some typists add င္း themselves.
        '\u{104E}' => {
            out.push(Base('\u{104E}'));
            if next != Some('\u{1004}') {
                out.extend([Base('\u{1004}'), Sign('\u{103A}'), Sign('\u{1038}')]);
            }
        }
        '\u{105A}' => out.extend([Sign('\u{102B}'), Sign('\u{103A}')]),
        '\u{1064}' => out.push(Kinzi),
        '\u{106A}' => out.push(Base('\u{1009}')),
        '\u{106B}' => out.push(Base('\u{100A}')),
        '\u{106E}' => out.extend([Base('\u{100D}'), Stack('\u{100D}')]),
        '\u{106F}' => out.extend([Base('\u{100D}'), Stack('\u{100E}')]),
        '\u{1086}' => out.push(Base('\u{103F}')),
        '\u{1088}' => out.extend([Sign('\u{103E}'), Sign('\u{102F}')]),
        '\u{1089}' => out.extend([Sign('\u{103E}'), Sign('\u{1030}')]),
        '\u{108A}' => out.extend([Sign('\u{103D}'), Sign('\u{103E}')]),
        '\u{108B}' => out.extend([Kinzi, Sign('\u{102D}')]),
        '\u{108C}' => out.extend([Kinzi, Sign('\u{102E}')]),
        '\u{108D}' => out.extend([Kinzi, Sign('\u{1036}')]),
        '\u{108E}' => out.extend([Sign('\u{102D}'), Sign('\u{1036}')]),
        '\u{108F}' => out.push(Base('\u{1014}')),
        '\u{1090}' => out.push(Base('\u{101B}')),
        '\u{1091}' => out.extend([Base('\u{100F}'), Stack('\u{100D}')]),
        '\u{1092}' => out.extend([Base('\u{100B}'), Stack('\u{100C}')]),
        '\u{1094}' | '\u{1095}' => out.push(Sign('\u{1037}')),
        '\u{1096}' => out.extend([Stack('\u{1010}'), Sign('\u{103D}')]),
        '\u{1097}' => out.extend([Base('\u{100B}'), Stack('\u{100B}')]),
        _ => out.push(Other(c)),
    }
}

/// One syllable cluster being assembled from Zawgyi units.
#[derive(Debug, Default)]
struct Cluster {
    pre_e: bool,
    pre_ra: bool,
    base: Option<char>,
    kinzi: bool,
    stacks: Vec<char>,
    signs: Vec<char>,
}

impl Cluster {
    /// Has something after the pre-base signs, so a new ေ, ြ or consonant starts a new cluster.
    fn has_body(&self) -> bool {
        self.base.is_some() || self.kinzi || !self.stacks.is_empty() || !self.signs.is_empty()
    }

    fn flush(&mut self, out: &mut String) {
        std::mem::take(self).write(out);
    }

    /// Writes the cluster in Unicode storage order (UTN #11).
    fn write(self, out: &mut String) {
        let Cluster {
            pre_e,
            pre_ra,
            mut base,
            kinzi,
            stacks,
            signs: typed,
        } = self;
        let mut signs: Vec<char> = Vec::with_capacity(typed.len() + 2);
        for s in typed
            .into_iter()
            .chain(pre_ra.then_some('\u{103C}'))
            .chain(pre_e.then_some('\u{1031}'))
        {
            if !signs.contains(&s) {
                signs.push(s);
            }
        }
        match base {
            // Zawgyi has one glyph for ဥ (u) and ဉ (nya); Unicode has two.
            Some('\u{1025}')
                if !stacks.is_empty()
                    || signs.iter().any(|s| matches!(s, '\u{103A}' | '\u{102C}')) =>
            {
                base = Some('\u{1009}');
            }
            Some('\u{1025}') if signs.contains(&'\u{102E}') => {
                base = Some('\u{1026}');
                signs.retain(|s| *s != '\u{102E}');
            }
            // ဈ is drawn, and in Zawgyi typed, as စ with medial ya.
            Some('\u{1005}') if signs.contains(&'\u{103B}') => {
                base = Some('\u{1008}');
                signs.retain(|s| *s != '\u{103B}');
            }
            _ => {}
        }
        // The asat goes right after the consonant in the rare ကျွန်ုပ် shape (asat with ု/ိ and no ာ).
        let early_asat = signs.contains(&'\u{103A}')
            && signs
                .iter()
                .any(|s| matches!(s, '\u{102D}'..='\u{1030}' | '\u{1032}'))
            && !signs.iter().any(|s| matches!(s, '\u{102B}' | '\u{102C}'));
        signs.sort_by_key(|&s| sign_rank(s, early_asat));

        // ဩ and ဪ are typed in Zawgyi as ြ + သ (+ ေ ာ ်).
        if base == Some('\u{101E}') && !kinzi && stacks.is_empty() {
            if signs == ['\u{103C}'] {
                out.push('\u{1029}');
                return;
            }
            if signs == ['\u{103C}', '\u{1031}', '\u{102C}', '\u{103A}'] {
                out.push('\u{102A}');
                return;
            }
        }

        if kinzi {
            out.push_str("\u{1004}\u{103A}\u{1039}");
        }
        if let Some(b) = base {
            out.push(b);
        }
        for s in stacks {
            out.push('\u{1039}');
            out.push(s);
        }
        out.extend(signs);
    }
}

/// Unicode storage order of the dependent signs (UTN #11): medials ျ ြ ွ ှ, ေ, upper vowels
/// ိ ီ ဲ, lower vowels ု ူ, ါ ာ, ံ, ့, ်, း.
fn sign_rank(c: char, early_asat: bool) -> u8 {
    match c {
        '\u{103B}' => 1,
        '\u{103C}' => 2,
        '\u{103D}' => 3,
        '\u{103E}' => 4,
        '\u{103A}' if early_asat => 5,
        '\u{1031}' => 6,
        '\u{102D}' | '\u{102E}' | '\u{1032}' => 7,
        '\u{102F}' | '\u{1030}' => 8,
        '\u{102B}' | '\u{102C}' => 9,
        '\u{1036}' => 10,
        '\u{1037}' => 11,
        '\u{103A}' => 12,
        '\u{1038}' => 13,
        _ => 14,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (meaning, Zawgyi, Unicode). Zawgyi spellings are the ones Zawgyi keyboards produce (short
    /// ႏ and ႐ before lower vowels, ႔ after ု, ၚ for ါ်, the wide ြ forms around wide consonants).
    const PAIRS: &[(&str, &str, &str)] = &[
        // ကယ်ပါ "help me"
        (
            "help",
            "\u{1000}\u{101A}\u{1039}\u{1015}\u{102B}",
            "\u{1000}\u{101A}\u{103A}\u{1015}\u{102B}",
        ),
        // ရဲကို ခေါ်ပါ "call the police"
        (
            "police",
            "\u{101B}\u{1032}\u{1000}\u{102D}\u{102F} \u{1031}\u{1001}\u{105A}\u{1015}\u{102B}",
            "\u{101B}\u{1032}\u{1000}\u{102D}\u{102F} \u{1001}\u{1031}\u{102B}\u{103A}\u{1015}\u{102B}",
        ),
        // နိုင်ငံကူးလက်မှတ် "passport"
        (
            "passport",
            "\u{108F}\u{102D}\u{102F}\u{1004}\u{1039}\u{1004}\u{1036}\u{1000}\u{1030}\u{1038}\u{101C}\u{1000}\u{1039}\u{1019}\u{103D}\u{1010}\u{1039}",
            "\u{1014}\u{102D}\u{102F}\u{1004}\u{103A}\u{1004}\u{1036}\u{1000}\u{1030}\u{1038}\u{101C}\u{1000}\u{103A}\u{1019}\u{103E}\u{1010}\u{103A}",
        ),
        // သော့ခတ်ထားတယ် "(it is) locked"
        (
            "locked",
            "\u{1031}\u{101E}\u{102C}\u{1037}\u{1001}\u{1010}\u{1039}\u{1011}\u{102C}\u{1038}\u{1010}\u{101A}\u{1039}",
            "\u{101E}\u{1031}\u{102C}\u{1037}\u{1001}\u{1010}\u{103A}\u{1011}\u{102C}\u{1038}\u{1010}\u{101A}\u{103A}",
        ),
        // ရိုက်တယ် "(they) beat"
        (
            "beat",
            "\u{1090}\u{102D}\u{102F}\u{1000}\u{1039}\u{1010}\u{101A}\u{1039}",
            "\u{101B}\u{102D}\u{102F}\u{1000}\u{103A}\u{1010}\u{101A}\u{103A}",
        ),
        // ပိုက်ဆံ မပေးဘူး "(they) don't pay money"
        (
            "money",
            "\u{1015}\u{102D}\u{102F}\u{1000}\u{1039}\u{1006}\u{1036} \u{1019}\u{1031}\u{1015}\u{1038}\u{1018}\u{1030}\u{1038}",
            "\u{1015}\u{102D}\u{102F}\u{1000}\u{103A}\u{1006}\u{1036} \u{1019}\u{1015}\u{1031}\u{1038}\u{1018}\u{1030}\u{1038}",
        ),
        // လှေ "boat"
        (
            "boat",
            "\u{1031}\u{101C}\u{103D}",
            "\u{101C}\u{103E}\u{1031}",
        ),
        // ငါးဖမ်းလှေ "fishing boat"
        (
            "fishing boat",
            "\u{1004}\u{102B}\u{1038}\u{1016}\u{1019}\u{1039}\u{1038}\u{1031}\u{101C}\u{103D}",
            "\u{1004}\u{102B}\u{1038}\u{1016}\u{1019}\u{103A}\u{1038}\u{101C}\u{103E}\u{1031}",
        ),
        // သင်္ဘော "ship" (kinzi)
        (
            "ship",
            "\u{101E}\u{1031}\u{1018}\u{1064}\u{102C}",
            "\u{101E}\u{1004}\u{103A}\u{1039}\u{1018}\u{1031}\u{102C}",
        ),
        // ထိုင်းနိုင်ငံ "Thailand"
        (
            "Thailand",
            "\u{1011}\u{102D}\u{102F}\u{1004}\u{1039}\u{1038}\u{108F}\u{102D}\u{102F}\u{1004}\u{1039}\u{1004}\u{1036}",
            "\u{1011}\u{102D}\u{102F}\u{1004}\u{103A}\u{1038}\u{1014}\u{102D}\u{102F}\u{1004}\u{103A}\u{1004}\u{1036}",
        ),
        // မေမေ "mum"
        (
            "mother",
            "\u{1031}\u{1019}\u{1031}\u{1019}",
            "\u{1019}\u{1031}\u{1019}\u{1031}",
        ),
        // ကလေး "child"
        (
            "child",
            "\u{1000}\u{1031}\u{101C}\u{1038}",
            "\u{1000}\u{101C}\u{1031}\u{1038}",
        ),
        // ကျွန်တော်တို့ "we"
        (
            "we",
            "\u{1000}\u{107D}\u{103C}\u{1014}\u{1039}\u{1031}\u{1010}\u{102C}\u{1039}\u{1010}\u{102D}\u{102F}\u{1094}",
            "\u{1000}\u{103B}\u{103D}\u{1014}\u{103A}\u{1010}\u{1031}\u{102C}\u{103A}\u{1010}\u{102D}\u{102F}\u{1037}",
        ),
        // ကျေးဇူးပြု၍ "please"
        (
            "please",
            "\u{1031}\u{1000}\u{103A}\u{1038}\u{1007}\u{1030}\u{1038}\u{103B}\u{1015}\u{1033}\u{104D}",
            "\u{1000}\u{103B}\u{1031}\u{1038}\u{1007}\u{1030}\u{1038}\u{1015}\u{103C}\u{102F}\u{104D}",
        ),
        // အိမ်ပြန်ချင်တယ် "I want to go home"
        (
            "go home",
            "\u{1021}\u{102D}\u{1019}\u{1039}\u{103B}\u{1015}\u{1014}\u{1039}\u{1001}\u{103A}\u{1004}\u{1039}\u{1010}\u{101A}\u{1039}",
            "\u{1021}\u{102D}\u{1019}\u{103A}\u{1015}\u{103C}\u{1014}\u{103A}\u{1001}\u{103B}\u{1004}\u{103A}\u{1010}\u{101A}\u{103A}",
        ),
        // ထွက်လို့မရဘူး "can't get out"
        (
            "can't leave",
            "\u{1011}\u{103C}\u{1000}\u{1039}\u{101C}\u{102D}\u{102F}\u{1094}\u{1019}\u{101B}\u{1018}\u{1030}\u{1038}",
            "\u{1011}\u{103D}\u{1000}\u{103A}\u{101C}\u{102D}\u{102F}\u{1037}\u{1019}\u{101B}\u{1018}\u{1030}\u{1038}",
        ),
        // အကြွေး "debt"
        (
            "debt",
            "\u{1021}\u{1031}\u{1082}\u{1000}\u{103C}\u{1038}",
            "\u{1021}\u{1000}\u{103C}\u{103D}\u{1031}\u{1038}",
        ),
    ];

    fn code_points(s: &str) -> String {
        s.chars()
            .map(|c| format!("{:04X} ", u32::from(c)))
            .collect()
    }

    #[test]
    fn zawgyi_words_are_detected() {
        for (meaning, zawgyi, _) in PAIRS {
            let p = zawgyi_probability(zawgyi);
            assert!(
                is_zawgyi(zawgyi),
                "{meaning}: {p} for {}",
                code_points(zawgyi)
            );
        }
    }

    #[test]
    fn unicode_words_are_not_detected() {
        for (meaning, _, unicode) in PAIRS {
            let p = zawgyi_probability(unicode);
            assert!(
                !is_zawgyi(unicode),
                "{meaning}: {p} for {}",
                code_points(unicode)
            );
        }
    }

    #[test]
    fn most_unicode_words_carry_evidence_for_unicode() {
        let leaning_unicode = PAIRS
            .iter()
            .filter(|(_, _, u)| zawgyi_probability(u) < 0.5)
            .count();
        assert!(
            leaning_unicode * 3 >= PAIRS.len() * 2,
            "{leaning_unicode} of {}",
            PAIRS.len()
        );
    }

    #[test]
    fn zawgyi_words_convert_to_their_unicode_spelling() {
        for (meaning, zawgyi, unicode) in PAIRS {
            let converted = zawgyi_to_unicode(zawgyi);
            assert_eq!(
                code_points(&converted),
                code_points(unicode),
                "{meaning}: {converted} should be {unicode}"
            );
        }
    }

    #[test]
    fn normalize_converts_zawgyi_and_borrows_unicode() {
        for (meaning, zawgyi, unicode) in PAIRS {
            assert!(
                matches!(normalize_burmese(zawgyi), Cow::Owned(s) if s == *unicode),
                "{meaning}"
            );
            assert!(
                matches!(normalize_burmese(unicode), Cow::Borrowed(_)),
                "{meaning}"
            );
        }
    }

    #[test]
    fn english_and_thai_are_not_burmese() {
        for text in [
            "",
            "Help me please, they took my passport",
            "ช่วยด้วย ฉันถูกขังอยู่ในห้อง",
            "Tôi bị đánh",
            "123 456 ☎",
            "\u{1041}\u{1042}\u{104B}",
        ] {
            assert_eq!(zawgyi_probability(text), 0.0, "{text}");
            assert!(!is_zawgyi(text));
            assert!(matches!(normalize_burmese(text), Cow::Borrowed(_)));
            assert_eq!(zawgyi_to_unicode(text), text);
        }
    }

    #[test]
    fn words_the_same_in_both_encodings_stay_undecided() {
        // ကူညီပါ "please help", ကို, ရဲ "police": identical bytes, no evidence either way.
        for text in [
            "\u{1000}\u{1030}\u{100A}\u{102E}\u{1015}\u{102B}",
            "\u{1000}\u{102D}\u{102F}",
            "\u{101B}\u{1032}",
        ] {
            assert_eq!(zawgyi_probability(text), 0.5, "{}", code_points(text));
            assert!(matches!(normalize_burmese(text), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn a_word_with_only_weak_evidence_stays_below_the_threshold() {
        // Zawgyi အေမ "mother": read as Unicode it is အေ + မ, so only a lean towards Zawgyi.
        let p = zawgyi_probability("\u{1021}\u{1031}\u{1019}");
        assert!(p > 0.5 && p < THRESHOLD, "{p}");
    }

    #[test]
    fn a_zawgyi_message_in_english_context_is_detected_and_only_the_burmese_changes() {
        let zawgyi = "Help! \u{1031}\u{101C}\u{103D} (boat) 191";
        assert!(is_zawgyi(zawgyi));
        assert_eq!(
            normalize_burmese(zawgyi),
            "Help! \u{101C}\u{103E}\u{1031} (boat) 191"
        );
    }

    #[test]
    fn unicode_pali_stacks_kinzi_and_asat_before_u_are_not_detected() {
        // ဒုက္ခ ကမ္ဘာ မန္တလေး သမ္မတ ဗုဒ္ဓ ပစ္စည်း ကိစ္စ မေတ္တာ ဥက္ကဋ္ဌ သတ္တဝါ ဘဏ္ဍာ ကျွန်ုပ်
        // အင်္ဂလိပ် ဗြဟ္မာ ပလ္လင်
        for text in [
            "\u{1012}\u{102F}\u{1000}\u{1039}\u{1001}",
            "\u{1000}\u{1019}\u{1039}\u{1018}\u{102C}",
            "\u{1019}\u{1014}\u{1039}\u{1010}\u{101C}\u{1031}\u{1038}",
            "\u{101E}\u{1019}\u{1039}\u{1019}\u{1010}",
            "\u{1017}\u{102F}\u{1012}\u{1039}\u{1013}",
            "\u{1015}\u{1005}\u{1039}\u{1005}\u{100A}\u{103A}\u{1038}",
            "\u{1000}\u{102D}\u{1005}\u{1039}\u{1005}",
            "\u{1019}\u{1031}\u{1010}\u{1039}\u{1010}\u{102C}",
            "\u{1025}\u{1000}\u{1039}\u{1000}\u{100B}\u{1039}\u{100C}",
            "\u{101E}\u{1010}\u{1039}\u{1010}\u{101D}\u{102B}",
            "\u{1018}\u{100F}\u{1039}\u{100D}\u{102C}",
            "\u{1000}\u{103B}\u{103D}\u{1014}\u{103A}\u{102F}\u{1015}\u{103A}",
            "\u{1021}\u{1004}\u{103A}\u{1039}\u{1002}\u{101C}\u{102D}\u{1015}\u{103A}",
            "\u{1017}\u{103C}\u{101F}\u{1039}\u{1019}\u{102C}",
            "\u{1015}\u{101C}\u{1039}\u{101C}\u{1004}\u{103A}",
        ] {
            let p = zawgyi_probability(text);
            assert!(p <= 0.5, "{text} ({}): {p}", code_points(text));
            assert!(matches!(normalize_burmese(text), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn shan_in_unicode_is_not_taken_for_zawgyi() {
        // ၵူၼ်း "person" and မႂ်ႇသုင်ၶႃႈ "hello" in Shan, Unicode encoded.
        for text in [
            "\u{1075}\u{1030}\u{107C}\u{103A}\u{1038}",
            "\u{1019}\u{1082}\u{103A}\u{1087}\u{101E}\u{102F}\u{1004}\u{103A}\u{1076}\u{1083}\u{1088}",
        ] {
            assert!(
                !is_zawgyi(text),
                "{}: {}",
                code_points(text),
                zawgyi_probability(text)
            );
        }
    }

    #[test]
    fn special_spellings_convert() {
        let cases = [
            // ကမၻာ "world": stacked ဘ (typed before or after ာ)
            (
                "\u{1000}\u{1019}\u{107B}\u{102C}",
                "\u{1000}\u{1019}\u{1039}\u{1018}\u{102C}",
            ),
            (
                "\u{1000}\u{1019}\u{102C}\u{107B}",
                "\u{1000}\u{1019}\u{1039}\u{1018}\u{102C}",
            ),
            // အဂၤလိပ္ "English": kinzi moves before its consonant
            (
                "\u{1021}\u{1002}\u{1064}\u{101C}\u{102D}\u{1015}\u{1039}",
                "\u{1021}\u{1004}\u{103A}\u{1039}\u{1002}\u{101C}\u{102D}\u{1015}\u{103A}",
            ),
            // ေၾကာင့္ "because": ေ and wide ြ before က; ့ before ်
            (
                "\u{1031}\u{107E}\u{1000}\u{102C}\u{1004}\u{1037}\u{1039}",
                "\u{1000}\u{103C}\u{1031}\u{102C}\u{1004}\u{1037}\u{103A}",
            ),
            // ႏွင့္ "and"
            (
                "\u{108F}\u{103D}\u{1004}\u{1037}\u{1039}",
                "\u{1014}\u{103E}\u{1004}\u{1037}\u{103A}",
            ),
            // ကၽြႏ္ုပ္ "I" (formal), and ya/wa typed the other way round
            (
                "\u{1000}\u{107D}\u{103C}\u{108F}\u{1039}\u{102F}\u{1015}\u{1039}",
                "\u{1000}\u{103B}\u{103D}\u{1014}\u{103A}\u{102F}\u{1015}\u{103A}",
            ),
            (
                "\u{1000}\u{103C}\u{107D}\u{1014}\u{1039}",
                "\u{1000}\u{103B}\u{103D}\u{1014}\u{103A}",
            ),
            // ဦး "Mr", ဥာဏ္ "wisdom", ညႇဥ္း "torture": ဥ as u or as nya
            ("\u{1025}\u{102E}\u{1038}", "\u{1026}\u{1038}"),
            (
                "\u{1025}\u{102C}\u{100F}\u{1039}",
                "\u{1009}\u{102C}\u{100F}\u{103A}",
            ),
            (
                "\u{100A}\u{1087}\u{1025}\u{1039}\u{1038}",
                "\u{100A}\u{103E}\u{1009}\u{103A}\u{1038}",
            ),
            // ေစ်း "market" is ဈေး
            (
                "\u{1031}\u{1005}\u{103A}\u{1038}",
                "\u{1008}\u{1031}\u{1038}",
            ),
            // ဘ႑ာ "treasury", ဥကၠ႒ "chairman": ligatures
            (
                "\u{1018}\u{1091}\u{102C}",
                "\u{1018}\u{100F}\u{1039}\u{100D}\u{102C}",
            ),
            (
                "\u{1025}\u{1000}\u{1060}\u{1092}",
                "\u{1025}\u{1000}\u{1039}\u{1000}\u{100B}\u{1039}\u{100C}",
            ),
            // ၎ is ၎င်း, whether or not the typist added င္း
            ("\u{104E}", "\u{104E}\u{1004}\u{103A}\u{1038}"),
            (
                "\u{104E}\u{1004}\u{1039}\u{1038}",
                "\u{104E}\u{1004}\u{103A}\u{1038}",
            ),
            // ၀န္ႀကီး "minister": zero typed for wa; ႀ is ြ cut for ီ
            (
                "\u{1040}\u{1014}\u{1039}\u{1080}\u{1000}\u{102E}\u{1038}",
                "\u{101D}\u{1014}\u{103A}\u{1000}\u{103C}\u{102E}\u{1038}",
            ),
            // but ၁၀ stays ten
            (
                "\u{1041}\u{1040} \u{101B}\u{1000}\u{1039}",
                "\u{1041}\u{1040} \u{101B}\u{1000}\u{103A}",
            ),
            // ၾသဝါဒ "advice": ြ + သ is ဩ; ေၾသာ္ is ဪ
            (
                "\u{107E}\u{101E}\u{101D}\u{102B}\u{1012}",
                "\u{1029}\u{101D}\u{102B}\u{1012}",
            ),
            ("\u{1031}\u{107E}\u{101E}\u{102C}\u{1039}", "\u{102A}"),
            // ႐ႈ "look", လႊ "saw", ျမႇင့္ "raise": ha ligatures
            ("\u{1090}\u{1088}", "\u{101B}\u{103E}\u{102F}"),
            ("\u{101C}\u{108A}", "\u{101C}\u{103D}\u{103E}"),
            (
                "\u{103B}\u{1019}\u{1087}\u{1004}\u{1037}\u{1039}",
                "\u{1019}\u{103C}\u{103E}\u{1004}\u{1037}\u{103A}",
            ),
            // ႏုိင္ "can", typed ု before ိ; ပုံ typed ံ before ု
            (
                "\u{108F}\u{102F}\u{102D}\u{1004}\u{1039}",
                "\u{1014}\u{102D}\u{102F}\u{1004}\u{103A}",
            ),
            ("\u{1015}\u{1036}\u{102F}", "\u{1015}\u{102F}\u{1036}"),
            // ေပၚ "on", ေတာ္ "proper": ါ် and ာ်
            (
                "\u{1031}\u{1015}\u{105A}",
                "\u{1015}\u{1031}\u{102B}\u{103A}",
            ),
            (
                "\u{1031}\u{1010}\u{102C}\u{1039}",
                "\u{1010}\u{1031}\u{102C}\u{103A}",
            ),
            // သၾကၤန္ "water festival": kinzi under a ြ syllable
            (
                "\u{101E}\u{107E}\u{1000}\u{1064}\u{1014}\u{1039}",
                "\u{101E}\u{1004}\u{103A}\u{1039}\u{1000}\u{103C}\u{1014}\u{103A}",
            ),
            // ေမတၱာ "loving-kindness": ေ before a stacked pair
            (
                "\u{1031}\u{1019}\u{1010}\u{1071}\u{102C}",
                "\u{1019}\u{1031}\u{1010}\u{1039}\u{1010}\u{102C}",
            ),
        ];
        for (zawgyi, unicode) in cases {
            assert_eq!(
                code_points(&zawgyi_to_unicode(zawgyi)),
                code_points(unicode),
                "{zawgyi} should become {unicode}"
            );
        }
    }

    #[test]
    fn stray_signs_and_non_myanmar_text_pass_through() {
        assert_eq!(zawgyi_to_unicode("\u{1031}"), "\u{1031}");
        assert_eq!(zawgyi_to_unicode("\u{1031} ok"), "\u{1031} ok");
        assert_eq!(zawgyi_to_unicode("\u{102C}\u{1039}"), "\u{102C}\u{103A}");
        assert_eq!(
            zawgyi_to_unicode("a\u{200B}b\u{1F600}"),
            "a\u{200B}b\u{1F600}"
        );
        // duplicate signs, as Zawgyi fonts let people type them, collapse
        assert_eq!(
            zawgyi_to_unicode("\u{1000}\u{102F}\u{102F}"),
            "\u{1000}\u{102F}"
        );
    }

    /// Deterministic generator (SplitMix64) for the property tests.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len())]
        }
    }

    /// A well-formed Burmese syllable, as (Unicode, Zawgyi). Plain shapes only (no stacks or
    /// kinzi, basic Zawgyi code points, none of the short or cut glyph variants), which are the
    /// hardest case for the detector.
    fn syllable(rng: &mut Rng) -> (String, String) {
        const ONSETS: &[char] = &[
            '\u{1000}', '\u{1001}', '\u{1002}', '\u{1004}', '\u{1006}', '\u{1007}', '\u{100A}',
            '\u{1010}', '\u{1011}', '\u{1012}', '\u{1014}', '\u{1015}', '\u{1016}', '\u{1017}',
            '\u{1018}', '\u{1019}', '\u{101A}', '\u{101B}', '\u{101C}', '\u{101D}', '\u{101F}',
            '\u{1021}',
        ];
        // Onsets that take medial ya or ra, and those that take medial ha.
        const YA_RA: &[char] = &[
            '\u{1000}', '\u{1001}', '\u{1002}', '\u{1015}', '\u{1016}', '\u{1017}', '\u{1018}',
            '\u{1019}',
        ];
        const HA: &[char] = &[
            '\u{1004}', '\u{100A}', '\u{1014}', '\u{1019}', '\u{101A}', '\u{101B}', '\u{101C}',
            '\u{101D}',
        ];
        // (vowel signs stored after ေ in Unicode, has ေ, can close with a final consonant)
        const RHYMES: &[(&str, bool, bool)] = &[
            ("", false, true),
            ("", false, true),
            ("\u{102C}", false, false),
            ("\u{102D}", false, true),
            ("\u{102E}", false, false),
            ("\u{102F}", false, true),
            ("\u{1030}", false, false),
            ("\u{1032}", false, false),
            ("\u{102D}\u{102F}", false, true),
            ("\u{1036}", false, false),
            ("", true, false),
            ("\u{102C}", true, true),
        ];
        const FINALS: &[char] = &[
            '\u{1000}', '\u{1004}', '\u{1005}', '\u{1010}', '\u{1014}', '\u{1015}', '\u{1019}',
            '\u{101A}',
        ];
        const NASALS: &[char] = &['\u{1004}', '\u{1014}', '\u{1019}'];
        let onset = *rng.pick(ONSETS);
        let (ya, ra) = match rng.below(6) {
            0 => (YA_RA.contains(&onset), false),
            1 => (false, YA_RA.contains(&onset)),
            _ => (false, false),
        };
        let (vowel, e, closable) = *rng.pick(RHYMES);
        // Medial wa goes with ာ ဲ ေ and the inherent vowel, never with ိ ီ ု ူ ံ.
        let wa = rng.below(5) == 0
            && onset != '\u{101D}'
            && !vowel
                .chars()
                .any(|v| matches!(v, '\u{102D}'..='\u{1030}' | '\u{1036}'));
        let ha = rng.below(4) == 0 && HA.contains(&onset);
        let final_c = (closable && rng.below(2) == 0).then(|| *rng.pick(FINALS));
        let tone = match final_c {
            Some(f) if !NASALS.contains(&f) => "",
            None if vowel.is_empty() && !e => "",
            _ => *rng.pick(&["", "", "\u{1037}", "\u{1038}"]),
        };

        let mut u = String::new();
        u.push(onset);
        if ya {
            u.push('\u{103B}');
        }
        if ra {
            u.push('\u{103C}');
        }
        if wa {
            u.push('\u{103D}');
        }
        if ha {
            u.push('\u{103E}');
        }
        if e {
            u.push('\u{1031}');
        }
        u.push_str(vowel);
        let mut z = String::new();
        if e {
            z.push('\u{1031}');
        }
        if ra {
            z.push('\u{103B}');
        }
        z.push(onset);
        if ya {
            z.push('\u{103A}');
        }
        if wa {
            z.push('\u{103C}');
        }
        if ha {
            z.push('\u{103D}');
        }
        z.push_str(vowel);
        match (final_c, tone) {
            (Some(f), "\u{1037}") => {
                // ့ before the asat in both encodings
                u.extend([f, '\u{1037}', '\u{103A}']);
                z.extend([f, '\u{1037}', '\u{1039}']);
            }
            (Some(f), _) => {
                u.extend([f, '\u{103A}']);
                z.extend([f, '\u{1039}']);
                u.push_str(tone);
                z.push_str(tone);
            }
            (None, _) => {
                u.push_str(tone);
                z.push_str(tone);
            }
        }
        (u, z)
    }

    fn phrase(rng: &mut Rng, min: usize, spread: usize) -> (String, String) {
        let syllables = min + rng.below(spread);
        let mut u = String::new();
        let mut z = String::new();
        for _ in 0..syllables {
            let (su, sz) = syllable(rng);
            u.push_str(&su);
            z.push_str(&sz);
        }
        (u, z)
    }

    #[test]
    fn generated_zawgyi_phrases_convert_back_to_their_unicode() {
        let mut rng = Rng(7);
        for _ in 0..5000 {
            let (unicode, zawgyi) = phrase(&mut rng, 1, 6);
            assert_eq!(
                code_points(&zawgyi_to_unicode(&zawgyi)),
                code_points(&unicode),
                "{zawgyi} -> {unicode}"
            );
        }
    }

    #[test]
    fn unicode_not_detected_as_zawgyi_is_left_unchanged() {
        let mut rng = Rng(11);
        let mut detected = 0;
        let total = 5000;
        for _ in 0..total {
            let (unicode, _) = phrase(&mut rng, 1, 8);
            if is_zawgyi(&unicode) {
                detected += 1;
            } else {
                assert!(
                    matches!(normalize_burmese(&unicode), Cow::Borrowed(s) if s == unicode),
                    "{unicode}"
                );
            }
        }
        // Random syllable strings are harder than real text (no word patterns); still, Unicode
        // should rarely be mistaken for Zawgyi.
        assert!(
            detected * 100 <= total,
            "{detected} of {total} Unicode phrases detected as Zawgyi"
        );
    }

    #[test]
    fn generated_zawgyi_phrases_of_a_few_words_are_mostly_detected() {
        let mut rng = Rng(13);
        let total = 5000;
        let detected = (0..total)
            .filter(|_| {
                let (_, zawgyi) = phrase(&mut rng, 4, 5);
                is_zawgyi(&zawgyi)
            })
            .count();
        assert!(
            detected * 100 >= total * 85,
            "only {detected} of {total} Zawgyi phrases detected"
        );
    }

    #[test]
    fn conversion_never_panics_on_arbitrary_myanmar_code_points() {
        let mut rng = Rng(42);
        let extras = [' ', 'a', '1', '\u{200B}', '\u{0E01}'];
        for _ in 0..20_000 {
            let len = rng.below(24);
            let text: String = (0..len)
                .map(|_| {
                    if rng.below(10) == 0 {
                        *rng.pick(&extras)
                    } else {
                        char::from_u32(0x1000 + rng.below(0xA0) as u32).unwrap_or(' ')
                    }
                })
                .collect();
            let p = zawgyi_probability(&text);
            assert!((0.0..=1.0).contains(&p), "{p} for {}", code_points(&text));
            let converted = zawgyi_to_unicode(&text);
            // Non-Myanmar characters survive, in order.
            let kept: String = text.chars().filter(|c| !is_myanmar(*c)).collect();
            let kept_after: String = converted.chars().filter(|c| !is_myanmar(*c)).collect();
            assert_eq!(kept, kept_after);
            let _ = normalize_burmese(&text);
        }
    }
}
