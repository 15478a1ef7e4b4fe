//! /api/v1/events: mass rescue events and the cases linked to them (`crate::rescue_events`).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::reports::{PhoneReportForm, idempotency_key};
use crate::auth::Identity;
use crate::context::AppContext;
use crate::crypto::sha256;
use crate::domain::{CaseId, FieldError};
use crate::error::ApiError;
use crate::intake::phone_report::Idempotency;
use crate::rescue_events::{
    LinkRequest, MAX_CASES_PER_REQUEST, NewEvent, create_event, link_cases, list_events, load_event,
};
use crate::routes::ApiJson;

/// A mass rescue: one raid, one place, many people.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RescueEvent)]
pub struct EventForm {
    /// What happened, e.g. "Raid on a scam compound" (at most 200 characters).
    name: String,
    /// Where (at most 200 characters).
    place: String,
    /// ISO 3166 alpha-2.
    country: String,
    /// YYYY-MM-DD.
    date: String,
    /// How many people are expected.
    estimated_people: i64,
}

/// Cases to link to the event: existing ones, and new phone cases (one phone form each).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RescueEventCases)]
pub struct LinkForm {
    #[serde(default)]
    case_ids: Vec<Uuid>,
    /// New phone cases; a form without a location gets the event's country.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    new_cases: Vec<PhoneReportForm>,
}

/// POST /api/v1/events
pub async fn create(
    ctx: web::Data<AppContext>,
    who: Identity,
    body: ApiJson<EventForm>,
) -> Result<HttpResponse, ApiError> {
    let f = body.value;
    let event = NewEvent::parse(&f.name, &f.place, &f.country, &f.date, f.estimated_people)?;
    let now = ctx.now();
    let id = create_event(&ctx.db, who.user.id, &event, now).await?;
    let view = load_event(&ctx.db, &ctx.settings.queue, id, now).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/events/{id}")))
        .json(view))
}

/// GET /api/v1/events
pub async fn list(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    let items = list_events(&ctx.db, 200).await?;
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

/// GET /api/v1/events/{id}
pub async fn get(
    ctx: web::Data<AppContext>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = event_id(&path)?;
    let view = load_event(&ctx.db, &ctx.settings.queue, id, ctx.now()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// POST /api/v1/events/{id}/cases
pub async fn add_cases(
    ctx: web::Data<AppContext>,
    who: Identity,
    req: HttpRequest,
    path: web::Path<String>,
    body: ApiJson<LinkForm>,
) -> Result<HttpResponse, ApiError> {
    let id = event_id(&path)?;
    let key = idempotency_key(&req)?;
    let form = body.value;
    let total = form.case_ids.len() + form.new_cases.len();
    if total == 0 {
        return Err(
            FieldError::new("case_ids", "name at least one case, or give new_cases").into(),
        );
    }
    if total > MAX_CASES_PER_REQUEST {
        return Err(FieldError::new(
            "new_cases",
            format!("at most {MAX_CASES_PER_REQUEST} cases per request; send the rest in another"),
        )
        .into());
    }
    let now = ctx.now();
    // The event's country is the numbering plan and the place of a form that names none.
    let event = load_event(&ctx.db, &ctx.settings.queue, id, now).await?;
    let mut new_reports = Vec::with_capacity(form.new_cases.len());
    for (i, case) in form.new_cases.into_iter().enumerate() {
        let mut report = case
            .into_report(&event.country)
            .map_err(|e| FieldError::new(format!("new_cases[{i}].{}", e.field), e.message))?;
        if report.country.is_none() {
            report.country = crate::domain::CountryCode::parse("country", &event.country).ok();
        }
        new_reports.push(report);
    }
    let request = LinkRequest {
        existing: form.case_ids.into_iter().map(CaseId).collect(),
        new_reports,
    };
    let idempotency = key.as_deref().map(|key| Idempotency {
        key,
        request_hash: sha256(&body.raw),
    });
    let linked = link_cases(
        &ctx.db,
        &ctx.keys,
        &ctx.rules(),
        who.user.id,
        id,
        &request,
        idempotency,
        now,
    )
    .await?;
    let view = load_event(&ctx.db, &ctx.settings.queue, id, now).await?;
    let mut resp = HttpResponse::Ok();
    if linked.replayed {
        resp.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(resp.json(json!({ "created": linked.created, "event": view })))
}

fn event_id(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::NotFound("rescue event"))
}
