//! Callbacks as the API shows them, one or many, with their attempts.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgExecutor;
use uuid::Uuid;

use super::CallbackError;
use crate::crypto::KeyRing;
use crate::domain::{CaseId, PhoneNumber, UserId};

#[derive(Debug, Clone, Serialize)]
pub struct OwnerView {
    pub id: Uuid,
    pub email: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttemptView {
    pub outcome: String,
    pub note: Option<String>,
    pub by: Option<String>,
    #[serde(with = "crate::domain::time")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CallbackView {
    pub id: Uuid,
    pub case_id: CaseId,
    pub case_reference: String,
    /// The case's urgency level (escalation goes to supervisors for critical and high).
    pub level: String,
    /// callback, follow_up or missed_call.
    pub kind: String,
    /// candidate, scheduled, done, escalated, closed or dismissed.
    pub status: String,
    pub closed_reason: Option<String>,
    #[serde(with = "crate::domain::time")]
    pub due_from: DateTime<Utc>,
    #[serde(with = "crate::domain::time::option")]
    pub due_to: Option<DateTime<Utc>>,
    pub channel: String,
    pub phone: Option<String>,
    /// Null: anyone may make it.
    pub owner: Option<OwnerView>,
    pub reason: Option<String>,
    /// Missed calls joined into this candidate.
    pub missed_calls: i32,
    /// Due and its window passed more than `callbacks.overdue_after_seconds` ago.
    pub overdue: bool,
    pub attempts: Vec<AttemptView>,
    #[serde(with = "crate::domain::time")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "crate::domain::time")]
    pub updated_at: DateTime<Utc>,
}

/// The callback a queue item shows: the earliest due one of the case.
#[derive(Debug, Clone, Serialize)]
pub struct DueCallback {
    pub id: Uuid,
    #[serde(with = "crate::domain::time")]
    pub due_from: DateTime<Utc>,
    pub overdue: bool,
    pub status: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    case_id: CaseId,
    reference: String,
    urgency_level: String,
    kind: String,
    status: String,
    closed_reason: Option<String>,
    due_from: DateTime<Utc>,
    due_to: Option<DateTime<Utc>>,
    channel: String,
    phone_enc: Option<Vec<u8>>,
    owner_id: Option<Uuid>,
    owner_email: Option<String>,
    reason_enc: Option<Vec<u8>>,
    missed_calls: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// (callback id, outcome, sealed note, by, at, attempt id)
type AttemptRow = (
    Uuid,
    String,
    Option<Vec<u8>>,
    Option<String>,
    DateTime<Utc>,
    Uuid,
);

const SELECT: &str =
    "SELECT cb.id, cb.case_id, c.reference, c.urgency_level, cb.kind, cb.status, cb.closed_reason,
        cb.due_from, cb.due_to, cb.channel, cb.phone_enc, cb.owner_id, u.email AS owner_email,
        cb.reason_enc, cb.missed_calls, cb.created_at, cb.updated_at
 FROM callbacks cb JOIN cases c ON c.id = cb.case_id LEFT JOIN users u ON u.id = cb.owner_id";

/// Whether a callback with this window is overdue at `now`.
pub fn is_overdue(
    status: &str,
    due_from: DateTime<Utc>,
    due_to: Option<DateTime<Utc>>,
    overdue_after_seconds: i64,
    now: DateTime<Utc>,
) -> bool {
    matches!(status, "scheduled" | "candidate")
        && now > due_to.unwrap_or(due_from) + chrono::Duration::seconds(overdue_after_seconds)
}

async fn build(
    db: impl PgExecutor<'_>,
    keys: &KeyRing,
    rows: Vec<Row>,
    overdue_after: i64,
    now: DateTime<Utc>,
) -> Result<Vec<CallbackView>, CallbackError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let attempts: Vec<AttemptRow> = sqlx::query_as(
        "SELECT a.callback_id, a.outcome, a.note_enc, u.email, a.at, a.id FROM callback_attempts a
             LEFT JOIN users u ON u.id = a.by_id WHERE a.callback_id = ANY($1) ORDER BY a.at, a.id",
    )
    .bind(&ids)
    .fetch_all(db)
    .await?;
    let open = |sealed: &Option<Vec<u8>>,
                table: &'static str,
                column: &'static str,
                row: Uuid|
     -> Result<Option<String>, CallbackError> {
        sealed
            .as_deref()
            .map(|s| {
                keys.open_bound(s, &crate::crypto::Binding::new(table, column, row))
                    .map_err(|_| CallbackError::Undecryptable)
            })
            .transpose()
    };
    rows.into_iter()
        .map(|r| {
            Ok(CallbackView {
                overdue: is_overdue(&r.status, r.due_from, r.due_to, overdue_after, now),
                attempts: attempts
                    .iter()
                    .filter(|a| a.0 == r.id)
                    .map(|a| {
                        Ok(AttemptView {
                            outcome: a.1.clone(),
                            note: open(&a.2, "callback_attempts", "note_enc", a.5)?,
                            by: a.3.clone(),
                            at: a.4,
                        })
                    })
                    .collect::<Result<_, CallbackError>>()?,
                phone: open(&r.phone_enc, "callbacks", "phone_enc", r.id)?
                    .map(|p| PhoneNumber::display(&p)),
                reason: open(&r.reason_enc, "callbacks", "reason_enc", r.id)?,
                id: r.id,
                case_id: r.case_id,
                case_reference: r.reference,
                level: r.urgency_level,
                kind: r.kind,
                status: r.status,
                closed_reason: r.closed_reason,
                due_from: r.due_from,
                due_to: r.due_to,
                channel: r.channel,
                owner: r
                    .owner_id
                    .zip(r.owner_email)
                    .map(|(id, email)| OwnerView { id, email }),
                missed_calls: r.missed_calls,
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
        })
        .collect()
}

pub async fn load(
    db: &sqlx::PgPool,
    keys: &KeyRing,
    id: Uuid,
    overdue_after: i64,
    now: DateTime<Utc>,
) -> Result<CallbackView, CallbackError> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE cb.id = $1")))
        .bind(id)
        .fetch_all(db)
        .await?;
    build(db, keys, rows, overdue_after, now)
        .await?
        .pop()
        .ok_or(CallbackError::NotFound)
}

/// The callbacks of one case, newest first (for the case view).
pub async fn for_case(
    db: &sqlx::PgPool,
    keys: &KeyRing,
    case_id: CaseId,
    overdue_after: i64,
    now: DateTime<Utc>,
) -> Result<Vec<CallbackView>, CallbackError> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE cb.case_id = $1 ORDER BY cb.due_from DESC, cb.id"
    )))
    .bind(case_id)
    .fetch_all(db)
    .await?;
    build(db, keys, rows, overdue_after, now).await
}

#[derive(Debug, Clone, Default)]
pub struct CallbackFilter {
    pub status: Option<String>,
    /// `Some(id)`: owned by that user; `None`: anyone's.
    pub owner: Option<UserId>,
    pub due_before: Option<DateTime<Utc>>,
}

/// Callbacks matching the filter, soonest due first.
pub async fn list(
    db: &sqlx::PgPool,
    keys: &KeyRing,
    filter: &CallbackFilter,
    overdue_after: i64,
    now: DateTime<Utc>,
) -> Result<Vec<CallbackView>, CallbackError> {
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE ($1::text IS NULL OR cb.status = $1)
           AND ($2::uuid IS NULL OR cb.owner_id = $2)
           AND ($3::timestamptz IS NULL OR cb.due_from < $3)
         ORDER BY cb.due_from, cb.id LIMIT 500"
    )))
    .bind(&filter.status)
    .bind(filter.owner)
    .bind(filter.due_before)
    .fetch_all(db)
    .await?;
    build(db, keys, rows, overdue_after, now).await
}

/// Scheduled callbacks and candidates whose window passed more than `overdue_after` seconds
/// ago (the metric `hotline_callbacks_overdue`).
pub async fn overdue_count(
    db: &sqlx::PgPool,
    overdue_after: i64,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM callbacks
         WHERE status IN ('scheduled', 'candidate')
           AND COALESCE(due_to, due_from) + make_interval(secs => $2) < $1",
    )
    .bind(now)
    .bind(overdue_after as f64)
    .fetch_one(db)
    .await?;
    Ok(n)
}
