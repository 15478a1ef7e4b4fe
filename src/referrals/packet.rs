//! The packet: only the fields the partner's type receives (`config/referrals.yaml`), built
//! from the case's facts and the counselor's summary. Pure. What the counselor previews is
//! exactly what is sealed with the referral and shown on the partner's page.

use serde_json::{Map, Value, json};

use super::facts::CaseFacts;
use super::rules::PacketField;

/// Signals a responder must know before going in.
const DANGER: &[&str] = &[
    "threat_violence",
    "weapon",
    "confinement",
    "injury_medical",
    "self_harm",
    "pregnancy",
    "minor",
    "missing_person",
    "official_involvement",
    "at_sea",
    "scam_compound",
];

/// What the person needs, in the directory's service words.
pub fn needs(facts: &CaseFacts, home_country: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    if facts.in_immediate_danger() {
        out.push("rescue");
    }
    if facts.is_minor() {
        out.push("child_protection");
    }
    if facts.is_injured() {
        out.push("health");
    }
    if facts.is_abroad(home_country) {
        out.push("consular");
        out.push("repatriation");
    }
    if [
        "forced_labour",
        "forced_labour_fishing",
        "unpaid_wages",
        "at_sea",
    ]
    .iter()
    .any(|s| facts.has(s))
    {
        out.push("labour_rights");
    }
    out.push("shelter");
    out
}

pub fn build(
    fields: &[PacketField],
    facts: &CaseFacts,
    reference: &str,
    summary: &str,
    home_country: &str,
) -> Value {
    let record = facts.record.as_ref();
    let mut packet = Map::new();
    for field in fields {
        let value = match field {
            PacketField::Reference => json!(reference),
            PacketField::Urgency => json!(facts.level),
            PacketField::Summary => json!(summary),
            PacketField::Location => json!({
                "country": facts.country,
                "province": facts.province,
                "district": facts.district,
            }),
            PacketField::DangerIndicators => {
                json!(DANGER.iter().filter(|d| facts.has(d)).collect::<Vec<_>>())
            }
            PacketField::SafeContact => {
                let c = &facts.safe_contact;
                // Someone who asked never to be contacted first is reached through the hotline.
                json!({
                    "phone": if c.never_contact_first { None } else { c.phone.clone() },
                    "safe_hours": c.safe_hours,
                    "allowed_channels": c.allowed_channels,
                    "never_contact_first": c.never_contact_first,
                    "no_voicemail": c.no_voicemail,
                    "through_hotline": c.never_contact_first || c.phone.is_none(),
                })
            }
            PacketField::Needs => json!(needs(facts, home_country)),
            PacketField::Languages => json!(facts.languages),
            PacketField::Sex => json!(record.map(|r| r.sex)),
            PacketField::AgeBand => json!(
                record
                    .map(|r| r.age_band)
                    .or_else(|| { facts.is_minor().then_some(super::record::AgeBand::Under18) })
            ),
            PacketField::Nationality => json!(facts.nationality),
            PacketField::Documents => json!({
                "documents_seized": facts.has("documents_seized"),
            }),
            PacketField::Exploitation => json!(record.map(|r| &r.exploitation)),
            PacketField::Origin => json!(record.map(|r| &r.origin)),
            PacketField::DestinationCountry => json!(facts.destination_country),
        };
        packet.insert(field.as_str().to_owned(), value);
    }
    Value::Object(packet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packet_holds_only_its_fields() {
        let mut facts = CaseFacts {
            nationality: Some("KH".into()),
            signals: vec!["threat_violence".into(), "documents_seized".into()],
            ..CaseFacts::default()
        };
        facts.safe_contact.phone = Some("+66812345678".into());
        let p = build(
            &[
                PacketField::Reference,
                PacketField::Nationality,
                PacketField::Documents,
            ],
            &facts,
            "H-1-R1",
            "summary",
            "TH",
        );
        let keys: Vec<&String> = p
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["documents", "nationality", "reference"]);
        assert!(!p.to_string().contains("+66812345678"));
    }
}
