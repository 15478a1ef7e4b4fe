//! The supervisor's page: every case, filtered by status and level, with who holds it.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::html::{escape, page_response};
use super::signed_in;
use crate::cases::{CaseFilter, list_cases};
use crate::context::AppContext;
use crate::domain::{CaseStatus, Level};

pub async fn page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let who = match signed_in(&ctx, &req).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    if !who.is_supervisor() {
        return page_response(
            StatusCode::FORBIDDEN,
            "All cases",
            Some(&who),
            "<p>Only supervisors see all cases.</p>",
        );
    }
    let pick = |key: &str| query.get(key).map(String::as_str).filter(|v| !v.is_empty());
    let filter = CaseFilter {
        status: pick("status").and_then(|s| CaseStatus::parse("status", s).ok()),
        level: pick("level").and_then(|l| Level::parse("level", l).ok()),
        limit: 200,
        ..CaseFilter::default()
    };
    let Ok(items) = list_cases(&ctx.db, &ctx.settings.queue, &filter, ctx.now()).await else {
        return page_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "All cases",
            Some(&who),
            "<p class=\"error\">The database is unavailable.</p>",
        );
    };
    let options = |all: &[&str], chosen: Option<&str>| -> String {
        all.iter()
            .map(|v| {
                format!(
                    "<option{}>{v}</option>",
                    if Some(*v) == chosen { " selected" } else { "" }
                )
            })
            .collect()
    };
    let tz = ctx.settings.time_zone();
    let rows: String = items
        .iter()
        .map(|i| {
            format!(
                "<tr data-case-id=\"{id}\"><td><a href=\"/console/cases/{id}\">{reference}</a></td><td class=\"{level}\">{level}</td>\
                 <td>{flags}</td><td>{status}</td><td>{channel}</td><td>{created}</td><td>{holder}</td></tr>",
                id = i.id,
                reference = escape(&i.reference),
                level = escape(&i.urgency_level),
                flags = escape(&i.urgency_flags.join(", ")),
                status = escape(&i.status),
                channel = escape(&i.channel),
                created = i.created_at.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
                holder = escape(i.holder_email.as_deref().unwrap_or("—")),
            )
        })
        .collect();
    let body = format!(
        "<form method=\"get\">status <select name=\"status\"><option value=\"\">any</option>{statuses}</select> \
         level <select name=\"level\"><option value=\"\">any</option>{levels}</select> <button>Filter</button></form>\
         <table id=\"all-cases\"><thead><tr><th>Case</th><th>Level</th><th>Indicators</th><th>Status</th><th>Channel</th>\
         <th>Opened</th><th>Held by</th></tr></thead><tbody>{rows}</tbody></table>",
        statuses = options(
            &["new", "in_progress", "waiting", "referred", "closed"],
            pick("status")
        ),
        levels = options(&["critical", "high", "medium", "low"], pick("level")),
    );
    page_response(StatusCode::OK, "All cases", Some(&who), &body)
}
