//! The staff console: server-rendered pages, with a little hand-written JS that calls the JSON
//! API using the session cookie and the session's CSRF token. No front-end build chain.

mod all_cases;
mod html;
mod login;
mod pages;

use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::{Identity, identity::identify};
use crate::context::AppContext;
use crate::error::ApiError;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/console",
        web::get().to(|| async { super::see_other("/console/queue") }),
    )
    .route("/console/login", web::get().to(login::page))
    .route("/console/login", web::post().to(login::submit))
    .route("/console/logout", web::post().to(login::logout))
    .route("/console/queue", web::get().to(pages::queue))
    .route("/console/cases", web::get().to(all_cases::page))
    .route("/console/cases/{id}", web::get().to(pages::case))
    .route("/console/intake/phone", web::get().to(pages::phone_form))
    .route("/console/app.js", web::get().to(pages::script));
}

/// The signed-in staff member for a page, or the response to send instead (the login page,
/// or a clear message that sessions are unavailable).
async fn signed_in(ctx: &AppContext, req: &HttpRequest) -> Result<Identity, HttpResponse> {
    match identify(ctx, req).await {
        Ok(who) if who.csrf.is_some() => Ok(who),
        Err(ApiError::Unavailable { message, .. }) => Err(html::page_response(
            actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
            "Console unavailable",
            None,
            &format!("<p class=\"error\">{}</p>", html::escape(&message)),
        )),
        _ => Err(super::see_other("/console/login")),
    }
}
