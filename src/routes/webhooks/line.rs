//! POST /webhooks/line.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use crate::channels::{LineReceived, receive_line_webhook};
use crate::context::AppContext;
use crate::error::ApiError;
use crate::routes::json_body::read_webhook_body;

const SIGNATURE_HEADER: &str = "x-line-signature";

pub async fn receive(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let Some(line) = &ctx.channels.line else {
        return Err(ApiError::NotFound("route"));
    };
    // The signature covers the exact bytes LINE sent, so they are checked before anything is
    // parsed, and never re-serialised.
    let body = read_webhook_body(
        &req,
        &mut payload,
        ctx.settings.server.webhook_body_limit_bytes,
    )
    .await?;
    let signature = req.headers().get(SIGNATURE_HEADER).map(|v| v.as_bytes());
    if !hotline_line::signature_matches(&line.channel_secret, &body, signature) {
        crate::metrics::rejected_signature("line");
        return Err(ApiError::BadSignature);
    }
    match receive_line_webhook(&ctx, line, &body).await? {
        LineReceived::Refused(why) => Err(ApiError::bad_request("malformed_webhook", why)),
        LineReceived::Handled { .. } => Ok(HttpResponse::Ok().json(json!({ "ok": true }))),
    }
}
