//! What suggestions and packets know about a case: the record if one was written, else what
//! intake learned (location, language, the quick answers and triage's flags). Decrypted here,
//! used in memory, never logged.

use serde::Serialize;
use sqlx::PgPool;

use super::ReferralError;
use super::record::{CaseRecord, load_record};
use crate::crypto::KeyRing;
use crate::domain::{CaseId, Level};

/// The facts of one case, as referral logic reads them.
#[derive(Clone, Default)]
pub struct CaseFacts {
    pub reference: String,
    pub level: Option<Level>,
    pub country: Option<String>,
    pub province: Option<String>,
    pub district: Option<String>,
    pub nationality: Option<String>,
    pub destination_country: Option<String>,
    pub languages: Vec<String>,
    /// Triage's flags and the quick answers given "yes", together.
    pub signals: Vec<String>,
    pub record: Option<CaseRecord>,
    pub safe_contact: SafeContactFacts,
}

/// A safe way to reach the person, under their own rules.
#[derive(Clone, Default, Serialize)]
pub struct SafeContactFacts {
    pub phone: Option<String>,
    pub safe_hours: Option<String>,
    pub allowed_channels: Vec<String>,
    pub never_contact_first: bool,
    pub no_voicemail: bool,
}

impl std::fmt::Debug for CaseFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CaseFacts([redacted])")
    }
}

impl CaseFacts {
    pub fn has(&self, signal: &str) -> bool {
        self.signals.iter().any(|s| s == signal)
    }

    pub fn is_minor(&self) -> bool {
        self.record.as_ref().is_some_and(CaseRecord::is_minor) || self.has("minor")
    }

    /// The person is outside the hotline's country, or was taken abroad.
    pub fn is_abroad(&self, home_country: &str) -> bool {
        self.has("abroad")
            || self.has("scam_compound")
            || self.country.as_deref().is_some_and(|c| c != home_country)
    }

    pub fn in_immediate_danger(&self) -> bool {
        self.level == Some(Level::Critical)
            || ["threat_violence", "weapon", "confinement"]
                .iter()
                .any(|s| self.has(s))
    }

    pub fn is_injured(&self) -> bool {
        self.has("injury_medical") || self.has("pregnancy")
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    reference: String,
    urgency_level: String,
    country: Option<String>,
    area_enc: Option<Vec<u8>>,
    language: Option<String>,
    urgency_flags: Vec<String>,
    answers: serde_json::Value,
    reporter_id: uuid::Uuid,
    phone_enc: Option<Vec<u8>>,
    safe_hours: Option<String>,
    allowed_channels: Vec<String>,
    never_contact_first: bool,
    no_voicemail: bool,
}

pub async fn case_facts(
    db: &PgPool,
    keys: &KeyRing,
    case_id: CaseId,
) -> Result<CaseFacts, ReferralError> {
    let row: Row = sqlx::query_as(
        "SELECT c.reference, c.urgency_level, c.country, c.area_enc, c.language, c.urgency_flags, c.answers,
                r.id AS reporter_id, r.phone_enc, r.safe_hours, r.allowed_channels, r.never_contact_first, r.no_voicemail
         FROM cases c JOIN reporters r ON r.id = c.reporter_id WHERE c.id = $1",
    )
    .bind(case_id)
    .fetch_optional(db)
    .await?
    .ok_or(ReferralError::NotFound("case"))?;
    let open = |sealed: Option<Vec<u8>>, table: &'static str, column: &'static str, row| {
        sealed
            .map(|s| {
                keys.open_bound(&s, &crate::crypto::Binding::new(table, column, row))
                    .map_err(|_| ReferralError::Undecryptable)
            })
            .transpose()
    };
    let record = load_record(db, keys, case_id).await?;
    let mut signals = row.urgency_flags;
    if let Some(answers) = row.answers.as_object() {
        for (key, value) in answers {
            if value == "yes" && !signals.contains(key) {
                signals.push(key.clone());
            }
        }
    }
    let area = open(row.area_enc, "cases", "area_enc", case_id.0)?;
    let mut facts = CaseFacts {
        reference: row.reference,
        level: Level::parse("urgency_level", &row.urgency_level).ok(),
        country: row.country,
        province: area,
        district: None,
        nationality: None,
        destination_country: None,
        languages: row.language.into_iter().collect(),
        signals,
        record: None,
        safe_contact: SafeContactFacts {
            phone: open(row.phone_enc, "reporters", "phone_enc", row.reporter_id)?,
            safe_hours: row.safe_hours,
            allowed_channels: row.allowed_channels,
            never_contact_first: row.never_contact_first,
            no_voicemail: row.no_voicemail,
        },
    };
    // The person's safe times now live sealed in their safe-contact rules (the plain column is
    // emptied once sealed): the packet carries the person's own words, else the windows.
    if let Ok(current) = crate::safe_contact::store::load_for_case(db, keys, case_id).await {
        let rules = current.rules;
        let windows = rules
            .windows
            .iter()
            .map(|w| format!("{}-{}", w.from, w.to))
            .collect::<Vec<_>>()
            .join(", ");
        facts.safe_contact.safe_hours = rules
            .own_words
            .or((!windows.is_empty()).then_some(windows))
            .or(facts.safe_contact.safe_hours);
        facts.safe_contact.never_contact_first = rules.never_contact_first;
        facts.safe_contact.no_voicemail = rules.no_voicemail;
    }
    // What the counselor recorded wins over what intake guessed.
    if let Some(r) = &record {
        if r.location.country.is_some() {
            facts.country = r.location.country.clone();
            facts.province = r.location.province.clone();
            facts.district = r.location.district.clone();
        }
        facts.nationality = r.nationality.clone();
        facts.destination_country = r.destination_country.clone();
        if !r.languages.is_empty() {
            facts.languages = r.languages.clone();
        }
        for e in &r.exploitation {
            if !facts.signals.iter().any(|s| s == e.as_str()) {
                facts.signals.push(e.as_str().to_owned());
            }
        }
    }
    facts.record = record;
    Ok(facts)
}
