//! One client's server-sent-event stream: a `ready` event, then a `change` event for every
//! change any node announces, and a comment every 25 s so proxies keep the connection open.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use actix_web::web::Bytes;
use futures_util::Stream;
use tokio::sync::broadcast;

use super::{Live, event_payload};
use crate::redis_store::RedisStore;

const HEARTBEAT: Duration = Duration::from_secs(25);

fn event(name: &str, data: &str) -> Bytes {
    Bytes::from(format!("event: {name}\ndata: {data}\n\n"))
}

impl Live {
    /// The event stream for one client of this node.
    pub async fn subscribe(
        &self,
        redis: &RedisStore,
    ) -> impl Stream<Item = Result<Bytes, Infallible>> + use<> {
        let feed = self.local_feed(redis).await;
        // `retry` tells the browser to reconnect after 5 s if the stream breaks.
        let hello = Bytes::from("retry: 5000\n\nevent: ready\ndata: {}\n\n");
        let first = futures_util::stream::once(async move { Ok::<_, Infallible>(hello) });
        let heartbeat =
            tokio::time::interval_at(tokio::time::Instant::now() + HEARTBEAT, HEARTBEAT);
        let rest = futures_util::stream::unfold((feed, heartbeat), next_event);
        futures_util::StreamExt::chain(first, rest)
    }
}

type State = (broadcast::Receiver<Arc<str>>, tokio::time::Interval);

async fn next_event(mut state: State) -> Option<(Result<Bytes, Infallible>, State)> {
    let (feed, heartbeat) = &mut state;
    let bytes = tokio::select! {
        received = feed.recv() => match received {
            Ok(payload) => event("change", &payload),
            // Fell behind: one event that makes the page re-read everything.
            Err(broadcast::error::RecvError::Lagged(_)) => event("change", &event_payload(None)),
            Err(broadcast::error::RecvError::Closed) => return None,
        },
        _ = heartbeat.tick() => Bytes::from_static(b": keep-alive\n\n"),
    };
    Some((Ok(bytes), state))
}
