//! Bearer tokens for the API. Stored as SHA-256 in PostgreSQL, so the API works with Redis down
//! and a database dump holds no usable token.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::User;
use super::users::UserRow;
use crate::crypto::{random_token, sha256};
use crate::domain::UserId;

/// Issues a new token and returns it; only its hash is kept.
pub async fn issue(db: &PgPool, user: UserId, now: DateTime<Utc>) -> Result<String, sqlx::Error> {
    let token = format!("hl_{}", random_token(32));
    sqlx::query(
        "INSERT INTO api_tokens (id, user_id, token_hash, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(Uuid::new_v4())
    .bind(user)
    .bind(sha256(&token))
    .bind(now)
    .execute(db)
    .await?;
    Ok(token)
}

/// The active user a token belongs to, if the token is valid.
pub async fn user_for(db: &PgPool, token: &str) -> Result<Option<User>, sqlx::Error> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT u.id, u.email, u.role, u.active, u.created_at, u.console_language, u.languages FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active",
    )
    .bind(sha256(token))
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}
