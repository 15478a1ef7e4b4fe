//! The case page: a summary card (level, quick answers, contact rules, lease), the
//! conversation with a reply box that stays in view, why this urgency, notes, status, links and
//! history.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::page::{Chrome, notice, render};
use super::{database_unavailable, signed_in};
use crate::cases::{CLOSING_REASONS, CaseView, load_case};
use crate::console::clock_text::local_time;
use crate::console::contact_rules::reason_key;
use crate::console::conversation::{Turn, turns};
use crate::console::scripts::{ContactRules, ordered};
use crate::context::AppContext;
use crate::domain::{CaseId, PhoneNumber};
use crate::i18n::{Tr, language_name};
use crate::privacy::{Access, CaseOutline, PrivacyError, access_to_case, load_outline};

#[derive(Template)]
#[template(path = "case_outline.html")]
struct OutlinePage {
    t: Tr,
    chrome: Chrome,
    id: String,
    reference: String,
    level_code: &'static str,
    level_label: String,
    status_label: String,
    holder: Option<String>,
    channel: String,
    country: String,
    opened: String,
    flags: Vec<String>,
    reasons: Vec<(&'static str, String)>,
    minutes: i64,
}

/// The page for a case the person may see in outline only: no personal field, and the way to
/// break the glass.
fn build_outline(
    ctx: &AppContext,
    t: &Tr,
    who: &crate::auth::Identity,
    o: CaseOutline,
) -> OutlinePage {
    let zone = ctx.settings.time_zone();
    OutlinePage {
        chrome: Chrome::new(
            t,
            "case",
            t.with("case-title", "reference", o.reference.as_str()),
            Some(who),
        ),
        id: o.id.to_string(),
        reference: o.reference.clone(),
        level_code: o.urgency.level.as_str(),
        level_label: t.level(o.urgency.level.as_str()),
        status_label: t.status(&o.status),
        holder: o.holder.as_ref().map(|h| h.email.clone()),
        channel: t.channel(&o.channel),
        country: o
            .country
            .as_deref()
            .map_or_else(|| "—".to_owned(), |c| t.country(c)),
        opened: local_time(o.created_at, zone),
        flags: o.urgency.flags.iter().map(|f| t.flag(f)).collect(),
        reasons: crate::privacy::break_glass::REASONS
            .iter()
            .map(|r| {
                (
                    *r,
                    t.get(&format!("break-glass-reason-{}", r.replace('_', "-"))),
                )
            })
            .collect(),
        minutes: ctx.settings.privacy.break_glass_minutes,
        t: *t,
    }
}

struct ReasonLine {
    flag: Option<String>,
    text: String,
    quotes: Vec<String>,
}

/// The person's safe-contact rules, shown before anyone calls or writes first.
struct SafeCard {
    code_word: Option<String>,
    cover_story: Option<String>,
    secrets_hidden: bool,
    /// "mon, tue 18:00–20:00", in the person's time zone.
    windows: Vec<String>,
    time_zone: String,
    times_unclear: bool,
    own_words: Option<String>,
    updated: Option<String>,
}

/// One callback of the case: (due, status, channel, overdue, reason).
struct CallbackLine {
    due: String,
    status: String,
    channel: String,
    overdue: bool,
    reason: Option<String>,
}

struct ChatBox {
    channel: String,
    language: String,
    forbidden: Option<String>,
    needs_review: bool,
    /// (name, text) in the order that fits the person's contact rules.
    scripts: Vec<(String, String)>,
    blocked: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    t: Tr,
    chrome: Chrome,
    id: String,
    reference: String,
    level_code: &'static str,
    level_label: String,
    raised_to: Option<String>,
    status_label: String,
    holder: Option<String>,
    held_by_me: bool,
    is_supervisor: bool,
    lease_seconds_left: i64,
    lease_warning_seconds: i64,
    lease_ending_soon: bool,
    lease_text: String,
    caller_label: String,
    language: String,
    location: String,
    quick_answers: Vec<String>,
    contact_rules: Vec<String>,
    /// "Never contact first" leads the rules and stands out.
    never_contact_first: bool,
    callback: String,
    safe: SafeCard,
    callbacks: Vec<CallbackLine>,
    conversation_title: String,
    turns: Vec<Turn>,
    chat: Option<ChatBox>,
    reasons: Vec<ReasonLine>,
    override_note: Option<String>,
    levels: Vec<(&'static str, String)>,
    notes: Vec<(String, String, String)>,
    statuses: Vec<(&'static str, String)>,
    closing_reasons: Vec<(&'static str, String)>,
    links: Vec<(String, String)>,
    /// "Rescue: <event name>" when the case belongs to a mass rescue event (issue 18).
    rescue_event: Option<String>,
    history: Vec<(String, String, String)>,
    /// Referrals (issue 14), shown by `case_referrals.html`.
    referrals: super::referrals_card::ReferralsCard,
    /// Legal hold, erasure, forget-me (issue 17), shown by `case_retention.html`.
    retention: RetentionCard,
    /// Supervisors and admins only: restricting the case to named staff, shown by
    /// `case_restriction.html`.
    restriction: Option<RestrictionCard>,
}

/// Whether the case is restricted, to whom, and the staff a supervisor may name.
struct RestrictionCard {
    restricted: bool,
    /// (code, words).
    reasons: Vec<(&'static str, String)>,
    /// (user id, email, named now): active counselors, and anyone named already.
    staff: Vec<(String, String, bool)>,
}

async fn restriction_card(
    ctx: &AppContext,
    t: &Tr,
    id: CaseId,
) -> Result<RestrictionCard, sqlx::Error> {
    let (restricted, named) = crate::privacy::restricted::restriction_of(&ctx.db, id).await?;
    let staff = crate::auth::users::list(&ctx.db)
        .await?
        .into_iter()
        .filter(|u| named.contains(&u.id.0) || (u.active && u.role == crate::auth::Role::Counselor))
        .map(|u| (u.id.0.to_string(), u.email, named.contains(&u.id.0)))
        .collect();
    Ok(RestrictionCard {
        restricted,
        reasons: crate::privacy::restricted::REASONS
            .iter()
            .map(|r| {
                (
                    *r,
                    t.get(&format!("restriction-reason-{}", r.replace('_', "-"))),
                )
            })
            .collect(),
        staff,
    })
}

/// The case's legal hold and erasure state, and what the viewer may do about them.
struct RetentionCard {
    /// "Under legal hold since ... (by)" and the reason, when held.
    hold: Option<(String, String)>,
    erased: Option<String>,
    forget_requested: Option<String>,
    /// The holder or a supervisor may pass on a forget-me request.
    may_forget: bool,
}

pub async fn page(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    id: web::Path<String>,
) -> HttpResponse {
    let (who, t) = match signed_in(&ctx, &req).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    let not_found = |t: Tr| {
        notice(
            StatusCode::NOT_FOUND,
            t,
            Some(&who),
            "not-found-title",
            "case-not-found",
        )
    };
    let Ok(id) = id.parse::<uuid::Uuid>().map(CaseId) else {
        return not_found(t);
    };
    let now = ctx.now();
    let purpose = match access_to_case(&ctx.db, who.user.id, who.user.role, id, now).await {
        Ok(Access::Full(purpose)) => purpose,
        Ok(Access::Outline) => {
            return match load_outline(&ctx.db, &ctx.settings.queue, id, now).await {
                Ok(o) => render(StatusCode::OK, &build_outline(&ctx, &t, &who, o)),
                Err(PrivacyError::NotFound) => not_found(t),
                Err(_) => database_unavailable(t, &who),
            };
        }
        Err(PrivacyError::NotFound) => return not_found(t),
        Err(_) => return database_unavailable(t, &who),
    };
    let mut c = match load_case(&ctx.db, &ctx.keys, &ctx.settings.queue, id, now).await {
        Ok(c) => c,
        Err(crate::cases::CaseError::NotFound) => return not_found(t),
        Err(_) => return database_unavailable(t, &who),
    };
    c.reveal_safe_contact(who.user.id, who.is_supervisor());
    let overdue_after = ctx.settings.callbacks.overdue_after_seconds;
    match crate::callbacks::for_case(&ctx.db, &ctx.keys, id, overdue_after, now).await {
        Ok(list) => c.callbacks = Some(list),
        Err(_) => return database_unavailable(t, &who),
    }
    // A read that cannot be audited is not shown.
    if crate::audit::reads::case_viewed(
        &ctx.db,
        who.user.id,
        id,
        &purpose,
        crate::audit::reads::Via::Console,
        ctx.settings.privacy.view_audit_seconds,
        now,
    )
    .await
    .is_err()
    {
        return database_unavailable(t, &who);
    }
    // Opening the case is reading it: its messages stop counting as unread for this person.
    if crate::queue::mark_read(&ctx.db, who.user.id, id, now)
        .await
        .is_err()
    {
        return database_unavailable(t, &who);
    }
    let Ok(referrals) = super::referrals_card::load(&ctx, &t, id).await else {
        return database_unavailable(t, &who);
    };
    let restriction = if who.is_supervisor() {
        match restriction_card(&ctx, &t, id).await {
            Ok(card) => Some(card),
            Err(_) => return database_unavailable(t, &who),
        }
    } else {
        None
    };
    let mut page = build(&ctx, &t, &who, c, referrals);
    page.restriction = restriction;
    render(StatusCode::OK, &page)
}

/// The rules' notes that have a text in every console language (`triage-note-*`).
pub const TRIAGE_NOTES: &[&str] = &[
    "no-flags",
    "critical-with-minor",
    "past",
    "suspicion",
    "offer-only",
    "not-a-case",
    "other-problem",
    "safe-route",
    "fiction",
    "offer-frame",
    "third-party",
    "lean-up",
    "short-question",
    "long-message",
];

/// A note of the triage rules in the counselor's language, found by its English words.
fn triage_note(ctx: &AppContext, t: &Tr, english: &str) -> String {
    let rules = ctx.rules();
    let x = &rules.texts;
    let by_key = [
        ("no-flags", &x.no_flags),
        ("critical-with-minor", &x.critical_with_minor),
        ("past", &x.past),
        ("suspicion", &x.suspicion),
        ("offer-only", &x.offer_only),
        ("not-a-case", &x.not_a_case),
        ("other-problem", &x.other_problem),
        ("safe-route", &x.safe_route),
        ("fiction", &x.fiction),
        ("offer-frame", &x.offer_frame),
        ("third-party", &x.third_party),
        ("lean-up", &x.lean_up),
        ("short-question", &x.short_question),
        ("long-message", &x.long_message),
    ];
    by_key
        .iter()
        .find(|(_, text)| text.as_str() == english)
        .map_or_else(
            || english.to_owned(),
            |(key, _)| t.get_or(&format!("triage-note-{key}"), english),
        )
}

fn build(
    ctx: &AppContext,
    t: &Tr,
    who: &crate::auth::Identity,
    c: CaseView,
    referrals: super::referrals_card::ReferralsCard,
) -> CasePage {
    let zone = ctx.settings.time_zone();
    let held_by_me = c.holder.as_ref().is_some_and(|h| h.id == who.user.id.0);
    let level = c.urgency.level;
    let cb = &c.callback;
    let chat_case = c.chat.is_some();
    // Every question answered yes, whether or not the words also said it.
    let quick_answers: Vec<String> = c
        .answers
        .as_object()
        .map(|answers| {
            crate::domain::report::ANSWER_KEYS
                .iter()
                .filter(|key| answers.get(**key).and_then(|v| v.as_str()) == Some("yes"))
                .map(|key| t.flag(key))
                .collect()
        })
        .unwrap_or_default();
    let mut reasons = vec![];
    for r in &c.urgency.reasons {
        let flag = r.flag.as_deref().map(|f| t.flag(f));
        if let Some(flag) = &flag
            && r.evidence.is_empty()
        {
            // A quick answer: given by the person in the chat (their own tap), or by the
            // caller to the counselor who filled the phone form.
            let source = if chat_case {
                "reason-tapped"
            } else {
                "reason-caller-said"
            };
            reasons.push(ReasonLine {
                flag: Some(flag.clone()),
                text: t.get(source),
                quotes: vec![],
            });
        } else if flag.is_some() {
            reasons.push(ReasonLine {
                flag,
                text: t.get("reason-in-words"),
                quotes: r.evidence.iter().map(|e| e.quote.clone()).collect(),
            });
        } else {
            // The rules' own notes (why the level), in the counselor's language when the note
            // is one of the current rules' (an older rules version's words stay as written).
            reasons.push(ReasonLine {
                flag: None,
                text: triage_note(ctx, t, &r.text),
                quotes: vec![],
            });
        }
    }
    let mut contact_rules = vec![];
    contact_rules.push(t.get(if cb.never_contact_first {
        "rule-never-first"
    } else {
        "rule-may-contact"
    }));
    if !cb.allowed_channels.is_empty() {
        let channels: Vec<String> = cb.allowed_channels.iter().map(|ch| t.channel(ch)).collect();
        contact_rules.push(t.with("rule-channels", "channels", channels.join(", ")));
    }
    if let Some(hours) = &cb.safe_hours {
        contact_rules.push(t.with("rule-safe-hours", "hours", hours.as_str()));
    }
    contact_rules.push(t.get(if cb.no_voicemail {
        "rule-no-voicemail"
    } else {
        "rule-voicemail-ok"
    }));
    let callback = match (&cb.name, &cb.phone) {
        (None, None) => t.get("callback-none"),
        (name, phone) => [name.clone(), phone.as_deref().map(PhoneNumber::display)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
    };
    let chat = c.chat.as_ref().map(|chat| {
        let window = chrono::Duration::hours(ctx.settings.conversation.reply_window_hours);
        let facts = crate::messaging::ContactFacts {
            chat_channel: &chat.channel,
            blocked: chat.blocked,
            unreachable: chat.unreachable,
            stopped: chat.step == "stopped",
            never_contact_first: cb.never_contact_first,
            allowed_channels: &cb.allowed_channels,
            last_inbound_at: chat.last_inbound_at,
        };
        // The chat's own facts first, then the gate on the person's full rules, so the page
        // says before anyone types what the API would refuse.
        let gate = || {
            let channel = crate::domain::Channel::parse("channel", &chat.channel).ok()?;
            let decision = crate::safe_contact::decide(
                &c.safe_contact_rules.rules,
                channel,
                crate::safe_contact::Purpose::CounselorMessage,
                crate::safe_contact::Moment {
                    at: ctx.now(),
                    last_inbound_at: chat.last_inbound_at,
                },
                crate::safe_contact::Windows::new(ctx.settings.conversation.reply_window_hours),
            );
            match decision {
                crate::safe_contact::Decision::Forbidden(why) => Some(why.reason()),
                _ => None,
            }
        };
        let forbidden = crate::messaging::forbidden_reason(&facts, window, ctx.now())
            .or_else(gate)
            .map(|why| reason_key(why).map_or_else(|| why.to_owned(), |k| t.get(k)));
        let pack = ctx.conversation.pack(c.language.as_deref().unwrap_or("en"));
        let rules = ContactRules {
            never_contact_first: cb.never_contact_first,
            has_phone: cb.phone.is_some(),
        };
        let scripts = ordered(pack.scripts.keys().map(String::as_str), &rules)
            .into_iter()
            .map(|key| {
                let name = t.get_or(&format!("script-{}", key.replace('_', "-")), key);
                (name, pack.scripts[key].clone())
            })
            .collect();
        ChatBox {
            channel: t.channel(&chat.channel),
            language: pack.language_name.clone(),
            forbidden,
            needs_review: pack.needs_native_review,
            scripts,
            blocked: chat.blocked,
        }
    });
    let override_note = c.urgency.counselor_override.as_ref().map(|o| {
        let rules_said = c
            .urgency
            .automatic_level
            .map_or_else(|| t.level(o.level.as_str()), |l| t.level(l.as_str()));
        format!(
            "{} — {} ({})",
            t.with2(
                "override-by",
                ("who", o.by.clone().unwrap_or_default().into()),
                ("level", t.level(o.level.as_str()).into()),
            ),
            o.reason,
            t.with("override-rules-said", "level", rules_said),
        )
    });
    let sc = &c.safe_contact;
    let safe = SafeCard {
        code_word: sc.code_word.clone(),
        cover_story: sc.cover_story.clone(),
        secrets_hidden: !sc.secrets_shown,
        windows: sc
            .windows
            .iter()
            .map(|w| {
                let days: Vec<String> = w.days.iter().map(|d| t.day(d.as_str())).collect();
                format!("{} {}–{}", days.join(", "), w.from, w.to)
            })
            .collect(),
        time_zone: sc.time_zone.clone(),
        times_unclear: sc.times_unclear,
        own_words: sc.own_words.clone(),
        updated: sc.updated_at.map(|at| {
            let mut text = t.with("safe-updated", "when", local_time(at, zone));
            let how = sc.updated_how.as_deref().map(|h| t.recorded_how(h));
            for part in [sc.updated_by.clone(), how].into_iter().flatten() {
                text.push_str(" · ");
                text.push_str(&part);
            }
            text
        }),
    };
    let callbacks = c
        .callbacks
        .iter()
        .flatten()
        .map(|cb| CallbackLine {
            due: local_time(cb.due_from, zone),
            status: t.callback_status(&cb.status),
            channel: t.channel(&cb.channel),
            overdue: cb.overdue,
            reason: cb.reason.clone(),
        })
        .collect();
    let location = [
        c.location.country.as_deref().map(|code| t.country(code)),
        c.location.area.as_deref().map(|area| {
            crate::console::provinces::display(c.location.country.as_deref(), area, t.code())
        }),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let retention = RetentionCard {
        hold: c.retention.legal_hold.as_ref().map(|h| {
            (
                t.with2(
                    "legal-hold-on",
                    ("when", local_time(h.placed_at, zone).into()),
                    (
                        "by",
                        h.placed_by.clone().unwrap_or_else(|| "—".into()).into(),
                    ),
                ),
                h.reason.clone(),
            )
        }),
        erased: c
            .retention
            .personal_erased_at
            .map(|at| t.with("personal-erased", "when", local_time(at, zone))),
        forget_requested: c
            .retention
            .forget_requested_at
            .map(|at| t.with("forget-requested", "when", local_time(at, zone))),
        may_forget: (held_by_me || who.is_supervisor()) && c.retention.personal_erased_at.is_none(),
    };
    CasePage {
        retention,
        restriction: None,
        chrome: Chrome::new(
            t,
            "case",
            t.with("case-title", "reference", c.reference.as_str()),
            Some(who),
        ),
        id: c.id.to_string(),
        reference: c.reference.clone(),
        level_code: level.as_str(),
        level_label: t.level(level.as_str()),
        raised_to: (c.effective_level != level).then(|| t.level(c.effective_level.as_str())),
        status_label: t.status(&c.status),
        holder: c.holder.as_ref().map(|h| h.email.clone()),
        held_by_me,
        is_supervisor: who.is_supervisor(),
        lease_seconds_left: c.lease_seconds_left.unwrap_or(0),
        lease_warning_seconds: ctx.settings.queue.lease_warning_seconds,
        lease_ending_soon: c.lease_ending_soon,
        lease_text: c.lease_expires_at.map_or_else(String::new, |at| {
            t.with("held-until", "time", local_time(at, zone))
        }),
        caller_label: t.caller(&c.caller),
        language: c
            .language
            .as_deref()
            .map_or_else(|| "—".to_owned(), |l| language_name(l).into_owned()),
        location: if location.is_empty() {
            "—".into()
        } else {
            location
        },
        quick_answers,
        contact_rules,
        never_contact_first: cb.never_contact_first,
        callback,
        safe,
        callbacks,
        conversation_title: match &c.chat {
            Some(chat) => t.with("conversation-title", "channel", t.channel(&chat.channel)),
            None => t.get("report-title"),
        },
        turns: turns(&c, t, zone),
        chat,
        reasons,
        override_note,
        levels: ["critical", "high", "medium", "low"]
            .into_iter()
            .map(|l| (l, t.level(l)))
            .collect(),
        notes: c
            .notes
            .iter()
            .map(|n| (local_time(n.at, zone), n.author.clone(), n.text.clone()))
            .collect(),
        statuses: ["in_progress", "waiting", "referred", "closed"]
            .into_iter()
            .map(|s| (s, t.status(s)))
            .collect(),
        closing_reasons: CLOSING_REASONS.iter().map(|r| (*r, t.closing(r))).collect(),
        links: c
            .linked_cases
            .iter()
            .map(|l| (l.id.to_string(), l.reference.clone()))
            .collect(),
        rescue_event: c
            .rescue_event
            .as_ref()
            .map(|e| t.with("rescue-event-badge", "name", e.name.as_str())),
        history: c
            .history
            .iter()
            .map(|h| {
                (
                    local_time(h.at, zone),
                    t.history(&h.action),
                    h.actor.clone().unwrap_or_else(|| t.get("actor-system")),
                )
            })
            .collect(),
        referrals,
        t: *t,
    }
}
