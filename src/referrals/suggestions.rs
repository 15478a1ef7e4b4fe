//! Which partners to refer a case to, ranked, each with its reasons. Pure: the case's facts,
//! the directory and the time in, a ranking out.
//!
//! A partner qualifies by coverage: the person's province (or the whole country), or, for
//! someone abroad, an origin → destination pair (their nationality → where they are). Among
//! those, points for services that meet the case's needs (a minor → child protection; abroad →
//! an embassy or consular service; immediate danger → police; injury → health), for speaking
//! the person's language, and for being open now.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::facts::CaseFacts;
use crate::partners::{Partner, PartnerType, Service};

#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub partner: Partner,
    pub reasons: Vec<String>,
    #[serde(skip)]
    pub score: i32,
}

/// Partners for the case, best first; stale entries rank after fresh ones of equal merit.
pub fn suggest(
    facts: &CaseFacts,
    partners: Vec<Partner>,
    home_country: &str,
    now: DateTime<Utc>,
) -> Vec<Suggestion> {
    let abroad = facts.is_abroad(home_country);
    let mut out: Vec<Suggestion> = partners
        .into_iter()
        .filter(|p| p.active)
        .filter_map(|p| score(facts, p, abroad, now))
        .collect();
    out.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(a.partner.stale.cmp(&b.partner.stale))
            .then(a.partner.name.cmp(&b.partner.name))
    });
    out
}

fn score(
    facts: &CaseFacts,
    partner: Partner,
    abroad: bool,
    now: DateTime<Utc>,
) -> Option<Suggestion> {
    let mut reasons = Vec::new();
    let mut points = 0;
    let place = facts
        .country
        .as_deref()
        .and_then(|c| partner.covers_place(c, facts.province.as_deref()));
    // Abroad: the person's nationality (or the country they left) to where they are now, or
    // to the destination they were taken to.
    let origin = facts.nationality.as_deref();
    let pair = origin.and_then(|o| {
        [
            facts.country.as_deref(),
            facts.destination_country.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter(|d| *d != o)
        .find_map(|d| partner.covers_pair(o, d))
    });
    match (place, pair) {
        (_, Some(pair)) => {
            points += 4;
            reasons.push(pair);
        }
        (Some(place), None) => {
            points += if place.starts_with("covers all") {
                2
            } else {
                3
            };
            reasons.push(place);
        }
        (None, None) => return None,
    }
    let has = |s: Service| partner.services.contains(&s);
    if facts.is_minor() && has(Service::ChildProtection) {
        points += 3;
        reasons.push("child protection for a minor".into());
    }
    if abroad && (partner.partner_type == PartnerType::Embassy || has(Service::Consular)) {
        points += 3;
        reasons.push("consular help for someone abroad".into());
    }
    if abroad && has(Service::Repatriation) {
        points += 1;
        reasons.push("repatriation".into());
    }
    if facts.in_immediate_danger()
        && (partner.partner_type == PartnerType::Police || has(Service::Rescue))
    {
        points += 3;
        reasons.push("rescue for someone in immediate danger".into());
    }
    if facts.is_injured() && (partner.partner_type == PartnerType::Health || has(Service::Health)) {
        points += 3;
        reasons.push("health care for an injury".into());
    }
    let labour_case = [
        "forced_labour",
        "unpaid_wages",
        "forced_labour_fishing",
        "at_sea",
    ]
    .iter()
    .any(|s| facts.has(s));
    if labour_case
        && (partner.partner_type == PartnerType::LabourInspection || has(Service::LabourRights))
    {
        points += 2;
        reasons.push("labour rights".into());
    }
    let primary = |tag: &str| tag.split('-').next().unwrap_or(tag).to_owned();
    if let Some(lang) = facts
        .languages
        .iter()
        .find(|l| partner.languages.iter().any(|p| primary(p) == primary(l)))
    {
        points += 1;
        reasons.push(format!("speaks {lang}"));
    }
    if partner.hours.is_always_open() {
        points += 1;
        reasons.push("open 24 h".into());
    } else if partner.hours.is_open(now) {
        points += 1;
        reasons.push("open now".into());
    } else {
        reasons.push("closed now: call instead".into());
    }
    if partner.stale {
        reasons.push("entry not verified recently".into());
    }
    Some(Suggestion {
        partner,
        reasons,
        score: points,
    })
}
