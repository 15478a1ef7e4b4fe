//! Safe contact and callbacks end to end: the rules on the case (versioned, the code word only
//! for whoever may act), the gate at send time, callbacks scheduled within the safe windows,
//! attempts, back-off, escalation, the queue, follow-ups. The test clock starts at
//! 2026-11-23 08:00 UTC, a Monday, 15:00 in Bangkok; the phone form's rules are 18:00-20:00
//! Bangkok time, 11:00-13:00 UTC.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Staff, TestApp, phone_report, spawn_app, spawn_app_with_telegram, tg_text};

async fn claimed_case(app: &TestApp, who: &Staff, answers: Value) -> String {
    let case = app.report_with_answers(who, answers).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let resp = app
        .post(who, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    id
}

async fn schedule(app: &TestApp, who: &Staff, case: &str, due_from: &str) -> reqwest::Response {
    app.post(
        who,
        &format!("/api/v1/cases/{case}/callbacks"),
        &json!({ "due_from": due_from, "channel": "phone", "reason": "promised a call back" }),
    )
    .await
}

async fn attempt(app: &TestApp, who: &Staff, callback: &str, outcome: &str) -> Value {
    let resp = app
        .post(
            who,
            &format!("/api/v1/callbacks/{callback}/attempts"),
            &json!({ "outcome": outcome }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    resp.json().await.unwrap()
}

async fn put_rules(app: &TestApp, who: &Staff, case: &str, rules: &Value) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/cases/{case}/safe-contact")))
        .bearer_auth(&who.token)
        .json(rules)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_callback_outside_the_safe_window_is_refused_with_the_next_allowed() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let id = claimed_case(&app, &counselor, json!({})).await;
    let resp = schedule(&app, &counselor, &id, "2026-11-23T08:00:00Z").await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "outside_safe_window");
    assert_eq!(body["error"]["next_allowed"], "2026-11-23T11:00:00.000000Z");
    assert!(!body.to_string().contains("812"), "no number in the error");

    let resp = schedule(&app, &counselor, &id, "2026-11-23T11:00:00Z").await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let cb: Value = resp.json().await.unwrap();
    assert_eq!(cb["status"], "scheduled");
    assert_eq!(cb["case_id"], id.as_str());
    assert_eq!(cb["channel"], "phone");
    assert_eq!(cb["phone"], "+66 81 234 5678");
    assert_eq!(cb["owner"]["id"], counselor.id.to_string());
    assert_eq!(cb["attempts"], json!([]));
    let case = app.case(&counselor, &id).await;
    assert_eq!(case["callbacks"][0]["id"], cb["id"]);
}

#[tokio::test]
async fn three_no_answers_escalate_a_critical_case_and_close_a_low_one_as_unreachable() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    app.advance(3 * 3600); // 11:00 UTC, 18:00 in Bangkok
    let critical = claimed_case(
        &app,
        &counselor,
        json!({ "confinement": "yes", "documents_seized": "yes" }),
    )
    .await;
    let low = claimed_case(&app, &counselor, json!({})).await;
    let level = |case: Value| case["urgency"]["level"].as_str().unwrap().to_owned();
    assert!(["critical", "high"].contains(&level(app.case(&counselor, &critical).await).as_str()));
    assert!(["low", "medium"].contains(&level(app.case(&counselor, &low).await).as_str()));

    for (case, last_status) in [(&critical, "escalated"), (&low, "closed")] {
        let resp = schedule(&app, &counselor, case, "2026-11-23T11:00:00Z").await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        let cb: Value = resp.json().await.unwrap();
        let cb_id = cb["id"].as_str().unwrap();
        let first = attempt(&app, &counselor, cb_id, "no_answer").await;
        assert_eq!(first["status"], "scheduled");
        // Thirty minutes later, inside the 18:00-20:00 window.
        assert_eq!(first["due_from"], "2026-11-23T11:30:00.000000Z");
        let second = attempt(&app, &counselor, cb_id, "busy").await;
        assert_eq!(second["due_from"], "2026-11-23T12:00:00.000000Z");
        let third = attempt(&app, &counselor, cb_id, "no_answer").await;
        assert_eq!(third["status"], last_status);
        assert_eq!(third["attempts"].as_array().unwrap().len(), 3);
        if last_status == "closed" {
            assert_eq!(third["closed_reason"], "unreachable");
        }
        // Nothing more can be attempted.
        let resp = app
            .post(
                &counselor,
                &format!("/api/v1/callbacks/{cb_id}/attempts"),
                &json!({ "outcome": "no_answer" }),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::CONFLICT);
    }
    let supervisor = app.staff(Role::Supervisor).await;
    let resp = app
        .get(&supervisor, "/api/v1/callbacks?status=escalated&owner=any")
        .await;
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    assert_eq!(body["items"][0]["case_id"], critical.as_str());
}

#[tokio::test]
async fn a_reschedule_past_the_window_lands_in_the_next_one() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    app.advance(4 * 3600 + 50 * 60); // 12:50 UTC, 19:50 in Bangkok
    let id = claimed_case(&app, &counselor, json!({})).await;
    let resp = schedule(&app, &counselor, &id, "2026-11-23T12:50:00Z").await;
    let cb: Value = resp.json().await.unwrap();
    let after = attempt(&app, &counselor, cb["id"].as_str().unwrap(), "unsafe").await;
    assert_eq!(after["status"], "scheduled");
    assert_eq!(after["due_from"], "2026-11-24T11:00:00.000000Z");
}

#[tokio::test]
async fn a_wrong_number_is_marked_on_the_rules_and_never_dialled_again() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    app.advance(3 * 3600);
    let id = claimed_case(&app, &counselor, json!({})).await;
    let cb: Value = schedule(&app, &counselor, &id, "2026-11-23T11:00:00Z")
        .await
        .json()
        .await
        .unwrap();
    let after = attempt(&app, &counselor, cb["id"].as_str().unwrap(), "wrong_number").await;
    assert_eq!(after["status"], "closed");
    assert_eq!(after["closed_reason"], "wrong_number");
    let case = app.case(&counselor, &id).await;
    assert_eq!(case["safe_contact"]["phones"][0]["wrong"], true);
    assert_eq!(case["safe_contact"]["updated_how"], "callback_attempt");
    let resp = schedule(&app, &counselor, &id, "2026-11-23T11:10:00Z").await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "safe_contact_forbids");
}

#[tokio::test]
async fn never_contact_first_refuses_a_callback_and_the_rules_keep_their_history() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let other = app.staff(Role::Counselor).await;
    let case = app.report(&counselor, &phone_report("a report")).await;
    let id = case["id"].as_str().unwrap().to_owned();
    assert_eq!(
        case_rules(&app, &counselor, &id).await["time_zone"],
        "Asia/Bangkok"
    );
    let rules = json!({
        "allowed_channels": ["phone"],
        "windows": [{ "days": ["mon", "tue", "wed", "thu", "fri"], "from": "22:00", "to": "02:00" }],
        "time_zone": "Asia/Yangon",
        "never_contact_first": true,
        "no_voicemail": true,
        "code_word": "mango",
        "cover_story": "say you are from the bank",
        "own_words": "late at night on weekdays"
    });
    // Changing the rules needs the case.
    let resp = put_rules(&app, &counselor, &id, &rules).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    let resp = put_rules(&app, &counselor, &id, &rules).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let shown: Value = resp.json().await.unwrap();
    assert_eq!(shown["version"], 2);
    assert_eq!(shown["windows"][0]["from"], "22:00");

    let mine = app.case(&counselor, &id).await;
    assert_eq!(mine["safe_contact"]["code_word"], "mango");
    assert_eq!(
        mine["safe_contact"]["cover_story"],
        "say you are from the bank"
    );
    assert_eq!(mine["safe_contact"]["never_contact_first"], true);
    assert_eq!(mine["safe_contact"]["updated_by"], counselor.email.as_str());
    assert_eq!(mine["safe_contact"]["updated_how"], "counselor");
    // Someone who never held the case sees its outline: no rules, no code word (need-to-know).
    let theirs = app.case(&other, &id).await;
    assert_eq!(theirs["view"], "outline");
    assert_eq!(theirs["safe_contact"], Value::Null);
    assert!(!theirs.to_string().contains("mango"));

    let resp = app
        .get(&counselor, &format!("/api/v1/cases/{id}/safe-contact"))
        .await;
    let history: Value = resp.json().await.unwrap();
    let versions = history["history"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["recorded_how"], "phone_form");
    assert_eq!(versions[1]["rules"]["own_words"], "18:00-20:00");
    assert_eq!(versions[0]["recorded_how"], "counselor");

    let resp = schedule(&app, &counselor, &id, "2026-11-23T16:00:00Z").await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "safe_contact_forbids");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("never to be contacted first")
    );
    // Nothing personal reaches the audit log.
    let (details,): (String,) = sqlx::query_as(
        "SELECT string_agg(details::text, ' ') FROM audit_log WHERE action = 'case.safe_contact_changed'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(!details.contains("mango") && !details.contains("bank"));
}

async fn case_rules(app: &TestApp, who: &Staff, id: &str) -> Value {
    app.case(who, id).await["safe_contact"].clone()
}

#[tokio::test]
async fn bad_rules_are_refused_naming_the_field_and_change_nothing() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let id = claimed_case(&app, &counselor, json!({})).await;
    for (body, field) in [
        (
            json!({ "allowed_channels": ["phone"], "windows": [{ "days": ["mon"], "from": "25:00", "to": "02:00" }], "never_contact_first": false, "no_voicemail": true }),
            "windows[0].from",
        ),
        (
            json!({ "allowed_channels": ["phone"], "windows": [{ "days": ["someday"], "from": "10:00", "to": "11:00" }], "never_contact_first": false, "no_voicemail": true }),
            "windows[0].days[0]",
        ),
        (
            json!({ "allowed_channels": ["pigeon"], "never_contact_first": false, "no_voicemail": true }),
            "allowed_channels[0]",
        ),
        (
            json!({ "allowed_channels": [], "time_zone": "Mars/Olympus", "never_contact_first": false, "no_voicemail": true }),
            "time_zone",
        ),
        (
            json!({ "allowed_channels": ["phone"], "phones": ["call me"], "never_contact_first": false, "no_voicemail": true }),
            "phones[0]",
        ),
    ] {
        let resp = put_rules(&app, &counselor, &id, &body).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{body}");
        let err: Value = resp.json().await.unwrap();
        assert_eq!(err["error"]["field"], field);
    }
    assert_eq!(case_rules(&app, &counselor, &id).await["version"], 1);
}

#[tokio::test]
async fn plaintext_safe_hours_from_before_are_sealed_at_start() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let case = app.report(&counselor, &phone_report("a report")).await;
    let id = case["id"].as_str().unwrap().to_owned();
    // A row as the earlier schema wrote it: plaintext hours, no sealed rules.
    sqlx::query(
        "UPDATE reporters SET safe_hours = 'weekdays after 9pm', safe_contact_enc = NULL, safe_contact_version = 0",
    )
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query("DELETE FROM safe_contact_versions")
        .execute(&app.db)
        .await
        .unwrap();
    let sealed = hotline::safe_contact::seal_plaintext_safe_hours(
        &app.ctx.db,
        &app.ctx.keys,
        app.clock_now(),
    )
    .await
    .unwrap();
    assert_eq!(sealed, 1);
    let (plain,): (Option<String>,) = sqlx::query_as("SELECT safe_hours FROM reporters")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(plain, None);
    let rules = case_rules(&app, &counselor, &id).await;
    assert_eq!(rules["own_words"], "weekdays after 9pm");
    assert_eq!(rules["windows"][0]["from"], "21:00");
    assert_eq!(
        rules["windows"][0]["days"],
        json!(["mon", "tue", "wed", "thu", "fri"])
    );
    assert_eq!(rules["updated_how"], "migration");
    assert_eq!(rules["phones"][0]["number"], "+66 81 234 5678");
    // Running again seals nothing more.
    let again = hotline::safe_contact::seal_plaintext_safe_hours(
        &app.ctx.db,
        &app.ctx.keys,
        app.clock_now(),
    )
    .await
    .unwrap();
    assert_eq!(again, 0);
}

#[tokio::test]
async fn a_due_callback_comes_before_new_work_of_its_level_and_is_flagged_overdue() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let older = app.report_with_answers(&counselor, json!({})).await;
    app.advance(60);
    let newer = app.report_with_answers(&counselor, json!({})).await;
    let newer_id = newer["id"].as_str().unwrap();
    app.post(
        &counselor,
        "/api/v1/queue/claim",
        &json!({ "case_id": newer_id }),
    )
    .await;
    let cb: Value = schedule(&app, &counselor, newer_id, "2026-11-23T11:00:00Z")
        .await
        .json()
        .await
        .unwrap();
    app.post_empty(&counselor, &format!("/api/v1/cases/{newer_id}/release"))
        .await;
    let other = app.staff(Role::Counselor).await;
    let queue = app.queue(&other).await;
    assert_eq!(queue[0]["id"], older["id"]);
    assert_eq!(queue[1]["due_callback"], Value::Null);

    app.advance(3 * 3600); // 11:01 UTC: the callback is due
    let queue = app.queue(&other).await;
    assert_eq!(queue[0]["id"], newer["id"]);
    assert_eq!(queue[0]["due_callback"]["id"], cb["id"]);
    assert_eq!(queue[0]["due_callback"]["overdue"], false);

    app.advance(16 * 60); // 15 minutes past its start
    let queue = app.queue(&other).await;
    assert_eq!(queue[0]["due_callback"]["overdue"], true);
    assert!(
        app.metrics_text()
            .await
            .contains("hotline_callbacks_overdue 1")
    );
    let mine = app
        .get(&counselor, "/api/v1/callbacks?owner=me&status=scheduled")
        .await;
    let mine: Value = mine.json().await.unwrap();
    assert_eq!(mine["items"][0]["overdue"], true);
    let theirs: Value = app
        .get(&other, "/api/v1/callbacks?owner=me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"], json!([]));
    // Claim-next gives the due callback's case first.
    let claimed: Value = app.claim_next(&other).await.json().await.unwrap();
    assert_eq!(claimed["id"], newer["id"]);
}

#[tokio::test]
async fn a_follow_up_plan_after_a_referral_lands_in_the_safe_windows() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let id = claimed_case(&app, &counselor, json!({})).await;
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{id}/follow-ups"),
            &json!({}),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT, "not referred yet");
    for status in ["in_progress", "referred"] {
        let resp = app
            .post(
                &counselor,
                &format!("/api/v1/cases/{id}/status"),
                &json!({ "status": status }),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{id}/follow-ups"),
            &json!({}),
        )
        .await;
    let status = resp.status();
    let plan: Value = resp.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    let due: Vec<&str> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["due_from"].as_str().unwrap())
        .collect();
    // 3, 6 and 12 months on, each moved to 18:00 Bangkok that day.
    assert_eq!(
        due,
        vec![
            "2027-02-23T11:00:00.000000Z",
            "2027-05-23T11:00:00.000000Z",
            "2027-11-23T11:00:00.000000Z"
        ]
    );
    assert!(
        plan["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] == "follow_up")
    );
}

#[tokio::test]
async fn bad_callback_requests_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let id = claimed_case(&app, &counselor, json!({})).await;
    for (body, field) in [
        (json!({ "channel": "phone", "reason": "x" }), "due_from"),
        (
            json!({ "due_from": "tomorrow", "channel": "phone", "reason": "x" }),
            "due_from",
        ),
        (
            json!({ "due_from": "2026-11-23T11:00:00Z", "channel": "fax", "reason": "x" }),
            "channel",
        ),
        (
            json!({ "due_from": "2026-11-23T11:00:00Z", "channel": "phone" }),
            "reason",
        ),
        (
            json!({ "due_from": "2026-11-23T11:00:00Z", "channel": "phone", "reason": "x", "owner": "boss" }),
            "owner",
        ),
    ] {
        let resp = app
            .post(&counselor, &format!("/api/v1/cases/{id}/callbacks"), &body)
            .await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{body}");
        let err: Value = resp.json().await.unwrap();
        assert_eq!(err["error"]["field"], field, "{body}");
    }
    let resp = app
        .post(
            &counselor,
            "/api/v1/callbacks/not-an-id/attempts",
            &json!({ "outcome": "reached" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = app.get(&counselor, "/api/v1/callbacks?status=lost").await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

// --- The gate at send time ---

#[tokio::test]
async fn a_message_queued_while_allowed_is_not_sent_after_the_rules_changed() {
    let (app, tg) = spawn_app_with_telegram(vec![]).await;
    let chat = 5_560_001;
    app.telegram_says(&[tg_text(1, chat, "please help me")])
        .await;
    app.run_jobs().await;
    let counselor = app.staff(Role::Counselor).await;
    let id = app.case_of_chat(&counselor).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{id}/messages"),
            &json!({ "text": "we are here for you" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    // Before the send job runs, the person's rules change: this chat is no longer safe.
    let resp = put_rules(
        &app,
        &counselor,
        &id,
        &json!({ "allowed_channels": ["phone"], "phones": ["081 234 5678"], "never_contact_first": false, "no_voicemail": true }),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    app.run_jobs().await;
    assert!(
        !tg.texts_sent_to(chat)
            .iter()
            .any(|t| t == "we are here for you"),
        "nothing the gate forbids is sent"
    );
    let case = app.case(&counselor, &id).await;
    let last = case["messages"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|m| m["author"] == "counselor")
        .unwrap()
        .clone();
    assert_eq!(last["delivery"], "cancelled");
    assert!(
        last["delivery_error"]
            .as_str()
            .unwrap()
            .contains("did not allow contact on this channel")
    );
}

#[tokio::test]
async fn outside_the_safe_times_a_counselor_message_is_held_until_the_window_opens() {
    let (app, tg) = spawn_app_with_telegram(vec![]).await;
    let chat = 5_560_002;
    app.telegram_says(&[tg_text(1, chat, "please help me")])
        .await;
    app.run_jobs().await;
    let counselor = app.staff(Role::Counselor).await;
    let id = app.case_of_chat(&counselor).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    let resp = put_rules(
        &app,
        &counselor,
        &id,
        &json!({ "allowed_channels": ["telegram"], "windows": [{ "days": ["mon","tue","wed","thu","fri","sat","sun"], "from": "18:00", "to": "20:00" }],
                 "never_contact_first": false, "no_voicemail": true }),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    // Twenty minutes after the person's message: no longer a live conversation.
    app.advance(20 * 60);
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{id}/messages"),
            &json!({ "text": "can we talk this evening?" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    app.run_jobs().await;
    assert!(
        !tg.texts_sent_to(chat)
            .iter()
            .any(|t| t.contains("this evening"))
    );
    let case = app.case(&counselor, &id).await;
    let last = case["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["delivery"], "queued");
    assert!(
        last["delivery_error"]
            .as_str()
            .unwrap()
            .contains("held until 2026-11-23T11:00:00")
    );
    app.advance(3 * 3600); // 11:20 UTC, 18:20 in Bangkok
    app.run_jobs().await;
    assert!(
        tg.texts_sent_to(chat)
            .iter()
            .any(|t| t.contains("this evening"))
    );
}

#[tokio::test]
async fn never_contact_first_stops_a_bot_message_the_person_did_not_just_prompt() {
    let (app, tg) = spawn_app_with_telegram(vec![]).await;
    let chat = 5_560_003;
    // The bot's answers are queued, but the send job does not run before the rules change and
    // the moment has passed (a platform outage, say).
    app.telegram_says(&[tg_text(1, chat, "please help me")])
        .await;
    let counselor = app.staff(Role::Counselor).await;
    let id = app.case_of_chat(&counselor).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    put_rules(
        &app,
        &counselor,
        &id,
        &json!({ "allowed_channels": ["telegram"], "never_contact_first": true, "no_voicemail": true }),
    )
    .await;
    app.advance(30 * 60);
    app.run_jobs().await;
    assert!(
        tg.texts_sent_to(chat).is_empty(),
        "{:?}",
        tg.texts_sent_to(chat)
    );
    let case = app.case(&counselor, &id).await;
    assert!(
        case["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["author"] == "bot")
            .all(|m| m["delivery"] == "cancelled")
    );
    // A counselor message after 24 hours is refused at once.
    app.advance(24 * 3600);
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{id}/messages"),
            &json!({ "text": "hello" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
}

// --- The console ---

#[tokio::test]
async fn the_case_page_shows_the_code_word_before_a_call_and_my_callbacks_lists_mine() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let other = app.staff(Role::Counselor).await;
    let id = claimed_case(&app, &counselor, json!({})).await;
    put_rules(
        &app,
        &counselor,
        &id,
        &json!({ "allowed_channels": ["phone"], "windows": [{ "days": ["sat", "sun"], "from": "18:00", "to": "20:00" }],
                 "never_contact_first": false, "no_voicemail": true, "code_word": "mango", "cover_story": "the bank calling" }),
    )
    .await;
    let resp = schedule(&app, &counselor, &id, "2026-11-28T11:00:00Z").await;
    assert_eq!(resp.status(), StatusCode::CREATED);

    let cookie_of = |resp: &reqwest::Response| {
        crate::console::cookie_value(resp, "hotline_session")
            .map(|v| format!("hotline_session={v}"))
    };
    let mine = crate::console::sign_in(&app, &counselor.email, &counselor.password).await;
    let mine = cookie_of(&mine).unwrap();
    let page = app
        .get_page(&format!("/console/cases/{id}"), Some(&mine))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"safe-code-word\""), "{page}");
    assert!(page.contains("mango") && page.contains("the bank calling"));
    assert!(
        page.contains("Sat, Sun 18:00–20:00"),
        "days in the console's language"
    );
    assert!(page.contains("id=\"case-callbacks\""));
    let list = app
        .get_page("/console/callbacks", Some(&mine))
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("id=\"my-callbacks\""), "{list}");
    assert!(!list.contains("⟦"), "every word is translated");

    let theirs = crate::console::sign_in(&app, &other.email, &other.password).await;
    let theirs = cookie_of(&theirs).unwrap();
    let page = app
        .get_page(&format!("/console/cases/{id}"), Some(&theirs))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("mango"),
        "the code word only for whoever holds the case"
    );
    // A stranger gets the outline with the break-the-glass form, not the safe-contact card.
    assert!(page.contains("break-glass-form"));
    assert!(!page.contains("id=\"safe-contact\""));
    let list = app
        .get_page("/console/callbacks", Some(&theirs))
        .await
        .text()
        .await
        .unwrap();
    assert!(list.contains("id=\"my-callbacks-none\""));
}

#[tokio::test]
async fn the_chats_answers_fill_the_rules_in_the_persons_own_words() {
    let (app, _tg) = spawn_app_with_telegram(vec![]).await;
    let chat = 5_560_004;
    app.telegram_says(&[
        tg_text(1, chat, "they keep my passport and I cannot leave"),
        crate::helpers::tg_choice(11, chat, "lang:en"),
        crate::helpers::tg_choice(2, chat, "safe:yes"),
        crate::helpers::tg_choice(3, chat, "ans:skip"),
        crate::helpers::tg_choice(4, chat, "ans:skip"),
        crate::helpers::tg_choice(5, chat, "ans:skip"),
        crate::helpers::tg_choice(6, chat, "country:MM"),
        crate::helpers::tg_choice(7, chat, "area:skip"),
        crate::helpers::tg_choice(8, chat, "contact:here"),
        tg_text(9, chat, "weekdays after 9pm"),
    ])
    .await;
    let counselor = app.staff(Role::Counselor).await;
    let case = app.case_of_chat(&counselor).await;
    let rules = &case["safe_contact"];
    assert_eq!(rules["own_words"], "weekdays after 9pm");
    assert_eq!(rules["windows"][0]["from"], "21:00");
    assert_eq!(rules["windows"][0]["to"], "00:00");
    assert_eq!(
        rules["windows"][0]["days"],
        json!(["mon", "tue", "wed", "thu", "fri"])
    );
    assert_eq!(
        rules["time_zone"], "Asia/Yangon",
        "from the country they named"
    );
    assert_eq!(rules["allowed_channels"], json!(["telegram"]));
    assert_eq!(rules["updated_how"], "chat");
    assert_eq!(case["callback"]["safe_hours"], "weekdays after 9pm");
    let (plain,): (Option<String>,) = sqlx::query_as("SELECT safe_hours FROM reporters")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(plain, None, "nothing in plaintext");
}
