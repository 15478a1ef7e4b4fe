//! A JSON body extractor that answers every failure in our error shape: 413 over the limit,
//! 400 naming the field for malformed JSON, wrong types, unknown or missing fields.

use std::future::Future;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The body limit for a scope, stored as app data.
#[derive(Clone, Copy)]
pub struct BodyLimit(pub usize);

pub struct ApiJson<T> {
    pub value: T,
    /// The raw body, for idempotency fingerprints.
    pub raw: web::Bytes,
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<ApiJson<T>, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<BodyLimit>()
            .copied()
            .unwrap_or(BodyLimit(65536))
            .0;
        let declared = req
            .headers()
            .get("Content-Length")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::PayloadTooLarge { limit });
            }
            let raw = read_limited(&mut payload, limit).await?;
            let value = parse(&raw)?;
            Ok(ApiJson { value, raw })
        })
    }
}

pub async fn read_limited<S>(payload: &mut S, limit: usize) -> Result<web::Bytes, ApiError>
where
    S: futures_util::Stream<Item = Result<web::Bytes, actix_web::error::PayloadError>> + Unpin,
{
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            ApiError::bad_request("unreadable_body", "the request body could not be read")
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

pub fn parse<T: DeserializeOwned>(raw: &[u8]) -> Result<T, ApiError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "malformed_json",
            "the request body must be a JSON object",
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(raw);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return ApiError::bad_request("malformed_json", "the request body is not valid JSON");
        }
        if path == "."
            && !inner.to_string().starts_with("missing field")
            && !inner.to_string().starts_with("unknown field")
        {
            return ApiError::bad_request(
                "malformed_json",
                "the request body must be a JSON object",
            );
        }
        let msg = inner.to_string();
        // serde names missing and unknown fields in the message; the path is their parent.
        let named = |prefix: &str| {
            msg.strip_prefix(prefix)
                .and_then(|rest| rest.split('`').next())
                .map(|name| {
                    if path == "." {
                        name.to_owned()
                    } else if path == name || path.ends_with(&format!(".{name}")) {
                        path.clone()
                    } else {
                        format!("{path}.{name}")
                    }
                })
        };
        let (field, message) = if let Some(f) = named("missing field `") {
            (f, "is required".to_owned())
        } else if let Some(f) = named("unknown field `") {
            (f, "is not a known field".to_owned())
        } else {
            // Type errors: drop serde's position suffix, keep the expectation.
            let what = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
            (path, what)
        };
        ApiError::BadRequest {
            code: "invalid_field",
            message,
            field: Some(field),
        }
    })
}

/// A webhook's raw body: refused with 413 before reading when its declared length is over
/// `limit`, and while reading when it grows past it. The bytes are returned exactly as sent,
/// for signatures computed over them.
pub async fn read_webhook_body(
    req: &actix_web::HttpRequest,
    payload: &mut web::Payload,
    limit: usize,
) -> Result<web::Bytes, ApiError> {
    let declared = req
        .headers()
        .get("Content-Length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    read_limited(payload, limit).await
}
