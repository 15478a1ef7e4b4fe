//! Console sessions, kept in Redis (losing them only logs people out). The cookie holds a
//! random id signed with the session key (derived from the data key), so a forged cookie is
//! refused before Redis is asked; Redis holds, under the id's hash, the user and the session's
//! CSRF token.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::crypto::{KeyRing, random_token, sha256};
use crate::domain::UserId;
use crate::redis_store::{RedisDown, RedisStore};

pub const COOKIE: &str = "hotline_session";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub user_id: UserId,
    /// Sent back by console pages in `X-CSRF-Token` on every state-changing request.
    pub csrf: String,
    /// When the person signed in (the absolute timeout counts from here). Sessions stored
    /// before these fields existed have none and are treated as started now.
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    /// The last request seen (the idle timeout counts from here).
    #[serde(default)]
    pub seen_at: Option<DateTime<Utc>>,
}

/// Why a stored session no longer counts, or that it does (and whether to note the activity).
#[derive(Debug, PartialEq, Eq)]
pub enum Freshness {
    Live { touch: bool },
    Idle,
    TooOld,
    SignedOutEverywhere,
}

/// The session's standing at `now`, pure: idle past `idle`, older than `absolute`, or started
/// before the person signed out everywhere (`valid_after`).
pub fn freshness(
    session: &Session,
    now: DateTime<Utc>,
    idle: Duration,
    absolute: Duration,
    valid_after: Option<DateTime<Utc>>,
) -> Freshness {
    let started = session.started_at.unwrap_or(now);
    let seen = session.seen_at.unwrap_or(started);
    if valid_after.is_some_and(|after| started <= after) {
        Freshness::SignedOutEverywhere
    } else if now - started > absolute {
        Freshness::TooOld
    } else if now - seen > idle {
        Freshness::Idle
    } else {
        // Writing on every request would cost a Redis write per call: a minute is precise
        // enough for a timeout counted in minutes.
        Freshness::Live {
            touch: now - seen > Duration::seconds(60),
        }
    }
}

fn key(session_id: &str) -> String {
    let digest = hex::encode(sha256(session_id));
    format!("session:{digest}")
}

/// Starts a session; returns the signed cookie value.
pub async fn start(
    redis: &RedisStore,
    keys: &KeyRing,
    user_id: UserId,
    ttl_seconds: u64,
    now: DateTime<Utc>,
) -> Result<(String, Session), RedisDown> {
    let id = random_token(32);
    let session = Session {
        user_id,
        csrf: random_token(24),
        started_at: Some(now),
        seen_at: Some(now),
    };
    let value = serde_json::to_string(&session).map_err(|_| RedisDown)?;
    redis.set_ex(&key(&id), &value, ttl_seconds).await?;
    Ok((keys.sign_cookie(&id), session))
}

/// The session a cookie names. A cookie with a bad signature is no session (and is counted).
pub async fn load(
    redis: &RedisStore,
    keys: &KeyRing,
    cookie: &str,
) -> Result<Option<Session>, RedisDown> {
    let Some(id) = keys.verify_cookie(cookie) else {
        crate::metrics::rejected_signature("console_session");
        return Ok(None);
    };
    Ok(redis
        .get(&key(id))
        .await?
        .and_then(|v| serde_json::from_str(&v).ok()))
}

pub async fn end(redis: &RedisStore, keys: &KeyRing, cookie: &str) -> Result<(), RedisDown> {
    match keys.verify_cookie(cookie) {
        Some(id) => redis.del(&key(id)).await,
        None => Ok(()),
    }
}

/// Notes activity on a session (for the idle timeout), keeping its remaining lifetime.
pub async fn touch(
    redis: &RedisStore,
    keys: &KeyRing,
    cookie: &str,
    session: &Session,
    now: DateTime<Utc>,
    ttl_seconds: u64,
) -> Result<(), RedisDown> {
    let Some(id) = keys.verify_cookie(cookie) else {
        return Ok(());
    };
    let mut session = session.clone();
    session.seen_at = Some(now);
    let value = serde_json::to_string(&session).map_err(|_| RedisDown)?;
    redis.set_ex(&key(id), &value, ttl_seconds).await
}

/// When the person last signed out everywhere (every older session is over).
pub async fn valid_after(
    db: &sqlx::PgPool,
    user: UserId,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let row: Option<(Option<DateTime<Utc>>,)> =
        sqlx::query_as("SELECT sessions_valid_after FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(db)
            .await?;
    Ok(row.and_then(|(t,)| t))
}

/// Ends every console session of `user` started until `now` (sign out everywhere, and when an
/// account is deactivated or its role changes).
pub async fn end_all(
    db: impl sqlx::PgExecutor<'_>,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET sessions_valid_after = $2 WHERE id = $1")
        .bind(user)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + minutes * 60, 0).unwrap()
    }

    fn session(started: i64, seen: i64) -> Session {
        Session {
            user_id: UserId::new(),
            csrf: String::new(),
            started_at: Some(at(started)),
            seen_at: Some(at(seen)),
        }
    }

    #[test]
    fn a_session_ends_when_idle_too_old_or_signed_out_everywhere() {
        let (idle, absolute) = (Duration::minutes(30), Duration::hours(12));
        assert_eq!(
            freshness(&session(0, 10), at(20), idle, absolute, None),
            Freshness::Live { touch: true }
        );
        assert_eq!(
            freshness(&session(0, 10), at(41), idle, absolute, None),
            Freshness::Idle
        );
        assert_eq!(
            freshness(&session(0, 12 * 60), at(12 * 60 + 1), idle, absolute, None),
            Freshness::TooOld
        );
        assert_eq!(
            freshness(&session(0, 10), at(11), idle, absolute, Some(at(5))),
            Freshness::SignedOutEverywhere
        );
        // Started after the sign-out, seen a minute ago: live, and not worth a write yet.
        assert_eq!(
            freshness(&session(6, 10), at(11), idle, absolute, Some(at(5))),
            Freshness::Live { touch: false }
        );
    }
}
