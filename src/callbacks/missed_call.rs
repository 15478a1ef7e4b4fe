//! A call event from the phone system. Recorded once per `(pbx, call_id, outcome)`; an
//! `abandoned` or `no_answer` call becomes a **callback candidate** on the caller's case (found
//! by the keyed hash of the number) or on a new phone case. A hang-up is not consent: only when
//! the number belongs to a reporter whose rules allow phone contact first, and the policy is
//! `callback`, is a callback scheduled directly. Missed calls from one number within
//! `telephony.repeat_window_seconds` join one candidate and raise it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::CallbackError;
use super::schedule::{Insert, check, insert};
use crate::context::AppContext;
use crate::domain::report::string_enum;
use crate::domain::{Answers, CaseId, Channel, PhoneNumber, ReporterId};
use crate::intake::open_case::{NewCase, open_case};
use crate::safe_contact::{self, Purpose, SafeContactRules, Source};
use crate::settings::MissedCallPolicy;

string_enum!(
    /// How a call to the hotline ended.
    CallOutcome {
        Answered = "answered",
        Abandoned = "abandoned",
        NoAnswer = "no_answer",
        Busy = "busy",
        Failed = "failed",
        Voicemail = "voicemail"
    }
);

/// A call event, parsed at the edge.
#[derive(Debug)]
pub struct CallEvent {
    pub pbx: String,
    pub call_id: String,
    pub caller: PhoneNumber,
    pub dialed: Option<String>,
    pub outcome: CallOutcome,
    pub hold_seconds: Option<i32>,
    pub at: DateTime<Utc>,
    pub recording: Option<String>,
}

/// What an event did (ids only), answered to the phone system and replayed for a duplicate.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct CallResult {
    /// recorded, candidate, joined, scheduled
    pub action: String,
    pub case_id: Option<CaseId>,
    pub callback_id: Option<Uuid>,
}

pub enum Recorded {
    New(CallResult),
    Duplicate(CallResult),
}

pub async fn record_call_event(
    ctx: &AppContext,
    event: &CallEvent,
    now: DateTime<Utc>,
) -> Result<Recorded, CallbackError> {
    let keys = &ctx.keys;
    let caller = event.caller.as_str();
    let caller_hash = keys.index_hash("phone", caller);
    let mut tx = ctx.db.begin().await?;
    // The primary key is the idempotency truth: a concurrent duplicate waits here, then finds
    // the first one's result.
    let inserted = sqlx::query(
        "INSERT INTO call_events (pbx, call_id, outcome, caller_enc, caller_hash, dialed, hold_seconds, at,
                                  recording_enc, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING",
    )
    .bind(&event.pbx)
    .bind(&event.call_id)
    .bind(event.outcome.as_str())
    .bind(keys.seal(caller))
    .bind(&caller_hash)
    .bind(&event.dialed)
    .bind(event.hold_seconds)
    .bind(event.at)
    .bind(keys.seal_opt(event.recording.as_deref()))
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        let (result,): (serde_json::Value,) = sqlx::query_as(
            "SELECT result FROM call_events WHERE pbx = $1 AND call_id = $2 AND outcome = $3",
        )
        .bind(&event.pbx)
        .bind(&event.call_id)
        .bind(event.outcome.as_str())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        let result = serde_json::from_value(result).unwrap_or(CallResult {
            action: "recorded".into(),
            case_id: None,
            callback_id: None,
        });
        return Ok(Recorded::Duplicate(result));
    }
    let result = match event.outcome {
        CallOutcome::Abandoned | CallOutcome::NoAnswer => {
            missed(ctx, &mut tx, event, &caller_hash, now).await?
        }
        _ => CallResult {
            action: "recorded".into(),
            case_id: None,
            callback_id: None,
        },
    };
    sqlx::query(
        "UPDATE call_events SET result = $4 WHERE pbx = $1 AND call_id = $2 AND outcome = $3",
    )
    .bind(&event.pbx)
    .bind(&event.call_id)
    .bind(event.outcome.as_str())
    .bind(json!(result))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Recorded::New(result))
}

async fn missed(
    ctx: &AppContext,
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    event: &CallEvent,
    caller_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<CallResult, CallbackError> {
    let caller = event.caller.as_str();
    // The newest case of someone with this number (a keyed-hash lookup; the number is never
    // compared in clear).
    let known: Option<(CaseId, ReporterId)> = sqlx::query_as(
        "SELECT c.id, c.reporter_id FROM cases c JOIN reporters r ON r.id = c.reporter_id
         WHERE r.phone_hash = ANY($1) ORDER BY (c.status <> 'closed') DESC, c.created_at DESC LIMIT 1",
    )
    .bind(ctx.keys.index_hashes("phone", caller))
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((case_id, _)) = known {
        // A repeated missed call joins the waiting candidate and raises it.
        let window = chrono::Duration::seconds(ctx.settings.telephony.repeat_window_seconds);
        let joined: Option<(Uuid,)> = sqlx::query_as(
            "UPDATE callbacks SET missed_calls = missed_calls + 1, updated_at = $3
             WHERE id = (SELECT id FROM callbacks WHERE case_id = $1 AND kind = 'missed_call'
                           AND status IN ('candidate', 'scheduled') AND updated_at >= $2
                         ORDER BY updated_at DESC LIMIT 1 FOR UPDATE)
             RETURNING id",
        )
        .bind(case_id)
        .bind(event.at - window)
        .bind(now)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some((id,)) = joined {
            return Ok(CallResult {
                action: "joined".into(),
                case_id: Some(case_id),
                callback_id: Some(id),
            });
        }
        let current = safe_contact::load_for_case(&mut **tx, &ctx.keys, case_id).await?;
        let policy = ctx.settings.telephony.missed_call_policy;
        // Schedule directly only for someone who allowed this number to be called first.
        let allowed_number = current.rules.usable_phones().any(|n| n == caller);
        let direct = if policy == MissedCallPolicy::Callback && allowed_number {
            match check(&current.rules, Channel::Phone, Purpose::Callback, now) {
                Ok(()) => Some(now),
                Err(CallbackError::OutsideSafeWindow { next_allowed }) => Some(next_allowed),
                Err(_) => None,
            }
        } else {
            None
        };
        let (status, due, action) = match direct {
            Some(due) => ("scheduled", due, "scheduled"),
            None => ("candidate", event.at, "candidate"),
        };
        let id = candidate(ctx, tx, case_id, status, due, caller, now).await?;
        return Ok(CallResult {
            action: action.into(),
            case_id: Some(case_id),
            callback_id: Some(id),
        });
    }
    // Nobody knows this number: a new phone case, and a candidate for a counselor to decide.
    let reporter = ReporterId::new();
    sqlx::query(
        "INSERT INTO reporters (id, phone_enc, phone_hash, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(reporter)
    .bind(ctx.keys.seal_at(caller, "reporters", "phone_enc", reporter))
    .bind(caller_hash)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let home = ctx.settings.conversation.home_country.clone();
    let mut rules = SafeContactRules::answer_only(Some(&home));
    rules.allowed_channels = vec![Channel::Phone];
    rules.add_phone(caller);
    safe_contact::record(
        tx,
        &ctx.keys,
        reporter,
        &rules,
        Source::MissedCall,
        None,
        now,
    )
    .await?;
    let triage = ctx.rules();
    let assessment = crate::triage::assess_readings(&[], &Answers::default(), &triage);
    let case = open_case(
        tx,
        &ctx.keys,
        &NewCase {
            reporter,
            channel_identity: None,
            channel: Channel::Phone,
            caller: "anonymous",
            language: None,
            country: None,
            area: None,
            answers: json!({}),
            assessment: &assessment,
            opened_by: None,
            audit_details: json!({ "from": "missed_call", "pbx": event.pbx }),
        },
        now,
    )
    .await?;
    let id = candidate(ctx, tx, case.id, "candidate", event.at, caller, now).await?;
    Ok(CallResult {
        action: "candidate".into(),
        case_id: Some(case.id),
        callback_id: Some(id),
    })
}

async fn candidate(
    ctx: &AppContext,
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    case_id: CaseId,
    status: &str,
    due: DateTime<Utc>,
    caller: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, CallbackError> {
    let id = insert(
        tx,
        &ctx.keys,
        Insert {
            case_id,
            kind: "missed_call",
            status,
            due_from: due,
            due_to: None,
            channel: Channel::Phone,
            phone: Some(caller),
            owner: None,
            reason: None,
            created_by: None,
        },
        now,
    )
    .await?;
    sqlx::query("UPDATE callbacks SET missed_calls = 1 WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    crate::auth::audit::record(
        &mut **tx,
        None,
        "callback.missed_call",
        Some(case_id),
        json!({ "callback_id": id, "status": status }),
        now,
    )
    .await?;
    Ok(id)
}
