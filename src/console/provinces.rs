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

#[cfg(test)]
mod tests {
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
