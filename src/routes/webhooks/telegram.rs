//! POST /webhooks/telegram: HTTP only; the channel verifies and receives.

use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

use super::answer;
use crate::channels::ToInbox;
use crate::channels::inbox::{self, InboxChannel};
use crate::channels::telegram::{self, verify::SECRET_HEADER};
use crate::context::AppContext;
use crate::error::ApiError;
use crate::routes::json_body::read_webhook_body;

pub async fn receive(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let Some(tg) = &ctx.channels.telegram else {
        return Err(ApiError::NotFound("route"));
    };
    // The secret is in a header: checked before the body is read.
    telegram::verify(tg, req.headers().get(SECRET_HEADER).map(|v| v.as_bytes()))?;
    let body = read_webhook_body(
        &req,
        &mut payload,
        ctx.settings.server.webhook_body_limit_bytes,
    )
    .await?;
    let received = if req.extensions().contains::<ToInbox>() {
        inbox::put(&ctx, InboxChannel::Telegram, &body).await?
    } else {
        telegram::receive(&ctx, tg, &body).await?
    };
    answer(received, "malformed_json")
}
