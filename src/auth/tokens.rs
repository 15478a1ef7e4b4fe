//! Bearer tokens for the API. Stored as SHA-256 in PostgreSQL, so the API works with Redis down
//! and a database dump holds no usable token. Tokens run out (`auth.token_days`) and can be
//! revoked (`hotline user token --revoke`); issuing and revoking are audited by the command.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::User;
use super::users::UserRow;
use crate::crypto::{random_token, sha256};
use crate::domain::UserId;

/// A newly issued token: the secret (shown once) and its record.
pub struct Issued {
    pub token: String,
    pub id: Uuid,
    pub expires_at: DateTime<Utc>,
}

/// Issues a new token valid for `days` and returns it; only its hash is kept.
pub async fn issue(
    db: &PgPool,
    user: UserId,
    now: DateTime<Utc>,
    days: i64,
) -> Result<Issued, sqlx::Error> {
    let token = format!("hl_{}", random_token(32));
    let id = Uuid::new_v4();
    let expires_at = now + chrono::Duration::days(days);
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, token_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(user)
    .bind(sha256(&token))
    .bind(now)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(Issued {
        token,
        id,
        expires_at,
    })
}

/// Revokes every live token of a user; returns how many.
pub async fn revoke_all(db: &PgPool, user: UserId, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// The active user a token belongs to, if the token is valid.
pub async fn user_for(
    db: &PgPool,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<User>, sqlx::Error> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT u.id, u.email, u.role, u.active, u.created_at, u.console_language, u.languages FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active
           AND (t.expires_at IS NULL OR t.expires_at > $2)",
    )
    .bind(sha256(token))
    .bind(now)
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}
