//! Announcing changes: a middleware that, after any successful state-changing API or webhook
//! request (the handler has committed by then), tells every node which case changed. New
//! routes (callbacks, referrals) are live without remembering to announce.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;

use crate::context::AppContext;
use crate::domain::CaseId;

pub async fn announce_changes(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let path = req.path().to_owned();
    let res = next.call(req).await?;
    let changes_cases = path.starts_with("/api/v1/") || path.starts_with("/webhooks/");
    if writes
        && changes_cases
        && res.status().is_success()
        && !path.ends_with("/matches")
        && let Some(ctx) = res.request().app_data::<web::Data<AppContext>>()
    {
        ctx.live.announce(&ctx.redis, case_in_path(&path));
    }
    Ok(res)
}

/// The case a path names (`/api/v1/cases/{id}/...`), if any.
fn case_in_path(path: &str) -> Option<CaseId> {
    let rest = path.strip_prefix("/api/v1/cases/")?;
    let id = rest.split('/').next()?;
    id.parse::<uuid::Uuid>().ok().map(CaseId)
}

#[cfg(test)]
mod tests {
    use super::case_in_path;

    #[test]
    fn a_case_path_names_its_case_and_other_paths_name_none() {
        let id = "6f1c2e4a-3b5d-4c7e-9f10-2a3b4c5d6e7f";
        assert_eq!(
            case_in_path(&format!("/api/v1/cases/{id}/notes")).map(|c| c.0.to_string()),
            Some(id.to_owned())
        );
        assert!(case_in_path("/api/v1/reports").is_none());
        assert!(case_in_path("/api/v1/cases/not-an-id/notes").is_none());
    }
}
