//! Action targets: a referral nobody acknowledged within `referrals.ack_target_seconds` of its
//! urgency is escalated to supervisors with the next suggested partner. One job per referral,
//! due at its target (written with the referral), so the check runs on the injected clock and
//! on exactly one node; it does nothing if the partner answered meanwhile.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use sqlx::PgExecutor;
use uuid::Uuid;

use super::{facts, suggestions};
use crate::auth::audit;
use crate::context::AppContext;
use crate::domain::CaseId;
use crate::jobs::JobHandler;
use crate::partners::{View, store};

pub const ESCALATE_REFERRAL_JOB: &str = "escalate_referral";

pub async fn schedule(
    db: impl PgExecutor<'_>,
    referral_id: Uuid,
    due: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    crate::jobs::enqueue(
        db,
        ESCALATE_REFERRAL_JOB,
        &json!({ "referral_id": referral_id }),
        Some(&format!("escalate:{referral_id}")),
        due,
    )
    .await
}

/// The best partner for the case that it was not yet referred to (or whose referral did not
/// fail, decline or get cancelled), with the reasons.
pub async fn next_partner(
    ctx: &AppContext,
    case_id: CaseId,
) -> anyhow::Result<Option<(Uuid, String, Vec<String>)>> {
    let facts = facts::case_facts(&ctx.db, &ctx.keys, case_id).await?;
    let view = View {
        reveal_address: false,
        stale_after_days: ctx.settings.referrals.stale_after_days,
        now: ctx.now(),
    };
    let partners = store::list(&ctx.db, &ctx.keys, view, true).await?;
    let tried: Vec<(Uuid,)> =
        sqlx::query_as("SELECT DISTINCT partner_id FROM referrals WHERE case_id = $1")
            .bind(case_id)
            .fetch_all(&ctx.db)
            .await?;
    let ranked = suggestions::suggest(
        &facts,
        partners,
        &ctx.settings.conversation.home_country,
        ctx.now(),
    );
    Ok(ranked
        .into_iter()
        .find(|s| !tried.iter().any(|(id,)| *id == s.partner.id))
        .map(|s| (s.partner.id, s.partner.name, s.reasons)))
}

pub struct EscalateReferral;

impl JobHandler for EscalateReferral {
    fn run<'a>(
        &'a self,
        ctx: &'a AppContext,
        payload: &'a serde_json::Value,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let id: Uuid = serde_json::from_value(payload["referral_id"].clone())?;
            let row: Option<(String, CaseId, Option<DateTime<Utc>>)> =
                sqlx::query_as("SELECT status, case_id, escalated_at FROM referrals WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&ctx.db)
                    .await?;
            let Some((status, case_id, escalated)) = row else {
                return Ok(());
            };
            // Acknowledged, answered, closed or already escalated: nothing to do.
            if status != "requested" || escalated.is_some() {
                return Ok(());
            }
            let next = next_partner(ctx, case_id).await?;
            let now = ctx.now();
            let mut tx = ctx.db.begin().await?;
            let updated = sqlx::query(
                "UPDATE referrals SET escalated_at = $2 WHERE id = $1 AND status = 'requested' AND escalated_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if updated.rows_affected() == 0 {
                return Ok(());
            }
            let next_id = next.as_ref().map(|(id, _, _)| *id);
            sqlx::query(
                "INSERT INTO referral_escalations (id, referral_id, next_partner_id, at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (referral_id) DO NOTHING",
            )
            .bind(Uuid::new_v4())
            .bind(id)
            .bind(next_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            audit::record(
                &mut *tx,
                None,
                "referral.escalated",
                Some(case_id),
                json!({ "referral_id": id, "next_partner_id": next_id }),
                now,
            )
            .await?;
            tx.commit().await?;
            ctx.live.announce(&ctx.redis, Some(case_id));
            Ok(())
        })
    }
}

/// An escalation as supervisors see it.
#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct Escalation {
    pub referral_id: Uuid,
    pub reference: String,
    pub case_id: Uuid,
    pub partner_id: Uuid,
    pub partner_name: String,
    pub urgency: String,
    pub status: String,
    pub next_partner_id: Option<Uuid>,
    pub next_partner_name: Option<String>,
    #[serde(with = "crate::domain::time")]
    pub requested_at: DateTime<Utc>,
    #[serde(with = "crate::domain::time")]
    pub escalated_at: DateTime<Utc>,
}

/// Open escalations, oldest first.
pub async fn open_escalations(db: impl PgExecutor<'_>) -> Result<Vec<Escalation>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id AS referral_id, r.reference, r.case_id, p.id AS partner_id, p.name AS partner_name,
                r.urgency_level AS urgency, r.status, e.next_partner_id, n.name AS next_partner_name,
                r.created_at AS requested_at, e.at AS escalated_at
         FROM referral_escalations e JOIN referrals r ON r.id = e.referral_id
         JOIN partners p ON p.id = r.partner_id LEFT JOIN partners n ON n.id = e.next_partner_id
         WHERE e.resolved_at IS NULL ORDER BY e.at, r.id",
    )
    .fetch_all(db)
    .await
}
