//! GET /api/v1/queue and POST /api/v1/queue/claim.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::Identity;
use crate::cases::{load_case, load_case_on};
use crate::context::AppContext;
use crate::domain::{CaseId, Level};
use crate::error::ApiError;
use crate::queue::{QueueItem, claim_case, claim_next_on, list_open};
use crate::routes::json_body::{BodyLimit, parse, read_limited};

/// A queue entry as the API shows it.
#[derive(Serialize)]
pub struct QueueEntry {
    id: CaseId,
    reference: String,
    channel: String,
    status: String,
    urgency: UrgencySummary,
    effective_level: Level,
    /// The case's language tag, when known (`th`, `my-MM`).
    language: Option<String>,
    /// When the case passes its level's answer target (in the past: overdue).
    #[serde(with = "crate::domain::time")]
    answer_due_at: chrono::DateTime<chrono::Utc>,
    #[serde(with = "crate::domain::time")]
    waiting_since: chrono::DateTime<chrono::Utc>,
    #[serde(with = "crate::domain::time")]
    created_at: chrono::DateTime<chrono::Utc>,
    holder: Option<HolderSummary>,
    #[serde(with = "crate::domain::time::option")]
    lease_expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// A callback of the case that is due now (or a missed call's candidate), if any.
    due_callback: Option<crate::callbacks::DueCallback>,
    /// The mass rescue event the case belongs to (issue 18), if any.
    rescue_event: Option<crate::rescue_events::EventBadge>,
}

#[derive(Serialize)]
struct UrgencySummary {
    level: String,
    flags: Vec<String>,
}

#[derive(Serialize)]
struct HolderSummary {
    id: Uuid,
    email: String,
}

impl QueueEntry {
    pub fn from_item(
        i: QueueItem,
        queue: &crate::settings::QueueSettings,
        overdue_after: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> QueueEntry {
        let due_callback = i
            .due_callback_id
            .zip(i.due_callback_from)
            .map(|(id, due_from)| {
                let status = i.due_callback_status.clone().unwrap_or_default();
                crate::callbacks::DueCallback {
                    id,
                    due_from,
                    overdue: crate::callbacks::view::is_overdue(
                        &status,
                        due_from,
                        i.due_callback_to,
                        overdue_after,
                        now,
                    ),
                    status,
                }
            });
        QueueEntry {
            rescue_event: i
                .rescue_event_id
                .zip(i.rescue_event_name.clone())
                .map(|(id, name)| crate::rescue_events::EventBadge { id, name }),
            due_callback,
            answer_due_at: crate::queue::answer_due(queue, i.level(), i.waiting_since),
            language: i.language.clone(),
            effective_level: i.effective_level(),
            id: i.id,
            reference: i.reference,
            channel: i.channel,
            status: i.status,
            urgency: UrgencySummary {
                level: i.urgency_level,
                flags: i.urgency_flags,
            },
            waiting_since: i.waiting_since,
            created_at: i.created_at,
            holder: i
                .holder_id
                .zip(i.holder_email)
                .map(|(id, email)| HolderSummary { id, email }),
            lease_expires_at: i.lease_expires_at,
        }
    }
}

pub async fn list(ctx: web::Data<AppContext>, who: Identity) -> Result<HttpResponse, ApiError> {
    let queue = &ctx.settings.queue;
    let now = ctx.now();
    let items = list_open(&ctx.db, queue, &who.user.languages, now, 500).await?;
    let overdue_after = ctx.settings.callbacks.overdue_after_seconds;
    let items: Vec<QueueEntry> = items
        .into_iter()
        .map(|i| QueueEntry::from_item(i, queue, overdue_after, now))
        .collect();
    // Whether the hotline is in surge, so every queue shows it (issue 18).
    let surge = crate::surge::current(&ctx.db).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items, "surge": surge })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Claim)]
pub struct ClaimRequest {
    case_id: Option<Uuid>,
}

/// The body is optional: empty means "the next case".
pub async fn claim(
    ctx: web::Data<AppContext>,
    who: Identity,
    limit: Option<web::Data<BodyLimit>>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let limit = limit.map(|l| l.0).unwrap_or(65536);
    let raw = read_limited(&mut payload, limit).await?;
    let request: ClaimRequest = if raw.iter().all(u8::is_ascii_whitespace) {
        ClaimRequest { case_id: None }
    } else {
        parse(&raw)?
    };
    let now = ctx.now();
    let claimed = match request.case_id {
        Some(id) => {
            Some(claim_case(&ctx.db, &ctx.settings.queue, who.user.id, CaseId(id), now).await?)
        }
        None => {
            // One connection for the claim and the case view after it (issue 18).
            let mut conn = ctx.db.acquire().await?;
            let claimed = claim_next_on(
                &mut conn,
                &ctx.settings.queue,
                who.user.id,
                &who.user.languages,
                now,
            )
            .await?;
            return match claimed {
                Some(c) => Ok(HttpResponse::Ok().json(
                    load_case_on(&mut conn, &ctx.keys, &ctx.settings.queue, c.0, now).await?,
                )),
                None => Ok(HttpResponse::NoContent().finish()),
            };
        }
    };
    match claimed {
        Some(c) => Ok(HttpResponse::Ok()
            .json(load_case(&ctx.db, &ctx.keys, &ctx.settings.queue, c.0, now).await?)),
        None => Ok(HttpResponse::NoContent().finish()),
    }
}

/// GET /api/v1/queue/events: a server-sent event on every change to a case, on any node (Redis
/// pub/sub). Events carry ids only; the page re-reads the queue or case from PostgreSQL.
pub async fn events(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    let stream = ctx.live.subscribe(&ctx.redis).await;
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-store"))
        // Tell a buffering proxy (nginx) to pass events on at once.
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream))
}
