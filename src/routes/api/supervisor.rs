//! /api/v1/stats and /api/v1/dashboard: what supervisors read. HTTP only: parse the query,
//! call `crate::supervisor`, shape the answer.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::context::AppContext;
use crate::domain::FieldError;
use crate::error::ApiError;
use crate::supervisor::{GroupBy, Period, response_times};

/// Refuses query keys the route does not know, naming the first (a typo must not silently
/// give a different report).
pub(crate) fn only_keys(
    query: &HashMap<String, String>,
    known: &[&str],
) -> Result<(), FieldError> {
    match query.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(FieldError::new(k.as_str(), "is not a known parameter")),
        None => Ok(()),
    }
}

/// The period of a report query (`from`, `to`).
pub(crate) fn period(
    ctx: &AppContext,
    query: &HashMap<String, String>,
) -> Result<Period, FieldError> {
    Period::parse(
        query.get("from").map(String::as_str),
        query.get("to").map(String::as_str),
        ctx.settings.time_zone(),
        ctx.now(),
    )
}

/// GET /api/v1/stats/response-times?from&to&group_by=channel|urgency|hour
pub async fn response_times_report(
    ctx: web::Data<AppContext>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    only_keys(&query, &["from", "to", "group_by"])?;
    let period = period(&ctx, &query)?;
    let group_by = GroupBy::parse(query.get("group_by").map(String::as_str))?;
    let groups = response_times(
        &ctx.db,
        &ctx.settings.queue.answer_target_seconds,
        ctx.settings.time_zone(),
        period,
        group_by,
        ctx.now(),
    )
    .await?;
    let t = &ctx.settings.queue.answer_target_seconds;
    Ok(HttpResponse::Ok().json(json!({
        "from": crate::domain::time::format(&period.from),
        "to": crate::domain::time::format(&period.to),
        "group_by": group_by.as_str(),
        "targets": { "critical": t.critical, "high": t.high, "medium": t.medium, "low": t.low },
        "groups": groups,
    })))
}

/// GET /api/v1/dashboard: the live dashboard's figures.
pub async fn dashboard(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    let figures = crate::supervisor::dashboard(
        &ctx.db,
        &ctx.settings.queue.answer_target_seconds,
        ctx.settings.time_zone(),
        ctx.now(),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(figures))
}

/// GET /api/v1/dashboard/events: a server-sent event whenever any node commits a change to a
/// case (Redis pub/sub, the queue's feed); the dashboard re-reads its figures on each. Events
/// carry ids only. Without Redis the stream still opens (and says `ready`); pages then re-read
/// on a timer.
pub async fn dashboard_events(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    let stream = ctx.live.subscribe(&ctx.redis).await;
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream))
}
