//! Breaking the glass: a counselor with no relation to a case asks for its full view, giving a
//! reason from a list and a few words. The grant lasts `privacy.break_glass_minutes`, is
//! audited (`case.break_glass`), and waits on the supervisors' list until one of them has
//! reviewed it. The words are staff's own but may name people, so they are sealed.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use super::PrivacyError;
use crate::auth::audit;
use crate::crypto::KeyRing;
use crate::domain::report::{FreeText, string_enum};
use crate::domain::{CaseId, FieldError, UserId};

string_enum!(
    /// Why someone needs a case they are not working on.
    BreakGlassReason {
        CoveringShift = "covering_shift",
        CallerOnLine = "caller_on_line",
        SupervisorRequest = "supervisor_request",
        Other = "other"
    }
);

pub const REASONS: &[&str] = &[
    "covering_shift",
    "caller_on_line",
    "supervisor_request",
    "other",
];

/// A parsed request to break the glass.
#[derive(Debug)]
pub struct BreakGlass {
    pub reason: BreakGlassReason,
    pub text: FreeText,
}

impl BreakGlass {
    pub fn parse(reason: Option<&str>, text: Option<&str>) -> Result<BreakGlass, FieldError> {
        let reason = BreakGlassReason::parse(
            "reason",
            reason.ok_or_else(|| FieldError::new("reason", "is required"))?,
        )?;
        let text = FreeText::parse("text", text.unwrap_or(""), 500)?
            .ok_or_else(|| FieldError::new("text", "is required: say why you need this case"))?;
        Ok(BreakGlass { reason, text })
    }
}

/// Records the grant and its audit entry; returns when it runs out.
pub async fn break_glass(
    db: &PgPool,
    keys: &KeyRing,
    who: UserId,
    case_id: CaseId,
    request: &BreakGlass,
    minutes: i64,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, PrivacyError> {
    let mut tx = db.begin().await?;
    // A restricted case is not there for counselors it does not name: no glass to break.
    let exists: Option<(CaseId,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT c.id FROM cases c WHERE c.id = $1
           AND ({} OR EXISTS (SELECT 1 FROM users u WHERE u.id = $2
                                AND u.role IN ('supervisor', 'admin')))",
        super::restricted::visible_to("$2")
    )))
    .bind(case_id)
    .bind(who)
    .fetch_optional(&mut *tx)
    .await?;
    if exists.is_none() {
        return Err(PrivacyError::NotFound);
    }
    let id = Uuid::new_v4();
    let until = now + Duration::minutes(minutes);
    sqlx::query(
        "INSERT INTO break_glass (id, case_id, user_id, reason, text_enc, granted_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(case_id)
    .bind(who)
    .bind(request.reason.as_str())
    .bind(keys.seal_at(request.text.as_str(), "break_glass", "text_enc", id))
    .bind(now)
    .bind(until)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Some(who),
        "case.break_glass",
        Some(case_id),
        json!({ "grant_id": id, "reason": request.reason.as_str(), "minutes": minutes }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(until)
}

/// One grant as supervisors review it.
#[derive(Debug, Serialize)]
pub struct Grant {
    pub id: Uuid,
    pub case_id: CaseId,
    pub reference: String,
    pub by: String,
    pub reason: String,
    pub text: String,
    #[serde(with = "crate::domain::time")]
    pub granted_at: DateTime<Utc>,
    #[serde(with = "crate::domain::time")]
    pub expires_at: DateTime<Utc>,
    pub reviewed_by: Option<String>,
}

/// Grants, newest first: those still waiting for review, or all of them.
pub async fn list(
    db: &PgPool,
    keys: &KeyRing,
    unreviewed_only: bool,
) -> Result<Vec<Grant>, PrivacyError> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        Uuid,
        CaseId,
        String,
        String,
        String,
        Vec<u8>,
        DateTime<Utc>,
        DateTime<Utc>,
        Option<String>,
    )> = sqlx::query_as(
        "SELECT g.id, g.case_id, c.reference, u.email, g.reason, g.text_enc, g.granted_at,
                g.expires_at, r.email
         FROM break_glass g JOIN cases c ON c.id = g.case_id JOIN users u ON u.id = g.user_id
         LEFT JOIN users r ON r.id = g.reviewed_by
         WHERE NOT $1 OR g.reviewed_at IS NULL
         ORDER BY g.granted_at DESC LIMIT 500",
    )
    .bind(unreviewed_only)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, case_id, reference, by, reason, text, granted_at, expires_at, reviewed_by)| {
                Grant {
                    id,
                    case_id,
                    reference,
                    by,
                    reason,
                    // A text that cannot be opened is shown as missing, not as an error: the
                    // grant itself is what the reviewer needs.
                    text: keys
                        .open_bound(
                            &text,
                            &crate::crypto::Binding::new("break_glass", "text_enc", id),
                        )
                        .unwrap_or_default(),
                    granted_at,
                    expires_at,
                    reviewed_by,
                }
            },
        )
        .collect())
}

/// A supervisor has looked at a grant. Audited.
pub async fn review(
    db: &PgPool,
    who: UserId,
    grant: Uuid,
    now: DateTime<Utc>,
) -> Result<(), PrivacyError> {
    let mut tx = db.begin().await?;
    let case: Option<(CaseId,)> = sqlx::query_as(
        "UPDATE break_glass SET reviewed_by = $2, reviewed_at = $3
         WHERE id = $1 AND reviewed_at IS NULL RETURNING case_id",
    )
    .bind(grant)
    .bind(who)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((case_id,)) = case else {
        return Err(PrivacyError::NotFound);
    };
    audit::record(
        &mut *tx,
        Some(who),
        "break_glass.reviewed",
        Some(case_id),
        json!({ "grant_id": grant }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
