//! The staff console: server-rendered pages (askama templates in `templates/`, one per page,
//! words from the Fluent catalogue in the person's language), with a little hand-written JS
//! that calls the JSON API using the session cookie and the session's CSRF token, and
//! listens for live changes. No front-end build chain.

mod all_cases;
mod assets;
mod audit_page;
mod callbacks_page;
pub mod case_page;
mod dashboard_page;
mod login;
pub(crate) mod page;
mod partners_page;
mod phone_page;
mod queue_page;
mod referrals_card;
mod search_page;
mod second_factor_page;
mod settings_page;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::{Identity, identity::identify};
use crate::context::AppContext;
use crate::error::ApiError;
use crate::i18n::Tr;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/console",
        web::get().to(|| async { super::see_other("/console/queue") }),
    )
    .route("/console/login", web::get().to(login::page))
    .route("/console/login", web::post().to(login::submit))
    .route("/console/login/code", web::get().to(login::code_page))
    .route("/console/login/code", web::post().to(login::code_submit))
    .route("/console/logout", web::post().to(login::logout))
    .route(
        "/console/second-factor",
        web::get().to(second_factor_page::page),
    )
    .route("/console/queue", web::get().to(queue_page::page))
    .route("/console/cases", web::get().to(all_cases::page))
    .route("/console/dashboard", web::get().to(dashboard_page::page))
    .route("/console/cases/{id}", web::get().to(case_page::page))
    .route("/console/intake/phone", web::get().to(phone_page::page))
    .route("/console/search", web::get().to(search_page::page))
    .route("/console/audit", web::get().to(audit_page::page))
    .route("/console/me", web::get().to(settings_page::page))
    .route("/console/callbacks", web::get().to(callbacks_page::page))
    .route("/console/partners", web::get().to(partners_page::page))
    .route("/console/app.js", web::get().to(assets::script))
    .route("/console/style.css", web::get().to(assets::style));
}

/// The signed-in staff member for a page and the words in their language, or the response to
/// send instead (the login page, or a clear message that sessions are unavailable).
async fn signed_in(ctx: &AppContext, req: &HttpRequest) -> Result<(Identity, Tr), HttpResponse> {
    match identify(ctx, req).await {
        Ok(who) if who.csrf.is_some() => {
            let t = page::translator(req, Some(&who));
            Ok((who, t))
        }
        Err(ApiError::Unavailable { .. }) => Err(page::notice(
            StatusCode::SERVICE_UNAVAILABLE,
            page::translator(req, None),
            None,
            "unavailable-title",
            "sessions-unavailable",
        )),
        // A role that must have a second factor reaches nothing else until it is set up.
        Err(ApiError::SecondFactorRequired) => Err(super::see_other("/console/second-factor")),
        _ => Err(super::see_other("/console/login")),
    }
}

/// The page for a database outage: nothing is lost, try again.
fn database_unavailable(t: Tr, who: &Identity) -> HttpResponse {
    page::notice(
        StatusCode::SERVICE_UNAVAILABLE,
        t,
        Some(who),
        "unavailable-title",
        "database-unavailable",
    )
}
