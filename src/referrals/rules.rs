//! `config/referrals.yaml`: the packet's fields per partner type (data, so a hotline can
//! narrow them without a release) and the referral email's request per type and language.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::domain::report::string_enum;
use crate::partners::PartnerType;

string_enum!(
    /// What a packet may hold. A partner's own data (a shelter's address) is never among them.
    PacketField {
        Reference = "reference",
        Urgency = "urgency",
        Summary = "summary",
        Location = "location",
        DangerIndicators = "danger_indicators",
        SafeContact = "safe_contact",
        Needs = "needs",
        Languages = "languages",
        Sex = "sex",
        AgeBand = "age_band",
        Nationality = "nationality",
        Documents = "documents",
        Exploitation = "exploitation",
        Origin = "origin",
        DestinationCountry = "destination_country",
    }
);

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralRules {
    pub packets: HashMap<PartnerType, Vec<PacketField>>,
    pub requests: HashMap<PartnerType, HashMap<String, String>>,
}

impl ReferralRules {
    /// Reads and checks the file: every partner type needs its packet and an English request.
    pub fn load(path: &Path) -> anyhow::Result<ReferralRules> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("referrals.rules_path {}: {e}", path.display()))?;
        let rules: ReferralRules = serde_yaml_ng::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        for t in PartnerType::ALL {
            if !rules.packets.contains_key(t) {
                anyhow::bail!("{}: packets.{t} is missing", path.display());
            }
            if !rules.requests.get(t).is_some_and(|r| r.contains_key("en")) {
                anyhow::bail!("{}: requests.{t}.en is missing", path.display());
            }
        }
        Ok(rules)
    }

    pub fn fields(&self, t: PartnerType) -> &[PacketField] {
        self.packets.get(&t).map_or(&[], Vec::as_slice)
    }

    /// The request in the first of the partner's languages that has one, else English.
    pub fn request(&self, t: PartnerType, languages: &[String]) -> (&str, &str) {
        let texts = self.requests.get(&t);
        for lang in languages {
            let primary = lang.split('-').next().unwrap_or(lang);
            if let Some((l, text)) = texts.and_then(|m| m.get_key_value(primary)) {
                return (l.as_str(), text.as_str());
            }
        }
        (
            "en",
            texts.and_then(|m| m.get("en")).map_or("", String::as_str),
        )
    }
}
