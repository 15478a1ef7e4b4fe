//! /api/v1/cases/{id}/messages and the chat's block switch; the saved safety scripts.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Identity;
use crate::context::AppContext;
use crate::domain::report::FreeText;
use crate::domain::{CaseId, FieldError};
use crate::error::ApiError;
use crate::routes::{ApiJson, parse_id};

/// Telegram's limit for one message is 4096 characters; keep below it on every channel.
const MESSAGE_MAX_CHARS: usize = 4000;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Message)]
pub struct MessageForm {
    #[schema(value_type = String, max_length = 4000)]
    text: Option<String>,
}

pub async fn send(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<MessageForm>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let text = FreeText::parse(
        "text",
        body.value.text.as_deref().unwrap_or(""),
        MESSAGE_MAX_CHARS,
    )?
    .ok_or_else(|| FieldError::new("text", "is required"))?;
    let now = ctx.now();
    let message = crate::messaging::send_counselor_reply(&ctx, who.actor(), id, &text, now).await?;
    Ok(HttpResponse::Accepted().json(json!({
        "id": message,
        "direction": "outbound",
        "delivery": "queued",
        "at": crate::domain::time::format(&now),
    })))
}

pub async fn block(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set(ctx, who, id, true).await
}

pub async fn unblock(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set(ctx, who, id, false).await
}

async fn set(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    blocked: bool,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    crate::messaging::set_blocked(&ctx.db, who.user.id, id, blocked, ctx.now()).await?;
    Ok(HttpResponse::Ok().json(json!({ "blocked": blocked })))
}

pub async fn scripts(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    let languages: Vec<_> = ctx
        .conversation
        .packs()
        .map(|p| {
            json!({
                "language": p.language,
                "language_name": p.language_name,
                "needs_native_review": p.needs_native_review,
                "scripts": p.scripts,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "languages": languages })))
}
