//! The phone-call form: a counselor's report becomes a reporter, a case, its first message and
//! an urgency assessment, committed together before the 201.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{Acquire, PgConnection, PgPool, Postgres, Transaction};

use super::retriage::StoredUrgency;
use crate::crypto::KeyRing;
use crate::domain::{CaseId, Channel, MessageId, NewReport, Reference, ReporterId, UserId};
use crate::safe_contact::{self, SafeContactRules};
use crate::triage::normalize::zawgyi_conversion;
use crate::triage::{MessageReading, TriageRules, assess_readings, read_message, reading_version};

/// What a recorded report produced.
#[derive(Debug, Clone, Copy)]
pub struct RecordedReport {
    pub case_id: CaseId,
    /// True when an `Idempotency-Key` matched an earlier request and nothing new was written.
    pub replayed: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("this Idempotency-Key was used with a different request body")]
    IdempotencyKeyReused,
    #[error("linked case {0} does not exist")]
    UnknownLinkedCase(CaseId),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<IntakeError> for crate::error::ApiError {
    fn from(e: IntakeError) -> crate::error::ApiError {
        use crate::error::ApiError;
        match e {
            IntakeError::IdempotencyKeyReused => ApiError::Unprocessable {
                code: "idempotency_key_reused",
                message: "this Idempotency-Key was used with a different request body".into(),
            },
            IntakeError::UnknownLinkedCase(_) => ApiError::BadRequest {
                code: "invalid_field",
                message: "names a case that does not exist".into(),
                field: Some("linked_cases".into()),
            },
            IntakeError::Database(db) => db.into(),
        }
    }
}

/// An `Idempotency-Key` and the hash of the request body it came with.
pub struct Idempotency<'a> {
    pub key: &'a str,
    pub request_hash: Vec<u8>,
}

/// What an earlier request with the same key left: its body's hash and the case it made.
pub struct EarlierRequest {
    pub request_hash: Vec<u8>,
    pub case_id: Option<CaseId>,
}

impl Idempotency<'_> {
    /// Takes the key for `user` in the caller's transaction: `None` when this request is the
    /// first with it, else what the earlier one left (the insert waited for it to commit).
    pub async fn take(
        &self,
        tx: &mut PgConnection,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Option<EarlierRequest>, sqlx::Error> {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(user)
        .bind(self.key)
        .bind(&self.request_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted > 0 {
            return Ok(None);
        }
        let (request_hash, case_id): (Vec<u8>, Option<CaseId>) = sqlx::query_as(
            "SELECT request_hash, case_id FROM idempotency_keys WHERE user_id = $1 AND key = $2",
        )
        .bind(user)
        .bind(self.key)
        .fetch_one(&mut *tx)
        .await?;
        Ok(Some(EarlierRequest {
            request_hash,
            case_id,
        }))
    }
}

/// Records a phone report. With an idempotency key, a retry of the same request returns the
/// first case instead of creating a second.
pub async fn record_phone_report(
    db: &PgPool,
    keys: &KeyRing,
    rules: &Arc<TriageRules>,
    counselor: UserId,
    report: &NewReport,
    idempotency: Option<Idempotency<'_>>,
    now: DateTime<Utc>,
) -> Result<RecordedReport, IntakeError> {
    let mut conn = db.acquire().await?;
    record_phone_report_on(&mut conn, keys, rules, counselor, report, idempotency, now).await
}

/// `record_phone_report` on a connection the caller holds, so the 201's read-back of the case
/// can follow on the same connection (one pool checkout per request, not one per query).
pub async fn record_phone_report_on(
    conn: &mut PgConnection,
    keys: &KeyRing,
    rules: &Arc<TriageRules>,
    counselor: UserId,
    report: &NewReport,
    idempotency: Option<Idempotency<'_>>,
    now: DateTime<Utc>,
) -> Result<RecordedReport, IntakeError> {
    // Triage reads the narrative off the HTTP worker, before any transaction (`reading`).
    let reading =
        super::reading::read_off_worker(report.narrative.as_str().to_owned(), rules.clone()).await;
    let read = Read {
        rules,
        reading: &reading,
    };
    let Some(idem) = &idempotency else {
        // Without a key the report is one statement (`INSERT_REPORT`), atomic on its own: no
        // BEGIN and COMMIT round trips around it (issue 18).
        let (case_id, level) =
            insert_report(&mut *conn, keys, &read, counselor, report, None, now).await?;
        crate::metrics::report_created(Channel::Phone.as_str(), level.as_str());
        return Ok(RecordedReport {
            case_id,
            replayed: false,
        });
    };
    let mut tx = conn.begin().await?;
    if let Some(earlier) = idem.take(&mut tx, counselor, now).await? {
        return match earlier.case_id {
            Some(case_id) if earlier.request_hash == idem.request_hash => Ok(RecordedReport {
                case_id,
                replayed: true,
            }),
            _ => Err(IntakeError::IdempotencyKeyReused),
        };
    }

    let (case_id, level) =
        insert_report(&mut tx, keys, &read, counselor, report, Some(idem.key), now).await?;
    tx.commit().await?;
    crate::metrics::report_created(Channel::Phone.as_str(), level.as_str());
    Ok(RecordedReport {
        case_id,
        replayed: false,
    })
}

/// Records one report inside the caller's transaction (a mass rescue's bulk entry records many
/// in one): the reporter, the case, its first message and its links. Returns the case and its
/// level; the caller commits and counts it.
pub async fn record_in(
    tx: &mut Transaction<'_, Postgres>,
    keys: &KeyRing,
    rules: &TriageRules,
    counselor: UserId,
    report: &NewReport,
    now: DateTime<Utc>,
) -> Result<(CaseId, crate::domain::Level), IntakeError> {
    let reading = read_message(report.narrative.as_str(), rules);
    let read = Read {
        rules,
        reading: &reading,
    };
    insert_report(tx, keys, &read, counselor, report, None, now).await
}

/// The rules a report is scored with, and its narrative's reading by them.
struct Read<'a> {
    rules: &'a TriageRules,
    reading: &'a MessageReading,
}

/// The whole report as one statement (issue 18: round trips, not computation, bounded the phone
/// form): the reporter with its first safe-contact rules, their version 1, the case, its
/// answer clock (answered by the counselor on the call), the `case.opened` audit entry, the
/// narrative as its first message, its links, and the idempotency key's case. The rows are the
/// ones `open_case`, `store_inbound`, `safe_contact::record`, `answered_by_phone` and
/// `audit::record` write one statement each; keep them in step. Foreign keys are checked at the
/// end of the statement, when every row is in.
const INSERT_REPORT: &str = "
WITH reporter AS (
    INSERT INTO reporters (id, name_enc, phone_enc, phone_hash, created_at, allowed_channels,
                           never_contact_first, no_voicemail, safe_hours, safe_contact_enc,
                           safe_contact_version, safe_contact_updated_at, safe_contact_updated_by,
                           safe_contact_source)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, 1, $5, $10, 'phone_form')
    -- A retry after a reference collision writes the same reporter again: once is enough.
    ON CONFLICT (id) DO NOTHING
), rules_version AS (
    INSERT INTO safe_contact_versions (reporter_id, version, rules_enc, source, recorded_by, recorded_at)
    VALUES ($1, 1, $11, 'phone_form', $10, $5)
    ON CONFLICT (reporter_id, version) DO NOTHING
), new_case AS (
    INSERT INTO cases (id, reference, reporter_id, channel_identity_id, status, channel, caller, language,
                       country, area_enc, urgency_level, urgency_rank, urgency_flags, urgency_reasons_enc,
                       rules_version, urgency_auto_level, waiting_since, awaiting_reply, created_at,
                       updated_at, answers)
    VALUES ($12, $13, $1, NULL, 'new', 'phone', $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $5, TRUE,
            $5, $5, $24)
    ON CONFLICT (reference) DO NOTHING
    RETURNING id
), clock AS (
    INSERT INTO answer_clocks (case_id, channel, started_by, started_at, claimed_at,
                               stopped_by, stopped_at, answered_by, level, answer_seconds)
    SELECT id, 'phone', 'phone_form', $5, $5, 'phone_form', $5, $10, $18, 0 FROM new_case
), opened AS (
    INSERT INTO audit_log (actor_id, action, case_id, details, at)
    SELECT $10, 'case.opened', id, $25, $5 FROM new_case
), narrative AS (
    INSERT INTO messages (id, case_id, channel_identity_id, direction, channel, external_event_id, text_enc,
                          kind, author_kind, author_id, version_of, platform_message_id, delivery, at,
                          text_converted_enc, subject_enc, quoted_enc, email_message_id_enc,
                          email_message_id_hash, triage_reading, triage_reading_version)
    SELECT $26, id, NULL, 'inbound', 'phone', NULL, $27, 'text', 'reporter', $10, NULL, NULL, 'received', $5,
           $28, NULL, NULL, NULL, NULL, $29, $30
    FROM new_case
), links AS (
    INSERT INTO case_links (case_id, linked_case_id, linked_by, at)
    SELECT n.id, l.id, $10, $5 FROM new_case n, unnest($31::uuid[]) AS l (id)
    UNION ALL
    SELECT l.id, n.id, $10, $5 FROM new_case n, unnest($31::uuid[]) AS l (id)
    ON CONFLICT DO NOTHING
), key_case AS (
    UPDATE idempotency_keys k SET case_id = n.id FROM new_case n
    WHERE $32::text IS NOT NULL AND k.user_id = $10 AND k.key = $32
)
SELECT count(*) FROM new_case";

/// Runs in the caller's transaction, or on its own: the statement is atomic, and a retry after
/// a reference collision writes the same reporter and rules again (`ON CONFLICT DO NOTHING`).
async fn insert_report(
    tx: &mut PgConnection,
    keys: &KeyRing,
    read: &Read<'_>,
    counselor: UserId,
    report: &NewReport,
    idempotency_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(CaseId, crate::domain::Level), IntakeError> {
    let linked: Vec<CaseId> = report.linked_cases.clone();
    if !linked.is_empty() {
        let missing: Option<(CaseId,)> = sqlx::query_as(
            "SELECT l.id FROM unnest($1::uuid[]) WITH ORDINALITY AS l (id, n)
             WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = l.id) ORDER BY l.n LIMIT 1",
        )
        .bind(&linked)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((missing,)) = missing {
            return Err(IntakeError::UnknownLinkedCase(missing));
        }
    }

    let reporter = ReporterId::new();
    let phone = report.callback_phone.as_ref().map(|p| p.as_str());
    // The form's rules are the first version, recorded by the counselor on the call.
    let form = &report.safe_contact;
    let mut contact = SafeContactRules::answer_only(report.country.as_ref().map(|c| c.as_str()));
    contact.allowed_channels = form.allowed_channels.clone();
    contact.never_contact_first = form.never_contact_first;
    contact.no_voicemail = form.no_voicemail;
    contact.set_own_words(form.safe_hours.as_deref());
    if let Some(phone) = phone {
        contact.add_phone(phone);
    }
    let first = safe_contact::store::first_version(keys, reporter, &contact);

    let message_id = MessageId::new();
    let rules = read.rules;
    let reading = read.reading;
    let assessment = assess_readings(&[(message_id, reading)], &report.answers, rules);
    let case_id = CaseId::new();
    let urgency = StoredUrgency::new(keys, case_id, &assessment, assessment.level, false);
    let details = json!({
        "channel": Channel::Phone.as_str(),
        "level": urgency.level,
        "flags": urgency.flags,
        "rules_version": urgency.rules_version,
        "linked_cases": report.linked_cases,
    });
    let text = report.narrative.as_str();
    // References are random; on the rare collision, draw again.
    for _ in 0..5 {
        let reference = Reference::random(&mut rand::thread_rng());
        let (inserted,): (i64,) = sqlx::query_as(INSERT_REPORT)
            .bind(reporter)
            .bind(keys.seal_opt_at(
                report.callback_name.as_ref().map(|n| n.as_str()),
                "reporters",
                "name_enc",
                reporter,
            ))
            .bind(keys.seal_opt_at(phone, "reporters", "phone_enc", reporter))
            .bind(phone.map(|p| keys.index_hash("phone", p)))
            .bind(now)
            .bind(&first.channels)
            .bind(contact.never_contact_first)
            .bind(contact.no_voicemail)
            .bind(&first.sealed)
            .bind(counselor)
            .bind(&first.sealed_version)
            .bind(case_id)
            .bind(&reference.0)
            .bind(report.caller.as_str())
            .bind(report.language.as_ref().map(|l| l.as_str()))
            .bind(report.country.as_ref().map(|c| c.as_str()))
            .bind(keys.seal_opt_at(
                report.area.as_ref().map(|a| a.as_str()),
                "cases",
                "area_enc",
                case_id,
            ))
            .bind(urgency.level.as_str())
            .bind(urgency.level.rank())
            .bind(&urgency.flags)
            .bind(&urgency.reasons_enc)
            .bind(&urgency.rules_version)
            .bind(urgency.automatic_level.as_str())
            .bind(answers_json(&report.answers))
            .bind(&details)
            .bind(message_id)
            .bind(keys.seal_at(text, "messages", "text_enc", message_id))
            .bind(keys.seal_opt_at(
                zawgyi_conversion(text).as_deref(),
                "messages",
                "text_converted_enc",
                message_id,
            ))
            .bind(serde_json::to_value(reading).unwrap_or_default())
            .bind(reading_version(rules))
            .bind(&linked)
            .bind(idempotency_key)
            .fetch_one(&mut *tx)
            .await?;
        if inserted == 1 {
            return Ok((case_id, urgency.level));
        }
    }
    Err(IntakeError::Database(sqlx::Error::Protocol(
        "could not draw a unique case reference".into(),
    )))
}

/// The quick answers as stored on the case: `{"minor": "yes", ...}`.
fn answers_json(answers: &crate::domain::Answers) -> serde_json::Value {
    serde_json::Value::Object(
        answers
            .0
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default()))
            .collect(),
    )
}
