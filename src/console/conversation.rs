//! A case's messages as a conversation: the reporter's messages on one side, the bot's and
//! counselors' on the other with their delivery state, and runs of bot messages (greetings,
//! safety notices, questions) folded so the person's own words stand out.

use chrono_tz::Tz;

use super::clock_text::local_time;
use crate::cases::view::{CaseView, Message};
use crate::i18n::Tr;
use crate::triage::Reason;

pub static AUTHORS: &[&str] = &["reporter", "bot", "counselor"];
pub static DELIVERIES: &[&str] = &["received", "queued", "sent", "failed", "cancelled"];

/// One message as a speech bubble.
#[derive(Debug)]
pub struct Bubble {
    /// `theirs` (the reporter) or `ours` (bot, counselor).
    pub side: &'static str,
    pub author: String,
    pub time: String,
    /// Escaped HTML with the words that set a flag marked.
    pub html: String,
    /// A button the person pressed (their answer), shown as theirs.
    pub tapped: bool,
    /// Buttons offered with a bot question.
    pub buttons: Vec<String>,
    pub delivery: Option<String>,
    pub delivery_class: &'static str,
    pub delivery_error: Option<String>,
    pub subject: Option<String>,
    pub quoted: Option<String>,
    pub attachments: Vec<AttachmentLink>,
}

#[derive(Debug)]
pub struct AttachmentLink {
    pub href: Option<String>,
    pub label: String,
    /// Its metadata could not be removed: marked, and downloaded only after a warning.
    pub metadata_kept: bool,
}

/// Consecutive bubbles shown together; bot runs are folded.
#[derive(Debug)]
pub struct Turn {
    pub folded: bool,
    pub bubbles: Vec<Bubble>,
}

pub fn turns(case: &CaseView, t: &Tr, zone: Tz) -> Vec<Turn> {
    let mut turns: Vec<Turn> = Vec::new();
    for m in &case.messages {
        let bubble = bubble(m, &case.urgency.reasons, t, zone);
        let is_bot = m.author == "bot";
        match turns.last_mut() {
            Some(last) if last.folded && is_bot => last.bubbles.push(bubble),
            _ => turns.push(Turn {
                folded: is_bot,
                bubbles: vec![bubble],
            }),
        }
    }
    turns
}

fn bubble(m: &Message, reasons: &[Reason], t: &Tr, zone: Tz) -> Bubble {
    let inbound = m.direction == "inbound";
    let delivery = (!inbound).then(|| t.get_or(&format!("delivery-{}", m.delivery), &m.delivery));
    let attachments = m
        .attachments
        .iter()
        .map(|a| {
            let label = format!(
                "{} ({}, {})",
                a.name.as_deref().unwrap_or("file"),
                a.content_type,
                t.with("bytes", "count", a.byte_size.unwrap_or(0))
            );
            AttachmentLink {
                href: a.stored.then(|| format!("/api/v1/attachments/{}", a.id)),
                label,
                metadata_kept: a.metadata_kept,
            }
        })
        .collect();
    Bubble {
        side: if inbound { "theirs" } else { "ours" },
        author: t.get_or(&format!("author-{}", m.author), &m.author),
        time: local_time(m.at, zone),
        html: highlighted(m, reasons),
        tapped: inbound && m.kind == "choice",
        buttons: m.buttons.clone(),
        delivery_class: match m.delivery.as_str() {
            "failed" | "cancelled" => "failed",
            "queued" => "queued",
            _ => "ok",
        },
        delivery,
        delivery_error: m.delivery_error.clone().filter(|_| m.delivery != "sent"),
        subject: m.subject.clone(),
        quoted: m.quoted.clone(),
        attachments,
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A message's text, escaped, with the words that set a flag marked, so a counselor sees why
/// at a glance. Evidence offsets count characters of the text triage read (NFC; a Zawgyi
/// message's Unicode conversion), which is what is shown when there is evidence.
pub fn highlighted(m: &Message, reasons: &[Reason]) -> String {
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
            "<mark data-flag=\"{}\">{}</mark>",
            escape(flag),
            escape(&chars[start..end].iter().collect::<String>())
        ));
        at = end;
    }
    out.push_str(&escape(&chars[at..].iter().collect::<String>()));
    out
}
