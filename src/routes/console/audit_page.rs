//! The audit log for supervisors and admins: who did what to which case, when and why, searched
//! by case reference, person, action and dates. Read-only: nobody edits history, here or
//! anywhere (see `crate::audit`).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, TimeZone as _};
use uuid::Uuid;

use super::page::{Chrome, notice, render};
use super::{database_unavailable, signed_in};
use crate::audit::search::{AuditFilter, search};
use crate::console::clock_text::local_time;
use crate::context::AppContext;
use crate::i18n::Tr;

/// One entry as the page shows it.
struct Line {
    at: String,
    who: String,
    action: String,
    action_code: String,
    case_id: String,
    reference: String,
    purpose: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    t: Tr,
    chrome: Chrome,
    case: String,
    actor: String,
    action: String,
    from: String,
    to: String,
    problem: String,
    lines: Vec<Line>,
    /// The actions the filter offers: (code, words).
    actions: Vec<(String, String)>,
}

pub async fn page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    params: web::Query<HashMap<String, String>>,
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
            "audit-title",
            "audit-supervisors-only",
        );
    }
    let field = |name: &str| {
        params
            .get(name)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let (case, actor, action, from, to) = (
        field("case"),
        field("actor"),
        field("action"),
        field("from"),
        field("to"),
    );
    let zone = ctx.settings.time_zone();

    // The form speaks the counselor's terms (a reference, local dates); the search takes ids
    // and instants. A problem is named on the page and nothing is searched.
    let mut problem = String::new();
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if !case.is_empty() {
        match find_case(&ctx, &case).await {
            Ok(Some(id)) => pairs.push(("case_id", id.to_string())),
            Ok(None) => problem = t.get("audit-no-such-case"),
            Err(()) => return database_unavailable(t, &who),
        }
    }
    if !actor.is_empty() {
        pairs.push(("actor", actor.clone()));
    }
    if !action.is_empty() {
        pairs.push(("action", action.clone()));
    }
    for (name, raw, days) in [("from", &from, 0), ("to", &to, 1)] {
        if raw.is_empty() {
            continue;
        }
        let start = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .and_then(|d| {
                let day = d.checked_add_days(chrono::Days::new(days))?;
                zone.from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
                    .earliest()
            });
        match start {
            Some(at) => pairs.push((name, at.to_rfc3339())),
            None => problem = t.get("audit-bad-date"),
        }
    }
    pairs.push(("limit", "300".into()));
    let lines = if problem.is_empty() {
        match AuditFilter::parse(pairs.iter().map(|(k, v)| (*k, v.as_str()))) {
            Ok(filter) => match lines_for(&ctx, &t, &filter, zone).await {
                Ok(lines) => lines,
                Err(()) => return database_unavailable(t, &who),
            },
            Err(e) => {
                problem = t.with("audit-bad-filter", "field", e.field.clone());
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    let page = AuditPage {
        chrome: Chrome::new(&t, "audit", t.get("audit-title"), Some(&who)),
        case,
        actor,
        action,
        from,
        to,
        problem,
        lines,
        actions: crate::i18n::AUDIT_ACTIONS
            .iter()
            .map(|a| {
                let words = t.get_or(&format!("history-{}", a.replace(['.', '_'], "-")), a);
                ((*a).to_owned(), words)
            })
            .collect(),
        t,
    };
    render(StatusCode::OK, &page)
}

/// A case by its reference (as counselors say it) or its id.
async fn find_case(ctx: &AppContext, raw: &str) -> Result<Option<Uuid>, ()> {
    if let Ok(id) = raw.parse::<Uuid>() {
        return Ok(Some(id));
    }
    let row: Option<(Uuid,)> =
        sqlx::query_as("SELECT id FROM cases WHERE upper(reference) = upper($1)")
            .bind(raw)
            .fetch_optional(&ctx.db)
            .await
            .map_err(|_| ())?;
    Ok(row.map(|(id,)| id))
}

async fn lines_for(
    ctx: &AppContext,
    t: &Tr,
    filter: &AuditFilter,
    zone: chrono_tz::Tz,
) -> Result<Vec<Line>, ()> {
    let items = search(&ctx.db, filter).await.map_err(|_| ())?;
    let case_ids: Vec<Uuid> = items.iter().filter_map(|i| i.case_id).collect();
    let references: HashMap<Uuid, String> =
        sqlx::query_as::<_, (Uuid, String)>("SELECT id, reference FROM cases WHERE id = ANY($1)")
            .bind(&case_ids)
            .fetch_all(&ctx.db)
            .await
            .map_err(|_| ())?
            .into_iter()
            .collect();
    Ok(items
        .into_iter()
        .map(|i| Line {
            at: local_time(i.at, zone),
            who: i.actor.unwrap_or_else(|| t.get("audit-system")),
            action: t.get_or(
                &format!("history-{}", i.action.replace(['.', '_'], "-")),
                &i.action,
            ),
            action_code: i.action.clone(),
            case_id: i.case_id.map(|c| c.to_string()).unwrap_or_default(),
            reference: i
                .case_id
                .and_then(|c| references.get(&c).cloned())
                .unwrap_or_default(),
            // A sign-in with an address no account has: named only by its pseudonym.
            purpose: match i.details.get("email").and_then(|e| e.as_str()) {
                Some(pseudonym) if i.action == "auth.sign_in_failed" => {
                    t.with("audit-unknown-address", "pseudonym", pseudonym.to_owned())
                }
                _ => i.purpose.unwrap_or_default(),
            },
        })
        .collect())
}
