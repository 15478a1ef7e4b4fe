//! /api/v1: breaking the glass on a case, the supervisors' list of grants to review, and the
//! audit log search. HTTP only; the rules are in `crate::privacy` and `crate::audit`.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::auth::Identity;
use crate::context::AppContext;
use crate::domain::CaseId;
use crate::domain::time as rfc3339;
use crate::error::ApiError;
use crate::privacy::break_glass::{self, BreakGlass, BreakGlassReason};
use crate::routes::{ApiJson, parse_id};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = BreakGlass)]
pub struct BreakGlassForm {
    #[schema(value_type = BreakGlassReason)]
    reason: Option<String>,
    /// Why you need this case now (kept encrypted; shown to supervisors).
    #[schema(value_type = String, max_length = 500)]
    text: Option<String>,
}

pub async fn break_glass(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<BreakGlassForm>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let request = BreakGlass::parse(body.value.reason.as_deref(), body.value.text.as_deref())?;
    let minutes = ctx.settings.privacy.break_glass_minutes;
    let until = break_glass::break_glass(
        &ctx.db,
        &ctx.keys,
        who.user.id,
        id,
        &request,
        minutes,
        ctx.now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({
        "case_id": id,
        "reason": request.reason.as_str(),
        "expires_at": rfc3339::format(&until),
    })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Restriction)]
pub struct RestrictionForm {
    restricted: bool,
    #[schema(value_type = crate::privacy::restricted::RestrictionReason)]
    reason: String,
    /// The staff (user ids) who may see the case; supervisors and admins always may.
    #[serde(default)]
    staff: Vec<uuid::Uuid>,
}

pub async fn restrict(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<RestrictionForm>,
) -> Result<HttpResponse, ApiError> {
    use crate::privacy::restricted::{RestrictionReason, set_restriction};
    let id: CaseId = parse_id(&id, "case")?;
    let form = &body.value;
    let reason = RestrictionReason::parse("reason", &form.reason)?;
    if form.restricted && form.staff.is_empty() {
        return Err(crate::domain::FieldError::new(
            "staff",
            "name at least one staff member who may work the case",
        )
        .into());
    }
    let staff: &[uuid::Uuid] = if form.restricted { &form.staff } else { &[] };
    set_restriction(
        &ctx.db,
        who.user.id,
        id,
        form.restricted,
        staff,
        reason,
        ctx.now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({
        "case_id": id,
        "restricted": form.restricted,
        "staff": staff,
    })))
}

pub async fn grants(
    ctx: web::Data<AppContext>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let mut unreviewed = true;
    for (key, value) in query.iter() {
        match (key.as_str(), value.as_str()) {
            ("all", "true") => unreviewed = false,
            ("all", "false") => unreviewed = true,
            ("all", _) => {
                return Err(crate::domain::FieldError::new("all", "must be true or false").into());
            }
            (other, _) => {
                return Err(crate::domain::FieldError::new(other, "is not a known filter").into());
            }
        }
    }
    let items = break_glass::list(&ctx.db, &ctx.keys, unreviewed).await?;
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

pub async fn review_grant(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id: uuid::Uuid = parse_id(&id, "grant")?;
    break_glass::review(&ctx.db, who.user.id, id, ctx.now())
        .await
        .map_err(|e| match e {
            crate::privacy::PrivacyError::NotFound => ApiError::NotFound("unreviewed grant"),
            e => e.into(),
        })?;
    Ok(HttpResponse::Ok().json(json!({ "reviewed": true })))
}

/// The audit log, newest first, filtered by case_id, actor (id or email), action, from, to.
pub async fn audit(
    ctx: web::Data<AppContext>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let filter = crate::audit::search::AuditFilter::parse(
        query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )?;
    let items = crate::audit::search::search(&ctx.db, &filter).await?;
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}
