//! Staff users: the admin's user management and `GET /api/v1/me`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::auth::{Identity, Role, audit, users};
use crate::context::AppContext;
use crate::domain::{FieldError, UserId};
use crate::error::ApiError;
use crate::routes::{ApiJson, parse_id};

pub async fn me(who: Identity) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(&who.user))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyPreferences {
    /// The console's language: one of the catalogue's (en, th, lo, km, my, vi, zh).
    console_language: Option<String>,
    /// The languages the counselor speaks (BCP 47 tags; kept as their primary subtag).
    #[schema(max_items = 12)]
    languages: Option<Vec<String>>,
}

/// PATCH /api/v1/me: the signed-in person's console language and spoken languages.
pub async fn update_me(
    ctx: web::Data<AppContext>,
    who: Identity,
    body: ApiJson<MyPreferences>,
) -> Result<HttpResponse, ApiError> {
    let choice = users::parse_preferences(
        body.value.console_language.as_deref(),
        body.value.languages.as_deref(),
    )?;
    let user = users::set_preferences(&ctx.db, who.user.id, &choice).await?;
    audit::record(
        &ctx.db,
        Some(who.user.id),
        "user.preferences_changed",
        None,
        json!({ "console_language": user.console_language, "languages": user.languages }),
        ctx.now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(user))
}

pub async fn list(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(json!({ "items": users::list(&ctx.db).await? })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    #[schema(value_type = String)]
    email: Option<String>,
    #[schema(value_type = Role)]
    role: Option<String>,
    #[schema(value_type = String, min_length = 10)]
    password: Option<String>,
}

pub async fn create(
    ctx: web::Data<AppContext>,
    who: Identity,
    body: ApiJson<NewUser>,
) -> Result<HttpResponse, ApiError> {
    let f = body.value;
    let email = f
        .email
        .ok_or_else(|| FieldError::new("email", "is required"))?;
    let role = Role::parse(
        "role",
        f.role
            .as_deref()
            .ok_or_else(|| FieldError::new("role", "is required"))?,
    )?;
    let password = f
        .password
        .ok_or_else(|| FieldError::new("password", "is required"))?;
    let now = ctx.now();
    let user = users::create(&ctx.db, &email, role, &password, now).await?;
    audit::record(
        &ctx.db,
        Some(who.user.id),
        "user.created",
        None,
        json!({ "user_id": user.id, "role": role }),
        now,
    )
    .await?;
    Ok(HttpResponse::Created().json(user))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    #[schema(value_type = Option<Role>)]
    role: Option<String>,
    active: Option<bool>,
}

pub async fn update(
    ctx: web::Data<AppContext>,
    who: Identity,
    id: web::Path<String>,
    body: ApiJson<UserChange>,
) -> Result<HttpResponse, ApiError> {
    let id: UserId = parse_id(&id, "user")?;
    let role = body
        .value
        .role
        .as_deref()
        .map(|r| Role::parse("role", r))
        .transpose()?;
    if id == who.user.id
        && (body.value.active == Some(false) || role.is_some_and(|r| r != Role::Admin))
    {
        return Err(ApiError::conflict(
            "self_lockout",
            "an admin cannot demote or deactivate themselves",
        ));
    }
    let user = users::update(&ctx.db, id, role, body.value.active).await?;
    if body.value.active == Some(false) {
        // A deactivated account's sessions must not come back if it is reactivated.
        crate::auth::sessions::end_all(&ctx.db, id, ctx.now()).await?;
    }
    let details = json!({ "user_id": id, "role": role, "active": body.value.active });
    audit::record(
        &ctx.db,
        Some(who.user.id),
        "user.changed",
        None,
        details,
        ctx.now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(user))
}

/// POST /api/v1/me/sign-out-everywhere: ends every console session of the caller, on every
/// device (audited). API tokens are revoked separately (`hotline user token --revoke`).
pub async fn sign_out_everywhere(
    ctx: web::Data<AppContext>,
    who: Identity,
) -> Result<HttpResponse, ApiError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    crate::auth::sessions::end_all(&mut *tx, who.user.id, now).await?;
    audit::record(
        &mut *tx,
        Some(who.user.id),
        "auth.signed_out_everywhere",
        None,
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(json!({ "signed_out": true })))
}
