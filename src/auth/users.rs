//! Staff users and roles.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgExecutor, PgPool};

use super::{AuthError, passwords};
use crate::domain::report::string_enum;
use crate::domain::{FieldError, UserId};

string_enum!(
    /// What a staff member may do. Each role includes the rights of the ones before it.
    Role { Counselor = "counselor", Supervisor = "supervisor", Admin = "admin" }
);

impl Role {
    fn rank(self) -> u8 {
        match self {
            Role::Counselor => 0,
            Role::Supervisor => 1,
            Role::Admin => 2,
        }
    }

    pub fn includes(self, needed: Role) -> bool {
        self.rank() >= needed.rank()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: UserId,
    email: String,
    role: String,
    active: bool,
    created_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> User {
        User {
            id: r.id,
            email: r.email,
            // The CHECK constraint allows only the three roles.
            role: Role::parse("role", &r.role).unwrap_or(Role::Counselor),
            active: r.active,
            created_at: r.created_at,
        }
    }
}

/// A staff email, lightly checked (one `@`, a dot in the domain, no spaces).
pub fn parse_email(field: &str, raw: &str) -> Result<String, FieldError> {
    let e = raw.trim();
    let ok = e.len() <= 254
        && !e.contains(char::is_whitespace)
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if ok {
        Ok(e.to_owned())
    } else {
        Err(FieldError::new(field, "must be an email address"))
    }
}

pub fn check_password(field: &str, password: &str) -> Result<(), FieldError> {
    let n = password.chars().count();
    if !(10..=200).contains(&n) {
        return Err(FieldError::new(field, "must be 10 to 200 characters"));
    }
    Ok(())
}

pub async fn create(
    db: &PgPool,
    email: &str,
    role: Role,
    password: &str,
    now: DateTime<Utc>,
) -> Result<User, AuthError> {
    let email = parse_email("email", email).map_err(AuthError::Invalid)?;
    check_password("password", password).map_err(AuthError::Invalid)?;
    let hash = passwords::hash(password)
        .map_err(|_| AuthError::Invalid(FieldError::new("password", "cannot be hashed")))?;
    let id = UserId::new();
    let res = sqlx::query("INSERT INTO users (id, email, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(&email)
        .bind(role.as_str())
        .bind(hash)
        .bind(now)
        .execute(db)
        .await;
    match res {
        Ok(_) => Ok(User {
            id,
            email,
            role,
            active: true,
            created_at: now,
        }),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(AuthError::DuplicateEmail),
        Err(e) => Err(e.into()),
    }
}

pub async fn find_by_email(
    db: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<User>, sqlx::Error> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT id, email, role, active, created_at FROM users WHERE lower(email) = lower($1)",
    )
    .bind(email.trim())
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}

pub async fn find(db: impl PgExecutor<'_>, id: UserId) -> Result<Option<User>, sqlx::Error> {
    let row: Option<UserRow> =
        sqlx::query_as("SELECT id, email, role, active, created_at FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(User::from))
}

pub async fn list(db: &PgPool) -> Result<Vec<User>, sqlx::Error> {
    let rows: Vec<UserRow> = sqlx::query_as(
        "SELECT id, email, role, active, created_at FROM users ORDER BY lower(email)",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(User::from).collect())
}

/// Checks a password. Inactive users and unknown emails fail the same way.
pub async fn authenticate(
    db: &PgPool,
    email: &str,
    password: &str,
) -> Result<Option<User>, sqlx::Error> {
    let row: Option<(UserId, String)> = sqlx::query_as(
        "SELECT id, password_hash FROM users WHERE lower(email) = lower($1) AND active",
    )
    .bind(email.trim())
    .fetch_optional(db)
    .await?;
    let Some((id, stored)) = row else {
        passwords::verify_against_dummy(password);
        return Ok(None);
    };
    let password = password.to_owned();
    // Argon2 is deliberately slow: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || passwords::verify(&password, &stored))
        .await
        .unwrap_or(false);
    if ok { find(db, id).await } else { Ok(None) }
}

pub async fn update(
    db: &PgPool,
    id: UserId,
    role: Option<Role>,
    active: Option<bool>,
) -> Result<User, AuthError> {
    let row: Option<UserRow> = sqlx::query_as(
        "UPDATE users SET role = COALESCE($2, role), active = COALESCE($3, active) WHERE id = $1
         RETURNING id, email, role, active, created_at",
    )
    .bind(id)
    .bind(role.map(Role::as_str))
    .bind(active)
    .fetch_optional(db)
    .await?;
    row.map(User::from).ok_or(AuthError::UnknownUser)
}
