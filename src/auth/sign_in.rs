//! Signing in to the console: attempts are counted per email and per client address in Redis
//! (keyed by hashes: Redis never sees an email or an address), the password is checked, and a
//! session is started. The console's login page only maps the outcome to words.

use crate::context::AppContext;
use crate::crypto::sha256;

use super::{User, sessions, users};

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
    let hashed = |v: &str| hex::encode(&sha256(v)[..12]);
    let window = settings.login_window_seconds;
    let by_email = ctx
        .redis
        .incr_window(
            &format!("login:email:{}", hashed(&email.to_lowercase())),
            window,
        )
        .await;
    let by_address = ctx
        .redis
        .incr_window(&format!("login:ip:{}", hashed(client_address)), window)
        .await;
    let (Ok(by_email), Ok(by_address)) = (by_email, by_address) else {
        crate::metrics::login("sessions_unavailable");
        return Err(SignInError::SessionsUnavailable);
    };
    if by_email > u64::from(settings.login_attempts_per_window)
        || by_address > u64::from(settings.login_attempts_per_address_per_window)
    {
        crate::metrics::login("rate_limited");
        return Err(SignInError::RateLimited);
    }
    let user = match users::authenticate(&ctx.db, email, password).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            crate::metrics::login("failed");
            return Err(SignInError::WrongCredentials);
        }
        Err(_) => return Err(SignInError::DatabaseUnavailable),
    };
    let Ok((session_id, _)) = sessions::start(
        &ctx.redis,
        &ctx.keys,
        user.id,
        ctx.settings.server.session_ttl_seconds,
    )
    .await
    else {
        return Err(SignInError::SessionsUnavailable);
    };
    crate::metrics::login("succeeded");
    Ok(SignedIn { session_id, user })
}
