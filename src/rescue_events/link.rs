//! Linking cases to a rescue event: existing cases by id, and new phone cases entered in bulk
//! (one report per person, as the phone form takes them), all in one transaction, so a request
//! either links and creates everything or changes nothing. Each link is audited on its case.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use super::EventError;
use crate::auth::audit;
use crate::crypto::KeyRing;
use crate::domain::{CaseId, Channel, NewReport, UserId};
use crate::intake::phone_report::{Idempotency, record_in};
use crate::triage::TriageRules;

/// What to link: cases that exist, and reports to create (each becomes a case).
pub struct LinkRequest {
    pub existing: Vec<CaseId>,
    pub new_reports: Vec<NewReport>,
}

/// What a link request did.
#[derive(Debug)]
pub struct Linked {
    pub created: Vec<CaseId>,
    /// An `Idempotency-Key` matched an earlier request: nothing new was written.
    pub replayed: bool,
}

/// Links the cases and creates the new ones. A case already linked to this event is fine (a
/// retry changes nothing); one linked to another event is refused, so one person is not split
/// between two rescues by a slip.
#[allow(
    clippy::too_many_arguments,
    reason = "the intake's own inputs plus the event"
)]
pub async fn link_cases(
    db: &PgPool,
    keys: &KeyRing,
    rules: &TriageRules,
    by: UserId,
    event_id: Uuid,
    request: &LinkRequest,
    idempotency: Option<Idempotency<'_>>,
    now: DateTime<Utc>,
) -> Result<Linked, EventError> {
    let mut tx = db.begin().await?;
    let found: Option<(Uuid,)> =
        sqlx::query_as("SELECT id FROM rescue_events WHERE id = $1 FOR SHARE")
            .bind(event_id)
            .fetch_optional(&mut *tx)
            .await?;
    if found.is_none() {
        return Err(EventError::NotFound);
    }
    if let Some(idem) = &idempotency
        && let Some(earlier) = idem.take(&mut tx, by, now).await?
    {
        return if earlier.request_hash == idem.request_hash {
            Ok(Linked {
                created: Vec::new(),
                replayed: true,
            })
        } else {
            Err(EventError::IdempotencyKeyReused)
        };
    }
    for case in &request.existing {
        let row: Option<(Option<Uuid>,)> =
            sqlx::query_as("SELECT rescue_event_id FROM cases WHERE id = $1 FOR UPDATE")
                .bind(case)
                .fetch_optional(&mut *tx)
                .await?;
        match row {
            None => return Err(EventError::UnknownCase(*case)),
            Some((Some(other),)) if other != event_id => {
                return Err(EventError::InAnotherEvent(*case));
            }
            Some((Some(_),)) => continue,
            Some((None,)) => link_one(&mut tx, by, event_id, *case, false, now).await?,
        }
    }
    let mut created = Vec::with_capacity(request.new_reports.len());
    let mut levels = Vec::with_capacity(request.new_reports.len());
    for report in &request.new_reports {
        let (case, level) = record_in(&mut tx, keys, rules, by, report, now).await?;
        link_one(&mut tx, by, event_id, case, true, now).await?;
        created.push(case);
        levels.push(level);
    }
    tx.commit().await?;
    for level in levels {
        crate::metrics::report_created(Channel::Phone.as_str(), level.as_str());
    }
    Ok(Linked {
        created,
        replayed: false,
    })
}

async fn link_one(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    by: UserId,
    event_id: Uuid,
    case: CaseId,
    created: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE cases SET rescue_event_id = $2 WHERE id = $1")
        .bind(case)
        .bind(event_id)
        .execute(&mut **tx)
        .await?;
    audit::record(
        &mut **tx,
        Some(by),
        "case.rescue_event_linked",
        Some(case),
        json!({ "event_id": event_id, "created_for_event": created }),
        now,
    )
    .await
}
