//! "Only one node does this": a PostgreSQL advisory lock held on a connection of its own for as
//! long as the node does the work (Telegram long polling, reading the mailbox). If the node
//! dies, its connection closes and another node takes over.

use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres};

/// The lock and the connection that holds it.
pub struct LeaderLock {
    key: i64,
    conn: PoolConnection<Postgres>,
}

impl LeaderLock {
    /// Takes the lock if no other session holds it.
    pub async fn try_take(db: &PgPool, key: i64) -> Result<Option<LeaderLock>, sqlx::Error> {
        let mut conn = db.acquire().await?;
        let (locked,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
            .bind(key)
            .fetch_one(&mut *conn)
            .await?;
        Ok(locked.then_some(LeaderLock { key, conn }))
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
