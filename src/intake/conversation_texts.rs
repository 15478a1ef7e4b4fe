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
    /// BCP 47 code → the language's name in this language, for saying which languages a help
    /// line answers in.
    pub language_names: BTreeMap<String, String>,
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
    /// Surge mode (issue 18): many people are writing; an answer may take about `{wait}`.
    pub surge_notice: String,
    /// "Are you safe right now?", with the three surge buttons.
    pub surge_ask_safe_now: String,
    /// "Where are you now?", the country buttons following.
    pub surge_question_where: String,
    /// The surge hand-off: `{wait}` and `{emergency_numbers_inline}`.
    pub surge_handoff: String,
    /// After the numbers, when some line is not known to speak the person's language.
    pub numbers_other_languages: String,
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
    pub surge_safe_now: String,
    pub surge_in_danger: String,
    pub surge_cannot_write: String,
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
    /// The languages this line answers in, when known better than the country's default.
    #[serde(default)]
    pub languages: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct EmergencyFile {
    /// Country → the languages its lines answer in unless a number says otherwise.
    #[serde(default)]
    languages: BTreeMap<String, Vec<String>>,
    countries: BTreeMap<String, Vec<EmergencyNumber>>,
}

/// All language packs and the emergency table, loaded once at startup.
#[derive(Debug, Clone)]
pub struct ConversationTexts {
    packs: BTreeMap<String, LanguagePack>,
    /// English, for a language the bot does not speak.
    fallback: LanguagePack,
    emergency: BTreeMap<String, Vec<EmergencyNumber>>,
    /// Country → the languages its lines answer in by default.
    line_languages: BTreeMap<String, Vec<String>>,
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
        // Every language a line is said to speak must have a name in every pack, or a person
        // would read a bare code like "ms".
        let spoken = file.languages.values().flatten().chain(
            file.countries
                .values()
                .flatten()
                .flat_map(|n| n.languages.iter().flatten()),
        );
        for code in spoken {
            if let Some(pack) = packs
                .values()
                .find(|p: &&LanguagePack| !p.language_names.contains_key(code))
            {
                return Err(format!(
                    "{}: language_names has no name for {code:?}, which {} says a line speaks",
                    pack.language,
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
            line_languages: file.languages,
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
    /// per line, labelled in the language. A line not known to speak the language names the
    /// languages it does speak, so nobody dials expecting to be understood and is not.
    pub fn emergency_lines(&self, country: Option<&str>, language: &str) -> Vec<String> {
        let (country, numbers) = self.numbers_for(country);
        let pack = self.pack(language);
        numbers
            .iter()
            .map(|n| {
                let label = n
                    .label
                    .get(language)
                    .or_else(|| n.label.get("en"))
                    .map(String::as_str)
                    .unwrap_or(n.service.as_str());
                let spoken = self.languages_of(country, n);
                if spoken.is_empty() || spoken.iter().any(|l| l == language) {
                    format!("{label} {}", n.number)
                } else {
                    let names: Vec<&str> = spoken
                        .iter()
                        .map(|l| {
                            pack.language_names
                                .get(l)
                                .map_or(l.as_str(), String::as_str)
                        })
                        .collect();
                    format!("{label} {} ({})", n.number, names.join(", "))
                }
            })
            .collect()
    }

    /// What to say after the numbers when some line is not known to speak the person's
    /// language: that they can always write here instead. `None` when every line speaks it.
    pub fn other_languages_note(&self, country: Option<&str>, language: &str) -> Option<String> {
        let (country, numbers) = self.numbers_for(country);
        let some_line_does_not_speak_it = numbers.iter().any(|n| {
            let spoken = self.languages_of(country, n);
            !spoken.is_empty() && !spoken.iter().any(|l| l == language)
        });
        some_line_does_not_speak_it
            .then(|| self.pack(language).texts.numbers_other_languages.clone())
    }

    /// The numbers block of a message: the lines, then the note on languages when it applies.
    pub fn emergency_block(&self, country: Option<&str>, language: &str) -> String {
        let mut lines = self.emergency_lines(country, language);
        lines.extend(self.other_languages_note(country, language));
        lines.join("\n")
    }

    fn numbers_for(&self, country: Option<&str>) -> (&str, &[EmergencyNumber]) {
        match country.and_then(|c| self.emergency.get_key_value(c)) {
            Some((code, numbers)) => (code.as_str(), numbers.as_slice()),
            None => (
                self.home_country.as_str(),
                self.emergency
                    .get(&self.home_country)
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
            ),
        }
    }

    fn languages_of<'a>(&'a self, country: &str, number: &'a EmergencyNumber) -> &'a [String] {
        number
            .languages
            .as_deref()
            .or_else(|| self.line_languages.get(country).map(Vec::as_slice))
            .unwrap_or_default()
    }
}
