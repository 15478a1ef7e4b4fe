//! Fields people typed that were once stored in clear, now sealed and bound to their row, and
//! the one-off step that seals what older versions left in clear (`hotline migrate` runs it).

use sqlx::PgPool;
use uuid::Uuid;

use crate::crypto::{Binding, KeyRing};

/// Where a channel identity's start text lives (what someone typed after `/start`).
pub fn source_binding(identity: Uuid) -> Binding<'static> {
    Binding {
        table: "channel_identities",
        column: "source_enc",
        row: identity,
    }
}

/// The start text of a channel identity, sealed or (from before sealing) in clear.
pub async fn start_text(
    db: &PgPool,
    keys: &KeyRing,
    identity: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(Option<Vec<u8>>, Option<String>)> =
        sqlx::query_as("SELECT source_enc, source FROM channel_identities WHERE id = $1")
            .bind(identity)
            .fetch_optional(db)
            .await?;
    Ok(match row {
        Some((Some(sealed), _)) => keys.open_bound(&sealed, &source_binding(identity)).ok(),
        Some((None, plain)) => plain,
        None => None,
    })
}

/// Seals every start text still in clear; returns how many. Safe to run again.
pub async fn seal_legacy_sources(db: &PgPool, keys: &KeyRing) -> Result<u64, sqlx::Error> {
    let rows: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT id, source FROM channel_identities WHERE source IS NOT NULL AND source_enc IS NULL",
    )
    .fetch_all(db)
    .await?;
    let mut sealed = 0;
    for (id, source) in rows {
        sealed += sqlx::query(
            "UPDATE channel_identities SET source_enc = $2, source = NULL
             WHERE id = $1 AND source_enc IS NULL",
        )
        .bind(id)
        .bind(keys.seal_bound(&source, &source_binding(id)))
        .execute(db)
        .await?
        .rows_affected();
    }
    Ok(sealed)
}
