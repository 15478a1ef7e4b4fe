//! /api/v1/cases: the supervisor's list, one case, and what a counselor does with a case.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use crate::audit::reads::Via;
use crate::auth::{Identity, Role};
use crate::cases::{CaseFilter, change_status as change_case_status, list_cases, load_case};
use crate::context::AppContext;
use crate::domain::report::FreeText;
use crate::domain::time as rfc3339;
use crate::domain::{CaseId, CaseStatus, Channel, ClosingReason, FieldError, Level, UserId};
use crate::error::ApiError;
use crate::privacy::{Access, access_to_case};
use crate::routes::api::queue::QueueEntry;
use crate::routes::{ApiJson, parse_id};

fn parse_time(field: &str, raw: &str) -> Result<DateTime<Utc>, FieldError> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| FieldError::new(field, "must be an RFC 3339 timestamp"))
}

fn parse_filter(query: &HashMap<String, String>) -> Result<CaseFilter, FieldError> {
    let mut f = CaseFilter {
        limit: 100,
        ..CaseFilter::default()
    };
    for (key, value) in query {
        let v = value.as_str();
        match key.as_str() {
            "status" => f.status = Some(CaseStatus::parse("status", v)?),
            "level" => f.level = Some(Level::parse("level", v)?),
            "channel" => f.channel = Some(Channel::parse("channel", v)?),
            "holder" => {
                f.holder =
                    Some(UserId(v.parse().map_err(|_| {
                        FieldError::new("holder", "must be a user id")
                    })?))
            }
            "flag" => {
                if !crate::triage::FLAGS.contains(&v) {
                    return Err(FieldError::new("flag", "must be a rubric flag name"));
                }
                f.flag = Some(v.to_owned());
            }
            "created_from" => f.created_from = Some(parse_time("created_from", v)?),
            "created_to" => f.created_to = Some(parse_time("created_to", v)?),
            "limit" => {
                f.limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=500).contains(n))
                    .ok_or_else(|| FieldError::new("limit", "must be 1 to 500"))?
            }
            "offset" => {
                f.offset = v
                    .parse()
                    .ok()
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| FieldError::new("offset", "must be 0 or more"))?
            }
            other => return Err(FieldError::new(other, "is not a known filter")),
        }
    }
    Ok(f)
}

pub async fn list(
    ctx: web::Data<AppContext>,
    who: Identity,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mut filter = parse_filter(&query)?;
    // Restricted cases: a counselor sees only those they are named on.
    filter.viewer = (!who.user.role.includes(Role::Supervisor)).then_some(who.user.id);
    let now = ctx.now();
    let items = list_cases(&ctx.db, &ctx.settings.queue, &filter, now).await?;
    let queue = &ctx.settings.queue;
    let overdue_after = ctx.settings.callbacks.overdue_after_seconds;
    let items: Vec<QueueEntry> = items
        .into_iter()
        .map(|i| QueueEntry::from_item(i, queue, overdue_after, now))
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

/// One case: in full for those who need to know (the read is audited), else its outline.
pub async fn get(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let now = ctx.now();
    match access_to_case(&ctx.db, who.user.id, who.user.role, id, now).await? {
        Access::Full(purpose) => {
            let mut case = load_case(&ctx.db, &ctx.keys, &ctx.settings.queue, id, now).await?;
            case.reveal_safe_contact(who.user.id, who.is_supervisor());
            let overdue_after = ctx.settings.callbacks.overdue_after_seconds;
            case.callbacks =
                Some(crate::callbacks::for_case(&ctx.db, &ctx.keys, id, overdue_after, now).await?);
            // Written before the answer leaves: a read that cannot be audited is not served.
            crate::audit::reads::case_viewed(
                &ctx.db,
                who.user.id,
                id,
                &purpose,
                Via::Api,
                ctx.settings.privacy.view_audit_seconds,
                now,
            )
            .await?;
            Ok(HttpResponse::Ok().json(case))
        }
        Access::Outline => Ok(HttpResponse::Ok()
            .json(crate::privacy::load_outline(&ctx.db, &ctx.settings.queue, id, now).await?)),
    }
}

pub async fn renew(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let until =
        crate::queue::renew(&ctx.db, &ctx.settings.queue, who.user.id, id, ctx.now()).await?;
    Ok(HttpResponse::Ok().json(json!({ "lease_expires_at": rfc3339::format(&until) })))
}

pub async fn release(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let now = ctx.now();
    crate::queue::release(&ctx.db, who.actor(), id, now).await?;
    Ok(HttpResponse::Ok().json(load_case(&ctx.db, &ctx.keys, &ctx.settings.queue, id, now).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Note)]
pub struct NoteForm {
    #[schema(value_type = String, max_length = 10000)]
    text: Option<String>,
}

pub async fn add_note(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<NoteForm>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let text = FreeText::parse("text", body.value.text.as_deref().unwrap_or(""), 10_000)?
        .ok_or_else(|| FieldError::new("text", "is required"))?;
    let note = crate::cases::add_note(
        &ctx.db,
        &ctx.keys,
        &ctx.settings.queue,
        who.actor(),
        id,
        &text,
        ctx.now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(json!({ "id": note })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = StatusChange)]
pub struct StatusForm {
    #[schema(value_type = CaseStatus)]
    status: Option<String>,
    /// Required to close, and only then.
    #[schema(value_type = Option<ClosingReason>)]
    closing_reason: Option<String>,
}

pub async fn change_status(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<StatusForm>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let form = body.value;
    let status = CaseStatus::parse(
        "status",
        form.status
            .as_deref()
            .ok_or_else(|| FieldError::new("status", "is required"))?,
    )?;
    let now = ctx.now();
    change_case_status(
        &ctx.db,
        &ctx.settings.queue,
        who.actor(),
        id,
        status,
        form.closing_reason.as_deref(),
        now,
    )
    .await?;
    Ok(HttpResponse::Ok().json(load_case(&ctx.db, &ctx.keys, &ctx.settings.queue, id, now).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Link)]
pub struct LinkForm {
    #[schema(format = Uuid)]
    case_id: Option<String>,
    /// The other case's reference, as counselors read it ("H-…"), instead of its id.
    reference: Option<String>,
}

/// The counselor says this case's reporter is the same person as another case's.
pub async fn link(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<LinkForm>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let form = body.value;
    let other: CaseId = match (form.case_id.as_deref(), form.reference.as_deref()) {
        (Some(raw), None) => raw
            .parse::<uuid::Uuid>()
            .map(CaseId::from)
            .map_err(|_| FieldError::new("case_id", "must be a case id"))?,
        (None, Some(reference)) => crate::cases::case_with_reference(&ctx.db, reference.trim())
            .await?
            .ok_or_else(|| FieldError::new("reference", "no case has this reference"))?,
        _ => {
            return Err(FieldError::new("case_id", "give either case_id or reference").into());
        }
    };
    let now = ctx.now();
    crate::cases::link_cases(&ctx.db, &ctx.settings.queue, who.actor(), id, other, now).await?;
    Ok(HttpResponse::Ok().json(load_case(&ctx.db, &ctx.keys, &ctx.settings.queue, id, now).await?))
}

pub async fn unlink(
    ctx: web::Data<AppContext>,
    who: Identity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, other) = path.into_inner();
    let id: CaseId = parse_id(&id, "case")?;
    let other: CaseId = parse_id(&other, "linked case")?;
    let now = ctx.now();
    crate::cases::unlink_cases(&ctx.db, &ctx.settings.queue, who.actor(), id, other, now).await?;
    Ok(HttpResponse::Ok().json(load_case(&ctx.db, &ctx.keys, &ctx.settings.queue, id, now).await?))
}

/// A file a reporter sent, as a download (never shown inline), images without metadata. A file
/// whose metadata could not be removed needs `?acknowledge=metadata` (409 `metadata_kept`
/// without it).
pub async fn attachment(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let id: uuid::Uuid = parse_id(&id, "attachment")?;
    let warning = match query.get("acknowledge").map(String::as_str) {
        None => crate::cases::MetadataWarning::NotGiven,
        Some("metadata") => crate::cases::MetadataWarning::Acknowledged,
        Some(_) => {
            return Err(ApiError::field(FieldError::new(
                "acknowledge",
                "must be \"metadata\" (the file may carry metadata that identifies the reporter)",
            )));
        }
    };
    let now = ctx.now();
    let case_id = crate::cases::attachment_case(&ctx.db, id)
        .await?
        .ok_or(ApiError::NotFound("attachment"))?;
    let Access::Full(purpose) =
        access_to_case(&ctx.db, who.user.id, who.user.role, case_id, now).await?
    else {
        return Err(crate::privacy::PrivacyError::NeedToKnow.into());
    };
    let file = crate::cases::download_attachment(
        &ctx.db,
        &ctx.keys,
        who.user.id,
        id,
        &purpose.as_str(),
        warning,
        now,
    )
    .await?;
    Ok(HttpResponse::Ok()
        // The sender chose the type: the browser must not act on it.
        .content_type("application/octet-stream")
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header(("X-Original-Content-Type", file.content_type))
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"attachment-{id}\""),
        ))
        .body(file.bytes))
}
