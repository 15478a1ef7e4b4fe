//! GET and PUT /api/v1/surge: surge mode, its recent switches and the automatic rule's figures.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::auth::Identity;
use crate::context::AppContext;
use crate::error::ApiError;
use crate::routes::ApiJson;

/// Switch surge mode on or off.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurgeSwitchForm {
    on: bool,
    /// Why (at most 200 characters; shown on the dashboard, never in the audit log).
    reason: Option<String>,
}

/// GET /api/v1/surge
pub async fn get(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(answer(&ctx).await?))
}

/// PUT /api/v1/surge
pub async fn put(
    ctx: web::Data<AppContext>,
    who: Identity,
    body: ApiJson<SurgeSwitchForm>,
) -> Result<HttpResponse, ApiError> {
    let form = body.value;
    crate::surge::switch_by_hand(
        &ctx.db,
        who.user.id,
        form.on,
        form.reason.as_deref(),
        ctx.now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(answer(&ctx).await?))
}

async fn answer(ctx: &AppContext) -> Result<serde_json::Value, ApiError> {
    let state = crate::surge::current(&ctx.db).await?;
    let switches = crate::surge::recent_switches(&ctx.db, 10).await?;
    let s = &ctx.settings.surge;
    Ok(json!({
        "surge": state,
        "switches": switches,
        "automatic": {
            "threshold_per_hour": s.auto_threshold_per_hour,
            "quiet_minutes": s.quiet_minutes,
        },
    }))
}
