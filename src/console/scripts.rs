//! Saved safety scripts in the order that fits the person: first what may be said on every
//! contact, then what fits how they agreed to be contacted; a script asking to call someone
//! who said "never contact me first" or gave no number goes last.

pub static KNOWN_SCRIPTS: &[&str] = &[
    "introduce",
    "check_safety",
    "delete_chat",
    "callback_ok",
    "closing",
];

/// What the scripts' order depends on.
pub struct ContactRules {
    pub never_contact_first: bool,
    pub has_phone: bool,
}

/// Script keys in the order to offer them.
pub fn ordered<'a>(keys: impl IntoIterator<Item = &'a str>, rules: &ContactRules) -> Vec<&'a str> {
    let fit = |key: &str| -> u8 {
        match key {
            "introduce" => 0,
            "check_safety" => 1,
            // Deleting the chat protects someone whose phone others may read.
            "delete_chat" if rules.never_contact_first => 2,
            "callback_ok" if rules.never_contact_first || !rules.has_phone => 9,
            "callback_ok" => 3,
            "delete_chat" => 4,
            "closing" => 8,
            _ => 5,
        }
    };
    let mut keys: Vec<&str> = keys.into_iter().collect();
    keys.sort_by_key(|k| (fit(k), *k));
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_who_asked_never_to_be_contacted_first_is_not_offered_a_callback_first() {
        let rules = ContactRules {
            never_contact_first: true,
            has_phone: false,
        };
        let order = ordered(KNOWN_SCRIPTS.iter().copied(), &rules);
        assert_eq!(order.first(), Some(&"introduce"));
        assert_eq!(order.last(), Some(&"callback_ok"));
        assert!(
            order.iter().position(|k| *k == "delete_chat")
                < order.iter().position(|k| *k == "closing")
        );
    }

    #[test]
    fn a_person_with_a_safe_number_is_offered_a_callback_early() {
        let rules = ContactRules {
            never_contact_first: false,
            has_phone: true,
        };
        let order = ordered(KNOWN_SCRIPTS.iter().copied(), &rules);
        assert_eq!(&order[..3], &["introduce", "check_safety", "callback_ok"]);
    }
}
