//! The case record: what the region's agencies count and what partners need (sex, age band,
//! nationality, places, forms of exploitation, the hotline's status and the official outcome).
//! Field names follow the IOM Human Trafficking Case Data Standard where it has one (the map is
//! in docs/referrals.md). Parsed once here; stored sealed as one JSON document.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::PgExecutor;

use super::ReferralError;
use crate::auth::{Actor, audit};
use crate::crypto::KeyRing;
use crate::domain::report::string_enum;
use crate::domain::{CaseId, CountryCode, FieldError, LanguageTag};

string_enum!(
    /// The presumed person's sex (HTCDS `per_Gender`'s closed part).
    Sex { Female = "female", Male = "male", Other = "other", Unknown = "unknown" }
);

string_enum!(
    /// Under 18, adult or unknown: what every agency's statistics split on.
    AgeBand { Under18 = "under_18", Adult = "adult", Unknown = "unknown" }
);

string_enum!(
    /// Forms of exploitation, mapped to the Thai and Lao published categories (docs/referrals.md).
    Exploitation {
        ForcedProstitution = "forced_prostitution",
        SexualExploitation = "sexual_exploitation",
        Pornography = "pornography",
        ForcedLabour = "forced_labour",
        ForcedLabourFishing = "forced_labour_fishing",
        DomesticServitude = "domestic_servitude",
        ForcedBegging = "forced_begging",
        ForcedMarriage = "forced_marriage",
        CommercialSurrogacy = "commercial_surrogacy",
        ScamCompound = "scam_compound",
        OrganRemoval = "organ_removal",
        Other = "other",
    }
);

string_enum!(
    /// What a hotline may say about a case; identification belongs to the competent body.
    RecordStatus { Potential = "potential", Presumed = "presumed", NotTrafficking = "not_trafficking" }
);

string_enum!(
    /// The competent body's decision, recorded when the hotline hears it.
    OfficialOutcome { Identified = "identified", NotIdentified = "not_identified", Pending = "pending" }
);

/// A country, province and district (each optional).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// ISO 3166 alpha-2.
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub province: Option<String>,
    #[serde(default)]
    pub district: Option<String>,
}

/// The record as `PUT /api/v1/cases/{id}/record` takes it and the case JSON shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CaseRecord)]
pub struct CaseRecord {
    pub sex: Sex,
    /// Free text, optional (administrative records rarely hold it; some agencies need it).
    #[serde(default)]
    pub gender_identity: Option<String>,
    #[serde(default)]
    pub age: Option<u8>,
    pub age_band: AgeBand,
    /// ISO 3166 alpha-2.
    #[serde(default)]
    pub nationality: Option<String>,
    /// BCP 47 tags.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Where the person comes from.
    #[serde(default)]
    pub origin: Place,
    /// Where the person is now.
    #[serde(default)]
    pub location: Place,
    #[serde(default)]
    pub destination_country: Option<String>,
    #[serde(default)]
    pub exploitation: Vec<Exploitation>,
    pub status: RecordStatus,
    #[serde(default)]
    pub official_outcome: Option<OfficialOutcome>,
}

impl std::fmt::Debug for CaseRecord {
    // Every field but the status is about a person.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseRecord")
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Place([redacted])")
    }
}

fn country(field: &str, raw: Option<String>) -> Result<Option<String>, FieldError> {
    raw.filter(|c| !c.trim().is_empty())
        .map(|c| CountryCode::parse(field, &c).map(|c| c.as_str().to_owned()))
        .transpose()
}

fn short_text(field: &str, raw: Option<String>) -> Result<Option<String>, FieldError> {
    crate::domain::report::FreeText::parse(field, raw.as_deref().unwrap_or(""), 100)
        .map(|t| t.map(|t| t.as_str().to_owned()))
}

impl Place {
    fn parse(self, field: &str) -> Result<Place, FieldError> {
        Ok(Place {
            country: country(&format!("{field}.country"), self.country)?,
            province: short_text(&format!("{field}.province"), self.province)?,
            district: short_text(&format!("{field}.district"), self.district)?,
        })
    }
}

impl CaseRecord {
    /// Checks what serde cannot (codes, tags, lengths, an age that contradicts its band) and
    /// normalises codes, so stored records compare equal.
    pub fn parse(self) -> Result<CaseRecord, FieldError> {
        if let Some(age) = self.age {
            if age > 120 {
                return Err(FieldError::new("age", "must be 0 to 120"));
            }
            let band = if age < 18 {
                AgeBand::Under18
            } else {
                AgeBand::Adult
            };
            if self.age_band != AgeBand::Unknown && self.age_band != band {
                return Err(FieldError::new("age_band", "contradicts age"));
            }
        }
        let mut exploitation = self.exploitation;
        exploitation.dedup();
        Ok(CaseRecord {
            sex: self.sex,
            gender_identity: short_text("gender_identity", self.gender_identity)?,
            age: self.age,
            age_band: match (self.age_band, self.age) {
                (AgeBand::Unknown, Some(a)) if a < 18 => AgeBand::Under18,
                (AgeBand::Unknown, Some(_)) => AgeBand::Adult,
                (band, _) => band,
            },
            nationality: country("nationality", self.nationality)?,
            languages: self
                .languages
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    LanguageTag::parse(&format!("languages[{i}]"), l).map(|t| t.as_str().to_owned())
                })
                .collect::<Result<_, _>>()?,
            origin: self.origin.parse("origin")?,
            location: self.location.parse("location")?,
            destination_country: country("destination_country", self.destination_country)?,
            exploitation,
            status: self.status,
            official_outcome: self.official_outcome,
        })
    }

    pub fn is_minor(&self) -> bool {
        self.age_band == AgeBand::Under18
    }
}

/// Saves the record of a case the actor may change (its holder, or a supervisor). Audited with
/// the statuses only.
pub async fn save_record(
    db: &sqlx::PgPool,
    keys: &KeyRing,
    actor: Actor,
    case_id: CaseId,
    record: &CaseRecord,
    now: DateTime<Utc>,
) -> Result<(), ReferralError> {
    let mut tx = db.begin().await?;
    crate::cases::ensure_may_change(&mut tx, case_id, actor, now).await?;
    let sealed = keys.seal_at(
        &serde_json::to_string(record).map_err(anyhow::Error::new)?,
        "case_records",
        "record_enc",
        case_id,
    );
    let exploitation: Vec<&str> = record.exploitation.iter().map(|e| e.as_str()).collect();
    sqlx::query(
        "INSERT INTO case_records (case_id, record_enc, status, official_outcome, exploitation, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (case_id) DO UPDATE SET record_enc = $2, status = $3, official_outcome = $4,
             exploitation = $5, updated_by = $6, updated_at = $7",
    )
    .bind(case_id)
    .bind(sealed)
    .bind(record.status.as_str())
    .bind(record.official_outcome.map(|o| o.as_str()))
    .bind(&exploitation)
    .bind(actor.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Some(actor.id),
        "case.record_updated",
        Some(case_id),
        json!({ "status": record.status, "official_outcome": record.official_outcome }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The case's record, if one was written.
pub async fn load_record(
    db: impl PgExecutor<'_>,
    keys: &KeyRing,
    case_id: CaseId,
) -> Result<Option<CaseRecord>, ReferralError> {
    let row: Option<(Vec<u8>,)> = sqlx::query_as(
        "SELECT record_enc FROM case_records WHERE case_id = $1 AND record_enc IS NOT NULL",
    )
    .bind(case_id)
    .fetch_optional(db)
    .await?;
    row.map(|(sealed,)| {
        let text = keys
            .open_bound(
                &sealed,
                &crate::crypto::Binding::new("case_records", "record_enc", case_id.0),
            )
            .map_err(|_| ReferralError::Undecryptable)?;
        serde_json::from_str(&text).map_err(|e| ReferralError::Internal(anyhow::Error::new(e)))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(v: serde_json::Value) -> Result<CaseRecord, String> {
        serde_json::from_value::<CaseRecord>(v)
            .map_err(|e| e.to_string())?
            .parse()
            .map_err(|e| e.field)
    }

    #[test]
    fn an_age_under_18_fills_an_unknown_band_and_contradicting_it_is_refused() {
        let r = record(
            json!({"sex": "female", "age": 16, "age_band": "unknown", "status": "potential"}),
        );
        assert_eq!(r.map(|r| r.age_band), Ok(AgeBand::Under18));
        let r =
            record(json!({"sex": "female", "age": 16, "age_band": "adult", "status": "potential"}));
        assert_eq!(r.map(|r| r.age_band), Err("age_band".to_owned()));
    }

    #[test]
    fn countries_are_normalised_and_unknown_ones_named() {
        let r = record(
            json!({"sex": "male", "age_band": "adult", "nationality": "kh",
            "origin": {"country": "KH", "province": "Kampot"}, "status": "presumed"}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.nationality.as_deref(), Some("KH"));
        let r = record(
            json!({"sex": "male", "age_band": "adult", "origin": {"country": "XX"},
            "status": "presumed"}),
        );
        assert_eq!(r.err(), Some("origin.country".to_owned()));
    }
}
