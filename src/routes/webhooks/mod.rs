//! Channel webhooks: authenticity first, then the raw body (within the webhook limit), then the
//! channel's receive function. 200 only after the event is committed.

mod line;
mod telegram;
mod telephony;

use actix_web::web;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/webhooks/telegram", web::post().to(telegram::receive))
        .route("/webhooks/line", web::post().to(line::receive))
        .route(
            "/api/v1/telephony/call-events",
            web::post().to(telephony::receive),
        )
        .route(
            "/api/v1/telephony/twilio/status",
            web::post().to(telephony::twilio_status),
        );
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
