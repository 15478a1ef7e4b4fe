//! The full case, decrypted for staff: what `GET /api/v1/cases/{id}` returns.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::CaseError;
use crate::auth::audit::HistoryEntry;
use crate::crypto::{Binding, KeyRing};
use crate::domain::{CaseId, Level, MessageId, UserId};
use crate::safe_contact::{SafeContactError, SafeContactView};
use crate::triage::Reason;

#[derive(Debug, Serialize)]
pub struct CaseView {
    /// Always "full": the whole case (see `privacy::CaseOutline` for the other view).
    pub view: &'static str,
    pub id: CaseId,
    pub reference: String,
    pub status: String,
    pub closing_reason: Option<String>,
    pub channel: String,
    pub caller: String,
    pub language: Option<String>,
    pub location: Location,
    /// The quick answers as given (`{"minor": "yes", ...}`): by the caller on the phone form,
    /// or by the person's own taps in the chat.
    pub answers: serde_json::Value,
    /// The case record (issue 14), once a counselor wrote one.
    pub record: Option<crate::referrals::CaseRecord>,
    pub urgency: Urgency,
    pub effective_level: Level,
    pub holder: Option<Holder>,
    #[serde(with = "crate::domain::time::option")]
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// Seconds until the lease ends, by the server's clock (pages count down from it).
    pub lease_seconds_left: Option<i64>,
    /// The lease ends within `queue.lease_warning_seconds`: the holder is warned.
    pub lease_ending_soon: bool,
    #[serde(with = "crate::domain::time")]
    pub waiting_since: DateTime<Utc>,
    #[serde(with = "crate::domain::time")]
    pub created_at: DateTime<Utc>,
    pub callback: Callback,
    /// The person's safe-contact rules in force (code word and cover story withheld here; the
    /// case route shows them to whoever may act on the case: `reveal_safe_contact`).
    pub safe_contact: SafeContactView,
    #[serde(skip)]
    pub safe_contact_rules: crate::safe_contact::Current,
    /// The case's callbacks, newest first (the case route fills them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callbacks: Option<Vec<crate::callbacks::CallbackView>>,
    /// The chat the case talks on (absent for phone cases).
    pub chat: Option<ChatInfo>,
    pub messages: Vec<Message>,
    pub notes: Vec<Note>,
    pub linked_cases: Vec<LinkedCase>,
    /// The mass rescue event the case belongs to (issue 18), if any.
    pub rescue_event: Option<crate::rescue_events::EventBadge>,
    pub history: Vec<HistoryEntry>,
    /// Legal hold, erasure and forget-me requests (`crate::retention`).
    pub retention: RetentionState,
}

/// What retention and forget-me did or may do to the case.
#[derive(Debug, Default, Serialize)]
pub struct RetentionState {
    /// The case is kept whole: retention and forget-me leave it.
    pub legal_hold: Option<crate::retention::legal_hold::LegalHold>,
    /// When the personal fields were erased (retention or forget-me).
    #[serde(with = "crate::domain::time::option")]
    pub personal_erased_at: Option<DateTime<Utc>>,
    /// The person asked to be forgotten while the case was held: it was kept; nothing more is
    /// sent to them unless they write again.
    #[serde(with = "crate::domain::time::option")]
    pub forget_requested_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct Location {
    pub country: Option<String>,
    pub area: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Urgency {
    pub level: Level,
    pub flags: Vec<String>,
    pub reasons: Vec<Reason>,
    pub rules_version: String,
    /// What the rules gave, when a counselor's choice is shown instead.
    pub automatic_level: Option<Level>,
    /// A counselor's choice of level, with their reason.
    #[serde(rename = "override")]
    pub counselor_override: Option<UrgencyOverride>,
}

#[derive(Debug, Serialize)]
pub struct UrgencyOverride {
    pub level: Level,
    pub reason: String,
    pub by: Option<String>,
    #[serde(with = "crate::domain::time::option")]
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct Holder {
    pub id: Uuid,
    pub email: String,
}

#[derive(Debug, Serialize)]
pub struct Callback {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub safe_hours: Option<String>,
    pub allowed_channels: Vec<String>,
    pub never_contact_first: bool,
    pub no_voicemail: bool,
}

#[derive(Debug, Serialize)]
pub struct ChatInfo {
    pub channel: String,
    /// Where the bot's conversation stands (`with_counselor` once a counselor wrote).
    pub step: String,
    pub blocked: bool,
    /// The person blocked the bot or left.
    pub unreachable: bool,
    #[serde(with = "crate::domain::time::option")]
    pub last_inbound_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct Message {
    pub id: MessageId,
    pub direction: String,
    pub channel: String,
    /// text, choice, contact, location, attachment, edit, unsupported.
    pub kind: String,
    /// reporter, bot or counselor.
    pub author: String,
    pub text: Option<String>,
    /// The Unicode text triage read, when the original was Burmese typed in Zawgyi.
    pub text_converted: Option<String>,
    /// Buttons offered with a bot message (labels as the person saw them).
    pub buttons: Vec<String>,
    #[serde(with = "crate::domain::time")]
    pub at: DateTime<Utc>,
    /// received (inbound); queued, sent or failed (outbound).
    pub delivery: String,
    /// Why a send failed or is being retried.
    pub delivery_error: Option<String>,
    /// For an edit: the message it replaces.
    pub edit_of: Option<MessageId>,
    /// For an email: its subject, and what it quoted or signed below the new text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quoted: Option<String>,
    /// Files that came with it (downloaded one by one, images without their metadata).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentInfo>,
}

#[derive(Debug, Serialize)]
pub struct Note {
    pub id: Uuid,
    pub author: String,
    pub text: String,
    #[serde(with = "crate::domain::time")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct LinkedCase {
    pub id: CaseId,
    pub reference: String,
}

#[derive(Debug, Serialize)]
pub struct AttachmentInfo {
    pub id: Uuid,
    pub content_type: String,
    pub byte_size: Option<i64>,
    pub name: Option<String>,
    /// False when only the name, type and size were kept (over the size limit, or a chat
    /// platform's file that was never fetched).
    pub stored: bool,
    /// True when the file's metadata could not be removed (HEIC, video, PDF, any file but a
    /// JPEG, PNG or WebP image): it may say where it was made and on which device, so it can
    /// identify the reporter. Downloaded only with `?acknowledge=metadata`, after a warning.
    pub metadata_kept: bool,
}

struct AttachmentRow {
    id: Uuid,
    message_id: MessageId,
    content_type: String,
    byte_size: Option<i64>,
    file_name_enc: Option<Vec<u8>>,
    stored: bool,
    metadata_kept: bool,
}

struct MessageRow {
    id: MessageId,
    direction: String,
    channel: String,
    kind: String,
    author_kind: String,
    text_enc: Option<Vec<u8>>,
    text_converted_enc: Option<Vec<u8>>,
    choices: Option<serde_json::Value>,
    at: DateTime<Utc>,
    delivery: String,
    delivery_error: Option<String>,
    version_of: Option<MessageId>,
    subject_enc: Option<Vec<u8>>,
    quoted_enc: Option<Vec<u8>>,
}

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: CaseId,
    reference: String,
    status: String,
    closing_reason: Option<String>,
    channel: String,
    caller: String,
    language: Option<String>,
    country: Option<String>,
    area_enc: Option<Vec<u8>>,
    urgency_level: String,
    urgency_rank: i16,
    urgency_flags: Vec<String>,
    urgency_reasons_enc: Vec<u8>,
    rules_version: String,
    effective_rank: i16,
    waiting_since: DateTime<Utc>,
    holder_id: Option<Uuid>,
    holder_email: Option<String>,
    lease_expires_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    reporter_id: Uuid,
    name_enc: Option<Vec<u8>>,
    phone_enc: Option<Vec<u8>>,
    allowed_channels: Vec<String>,
    never_contact_first: bool,
    no_voicemail: bool,
    chat_channel: Option<String>,
    chat_step: Option<String>,
    chat_blocked: Option<bool>,
    chat_unreachable: Option<bool>,
    chat_last_inbound_at: Option<DateTime<Utc>>,
    urgency_auto_level: Option<String>,
    urgency_override_level: Option<String>,
    urgency_override_reason_enc: Option<Vec<u8>>,
    override_by_email: Option<String>,
    urgency_override_at: Option<DateTime<Utc>>,
    answers: serde_json::Value,
    rescue_event_id: Option<Uuid>,
    rescue_event_name: Option<String>,
    record_enc: Option<Vec<u8>>,
    personal_erased_at: Option<DateTime<Utc>>,
    forget_requested_at: Option<DateTime<Utc>>,
    hold_reason_enc: Option<Vec<u8>>,
    hold_placed_by: Option<String>,
    hold_placed_at: Option<DateTime<Utc>>,
}

/// What a case view reads, before it is opened and assembled.
struct Read {
    row: Option<CaseRow>,
    messages: Vec<MessageRow>,
    attachments: Vec<AttachmentRow>,
    notes: Vec<NoteRow>,
    linked_cases: Vec<LinkedCase>,
    history: Vec<HistoryEntry>,
}

type NoteRow = (Uuid, String, Vec<u8>, DateTime<Utc>);

/// A message as the view's statement returns it: one element of an array of records, as two
/// records of seven (sqlx decodes records of up to nine fields).
type MessageRecord = (
    (
        MessageId,
        String,
        String,
        String,
        String,
        Option<Vec<u8>>,
        Option<Vec<u8>>,
    ),
    (
        Option<serde_json::Value>,
        DateTime<Utc>,
        String,
        Option<String>,
        Option<MessageId>,
        Option<Vec<u8>>,
        Option<Vec<u8>>,
    ),
);
type AttachmentRecord = (
    Uuid,
    MessageId,
    String,
    Option<i64>,
    Option<Vec<u8>>,
    bool,
    bool,
);
type HistoryRecord = (String, Option<String>, serde_json::Value, DateTime<Utc>);

/// The case row as the view's statement returns it: the row, its safe-contact columns and the
/// case's lists, each an array of records in its display order.
#[derive(sqlx::FromRow)]
struct ViewRow {
    #[sqlx(flatten)]
    case: CaseRow,
    safe_hours: Option<String>,
    safe_contact_enc: Option<Vec<u8>>,
    safe_contact_version: i32,
    safe_contact_updated_at: Option<DateTime<Utc>>,
    safe_contact_source: Option<String>,
    safe_contact_updated_by: Option<String>,
    messages: Vec<MessageRecord>,
    attachments: Vec<AttachmentRecord>,
    notes: Vec<NoteRow>,
    linked_cases: Vec<(CaseId, String)>,
    history: Vec<HistoryRecord>,
}

/// The whole case view as one statement (issue 18: the read-back after a phone report or a
/// claim was seven statements): the case row with everything that has at most one row per case
/// (the reporter and their safe-contact rules, the chat, the holder, the rescue event, the case
/// record, the legal hold), and its messages, attachments, notes, links and history as arrays
/// of records, each in the order the view shows them.
fn case_view_sql() -> String {
    use crate::queue::{EFFECTIVE_RANK, HELD};
    format!(
        "SELECT c.id, c.reference, c.status, c.closing_reason, c.channel, c.caller, c.language, c.country,
                c.area_enc, c.urgency_level, c.urgency_rank, c.urgency_flags, c.urgency_reasons_enc, c.rules_version,
                ({EFFECTIVE_RANK})::int2 AS effective_rank, c.waiting_since,
                CASE WHEN {HELD} THEN c.holder_id END AS holder_id,
                CASE WHEN {HELD} THEN u.email END AS holder_email,
                CASE WHEN {HELD} THEN c.lease_expires_at END AS lease_expires_at,
                c.created_at, r.id AS reporter_id, r.name_enc, r.phone_enc, r.allowed_channels,
                r.never_contact_first, r.no_voicemail,
                i.channel AS chat_channel, i.conversation->>'step' AS chat_step,
                (i.blocked_at IS NOT NULL) AS chat_blocked, (i.unreachable_at IS NOT NULL) AS chat_unreachable,
                i.last_inbound_at AS chat_last_inbound_at,
                c.urgency_auto_level, c.urgency_override_level, c.urgency_override_reason_enc,
                ou.email AS override_by_email, c.urgency_override_at, c.answers,
                c.rescue_event_id, re.name AS rescue_event_name,
                cr.record_enc, c.personal_erased_at, c.forget_requested_at,
                h.reason_enc AS hold_reason_enc, hu.email AS hold_placed_by, h.placed_at AS hold_placed_at,
                r.safe_hours, r.safe_contact_enc, r.safe_contact_version, r.safe_contact_updated_at,
                r.safe_contact_source, su.email AS safe_contact_updated_by,
                ARRAY(SELECT ROW(ROW(m.id, m.direction, m.channel, m.kind, m.author_kind, m.text_enc,
                                     m.text_converted_enc),
                                 ROW(m.choices, m.at, m.delivery, m.delivery_error, m.version_of,
                                     m.subject_enc, m.quoted_enc))
                      FROM messages m WHERE m.case_id = c.id ORDER BY m.at, m.seq) AS messages,
                ARRAY(SELECT ROW(a.id, a.message_id, a.content_type, a.byte_size, a.file_name_enc,
                                 (a.content_enc IS NOT NULL),
                                 -- Stored content never checked counts as kept (the safe side).
                                 COALESCE(a.metadata_kept, a.content_enc IS NOT NULL))
                      FROM attachments a JOIN messages m ON m.id = a.message_id
                      WHERE m.case_id = c.id ORDER BY a.created_at, a.id) AS attachments,
                ARRAY(SELECT ROW(n.id, nu.email, n.text_enc, n.at)
                      FROM notes n JOIN users nu ON nu.id = n.author_id
                      WHERE n.case_id = c.id ORDER BY n.at, n.id) AS notes,
                ARRAY(SELECT ROW(lc.id, lc.reference)
                      FROM case_links l JOIN cases lc ON lc.id = l.linked_case_id
                      WHERE l.case_id = c.id ORDER BY lc.created_at) AS linked_cases,
                ARRAY(SELECT ROW(a.action, au.email, a.details, a.at)
                      FROM audit_log a LEFT JOIN users au ON au.id = a.actor_id
                      WHERE a.case_id = c.id AND a.action <> 'case.viewed' ORDER BY a.at, a.id) AS history
         FROM cases c JOIN reporters r ON r.id = c.reporter_id LEFT JOIN users u ON u.id = c.holder_id
         LEFT JOIN rescue_events re ON re.id = c.rescue_event_id
         LEFT JOIN users ou ON ou.id = c.urgency_override_by
         LEFT JOIN channel_identities i ON i.id = c.channel_identity_id
         LEFT JOIN case_records cr ON cr.case_id = c.id
         LEFT JOIN legal_holds h ON h.case_id = c.id
         LEFT JOIN users hu ON hu.id = h.placed_by
         LEFT JOIN users su ON su.id = r.safe_contact_updated_by
         WHERE c.id = $6"
    )
}

/// The full case, read in one statement on the pool.
pub async fn load_case(
    db: &PgPool,
    keys: &KeyRing,
    queue: &crate::settings::QueueSettings,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<CaseView, CaseError> {
    read_case(db, keys, queue, case_id, now).await
}

/// The full case read on a connection the caller holds (the phone form's 201 and claim-next
/// read back the case they just committed on the request's connection).
pub async fn load_case_on(
    conn: &mut PgConnection,
    keys: &KeyRing,
    queue: &crate::settings::QueueSettings,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<CaseView, CaseError> {
    read_case(&mut *conn, keys, queue, case_id, now).await
}

async fn read_case(
    db: impl sqlx::PgExecutor<'_>,
    keys: &KeyRing,
    queue: &crate::settings::QueueSettings,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<CaseView, CaseError> {
    let [t3, t2, t1, t0] = crate::queue::targets(queue, now);
    let row = sqlx::query_as::<_, ViewRow>(sqlx::AssertSqlSafe(case_view_sql()))
        .bind(now)
        .bind(t3)
        .bind(t2)
        .bind(t1)
        .bind(t0)
        .bind(case_id)
        .fetch_optional(db)
        .await?;
    let Some(row) = row else {
        return Err(CaseError::NotFound);
    };
    let case = &row.case;
    let columns = crate::safe_contact::store::Row {
        id: crate::domain::ReporterId(case.reporter_id),
        allowed_channels: case.allowed_channels.clone(),
        never_contact_first: case.never_contact_first,
        no_voicemail: case.no_voicemail,
        safe_hours: row.safe_hours,
        phone_enc: case.phone_enc.clone(),
        safe_contact_enc: row.safe_contact_enc,
        safe_contact_version: row.safe_contact_version,
        safe_contact_updated_at: row.safe_contact_updated_at,
        safe_contact_source: row.safe_contact_source,
        updated_by: row.safe_contact_updated_by,
        country: case.country.clone(),
    };
    let rules =
        crate::safe_contact::store::from_row(keys, columns).map_err(safe_contact_error(case_id))?;
    let read = Read {
        messages: row.messages.into_iter().map(MessageRow::from).collect(),
        attachments: row
            .attachments
            .into_iter()
            .map(
                |(
                    id,
                    message_id,
                    content_type,
                    byte_size,
                    file_name_enc,
                    stored,
                    metadata_kept,
                )| {
                    AttachmentRow {
                        id,
                        message_id,
                        content_type,
                        byte_size,
                        file_name_enc,
                        stored,
                        metadata_kept,
                    }
                },
            )
            .collect(),
        notes: row.notes,
        linked_cases: row
            .linked_cases
            .into_iter()
            .map(|(id, reference)| LinkedCase { id, reference })
            .collect(),
        history: row
            .history
            .into_iter()
            .map(|(action, actor, details, at)| HistoryEntry {
                action,
                actor,
                details,
                at,
            })
            .collect(),
        row: Some(row.case),
    };
    assemble(keys, queue, case_id, now, read, rules)
}

impl From<MessageRecord> for MessageRow {
    fn from(m: MessageRecord) -> MessageRow {
        let (
            (id, direction, channel, kind, author_kind, text_enc, text_converted_enc),
            (choices, at, delivery, delivery_error, version_of, subject_enc, quoted_enc),
        ) = m;
        MessageRow {
            id,
            direction,
            channel,
            kind,
            author_kind,
            text_enc,
            text_converted_enc,
            choices,
            at,
            delivery,
            delivery_error,
            version_of,
            subject_enc,
            quoted_enc,
        }
    }
}

fn safe_contact_error(case_id: CaseId) -> impl Fn(SafeContactError) -> CaseError {
    move |e| match e {
        SafeContactError::NotFound => CaseError::NotFound,
        SafeContactError::Undecryptable => CaseError::Undecryptable(case_id),
        SafeContactError::Case(c) => c,
        SafeContactError::Database(db) => CaseError::Database(db),
    }
}

fn assemble(
    keys: &KeyRing,
    queue: &crate::settings::QueueSettings,
    case_id: CaseId,
    now: DateTime<Utc>,
    read: Read,
    rules: crate::safe_contact::Current,
) -> Result<CaseView, CaseError> {
    let Read {
        row,
        messages,
        attachments,
        notes,
        linked_cases,
        history,
    } = read;
    // Every value opens only in its own row (see `crypto::columns`).
    let open = |sealed: &[u8], table: &'static str, column: &'static str, row: Uuid| {
        keys.open_bound(sealed, &Binding::new(table, column, row))
            .map_err(|_| CaseError::Undecryptable(case_id))
    };
    let open_opt =
        |sealed: Option<Vec<u8>>, table: &'static str, column: &'static str, row: Uuid| {
            sealed.map(|s| open(&s, table, column, row)).transpose()
        };
    let row = row.ok_or(CaseError::NotFound)?;
    let record = row
        .record_enc
        .as_ref()
        .map(|sealed| {
            serde_json::from_str(&open(sealed, "case_records", "record_enc", case_id.0)?)
                .map_err(|_| CaseError::Undecryptable(case_id))
        })
        .transpose()?;
    let legal_hold = match (&row.hold_reason_enc, row.hold_placed_at) {
        (Some(reason), Some(placed_at)) => Some(crate::retention::legal_hold::opened(
            keys,
            case_id,
            reason,
            row.hold_placed_by.clone(),
            placed_at,
        )),
        _ => None,
    };
    let retention = RetentionState {
        legal_hold,
        personal_erased_at: row.personal_erased_at,
        forget_requested_at: row.forget_requested_at,
    };
    let reasons: Vec<Reason> = serde_json::from_str(&open(
        &row.urgency_reasons_enc,
        "cases",
        "urgency_reasons_enc",
        case_id.0,
    )?)
    .unwrap_or_default();
    let level = Level::parse("urgency_level", &row.urgency_level)
        .unwrap_or(Level::from_rank(row.urgency_rank));
    let automatic_level = row
        .urgency_auto_level
        .as_deref()
        .and_then(|l| Level::parse("urgency_auto_level", l).ok())
        .filter(|l| *l != level);
    let counselor_override = match (
        row.urgency_override_level
            .as_deref()
            .and_then(|l| Level::parse("urgency_override_level", l).ok()),
        row.urgency_override_reason_enc,
    ) {
        (Some(level), Some(reason)) => Some(UrgencyOverride {
            level,
            reason: open(&reason, "cases", "urgency_override_reason_enc", case_id.0)?,
            by: row.override_by_email,
            at: row.urgency_override_at,
        }),
        _ => None,
    };
    let mut view = CaseView {
        view: "full",
        id: row.id,
        reference: row.reference,
        status: row.status,
        closing_reason: row.closing_reason,
        channel: row.channel,
        caller: row.caller,
        language: row.language,
        location: Location {
            country: row.country,
            area: open_opt(row.area_enc, "cases", "area_enc", case_id.0)?,
        },
        answers: row.answers,
        record,
        urgency: Urgency {
            level,
            flags: row.urgency_flags,
            reasons,
            rules_version: row.rules_version,
            automatic_level,
            counselor_override,
        },
        effective_level: Level::from_rank(row.effective_rank),
        holder: row
            .holder_id
            .zip(row.holder_email)
            .map(|(id, email)| Holder { id, email }),
        lease_expires_at: row.lease_expires_at,
        lease_seconds_left: row
            .lease_expires_at
            .map(|at| (at - now).num_seconds().max(0)),
        lease_ending_soon: row
            .lease_expires_at
            .is_some_and(|at| (at - now).num_seconds() <= queue.lease_warning_seconds),
        waiting_since: row.waiting_since,
        created_at: row.created_at,
        callback: Callback {
            name: open_opt(row.name_enc, "reporters", "name_enc", row.reporter_id)?,
            phone: open_opt(row.phone_enc, "reporters", "phone_enc", row.reporter_id)?,
            safe_hours: rules.rules.own_words.clone(),
            allowed_channels: row.allowed_channels,
            never_contact_first: row.never_contact_first,
            no_voicemail: row.no_voicemail,
        },
        safe_contact: SafeContactView::of(&rules, false),
        safe_contact_rules: rules,
        callbacks: None,
        chat: row.chat_channel.map(|channel| ChatInfo {
            channel,
            step: row.chat_step.unwrap_or_else(|| "new".into()),
            blocked: row.chat_blocked.unwrap_or(false),
            unreachable: row.chat_unreachable.unwrap_or(false),
            last_inbound_at: row.chat_last_inbound_at,
        }),
        messages: messages
            .into_iter()
            .map(|m| {
                Ok(Message {
                    id: m.id,
                    direction: m.direction,
                    channel: m.channel,
                    kind: m.kind,
                    author: m.author_kind,
                    text: open_opt(m.text_enc, "messages", "text_enc", m.id.0)?,
                    text_converted: open_opt(
                        m.text_converted_enc,
                        "messages",
                        "text_converted_enc",
                        m.id.0,
                    )?,
                    buttons: button_labels(m.choices.as_ref()),
                    at: m.at,
                    // "pending" in storage; "queued" is what a counselor understands.
                    delivery: if m.delivery == "pending" {
                        "queued".into()
                    } else {
                        m.delivery
                    },
                    delivery_error: m.delivery_error,
                    edit_of: m.version_of,
                    subject: open_opt(m.subject_enc, "messages", "subject_enc", m.id.0)?,
                    quoted: open_opt(m.quoted_enc, "messages", "quoted_enc", m.id.0)?,
                    attachments: attachments
                        .iter()
                        .filter(|a| a.message_id == m.id)
                        .map(|a| {
                            Ok(AttachmentInfo {
                                id: a.id,
                                content_type: a.content_type.clone(),
                                byte_size: a.byte_size,
                                name: open_opt(
                                    a.file_name_enc.clone(),
                                    "attachments",
                                    "file_name_enc",
                                    a.id,
                                )?,
                                stored: a.stored,
                                metadata_kept: a.metadata_kept,
                            })
                        })
                        .collect::<Result<_, CaseError>>()?,
                })
            })
            .collect::<Result<_, CaseError>>()?,
        notes: notes
            .into_iter()
            .map(|(id, author, text, at)| {
                Ok(Note {
                    id,
                    author,
                    text: open(&text, "notes", "text_enc", id)?,
                    at,
                })
            })
            .collect::<Result<_, CaseError>>()?,
        linked_cases,
        rescue_event: row
            .rescue_event_id
            .zip(row.rescue_event_name)
            .map(|(id, name)| crate::rescue_events::EventBadge { id, name }),
        history,
        retention,
    };
    fill_quotes(&mut view);
    Ok(view)
}

impl CaseView {
    /// Whether `viewer` may act on the case now: its holder, or a supervisor.
    pub fn may_act(&self, viewer: UserId, is_supervisor: bool) -> bool {
        is_supervisor || self.holder.as_ref().is_some_and(|h| h.id == viewer.0)
    }

    /// Shows the code word and cover story to a viewer who may act on the case.
    pub fn reveal_safe_contact(&mut self, viewer: UserId, is_supervisor: bool) {
        if self.may_act(viewer, is_supervisor) {
            self.safe_contact = SafeContactView::of(&self.safe_contact_rules, true);
        }
    }
}

/// Evidence is stored as offsets only; the quote is cut from the decrypted message here (from
/// its Unicode conversion when it was typed in Zawgyi, as triage read it).
fn fill_quotes(view: &mut CaseView) {
    let messages = &view.messages;
    // Each message is prepared once, however many pieces of evidence it holds.
    let mut prepared: Vec<(MessageId, Vec<char>)> = Vec::new();
    for reason in &mut view.urgency.reasons {
        for evidence in &mut reason.evidence {
            let at = match prepared
                .iter()
                .position(|(id, _)| *id == evidence.message_id)
            {
                Some(at) => at,
                None => {
                    let Some(message) = messages.iter().find(|m| m.id == evidence.message_id)
                    else {
                        continue;
                    };
                    let Some(text) = message.text_converted.as_ref().or(message.text.as_ref())
                    else {
                        continue;
                    };
                    let chars = crate::triage::normalize::prepare(text).chars;
                    prepared.push((message.id, chars));
                    prepared.len() - 1
                }
            };
            let chars = &prepared[at].1;
            if evidence.start <= evidence.end && evidence.end <= chars.len() {
                evidence.quote = chars[evidence.start..evidence.end].iter().collect();
            }
        }
    }
}

/// Labels of the buttons stored with a bot message (rows of `{label, data}`).
fn button_labels(choices: Option<&serde_json::Value>) -> Vec<String> {
    choices
        .and_then(|c| c.as_array())
        .into_iter()
        .flatten()
        .filter_map(|row| row.as_array())
        .flatten()
        .filter_map(|b| b.get("label").and_then(|l| l.as_str()).map(str::to_owned))
        .collect()
}
