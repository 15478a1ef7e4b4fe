//! Sign-in and sign-out. The login form is protected by a double-submit CSRF token; attempts
//! are rate-limited per email and per client address in Redis.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::html::{escape, page_response};
use crate::auth::{sessions, users};
use crate::context::AppContext;
use crate::crypto::{random_token, sha256};

const LOGIN_CSRF_COOKIE: &str = "hotline_login_csrf";

fn cookie<'a>(ctx: &AppContext, name: &'a str, value: String, max_age: i64) -> Cookie<'a> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(ctx.settings.server.cookie_secure)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(max_age))
        .finish()
}

fn form(token: &str, email: &str, error: Option<&str>) -> String {
    let error = error
        .map(|e| format!("<p class=\"error\" id=\"login-error\">{}</p>", escape(e)))
        .unwrap_or_default();
    format!(
        "{error}<form method=\"post\" action=\"/console/login\" id=\"login-form\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{token}\">\
         <label>Email <input name=\"email\" type=\"email\" autocomplete=\"username\" required value=\"{email}\"></label>\
         <label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
         <button type=\"submit\">Sign in</button></form>",
        token = escape(token),
        email = escape(email),
    )
}

pub async fn page(ctx: web::Data<AppContext>) -> HttpResponse {
    let token = random_token(24);
    let mut resp = page_response(StatusCode::OK, "Sign in", None, &form(&token, "", None));
    let _ = resp.add_cookie(&cookie(&ctx, LOGIN_CSRF_COOKIE, token, 3600));
    resp
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    email: String,
    password: String,
}

fn again(ctx: &AppContext, status: StatusCode, email: &str, error: &str) -> HttpResponse {
    let token = random_token(24);
    let mut resp = page_response(status, "Sign in", None, &form(&token, email, Some(error)));
    let _ = resp.add_cookie(&cookie(ctx, LOGIN_CSRF_COOKIE, token, 3600));
    resp
}

pub async fn submit(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let expected = req
        .cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(form.csrf.as_bytes())) {
        crate::metrics::rejected_signature("console_csrf");
        return again(
            &ctx,
            StatusCode::FORBIDDEN,
            &form.email,
            "The form expired. Please sign in again.",
        );
    }
    let settings = &ctx.settings.auth;
    // Counters are keyed by hashes: Redis never sees an email or an address.
    let hex = |v: &str| hex::encode(&sha256(v)[..12]);
    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let window = settings.login_window_seconds;
    let by_email = ctx
        .redis
        .incr_window(
            &format!("login:email:{}", hex(&form.email.to_lowercase())),
            window,
        )
        .await;
    let by_ip = ctx
        .redis
        .incr_window(&format!("login:ip:{}", hex(&ip)), window)
        .await;
    let (Ok(by_email), Ok(by_ip)) = (by_email, by_ip) else {
        crate::metrics::login("sessions_unavailable");
        return again(
            &ctx,
            StatusCode::SERVICE_UNAVAILABLE,
            &form.email,
            "Console sign-in needs Redis, which is unavailable. Intake and the API keep working; ask an administrator.",
        );
    };
    let limit = u64::from(settings.login_attempts_per_window);
    if by_email > limit || by_ip > u64::from(settings.login_attempts_per_address_per_window) {
        crate::metrics::login("rate_limited");
        return again(
            &ctx,
            StatusCode::TOO_MANY_REQUESTS,
            &form.email,
            "Too many attempts. Wait a few minutes and try again.",
        );
    }
    let user = match users::authenticate(&ctx.db, &form.email, &form.password).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            crate::metrics::login("failed");
            return again(
                &ctx,
                StatusCode::UNAUTHORIZED,
                &form.email,
                "Email or password is not right.",
            );
        }
        Err(_) => {
            return again(
                &ctx,
                StatusCode::SERVICE_UNAVAILABLE,
                &form.email,
                "The database is unavailable. Please try again.",
            );
        }
    };
    let Ok((session_id, _)) = sessions::start(
        &ctx.redis,
        &ctx.keys,
        user.id,
        ctx.settings.server.session_ttl_seconds,
    )
    .await
    else {
        return again(
            &ctx,
            StatusCode::SERVICE_UNAVAILABLE,
            &form.email,
            "Console sign-in needs Redis, which is unavailable.",
        );
    };
    crate::metrics::login("succeeded");
    let ttl = i64::try_from(ctx.settings.server.session_ttl_seconds).unwrap_or(43200);
    let mut resp = super::super::see_other("/console/queue");
    let _ = resp.add_cookie(&cookie(&ctx, sessions::COOKIE, session_id, ttl));
    let _ = resp.add_removal_cookie(&cookie(&ctx, LOGIN_CSRF_COOKIE, String::new(), 0));
    resp
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

pub async fn logout(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    form: web::Form<LogoutForm>,
) -> HttpResponse {
    if let Some(c) = req.cookie(sessions::COOKIE)
        && let Ok(Some(session)) = sessions::load(&ctx.redis, &ctx.keys, c.value()).await
        && bool::from(session.csrf.as_bytes().ct_eq(form.csrf.as_bytes()))
    {
        let _ = sessions::end(&ctx.redis, &ctx.keys, c.value()).await;
    }
    let mut resp = super::super::see_other("/console/login");
    let _ = resp.add_removal_cookie(&cookie(&ctx, sessions::COOKIE, String::new(), 0));
    resp
}
