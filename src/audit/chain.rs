//! The audit log is append-only and tamper-evident. Every entry carries a keyed hash (HMAC-SHA256)
//! over its own fields, the id of the entry before it and that entry's hash, so editing an
//! entry breaks its own hash, deleting one breaks the next entry's link, and nobody without the
//! key (which lives outside the database: `audit.key`, or derived from `crypto.key`) can write a
//! consistent replacement. The newest entry (the chain's head) is written outside the database
//! on a schedule (`audit.head_file` and the log), so a truncated tail is detectable too.
//!
//! Appending takes a transaction-scoped advisory lock, so entries are chained in commit order
//! and no two writers link to the same predecessor; the lock is held until the caller's
//! transaction ends, which serialises audited writes for those few milliseconds.

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

/// Appends one entry to the chain, inside the caller's transaction when given one.
pub async fn append<'c, A>(
    db: A,
    actor: Option<Uuid>,
    action: &str,
    case: Option<Uuid>,
    details: serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error>
where
    A: Acquire<'c, Database = Postgres>,
{
    let key = installed_key()
        .ok_or_else(|| sqlx::Error::Protocol("the audit chain key is not installed".into()))?;
    let mut tx = db.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(CHAIN_LOCK)
        .execute(&mut *tx)
        .await?;
    let prev: Option<(i64, Option<Vec<u8>>)> =
        sqlx::query_as("SELECT id, mac FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?;
    let (id,): (i64,) = sqlx::query_as("SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))")
        .fetch_one(&mut *tx)
        .await?;
    let mut entry = Entry {
        id,
        actor_id: actor,
        action: action.to_owned(),
        case_id: case,
        details,
        at: as_stored(at),
        prev_id: prev.as_ref().map(|p| p.0),
        mac: None,
    };
    let mac = entry_mac(&key, &entry, prev.as_ref().and_then(|p| p.1.as_deref()));
    entry.mac = Some(mac);
    sqlx::query(
        "INSERT INTO audit_log (id, actor_id, action, case_id, details, at, prev_id, mac)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(entry.id)
    .bind(entry.actor_id)
    .bind(&entry.action)
    .bind(entry.case_id)
    .bind(&entry.details)
    .bind(entry.at)
    .bind(entry.prev_id)
    .bind(&entry.mac)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// The chain's newest entry, as written outside the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub id: i64,
    /// Hex of the entry's hash.
    pub mac: String,
}

pub async fn head(db: &PgPool) -> Result<Option<Head>, sqlx::Error> {
    let row: Option<(i64, Option<Vec<u8>>)> =
        sqlx::query_as("SELECT id, mac FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(id, mac)| Head {
        id,
        mac: mac.map(hex::encode).unwrap_or_default(),
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
    #[error("entry {id} has no hash although older entries are chained (written around the chain)")]
    Unchained { id: i64 },
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

/// Walks the whole log in id order and checks every link; then that the recorded head (if
/// any) is still there, unchanged.
pub async fn verify(
    db: &PgPool,
    key: &[u8; 32],
    recorded_head: Option<&Head>,
) -> Result<Result<Verified, Broken>, sqlx::Error> {
    let mut after = i64::MIN;
    let mut last: Option<(i64, Option<Vec<u8>>)> = None;
    let mut verified = Verified {
        entries: 0,
        before_chain: 0,
    };
    loop {
        let page: Vec<Entry> = sqlx::query_as(
            "SELECT id, actor_id, action, case_id, details, at, prev_id, mac FROM audit_log
             WHERE id > $1 ORDER BY id LIMIT 2000",
        )
        .bind(after)
        .fetch_all(db)
        .await?;
        let Some(end) = page.last() else { break };
        after = end.id;
        for e in page {
            let Some(mac) = &e.mac else {
                if verified.entries > 0 {
                    return Ok(Err(Broken::Unchained { id: e.id }));
                }
                verified.before_chain += 1;
                last = Some((e.id, None));
                continue;
            };
            let last_id = last.as_ref().map(|l| l.0);
            if e.prev_id != last_id {
                return Ok(Err(Broken::Missing {
                    id: e.id,
                    expected: e.prev_id.unwrap_or(0),
                }));
            }
            let expected = entry_mac(key, &e, last.as_ref().and_then(|l| l.1.as_deref()));
            if !bool::from(subtle::ConstantTimeEq::ct_eq(
                expected.as_slice(),
                mac.as_slice(),
            )) {
                return Ok(Err(Broken::Changed { id: e.id }));
            }
            verified.entries += 1;
            last = Some((e.id, e.mac.clone()));
        }
    }
    if let Some(head) = recorded_head {
        let row: Option<(Option<Vec<u8>>,)> =
            sqlx::query_as("SELECT mac FROM audit_log WHERE id = $1")
                .bind(head.id)
                .fetch_optional(db)
                .await?;
        match row {
            None => return Ok(Err(Broken::Truncated { id: head.id })),
            Some((mac,)) if mac.as_deref().map(hex::encode).unwrap_or_default() != head.mac => {
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

/// The background task: records the head every `audit.head_interval_seconds`, in the log and,
/// when `audit.head_file` is set, in that file.
pub async fn record_head_periodically(
    ctx: crate::context::AppContext,
    stop: tokio_util::sync::CancellationToken,
) {
    let every = std::time::Duration::from_secs(ctx.settings.audit.head_interval_seconds.max(1));
    let path = ctx.settings.audit.head_file.clone();
    let mut last: Option<Head> = None;
    loop {
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
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(every) => {}
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
