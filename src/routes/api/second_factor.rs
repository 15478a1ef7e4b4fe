//! `/api/v1/me/second-factor`: a staff member's own second factor. Enrolment hands out a new
//! seed (as an `otpauth://` address and a text key) that counts only once a first code from the
//! app confirms it; changing or removing it, or getting new recovery codes, needs the password
//! and a current code again (a session left open on a stolen laptop is not enough).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::auth::second_factor::{self, store};
use crate::auth::sign_in::{SignInError, reauthenticate};
use crate::auth::{Identity, audit};
use crate::context::AppContext;
use crate::domain::FieldError;
use crate::error::ApiError;
use crate::routes::ApiJson;

/// GET /api/v1/me/second-factor: whether it is set up, whether the role requires it, and how
/// many recovery codes are left.
pub async fn status(ctx: web::Data<AppContext>, who: Identity) -> Result<HttpResponse, ApiError> {
    let status = store::status(&ctx.db, who.user.id).await?;
    Ok(HttpResponse::Ok().json(json!({
        "enabled": status.enabled_at.is_some(),
        "enabled_at": status.enabled_at.as_ref().map(crate::domain::time::format),
        "required": second_factor::required_for(&ctx.settings.auth, &who.user),
        "recovery_codes_left": status.recovery_codes_left,
    })))
}

/// POST /api/v1/me/second-factor/enrolment: a new seed, pending until confirmed.
pub async fn begin(ctx: web::Data<AppContext>, who: Identity) -> Result<HttpResponse, ApiError> {
    let seed = store::begin(&ctx.db, &ctx.keys, who.user.id).await?;
    Ok(HttpResponse::Ok().json(json!({
        "secret": seed.to_base32(),
        "otpauth_uri": seed.otpauth_uri(&who.user.email),
        "issuer": second_factor::codes::ISSUER,
        "digits": 6,
        "period": second_factor::codes::STEP_SECONDS,
        "algorithm": "SHA1",
    })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FirstCode {
    /// The 6-digit code the authenticator app shows for the new seed.
    #[schema(value_type = String)]
    code: Option<String>,
}

/// POST /api/v1/me/second-factor: confirms enrolment with a first code; answers the recovery
/// codes, shown this once.
pub async fn confirm(
    ctx: web::Data<AppContext>,
    who: Identity,
    body: ApiJson<FirstCode>,
) -> Result<HttpResponse, ApiError> {
    let code = body
        .value
        .code
        .ok_or_else(|| FieldError::new("code", "is required"))?;
    let recovery = store::confirm(&ctx.db, &ctx.keys, who.user.id, &code, ctx.now()).await?;
    Ok(HttpResponse::Ok().json(json!({ "enabled": true, "recovery_codes": recovery })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reauthentication {
    #[schema(value_type = String)]
    password: Option<String>,
    /// A current code from the app, or an unused recovery code.
    #[schema(value_type = String)]
    code: Option<String>,
}

/// Checks the password and a code again; failures count towards the sign-in throttle.
async fn reauthenticated(
    ctx: &AppContext,
    req: &HttpRequest,
    who: &Identity,
    body: Reauthentication,
) -> Result<(), ApiError> {
    let password = body
        .password
        .ok_or_else(|| FieldError::new("password", "is required"))?;
    let code = body
        .code
        .ok_or_else(|| FieldError::new("code", "is required"))?;
    let address = crate::routes::client_ip(ctx, req);
    match reauthenticate(ctx, &who.user, &password, &code, &address).await {
        Ok(_) => Ok(()),
        Err(SignInError::RateLimited) => Err(ApiError::TooManyRequests),
        Err(SignInError::WrongCredentials | SignInError::WrongCode) => {
            Err(second_factor::SecondFactorError::WrongCredentials.into())
        }
        Err(SignInError::ChallengeExpired) => {
            Err(second_factor::SecondFactorError::NotEnabled.into())
        }
        Err(SignInError::SessionsUnavailable) => Err(ApiError::Unavailable {
            code: "sessions_unavailable",
            message: "sign-in counters need Redis, which is unavailable".into(),
        }),
        Err(SignInError::DatabaseUnavailable) => Err(ApiError::Unavailable {
            code: "database_unavailable",
            message: "the database is unavailable; nothing was changed, please retry".into(),
        }),
    }
}

/// POST /api/v1/me/second-factor/removal: removes it, after the password and a code. A role
/// that requires one is taken back to enrolment.
pub async fn remove(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    who: Identity,
    body: ApiJson<Reauthentication>,
) -> Result<HttpResponse, ApiError> {
    reauthenticated(&ctx, &req, &who, body.value).await?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    store::remove(&mut tx, who.user.id).await?;
    audit::record(
        &mut *tx,
        Some(who.user.id),
        "auth.second_factor_removed",
        None,
        json!({ "user_id": who.user.id }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(json!({
        "enabled": false,
        "required": second_factor::required_for(&ctx.settings.auth, &who.user),
    })))
}

/// POST /api/v1/me/second-factor/recovery-codes: a new set in place of the old, after the
/// password and a code.
pub async fn renew_recovery_codes(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    who: Identity,
    body: ApiJson<Reauthentication>,
) -> Result<HttpResponse, ApiError> {
    reauthenticated(&ctx, &req, &who, body.value).await?;
    let fresh = store::renew_recovery_codes(&ctx.db, who.user.id).await?;
    audit::record(
        &ctx.db,
        Some(who.user.id),
        "auth.recovery_codes_renewed",
        None,
        json!({ "user_id": who.user.id }),
        ctx.now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "recovery_codes": fresh })))
}
