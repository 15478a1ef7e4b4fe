//! Key rotation: a new master key goes in beside the old one, rows written under either stay
//! readable and findable (a returning chat reporter, a phone match, an email thread), the
//! re-encryption moves everything to the new key in resumable batches, and then the old key
//! can go. Sealed values are bound to their row: one copied elsewhere does not open.

use hotline::auth::Role;
use hotline::crypto::reencrypt::{reencrypt_all, status};
use hotline::crypto::{Binding, KeyRing};
use hotline::intake::email::{IncomingEmail, IncomingKind, MailboxPlace, record_email};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    BOT_TOKEN, Options, Staff, TestApp, WEBHOOK_SECRET, phone_report, plan_nodes, random_key,
    spawn_app_with, tg_text,
};

/// Settings every node of the test deployment shares: Telegram on, and the audit chain keyed
/// independently of the master key (the runbook's first step).
fn shared_env(audit_key: &str, telegram_api: &str) -> Vec<(String, String)> {
    [
        ("HOTLINE_CHANNELS__TELEGRAM__ENABLED", "true"),
        ("HOTLINE_CHANNELS__TELEGRAM__BOT_TOKEN", BOT_TOKEN),
        ("HOTLINE_CHANNELS__TELEGRAM__WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("HOTLINE_CHANNELS__TELEGRAM__API_URL", telegram_api),
        ("HOTLINE_AUDIT__KEY", audit_key),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// A node on `db_name` with `key` as k2 and, when given, `previous` as k1.
async fn node(
    db_name: Option<&str>,
    key: &str,
    key_id: &str,
    previous: Option<&str>,
    env: &[(String, String)],
) -> TestApp {
    let mut extra_env = env.to_vec();
    extra_env.push(("HOTLINE_CRYPTO__KEY_ID".into(), key_id.into()));
    if let Some(previous) = previous {
        extra_env.push(("HOTLINE_CRYPTO__PREVIOUS_KEY".into(), previous.into()));
        extra_env.push(("HOTLINE_CRYPTO__PREVIOUS_KEY_ID".into(), "k1".into()));
    }
    spawn_app_with(Options {
        database: db_name.map(str::to_owned),
        crypto_key: Some(key.to_owned()),
        migrate: db_name.is_none(),
        extra_env,
        ..Options::default()
    })
    .await
}

fn email(message_id: &str, in_reply_to: Option<&str>, text: &str) -> IncomingEmail {
    IncomingEmail {
        kind: IncomingKind::Normal,
        message_id: Some(message_id.into()),
        in_reply_to: in_reply_to.into_iter().map(str::to_owned).collect(),
        references: vec![],
        bounced_message_id: None,
        subject: Some("my cousin".into()),
        from_address: Some("mai@example.org".into()),
        new_text: text.into(),
        quoted_text: String::new(),
        attachments: vec![],
        case_reference: None,
        content_hash: message_id.into(),
    }
}

async fn email_arrives(app: &TestApp, uid: u32, mail: &IncomingEmail) -> Uuid {
    let place = MailboxPlace {
        mailbox: "INBOX",
        uid_validity: 1,
        uid,
    };
    match record_email(&app.ctx, place, mail).await.unwrap() {
        hotline::intake::email::EmailOutcome::Recorded { case_id, .. } => case_id.0,
        other => panic!("email not recorded: {other:?}"),
    }
}

async fn phone_matches(app: &TestApp, who: &Staff, phone: &str) -> Vec<String> {
    let resp = app
        .post(who, "/api/v1/reports/matches", &json!({ "phone": phone }))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The cases opened by Telegram chats (the test has one chat).
async fn chat_cases(app: &TestApp) -> Vec<Uuid> {
    sqlx::query_as::<_, (Uuid,)>(
        "SELECT c.id FROM cases c JOIN channel_identities i ON i.id = c.channel_identity_id
         WHERE i.channel = 'telegram' ORDER BY c.created_at",
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
    .into_iter()
    .map(|(id,)| id)
    .collect()
}

async fn remaining(app: &TestApp) -> i64 {
    status(&app.db, &app.ctx.keys)
        .await
        .unwrap()
        .iter()
        .map(|c| c.remaining)
        .sum()
}

async fn remaining_in(app: &TestApp, table: &str, column: &str) -> i64 {
    status(&app.db, &app.ctx.keys)
        .await
        .unwrap()
        .iter()
        .find(|c| c.table == table && c.column == column)
        .map(|c| c.remaining)
        .unwrap()
}

/// Every lookup the hotline makes by keyed hash, and a full read, still find what was written
/// before: the phone match, the returning Telegram chat, the email thread.
async fn lookups_still_work(
    app: &TestApp,
    supervisor: &Staff,
    case_by_phone: &str,
    chat_case: Uuid,
    email_case: Uuid,
    round: u32,
) {
    assert_eq!(
        phone_matches(app, supervisor, "+66 81 234 5678").await,
        vec![case_by_phone.to_owned()],
        "the phone match is lost (round {round})"
    );
    let update = 100 + i64::from(round);
    let resp = app
        .post_telegram_update(&tg_text(update, 4242, "I am back, it is me again"))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        chat_cases(app).await,
        vec![chat_case],
        "the returning chat opened a new case (round {round})"
    );
    let reply = email(
        &format!("reply-{round}@example.org"),
        Some("first@example.org"),
        "another detail about my cousin",
    );
    assert_eq!(
        email_arrives(app, 100 + round, &reply).await,
        email_case,
        "the email reply left its thread (round {round})"
    );
    let case = app.case(supervisor, case_by_phone).await;
    assert_eq!(case["callback"]["phone"], "+66812345678");
    assert!(
        case["messages"][0]["text"]
            .as_str()
            .unwrap()
            .contains("passport kept by the boat captain")
    );
}

#[tokio::test]
async fn rotating_the_master_key_keeps_every_lookup_working_before_during_and_after_reencryption() {
    let telegram = hotline_testkit::TelegramStandIn::start().unwrap();
    let audit_key = random_key();
    let env = shared_env(&audit_key, &telegram.api_url());
    let k1 = random_key();
    let k2 = random_key();

    // Before: everything written under k1.
    let before = node(None, &k1, "k1", None, &env).await;
    let supervisor = before.staff(Role::Supervisor).await;
    let case = before
        .report(
            &supervisor,
            &phone_report("my cousin on a fishing boat, passport kept by the boat captain"),
        )
        .await;
    let case_by_phone = case["id"].as_str().unwrap().to_owned();
    before
        .telegram_says(&[tg_text(1, 4242, "hello, I need help")])
        .await;
    let chat_case = chat_cases(&before).await[0];
    let email_case = email_arrives(
        &before,
        1,
        &email("first@example.org", None, "my cousin was taken to a farm"),
    )
    .await;
    lookups_still_work(
        &before,
        &supervisor,
        &case_by_phone,
        chat_case,
        email_case,
        1,
    )
    .await;
    let session_cookie = before.ctx.keys.sign_cookie("a-session-id");
    // Hashes carry their key version from the start.
    for (table, column) in [
        ("reporters", "phone_hash"),
        ("channel_identities", "external_id_hash"),
        ("messages", "email_message_id_hash"),
    ] {
        assert_eq!(
            remaining_in(&before, table, column).await,
            0,
            "{table}.{column}"
        );
    }

    // During: k2 is current, k1 still configured; rows under both.
    let during = node(Some(&before.db_name), &k2, "k2", Some(&k1), &env).await;
    let old_rows = remaining(&during).await;
    assert!(old_rows > 0);
    assert!(remaining_in(&during, "reporters", "phone_hash").await >= 1);
    assert!(remaining_in(&during, "channel_identities", "external_id_hash").await >= 1);
    assert!(remaining_in(&during, "messages", "email_message_id_hash").await >= 1);
    // Nobody is signed out by the rotation.
    assert_eq!(
        during.ctx.keys.verify_cookie(&session_cookie),
        Some("a-session-id")
    );
    // New rows under k2 beside the old ones.
    let mut newer = phone_report("a new call after the rotation");
    newer["callback"]["phone"] = json!("+66 89 999 0000");
    let newer = during.report(&supervisor, &newer).await;
    assert_eq!(
        phone_matches(&during, &supervisor, "+66 89 999 0000").await,
        vec![newer["id"].as_str().unwrap().to_owned()]
    );
    lookups_still_work(
        &during,
        &supervisor,
        &case_by_phone,
        chat_case,
        email_case,
        2,
    )
    .await;

    // A re-encryption interrupted after its first batch: progress is kept, nothing is broken.
    let mut batches = 0;
    let first = reencrypt_all(&during.db, &during.ctx.keys, 2, |_, _, _| {
        batches += 1;
        batches < 2
    })
    .await
    .unwrap();
    assert!(first.resealed > 0);
    let left = remaining(&during).await;
    assert!(left > 0 && left < old_rows + 20, "left: {left}");
    lookups_still_work(
        &during,
        &supervisor,
        &case_by_phone,
        chat_case,
        email_case,
        3,
    )
    .await;

    // Resumed to the end: nothing left under k1, every value bound to its row.
    let rest = reencrypt_all(&during.db, &during.ctx.keys, 2, |_, _, _| true)
        .await
        .unwrap();
    assert_eq!(rest.unreadable, 0);
    assert!(rest.rehashed >= 3);
    let left: Vec<_> = status(&during.db, &during.ctx.keys)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.remaining > 0)
        .collect();
    assert!(left.is_empty(), "left under k1: {left:?}");
    // Running it again finds nothing to do.
    let again = reencrypt_all(&during.db, &during.ctx.keys, 50, |_, _, _| true)
        .await
        .unwrap();
    assert_eq!(again, Default::default());
    lookups_still_work(
        &during,
        &supervisor,
        &case_by_phone,
        chat_case,
        email_case,
        4,
    )
    .await;

    // After: k1 removed from the configuration altogether.
    let after = node(Some(&before.db_name), &k2, "k2", None, &env).await;
    assert_eq!(remaining(&after).await, 0);
    lookups_still_work(
        &after,
        &supervisor,
        &case_by_phone,
        chat_case,
        email_case,
        5,
    )
    .await;
}

#[tokio::test]
async fn a_sealed_value_copied_onto_another_row_does_not_open() {
    let app = spawn_app_with(Options::default()).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let mut first = phone_report("first caller, her passport was taken");
    first["callback"]["name"] = json!("Somchai First");
    let first = app.report(&supervisor, &first).await;
    let mut second = phone_report("second caller about a farm");
    second["callback"]["phone"] = json!("+66 89 999 0000");
    let second = app.report(&supervisor, &second).await;
    // Everything bound (older rows too), as after `hotline keys reencrypt`.
    reencrypt_all(&app.db, &app.ctx.keys, 100, |_, _, _| true)
        .await
        .unwrap();

    let reporter_of = |case: &Value| -> Uuid { case["id"].as_str().unwrap().parse().unwrap() };
    let (first_reporter, name): (Uuid, Vec<u8>) = sqlx::query_as(
        "SELECT r.id, r.name_enc FROM reporters r JOIN cases c ON c.reporter_id = r.id WHERE c.id = $1",
    )
    .bind(reporter_of(&first))
    .fetch_one(&app.db)
    .await
    .unwrap();
    let (second_reporter,): (Uuid,) = sqlx::query_as("SELECT reporter_id FROM cases WHERE id = $1")
        .bind(reporter_of(&second))
        .fetch_one(&app.db)
        .await
        .unwrap();
    let keys: &KeyRing = &app.ctx.keys;
    assert_eq!(
        keys.open_bound(
            &name,
            &Binding::new("reporters", "name_enc", first_reporter)
        )
        .unwrap(),
        "Somchai First"
    );
    // Onto another reporter, or into another column of the same one: refused.
    assert!(
        keys.open_bound(
            &name,
            &Binding::new("reporters", "name_enc", second_reporter)
        )
        .is_err()
    );
    assert!(
        keys.open_bound(
            &name,
            &Binding::new("reporters", "phone_enc", first_reporter)
        )
        .is_err()
    );
    // And through the app: the copied name is never shown on the other case.
    sqlx::query("UPDATE reporters SET name_enc = $2 WHERE id = $1")
        .bind(second_reporter)
        .bind(&name)
        .execute(&app.db)
        .await
        .unwrap();
    let resp = app
        .get(
            &supervisor,
            &format!("/api/v1/cases/{}", second["id"].as_str().unwrap()),
        )
        .await;
    let body = resp.text().await.unwrap();
    assert!(!body.contains("Somchai First"), "{body}");
}

#[tokio::test]
async fn keys_status_counts_rows_per_column_and_key() {
    let app = spawn_app_with(Options::default()).await;
    let supervisor = app.staff(Role::Supervisor).await;
    app.report(&supervisor, &phone_report("a report to count"))
        .await;
    let columns = status(&app.db, &app.ctx.keys).await.unwrap();
    let phone = columns
        .iter()
        .find(|c| c.table == "reporters" && c.column == "phone_enc")
        .unwrap();
    assert_eq!(phone.total, 1);
    assert_eq!(phone.remaining, 0);
    assert_eq!(phone.by_key, vec![("k1".to_owned(), true, 1)]);
    let hash = columns
        .iter()
        .find(|c| c.table == "reporters" && c.column == "phone_hash")
        .unwrap();
    assert_eq!((hash.total, hash.remaining), (1, 0));
    // Every value the app writes is sealed and bound under the current key from the start.
    assert_eq!(remaining(&app).await, 0);
}

#[tokio::test]
async fn every_encrypted_column_and_lookup_hash_in_the_schema_is_known_to_the_reencryption() {
    let app = spawn_app_with(Options::default()).await;
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = 'public' AND data_type = 'bytea'
           AND (column_name LIKE '%\\_enc' OR column_name LIKE '%\\_hash'
                OR column_name LIKE '%secret')
           AND column_name NOT IN ('token_hash', 'request_hash', 'password_hash', 'code_hash')",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert!(columns.len() > 20);
    for (table, column) in columns {
        let known = hotline::crypto::columns::SEALED
            .iter()
            .any(|c| c.table == table && c.column == column)
            || hotline::crypto::columns::HASHES
                .iter()
                .any(|c| c.table == table && c.column == column);
        assert!(
            known,
            "{table}.{column} is not in crypto::columns: it would stay under an old key forever"
        );
    }
}

/// The plan of `sql` with `binds` as text parameters (each cast in the statement), sequential
/// scans priced out of reach: a `Seq Scan` left in it means no index can serve the statement.
async fn plan_without_seq_scans(app: &TestApp, sql: &str, binds: &[Value]) -> Value {
    let mut tx = app.db.begin().await.unwrap();
    sqlx::query("SET LOCAL enable_seqscan = off")
        .execute(&mut *tx)
        .await
        .unwrap();
    let explain = format!("EXPLAIN (FORMAT JSON) {sql}");
    let mut query = sqlx::query_as::<_, (Value,)>(sqlx::AssertSqlSafe(explain));
    for b in binds {
        query = match b {
            Value::Array(items) => query.bind(
                items
                    .iter()
                    .map(|i| i.as_str().unwrap().to_owned())
                    .collect::<Vec<String>>(),
            ),
            Value::Number(n) => query.bind(n.as_i64().unwrap()),
            Value::String(s) => query.bind(s.as_bytes().to_vec()),
            _ => query.bind(Option::<Vec<u8>>::None),
        };
    }
    let (plan,) = query.fetch_one(&mut *tx).await.unwrap();
    plan
}

fn has_seq_scan(plan: &Value) -> bool {
    plan_nodes(plan)
        .iter()
        .any(|n| n["Node Type"] == "Seq Scan")
}

#[tokio::test]
async fn reencryption_reads_and_updates_rows_through_their_primary_key_not_by_scanning_tables() {
    // After a rotation every row is to be re-sealed. A row key the index could not serve
    // (it was `id::text`) made every batch sort the table and every one-row update scan it:
    // O(n²), 6 ms an update at 10,000 cases (issue 18's bench) and hours at a million.
    use hotline::crypto::columns::{HASHES, RowKey, SEALED};
    use hotline::crypto::reencrypt::{rehash_batch_sql, reseal_batch_sql, update_sql};
    let app = spawn_app_with(Options::default()).await;
    let key_values = |key: &RowKey| -> Value {
        Value::Array(
            key.0
                .iter()
                .map(|(_, ty)| match *ty {
                    "uuid" => json!(Uuid::new_v4().to_string()),
                    "int4" => json!("1"),
                    _ => json!("x"),
                })
                .collect(),
        )
    };
    let mut checked = 0;
    for (table, column, key, batch) in SEALED
        .iter()
        .map(|c| (c.table, c.column, c.key, reseal_batch_sql(c, true)))
        .chain(
            HASHES
                .iter()
                .map(|c| (c.table, c.column, c.key, rehash_batch_sql(c, true))),
        )
    {
        let update = update_sql(table, column, &key);
        let plan = plan_without_seq_scans(
            &app,
            &update,
            &[key_values(&key), json!("new"), json!("old")],
        )
        .await;
        assert!(
            !has_seq_scan(&plan[0]["Plan"]),
            "{table}.{column}'s update scans the table: {plan:#}"
        );
        // The batch's parameters: two prefixes (bytes) or a prefix and a length, the key to
        // resume after, the batch size.
        let second = if batch.contains("length($1)) = $1)") {
            json!(32)
        } else {
            json!("p")
        };
        let plan = plan_without_seq_scans(
            &app,
            &batch,
            &[json!("p"), second, key_values(&key), json!(200)],
        )
        .await;
        assert!(
            !has_seq_scan(&plan[0]["Plan"]),
            "{table}.{column}'s batch scans the table: {plan:#}"
        );
        checked += 1;
    }
    assert_eq!(checked, SEALED.len() + HASHES.len());
}
