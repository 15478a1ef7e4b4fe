//! Personal data is encrypted at rest: a full dump of the database shows none of it.

use hotline::auth::Role;
use serde_json::json;

use crate::helpers::{database_url, phone_report, spawn_app};

#[tokio::test]
async fn a_full_pg_dump_contains_none_of_the_planted_personal_data() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let sentinels = [
        "Zqxname Sentinelwong",
        "+66 99 123 4567",
        "99123456",
        "narrative-sentinel-7731",
        "area-sentinel-5512",
        "note-sentinel-9034",
        "ข้อความลับสุดยอด",
    ];
    let mut body = phone_report("narrative-sentinel-7731: ข้อความลับสุดยอด, she is locked in");
    body["callback"] = json!({ "name": "Zqxname Sentinelwong", "phone": "+66 99 123 4567", "safe_hours": "after 20:00" });
    body["location"]["area"] = json!("area-sentinel-5512");
    body["answers"] = json!({ "confinement": "yes" });
    let case = app.report(&c, &body).await;
    let id = case["id"].as_str().unwrap();
    app.post(&c, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    app.post(
        &c,
        &format!("/api/v1/cases/{id}/notes"),
        &json!({ "text": "note-sentinel-9034" }),
    )
    .await;
    // The API still shows it all to staff.
    let shown = app.case(&c, id).await.to_string();
    assert!(
        shown.contains("narrative-sentinel-7731")
            && shown.contains("Zqxname Sentinelwong")
            && shown.contains("note-sentinel-9034")
    );

    let dump = std::process::Command::new("pg_dump")
        .arg("--no-owner")
        .arg(database_url(&app.db_name))
        .output()
        .expect("pg_dump runs");
    assert!(
        dump.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&dump.stderr)
    );
    let dump = String::from_utf8_lossy(&dump.stdout);
    assert!(dump.contains("case.opened"), "the dump holds the data");
    for s in sentinels {
        assert!(
            !dump.contains(s),
            "the dump contains the planted value {s:?}"
        );
    }
}

#[tokio::test]
async fn what_someone_typed_after_start_is_sealed_to_its_row_and_older_plaintext_is_sealed_by_migrate()
 {
    let (app, _tg) = crate::helpers::spawn_app_with_telegram(vec![]).await;
    app.telegram_says(&[crate::helpers::tg_text(
        1,
        4_440_001,
        "/start source-sentinel-6621",
    )])
    .await;
    let (id,): (uuid::Uuid,) = sqlx::query_as("SELECT id FROM channel_identities LIMIT 1")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let keys = &app.ctx.keys;
    assert_eq!(
        hotline::privacy::sealed::start_text(&app.db, keys, id)
            .await
            .unwrap()
            .as_deref(),
        Some("source-sentinel-6621")
    );
    let dump = std::process::Command::new("pg_dump")
        .arg("--no-owner")
        .arg(database_url(&app.db_name))
        .output()
        .expect("pg_dump runs");
    assert!(dump.status.success());
    assert!(!String::from_utf8_lossy(&dump.stdout).contains("source-sentinel-6621"));

    // Copied onto another identity, the ciphertext does not open there.
    app.telegram_says(&[crate::helpers::tg_text(2, 4_440_002, "hello")])
        .await;
    let (other,): (uuid::Uuid,) =
        sqlx::query_as("SELECT id FROM channel_identities WHERE id <> $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    sqlx::query(
        "UPDATE channel_identities SET source_enc = (SELECT source_enc FROM channel_identities WHERE id = $1) WHERE id = $2",
    )
    .bind(id)
    .bind(other)
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(
        hotline::privacy::sealed::start_text(&app.db, keys, other)
            .await
            .unwrap(),
        None
    );

    // A row an older version wrote in clear is sealed by the migrate step, and still reads.
    sqlx::query(
        "UPDATE channel_identities SET source = 'legacy-sentinel-1187', source_enc = NULL WHERE id = $1",
    )
    .bind(other)
    .execute(&app.db)
    .await
    .unwrap();
    assert_eq!(
        hotline::privacy::sealed::start_text(&app.db, keys, other)
            .await
            .unwrap()
            .as_deref(),
        Some("legacy-sentinel-1187")
    );
    let sealed = hotline::privacy::sealed::seal_legacy_sources(&app.db, keys)
        .await
        .unwrap();
    assert_eq!(sealed, 1);
    let (plain,): (Option<String>,) =
        sqlx::query_as("SELECT source FROM channel_identities WHERE id = $1")
            .bind(other)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(plain, None);
    assert_eq!(
        hotline::privacy::sealed::start_text(&app.db, keys, other)
            .await
            .unwrap()
            .as_deref(),
        Some("legacy-sentinel-1187")
    );
}
