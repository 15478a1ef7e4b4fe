//! Phone-number lookups ("has this number called before?") are an oracle: an insider could test
//! whether a given person called. Each lookup is therefore rate-limited per staff member,
//! audited under a keyed pseudonym of the number (never the number), and answers with outline
//! fields only, saying for each case whether the caller may open it in full.

use serde::Serialize;
use serde_json::json;

use super::{Access, PrivacyError, access_to_case};
use crate::auth::{Identity, audit};
use crate::context::AppContext;
use crate::domain::PhoneNumber;
use crate::intake::earlier_cases::{EarlierCase, earlier_cases_for_phone};

#[derive(Debug, Serialize)]
pub struct Match {
    #[serde(flatten)]
    pub case: EarlierCase,
    /// "full" when the caller may open the case in full, else "outline".
    pub view: &'static str,
}

/// A keyed pseudonym of a value for the audit log: the same number gives the same pseudonym,
/// so repeated lookups of one number stand out, and without the key it names nobody.
pub fn pseudonym(keys: &crate::crypto::KeyRing, purpose: &str, value: &str) -> String {
    hex::encode(&keys.mac(&format!("audit-pseudonym:{purpose}"), value)[..12])
}

pub async fn lookup_phone(
    ctx: &AppContext,
    who: &Identity,
    phone: &PhoneNumber,
) -> Result<Vec<Match>, PrivacyError> {
    let limit = ctx.settings.privacy.phone_lookups_per_hour;
    // Redis down: the lookup still works (intake must not stop) and is still audited.
    if let Ok(count) = ctx
        .redis
        .incr_window(&format!("lookup:phone:{}", who.user.id), 3600)
        .await
        && count > u64::from(limit)
    {
        return Err(PrivacyError::TooManyLookups);
    }
    let now = ctx.now();
    let found = earlier_cases_for_phone(&ctx.db, &ctx.keys, phone).await?;
    let mut items = Vec::with_capacity(found.len());
    for case in found {
        let access = match access_to_case(&ctx.db, who.user.id, who.user.role, case.id, now).await {
            Ok(access) => access,
            // A restricted case this person is not named on: not among the matches at all.
            Err(PrivacyError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        items.push(Match {
            view: if matches!(access, Access::Full(_)) {
                "full"
            } else {
                "outline"
            },
            case,
        });
    }
    audit::record(
        &ctx.db,
        Some(who.user.id),
        "phone.looked_up",
        None,
        json!({
            "number": pseudonym(&ctx.keys, "phone", phone.as_str()),
            "results": items.len(),
            "purpose": "phone_intake",
        }),
        now,
    )
    .await?;
    Ok(items)
}
