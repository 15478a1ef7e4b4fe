//! The PostgreSQL job runner: runs due jobs once, retries with back-off, gives up, and never
//! hands one job to two runners.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hotline::context::AppContext;
use hotline::jobs::{JobHandler, JobOutcome, Registry, enqueue, run_pending_once};
use serde_json::json;

use crate::helpers::spawn_app;

struct Flaky {
    calls: Arc<AtomicUsize>,
    fail_first: usize,
}

impl JobHandler for Flaky {
    fn run<'a>(
        &'a self,
        _: &'a AppContext,
        _: &'a serde_json::Value,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            if n < self.fail_first {
                anyhow::bail!("partner API answered 502")
            } else {
                Ok(())
            }
        })
    }
}

#[tokio::test]
async fn a_failing_job_is_retried_after_its_back_off_and_then_succeeds() {
    let app = spawn_app().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let registry = Registry::default().with(
        "send_test",
        Flaky {
            calls: calls.clone(),
            fail_first: 2,
        },
    );
    enqueue(
        &app.db,
        "send_test",
        &json!({ "message_id": "m1" }),
        Some("send_test:m1"),
        app.clock_now(),
    )
    .await
    .unwrap();
    // Enqueueing the same job twice is a no-op.
    enqueue(
        &app.db,
        "send_test",
        &json!({ "message_id": "m1" }),
        Some("send_test:m1"),
        app.clock_now(),
    )
    .await
    .unwrap();

    assert_eq!(
        run_pending_once(&app.ctx, &registry, 5).await.unwrap(),
        JobOutcome::Retrying
    );
    assert_eq!(
        run_pending_once(&app.ctx, &registry, 5).await.unwrap(),
        JobOutcome::Idle,
        "not due during back-off"
    );
    app.advance(5);
    assert_eq!(
        run_pending_once(&app.ctx, &registry, 5).await.unwrap(),
        JobOutcome::Retrying
    );
    app.advance(9);
    assert_eq!(
        run_pending_once(&app.ctx, &registry, 5).await.unwrap(),
        JobOutcome::Idle,
        "the second back-off is 10 s"
    );
    app.advance(1);
    assert_eq!(
        run_pending_once(&app.ctx, &registry, 5).await.unwrap(),
        JobOutcome::Succeeded
    );
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let (left,): (i64,) = sqlx::query_as("SELECT count(*) FROM jobs")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn a_job_that_keeps_failing_is_kept_as_failed_after_its_last_attempt() {
    let app = spawn_app().await;
    let registry = Registry::default().with(
        "send_test",
        Flaky {
            calls: Arc::new(AtomicUsize::new(0)),
            fail_first: usize::MAX,
        },
    );
    enqueue(&app.db, "send_test", &json!({}), None, app.clock_now())
        .await
        .unwrap();
    sqlx::query("UPDATE jobs SET max_attempts = 2")
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(
        run_pending_once(&app.ctx, &registry, 1).await.unwrap(),
        JobOutcome::Retrying
    );
    app.advance(10);
    assert_eq!(
        run_pending_once(&app.ctx, &registry, 1).await.unwrap(),
        JobOutcome::GaveUp
    );
    app.advance(3600);
    assert_eq!(
        run_pending_once(&app.ctx, &registry, 1).await.unwrap(),
        JobOutcome::Idle
    );
    let (error,): (String,) =
        sqlx::query_as("SELECT last_error FROM jobs WHERE failed_at IS NOT NULL")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(error.contains("502"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_runners_never_run_the_same_job() {
    let app = spawn_app().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let registry = Registry::default().with(
        "send_test",
        Flaky {
            calls: calls.clone(),
            fail_first: 0,
        },
    );
    for i in 0..40 {
        enqueue(
            &app.db,
            "send_test",
            &json!({ "n": i }),
            None,
            app.clock_now(),
        )
        .await
        .unwrap();
    }
    let mut runners = vec![];
    for _ in 0..4 {
        let (ctx, registry) = (app.ctx.clone(), registry.clone());
        runners.push(tokio::spawn(async move {
            while run_pending_once(&ctx, &registry, 5).await.unwrap() != JobOutcome::Idle {}
        }));
    }
    for r in runners {
        r.await.unwrap();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 40);
}
