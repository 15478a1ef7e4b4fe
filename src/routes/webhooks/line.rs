//! POST /webhooks/line: HTTP only; the channel verifies and receives.

use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

use super::answer;
use crate::channels::ToInbox;
use crate::channels::inbox::{self, InboxChannel};
use crate::channels::line::{self, SIGNATURE_HEADER};
use crate::context::AppContext;
use crate::error::ApiError;
use crate::routes::json_body::read_webhook_body;

pub async fn receive(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let Some(channel) = &ctx.channels.line else {
        return Err(ApiError::NotFound("route"));
    };
    // The signature covers the exact bytes LINE sent, so the body is read whole first.
    let body = read_webhook_body(
        &req,
        &mut payload,
        ctx.settings.server.webhook_body_limit_bytes,
    )
    .await?;
    let signature = req.headers().get(SIGNATURE_HEADER).map(|v| v.as_bytes());
    line::verify(channel, &body, signature)?;
    let received = if req.extensions().contains::<ToInbox>() {
        inbox::put(&ctx, InboxChannel::Line, &body).await?
    } else {
        line::receive(&ctx, channel, &body).await?
    };
    answer(received, "malformed_webhook")
}
