//! The sign-in page and sign-out. The login form is protected by a double-submit CSRF token;
//! the sign-in itself (throttling, password, session) is `auth::sign_in`.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::auth::throttle::{Network, client_address};

use super::page::{Chrome, render, translator};
use crate::auth::sessions;
use crate::auth::sign_in::{SignInError, sign_in};
use crate::context::AppContext;
use crate::crypto::random_token;
use crate::i18n::Tr;

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

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Tr,
    chrome: Chrome,
    token: String,
    email: String,
    error: Option<String>,
}

/// The sign-in page in the browser's language, with a fresh CSRF token (and its cookie).
fn form(
    ctx: &AppContext,
    req: &HttpRequest,
    status: StatusCode,
    email: &str,
    error_key: Option<&str>,
) -> HttpResponse {
    let t = translator(req, None);
    let token = random_token(24);
    let page = LoginPage {
        chrome: Chrome::new(&t, "login", t.get("login-title"), None),
        token: token.clone(),
        email: email.to_owned(),
        error: error_key.map(|k| t.get(k)),
        t,
    };
    let mut resp = render(status, &page);
    let _ = resp.add_cookie(&cookie(ctx, LOGIN_CSRF_COOKIE, token, 3600));
    resp
}

pub async fn page(ctx: web::Data<AppContext>, req: HttpRequest) -> HttpResponse {
    form(&ctx, &req, StatusCode::OK, "", None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    email: String,
    password: String,
}

pub async fn submit(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let form_again =
        |ctx: &AppContext, req: &HttpRequest, status: StatusCode, email: &str, key: &str| {
            self::form(ctx, req, status, email, Some(key))
        };
    let expected = req
        .cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(form.csrf.as_bytes())) {
        crate::metrics::rejected_signature("console_csrf");
        return form_again(
            &ctx,
            &req,
            StatusCode::FORBIDDEN,
            &form.email,
            "login-expired",
        );
    }
    let trusted: Vec<Network> = ctx
        .settings
        .server
        .trusted_proxies
        .iter()
        .filter_map(|p| Network::parse(p))
        .collect();
    let address = client_address(
        req.peer_addr().map(|a| a.ip()),
        req.headers()
            .get("X-Forwarded-For")
            .and_then(|v| v.to_str().ok()),
        &trusted,
    )
    .map(|ip| ip.to_string())
    .unwrap_or_default();
    // A session the browser already had is ended: signing in always starts a fresh one.
    if let Some(old) = req.cookie(sessions::COOKIE) {
        let _ = sessions::end(&ctx.redis, &ctx.keys, old.value()).await;
    }
    let session_id = match sign_in(&ctx, &form.email, &form.password, &address).await {
        Ok(signed_in) => signed_in.session_id,
        Err(e) => {
            let (status, message) = match e {
                SignInError::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "login-rate-limited"),
                SignInError::WrongCredentials => (StatusCode::UNAUTHORIZED, "login-wrong"),
                SignInError::SessionsUnavailable => {
                    (StatusCode::SERVICE_UNAVAILABLE, "sessions-unavailable")
                }
                SignInError::DatabaseUnavailable => {
                    (StatusCode::SERVICE_UNAVAILABLE, "database-unavailable")
                }
            };
            return form_again(&ctx, &req, status, &form.email, message);
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
