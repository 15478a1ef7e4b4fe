//! Claim-next in O(log n): the queue order is served by indexes (a few index heads per urgency
//! rank, `queue::claim_next_sql`), not by sorting every open case, and it claims exactly what
//! the full sort (the queue list) puts first.

use hotline::auth::Role;
use hotline::domain::UserId;
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{TestApp, plan_nodes, spawn_app};

/// Cases with every rank, waiting times on both sides of each answer target, languages with
/// and without a region, every status, and some held (by `holder`) or with an ended lease.
async fn seed_mixed_queue(app: &TestApp, n: i32, holder: Uuid) {
    let now = app.clock_now();
    sqlx::query(
        "INSERT INTO reporters (id, created_at) VALUES ('00000000-0000-4000-8000-000000000001', $1)",
    )
    .bind(now)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO cases (id, reference, reporter_id, status, channel, caller, language,
                            urgency_level, urgency_rank, urgency_reasons_enc, rules_version,
                            waiting_since, awaiting_reply, holder_id, lease_expires_at,
                            created_at, updated_at)
         SELECT gen_random_uuid(), 'SEED-' || g, '00000000-0000-4000-8000-000000000001',
                (ARRAY['new', 'new', 'in_progress', 'waiting', 'waiting', 'closed'])[1 + floor(random() * 6)::int],
                'phone', 'relative',
                (ARRAY['th', 'th-TH', 'my-MM', 'my', 'km', 'lo', NULL])[1 + floor(random() * 7)::int],
                (ARRAY['low', 'medium', 'high', 'critical'])[1 + r], r, '\\x00', 'seed',
                -- Some ties in waiting time, so the id decides.
                $1 - make_interval(mins => floor(random() * 3000)::int / 3 * 3),
                random() < 0.7,
                CASE WHEN random() < 0.1 THEN $2::uuid END,
                $1 + make_interval(secs => floor(random() * 1200)::int - 600),
                $1, $1
         FROM generate_series(1, $3) AS g, LATERAL (SELECT (g % 4)::int2 AS r) x",
    )
    .bind(now)
    .bind(holder)
    .bind(n)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query("ANALYZE cases").execute(&app.db).await.unwrap();
}

#[tokio::test]
async fn claim_next_takes_exactly_what_the_full_sort_puts_first() {
    let app = spawn_app().await;
    let other = app.staff(Role::Counselor).await;
    seed_mixed_queue(&app, 600, other.id).await;
    let claimer = app.staff(Role::Counselor).await;
    let mut settings = app.ctx.settings.queue.clone();
    settings.max_held = 1_000_000;
    let now = app.clock_now();
    let preferences: [Vec<String>; 3] = [vec!["th".into(), "my".into()], vec![], vec!["km".into()]];
    let mut claimed = 0;
    for round in 0..250 {
        let languages = &preferences[round % 3];
        let listed = hotline::queue::list_open(&app.db, &settings, languages, now, 100_000)
            .await
            .unwrap();
        let expected = listed
            .iter()
            .find(|item| item.holder_id.is_none())
            .map(|i| i.id);
        let got =
            hotline::queue::claim_next(&app.db, &settings, UserId(claimer.id), languages, now)
                .await
                .unwrap()
                .map(|c| c.0);
        assert_eq!(got, expected, "claim {round} with languages {languages:?}");
        if got.is_none() {
            break;
        }
        claimed += 1;
    }
    assert!(
        claimed > 200,
        "the seed left too few open cases ({claimed})"
    );
}

#[tokio::test]
async fn the_claim_walks_the_queue_indexes_and_never_sorts_every_open_case() {
    let app = spawn_app().await;
    let other = app.staff(Role::Counselor).await;
    let claimer = app.staff(Role::Counselor).await;
    seed_mixed_queue(&app, 20_000, other.id).await;
    let now = app.clock_now();
    let [t3, t2, t1, t0] = hotline::queue::targets(&app.ctx.settings.queue, now);
    let sql = format!("EXPLAIN (FORMAT JSON) {}", hotline::queue::claim_next_sql());
    let (plan,): (Value,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(t3)
        .bind(t2)
        .bind(t1)
        .bind(t0)
        .bind(vec!["th".to_owned(), "my".to_owned()])
        .bind(claimer.id)
        .bind(now + chrono::Duration::minutes(10))
        .fetch_one(&app.db)
        .await
        .unwrap();
    let all = plan_nodes(&plan[0]["Plan"]);
    let indexes: Vec<&str> = all
        .iter()
        .filter_map(|n| n["Index Name"].as_str())
        .collect();
    assert!(indexes.contains(&"cases_open_by_wait_idx"), "{plan:#}");
    assert!(indexes.contains(&"cases_open_by_language_idx"), "{plan:#}");
    for node in &all {
        assert_ne!(
            node["Node Type"], "Seq Scan",
            "a scan of every case: {plan:#}"
        );
        if node["Node Type"] == "Sort" {
            // Only the few index heads are sorted (4 ranks × 4 lists × 4 cases at most).
            let rows = node["Plan Rows"].as_f64().unwrap();
            assert!(rows <= 100.0, "a sort of {rows} rows: {plan:#}");
        }
    }
}

#[tokio::test]
async fn the_held_case_cap_counts_live_leases_without_reading_every_case_ever_held() {
    let app = spawn_app().await;
    let claimer = app.staff(Role::Counselor).await;
    // Months of work: 2,000 cases the counselor once held, left waiting with their lease run
    // out, and two held now.
    seed_mixed_queue(&app, 10, claimer.id).await;
    let now = app.clock_now();
    sqlx::query(
        "INSERT INTO cases (id, reference, reporter_id, status, channel, caller, urgency_level,
                            urgency_rank, urgency_reasons_enc, rules_version, waiting_since,
                            awaiting_reply, holder_id, lease_expires_at, created_at, updated_at)
         SELECT gen_random_uuid(), 'HELD-' || g, '00000000-0000-4000-8000-000000000001', 'waiting',
                'phone', 'relative', 'medium', 1, '\\x00', 'seed', $1, FALSE, $2,
                CASE WHEN g <= 2 THEN $1 + interval '10 minutes'
                     ELSE $1 - make_interval(mins => g) END,
                $1, $1
         FROM generate_series(1, 2002) AS g",
    )
    .bind(now)
    .bind(claimer.id)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query("UPDATE cases SET holder_id = NULL WHERE reference LIKE 'SEED-%'")
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("ANALYZE cases").execute(&app.db).await.unwrap();

    let sql = format!(
        "EXPLAIN (ANALYZE, FORMAT JSON) {}",
        hotline::queue::held_count_sql("$1", "$2")
    );
    let (plan,): (Value,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(claimer.id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    let scans: Vec<&Value> = plan_nodes(&plan[0]["Plan"])
        .into_iter()
        .filter(|n| n["Relation Name"] == "cases")
        .collect();
    assert_eq!(scans.len(), 1, "{plan:#}");
    let read = scans[0]["Actual Rows"].as_f64().unwrap()
        + scans[0]["Rows Removed by Filter"].as_f64().unwrap_or(0.0)
        + scans[0]["Rows Removed by Index Recheck"]
            .as_f64()
            .unwrap_or(0.0);
    assert_eq!(
        scans[0]["Actual Rows"].as_f64(),
        Some(2.0),
        "the two live leases: {plan:#}"
    );
    assert!(
        read <= 3.0,
        "{read} rows read to count two live leases: {plan:#}"
    );

    // And the cap still holds on the claim itself.
    let mut settings = app.ctx.settings.queue.clone();
    settings.max_held = 2;
    let refused =
        hotline::queue::claim_next(&app.db, &settings, UserId(claimer.id), &[], now).await;
    assert!(
        matches!(refused, Err(hotline::queue::QueueError::TooManyHeld(2))),
        "{refused:?}"
    );
    settings.max_held = 3;
    let claimed = hotline::queue::claim_next(&app.db, &settings, UserId(claimer.id), &[], now)
        .await
        .unwrap();
    assert!(claimed.is_some());
}
