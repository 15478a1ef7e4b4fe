//! HTTP only: extract, call a feature function, map its error. No SQL here.
//!
//! `config` is the whole URL map.

pub mod api;
pub mod console;
mod health;
pub mod json_body;
mod partner_page;
mod staff_pool;
mod webhooks;

use actix_web::{HttpResponse, web};

use crate::error::ApiError;
pub use json_body::ApiJson;
pub use staff_pool::{StaffContext, choose_pool};

/// The API's body limit, as app data for `ApiJson`.
pub fn json_body_limit(bytes: usize) -> json_body::BodyLimit {
    json_body::BodyLimit(bytes)
}

/// The public listener. `/metrics` and `/health/ready` are not here: they show what arrives
/// and when, so they live on the internal listener (`internal_config`).
pub fn config(cfg: &mut web::ServiceConfig) {
    // The webhooks first: actix tries resources in the order they are registered, and each of
    // the API's and console's patterns with a `{segment}` is a regex match (4-5% of serve's CPU
    // under a webhook flood, `perf`, docs/performance.md run 15); no webhook path overlaps them.
    cfg.configure(webhooks::config)
        .route("/health/live", web::get().to(health::live))
        .route("/api/openapi.json", web::get().to(api::openapi::document))
        .configure(api::config)
        .configure(console::config)
        // The partner's page for a referral (issue 14): no login, the signed link is the key.
        .route("/r/{token}", web::get().to(partner_page::show))
        .route("/r/{token}", web::post().to(partner_page::act))
        // A partner confirms or corrects its own directory entry.
        .route("/p/{token}", web::get().to(partner_page::show_entry))
        .route("/p/{token}", web::post().to(partner_page::answer_entry))
        .route("/", web::get().to(|| async { see_other("/console/queue") }));
}

/// The internal listener (`server.internal_host`:`server.internal_port`, loopback by default):
/// metrics and readiness for the operator's scraper and load balancer.
pub fn internal_config(cfg: &mut web::ServiceConfig) {
    cfg.route("/health/live", web::get().to(health::live))
        .route("/health/ready", web::get().to(health::ready))
        .route("/metrics", web::get().to(health::metrics));
}

/// Anything unrouted: a JSON 404, like every other error.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound("route"))
}

/// The client's address for sign-in throttling: the peer, or what a trusted proxy says it is.
pub(crate) fn client_ip(ctx: &crate::context::AppContext, req: &actix_web::HttpRequest) -> String {
    use crate::auth::throttle::{Network, client_address};
    let trusted: Vec<Network> = ctx
        .settings
        .server
        .trusted_proxies
        .iter()
        .filter_map(|p| Network::parse(p))
        .collect();
    client_address(
        req.peer_addr().map(|a| a.ip()),
        req.headers()
            .get("X-Forwarded-For")
            .and_then(|v| v.to_str().ok()),
        &trusted,
    )
    .map(|ip| ip.to_string())
    .unwrap_or_default()
}

pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

/// Parses a path id; a malformed one is a 404 (it cannot name anything).
pub fn parse_id<T: From<uuid::Uuid>>(raw: &str, what: &'static str) -> Result<T, ApiError> {
    raw.parse::<uuid::Uuid>()
        .map(T::from)
        .map_err(|_| ApiError::NotFound(what))
}
