//! Retention and forget-me: with the clock moved on, what the schedules say may no longer be
//! kept is really gone from the database (checked by SQL), statistics give the same numbers,
//! a legal hold keeps a case whole, a dry run changes nothing; a person can ask in the chat to
//! be forgotten (and back out), or a counselor can pass the request on; Telegram is asked to
//! delete the messages; nothing more is sent to a forgotten person.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Staff, TestApp, phone_report, spawn_app_with_telegram, tg_choice, tg_text};

const DAY: i64 = 86_400;
const CHAT_WORDS: &str = "retention-sentinel my boss took my passport and I cannot leave the farm";

/// The statistics supervisors read: the export by channel and status, and the answer times.
async fn statistics(app: &TestApp, who: &Staff, from: &str, to: &str) -> (Value, Value) {
    let export = app
        .get(
            who,
            &format!("/api/v1/stats/export?by=channel,caller&from={from}&to={to}&format=json"),
        )
        .await;
    assert_eq!(export.status(), StatusCode::OK);
    let times = app
        .get(
            who,
            &format!("/api/v1/stats/response-times?from={from}&to={to}&group_by=channel"),
        )
        .await;
    assert_eq!(times.status(), StatusCode::OK);
    (export.json().await.unwrap(), times.json().await.unwrap())
}

fn period(app: &TestApp) -> (String, String) {
    let now = app.clock_now();
    (
        (now - chrono::Duration::days(2))
            .format("%Y-%m-%d")
            .to_string(),
        (now + chrono::Duration::days(2))
            .format("%Y-%m-%d")
            .to_string(),
    )
}

async fn scalar(app: &TestApp, sql: &str, id: Uuid) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned()))
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    n
}

/// A chat that writes, is answered by a counselor, and whose case is closed. Returns the case.
async fn answered_and_closed_chat(app: &TestApp, counselor: &Staff, chat: i64) -> Uuid {
    // Update ids are the platform's event ids: another chat's must differ.
    app.telegram_says(&[tg_text(100, chat, CHAT_WORDS)]).await;
    let case_id = case_of(app, chat).await;
    claim_and_answer(app, counselor, case_id).await;
    let resp = app
        .post(
            counselor,
            &format!("/api/v1/cases/{case_id}/status"),
            &json!({ "status": "closed", "closing_reason": "resolved" }),
        )
        .await;
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "{}",
        resp.text().await.unwrap()
    );
    case_id
}

async fn claim_and_answer(app: &TestApp, counselor: &Staff, case_id: Uuid) {
    let resp = app
        .post(
            counselor,
            "/api/v1/queue/claim",
            &json!({ "case_id": case_id }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = app
        .post(
            counselor,
            &format!("/api/v1/cases/{case_id}/messages"),
            &json!({ "text": "We are here. You can tell us more when it is safe." }),
        )
        .await;
    assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
    app.run_jobs().await;
}

async fn case_of(app: &TestApp, chat: i64) -> Uuid {
    let _ = chat;
    let (id,): (Uuid,) = sqlx::query_as(
        "SELECT id FROM cases WHERE channel_identity_id IS NOT NULL ORDER BY created_at DESC LIMIT 1",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    id
}

async fn identity_of_case(app: &TestApp, case_id: Uuid) -> Uuid {
    let (id,): (Uuid,) = sqlx::query_as("SELECT channel_identity_id FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    id
}

async fn hold(app: &TestApp, supervisor: &Staff, case_id: &str) {
    let resp = app
        .post(
            supervisor,
            &format!("/api/v1/cases/{case_id}/legal-hold"),
            &json!({ "reason": "court order 12/2026" }),
        )
        .await;
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "{}",
        resp.text().await.unwrap()
    );
}

/// Personal data left on a case: ciphertexts of messages, notes, attachments, area, name, phone.
async fn personal_left(app: &TestApp, case_id: Uuid) -> i64 {
    scalar(
        app,
        "SELECT (SELECT count(*) FROM messages WHERE case_id = $1 AND text_enc IS NOT NULL)
              + (SELECT count(*) FROM notes WHERE case_id = $1)
              + (SELECT count(*) FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.case_id = $1)
              + (SELECT count(*) FROM cases WHERE id = $1 AND area_enc IS NOT NULL)
              + (SELECT count(*) FROM cases c JOIN reporters r ON r.id = c.reporter_id
                 WHERE c.id = $1 AND (r.name_enc IS NOT NULL OR r.phone_enc IS NOT NULL OR r.phone_hash IS NOT NULL
                                      OR r.safe_contact_enc IS NOT NULL))
              + (SELECT count(*) FROM cases c JOIN channel_identities i ON i.reporter_id = c.reporter_id
                 WHERE c.id = $1 AND (i.external_id_enc IS NOT NULL OR i.external_id_hash IS NOT NULL))",
        case_id,
    )
    .await
}

/// What the person wrote that is stored on the case.
async fn inbound_texts(app: &TestApp, case_id: Uuid) -> i64 {
    scalar(
        app,
        "SELECT count(*) FROM messages WHERE case_id = $1 AND direction = 'inbound' AND text_enc IS NOT NULL",
        case_id,
    )
    .await
}

#[tokio::test]
async fn retention_purges_contacts_without_a_case_and_erases_old_closed_cases_but_statistics_and_held_cases_stay()
 {
    let (app, _tg) = spawn_app_with_telegram(vec![]).await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let (from, to) = period(&app);

    // A greeting that never became a case.
    let greeter = 6_600_001;
    app.telegram_says(&[tg_text(1, greeter, "/start")]).await;
    app.run_jobs().await;
    let (greeting_identity,): (Uuid,) =
        sqlx::query_as("SELECT id FROM channel_identities ORDER BY created_at LIMIT 1")
            .fetch_one(&app.db)
            .await
            .unwrap();
    // A chat case, answered and closed, with a note.
    let closed = answered_and_closed_chat(&app, &counselor, 6_600_002).await;
    // A phone case, closed, under legal hold.
    let held = app
        .report(&counselor, &phone_report("retention-sentinel held"))
        .await;
    let held_id = held["id"].as_str().unwrap().to_owned();
    let resp = app
        .post(
            &counselor,
            "/api/v1/queue/claim",
            &json!({ "case_id": held_id }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    app.post(
        &counselor,
        &format!("/api/v1/cases/{held_id}/status"),
        &json!({ "status": "closed", "closing_reason": "referred_elsewhere" }),
    )
    .await;
    hold(&app, &supervisor, &held_id).await;
    let held_id: Uuid = held_id.parse().unwrap();
    let before = statistics(&app, &supervisor, &from, &to).await;
    assert!(personal_left(&app, closed).await > 0);

    // Two years and a bit later, the daily job runs.
    hotline::retention::schedule_next_sweep(&app.db, &app.ctx.settings.retention, app.clock_now())
        .await
        .unwrap();
    app.advance(800 * DAY);
    app.run_jobs().await;

    // The greeting is gone, whole.
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM channel_identities WHERE id = $1",
            greeting_identity
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM messages WHERE channel_identity_id = $1",
            greeting_identity
        )
        .await,
        0
    );
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM channel_events WHERE identity_id = $1",
            greeting_identity
        )
        .await,
        0
    );
    // The closed case keeps its row and loses every personal field.
    assert_eq!(personal_left(&app, closed).await, 0);
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM cases WHERE id = $1 AND personal_erased_at IS NOT NULL",
            closed
        )
        .await,
        1
    );
    // The held case is whole.
    assert!(personal_left(&app, held_id).await > 0);
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM cases WHERE id = $1 AND personal_erased_at IS NULL",
            held_id
        )
        .await,
        1
    );
    // Statistics give the same numbers (staff sign in anew: tokens run out after 90 days).
    let supervisor = app.staff(Role::Supervisor).await;
    assert_eq!(statistics(&app, &supervisor, &from, &to).await, before);
    // Both cases still open in the API; the held one says so.
    let erased = app.case(&supervisor, &closed.to_string()).await;
    assert!(erased["retention"]["personal_erased_at"].is_string());
    assert!(
        erased["messages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["text"].is_null())
    );
    assert!(!erased.to_string().contains("retention-sentinel"));
    let kept = app.case(&supervisor, &held_id.to_string()).await;
    assert_eq!(
        kept["retention"]["legal_hold"]["reason"],
        "court order 12/2026"
    );
    // The hold was audited, without its reason.
    let audit: Value = app
        .get(
            &supervisor,
            &format!("/api/v1/audit?case_id={held_id}&action=case.legal_hold_placed"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    assert!(!audit.to_string().contains("court order"));
    // The job queued tomorrow's sweep, and counted in the metrics.
    assert_eq!(app.count("jobs WHERE kind = 'retention_sweep'").await, 1);
    assert!(
        app.metrics_text()
            .await
            .contains("hotline_retention_erased_total{what=\"closed_cases\"}")
    );
}

#[tokio::test]
async fn a_dry_run_counts_what_would_go_and_changes_nothing_and_lifting_a_hold_lets_retention_in() {
    let (app, _tg) = spawn_app_with_telegram(vec![]).await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    app.telegram_says(&[tg_text(1, 6_700_001, "/start")]).await;
    let closed = answered_and_closed_chat(&app, &counselor, 6_700_002).await;
    hold(&app, &supervisor, &closed.to_string()).await;
    // A newer update type than the library knows: kept sealed for review.
    app.telegram_says(&[json!({ "update_id": 77, "purchased_paid_media": { "from": { "id": 5 }, "paid_media_payload": "x" } })])
        .await;
    assert_eq!(app.count("unreadable_events").await, 1);
    app.advance(800 * DAY);
    let settings = app.ctx.settings.retention.clone();
    let rows = || async {
        let mut counts = vec![];
        for table in [
            "reporters",
            "channel_identities",
            "messages",
            "channel_events",
            "attachments",
        ] {
            counts.push(app.count(table).await);
        }
        counts.push(personal_left(&app, closed).await);
        counts
    };
    let before = rows().await;

    let would = hotline::retention::sweep(&app.ctx, &settings, app.clock_now(), true)
        .await
        .unwrap();
    assert_eq!(would.contacts_without_case, 1);
    assert_eq!(would.closed_cases, 0, "the held case is not counted");
    assert_eq!(would.unreadable_events, 1);
    assert_eq!(rows().await, before, "a dry run changes nothing");

    // Lifting the hold (audited) lets the schedule in.
    let supervisor = app.staff(Role::Supervisor).await;
    let resp = app
        .client
        .delete(app.url(&format!("/api/v1/cases/{closed}/legal-hold")))
        .bearer_auth(&supervisor.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let again = app
        .client
        .delete(app.url(&format!("/api/v1/cases/{closed}/legal-hold")))
        .bearer_auth(&supervisor.token)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let would = hotline::retention::sweep(&app.ctx, &settings, app.clock_now(), true)
        .await
        .unwrap();
    assert_eq!(would.closed_cases, 1);
    let done = hotline::retention::sweep(&app.ctx, &settings, app.clock_now(), false)
        .await
        .unwrap();
    assert_eq!(done, would, "the run erases what the dry run counted");
    assert_eq!(app.count("unreadable_events").await, 0);
    assert_eq!(personal_left(&app, closed).await, 0);
}

#[tokio::test]
async fn a_legal_hold_needs_a_reason_and_a_supervisor() {
    let (app, _tg) = spawn_app_with_telegram(vec![]).await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let case = app.report(&counselor, &phone_report("a report")).await;
    let id = case["id"].as_str().unwrap();
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{id}/legal-hold"),
            &json!({ "reason": "x" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = app
        .post(
            &supervisor,
            &format!("/api/v1/cases/{id}/legal-hold"),
            &json!({ "reason": "  " }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["field"], "reason");
    assert_eq!(app.count("legal_holds").await, 0);
    let resp = app
        .post(
            &supervisor,
            &format!("/api/v1/cases/{}/legal-hold", Uuid::new_v4()),
            &json!({ "reason": "an investigation" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn forget_me_in_the_chat_asks_once_more_then_erases_deletes_the_telegram_messages_and_sends_nothing_after()
 {
    let (app, tg) = spawn_app_with_telegram(vec![]).await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let (from, to) = period(&app);
    let chat = 6_800_001;
    app.telegram_says(&[tg_text(1, chat, CHAT_WORDS)]).await;
    app.run_jobs().await;
    let case_id = case_of(&app, chat).await;
    claim_and_answer(&app, &counselor, case_id).await;
    let before = statistics(&app, &supervisor, &from, &to).await;
    let sent_before = tg.texts_sent_to(chat).len();

    app.telegram_says(&[tg_text(2, chat, "ลบข้อมูล")]).await;
    app.run_jobs().await;
    let th = app.ctx.conversation.pack("th");
    let texts = tg.texts_sent_to(chat);
    assert_eq!(
        texts.last().unwrap(),
        &th.forget_me.ask,
        "the bot asks once more, in Thai"
    );
    assert!(
        personal_left(&app, case_id).await > 0,
        "asking erases nothing"
    );

    app.telegram_says(&[tg_choice(3, chat, "forget:yes")]).await;
    app.run_jobs().await;

    assert_eq!(personal_left(&app, case_id).await, 0);
    let (status, reason): (String, Option<String>) =
        sqlx::query_as("SELECT status, closing_reason FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (status.as_str(), reason.as_deref()),
        ("closed", Some("reporter_withdrew"))
    );
    // Telegram was asked to delete the bot's messages and the person's, and nothing is left to ask.
    let deleted: Vec<Value> = tg
        .requests()
        .into_iter()
        .filter(|r| r.method.eq_ignore_ascii_case("deleteMessage"))
        .map(|r| r.body)
        .collect();
    assert!(
        deleted.len() > sent_before,
        "every sent message and the person's own: {deleted:?}"
    );
    assert!(deleted.iter().all(|b| b["chat_id"] == chat));
    assert_eq!(app.count("platform_deletions").await, 0);
    // No further outbound: a counselor's message to the case is not sent.
    let supervisor = app.staff(Role::Supervisor).await;
    let sent_after = tg.texts_sent_to(chat).len();
    let _ = app
        .post(
            &supervisor,
            &format!("/api/v1/cases/{case_id}/messages"),
            &json!({ "text": "are you still there?" }),
        )
        .await;
    app.run_jobs().await;
    assert_eq!(
        tg.texts_sent_to(chat).len(),
        sent_after,
        "nothing more is sent"
    );
    // Statistics stay; the audit names no person.
    let after = statistics(&app, &supervisor, &from, &to).await;
    assert_eq!(
        after.0["tables"][0]["total"],
        before.0["tables"][0]["total"]
    );
    assert_eq!(after.1, before.1);
    let audit: Value = app
        .get(&supervisor, "/api/v1/audit?action=reporter.forget_me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"].as_array().unwrap().len(), 1);
    assert!(!audit.to_string().contains(&chat.to_string()));
    // Writing again starts afresh, as someone new.
    app.telegram_says(&[tg_text(4, chat, "hello")]).await;
    app.run_jobs().await;
    assert_eq!(app.count("channel_identities").await, 2);
}

#[tokio::test]
async fn backing_out_of_forget_me_changes_nothing_and_the_conversation_goes_on() {
    let (app, tg) = spawn_app_with_telegram(vec![]).await;
    let chat = 6_900_001;
    app.telegram_says(&[tg_text(1, chat, CHAT_WORDS)]).await;
    let case_id = case_of(&app, chat).await;
    app.run_jobs().await;
    let left = inbound_texts(&app, case_id).await;

    // "Keep" says nothing was deleted.
    app.telegram_says(&[
        tg_text(2, chat, "Forget me!"),
        tg_choice(3, chat, "forget:no"),
    ])
    .await;
    app.run_jobs().await;
    let en = app.ctx.conversation.pack("en");
    assert_eq!(tg.texts_sent_to(chat).last().unwrap(), &en.forget_me.kept);
    assert_eq!(inbound_texts(&app, case_id).await, left);

    // Writing something else backs out, and what they wrote joins the case as usual.
    app.telegram_says(&[
        tg_text(4, chat, "forget me"),
        tg_text(5, chat, "my sister is there too"),
    ])
    .await;
    app.run_jobs().await;
    assert_eq!(inbound_texts(&app, case_id).await, left + 1);
    // An old "Yes" button pressed after backing out asks again rather than erasing.
    app.telegram_says(&[tg_choice(6, chat, "forget:yes")]).await;
    app.run_jobs().await;
    assert_eq!(inbound_texts(&app, case_id).await, left + 1);
    assert_eq!(tg.texts_sent_to(chat).last().unwrap(), &en.forget_me.ask);
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM cases WHERE id = $1 AND personal_erased_at IS NULL",
            case_id
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_counselor_passes_on_forget_me_and_a_legal_hold_keeps_the_case_and_records_the_request() {
    let (app, tg) = spawn_app_with_telegram(vec![]).await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let chat = 6_950_001;
    app.telegram_says(&[tg_text(1, chat, CHAT_WORDS)]).await;
    let case_id = case_of(&app, chat).await;
    claim_and_answer(&app, &counselor, case_id).await;
    hold(&app, &supervisor, &case_id.to_string()).await;
    let left = personal_left(&app, case_id).await;

    let path = format!("/api/v1/cases/{case_id}/forget-me");
    let resp = app.post(&counselor, &path, &json!({})).await;
    assert_eq!(
        resp.status(),
        StatusCode::BAD_REQUEST,
        "confirm is required"
    );
    let resp = app
        .post(&counselor, &path, &json!({ "confirm": true }))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let outcome: Value = resp.json().await.unwrap();
    assert_eq!(outcome["held_cases"], 1);
    assert_eq!(outcome["erased_cases"], 0);
    app.run_jobs().await;

    // Kept whole, the request shown on the case, and nothing more sent.
    assert_eq!(personal_left(&app, case_id).await, left);
    let case = app.case(&counselor, &case_id.to_string()).await;
    assert!(case["retention"]["forget_requested_at"].is_string());
    let sent = tg.texts_sent_to(chat).len();
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{case_id}/messages"),
            &json!({ "text": "one more thing" }),
        )
        .await;
    assert_eq!(
        resp.status(),
        StatusCode::CONFLICT,
        "the reply is refused at once"
    );
    app.run_jobs().await;
    assert_eq!(tg.texts_sent_to(chat).len(), sent);
    assert!(
        tg.requests()
            .iter()
            .any(|r| r.method.eq_ignore_ascii_case("deleteMessage")),
        "the chat is still cleared from the person's phone"
    );
    // The person writes again (the held case kept their chat): they can be answered again.
    app.advance(60);
    app.telegram_says(&[tg_text(2, chat, "I am back, can we talk")])
        .await;
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{case_id}/messages"),
            &json!({ "text": "Yes, we are here." }),
        )
        .await;
    assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
    app.run_jobs().await;
    assert_eq!(tg.texts_sent_to(chat).len(), sent + 1);

    // Once the hold is lifted, the counselor's request erases the case.
    app.client
        .delete(app.url(&format!("/api/v1/cases/{case_id}/legal-hold")))
        .bearer_auth(&supervisor.token)
        .send()
        .await
        .unwrap();
    let resp = app
        .post(&supervisor, &path, &json!({ "confirm": true }))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let outcome: Value = resp.json().await.unwrap();
    assert_eq!(outcome["erased_cases"], 1);
    assert_eq!(personal_left(&app, case_id).await, 0);
    let identity = identity_of_case(&app, case_id).await;
    assert_eq!(
        scalar(
            &app,
            "SELECT count(*) FROM channel_identities WHERE id = $1 AND forgotten_at IS NOT NULL",
            identity
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_case_page_shows_the_legal_hold_and_offers_forget_me_in_the_counselors_language() {
    use crate::console::{cookie_value, sign_in};
    let (app, _tg) = spawn_app_with_telegram(vec![]).await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let case = app.report(&counselor, &phone_report("a report")).await;
    let id = case["id"].as_str().unwrap().to_owned();
    hold(&app, &supervisor, &id).await;
    app.prefers_console_language(&supervisor, "th").await;
    let signed_in = sign_in(&app, &supervisor.email, &supervisor.password).await;
    let cookie = format!(
        "hotline_session={}",
        cookie_value(&signed_in, "hotline_session").unwrap()
    );
    let page = app
        .get_page(&format!("/console/cases/{id}"), Some(&cookie))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("ระงับการลบตามกฎหมายตั้งแต่"), "the hold, in Thai");
    assert!(html.contains("court order 12/2026"));
    assert!(html.contains("id=\"legal-hold-lift\""));
    assert!(html.contains("ลบข้อมูลของผู้แจ้งรายนี้"), "the forget-me button");
    assert!(!html.contains('⟦'), "every text is translated");
}

#[tokio::test]
async fn on_line_the_question_says_the_chat_cannot_be_cleared_and_the_erasure_still_happens() {
    let (app, line) = crate::helpers::spawn_app_with_line(vec![]).await;
    let person = "U0f0e0d0c0b0a09080706050403020100";
    app.line_says(&line, &[line.text_event(person, CHAT_WORDS)])
        .await;
    app.run_jobs().await;
    let case_id = case_of(&app, 0).await;
    app.line_says(&line, &[line.text_event(person, "ลบข้อมูล")])
        .await;
    app.run_jobs().await;
    let pack = app.ctx.conversation.pack("th");
    let english = app
        .ctx
        .conversation
        .pack("en")
        .forget_me
        .ask_cannot_delete
        .clone();
    let asked = line.texts_sent_to(person).last().unwrap().clone();
    assert!(
        asked == pack.forget_me.ask_cannot_delete || asked == english,
        "the LINE question says we cannot remove the chat's messages: {asked}"
    );
    // A quick reply comes back as a postback or as the button's text; either confirms.
    app.line_says(&line, &[line.postback_event(person, "forget:yes")])
        .await;
    app.run_jobs().await;
    assert_eq!(personal_left(&app, case_id).await, 0);
    assert_eq!(app.count("platform_deletions").await, 0);
    assert_eq!(
        line.texts_sent_to(person).last().unwrap(),
        &asked,
        "nothing after"
    );
}

/// Runs `hotline retention` (with `--dry-run` when asked) against the app's database, with the
/// real clock: the test clock stands in late November 2026, days before any real run.
fn retention_command(app: &TestApp, dry_run: bool) -> (bool, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_hotline"));
    cmd.arg("retention")
        .env("HOTLINE_PROFILE", "test")
        .env("DATABASE_URL", crate::helpers::database_url(&app.db_name))
        .env("HOTLINE_CRYPTO__KEY", &app.crypto_key)
        .env("HOTLINE_RETENTION__CONTACTS_WITHOUT_CASE_DAYS", "1")
        .env("HOTLINE_RETENTION__CLOSED_CASE_DAYS", "0")
        .env("HOTLINE_RETENTION__ATTACHMENT_DAYS", "0")
        .env("HOTLINE_RETENTION__UNREADABLE_EVENT_DAYS", "0");
    if dry_run {
        cmd.arg("--dry-run");
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

#[tokio::test]
async fn hotline_retention_dry_run_prints_the_counts_and_the_real_run_purges() {
    let (app, _tg) = spawn_app_with_telegram(vec![]).await;
    app.telegram_says(&[tg_text(1, 7_100_001, "/start")]).await;
    app.run_jobs().await;
    let identities = app.count("channel_identities").await;

    let (ok, out) = retention_command(&app, true);
    assert!(ok, "{out}");
    assert!(
        out.contains("would erase: contacts without a case: 1;"),
        "{out}"
    );
    assert_eq!(app.count("channel_identities").await, identities);

    let (ok, out) = retention_command(&app, false);
    assert!(ok, "{out}");
    assert!(out.contains("erased: contacts without a case: 1;"), "{out}");
    assert_eq!(app.count("channel_identities").await, identities - 1);
    assert_eq!(app.count("messages").await, 0);
    assert_eq!(app.count("reporters").await, 0);
}

fn tg_photo(update_id: i64, chat: i64) -> Value {
    json!({ "update_id": update_id, "message": { "message_id": update_id, "date": 1_795_000_000 + update_id,
        "from": { "id": chat, "is_bot": false, "first_name": "Test" },
        "chat": { "id": chat, "type": "private" },
        "photo": [ { "file_id": format!("photo-{update_id}"), "file_unique_id": format!("u{update_id}"),
                     "width": 800, "height": 800, "file_size": 64000 } ],
        "caption": "the place" } })
}

#[tokio::test]
async fn files_go_after_their_days_even_on_open_cases_but_not_from_a_held_case() {
    let (app, _tg) = spawn_app_with_telegram(vec![]).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let (open_chat, held_chat) = (7_200_001, 7_200_002);
    app.telegram_says(&[tg_text(1, open_chat, CHAT_WORDS), tg_photo(2, open_chat)])
        .await;
    let open_case = case_of(&app, open_chat).await;
    // `case_of` takes the newest chat case: the second must be newer.
    app.advance(60);
    app.telegram_says(&[tg_text(3, held_chat, CHAT_WORDS), tg_photo(4, held_chat)])
        .await;
    let held_case = case_of(&app, held_chat).await;
    hold(&app, &supervisor, &held_case.to_string()).await;
    let files_of = |case: Uuid| {
        let app = &app;
        async move {
            scalar(
                app,
                "SELECT count(*) FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.case_id = $1",
                case,
            )
            .await
        }
    };
    assert_eq!(
        (files_of(open_case).await, files_of(held_case).await),
        (1, 1)
    );

    let settings = app.ctx.settings.retention.clone();
    app.advance((settings.attachment_days + 1) * DAY);
    let counts = hotline::retention::sweep(&app.ctx, &settings, app.clock_now(), false)
        .await
        .unwrap();
    assert_eq!(counts.attachments, 1);
    assert_eq!(
        (files_of(open_case).await, files_of(held_case).await),
        (0, 1)
    );
    // The open case keeps what was said; only the file went.
    assert!(inbound_texts(&app, open_case).await >= 2);
}
