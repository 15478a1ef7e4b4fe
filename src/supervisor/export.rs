//! The statistics export: cases opened in a period, counted by the breakdowns agencies publish
//! (`dimensions.rs`), with small cells suppressed (`suppression.rs`), as CSV that opens in
//! Excel with Thai intact (UTF-8 with a byte-order mark, CRLF) or as JSON. Only counts of codes
//! leave: no ids, no personal data, no free text (`dimensions::publishable`).
//!
//! `by` names tables: `by=channel,case_status` is one table per breakdown; `by=sex*age_band`
//! is one cross-table (rows × columns).

use std::fmt::Write as _;
use std::sync::Arc;

use serde_json::{Value, json};
use sqlx::PgPool;

use super::dimensions::{CaseFacts, DIMENSIONS, Dimension, find, publishable};
use super::period::Period;
use super::suppression::{Shown, Suppressed, suppress};
use crate::crypto::KeyRing;
use crate::domain::FieldError;

/// At most this many tables in one export.
const MOST_TABLES: usize = 24;

/// One table asked for: a breakdown, or two crossed.
#[derive(Debug, Clone, Copy)]
pub struct TableSpec {
    pub rows: &'static Dimension,
    pub columns: Option<&'static Dimension>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn parse(raw: Option<&str>) -> Result<Format, FieldError> {
        match raw.map(str::trim).unwrap_or("json") {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(FieldError::new("format", "must be csv or json")),
        }
    }
}

fn dimension(name: &str) -> Result<&'static Dimension, FieldError> {
    let d = find(name.trim()).ok_or_else(|| {
        let names: Vec<&str> = DIMENSIONS.iter().map(|d| d.name).collect();
        FieldError::new(
            "by",
            format!("{name:?} is not a breakdown; one of: {}", names.join(", ")),
        )
    })?;
    Ok(d)
}

/// Parses `by` (`a,b` one table each; `a*b` a cross-table).
pub fn parse_by(raw: Option<&str>) -> Result<Vec<TableSpec>, FieldError> {
    let raw = raw
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            let names: Vec<&str> = DIMENSIONS.iter().map(|d| d.name).collect();
            FieldError::new(
                "by",
                format!("is required: one or more of {}", names.join(", ")),
            )
        })?;
    let specs = raw
        .split(',')
        .map(|part| {
            let mut names = part.split('*');
            let rows = dimension(names.next().unwrap_or_default())?;
            let columns = names.next().map(dimension).transpose()?;
            if names.next().is_some() {
                return Err(FieldError::new(
                    "by",
                    "a table crosses at most two breakdowns",
                ));
            }
            Ok(TableSpec { rows, columns })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if specs.len() > MOST_TABLES {
        return Err(FieldError::new(
            "by",
            format!("at most {MOST_TABLES} tables in one export"),
        ));
    }
    Ok(specs)
}

/// One published table.
#[derive(Debug, Clone)]
pub struct Table {
    pub rows_by: &'static str,
    pub columns_by: Option<&'static str>,
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    pub shown: Suppressed,
}

/// Counts the cases opened in `period` for each table, suppressed below `suppress_below`. When
/// every breakdown is plain SQL, one pass in PostgreSQL serves every table (`GROUPING SETS`),
/// so nine tables cost about what one does; a breakdown from the sealed case record reads the
/// period's cases once and counts them in memory (`count_in_memory`).
pub async fn export(
    db: &PgPool,
    keys: &Arc<KeyRing>,
    period: Period,
    specs: &[TableSpec],
    suppress_below: i64,
) -> Result<Vec<Table>, sqlx::Error> {
    let in_memory = specs
        .iter()
        .flat_map(|s| std::iter::once(s.rows).chain(s.columns))
        .any(|d| d.sql.is_none());
    if in_memory {
        return count_in_memory(db, keys, period, specs, suppress_below).await;
    }
    count_in_sql(db, period, specs, suppress_below).await
}

/// Every breakdown in `specs` once, in order of appearance.
fn dimensions_of(specs: &[TableSpec]) -> Vec<&'static Dimension> {
    let mut all: Vec<&'static Dimension> = vec![];
    for spec in specs {
        for d in std::iter::once(spec.rows).chain(spec.columns) {
            if !all.iter().any(|a| a.name == d.name) {
                all.push(d);
            }
        }
    }
    all
}

/// Per table: row value, then column value, to a count (keys allocated once per value).
type Counts = Vec<std::collections::HashMap<String, std::collections::HashMap<String, i64>>>;

/// One case as PostgreSQL sent it, before its record is opened.
struct RawCase {
    sql_values: Vec<Option<String>>,
    sealed: Option<Vec<u8>>,
    case_id: uuid::Uuid,
    minor: Option<String>,
    outcomes: Vec<String>,
}

/// Cases handed to one blocking task: large enough that handing over costs nothing, small
/// enough that two tasks share a short period's work.
const CHUNK: usize = 4_096;

/// The tables counted case by case: each case's values come from SQL or from its record
/// (opened here, never written anywhere) and referrals; a case with several values counts
/// under each. Opening and parsing records is the cost (one AEAD open and one JSON parse per
/// case), so cases are counted in chunks on blocking threads while the next rows arrive, and
/// the partial counts are added up at the end.
async fn count_in_memory(
    db: &PgPool,
    keys: &Arc<KeyRing>,
    period: Period,
    specs: &[TableSpec],
    suppress_below: i64,
) -> Result<Vec<Table>, sqlx::Error> {
    use sqlx::Row as _;
    let dims = dimensions_of(specs);
    let needs_record = dims.iter().any(|d| d.needs_record);
    let columns: Vec<String> = dims
        .iter()
        .map(|d| {
            d.sql
                .map_or_else(|| "NULL::text".to_owned(), |sql| format!("({sql})::text"))
        })
        .collect();
    // Referral outcomes are aggregated once and joined (a hash join), not looked up per case.
    let sql = format!(
        "SELECT {columns}, {record} AS record_enc, c.id AS case_id, c.answers->>'minor' AS minor,
                COALESCE(ro.outcomes, '{{}}') AS outcomes
         FROM cases c LEFT JOIN case_records cr ON cr.case_id = c.id
         LEFT JOIN ({outcomes}) ro ON ro.case_id = c.id
         WHERE c.created_at >= $1 AND c.created_at < $2",
        columns = columns.join(", "),
        record = if needs_record {
            "cr.record_enc"
        } else {
            "NULL::bytea"
        },
        outcomes = super::dimensions::REFERRAL_OUTCOMES_BY_CASE_SQL,
    );
    let mut tx = super::report_transaction(db).await?;
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(period.from)
        .bind(period.to)
        .fetch(&mut *tx);
    let mut totals: Counts = vec![Default::default(); specs.len()];
    let mut unreadable = 0_u64;
    let mut running: tokio::task::JoinSet<(Counts, u64)> = tokio::task::JoinSet::new();
    let mut chunk: Vec<RawCase> = Vec::with_capacity(CHUNK);
    let sql_columns = dims.len();
    loop {
        let row = futures_util::TryStreamExt::try_next(&mut rows).await?;
        if let Some(row) = &row {
            let mut sql_values = Vec::with_capacity(sql_columns);
            for (i, d) in dims.iter().enumerate() {
                sql_values.push(match d.sql {
                    Some(_) => row.try_get::<Option<String>, _>(i)?,
                    None => None,
                });
            }
            chunk.push(RawCase {
                sql_values,
                sealed: row.try_get("record_enc")?,
                case_id: row.try_get("case_id")?,
                minor: row.try_get("minor")?,
                outcomes: row.try_get("outcomes")?,
            });
        }
        if chunk.len() == CHUNK || (row.is_none() && !chunk.is_empty()) {
            let cases = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            let (keys, dims, specs) = (Arc::clone(keys), dims.clone(), specs.to_vec());
            running.spawn_blocking(move || count_cases(&keys, &dims, &specs, cases));
            // At most two chunks are counted at once (this machine class has two cores).
            while running.len() > 2 {
                add_counts(&mut totals, &mut unreadable, running.join_next().await);
            }
        }
        if row.is_none() {
            break;
        }
    }
    drop(rows);
    tx.commit().await?;
    while !running.is_empty() {
        add_counts(&mut totals, &mut unreadable, running.join_next().await);
    }
    if unreadable > 0 {
        tracing::warn!(
            unreadable,
            "case records that cannot be opened with the current keys were counted as not recorded"
        );
    }
    Ok(specs
        .iter()
        .zip(totals)
        .map(|(spec, table)| {
            let found: Vec<(Option<String>, Option<String>, i64)> = table
                .into_iter()
                .flat_map(|(r, columns)| {
                    columns
                        .into_iter()
                        .map(move |(c, n)| (Some(r.clone()), Some(c), n))
                })
                .collect();
            tabulate(spec, &found, suppress_below)
        })
        .collect())
}

/// Adds one finished chunk's counts to the totals. A chunk's task cannot fail except by a
/// panic, which is passed on rather than undercounting silently.
fn add_counts(
    totals: &mut Counts,
    unreadable: &mut u64,
    finished: Option<Result<(Counts, u64), tokio::task::JoinError>>,
) {
    let Some(finished) = finished else { return };
    let (counts, not_opened) =
        finished.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    *unreadable += not_opened;
    for (total, table) in totals.iter_mut().zip(counts) {
        for (r, columns) in table {
            let row = total.entry(r).or_default();
            for (c, n) in columns {
                *row.entry(c).or_insert(0) += n;
            }
        }
    }
}

/// Counts one chunk of cases: opens each record, takes each breakdown's values, and counts
/// them in every table. Returns the counts and how many records could not be opened.
fn count_cases(
    keys: &KeyRing,
    dims: &[&'static Dimension],
    specs: &[TableSpec],
    cases: Vec<RawCase>,
) -> (Counts, u64) {
    let mut counts: Counts = vec![Default::default(); specs.len()];
    let mut unreadable = 0_u64;
    let count_column = ["count".to_owned()];
    // Where each table's breakdowns sit among `dims`, found once per chunk, not per case.
    let at = |d: &Dimension| dims.iter().position(|x| x.name == d.name);
    let places: Vec<(Option<usize>, Option<Option<usize>>)> = specs
        .iter()
        .map(|spec| (at(spec.rows), spec.columns.map(at)))
        .collect();
    for case in cases {
        let record = case.sealed.and_then(|sealed| {
            let opened = keys
                .open_bound(
                    &sealed,
                    &crate::crypto::Binding::new("case_records", "record_enc", case.case_id),
                )
                .ok()
                .and_then(|text| serde_json::from_str::<crate::referrals::CaseRecord>(&text).ok());
            if opened.is_none() {
                unreadable += 1;
            }
            opened
        });
        let facts = CaseFacts {
            record,
            minor_answer: case.minor,
            referral_outcomes: case.outcomes,
        };
        let values: Vec<Vec<String>> = dims
            .iter()
            .zip(case.sql_values)
            .map(|(d, sql_value)| match (d.sql, d.from_case) {
                (Some(_), _) => vec![sql_value.unwrap_or_else(|| "unknown".to_owned())],
                (None, Some(f)) => f(&facts),
                (None, None) => vec!["unknown".to_owned()],
            })
            .collect();
        let of = |i: Option<usize>| -> &[String] { i.map_or(&[][..], |i| values[i].as_slice()) };
        for (&(rows, columns), table) in places.iter().zip(counts.iter_mut()) {
            let cols: &[String] = match columns {
                Some(c) => of(c),
                None => &count_column,
            };
            for r in of(rows) {
                let row_counts = match table.get_mut(r.as_str()) {
                    Some(found) => found,
                    None => table.entry(r.clone()).or_default(),
                };
                for c in cols {
                    match row_counts.get_mut(c.as_str()) {
                        Some(n) => *n += 1,
                        None => {
                            row_counts.insert(c.clone(), 1);
                        }
                    }
                }
            }
        }
    }
    (counts, unreadable)
}

/// The tables counted by PostgreSQL in one pass (plain SQL breakdowns only).
async fn count_in_sql(
    db: &PgPool,
    period: Period,
    specs: &[TableSpec],
    suppress_below: i64,
) -> Result<Vec<Table>, sqlx::Error> {
    use sqlx::Row as _;
    // Each breakdown's expression once, and each table's grouping set over them.
    let mut names: Vec<&'static str> = vec![];
    for spec in specs {
        for d in std::iter::once(spec.rows).chain(spec.columns) {
            if !names.contains(&d.name) {
                names.push(d.name);
            }
        }
    }
    let expression = |name: &str| {
        find(name)
            .and_then(|d| d.sql)
            .map_or_else(|| "'unknown'".to_owned(), |sql| format!("({sql})::text"))
    };
    let position = |name: &str| names.iter().position(|n| *n == name).unwrap_or(0);
    let columns: Vec<String> = names.iter().map(|n| expression(n)).collect();
    let mut sets: Vec<String> = vec![];
    for spec in specs {
        let members: Vec<String> = std::iter::once(spec.rows)
            .chain(spec.columns)
            .map(|d| columns[position(d.name)].clone())
            .collect();
        let set = format!("({})", members.join(", "));
        // A set named twice would be counted twice.
        if !sets.contains(&set) {
            sets.push(set);
        }
    }
    let sql = format!(
        "SELECT {columns}, GROUPING({columns}) AS grouped, count(*) AS n
         FROM cases c LEFT JOIN case_records cr ON cr.case_id = c.id
         WHERE c.created_at >= $1 AND c.created_at < $2
         GROUP BY GROUPING SETS ({sets})",
        columns = columns.join(", "),
        sets = sets.join(", "),
    );
    let mut tx = super::report_transaction(db).await?;
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(period.from)
        .bind(period.to)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    let width = names.len();
    let mut found: Vec<(Vec<Option<String>>, i32, i64)> = Vec::with_capacity(rows.len());
    for row in rows {
        let values = (0..width)
            .map(|i| row.try_get::<Option<String>, _>(i))
            .collect::<Result<Vec<_>, _>>()?;
        found.push((values, row.try_get("grouped")?, row.try_get("n")?));
    }
    Ok(specs
        .iter()
        .map(|spec| {
            // GROUPING() sets a bit for every column *not* in the row's set, first column
            // highest.
            let wanted: Vec<usize> = std::iter::once(spec.rows)
                .chain(spec.columns)
                .map(|d| position(d.name))
                .collect();
            let mask: i32 = (0..width)
                .filter(|i| !wanted.contains(i))
                .map(|i| 1 << (width - 1 - i))
                .sum();
            let r = position(spec.rows.name);
            let c = spec.columns.map(|d| position(d.name));
            let mine: Vec<(Option<String>, Option<String>, i64)> = found
                .iter()
                .filter(|(_, g, _)| *g == mask)
                .map(|(v, _, n)| {
                    (
                        v[r].clone(),
                        c.map_or(Some("count".to_owned()), |c| v[c].clone()),
                        *n,
                    )
                })
                .collect();
            tabulate(spec, &mine, suppress_below)
        })
        .collect())
}

fn keys(listed: &[&str], found: impl Iterator<Item = String>) -> Vec<String> {
    let mut keys: Vec<String> = listed.iter().map(|v| (*v).to_owned()).collect();
    let mut extra: Vec<String> = found.filter(|k| !keys.contains(k)).collect();
    extra.sort();
    extra.dedup();
    keys.extend(extra);
    keys
}

/// The counts as a suppressed table. Pure.
pub fn tabulate(
    spec: &TableSpec,
    found: &[(Option<String>, Option<String>, i64)],
    suppress_below: i64,
) -> Table {
    let clean = |v: &Option<String>| publishable(v.as_deref().unwrap_or("unknown")).to_owned();
    let rows = keys(spec.rows.values, found.iter().map(|(r, ..)| clean(r)));
    let columns = match spec.columns {
        Some(d) => keys(d.values, found.iter().map(|(_, c, _)| clean(c))),
        None => vec!["count".to_owned()],
    };
    let mut counts = vec![vec![0_i64; columns.len()]; rows.len()];
    for (r, c, n) in found {
        let (r, c) = (clean(r), clean(c));
        let ri = rows.iter().position(|k| *k == r).unwrap_or(0);
        let ci = if spec.columns.is_some() {
            columns.iter().position(|k| *k == c).unwrap_or(0)
        } else {
            0
        };
        if let Some(cell) = counts.get_mut(ri).and_then(|row| row.get_mut(ci)) {
            *cell += n;
        }
    }
    Table {
        rows_by: spec.rows.name,
        columns_by: spec.columns.map(|d| d.name),
        rows,
        columns,
        shown: suppress(&counts, suppress_below),
    }
}

/// Field names an export uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// The hotline's names (`sex`, `form_of_exploitation`).
    Hotline,
    /// The IOM Human Trafficking Case Data Standard's (`prs_Gender`, …; `x_hotline_…` where
    /// HTCDS has no field), with HTCDS values where they differ (`Female`, `Sex:Prostitution`).
    Htcds,
}

impl Names {
    pub fn parse(raw: Option<&str>) -> Result<Names, FieldError> {
        match raw.map(str::trim).unwrap_or("hotline") {
            "hotline" => Ok(Names::Hotline),
            "htcds" => Ok(Names::Htcds),
            _ => Err(FieldError::new("names", "must be hotline or htcds")),
        }
    }
}

/// The tables with breakdowns and values in `names`. Values stay codes from closed lists.
pub fn named(tables: Vec<Table>, names: Names) -> Vec<Table> {
    use super::dimensions::{name_in, value_in};
    let htcds = names == Names::Htcds;
    if !htcds {
        return tables;
    }
    tables
        .into_iter()
        .map(|mut t| {
            if let Some(d) = find(t.rows_by) {
                t.rows = t.rows.iter().map(|v| value_in(d, v, htcds)).collect();
                t.rows_by = name_in(d, htcds);
            }
            if let Some(d) = t.columns_by.and_then(find) {
                t.columns = t.columns.iter().map(|v| value_in(d, v, htcds)).collect();
                t.columns_by = Some(name_in(d, htcds));
            }
            t
        })
        .collect()
}

fn shown_json(s: Shown, below: i64) -> Value {
    match s {
        Shown::Count(n) => json!(n),
        Shown::Hidden => json!(format!("<{below}")),
    }
}

fn shown_text(s: Shown, below: i64) -> String {
    match s {
        Shown::Count(n) => n.to_string(),
        Shown::Hidden => format!("<{below}"),
    }
}

fn percent_text(p: Option<f64>) -> String {
    p.map(|p| format!("{p:.1}")).unwrap_or_default()
}

pub fn to_json(period: Period, tables: &[Table], below: i64) -> Value {
    let tables: Vec<Value> = tables
        .iter()
        .map(|t| {
            let rows: Vec<Value> = t
                .rows
                .iter()
                .enumerate()
                .map(|(r, key)| {
                    json!({
                        "value": key,
                        "counts": t.shown.cells[r].iter().map(|s| shown_json(*s, below)).collect::<Vec<_>>(),
                        "percents": t.shown.percents[r],
                        "total": shown_json(t.shown.row_totals[r], below),
                        "percent": t.shown.row_percents[r],
                    })
                })
                .collect();
            json!({
                "rows_by": t.rows_by,
                "columns_by": t.columns_by,
                "columns": t.columns,
                "rows": rows,
                "column_totals": t.shown.column_totals.iter().map(|s| shown_json(*s, below)).collect::<Vec<_>>(),
                "total": shown_json(t.shown.total, below),
            })
        })
        .collect();
    json!({
        "from": crate::domain::time::format(&period.from),
        "to": crate::domain::time::format(&period.to),
        "counted": "cases opened in the period (a case with several values, such as two forms of exploitation, counts under each)",
        "suppress_below": below,
        "percent_of": "the table's total",
        "tables": tables,
    })
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn csv_line(out: &mut String, fields: &[String]) {
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    let _ = write!(out, "{}\r\n", line.join(","));
}

/// CSV for Excel: a byte-order mark so Thai (and every other script) opens intact, CRLF line
/// ends, one block per table with a title line and a blank line between blocks.
pub fn to_csv(period: Period, tables: &[Table], below: i64) -> String {
    let mut out = String::from("\u{feff}");
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        let title = match t.columns_by {
            Some(c) => format!("cases by {} and {}", t.rows_by, c),
            None => format!("cases by {}", t.rows_by),
        };
        csv_line(
            &mut out,
            &[
                title,
                format!(
                    "opened from {} to {}",
                    crate::domain::time::format(&period.from),
                    crate::domain::time::format(&period.to)
                ),
                format!("counts from 1 to {} shown as <{below}", below - 1),
            ],
        );
        let corner = match t.columns_by {
            Some(c) => format!("{} / {c}", t.rows_by),
            None => t.rows_by.to_owned(),
        };
        let mut header = vec![corner];
        if t.columns_by.is_some() {
            header.extend(t.columns.iter().cloned());
            header.push("total".into());
        } else {
            header.push("count".into());
        }
        header.push("percent".into());
        csv_line(&mut out, &header);
        for (r, key) in t.rows.iter().enumerate() {
            let mut line = vec![key.clone()];
            if t.columns_by.is_some() {
                line.extend(t.shown.cells[r].iter().map(|s| shown_text(*s, below)));
            }
            line.push(shown_text(t.shown.row_totals[r], below));
            line.push(percent_text(t.shown.row_percents[r]));
            csv_line(&mut out, &line);
        }
        let mut total = vec!["total".to_owned()];
        if t.columns_by.is_some() {
            total.extend(t.shown.column_totals.iter().map(|s| shown_text(*s, below)));
        }
        total.push(shown_text(t.shown.total, below));
        total.push(match t.shown.total {
            Shown::Count(n) if n > 0 => "100.0".to_owned(),
            _ => String::new(),
        });
        csv_line(&mut out, &total);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(by: &str) -> TableSpec {
        parse_by(Some(by))
            .unwrap_or_else(|e| panic!("{e}"))
            .remove(0)
    }

    #[test]
    fn unknown_breakdowns_are_refused_by_name() {
        let e = parse_by(Some("channel,colour")).map(|_| ()).unwrap_err();
        assert_eq!(e.field, "by");
        assert!(e.message.contains("colour"));
        assert!(parse_by(Some("sex*form_of_exploitation")).is_ok());
        assert!(parse_by(None).is_err());
        assert_eq!(
            parse_by(Some("channel*urgency,caller")).map(|s| s.len()),
            Ok(2)
        );
    }

    #[test]
    fn free_text_in_a_value_is_published_as_other_and_listed_values_show_zero() {
        let found = vec![
            (Some("phone".to_owned()), Some("count".to_owned()), 7),
            (
                Some("Somchai Secretname".to_owned()),
                Some("count".to_owned()),
                9,
            ),
        ];
        let t = tabulate(&spec("channel"), &found, 5);
        assert_eq!(t.rows, ["phone", "telegram", "line", "email", "other"]);
        assert_eq!(t.shown.cells[1][0], Shown::Count(0));
        let csv = to_csv(Period::last_hours(chrono::DateTime::UNIX_EPOCH, 1), &[t], 5);
        assert!(csv.starts_with('\u{feff}'));
        assert!(!csv.contains("Somchai"));
        assert!(csv.contains("\r\nother,9,56.3\r\n"), "{csv}");
    }
}
