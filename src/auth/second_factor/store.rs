//! The second factor in PostgreSQL: a seed sealed with the data key and bound to its row
//! (`staff_totp`), the last time step accepted (so each code works once, even when two nodes
//! hear it at the same moment: the step only moves forward, in one UPDATE), and recovery codes
//! kept as hashes and marked used.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::SecondFactorError;
use super::codes::{self, Seed};
use crate::crypto::{Binding, KeyRing};
use crate::domain::UserId;

fn binding(user: UserId, column: &'static str) -> Binding<'static> {
    Binding {
        table: "staff_totp",
        column,
        row: user.0,
    }
}

/// What a person has set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub enabled_at: Option<DateTime<Utc>>,
    pub recovery_codes_left: i64,
}

pub async fn status(db: &PgPool, user: UserId) -> Result<Status, sqlx::Error> {
    let enabled_at: Option<(Option<DateTime<Utc>>,)> =
        sqlx::query_as("SELECT enabled_at FROM staff_totp WHERE user_id = $1")
            .bind(user)
            .fetch_optional(db)
            .await?;
    let (left,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM staff_recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user)
    .fetch_one(db)
    .await?;
    Ok(Status {
        enabled_at: enabled_at.and_then(|(t,)| t),
        recovery_codes_left: left,
    })
}

/// Whether the person signs in with a second factor.
pub async fn enabled(db: &PgPool, user: UserId) -> Result<bool, sqlx::Error> {
    let row: Option<(bool,)> =
        sqlx::query_as("SELECT true FROM staff_totp WHERE user_id = $1 AND enabled_at IS NOT NULL")
            .bind(user)
            .fetch_optional(db)
            .await?;
    Ok(row.is_some())
}

/// Starts (or starts again) enrolment with a new seed, kept pending until a first code
/// confirms it. Refused while a second factor is in use: changing it needs re-authentication
/// (remove it, then enrol again).
pub async fn begin(db: &PgPool, keys: &KeyRing, user: UserId) -> Result<Seed, SecondFactorError> {
    let seed = Seed::generate();
    let sealed = keys.seal_bound(&seed.to_base32(), &binding(user, "pending_secret"));
    let done = sqlx::query(
        "INSERT INTO staff_totp (user_id, pending_secret) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET pending_secret = EXCLUDED.pending_secret
         WHERE staff_totp.enabled_at IS NULL",
    )
    .bind(user)
    .bind(sealed)
    .execute(db)
    .await?;
    if done.rows_affected() == 0 {
        return Err(SecondFactorError::AlreadyEnabled);
    }
    Ok(seed)
}

/// A row's pending seed (sealed) and when it was turned on.
type PendingRow = (Option<Vec<u8>>, Option<DateTime<Utc>>);

/// Confirms enrolment with the first code from the app: the pending seed becomes the one in
/// use, and a fresh set of recovery codes is made. Returns the codes (shown once).
pub async fn confirm(
    db: &PgPool,
    keys: &KeyRing,
    user: UserId,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, SecondFactorError> {
    let mut tx = db.begin().await?;
    let row: Option<PendingRow> = sqlx::query_as(
        "SELECT pending_secret, enabled_at FROM staff_totp WHERE user_id = $1 FOR UPDATE",
    )
    .bind(user)
    .fetch_optional(&mut *tx)
    .await?;
    let sealed = match row {
        Some((_, Some(_))) => return Err(SecondFactorError::AlreadyEnabled),
        Some((Some(sealed), None)) => sealed,
        _ => return Err(SecondFactorError::NotStarted),
    };
    let seed = keys
        .open_bound(&sealed, &binding(user, "pending_secret"))
        .ok()
        .and_then(|text| Seed::from_base32(&text))
        .ok_or(SecondFactorError::Unreadable)?;
    let step = seed
        .matching_step(typed, now, 0)
        .ok_or(SecondFactorError::WrongCode)?;
    let in_use = keys.seal_bound(&seed.to_base32(), &binding(user, "secret"));
    sqlx::query(
        "UPDATE staff_totp SET secret = $2, pending_secret = NULL, enabled_at = $3, last_step = $4
         WHERE user_id = $1",
    )
    .bind(user)
    .bind(in_use)
    .bind(now)
    .bind(step)
    .execute(&mut *tx)
    .await?;
    let recovery = replace_recovery_codes(&mut tx, user).await?;
    super::super::audit::record(
        &mut *tx,
        Some(user),
        "auth.second_factor_enabled",
        None,
        serde_json::json!({ "user_id": user }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(recovery)
}

async fn replace_recovery_codes(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user: UserId,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query("DELETE FROM staff_recovery_codes WHERE user_id = $1")
        .bind(user)
        .execute(&mut **tx)
        .await?;
    let fresh = codes::new_recovery_codes();
    for code in &fresh {
        let normalised = codes::normalise_recovery_code(code).unwrap_or_default();
        sqlx::query("INSERT INTO staff_recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user)
            .bind(codes::recovery_code_hash(user.0, &normalised))
            .execute(&mut **tx)
            .await?;
    }
    Ok(fresh)
}

/// How a person proved the second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    Code,
    RecoveryCode,
}

impl Proof {
    pub fn as_str(self) -> &'static str {
        match self {
            Proof::Code => "totp",
            Proof::RecoveryCode => "recovery_code",
        }
    }
}

/// Checks what the person typed, a current code or an unused recovery code, and uses it up.
/// `None`: wrong, already used, or no second factor set up (never said which).
pub async fn check(
    db: &PgPool,
    keys: &KeyRing,
    user: UserId,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<Option<Proof>, SecondFactorError> {
    let row: Option<(Vec<u8>, i64)> = sqlx::query_as(
        "SELECT secret, last_step FROM staff_totp
         WHERE user_id = $1 AND enabled_at IS NOT NULL AND secret IS NOT NULL",
    )
    .bind(user)
    .fetch_optional(db)
    .await?;
    let Some((sealed, last_step)) = row else {
        return Ok(None);
    };
    let seed = keys
        .open_bound(&sealed, &binding(user, "secret"))
        .ok()
        .and_then(|text| Seed::from_base32(&text))
        .ok_or(SecondFactorError::Unreadable)?;
    if let Some(step) = seed.matching_step(typed, now, last_step) {
        // Two requests with the same code race here; only one moves the step.
        let done = sqlx::query(
            "UPDATE staff_totp SET last_step = $2 WHERE user_id = $1 AND last_step < $2",
        )
        .bind(user)
        .bind(step)
        .execute(db)
        .await?;
        return Ok((done.rows_affected() == 1).then_some(Proof::Code));
    }
    let Some(normalised) = codes::normalise_recovery_code(typed) else {
        return Ok(None);
    };
    let done = sqlx::query(
        "UPDATE staff_recovery_codes SET used_at = $3
         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user)
    .bind(codes::recovery_code_hash(user.0, &normalised))
    .bind(now)
    .execute(db)
    .await?;
    Ok((done.rows_affected() == 1).then_some(Proof::RecoveryCode))
}

/// Removes the second factor and its recovery codes (the caller has re-authenticated).
pub async fn remove(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    user: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM staff_recovery_codes WHERE user_id = $1")
        .bind(user)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM staff_totp WHERE user_id = $1")
        .bind(user)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// New recovery codes in place of the old ones (the caller has re-authenticated).
pub async fn renew_recovery_codes(db: &PgPool, user: UserId) -> Result<Vec<String>, sqlx::Error> {
    let mut tx = db.begin().await?;
    let fresh = replace_recovery_codes(&mut tx, user).await?;
    tx.commit().await?;
    Ok(fresh)
}
