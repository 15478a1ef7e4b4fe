//! The catalogue test: every language file parses, has exactly English's keys, and every key
//! is used somewhere (a template, the code, or a code the console labels).

use std::collections::BTreeSet;

use fluent_syntax::ast::Entry;
use fluent_syntax::parser;

use super::{CONSOLE_LANGUAGES, Tr, dynamic_keys};

fn keys(source: &str, code: &str) -> BTreeSet<String> {
    let resource = parser::parse(source)
        .unwrap_or_else(|(_, errors)| panic!("locales/{code}/console.ftl: {errors:?}"));
    resource
        .body
        .iter()
        .filter_map(|e| match e {
            Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// Every file under `dir` with one of `extensions`, read.
fn sources(dir: &std::path::Path, extensions: &[&str], out: &mut String) {
    for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, extensions, out);
        } else if path
            .extension()
            .is_some_and(|x| extensions.iter().any(|e| x == *e))
        {
            out.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
        }
    }
}

#[test]
fn every_language_has_exactly_the_keys_english_has() {
    let english = keys(CONSOLE_LANGUAGES[0].source, "en");
    for language in &CONSOLE_LANGUAGES[1..] {
        let theirs = keys(language.source, language.code);
        let missing: Vec<_> = english.difference(&theirs).collect();
        let extra: Vec<_> = theirs.difference(&english).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "locales/{}/console.ftl: missing {missing:?}, not in English {extra:?}",
            language.code
        );
    }
}

#[test]
fn every_key_english_has_is_used() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut code = String::new();
    sources(&root.join("templates"), &["html"], &mut code);
    sources(&root.join("src"), &["rs", "js"], &mut code);
    let dynamic: BTreeSet<String> = dynamic_keys().into_iter().collect();
    let unused: Vec<String> = keys(CONSOLE_LANGUAGES[0].source, "en")
        .into_iter()
        .filter(|k| !dynamic.contains(k) && !code.contains(&format!("\"{k}\"")))
        .collect();
    assert!(unused.is_empty(), "keys no page uses: {unused:?}");
    let english = keys(CONSOLE_LANGUAGES[0].source, "en");
    let undefined: Vec<&String> = dynamic.iter().filter(|k| !english.contains(*k)).collect();
    assert!(undefined.is_empty(), "labels without a text: {undefined:?}");
}

#[test]
fn files_not_checked_by_a_native_speaker_say_so() {
    for language in CONSOLE_LANGUAGES {
        let marked = language.source.contains("needs_native_review");
        assert_eq!(
            marked, !language.reviewed,
            "locales/{}/console.ftl: the needs_native_review mark and the table disagree",
            language.code
        );
    }
}

#[test]
fn the_browser_language_picks_the_console_language() {
    assert_eq!(
        Tr::for_accept_language("th-TH,th;q=0.9,en;q=0.8").code(),
        "th"
    );
    assert_eq!(Tr::for_accept_language("km").code(), "km");
    assert_eq!(Tr::for_accept_language("de-DE,fr;q=0.5").code(), "en");
    assert_eq!(Tr::for_accept_language("").code(), "en");
    assert_eq!(Tr::for_code("th").level("critical"), "วิกฤต");
}

#[test]
fn arguments_and_plurals_are_filled_in() {
    let t = Tr::for_code("en");
    assert_eq!(t.with("unread", "count", 1), "1 new message");
    assert_eq!(t.with("unread", "count", 3), "3 new messages");
    assert_eq!(t.get("no-such-key"), "⟦no-such-key⟧");
}
