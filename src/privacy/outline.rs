//! A case's outline: what any counselor may see of a case they have no relation to. It holds
//! no personal field (no message text, notes, names, numbers, area, safe-contact details or
//! attachment ids), only what the queue already shows.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::PrivacyError;
use crate::domain::{CaseId, Level};

#[derive(Debug, Serialize)]
pub struct CaseOutline {
    /// Always "outline"; the full case says "full".
    pub view: &'static str,
    pub id: CaseId,
    pub reference: String,
    pub status: String,
    pub channel: String,
    pub country: Option<String>,
    pub urgency: OutlineUrgency,
    pub effective_level: Level,
    pub holder: Option<crate::cases::view::Holder>,
    #[serde(with = "crate::domain::time")]
    pub waiting_since: DateTime<Utc>,
    #[serde(with = "crate::domain::time")]
    pub created_at: DateTime<Utc>,
    /// The mass rescue event the case belongs to (the queue shows it too).
    pub rescue_event: Option<crate::rescue_events::EventBadge>,
    /// The reasons one may give to break the glass.
    pub break_glass_reasons: &'static [&'static str],
}

#[derive(Debug, Serialize)]
pub struct OutlineUrgency {
    pub level: Level,
    pub flags: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct OutlineRow {
    id: CaseId,
    reference: String,
    status: String,
    channel: String,
    country: Option<String>,
    urgency_level: String,
    urgency_rank: i16,
    urgency_flags: Vec<String>,
    effective_rank: i16,
    holder_id: Option<Uuid>,
    holder_email: Option<String>,
    waiting_since: DateTime<Utc>,
    created_at: DateTime<Utc>,
    rescue_event_id: Option<Uuid>,
    rescue_event_name: Option<String>,
}

pub async fn load_outline(
    db: &PgPool,
    queue: &crate::settings::QueueSettings,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<CaseOutline, PrivacyError> {
    use crate::queue::{EFFECTIVE_RANK, HELD, targets};
    let [t3, t2, t1, t0] = targets(queue, now);
    let sql = format!(
        "SELECT c.id, c.reference, c.status, c.channel, c.country, c.urgency_level, c.urgency_rank,
                c.urgency_flags, ({EFFECTIVE_RANK})::int2 AS effective_rank,
                CASE WHEN {HELD} THEN c.holder_id END AS holder_id,
                CASE WHEN {HELD} THEN u.email END AS holder_email,
                c.waiting_since, c.created_at, c.rescue_event_id, re.name AS rescue_event_name
         FROM cases c LEFT JOIN users u ON u.id = c.holder_id
         LEFT JOIN rescue_events re ON re.id = c.rescue_event_id WHERE c.id = $6"
    );
    let row: OutlineRow = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(t3)
        .bind(t2)
        .bind(t1)
        .bind(t0)
        .bind(case_id)
        .fetch_optional(db)
        .await?
        .ok_or(PrivacyError::NotFound)?;
    Ok(CaseOutline {
        view: "outline",
        id: row.id,
        reference: row.reference,
        status: row.status,
        channel: row.channel,
        country: row.country,
        urgency: OutlineUrgency {
            level: Level::parse("urgency_level", &row.urgency_level)
                .unwrap_or(Level::from_rank(row.urgency_rank)),
            flags: row.urgency_flags,
        },
        effective_level: Level::from_rank(row.effective_rank),
        holder: row
            .holder_id
            .zip(row.holder_email)
            .map(|(id, email)| crate::cases::view::Holder { id, email }),
        waiting_since: row.waiting_since,
        created_at: row.created_at,
        rescue_event: row
            .rescue_event_id
            .zip(row.rescue_event_name)
            .map(|(id, name)| crate::rescue_events::EventBadge { id, name }),
        break_glass_reasons: super::break_glass::REASONS,
    })
}
