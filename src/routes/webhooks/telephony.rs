//! POST /api/v1/telephony/call-events: HTTP only. Signed by the phone system (not a staff
//! token), so it is registered here with the webhooks rather than in the API's role table.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use crate::callbacks::missed_call::{Recorded, record_call_event};
use crate::channels::phone;
use crate::context::AppContext;
use crate::error::ApiError;
use crate::routes::json_body::{parse, read_webhook_body};

pub async fn receive(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let telephony = &ctx.settings.telephony;
    if !telephony.enabled {
        return Err(ApiError::NotFound("route"));
    }
    let body =
        read_webhook_body(&req, &mut payload, ctx.settings.server.api_body_limit_bytes).await?;
    let signature = req
        .headers()
        .get(hotline_phone::signature::HEADER)
        .map(|v| v.as_bytes());
    if phone::verify(&telephony.webhook_secret, &body, signature).is_err() {
        crate::metrics::call_event("rejected");
        return Err(ApiError::BadSignature);
    }
    let form: phone::CallEventForm = parse(&body)?;
    let event = phone::parse_call_event(form, &ctx.settings.conversation.home_country)?;
    match record_call_event(&ctx, &event, ctx.now()).await? {
        Recorded::New(result) => {
            crate::metrics::call_event("accepted");
            Ok(HttpResponse::Created().json(json!({ "duplicate": false, "result": result })))
        }
        Recorded::Duplicate(result) => {
            crate::metrics::call_event("duplicate");
            Ok(HttpResponse::Accepted().json(json!({ "duplicate": true, "result": result })))
        }
    }
}
