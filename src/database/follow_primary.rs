//! Following the primary across a failover. libpq tries the hosts of a multi-host URL in order
//! and keeps the first that fits `target_session_attrs`; sqlx has one host per pool. So every
//! `CHECK_EVERY` one small query, on a connection of its own, asks the host new connections go
//! to whether it still fits (alive, and accepting writes when read-write is asked for). When it
//! does not, the hosts are tried in order and the pool's new connections go to the first that
//! fits. Connections still open to the old host fail their next statement, before anything is
//! written (a 503 the sender retries), and are dropped. While no host fits (the standby not yet
//! promoted), nothing changes and requests get their 503 within `acquire_timeout_ms`.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions as _, Connection as _, PgPool};

use super::hosts::SessionAttrs;

/// How often the current host is checked: the longest a promoted standby waits to be used.
const CHECK_EVERY: Duration = Duration::from_millis(500);
/// How long one host may take to connect and answer before the next is tried.
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// Whether this session may be used: with read-write, the server must accept writes (not a
/// standby in recovery, not read-only by default).
pub async fn session_fits(
    conn: &mut PgConnection,
    attrs: SessionAttrs,
) -> Result<bool, sqlx::Error> {
    if attrs == SessionAttrs::Any {
        return Ok(true);
    }
    let (writable,): (bool,) = sqlx::query_as(
        "SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'",
    )
    .fetch_one(conn)
    .await?;
    Ok(writable)
}

/// The first host, in the order given, that answers within `PROBE_TIMEOUT` and fits, with the
/// connection that proved it.
async fn first_fitting(
    hosts: &[PgConnectOptions],
    attrs: SessionAttrs,
) -> Option<(usize, PgConnection)> {
    for (i, host) in hosts.iter().enumerate() {
        let probe = async {
            let mut conn = host.connect().await?;
            let fits = session_fits(&mut conn, attrs).await?;
            Ok::<_, sqlx::Error>(fits.then_some(conn))
        };
        if let Ok(Ok(Some(conn))) = tokio::time::timeout(PROBE_TIMEOUT, probe).await {
            return Some((i, conn));
        }
    }
    None
}

/// For `hotline migrate`: the single-host URL of the first host that fits, or the first host's
/// when none answers (its connection error is then the one reported). The database may not
/// exist yet (`migrate` creates it), so a server that says so is asked through its
/// maintenance database, `postgres`.
pub async fn first_fitting_url(urls: &[String], attrs: SessionAttrs) -> String {
    for url in urls {
        let Ok(host) = url.parse::<PgConnectOptions>() else {
            continue;
        };
        let probe = async {
            let mut conn = match host.connect().await {
                Ok(conn) => conn,
                Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("3D000") => {
                    host.clone().database("postgres").connect().await?
                }
                Err(e) => return Err(e),
            };
            let fits = session_fits(&mut conn, attrs).await?;
            let _ = conn.close().await;
            Ok::<_, sqlx::Error>(fits)
        };
        if matches!(
            tokio::time::timeout(PROBE_TIMEOUT, probe).await,
            Ok(Ok(true))
        ) {
            return url.clone();
        }
    }
    urls[0].clone()
}

/// Runs until the pool is closed: keeps the pool's new connections on the first host that fits.
pub async fn follow_primary(pool: PgPool, hosts: Vec<PgConnectOptions>, attrs: SessionAttrs) {
    let mut current = 0;
    let mut watch: Option<PgConnection> = None;
    while !pool.is_closed() {
        let fits = match watch.as_mut() {
            Some(conn) => matches!(
                tokio::time::timeout(PROBE_TIMEOUT, session_fits(conn, attrs)).await,
                Ok(Ok(true))
            ),
            None => false,
        };
        if !fits {
            if let Some(conn) = watch.take() {
                let _ = tokio::time::timeout(PROBE_TIMEOUT, conn.close()).await;
            }
            match first_fitting(&hosts, attrs).await {
                Some((i, conn)) => {
                    if i != current {
                        pool.set_connect_options(hosts[i].clone());
                        // Host and port are configuration, not personal data.
                        tracing::warn!(
                            database.host = %hosts[i].get_host(),
                            database.port = hosts[i].get_port(),
                            host_index = i,
                            "new database connections go to another host (failover)"
                        );
                        current = i;
                    }
                    watch = Some(conn);
                }
                None => tracing::debug!("no database host fits yet; checking again"),
            }
        }
        tokio::time::sleep(CHECK_EVERY).await;
    }
}
