//! /api/v1/cases/{id}/urgency (a counselor's choice of level) and /api/v1/triage/reload.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::auth::{Identity, audit};
use crate::cases::load_case;
use crate::context::AppContext;
use crate::domain::report::FreeText;
use crate::domain::{CaseId, FieldError, Level};
use crate::error::ApiError;
use crate::routes::{ApiJson, parse_id};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UrgencyChoice {
    #[schema(value_type = Level)]
    level: Option<String>,
    #[schema(value_type = String, max_length = 2000)]
    reason: Option<String>,
}

pub async fn override_urgency(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<UrgencyChoice>,
) -> Result<HttpResponse, ApiError> {
    let id: CaseId = parse_id(&id, "case")?;
    let form = body.value;
    let level = Level::parse(
        "level",
        form.level
            .as_deref()
            .ok_or_else(|| FieldError::new("level", "is required"))?,
    )?;
    let reason = FreeText::parse("reason", form.reason.as_deref().unwrap_or(""), 2000)?
        .ok_or_else(|| FieldError::new("reason", "is required: say why the level changes"))?;
    let now = ctx.now();
    crate::cases::override_urgency(&ctx.db, &ctx.keys, who.actor(), id, level, &reason, now)
        .await?;
    Ok(HttpResponse::Ok().json(load_case(&ctx.db, &ctx.keys, &ctx.settings.queue, id, now).await?))
}

pub async fn reload(ctx: web::Data<AppContext>, who: Identity) -> Result<HttpResponse, ApiError> {
    let before = ctx.rules().version.clone();
    match ctx.rules_cell.reload() {
        Ok(rules) => {
            audit::record(
                &ctx.db,
                Some(who.user.id),
                "triage.reloaded",
                None,
                json!({ "from": before, "to": rules.version }),
                ctx.now(),
            )
            .await?;
            Ok(HttpResponse::Ok().json(json!({
                "rules_version": rules.version,
                "phrases": rules.lexicon.phrase_count(),
                "languages": rules.lexicon.languages.iter().map(|(l, review)| json!({
                    "language": l, "needs_native_review": review })).collect::<Vec<_>>(),
            })))
        }
        Err(e) => Err(ApiError::Unprocessable {
            code: "invalid_rules",
            message: format!("{e}; the rules in force ({before}) stay"),
        }),
    }
}
