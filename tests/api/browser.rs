//! The console in a real headless browser (Debian's chromium, driven by playwright-core, checked
//! by axe-core): a Thai-speaking counselor files a phone report, claims it, writes a note,
//! changes its status, and sees a critical case filed elsewhere arrive live. Screenshots go to
//! `target/screenshots/` (`HOTLINE_SCREENSHOTS=docs/screenshots` refreshes the README's).
//! A second test walks a supervisor through the live dashboard (`tests/browser/dashboard.mjs`).

use hotline::auth::Role;

use crate::helpers::{browser_ready, run_browser_script, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thai_counselor_files_claims_and_works_a_case_and_sees_a_critical_case_arrive_live() {
    if !browser_ready("browser smoke test") {
        return;
    }
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let args = vec![
        app.address.clone(),
        c.email.clone(),
        c.password.clone(),
        c.token.clone(),
    ];
    run_browser_script("smoke.mjs", args, "browser smoke: ok").await;
}

/// A day of answers (critical and high, some late) and long low-level waits, so the charts
/// have something to draw; one critical person still waiting past the target.
async fn a_day_of_answers(app: &crate::helpers::TestApp, case_id: uuid::Uuid) {
    let now = app.clock_now();
    for h in 0..24_i64 {
        let started = now - chrono::Duration::minutes(h * 60 + 50);
        for (channel, level, seconds, target) in [
            ("telegram", "critical", 40 + (h * 37) % 150, 120),
            ("line", "critical", 30 + (h * 53) % 90, 120),
            ("line", "high", 200 + (h * 113) % 600, 600),
            ("email", "low", 3600 * (1 + h % 4), 86400),
        ] {
            sqlx::query(
                "INSERT INTO answer_clocks (case_id, channel, started_by, started_at, stopped_by,
                        stopped_at, level, answer_seconds, target_seconds, within_target)
                 VALUES ($1, $2, 'first_contact', $3, 'message', $3 + make_interval(secs => $5),
                         $4, $5, $6, $5 <= $6)",
            )
            .bind(case_id)
            .bind(channel)
            .bind(started)
            .bind(level)
            .bind(seconds as i32)
            .bind(target)
            .execute(&app.db)
            .await
            .unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_sees_the_dashboard_update_live_with_its_charts() {
    if !browser_ready("dashboard browser test") {
        return;
    }
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let mut body = crate::helpers::phone_report("a call about a fishing boat");
    body["answers"] =
        serde_json::json!({ "confinement": "yes", "threat_violence": "yes", "at_sea": "yes" });
    let case = app.report(&counselor, &body).await;
    let case_id = uuid::Uuid::parse_str(case["id"].as_str().unwrap()).unwrap();
    a_day_of_answers(&app, case_id).await;
    // One person on a chat still waiting, five minutes, past the critical target.
    sqlx::query(
        "INSERT INTO answer_clocks (case_id, channel, started_by, started_at)
         SELECT id, 'telegram', 'first_contact', $2 FROM cases WHERE id = $1
           AND NOT EXISTS (SELECT 1 FROM answer_clocks WHERE case_id = $1 AND stopped_at IS NULL)",
    )
    .bind(case_id)
    .bind(app.clock_now() - chrono::Duration::minutes(5))
    .execute(&app.db)
    .await
    .unwrap();
    app.report(&counselor, &crate::helpers::phone_report("a second call"))
        .await;
    app.post(&counselor, "/api/v1/queue/claim", &serde_json::json!({}))
        .await;
    // A flood in progress: 1,240 chat messages acknowledged and not yet read from the webhook
    // inbox (no reader runs in a test app; their bodies are never opened here).
    sqlx::query(
        "INSERT INTO webhook_inbox (id, channel, order_key, body_enc, received_at)
         SELECT gen_random_uuid(), 'telegram', n, '\\x00', $1 FROM generate_series(1, 1240) n",
    )
    .bind(app.clock_now())
    .execute(&app.db)
    .await
    .unwrap();
    app.advance(240);

    let code = app.unused_code(&supervisor.email).await.unwrap_or_default();
    let args = vec![
        app.address.clone(),
        supervisor.email.clone(),
        supervisor.password.clone(),
        counselor.token.clone(),
        code,
    ];
    run_browser_script("dashboard.mjs", args, "dashboard browser test: ok").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_sees_files_with_metadata_behind_a_warning_and_restricts_the_case() {
    if !browser_ready("privacy browser test") {
        return;
    }
    let app = spawn_app().await;
    let case = crate::attachment_metadata::case_with_files(&app).await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let code = app.unused_code(&supervisor.email).await.unwrap_or_default();
    let args = vec![
        app.address.clone(),
        supervisor.email.clone(),
        supervisor.password.clone(),
        code,
        case["id"].as_str().unwrap().to_owned(),
        counselor.email.clone(),
    ];
    run_browser_script("privacy.mjs", args, "privacy browser test: ok").await;
}
