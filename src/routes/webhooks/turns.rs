//! Turns for webhooks (`server.intake_concurrency`): at most that many webhook requests are
//! worked on at once by this node, across its workers; the others wait for a turn, and one
//! that waits longer than `server.intake_wait_ms` is answered 503 `busy` before anything is
//! read or written (Telegram and LINE send it again with the same event id, which records it
//! once). Under a flood the node then works on a few webhooks at a time instead of every one
//! that arrived, so the two cores and the database stay free enough for counselors: a claim
//! competes with a handful of intake transactions, not with all of them
//! (`scripts/faults/flood`, docs/reliability.md).

use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// The node's webhook turns, shared by every HTTP worker (app data).
#[derive(Clone)]
pub struct Turns {
    /// None: no limit.
    turns: Option<Arc<Semaphore>>,
    wait: Duration,
}

impl Turns {
    /// `concurrency` 0 means no limit.
    pub fn new(concurrency: usize, wait: Duration) -> Turns {
        Turns {
            turns: (concurrency > 0).then(|| Arc::new(Semaphore::new(concurrency))),
            wait,
        }
    }
}

/// Middleware on each webhook route: waits for a turn, holds it while the webhook is worked
/// on, and answers 503 `busy` when none came in time.
pub async fn take_a_turn(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let Some(turns) = req.app_data::<web::Data<Turns>>().cloned() else {
        return next.call(req).await;
    };
    let Some(semaphore) = turns.turns.clone() else {
        return next.call(req).await;
    };
    // Timed out (or, never in practice, the semaphore closed): busy.
    let Ok(Ok(turn)) = tokio::time::timeout(turns.wait, semaphore.acquire_owned()).await else {
        crate::metrics::intake_busy();
        return Err(ApiError::Unavailable {
            code: "busy",
            message: "too many messages are arriving at once; send this one again".into(),
        }
        .into());
    };
    let res = next.call(req).await;
    drop(turn);
    res
}
