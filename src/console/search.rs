//! Finding a case fast: by its reference (`HL-8F3K2`, any case, with or without `HL-`) or by
//! a call-back number (keyed-hash lookup; the number itself is never stored in clear or
//! logged). Every search is audited, without what was searched for.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::PgPool;

use crate::auth::audit;
use crate::crypto::KeyRing;
use crate::domain::{CaseId, PhoneNumber, UserId};

#[derive(Debug, sqlx::FromRow)]
pub struct Found {
    pub id: CaseId,
    pub reference: String,
    pub status: String,
    pub urgency_level: String,
    pub created_at: DateTime<Utc>,
}

/// What a search box's text looks like.
#[derive(Debug, PartialEq, Eq)]
pub enum Query {
    Reference(String),
    Phone(String),
    Nothing,
}

pub fn read_query(raw: &str) -> Query {
    let q = raw.trim();
    let digits = q.chars().filter(char::is_ascii_digit).count();
    if q.is_empty() {
        Query::Nothing
    } else if digits >= 6 && PhoneNumber::parse("q", q).is_ok() {
        Query::Phone(q.to_owned())
    } else {
        let code = q.to_ascii_uppercase();
        let code = code.strip_prefix("HL-").unwrap_or(&code);
        Query::Reference(format!("HL-{code}"))
    }
}

pub async fn search(
    db: &PgPool,
    keys: &KeyRing,
    home_country: &str,
    who: UserId,
    query: &Query,
    now: DateTime<Utc>,
) -> Result<Vec<Found>, sqlx::Error> {
    // Restricted cases are found only by their named staff and supervisors.
    let visible = format!(
        "({} OR EXISTS (SELECT 1 FROM users u WHERE u.id = $2 AND u.role IN ('supervisor', 'admin')))",
        crate::privacy::restricted::visible_to("$2")
    );
    let (by, found) = match query {
        Query::Nothing => return Ok(vec![]),
        Query::Reference(reference) => {
            let found = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT c.id, c.reference, c.status, c.urgency_level, c.created_at FROM cases c
                 WHERE c.reference = $1 AND {visible}"
            )))
            .bind(reference)
            .bind(who)
            .fetch_all(db)
            .await?;
            ("reference", found)
        }
        Query::Phone(raw) => {
            // As stored since numbers are checked (E.164), and as typed before that.
            let mut hashes = vec![];
            for number in [
                PhoneNumber::for_country("q", raw, home_country).ok(),
                PhoneNumber::parse("q", raw).ok(),
            ]
            .into_iter()
            .flatten()
            {
                hashes.extend(keys.index_hashes("phone", number.as_str()));
            }
            let found = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT c.id, c.reference, c.status, c.urgency_level, c.created_at
                 FROM cases c JOIN reporters r ON r.id = c.reporter_id
                 WHERE r.phone_hash = ANY($1) AND {visible}
                 ORDER BY c.created_at DESC LIMIT 50"
            )))
            .bind(hashes)
            .bind(who)
            .fetch_all(db)
            .await?;
            ("phone", found)
        }
    };
    let found: Vec<Found> = found;
    audit::record(
        db,
        Some(who),
        "case.searched",
        None,
        json!({ "by": by, "results": found.len() }),
        now,
    )
    .await?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_reads_as_a_reference_or_a_phone_number() {
        assert_eq!(
            read_query(" hl-8f3k2 "),
            Query::Reference("HL-8F3K2".into())
        );
        assert_eq!(read_query("8F3K2"), Query::Reference("HL-8F3K2".into()));
        assert_eq!(
            read_query("081 234 5678"),
            Query::Phone("081 234 5678".into())
        );
        assert_eq!(read_query("  "), Query::Nothing);
    }
}
