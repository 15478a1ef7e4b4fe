//! Who is calling: a bearer token (checked in PostgreSQL) or a console session cookie (checked
//! in Redis, with CSRF on every state-changing request). Routes take `Identity` and call
//! `require(role)`; there is no route that forgets to authenticate, because handlers that need
//! a user cannot be written without this extractor.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::Method;
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use subtle::ConstantTimeEq;

use super::{Role, User, second_factor, sessions, tokens, users};
use crate::context::AppContext;
use crate::error::ApiError;

/// A staff member acting on a case, and whether they may act on cases they do not hold.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub id: crate::domain::UserId,
    pub is_supervisor: bool,
}

#[derive(Debug, Clone)]
pub struct Identity {
    pub user: User,
    /// Present for console sessions; pages embed it for their requests.
    pub csrf: Option<String>,
}

impl Identity {
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.user.role.includes(role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    pub fn is_supervisor(&self) -> bool {
        self.user.role.includes(Role::Supervisor)
    }

    pub fn actor(&self) -> Actor {
        Actor {
            id: self.user.id,
            is_supervisor: self.is_supervisor(),
        }
    }
}

fn sessions_down() -> ApiError {
    ApiError::Unavailable {
        code: "sessions_unavailable",
        message:
            "console sign-in needs Redis, which is unavailable; API clients can use a bearer token"
                .into(),
    }
}

pub async fn identify(ctx: &AppContext, req: &HttpRequest) -> Result<Identity, ApiError> {
    if let Some(header) = req.headers().get("Authorization") {
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ApiError::Unauthenticated)?;
        let user = tokens::user_for(&ctx.db, token, ctx.now())
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        require_second_factor(ctx, req, &user).await?;
        return Ok(Identity { user, csrf: None });
    }
    let cookie = req
        .cookie(sessions::COOKIE)
        .ok_or(ApiError::Unauthenticated)?;
    let session = sessions::load(&ctx.redis, &ctx.keys, cookie.value())
        .await
        .map_err(|_| sessions_down())?
        .ok_or(ApiError::Unauthenticated)?;
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let sent = req
            .headers()
            .get("X-CSRF-Token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !bool::from(sent.as_bytes().ct_eq(session.csrf.as_bytes())) {
            crate::metrics::rejected_signature("console_csrf");
            return Err(ApiError::Forbidden);
        }
    }
    let user = users::find(&ctx.db, session.user_id)
        .await?
        .filter(|u| u.active)
        .ok_or(ApiError::Unauthenticated)?;
    let now = ctx.now();
    let a = &ctx.settings.auth;
    match sessions::freshness(
        &session,
        now,
        chrono::Duration::minutes(a.idle_timeout_minutes),
        chrono::Duration::hours(a.absolute_timeout_hours),
        sessions::valid_after(&ctx.db, user.id).await?,
    ) {
        sessions::Freshness::Live { touch } => {
            if touch {
                // Best effort: a missed touch only brings the idle timeout a little closer.
                let _ = sessions::touch(
                    &ctx.redis,
                    &ctx.keys,
                    cookie.value(),
                    &session,
                    now,
                    ctx.settings.server.session_ttl_seconds,
                )
                .await;
            }
        }
        _ => {
            let _ = sessions::end(&ctx.redis, &ctx.keys, cookie.value()).await;
            return Err(ApiError::Unauthenticated);
        }
    }
    require_second_factor(ctx, req, &user).await?;
    Ok(Identity {
        user,
        csrf: Some(session.csrf),
    })
}

/// What a person who must set up a second factor can reach before they have: enrolment
/// itself, who they are and their language, and signing out everywhere.
const BEFORE_ENROLMENT: &[&str] = &[
    "/api/v1/me",
    "/api/v1/me/second-factor",
    "/api/v1/me/second-factor/enrolment",
    "/api/v1/me/sign-out-everywhere",
    "/console/second-factor",
    "/console/me",
];

/// Refuses everything but enrolment to a person whose role requires a second factor they have
/// not set up (with a bearer token too: a token issued before the rule applied is no way
/// around it). Asked of the database only for those roles.
async fn require_second_factor(
    ctx: &AppContext,
    req: &HttpRequest,
    user: &User,
) -> Result<(), ApiError> {
    if !second_factor::required_for(&ctx.settings.auth, user)
        || BEFORE_ENROLMENT.contains(&req.path())
        || second_factor::store::enabled(&ctx.db, user.id).await?
    {
        return Ok(());
    }
    Err(ApiError::SecondFactorRequired)
}

impl FromRequest for Identity {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Identity, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            // Behind the route guard the caller is already identified.
            if let Some(who) = req.extensions().get::<Identity>() {
                return Ok(who.clone());
            }
            let ctx = req.app_data::<web::Data<AppContext>>().ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("AppContext missing from app data"))
            })?;
            identify(ctx, &req).await
        })
    }
}
