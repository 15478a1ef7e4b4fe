//! Reporter contact details. Debug output never shows them.

use serde::{Deserialize, Serialize};

use super::{Channel, FieldError};

/// A call-back phone number, normalised to `+` and digits so the keyed hash matches however
/// the counselor typed it.
#[derive(Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(field: &str, raw: &str) -> Result<PhoneNumber, FieldError> {
        let trimmed = raw.trim();
        let plus = trimmed.starts_with('+');
        let mut digits = String::with_capacity(trimmed.len());
        for c in trimmed.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '.' | '+' => {}
                _ => {
                    return Err(FieldError::new(
                        field,
                        "may contain only digits, spaces, + - ( ) .",
                    ));
                }
            }
        }
        if !(6..=15).contains(&digits.len()) {
            return Err(FieldError::new(field, "must have 6 to 15 digits"));
        }
        Ok(PhoneNumber(if plus {
            format!("+{digits}")
        } else {
            digits
        }))
    }

    /// A number checked against the numbering plan of `country` (the person's country, or the
    /// hotline's home country) with libphonenumber's data, and stored in E.164 (`+66812345678`)
    /// so the keyed hash matches however it was typed (`081-234-5678`, `+66 81 234 5678`).
    pub fn for_country(field: &str, raw: &str, country: &str) -> Result<PhoneNumber, FieldError> {
        // Letters and other symbols get the plain message first.
        PhoneNumber::parse(field, raw)?;
        let region = country.parse::<phonenumber::country::Id>().ok();
        let valid = phonenumber::parse(region, raw.trim())
            .ok()
            .filter(phonenumber::is_valid);
        match valid {
            Some(number) => Ok(PhoneNumber(
                number.format().mode(phonenumber::Mode::E164).to_string(),
            )),
            None => Err(FieldError::new(
                field,
                format!(
                    "is not a phone number that can be dialled in {country} (check the digits, or start with + and the country code)"
                ),
            )),
        }
    }

    /// The number as people read it (`+66 81 234 5678`), when libphonenumber knows its plan.
    pub fn display(stored: &str) -> String {
        phonenumber::parse(None, stored)
            .ok()
            .filter(phonenumber::is_valid)
            .map_or_else(
                || stored.to_owned(),
                |n| {
                    n.format()
                        .mode(phonenumber::Mode::International)
                        .to_string()
                },
            )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PhoneNumber([redacted])")
    }
}

/// What the reporter wants to be called, if anything.
#[derive(Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(field: &str, raw: &str) -> Result<Option<PersonName>, FieldError> {
        let t = raw.trim();
        if t.is_empty() {
            return Ok(None);
        }
        if t.chars().count() > 200 {
            return Err(FieldError::new(field, "must be at most 200 characters"));
        }
        Ok(Some(PersonName(t.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PersonName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersonName([redacted])")
    }
}

/// How the hotline may contact a reporter first. Nothing is sent against these rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafeContact {
    /// Channels the reporter agreed to be contacted on.
    pub allowed_channels: Vec<Channel>,
    /// Free text as the reporter said it, e.g. `18:00-20:00`.
    pub safe_hours: Option<String>,
    /// The hotline only answers; it never writes or calls first.
    pub never_contact_first: bool,
    /// Never leave a voice message (someone else may hear it).
    pub no_voicemail: bool,
}

impl SafeContact {
    /// A hotline's safe default: answer only on the channel used, no voicemail.
    pub fn answer_only(channel: Channel) -> SafeContact {
        SafeContact {
            allowed_channels: vec![channel],
            safe_hours: None,
            never_contact_first: true,
            no_voicemail: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_typed_differently_normalise_to_the_same_value() {
        let a = PhoneNumber::parse("p", "+66 81-234-5678").unwrap();
        let b = PhoneNumber::parse("p", "+66812345678").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn thai_lao_and_khmer_numbers_are_checked_against_their_country_and_stored_in_e164() {
        let th = PhoneNumber::for_country("p", "081-234-5678", "TH").unwrap();
        assert_eq!(th.as_str(), "+66812345678");
        assert_eq!(
            PhoneNumber::for_country("p", "+66 81 234 5678", "TH").unwrap(),
            th
        );
        // Lao mobile numbers are 020 plus eight digits; Cambodian ones 0 plus eight or nine.
        assert_eq!(
            PhoneNumber::for_country("p", "020 5555 1234", "LA")
                .unwrap()
                .as_str(),
            "+8562055551234"
        );
        assert_eq!(
            PhoneNumber::for_country("p", "012 345 678", "KH")
                .unwrap()
                .as_str(),
            "+85512345678"
        );
        // A number with its own country code is read as that country's, whatever the form says.
        assert_eq!(
            PhoneNumber::for_country("p", "+855 12 345 678", "TH")
                .unwrap()
                .as_str(),
            "+85512345678"
        );
        assert_eq!(PhoneNumber::display("+66812345678"), "+66 81 234 5678");
    }

    #[test]
    fn a_number_that_cannot_exist_in_the_country_is_refused_with_a_clear_message() {
        let err = PhoneNumber::for_country("callback.phone", "02 123 45", "TH").unwrap_err();
        assert_eq!(err.field, "callback.phone");
        assert!(err.message.contains("TH"), "{}", err.message);
        assert!(PhoneNumber::for_country("p", "+856 99", "LA").is_err());
        assert!(PhoneNumber::for_country("p", "call me", "TH").is_err());
    }

    #[test]
    fn letters_in_a_phone_number_are_refused() {
        assert!(PhoneNumber::parse("p", "call me").is_err());
    }

    #[test]
    fn debug_never_shows_a_phone_number() {
        let p = PhoneNumber::parse("p", "+66812345678").unwrap();
        assert!(!format!("{p:?}").contains("812"));
    }
}
