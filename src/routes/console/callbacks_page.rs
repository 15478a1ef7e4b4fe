//! "My callbacks": the callbacks a counselor owns that are still to make, soonest first, the
//! overdue ones marked.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::page::{Chrome, render};
use super::{database_unavailable, signed_in};
use crate::callbacks::{CallbackFilter, list};
use crate::console::clock_text::local_time;
use crate::context::AppContext;
use crate::i18n::Tr;

struct Line {
    case_id: String,
    reference: String,
    level_code: String,
    level: String,
    due: String,
    channel: String,
    status: String,
    overdue: bool,
    reason: Option<String>,
}

#[derive(Template)]
#[template(path = "callbacks.html")]
struct CallbacksPage {
    t: Tr,
    chrome: Chrome,
    items: Vec<Line>,
}

pub async fn page(ctx: web::Data<AppContext>, req: HttpRequest) -> HttpResponse {
    let (who, t) = match signed_in(&ctx, &req).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    let filter = CallbackFilter {
        owner: Some(who.user.id),
        ..CallbackFilter::default()
    };
    let now = ctx.now();
    let overdue_after = ctx.settings.callbacks.overdue_after_seconds;
    let Ok(found) = list(&ctx.db, &ctx.keys, &filter, overdue_after, now).await else {
        return database_unavailable(t, &who);
    };
    let zone = ctx.settings.time_zone();
    let items = found
        .into_iter()
        .filter(|c| matches!(c.status.as_str(), "scheduled" | "candidate" | "escalated"))
        .map(|c| Line {
            case_id: c.case_id.to_string(),
            reference: c.case_reference,
            level: t.level(&c.level),
            level_code: c.level,
            due: local_time(c.due_from, zone),
            channel: t.channel(&c.channel),
            status: t.callback_status(&c.status),
            overdue: c.overdue,
            reason: c.reason,
        })
        .collect();
    let page = CallbacksPage {
        chrome: Chrome::new(&t, "callbacks", t.get("my-callbacks-title"), Some(&who)),
        items,
        t,
    };
    render(StatusCode::OK, &page)
}
