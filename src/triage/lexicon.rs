//! The first danger lexicon: phrases per language for the rubric's flags, found in free text.
//!
//! Files are `config/triage/<language>.yaml` beside the rules file. Matching is deliberately
//! simple for now (the multilingual triage work replaces it with segmentation, negation and
//! tense): the text is lowercased; Latin-script phrases must start and end at a word boundary,
//! phrases in scripts written without spaces (Thai, Lao, Khmer, Burmese, Chinese) match as
//! substrings. Every language's phrases are tried on every text, because people mix languages
//! and a chat's language is often not known yet.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::rules::FLAGS;

#[derive(Debug, Clone, Deserialize)]
struct LexiconFile {
    language: String,
    #[serde(default)]
    #[allow(dead_code, reason = "documents the file; shown by tooling later")]
    needs_native_review: bool,
    flags: BTreeMap<String, Vec<String>>,
}

/// One phrase, lowercased, and the flag it sets.
#[derive(Debug, Clone)]
pub struct Phrase {
    pub flag: String,
    pub language: String,
    chars: Vec<char>,
    /// Latin-script phrases need word boundaries.
    bounded: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub phrases: Vec<Phrase>,
}

/// A phrase found in a text. Offsets count Unicode scalar values of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub flag: String,
    pub start: usize,
    pub end: usize,
}

impl Lexicon {
    /// Loads every `*.yaml` in `dir`; a missing directory is an empty lexicon.
    pub fn load_dir(dir: &Path) -> Result<Lexicon, String> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(Lexicon::default());
        };
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        paths.sort();
        let mut lexicon = Lexicon::default();
        for path in paths {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            lexicon
                .add_file(&text)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        Ok(lexicon)
    }

    fn add_file(&mut self, text: &str) -> Result<(), String> {
        let file: LexiconFile = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
        for (flag, phrases) in file.flags {
            if !FLAGS.contains(&flag.as_str()) {
                return Err(format!("flags.{flag}: not a rubric flag"));
            }
            for phrase in phrases {
                let chars: Vec<char> = phrase.trim().chars().flat_map(char::to_lowercase).collect();
                if chars.is_empty() {
                    return Err(format!("flags.{flag}: an empty phrase"));
                }
                let bounded = chars
                    .iter()
                    .any(|c| c.is_ascii_alphabetic() || is_latin(*c))
                    && !chars.iter().any(|c| is_unspaced_script(*c));
                self.phrases.push(Phrase {
                    flag: flag.clone(),
                    language: file.language.clone(),
                    chars,
                    bounded,
                });
            }
        }
        Ok(())
    }

    /// Every phrase found in `text`, in text order; overlapping hits of one flag count once.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        // Lowercase char by char, remembering where each lowered char came from, so offsets
        // stay those of the original text.
        let mut lowered: Vec<char> = Vec::with_capacity(text.len());
        let mut origin: Vec<usize> = Vec::with_capacity(text.len());
        for (i, c) in text.chars().enumerate() {
            for l in c.to_lowercase() {
                lowered.push(l);
                origin.push(i);
            }
        }
        let total = text.chars().count();
        let mut hits: Vec<Hit> = Vec::new();
        for phrase in &self.phrases {
            let n = phrase.chars.len();
            if n > lowered.len() {
                continue;
            }
            for start in 0..=lowered.len() - n {
                if lowered[start..start + n] != phrase.chars[..] {
                    continue;
                }
                if phrase.bounded {
                    let before = start.checked_sub(1).map(|i| lowered[i]);
                    let after = lowered.get(start + n).copied();
                    if before.is_some_and(char::is_alphanumeric)
                        || after.is_some_and(char::is_alphanumeric)
                    {
                        continue;
                    }
                }
                let s = origin[start];
                let e = origin.get(start + n).copied().unwrap_or(total);
                if hits
                    .iter()
                    .any(|h| h.flag == phrase.flag && h.start < e && s < h.end)
                {
                    continue;
                }
                hits.push(Hit {
                    flag: phrase.flag.clone(),
                    start: s,
                    end: e,
                });
            }
        }
        hits.sort_by_key(|h| (h.start, h.end));
        hits
    }
}

fn is_latin(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

/// Scripts written without spaces between words.
fn is_unspaced_script(c: char) -> bool {
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

    fn lexicon(yaml: &str) -> Lexicon {
        let mut l = Lexicon::default();
        l.add_file(yaml).unwrap();
        l
    }

    #[test]
    fn latin_phrases_match_whole_words_only() {
        let l = lexicon("language: en\nflags:\n  weapon: [gun]\n");
        assert_eq!(l.find("He has a GUN!").len(), 1);
        assert!(l.find("a begun task").is_empty());
    }

    #[test]
    fn thai_phrases_match_inside_running_text_with_scalar_offsets() {
        let l = lexicon("language: th\nflags:\n  confinement: [\"ขังไว้\"]\n");
        let hits = l.find("เขาขังไว้ในห้อง");
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].start, hits[0].end), (3, 9));
    }

    #[test]
    fn a_phrase_under_an_unknown_flag_is_refused() {
        let mut l = Lexicon::default();
        assert!(l.add_file("language: en\nflags:\n  danger: [x]\n").is_err());
    }

    #[test]
    fn the_shipped_lexicons_load() {
        let l = Lexicon::load_dir(Path::new("config/triage")).unwrap();
        assert!(!l.phrases.is_empty());
    }
}
