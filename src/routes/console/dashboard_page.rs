//! The supervisor's live dashboard: the figures of `supervisor::dashboard` in the staff
//! member's language, with the two charts drawn on the server. The page re-reads itself on
//! every change any node announces (`/api/v1/dashboard/events`) and on a timer, because waits
//! grow past their targets without any event.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::page::{Chrome, notice, render};
use super::{database_unavailable, signed_in};
use crate::console::clock_text::local_time;
use crate::context::AppContext;
use crate::i18n::Tr;
use crate::supervisor::charts::{ChartText, Unit, answer_chart, depth_chart, duration_parts};

struct Tile {
    id: &'static str,
    label: String,
    value: String,
    alarm: bool,
}

struct Oldest {
    case_id: String,
    reference: String,
    level_code: &'static str,
    level_label: String,
    waited: String,
    target: String,
    breaching: bool,
    held: bool,
}

/// One row of the action-clock table: a level and a step.
struct ActionRow {
    level_code: &'static str,
    level_label: String,
    step: String,
    count: usize,
    p50: String,
    p90: String,
    within: String,
    target: String,
    past: usize,
}

/// A referral sent under a consent override, for the supervisors' panel.
struct OverrideLine {
    case_id: String,
    reference: String,
    reason: String,
    text: String,
    by: String,
    at: String,
}

/// A referral escalated because the partner did not acknowledge in time.
struct EscalationLine {
    case_id: String,
    reference: String,
    partner: String,
    next: String,
    at: String,
}

struct Person {
    email: String,
    role: String,
    holds: Vec<String>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    t: Tr,
    chrome: Chrome,
    updated: String,
    tiles: Vec<Tile>,
    /// (label, count) rows.
    by_level: Vec<(String, &'static str, i64)>,
    by_channel: Vec<(String, i64)>,
    oldest: Vec<Oldest>,
    people: Vec<Person>,
    callbacks_wired: bool,
    callbacks_due: i64,
    callbacks_overdue: i64,
    referrals_past: i64,
    action_rows: Vec<ActionRow>,
    overrides: Vec<OverrideLine>,
    escalations: Vec<EscalationLine>,
    /// (caption, server-drawn SVG with every word escaped by `charts`).
    charts: Vec<(String, String)>,
    /// Surge mode (issue 18): the state as a sentence, the reason given, the recent switches
    /// and the automatic rule.
    surge_on: bool,
    surge_line: String,
    surge_reason: Option<String>,
    surge_switches: Vec<String>,
    surge_rule: String,
}

pub async fn page(ctx: web::Data<AppContext>, req: HttpRequest) -> HttpResponse {
    let (who, t) = match signed_in(&ctx, &req).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    if !who.is_supervisor() {
        return notice(
            StatusCode::FORBIDDEN,
            t,
            Some(&who),
            "dashboard-title",
            "dashboard-supervisors-only",
        );
    }
    let now = ctx.now();
    let zone = ctx.settings.time_zone();
    let Ok(d) = crate::supervisor::dashboard(
        &ctx.db,
        &ctx.settings.queue.answer_target_seconds,
        zone,
        ctx.settings.callbacks.overdue_after_seconds,
        crate::supervisor::ActionClockTargets {
            action: &ctx.settings.targets.action_seconds,
            acknowledgement: &ctx.settings.referrals.ack_target_seconds,
        },
        now,
    )
    .await
    else {
        return database_unavailable(t, &who);
    };
    // The referrals feature's lists for supervisors: consent overrides (latest first) and open
    // escalations.
    let (Ok(override_list), Ok(escalation_list)) = (
        crate::referrals::list::overrides(&ctx.db, &ctx.keys).await,
        crate::referrals::escalation::open_escalations(&ctx.db).await,
    ) else {
        return database_unavailable(t, &who);
    };
    let overrides: Vec<OverrideLine> = override_list
        .into_iter()
        .take(20)
        .map(|o| OverrideLine {
            case_id: o.case_id.to_string(),
            reference: o.reference,
            reason: t.get_or(
                &format!("override-{}", o.reason.replace('_', "-")),
                &o.reason,
            ),
            text: o.text.unwrap_or_default(),
            by: o.by,
            at: local_time(o.at, zone),
        })
        .collect();
    let escalations: Vec<EscalationLine> = escalation_list
        .into_iter()
        .map(|e| EscalationLine {
            case_id: e.case_id.to_string(),
            reference: e.reference,
            partner: e.partner_name,
            next: e.next_partner_name.unwrap_or_default(),
            at: local_time(e.escalated_at, zone),
        })
        .collect();
    let (Ok(surge_state), Ok(switches)) = (
        crate::surge::current(&ctx.db).await,
        crate::surge::recent_switches(&ctx.db, 10).await,
    ) else {
        return database_unavailable(t, &who);
    };
    let surge_switches = switches
        .iter()
        .map(|s| {
            let key = match (s.on, s.automatic) {
                (true, true) => "surge-switch-on-automatic",
                (false, true) => "surge-switch-off-automatic",
                (true, false) => "surge-switch-on-by",
                (false, false) => "surge-switch-off-by",
            };
            let line = t.with2(
                key,
                ("time", local_time(s.at, zone).into()),
                (
                    if s.automatic { "arrivals" } else { "who" },
                    if s.automatic {
                        s.arrivals_per_hour.unwrap_or(0).into()
                    } else {
                        s.switched_by.clone().unwrap_or_default().into()
                    },
                ),
            );
            match (&s.reason, s.automatic) {
                (Some(reason), false) => format!("{line} — {reason}"),
                _ => line,
            }
        })
        .collect();
    let surge_rule = if ctx.settings.surge.auto_threshold_per_hour > 0 {
        t.with2(
            "surge-rule",
            (
                "threshold",
                ctx.settings.surge.auto_threshold_per_hour.into(),
            ),
            ("quiet", ctx.settings.surge.quiet_minutes.into()),
        )
    } else {
        t.get("surge-rule-off")
    };
    let surge_line =
        super::queue_page::surge_line(&t, &surge_state, zone).unwrap_or_else(|| t.get("surge-off"));
    let sum = |m: &std::collections::BTreeMap<&'static str, i64>| m.values().sum::<i64>();
    let duration = |seconds: i64| {
        let (n, unit) = duration_parts(seconds);
        let key = match unit {
            Unit::Seconds => "dash-seconds",
            Unit::Minutes => "dash-minutes",
            Unit::Hours => "dash-hours",
        };
        t.with(key, "n", n)
    };
    let surge = d.arrivals.last_hour >= 3
        && d.arrivals.last_hour >= 2 * d.arrivals.same_hour_last_week.max(1);
    let tiles = vec![
        Tile {
            id: "tile-waiting",
            label: t.get("dash-waiting-total"),
            value: d.queue_depth.total.to_string(),
            alarm: false,
        },
        Tile {
            id: "tile-breaching",
            label: t.get("dash-breaching-now"),
            value: sum(&d.breaching_now).to_string(),
            alarm: d.breaching_now.get("critical").is_some_and(|n| *n > 0),
        },
        Tile {
            id: "tile-breaches-hour",
            label: t.get("dash-breaches-hour"),
            value: sum(&d.breaches_last_hour).to_string(),
            alarm: false,
        },
        Tile {
            id: "tile-arrivals",
            label: t.get("dash-arrivals"),
            value: t.with2(
                "dash-arrivals-compare",
                ("now", d.arrivals.last_hour.into()),
                ("week", d.arrivals.same_hour_last_week.into()),
            ) + &if surge {
                format!(" · {}", t.get("dash-surge"))
            } else {
                String::new()
            },
            alarm: surge,
        },
    ];
    let action_past: usize = d
        .action_24h
        .requested
        .iter()
        .chain(&d.action_24h.acknowledged)
        .map(|g| g.waiting_past_target)
        .sum();
    let mut tiles = tiles;
    // Only under a flood: messages acknowledged and not yet read are not in the queue yet.
    let unread = &d.unread_messages;
    if unread.count > 0 {
        tiles.push(Tile {
            id: "tile-unread",
            label: t.get("dash-unread"),
            value: format!(
                "{}{} · {}",
                unread.count,
                if unread.at_least { "+" } else { "" },
                t.with(
                    "dash-unread-oldest",
                    "age",
                    duration(unread.oldest_seconds.unwrap_or(0)),
                )
            ),
            alarm: true,
        });
    }
    tiles.push(Tile {
        id: "tile-action-past",
        label: t.get("dash-action-past"),
        value: action_past.to_string(),
        alarm: action_past > 0,
    });
    let mut action_rows = vec![];
    for (step_key, groups, step_index) in [
        ("dash-action-requested", &d.action_24h.requested, 0),
        ("dash-action-acknowledged", &d.action_24h.acknowledged, 1),
    ] {
        for g in groups {
            let level_code = match g.key.as_str() {
                "critical" => "critical",
                _ => "high",
            };
            let target = d
                .action_24h
                .targets
                .get(level_code)
                .and_then(|(r, a)| if step_index == 0 { *r } else { *a });
            let none = || "–".to_owned();
            action_rows.push(ActionRow {
                level_code,
                level_label: t.level(level_code),
                step: t.get(step_key),
                count: g.count,
                p50: g.p50.map_or_else(none, duration),
                p90: g.p90.map_or_else(none, duration),
                within: g
                    .within_target
                    .map_or_else(none, |w| format!("{:.0} %", w * 100.0)),
                target: target.map_or_else(|| t.get("dash-action-no-target"), duration),
                past: g.waiting_past_target,
            });
        }
    }
    let mut by_level: Vec<(String, &'static str, i64)> = d
        .queue_depth
        .by_level
        .iter()
        .map(|(code, n)| (t.level(code), *code, *n))
        .collect();
    by_level.sort_by_key(|(_, code, _)| match *code {
        "critical" => 0,
        "high" => 1,
        "medium" => 2,
        _ => 3,
    });
    let by_channel = d
        .queue_depth
        .by_channel
        .iter()
        .map(|(code, n)| (t.channel(code), *n))
        .collect();
    let oldest = d
        .oldest_waiting
        .iter()
        .map(|o| Oldest {
            case_id: o.case_id.to_string(),
            reference: o.reference.clone(),
            level_code: o.level.as_str(),
            level_label: t.level(o.level.as_str()),
            waited: duration(o.waited_seconds),
            target: duration(o.target_seconds),
            breaching: o.breaching,
            held: o.held,
        })
        .collect();
    let people = d
        .counselors
        .iter()
        .map(|p| Person {
            email: p.email.clone(),
            role: t.role(&p.role),
            holds: p
                .holds
                .iter()
                .map(|h| {
                    t.with2(
                        "dash-held-for",
                        ("reference", h.reference.as_str().into()),
                        ("minutes", (h.held_seconds / 60).into()),
                    )
                })
                .collect(),
        })
        .collect();
    let mut charts: Vec<(String, String)> = d
        .answer_times_24h
        .iter()
        .map(|series| {
            let title = t.with2(
                "dash-chart-answer",
                ("level", t.level(series.level.as_str()).into()),
                ("target", duration(series.target_seconds).into()),
            );
            let svg = answer_chart(
                &format!("chart-answer-{}", series.level.as_str()),
                &series.hours,
                series.target_seconds,
                &ChartText {
                    title: &title,
                    target: &t.get("dash-legend-target"),
                    duration: &duration,
                },
            );
            (title, svg)
        })
        .collect();
    let labels: Vec<String> = d
        .waiting_24h
        .iter()
        .map(|p| p.at.with_timezone(&zone).format("%H").to_string())
        .collect();
    let depth_title = t.get("dash-chart-depth");
    let depth_svg = depth_chart("chart-waiting", &d.waiting_24h, &labels, &depth_title);
    charts.push((depth_title, depth_svg));
    let page = DashboardPage {
        chrome: Chrome::new(&t, "dashboard", t.get("dashboard-title"), Some(&who)),
        updated: t.with("dash-updated", "time", local_time(now, zone)),
        tiles,
        by_level,
        by_channel,
        oldest,
        people,
        callbacks_wired: d.callbacks.wired,
        callbacks_due: d.callbacks.due,
        callbacks_overdue: d.callbacks.overdue,
        referrals_past: d.referrals.past_acknowledgement_target,
        action_rows,
        overrides,
        escalations,
        charts,
        surge_on: surge_state.on,
        surge_line,
        surge_reason: surge_state.reason.filter(|_| !surge_state.automatic),
        surge_switches,
        surge_rule,
        t,
    };
    render(StatusCode::OK, &page)
}
