//! A directory entry as the API takes and shows it, parsed once here: type, coverage,
//! services, languages, opening hours, how referrals reach the partner.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::report::string_enum;
use crate::domain::{CountryCode, FieldError, LanguageTag};

string_enum!(
    /// The kinds of organisation a hotline refers to (domain notes §5.2).
    PartnerType {
        Police = "police",
        Prosecutor = "prosecutor",
        Shelter = "shelter",
        SocialWelfare = "social_welfare",
        LabourInspection = "labour_inspection",
        Embassy = "embassy",
        Health = "health",
        LegalAid = "legal_aid",
        Ngo = "ngo",
        InterAgencyTeam = "inter_agency_team",
    }
);

string_enum!(
    /// What a partner does, matched against a case's needs by the suggestions.
    Service {
        Rescue = "rescue",
        Investigation = "investigation",
        ChildProtection = "child_protection",
        Shelter = "shelter",
        Health = "health",
        LegalAid = "legal_aid",
        Consular = "consular",
        Repatriation = "repatriation",
        LabourRights = "labour_rights",
        Counselling = "counselling",
        CaseManagement = "case_management",
        Interpretation = "interpretation",
    }
);

string_enum!(
    /// A day of the week in opening hours.
    Day { Mon = "mon", Tue = "tue", Wed = "wed", Thu = "thu", Fri = "fri", Sat = "sat", Sun = "sun" }
);

/// An origin → destination pair a partner handles (a Cambodian embassy in Thailand: KH → TH).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountryPair {
    pub origin: String,
    pub destination: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    /// Province names (English, as in config/provinces.yaml) within the partner's country.
    #[serde(default)]
    pub provinces: Vec<String>,
    #[serde(default)]
    pub nationwide: bool,
    #[serde(default)]
    pub cross_border: Vec<CountryPair>,
}

/// `"24h"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum AlwaysOpen {
    #[serde(rename = "24h")]
    AllDay,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    pub day: Day,
    /// `HH:MM`, in the partner's time zone.
    pub opens: String,
    pub closes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    /// IANA name, e.g. Asia/Bangkok.
    pub time_zone: String,
    pub weekly: Vec<OpeningHours>,
    /// Closed all day (`YYYY-MM-DD`, in the partner's time zone).
    #[serde(default)]
    pub holidays: Vec<String>,
}

/// `"24h"` or weekly opening hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Hours {
    AlwaysOpen(AlwaysOpen),
    Weekly(WeeklyHours),
}

impl Hours {
    fn parse(self) -> Result<Hours, FieldError> {
        let Hours::Weekly(w) = &self else {
            return Ok(self);
        };
        if w.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(FieldError::new(
                "hours.time_zone",
                "must be an IANA time zone name",
            ));
        }
        for (i, h) in w.weekly.iter().enumerate() {
            for (name, t) in [("opens", &h.opens), ("closes", &h.closes)] {
                if NaiveTime::parse_from_str(t, "%H:%M").is_err() {
                    return Err(FieldError::new(
                        format!("hours.weekly[{i}].{name}"),
                        "must be a time HH:MM",
                    ));
                }
            }
        }
        for (i, d) in w.holidays.iter().enumerate() {
            if NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                return Err(FieldError::new(
                    format!("hours.holidays[{i}]"),
                    "must be a date YYYY-MM-DD",
                ));
            }
        }
        Ok(self)
    }

    pub fn is_always_open(&self) -> bool {
        matches!(self, Hours::AlwaysOpen(_))
    }

    /// Open at `now`, by the partner's own clock and holidays. A closing time before the
    /// opening time means open past midnight.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        let w = match self {
            Hours::AlwaysOpen(_) => return true,
            Hours::Weekly(w) => w,
        };
        let Ok(tz) = w.time_zone.parse::<chrono_tz::Tz>() else {
            return false;
        };
        let local = now.with_timezone(&tz);
        let today = local.date_naive();
        if w.holidays.iter().any(|d| *d == today.to_string()) {
            return false;
        }
        let day = Day::ALL[local.weekday().num_days_from_monday() as usize];
        let time = local.time();
        w.weekly.iter().filter(|h| h.day == day).any(|h| {
            let (Ok(opens), Ok(closes)) = (
                NaiveTime::parse_from_str(&h.opens, "%H:%M"),
                NaiveTime::parse_from_str(&h.closes, "%H:%M"),
            ) else {
                return false;
            };
            if opens <= closes {
                opens <= time && time < closes
            } else {
                time >= opens || time < closes
            }
        })
    }
}

/// A new entry (`POST /api/v1/partners`), and what an import row becomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewPartner)]
pub struct PartnerInput {
    pub name: String,
    #[serde(rename = "type")]
    pub partner_type: PartnerType,
    /// ISO 3166 alpha-2.
    pub country: String,
    #[serde(default)]
    pub coverage: Coverage,
    /// BCP 47 tags.
    #[serde(default)]
    pub languages: Vec<String>,
    pub hours: Hours,
    #[serde(default)]
    pub referral_email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default = "yes")]
    pub uses_links: bool,
    /// When the entry was last confirmed; absent means now.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub verified_at: Option<DateTime<Utc>>,
    /// A shelter's street address: confidential (supervisors only, never exported, never in a
    /// packet).
    #[serde(default)]
    pub street_address: Option<String>,
    /// The entry's id in an imported directory.
    #[serde(default)]
    pub external_id: Option<String>,
}

fn yes() -> bool {
    true
}

/// Changes to an entry (`PATCH /api/v1/partners/{id}`): any field of a new entry.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PartnerChange)]
pub struct PartnerPatch {
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub partner_type: Option<PartnerType>,
    pub country: Option<String>,
    pub coverage: Option<Coverage>,
    pub languages: Option<Vec<String>>,
    pub hours: Option<Hours>,
    pub referral_email: Option<String>,
    pub phone: Option<String>,
    pub services: Option<Vec<Service>>,
    pub uses_links: Option<bool>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub verified_at: Option<DateTime<Utc>>,
    pub street_address: Option<String>,
    pub active: Option<bool>,
}

impl PartnerPatch {
    pub fn apply(self, mut p: PartnerInput) -> PartnerInput {
        macro_rules! take {
            ($($f:ident),*) => {$( if let Some(v) = self.$f { p.$f = v; } )*};
        }
        take!(
            name,
            partner_type,
            country,
            coverage,
            languages,
            hours,
            services,
            uses_links
        );
        if self.referral_email.is_some() {
            p.referral_email = self.referral_email;
        }
        if self.phone.is_some() {
            p.phone = self.phone;
        }
        if self.verified_at.is_some() {
            p.verified_at = self.verified_at;
        }
        if self.street_address.is_some() {
            p.street_address = self.street_address;
        }
        p
    }
}

fn text(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    crate::domain::report::FreeText::parse(field, raw, max)?
        .map(|t| t.as_str().to_owned())
        .ok_or_else(|| FieldError::new(field, "is required"))
}

fn email(raw: &str) -> Result<String, FieldError> {
    let e = raw.trim();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && domain.contains('.') && !domain.starts_with('.')
        })
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',');
    if ok {
        Ok(e.to_owned())
    } else {
        Err(FieldError::new(
            "referral_email",
            "must be one email address",
        ))
    }
}

impl PartnerInput {
    /// Checks codes, tags, hours and the address; normalises what it can.
    pub fn parse(self) -> Result<PartnerInput, FieldError> {
        let country = CountryCode::parse("country", &self.country)?;
        let mut coverage = self.coverage;
        for (i, pair) in coverage.cross_border.iter_mut().enumerate() {
            pair.origin =
                CountryCode::parse(&format!("coverage.cross_border[{i}].origin"), &pair.origin)?
                    .as_str()
                    .to_owned();
            pair.destination = CountryCode::parse(
                &format!("coverage.cross_border[{i}].destination"),
                &pair.destination,
            )?
            .as_str()
            .to_owned();
        }
        for (i, p) in coverage.provinces.iter_mut().enumerate() {
            *p = text(&format!("coverage.provinces[{i}]"), p, 100)?;
        }
        let languages = self
            .languages
            .iter()
            .enumerate()
            .map(|(i, l)| {
                LanguageTag::parse(&format!("languages[{i}]"), l).map(|t| t.as_str().to_owned())
            })
            .collect::<Result<_, _>>()?;
        let referral_email = self
            .referral_email
            .filter(|e| !e.trim().is_empty())
            .map(|e| email(&e))
            .transpose()?;
        let phone = self
            .phone
            .filter(|p| !p.trim().is_empty())
            .map(|p| text("phone", &p, 40))
            .transpose()?;
        let street_address = self
            .street_address
            .filter(|a| !a.trim().is_empty())
            .map(|a| text("street_address", &a, 500))
            .transpose()?;
        let mut services = self.services;
        services.dedup();
        Ok(PartnerInput {
            name: text("name", &self.name, 200)?,
            partner_type: self.partner_type,
            country: country.as_str().to_owned(),
            coverage,
            languages,
            hours: self.hours.parse()?,
            referral_email,
            phone,
            services,
            uses_links: self.uses_links,
            verified_at: self.verified_at,
            street_address,
            external_id: self
                .external_id
                .filter(|e| !e.trim().is_empty())
                .map(|e| text("external_id", &e, 200))
                .transpose()?,
        })
    }
}

/// A directory entry as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Partner {
    pub id: uuid::Uuid,
    pub name: String,
    #[serde(rename = "type")]
    pub partner_type: PartnerType,
    pub country: String,
    pub coverage: Coverage,
    pub languages: Vec<String>,
    pub hours: Hours,
    pub referral_email: Option<String>,
    pub phone: Option<String>,
    pub services: Vec<Service>,
    pub uses_links: bool,
    #[serde(with = "crate::domain::time::option")]
    pub verified_at: Option<DateTime<Utc>>,
    /// Not verified for `referrals.stale_after_days`.
    pub stale: bool,
    pub active: bool,
    /// Only for roles that need it (supervisors), and only for shelters that have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

impl Partner {
    /// Serves the person's location: a listed province, nationwide in the country.
    pub fn covers_place(&self, country: &str, province: Option<&str>) -> Option<String> {
        if self.country != country {
            return None;
        }
        if let Some(p) = province {
            let p = p.trim().to_lowercase();
            if let Some(hit) = self
                .coverage
                .provinces
                .iter()
                .find(|c| c.to_lowercase() == p)
            {
                return Some(format!("covers {hit}"));
            }
        }
        self.coverage
            .nationwide
            .then(|| format!("covers all of {country}"))
    }

    /// Handles people from `origin` in `destination`.
    pub fn covers_pair(&self, origin: &str, destination: &str) -> Option<String> {
        self.coverage
            .cross_border
            .iter()
            .any(|p| p.origin == origin && p.destination == destination)
            .then(|| format!("handles people from {origin} in {destination}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn weekly() -> Hours {
        Hours::Weekly(WeeklyHours {
            time_zone: "Asia/Bangkok".into(),
            weekly: vec![OpeningHours {
                day: Day::Mon,
                opens: "08:30".into(),
                closes: "16:30".into(),
            }],
            holidays: vec!["2026-12-07".into()],
        })
    }

    #[test]
    fn weekly_hours_are_read_in_the_partners_time_zone_and_holidays_close_them() {
        // Monday 30 Nov 2026, 02:00 UTC = 09:00 in Bangkok.
        let monday_morning = Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap();
        assert!(weekly().is_open(monday_morning));
        assert!(!weekly().is_open(monday_morning + chrono::Duration::hours(8)));
        // The next Monday is a holiday.
        assert!(!weekly().is_open(monday_morning + chrono::Duration::days(7)));
        assert!(Hours::AlwaysOpen(AlwaysOpen::AllDay).is_open(monday_morning));
    }

    #[test]
    fn twenty_four_hours_is_written_as_a_string() {
        let h: Hours = serde_json::from_str("\"24h\"").unwrap_or_else(|e| panic!("{e}"));
        assert!(h.is_always_open());
        assert!(serde_json::from_str::<Hours>("\"25h\"").is_err());
    }
}
