//! `/r/{token}`: the page a partner reaches from the referral email, without an account. The
//! token is the credential (signed, expiring, revocable, bound to one referral and partner);
//! a link that does not work gets a plain page that changes nothing. Words follow the
//! browser's language.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::Value;

use crate::context::AppContext;
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::referrals::partner_page::{self, Acted, Linked, PartnerAction, Unusable};
use crate::referrals::status::{Outcome, ReferralStatus};
use crate::routes::console::page::render;

#[derive(Template)]
#[template(path = "partner_referral.html")]
struct PartnerPage {
    t: Tr,
    title: String,
    message: Option<String>,
    referral: Option<Shown>,
}

struct Shown {
    intro: String,
    status: String,
    expires: String,
    fields: Vec<(String, String)>,
    can_acknowledge: bool,
    can_accept: bool,
    can_decline: bool,
    can_report: bool,
    outcomes: Vec<(&'static str, String)>,
    action_url: String,
}

/// A packet value as one line of text.
fn text_of(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.is_empty() => "—".into(),
        Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", text_of(v)))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

fn shown(t: &Tr, token: &str, l: &Linked) -> Shown {
    let fields = l
        .packet
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        t.get_or(&format!("packet-{}", k.replace('_', "-")), k),
                        text_of(v),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let s = l.status;
    Shown {
        intro: t.with("partner-intro", "name", l.partner_name.as_str()),
        status: t.get_or(&format!("referral-status-{s}"), s.as_str()),
        expires: t.with(
            "partner-expires",
            "date",
            l.expires_at.format("%Y-%m-%d").to_string(),
        ),
        fields,
        can_acknowledge: s == ReferralStatus::Requested,
        can_accept: matches!(s, ReferralStatus::Requested | ReferralStatus::Received),
        can_decline: matches!(s, ReferralStatus::Requested | ReferralStatus::Received),
        can_report: s == ReferralStatus::Accepted,
        outcomes: Outcome::ALL
            .iter()
            .map(|o| {
                (
                    o.as_str(),
                    t.get_or(
                        &format!("referral-outcome-{}", o.as_str().replace('_', "-")),
                        o.as_str(),
                    ),
                )
            })
            .collect(),
        action_url: format!("/r/{token}"),
    }
}

fn unusable_page(t: Tr, why: Unusable) -> HttpResponse {
    let (status, key) = match why {
        Unusable::Invalid => (StatusCode::NOT_FOUND, "partner-invalid"),
        Unusable::Expired => (StatusCode::GONE, "partner-expired"),
        Unusable::Revoked => (StatusCode::GONE, "partner-revoked"),
    };
    let page = PartnerPage {
        title: t.get("partner-unusable-title"),
        message: Some(t.get(key)),
        referral: None,
        t,
    };
    render(status, &page)
}

fn translator(req: &HttpRequest) -> Tr {
    crate::routes::console::page::translator(req, None)
}

async fn page_for(
    ctx: &AppContext,
    t: Tr,
    token: &str,
    message: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    match partner_page::view(&ctx.db, &ctx.keys, token, ctx.now()).await? {
        Ok(linked) => {
            let page = PartnerPage {
                title: t.with("partner-title", "reference", linked.reference.as_str()),
                message,
                referral: Some(shown(&t, token, &linked)),
                t,
            };
            Ok(render(status, &page))
        }
        Err(why) => Ok(unusable_page(t, why)),
    }
}

pub async fn show(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    page_for(&ctx, translator(&req), &token, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct PartnerForm {
    action: String,
    reason: Option<String>,
    outcome: Option<String>,
    note: Option<String>,
}

pub async fn act(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    token: web::Path<String>,
    form: web::Form<PartnerForm>,
) -> Result<HttpResponse, ApiError> {
    let t = translator(&req);
    let Ok(action) = PartnerAction::parse(
        &form.action,
        form.reason.as_deref(),
        form.outcome.as_deref(),
        form.note.as_deref(),
    ) else {
        let message = Some(t.get("partner-bad-input"));
        return page_for(&ctx, t, &token, message, StatusCode::BAD_REQUEST).await;
    };
    let (message, status) =
        match partner_page::act(&ctx.db, &ctx.keys, &token, action, ctx.now()).await? {
            Acted::Unusable(why) => return Ok(unusable_page(t, why)),
            Acted::Done(_) => {
                // Open console pages re-read themselves (the partner's step is news).
                ctx.live.announce(&ctx.redis, None);
                (t.get("partner-done"), StatusCode::OK)
            }
            Acted::AlreadyDone => (t.get("partner-already"), StatusCode::OK),
            Acted::NotPossible => (t.get("partner-not-possible"), StatusCode::CONFLICT),
        };
    page_for(&ctx, t, &token, Some(message), status).await
}

/// `/p/{token}`: a partner confirms or corrects its own directory entry.
#[derive(Template)]
#[template(path = "partner_entry.html")]
struct EntryPage {
    t: Tr,
    title: String,
    message: Option<String>,
    entry: Option<Vec<(String, String)>>,
    action_url: String,
}

fn entry_fields(t: &Tr, p: &crate::partners::Partner) -> Vec<(String, String)> {
    let hours = match &p.hours {
        crate::partners::Hours::AlwaysOpen(_) => t.get("partners-24h"),
        crate::partners::Hours::Weekly(w) => w
            .weekly
            .iter()
            .map(|h| format!("{} {}–{}", h.day, h.opens, h.closes))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let mut coverage = p.coverage.provinces.clone();
    if p.coverage.nationwide {
        coverage.push(t.get("partners-nationwide"));
    }
    coverage.extend(
        p.coverage
            .cross_border
            .iter()
            .map(|c| format!("{} → {}", c.origin, c.destination)),
    );
    vec![
        (t.get("partners-name"), p.name.clone()),
        (
            t.get("partners-coverage"),
            format!("{}: {}", p.country, coverage.join(", ")),
        ),
        (t.get("partners-languages"), p.languages.join(", ")),
        (t.get("partners-hours"), hours),
        (
            t.get("partners-contact"),
            [p.referral_email.clone(), p.phone.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · "),
        ),
    ]
}

async fn entry_page(
    ctx: &AppContext,
    t: Tr,
    token: &str,
    message: Option<String>,
) -> Result<HttpResponse, ApiError> {
    match crate::referrals::partner_entry::open(ctx, token).await? {
        Ok(p) => {
            let page = EntryPage {
                title: t.get("entry-title"),
                message,
                entry: Some(entry_fields(&t, &p)),
                action_url: format!("/p/{token}"),
                t,
            };
            Ok(render(StatusCode::OK, &page))
        }
        Err(why) => Ok(unusable_page(t, why)),
    }
}

pub async fn show_entry(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    entry_page(&ctx, translator(&req), &token, None).await
}

#[derive(Deserialize)]
pub struct EntryForm {
    action: String,
    correction: Option<String>,
}

pub async fn answer_entry(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    token: web::Path<String>,
    form: web::Form<EntryForm>,
) -> Result<HttpResponse, ApiError> {
    let t = translator(&req);
    let correction = match form.action.as_str() {
        "confirm" => None,
        "correct" => match crate::domain::report::FreeText::parse(
            "correction",
            form.correction.as_deref().unwrap_or(""),
            4000,
        ) {
            Ok(Some(text)) => Some(text.as_str().to_owned()),
            _ => {
                let message = Some(t.get("partner-bad-input"));
                return entry_page(&ctx, t, &token, message).await;
            }
        },
        _ => {
            let message = Some(t.get("partner-bad-input"));
            return entry_page(&ctx, t, &token, message).await;
        }
    };
    match crate::referrals::partner_entry::answer(&ctx, &token, correction).await? {
        Ok(()) => {
            let page = EntryPage {
                title: t.get("entry-title"),
                message: Some(t.get("entry-thanks")),
                entry: None,
                action_url: String::new(),
                t,
            };
            Ok(render(StatusCode::OK, &page))
        }
        Err(why) => Ok(unusable_page(t, why)),
    }
}
