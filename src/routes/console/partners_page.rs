//! The partner directory page (issue 14): every active entry with what it covers, its
//! languages, hours and contacts, stale entries flagged; a shelter's address for supervisors.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::page::{Chrome, render};
use super::referrals_card::type_label;
use super::{database_unavailable, signed_in};
use crate::console::clock_text::local_time;
use crate::context::AppContext;
use crate::i18n::Tr;
use crate::partners::{Hours, View, store};

struct Row {
    name: String,
    kind: String,
    country: String,
    coverage: String,
    languages: String,
    hours: String,
    contact: String,
    verified: String,
    stale: bool,
    address: Option<String>,
}

#[derive(Template)]
#[template(path = "partners.html")]
struct PartnersPage {
    t: Tr,
    chrome: Chrome,
    rows: Vec<Row>,
    show_address: bool,
}

pub async fn page(ctx: web::Data<AppContext>, req: HttpRequest) -> HttpResponse {
    let (who, t) = match signed_in(&ctx, &req).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    let zone = ctx.settings.time_zone();
    let view = View {
        reveal_address: who.is_supervisor(),
        stale_after_days: ctx.settings.referrals.stale_after_days,
        now: ctx.now(),
    };
    let Ok(partners) = store::list(&ctx.db, &ctx.keys, view, true).await else {
        return database_unavailable(t, &who);
    };
    let rows = partners
        .into_iter()
        .map(|p| {
            let mut coverage: Vec<String> = p.coverage.provinces.clone();
            if p.coverage.nationwide {
                coverage.push(t.get("partners-nationwide"));
            }
            coverage.extend(
                p.coverage
                    .cross_border
                    .iter()
                    .map(|c| format!("{} → {}", c.origin, c.destination)),
            );
            Row {
                kind: type_label(&t, p.partner_type.as_str()),
                country: t.country(&p.country),
                coverage: coverage.join(", "),
                languages: p.languages.join(", "),
                hours: match &p.hours {
                    Hours::AlwaysOpen(_) => t.get("partners-24h"),
                    Hours::Weekly(w) => w
                        .weekly
                        .iter()
                        .map(|h| format!("{} {}–{}", h.day, h.opens, h.closes))
                        .collect::<Vec<_>>()
                        .join(", "),
                },
                contact: [p.referral_email.clone(), p.phone.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · "),
                verified: p
                    .verified_at
                    .map(|at| local_time(at, zone))
                    .unwrap_or_default(),
                stale: p.stale,
                address: p.street_address,
                name: p.name,
            }
        })
        .collect();
    let page = PartnersPage {
        chrome: Chrome::new(&t, "partners", t.get("partners-title"), Some(&who)),
        rows,
        show_address: who.is_supervisor(),
        t,
    };
    render(StatusCode::OK, &page)
}
