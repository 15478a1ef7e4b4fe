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

/// POST /api/v1/telephony/twilio/status: a Twilio status callback (form-encoded), checked
/// with `X-Twilio-Signature` over `telephony.twilio.public_url` and the sorted parameters.
pub async fn twilio_status(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let telephony = &ctx.settings.telephony;
    if !telephony.enabled || !telephony.twilio.enabled {
        return Err(ApiError::NotFound("route"));
    }
    let body =
        read_webhook_body(&req, &mut payload, ctx.settings.server.api_body_limit_bytes).await?;
    let params: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).map_err(|_| {
        ApiError::bad_request("malformed_form", "the body is not form-encoded parameters")
    })?;
    let signature = req
        .headers()
        .get(hotline_phone::twilio::HEADER)
        .map(|v| v.as_bytes());
    let twilio = &telephony.twilio;
    if !hotline_phone::twilio::signature_matches(
        &twilio.auth_token,
        &twilio.public_url,
        &params,
        signature,
    ) {
        crate::metrics::rejected_signature("twilio");
        crate::metrics::call_event("rejected");
        return Err(ApiError::BadSignature);
    }
    // Statuses that do not end a call (ringing, in-progress) need nothing.
    let Some(event) = hotline_phone::twilio::call_event("twilio", &params, ctx.now()) else {
        return Ok(HttpResponse::Ok().json(json!({ "ignored": true })));
    };
    match crate::channels::phone::record_wire_event(&ctx, event).await? {
        Some(Recorded::New(result)) => {
            Ok(HttpResponse::Created().json(json!({ "duplicate": false, "result": result })))
        }
        Some(Recorded::Duplicate(result)) => {
            Ok(HttpResponse::Accepted().json(json!({ "duplicate": true, "result": result })))
        }
        None => Err(ApiError::bad_request(
            "invalid_field",
            "From is not a phone number that can be dialled",
        )),
    }
}
