//! `hotline stats export --from --to --by ... [--format csv|json]`: the statistics export of
//! `GET /api/v1/stats/export`, written to standard output.

use std::io::Write as _;

use anyhow::Context as _;

use super::export::{Format, Names, export, named, parse_by, to_csv, to_json};
use super::period::Period;
use crate::settings::Settings;

#[derive(clap::Args)]
pub struct ExportArgs {
    /// Start of the period: a date (YYYY-MM-DD, the hotline's time zone) or RFC 3339.
    #[arg(long)]
    pub from: String,
    /// End of the period (a date is included whole).
    #[arg(long)]
    pub to: String,
    /// Breakdowns: `channel,case_status` (a table each) or `sex*age_band` (a cross-table).
    #[arg(long)]
    pub by: String,
    /// csv (UTF-8 with BOM, for Excel) or json.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Field names: hotline, or htcds (the IOM Human Trafficking Case Data Standard's, for
    /// exchange with national databases).
    #[arg(long, default_value = "hotline")]
    pub names: String,
}

pub async fn run(
    settings: &Settings,
    args: &ExportArgs,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let field = |e: crate::domain::FieldError| anyhow::anyhow!("--{}: {}", e.field, e.message);
    let period = Period::parse(Some(&args.from), Some(&args.to), settings.time_zone(), now)
        .map_err(field)?;
    let specs = parse_by(Some(&args.by)).map_err(field)?;
    let format = Format::parse(Some(&args.format)).map_err(field)?;
    let names = Names::parse(Some(&args.names)).map_err(field)?;
    let db = crate::startup::pool(&settings.database)?;
    // The record's breakdowns (sex, nationality, …) are sealed: counting them opens them.
    let keys = std::sync::Arc::new(crate::crypto::KeyRing::from_settings(&settings.crypto)?);
    let below = settings.stats.suppress_below;
    let tables = named(
        export(&db, &keys, period, &specs, below)
            .await
            .context("cannot read the cases from PostgreSQL")?,
        names,
    );
    let text = match format {
        Format::Csv => to_csv(period, &tables, below),
        Format::Json => to_json(period, &tables, below).to_string() + "\n",
    };
    std::io::stdout()
        .write_all(text.as_bytes())
        .context("cannot write to standard output")?;
    Ok(())
}
