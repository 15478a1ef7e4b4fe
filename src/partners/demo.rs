//! The demo directory (`config/partners.json`): invented entries modelled on the kinds of
//! organisations in the region, with example.org addresses only. Loaded by `seed-demo`; entries
//! are matched by their `external_id`, so loading twice changes nothing.

use std::path::Path;

use anyhow::Context as _;

use super::PartnerInput;
use crate::context::AppContext;

pub fn read(path: &Path) -> anyhow::Result<Vec<PartnerInput>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the demo directory {}", path.display()))?;
    let entries: Vec<PartnerInput> = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a list of partners", path.display()))?;
    entries
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            p.parse()
                .map_err(|e| anyhow::anyhow!("{} entry {i}: {e}", path.display()))
        })
        .collect()
}

/// Loads (or refreshes) the demo directory; returns how many entries it holds.
pub async fn load(ctx: &AppContext) -> anyhow::Result<usize> {
    let entries = read(&ctx.settings.referrals.demo_partners_path)?;
    let n = entries.len();
    for entry in entries {
        super::store::create(&ctx.db, &ctx.keys, None, entry, ctx.now()).await?;
    }
    Ok(n)
}
