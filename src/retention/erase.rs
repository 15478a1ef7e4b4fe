//! Erasing personal data, for retention and for "forget me". Statistics stay: the case row, its
//! status, level, flags, channel, country, times and answer clocks, the referrals' statuses and
//! the record's plain codes are kept; what the person said, who they are and how to reach them
//! goes. A ciphertext becomes NULL, or a sealed empty value where a reader needs one; a keyed
//! lookup hash is dropped so the person can never be matched to these rows again; notes and
//! attachments are deleted. Every function runs inside the caller's transaction and is safe to
//! run twice.

use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::crypto::KeyRing;
use crate::domain::{CaseId, ReporterId};

type Tx<'a, 'b> = &'a mut Transaction<'b, Postgres>;

/// Erases one case's personal fields (not the reporter's; see `erase_reporter`).
pub async fn erase_case(
    tx: Tx<'_, '_>,
    keys: &KeyRing,
    case: CaseId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let empty = keys.seal("");
    let no_reasons = keys.seal("[]");
    let erased_packet = keys.seal(r#"{"erased":true}"#);
    let statements: [(&'static str, Option<&Vec<u8>>); 12] = [
        (
            "DELETE FROM attachments WHERE message_id IN (SELECT id FROM messages WHERE case_id = $1)",
            None,
        ),
        // Pending outbound messages are cancelled: nothing is sent from an erased case.
        (
            "UPDATE messages SET text_enc = NULL, text_converted_enc = NULL, subject_enc = NULL,
                    quoted_enc = NULL, email_message_id_enc = NULL, email_message_id_hash = NULL,
                    triage_reading = NULL, platform_message_id = NULL, choices = NULL,
                    request_contact = NULL, delivery_error = NULL,
                    delivery = CASE WHEN delivery = 'pending' THEN 'cancelled' ELSE delivery END
             WHERE case_id = $1",
            None,
        ),
        ("DELETE FROM notes WHERE case_id = $1", None),
        (
            "UPDATE cases SET area_enc = NULL, urgency_reasons_enc = $2,
                    urgency_override_reason_enc = NULL
             WHERE id = $1",
            Some(&no_reasons),
        ),
        (
            "UPDATE case_records SET record_enc = NULL WHERE case_id = $1",
            None,
        ),
        (
            "UPDATE callback_attempts SET note_enc = NULL
             WHERE callback_id IN (SELECT id FROM callbacks WHERE case_id = $1)",
            None,
        ),
        // Nobody is called back about an erased case.
        (
            "UPDATE callbacks SET phone_enc = NULL, reason_enc = NULL,
                    closed_reason = CASE WHEN status IN ('candidate', 'scheduled') THEN 'erased' ELSE closed_reason END,
                    status = CASE WHEN status IN ('candidate', 'scheduled') THEN 'closed' ELSE status END
             WHERE case_id = $1",
            None,
        ),
        (
            "UPDATE consents SET purpose_enc = $2 WHERE case_id = $1",
            Some(&empty),
        ),
        (
            "UPDATE referrals SET packet_enc = $2, override_text_enc = NULL,
                    decline_reason_enc = NULL, outcome_note_enc = NULL
             WHERE case_id = $1",
            Some(&erased_packet),
        ),
        // A referral email not yet sent is not sent: the partner gets nothing of an erased case.
        (
            "UPDATE referral_emails SET body_enc = $2,
                    last_error = CASE WHEN delivery = 'pending' THEN 'not sent: the case was erased' ELSE last_error END,
                    delivery = CASE WHEN delivery = 'pending' THEN 'failed' ELSE delivery END
             WHERE referral_id IN (SELECT id FROM referrals WHERE case_id = $1)",
            Some(&empty),
        ),
        (
            "UPDATE break_glass SET text_enc = $2 WHERE case_id = $1",
            Some(&empty),
        ),
        (
            "UPDATE call_events SET caller_enc = $2, caller_hash = '\\x'::bytea, recording_enc = NULL
             WHERE result->>'case_id' = $1::text",
            Some(&empty),
        ),
    ];
    for (sql, value) in statements {
        let mut query = sqlx::query(sql).bind(case);
        if let Some(value) = value {
            query = query.bind(value);
        }
        query.execute(&mut **tx).await?;
    }
    // A partner's link to an erased case stops working.
    sqlx::query(
        "UPDATE referrals SET link_revoked_at = COALESCE(link_revoked_at, $2) WHERE case_id = $1",
    )
    .bind(case)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE cases SET personal_erased_at = COALESCE(personal_erased_at, $2) WHERE id = $1",
    )
    .bind(case)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Erases who the reporter is and how to reach them: name, numbers, safe-contact rules (and
/// their history), and on every channel the platform id and its lookup hash, the conversation
/// state and where they came from. The rows stay for the cases that point at them.
pub async fn erase_reporter(
    tx: Tx<'_, '_>,
    reporter: ReporterId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE reporters SET name_enc = NULL, phone_enc = NULL, phone_hash = NULL, safe_hours = NULL,
                safe_contact_enc = NULL, allowed_channels = '{}', forgotten_at = COALESCE(forgotten_at, $2)
         WHERE id = $1",
    )
    .bind(reporter)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM safe_contact_versions WHERE reporter_id = $1")
        .bind(reporter)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "UPDATE channel_identities SET external_id_hash = NULL, external_id_enc = NULL,
                conversation = '{}'::jsonb, source = NULL, source_enc = NULL,
                forgotten_at = COALESCE(forgotten_at, $2)
         WHERE reporter_id = $1",
    )
    .bind(reporter)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes chat contacts that never became a case, whole: their messages (the bot's greeting
/// too), files, recorded events, identities and, when nothing else points at it, the reporter.
/// Returns how many identities went.
pub async fn purge_caseless_identities(
    tx: Tx<'_, '_>,
    identities: &[Uuid],
) -> Result<u64, sqlx::Error> {
    if identities.is_empty() {
        return Ok(0);
    }
    let reporters: Vec<(ReporterId,)> =
        sqlx::query_as("SELECT DISTINCT reporter_id FROM channel_identities WHERE id = ANY($1)")
            .bind(identities)
            .fetch_all(&mut **tx)
            .await?;
    let reporters: Vec<ReporterId> = reporters.into_iter().map(|(r,)| r).collect();
    for sql in [
        "DELETE FROM attachments WHERE message_id IN
             (SELECT id FROM messages WHERE channel_identity_id = ANY($1) AND case_id IS NULL)",
        "DELETE FROM messages WHERE channel_identity_id = ANY($1) AND case_id IS NULL",
        "DELETE FROM channel_events WHERE identity_id = ANY($1)",
    ] {
        sqlx::query(sql).bind(identities).execute(&mut **tx).await?;
    }
    let gone = sqlx::query(
        "DELETE FROM channel_identities i WHERE i.id = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.channel_identity_id = i.id)
           AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.channel_identity_id = i.id)",
    )
    .bind(identities)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    sqlx::query(
        "DELETE FROM safe_contact_versions v WHERE v.reporter_id = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.reporter_id = v.reporter_id)
           AND NOT EXISTS (SELECT 1 FROM channel_identities i WHERE i.reporter_id = v.reporter_id)",
    )
    .bind(&reporters)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "DELETE FROM reporters r WHERE r.id = ANY($1)
           AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.reporter_id = r.id)
           AND NOT EXISTS (SELECT 1 FROM channel_identities i WHERE i.reporter_id = r.id)",
    )
    .bind(&reporters)
    .execute(&mut **tx)
    .await?;
    Ok(gone)
}
