//! /api/v1/cases/{id}/record, partner suggestions, consents and referrals, and
//! /api/v1/referrals/{id}/status.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::auth::Identity;
use crate::cases::load_case;
use crate::context::AppContext;
use crate::domain::{CaseId, FieldError};
use crate::error::ApiError;
use crate::referrals::{CaseRecord, facts, save_record, suggestions};
use crate::routes::{ApiJson, parse_id};

pub async fn put_record(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<CaseRecord>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let record = body.value.parse()?;
    let now = ctx.now();
    save_record(&ctx.db, &ctx.keys, who.actor(), id, &record, now).await?;
    Ok(HttpResponse::Ok().json(load_case(&ctx.db, &ctx.keys, &ctx.settings.queue, id, now).await?))
}

pub async fn partner_suggestions(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let facts = facts::case_facts(&ctx.db, &ctx.keys, id).await?;
    let view = super::partners::view_for(&ctx, &who);
    let partners = crate::partners::store::list(&ctx.db, &ctx.keys, view, true).await?;
    let items = suggestions::suggest(
        &facts,
        partners,
        &ctx.settings.conversation.home_country,
        ctx.now(),
    );
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

pub async fn add_consent(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<crate::referrals::consent::ConsentForm>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let consent = crate::referrals::consent::record_consent(
        &ctx.db,
        &ctx.keys,
        who.actor(),
        id,
        body.value,
        ctx.now(),
    )
    .await?;
    Ok(HttpResponse::Created().json(json!({ "id": consent })))
}

/// `?preview=true` shows the exact packet and writes nothing.
fn is_preview(query: &HashMap<String, String>) -> Result<bool, ApiError> {
    let mut preview = false;
    for (key, value) in query {
        match (key.as_str(), value.as_str()) {
            ("preview", "true") => preview = true,
            ("preview", "false") => preview = false,
            ("preview", _) => {
                return Err(FieldError::new("preview", "must be true or false").into());
            }
            (other, _) => return Err(FieldError::new(other, "is not a known parameter").into()),
        }
    }
    Ok(preview)
}

pub async fn send(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
    body: ApiJson<crate::referrals::create::ReferralForm>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let preview = is_preview(&query)?;
    let sent =
        crate::referrals::create::send_referral(&ctx, who.actor(), id, body.value, preview).await?;
    Ok(if preview {
        HttpResponse::Ok().json(sent)
    } else {
        HttpResponse::Created().json(sent)
    })
}

pub async fn list(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    // Packets hold personal fields: only who may read the case in full sees them.
    crate::privacy::require_full(&ctx.db, who.user.id, who.user.role, id, ctx.now()).await?;
    let items = crate::referrals::list::case_referrals(&ctx, id).await?;
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

pub async fn change_status(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<crate::referrals::follow_up::StepForm>,
) -> Result<HttpResponse, ApiError> {
    let id: uuid::Uuid = parse_id(&id, "referral")?;
    crate::referrals::follow_up::record_step(
        &ctx.db,
        &ctx.keys,
        who.actor(),
        id,
        body.value,
        ctx.now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(crate::referrals::list::one(&ctx, id).await?))
}

pub async fn revoke_link(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: uuid::Uuid = parse_id(&id, "referral")?;
    crate::referrals::follow_up::revoke_link(&ctx.db, who.actor(), id, ctx.now()).await?;
    Ok(HttpResponse::Ok().json(crate::referrals::list::one(&ctx, id).await?))
}

pub async fn overrides(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    let items = crate::referrals::list::overrides(&ctx.db, &ctx.keys).await?;
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

pub async fn escalations(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    let items = crate::referrals::escalation::open_escalations(&ctx.db).await?;
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}
