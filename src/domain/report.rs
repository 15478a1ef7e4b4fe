//! A report as intake receives it, parsed: who called, in what language, where the person at
//! risk is, what is happening, quick indicator answers, and how to call back.

use serde::{Deserialize, Serialize};

use super::{FieldError, PersonName, PhoneNumber};

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize, ::utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $(#[serde(rename = $text)] $variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            pub fn parse(field: &str, raw: &str) -> Result<$name, $crate::domain::FieldError> {
                match raw {
                    $($text => Ok($name::$variant),)*
                    _ => Err($crate::domain::FieldError::new(field, format!(
                        "must be one of: {}", [$($text),*].join(", ")
                    ))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// Where a message came from or goes to.
    Channel { Phone = "phone", Telegram = "telegram", Line = "line", Email = "email" }
);

impl From<hotline_contract::ChannelKind> for Channel {
    fn from(c: hotline_contract::ChannelKind) -> Channel {
        use hotline_contract::ChannelKind;
        match c {
            ChannelKind::Telegram => Channel::Telegram,
            ChannelKind::Line => Channel::Line,
            ChannelKind::Email => Channel::Email,
            ChannelKind::Phone => Channel::Phone,
        }
    }
}

string_enum!(
    /// Who is calling, relative to the person at risk.
    Caller {
        Victim = "victim",
        Relative = "relative",
        Friend = "friend",
        Coworker = "coworker",
        Professional = "professional",
        Anonymous = "anonymous",
    }
);

string_enum!(
    /// A quick yes/no/unknown indicator answer.
    Answer { Yes = "yes", No = "no", Unknown = "unknown" }
);

/// The phone form's quick questions, keyed by the rubric's flag names.
pub const ANSWER_KEYS: &[&str] = &[
    "minor",
    "confinement",
    "documents_seized",
    "debt_bondage",
    "injury_medical",
    "threat_violence",
    "abroad",
    "at_sea",
];

/// Indicator answers, in rubric flag order; a missing key is `unknown`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers(pub Vec<(String, Answer)>);

impl Answers {
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Answers, FieldError> {
        let mut out = Vec::new();
        for (key, value) in pairs {
            let field = format!("answers.{key}");
            if !ANSWER_KEYS.contains(&key) {
                return Err(FieldError::new(
                    field,
                    format!("unknown question; known: {}", ANSWER_KEYS.join(", ")),
                ));
            }
            out.push((key.to_owned(), Answer::parse(&field, value)?));
        }
        out.sort_by_key(|(k, _)| ANSWER_KEYS.iter().position(|x| x == k));
        Ok(Answers(out))
    }

    pub fn yes(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(|(_, a)| *a == Answer::Yes)
            .map(|(k, _)| k.as_str())
    }
}

/// A BCP 47 language tag, lightly checked: a 2-3 letter language, then subtags of 1-8 letters
/// or digits (`th`, `my-MM`, `zh-Hant`, `kxm`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageTag(String);

impl LanguageTag {
    pub fn parse(field: &str, raw: &str) -> Result<LanguageTag, FieldError> {
        let bad = || {
            FieldError::new(
                field,
                "must be a BCP 47 language tag such as th, lo, km, my, vi, zh, en",
            )
        };
        let mut parts = raw.trim().split('-');
        let primary = parts.next().ok_or_else(bad)?;
        if !(2..=3).contains(&primary.len()) || !primary.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(bad());
        }
        let mut tag = primary.to_ascii_lowercase();
        for sub in parts {
            if sub.is_empty() || sub.len() > 8 || !sub.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(bad());
            }
            tag.push('-');
            tag.push_str(sub);
        }
        Ok(LanguageTag(tag))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ISO 3166-1 alpha-2 country code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryCode(String);

const ISO_3166_ALPHA2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

impl CountryCode {
    pub fn parse(field: &str, raw: &str) -> Result<CountryCode, FieldError> {
        let code = raw.trim().to_ascii_uppercase();
        // The list is two letters and a space, each: compared as bytes, not split into strings.
        if code.len() == 2
            && ISO_3166_ALPHA2
                .as_bytes()
                .chunks(3)
                .any(|c| c[..2] == *code.as_bytes())
        {
            Ok(CountryCode(code))
        } else {
            Err(FieldError::new(
                field,
                "must be an ISO 3166 alpha-2 country code such as TH, KH, LA, MM, VN, CN",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free text the reporter gave (narrative, area). Debug never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct FreeText(String);

impl FreeText {
    pub fn parse(field: &str, raw: &str, max_chars: usize) -> Result<Option<FreeText>, FieldError> {
        let t = raw.trim();
        if t.is_empty() {
            return Ok(None);
        }
        if t.chars().count() > max_chars {
            return Err(FieldError::new(
                field,
                format!("must be at most {max_chars} characters"),
            ));
        }
        Ok(Some(FreeText(t.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for FreeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FreeText([{} chars redacted])", self.0.chars().count())
    }
}

/// The phone-call form, parsed.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub caller: Caller,
    pub language: Option<LanguageTag>,
    pub country: Option<CountryCode>,
    pub area: Option<FreeText>,
    pub narrative: FreeText,
    pub answers: Answers,
    pub callback_name: Option<PersonName>,
    pub callback_phone: Option<PhoneNumber>,
    /// How and when the hotline may contact the reporter first.
    pub safe_contact: super::SafeContact,
    pub linked_cases: Vec<super::CaseId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_caller_kind_names_the_allowed_values() {
        let err = Caller::parse("caller", "neighbour").unwrap_err();
        assert_eq!(err.field, "caller");
        assert!(err.message.contains("relative"));
    }

    #[test]
    fn language_tags_are_checked_and_normalised() {
        assert_eq!(LanguageTag::parse("l", "TH").unwrap().as_str(), "th");
        assert_eq!(
            LanguageTag::parse("l", "zh-Hant").unwrap().as_str(),
            "zh-Hant"
        );
        assert!(LanguageTag::parse("l", "thai language").is_err());
    }

    #[test]
    fn only_real_country_codes_are_accepted() {
        assert_eq!(CountryCode::parse("c", "kh").unwrap().as_str(), "KH");
        assert!(CountryCode::parse("c", "XX").is_err());
    }

    #[test]
    fn answers_reject_unknown_questions_and_values() {
        assert!(Answers::parse([("minor", "yes")]).is_ok());
        assert_eq!(
            Answers::parse([("age", "yes")]).unwrap_err().field,
            "answers.age"
        );
        assert_eq!(
            Answers::parse([("minor", "maybe")]).unwrap_err().field,
            "answers.minor"
        );
    }
}
