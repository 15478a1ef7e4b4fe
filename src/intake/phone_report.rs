//! The phone-call form: a counselor's report becomes a reporter, a case, its first message and
//! an urgency assessment, committed together before the 201.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgPool, Postgres, Transaction};

use super::inbound_message::{NewInbound, store_inbound};
use super::open_case::{NewCase, open_case};
use crate::crypto::KeyRing;
use crate::domain::{CaseId, Channel, MessageId, NewReport, ReporterId, UserId};
use crate::safe_contact::{self, SafeContactRules};
use crate::triage::{TriageRules, assess_readings, read_message};

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

/// Records a phone report. With an idempotency key, a retry of the same request returns the
/// first case instead of creating a second.
pub async fn record_phone_report(
    db: &PgPool,
    keys: &KeyRing,
    rules: &TriageRules,
    counselor: UserId,
    report: &NewReport,
    idempotency: Option<Idempotency<'_>>,
    now: DateTime<Utc>,
) -> Result<RecordedReport, IntakeError> {
    let mut tx = db.begin().await?;
    if let Some(idem) = &idempotency {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(counselor)
        .bind(idem.key)
        .bind(&idem.request_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            // The first request committed (the insert waited for it); answer with its case.
            let (hash, case_id): (Vec<u8>, Option<CaseId>) =
                sqlx::query_as("SELECT request_hash, case_id FROM idempotency_keys WHERE user_id = $1 AND key = $2")
                    .bind(counselor)
                    .bind(idem.key)
                    .fetch_one(&mut *tx)
                    .await?;
            return match case_id {
                Some(case_id) if hash == idem.request_hash => Ok(RecordedReport {
                    case_id,
                    replayed: true,
                }),
                _ => Err(IntakeError::IdempotencyKeyReused),
            };
        }
    }

    let (case_id, level) = record_in(&mut tx, keys, rules, counselor, report, now).await?;
    if let Some(idem) = &idempotency {
        sqlx::query("UPDATE idempotency_keys SET case_id = $3 WHERE user_id = $1 AND key = $2")
            .bind(counselor)
            .bind(idem.key)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
    }
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
    for linked in &report.linked_cases {
        let exists: Option<(CaseId,)> = sqlx::query_as("SELECT id FROM cases WHERE id = $1")
            .bind(linked)
            .fetch_optional(&mut **tx)
            .await?;
        if exists.is_none() {
            return Err(IntakeError::UnknownLinkedCase(*linked));
        }
    }

    let reporter = insert_reporter(tx, keys, report, counselor, now).await?;
    let message_id = MessageId::new();
    let reading = read_message(report.narrative.as_str(), rules);
    let assessment = assess_readings(&[(message_id, &reading)], &report.answers, rules);
    let case = open_case(
        tx,
        keys,
        &NewCase {
            reporter,
            channel_identity: None,
            channel: Channel::Phone,
            caller: report.caller.as_str(),
            language: report.language.as_ref().map(|l| l.as_str()),
            country: report.country.as_ref().map(|c| c.as_str()),
            area: report.area.as_ref().map(|a| a.as_str()),
            answers: answers_json(&report.answers),
            assessment: &assessment,
            opened_by: Some(counselor),
            audit_details: json!({ "linked_cases": report.linked_cases }),
        },
        now,
    )
    .await?;
    let case_id = case.id;
    store_inbound(
        tx,
        keys,
        rules,
        &NewInbound {
            id: message_id,
            case_id,
            channel: Channel::Phone.as_str(),
            channel_identity: None,
            external_event_id: None,
            text: report.narrative.as_str(),
            reading: &reading,
            kind: "text",
            author: Some(counselor),
            version_of: None,
            platform_message_id: None,
            email: None,
        },
        now,
    )
    .await?;
    for linked in &report.linked_cases {
        sqlx::query(
            "INSERT INTO case_links (case_id, linked_case_id, linked_by, at) VALUES ($1, $2, $3, $4), ($2, $1, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(case_id)
        .bind(linked)
        .bind(counselor)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok((case_id, case.level))
}

async fn insert_reporter(
    tx: &mut Transaction<'_, Postgres>,
    keys: &KeyRing,
    report: &NewReport,
    counselor: UserId,
    now: DateTime<Utc>,
) -> Result<ReporterId, sqlx::Error> {
    let id = ReporterId::new();
    let phone = report.callback_phone.as_ref().map(|p| p.as_str());
    sqlx::query(
        "INSERT INTO reporters (id, name_enc, phone_enc, phone_hash, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(keys.seal_opt_at(
        report.callback_name.as_ref().map(|n| n.as_str()),
        "reporters",
        "name_enc",
        id,
    ))
    .bind(keys.seal_opt_at(phone, "reporters", "phone_enc", id))
    .bind(phone.map(|p| keys.index_hash("phone", p)))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    // The form's rules are the first version, recorded by the counselor on the call.
    let form = &report.safe_contact;
    let mut rules = SafeContactRules::answer_only(report.country.as_ref().map(|c| c.as_str()));
    rules.allowed_channels = form.allowed_channels.clone();
    rules.never_contact_first = form.never_contact_first;
    rules.no_voicemail = form.no_voicemail;
    rules.set_own_words(form.safe_hours.as_deref());
    if let Some(phone) = phone {
        rules.add_phone(phone);
    }
    safe_contact::record(
        tx,
        keys,
        id,
        &rules,
        safe_contact::Source::PhoneForm,
        Some(counselor),
        now,
    )
    .await?;
    Ok(id)
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
