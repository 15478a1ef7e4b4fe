//! /api/v1/partners: the directory. Everyone reads it; supervisors write it and alone see a
//! shelter's confidential street address.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::auth::Identity;
use crate::context::AppContext;
use crate::domain::FieldError;
use crate::error::ApiError;
use crate::partners::{PartnerInput, PartnerPatch, View, store};
use crate::routes::{ApiJson, parse_id};

pub fn view_for(ctx: &AppContext, who: &Identity) -> View {
    View {
        reveal_address: who.is_supervisor(),
        stale_after_days: ctx.settings.referrals.stale_after_days,
        now: ctx.now(),
    }
}

pub async fn list(
    ctx: web::Data<AppContext>,
    who: Identity,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mut only_active = true;
    for (key, value) in query.iter() {
        match (key.as_str(), value.as_str()) {
            ("all", "true") => only_active = false,
            ("all", "false") => only_active = true,
            ("all", _) => return Err(FieldError::new("all", "must be true or false").into()),
            (other, _) => return Err(FieldError::new(other, "is not a known filter").into()),
        }
    }
    let items = store::list(&ctx.db, &ctx.keys, view_for(&ctx, &who), only_active).await?;
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

pub async fn create(
    ctx: web::Data<AppContext>,
    who: Identity,
    body: ApiJson<PartnerInput>,
) -> Result<HttpResponse, ApiError> {
    let id = store::create(&ctx.db, &ctx.keys, Some(who.user.id), body.value, ctx.now()).await?;
    let partner = store::get(&ctx.db, &ctx.keys, id, view_for(&ctx, &who)).await?;
    Ok(HttpResponse::Created().json(partner))
}

pub async fn get(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: uuid::Uuid = parse_id(&id, "partner")?;
    let partner = store::get(&ctx.db, &ctx.keys, id, view_for(&ctx, &who)).await?;
    Ok(HttpResponse::Ok().json(partner))
}

pub async fn update(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<PartnerPatch>,
) -> Result<HttpResponse, ApiError> {
    let id: uuid::Uuid = parse_id(&id, "partner")?;
    store::update(&ctx.db, &ctx.keys, who.user.id, id, body.value, ctx.now()).await?;
    let partner = store::get(&ctx.db, &ctx.keys, id, view_for(&ctx, &who)).await?;
    Ok(HttpResponse::Ok().json(partner))
}

pub async fn entry_link(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: uuid::Uuid = parse_id(&id, "partner")?;
    let link = crate::referrals::partner_entry::request(&ctx, who.user.id, id).await?;
    Ok(HttpResponse::Created().json(json!({ "link": link, "email_queued": true })))
}

pub async fn corrections(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    let items = crate::referrals::partner_entry::corrections(&ctx.db).await?;
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}
