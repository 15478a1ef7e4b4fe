//! The retention sweep: what `retention.*` says may no longer be kept goes, except anything of
//! a case under legal hold.
//!
//! - chat contacts that never became a case (a greeting, a /start, spam), whose last message is
//!   older than `contacts_without_case_days`: deleted whole (`erase::purge_caseless_identities`);
//! - closed cases unchanged for `closed_case_days`: personal fields erased, statistics kept
//!   (`erase::erase_case`), and their reporter erased once none of their cases needs them;
//! - attachments older than `attachment_days`: deleted, whatever the case's status;
//! - webhook bodies the hotline could not read, older than `unreadable_event_days`: deleted.
//!
//! `sweep(.., dry_run: true)` counts the same rows and changes nothing. The daily job logs the
//! counts (nothing else) and adds them to `hotline_retention_erased_total`. Every step works in
//! batches in its own transaction, so a sweep interrupted half-way is finished by the next.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::erase::{erase_case, erase_reporter, purge_caseless_identities};
use crate::context::AppContext;
use crate::domain::{CaseId, ReporterId};
use crate::jobs::JobHandler;
use crate::settings::RetentionSettings;

pub const RETENTION_SWEEP_JOB: &str = "retention_sweep";

/// Rows per transaction.
const BATCH: i64 = 200;

/// What a sweep erased, or in a dry run would erase (counts only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepCounts {
    pub contacts_without_case: u64,
    pub closed_cases: u64,
    pub attachments: u64,
    pub unreadable_events: u64,
}

/// A case is kept whole while any hold is on it.
const NOT_HELD: &str = "NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_id = c.id)";

fn cutoff(now: DateTime<Utc>, days: i64) -> Option<DateTime<Utc>> {
    (days > 0).then(|| now - Duration::days(days))
}

/// Runs the schedules once (see the module docs).
pub async fn sweep(
    ctx: &AppContext,
    settings: &RetentionSettings,
    now: DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<SweepCounts> {
    let mut counts = SweepCounts::default();
    if let Some(before) = cutoff(now, settings.contacts_without_case_days) {
        counts.contacts_without_case = caseless_contacts(ctx, before, dry_run).await?;
    }
    if let Some(before) = cutoff(now, settings.closed_case_days) {
        counts.closed_cases = closed_cases(ctx, before, now, dry_run).await?;
    }
    if let Some(before) = cutoff(now, settings.attachment_days) {
        counts.attachments = attachments(ctx, before, dry_run).await?;
    }
    if let Some(before) = cutoff(now, settings.unreadable_event_days) {
        counts.unreadable_events = unreadable_events(ctx, before, dry_run).await?;
    }
    if !dry_run {
        // A deletion the platform never took (the job gave up) does not keep a chat id for ever.
        sqlx::query("DELETE FROM platform_deletions WHERE created_at < $1")
            .bind(now - Duration::days(7))
            .execute(&ctx.db)
            .await?;
    }
    Ok(counts)
}

/// A dry run's answer: how many rows `due` (a query taking the cut-off as $1) would remove.
async fn count_due(ctx: &AppContext, due: &str, before: DateTime<Utc>) -> anyhow::Result<u64> {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT count(*) FROM ({due}) d"
    )))
    .bind(before)
    .fetch_one(&ctx.db)
    .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

async fn caseless_contacts(
    ctx: &AppContext,
    before: DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<u64> {
    // Identities no case ever pointed at, of reporters with no case, quiet since `before`.
    let due = "SELECT i.id FROM channel_identities i
         WHERE COALESCE(i.last_inbound_at, i.created_at) < $1
           AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.channel_identity_id = i.id)
           AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.reporter_id = i.reporter_id)
           AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.channel_identity_id = i.id
                             AND (m.case_id IS NOT NULL OR m.at >= $1))";
    if dry_run {
        return count_due(ctx, due, before).await;
    }
    let mut total = 0;
    loop {
        let mut tx = ctx.db.begin().await?;
        let ids: Vec<(Uuid,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{due} ORDER BY i.id LIMIT {BATCH} FOR UPDATE OF i SKIP LOCKED"
        )))
        .bind(before)
        .fetch_all(&mut *tx)
        .await?;
        if ids.is_empty() {
            return Ok(total);
        }
        let ids: Vec<Uuid> = ids.into_iter().map(|(id,)| id).collect();
        let gone = purge_caseless_identities(&mut tx, &ids).await?;
        tx.commit().await?;
        total += gone;
        if gone == 0 {
            return Ok(total);
        }
    }
}

async fn closed_cases(
    ctx: &AppContext,
    before: DateTime<Utc>,
    now: DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<u64> {
    let due = format!(
        "SELECT c.id, c.reporter_id FROM cases c
         WHERE c.status = 'closed' AND c.personal_erased_at IS NULL AND c.updated_at < $1 AND {NOT_HELD}"
    );
    if dry_run {
        return count_due(ctx, &due, before).await;
    }
    let mut total = 0;
    loop {
        let mut tx = ctx.db.begin().await?;
        let rows: Vec<(CaseId, ReporterId)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{due} ORDER BY c.updated_at, c.id LIMIT {BATCH} FOR UPDATE OF c SKIP LOCKED"
        )))
        .bind(before)
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            return Ok(total);
        }
        let mut reporters: Vec<ReporterId> = Vec::new();
        for (case, reporter) in &rows {
            erase_case(&mut tx, &ctx.keys, *case, now).await?;
            crate::auth::audit::record(
                &mut *tx,
                None,
                "case.retention_erased",
                Some(*case),
                json!({}),
                now,
            )
            .await?;
            if !reporters.contains(reporter) {
                reporters.push(*reporter);
            }
        }
        // Who the person is goes once no case of theirs still needs it.
        for reporter in reporters {
            let (still_needed,): (bool,) = sqlx::query_as(
                "SELECT EXISTS (SELECT 1 FROM cases c WHERE c.reporter_id = $1
                    AND (c.personal_erased_at IS NULL
                         OR EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_id = c.id)))",
            )
            .bind(reporter)
            .fetch_one(&mut *tx)
            .await?;
            if !still_needed {
                erase_reporter(&mut tx, reporter, now).await?;
            }
        }
        tx.commit().await?;
        total += rows.len() as u64;
    }
}

async fn attachments(
    ctx: &AppContext,
    before: DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<u64> {
    // A file on a held case stays; a file of a chat that never became a case goes with it.
    let due = format!(
        "SELECT a.id FROM attachments a JOIN messages m ON m.id = a.message_id
         LEFT JOIN cases c ON c.id = m.case_id
         WHERE a.created_at < $1 AND (c.id IS NULL OR {NOT_HELD})"
    );
    if dry_run {
        return count_due(ctx, &due, before).await;
    }
    let mut total = 0;
    loop {
        let gone = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DELETE FROM attachments WHERE id IN ({due} LIMIT {BATCH})"
        )))
        .bind(before)
        .execute(&ctx.db)
        .await?
        .rows_affected();
        total += gone;
        if gone < BATCH as u64 {
            return Ok(total);
        }
    }
}

async fn unreadable_events(
    ctx: &AppContext,
    before: DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<u64> {
    let n = if dry_run {
        let (n,): (i64,) =
            sqlx::query_as("SELECT count(*) FROM unreadable_events WHERE received_at < $1")
                .bind(before)
                .fetch_one(&ctx.db)
                .await?;
        u64::try_from(n).unwrap_or(0)
    } else {
        sqlx::query("DELETE FROM unreadable_events WHERE received_at < $1")
            .bind(before)
            .execute(&ctx.db)
            .await?
            .rows_affected()
    };
    Ok(n)
}

/// Records the counts: one log line with numbers only, and the metrics.
pub fn report(counts: &SweepCounts) {
    tracing::info!(
        contacts_without_case = counts.contacts_without_case,
        closed_cases = counts.closed_cases,
        attachments = counts.attachments,
        unreadable_events = counts.unreadable_events,
        "retention sweep done"
    );
    crate::metrics::retention("contacts_without_case", counts.contacts_without_case);
    crate::metrics::retention("closed_cases", counts.closed_cases);
    crate::metrics::retention("attachments", counts.attachments);
    crate::metrics::retention("unreadable_events", counts.unreadable_events);
}

/// Queues the next daily sweep at `retention.run_at_hour_utc` (once per day, whichever node
/// asks first: the job's dedupe key is the date).
pub async fn schedule_next_sweep(
    db: &sqlx::PgPool,
    settings: &RetentionSettings,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let hour = settings.run_at_hour_utc.min(23);
    let today = now
        .date_naive()
        .and_hms_opt(hour, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(now);
    let next = if today > now {
        today
    } else {
        today + Duration::days(1)
    };
    crate::jobs::enqueue(
        db,
        RETENTION_SWEEP_JOB,
        &json!({}),
        Some(&format!("retention:{}", next.date_naive())),
        next,
    )
    .await
}

/// The daily job: sweep, report the counts, queue tomorrow's.
pub struct RetentionSweep;

impl JobHandler for RetentionSweep {
    fn run<'a>(
        &'a self,
        ctx: &'a AppContext,
        _payload: &'a serde_json::Value,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let settings = &ctx.settings.retention;
            let now = ctx.now();
            let counts = sweep(ctx, settings, now, false).await?;
            report(&counts);
            if settings.enabled {
                schedule_next_sweep(&ctx.db, settings, now).await?;
            }
            Ok(())
        })
    }
}
