//! Search by reference or call-back number (audited; see `console::search`).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::page::{Chrome, render};
use super::{database_unavailable, signed_in};
use crate::console::clock_text::local_time;
use crate::console::search::{Query, read_query, search};
use crate::context::AppContext;
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    t: Tr,
    chrome: Chrome,
    query: String,
    searched: bool,
    /// (id, reference, level code, level label, status, opened)
    results: Vec<(String, String, String, String, String, String)>,
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
    let raw = params.get("q").cloned().unwrap_or_default();
    let query = read_query(&raw);
    let Ok(found) = search(
        &ctx.db,
        &ctx.keys,
        &ctx.settings.conversation.home_country,
        who.user.id,
        &query,
        ctx.now(),
    )
    .await
    else {
        return database_unavailable(t, &who);
    };
    // One exact reference: go straight to the case.
    if let (Query::Reference(_), [only]) = (&query, found.as_slice()) {
        return crate::routes::see_other(&format!("/console/cases/{}", only.id));
    }
    let zone = ctx.settings.time_zone();
    let page = SearchPage {
        chrome: Chrome::new(&t, "search", t.get("search-title"), Some(&who)),
        searched: query != Query::Nothing,
        query: raw,
        results: found
            .into_iter()
            .map(|f| {
                (
                    f.id.to_string(),
                    f.reference,
                    f.urgency_level.clone(),
                    t.level(&f.urgency_level),
                    t.status(&f.status),
                    local_time(f.created_at, zone),
                )
            })
            .collect(),
        t,
    };
    render(StatusCode::OK, &page)
}
