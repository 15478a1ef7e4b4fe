//! Restricted cases: a case about a public figure, a staff member's relative, or a person in
//! acute danger from someone who may reach the hotline's staff. A supervisor marks it, with a
//! reason and the staff who may see it; from then on only those staff and supervisors and admins
//! see it at all (not even its outline: its reference and urgency are themselves telling). It
//! leaves the shared queue (claim-next never offers it) and every counselor's case list except
//! the named ones'; reading it by id answers 404 to anyone else, as for a case that does not
//! exist. Marking and unmarking are audited.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use super::PrivacyError;
use crate::auth::{Role, audit};
use crate::domain::{CaseId, FieldError, UserId};

/// SQL: the case aliased `c` is visible to the counselor whose id is parameter `user`.
pub fn visible_to(user: &str) -> String {
    format!(
        "(NOT c.restricted OR EXISTS (SELECT 1 FROM case_named_staff n
                                        WHERE n.case_id = c.id AND n.user_id = {user}))"
    )
}

/// Why a case is restricted (written to the audit log; free text would be personal data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RestrictionReason {
    /// The person is in danger from someone who may reach staff.
    DangerToPerson,
    /// A staff member, or someone close to one, is involved.
    StaffInvolved,
    /// A public figure, or a case the press follows.
    PublicFigure,
    Other,
}

impl RestrictionReason {
    pub fn parse(field: &str, raw: &str) -> Result<RestrictionReason, FieldError> {
        Ok(match raw {
            "danger_to_person" => RestrictionReason::DangerToPerson,
            "staff_involved" => RestrictionReason::StaffInvolved,
            "public_figure" => RestrictionReason::PublicFigure,
            "other" => RestrictionReason::Other,
            _ => {
                return Err(FieldError::new(
                    field,
                    "must be danger_to_person, staff_involved, public_figure or other",
                ));
            }
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RestrictionReason::DangerToPerson => "danger_to_person",
            RestrictionReason::StaffInvolved => "staff_involved",
            RestrictionReason::PublicFigure => "public_figure",
            RestrictionReason::Other => "other",
        }
    }
}

/// Whether `user` (with `role`) may see the case at all. `NotFound` when there is no such case.
pub async fn may_see(
    db: &PgPool,
    user: UserId,
    role: Role,
    case_id: CaseId,
) -> Result<bool, PrivacyError> {
    let row: Option<(bool,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM cases c WHERE c.id = $1",
        visible_to("$2")
    )))
    .bind(case_id)
    .bind(user)
    .fetch_optional(db)
    .await?;
    let (visible,) = row.ok_or(PrivacyError::NotFound)?;
    Ok(visible || role.includes(Role::Supervisor))
}

/// Whether the case is restricted, and the staff named on it (for the supervisor's form).
pub async fn restriction_of(
    db: &PgPool,
    case_id: CaseId,
) -> Result<(bool, Vec<Uuid>), sqlx::Error> {
    let (restricted,): (bool,) = sqlx::query_as("SELECT restricted FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(db)
        .await?;
    let named: Vec<(Uuid,)> =
        sqlx::query_as("SELECT user_id FROM case_named_staff WHERE case_id = $1")
            .bind(case_id)
            .fetch_all(db)
            .await?;
    Ok((restricted, named.into_iter().map(|(id,)| id).collect()))
}

/// Every reason, as the API and the console's form name them.
pub const REASONS: &[&str] = &[
    "danger_to_person",
    "staff_involved",
    "public_figure",
    "other",
];

/// Marks the case restricted to `staff` (replacing any earlier list), or lifts the restriction.
/// A holder who is not named loses the lease. Audited with the reason and the named ids.
pub async fn set_restriction(
    db: &PgPool,
    actor: UserId,
    case_id: CaseId,
    restricted: bool,
    staff: &[Uuid],
    reason: RestrictionReason,
    now: DateTime<Utc>,
) -> Result<(), PrivacyError> {
    let mut tx = db.begin().await?;
    let found: Option<(bool,)> =
        sqlx::query_as("SELECT restricted FROM cases WHERE id = $1 FOR UPDATE")
            .bind(case_id)
            .fetch_optional(&mut *tx)
            .await?;
    if found.is_none() {
        return Err(PrivacyError::NotFound);
    }
    if restricted {
        let known: (i64,) = sqlx::query_as("SELECT count(*) FROM users WHERE id = ANY($1)")
            .bind(staff)
            .fetch_one(&mut *tx)
            .await?;
        let distinct: std::collections::HashSet<&Uuid> = staff.iter().collect();
        if known.0 != distinct.len() as i64 {
            return Err(PrivacyError::Invalid(FieldError::new(
                "staff",
                "every entry must be a staff member's id",
            )));
        }
    }
    sqlx::query("DELETE FROM case_named_staff WHERE case_id = $1")
        .bind(case_id)
        .execute(&mut *tx)
        .await?;
    if restricted {
        sqlx::query(
            "INSERT INTO case_named_staff (case_id, user_id, named_by, named_at)
             SELECT $1, u, $3, $4 FROM unnest($2::uuid[]) AS u ON CONFLICT DO NOTHING",
        )
        .bind(case_id)
        .bind(staff)
        .bind(actor)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // Whoever holds it without being named lets go now.
        sqlx::query(
            "UPDATE cases SET holder_id = NULL, lease_expires_at = NULL
             WHERE id = $1 AND holder_id IS NOT NULL AND NOT (holder_id = ANY($2))",
        )
        .bind(case_id)
        .bind(staff)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE cases SET restricted = $2, updated_at = $3 WHERE id = $1")
        .bind(case_id)
        .bind(restricted)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut *tx,
        Some(actor),
        if restricted {
            "case.restricted"
        } else {
            "case.unrestricted"
        },
        Some(case_id),
        json!({ "reason": reason.as_str(), "staff": staff }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
