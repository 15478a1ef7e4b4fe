//! Why a staff member may read a case's personal fields, or that they may see its outline only.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::PrivacyError;
use crate::auth::Role;
use crate::domain::{CaseId, UserId};

/// Why someone reads a case in full; it is written into the read audit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Supervisors and admins oversee every case.
    Supervision,
    /// They hold the case's live lease.
    Holder,
    /// They held it before (claimed it at some time).
    HeldBefore,
    /// They opened it (took the call and filled the phone form).
    Opened,
    /// They broke the glass, with this reason, and the grant has not run out.
    BreakGlass(String),
}

impl Purpose {
    pub fn as_str(&self) -> String {
        match self {
            Purpose::Supervision => "supervision".into(),
            Purpose::Holder => "holder".into(),
            Purpose::HeldBefore => "held_before".into(),
            Purpose::Opened => "opened".into(),
            Purpose::BreakGlass(reason) => format!("break_glass:{reason}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Full(Purpose),
    Outline,
}

impl Access {
    pub fn is_full(&self) -> bool {
        matches!(self, Access::Full(_))
    }
}

#[derive(sqlx::FromRow)]
struct Relation {
    holds: bool,
    held: bool,
    opened: bool,
    glass: Option<String>,
}

/// The access `user` (with `role`) has to the case now. `NotFound` when there is no such case.
pub async fn access_to_case(
    db: &PgPool,
    user: UserId,
    role: Role,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<Access, PrivacyError> {
    // One case is a list of one: the same query and the same rule.
    access_to_cases(db, user, role, &[case_id], now)
        .await?
        .remove(&case_id)
        .ok_or(PrivacyError::NotFound)
}

/// The access `user` has now to each of `case_ids`, in one query (for lists, which would
/// otherwise ask once per row). A case that does not exist, or is restricted without naming
/// `user` (and `user` is no supervisor), is left out: for them it does not exist.
pub async fn access_to_cases(
    db: &PgPool,
    user: UserId,
    role: Role,
    case_ids: &[CaseId],
    now: DateTime<Utc>,
) -> Result<HashMap<CaseId, Access>, PrivacyError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: CaseId,
        visible: bool,
        #[sqlx(flatten)]
        relation: Relation,
    }
    let ids: Vec<Uuid> = case_ids.iter().map(|id| id.0).collect();
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT c.id, {} AS visible,
                COALESCE(c.holder_id = $2 AND c.lease_expires_at > $3, FALSE) AS holds,
                EXISTS (SELECT 1 FROM audit_log a WHERE a.case_id = c.id AND a.actor_id = $2
                        AND a.action = 'case.claimed') AS held,
                EXISTS (SELECT 1 FROM audit_log a WHERE a.case_id = c.id AND a.actor_id = $2
                        AND a.action = 'case.opened') AS opened,
                (SELECT g.reason FROM break_glass g WHERE g.case_id = c.id AND g.user_id = $2
                   AND g.expires_at > $3 ORDER BY g.expires_at DESC LIMIT 1) AS glass
         FROM cases c WHERE c.id = ANY($1)",
        super::restricted::visible_to("$2")
    )))
    .bind(&ids)
    .bind(user)
    .bind(now)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|r| r.visible || role.includes(Role::Supervisor))
        .map(|r| (r.id, decide(role, &r.relation)))
        .collect())
}

/// The rule itself, pure: the closest relation wins (it is what the audit names).
fn decide(role: Role, r: &Relation) -> Access {
    if r.holds {
        Access::Full(Purpose::Holder)
    } else if role.includes(Role::Supervisor) {
        Access::Full(Purpose::Supervision)
    } else if r.held {
        Access::Full(Purpose::HeldBefore)
    } else if r.opened {
        Access::Full(Purpose::Opened)
    } else if let Some(reason) = &r.glass {
        Access::Full(Purpose::BreakGlass(reason.clone()))
    } else {
        Access::Outline
    }
}

/// For routes that show personal fields of one case and have no outline of their own (its
/// safe-contact rules, its referrals' packets): the full view or `NeedToKnow`.
pub async fn require_full(
    db: &PgPool,
    user: UserId,
    role: Role,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<Purpose, PrivacyError> {
    match access_to_case(db, user, role, case_id, now).await? {
        Access::Full(purpose) => Ok(purpose),
        Access::Outline => Err(PrivacyError::NeedToKnow),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(holds: bool, held: bool, opened: bool, glass: Option<&str>) -> Relation {
        Relation {
            holds,
            held,
            opened,
            glass: glass.map(str::to_owned),
        }
    }

    #[test]
    fn a_counselor_without_a_relation_sees_the_outline_only() {
        assert_eq!(
            decide(Role::Counselor, &rel(false, false, false, None)),
            Access::Outline
        );
    }

    #[test]
    fn holding_holding_before_opening_or_breaking_the_glass_give_the_full_view() {
        let c = Role::Counselor;
        assert_eq!(
            decide(c, &rel(true, true, false, None)),
            Access::Full(Purpose::Holder)
        );
        assert_eq!(
            decide(c, &rel(false, true, false, None)),
            Access::Full(Purpose::HeldBefore)
        );
        assert_eq!(
            decide(c, &rel(false, false, true, None)),
            Access::Full(Purpose::Opened)
        );
        assert_eq!(
            decide(c, &rel(false, false, false, Some("covering_shift"))),
            Access::Full(Purpose::BreakGlass("covering_shift".into()))
        );
    }

    #[test]
    fn supervisors_and_admins_see_every_case_in_full() {
        for role in [Role::Supervisor, Role::Admin] {
            assert_eq!(
                decide(role, &rel(false, false, false, None)),
                Access::Full(Purpose::Supervision)
            );
        }
    }
}
