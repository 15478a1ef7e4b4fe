//! /api/v1/cases/{id}/callbacks, /api/v1/callbacks: scheduling, attempts, the lists, and a
//! counselor's decision on a missed call's candidate. HTTP only.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::auth::Identity;
use crate::callbacks::{self, CallbackFilter, NewCallback, Outcome, Owner};
use crate::context::AppContext;
use crate::domain::report::FreeText;
use crate::domain::{CaseId, Channel, FieldError, PhoneNumber, UserId};
use crate::error::ApiError;
use crate::routes::{ApiJson, parse_id};

fn parse_time(field: &str, raw: &str) -> Result<DateTime<Utc>, FieldError> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| FieldError::new(field, "must be an RFC 3339 timestamp"))
}

fn required<'a>(field: &str, v: &'a Option<String>) -> Result<&'a str, FieldError> {
    v.as_deref()
        .ok_or_else(|| FieldError::new(field, "is required"))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewCallback)]
pub struct CallbackForm {
    /// RFC 3339: when the window opens.
    #[schema(format = DateTime)]
    due_from: Option<String>,
    /// RFC 3339: when it closes (optional).
    #[schema(format = DateTime)]
    due_to: Option<String>,
    #[schema(value_type = Channel)]
    channel: Option<String>,
    /// One of the numbers the person allowed; their first usable one when absent.
    phone: Option<String>,
    /// "me" (default), "any", or a staff member's id.
    owner: Option<String>,
    #[schema(max_length = 1000)]
    reason: Option<String>,
}

fn parse_owner(raw: Option<&str>) -> Result<Owner, FieldError> {
    match raw {
        None | Some("me") => Ok(Owner::Me),
        Some("any") => Ok(Owner::Anyone),
        Some(id) => id
            .parse::<Uuid>()
            .map(|id| Owner::User(UserId(id)))
            .map_err(|_| FieldError::new("owner", "must be me, any or a staff member's id")),
    }
}

pub async fn schedule(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<CallbackForm>,
) -> Result<HttpResponse, ApiError> {
    let case_id: CaseId = parse_id(&id, "case")?;
    let f = body.value;
    let due_from = parse_time("due_from", required("due_from", &f.due_from)?)?;
    let due_to = f
        .due_to
        .as_deref()
        .map(|t| parse_time("due_to", t))
        .transpose()?;
    let channel = Channel::parse("channel", required("channel", &f.channel)?)?;
    let home = &ctx.settings.conversation.home_country;
    let phone = f
        .phone
        .as_deref()
        .map(|p| PhoneNumber::for_country("phone", p, home))
        .transpose()?;
    let reason = FreeText::parse("reason", f.reason.as_deref().unwrap_or(""), 1000)?
        .ok_or_else(|| FieldError::new("reason", "is required"))?;
    let now = ctx.now();
    let new = NewCallback {
        due_from,
        due_to,
        channel,
        phone,
        owner: parse_owner(f.owner.as_deref())?,
        reason,
    };
    let id = callbacks::schedule(&ctx, who.actor(), case_id, new, now).await?;
    let view = callbacks::load(&ctx.db, &ctx.keys, id, overdue_after(&ctx), now).await?;
    Ok(HttpResponse::Created().json(view))
}

fn overdue_after(ctx: &AppContext) -> i64 {
    ctx.settings.callbacks.overdue_after_seconds
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CallbackAttempt)]
pub struct AttemptForm {
    #[schema(value_type = Outcome)]
    outcome: Option<String>,
    #[schema(max_length = 2000)]
    note: Option<String>,
}

pub async fn attempt(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<AttemptForm>,
) -> Result<HttpResponse, ApiError> {
    let id: Uuid = parse_id(&id, "callback")?;
    let f = body.value;
    let outcome = Outcome::parse("outcome", required("outcome", &f.outcome)?)?;
    let note = FreeText::parse("note", f.note.as_deref().unwrap_or(""), 2000)?;
    let now = ctx.now();
    callbacks::record_attempt(&ctx, who.actor(), id, outcome, note.as_ref(), now).await?;
    let view = callbacks::load(&ctx.db, &ctx.keys, id, overdue_after(&ctx), now).await?;
    Ok(HttpResponse::Created().json(view))
}

const STATUSES: &[&str] = &[
    "candidate",
    "scheduled",
    "done",
    "escalated",
    "closed",
    "dismissed",
];

pub async fn list(
    ctx: web::Data<AppContext>,
    who: Identity,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mut filter = CallbackFilter::default();
    for (key, v) in query.iter() {
        match key.as_str() {
            "status" => {
                if !STATUSES.contains(&v.as_str()) {
                    return Err(FieldError::new(
                        "status",
                        format!("must be one of: {}", STATUSES.join(", ")),
                    )
                    .into());
                }
                filter.status = Some(v.clone());
            }
            "owner" => {
                filter.owner = match parse_owner(Some(v))? {
                    Owner::Me => Some(who.user.id),
                    Owner::Anyone => None,
                    Owner::User(id) => Some(id),
                }
            }
            "due_before" => filter.due_before = Some(parse_time("due_before", v)?),
            other => return Err(FieldError::new(other, "is not a known filter").into()),
        }
    }
    let now = ctx.now();
    let mut items = callbacks::list(&ctx.db, &ctx.keys, &filter, overdue_after(&ctx), now).await?;
    // Need-to-know: the number and the counselor's reason only for whoever may read the case
    // in full (claiming the case shows them); everyone else sees when and what, not whom. A
    // restricted case not naming them does not exist for them, nor do its callbacks.
    let case_ids: Vec<_> = items.iter().map(|item| item.case_id).collect();
    let access =
        crate::privacy::access_to_cases(&ctx.db, who.user.id, who.user.role, &case_ids, now)
            .await?;
    items.retain(|item| access.contains_key(&item.case_id));
    for item in &mut items {
        if !access[&item.case_id].is_full() {
            item.phone = None;
            item.reason = None;
        }
    }
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CallbackDecision)]
pub struct DecisionForm {
    #[schema(max_length = 1000)]
    reason: Option<String>,
}

pub async fn approve(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<DecisionForm>,
) -> Result<HttpResponse, ApiError> {
    let id: Uuid = parse_id(&id, "callback")?;
    let reason = FreeText::parse("reason", body.value.reason.as_deref().unwrap_or(""), 1000)?;
    let now = ctx.now();
    callbacks::approve(&ctx, who.actor(), id, reason.as_ref(), now).await?;
    let view = callbacks::load(&ctx.db, &ctx.keys, id, overdue_after(&ctx), now).await?;
    Ok(HttpResponse::Ok().json(view))
}

pub async fn dismiss(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<DecisionForm>,
) -> Result<HttpResponse, ApiError> {
    let id: Uuid = parse_id(&id, "callback")?;
    let reason = FreeText::parse("reason", body.value.reason.as_deref().unwrap_or(""), 1000)?
        .ok_or_else(|| FieldError::new("reason", "is required"))?;
    let now = ctx.now();
    callbacks::dismiss(&ctx, who.actor(), id, &reason, now).await?;
    let view = callbacks::load(&ctx.db, &ctx.keys, id, overdue_after(&ctx), now).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = FollowUpPlan)]
pub struct FollowUpForm {
    /// Months from now; `callbacks.follow_up_months` (3, 6, 12) when absent.
    months: Option<Vec<u32>>,
}

pub async fn follow_ups(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<FollowUpForm>,
) -> Result<HttpResponse, ApiError> {
    let case_id: CaseId = parse_id(&id, "case")?;
    let now = ctx.now();
    let ids =
        callbacks::plan_follow_ups(&ctx, who.actor(), case_id, body.value.months, now).await?;
    let mut items = Vec::new();
    for id in ids {
        items.push(callbacks::load(&ctx.db, &ctx.keys, id, overdue_after(&ctx), now).await?);
    }
    Ok(HttpResponse::Created().json(json!({ "items": items })))
}
