//! Raw RFC 5322 bytes in, plain data out: who wrote, what they newly wrote, what they quoted,
//! what they attached, and whether a person wrote it at all.
//!
//! The app must never open a case for a bounce, an out-of-office answer or a message the
//! hotline sent itself (two auto-responders answering each other would fill the queue), so
//! every message is classified ([`EmailKind`]). Replies from police and shelters are threaded
//! by `In-Reply-To`/`References`; people replying from another client are threaded by the case
//! reference in the subject ([`find_case_reference`]).
//!
//! Nothing here logs, and nothing here panics on any input: the mailbox is written to by
//! strangers. [`ParseError`] names what was wrong, never what the message said.

use chrono::{DateTime, Utc};
use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What kind of sender produced a message. Only [`EmailKind::Normal`] may open or reopen a
/// case; the others are recorded and shown, never answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EmailKind {
    /// Written by a person (as far as the headers tell).
    Normal,
    /// A delivery failure report (DSN) from a mail server.
    Bounce,
    /// An out-of-office answer, a list or bulk mail, a read receipt: anything a machine sent
    /// on a person's behalf. Answering it would start a mail loop.
    AutoReply,
    /// The hotline's own message came back (our From address, or our loop header).
    Loop,
}

impl EmailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Bounce => "bounce",
            Self::AutoReply => "auto_reply",
            Self::Loop => "loop",
        }
    }
}

/// One attached (or inline) file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAttachment {
    /// The file name the sender's client gave, if any. Untrusted: never use it as a path.
    pub name: Option<String>,
    /// `type/subtype`, lowercase, without parameters (`application/octet-stream` if unsaid).
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: u64,
    /// The decoded content. Not serialised: attachments are stored apart from the message
    /// record (and can be megabytes, which as a JSON number array would be many times larger).
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// A parsed message, as plain data the app can record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedEmail {
    /// The Message-ID without `<>`. Absent on some hand-made or broken mail: then
    /// [`ParsedEmail::content_hash`] is the dedup key.
    pub message_id: Option<String>,
    /// Ids from `In-Reply-To`, without `<>` (usually one).
    pub in_reply_to: Vec<String>,
    /// Ids from `References`, without `<>`, oldest first.
    pub references: Vec<String>,
    pub subject: Option<String>,
    pub from_address: Option<String>,
    pub from_name: Option<String>,
    /// Where the sender asks answers to go (`Reply-To`), when it differs from From.
    pub reply_to: Option<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    /// The `Date` header, if it is a valid date. Sender-controlled: never trust it for ordering.
    pub date: Option<DateTime<Utc>>,
    /// What the sender newly wrote: plain text (HTML turned into text when there is no plain
    /// part), without quoted earlier messages and without the signature. Can be empty when the
    /// whole message is a quote or a forward; then `quoted_text` holds the content.
    pub new_text: String,
    /// What was cut from `new_text`: quoted replies, forwarded blocks, the signature.
    pub quoted_text: String,
    pub attachments: Vec<EmailAttachment>,
    pub kind: EmailKind,
    /// A case reference from the subject, like `HL-8F3K2` (see [`find_case_reference`]).
    pub case_reference: Option<String>,
    /// For a bounce: the Message-ID (without `<>`) of the message that could not be delivered,
    /// when the report includes its headers. Lets the app mark a referral as undelivered.
    pub bounced_message_id: Option<String>,
    /// SHA-256 of the raw bytes, lowercase hex (see [`content_hash`]).
    pub content_hash: String,
}

/// Why bytes could not be read as a message. Never carries the bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the message is empty")]
    Empty,
    #[error("the bytes are not an RFC 5322 message")]
    NotAMessage,
}

/// The header the hotline's [`crate::mailer::Mailer`] puts on everything it sends, so its own
/// messages are recognised when they come back.
pub const LOOP_HEADER: &str = "X-Hotline-Loop";

/// Parses one raw message. `own_addresses` are the hotline's own sending addresses: a message
/// from one of them is a [`EmailKind::Loop`]. Case is ignored when comparing addresses.
pub fn parse_email(raw: &[u8], own_addresses: &[&str]) -> Result<ParsedEmail, ParseError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(ParseError::NotAMessage)?;
    if message.parts.is_empty() {
        return Err(ParseError::NotAMessage);
    }

    let from = message.from().and_then(|a| a.first());
    let from_address = from
        .and_then(|a| a.address())
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty());
    let from_name = from
        .and_then(|a| a.name())
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    let reply_to = message
        .reply_to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .filter(|a| {
            from_address
                .as_deref()
                .is_none_or(|f| !f.eq_ignore_ascii_case(a))
        });

    let subject = message
        .subject()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let body = body_text(&message);
    let (new_text, quoted_text) = split_quoted(&body);

    let kind = classify(&message, from_address.as_deref(), own_addresses);
    let bounced_message_id = if kind == EmailKind::Bounce {
        bounced_message_id(&message)
    } else {
        None
    };

    Ok(ParsedEmail {
        message_id: message.message_id().and_then(clean_id),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        case_reference: subject.as_deref().and_then(find_case_reference),
        subject,
        from_address,
        from_name,
        reply_to,
        to: addresses(message.to()),
        cc: addresses(message.cc()),
        date: message
            .date()
            .filter(|d| d.is_valid())
            .and_then(|d| DateTime::from_timestamp(d.to_timestamp(), 0)),
        new_text,
        quoted_text,
        attachments: attachments(&message),
        kind,
        bounced_message_id,
        content_hash: content_hash(raw),
    })
}

/// SHA-256 of the raw message, lowercase hex: the dedup key for messages without a Message-ID.
pub fn content_hash(raw: &[u8]) -> String {
    hex::encode(Sha256::digest(raw))
}

/// The first case reference in a subject: `[HL-` then 4 to 8 of `A-Z0-9` then `]`, returned
/// without the brackets (`"Re: [HL-8F3K2] help"` → `Some("HL-8F3K2")`). Only this exact form
/// counts, so a reporter's own text cannot accidentally attach their mail to a stranger's case
/// (references are random, and the app still checks the sender).
pub fn find_case_reference(subject: &str) -> Option<String> {
    let mut rest = subject;
    while let Some(start) = rest.find("[HL-") {
        let after = &rest[start + 4..];
        let code: String = after
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            .collect();
        if (4..=8).contains(&code.len()) && after[code.len()..].starts_with(']') {
            return Some(format!("HL-{code}"));
        }
        rest = after;
    }
    None
}

/// Splits a plain-text body into what the sender newly wrote and what was cut: quoted lines
/// (`>`), the quoted message under an attribution line ("On … wrote:" in English, Thai,
/// Vietnamese and Chinese forms), Outlook's "-----Original Message-----" and "From: … Sent: …"
/// blocks, and the signature (a `-- ` line and everything after it). Forwarded messages are
/// kept: a forward to the hotline is usually the report itself.
///
/// Interleaved replies keep their new lines: only the `>` lines are cut. When an attribution
/// line is followed by unquoted text (Outlook, or HTML turned into text), everything from it
/// on is cut.
pub fn split_quoted(text: &str) -> (String, String) {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.split('\n').collect();
    let mut new: Vec<&str> = Vec::new();
    let mut quoted: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if is_quoted_line(line) {
            quoted.push(line);
            i += 1;
            continue;
        }
        if is_signature_line(line) || is_original_message_line(line) {
            quoted.extend_from_slice(&lines[i..]);
            break;
        }
        if is_outlook_header(&lines, i) {
            // Outlook draws a line of underscores just above the header: it belongs to the quote.
            if let Some(last) = new.iter().rposition(|l| !l.trim().is_empty())
                && is_rule_line(new[last])
            {
                quoted.extend(new.drain(last..));
            }
            quoted.extend_from_slice(&lines[i..]);
            break;
        }
        if let Some(span) = attribution_span(&lines, i) {
            let next_text = lines[i + span..].iter().find(|l| !l.trim().is_empty());
            if next_text.is_some_and(|l| is_quoted_line(l)) {
                // A normal quote follows: the `>` lines are cut one by one, and text written
                // below the quote (bottom-posting) stays new.
                quoted.extend_from_slice(&lines[i..i + span]);
                i += span;
                continue;
            }
            quoted.extend_from_slice(&lines[i..]);
            break;
        }
        new.push(line);
        i += 1;
    }
    (tidy(&new, true), tidy(&quoted, false))
}

// ---------------------------------------------------------------------------------------------
// Classification

/// `help@x.org` from `Help desk <help@x.org>`: the hotline's From may carry a display name.
fn bare_address(mailbox: &str) -> &str {
    mailbox
        .rsplit_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map_or(mailbox, |(address, _)| address)
        .trim()
}

fn classify(message: &Message<'_>, from: Option<&str>, own_addresses: &[&str]) -> EmailKind {
    let ours = from.is_some_and(|f| {
        own_addresses
            .iter()
            .map(|own| bare_address(own))
            .any(|own| !own.is_empty() && own.eq_ignore_ascii_case(f))
    });
    if ours || header_text(message, LOOP_HEADER).is_some() {
        return EmailKind::Loop;
    }
    if is_bounce(message, from) {
        return EmailKind::Bounce;
    }
    if is_auto_reply(message) {
        return EmailKind::AutoReply;
    }
    EmailKind::Normal
}

fn is_bounce(message: &Message<'_>, from: Option<&str>) -> bool {
    let report_type = message
        .content_type()
        .filter(|ct| {
            ct.ctype().eq_ignore_ascii_case("multipart")
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("report"))
        })
        .and_then(|ct| ct.attribute("report-type"));
    if report_type.is_some_and(|t| t.eq_ignore_ascii_case("delivery-status")) {
        return true;
    }
    let from_daemon = from.and_then(|f| f.split('@').next()).is_some_and(|local| {
        local.eq_ignore_ascii_case("mailer-daemon") || local.eq_ignore_ascii_case("postmaster")
    });
    from_daemon
        && message.parts.iter().any(|part| {
            part.content_type().is_some_and(|ct| {
                ct.ctype().eq_ignore_ascii_case("message")
                    && ct.subtype().is_some_and(|s| {
                        s.eq_ignore_ascii_case("delivery-status")
                            || s.eq_ignore_ascii_case("global-delivery-status")
                    })
            })
        })
}

/// Out-of-office subjects as Outlook, Gmail and Exchange write them, in the hotline's
/// languages. Compared at the start of the subject only: "Re: Out of office" is a person.
const AUTO_REPLY_SUBJECTS: &[&str] = &[
    "out of office",
    "out of the office",
    "automatic reply",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto:",
    "ตอบกลับอัตโนมัติ",
    "trả lời tự động",
    "自动回复",
    "自动答复",
    "自動回覆",
    "自動答覆",
];

fn is_auto_reply(message: &Message<'_>) -> bool {
    if let Some(value) = header_text(message, "Auto-Submitted") {
        let value = value.split(';').next().unwrap_or_default().trim();
        if !value.eq_ignore_ascii_case("no") {
            return true;
        }
    }
    if header_text(message, "Precedence").is_some_and(|p| {
        let p = p.trim();
        ["bulk", "junk", "list"]
            .iter()
            .any(|v| p.eq_ignore_ascii_case(v))
    }) {
        return true;
    }
    if header_text(message, "X-Autoreply").is_some()
        || header_text(message, "X-Autorespond").is_some()
    {
        return true;
    }
    // Read receipts (RFC 8098) are machine-made as well.
    if message.content_type().is_some_and(|ct| {
        ct.attribute("report-type")
            .is_some_and(|t| t.eq_ignore_ascii_case("disposition-notification"))
    }) {
        return true;
    }
    message.subject().is_some_and(|s| {
        let s = s.trim_start().to_lowercase();
        AUTO_REPLY_SUBJECTS.iter().any(|p| s.starts_with(p))
    })
}

/// The Message-ID of the message a bounce reports on, from the returned message or its
/// headers (`message/rfc822` or `text/rfc822-headers`).
fn bounced_message_id(message: &Message<'_>) -> Option<String> {
    message.parts.iter().find_map(|part| match &part.body {
        PartType::Message(returned) => returned.message_id().and_then(clean_id),
        PartType::Text(text)
            if part.content_type().is_some_and(|ct| {
                ct.subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("rfc822-headers"))
            }) =>
        {
            MessageParser::default()
                .parse_headers(text.as_bytes())
                .and_then(|headers| headers.message_id().and_then(clean_id))
        }
        _ => None,
    })
}

/// A header's value as text (first occurrence), for headers mail-parser does not model.
fn header_text(message: &Message<'_>, name: &str) -> Option<String> {
    let header = message
        .headers()
        .iter()
        .find(|h| h.name.as_str().eq_ignore_ascii_case(name))?;
    match &header.value {
        HeaderValue::Text(text) => Some(text.trim().to_owned()),
        HeaderValue::TextList(list) => Some(list.join(" ")),
        // Present but empty, or parsed as something else: still present.
        _ => Some(String::new()),
    }
}

// ---------------------------------------------------------------------------------------------
// Addresses and ids

fn clean_id(id: &str) -> Option<String> {
    let id = id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    (!id.is_empty()).then(|| id.to_owned())
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => id.split_whitespace().filter_map(clean_id).collect(),
        HeaderValue::TextList(list) => list.iter().filter_map(|id| clean_id(id)).collect(),
        _ => Vec::new(),
    }
}

fn addresses(address: Option<&Address<'_>>) -> Vec<String> {
    address
        .map(|a| {
            a.iter()
                .filter_map(|a| a.address())
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Body and attachments

/// The message's text: every inline text part in order, plain text where the sender's client
/// offered it, HTML turned into text where it did not.
fn body_text(message: &Message<'_>) -> String {
    let mut out = String::new();
    for part in message.text_bodies() {
        let text = match &part.body {
            PartType::Text(text) => text.to_string(),
            PartType::Html(html) => html_to_text(html),
            _ => continue,
        };
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&text);
    }
    out
}

fn attachments(message: &Message<'_>) -> Vec<EmailAttachment> {
    message
        .attachments()
        .map(|part| {
            let bytes = part.contents().to_vec();
            let content_type = part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub),
                    None => ct.ctype().to_owned(),
                })
                .unwrap_or_else(|| match part.body {
                    PartType::Text(_) => "text/plain".to_owned(),
                    PartType::Html(_) => "text/html".to_owned(),
                    PartType::Message(_) => "message/rfc822".to_owned(),
                    _ => "application/octet-stream".to_owned(),
                })
                .to_ascii_lowercase();
            EmailAttachment {
                name: part
                    .attachment_name()
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty()),
                content_type,
                size: bytes.len() as u64,
                bytes,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Quote detection

fn is_quoted_line(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

fn is_signature_line(line: &str) -> bool {
    // "-- " is the standard; many clients drop the trailing space.
    line == "-- " || line == "--" || line == "-- \u{a0}" || line == "--\u{a0}"
}

fn is_rule_line(line: &str) -> bool {
    let line = line.trim();
    line.len() >= 8 && line.chars().all(|c| c == '_' || c == '-')
}

fn is_original_message_line(line: &str) -> bool {
    let squeezed: String = line
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_lowercase();
    line.trim_start().starts_with("--")
        && matches!(
            squeezed.as_str(),
            "originalmessage"
                | "ursprünglichenachricht"
                | "messageoriginal"
                | "ข้อความต้นฉบับ"
                | "thưgốc"
                | "原始邮件"
                | "原始郵件"
        )
}

/// Outlook's quoted-header labels: (From, Sent/Date), in English, Thai, Vietnamese and
/// Chinese (simplified and traditional) Outlook.
const OUTLOOK_FROM: &[&str] = &[
    "from:",
    "จาก:",
    "từ:",
    "发件人:",
    "发件人：",
    "寄件者:",
    "寄件者：",
];
const OUTLOOK_SENT: &[&str] = &[
    "sent:",
    "date:",
    "ส่ง:",
    "วันที่:",
    "đã gửi:",
    "ngày:",
    "发送时间:",
    "发送时间：",
    "日期:",
    "日期：",
    "寄件日期:",
    "寄件日期：",
    "傳送時間:",
    "傳送時間：",
];

/// Whether line `i` starts an Outlook quoted header: a From line with a Sent/Date line within
/// the next three lines.
fn is_outlook_header(lines: &[&str], i: usize) -> bool {
    let starts_with_any = |line: &str, labels: &[&str]| {
        let line = line.trim_start().trim_start_matches('*').to_lowercase();
        labels.iter().any(|l| line.starts_with(l))
    };
    starts_with_any(lines[i], OUTLOOK_FROM)
        && lines[i + 1..]
            .iter()
            .take(3)
            .any(|l| starts_with_any(l, OUTLOOK_SENT))
}

/// Endings of attribution lines, as Gmail, Apple Mail, Thunderbird and Outlook write them.
const ATTRIBUTION_ENDS: &[&str] = &[
    "wrote:",
    "writes:",
    "เขียนว่า:",
    "เขียน:",
    "đã viết:",
    "viết:",
    "写道:",
    "写道：",
    "寫道:",
    "寫道：",
];
/// Starts of attribution lines that may wrap onto a second line ("On Mon, 3 Jun 2024, A B
/// <a@b>" / "wrote:").
const ATTRIBUTION_STARTS: &[&str] = &["on ", "เมื่อ", "vào ", "le ", "am "];

/// How many lines the attribution starting at line `i` takes (1 or 2), if it is one.
///
/// Mail clients put an address or a time in it ("On Mon, 3 Jun 2024 at 10:00, A <a@b>
/// wrote:"); a person's own "On Monday my boss wrote:" has neither, and stays new text.
fn attribution_span(lines: &[&str], i: usize) -> Option<usize> {
    let ends = |line: &str| {
        let line = line.trim_end().to_lowercase();
        ATTRIBUTION_ENDS.iter().any(|e| line.ends_with(e))
    };
    let looks_generated = |text: &str| text.contains('@') || has_clock_time(text);
    let line = lines[i].trim();
    if line.is_empty() || line.chars().count() > 300 {
        return None;
    }
    if ends(line) && looks_generated(line) {
        return Some(1);
    }
    let lower = line.to_lowercase();
    if ATTRIBUTION_STARTS.iter().any(|s| lower.starts_with(s)) {
        let next = lines.get(i + 1)?.trim();
        if ends(next) && next.chars().count() <= 200 && looks_generated(&format!("{line} {next}")) {
            return Some(2);
        }
    }
    None
}

/// Whether `text` holds a time like `9:05` or `10:00`.
fn has_clock_time(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(4).any(|w| {
        w[0].is_ascii_digit() && w[1] == ':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
    })
}

/// Lines joined back, without blank lines at either end; trailing spaces are dropped from new
/// text (format=flowed leaves them) and kept in the cut part (the signature line is "-- ").
fn tidy(lines: &[&str], trim_line_ends: bool) -> String {
    let joined = lines
        .iter()
        .map(|l| if trim_line_ends { l.trim_end() } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    joined.trim_start_matches('\n').trim_end().to_owned()
}

// ---------------------------------------------------------------------------------------------
// HTML to text

/// Turns an HTML body into text with `html2text` (a real HTML parser): block elements become
/// lines, `<blockquote>` content is prefixed with `> ` (so quoted replies are found as in plain
/// text), `head`, `style` and `script` are dropped. Non-breaking spaces become spaces and blank
/// lines are kept single, so the text reads like a plain-text mail.
fn html_to_text(html: &str) -> String {
    // Wide enough that nothing a person wrote is wrapped.
    const WIDTH: usize = 100_000;
    let text = html2text::config::plain()
        .string_from_read(html.as_bytes(), WIDTH)
        .unwrap_or_default()
        .replace('\u{a0}', " ");
    let mut out = String::with_capacity(text.len());
    let mut blank = true;
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        // A paragraph break stays, except before a quote (the attribution line leads into it).
        if blank && !out.is_empty() && !line.starts_with('>') {
            out.push('\n');
        }
        out.push_str(line);
        blank = false;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Image metadata

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_references_need_the_exact_form() {
        assert_eq!(
            find_case_reference("Re: [HL-8F3K2] help"),
            Some("HL-8F3K2".into())
        );
        assert_eq!(find_case_reference("[HL-ABCD]"), Some("HL-ABCD".into()));
        assert_eq!(
            find_case_reference("[HL-ABCDEFGH]"),
            Some("HL-ABCDEFGH".into())
        );
        assert_eq!(find_case_reference("[HL-ABC]"), None);
        assert_eq!(find_case_reference("[HL-ABCDEFGHI]"), None);
        assert_eq!(find_case_reference("[hl-8f3k2]"), None);
        assert_eq!(find_case_reference("HL-8F3K2"), None);
        assert_eq!(find_case_reference("[HL-8F3K2"), None);
        assert_eq!(
            find_case_reference("[HL-x] then [HL-2222]"),
            Some("HL-2222".into())
        );
        assert_eq!(find_case_reference("[HL-ไทย1]"), None);
    }

    #[test]
    fn content_hash_is_sha256_hex() {
        assert_eq!(
            content_hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn top_posted_reply_with_signature() {
        let (new, quoted) = split_quoted(
            "Thank you, we will check.\n\n-- \nOfficer\nUnit 5\n\nOn Mon, 3 Jun 2024 at 10:00, Hotline <h@example.org> wrote:\n> referral",
        );
        assert_eq!(new, "Thank you, we will check.");
        assert!(quoted.starts_with("-- \nOfficer"));
        assert!(quoted.ends_with("> referral"));
    }

    #[test]
    fn wrapped_english_attribution_is_cut() {
        let (new, quoted) = split_quoted(
            "Yes.\n\nOn Mon, 3 Jun 2024 at 10:00, Some One\n<someone@example.org> wrote:\n\nold text",
        );
        assert_eq!(new, "Yes.");
        assert!(quoted.ends_with("old text"));
    }

    #[test]
    fn thai_vietnamese_and_chinese_attributions_are_cut() {
        for attribution in [
            "เมื่อ วันจันทร์ที่ 3 มิ.ย. 2567 เวลา 10:00 สายด่วน <h@example.org> เขียนว่า:",
            "Vào Th 2, 3 thg 6, 2024 vào lúc 10:00 Đường dây nóng <h@example.org> đã viết:",
            "热线 <h@example.org> 于2024年6月3日周一 10:00写道：",
            "熱線 <h@example.org> 於 2024年6月3日 週一 上午10:00寫道：",
        ] {
            let (new, quoted) = split_quoted(&format!("new words\n\n{attribution}\nold words"));
            assert_eq!(new, "new words", "{attribution}");
            assert!(quoted.starts_with(attribution), "{attribution}");
        }
    }

    #[test]
    fn interleaved_and_bottom_posted_replies_keep_new_lines() {
        let (new, quoted) = split_quoted(
            "On Mon, A <a@example.org> wrote:\n> question one\nanswer one\n> question two\nanswer two",
        );
        assert_eq!(new, "answer one\nanswer two");
        assert_eq!(
            quoted,
            "On Mon, A <a@example.org> wrote:\n> question one\n> question two"
        );
    }

    #[test]
    fn outlook_blocks_are_cut() {
        let (new, quoted) = split_quoted(
            "Received.\n\n________________________________\nFrom: Hotline <h@example.org>\nSent: Monday, June 3, 2024 10:00\nTo: Police\nSubject: Referral\n\nold",
        );
        assert_eq!(new, "Received.");
        assert!(quoted.starts_with("________________"));
        let (new, quoted) = split_quoted("Noted.\n\n-----Original Message-----\nFrom: x\nold text");
        assert_eq!(new, "Noted.");
        assert!(quoted.starts_with("-----Original Message-----"));
        let (new, _) = split_quoted("ได้รับแล้ว\n\nจาก: สายด่วน\nส่ง: 3 มิถุนายน 2567\nold");
        assert_eq!(new, "ได้รับแล้ว");
    }

    #[test]
    fn a_persons_own_wrote_line_is_not_an_attribution() {
        let text = "On Monday my boss wrote:\nYou owe us 3000 baht.";
        assert_eq!(split_quoted(text), (text.to_owned(), String::new()));
        let (new, _) = split_quoted("ok\n\nOn 6/3/24 9:05 AM, Hotline wrote:\nold");
        assert_eq!(new, "ok");
    }

    #[test]
    fn a_from_line_in_the_story_is_not_a_quote() {
        let text = "From: my village I went to Bangkok.\nThey took my passport.";
        assert_eq!(split_quoted(text), (text.to_owned(), String::new()));
    }

    #[test]
    fn html_becomes_text_with_quotes_marked() {
        let text = html_to_text(
            "<html><head><style>p{}</style></head><body><div>Hello&nbsp;there &amp; you</div><div>line&#32;two<br></div>\
             <div class=\"gmail_quote\"><div>On Mon, A &lt;a@example.org&gt; wrote:</div><blockquote>old<br>older</blockquote></div>\
             <script>x()</script><!-- c --></body></html>",
        );
        assert_eq!(
            text,
            "Hello there & you\nline two\nOn Mon, A <a@example.org> wrote:\n> old\n> older"
        );
        let (new, quoted) = split_quoted(&text);
        assert_eq!(new, "Hello there & you\nline two");
        assert!(quoted.contains("> older"));
    }
}
