//! A new message from the person puts the case back in the queue.

use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};

use crate::domain::CaseId;

/// Marks the case as waiting for a counselor's answer. The wait counts from the first
/// unanswered message, so a flood from one chat cannot push anyone else down.
pub async fn mark_awaiting_reply(
    tx: &mut Transaction<'_, Postgres>,
    case_id: CaseId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    // A case that waited on the person is open again: the person waits for a human anew.
    crate::supervisor::answer_clock::start_if_reopened(tx, case_id, now).await?;
    sqlx::query(
        "UPDATE cases SET waiting_since = CASE WHEN awaiting_reply THEN waiting_since ELSE $2 END,
                          awaiting_reply = TRUE, updated_at = $2
         WHERE id = $1",
    )
    .bind(case_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
