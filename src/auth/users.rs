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
    /// The console's language for this person (`None`: follow the browser).
    pub console_language: Option<String>,
    /// Languages this person can talk to reporters in (primary subtags); claim-next prefers
    /// cases in these.
    pub languages: Vec<String>,
}

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: UserId,
    email: String,
    role: String,
    active: bool,
    created_at: DateTime<Utc>,
    console_language: Option<String>,
    languages: Vec<String>,
}

const USER_COLUMNS: &str = "id, email, role, active, created_at, console_language, languages";

impl From<UserRow> for User {
    fn from(r: UserRow) -> User {
        User {
            id: r.id,
            email: r.email,
            // The CHECK constraint allows only the three roles.
            role: Role::parse("role", &r.role).unwrap_or(Role::Counselor),
            active: r.active,
            created_at: r.created_at,
            console_language: r.console_language,
            languages: r.languages,
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
            console_language: None,
            languages: vec![],
        }),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(AuthError::DuplicateEmail),
        Err(e) => Err(e.into()),
    }
}

pub async fn find_by_email(
    db: impl PgExecutor<'_>,
    email: &str,
) -> Result<Option<User>, sqlx::Error> {
    let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE lower(email) = lower($1)"
    )))
    .bind(email.trim())
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}

pub async fn find(db: impl PgExecutor<'_>, id: UserId) -> Result<Option<User>, sqlx::Error> {
    let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(User::from))
}

pub async fn list(db: &PgPool) -> Result<Vec<User>, sqlx::Error> {
    let rows: Vec<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY lower(email)"
    )))
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
    Ok(match verify_sign_in(db, email, password).await? {
        PasswordCheck::Right(user) => Some(user),
        PasswordCheck::Wrong(_) | PasswordCheck::NoSuchAccount => None,
    })
}

/// What a password check found. Only the audit log may tell the two failures apart: the
/// person signing in is answered the same for both (no user enumeration).
pub enum PasswordCheck {
    Right(User),
    /// An active account with this address; the password is not its own.
    Wrong(UserId),
    /// No active account has this address (unknown, or deactivated).
    NoSuchAccount,
}

pub async fn verify_sign_in(
    db: &PgPool,
    email: &str,
    password: &str,
) -> Result<PasswordCheck, sqlx::Error> {
    let row: Option<(UserId, String)> = sqlx::query_as(
        "SELECT id, password_hash FROM users WHERE lower(email) = lower($1) AND active",
    )
    .bind(email.trim())
    .fetch_optional(db)
    .await?;
    let Some((id, stored)) = row else {
        passwords::verify_against_dummy(password);
        return Ok(PasswordCheck::NoSuchAccount);
    };
    let password = password.to_owned();
    // Argon2 is deliberately slow: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || passwords::verify(&password, &stored))
        .await
        .unwrap_or(false);
    if !ok {
        return Ok(PasswordCheck::Wrong(id));
    }
    Ok(match find(db, id).await? {
        Some(user) => PasswordCheck::Right(user),
        None => PasswordCheck::NoSuchAccount,
    })
}

pub async fn update(
    db: &PgPool,
    id: UserId,
    role: Option<Role>,
    active: Option<bool>,
) -> Result<User, AuthError> {
    let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE users SET role = COALESCE($2, role), active = COALESCE($3, active) WHERE id = $1
         RETURNING {USER_COLUMNS}"
    )))
    .bind(id)
    .bind(role.map(Role::as_str))
    .bind(active)
    .fetch_optional(db)
    .await?;
    row.map(User::from).ok_or(AuthError::UnknownUser)
}

/// What a staff member chooses for themselves: the console's language and the languages they
/// can talk in. `None` leaves a choice as it is.
#[derive(Debug, Default)]
pub struct Preferences {
    pub console_language: Option<String>,
    pub languages: Option<Vec<String>>,
}

/// Checks a staff member's choices: the console language must be one the console is translated
/// into; spoken languages are language tags, kept as primary subtags, at most 12, no repeats.
pub fn parse_preferences(
    console_language: Option<&str>,
    languages: Option<&[String]>,
) -> Result<Preferences, FieldError> {
    let console_language = console_language
        .map(|l| {
            let l = l.trim().to_ascii_lowercase();
            if crate::i18n::CONSOLE_LANGUAGES.iter().any(|c| c.code == l) {
                Ok(l)
            } else {
                Err(FieldError::new(
                    "console_language",
                    format!(
                        "must be one of: {}",
                        crate::i18n::CONSOLE_LANGUAGES
                            .iter()
                            .map(|c| c.code)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ))
            }
        })
        .transpose()?;
    let languages = languages
        .map(|tags| {
            if tags.len() > 12 {
                return Err(FieldError::new(
                    "languages",
                    "must list at most 12 languages",
                ));
            }
            let mut out: Vec<String> = Vec::new();
            for (i, tag) in tags.iter().enumerate() {
                let tag = crate::domain::LanguageTag::parse(&format!("languages[{i}]"), tag)?;
                let primary = tag
                    .as_str()
                    .split('-')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                if !out.contains(&primary) {
                    out.push(primary);
                }
            }
            Ok(out)
        })
        .transpose()?;
    Ok(Preferences {
        console_language,
        languages,
    })
}

pub async fn set_preferences(
    db: &PgPool,
    id: UserId,
    choice: &Preferences,
) -> Result<User, AuthError> {
    let row: Option<UserRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE users SET console_language = COALESCE($2, console_language),
                          languages = COALESCE($3, languages)
         WHERE id = $1 RETURNING {USER_COLUMNS}"
    )))
    .bind(id)
    .bind(choice.console_language.as_deref())
    .bind(choice.languages.as_deref())
    .fetch_optional(db)
    .await?;
    row.map(User::from).ok_or(AuthError::UnknownUser)
}
