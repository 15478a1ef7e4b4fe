//! Preparing text for matching, so the level never depends on letter case, Unicode
//! normalisation form or the Burmese encoding the phone used.
//!
//! `prepare` converts Burmese typed in Zawgyi to Unicode, normalises to NFC, and keeps two
//! views: the NFC characters (for quotes and offsets) and a folded copy for matching, where
//! spelling variants people type for the same word become one:
//! - lowercase; full-width Latin letters and digits as ASCII ("ＯＫ" is "ok");
//! - Latin letters without their marks, so "bi danh" matches "bị đánh"; curly apostrophes straight;
//! - Thai and Lao tone marks and the silent-letter mark dropped (นั่งดริ๊งค์ and นั่งดริ้งค์, or a
//!   tone mark forgotten, read alike), and sara am typed as two marks (ํ + า) as one (ำ);
//! - zero-width spaces and joiners dropped;
//! - a letter repeated three or more times read once ("pleaseeee", "ช่วยด้วยยยย", "helppp").
//!
//! Folding can drop characters, so the folded view keeps, for each of its characters, the index
//! of the character it came from (`origin`); `span` turns a folded span back into offsets of
//! the text, which is what evidence shows.

use unicode_normalization::UnicodeNormalization;

/// A text ready for the lexicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The analysed text (Zawgyi converted, NFC), as characters.
    pub chars: Vec<char>,
    /// The characters folded for matching (see the module comment); never longer than `chars`.
    pub folded: Vec<char>,
    /// For each folded character, the index in `chars` of the character it came from.
    pub origin: Vec<usize>,
    /// The folded view with Latin marks kept ("tư vấn", not "tu van"), of the same length: a
    /// phrase with marks matched where the text has marks must agree on them, so "tư vấn"
    /// (counselling) is not "tự vẫn" (suicide); typed without marks, it matches either.
    pub marked: Vec<char>,
    /// The text was Burmese in Zawgyi and was converted.
    pub converted_from_zawgyi: bool,
}

impl Prepared {
    /// The analysed text as a string (what evidence offsets refer to).
    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// A span of the folded view as a span of `chars`; dropped characters inside or right
    /// after it (a tone mark, the rest of an elongation) belong to it.
    pub fn span(&self, start: usize, end: usize) -> (usize, usize) {
        let from = self.origin.get(start).copied().unwrap_or(self.chars.len());
        let to = self.origin.get(end).copied().unwrap_or(self.chars.len());
        (from, to.max(from))
    }
}

pub fn prepare(text: &str) -> Prepared {
    let unicode = super::zawgyi::normalize_burmese(text);
    let converted_from_zawgyi = matches!(unicode, std::borrow::Cow::Owned(_));
    let chars: Vec<char> = unicode.nfc().collect();
    let (folded, origin, marked) = fold_all(&chars);
    Prepared {
        chars,
        folded,
        origin,
        marked,
        converted_from_zawgyi,
    }
}

/// Folds a text for matching; returns the folded characters and where each came from.
fn fold_all(chars: &[char]) -> (Vec<char>, Vec<usize>, Vec<char>) {
    let mut folded: Vec<char> = Vec::with_capacity(chars.len());
    let mut origin: Vec<usize> = Vec::with_capacity(chars.len());
    let mut marked: Vec<char> = Vec::with_capacity(chars.len());
    // How many times the last folded letter has been typed in a row.
    let mut run = 0usize;
    for (i, c) in chars.iter().enumerate() {
        let f = fold(*c);
        if is_dropped(f) {
            continue;
        }
        // Sara am typed as nikhahit + sara aa (Thai) or niggahita + aa (Lao).
        let composed = match (folded.last(), f) {
            (Some('\u{0E4D}'), '\u{0E32}') => Some('\u{0E33}'),
            (Some('\u{0ECD}'), '\u{0EB2}') => Some('\u{0EB3}'),
            _ => None,
        };
        if let Some(am) = composed {
            if let Some(last) = folded.last_mut() {
                *last = am;
            }
            if let Some(last) = marked.last_mut() {
                *last = am;
            }
            run = 1;
            continue;
        }
        if crate::chars::is_alphabetic(f) && folded.last() == Some(&f) {
            run += 1;
            if run == 3 {
                // A third time in a row: an elongation, read once.
                folded.pop();
                origin.pop();
                marked.pop();
            }
            if run >= 3 {
                continue;
            }
        } else {
            run = 1;
        }
        folded.push(f);
        origin.push(i);
        marked.push(keep_marks(*c, f));
    }
    (folded, origin, marked)
}

/// A character folded like `fold` but keeping its Latin marks (lowercase, width folded).
fn keep_marks(c: char, folded: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    if lower != folded && (matches!(lower, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')) {
        lower
    } else {
        folded
    }
}

/// Characters that carry no meaning for matching, or whose use varies between writers.
fn is_dropped(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{00AD}' // zero-width space, joiners, soft hyphen
        | '\u{0E48}'..='\u{0E4C}'                        // Thai tone marks, thanthakhat
        | '\u{0EC8}'..='\u{0ECC}'                        // Lao tone marks, cancellation mark
    )
}

/// The Unicode conversion of a Burmese text typed in Zawgyi, to store beside the original;
/// `None` for any other text.
pub fn zawgyi_conversion(text: &str) -> Option<String> {
    match super::zawgyi::normalize_burmese(text) {
        std::borrow::Cow::Owned(converted) => Some(converted),
        std::borrow::Cow::Borrowed(_) => None,
    }
}

/// A lexicon phrase, prepared the same way as texts.
pub fn prepare_phrase(phrase: &str) -> Vec<char> {
    prepare_phrase_marked(phrase).0
}

/// A lexicon phrase folded, and with its Latin marks kept when it has any.
pub fn prepare_phrase_marked(phrase: &str) -> (Vec<char>, Option<Vec<char>>) {
    let chars: Vec<char> = phrase.trim().nfc().collect();
    let (folded, _, marked) = fold_all(&chars);
    let marked = (marked != folded).then_some(marked);
    (folded, marked)
}

fn fold(c: char) -> char {
    // Full-width ASCII ("ＯＫ", "１６") as ASCII.
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        '\u{2018}' | '\u{2019}' | '`' | '\u{00B4}' => '\'',
        'đ' => 'd',
        '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' => lower.nfd().next().unwrap_or(lower),
        _ => lower,
    }
}

/// Scripts written without spaces between words.
pub fn is_unspaced_script(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'   // Thai, Lao
        | '\u{1780}'..='\u{17FF}' // Khmer
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{3040}'..='\u{30FF}' // kana
        | '\u{3400}'..='\u{9FFF}' // CJK
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_normalisation_form_do_not_change_the_folded_text() {
        let composed = prepare("Tôi BỊ ĐÁNH");
        let decomposed = prepare(&"Tôi BỊ ĐÁNH".nfd().collect::<String>());
        assert_eq!(composed.folded, decomposed.folded);
        assert_eq!(composed.folded.iter().collect::<String>(), "toi bi danh");
    }

    #[test]
    fn folding_keeps_where_each_character_came_from() {
        let p = prepare("ช่วยด้วย — Can’t leave");
        assert_eq!(p.origin.len(), p.folded.len());
        assert!(p.folded.iter().collect::<String>().ends_with("can't leave"));
        let at = p.folded.iter().position(|c| *c == 'c').unwrap();
        assert_eq!(p.chars[p.origin[at]], 'C');
    }

    fn folded(text: &str) -> String {
        prepare(text).folded.iter().collect()
    }

    #[test]
    fn thai_tone_mark_variants_and_forgotten_tone_marks_read_alike() {
        assert_eq!(folded("นั่งดริ๊งค์"), folded("นั่งดริ้งค์"));
        assert_eq!(folded("นั่งดริ๊งค์"), folded("นั่งดริงค"));
        // Sara am typed as two marks.
        assert_eq!(folded("ทำงาน"), folded("ท\u{0E4D}\u{0E32}งาน"));
    }

    #[test]
    fn elongations_width_and_zero_width_spaces_do_not_change_the_words() {
        assert_eq!(folded("pleaseeee HELPPP"), "please help");
        assert_eq!(folded("ช่วยด้วยยยยย"), folded("ช่วยด้วย"));
        assert_eq!(folded("ＯＫ １６"), "ok 16");
        assert_eq!(folded("ขัง\u{200B}ไว้"), folded("ขังไว้"));
        // Digits and doubled letters stay.
        assert_eq!(folded("10000 too"), "10000 too");
    }

    #[test]
    fn marks_typed_must_agree_but_marks_left_out_match_either() {
        let p = prepare("Tư vấn");
        assert_eq!(p.folded.iter().collect::<String>(), "tu van");
        assert_eq!(p.marked.iter().collect::<String>(), "tư vấn");
        assert_eq!(
            prepare_phrase_marked("tự vẫn"),
            ("tu van".chars().collect(), Some("tự vẫn".chars().collect()))
        );
        assert_eq!(prepare_phrase_marked("help").1, None);
    }

    #[test]
    fn a_folded_span_covers_the_dropped_characters_inside_and_after_it() {
        let p = prepare("helppp me");
        assert_eq!(p.folded.iter().collect::<String>(), "help me");
        assert_eq!(p.span(0, 4), (0, 6));
        assert_eq!(p.span(5, 7), (7, 9));
    }
}
