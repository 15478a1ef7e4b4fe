//! The PostgreSQL job runner: runs due jobs once, retries with back-off, gives up, and never
//! hands one job to two runners.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hotline::context::AppContext;
use hotline::jobs::{
    JobHandler, JobOutcome, LEASE_SECONDS, Registry, enqueue, renew_lease, run_pending_once,
};
use serde_json::json;
use tokio::sync::Notify;

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
    assert_eq!(app.count("jobs").await, 0);
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
    enqueue_one(&app).await;
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

/// A job that says when it has started and then waits to be told to finish, with success or
/// a failure: a stand-in for a send in flight on a node that may die or stall.
#[derive(Clone, Default)]
struct InFlight {
    started: Arc<Notify>,
    finish: Arc<Notify>,
    fails: bool,
}

impl JobHandler for InFlight {
    fn run<'a>(
        &'a self,
        _: &'a AppContext,
        _: &'a serde_json::Value,
    ) -> Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send + 'a>> {
        Box::pin(async move {
            self.started.notify_one();
            self.finish.notified().await;
            if self.fails {
                anyhow::bail!("partner API answered 502")
            }
            Ok(())
        })
    }
}

async fn enqueue_one(app: &crate::helpers::TestApp) {
    enqueue(&app.db, "send_test", &json!({}), None, app.clock_now())
        .await
        .unwrap();
}

/// A runner on another task (another node), running the next job with `handler`.
fn spawn_runner(
    app: &crate::helpers::TestApp,
    handler: &InFlight,
) -> tokio::task::JoinHandle<anyhow::Result<JobOutcome>> {
    let (ctx, registry) = (
        app.ctx.clone(),
        Registry::default().with("send_test", handler.clone()),
    );
    tokio::spawn(async move { run_pending_once(&ctx, &registry, 5).await })
}

fn counting(calls: &Arc<AtomicUsize>) -> Registry {
    Registry::default().with(
        "send_test",
        Flaky {
            calls: calls.clone(),
            fail_first: 0,
        },
    )
}

#[tokio::test]
async fn a_job_cut_off_by_a_dead_node_is_run_by_another_once_its_short_lease_ends() {
    let app = spawn_app().await;
    enqueue_one(&app).await;
    let dying = InFlight::default();
    let dying_registry = Registry::default().with("send_test", dying.clone());
    // The node dies mid-send: its runner is dropped with the job claimed and unfinished.
    tokio::select! {
        outcome = run_pending_once(&app.ctx, &dying_registry, 5) => panic!("the job cannot finish: {outcome:?}"),
        () = dying.started.notified() => {}
    }

    let calls = Arc::new(AtomicUsize::new(0));
    app.advance(LEASE_SECONDS - 1);
    assert_eq!(
        run_pending_once(&app.ctx, &counting(&calls), 5)
            .await
            .unwrap(),
        JobOutcome::Idle,
        "still leased to the dead node"
    );
    app.advance(1);
    assert_eq!(
        run_pending_once(&app.ctx, &counting(&calls), 5)
            .await
            .unwrap(),
        JobOutcome::Succeeded,
        "picked up within half a minute, not five"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_long_job_whose_lease_is_renewed_stays_with_its_runner() {
    let app = spawn_app().await;
    enqueue_one(&app).await;
    let slow = InFlight::default();
    let runner = spawn_runner(&app, &slow);
    slow.started.notified().await;
    let (id, attempts): (i64, i32) = sqlx::query_as("SELECT id, attempts FROM jobs")
        .fetch_one(&app.db)
        .await
        .unwrap();

    // The runner's timer renews the lease while the send goes on; the test stands in for it.
    app.advance(LEASE_SECONDS - 5);
    renew_lease(&app.ctx, id, attempts).await.unwrap();
    app.advance(LEASE_SECONDS - 5);
    let calls = Arc::new(AtomicUsize::new(0));
    assert_eq!(
        run_pending_once(&app.ctx, &counting(&calls), 5)
            .await
            .unwrap(),
        JobOutcome::Idle,
        "a renewed job is not handed to a second runner"
    );

    slow.finish.notify_one();
    assert_eq!(runner.await.unwrap().unwrap(), JobOutcome::Succeeded);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    assert_eq!(app.count("jobs").await, 0);
}

#[tokio::test]
async fn a_runner_that_wakes_after_losing_its_lease_does_not_free_the_job_for_a_third() {
    let app = spawn_app().await;
    enqueue_one(&app).await;
    // The first node stalls mid-send (a paused VM) past its lease ...
    let stalled = InFlight {
        fails: true,
        ..InFlight::default()
    };
    let stalled_runner = spawn_runner(&app, &stalled);
    stalled.started.notified().await;
    app.advance(LEASE_SECONDS);
    // ... so a second node takes the job and is sending it ...
    let second = InFlight::default();
    let mut second_runner = spawn_runner(&app, &second);
    tokio::select! {
        outcome = &mut second_runner => panic!("the lease has ended, so the second node takes the job: {outcome:?}"),
        () = second.started.notified() => {}
    }
    // ... when the first wakes up and its send fails. Its failure must not clear the second
    // node's lease, or a third runner would send the same message again.
    stalled.finish.notify_one();
    stalled_runner.await.unwrap().unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    assert_eq!(
        run_pending_once(&app.ctx, &counting(&calls), 5)
            .await
            .unwrap(),
        JobOutcome::Idle
    );
    second.finish.notify_one();
    assert_eq!(second_runner.await.unwrap().unwrap(), JobOutcome::Succeeded);
    let left = app.count("jobs").await;
    assert_eq!(left, 0, "the second node's success removed the job");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
