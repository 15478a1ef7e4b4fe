//! Roles come from the route table: every API route is wrapped in this guard, which identifies
//! the caller (bearer token, or console session with CSRF) and checks the route's least role
//! before the handler runs. A handler cannot forget it, and a new route cannot be added without
//! naming its role (`ApiRoute::role` has no default).

use actix_web::HttpMessage;
use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use crate::auth::Role;
use crate::auth::identity::identify;
use crate::context::AppContext;
use crate::error::ApiError;

/// Lets the request through when the caller's role includes `role`; the caller's `Identity` is
/// then in the request's extensions for the handler's extractor.
pub async fn require_role(
    role: Role,
    req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let ctx = req
        .app_data::<web::Data<AppContext>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("AppContext missing from app data")))?;
    let who = identify(&ctx, req.request()).await?;
    if !who.user.role.includes(role) {
        return Err(ApiError::Forbidden.into());
    }
    req.extensions_mut().insert(who);
    next.call(req).await
}
