//! The rules as `GET /api/v1/cases/{id}` shows them under `"safe_contact"`. The code word and
//! the cover story are shown only to whoever may act on the case (its holder, a supervisor):
//! they unlock disclosure on a call.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::rules::SafeWindow;
use super::store::{Current, Version};
use crate::domain::{Channel, PhoneNumber};

#[derive(Debug, Clone, Serialize)]
pub struct PhoneView {
    pub number: String,
    /// A callback reached someone who did not know the person.
    pub wrong: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SafeContactView {
    pub allowed_channels: Vec<Channel>,
    pub phones: Vec<PhoneView>,
    pub windows: Vec<SafeWindow>,
    pub time_zone: String,
    pub never_contact_first: bool,
    pub no_voicemail: bool,
    pub code_word: Option<String>,
    pub cover_story: Option<String>,
    /// False when the code word and cover story were withheld from this viewer.
    pub secrets_shown: bool,
    /// The person's own words about when and how, as they said them.
    pub own_words: Option<String>,
    /// Their words could not be read as windows: nobody contacts them first until a counselor
    /// sets the windows.
    pub times_unclear: bool,
    pub version: i32,
    #[serde(with = "crate::domain::time::option")]
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
    /// chat, phone_form, counselor, callback_attempt, migration.
    pub updated_how: Option<String>,
}

impl SafeContactView {
    pub fn of(current: &Current, show_secrets: bool) -> SafeContactView {
        let r = &current.rules;
        SafeContactView {
            allowed_channels: r.allowed_channels.clone(),
            phones: r
                .phones
                .iter()
                .map(|p| PhoneView {
                    number: PhoneNumber::display(&p.number),
                    wrong: p.wrong,
                })
                .collect(),
            windows: r.windows.clone(),
            time_zone: r.time_zone.name().to_owned(),
            never_contact_first: r.never_contact_first,
            no_voicemail: r.no_voicemail,
            code_word: r.code_word.clone().filter(|_| show_secrets),
            cover_story: r.cover_story.clone().filter(|_| show_secrets),
            secrets_shown: show_secrets,
            own_words: r.own_words.clone(),
            times_unclear: r.times_unclear,
            version: current.version,
            updated_at: current.updated_at,
            updated_by: current.updated_by.clone(),
            updated_how: current.source.clone(),
        }
    }
}

/// One earlier version, in the history on request.
#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    pub version: i32,
    pub rules: SafeContactView,
    pub recorded_how: String,
    pub recorded_by: Option<String>,
    #[serde(with = "crate::domain::time")]
    pub recorded_at: DateTime<Utc>,
}

impl VersionView {
    pub fn of(
        v: Version,
        reporter_id: crate::domain::ReporterId,
        show_secrets: bool,
    ) -> VersionView {
        let current = Current {
            reporter_id,
            rules: v.rules,
            version: v.version,
            updated_at: Some(v.recorded_at),
            updated_by: v.recorded_by.clone(),
            source: Some(v.source.clone()),
        };
        VersionView {
            version: v.version,
            rules: SafeContactView::of(&current, show_secrets),
            recorded_how: v.source,
            recorded_by: v.recorded_by,
            recorded_at: v.recorded_at,
        }
    }
}
