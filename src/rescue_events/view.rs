//! Reading rescue events: the list, one event with the outline of each linked case, and the
//! badge the case page and the queue show.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::EventError;
use crate::domain::{CaseId, Level};
use crate::settings::QueueSettings;

/// An event as lists and badges show it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct EventBadge {
    pub id: Uuid,
    pub name: String,
}

/// One event with its linked cases.
#[derive(Debug, Serialize)]
pub struct EventView {
    pub id: Uuid,
    pub name: String,
    pub place: String,
    pub country: String,
    pub date: NaiveDate,
    pub estimated_people: i32,
    pub created_by: Option<String>,
    #[serde(with = "crate::domain::time")]
    pub created_at: DateTime<Utc>,
    /// How many cases are linked, and how many of them are still open.
    pub linked: i64,
    pub open: i64,
    /// The linked cases, outline fields only, in the queue's order.
    pub cases: Vec<EventCase>,
}

/// A linked case's outline: what the queue already shows of any case.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct EventCase {
    pub id: CaseId,
    pub reference: String,
    pub status: String,
    pub channel: String,
    pub country: Option<String>,
    pub urgency_level: String,
    #[serde(skip)]
    pub effective_rank: i16,
    /// The level the queue sorts by (raised one step past the answer target).
    #[sqlx(skip)]
    pub effective_level: Option<Level>,
    pub urgency_flags: Vec<String>,
    pub holder: Option<String>,
    #[serde(with = "crate::domain::time")]
    pub waiting_since: DateTime<Utc>,
    #[serde(with = "crate::domain::time")]
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: Uuid,
    name: String,
    place: String,
    country: String,
    happened_on: NaiveDate,
    estimated_people: i32,
    created_by: Option<String>,
    created_at: DateTime<Utc>,
}

/// One event and the outline of every case linked to it, most urgent first.
pub async fn load_event(
    db: &PgPool,
    queue: &QueueSettings,
    event_id: Uuid,
    now: DateTime<Utc>,
) -> Result<EventView, EventError> {
    use crate::queue::{EFFECTIVE_RANK, HELD, OPEN, targets};
    let event: EventRow = sqlx::query_as(
        "SELECT e.id, e.name, e.place, e.country, e.happened_on, e.estimated_people,
                u.email AS created_by, e.created_at
         FROM rescue_events e LEFT JOIN users u ON u.id = e.created_by WHERE e.id = $1",
    )
    .bind(event_id)
    .fetch_optional(db)
    .await?
    .ok_or(EventError::NotFound)?;
    let [t3, t2, t1, t0] = targets(queue, now);
    let sql = format!(
        "SELECT c.id, c.reference, c.status, c.channel, c.country, c.urgency_level,
                ({EFFECTIVE_RANK})::int2 AS effective_rank, c.urgency_flags,
                CASE WHEN {HELD} THEN u.email END AS holder,
                c.waiting_since, c.created_at, {OPEN} AS open
         FROM cases c LEFT JOIN users u ON u.id = c.holder_id
         WHERE c.rescue_event_id = $6
         ORDER BY {OPEN} DESC, effective_rank DESC, c.waiting_since, c.id"
    );
    let cases: Vec<EventCaseRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(t3)
        .bind(t2)
        .bind(t1)
        .bind(t0)
        .bind(event_id)
        .fetch_all(db)
        .await?;
    let open = cases.iter().filter(|c| c.open).count() as i64;
    Ok(EventView {
        id: event.id,
        name: event.name,
        place: event.place,
        country: event.country,
        date: event.happened_on,
        estimated_people: event.estimated_people,
        created_by: event.created_by,
        created_at: event.created_at,
        linked: cases.len() as i64,
        open,
        cases: cases
            .into_iter()
            .map(|mut c| {
                c.case.effective_level = Some(Level::from_rank(c.case.effective_rank));
                c.case
            })
            .collect(),
    })
}

#[derive(sqlx::FromRow)]
struct EventCaseRow {
    #[sqlx(flatten)]
    case: EventCase,
    open: bool,
}

/// Events, newest first, with how many cases each has.
pub async fn list_events(db: &PgPool, limit: i64) -> Result<Vec<serde_json::Value>, sqlx::Error> {
    let rows: Vec<(Uuid, String, String, String, NaiveDate, i32, i64)> = sqlx::query_as(
        "SELECT e.id, e.name, e.place, e.country, e.happened_on, e.estimated_people,
                (SELECT count(*) FROM cases c WHERE c.rescue_event_id = e.id)
         FROM rescue_events e ORDER BY e.happened_on DESC, e.created_at DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, place, country, date, people, linked)| {
            serde_json::json!({
                "id": id, "name": name, "place": place, "country": country, "date": date,
                "estimated_people": people, "linked": linked,
            })
        })
        .collect())
}
