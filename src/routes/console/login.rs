//! The sign-in page and sign-out. The login form is protected by a double-submit CSRF token;
//! the sign-in itself (throttling, password, session) is `auth::sign_in`.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::html::{escape, page_response};
use crate::auth::sessions;
use crate::auth::sign_in::{SignInError, sign_in};
use crate::context::AppContext;
use crate::crypto::random_token;

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
    let address = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let session_id = match sign_in(&ctx, &form.email, &form.password, &address).await {
        Ok(signed_in) => signed_in.session_id,
        Err(e) => {
            let (status, message) = match e {
                SignInError::RateLimited => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many attempts. Wait a few minutes and try again.",
                ),
                SignInError::WrongCredentials => {
                    (StatusCode::UNAUTHORIZED, "Email or password is not right.")
                }
                SignInError::SessionsUnavailable => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Console sign-in needs Redis, which is unavailable. Intake and the API keep working; ask an administrator.",
                ),
                SignInError::DatabaseUnavailable => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The database is unavailable. Please try again.",
                ),
            };
            return again(&ctx, status, &form.email, message);
        }
    };
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
