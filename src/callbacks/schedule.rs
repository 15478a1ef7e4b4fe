//! A counselor schedules a callback on a case they hold, or a follow-up plan after a referral
//! or an assisted closing. The gate decides at the window's start: a forbidden channel or a
//! window outside the person's safe times is refused with the reason (and the next safe moment).

use chrono::{DateTime, Months, Utc};
use serde_json::json;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::CallbackError;
use crate::auth::{Actor, audit};
use crate::cases::ensure_may_change;
use crate::context::AppContext;
use crate::domain::report::FreeText;
use crate::domain::{CaseId, Channel, FieldError, PhoneNumber, UserId};
use crate::safe_contact::{self, Decision, Forbidden, Moment, Purpose, SafeContactRules, Windows};

#[derive(Debug, Clone, Copy)]
pub enum Owner {
    Me,
    Anyone,
    User(UserId),
}

#[derive(Debug)]
pub struct NewCallback {
    pub due_from: DateTime<Utc>,
    pub due_to: Option<DateTime<Utc>>,
    pub channel: Channel,
    pub phone: Option<PhoneNumber>,
    pub owner: Owner,
    pub reason: FreeText,
}

/// The number to dial: the one asked for if the person allowed it, else their first usable one.
pub(super) fn number_to_call(
    rules: &SafeContactRules,
    asked: Option<&PhoneNumber>,
) -> Result<String, CallbackError> {
    match asked {
        Some(p) => rules
            .usable_phones()
            .find(|n| *n == p.as_str())
            .map(str::to_owned)
            .ok_or(CallbackError::SafeContactForbids(
                "this number is not one the person allowed (or it was marked wrong)",
            )),
        None => rules.usable_phones().next().map(str::to_owned).ok_or(
            CallbackError::SafeContactForbids(Forbidden::NoUsablePhone.reason()),
        ),
    }
}

/// The gate for a callback starting at `at`.
pub(super) fn check(
    rules: &SafeContactRules,
    channel: Channel,
    purpose: Purpose,
    at: DateTime<Utc>,
) -> Result<(), CallbackError> {
    let moment = Moment {
        at,
        last_inbound_at: None,
    };
    match safe_contact::decide(rules, channel, purpose, moment, Windows::new(24)) {
        Decision::Allowed => Ok(()),
        Decision::Forbidden(why) => Err(CallbackError::SafeContactForbids(why.reason())),
        Decision::NotBefore(next_allowed) => Err(CallbackError::OutsideSafeWindow { next_allowed }),
    }
}

pub(super) struct Insert<'a> {
    pub case_id: CaseId,
    pub kind: &'a str,
    pub status: &'a str,
    pub due_from: DateTime<Utc>,
    pub due_to: Option<DateTime<Utc>>,
    pub channel: Channel,
    pub phone: Option<&'a str>,
    pub owner: Option<UserId>,
    pub reason: Option<&'a str>,
    pub created_by: Option<UserId>,
}

pub(super) async fn insert(
    tx: &mut Transaction<'_, Postgres>,
    keys: &crate::crypto::KeyRing,
    new: Insert<'_>,
    now: DateTime<Utc>,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO callbacks (id, case_id, kind, status, due_from, due_to, channel, phone_enc, owner_id,
                                reason_enc, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
    )
    .bind(id)
    .bind(new.case_id)
    .bind(new.kind)
    .bind(new.status)
    .bind(new.due_from)
    .bind(new.due_to)
    .bind(new.channel.as_str())
    .bind(keys.seal_opt_at(new.phone, "callbacks", "phone_enc", id))
    .bind(new.owner)
    .bind(keys.seal_opt_at(new.reason, "callbacks", "reason_enc", id))
    .bind(new.created_by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn schedule(
    ctx: &AppContext,
    actor: Actor,
    case_id: CaseId,
    new: NewCallback,
    now: DateTime<Utc>,
) -> Result<Uuid, CallbackError> {
    if new.due_from < now - chrono::Duration::minutes(5) {
        return Err(FieldError::new("due_from", "must not be in the past").into());
    }
    if new.due_to.is_some_and(|to| to <= new.due_from) {
        return Err(FieldError::new("due_to", "must be after due_from").into());
    }
    let mut tx = ctx.db.begin().await?;
    ensure_may_change(&mut tx, case_id, actor, now).await?;
    let rules = safe_contact::load_for_case(&mut *tx, &ctx.keys, case_id)
        .await?
        .rules;
    check(&rules, new.channel, Purpose::Callback, new.due_from)?;
    let phone = match new.channel {
        Channel::Phone => Some(number_to_call(&rules, new.phone.as_ref())?),
        _ => None,
    };
    let owner = match new.owner {
        Owner::Me => Some(actor.id),
        Owner::Anyone => None,
        Owner::User(id) => {
            let known: Option<(bool,)> = sqlx::query_as("SELECT active FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if !known.is_some_and(|(active,)| active) {
                return Err(
                    FieldError::new("owner", "must be an active staff member, me or any").into(),
                );
            }
            Some(id)
        }
    };
    let id = insert(
        &mut tx,
        &ctx.keys,
        Insert {
            case_id,
            kind: "callback",
            status: "scheduled",
            due_from: new.due_from,
            due_to: new.due_to,
            channel: new.channel,
            phone: phone.as_deref(),
            owner,
            reason: Some(new.reason.as_str()),
            created_by: Some(actor.id),
        },
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        Some(actor.id),
        "callback.scheduled",
        Some(case_id),
        json!({ "callback_id": id, "channel": new.channel.as_str() }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Follow-up callbacks `months` after now (default `callbacks.follow_up_months`), each moved
/// into the person's safe windows at that time. Only for a case referred or closed (which
/// nobody holds any more).
pub async fn plan_follow_ups(
    ctx: &AppContext,
    actor: Actor,
    case_id: CaseId,
    months: Option<Vec<u32>>,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, CallbackError> {
    let months = months.unwrap_or_else(|| ctx.settings.callbacks.follow_up_months.clone());
    if months.is_empty() || months.iter().any(|m| !(1..=60).contains(m)) {
        return Err(FieldError::new("months", "must list 1 to 60 months each").into());
    }
    let mut tx = ctx.db.begin().await?;
    // Referring or closing a case lets go of it, so no hold is needed here: any counselor may
    // plan the follow-ups of a case that was referred or closed.
    let status: Option<(String,)> =
        sqlx::query_as("SELECT status FROM cases WHERE id = $1 FOR UPDATE")
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (status,) = status.ok_or(CallbackError::Case(crate::cases::CaseError::NotFound))?;
    if !matches!(status.as_str(), "referred" | "closed") {
        return Err(CallbackError::SafeContactForbids(
            "a follow-up plan is for a case that was referred or closed as assisted",
        ));
    }
    let rules = safe_contact::load_for_case(&mut *tx, &ctx.keys, case_id)
        .await?
        .rules;
    let (chat,): (String,) = sqlx::query_as("SELECT channel FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(&mut *tx)
        .await?;
    // By phone when the person allowed calls, else on the channel they wrote on.
    let channel = if rules.allows_channel(Channel::Phone) && rules.usable_phones().next().is_some()
    {
        Channel::Phone
    } else {
        Channel::parse("channel", &chat)?
    };
    let phone = match channel {
        Channel::Phone => Some(number_to_call(&rules, None)?),
        _ => None,
    };
    let mut ids = Vec::new();
    for m in months {
        let at = now
            .checked_add_months(Months::new(m))
            .ok_or_else(|| FieldError::new("months", "too far ahead"))?;
        let at = match check(&rules, channel, Purpose::FollowUp, at) {
            Ok(()) => at,
            Err(CallbackError::OutsideSafeWindow { next_allowed }) => next_allowed,
            Err(e) => return Err(e),
        };
        let reason = format!("follow-up after {m} months");
        let id = insert(
            &mut tx,
            &ctx.keys,
            Insert {
                case_id,
                kind: "follow_up",
                status: "scheduled",
                due_from: at,
                due_to: None,
                channel,
                phone: phone.as_deref(),
                owner: None,
                reason: Some(&reason),
                created_by: Some(actor.id),
            },
            now,
        )
        .await?;
        ids.push(id);
    }
    audit::record(
        &mut *tx,
        Some(actor.id),
        "callback.follow_ups_planned",
        Some(case_id),
        json!({ "callback_ids": ids }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(ids)
}
