//! Preparing text for matching, so the level never depends on letter case, Unicode
//! normalisation form or the Burmese encoding the phone used.
//!
//! `prepare` converts Burmese typed in Zawgyi to Unicode, normalises to NFC, and keeps two
//! views of the same length: the NFC characters (for quotes and offsets) and a folded copy for
//! matching (lowercase; Latin letters without their marks, so "bi danh" matches "bị đánh";
//! curly apostrophes straight). Folding maps one character to one character, so offsets in the
//! folded view are offsets in the text.

use unicode_normalization::UnicodeNormalization;

/// A text ready for the lexicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The analysed text (Zawgyi converted, NFC), as characters.
    pub chars: Vec<char>,
    /// The same characters folded for matching; `folded.len() == chars.len()`.
    pub folded: Vec<char>,
    /// The text was Burmese in Zawgyi and was converted.
    pub converted_from_zawgyi: bool,
}

impl Prepared {
    /// The analysed text as a string (what evidence offsets refer to).
    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }
}

pub fn prepare(text: &str) -> Prepared {
    let unicode = super::zawgyi::normalize_burmese(text);
    let converted_from_zawgyi = matches!(unicode, std::borrow::Cow::Owned(_));
    let chars: Vec<char> = unicode.nfc().collect();
    let folded = chars.iter().map(|c| fold(*c)).collect();
    Prepared {
        chars,
        folded,
        converted_from_zawgyi,
    }
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
    phrase.trim().nfc().map(fold).collect()
}

fn fold(c: char) -> char {
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
    fn folding_keeps_one_character_per_character() {
        let p = prepare("ช่วยด้วย — Can’t leave");
        assert_eq!(p.chars.len(), p.folded.len());
        assert!(p.folded.iter().collect::<String>().ends_with("can't leave"));
    }
}
