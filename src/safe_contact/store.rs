//! Reading and recording a reporter's rules. Every change is a new version (who, how, when),
//! written through `record` only, so the current rules and their history cannot disagree.

use chrono::{DateTime, Utc};
use sqlx::{PgExecutor, Postgres, Transaction};

use super::SafeContactError;
use super::rules::{SafeContactRules, Source, time_zone_of_country};
use crate::crypto::KeyRing;
use crate::domain::{CaseId, Channel, ReporterId, UserId};

/// The rules in force, with their version's facts.
#[derive(Debug, Clone)]
pub struct Current {
    pub reporter_id: ReporterId,
    pub rules: SafeContactRules,
    pub version: i32,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<String>,
    pub source: Option<String>,
}

/// A reporter's rule columns (also read by the case view's one statement, `cases::view`).
#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    pub(crate) id: ReporterId,
    pub(crate) allowed_channels: Vec<String>,
    pub(crate) never_contact_first: bool,
    pub(crate) no_voicemail: bool,
    pub(crate) safe_hours: Option<String>,
    pub(crate) phone_enc: Option<Vec<u8>>,
    pub(crate) safe_contact_enc: Option<Vec<u8>>,
    pub(crate) safe_contact_version: i32,
    pub(crate) safe_contact_updated_at: Option<DateTime<Utc>>,
    pub(crate) safe_contact_source: Option<String>,
    pub(crate) updated_by: Option<String>,
    pub(crate) country: Option<String>,
}

const SELECT: &str =
    "SELECT r.id, r.allowed_channels, r.never_contact_first, r.no_voicemail, r.safe_hours,
        r.phone_enc, r.safe_contact_enc, r.safe_contact_version, r.safe_contact_updated_at,
        r.safe_contact_source, u.email AS updated_by, c.country
 FROM reporters r LEFT JOIN cases c ON c.reporter_id = r.id
 LEFT JOIN users u ON u.id = r.safe_contact_updated_by";

/// The rules of the person behind a case.
pub async fn load_for_case(
    db: impl PgExecutor<'_>,
    keys: &KeyRing,
    case_id: CaseId,
) -> Result<Current, SafeContactError> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE c.id = $1")))
        .bind(case_id)
        .fetch_optional(db)
        .await?;
    from_row(keys, row.ok_or(SafeContactError::NotFound)?)
}

/// The rules of a reporter (the country of their latest case gives the default time zone).
pub async fn load(
    db: impl PgExecutor<'_>,
    keys: &KeyRing,
    reporter_id: ReporterId,
) -> Result<Current, SafeContactError> {
    let row: Option<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE r.id = $1 ORDER BY c.created_at DESC NULLS LAST LIMIT 1"
    )))
    .bind(reporter_id)
    .fetch_optional(db)
    .await?;
    from_row(keys, row.ok_or(SafeContactError::NotFound)?)
}

pub(crate) fn from_row(keys: &KeyRing, row: Row) -> Result<Current, SafeContactError> {
    let mut rules = match &row.safe_contact_enc {
        Some(sealed) => {
            let json = keys
                .open_bound(
                    sealed,
                    &crate::crypto::Binding::new("reporters", "safe_contact_enc", row.id.0),
                )
                .map_err(|_| SafeContactError::Undecryptable)?;
            serde_json::from_str(&json).map_err(|_| SafeContactError::Undecryptable)?
        }
        None => {
            let mut rules = SafeContactRules::answer_only(row.country.as_deref());
            // Rules stored before versions: the plaintext hours (until sealed at start) and the
            // call-back number.
            rules.set_own_words(row.safe_hours.as_deref());
            if let Some(phone) = &row.phone_enc {
                let phone = keys
                    .open_bound(
                        phone,
                        &crate::crypto::Binding::new("reporters", "phone_enc", row.id.0),
                    )
                    .map_err(|_| SafeContactError::Undecryptable)?;
                rules.add_phone(&phone);
            }
            rules
        }
    };
    // The plain columns are the truth for what SQL filters on.
    rules.allowed_channels = row
        .allowed_channels
        .iter()
        .filter_map(|c| Channel::parse("allowed_channels", c).ok())
        .collect();
    rules.never_contact_first = row.never_contact_first;
    rules.no_voicemail = row.no_voicemail;
    Ok(Current {
        reporter_id: row.id,
        rules,
        version: row.safe_contact_version,
        updated_at: row.safe_contact_updated_at,
        updated_by: row.updated_by,
        source: row.safe_contact_source,
    })
}

/// A reporter's first rules, sealed for the reporter row and for version 1, for an intake that
/// writes the new reporter with its rules in one statement (`intake::phone_report`): the same
/// values `record` would write for a reporter that has none yet.
pub struct FirstVersion {
    /// `reporters.safe_contact_enc`.
    pub sealed: Vec<u8>,
    /// `safe_contact_versions.rules_enc` of version 1.
    pub sealed_version: Vec<u8>,
    /// `reporters.allowed_channels`.
    pub channels: Vec<&'static str>,
}

pub fn first_version(
    keys: &KeyRing,
    reporter_id: ReporterId,
    rules: &SafeContactRules,
) -> FirstVersion {
    let json = serde_json::to_string(rules).unwrap_or_default();
    FirstVersion {
        sealed: keys.seal_at(&json, "reporters", "safe_contact_enc", reporter_id),
        sealed_version: keys.seal_at(&json, "safe_contact_versions", "rules_enc", reporter_id),
        channels: rules.allowed_channels.iter().map(|c| c.as_str()).collect(),
    }
}

/// Records a new version of a reporter's rules. Returns its number.
pub async fn record(
    tx: &mut Transaction<'_, Postgres>,
    keys: &KeyRing,
    reporter_id: ReporterId,
    rules: &SafeContactRules,
    source: Source,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<i32, sqlx::Error> {
    let json = serde_json::to_string(rules).unwrap_or_default();
    let sealed = keys.seal_at(&json, "reporters", "safe_contact_enc", reporter_id);
    let sealed_version = keys.seal_at(&json, "safe_contact_versions", "rules_enc", reporter_id);
    let channels: Vec<&str> = rules.allowed_channels.iter().map(|c| c.as_str()).collect();
    let (version,): (i32,) = sqlx::query_as(
        "UPDATE reporters SET allowed_channels = $2, never_contact_first = $3, no_voicemail = $4,
                              safe_hours = NULL, safe_contact_enc = $5,
                              safe_contact_version = safe_contact_version + 1,
                              safe_contact_updated_at = $6, safe_contact_updated_by = $7,
                              safe_contact_source = $8
         WHERE id = $1 RETURNING safe_contact_version",
    )
    .bind(reporter_id)
    .bind(&channels)
    .bind(rules.never_contact_first)
    .bind(rules.no_voicemail)
    .bind(&sealed)
    .bind(now)
    .bind(by)
    .bind(source.as_str())
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO safe_contact_versions (reporter_id, version, rules_enc, source, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(reporter_id)
    .bind(version)
    .bind(&sealed_version)
    .bind(source.as_str())
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(version)
}

/// One earlier version, for the history on request.
#[derive(Debug, Clone)]
pub struct Version {
    pub version: i32,
    pub rules: SafeContactRules,
    pub source: String,
    pub recorded_by: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// (version, sealed rules, source, recorded by, recorded at)
type VersionRow = (i32, Vec<u8>, String, Option<String>, DateTime<Utc>);

pub async fn history(
    db: impl PgExecutor<'_>,
    keys: &KeyRing,
    reporter_id: ReporterId,
) -> Result<Vec<Version>, SafeContactError> {
    let rows: Vec<VersionRow> = sqlx::query_as(
        "SELECT v.version, v.rules_enc, v.source, u.email, v.recorded_at
         FROM safe_contact_versions v LEFT JOIN users u ON u.id = v.recorded_by
         WHERE v.reporter_id = $1 ORDER BY v.version DESC",
    )
    .bind(reporter_id)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|(version, sealed, source, recorded_by, recorded_at)| {
            let json = keys
                .open_bound(
                    &sealed,
                    &crate::crypto::Binding::new(
                        "safe_contact_versions",
                        "rules_enc",
                        reporter_id.0,
                    ),
                )
                .map_err(|_| SafeContactError::Undecryptable)?;
            Ok(Version {
                version,
                rules: serde_json::from_str(&json).map_err(|_| SafeContactError::Undecryptable)?,
                source,
                recorded_by,
                recorded_at,
            })
        })
        .collect()
}

/// Seals the plaintext `reporters.safe_hours` of rows written before the rules were versioned,
/// as version 1 from `migration`. Safe to run on every start; returns how many it sealed.
pub async fn seal_plaintext_safe_hours(
    db: &sqlx::PgPool,
    keys: &KeyRing,
    now: DateTime<Utc>,
) -> Result<u64, SafeContactError> {
    let ids: Vec<(ReporterId,)> =
        sqlx::query_as("SELECT id FROM reporters WHERE safe_hours IS NOT NULL")
            .fetch_all(db)
            .await?;
    let mut sealed = 0;
    for (id,) in ids {
        let mut tx = db.begin().await?;
        // Lock the row, so two nodes starting at once seal it once.
        let still: Option<(String,)> = sqlx::query_as(
            "SELECT safe_hours FROM reporters WHERE id = $1 AND safe_hours IS NOT NULL FOR UPDATE",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if still.is_none() {
            continue;
        }
        let current = load(&mut *tx, keys, id).await?;
        record(
            &mut tx,
            keys,
            id,
            &current.rules,
            Source::Migration,
            None,
            now,
        )
        .await?;
        tx.commit().await?;
        sealed += 1;
    }
    Ok(sealed)
}

/// The fallback time zone for a case's country, for callers that have only the country.
pub fn default_time_zone(country: Option<&str>) -> chrono_tz::Tz {
    time_zone_of_country(country)
}
