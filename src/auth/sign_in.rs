//! Signing in to the console: failed attempts are counted per email (trimmed, lowercased) and
//! per client address in Redis (keyed by hashes: Redis never sees an email or an address), and
//! past a free number each further attempt waits a growing delay (`throttle`); the password is
//! checked, a new session is started and the sign-in is audited. The console's login page only maps the outcome to words.

use crate::context::AppContext;
use crate::crypto::sha256;

use super::{User, audit, sessions, throttle, users};

/// Why a sign-in did not start a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInError {
    /// Too many attempts for this email or from this address in the window.
    RateLimited,
    /// Unknown email, inactive account or wrong password: never said which.
    WrongCredentials,
    /// Redis (counters and sessions) is unavailable.
    SessionsUnavailable,
    /// PostgreSQL is unavailable.
    DatabaseUnavailable,
}

/// A started console session: the cookie value to set.
pub struct SignedIn {
    pub session_id: String,
    pub user: User,
}

pub async fn sign_in(
    ctx: &AppContext,
    email: &str,
    password: &str,
    client_address: &str,
) -> Result<SignedIn, SignInError> {
    let settings = &ctx.settings.auth;
    let now = ctx.now();
    let hashed = |v: &str| hex::encode(&sha256(v)[..12]);
    let counters = [
        (
            format!("login:fail:email:{}", hashed(&throttle::email_key(email))),
            settings.login_attempts_per_window,
        ),
        (
            format!("login:fail:ip:{}", hashed(client_address)),
            settings.login_attempts_per_address_per_window,
        ),
    ];
    for (key, free) in &counters {
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
    let user = match users::authenticate(&ctx.db, email, password).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            for (key, _) in &counters {
                // Counting is best effort: with Redis gone, sign-in itself fails above.
                let _ = record_failure(ctx, key, now).await;
            }
            crate::metrics::login("failed");
            return Err(SignInError::WrongCredentials);
        }
        Err(_) => return Err(SignInError::DatabaseUnavailable),
    };
    // The account's failures end with a correct password; the address's stay counted.
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
        serde_json::json!({ "via": "console" }),
        now,
    )
    .await
    .is_err()
    {
        return Err(SignInError::DatabaseUnavailable);
    }
    crate::metrics::login("succeeded");
    Ok(SignedIn { session_id, user })
}

/// Failures counted under `key` in the window, and when the last one was.
async fn failures(
    ctx: &AppContext,
    key: &str,
) -> Result<(u64, Option<chrono::DateTime<chrono::Utc>>), crate::redis_store::RedisDown> {
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
        .and_then(|v| chrono::DateTime::parse_from_rfc3339(&v).ok())
        .map(|t| t.with_timezone(&chrono::Utc));
    Ok((count, last))
}

async fn record_failure(
    ctx: &AppContext,
    key: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), crate::redis_store::RedisDown> {
    let window = ctx.settings.auth.login_window_seconds;
    ctx.redis.incr_window(key, window).await?;
    ctx.redis
        .set_ex(&format!("{key}:last"), &now.to_rfc3339(), window)
        .await
}
