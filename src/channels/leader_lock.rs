//! "Only one node does this": a PostgreSQL advisory lock held on a connection of its own for as
//! long as the node does the work (Telegram long polling, reading the mailbox). If the node
//! dies, its connection closes and another node takes over: the others try every
//! `TAKE_OVER_EVERY`, so a task moves within a few seconds of a `kill -9`
//! (`scripts/faults/two-nodes`). A node that vanishes without closing its socket (power lost,
//! network cut) is noticed by PostgreSQL's TCP keepalives, set short on the lock's session.
//!
//! The leader checks its lock's session before every round of work (`keep_or_take`): a session
//! that ended (a database restart or failover, the server giving up on a cut network) took the
//! lock with it, and another node may hold it by now. Without the check the old leader kept
//! working beside the new one until its own process stopped.

use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres};

/// How often a node that is not the leader tries to take the lock (one small query).
pub const TAKE_OVER_EVERY: Duration = Duration::from_secs(2);

/// Takes the lock, and asks the server to probe this session's node after 10 s of silence,
/// every 3 s, giving up after 3 missed answers: a vanished leader's lock is freed in about 20 s
/// rather than after the system's default two hours. (Harmless on a session that did not get
/// the lock: it goes back to the pool with the shorter keepalives.)
const TAKE_SQL: &str = "SELECT pg_try_advisory_lock($1),
        set_config('tcp_keepalives_idle', '10', false),
        set_config('tcp_keepalives_interval', '3', false),
        set_config('tcp_keepalives_count', '3', false)";

/// How long the leader's check may take before the lock counts as lost: a cut network hangs a
/// query rather than failing it.
const CHECK_WITHIN: Duration = Duration::from_secs(5);

/// The lock and the connection that holds it.
pub struct LeaderLock {
    key: i64,
    conn: PoolConnection<Postgres>,
}

impl LeaderLock {
    /// Takes the lock if no other session holds it.
    pub async fn try_take(db: &PgPool, key: i64) -> Result<Option<LeaderLock>, sqlx::Error> {
        let mut conn = db.acquire().await?;
        let (locked, _, _, _): (bool, String, String, String) = sqlx::query_as(TAKE_SQL)
            .bind(key)
            .fetch_one(&mut *conn)
            .await?;
        Ok(locked.then_some(LeaderLock { key, conn }))
    }

    /// Keeps `held` if its session still answers, else drops it and tries to take the lock
    /// again (on a fresh connection, from the pool that follows the primary). True when this
    /// node holds the lock afterwards.
    pub async fn keep_or_take(
        db: &PgPool,
        key: i64,
        held: &mut Option<LeaderLock>,
    ) -> Result<bool, sqlx::Error> {
        if let Some(lock) = held.as_mut() {
            if lock.still_answers().await {
                return Ok(true);
            }
            if let Some(lost) = held.take() {
                tracing::warn!(
                    lock = key,
                    "leader lock's session is gone; this node steps down"
                );
                lost.abandon();
            }
        }
        *held = LeaderLock::try_take(db, key).await?;
        Ok(held.is_some())
    }

    /// Whether the lock's session still answers (while it does, it holds the lock: a session's
    /// advisory lock ends only with an unlock or the session).
    async fn still_answers(&mut self) -> bool {
        let check = sqlx::query("SELECT 1").execute(&mut *self.conn);
        matches!(tokio::time::timeout(CHECK_WITHIN, check).await, Ok(Ok(_)))
    }

    /// Gives up a lock whose session is gone or silent: drops the connection without a word to
    /// the server (an unlock would hang as long as the network is cut).
    fn abandon(self) {
        drop(self.conn.detach());
    }

    /// Lets go and closes the connection (returned to the pool, the session, and with it the
    /// lock, would stay alive).
    pub async fn release(self) {
        use sqlx::Connection as _;
        let LeaderLock { key, mut conn } = self;
        // Unlock explicitly: a closing backend frees its locks only after it has gone.
        let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(key)
            .execute(&mut *conn)
            .await;
        let _ = conn.detach().close().await;
    }
}
