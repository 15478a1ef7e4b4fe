//! What every console page shares: the layout's data (`Chrome`), the language for the person
//! asking, and the response headers pages need.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use crate::auth::Identity;
use crate::i18n::Tr;

/// The words the console's script needs, handed to it in the page (a JSON block it reads).
const SCRIPT_KEYS: &[&str] = &[
    "js-request-failed",
    "js-nothing-waiting",
    "js-saving",
    "js-saved",
    "js-new-critical",
    "js-lease-left",
    "js-lease-ending",
    "js-lease-lost",
    "js-earlier-cases",
    "js-live-on",
    "js-live-off",
    "js-updated",
    "js-forget-confirm",
    "js-forget-done",
    "js-hold-lift-confirm",
];

/// The layout's data: title, who is signed in, the CSRF token for the page's requests.
pub struct Chrome {
    pub title: String,
    /// `queue`, `case`, `phone`, … (the script and the navigation read it).
    pub page: &'static str,
    pub who: Option<Who>,
    pub csrf: String,
    /// The words for the script, as JSON safe inside `<script type="application/json">`.
    pub script_text: String,
}

pub struct Who {
    pub email: String,
    pub role: String,
    pub is_supervisor: bool,
}

impl Chrome {
    pub fn new(t: &Tr, page: &'static str, title: String, who: Option<&Identity>) -> Chrome {
        let words: serde_json::Map<String, serde_json::Value> = SCRIPT_KEYS
            .iter()
            .map(|k| ((*k).to_owned(), t.get(k).into()))
            .collect();
        Chrome {
            title,
            page,
            who: who.map(|w| Who {
                email: w.user.email.clone(),
                role: t.role(w.user.role.as_str()),
                is_supervisor: w.is_supervisor(),
            }),
            csrf: who.and_then(|w| w.csrf.clone()).unwrap_or_default(),
            script_text: serde_json::Value::Object(words)
                .to_string()
                .replace('<', "\\u003c"),
        }
    }
}

/// The language for this person: their own choice, or what their browser asks for.
pub fn translator(req: &HttpRequest, who: Option<&Identity>) -> Tr {
    match who.and_then(|w| w.user.console_language.as_deref()) {
        Some(code) => Tr::for_code(code),
        None => Tr::for_accept_language(
            req.headers()
                .get("Accept-Language")
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
        ),
    }
}

/// A rendered page with the headers every page needs.
pub fn render(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(html) => html_response(status, html),
        Err(e) => {
            tracing::error!(error = %e, "a console page failed to render");
            html_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "<!doctype html><title>hotline</title><p>This page could not be shown.</p>".into(),
            )
        }
    }
}

fn html_response(status: StatusCode, html: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        // Pages show personal data: never cache them, never frame them.
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header((
            "Content-Security-Policy",
            "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ))
        .body(html)
}

/// A page that only says something (not found, unavailable, not allowed).
#[derive(Template)]
#[template(path = "notice.html")]
pub struct Notice {
    pub t: Tr,
    pub chrome: Chrome,
    pub message: String,
    pub is_error: bool,
}

pub fn notice(
    status: StatusCode,
    t: Tr,
    who: Option<&Identity>,
    title_key: &str,
    message_key: &str,
) -> HttpResponse {
    let page = Notice {
        chrome: Chrome::new(&t, "notice", t.get(title_key), who),
        message: t.get(message_key),
        is_error: status.as_u16() >= 500,
        t,
    };
    render(status, &page)
}
