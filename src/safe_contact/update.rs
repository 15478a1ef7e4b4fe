//! A counselor who holds a case (or a supervisor) changes the person's rules: a new version,
//! audited (the version number only; the rules are personal).

use chrono::{DateTime, Utc};
use serde_json::json;

use super::SafeContactError;
use super::rules::{SafeContactRules, Source};
use super::store::{self, Current};
use crate::auth::{Actor, audit};
use crate::cases::ensure_may_change;
use crate::context::AppContext;
use crate::domain::CaseId;

/// `edit` gets the rules in force and returns the new ones (so a form can keep what it does
/// not carry, such as which numbers were marked wrong).
pub async fn update_for_case(
    ctx: &AppContext,
    actor: Actor,
    case_id: CaseId,
    edit: impl FnOnce(&SafeContactRules) -> SafeContactRules,
    now: DateTime<Utc>,
) -> Result<Current, SafeContactError> {
    let mut tx = ctx.db.begin().await?;
    ensure_may_change(&mut tx, case_id, actor, now).await?;
    let current = store::load_for_case(&mut *tx, &ctx.keys, case_id).await?;
    let rules = edit(&current.rules);
    let version = store::record(
        &mut tx,
        &ctx.keys,
        current.reporter_id,
        &rules,
        Source::Counselor,
        Some(actor.id),
        now,
    )
    .await?;
    audit::record(
        &mut *tx,
        Some(actor.id),
        "case.safe_contact_changed",
        Some(case_id),
        json!({ "version": version }),
        now,
    )
    .await?;
    tx.commit().await?;
    store::load_for_case(&ctx.db, &ctx.keys, case_id).await
}
