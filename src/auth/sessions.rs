//! Console sessions, kept in Redis (losing them only logs people out). The cookie holds a
//! random id signed with the session key (derived from the data key), so a forged cookie is
//! refused before Redis is asked; Redis holds, under the id's hash, the user and the session's
//! CSRF token.

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
) -> Result<(String, Session), RedisDown> {
    let id = random_token(32);
    let session = Session {
        user_id,
        csrf: random_token(24),
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
