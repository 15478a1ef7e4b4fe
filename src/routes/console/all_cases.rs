//! The supervisor's page: every case, filtered by status and level, with who holds it.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::page::{Chrome, notice, render};
use super::{database_unavailable, signed_in};
use crate::cases::{CaseFilter, list_cases};
use crate::console::clock_text::local_time;
use crate::context::AppContext;
use crate::domain::{CaseStatus, Level};
use crate::i18n::{Tr, language_name};

struct Row {
    id: String,
    reference: String,
    level_code: String,
    level_label: String,
    flags: Vec<String>,
    status: String,
    language: String,
    channel: String,
    opened: String,
    holder: Option<String>,
}

#[derive(Template)]
#[template(path = "all_cases.html")]
struct AllCasesPage {
    t: Tr,
    chrome: Chrome,
    /// (code, label, chosen)
    statuses: Vec<(&'static str, String, bool)>,
    levels: Vec<(&'static str, String, bool)>,
    rows: Vec<Row>,
}

pub async fn page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let (who, t) = match signed_in(&ctx, &req).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    if !who.is_supervisor() {
        return notice(
            StatusCode::FORBIDDEN,
            t,
            Some(&who),
            "all-cases-title",
            "supervisors-only",
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
        return database_unavailable(t, &who);
    };
    let zone = ctx.settings.time_zone();
    let rows = items
        .into_iter()
        .map(|i| Row {
            id: i.id.to_string(),
            reference: i.reference,
            level_label: t.level(&i.urgency_level),
            level_code: i.urgency_level,
            flags: i.urgency_flags.iter().map(|f| t.flag(f)).collect(),
            status: t.status(&i.status),
            language: i
                .language
                .as_deref()
                .map_or_else(|| "—".to_owned(), |l| language_name(l).into_owned()),
            channel: t.channel(&i.channel),
            opened: local_time(i.created_at, zone),
            holder: i.holder_email,
        })
        .collect();
    let page = AllCasesPage {
        chrome: Chrome::new(&t, "all-cases", t.get("all-cases-title"), Some(&who)),
        statuses: ["new", "in_progress", "waiting", "referred", "closed"]
            .into_iter()
            .map(|s| (s, t.status(s), pick("status") == Some(s)))
            .collect(),
        levels: ["critical", "high", "medium", "low"]
            .into_iter()
            .map(|l| (l, t.level(l), pick("level") == Some(l)))
            .collect(),
        rows,
        t,
    };
    render(StatusCode::OK, &page)
}
