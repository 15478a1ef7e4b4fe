//! "Forget me": the person asks, in the chat or through a counselor, that their data be erased.
//!
//! In one transaction: every pending message to them is cancelled and their chats are marked
//! forgotten, so nothing more is sent (the send job refuses a forgotten chat until the person
//! writes again); the messages the hotline can still delete from their chat (Telegram: the
//! last 48 hours, the bot's and theirs) are queued for deletion (`platform_deletions`); each of
//! their cases is closed (`reporter_withdrew`) and its personal fields erased, except a case
//! under legal hold, which is kept whole and marked with the request so its counselor sees it;
//! when no case is held, who they are (name, numbers, safe-contact rules, platform ids and their
//! lookup hashes) is erased too, and their chat messages that never joined a case are deleted.
//! Statistics stay. The audit entries name no person.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::erase::{erase_case, erase_reporter};
use crate::auth::audit;
use crate::crypto::KeyRing;
use crate::domain::{CaseId, ReporterId, UserId};
use crate::settings::AnswerTargets;

/// What a forget-me request did (counts only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ForgetOutcome {
    /// Cases whose personal fields were erased.
    pub erased_cases: usize,
    /// Cases kept whole because of a legal hold (the request is recorded on each).
    pub held_cases: usize,
    /// Messages the platform was asked to delete from the person's chat.
    pub messages_to_delete: usize,
    /// The person wrote on a channel where the hotline cannot delete messages (LINE, email):
    /// they must delete the chat themselves.
    pub channel_cannot_delete: bool,
}

/// How the request reached the hotline.
#[derive(Debug, Clone, Copy)]
pub enum Via {
    Chat,
    Counselor(UserId),
}

/// Telegram lets a bot delete messages in a private chat for 48 hours.
const TELEGRAM_DELETE_HOURS: i64 = 48;

/// Carries out a forget-me request for `reporter`. See the module docs.
pub async fn forget_reporter(
    tx: &mut Transaction<'_, Postgres>,
    keys: &KeyRing,
    targets: &AnswerTargets,
    reporter: ReporterId,
    via: Via,
    now: DateTime<Utc>,
) -> Result<ForgetOutcome, sqlx::Error> {
    let mut outcome = ForgetOutcome::default();
    let identities: Vec<(Uuid, String, Option<Vec<u8>>)> = sqlx::query_as(
        "SELECT id, channel, external_id_enc FROM channel_identities WHERE reporter_id = $1 FOR UPDATE",
    )
    .bind(reporter)
    .fetch_all(&mut **tx)
    .await?;
    let identity_ids: Vec<Uuid> = identities.iter().map(|(id, _, _)| *id).collect();

    // 1. Nothing more goes out: pending messages are cancelled and the chats marked.
    sqlx::query(
        "UPDATE messages SET delivery = 'cancelled',
                delivery_error = 'not sent: the person asked to be forgotten'
         WHERE delivery = 'pending' AND direction = 'outbound'
           AND (channel_identity_id = ANY($1)
                OR case_id IN (SELECT id FROM cases WHERE reporter_id = $2))",
    )
    .bind(&identity_ids)
    .bind(reporter)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE channel_identities SET forgotten_at = $2 WHERE id = ANY($1)")
        .bind(&identity_ids)
        .bind(now)
        .execute(&mut **tx)
        .await?;

    // 2. What can be deleted from the person's chat, before the ids are erased.
    for (identity, channel, chat) in &identities {
        if channel != "telegram" {
            outcome.channel_cannot_delete = true;
            continue;
        }
        let Some(chat) = chat else { continue };
        let Ok(chat) = keys.open_bound(
            chat,
            &crate::crypto::Binding::new("channel_identities", "external_id_enc", *identity),
        ) else {
            continue;
        };
        let (ids,): (Vec<String>,) = sqlx::query_as(
            "SELECT COALESCE(array_agg(platform_message_id ORDER BY at, seq), '{}')
             FROM messages WHERE channel_identity_id = $1 AND platform_message_id IS NOT NULL
               AND at > $2",
        )
        .bind(identity)
        .bind(now - chrono::Duration::hours(TELEGRAM_DELETE_HOURS))
        .fetch_one(&mut **tx)
        .await?;
        outcome.messages_to_delete +=
            super::platform_deletions::queue(tx, keys, channel, &chat, &ids, now).await?;
    }
    // 3. Each case: erased and closed, or kept whole under its legal hold.
    let cases: Vec<(CaseId, String, bool)> = sqlx::query_as(
        "SELECT c.id, c.status, h.case_id IS NOT NULL FROM cases c
         LEFT JOIN legal_holds h ON h.case_id = c.id
         WHERE c.reporter_id = $1 ORDER BY c.created_at FOR UPDATE OF c",
    )
    .bind(reporter)
    .fetch_all(&mut **tx)
    .await?;
    let actor = match via {
        Via::Chat => None,
        Via::Counselor(user) => Some(user),
    };
    let via_name = match via {
        Via::Chat => "chat",
        Via::Counselor(_) => "counselor",
    };
    for (case, status, held) in &cases {
        // Nobody calls a person who asked to be forgotten, held case or not.
        sqlx::query(
            "UPDATE callbacks SET status = 'closed', closed_reason = 'forget_me', updated_at = $2
             WHERE case_id = $1 AND status IN ('candidate', 'scheduled')",
        )
        .bind(case)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        if *held {
            sqlx::query("UPDATE cases SET forget_requested_at = $2 WHERE id = $1")
                .bind(case)
                .bind(now)
                .execute(&mut **tx)
                .await?;
            audit::record(
                &mut **tx,
                actor,
                "case.forget_me_held",
                Some(*case),
                json!({ "via": via_name }),
                now,
            )
            .await?;
            outcome.held_cases += 1;
            continue;
        }
        if status != "closed" {
            close_withdrawn(tx, targets, *case, now).await?;
        }
        erase_case(tx, keys, *case, now).await?;
        audit::record(
            &mut **tx,
            actor,
            "case.forget_me_erased",
            Some(*case),
            json!({ "via": via_name }),
            now,
        )
        .await?;
        outcome.erased_cases += 1;
    }

    // 4. Who they are, unless a held case still needs it.
    if outcome.held_cases == 0 {
        for sql in [
            "DELETE FROM attachments WHERE message_id IN
                 (SELECT id FROM messages WHERE channel_identity_id = ANY($1) AND case_id IS NULL)",
            "DELETE FROM messages WHERE channel_identity_id = ANY($1) AND case_id IS NULL",
        ] {
            sqlx::query(sql)
                .bind(&identity_ids)
                .execute(&mut **tx)
                .await?;
        }
        erase_reporter(tx, reporter, now).await?;
    }
    audit::record(
        &mut **tx,
        actor,
        "reporter.forget_me",
        None,
        json!({
            "via": via_name,
            "erased_cases": outcome.erased_cases,
            "held_cases": outcome.held_cases,
            "messages_to_delete": outcome.messages_to_delete,
        }),
        now,
    )
    .await?;
    crate::metrics::retention("forget_me_cases", outcome.erased_cases as u64);
    crate::metrics::retention("forget_me_held", outcome.held_cases as u64);
    Ok(outcome)
}

/// Closes a case the person withdrew from: out of the queue, no holder, its answer clock ended.
async fn close_withdrawn(
    tx: &mut Transaction<'_, Postgres>,
    targets: &AnswerTargets,
    case: CaseId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE cases SET status = 'closed', closing_reason = 'reporter_withdrew', updated_at = $2,
                awaiting_reply = FALSE, holder_id = NULL, lease_expires_at = NULL
         WHERE id = $1",
    )
    .bind(case)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    crate::supervisor::answer_clock::end_unanswered(tx, case, targets, now).await
}

/// A counselor passes on the person's request (they asked on the phone, in a message the bot
/// did not recognise): the case's holder or a supervisor may. Erases everything of the case's
/// reporter, as the chat's "forget me" does.
pub async fn forget_through_counselor(
    db: &sqlx::PgPool,
    keys: &KeyRing,
    targets: &AnswerTargets,
    actor: crate::auth::Actor,
    case: CaseId,
    now: DateTime<Utc>,
) -> Result<ForgetOutcome, super::RetentionError> {
    let mut tx = db.begin().await?;
    crate::cases::ensure_may_change(&mut tx, case, actor, now).await?;
    let (reporter,): (ReporterId,) = sqlx::query_as("SELECT reporter_id FROM cases WHERE id = $1")
        .bind(case)
        .fetch_one(&mut *tx)
        .await?;
    let outcome = forget_reporter(
        &mut tx,
        keys,
        targets,
        reporter,
        Via::Counselor(actor.id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(outcome)
}
