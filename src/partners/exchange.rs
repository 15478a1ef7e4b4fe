//! Import and export of the directory: Open Referral HSDS 3.0 (JSON: organizations, each with
//! its services, service areas, languages, schedules, contacts and phones; the hotline's own
//! fields in a documented `x_hotline` extension) and CSV for spreadsheets. A shelter's street
//! address is never exported. An import is checked whole first: any bad entry is reported with
//! its line (CSV) or path (JSON) and field, and nothing is imported; otherwise every entry is
//! written in one transaction (matched by its id, so importing twice changes nothing).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::model::{
    AlwaysOpen, CountryPair, Coverage, Day, Hours, OpeningHours, PartnerInput, PartnerType,
    Service, WeeklyHours,
};
use super::store::{self, View};
use crate::context::AppContext;

/// One problem in an import file: where, which field, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// `line 4` (CSV) or `organizations[2]` (JSON).
    pub place: String,
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.place, self.field, self.message)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Hsds,
    Csv,
    /// The hotline's own JSON: a list of partners shaped as `POST /api/v1/partners` takes them
    /// (the demo directory, `config/partners.json`).
    Directory,
}

impl Format {
    pub fn parse(raw: &str) -> Option<Format> {
        match raw {
            "hsds" => Some(Format::Hsds),
            "csv" => Some(Format::Csv),
            "directory" => Some(Format::Directory),
            _ => None,
        }
    }

    /// The format of a file by its name and, for JSON, its shape: a list is the hotline's own
    /// directory, an object an HSDS document.
    pub fn of_file(extension: Option<&str>, text: &str) -> Option<Format> {
        match extension? {
            "csv" => Some(Format::Csv),
            "json" if text.trim_start().starts_with('[') => Some(Format::Directory),
            "json" => Some(Format::Hsds),
            _ => None,
        }
    }
}

/// The line (from 1) on which each top-level element of a JSON list starts, so a bad entry is
/// reported where a person editing the file will find it. `text` is valid JSON already.
fn element_lines(text: &str) -> Vec<usize> {
    let mut lines = vec![];
    let (mut line, mut depth, mut in_string, mut escaped) = (1, 0_i32, false, false);
    let mut expecting = false;
    for ch in text.chars() {
        if in_string {
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            if ch == '\n' {
                line += 1;
            }
            continue;
        }
        if expecting && depth == 1 && !ch.is_whitespace() && ch != ']' {
            lines.push(line);
            expecting = false;
        }
        match ch {
            '\n' => line += 1,
            '"' => in_string = true,
            '[' | '{' => {
                depth += 1;
                if depth == 1 {
                    expecting = true;
                }
            }
            ']' | '}' => depth -= 1,
            ',' if depth == 1 => expecting = true,
            _ => {}
        }
    }
    lines
}

/// The field a serde error is about: serde names an unknown or missing field in its message;
/// for a value outside a closed list it names only the value, so the entry is searched for it.
fn serde_field(entry: &Value, message: &str) -> String {
    let quoted = message.split('`').nth(1).unwrap_or_default();
    if message.contains("field") && !quoted.is_empty() {
        return quoted.to_owned();
    }
    fn find(v: &Value, wanted: &str, path: &str) -> Option<String> {
        match v {
            Value::String(s) if s == wanted => Some(path.to_owned()),
            Value::Object(map) => map.iter().find_map(|(k, v)| {
                let path = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                find(v, wanted, &path)
            }),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| find(v, wanted, &format!("{path}[{i}]"))),
            _ => None,
        }
    }
    find(entry, quoted, "").unwrap_or_else(|| "-".to_owned())
}

/// The hotline's own list (`config/partners.json`): every entry checked, each problem named by
/// entry, line and field.
fn from_directory(text: &str) -> Result<Vec<PartnerInput>, Vec<ImportError>> {
    let entries: Vec<Value> = serde_json::from_str(text).map_err(|e| {
        vec![bad(
            &format!("line {}", e.line()),
            "-",
            format!("not a JSON list of partners: {e}"),
        )]
    })?;
    let lines = element_lines(text);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, entry) in entries.into_iter().enumerate() {
        let place = format!("line {} (entry {i})", lines.get(i).copied().unwrap_or(1));
        let parsed = serde_json::from_value::<PartnerInput>(entry.clone())
            .map_err(|e| {
                let message = e.to_string();
                let field = serde_field(&entry, &message);
                bad(&place, &field, message)
            })
            .and_then(|p| p.parse().map_err(|e| bad(&place, &e.field, e.message)));
        match parsed {
            Ok(p) => out.push(p),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

const HSDS_DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn day_code(d: Day) -> &'static str {
    HSDS_DAYS[Day::ALL.iter().position(|x| *x == d).unwrap_or(0)]
}

/// Our fields HSDS has no place for.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Extension {
    #[serde(rename = "type")]
    partner_type: PartnerType,
    country: String,
    coverage: Coverage,
    services: Vec<Service>,
    uses_links: bool,
    hours_24h: bool,
    #[serde(default)]
    holidays: Vec<String>,
    #[serde(default)]
    verified_at: Option<DateTime<Utc>>,
}

fn organization(p: &PartnerInput, id: &str) -> Value {
    let (schedules, time_zone, holidays) = match &p.hours {
        Hours::AlwaysOpen(_) => (vec![], None, vec![]),
        Hours::Weekly(w) => (
            w.weekly
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    json!({
                        "id": format!("{id}-schedule-{i}"),
                        "freq": "WEEKLY",
                        "byday": day_code(h.day),
                        "opens_at": h.opens,
                        "closes_at": h.closes,
                        "timezone_name": w.time_zone,
                    })
                })
                .collect::<Vec<_>>(),
            Some(w.time_zone.clone()),
            w.holidays.clone(),
        ),
    };
    let mut areas: Vec<Value> = p
        .coverage
        .provinces
        .iter()
        .map(|prov| json!({ "extent_type": "text", "extent": prov, "name": prov }))
        .collect();
    if p.coverage.nationwide {
        areas.push(json!({ "extent_type": "text", "extent": p.country, "name": p.country }));
    }
    let ext = Extension {
        partner_type: p.partner_type,
        country: p.country.clone(),
        coverage: p.coverage.clone(),
        services: p.services.clone(),
        uses_links: p.uses_links,
        hours_24h: p.hours.is_always_open(),
        holidays,
        verified_at: p.verified_at,
    };
    json!({
        "id": id,
        "name": p.name,
        "email": p.referral_email,
        "phones": p.phone.iter().map(|n| json!({ "number": n })).collect::<Vec<_>>(),
        "services": [{
            "id": format!("{id}-referral"),
            "name": format!("Referrals to {}", p.name),
            "status": "active",
            "email": p.referral_email,
            "interpretation_services": Value::Null,
            "assured_date": p.verified_at.map(|d| d.format("%Y-%m-%d").to_string()),
            "languages": p.languages.iter().map(|l| json!({ "code": l })).collect::<Vec<_>>(),
            "service_areas": areas,
            "schedules": schedules,
            "phones": p.phone.iter().map(|n| json!({ "number": n })).collect::<Vec<_>>(),
            "contacts": p.referral_email.iter().map(|e| json!({ "name": "Referrals", "email": e })).collect::<Vec<_>>(),
        }],
        "x_hotline": ext,
        "x_hotline_time_zone": time_zone,
    })
}

/// The directory as HSDS 3.0 JSON or CSV, active and retired entries alike, without addresses.
pub async fn export(ctx: &AppContext, format: Format) -> anyhow::Result<String> {
    let view = View {
        reveal_address: false,
        stale_after_days: ctx.settings.referrals.stale_after_days,
        now: ctx.now(),
    };
    let partners = store::list(&ctx.db, &ctx.keys, view, false).await?;
    let mut entries = Vec::with_capacity(partners.len());
    for p in partners {
        let id = p.external_id.clone().unwrap_or_else(|| p.id.to_string());
        let (mut input, _) = store::input_of(&ctx.db, &ctx.keys, p.id, ctx.now()).await?;
        // Confidential: never leaves the hotline.
        input.street_address = None;
        input.external_id = Some(id);
        entries.push(input);
    }
    Ok(match format {
        Format::Hsds => {
            let orgs: Vec<Value> = entries
                .iter()
                .map(|p| organization(p, p.external_id.as_deref().unwrap_or_default()))
                .collect();
            serde_json::to_string_pretty(&json!({
                "hsds_version": "3.0",
                "x_hotline_extension": "x_hotline carries the hotline's own fields: partner type, country, coverage (provinces, nationwide, cross-border pairs), services, uses_links, hours_24h, holidays, verified_at",
                "organizations": orgs,
            }))?
        }
        Format::Csv => to_csv(&entries),
        Format::Directory => serde_json::to_string_pretty(&entries)? + "\n",
    })
}

const CSV_HEADER: [&str; 14] = [
    "id",
    "name",
    "type",
    "country",
    "provinces",
    "nationwide",
    "cross_border",
    "services",
    "languages",
    "hours",
    "referral_email",
    "phone",
    "uses_links",
    "verified_at",
];

fn csv_field(v: &str) -> String {
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v.to_owned()
    }
}

/// Hours in one cell: `24h`, or `Asia/Bangkok; mon 08:30-16:30; …; holiday 2026-12-31`.
fn hours_cell(h: &Hours) -> String {
    match h {
        Hours::AlwaysOpen(_) => "24h".into(),
        Hours::Weekly(w) => {
            let mut parts = vec![w.time_zone.clone()];
            parts.extend(
                w.weekly
                    .iter()
                    .map(|o| format!("{} {}-{}", o.day, o.opens, o.closes)),
            );
            parts.extend(w.holidays.iter().map(|d| format!("holiday {d}")));
            parts.join("; ")
        }
    }
}

fn to_csv(entries: &[PartnerInput]) -> String {
    let mut out = CSV_HEADER.join(",") + "\n";
    for p in entries {
        let cells = [
            p.external_id.clone().unwrap_or_default(),
            p.name.clone(),
            p.partner_type.to_string(),
            p.country.clone(),
            p.coverage.provinces.join("; "),
            p.coverage.nationwide.to_string(),
            p.coverage
                .cross_border
                .iter()
                .map(|c| format!("{}>{}", c.origin, c.destination))
                .collect::<Vec<_>>()
                .join("; "),
            p.services
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            p.languages.join("; "),
            hours_cell(&p.hours),
            p.referral_email.clone().unwrap_or_default(),
            p.phone.clone().unwrap_or_default(),
            p.uses_links.to_string(),
            p.verified_at
                .map(|d| crate::domain::time::format(&d))
                .unwrap_or_default(),
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

/// RFC 4180 records with the line each starts on.
fn csv_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    let mut records = Vec::new();
    let mut line = 1;
    let mut start = 1;
    let mut field = String::new();
    let mut record = Vec::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                if record.iter().any(|f| !f.is_empty()) {
                    records.push((start, std::mem::take(&mut record)));
                }
                record.clear();
                line += 1;
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(ImportError {
            place: format!("line {start}"),
            field: "-".into(),
            message: "a quoted cell is not closed".into(),
        });
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push((start, record));
    }
    Ok(records)
}

fn split_list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn bad(place: &str, field: &str, message: impl Into<String>) -> ImportError {
    ImportError {
        place: place.to_owned(),
        field: field.to_owned(),
        message: message.into(),
    }
}

fn parse_hours(place: &str, cell: &str) -> Result<Hours, ImportError> {
    if cell.trim() == "24h" {
        return Ok(Hours::AlwaysOpen(AlwaysOpen::AllDay));
    }
    let mut parts = cell.split(';').map(str::trim).filter(|p| !p.is_empty());
    let time_zone = parts
        .next()
        .ok_or_else(|| {
            bad(
                place,
                "hours",
                "is empty: write 24h or a time zone and opening hours",
            )
        })?
        .to_owned();
    let mut weekly = Vec::new();
    let mut holidays = Vec::new();
    for part in parts {
        if let Some(d) = part.strip_prefix("holiday ") {
            holidays.push(d.trim().to_owned());
            continue;
        }
        let (day, span) = part.split_once(' ').ok_or_else(|| {
            bad(
                place,
                "hours",
                format!("'{part}' is not like 'mon 08:30-16:30'"),
            )
        })?;
        let (opens, closes) = span.split_once('-').ok_or_else(|| {
            bad(
                place,
                "hours",
                format!("'{part}' is not like 'mon 08:30-16:30'"),
            )
        })?;
        weekly.push(OpeningHours {
            day: Day::parse("hours", day).map_err(|e| bad(place, "hours", e.message))?,
            opens: opens.trim().to_owned(),
            closes: closes.trim().to_owned(),
        });
    }
    Ok(Hours::Weekly(WeeklyHours {
        time_zone,
        weekly,
        holidays,
    }))
}

fn from_csv(text: &str) -> Result<Vec<PartnerInput>, Vec<ImportError>> {
    let records = csv_records(text).map_err(|e| vec![e])?;
    let Some(((_, header), rows)) = records.split_first() else {
        return Err(vec![bad("line 1", "-", "the file is empty")]);
    };
    if header
        .iter()
        .map(String::as_str)
        .ne(CSV_HEADER.iter().copied())
    {
        return Err(vec![bad(
            "line 1",
            "-",
            format!("the header must be: {}", CSV_HEADER.join(",")),
        )]);
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (line, cells) in rows {
        let place = format!("line {line}");
        if cells.len() != CSV_HEADER.len() {
            errors.push(bad(
                &place,
                "-",
                format!("has {} cells, not {}", cells.len(), CSV_HEADER.len()),
            ));
            continue;
        }
        let cell =
            |name: &str| cells[CSV_HEADER.iter().position(|h| *h == name).unwrap_or(0)].trim();
        let row = (|| -> Result<PartnerInput, ImportError> {
            let bool_cell = |name: &str| match cell(name) {
                "true" | "yes" | "1" => Ok(true),
                "false" | "no" | "0" | "" => Ok(false),
                _ => Err(bad(&place, name, "must be true or false")),
            };
            let cross_border = split_list(cell("cross_border"))
                .iter()
                .map(|pair| {
                    pair.split_once('>')
                        .map(|(o, d)| CountryPair {
                            origin: o.trim().into(),
                            destination: d.trim().into(),
                        })
                        .ok_or_else(|| {
                            bad(
                                &place,
                                "cross_border",
                                format!("'{pair}' is not like KH>TH"),
                            )
                        })
                })
                .collect::<Result<_, _>>()?;
            let services = split_list(cell("services"))
                .iter()
                .map(|s| {
                    Service::parse("services", s).map_err(|e| bad(&place, "services", e.message))
                })
                .collect::<Result<_, _>>()?;
            let verified_at = match cell("verified_at") {
                "" => None,
                v => Some(
                    DateTime::parse_from_rfc3339(v)
                        .map_err(|_| bad(&place, "verified_at", "must be an RFC 3339 time"))?
                        .with_timezone(&Utc),
                ),
            };
            let input = PartnerInput {
                name: cell("name").to_owned(),
                partner_type: PartnerType::parse("type", cell("type"))
                    .map_err(|e| bad(&place, "type", e.message))?,
                country: cell("country").to_owned(),
                coverage: Coverage {
                    provinces: split_list(cell("provinces")),
                    nationwide: bool_cell("nationwide")?,
                    cross_border,
                },
                languages: split_list(cell("languages")),
                hours: parse_hours(&place, cell("hours"))?,
                referral_email: Some(cell("referral_email").to_owned()),
                phone: Some(cell("phone").to_owned()),
                services,
                uses_links: bool_cell("uses_links")?,
                verified_at,
                street_address: None,
                external_id: Some(cell("id").to_owned()).filter(|i| !i.is_empty()),
            };
            input.parse().map_err(|e| bad(&place, &e.field, e.message))
        })();
        match row {
            Ok(p) => out.push(p),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn from_hsds(text: &str) -> Result<Vec<PartnerInput>, Vec<ImportError>> {
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        vec![bad(
            &format!("line {}", e.line()),
            "-",
            format!("not valid JSON: {e}"),
        )]
    })?;
    let Some(orgs) = doc.get("organizations").and_then(Value::as_array) else {
        return Err(vec![bad("line 1", "organizations", "is required (a list)")]);
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, org) in orgs.iter().enumerate() {
        let place = format!("organizations[{i}]");
        let row = (|| -> Result<PartnerInput, ImportError> {
            let ext: Extension =
                serde_json::from_value(org.get("x_hotline").cloned().unwrap_or(Value::Null))
                    .map_err(|e| bad(&place, "x_hotline", e.to_string()))?;
            let service = org.pointer("/services/0");
            let text_at = |v: Option<&Value>, path: &str| {
                v.and_then(|v| v.pointer(path))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            let languages = service
                .and_then(|s| s.get("languages"))
                .and_then(Value::as_array)
                .map(|ls| {
                    ls.iter()
                        .filter_map(|l| l.get("code").and_then(Value::as_str).map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let hours = if ext.hours_24h {
                Hours::AlwaysOpen(AlwaysOpen::AllDay)
            } else {
                let schedules = service
                    .and_then(|s| s.get("schedules"))
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let mut weekly = Vec::new();
                let mut time_zone = text_at(Some(org), "/x_hotline_time_zone").unwrap_or_default();
                for (j, s) in schedules.iter().enumerate() {
                    let field = format!("services[0].schedules[{j}]");
                    let byday = s.get("byday").and_then(Value::as_str).unwrap_or("");
                    let day = HSDS_DAYS
                        .iter()
                        .position(|d| *d == byday)
                        .map(|k| Day::ALL[k])
                        .ok_or_else(|| {
                            bad(&place, &format!("{field}.byday"), "must be MO to SU")
                        })?;
                    if let Some(tz) = s.get("timezone_name").and_then(Value::as_str) {
                        time_zone = tz.to_owned();
                    }
                    weekly.push(OpeningHours {
                        day,
                        opens: s
                            .get("opens_at")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                        closes: s
                            .get("closes_at")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_owned(),
                    });
                }
                Hours::Weekly(WeeklyHours {
                    time_zone,
                    weekly,
                    holidays: ext.holidays.clone(),
                })
            };
            let input = PartnerInput {
                name: text_at(Some(org), "/name").unwrap_or_default(),
                partner_type: ext.partner_type,
                country: ext.country,
                coverage: ext.coverage,
                languages,
                hours,
                referral_email: text_at(service, "/email").or_else(|| text_at(Some(org), "/email")),
                phone: text_at(Some(org), "/phones/0/number"),
                services: ext.services,
                uses_links: ext.uses_links,
                verified_at: ext.verified_at,
                street_address: None,
                external_id: text_at(Some(org), "/id"),
            };
            input.parse().map_err(|e| bad(&place, &e.field, e.message))
        })();
        match row {
            Ok(p) => out.push(p),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Reads a file both ways and drops the result (for the fuzz targets, `crate::fuzzing`).
pub(crate) fn parse_both(text: &str) {
    let _ = from_hsds(text);
    let _ = from_csv(text);
}

/// Checks every entry, then writes all of them in one transaction, or none.
pub async fn import(
    ctx: &AppContext,
    format: Format,
    text: &str,
) -> Result<usize, Vec<ImportError>> {
    let entries = match format {
        Format::Hsds => from_hsds(text)?,
        Format::Csv => from_csv(text)?,
        Format::Directory => from_directory(text)?,
    };
    let n = entries.len();
    let write = async {
        let mut tx = ctx.db.begin().await?;
        for entry in entries {
            store::upsert_in(&mut tx, &ctx.keys, entry, ctx.now()).await?;
        }
        crate::auth::audit::record(
            &mut *tx,
            None,
            "partners.imported",
            None,
            json!({ "entries": n }),
            ctx.now(),
        )
        .await?;
        tx.commit().await?;
        Ok::<(), super::PartnerError>(())
    };
    write
        .await
        .map_err(|e| vec![bad("file", "-", format!("nothing was imported: {e}"))])?;
    Ok(n)
}

/// Hostile input (issue 18): an import file is outside input; whatever it holds, the parse
/// answers entries or named errors, never a panic.
#[cfg(test)]
mod never_panics {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn hsds_and_csv_on_arbitrary_text(text in "\\PC{0,2000}") {
            let _ = super::from_hsds(&text);
            let _ = super::from_csv(&text);
        }

        #[test]
        fn hsds_on_json_shaped_like_organizations(name in "\\PC{0,80}", field in "[a-z_]{0,16}", value in "\\PC{0,80}") {
            let text = format!(
                r#"{{"organizations":[{{"id":"o1","name":{},"{field}":{},"services":[{{"id":"s1","{field}":[{}]}}],"locations":[{{}}]}}]}}"#,
                serde_json::Value::String(name.clone()),
                serde_json::Value::String(value.clone()),
                serde_json::Value::String(value)
            );
            let _ = super::from_hsds(&text);
        }
    }

    #[test]
    fn hsds_on_deeply_nested_json() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(super::from_hsds(&deep).is_err());
    }
}
