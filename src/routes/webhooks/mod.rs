//! Channel webhooks: authenticity first, then the raw body (within the webhook limit), then the
//! channel's receive function. 200 only after the event is committed.

mod line;
mod telegram;
mod telephony;
mod turns;

use actix_web::middleware::from_fn;
use actix_web::{Route, web};

/// Every webhook takes a turn first (`turns`: `server.intake_concurrency`); a chat webhook
/// that gets none in time goes to the inbox (`channels::inbox`).
pub fn config(cfg: &mut web::ServiceConfig) {
    let webhook = |path: &'static str, route: Route| {
        web::resource(path)
            .wrap(from_fn(turns::take_a_turn))
            .route(route)
    };
    cfg.service(webhook(
        "/webhooks/telegram",
        web::post().to(telegram::receive),
    ))
    .service(webhook("/webhooks/line", web::post().to(line::receive)))
    .service(webhook(
        "/api/v1/telephony/call-events",
        web::post().to(telephony::receive),
    ))
    .service(webhook(
        "/api/v1/telephony/twilio/status",
        web::post().to(telephony::twilio_status),
    ));
}

/// Whether a path is a webhook's (the platforms' intake), as opposed to staff's.
pub fn is_webhook(path: &str) -> bool {
    path.starts_with("/webhooks/") || path.starts_with("/api/v1/telephony/")
}

/// The webhook's answer: 200 once everything in the body is committed (recorded, a duplicate,
/// ignored on purpose or kept for review), 400 naming the problem when it is not the platform's
/// format at all.
fn answer(
    received: crate::channels::Received,
    code: &'static str,
) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
    match received.refused {
        Some(why) => Err(crate::error::ApiError::bad_request(code, why)),
        None => Ok(actix_web::HttpResponse::Ok().json(serde_json::json!({ "ok": true }))),
    }
}
