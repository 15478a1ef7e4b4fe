//! Moving stored data to the current key after a rotation, without downtime.
//!
//! Each sealed column is read in batches of rows not yet sealed *and bound* under the current
//! key; each value is opened (under whichever configured key sealed it, bound or from before
//! binding) and sealed again, bound to its row. Then each lookup hash is recomputed from the
//! value it indexes. Every update is a compare-and-set on the old bytes, so a row the app wrote
//! meanwhile is left alone, and nothing is lost if the process stops: a later run picks up what
//! is left (what is left is simply what is not under the current key). Lookups keep working
//! throughout because they read every configured version (`KeyRing::index_hashes`).
//!
//! A value that opens under no configured key (sealed with a key no longer configured, or
//! tampered with) is counted and left as it is: it is never overwritten.
//!
//! The SQL is assembled from the fixed names in `columns` only (never from input).

use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use super::columns::{HASHES, HashColumn, RowKey, SEALED, SealedColumn};
use super::{Binding, KeyRing};

/// What one pass changed.
#[derive(Debug, Default, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Pass {
    pub resealed: u64,
    pub rehashed: u64,
    /// Values that open under no configured key (left untouched).
    pub unreadable: u64,
}

/// Rows of one column, grouped by the key version they are under.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnStatus {
    pub table: &'static str,
    pub column: &'static str,
    pub total: i64,
    /// Rows not yet under the current key (or, for sealed columns, not yet bound to their row).
    pub remaining: i64,
    /// `(key id, bound, rows)`; the key id `"(none)"` is a hash from before hashes carried one.
    pub by_key: Vec<(String, bool, i64)>,
}

fn sealed_pending(col: &SealedColumn) -> String {
    let prefix_test = if col.bound_to.is_some() { "$1" } else { "$2" };
    format!(
        "{c} IS NOT NULL AND substring({c} from 1 for length({p})) <> {p}",
        c = col.column,
        p = prefix_test
    )
}

fn hash_pending(col: &HashColumn) -> String {
    format!(
        "{c} IS NOT NULL AND NOT (length({c}) = $2 AND substring({c} from 1 for length($1)) = $1)",
        c = col.column
    )
}

/// The batch's lower bound on the row key (parameter 3, a `text[]`): none on the first batch
/// (the parameter is still named, as every batch binds it).
fn resume_after(key: &RowKey, resuming: bool) -> String {
    if resuming {
        format!("({}) > ({})", key.columns(), key.from_param(3))
    } else {
        "$3::text[] IS NULL".to_owned()
    }
}

/// One batch of a sealed column's rows still to re-seal (parameters: 1 and 2 the current key's
/// bound and unbound prefixes, 3 the last row key of the batch before, 4 the batch size).
/// Public so a test can `EXPLAIN` it.
pub fn reseal_batch_sql(col: &SealedColumn, resuming: bool) -> String {
    format!(
        "SELECT {key} AS k, {binding_col} AS b, {c} FROM {t}
         WHERE {pending} AND {after_key} ORDER BY {columns} LIMIT $4",
        key = col.key.as_text_array(),
        binding_col = col.bound_to.unwrap_or("NULL::uuid"),
        columns = col.key.columns(),
        after_key = resume_after(&col.key, resuming),
        c = col.column,
        t = col.table,
        pending = sealed_pending(col),
    )
}

/// One batch of a lookup hash's rows still to recompute (parameters: 1 the current hash
/// prefix, 2 its length, 3 and 4 as `reseal_batch_sql`). Public so a test can `EXPLAIN` it.
pub fn rehash_batch_sql(col: &HashColumn, resuming: bool) -> String {
    let source = super::columns::sealed(col.table, col.source);
    format!(
        "SELECT {key} AS k, {binding_col} AS b, {c}, {src}, {purpose} FROM {t}
         WHERE {pending} AND {src} IS NOT NULL AND {after_key} ORDER BY {columns} LIMIT $4",
        key = col.key.as_text_array(),
        binding_col = source.and_then(|s| s.bound_to).unwrap_or("NULL::uuid"),
        columns = col.key.columns(),
        after_key = resume_after(&col.key, resuming),
        c = col.column,
        src = col.source,
        purpose = col.purpose,
        t = col.table,
        pending = hash_pending(col),
    )
}

/// The compare-and-set of one value (parameters: 1 the row key as `text[]`, 2 the new bytes,
/// 3 the old), matched through the primary key's index. Public so a test can `EXPLAIN` it.
pub fn update_sql(table: &str, column: &str, key: &RowKey) -> String {
    format!(
        "UPDATE {table} SET {column} = $2 WHERE ({}) = ({}) AND {column} = $3",
        key.columns(),
        key.from_param(1)
    )
}

/// Writes one batch's new values with `update` (`update_sql`), each a compare-and-set on the
/// old bytes (a row the app wrote meanwhile is left alone), in one transaction: the commit's
/// flush was most of a row's cost when each row committed alone (9-14 s for 10,000 cases).
/// Returns how many rows changed.
async fn compare_and_set(
    db: &PgPool,
    update: &str,
    changes: Vec<(Vec<String>, Vec<u8>, Vec<u8>)>,
) -> Result<u64, sqlx::Error> {
    if changes.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin().await?;
    let mut changed = 0;
    for (key, new, old) in changes {
        changed += sqlx::query(sqlx::AssertSqlSafe(update))
            .bind(key)
            .bind(new)
            .bind(old)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    }
    tx.commit().await?;
    Ok(changed)
}

/// Re-seals up to `batch` rows of one column after `after` (a row key); returns the last key
/// seen (None when the column is done) and what changed.
async fn reseal_batch(
    db: &PgPool,
    keys: &KeyRing,
    col: &SealedColumn,
    after: Option<&[String]>,
    batch: i64,
) -> Result<(Option<Vec<String>>, Pass), sqlx::Error> {
    let sql = reseal_batch_sql(col, after.is_some());
    let rows: Vec<(Vec<String>, Option<Uuid>, Vec<u8>)> =
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(keys.current_bound_prefix())
            .bind(keys.current_unbound_prefix())
            .bind(after)
            .bind(batch)
            .fetch_all(db)
            .await?;
    let mut pass = Pass::default();
    let last = rows.last().map(|r| r.0.clone());
    let mut changes = Vec::with_capacity(rows.len());
    for (key, row, old) in rows {
        let binding = row.map(|row| Binding::new(col.table, col.column, row));
        let plain = match &binding {
            Some(b) => keys.open_bytes_bound(&old, b),
            None => keys.open_bytes(&old),
        };
        let Ok(plain) = plain else {
            pass.unreadable += 1;
            continue;
        };
        let new = match &binding {
            Some(b) => keys.seal_bytes_bound(&plain, b),
            None => keys.seal_bytes(&plain),
        };
        changes.push((key, new, old));
    }
    pass.resealed =
        compare_and_set(db, &update_sql(col.table, col.column, &col.key), changes).await?;
    Ok((last, pass))
}

/// (row key, row id for the binding, stored hash, sealed value, purpose)
type HashRow = (Vec<String>, Option<Uuid>, Vec<u8>, Vec<u8>, String);

async fn rehash_batch(
    db: &PgPool,
    keys: &KeyRing,
    col: &HashColumn,
    after: Option<&[String]>,
    batch: i64,
) -> Result<(Option<Vec<String>>, Pass), sqlx::Error> {
    let sql = rehash_batch_sql(col, after.is_some());
    let rows: Vec<HashRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(keys.current_hash_prefix())
        .bind(keys.current_hash_len() as i32)
        .bind(after)
        .bind(batch)
        .fetch_all(db)
        .await?;
    let mut pass = Pass::default();
    let last = rows.last().map(|r| r.0.clone());
    let mut changes = Vec::with_capacity(rows.len());
    for (key, row, old, sealed, purpose) in rows {
        let plain = match row {
            Some(row) => keys.open_bound(&sealed, &Binding::new(col.table, col.source, row)),
            None => keys.open(&sealed),
        };
        let Ok(plain) = plain else {
            pass.unreadable += 1;
            continue;
        };
        let new = keys.index_hash(&purpose, (col.normalise)(&plain));
        changes.push((key, new, old));
    }
    pass.rehashed =
        compare_and_set(db, &update_sql(col.table, col.column, &col.key), changes).await?;
    Ok((last, pass))
}

/// Re-encrypts every column and recomputes every hash, `batch` rows at a time, until nothing
/// is left under an older key (or only values no configured key opens). `on_batch` is called
/// after each batch (progress output; the background job checks for shutdown there and
/// returns `false` to stop: the next run resumes).
pub async fn reencrypt_all(
    db: &PgPool,
    keys: &KeyRing,
    batch: i64,
    mut on_batch: impl FnMut(&str, &str, Pass) -> bool,
) -> Result<Pass, sqlx::Error> {
    let mut total = Pass::default();
    let add = |total: &mut Pass, p: Pass| {
        total.resealed += p.resealed;
        total.rehashed += p.rehashed;
        total.unreadable += p.unreadable;
    };
    // Sealed values first: the hashes are recomputed from them.
    for col in SEALED {
        let mut after: Option<Vec<String>> = None;
        loop {
            let (last, pass) = reseal_batch(db, keys, col, after.as_deref(), batch).await?;
            add(&mut total, pass);
            let Some(last) = last else { break };
            if !on_batch(col.table, col.column, pass) {
                return Ok(total);
            }
            after = Some(last);
        }
    }
    for col in HASHES {
        let mut after: Option<Vec<String>> = None;
        loop {
            let (last, pass) = rehash_batch(db, keys, col, after.as_deref(), batch).await?;
            add(&mut total, pass);
            let Some(last) = last else { break };
            if !on_batch(col.table, col.column, pass) {
                return Ok(total);
            }
            after = Some(last);
        }
    }
    Ok(total)
}

/// How many rows of each column are under which key (`hotline keys status`).
pub async fn status(db: &PgPool, keys: &KeyRing) -> Result<Vec<ColumnStatus>, sqlx::Error> {
    let mut out = Vec::new();
    for col in SEALED {
        let sql = format!(
            "SELECT convert_from(substring({c} from 2 for get_byte({c}, 0) & 127), 'UTF8'),
                    get_byte({c}, 0) & 128 <> 0, count(*)
             FROM {t} WHERE {c} IS NOT NULL AND length({c}) > 0 GROUP BY 1, 2 ORDER BY 1, 2",
            c = col.column,
            t = col.table
        );
        let by_key: Vec<(String, bool, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(db)
            .await?;
        let total = by_key.iter().map(|r| r.2).sum();
        let remaining = by_key
            .iter()
            .filter(|(id, bound, _)| id != keys.current_id() || (col.bound_to.is_some() && !bound))
            .map(|r| r.2)
            .sum();
        out.push(ColumnStatus {
            table: col.table,
            column: col.column,
            total,
            remaining,
            by_key,
        });
    }
    for col in HASHES {
        let sql = format!(
            "SELECT CASE WHEN length({c}) = 32 THEN '(none)'
                         ELSE convert_from(substring({c} from 2 for get_byte({c}, 0)), 'UTF8') END,
                    false, count(*)
             FROM {t} WHERE {c} IS NOT NULL AND length({c}) > 0 GROUP BY 1 ORDER BY 1",
            c = col.column,
            t = col.table
        );
        let by_key: Vec<(String, bool, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(db)
            .await?;
        let total = by_key.iter().map(|r| r.2).sum();
        let remaining = by_key
            .iter()
            .filter(|(id, _, _)| id != keys.current_id())
            .map(|r| r.2)
            .sum();
        out.push(ColumnStatus {
            table: col.table,
            column: col.column,
            total,
            remaining,
            by_key,
        });
    }
    Ok(out)
}

/// `pg_try_advisory_lock` key for "this node re-encrypts".
const LOCK_KEY: i64 = 0x6b65_7973_7265_656e; // "keysreen"

/// The background job in `serve`: one node at a time moves rows to the current key, in small
/// batches (each row a short compare-and-set update, so intake never waits on it), then looks again every
/// `interval`. Stopping mid-way loses nothing; the next run resumes.
pub async fn run_periodically(
    ctx: crate::context::AppContext,
    stop: tokio_util::sync::CancellationToken,
) {
    let batch = ctx.settings.crypto.reencrypt_batch.max(1);
    let interval = std::time::Duration::from_secs(ctx.settings.crypto.reencrypt_interval_seconds);
    loop {
        if let Ok(Some(lock)) = crate::channels::LeaderLock::try_take(&ctx.db, LOCK_KEY).await {
            let result =
                reencrypt_all(&ctx.db, &ctx.keys, batch, |_, _, _| !stop.is_cancelled()).await;
            lock.release().await;
            match result {
                Ok(pass) if pass.resealed + pass.rehashed + pass.unreadable > 0 => {
                    tracing::info!(
                        resealed = pass.resealed,
                        rehashed = pass.rehashed,
                        unreadable = pass.unreadable,
                        key_id = ctx.keys.current_id(),
                        "re-encryption pass"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "re-encryption pass failed; will retry"),
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
    }
}
