//! Live updates for the console: every node publishes "case X changed" on Redis pub/sub after
//! PostgreSQL has committed the change, and every node relays what it hears to its open
//! server-sent-event streams (`GET /api/v1/queue/events`).
//!
//! An event is only a nudge: it carries a case id (or none: "something changed"), never
//! personal data, and the page that hears it re-reads the queue or the case from PostgreSQL.
//! Losing an event (Redis down, a slow client) therefore loses nothing but freshness, and a
//! page also re-reads when it becomes visible again.

mod announce;
mod stream;

pub use announce::announce_changes;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OnceCell, broadcast, watch};

use crate::domain::CaseId;
use crate::redis_store::RedisStore;

/// The Redis channel (after the key prefix) that carries change events between nodes.
const CHANNEL: &str = "queue-events";

/// This node's side of the live updates: a relay from Redis to local streams.
pub struct Live {
    local: broadcast::Sender<Arc<str>>,
    /// Started on the first subscriber; tells whether the relay is subscribed to Redis now.
    relay: OnceCell<watch::Receiver<bool>>,
}

impl Default for Live {
    fn default() -> Live {
        // A slow client that falls this far behind gets one "re-read everything" instead.
        let (local, _) = broadcast::channel(256);
        Live {
            local,
            relay: OnceCell::new(),
        }
    }
}

/// The event's JSON: the case that changed, if the change names one.
pub fn event_payload(case_id: Option<CaseId>) -> String {
    serde_json::json!({ "case_id": case_id }).to_string()
}

impl Live {
    /// Tells every node that a case changed (after the change was committed). Never waits:
    /// publishing happens on a task of its own, so a slow or absent Redis delays no request.
    pub fn announce(&self, redis: &RedisStore, case_id: Option<CaseId>) {
        let redis = redis.clone();
        let payload = event_payload(case_id);
        tokio::spawn(async move {
            if redis.publish(CHANNEL, &payload).await.is_err() {
                crate::metrics::live_event("unpublished");
            }
        });
    }

    /// Starts the relay if needed, waits briefly until it listens (so an event published right
    /// after a client connected reaches it), and returns this node's local feed.
    async fn local_feed(&self, redis: &RedisStore) -> broadcast::Receiver<Arc<str>> {
        let subscribed = self
            .relay
            .get_or_init(|| async { spawn_relay(redis.clone(), self.local.clone()) })
            .await;
        let mut subscribed = subscribed.clone();
        let _ = tokio::time::timeout(Duration::from_secs(2), subscribed.wait_for(|up| *up)).await;
        self.local.subscribe()
    }
}

/// Relays Redis messages to local streams for the life of the process, reconnecting with a
/// growing pause while Redis is away.
fn spawn_relay(redis: RedisStore, local: broadcast::Sender<Arc<str>>) -> watch::Receiver<bool> {
    let (up, subscribed) = watch::channel(false);
    tokio::spawn(async move {
        use futures_util::StreamExt as _;
        let mut pause = Duration::from_millis(250);
        loop {
            if let Ok(mut messages) = redis.subscribe(CHANNEL).await {
                let _ = up.send(true);
                pause = Duration::from_millis(250);
                while let Some(payload) = messages.next().await {
                    crate::metrics::live_event("relayed");
                    // No receivers is fine: nobody has a page open on this node.
                    let _ = local.send(Arc::from(payload));
                }
                let _ = up.send(false);
                // The subscription ended (Redis restarted): tell pages to re-read once.
                let _ = local.send(Arc::from(event_payload(None)));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(30));
        }
    });
    subscribed
}
