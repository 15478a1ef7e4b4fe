//! The one HTTP error type. Feature errors convert into it; every error leaves as
//! `{"error": {"code", "message", "field"?}}`. Messages never carry personal data, and a 500 is
//! opaque to the client and logged once, here.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

use crate::domain::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed or a field is invalid.
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        message: String,
        field: Option<String>,
    },
    #[error("authentication required")]
    Unauthenticated,
    /// 401 for a webhook whose secret or signature does not verify.
    #[error("the webhook secret or signature does not match")]
    BadSignature,
    #[error("your role may not do this")]
    Forbidden,
    /// 403: the caller's role must sign in with a second factor, and they have not set one up.
    #[error("set up a second factor (an authenticator app) first: /console/second-factor")]
    SecondFactorRequired,
    /// 403: the caller's role may do this, but not on this case (need-to-know).
    #[error("{0}")]
    NeedToKnow(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: the request is valid but conflicts with the current state.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// 409 with more facts in the error body (say `next_allowed`); never personal data.
    #[error("{message}")]
    ConflictWith {
        code: &'static str,
        message: String,
        details: serde_json::Map<String, serde_json::Value>,
    },
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("too many attempts; try again later")]
    TooManyRequests,
    /// 503: a dependency is down; the client may retry.
    #[error("{message}")]
    Unavailable { code: &'static str, message: String },
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn field(e: FieldError) -> ApiError {
        ApiError::BadRequest {
            code: "invalid_field",
            message: e.message,
            field: Some(e.field),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::BadRequest {
            code,
            message: message.into(),
            field: None,
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::Conflict {
            code,
            message: message.into(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::ConflictWith { code, .. }
            | ApiError::Unprocessable { code, .. }
            | ApiError::Unavailable { code, .. } => code,
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::BadSignature => "bad_signature",
            ApiError::Forbidden => "forbidden",
            ApiError::SecondFactorRequired => "second_factor_required",
            ApiError::NeedToKnow(_) => "need_to_know",
            ApiError::NotFound(_) => "not_found",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::TooManyRequests => "too_many_requests",
            ApiError::Internal(_) => "internal",
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> ApiError {
        ApiError::field(e)
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> ApiError {
        if is_unavailable(&e) {
            ApiError::Unavailable {
                code: "database_unavailable",
                message: "the database is unavailable; nothing was saved, please retry".into(),
            }
        } else {
            ApiError::Internal(anyhow::Error::new(e))
        }
    }
}

/// Connection-level failures mean PostgreSQL is down or unreachable, not that we have a bug.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    matches!(
        e,
        sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
    ) || matches!(e, sqlx::Error::Database(db) if db.code().is_some_and(|c| c.starts_with("57P") || c.starts_with("08")))
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthenticated | ApiError::BadSignature => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::NeedToKnow(_) | ApiError::SecondFactorRequired => {
                StatusCode::FORBIDDEN
            }
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } | ApiError::ConflictWith { .. } => StatusCode::CONFLICT,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            // `{:#}` prints the context chain; contexts are written without personal data.
            tracing::error!(error = %format!("{cause:#}"), "request failed");
        }
        let mut body = json!({ "code": self.code(), "message": self.to_string() });
        if let ApiError::BadRequest {
            field: Some(field), ..
        } = self
        {
            body["field"] = json!(field);
        }
        if let (ApiError::ConflictWith { details, .. }, Some(object)) = (self, body.as_object_mut())
        {
            for (k, v) in details {
                object.insert(k.clone(), v.clone());
            }
        }
        let mut resp = HttpResponse::build(self.status_code());
        // The headers every answer carries, set here too: an error returned from a middleware
        // (the write deadline's 503) never passes through the headers middleware.
        resp.insert_header(("Cache-Control", "no-store"))
            .insert_header(("X-Content-Type-Options", "nosniff"))
            .insert_header(("Referrer-Policy", "no-referrer"));
        if matches!(self, ApiError::Unauthenticated) {
            resp.insert_header(("WWW-Authenticate", "Bearer"));
        }
        resp.json(json!({ "error": body }))
    }
}

impl From<crate::channels::Refusal> for ApiError {
    fn from(r: crate::channels::Refusal) -> ApiError {
        match r {
            crate::channels::Refusal::BadSignature => ApiError::BadSignature,
        }
    }
}
