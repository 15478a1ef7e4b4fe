//! Channel webhooks: authenticity first, then the raw body (within the webhook limit), then the
//! channel's receive function. 200 only after the event is committed.

mod line;
mod telegram;

use actix_web::web;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/webhooks/telegram", web::post().to(telegram::receive))
        .route("/webhooks/line", web::post().to(line::receive));
}
