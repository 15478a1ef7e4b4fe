//! The audit log is append-only and tamper-evident. Every entry carries a keyed hash (HMAC-SHA256)
//! over its own fields, the id of the entry before it and that entry's hash, so editing an
//! entry breaks its own hash, deleting one breaks the next entry's link, and nobody without the
//! key (which lives outside the database: `audit.key`, or derived from `crypto.key`) can write a
//! consistent replacement. The newest entry (the chain's head) is written outside the database
//! on a schedule (`audit.head_file` and the log), so a truncated tail is detectable too.
//!
//! Writers only append entries (`append`: one INSERT, no lock), so audited writes never wait for
//! each other. Links are made after the commit by `link_pending`, which one process at a time
//! runs (a transaction-scoped advisory lock): it takes the committed entries that have no link
//! yet, in id order, and appends to `audit_chain` each one's position, predecessor and hash.
//! Every node runs it every second, and `verify` runs it first, so an entry is unlinked for
//! about a second; that second is the window in which an entry could be removed unnoticed by
//! someone who can already write to the database as its owner (see SECURITY.md).

use std::sync::RwLock;

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use sqlx::{Acquire, PgPool, Postgres};
use uuid::Uuid;

/// The advisory lock key of the chain ("audit" in ASCII).
const CHAIN_LOCK: i64 = 0x0061_7564_6974;

/// The chain key of this process. One key per process: `startup::context` installs it.
static KEY: RwLock<Option<[u8; 32]>> = RwLock::new(None);

pub fn install_key(key: [u8; 32]) {
    if let Ok(mut k) = KEY.write() {
        *k = Some(key);
    }
}

fn installed_key() -> Option<[u8; 32]> {
    KEY.read().ok().and_then(|k| *k)
}

/// The chain key from settings: `audit.key` (base64 of 32 bytes), or derived from `crypto.key`.
pub fn key_from_settings(s: &crate::settings::Settings) -> anyhow::Result<[u8; 32]> {
    if s.audit.key.trim().is_empty() {
        // Derived from the master key, the chain key would change with it and every older
        // entry would look forged: a rotation needs the chain key fixed first.
        if !s.crypto.previous_key.trim().is_empty() {
            anyhow::bail!(
                "audit.key: must be set while rotating crypto.key (the audit chain is keyed by \
                 a key derived from crypto.key when audit.key is empty). Before rotating, run \
                 `hotline keys audit-key` with the old key in place and set HOTLINE_AUDIT__KEY \
                 to what it prints (SECURITY.md, key rotation)"
            );
        }
        let master = crate::crypto::decode_key(&s.crypto.key, "crypto.key")?;
        Ok(crate::crypto::derive(&master, b"audit-chain"))
    } else {
        Ok(crate::crypto::decode_key(&s.audit.key, "audit.key")?)
    }
}

/// One entry as the chain covers it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Entry {
    pub id: i64,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub case_id: Option<Uuid>,
    pub details: serde_json::Value,
    pub at: DateTime<Utc>,
    pub prev_id: Option<i64>,
    pub mac: Option<Vec<u8>>,
}

/// JSON with object keys sorted at every level: the same value always gives the same bytes,
/// whatever order PostgreSQL's jsonb hands the keys back in.
fn canonical(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        Value::String(k.clone()),
                        canonical(map.get(k).unwrap_or(&Value::Null))
                    )
                })
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

fn field(mac: &mut Hmac<Sha256>, bytes: &[u8]) {
    mac.update(&(bytes.len() as u64).to_be_bytes());
    mac.update(bytes);
}

/// The entry's hash, linked to its predecessor's.
pub fn entry_mac(key: &[u8; 32], e: &Entry, prev_mac: Option<&[u8]>) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    field(&mut mac, b"hotline-audit-v1");
    field(&mut mac, &e.id.to_be_bytes());
    field(&mut mac, &e.prev_id.unwrap_or(0).to_be_bytes());
    field(&mut mac, prev_mac.unwrap_or(b""));
    field(
        &mut mac,
        e.actor_id
            .map(|u| *u.as_bytes())
            .unwrap_or_default()
            .as_slice(),
    );
    field(&mut mac, e.action.as_bytes());
    field(
        &mut mac,
        e.case_id
            .map(|u| *u.as_bytes())
            .unwrap_or_default()
            .as_slice(),
    );
    field(&mut mac, &e.at.timestamp_micros().to_be_bytes());
    field(&mut mac, canonical(&e.details).as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// PostgreSQL keeps microseconds: hash the time as it will be read back.
fn as_stored(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

/// Appends one entry, inside the caller's transaction when given one. It is linked into the
/// chain after it commits (`link_pending`).
///
/// One INSERT is atomic on its own: inside the caller's transaction it runs there (no
/// savepoint: `begin` on a transaction would cost a SAVEPOINT and a RELEASE, two round trips on
/// every audited write, issue 18), on a pool it commits by itself. A failure aborts the caller's
/// transaction, which every caller then drops. (Boxed: a generic connection held across an
/// `.await` otherwise makes every task that writes audit entries fail the `Send` check.)
pub fn append<'c, A>(
    db: A,
    actor: Option<Uuid>,
    action: &str,
    case: Option<Uuid>,
    details: serde_json::Value,
    at: DateTime<Utc>,
) -> futures_util::future::BoxFuture<'c, Result<(), sqlx::Error>>
where
    A: Acquire<'c, Database = Postgres> + Send + 'c,
{
    let action = action.to_owned();
    Box::pin(async move {
        let mut conn = db.acquire().await?;
        sqlx::query("INSERT INTO audit_log (actor_id, action, case_id, details, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(actor)
            .bind(action)
            .bind(case)
            .bind(details)
            .bind(as_stored(at))
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

/// How many committed entries one linking transaction takes at most.
const LINK_BATCH: i64 = 5000;

/// How far below the newest linked entry a routine pass looks for entries that committed late
/// (ids are drawn at insert, so a long transaction commits an entry older than its neighbours).
const LATE_WINDOW: i64 = 1000;

/// Which unlinked entries a pass looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sweep {
    /// Entries above the newest linked one, and late ones just below it: cheap, every second.
    Recent,
    /// Every entry: before a verification, and now and then in the background.
    Everything,
}

/// Links committed entries that have no link yet, in id order, after the chain's last link.
/// Returns how many were linked. Safe to run from several processes at once: they take turns.
pub async fn link_pending(db: &PgPool, sweep: Sweep) -> Result<u64, sqlx::Error> {
    let key = installed_key()
        .ok_or_else(|| sqlx::Error::Protocol("the audit chain key is not installed".into()))?;
    link_pending_with(db, &key, sweep).await
}

async fn link_pending_with(db: &PgPool, key: &[u8; 32], sweep: Sweep) -> Result<u64, sqlx::Error> {
    let mut linked = 0;
    loop {
        let n = link_batch(db, key, sweep).await?;
        linked += n;
        if n < LINK_BATCH as u64 {
            return Ok(linked);
        }
    }
}

async fn link_batch(db: &PgPool, key: &[u8; 32], sweep: Sweep) -> Result<u64, sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(CHAIN_LOCK)
        .execute(&mut *tx)
        .await?;
    let last: Option<(i64, i64, Vec<u8>)> = sqlx::query_as(
        "SELECT position, entry_id, mac FROM audit_chain ORDER BY position DESC LIMIT 1",
    )
    .fetch_optional(&mut *tx)
    .await?;
    // Entries written before the chain existed stay outside it (audit_chain_origin).
    let pending: Vec<Entry> = sqlx::query_as(
        "SELECT a.id, a.actor_id, a.action, a.case_id, a.details, a.at, NULL::BIGINT AS prev_id,
                NULL::BYTEA AS mac
         FROM audit_log a
         WHERE a.mac IS NULL
           AND a.id >= (SELECT first_entry_id FROM audit_chain_origin)
           AND ($2 OR a.id > coalesce((SELECT max(entry_id) FROM audit_chain), 0) - $3)
           AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.entry_id = a.id)
         ORDER BY a.id
         LIMIT $1",
    )
    .bind(LINK_BATCH)
    .bind(sweep == Sweep::Everything)
    .bind(LATE_WINDOW)
    .fetch_all(&mut *tx)
    .await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let (mut position, mut prev_id, mut prev_mac) = match last {
        Some((position, id, mac)) => (position, Some(id), Some(mac)),
        None => (0, None, None),
    };
    let mut positions = Vec::with_capacity(pending.len());
    let mut ids = Vec::with_capacity(pending.len());
    let mut prevs = Vec::with_capacity(pending.len());
    let mut macs = Vec::with_capacity(pending.len());
    for mut entry in pending {
        entry.prev_id = prev_id;
        let mac = entry_mac(key, &entry, prev_mac.as_deref());
        position += 1;
        positions.push(position);
        ids.push(entry.id);
        prevs.push(prev_id);
        macs.push(mac.clone());
        prev_id = Some(entry.id);
        prev_mac = Some(mac);
    }
    let n = ids.len() as u64;
    sqlx::query(
        "INSERT INTO audit_chain (position, entry_id, prev_entry_id, mac)
         SELECT * FROM unnest($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::BYTEA[])",
    )
    .bind(&positions)
    .bind(&ids)
    .bind(&prevs)
    .bind(&macs)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// The chain's newest entry, as written outside the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub id: i64,
    /// Hex of the entry's hash.
    pub mac: String,
}

pub async fn head(db: &PgPool) -> Result<Option<Head>, sqlx::Error> {
    let row: Option<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT entry_id, mac FROM audit_chain ORDER BY position DESC LIMIT 1")
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(id, mac)| Head {
        id,
        mac: hex::encode(mac),
    }))
}

/// Why the chain does not verify, naming the first broken entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    #[error("entry {id} was changed (its hash does not match its contents)")]
    Changed { id: i64 },
    #[error(
        "entry {id} follows entry {expected}, which is missing (deleted), or an entry was inserted before it"
    )]
    Missing { id: i64, expected: i64 },
    #[error("entry {id}, the newest linked one, is missing (deleted)")]
    NewestMissing { id: i64 },
    #[error("the last recorded head, entry {id}, is missing: the log was truncated")]
    Truncated { id: i64 },
    #[error("the last recorded head, entry {id}, does not match the entry in the database")]
    HeadMismatch { id: i64 },
}

/// What a successful check covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Chained entries checked.
    pub entries: u64,
    /// Entries written before the chain existed (no hash), which precede every chained one.
    pub before_chain: u64,
}

/// One link with its entry, as the walk reads them.
#[derive(sqlx::FromRow)]
struct Link {
    position: i64,
    entry_id: i64,
    prev_entry_id: Option<i64>,
    link_mac: Vec<u8>,
    /// The entry's fields; `None` when the entry is gone.
    action: Option<String>,
    actor_id: Option<Uuid>,
    case_id: Option<Uuid>,
    details: Option<serde_json::Value>,
    at: Option<DateTime<Utc>>,
}

/// Links every committed entry first, then walks the chain in order and checks every link and
/// every entry's hash; then that the recorded head (if any) is still there, unchanged.
pub async fn verify(
    db: &PgPool,
    key: &[u8; 32],
    recorded_head: Option<&Head>,
) -> Result<Result<Verified, Broken>, sqlx::Error> {
    link_pending_with(db, key, Sweep::Everything).await?;
    let (before_chain,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM audit_log WHERE id < (SELECT first_entry_id FROM audit_chain_origin)",
    )
    .fetch_one(db)
    .await?;
    let mut verified = Verified {
        entries: 0,
        before_chain: u64::try_from(before_chain).unwrap_or_default(),
    };
    let mut after = 0_i64;
    let mut last: Option<(i64, Vec<u8>)> = None;
    let mut gone: Option<i64> = None;
    loop {
        let page: Vec<Link> = sqlx::query_as(
            "SELECT c.position, c.entry_id, c.prev_entry_id, c.mac AS link_mac, a.action, a.actor_id,
                    a.case_id, a.details, a.at
             FROM audit_chain c LEFT JOIN audit_log a ON a.id = c.entry_id
             WHERE c.position > $1 ORDER BY c.position LIMIT 2000",
        )
        .bind(after)
        .fetch_all(db)
        .await?;
        if page.is_empty() {
            break;
        }
        for link in page {
            after = link.position;
            if let Some(missing) = gone {
                return Ok(Err(Broken::Missing {
                    id: link.entry_id,
                    expected: missing,
                }));
            }
            let last_id = last.as_ref().map(|l| l.0);
            if link.prev_entry_id != last_id {
                return Ok(Err(Broken::Missing {
                    id: link.entry_id,
                    expected: link.prev_entry_id.unwrap_or(0),
                }));
            }
            let (Some(action), Some(details), Some(at)) = (link.action, link.details, link.at)
            else {
                gone = Some(link.entry_id);
                last = Some((link.entry_id, link.link_mac));
                continue;
            };
            let entry = Entry {
                id: link.entry_id,
                actor_id: link.actor_id,
                action,
                case_id: link.case_id,
                details,
                at,
                prev_id: link.prev_entry_id,
                mac: None,
            };
            let expected = entry_mac(key, &entry, last.as_ref().map(|l| l.1.as_slice()));
            if !bool::from(subtle::ConstantTimeEq::ct_eq(
                expected.as_slice(),
                link.link_mac.as_slice(),
            )) {
                return Ok(Err(Broken::Changed { id: link.entry_id }));
            }
            verified.entries += 1;
            last = Some((link.entry_id, link.link_mac));
        }
    }
    if let Some(id) = gone {
        return Ok(Err(Broken::NewestMissing { id }));
    }
    if let Some(head) = recorded_head {
        let row: Option<(Vec<u8>,)> = sqlx::query_as(
            "SELECT c.mac FROM audit_chain c JOIN audit_log a ON a.id = c.entry_id
             WHERE c.entry_id = $1",
        )
        .bind(head.id)
        .fetch_optional(db)
        .await?;
        match row {
            None => return Ok(Err(Broken::Truncated { id: head.id })),
            Some((mac,)) if hex::encode(&mac) != head.mac => {
                return Ok(Err(Broken::HeadMismatch { id: head.id }));
            }
            Some(_) => {}
        }
    }
    Ok(Ok(verified))
}

/// Writes the head to `path` (atomically: a temporary file, then a rename), mode 0600.
pub fn write_head(path: &std::path::Path, head: &Head) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(serde_json::to_string(head).unwrap_or_default().as_bytes())?;
    f.sync_all()?;
    std::fs::rename(tmp, path)
}

pub fn read_head(path: &std::path::Path) -> anyhow::Result<Head> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read the audit head file: {e}"))?;
    serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("the audit head file is not a recorded head: {e}"))
}

/// How often committed entries are linked into the chain.
const LINK_EVERY: std::time::Duration = std::time::Duration::from_secs(1);
/// How often a pass looks at every entry, for the rare one that committed very late.
const SWEEP_EVERY: u32 = 600;

/// The background task: links committed entries every second, and records the head every
/// `audit.head_interval_seconds`, in the log and, when `audit.head_file` is set, in that file.
pub async fn record_head_periodically(
    ctx: crate::context::AppContext,
    stop: tokio_util::sync::CancellationToken,
) {
    let head_every =
        std::time::Duration::from_secs(ctx.settings.audit.head_interval_seconds.max(1));
    let path = ctx.settings.audit.head_file.clone();
    let mut last: Option<Head> = None;
    let mut last_head_at: Option<std::time::Instant> = None;
    let mut passes: u32 = 0;
    loop {
        // The first pass, and every SWEEP_EVERY-th, looks at every entry.
        let sweep = if passes.is_multiple_of(SWEEP_EVERY) {
            Sweep::Everything
        } else {
            Sweep::Recent
        };
        passes = passes.wrapping_add(1);
        if let Err(e) = link_pending(&ctx.db, sweep).await {
            tracing::warn!(error = %e, "cannot link audit entries into the chain");
        }
        if last_head_at.is_none_or(|at| at.elapsed() >= head_every) {
            last_head_at = Some(std::time::Instant::now());
            match head(&ctx.db).await {
                Ok(Some(h)) if last.as_ref() != Some(&h) => {
                    tracing::info!(audit.head.id = h.id, audit.head.mac = %h.mac, "audit chain head");
                    if !path.as_os_str().is_empty()
                        && let Err(e) = write_head(&path, &h)
                    {
                        tracing::error!(error = %e, "cannot write the audit head file");
                    }
                    last = Some(h);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot read the audit chain head"),
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(LINK_EVERY) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let a = serde_json::json!({ "b": 1, "a": { "d": [1, { "z": 2, "y": 3 }], "c": "x" } });
        assert_eq!(
            canonical(&a),
            r#"{"a":{"c":"x","d":[1,{"y":3,"z":2}]},"b":1}"#
        );
    }

    #[test]
    fn a_changed_field_or_a_different_predecessor_changes_the_hash() {
        let key = [7u8; 32];
        let e = Entry {
            id: 5,
            actor_id: None,
            action: "case.viewed".into(),
            case_id: None,
            details: serde_json::json!({ "purpose": "holder" }),
            at: DateTime::from_timestamp_micros(1_000_000).unwrap(),
            prev_id: Some(4),
            mac: None,
        };
        let base = entry_mac(&key, &e, Some(b"prev"));
        let mut edited = e.clone();
        edited.action = "case.claimed".into();
        assert_ne!(entry_mac(&key, &edited, Some(b"prev")), base);
        assert_ne!(entry_mac(&key, &e, Some(b"other")), base);
        assert_ne!(entry_mac(&[8u8; 32], &e, Some(b"prev")), base);
        assert_eq!(entry_mac(&key, &e, Some(b"prev")), base);
    }
}
