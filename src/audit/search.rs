//! The supervisors' search of the audit log: by case, actor, action and time. Read-only.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::{CaseId, FieldError, UserId};

#[derive(Debug, Default)]
pub struct AuditFilter {
    pub case_id: Option<CaseId>,
    /// A user id or an email.
    pub actor: Option<Actor>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: i64,
}

#[derive(Debug)]
pub enum Actor {
    Id(UserId),
    Email(String),
}

impl AuditFilter {
    /// Reads the query string once, at the edge.
    pub fn parse<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<AuditFilter, FieldError> {
        let time = |field: &str, raw: &str| {
            DateTime::parse_from_rfc3339(raw)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| FieldError::new(field, "must be an RFC 3339 timestamp"))
        };
        let mut f = AuditFilter {
            limit: 200,
            ..AuditFilter::default()
        };
        for (key, value) in pairs {
            match key {
                "case_id" => {
                    f.case_id =
                        Some(CaseId(value.parse().map_err(|_| {
                            FieldError::new("case_id", "must be a case id")
                        })?))
                }
                "actor" => {
                    f.actor = Some(match value.parse::<Uuid>() {
                        Ok(id) => Actor::Id(UserId(id)),
                        Err(_) if value.contains('@') && value.len() <= 320 => {
                            Actor::Email(value.trim().to_lowercase())
                        }
                        Err(_) => {
                            return Err(FieldError::new("actor", "must be a user id or an email"));
                        }
                    })
                }
                "action" => {
                    if value.is_empty()
                        || value.len() > 64
                        || !value
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
                    {
                        return Err(FieldError::new(
                            "action",
                            "must be an action name such as case.viewed",
                        ));
                    }
                    f.action = Some(value.to_owned())
                }
                "from" => f.from = Some(time("from", value)?),
                "to" => f.to = Some(time("to", value)?),
                "limit" => {
                    f.limit = value
                        .parse()
                        .ok()
                        .filter(|n| (1..=1000).contains(n))
                        .ok_or_else(|| FieldError::new("limit", "must be 1 to 1000"))?
                }
                other => return Err(FieldError::new(other, "is not a known filter")),
            }
        }
        Ok(f)
    }
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct AuditItem {
    pub id: i64,
    #[serde(with = "crate::domain::time")]
    pub at: DateTime<Utc>,
    /// The staff member's email (none: the system).
    pub actor: Option<String>,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub case_id: Option<Uuid>,
    /// Why: the purpose of a read, or the break-glass reason.
    pub purpose: Option<String>,
    pub details: serde_json::Value,
}

pub async fn search(db: &PgPool, f: &AuditFilter) -> Result<Vec<AuditItem>, sqlx::Error> {
    let (actor_id, actor_email) = match &f.actor {
        Some(Actor::Id(id)) => (Some(*id), None),
        Some(Actor::Email(e)) => (None, Some(e.clone())),
        None => (None, None),
    };
    sqlx::query_as(
        "SELECT a.id, a.at, u.email AS actor, a.actor_id, a.action, a.case_id,
                COALESCE(a.details->>'purpose', a.details->>'reason') AS purpose, a.details
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
         WHERE ($1::uuid IS NULL OR a.case_id = $1)
           AND ($2::uuid IS NULL OR a.actor_id = $2)
           AND ($3::text IS NULL OR lower(u.email) = $3)
           AND ($4::text IS NULL OR a.action = $4)
           AND ($5::timestamptz IS NULL OR a.at >= $5)
           AND ($6::timestamptz IS NULL OR a.at < $6)
         ORDER BY a.id DESC LIMIT $7",
    )
    .bind(f.case_id)
    .bind(actor_id)
    .bind(actor_email)
    .bind(f.action.as_deref())
    .bind(f.from)
    .bind(f.to)
    .bind(f.limit)
    .fetch_all(db)
    .await
}
