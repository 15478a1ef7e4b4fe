//! The console's words in every language, from Project Fluent files (`locales/<lang>/console.ftl`,
//! compiled in), and the choice of language for a page: the staff member's own choice, or
//! before sign-in the best match of the browser's `Accept-Language`.
//!
//! English is the source. A key missing from another language falls back to English, so a page
//! never breaks; the catalogue test keeps every file complete and free of unused keys.

mod labels;

pub use labels::{AUDIT_ACTIONS, COUNTRIES, dynamic_keys};

use std::borrow::Cow;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language the console is translated into.
#[derive(Debug)]
pub struct ConsoleLanguage {
    /// BCP 47 primary tag, as stored on the user and in `<html lang>`.
    pub code: &'static str,
    /// The language's name in itself, as pickers show it.
    pub native_name: &'static str,
    /// False until a native speaker has checked the file (its header says so too).
    pub reviewed: bool,
    source: &'static str,
}

/// Every console language, English (the source) first.
pub static CONSOLE_LANGUAGES: &[ConsoleLanguage] = &[
    ConsoleLanguage {
        code: "en",
        native_name: "English",
        reviewed: true,
        source: include_str!("../../locales/en/console.ftl"),
    },
    ConsoleLanguage {
        code: "th",
        native_name: "ไทย",
        reviewed: true,
        source: include_str!("../../locales/th/console.ftl"),
    },
    ConsoleLanguage {
        code: "lo",
        native_name: "ລາວ",
        reviewed: false,
        source: include_str!("../../locales/lo/console.ftl"),
    },
    ConsoleLanguage {
        code: "km",
        native_name: "ខ្មែរ",
        reviewed: false,
        source: include_str!("../../locales/km/console.ftl"),
    },
    ConsoleLanguage {
        code: "my",
        native_name: "မြန်မာ",
        reviewed: false,
        source: include_str!("../../locales/my/console.ftl"),
    },
    ConsoleLanguage {
        code: "vi",
        native_name: "Tiếng Việt",
        reviewed: false,
        source: include_str!("../../locales/vi/console.ftl"),
    },
    ConsoleLanguage {
        code: "zh",
        native_name: "中文",
        reviewed: false,
        source: include_str!("../../locales/zh/console.ftl"),
    },
];

/// Names of languages reporters speak, in themselves, for the language pickers (the console
/// languages plus a few more heard on Mekong hotlines).
pub static SPOKEN_LANGUAGES: &[(&str, &str)] = &[
    ("th", "ไทย"),
    ("lo", "ລາວ"),
    ("km", "ខ្មែរ"),
    ("my", "မြန်မာ"),
    ("vi", "Tiếng Việt"),
    ("zh", "中文"),
    ("en", "English"),
    ("shn", "တႆး"),
    ("kar", "ကညီ"),
    ("ms", "Bahasa Melayu"),
    ("id", "Bahasa Indonesia"),
];

/// The native name of a spoken language tag (`my-MM` → မြန်မာ), or the tag itself.
pub fn language_name(tag: &str) -> Cow<'_, str> {
    let primary = tag.split('-').next().unwrap_or(tag);
    SPOKEN_LANGUAGES
        .iter()
        .find(|(code, _)| *code == primary)
        .map_or(Cow::Borrowed(tag), |(_, name)| Cow::Borrowed(*name))
}

struct Catalogue {
    bundles: Vec<FluentBundle<FluentResource>>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| Catalogue {
    bundles: CONSOLE_LANGUAGES.iter().map(bundle).collect(),
});

fn bundle(language: &ConsoleLanguage) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = language.code.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Pages are HTML in one direction; Unicode isolation marks would only get in the way of
    // copying a reference.
    bundle.set_use_isolating(false);
    // A syntax error keeps the entries that parsed; the catalogue test fails on any error.
    let resource = FluentResource::try_new(language.source.to_owned()).unwrap_or_else(|(r, _)| r);
    let _ = bundle.add_resource(resource);
    bundle
}

/// Words for one page in one language.
#[derive(Clone, Copy)]
pub struct Tr {
    index: usize,
}

impl Tr {
    /// The translator for a console language code; English for anything else.
    pub fn for_code(code: &str) -> Tr {
        Tr {
            index: CONSOLE_LANGUAGES
                .iter()
                .position(|l| l.code == code)
                .unwrap_or(0),
        }
    }

    /// The best console language for an `Accept-Language` header (English when nothing fits).
    pub fn for_accept_language(header: &str) -> Tr {
        let requested = fluent_langneg::accepted_languages::parse(header);
        let available: Vec<LanguageIdentifier> = CONSOLE_LANGUAGES
            .iter()
            .filter_map(|l| l.code.parse().ok())
            .collect();
        let default: LanguageIdentifier = "en".parse().unwrap_or_default();
        let chosen = fluent_langneg::negotiate_languages(
            &requested,
            &available,
            Some(&default),
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        chosen
            .first()
            .map_or(Tr::for_code("en"), |id| Tr::for_code(id.language.as_str()))
    }

    pub fn language(&self) -> &'static ConsoleLanguage {
        &CONSOLE_LANGUAGES[self.index]
    }

    /// `<html lang>` for pages in this language.
    pub fn code(&self) -> &'static str {
        self.language().code
    }

    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
        let catalogue = &*CATALOGUE;
        [self.index, 0].into_iter().find_map(|i| {
            let bundle = &catalogue.bundles[i];
            let pattern = bundle.get_message(key)?.value()?;
            let mut errors = vec![];
            Some(
                bundle
                    .format_pattern(pattern, args, &mut errors)
                    .into_owned(),
            )
        })
    }

    /// The text for `key`; a key no file has shows as itself in brackets, which page tests
    /// look for.
    pub fn get(&self, key: &str) -> String {
        self.format(key, None).unwrap_or_else(|| format!("⟦{key}⟧"))
    }

    /// The text for `key`, or `fallback` when no file has the key (labels for codes added
    /// after the translations, such as a new history action).
    pub fn get_or(&self, key: &str, fallback: &str) -> String {
        self.format(key, None)
            .unwrap_or_else(|| fallback.to_owned())
    }

    /// The text for `key` with one argument (`{ $name }` in the file).
    pub fn with<'a>(&self, key: &str, name: &'a str, value: impl Into<FluentValue<'a>>) -> String {
        let mut args = FluentArgs::new();
        args.set(name, value);
        self.format(key, Some(&args))
            .unwrap_or_else(|| format!("⟦{key}⟧"))
    }

    /// The text for `key` with two arguments.
    pub fn with2<'a>(
        &self,
        key: &str,
        (n1, v1): (&'a str, FluentValue<'a>),
        (n2, v2): (&'a str, FluentValue<'a>),
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(n1, v1);
        args.set(n2, v2);
        self.format(key, Some(&args))
            .unwrap_or_else(|| format!("⟦{key}⟧"))
    }

    pub fn level(&self, code: &str) -> String {
        self.get_or(&format!("level-{code}"), code)
    }
    pub fn flag(&self, code: &str) -> String {
        self.get_or(&format!("flag-{code}"), code)
    }
    pub fn status(&self, code: &str) -> String {
        self.get_or(&format!("status-{code}"), code)
    }
    pub fn caller(&self, code: &str) -> String {
        self.get_or(&format!("caller-{code}"), code)
    }
    pub fn closing(&self, code: &str) -> String {
        self.get_or(&format!("closing-{code}"), code)
    }
    pub fn channel(&self, code: &str) -> String {
        self.get_or(&format!("channel-{code}"), code)
    }
    pub fn country(&self, code: &str) -> String {
        self.get_or(&format!("country-{code}"), code)
    }
    pub fn day(&self, code: &str) -> String {
        self.get_or(&format!("day-{code}"), code)
    }
    pub fn callback_status(&self, code: &str) -> String {
        self.get_or(&format!("callback-status-{code}"), code)
    }
    /// How a version of the safe-contact rules was recorded (`phone_form`, `chat`, ...).
    pub fn recorded_how(&self, code: &str) -> String {
        self.get_or(&format!("safe-how-{code}"), code)
    }
    pub fn role(&self, code: &str) -> String {
        self.get_or(&format!("role-{code}"), code)
    }
    pub fn history(&self, action: &str) -> String {
        self.get_or(
            &format!("history-{}", action.replace(['.', '_'], "-")),
            action,
        )
    }
}

#[cfg(test)]
mod tests;
