//! How long the supervisor's queries take on the database `DATABASE_URL` names (a benchmark,
//! not a test): the dashboard's figures together, the response-time report for a year, a
//! one-year statistics export, and claim-next. Fill the database first with
//! `hotline seed-synthetic --contacts N --cases M`.
//! Run: `HOTLINE_CRYPTO__KEY=... DATABASE_URL=... cargo run --release --example supervisor_bench`.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a benchmark program"
)]

use std::time::{Duration, Instant};

use hotline::clock::{Clock, SystemClock};
use hotline::settings::Settings;
use hotline::supervisor::export::{export, parse_by};
use hotline::supervisor::{GroupBy, Period, dashboard, response_times};

const RUNS: usize = 7;

/// The median of `RUNS` timed runs (after one warm-up run).
async fn time<F, Fut>(what: &str, mut run: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    run().await;
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let t = Instant::now();
        run().await;
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "{what:<48} median {:>8.1} ms   max {:>8.1} ms",
        times[RUNS / 2].as_secs_f64() * 1000.0,
        times[RUNS - 1].as_secs_f64() * 1000.0
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let settings = Settings::load().unwrap();
    let db = hotline::startup::pool(&settings.database).unwrap();
    let now = SystemClock.now();
    let targets = settings.queue.answer_target_seconds.clone();
    let zone = settings.time_zone();
    let (cases, clocks, messages): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM answer_clocks),
                (SELECT count(*) FROM messages)",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    println!("{cases} cases, {clocks} answer clocks, {messages} messages");
    let year = Period::last_hours(now, 365 * 24);
    let keys =
        std::sync::Arc::new(hotline::crypto::KeyRing::from_settings(&settings.crypto).unwrap());
    let action = hotline::supervisor::ActionClockTargets {
        action: &settings.targets.action_seconds,
        acknowledgement: &settings.referrals.ack_target_seconds,
    };

    // The floor under every year report: PostgreSQL reading the year's cases and their sealed
    // records and sending them, with nothing counted (measured in the same minutes).
    time("baseline: read a year's cases and records", || async {
        sqlx::query(
            "SELECT c.id, cr.record_enc FROM cases c LEFT JOIN case_records cr ON cr.case_id = c.id
             WHERE c.created_at >= $1 AND c.created_at < $2",
        )
        .bind(year.from)
        .bind(year.to)
        .fetch_all(&db)
        .await
        .unwrap();
    })
    .await;
    time("dashboard (every figure, one request)", || async {
        dashboard(&db, &targets, zone, 900, action, now)
            .await
            .unwrap();
    })
    .await;
    for group in [GroupBy::Urgency, GroupBy::Channel, GroupBy::Hour] {
        time(
            &format!("response times, a year, by {}", group.as_str()),
            || async {
                response_times(&db, &targets, zone, year, group, now)
                    .await
                    .unwrap();
            },
        )
        .await;
    }
    let one = parse_by(Some("channel")).unwrap();
    time("export, a year, by channel", || async {
        export(&db, &keys, year, &one, 5).await.unwrap();
    })
    .await;
    let all = parse_by(Some(
        "channel,case_status,closing_reason,urgency,caller,language,country,trafficking_status,caller*urgency",
    ))
    .unwrap();
    time("export, a year, 9 tables", || async {
        export(&db, &keys, year, &all, 5).await.unwrap();
    })
    .await;
    // Breakdowns from the sealed case record are counted in memory (docs/decisions.md).
    let record = parse_by(Some(
        "sex,age_band,nationality,form_of_exploitation,referral_outcome",
    ))
    .unwrap();
    time("export, a year, 5 record tables (in memory)", || async {
        export(&db, &keys, year, &record, 5).await.unwrap();
    })
    .await;
    // Claim-next and give the case back, as a counselor would.
    let counselor: Option<uuid::Uuid> = sqlx::query_scalar(
        "SELECT id FROM users WHERE role = 'counselor' AND active ORDER BY created_at LIMIT 1",
    )
    .fetch_optional(&db)
    .await
    .unwrap();
    if let Some(counselor) = counselor {
        let queue = settings.queue.clone();
        time("claim-next (then release)", || async {
            let claimed = hotline::queue::claim_next(
                &db,
                &queue,
                hotline::domain::UserId(counselor),
                &[],
                now,
            )
            .await
            .unwrap();
            if let Some(c) = claimed {
                sqlx::query(
                    "UPDATE cases SET holder_id = NULL, lease_expires_at = NULL WHERE id = $1",
                )
                .bind(c.0)
                .execute(&db)
                .await
                .unwrap();
            }
        })
        .await;
    }
}
