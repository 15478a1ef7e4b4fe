//! Text triage through the real app: free text sets the level with evidence; counselors
//! override with a reason; rules reload without a restart and refuse broken files.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    Options, phone_report, spawn_app, spawn_app_with, spawn_app_with_telegram, tg_text,
};

fn flags(case: &Value) -> Vec<String> {
    case["urgency"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_free_text_report_gets_its_level_from_the_words_with_evidence() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let narrative =
        "My sister called: the boss locked her in the dormitory and keeps her passport.";
    let case = app.report(&counselor, &phone_report(narrative)).await;
    assert_eq!(case["urgency"]["level"], "critical");
    let f = flags(&case);
    assert!(
        f.contains(&"confinement".to_owned()) && f.contains(&"documents_seized".to_owned()),
        "{f:?}"
    );
    let reason = case["urgency"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["flag"] == "confinement")
        .unwrap();
    let evidence = &reason["evidence"][0];
    let quote = evidence["quote"].as_str().unwrap();
    assert!(quote.contains("locked"), "{quote}");
    let (start, end) = (
        evidence["start"].as_u64().unwrap() as usize,
        evidence["end"].as_u64().unwrap() as usize,
    );
    let chars: Vec<char> = narrative.chars().collect();
    assert_eq!(chars[start..end].iter().collect::<String>(), quote);
    assert_eq!(evidence["message_id"], case["messages"][0]["id"]);
}

#[tokio::test]
async fn a_denial_and_a_past_ordeal_do_not_make_a_case_critical() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let case = app
        .report(
            &counselor,
            &phone_report(
                "She is not locked in and nobody beats her, but the employer keeps her passport.",
            ),
        )
        .await;
    assert_eq!(case["urgency"]["level"], "high", "{}", case["urgency"]);
    assert!(!flags(&case).contains(&"confinement".to_owned()));
    let case = app
        .report(&counselor, &phone_report("Last year he was locked in a scam compound in Cambodia. He escaped and is safe at home now; he wants a lawyer."))
        .await;
    assert_eq!(case["urgency"]["level"], "medium", "{}", case["urgency"]);
}

#[tokio::test]
async fn a_counselors_lower_level_stands_until_new_evidence_of_danger_arrives() {
    let (app, _tg) = spawn_app_with_telegram(vec![]).await;
    let chat = 7_770_001;
    app.telegram_says(&[tg_text(
        1,
        chat,
        "The agency keeps my passport and I owe them a big debt",
    )])
    .await;
    let counselor = app.staff(Role::Counselor).await;
    let case = app.case_of_chat(&counselor).await;
    let id = case["id"].as_str().unwrap().to_owned();
    assert_eq!(case["urgency"]["level"], "high");
    // Refused without a reason; allowed with one, once the counselor holds the case.
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{id}/urgency"),
            &json!({ "level": "low" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = app
        .post(&counselor, &format!("/api/v1/cases/{id}/urgency"), &json!({ "level": "medium", "reason": "Called back: she is home and safe; the debt is an old loan." }))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let case: Value = resp.json().await.unwrap();
    assert_eq!(case["urgency"]["level"], "medium");
    assert_eq!(case["urgency"]["automatic_level"], "high");
    assert_eq!(case["urgency"]["override"]["level"], "medium");
    assert!(
        case["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["action"] == "case.urgency_overridden")
    );
    // More of the same does not undo the counselor's choice...
    app.telegram_says(&[tg_text(
        2,
        chat,
        "thank you, also they keep my passport still",
    )])
    .await;
    assert_eq!(
        app.case(&counselor, &id).await["urgency"]["level"],
        "medium"
    );
    // ...new danger does.
    app.telegram_says(&[tg_text(3, chat, "now they locked me in the room")])
        .await;
    let case = app.case(&counselor, &id).await;
    assert_eq!(case["urgency"]["level"], "critical");
    assert!(case["urgency"]["override"].is_null());
}

#[tokio::test]
async fn a_reload_with_a_broken_file_keeps_the_running_rules_and_a_fixed_one_takes_effect() {
    let dir = std::env::temp_dir().join(format!("hotline-rules-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir("config/triage").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    let shared = dir.join("shared.yaml");
    let app = spawn_app_with(Options {
        extra_env: vec![(
            "HOTLINE_TRIAGE__RULES_PATH".into(),
            shared.display().to_string(),
        )],
        ..Options::default()
    })
    .await;
    let supervisor = app.staff(Role::Supervisor).await;
    let counselor = app.staff(Role::Counselor).await;
    let version = app.ctx.rules().version.clone();

    let th = dir.join("th.yaml");
    let good = std::fs::read_to_string(&th).unwrap();
    std::fs::write(&th, good.replace("flags:", "flags:\n  not_a_flag: [\"x\"]")).unwrap();
    let resp = app.post_empty(&supervisor, "/api/v1/triage/reload").await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = resp.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("th.yaml") && message.contains("not_a_flag"),
        "{message}"
    );
    assert_eq!(app.ctx.rules().version, version, "the running rules stay");
    let case = app
        .report(&counselor, &phone_report("they locked us in"))
        .await;
    assert_eq!(case["urgency"]["level"], "critical", "scoring still works");

    std::fs::write(&th, &good).unwrap();
    let changed =
        std::fs::read_to_string(&shared)
            .unwrap()
            .replacen(&version, "reloaded-in-test", 1);
    std::fs::write(&shared, changed).unwrap();
    let resp = app.post_empty(&counselor, "/api/v1/triage/reload").await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = app.post_empty(&supervisor, "/api/v1/triage/reload").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["rules_version"], "reloaded-in-test");
    let case = app
        .report(&counselor, &phone_report("they locked us in"))
        .await;
    assert_eq!(case["urgency"]["rules_version"], "reloaded-in-test");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn burmese_typed_in_zawgyi_is_converted_kept_beside_the_original_and_triaged() {
    let (app, _tg) = spawn_app_with_telegram(vec![]).await;
    // A domestic worker abroad, beaten and locked in, typed in Zawgyi.
    let zawgyi = "ကြၽန္မကို အိမ္ရွင္က ေန႔တိုင္း ႐ိုက္တယ္။ အခန္းထဲမွာ ေသာ့ခတ္ထားလို႔ ထြက္လို႔ မရဘူး။";
    app.telegram_says(&[tg_text(1, 7_770_002, zawgyi)]).await;
    let counselor = app.staff(Role::Counselor).await;
    let case = app.case_of_chat(&counselor).await;
    assert_eq!(case["urgency"]["level"], "critical", "{}", case["urgency"]);
    let message = case["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["direction"] == "inbound")
        .unwrap();
    assert_eq!(message["text"], zawgyi, "the original is kept");
    let converted = message["text_converted"].as_str().unwrap();
    assert_ne!(converted, zawgyi);
    assert!(
        !hotline::triage::zawgyi::is_zawgyi(converted),
        "the conversion is Unicode"
    );
    // Evidence points into the converted text.
    let evidence = &case["urgency"]["reasons"][0]["evidence"][0];
    let chars: Vec<char> = converted.chars().collect();
    let (start, end) = (
        evidence["start"].as_u64().unwrap() as usize,
        evidence["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(
        chars[start..end].iter().collect::<String>(),
        evidence["quote"].as_str().unwrap()
    );
}

/// A new message costs one reading: the earlier messages are scored from the readings stored
/// beside them, not read again (here an earlier message's stored text is swapped for danger
/// words, and the level does not move, because its reading is what counts).
#[tokio::test]
async fn a_new_chat_message_is_scored_from_the_stored_readings_of_the_earlier_ones() {
    let (app, _tg) = spawn_app_with_telegram(vec![]).await;
    let counselor = app.staff(Role::Counselor).await;
    let chat = 5_550_301;
    app.telegram_says(&[tg_text(1, chat, "hello, I have a question about a visa")])
        .await;
    let first = app.case_of_chat(&counselor).await;
    assert_ne!(first["urgency"]["level"], "critical");
    let (stored_version,): (Option<String>,) = sqlx::query_as(
        "SELECT triage_reading_version FROM messages WHERE direction = 'inbound' AND external_event_id IS NOT NULL",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(
        stored_version.is_some(),
        "the reading is stored with the message"
    );
    sqlx::query("UPDATE messages SET text_enc = $1 WHERE direction = 'inbound'")
        .bind(
            app.ctx
                .keys
                .seal("they locked us in the room and beat my friend"),
        )
        .execute(&app.db)
        .await
        .unwrap();
    app.telegram_says(&[tg_text(2, chat, "thank you")]).await;
    let after = app.case_of_chat(&counselor).await;
    assert_eq!(after["urgency"]["level"], first["urgency"]["level"]);
}

/// A reading made under other rules is made again from the message: a reload scores a case as
/// reading every message afresh would.
#[tokio::test]
async fn a_reading_made_under_other_rules_is_read_again_from_the_message() {
    let (app, _tg) = spawn_app_with_telegram(vec![]).await;
    let counselor = app.staff(Role::Counselor).await;
    let chat = 5_550_302;
    app.telegram_says(&[tg_text(1, chat, "hello, I have a question about a visa")])
        .await;
    // As if the rules changed since: the stored reading is stale, and the text now says more.
    sqlx::query(
        "UPDATE messages SET text_enc = $1, triage_reading_version = 'older-rules'
         WHERE direction = 'inbound'",
    )
    .bind(
        app.ctx
            .keys
            .seal("they locked us in the room and beat my friend"),
    )
    .execute(&app.db)
    .await
    .unwrap();
    app.telegram_says(&[tg_text(2, chat, "thank you")]).await;
    let after = app.case_of_chat(&counselor).await;
    assert_eq!(after["urgency"]["level"], "critical");
    let stale: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM messages WHERE triage_reading_version = 'older-rules'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(stale, 0, "the fresh reading is stored");
}

#[tokio::test]
async fn a_case_the_safety_net_reads_as_critical_goes_up_one_level_with_that_reason() {
    use hotline::domain::Level;
    use hotline::triage::safety_net::{Example, SafetyNet, Training};
    // A net that reads every message as critical (thresholds 0), so the lift does not depend on
    // the shipped weights.
    let net = SafetyNet::train(
        &[
            Example {
                id: "tuning-critical-1",
                text: "they beat me and locked me in the room",
                level: Level::Critical,
            },
            Example {
                id: "tuning-low-1",
                text: "is a border pass ok for mae sot?",
                level: Level::Low,
            },
        ],
        Training {
            thresholds: [0.0; 3],
            ..Training::default()
        },
        "test",
    );
    let path = std::env::temp_dir().join(format!("safety_net_{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&path, net.to_json()).unwrap();
    let app = spawn_app_with(Options {
        extra_env: vec![
            ("HOTLINE_TRIAGE__SAFETY_NET__ENABLED".into(), "true".into()),
            (
                "HOTLINE_TRIAGE__SAFETY_NET__PATH".into(),
                path.display().to_string(),
            ),
        ],
        ..Options::default()
    })
    .await;
    let counselor = app.staff(Role::Counselor).await;
    // Seized documents alone are high by the rules; the net lifts it one step, to critical.
    let case = app
        .report(
            &counselor,
            &phone_report("The employer keeps her passport."),
        )
        .await;
    assert_eq!(case["urgency"]["level"], "critical");
    let reason = case["urgency"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["text"]
                .as_str()
                .unwrap()
                .contains("resembles critical reports")
        })
        .expect("the safety net's reason");
    let text = reason["text"].as_str().unwrap();
    // The closest training examples by id (never their words).
    assert!(text.contains("tuning-critical-1"), "{text}");
    assert!(!text.contains("beat"), "{text}");
    std::fs::remove_file(&path).ok();
}
