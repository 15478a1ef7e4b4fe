//! The sign-in pages and sign-out: the password, then (for a person with a second factor) the
//! code from their authenticator app or a recovery code. Both forms are protected by a
//! double-submit CSRF token; the sign-in itself (throttling, password, code, session) is
//! `auth::sign_in`.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::page::{Chrome, render, translator};
use crate::auth::sessions;
use crate::auth::sign_in::{Outcome, SignInError, second_step, sign_in};
use crate::context::AppContext;
use crate::crypto::random_token;
use crate::i18n::Tr;

const LOGIN_CSRF_COOKIE: &str = "hotline_login_csrf";
/// Carries the signed challenge from the password step to the code step.
const LOGIN_CHALLENGE_COOKIE: &str = "hotline_login_challenge";

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
    let address = client_ip(&ctx, &req);
    // A session the browser already had is ended: signing in always starts a fresh one.
    if let Some(old) = req.cookie(sessions::COOKIE) {
        let _ = sessions::end(&ctx.redis, &ctx.keys, old.value()).await;
    }
    match sign_in(&ctx, &form.email, &form.password, &address).await {
        Ok(Outcome::SignedIn(signed_in)) => {
            let next = if signed_in.must_enrol {
                "/console/second-factor"
            } else {
                "/console/queue"
            };
            session_response(&ctx, next, signed_in.session_id)
        }
        Ok(Outcome::CodeNeeded { challenge }) => {
            let mut resp = super::super::see_other("/console/login/code");
            let _ = resp.add_cookie(&cookie(&ctx, LOGIN_CHALLENGE_COOKIE, challenge, 300));
            resp
        }
        Err(e) => {
            let (status, message) = refusal(e);
            form_again(&ctx, &req, status, &form.email, message)
        }
    }
}

fn client_ip(ctx: &AppContext, req: &HttpRequest) -> String {
    super::super::client_ip(ctx, req)
}

/// The status and words for a sign-in that did not start a session.
fn refusal(e: SignInError) -> (StatusCode, &'static str) {
    match e {
        SignInError::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "login-rate-limited"),
        SignInError::WrongCredentials => (StatusCode::UNAUTHORIZED, "login-wrong"),
        SignInError::WrongCode => (StatusCode::UNAUTHORIZED, "login-code-wrong"),
        SignInError::ChallengeExpired => (StatusCode::UNAUTHORIZED, "login-expired"),
        SignInError::SessionsUnavailable => {
            (StatusCode::SERVICE_UNAVAILABLE, "sessions-unavailable")
        }
        SignInError::DatabaseUnavailable => {
            (StatusCode::SERVICE_UNAVAILABLE, "database-unavailable")
        }
    }
}

/// The redirect that sets the new session's cookie and clears the sign-in's own cookies.
fn session_response(ctx: &AppContext, next: &str, session_id: String) -> HttpResponse {
    let ttl = i64::try_from(ctx.settings.server.session_ttl_seconds).unwrap_or(43200);
    let mut resp = super::super::see_other(next);
    let _ = resp.add_cookie(&cookie(ctx, sessions::COOKIE, session_id, ttl));
    let _ = resp.add_removal_cookie(&cookie(ctx, LOGIN_CSRF_COOKIE, String::new(), 0));
    let _ = resp.add_removal_cookie(&cookie(ctx, LOGIN_CHALLENGE_COOKIE, String::new(), 0));
    resp
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    t: Tr,
    chrome: Chrome,
    token: String,
    error: Option<String>,
}

/// The second step's form: the code from the app, or a recovery code.
fn code_form(
    ctx: &AppContext,
    req: &HttpRequest,
    status: StatusCode,
    error_key: Option<&str>,
) -> HttpResponse {
    let t = translator(req, None);
    let token = random_token(24);
    let page = CodePage {
        chrome: Chrome::new(&t, "login", t.get("login-code-title"), None),
        token: token.clone(),
        error: error_key.map(|k| t.get(k)),
        t,
    };
    let mut resp = render(status, &page);
    let _ = resp.add_cookie(&cookie(ctx, LOGIN_CSRF_COOKIE, token, 3600));
    resp
}

/// GET /console/login/code: asks for the code, if a password step is waiting for one.
pub async fn code_page(ctx: web::Data<AppContext>, req: HttpRequest) -> HttpResponse {
    if req.cookie(LOGIN_CHALLENGE_COOKIE).is_none() {
        return super::super::see_other("/console/login");
    }
    code_form(&ctx, &req, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub struct CodeForm {
    csrf: String,
    code: String,
}

/// POST /console/login/code: checks the code and starts the session.
pub async fn code_submit(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    typed: web::Form<CodeForm>,
) -> HttpResponse {
    let expected = req
        .cookie(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if expected.is_empty() || !bool::from(expected.as_bytes().ct_eq(typed.csrf.as_bytes())) {
        crate::metrics::rejected_signature("console_csrf");
        return code_form(&ctx, &req, StatusCode::FORBIDDEN, Some("login-expired"));
    }
    let Some(challenge) = req.cookie(LOGIN_CHALLENGE_COOKIE) else {
        return form(
            &ctx,
            &req,
            StatusCode::UNAUTHORIZED,
            "",
            Some("login-expired"),
        );
    };
    let address = client_ip(&ctx, &req);
    match second_step(&ctx, challenge.value(), &typed.code, &address).await {
        Ok(signed_in) => session_response(&ctx, "/console/queue", signed_in.session_id),
        Err(SignInError::ChallengeExpired) => {
            let mut resp = form(
                &ctx,
                &req,
                StatusCode::UNAUTHORIZED,
                "",
                Some("login-expired"),
            );
            let _ =
                resp.add_removal_cookie(&cookie(&ctx, LOGIN_CHALLENGE_COOKIE, String::new(), 0));
            resp
        }
        Err(e) => {
            let (status, message) = refusal(e);
            code_form(&ctx, &req, status, Some(message))
        }
    }
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
