//! Province suggestions for the phone form, from `config/provinces.yaml` (compiled in): a
//! suggestion list per country that still accepts any text.

use std::collections::BTreeMap;
use std::sync::LazyLock;

/// One suggestion: the English name and the name in the country's language.
#[derive(Debug, Clone)]
pub struct Province {
    pub english: String,
    pub native: String,
}

static PROVINCES: LazyLock<BTreeMap<String, Vec<Province>>> = LazyLock::new(|| {
    let raw: BTreeMap<String, Vec<String>> =
        serde_yaml_ng::from_str(include_str!("../../config/provinces.yaml")).unwrap_or_default();
    raw.into_iter()
        .map(|(country, names)| {
            let list = names
                .iter()
                .map(|line| {
                    let (english, native) = line.split_once('|').unwrap_or((line, line));
                    Province {
                        english: english.trim().to_owned(),
                        native: native.trim().to_owned(),
                    }
                })
                .collect();
            (country, list)
        })
        .collect()
});

/// Every country with suggestions, and its provinces.
pub fn all() -> &'static BTreeMap<String, Vec<Province>> {
    &PROVINCES
}

/// The language a country's province names are written in, for the countries with a list.
fn native_language(country: &str) -> Option<&'static str> {
    match country {
        "TH" => Some("th"),
        "LA" => Some("lo"),
        "KH" => Some("km"),
        "MM" => Some("my"),
        _ => None,
    }
}

/// An area as a counselor reading the console in `ui_language` should see it. A known
/// province, typed in either script, reads in the country's own script for a console in that
/// language and as "English (native)" for any other: a counselor working in English sees
/// "Songkhla (สงขลา)", not only the Thai they may not read, and still has the Thai for a call
/// to a partner there. Anything else is shown as it was typed.
pub fn display(country: Option<&str>, area: &str, ui_language: &str) -> String {
    let typed = area.trim();
    let found = country.and_then(|code| {
        let list = PROVINCES.get(code)?;
        let province = list
            .iter()
            .find(|p| p.native == typed || p.english.to_lowercase() == typed.to_lowercase())?;
        Some((code, province))
    });
    match found {
        Some((code, p)) if native_language(code) == Some(ui_language) => p.native.clone(),
        Some((_, p)) if p.native != p.english => format!("{} ({})", p.english, p.native),
        Some((_, p)) => p.english.clone(),
        None => area.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::display;

    #[test]
    fn a_known_province_reads_in_english_with_its_own_script_beside_it_on_an_english_console() {
        assert_eq!(display(Some("TH"), "สงขลา", "en"), "Songkhla (สงขลา)");
        assert_eq!(display(Some("TH"), "songkhla", "en"), "Songkhla (สงขลา)");
    }

    #[test]
    fn a_known_province_reads_in_its_own_script_on_a_console_in_that_language() {
        assert_eq!(display(Some("TH"), "Songkhla", "th"), "สงขลา");
    }

    #[test]
    fn an_area_that_is_no_known_province_is_shown_as_typed() {
        assert_eq!(
            display(Some("TH"), "Soi 5, Mahachai", "en"),
            "Soi 5, Mahachai"
        );
        assert_eq!(display(None, "สงขลา", "en"), "สงขลา");
    }

    #[test]
    fn every_thai_province_is_suggested_with_its_thai_name() {
        let th = &super::all()["TH"];
        assert_eq!(th.len(), 77);
        assert!(
            th.iter()
                .any(|p| p.english == "Songkhla" && p.native == "สงขลา")
        );
        for country in ["LA", "KH", "MM"] {
            assert!(!super::all()[country].is_empty(), "{country}");
        }
    }
}
