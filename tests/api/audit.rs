//! The read audit and the audit log's integrity: every read of personal data leaves an entry
//! (who, when, what, why); `hotline audit verify` finds an edited, a deleted and a truncated
//! entry; the runtime role cannot change history.

use hotline::audit::chain;
use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Options, TestApp, database_url, phone_report, spawn_app, spawn_app_with};

async fn audit(app: &TestApp, who: &crate::helpers::Staff, query: &str) -> Vec<Value> {
    let r = app.get(who, &format!("/api/v1/audit?{query}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn every_read_of_personal_data_is_audited_with_who_what_and_why() {
    let app = spawn_app().await;
    let opener = app.staff(Role::Counselor).await;
    let stranger = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let case = app.report(&opener, &phone_report("audit me")).await;
    let id = case["id"].as_str().unwrap();

    // The opener reads it (API); reading again at once is the same read, written once.
    app.case(&opener, id).await;
    app.case(&opener, id).await;
    // A stranger's outline is no read of personal data; their break-glass read is.
    app.case(&stranger, id).await;
    app.post(
        &stranger,
        &format!("/api/v1/cases/{id}/break-glass"),
        &json!({ "reason": "covering_shift", "text": "covering for a colleague" }),
    )
    .await;
    app.case(&stranger, id).await;
    // A phone lookup.
    let r = app
        .post(
            &opener,
            "/api/v1/reports/matches",
            &json!({ "phone": "+66812345678" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let reads = audit(
        &app,
        &supervisor,
        &format!("case_id={id}&action=case.viewed"),
    )
    .await;
    assert_eq!(reads.len(), 2, "{reads:?}");
    let purposes: Vec<&str> = reads
        .iter()
        .map(|r| r["purpose"].as_str().unwrap())
        .collect();
    assert!(purposes.contains(&"opened"), "{purposes:?}");
    assert!(
        purposes.contains(&"break_glass:covering_shift"),
        "{purposes:?}"
    );
    for r in &reads {
        assert!(r["at"].is_string() && r["actor"].is_string() && r["case_id"] == id);
    }
    let by_stranger = audit(&app, &supervisor, &format!("actor={}", stranger.email)).await;
    let actions: Vec<&str> = by_stranger
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["case.viewed", "case.break_glass"]);

    let lookups = audit(&app, &supervisor, "action=phone.looked_up").await;
    assert_eq!(lookups.len(), 1);
    let text = lookups[0].to_string();
    assert!(
        !text.contains("812345678"),
        "the number itself is in the audit: {text}"
    );
    assert_eq!(lookups[0]["details"]["number"].as_str().unwrap().len(), 24);

    // The time window and bad filters.
    assert!(
        audit(&app, &supervisor, "from=2030-01-01T00:00:00Z")
            .await
            .is_empty()
    );
    let r = app.get(&supervisor, "/api/v1/audit?actor=nobody").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app.get(&supervisor, "/api/v1/audit?colour=red").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app.get(&opener, "/api/v1/audit").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Later, the same read is written again.
    app.advance(600);
    app.case(&opener, id).await;
    let reads = audit(
        &app,
        &supervisor,
        &format!("case_id={id}&action=case.viewed"),
    )
    .await;
    assert_eq!(reads.len(), 3);
}

#[tokio::test]
async fn phone_lookups_are_rate_limited_per_person() {
    let app = spawn_app_with(Options {
        extra_env: vec![("HOTLINE_PRIVACY__PHONE_LOOKUPS_PER_HOUR".into(), "3".into())],
        ..Options::default()
    })
    .await;
    let c = app.staff(Role::Counselor).await;
    let other = app.staff(Role::Counselor).await;
    let body = json!({ "phone": "+66812345678" });
    for _ in 0..3 {
        let r = app.post(&c, "/api/v1/reports/matches", &body).await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = app.post(&c, "/api/v1/reports/matches", &body).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let r = app.post(&other, "/api/v1/reports/matches", &body).await;
    assert_eq!(r.status(), StatusCode::OK);
}

/// Runs `hotline audit verify` against the app's database; (exit success, stdout + stderr).
fn verify_command(app: &TestApp, head: Option<&std::path::Path>) -> (bool, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_hotline"));
    cmd.args(["audit", "verify"])
        .env("HOTLINE_PROFILE", "test")
        .env("DATABASE_URL", database_url(&app.db_name))
        .env("HOTLINE_CRYPTO__KEY", &app.crypto_key)
        .env_remove("HOTLINE_AUDIT__KEY");
    if let Some(head) = head {
        cmd.arg("--head").arg(head);
    }
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Changes history the way only a superuser can: with the append-only triggers switched off.
async fn tamper(app: &TestApp, sql: &str) {
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("SET LOCAL session_replication_role = replica")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn entry_ids(app: &TestApp) -> Vec<i64> {
    sqlx::query_as::<_, (i64,)>("SELECT id FROM audit_log ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|(id,)| id)
        .collect()
}

async fn some_history() -> TestApp {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    for i in 0..3 {
        let case = app.report(&c, &phone_report(&format!("history {i}"))).await;
        app.case(&c, case["id"].as_str().unwrap()).await;
    }
    app
}

#[tokio::test]
async fn audit_verify_counts_an_intact_chain_and_names_an_edited_entry() {
    let app = some_history().await;
    let ids = entry_ids(&app).await;
    assert_eq!(ids.len(), 6);
    let (ok, out) = verify_command(&app, None);
    assert!(ok, "{out}");
    assert!(out.contains("6 entries checked"), "{out}");

    let edited = ids[2];
    tamper(
        &app,
        &format!("UPDATE audit_log SET action = 'case.closed' WHERE id = {edited}"),
    )
    .await;
    let (ok, out) = verify_command(&app, None);
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!("entry {edited} was changed")),
        "{out}"
    );
}

#[tokio::test]
async fn audit_verify_names_the_entry_after_a_deleted_one() {
    let app = some_history().await;
    // The background linker has linked the entries (it does within a second of each commit).
    chain::link_pending(&app.db, chain::Sweep::Recent)
        .await
        .unwrap();
    let ids = entry_ids(&app).await;
    tamper(
        &app,
        &format!("DELETE FROM audit_log WHERE id = {}", ids[3]),
    )
    .await;
    let (ok, out) = verify_command(&app, None);
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!(
            "entry {} follows entry {}, which is missing",
            ids[4], ids[3]
        )),
        "{out}"
    );
}

#[tokio::test]
async fn audit_verify_detects_a_truncated_tail_from_the_head_written_outside_the_database() {
    let app = some_history().await;
    let dir = std::env::temp_dir().join(format!("hotline-audit-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let head_file = dir.join("head.json");
    chain::link_pending(&app.db, chain::Sweep::Everything)
        .await
        .unwrap();
    let head = chain::head(&app.db).await.unwrap().unwrap();
    chain::write_head(&head_file, &head).unwrap();
    let (ok, out) = verify_command(&app, Some(&head_file));
    assert!(ok, "{out}");

    // The last two entries go; what is left is a consistent chain, but shorter than recorded.
    let ids = entry_ids(&app).await;
    tamper(
        &app,
        &format!(
            "DELETE FROM audit_chain WHERE entry_id >= {cut}; DELETE FROM audit_log WHERE id >= {cut}",
            cut = ids[ids.len() - 2]
        ),
    )
    .await;
    let (ok, out) = verify_command(&app, None);
    assert!(
        ok,
        "without the head a cut that takes the links too is invisible: {out}"
    );
    let (ok, out) = verify_command(&app, Some(&head_file));
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!("entry {}, is missing", head.id)),
        "{out}"
    );
    assert!(out.contains("truncated"), "{out}");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn history_cannot_be_edited_or_deleted_even_by_the_tables_owner() {
    let app = some_history().await;
    for sql in [
        "UPDATE audit_log SET action = 'x'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let err = sqlx::query(sql).execute(&app.db).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn the_runtime_role_may_only_insert_and_read_audit_entries() {
    let role = format!("hotline_rt_{}", Uuid::new_v4().simple());
    let db_name = format!("hotline_test_{}", Uuid::new_v4().simple());
    let admin = sqlx::PgPool::connect(&database_url("postgres"))
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE ROLE {role} LOGIN PASSWORD 'runtime-pass'"
    )))
    .execute(&admin)
    .await
    .unwrap();
    let server = crate::helpers::server_url();
    let (scheme, rest) = server.split_once("://").unwrap();
    let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    let runtime_url = format!("{scheme}://{role}:runtime-pass@{host}/{db_name}");
    let app = spawn_app_with(Options {
        database: Some(db_name.clone()),
        database_url: Some(runtime_url),
        extra_env: vec![("DATABASE_MIGRATION_URL".into(), database_url(&db_name))],
        ..Options::default()
    })
    .await;
    // The app works as the runtime role: a report writes its audit entry.
    let c = app.staff(Role::Counselor).await;
    let case = app.report(&c, &phone_report("runtime role")).await;
    app.case(&c, case["id"].as_str().unwrap()).await;
    assert!(app.count("audit_log").await >= 2);
    for table in ["audit_log", "audit_chain"] {
        for privilege in ["UPDATE", "DELETE", "TRUNCATE"] {
            let (has,): (bool,) = sqlx::query_as("SELECT has_table_privilege($1, $2, $3)")
                .bind(&role)
                .bind(table)
                .bind(privilege)
                .fetch_one(&app.db)
                .await
                .unwrap();
            assert!(!has, "the runtime role may {privilege} {table}");
        }
    }
    for sql in ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"] {
        let err = sqlx::query(sql).execute(&app.db).await.unwrap_err();
        assert!(
            err.to_string().contains("permission denied"),
            "{sql}: {err}"
        );
    }
}

#[tokio::test]
async fn audit_verify_names_the_entry_after_one_deleted_with_its_link() {
    let app = some_history().await;
    let (ok, out) = verify_command(&app, None);
    assert!(ok, "{out}");
    let ids = entry_ids(&app).await;
    tamper(
        &app,
        &format!(
            "DELETE FROM audit_chain WHERE entry_id = {id}; DELETE FROM audit_log WHERE id = {id}",
            id = ids[2]
        ),
    )
    .await;
    let (ok, out) = verify_command(&app, None);
    assert!(!ok, "{out}");
    assert!(
        out.contains(&format!(
            "entry {} follows entry {}, which is missing",
            ids[3], ids[2]
        )),
        "{out}"
    );
}

#[tokio::test]
async fn audited_writes_do_not_wait_for_each_other() {
    let app = spawn_app().await;
    // One writer's transaction holds an entry it has not committed yet...
    let mut open = app.db.begin().await.unwrap();
    chain::append(
        &mut *open,
        None,
        "test.first",
        None,
        serde_json::json!({}),
        app.clock_now(),
    )
    .await
    .unwrap();
    // ...and another writer appends and commits meanwhile. Before the chain was linked after
    // commit, this waited for the first transaction to end (a deadlock here).
    tokio::time::timeout(
        std::time::Duration::from_secs(30),
        chain::append(
            &app.db,
            None,
            "test.second",
            None,
            serde_json::json!({}),
            app.clock_now(),
        ),
    )
    .await
    .expect("the second write waited for the first")
    .unwrap();
    open.commit().await.unwrap();
    let (ok, out) = verify_command(&app, None);
    assert!(ok, "{out}");
}

#[tokio::test]
async fn an_entry_that_commits_after_later_ones_are_linked_is_linked_too() {
    let app = spawn_app().await;
    let mut slow = app.db.begin().await.unwrap();
    chain::append(
        &mut *slow,
        None,
        "test.slow",
        None,
        serde_json::json!({}),
        app.clock_now(),
    )
    .await
    .unwrap();
    for _ in 0..3 {
        chain::append(
            &app.db,
            None,
            "test.quick",
            None,
            serde_json::json!({}),
            app.clock_now(),
        )
        .await
        .unwrap();
    }
    assert_eq!(
        chain::link_pending(&app.db, chain::Sweep::Recent)
            .await
            .unwrap(),
        3
    );
    slow.commit().await.unwrap();
    assert_eq!(
        chain::link_pending(&app.db, chain::Sweep::Recent)
            .await
            .unwrap(),
        1
    );
    let head = chain::head(&app.db).await.unwrap().unwrap();
    let slow_id: (i64,) = sqlx::query_as("SELECT id FROM audit_log WHERE action = 'test.slow'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(head.id, slow_id.0, "the late entry is the newest link");
    let (ok, out) = verify_command(&app, None);
    assert!(ok, "{out}");
}

#[tokio::test]
async fn a_supervisor_searches_the_audit_log_in_the_console_in_thai_and_a_counselor_may_not() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let case = app.report(&counselor, &phone_report("audit page")).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let reference = case["reference"].as_str().unwrap().to_owned();
    app.case(&counselor, &id).await;
    app.prefers_console_language(&supervisor, "th").await;
    let cookie =
        session_of(&crate::console::sign_in(&app, &supervisor.email, &supervisor.password).await)
            .unwrap();

    // By the case's reference, as a supervisor would type it.
    let html = app
        .get_page(
            &format!("/console/audit?case={}", reference.to_lowercase()),
            Some(&cookie),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"audit-entries\""), "{html}");
    assert!(html.contains("บันทึกการตรวจสอบ"), "the page speaks Thai");
    assert!(
        html.contains("เปิดเคสใหม่") || html.contains(&reference),
        "{html}"
    );
    assert!(html.contains(&counselor.email), "who did it");
    assert!(html.contains("holder"), "why they read it");
    assert!(!html.contains('⟦'), "untranslated key: {html}");

    // By person and action, and a bad date named instead of searched.
    let html = app
        .get_page(
            &format!(
                "/console/audit?actor={}&action=case.viewed",
                counselor.email
            ),
            Some(&cookie),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&counselor.email), "{html}");
    let html = app
        .get_page("/console/audit?from=yesterday", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"audit-problem\""), "{html}");
    let html = app
        .get_page("/console/audit?case=HL-NOPE", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"audit-problem\""), "{html}");

    let counselors =
        session_of(&crate::console::sign_in(&app, &counselor.email, &counselor.password).await)
            .unwrap();
    let resp = app.get_page("/console/audit", Some(&counselors)).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

fn session_of(resp: &reqwest::Response) -> Option<String> {
    crate::console::cookie_value(resp, "hotline_session").map(|v| format!("hotline_session={v}"))
}
