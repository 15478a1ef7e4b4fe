//! Staff requests (the console and the staff API, the phone form included) use a pool of their
//! own, `database.staff_connections`, so a flood of webhooks and the background jobs, which use
//! the main pool, can never take every connection a counselor's claim needs. The handlers do
//! not know: this middleware, outermost, puts the staff copy of the app context in front of
//! the main one for those requests (actix looks the context up in the newest container first).

use std::rc::Rc;

use actix_web::body::MessageBody;
use actix_web::dev::{Extensions, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;

use crate::context::AppContext;

/// The staff context, ready to put in front of a request's app data (one per HTTP worker);
/// None when staff share the main pool (`database.staff_connections` 0).
#[derive(Clone)]
pub struct StaffContext(Option<Rc<Extensions>>);

impl StaffContext {
    pub fn new(staff: Option<web::Data<AppContext>>) -> StaffContext {
        StaffContext(staff.map(|staff| {
            let mut data = Extensions::new();
            data.insert(staff);
            Rc::new(data)
        }))
    }
}

/// Whether a request is staff's: the console, and the API except the telephony webhooks.
pub fn is_staff(path: &str) -> bool {
    (path.starts_with("/console") || path.starts_with("/api/v1/"))
        && !super::webhooks::is_webhook(path)
}

/// Middleware (the outermost): staff requests see the staff context.
pub async fn choose_pool(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if is_staff(req.path())
        && let Some(StaffContext(Some(data))) = req.app_data::<StaffContext>().cloned()
    {
        req.add_data_container(data);
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::is_staff;

    #[test]
    fn the_console_and_the_staff_api_are_staff_and_webhooks_and_partner_pages_are_not() {
        for path in ["/console/queue", "/api/v1/queue/claim", "/api/v1/reports"] {
            assert!(is_staff(path), "{path}");
        }
        for path in [
            "/webhooks/telegram",
            "/webhooks/line",
            "/api/v1/telephony/call-events",
            "/api/v1/telephony/twilio/status",
            "/r/some-token",
            "/p/some-token",
            "/health/live",
            "/api/openapi.json",
        ] {
            assert!(!is_staff(path), "{path}");
        }
    }
}
