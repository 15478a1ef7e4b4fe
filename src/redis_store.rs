//! Redis, used only for what may be lost: console sessions, rate-limit counters, and pub/sub
//! nudges that tell other nodes' consoles to re-read.
//!
//! The connection is opened lazily and every call has a short timeout, so a Redis outage makes
//! those calls fail fast (`RedisDown`) instead of hanging requests or failing intake.

use std::sync::Arc;
use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use tokio::sync::Mutex;

#[derive(Debug, thiserror::Error)]
#[error("redis is unavailable")]
pub struct RedisDown;

#[derive(Clone)]
pub struct RedisStore {
    client: Option<redis::Client>,
    conn: Arc<Mutex<Option<ConnectionManager>>>,
    timeout: Duration,
    /// Put before every key, so deployments (or test apps) sharing a Redis never collide.
    prefix: Arc<str>,
}

impl RedisStore {
    pub fn new(url: &str, timeout: Duration, prefix: &str) -> RedisStore {
        // A malformed URL behaves like a Redis that is down: logged once, never fatal.
        let client = redis::Client::open(url)
            .map_err(|_| tracing::warn!("redis.url is not a valid Redis URL"))
            .ok();
        RedisStore {
            client,
            conn: Arc::new(Mutex::new(None)),
            timeout,
            prefix: Arc::from(prefix),
        }
    }

    async fn connection(&self) -> Result<ConnectionManager, RedisDown> {
        let mut guard = self.conn.lock().await;
        if let Some(conn) = guard.as_ref() {
            return Ok(conn.clone());
        }
        let client = self.client.clone().ok_or(RedisDown)?;
        let conn = tokio::time::timeout(self.timeout, client.get_connection_manager())
            .await
            .map_err(|_| RedisDown)?
            .map_err(|_| RedisDown)?;
        *guard = Some(conn.clone());
        Ok(conn)
    }

    async fn run<T, F, Fut>(&self, f: F) -> Result<T, RedisDown>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: std::future::Future<Output = redis::RedisResult<T>>,
    {
        let conn = self.connection().await?;
        match tokio::time::timeout(self.timeout, f(conn)).await {
            Ok(Ok(v)) => Ok(v),
            _ => Err(RedisDown),
        }
    }

    pub async fn ping(&self) -> Result<(), RedisDown> {
        self.run(|mut c| async move { redis::cmd("PING").query_async::<String>(&mut c).await })
            .await
            .map(|_| ())
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>, RedisDown> {
        let key = self.key(key);
        self.run(|mut c| async move { c.get::<_, Option<String>>(key).await })
            .await
    }

    pub async fn set_ex(&self, key: &str, value: &str, seconds: u64) -> Result<(), RedisDown> {
        let (key, value) = (self.key(key), value.to_owned());
        self.run(|mut c| async move { c.set_ex::<_, _, ()>(key, value, seconds).await })
            .await
    }

    pub async fn del(&self, key: &str) -> Result<(), RedisDown> {
        let key = self.key(key);
        self.run(|mut c| async move { c.del::<_, ()>(key).await })
            .await
    }

    /// Increments a counter that expires `window` seconds after its first increment.
    pub async fn incr_window(&self, key: &str, window: u64) -> Result<u64, RedisDown> {
        let key = self.key(key);
        self.run(|mut c| async move {
            let (count,): (u64,) = redis::pipe()
                .atomic()
                .incr(&key, 1)
                .expire(&key, window as i64)
                .arg("NX")
                .ignore()
                .query_async(&mut c)
                .await?;
            Ok(count)
        })
        .await
    }

    /// Publishes a message on a channel (prefixed like keys).
    pub async fn publish(&self, channel: &str, message: &str) -> Result<(), RedisDown> {
        let (channel, message) = (self.key(channel), message.to_owned());
        self.run(|mut c| async move { c.publish::<_, _, ()>(channel, message).await })
            .await
    }

    /// Subscribes to a channel (prefixed like keys) on a connection of its own; the stream
    /// yields each message's text and ends when the connection does.
    pub async fn subscribe(
        &self,
        channel: &str,
    ) -> Result<impl futures_util::Stream<Item = String> + use<>, RedisDown> {
        let client = self.client.clone().ok_or(RedisDown)?;
        let channel = self.key(channel);
        let mut pubsub = tokio::time::timeout(self.timeout, client.get_async_pubsub())
            .await
            .map_err(|_| RedisDown)?
            .map_err(|_| RedisDown)?;
        tokio::time::timeout(self.timeout, pubsub.subscribe(channel))
            .await
            .map_err(|_| RedisDown)?
            .map_err(|_| RedisDown)?;
        Ok(futures_util::StreamExt::filter_map(
            pubsub.into_on_message(),
            |m| futures_util::future::ready(m.get_payload::<String>().ok()),
        ))
    }
}
