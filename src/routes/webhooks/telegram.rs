//! POST /webhooks/telegram.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use crate::channels::{Received, receive_telegram_update};
use crate::context::AppContext;
use crate::error::ApiError;
use crate::routes::json_body::read_webhook_body;

const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";

pub async fn receive(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let Some(tg) = &ctx.channels.telegram else {
        return Err(ApiError::NotFound("route"));
    };
    let header = req.headers().get(SECRET_HEADER).map(|v| v.as_bytes());
    if !hotline_telegram::secret_matches(header, &tg.webhook_secret) {
        crate::metrics::rejected_signature("telegram");
        return Err(ApiError::BadSignature);
    }
    let body = read_webhook_body(
        &req,
        &mut payload,
        ctx.settings.server.webhook_body_limit_bytes,
    )
    .await?;
    match receive_telegram_update(&ctx, tg.bot_id, &body).await? {
        Received::NotJson => Err(ApiError::bad_request(
            "malformed_json",
            "the body is not a JSON Telegram update",
        )),
        Received::Recorded(_) | Received::Ignored(_) | Received::StoredForReview => {
            Ok(HttpResponse::Ok().json(json!({ "ok": true })))
        }
    }
}
