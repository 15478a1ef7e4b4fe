//! Liveness, readiness and metrics.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::context::AppContext;

pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// Ready when PostgreSQL answers. Redis is reported but not required: without it only console
/// sessions and rate limits are lost, so the node still takes reports.
pub async fn ready(ctx: web::Data<AppContext>) -> HttpResponse {
    let postgres = sqlx::query("SELECT 1").execute(&ctx.db).await.is_ok();
    let redis = ctx.redis.ping().await.is_ok();
    let body = json!({
        "status": if postgres { "ok" } else { "unavailable" },
        "postgres": if postgres { "ok" } else { "unavailable" },
        "redis": if redis { "ok" } else { "degraded" },
    });
    if postgres {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

pub async fn metrics(ctx: web::Data<AppContext>) -> HttpResponse {
    let mut body = crate::metrics::render();
    // Queue depth is read from PostgreSQL at scrape time, so every node reports the shared truth.
    if let Ok(depth) = crate::queue::depth_by_level(&ctx.db, ctx.now()).await {
        body.push_str(&crate::metrics::queue_depth(&depth));
    }
    let targets = &ctx.settings.queue.answer_target_seconds;
    if let Ok(breaching) =
        crate::supervisor::breaches::breaching_now(&ctx.db, targets, ctx.now()).await
    {
        body.push_str(&crate::metrics::breaching_now(&breaching));
    }
    if let Ok(backlog) = crate::channels::inbox::backlog(&ctx.db).await {
        body.push_str(&crate::metrics::inbox_waiting(backlog.waiting));
    }
    let overdue_after = ctx.settings.callbacks.overdue_after_seconds;
    if let Ok(n) = crate::callbacks::overdue_count(&ctx.db, overdue_after, ctx.now()).await {
        body.push_str(&crate::metrics::callbacks_overdue(n));
    }
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(body)
}
