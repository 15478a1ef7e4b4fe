//! The queue page: the cases I hold (with unread messages), "claim next", and every open case
//! in the order claim-next offers them to me.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::page::{Chrome, render};
use super::{database_unavailable, signed_in};
use crate::console::clock_text::{local_time, waiting};
use crate::context::AppContext;
use crate::i18n::{Tr, language_name};
use crate::queue::{answer_due, held_by, list_open};

struct Row {
    id: String,
    reference: String,
    level_code: &'static str,
    level_label: String,
    raised_from: Option<String>,
    flags: Vec<String>,
    language: String,
    speaks: bool,
    channel: String,
    status: String,
    waiting: String,
    overdue: bool,
    holder: Option<String>,
    /// "Rescue: <event name>" when the case belongs to a mass rescue event.
    rescue_event: Option<String>,
}

struct Mine {
    id: String,
    reference: String,
    level_code: String,
    level_label: String,
    language: String,
    unread: i64,
    lease_text: String,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    t: Tr,
    chrome: Chrome,
    mine: Vec<Mine>,
    rows: Vec<Row>,
    /// The languages claim-next prefers for me, by name.
    speaks: String,
    /// "2 critical cases waiting past the answer target", when any is (every counselor sees it).
    critical_breach: Option<String>,
    /// "Surge mode is on since …": the bot asks only the essentials (issue 18).
    surge: Option<String>,
}

pub async fn page(ctx: web::Data<AppContext>, req: HttpRequest) -> HttpResponse {
    let (who, t) = match signed_in(&ctx, &req).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    let now = ctx.now();
    let queue = &ctx.settings.queue;
    let languages = &who.user.languages;
    let Ok((items, mine, breaching, surge)) = tokio::try_join!(
        list_open(&ctx.db, queue, languages, now, 500),
        held_by(&ctx.db, who.user.id, now),
        crate::supervisor::breaches::breaching_now(&ctx.db, &queue.answer_target_seconds, now),
        crate::surge::current(&ctx.db)
    ) else {
        return database_unavailable(t, &who);
    };
    let zone = ctx.settings.time_zone();
    let rows = items
        .into_iter()
        .map(|i| {
            let level = i.level();
            let effective = i.effective_level();
            let wait = waiting(
                i.waiting_since,
                answer_due(queue, level, i.waiting_since),
                now,
            );
            let primary = i.language.as_deref().and_then(|l| l.split('-').next());
            Row {
                id: i.id.to_string(),
                level_code: effective.as_str(),
                level_label: t.level(effective.as_str()),
                raised_from: (effective != level).then(|| t.level(level.as_str())),
                flags: i.urgency_flags.iter().map(|f| t.flag(f)).collect(),
                language: i
                    .language
                    .as_deref()
                    .map_or_else(|| "—".to_owned(), |l| language_name(l).into_owned()),
                speaks: primary.is_some_and(|p| languages.iter().any(|l| l == p)),
                channel: t.channel(&i.channel),
                status: t.status(&i.status),
                waiting: match wait.overdue_minutes {
                    Some(over) => t.with2(
                        "waiting-overdue",
                        ("minutes", wait.minutes.into()),
                        ("over", over.into()),
                    ),
                    None => t.with("waiting-minutes", "minutes", wait.minutes),
                },
                overdue: wait.overdue_minutes.is_some(),
                holder: i.holder_email,
                rescue_event: i
                    .rescue_event_name
                    .as_deref()
                    .map(|name| t.with("rescue-event-badge", "name", name)),
                reference: i.reference,
            }
        })
        .collect();
    let mine = mine
        .into_iter()
        .map(|m| Mine {
            id: m.id.to_string(),
            level_label: t.level(&m.urgency_level),
            level_code: m.urgency_level,
            language: m
                .language
                .as_deref()
                .map_or_else(String::new, |l| language_name(l).into_owned()),
            unread: m.unread,
            lease_text: t.with("held-until", "time", local_time(m.lease_expires_at, zone)),
            reference: m.reference,
        })
        .collect();
    let speaks = languages
        .iter()
        .map(|l| language_name(l).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    let critical_breach = breaching
        .iter()
        .find(|(level, n)| level == "critical" && *n > 0)
        .map(|(_, n)| {
            t.with2(
                "queue-critical-breach",
                ("count", (*n).into()),
                (
                    "minutes",
                    (queue.answer_target_seconds.critical / 60).max(1).into(),
                ),
            )
        });
    let surge = surge_line(&t, &surge, zone);
    let page = QueuePage {
        surge,
        critical_breach,
        chrome: Chrome::new(&t, "queue", t.get("queue-title"), Some(&who)),
        mine,
        rows,
        speaks,
        t,
    };
    render(actix_web::http::StatusCode::OK, &page)
}

/// The sentence that says surge mode is on, since when, and who switched it (the queue page and
/// the dashboard both show it); `None` when it is off.
pub(super) fn surge_line(
    t: &Tr,
    surge: &crate::surge::SurgeState,
    zone: chrono_tz::Tz,
) -> Option<String> {
    if !surge.on {
        return None;
    }
    let since = surge
        .since
        .map(|at| local_time(at, zone))
        .unwrap_or_default();
    Some(match &surge.switched_by {
        Some(by) => t.with2(
            "surge-on-by",
            ("time", since.into()),
            ("who", by.as_str().into()),
        ),
        None => t.with("surge-on-automatic", "time", since),
    })
}
