//! The bot's words: one file per language under `config/conversation/`, and the emergency
//! numbers by country from `config/emergency_numbers.yaml`.
//!
//! Every language file must have every key (serde refuses a missing or unknown one), so a
//! translation cannot silently fall back to another language mid-conversation. Files that no
//! native speaker has checked say `needs_native_review: true`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::language::CHAT_LANGUAGES;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguagePack {
    pub language: String,
    pub language_name: String,
    pub needs_native_review: bool,
    pub stop_words: Vec<String>,
    pub texts: Texts,
    pub buttons: Buttons,
    /// "Forget me": the words that ask for it and the second confirmation.
    pub forget_me: ForgetMeTexts,
    /// ISO 3166 alpha-2 → the country's name in this language.
    pub countries: BTreeMap<String, String>,
    /// Saved safety-script texts a counselor can send from the case page.
    pub scripts: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Texts {
    pub choose_language: String,
    pub safety_notice: String,
    pub ask_safe_to_talk: String,
    pub ask_safe_contact_later: String,
    pub not_safe_goodbye: String,
    pub ask_what_happened: String,
    pub thanks_for_telling: String,
    pub quick_questions_intro: String,
    pub question_minor: String,
    pub question_can_leave: String,
    pub question_documents: String,
    /// The same three questions for someone who speaks of themselves ("I am locked in").
    pub question_minor_self: String,
    pub question_can_leave_self: String,
    pub question_documents_self: String,
    pub question_country: String,
    pub question_area: String,
    pub ask_contact: String,
    pub ask_phone: String,
    pub ask_safe_hours: String,
    pub handoff: String,
    /// The hand-off for someone who asked never to be contacted first: it promises only an
    /// answer when they write.
    pub handoff_never_first: String,
    pub wait_minutes: String,
    pub wait_hours: String,
    pub danger_now: String,
    pub stopped: String,
    pub welcome_back: String,
    pub unsupported: String,
    pub slow_down: String,
    pub phone_not_understood: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Buttons {
    pub yes: String,
    pub no: String,
    pub unknown: String,
    pub skip: String,
    pub stop: String,
    pub safe_yes: String,
    pub safe_no: String,
    pub contact_here: String,
    pub contact_phone: String,
    pub contact_never_first: String,
    pub share_phone: String,
    pub hours_any: String,
    pub hours_morning: String,
    pub hours_afternoon: String,
    pub hours_evening: String,
    pub country_other: String,
}

/// The chat's "forget me" (`crate::retention::chat`). Safe on a lock screen: no word about what
/// the hotline is for; the person can always keep their data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForgetMeTexts {
    /// Messages that ask for erasure (compared whole, ignoring case and end punctuation).
    pub words: Vec<String>,
    /// The second confirmation where the hotline can remove its messages from the chat.
    pub ask: String,
    /// The second confirmation where it cannot (LINE, email): the person must delete the chat.
    pub ask_cannot_delete: String,
    pub erase_button: String,
    pub keep_button: String,
    /// The person chose to keep their data.
    pub kept: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmergencyNumber {
    pub service: String,
    pub number: String,
    /// Language code → label; `en` is required.
    pub label: BTreeMap<String, String>,
    pub verified: bool,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct EmergencyFile {
    countries: BTreeMap<String, Vec<EmergencyNumber>>,
}

/// All language packs and the emergency table, loaded once at startup.
#[derive(Debug, Clone)]
pub struct ConversationTexts {
    packs: BTreeMap<String, LanguagePack>,
    /// English, for a language the bot does not speak.
    fallback: LanguagePack,
    emergency: BTreeMap<String, Vec<EmergencyNumber>>,
    /// Whose numbers to show before the person's country is known.
    pub home_country: String,
}

impl ConversationTexts {
    pub fn load(
        texts_dir: &Path,
        emergency_path: &Path,
        home_country: &str,
    ) -> Result<ConversationTexts, String> {
        let mut packs = BTreeMap::new();
        for code in CHAT_LANGUAGES {
            let path = texts_dir.join(format!("{code}.yaml"));
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let pack: LanguagePack =
                serde_yaml_ng::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            if pack.language != *code {
                return Err(format!(
                    "{}: language is {}, expected {code}",
                    path.display(),
                    pack.language
                ));
            }
            if pack.forget_me.words.is_empty() {
                return Err(format!("{}: forget_me.words is empty", path.display()));
            }
            if pack.stop_words.is_empty() {
                return Err(format!("{}: stop_words is empty", path.display()));
            }
            packs.insert((*code).to_owned(), pack);
        }
        let text = std::fs::read_to_string(emergency_path)
            .map_err(|e| format!("{}: {e}", emergency_path.display()))?;
        let file: EmergencyFile = serde_yaml_ng::from_str(&text)
            .map_err(|e| format!("{}: {e}", emergency_path.display()))?;
        for (country, numbers) in &file.countries {
            if numbers.iter().any(|n| !n.label.contains_key("en")) {
                return Err(format!(
                    "{}: countries.{country}: every number needs an `en` label",
                    emergency_path.display()
                ));
            }
        }
        if !file.countries.contains_key(home_country) {
            return Err(format!(
                "{}: no numbers for the home country {home_country}",
                emergency_path.display()
            ));
        }
        let fallback = packs
            .get("en")
            .cloned()
            .ok_or_else(|| format!("{}: en.yaml is required", texts_dir.display()))?;
        Ok(ConversationTexts {
            packs,
            fallback,
            emergency: file.countries,
            home_country: home_country.to_owned(),
        })
    }

    /// The pack for a language, falling back to English for a language the bot does not speak.
    pub fn pack(&self, language: &str) -> &LanguagePack {
        self.packs.get(language).unwrap_or(&self.fallback)
    }

    pub fn packs(&self) -> impl Iterator<Item = &LanguagePack> {
        CHAT_LANGUAGES.iter().filter_map(|c| self.packs.get(*c))
    }

    /// The emergency numbers for a country (the home country's when unknown or not listed), one
    /// per line, labelled in the language.
    pub fn emergency_lines(&self, country: Option<&str>, language: &str) -> Vec<String> {
        let numbers = country
            .and_then(|c| self.emergency.get(c))
            .or_else(|| self.emergency.get(&self.home_country))
            .map(Vec::as_slice)
            .unwrap_or_default();
        numbers
            .iter()
            .map(|n| {
                let label = n
                    .label
                    .get(language)
                    .or_else(|| n.label.get("en"))
                    .map(String::as_str)
                    .unwrap_or(n.service.as_str());
                format!("{label} {}", n.number)
            })
            .collect()
    }
}
