//! The directory in PostgreSQL: add, change, read and list entries. A shelter's street address
//! is sealed and opened only for callers that may see it.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::PartnerError;
use super::model::{Coverage, Hours, Partner, PartnerInput, PartnerPatch, PartnerType, Service};
use crate::auth::audit;
use crate::crypto::KeyRing;
use crate::domain::UserId;

/// Who is reading: whether the confidential address may be shown, and when entries go stale.
#[derive(Debug, Clone, Copy)]
pub struct View {
    pub reveal_address: bool,
    pub stale_after_days: i64,
    pub now: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    external_id: Option<String>,
    name: String,
    #[sqlx(rename = "type")]
    partner_type: String,
    country: String,
    coverage: serde_json::Value,
    services: Vec<String>,
    languages: Vec<String>,
    hours: serde_json::Value,
    referral_email: Option<String>,
    phone: Option<String>,
    uses_links: bool,
    street_address_enc: Option<Vec<u8>>,
    verified_at: Option<DateTime<Utc>>,
    active: bool,
}

const COLUMNS: &str = "id, external_id, name, type, country, coverage, services, languages, hours,
    referral_email, phone, uses_links, street_address_enc, verified_at, active";

impl Row {
    fn into_partner(self, keys: &KeyRing, view: View) -> Result<Partner, PartnerError> {
        let bad = |e: serde_json::Error| PartnerError::Internal(anyhow::Error::new(e));
        let coverage: Coverage = serde_json::from_value(self.coverage).map_err(bad)?;
        let hours: Hours = serde_json::from_value(self.hours).map_err(bad)?;
        let street_address = match (view.reveal_address, self.street_address_enc) {
            (true, Some(sealed)) => Some(
                keys.open_bound(
                    &sealed,
                    &crate::crypto::Binding::new("partners", "street_address_enc", self.id),
                )
                .map_err(|_| PartnerError::Undecryptable)?,
            ),
            _ => None,
        };
        Ok(Partner {
            id: self.id,
            name: self.name,
            partner_type: PartnerType::parse("type", &self.partner_type)?,
            country: self.country,
            coverage,
            languages: self.languages,
            hours,
            referral_email: self.referral_email,
            phone: self.phone,
            services: self
                .services
                .iter()
                .filter_map(|s| Service::parse("services", s).ok())
                .collect(),
            uses_links: self.uses_links,
            stale: self
                .verified_at
                .is_none_or(|at| view.now - at > chrono::Duration::days(view.stale_after_days)),
            verified_at: self.verified_at,
            active: self.active,
            street_address,
            external_id: self.external_id,
        })
    }
}

/// Writes a parsed entry (insert or, with `id`, replace), audited without its contents.
async fn write(
    db: impl PgExecutor<'_>,
    keys: &KeyRing,
    id: Uuid,
    p: &PartnerInput,
    active: bool,
    now: DateTime<Utc>,
) -> Result<(), PartnerError> {
    let services: Vec<&str> = p.services.iter().map(|s| s.as_str()).collect();
    sqlx::query(
        "INSERT INTO partners (id, external_id, name, type, country, coverage, services, languages, hours,
                               referral_email, phone, uses_links, street_address_enc, verified_at, active,
                               created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
         ON CONFLICT (id) DO UPDATE SET external_id = $2, name = $3, type = $4, country = $5, coverage = $6,
             services = $7, languages = $8, hours = $9, referral_email = $10, phone = $11, uses_links = $12,
             street_address_enc = $13, verified_at = $14, active = $15, updated_at = $16",
    )
    .bind(id)
    .bind(&p.external_id)
    .bind(&p.name)
    .bind(p.partner_type.as_str())
    .bind(&p.country)
    .bind(json!(p.coverage))
    .bind(&services)
    .bind(&p.languages)
    .bind(json!(p.hours))
    .bind(&p.referral_email)
    .bind(&p.phone)
    .bind(p.uses_links)
    .bind(keys.seal_opt_at(
        p.street_address.as_deref(),
        "partners",
        "street_address_enc",
        id,
    ))
    .bind(p.verified_at.unwrap_or(now))
    .bind(active)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn create(
    db: &PgPool,
    keys: &KeyRing,
    by: Option<UserId>,
    input: PartnerInput,
    now: DateTime<Utc>,
) -> Result<Uuid, PartnerError> {
    let input = input.parse()?;
    let mut tx = db.begin().await?;
    let id = upsert_in(&mut tx, keys, input, now).await?;
    audit::record(
        &mut *tx,
        by,
        "partner.saved",
        None,
        json!({ "partner_id": id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Writes a parsed entry in the caller's transaction: a new one, or (same `external_id`) the
/// one it replaces, keeping its confidential address when the new entry has none.
pub async fn upsert_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    keys: &KeyRing,
    mut input: PartnerInput,
    now: DateTime<Utc>,
) -> Result<Uuid, PartnerError> {
    let existing = match &input.external_id {
        Some(ext) => {
            sqlx::query_as::<_, (Uuid, Option<Vec<u8>>)>(
                "SELECT id, street_address_enc FROM partners WHERE external_id = $1 FOR UPDATE",
            )
            .bind(ext)
            .fetch_optional(&mut **tx)
            .await?
        }
        None => None,
    };
    let id = match existing {
        Some((id, sealed)) => {
            if input.street_address.is_none() {
                input.street_address = sealed
                    .map(|s| {
                        keys.open_bound(
                            &s,
                            &crate::crypto::Binding::new("partners", "street_address_enc", id),
                        )
                        .map_err(|_| PartnerError::Undecryptable)
                    })
                    .transpose()?;
            }
            id
        }
        None => Uuid::new_v4(),
    };
    write(&mut **tx, keys, id, &input, true, now).await?;
    Ok(id)
}

/// The entry as it was entered (address included), for changing or exporting it.
pub async fn input_of(
    db: impl PgExecutor<'_>,
    keys: &KeyRing,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(PartnerInput, bool), PartnerError> {
    let view = View {
        reveal_address: true,
        stale_after_days: 1,
        now,
    };
    let p = get(db, keys, id, view).await?;
    let active = p.active;
    Ok((
        PartnerInput {
            name: p.name,
            partner_type: p.partner_type,
            country: p.country,
            coverage: p.coverage,
            languages: p.languages,
            hours: p.hours,
            referral_email: p.referral_email,
            phone: p.phone,
            services: p.services,
            uses_links: p.uses_links,
            verified_at: p.verified_at,
            street_address: p.street_address,
            external_id: p.external_id,
        },
        active,
    ))
}

pub async fn update(
    db: &PgPool,
    keys: &KeyRing,
    by: UserId,
    id: Uuid,
    patch: PartnerPatch,
    now: DateTime<Utc>,
) -> Result<(), PartnerError> {
    let mut tx = db.begin().await?;
    sqlx::query("SELECT 1 FROM partners WHERE id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(PartnerError::NotFound)?;
    let (current, active) = input_of(&mut *tx, keys, id, now).await?;
    let active = patch.active.unwrap_or(active);
    let changed = patch.apply(current).parse()?;
    write(&mut *tx, keys, id, &changed, active, now).await?;
    audit::record(
        &mut *tx,
        Some(by),
        "partner.changed",
        None,
        json!({ "partner_id": id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn get(
    db: impl PgExecutor<'_>,
    keys: &KeyRing,
    id: Uuid,
    view: View,
) -> Result<Partner, PartnerError> {
    let row: Row = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM partners WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?
    .ok_or(PartnerError::NotFound)?;
    row.into_partner(keys, view)
}

/// Every entry, or the active ones, by type then name.
pub async fn list(
    db: impl PgExecutor<'_>,
    keys: &KeyRing,
    view: View,
    only_active: bool,
) -> Result<Vec<Partner>, PartnerError> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM partners WHERE active OR NOT $1 ORDER BY type, name, id"
    )))
    .bind(only_active)
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| r.into_partner(keys, view))
        .collect()
}
