//! What the console shows, decided without HTTP: times in one format, waiting and lease
//! clocks, a chat as a conversation, safety scripts in the order that fits the person, the
//! reason a reply is not allowed, province suggestions, and search. Pages (in
//! `routes::console`) render these with templates.

pub mod clock_text;
pub mod contact_rules;
pub mod conversation;
pub mod provinces;
pub mod scripts;
pub mod search;

/// Catalogue keys the console builds from codes at run time (see `i18n::dynamic_keys`).
pub fn dynamic_keys() -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for author in conversation::AUTHORS {
        keys.push(format!("author-{author}"));
    }
    for delivery in conversation::DELIVERIES {
        keys.push(format!("delivery-{delivery}"));
    }
    for script in scripts::KNOWN_SCRIPTS {
        keys.push(format!("script-{}", script.replace('_', "-")));
    }
    for rule in contact_rules::REASON_KEYS {
        keys.push((*rule).to_owned());
    }
    keys
}
