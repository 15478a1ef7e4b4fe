//! The turn middleware on every webhook route (`channels::IntakeTurns`): a turn held while the
//! webhook is worked on; for a chat webhook that got none in time, the inbox mark the route
//! reads (`ToInbox`); otherwise 503 `busy` before anything is read or written.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};

use crate::channels::{ToInbox, Turn};
use crate::context::AppContext;
use crate::error::ApiError;

pub async fn take_a_turn(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(ctx) = req.app_data::<web::Data<AppContext>>().cloned() else {
        return next.call(req).await;
    };
    let chat = is_chat_webhook(req.path());
    match ctx.turns.take(chat).await {
        Turn::Taken(turn) => {
            let res = next.call(req).await;
            drop(turn);
            res
        }
        Turn::Unlimited => next.call(req).await,
        Turn::Inbox => {
            req.extensions_mut().insert(ToInbox);
            next.call(req).await
        }
        Turn::Busy => {
            crate::metrics::intake_busy();
            Err(ApiError::Unavailable {
                code: "busy",
                message: "too many messages are arriving at once; send this one again".into(),
            }
            .into())
        }
    }
}

/// Telegram and LINE: the webhooks whose bodies may go to the inbox.
fn is_chat_webhook(path: &str) -> bool {
    path == "/webhooks/telegram" || path == "/webhooks/line"
}
