//! /api/v1/stats and /api/v1/dashboard: what supervisors read. HTTP only: parse the query,
//! call `crate::supervisor`, shape the answer.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::context::AppContext;
use crate::domain::FieldError;
use crate::domain::Level;
use crate::error::ApiError;
use crate::supervisor::{
    ActionClockTargets, ActionStep, GroupBy, Period, action_times, response_times,
};

/// Refuses query keys the route does not know, naming the first (a typo must not silently
/// give a different report).
pub(crate) fn only_keys(query: &HashMap<String, String>, known: &[&str]) -> Result<(), FieldError> {
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

/// GET /api/v1/stats/response-times?from&to&group_by=channel|urgency|hour&clock=answer|action
/// &step=requested|acknowledged (the step only with `clock=action`).
pub async fn response_times_report(
    ctx: web::Data<AppContext>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    only_keys(&query, &["from", "to", "group_by", "clock", "step"])?;
    let period = period(&ctx, &query)?;
    let group_by = GroupBy::parse(query.get("group_by").map(String::as_str))?;
    let clock = query.get("clock").map_or("answer", |c| c.trim());
    let common = json!({
        "from": crate::domain::time::format(&period.from),
        "to": crate::domain::time::format(&period.to),
        "group_by": group_by.as_str(),
    });
    match clock {
        "answer" => {
            if query.contains_key("step") {
                return Err(FieldError::new("step", "applies to clock=action only").into());
            }
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
            let mut body = common;
            body["clock"] = json!("answer");
            body["targets"] =
                json!({ "critical": t.critical, "high": t.high, "medium": t.medium, "low": t.low });
            body["groups"] = json!(groups);
            Ok(HttpResponse::Ok().json(body))
        }
        "action" => {
            let step = ActionStep::parse(query.get("step").map(String::as_str))?;
            let targets = ActionClockTargets {
                action: &ctx.settings.targets.action_seconds,
                acknowledgement: &ctx.settings.referrals.ack_target_seconds,
            };
            let groups = action_times(
                &ctx.db,
                targets,
                ctx.settings.time_zone(),
                period,
                group_by,
                step,
                ctx.now(),
            )
            .await?;
            let mut body = common;
            body["clock"] = json!("action");
            body["step"] = json!(step.as_str());
            body["targets"] = json!({
                "critical": targets.for_step(Level::Critical, step),
                "high": targets.for_step(Level::High, step),
            });
            body["groups"] = json!(groups);
            Ok(HttpResponse::Ok().json(body))
        }
        _ => Err(FieldError::new("clock", "must be answer or action").into()),
    }
}

/// GET /api/v1/dashboard: the live dashboard's figures.
pub async fn dashboard(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    let figures = crate::supervisor::dashboard(
        &ctx.db,
        &ctx.settings.queue.answer_target_seconds,
        ctx.settings.time_zone(),
        ctx.settings.callbacks.overdue_after_seconds,
        crate::supervisor::ActionClockTargets {
            action: &ctx.settings.targets.action_seconds,
            acknowledgement: &ctx.settings.referrals.ack_target_seconds,
        },
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

/// GET /api/v1/stats/export?from&to&by=...&format=csv|json
pub async fn export(
    ctx: web::Data<AppContext>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    use crate::supervisor::export::{Format, Names, export, named, parse_by, to_csv, to_json};
    only_keys(&query, &["from", "to", "by", "format", "names"])?;
    let period = period(&ctx, &query)?;
    let specs = parse_by(query.get("by").map(String::as_str))?;
    let format = Format::parse(query.get("format").map(String::as_str))?;
    let names = Names::parse(query.get("names").map(String::as_str))?;
    let below = ctx.settings.stats.suppress_below;
    let tables = named(
        export(&ctx.db, &ctx.keys, period, &specs, below).await?,
        names,
    );
    Ok(match format {
        Format::Json => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(to_json(period, &tables, below)),
        Format::Csv => {
            let zone = ctx.settings.time_zone();
            let name = format!(
                "hotline-statistics-{}-{}.csv",
                period.from.with_timezone(&zone).format("%Y%m%d"),
                period.to.with_timezone(&zone).format("%Y%m%d")
            );
            HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header(("Cache-Control", "no-store"))
                .insert_header((
                    "Content-Disposition",
                    format!("attachment; filename=\"{name}\""),
                ))
                .body(to_csv(period, &tables, below))
        }
    })
}

/// GET /api/v1/stats/activity?from&to: every staff member's activity for supervisors, a
/// counselor's own for a counselor.
pub async fn activity(
    ctx: web::Data<AppContext>,
    who: crate::auth::Identity,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    only_keys(&query, &["from", "to"])?;
    let period = period(&ctx, &query)?;
    let only = (!who.is_supervisor()).then_some(who.user.id);
    let rows = crate::supervisor::activity::activity(&ctx.db, period, only).await?;
    Ok(HttpResponse::Ok().json(json!({
        "from": crate::domain::time::format(&period.from),
        "to": crate::domain::time::format(&period.to),
        "counselors": rows,
    })))
}
