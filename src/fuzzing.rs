//! Entry points for the `cargo fuzz` targets in `fuzz/` (issue 18): the parsers of outside input
//! that live in the app crate, reachable from outside it without opening their modules. Each
//! reads input exactly as the app does and throws the result away; a panic is the finding.

use std::path::Path;
use std::sync::LazyLock;

use crate::triage::{TriageRules, read_message};

/// The phone-call form's JSON body, as `POST /api/v1/reports` reads and parses it.
pub fn phone_form(body: &[u8]) {
    crate::routes::api::read_phone_form(body, "TH");
}

/// A partner-directory import file, read as HSDS JSON and as CSV.
pub fn directory_import(text: &str) {
    crate::partners::exchange::parse_both(text);
}

/// A person's words, read by triage with the real rules.
pub fn triage_text(text: &str) {
    static RULES: LazyLock<Option<TriageRules>> = LazyLock::new(|| {
        ["config/triage/shared.yaml", "../config/triage/shared.yaml"]
            .iter()
            .find_map(|p| TriageRules::load(Path::new(p)).ok())
    });
    if let Some(rules) = RULES.as_ref() {
        let _ = read_message(text, rules);
    }
}
