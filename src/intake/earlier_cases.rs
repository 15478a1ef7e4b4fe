//! Earlier cases with the same call-back number, found by keyed hash. The counselor decides
//! whether to link them; nothing is linked automatically.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;

use crate::crypto::KeyRing;
use crate::domain::{CaseId, PhoneNumber};

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct EarlierCase {
    pub id: CaseId,
    pub reference: String,
    pub status: String,
    pub urgency_level: String,
    #[serde(with = "crate::domain::time")]
    pub created_at: DateTime<Utc>,
}

pub async fn earlier_cases_for_phone(
    db: &PgPool,
    keys: &KeyRing,
    phone: &PhoneNumber,
) -> Result<Vec<EarlierCase>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, c.reference, c.status, c.urgency_level, c.created_at
         FROM cases c JOIN reporters r ON r.id = c.reporter_id
         WHERE r.phone_hash = ANY($1) ORDER BY c.created_at DESC LIMIT 20",
    )
    .bind(keys.index_hashes("phone", phone.as_str()))
    .fetch_all(db)
    .await
}
