//! The queue, a case, and the phone-call form.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::html::{escape, page_response};
use super::signed_in;
use crate::cases::{CLOSING_REASONS, load_case};
use crate::context::AppContext;
use crate::domain::CaseId;
use crate::domain::report::ANSWER_KEYS;
use crate::queue::list_open;

fn unavailable() -> HttpResponse {
    page_response(
        StatusCode::SERVICE_UNAVAILABLE,
        "Unavailable",
        None,
        "<p class=\"error\">The database is unavailable. Nothing is lost; please retry in a moment.</p>",
    )
}

fn local_time(ctx: &AppContext, at: &chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&ctx.settings.time_zone())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub async fn queue(ctx: web::Data<AppContext>, req: HttpRequest) -> HttpResponse {
    let who = match signed_in(&ctx, &req).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    let Ok(items) = list_open(&ctx.db, &ctx.settings.queue, ctx.now(), 500).await else {
        return unavailable();
    };
    let rows: String = items
        .iter()
        .map(|i| {
            let level = i.effective_level();
            format!(
                "<tr data-case-id=\"{id}\" data-reference=\"{reference}\"><td><a href=\"/console/cases/{id}\">{reference}</a></td>\
                 <td class=\"{level}\">{level}{raised}</td><td>{flags}</td><td>{channel}</td><td>{status}</td><td>{since}</td><td>{holder}</td></tr>",
                id = i.id,
                reference = escape(&i.reference),
                raised = if level.as_str() != i.urgency_level { " (waited past target)" } else { "" },
                flags = escape(&i.urgency_flags.join(", ")),
                channel = escape(&i.channel),
                status = escape(&i.status),
                since = local_time(&ctx, &i.waiting_since),
                holder = escape(i.holder_email.as_deref().unwrap_or("—")),
            )
        })
        .collect();
    let body = format!(
        "<p><button id=\"claim-next\" type=\"button\">Claim next case</button> <span id=\"claim-message\" class=\"muted\"></span></p>\
         <table id=\"queue\"><thead><tr><th>Case</th><th>Level</th><th>Indicators</th><th>Channel</th><th>Status</th><th>Waiting since</th><th>Held by</th></tr></thead>\
         <tbody>{rows}</tbody></table>{empty}",
        empty = if items.is_empty() {
            "<p class=\"muted\" id=\"queue-empty\">The queue is empty.</p>"
        } else {
            ""
        },
    );
    page_response(StatusCode::OK, "Queue", Some(&who), &body)
}

pub async fn case(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    id: web::Path<String>,
) -> HttpResponse {
    let who = match signed_in(&ctx, &req).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    let Ok(id) = id.parse::<uuid::Uuid>().map(CaseId) else {
        return page_response(
            StatusCode::NOT_FOUND,
            "Not found",
            Some(&who),
            "<p>No such case.</p>",
        );
    };
    let c = match load_case(&ctx.db, &ctx.keys, &ctx.settings.queue, id, ctx.now()).await {
        Ok(c) => c,
        Err(crate::cases::CaseError::NotFound) => {
            return page_response(
                StatusCode::NOT_FOUND,
                "Not found",
                Some(&who),
                "<p>No such case.</p>",
            );
        }
        Err(_) => return unavailable(),
    };
    let reasons: String = c
        .urgency
        .reasons
        .iter()
        .map(|r| {
            let quotes: Vec<String> = r
                .evidence
                .iter()
                .map(|e| format!("“{}”", escape(&e.quote)))
                .collect();
            if quotes.is_empty() {
                format!("<li>{}</li>", escape(&r.text))
            } else {
                format!(
                    "<li>{} <span class=\"muted\">{}</span></li>",
                    escape(&r.text),
                    quotes.join(" ")
                )
            }
        })
        .collect();
    let override_note = match &c.urgency.counselor_override {
        Some(o) => format!(
            "<p id=\"urgency-override\">Level set by {} to <strong>{}</strong>: {} <span class=\"muted\">(rules said {})</span></p>",
            escape(o.by.as_deref().unwrap_or("a counselor")),
            o.level,
            escape(&o.reason),
            c.urgency
                .automatic_level
                .map(|l| l.as_str())
                .unwrap_or("the same"),
        ),
        None => String::new(),
    };
    let messages: String = c
        .messages
        .iter()
        .map(|m| {
            let delivery = match (&m.delivery_error, m.delivery.as_str()) {
                (Some(err), d) if d != "sent" => format!("{d}: {}", escape(err)),
                (_, d) => d.to_owned(),
            };
            let buttons = if m.buttons.is_empty() {
                String::new()
            } else {
                format!(
                    "<br><span class=\"muted\">[{}]</span>",
                    escape(&m.buttons.join(" | "))
                )
            };
            // What an email quoted or signed, folded; files as downloads (never shown inline).
            let quoted = m
                .quoted
                .as_ref()
                .map(|q| {
                    format!(
                        "<details><summary class=\"muted\">quoted text</summary>{}</details>",
                        escape(q)
                    )
                })
                .unwrap_or_default();
            let files: String = m
                .attachments
                .iter()
                .map(|a| {
                    let label = format!(
                        "{} ({}, {} bytes)",
                        a.name.as_deref().unwrap_or("file"),
                        a.content_type,
                        a.byte_size.unwrap_or(0)
                    );
                    if a.stored {
                        format!(
                            "<br><a href=\"/api/v1/attachments/{}\" download>{}</a>",
                            a.id,
                            escape(&label)
                        )
                    } else {
                        format!("<br><span class=\"muted\">{} (not stored)</span>", escape(&label))
                    }
                })
                .collect();
            let buttons = format!("{buttons}{quoted}{files}");
            format!(
                "<tr class=\"msg-{author}\"><td>{at}</td><td>{author}</td><td>{kind}</td><td style=\"white-space:pre-wrap\">{text}{buttons}</td><td class=\"delivery\">{delivery}</td></tr>",
                at = local_time(&ctx, &m.at),
                author = escape(&m.author),
                kind = escape(&m.kind),
                text = highlighted(m, &c.urgency.reasons),
            )
        })
        .collect();
    let reply = chat_reply_section(&ctx, &c, &who);
    let notes: String = c
        .notes
        .iter()
        .map(|n| {
            format!(
                "<li><span class=\"muted\">{} {}</span><br>{}</li>",
                local_time(&ctx, &n.at),
                escape(&n.author),
                escape(&n.text)
            )
        })
        .collect();
    let history: String = c
        .history
        .iter()
        .map(|h| {
            format!(
                "<li>{} {} <span class=\"muted\">{}</span></li>",
                local_time(&ctx, &h.at),
                escape(&h.action),
                escape(h.actor.as_deref().unwrap_or("system"))
            )
        })
        .collect();
    let links: String = c
        .linked_cases
        .iter()
        .map(|l| {
            format!(
                "<a href=\"/console/cases/{id}\">{reference}</a> \
                 <button type=\"button\" data-unlink=\"{id}\">unlink</button> ",
                id = l.id,
                reference = escape(&l.reference)
            )
        })
        .collect();
    let statuses: String = ["in_progress", "waiting", "referred", "closed"]
        .iter()
        .map(|s| format!("<option>{s}</option>"))
        .collect();
    let closing: String = CLOSING_REASONS
        .iter()
        .map(|s| format!("<option>{s}</option>"))
        .collect();
    let cb = &c.callback;
    let body = format!(
        "<p><strong id=\"case-reference\">{reference}</strong> · status <span id=\"case-status\">{status}</span> · \
         urgency <span class=\"{level}\" id=\"case-level\">{level}</span> (queue: {effective}) · held by <span id=\"case-holder\">{holder}</span></p>\
         <div data-case-id=\"{id}\" id=\"case-actions\"><button type=\"button\" data-action=\"claim\">Claim</button> \
         <button type=\"button\" data-action=\"renew\">Renew lease</button> <button type=\"button\" data-action=\"release\">Release to queue</button> \
         <span id=\"action-message\" class=\"muted\"></span></div>\
         <h2>Why this urgency</h2><ul>{reasons}</ul>{override_note}\
         <form id=\"urgency-form\" data-case-id=\"{id}\">Change the level: <select name=\"level\"><option>critical</option><option>high</option><option>medium</option><option>low</option></select> \
         reason <input name=\"reason\" required maxlength=\"2000\"> <button type=\"submit\">Set level</button></form>\
         <h2>Caller and call-back</h2><p>Caller: {caller} · language: {language} · where: {country} {area}</p>\
         <p>Call-back: {name} {phone} · safe hours: {hours} · {first} · {voicemail}</p><p>Linked cases (the same person; never automatic): {links}</p>\
         <form id=\"link-form\" data-case-id=\"{id}\">Same person as case <input name=\"reference\" required maxlength=\"64\" placeholder=\"reference\"> \
         <button type=\"submit\">Link</button></form>\
         <h2>Messages</h2><table><thead><tr><th>time</th><th>from</th><th>kind</th><th>text</th><th>delivery</th></tr></thead>\
         <tbody id=\"messages\" data-case-id=\"{id}\" data-count=\"{count}\">{messages}</tbody></table>{reply}\
         <h2>Notes</h2><ul id=\"notes\">{notes}</ul>\
         <form id=\"note-form\" data-case-id=\"{id}\"><textarea name=\"text\" required></textarea><button type=\"submit\">Add note</button></form>\
         <h2>Status</h2><form id=\"status-form\" data-case-id=\"{id}\"><select name=\"status\">{statuses}</select> \
         closing reason <select name=\"closing_reason\"><option value=\"\">—</option>{closing}</select> <button type=\"submit\">Change status</button></form>\
         <h2>History</h2><ul>{history}</ul>",
        id = c.id,
        count = c.messages.len(),
        reference = escape(&c.reference),
        status = escape(&c.status),
        level = c.urgency.level,
        effective = c.effective_level,
        holder = escape(
            c.holder
                .as_ref()
                .map(|h| h.email.as_str())
                .unwrap_or("nobody")
        ),
        caller = escape(&c.caller),
        language = escape(c.language.as_deref().unwrap_or("—")),
        country = escape(c.location.country.as_deref().unwrap_or("—")),
        area = escape(c.location.area.as_deref().unwrap_or("")),
        name = escape(cb.name.as_deref().unwrap_or("")),
        phone = escape(cb.phone.as_deref().unwrap_or("no number")),
        hours = escape(cb.safe_hours.as_deref().unwrap_or("not given")),
        first = if cb.never_contact_first {
            "never contact first"
        } else {
            "may be contacted"
        },
        voicemail = if cb.no_voicemail {
            "no voicemail"
        } else {
            "voicemail allowed"
        },
    );
    page_response(
        StatusCode::OK,
        &format!("Case {}", c.reference),
        Some(&who),
        &body,
    )
}

pub async fn phone_form(ctx: web::Data<AppContext>, req: HttpRequest) -> HttpResponse {
    let who = match signed_in(&ctx, &req).await {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    let questions = [
        ("minor", "Is anyone involved under 18?"),
        ("confinement", "Is the person held or locked in?"),
        ("documents_seized", "Were their documents taken?"),
        ("debt_bondage", "Do they owe a debt to the employer?"),
        ("injury_medical", "Are they injured or ill?"),
        ("threat_violence", "Are they threatened?"),
        ("abroad", "Are they abroad?"),
        ("at_sea", "Are they at sea?"),
    ];
    debug_assert_eq!(questions.len(), ANSWER_KEYS.len());
    let answers: String = questions
        .iter()
        .map(|(key, q)| {
            format!(
                "<label>{q} <select name=\"answers.{key}\"><option value=\"unknown\">unknown</option><option value=\"yes\">yes</option><option value=\"no\">no</option></select></label>"
            )
        })
        .collect();
    let body = format!(
        "<form id=\"phone-form\">\
         <label>Who is calling <select name=\"caller\"><option>victim</option><option>relative</option><option>friend</option>\
         <option>coworker</option><option>professional</option><option>anonymous</option></select></label>\
         <label>Language (BCP 47: th, lo, km, my, vi, zh, en…) <input name=\"language\" value=\"th\"></label>\
         <fieldset><legend>Where is the person at risk</legend><label>Country (ISO code) <input name=\"country\" maxlength=\"2\"></label>\
         <label>Province / city <input name=\"area\"></label></fieldset>\
         <label>What is happening (in the caller's words)<textarea name=\"narrative\" required></textarea></label>\
         <fieldset><legend>Quick indicators</legend>{answers}</fieldset>\
         <fieldset><legend>Call-back</legend><label>Name they want to be called <input name=\"callback_name\"></label>\
         <label>Phone <input name=\"callback_phone\" type=\"tel\"></label>\
         <div id=\"earlier-cases\"></div>\
         <label>When it is safe to call <input name=\"safe_hours\" placeholder=\"18:00-20:00\"></label>\
         <label><input type=\"checkbox\" name=\"never_contact_first\"> Never contact first</label>\
         <label><input type=\"checkbox\" name=\"no_voicemail\" checked> No voicemail</label></fieldset>\
         <button type=\"submit\" id=\"save-report\">Save report</button> <span id=\"form-error\" class=\"error\"></span></form>\
         <p id=\"saved\" hidden>Saved as <a id=\"saved-reference\" href=\"#\"></a>. It is in the queue.</p>"
    );
    page_response(StatusCode::OK, "Phone report", Some(&who), &body)
}

pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "no-cache"))
        .body(include_str!("app.js"))
}

/// The reply box for a chat case: saved safety scripts in the reporter's language, and, when a
/// safe-contact rule forbids writing now, the reason instead of a send button.
fn chat_reply_section(
    ctx: &AppContext,
    c: &crate::cases::CaseView,
    who: &crate::auth::Identity,
) -> String {
    let Some(chat) = &c.chat else {
        return "<p class=\"muted\">This case came by phone: call back within the safe-contact rules.</p>".into();
    };
    let window = chrono::Duration::hours(ctx.settings.conversation.reply_window_hours);
    let facts = crate::messaging::ContactFacts {
        chat_channel: &chat.channel,
        blocked: chat.blocked,
        unreachable: chat.unreachable,
        stopped: chat.step == "stopped",
        never_contact_first: c.callback.never_contact_first,
        allowed_channels: &c.callback.allowed_channels,
        last_inbound_at: chat.last_inbound_at,
    };
    let forbidden = crate::messaging::forbidden_reason(&facts, window, ctx.now());
    let pack = ctx.conversation.pack(c.language.as_deref().unwrap_or("en"));
    let scripts: String = pack
        .scripts
        .iter()
        .map(|(key, text)| {
            format!(
                "<option value=\"{}\">{}</option>",
                escape(text),
                escape(&key.replace('_', " "))
            )
        })
        .collect();
    let review = if pack.needs_native_review {
        " <span class=\"muted\">(these texts still need a native speaker's review)</span>"
    } else {
        ""
    };
    let block = if who.is_supervisor() {
        let (action, label) = if chat.blocked {
            ("unblock", "Unblock this chat")
        } else {
            ("block", "Block this chat")
        };
        format!(
            " <button type=\"button\" data-action=\"{action}\" id=\"block-chat\">{label}</button>"
        )
    } else {
        String::new()
    };
    let notice = match forbidden {
        Some(why) => format!(
            "<p id=\"reply-forbidden\" class=\"error\">Cannot write now: {}</p>",
            escape(why)
        ),
        None => String::new(),
    };
    format!(
        "<h2>Reply on {channel}</h2>{notice}\
         <form id=\"reply-form\" data-case-id=\"{id}\"><p>Safety scripts ({language}){review}: <select id=\"script-picker\"><option value=\"\">—</option>{scripts}</select></p>\
         <textarea name=\"text\" required maxlength=\"4000\"></textarea><button type=\"submit\" id=\"send-reply\"{disabled}>Send</button>{block}</form>",
        channel = escape(&chat.channel),
        id = c.id,
        language = escape(&pack.language_name),
        disabled = if forbidden.is_some() { " disabled" } else { "" },
    )
}

/// A message's text with the words that set a flag marked, so a counselor sees why at a glance.
/// Evidence offsets count characters of the text triage read (NFC; a Zawgyi message's Unicode
/// conversion), which is what is shown when there is evidence.
fn highlighted(m: &crate::cases::view::Message, reasons: &[crate::triage::Reason]) -> String {
    let Some(text) = m.text_converted.as_ref().or(m.text.as_ref()) else {
        return String::new();
    };
    let mut spans: Vec<(usize, usize, &str)> = reasons
        .iter()
        .flat_map(|r| {
            r.evidence
                .iter()
                .filter(|e| e.message_id == m.id)
                .map(move |e| (e.start, e.end, r.flag.as_deref().unwrap_or("")))
        })
        .collect();
    if spans.is_empty() {
        return escape(m.text.as_deref().unwrap_or(""));
    }
    spans.sort();
    let chars = crate::triage::normalize::prepare(text).chars;
    let mut out = String::new();
    let mut at = 0;
    for (start, end, flag) in spans {
        if start < at || end > chars.len() || start >= end {
            continue;
        }
        out.push_str(&escape(&chars[at..start].iter().collect::<String>()));
        out.push_str(&format!(
            "<mark title=\"{}\">{}</mark>",
            escape(flag),
            escape(&chars[start..end].iter().collect::<String>())
        ));
        at = end;
    }
    out.push_str(&escape(&chars[at..].iter().collect::<String>()));
    out
}
