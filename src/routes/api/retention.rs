//! /api/v1: legal holds on a case, and "forget me" passed on by a counselor. HTTP only; the
//! rules are in `crate::retention`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Identity;
use crate::context::AppContext;
use crate::domain::{CaseId, FieldError};
use crate::error::ApiError;
use crate::retention::{forget_me, legal_hold};
use crate::routes::{ApiJson, parse_id};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LegalHoldRequest)]
pub struct LegalHoldForm {
    /// Why the case must be kept whole (an investigation, a court order); kept encrypted.
    #[schema(value_type = String, max_length = 500)]
    reason: Option<String>,
}

pub async fn place_hold(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<LegalHoldForm>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let reason = legal_hold::parse_reason(body.value.reason.as_deref())?;
    legal_hold::place(&ctx.db, &ctx.keys, who.user.id, id, &reason, ctx.now()).await?;
    Ok(HttpResponse::Ok().json(json!({ "case_id": id, "legal_hold": true })))
}

pub async fn lift_hold(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    legal_hold::lift(&ctx.db, who.user.id, id, ctx.now()).await?;
    Ok(HttpResponse::Ok().json(json!({ "case_id": id, "legal_hold": false })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ForgetMeRequest)]
pub struct ForgetMeForm {
    /// Must be true: erasing cannot be undone.
    confirm: Option<bool>,
}

pub async fn forget_me(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<ForgetMeForm>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    if body.value.confirm != Some(true) {
        return Err(FieldError::new(
            "confirm",
            "must be true: the person's data is erased for good",
        )
        .into());
    }
    let outcome = forget_me::forget_through_counselor(
        &ctx.db,
        &ctx.keys,
        &ctx.settings.queue.answer_target_seconds,
        who.actor(),
        id,
        ctx.now(),
    )
    .await?;
    ctx.live.announce(&ctx.redis, Some(id));
    Ok(HttpResponse::Ok().json(json!({
        "erased_cases": outcome.erased_cases,
        "held_cases": outcome.held_cases,
        "messages_to_delete": outcome.messages_to_delete,
        "channel_cannot_delete": outcome.channel_cannot_delete,
    })))
}
