//! Signing in to the console: failed attempts are counted per email (trimmed, lowercased) and
//! per client address in Redis (keyed by hashes: Redis never sees an email or an address), and
//! past a free number each further attempt waits a growing delay (`throttle`); the password is
//! checked, then, for a person with a second factor, a code in a second step (wrong codes count
//! as failures too, and the account's count is cleared only when the whole sign-in succeeds, so
//! re-entering the password does not buy more guesses); then a new session is started and the
//! sign-in is audited. The console's login pages only map the outcome to words.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::context::AppContext;
use crate::crypto::{random_token, sha256};
use crate::domain::UserId;

use super::second_factor::{self, store::Proof};
use super::{User, audit, sessions, throttle, users};

/// How long the second step may wait for its code.
const CHALLENGE_SECONDS: i64 = 300;

/// Why a sign-in did not start a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInError {
    /// Too many attempts for this email or from this address in the window.
    RateLimited,
    /// Unknown email, inactive account or wrong password: never said which.
    WrongCredentials,
    /// The second step's code (or recovery code) is wrong or was used already.
    WrongCode,
    /// The second step came too late, or without its first.
    ChallengeExpired,
    /// Redis (counters and sessions) is unavailable.
    SessionsUnavailable,
    /// PostgreSQL is unavailable.
    DatabaseUnavailable,
}

/// A started console session: the cookie value to set.
pub struct SignedIn {
    pub session_id: String,
    pub user: User,
    /// The person's role requires a second factor they have not set up: the console takes them
    /// to enrolment, and nothing else answers until it is done.
    pub must_enrol: bool,
}

/// Where a correct password leads.
pub enum Outcome {
    SignedIn(SignedIn),
    /// The person has a second factor: the signed challenge to send with the code.
    CodeNeeded {
        challenge: String,
    },
}

/// The first step between the password and the code, kept in Redis for a few minutes.
#[derive(Serialize, Deserialize)]
struct Challenge {
    user_id: UserId,
    email_key: String,
    /// When the password was right: the code must follow within `CHALLENGE_SECONDS` (Redis's
    /// expiry runs on the real clock; this on the app's).
    at: DateTime<Utc>,
}

fn counters(ctx: &AppContext, email_key: &str, client_address: &str) -> [(String, u32); 2] {
    let settings = &ctx.settings.auth;
    let hashed = |v: &str| hex::encode(&sha256(v)[..12]);
    [
        (
            format!("login:fail:email:{}", hashed(email_key)),
            settings.login_attempts_per_window,
        ),
        (
            format!("login:fail:ip:{}", hashed(client_address)),
            settings.login_attempts_per_address_per_window,
        ),
    ]
}

async fn check_throttle(
    ctx: &AppContext,
    counters: &[(String, u32)],
    now: DateTime<Utc>,
) -> Result<(), SignInError> {
    let settings = &ctx.settings.auth;
    for (key, free) in counters {
        let Ok((count, last)) = failures(ctx, key).await else {
            crate::metrics::login("sessions_unavailable");
            return Err(SignInError::SessionsUnavailable);
        };
        if let Some(at) = throttle::next_attempt_at(
            count,
            last,
            u64::from(*free),
            settings.login_delay_base_seconds,
            settings.login_delay_max_seconds,
        ) && now < at
        {
            crate::metrics::login("rate_limited");
            return Err(SignInError::RateLimited);
        }
    }
    Ok(())
}

async fn count_failure(ctx: &AppContext, counters: &[(String, u32)], now: DateTime<Utc>) {
    for (key, _) in counters {
        // Counting is best effort: with Redis gone, sign-in itself fails before this.
        let _ = record_failure(ctx, key, now).await;
    }
}

pub async fn sign_in(
    ctx: &AppContext,
    email: &str,
    password: &str,
    client_address: &str,
) -> Result<Outcome, SignInError> {
    let now = ctx.now();
    let email_key = throttle::email_key(email);
    let counters = counters(ctx, &email_key, client_address);
    check_throttle(ctx, &counters, now).await?;
    let user = match users::verify_sign_in(&ctx.db, email, password).await {
        Ok(users::PasswordCheck::Right(user)) => user,
        Ok(failed) => {
            count_failure(ctx, &counters, now).await;
            crate::metrics::login("failed");
            audit_wrong_password(ctx, &failed, &email_key, "console", now).await;
            return Err(SignInError::WrongCredentials);
        }
        Err(_) => return Err(SignInError::DatabaseUnavailable),
    };
    let has_second_factor = second_factor::store::enabled(&ctx.db, user.id)
        .await
        .map_err(|_| SignInError::DatabaseUnavailable)?;
    if has_second_factor {
        let id = random_token(32);
        let challenge = Challenge {
            user_id: user.id,
            email_key,
            at: now,
        };
        let value = serde_json::to_string(&challenge).map_err(|_| SignInError::ChallengeExpired)?;
        ctx.redis
            .set_ex(
                &challenge_key(&id),
                &value,
                CHALLENGE_SECONDS.unsigned_abs(),
            )
            .await
            .map_err(|_| SignInError::SessionsUnavailable)?;
        return Ok(Outcome::CodeNeeded {
            challenge: ctx.keys.sign_cookie(&id),
        });
    }
    let must_enrol = second_factor::required_for(&ctx.settings.auth, &user);
    let via = if must_enrol {
        "enrolment_required"
    } else {
        "none"
    };
    start(ctx, user, &counters, via, must_enrol)
        .await
        .map(Outcome::SignedIn)
}

/// A wrong password, in the audit log: a known account's entry names that person (someone is
/// trying their password); an unknown address is named only by a keyed pseudonym of the
/// trimmed, lowercased address (the same address always gives the same pseudonym, so a
/// supervisor sees one address tried many times, but the log never holds it: it may be a
/// reporter's or a mistyped colleague's). Both cost one insert, so neither answers slower.
/// Best effort: the refusal stands if the log cannot be written.
async fn audit_wrong_password(
    ctx: &AppContext,
    failed: &users::PasswordCheck,
    email_key: &str,
    via: &str,
    now: DateTime<Utc>,
) {
    let (actor, details) = match failed {
        users::PasswordCheck::Wrong(id) => (Some(*id), serde_json::json!({ "via": via })),
        _ => (
            None,
            serde_json::json!({
                "via": via,
                "email": crate::privacy::lookups::pseudonym(&ctx.keys, "staff_email", email_key),
            }),
        ),
    };
    let _ = audit::record(&ctx.db, actor, "auth.sign_in_failed", None, details, now).await;
}

/// The second step: the code (or a recovery code) for the challenge the first step gave.
pub async fn second_step(
    ctx: &AppContext,
    challenge: &str,
    code: &str,
    client_address: &str,
) -> Result<SignedIn, SignInError> {
    let now = ctx.now();
    let Some(id) = ctx.keys.verify_cookie(challenge) else {
        crate::metrics::rejected_signature("console_login_challenge");
        return Err(SignInError::ChallengeExpired);
    };
    let stored: Option<Challenge> = ctx
        .redis
        .get(&challenge_key(id))
        .await
        .map_err(|_| SignInError::SessionsUnavailable)?
        .and_then(|v| serde_json::from_str(&v).ok());
    let Some(stored) = stored
        .filter(|c| now >= c.at && now - c.at <= chrono::Duration::seconds(CHALLENGE_SECONDS))
    else {
        return Err(SignInError::ChallengeExpired);
    };
    let counters = counters(ctx, &stored.email_key, client_address);
    check_throttle(ctx, &counters, now).await?;
    let proof =
        match second_factor::store::check(&ctx.db, &ctx.keys, stored.user_id, code, now).await {
            Ok(Some(proof)) => proof,
            Ok(None) => {
                count_failure(ctx, &counters, now).await;
                crate::metrics::login("wrong_code");
                // The password was right: a wrong code may mean someone else has it. Audited so
                // a supervisor searching the log sees it (best effort: the refusal stands).
                let _ = audit::record(
                    &ctx.db,
                    Some(stored.user_id),
                    "auth.second_factor_failed",
                    None,
                    serde_json::json!({ "via": "console" }),
                    now,
                )
                .await;
                return Err(SignInError::WrongCode);
            }
            Err(_) => return Err(SignInError::DatabaseUnavailable),
        };
    let _ = ctx.redis.del(&challenge_key(id)).await;
    let user = users::find(&ctx.db, stored.user_id)
        .await
        .map_err(|_| SignInError::DatabaseUnavailable)?
        .filter(|u| u.active)
        .ok_or(SignInError::ChallengeExpired)?;
    start(ctx, user, &counters, proof.as_str(), false).await
}

/// Re-authentication before changing the second factor: the password and a code (or a
/// recovery code) again. Failures count like sign-in failures, so a session left open is no
/// way to guess the password or the code.
pub async fn reauthenticate(
    ctx: &AppContext,
    user: &User,
    password: &str,
    code: &str,
    client_address: &str,
) -> Result<Proof, SignInError> {
    let now = ctx.now();
    let counters = counters(ctx, &throttle::email_key(&user.email), client_address);
    check_throttle(ctx, &counters, now).await?;
    let same_person = users::authenticate(&ctx.db, &user.email, password)
        .await
        .map_err(|_| SignInError::DatabaseUnavailable)?
        .is_some_and(|u| u.id == user.id);
    // A wrong password or code from inside a session: audited like sign-in failures, since
    // it may be a colleague at an unlocked screen.
    let audit_failure = |action: &'static str| {
        audit::record(
            &ctx.db,
            Some(user.id),
            action,
            None,
            serde_json::json!({ "via": "reauthentication" }),
            now,
        )
    };
    if !same_person {
        count_failure(ctx, &counters, now).await;
        let _ = audit_failure("auth.sign_in_failed").await;
        return Err(SignInError::WrongCredentials);
    }
    match second_factor::store::check(&ctx.db, &ctx.keys, user.id, code, now).await {
        Ok(Some(proof)) => Ok(proof),
        Ok(None) => {
            count_failure(ctx, &counters, now).await;
            let _ = audit_failure("auth.second_factor_failed").await;
            Err(SignInError::WrongCode)
        }
        Err(_) => Err(SignInError::DatabaseUnavailable),
    }
}

/// Starts the session once every factor is proven, and audits the sign-in.
async fn start(
    ctx: &AppContext,
    user: User,
    counters: &[(String, u32)],
    second_factor: &str,
    must_enrol: bool,
) -> Result<SignedIn, SignInError> {
    let now = ctx.now();
    // The account's failures end with a full sign-in; the address's stay counted.
    let _ = ctx.redis.del(&counters[0].0).await;
    let _ = ctx.redis.del(&format!("{}:last", counters[0].0)).await;
    // Always a new session id: a session fixed before sign-in is never promoted.
    let Ok((session_id, _)) = sessions::start(
        &ctx.redis,
        &ctx.keys,
        user.id,
        ctx.settings.server.session_ttl_seconds,
        now,
    )
    .await
    else {
        return Err(SignInError::SessionsUnavailable);
    };
    if audit::record(
        &ctx.db,
        Some(user.id),
        "auth.signed_in",
        None,
        serde_json::json!({ "via": "console", "second_factor": second_factor }),
        now,
    )
    .await
    .is_err()
    {
        return Err(SignInError::DatabaseUnavailable);
    }
    crate::metrics::login("succeeded");
    Ok(SignedIn {
        session_id,
        user,
        must_enrol,
    })
}

fn challenge_key(id: &str) -> String {
    format!("login:challenge:{}", hex::encode(sha256(id)))
}

/// Failures counted under `key` in the window, and when the last one was.
async fn failures(
    ctx: &AppContext,
    key: &str,
) -> Result<(u64, Option<DateTime<Utc>>), crate::redis_store::RedisDown> {
    let count = ctx
        .redis
        .get(key)
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let last = ctx
        .redis
        .get(&format!("{key}:last"))
        .await?
        .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
        .map(|t| t.with_timezone(&Utc));
    Ok((count, last))
}

async fn record_failure(
    ctx: &AppContext,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), crate::redis_store::RedisDown> {
    let window = ctx.settings.auth.login_window_seconds;
    ctx.redis.incr_window(key, window).await?;
    ctx.redis
        .set_ex(&format!("{key}:last"), &now.to_rfc3339(), window)
        .await
}
