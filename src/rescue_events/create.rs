//! Registering a rescue event: parsed at the edge, written with its audit entry.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::audit;
use crate::domain::{CountryCode, FieldError, UserId};

/// The longest name or place.
const TEXT_CHARS: usize = 200;
/// More people than any raid has brought; a typo beyond it is refused.
const MOST_PEOPLE: i32 = 100_000;

/// A rescue event, parsed.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub name: String,
    pub place: String,
    pub country: CountryCode,
    pub happened_on: NaiveDate,
    pub estimated_people: i32,
}

impl NewEvent {
    pub fn parse(
        name: &str,
        place: &str,
        country: &str,
        happened_on: &str,
        estimated_people: i64,
    ) -> Result<NewEvent, FieldError> {
        let text = |field: &str, raw: &str| {
            let t = raw.trim();
            if t.is_empty() {
                Err(FieldError::new(field, "is required"))
            } else if t.chars().count() > TEXT_CHARS {
                Err(FieldError::new(
                    field,
                    format!("must be at most {TEXT_CHARS} characters"),
                ))
            } else {
                Ok(t.to_owned())
            }
        };
        let happened_on = NaiveDate::parse_from_str(happened_on.trim(), "%Y-%m-%d")
            .map_err(|_| FieldError::new("date", "must be a date as YYYY-MM-DD"))?;
        let estimated_people = i32::try_from(estimated_people)
            .ok()
            .filter(|n| (0..=MOST_PEOPLE).contains(n))
            .ok_or_else(|| {
                FieldError::new(
                    "estimated_people",
                    format!("must be between 0 and {MOST_PEOPLE}"),
                )
            })?;
        Ok(NewEvent {
            name: text("name", name)?,
            place: text("place", place)?,
            country: CountryCode::parse("country", country)?,
            happened_on,
            estimated_people,
        })
    }
}

/// Writes the event and its audit entry. Returns its id.
pub async fn create_event(
    db: &PgPool,
    by: UserId,
    event: &NewEvent,
    now: DateTime<Utc>,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO rescue_events (id, name, place, country, happened_on, estimated_people, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id)
    .bind(&event.name)
    .bind(&event.place)
    .bind(event.country.as_str())
    .bind(event.happened_on)
    .bind(event.estimated_people)
    .bind(by.0)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        Some(by),
        "rescue_event.created",
        None,
        json!({ "event_id": id, "estimated_people": event.estimated_people }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::NewEvent;

    #[test]
    fn an_event_needs_a_name_a_place_a_country_a_date_and_a_sane_number_of_people() {
        assert!(NewEvent::parse("Raid", "Myawaddy", "MM", "2026-12-01", 300).is_ok());
        assert_eq!(
            NewEvent::parse(" ", "x", "MM", "2026-12-01", 1)
                .unwrap_err()
                .field,
            "name"
        );
        assert_eq!(
            NewEvent::parse("a", "x", "XX", "2026-12-01", 1)
                .unwrap_err()
                .field,
            "country"
        );
        assert_eq!(
            NewEvent::parse("a", "x", "MM", "1 Dec", 1)
                .unwrap_err()
                .field,
            "date"
        );
        assert_eq!(
            NewEvent::parse("a", "x", "MM", "2026-12-01", -1)
                .unwrap_err()
                .field,
            "estimated_people"
        );
    }
}
