//! The LINE channel end to end: signed webhooks from the local Messaging API stand-in → cases →
//! the same conversation as Telegram → answers by reply token or push; redelivery, unfollow,
//! retries, bad bodies, and linking a person's cases across channels by hand.

use hotline::auth::Role;
use hotline_testkit::{LineEndpoint, LineFailure, LineStandIn};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    BOT_TOKEN, TestApp, WEBHOOK_SECRET, spawn_app_with_line, spawn_app_with_telegram, tg_text,
};

const PERSON: &str = "U4af4980629a0b1c2d3e4f5a6b7c8d9e0";

/// The part of a template before its first placeholder, to recognise a sent text.
fn prefix(template: &str) -> String {
    template.split('{').next().unwrap_or("").trim().to_owned()
}

fn outbound(case: &Value) -> Vec<&Value> {
    case["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "outbound")
        .collect()
}

fn flags(case: &Value) -> Vec<String> {
    case["urgency"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

/// The person follows the account, and the conversation runs to the hand-off.
async fn converse(app: &TestApp, line: &LineStandIn, user: &str, language: &str, story: &str) {
    app.line_says(
        line,
        &[
            line.follow_event(user),
            line.postback_event(user, &format!("lang:{language}")),
            line.postback_event(user, "safe:yes"),
            line.text_event(user, story),
            line.postback_event(user, "ans:no"),
            line.postback_event(user, "ans:no"),
            line.postback_event(user, "ans:yes"),
            line.postback_event(user, "country:TH"),
        ],
    )
    .await;
    app.line_says(
        line,
        &[
            line.text_event(user, "แม่สอด"),
            line.postback_event(user, "contact:here"),
            line.postback_event(user, "hours:evening"),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_full_conversation_in_thai_through_line_reaches_the_queue_answered_by_reply_tokens() {
    let (app, line) = spawn_app_with_line(vec![]).await;
    line.set_profile_language(PERSON, "th");
    converse(
        &app,
        &line,
        PERSON,
        "th",
        "พี่สาวของฉันทำงานที่โรงงาน นายจ้างเก็บบัตรประชาชนไว้",
    )
    .await;
    app.run_jobs().await;

    let th = app.ctx.conversation.pack("th");
    let texts = line.texts_sent_to(PERSON);
    assert!(
        texts[0].starts_with(&prefix(&th.texts.choose_language)),
        "the greeting asks for a language, in the profile's Thai: {texts:?}"
    );
    assert!(
        texts
            .last()
            .unwrap()
            .starts_with(&prefix(&th.texts.handoff)),
        "{texts:?}"
    );
    // Every answer went out with its event's reply token: nothing used the push quota.
    let (replies, pushes) = line.replies_and_pushes();
    assert!(replies >= 10, "{replies} replies");
    assert_eq!(pushes, 0);
    // The questions carry their choices as quick-reply buttons, with a way to stop.
    let with_buttons: Vec<Value> = line
        .messages_sent_to(PERSON)
        .into_iter()
        .filter(|m| m.get("quickReply").is_some())
        .collect();
    assert!(!with_buttons.is_empty());
    for message in &with_buttons {
        let items = message["quickReply"]["items"].as_array().unwrap();
        assert_eq!(items.last().unwrap()["action"]["data"], "stop");
    }

    let counselor = app.staff(Role::Counselor).await;
    let case = app.case_of_chat(&counselor).await;
    assert_eq!(case["channel"], "line");
    assert_eq!(case["language"], "th");
    assert_eq!(case["location"]["area"], "แม่สอด");
    // "Can the person leave freely?" → no is confinement: critical.
    assert_eq!(case["urgency"]["level"], "critical");
    let flags = flags(&case);
    assert!(
        flags.contains(&"confinement".to_owned()) && flags.contains(&"documents_seized".to_owned()),
        "{flags:?}"
    );
    assert_eq!(case["callback"]["allowed_channels"], json!(["line"]));
    assert!(
        outbound(&case)
            .iter()
            .all(|m| m["delivery"] == "sent" && m["author"] == "bot")
    );
}

#[tokio::test]
async fn a_full_conversation_in_lao_through_line_is_triaged_from_the_lao_text() {
    let (app, line) = spawn_app_with_line(vec![]).await;
    let user = "U11111111111111111111111111111111";
    line.set_profile_language(user, "lo");
    converse(
        &app,
        &line,
        user,
        "lo",
        "ນ້ອງສາວຂອງຂ້ອຍຢູ່ໄທ ນາຍຈ້າງຍຶດໜັງສືຜ່ານແດນ ແລະ ບໍ່ຈ່າຍເງິນເດືອນ",
    )
    .await;
    app.run_jobs().await;

    let lo = app.ctx.conversation.pack("lo");
    let texts = line.texts_sent_to(user);
    assert!(
        texts[0].starts_with(&prefix(&lo.texts.choose_language)),
        "{texts:?}"
    );
    assert!(
        texts
            .last()
            .unwrap()
            .starts_with(&prefix(&lo.texts.handoff)),
        "{texts:?}"
    );
    let counselor = app.staff(Role::Counselor).await;
    let case = app.case_of_chat(&counselor).await;
    assert_eq!(case["language"], "lo");
    let flags = flags(&case);
    assert!(
        flags.contains(&"documents_seized".to_owned()),
        "the Lao text's passport seizure is found: {flags:?}"
    );
    assert!(
        case["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["direction"] == "inbound" && m["text"].as_str().unwrap().contains("ນາຍຈ້າງ"))
    );
}

#[tokio::test]
async fn the_signature_is_checked_over_the_raw_bytes_as_sent() {
    let (app, line) = spawn_app_with_line(vec![]).await;
    // Odd spacing, a line break, escaped Thai and an escaped emoji (a surrogate pair): LINE's
    // bytes, exactly as signed.
    let body = format!(
        "{{ \"destination\" : \"U0123456789abcdef0123456789abcdef\",\n  \"events\":[ {{\"type\":\"message\",\"mode\":\"active\",\"timestamp\":1795000000000,\"webhookEventId\":\"01JD8Z3T7Q1A2B3C4D5E6F7G8H\",\"deliveryContext\":{{\"isRedelivery\":false}},\"source\":{{\"type\":\"user\",\"userId\":\"{PERSON}\"}},\"replyToken\":\"38ef843bde154d9b91c21320ffd17a0f\",\"message\":{{\"type\":\"text\",\"id\":\"1\",\"quoteToken\":\"q\",\"text\":\"\\u0e0a\\u0e48\\u0e27\\u0e22 \\ud83d\\ude22\"}}}} ]   }}"
    );
    let signature = line.sign(body.as_bytes());
    let resp = app
        .post_line_raw(body.clone().into_bytes(), Some(&signature))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let counselor = app.staff(Role::Counselor).await;
    let case = app.case_of_chat(&counselor).await;
    assert!(
        case["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["text"] == "ช่วย 😢"),
        "the escaped text is stored as the person wrote it"
    );

    // The same content re-serialised after signing, a signature for other bytes, a garbled
    // one, none: refused, nothing stored, counted.
    let before = app.write_counts().await;
    let reserialised = serde_json::to_vec(&serde_json::from_str::<Value>(&body).unwrap()).unwrap();
    for (bytes, signature) in [
        (reserialised, Some(signature.clone())),
        (body.clone().into_bytes(), Some(line.sign(b"{}"))),
        (body.clone().into_bytes(), Some("not-base64!".to_owned())),
        (body.clone().into_bytes(), None),
    ] {
        let resp = app.post_line_raw(bytes, signature.as_deref()).await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        let error: Value = resp.json().await.unwrap();
        assert_eq!(error["error"]["code"], "bad_signature");
    }
    assert_eq!(app.write_counts().await, before);
    assert!(
        app.metrics_text()
            .await
            .contains("hotline_rejected_signatures_total{channel=\"line\"} 4")
    );
}

#[tokio::test]
async fn a_redelivered_event_changes_nothing() {
    let (app, line) = spawn_app_with_line(vec![]).await;
    let event = line.text_event(PERSON, "นายจ้างไม่ให้ออกจากห้อง");
    app.line_says(&line, std::slice::from_ref(&event)).await;
    app.run_jobs().await;
    let sent = line.texts_sent_to(PERSON).len();
    let before = app.write_counts().await;

    let mut again = event.clone();
    again["deliveryContext"]["isRedelivery"] = json!(true);
    app.line_says(&line, &[again.clone(), event]).await;
    app.run_jobs().await;
    assert_eq!(app.write_counts().await, before);
    assert_eq!(app.count("channel_events").await, 1);
    assert_eq!(line.texts_sent_to(PERSON).len(), sent);
}

#[tokio::test]
async fn each_event_of_a_body_is_recorded_on_its_own_and_unreadable_ones_kept_for_review() {
    let (app, line) = spawn_app_with_line(vec![]).await;
    let other = "U22222222222222222222222222222222";
    let mut broken = line.text_event(PERSON, "x");
    broken["message"].as_object_mut().unwrap().remove("text");
    let status = line
        .deliver(&[
            line.text_event(PERSON, "ช่วยด้วย ถูกขังอยู่"),
            line.text_event(other, "help, they took my passport"),
            json!({ "type": "beacon", "mode": "active", "timestamp": 1_795_000_000_000_i64,
                    "webhookEventId": "01JD8Z3T7Q1A2B3C4D5E6F7GZZ",
                    "deliveryContext": { "isRedelivery": false },
                    "source": { "type": "user", "userId": PERSON },
                    "beacon": { "hwid": "d41d8cd98f", "type": "enter" } }),
            broken,
        ])
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(app.count("cases").await, 2);
    assert_eq!(app.count("channel_identities").await, 2);
    assert_eq!(
        app.count("unreadable_events WHERE channel = 'line' AND needs_review")
            .await,
        1
    );
    // LINE's "Verify" button sends no events.
    let verify = line.webhook_body(&[]);
    let signature = line.sign(verify.as_bytes());
    let resp = app
        .post_line_raw(verify.into_bytes(), Some(&signature))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
}

#[tokio::test]
async fn after_an_unfollow_nothing_more_is_sent_until_the_person_comes_back() {
    let (app, line) = spawn_app_with_line(vec![]).await;
    app.line_says(&line, &[line.text_event(PERSON, "พวกเราถูกยึดพาสปอร์ต")])
        .await;
    let counselor = app.staff(Role::Counselor).await;
    let case = app.case_of_chat(&counselor).await;
    let id = case["id"].as_str().unwrap().to_owned();
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    // A counselor's message is queued, then the person unfollows before it goes out.
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{id}/messages"),
            &json!({ "text": "we are here" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    app.line_says(&line, &[line.unfollow_event(PERSON)]).await;
    app.run_jobs().await;
    assert!(
        !line
            .texts_sent_to(PERSON)
            .contains(&"we are here".to_owned())
    );
    let case = app.case(&counselor, &id).await;
    assert_eq!(outbound(&case).last().unwrap()["delivery"], "failed");
    assert!(
        case["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["text"].as_str().unwrap().contains("unfollowed")),
        "the case says the person left"
    );
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{id}/messages"),
            &json!({ "text": "are you safe?" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let error: Value = resp.json().await.unwrap();
    assert_eq!(error["error"]["code"], "safe_contact_forbids");

    // Following again makes them reachable: the counselor can write.
    app.line_says(&line, &[line.follow_event(PERSON)]).await;
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{id}/messages"),
            &json!({ "text": "welcome back" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    app.run_jobs().await;
    assert!(
        line.texts_sent_to(PERSON)
            .contains(&"welcome back".to_owned())
    );
}

#[tokio::test]
async fn a_stale_reply_token_is_not_used_and_the_answer_goes_by_push_with_a_retry_key() {
    let (app, line) = spawn_app_with_line(vec![]).await;
    app.line_says(&line, &[line.text_event(PERSON, "ช่วยด้วย")])
        .await;
    // The jobs run late: the app no longer trusts the token.
    app.advance(120);
    app.run_jobs().await;
    let calls = line.requests();
    assert!(calls.iter().all(|r| r.path != "/v2/bot/message/reply"));
    let pushes: Vec<_> = calls
        .iter()
        .filter(|r| r.path == "/v2/bot/message/push")
        .collect();
    assert!(!pushes.is_empty());
    assert!(
        pushes
            .iter()
            .all(|p| p.retry_key.is_some() && p.status == 200)
    );
    assert!(!line.texts_sent_to(PERSON).is_empty());
}

#[tokio::test]
async fn a_reply_token_line_refuses_falls_back_to_push_and_is_delivered_once() {
    let (app, line) = spawn_app_with_line(vec![]).await;
    app.line_says(&line, &[line.text_event(PERSON, "ช่วยด้วย")])
        .await;
    // LINE expired the token sooner than the app expected.
    line.expire_reply_tokens();
    app.run_jobs().await;
    let calls = line.requests();
    assert!(
        calls
            .iter()
            .any(|r| r.path == "/v2/bot/message/reply" && r.status == 400)
    );
    let (replies, pushes) = line.replies_and_pushes();
    assert_eq!((replies, pushes), (0, 1));
    let counselor = app.staff(Role::Counselor).await;
    let case = app.case_of_chat(&counselor).await;
    let sent = line.texts_sent_to(PERSON);
    assert_eq!(sent.len(), outbound(&case).len());
    assert!(outbound(&case).iter().all(|m| m["delivery"] == "sent"));
}

#[tokio::test]
async fn a_rate_limited_or_lost_push_is_retried_and_delivered_once() {
    let (app, line) = spawn_app_with_line(vec![]).await;
    app.line_says(&line, &[line.text_event(PERSON, "ช่วยด้วย")])
        .await;
    app.run_jobs().await;
    let counselor = app.staff(Role::Counselor).await;
    let case = app.case_of_chat(&counselor).await;
    let id = case["id"].as_str().unwrap().to_owned();
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;

    for (failure, text) in [
        (LineFailure::TooManyRequests, "first"),
        (LineFailure::AcceptedThenServerError, "second"),
    ] {
        line.fail_next(LineEndpoint::Push, failure);
        // The clock moves by hours below, so the lease is taken afresh each round.
        app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
            .await;
        let resp = app
            .post(
                &counselor,
                &format!("/api/v1/cases/{id}/messages"),
                &json!({ "text": text }),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::ACCEPTED);
        app.run_jobs().await;
        let case = app.case(&counselor, &id).await;
        let last = outbound(&case).last().cloned().unwrap().clone();
        assert_eq!(last["delivery"], "queued", "{failure:?}");
        assert!(last["delivery_error"].as_str().unwrap().contains("LINE"));
        app.advance(3600);
        app.run_jobs().await;
        let delivered = line
            .texts_sent_to(PERSON)
            .into_iter()
            .filter(|t| t == text)
            .count();
        assert_eq!(delivered, 1, "{failure:?}");
        let case = app.case(&counselor, &id).await;
        assert_eq!(outbound(&case).last().unwrap()["delivery"], "sent");
    }
    // The lost answer's retry reused its key, and LINE said it had it already.
    assert!(line.requests().iter().any(|r| r.status == 409));
}

#[tokio::test]
async fn malformed_non_utf8_oversized_and_disabled_requests_get_clear_4xx_answers() {
    let (app, line) =
        spawn_app_with_line(vec![("HOTLINE_SERVER__WEBHOOK_BODY_LIMIT_BYTES", "4096")]).await;
    let before = app.write_counts().await;
    for (body, code) in [
        (b"{\"events\": [".to_vec(), "malformed_webhook"),
        (vec![0xff, 0xfe, 0x7b, 0x7d], "malformed_webhook"),
        (b"[1, 2, 3]".to_vec(), "malformed_webhook"),
        (b"{\"destination\":\"U1\"}".to_vec(), "malformed_webhook"),
    ] {
        let signature = line.sign(&body);
        let resp = app.post_line_raw(body, Some(&signature)).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let error: Value = resp.json().await.unwrap();
        assert_eq!(error["error"]["code"], code);
    }
    let huge = line
        .webhook_body(&[line.text_event(PERSON, &"ก".repeat(5000))])
        .into_bytes();
    let signature = line.sign(&huge);
    let resp = app.post_line_raw(huge, Some(&signature)).await;
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let error: Value = resp.json().await.unwrap();
    assert_eq!(error["error"]["code"], "payload_too_large");
    assert_eq!(app.write_counts().await, before);

    // Without LINE enabled the route does not exist.
    let (tg_app, _tg) = spawn_app_with_telegram(vec![]).await;
    let resp = tg_app.post_line_raw(b"{}".to_vec(), Some("x")).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn in_standby_the_message_is_recorded_and_the_bot_stays_silent() {
    let (app, line) = spawn_app_with_line(vec![]).await;
    let mut event = line.text_event(PERSON, "ช่วยด้วย");
    event["mode"] = json!("standby");
    event.as_object_mut().unwrap().remove("replyToken");
    app.line_says(&line, &[event]).await;
    app.run_jobs().await;
    assert_eq!(app.count("cases").await, 1);
    assert!(line.texts_sent_to(PERSON).is_empty());
}

#[tokio::test]
async fn the_same_person_on_line_and_telegram_is_linked_only_by_a_counselor_and_can_be_unlinked() {
    let (app, line) = spawn_app_with_line(vec![
        ("HOTLINE_CHANNELS__TELEGRAM__ENABLED", "true"),
        ("HOTLINE_CHANNELS__TELEGRAM__BOT_TOKEN", BOT_TOKEN),
        ("HOTLINE_CHANNELS__TELEGRAM__WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("HOTLINE_CHANNELS__TELEGRAM__API_URL", "http://127.0.0.1:9"),
    ])
    .await;
    app.line_says(
        &line,
        &[line.text_event(PERSON, "I am Somchai, they hold my passport")],
    )
    .await;
    app.telegram_says(&[tg_text(1, 5_550_077, "I am Somchai, they hold my passport")])
        .await;
    // Same words, same name: still two people as far as hotline knows.
    assert_eq!(app.count("cases").await, 2);
    assert_eq!(app.count("reporters").await, 2);
    assert_eq!(app.count("case_links").await, 0);

    let (line_case,): (uuid::Uuid,) = sqlx::query_as("SELECT id FROM cases WHERE channel = 'line'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let (tg_case,): (uuid::Uuid,) =
        sqlx::query_as("SELECT id FROM cases WHERE channel = 'telegram'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    let counselor = app.staff(Role::Counselor).await;
    app.post(
        &counselor,
        "/api/v1/queue/claim",
        &json!({ "case_id": line_case }),
    )
    .await;
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{line_case}/links"),
            // Counselors know cases by their reference.
            &json!({ "reference": app.case(&counselor, &tg_case.to_string()).await["reference"] }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let case: Value = resp.json().await.unwrap();
    assert_eq!(case["linked_cases"][0]["id"], tg_case.to_string());
    let other = app.case_in_full(&counselor, &tg_case.to_string()).await;
    assert_eq!(other["linked_cases"][0]["id"], line_case.to_string());

    let resp = app
        .client
        .delete(app.url(&format!("/api/v1/cases/{line_case}/links/{tg_case}")))
        .bearer_auth(&counselor.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let case: Value = resp.json().await.unwrap();
    assert_eq!(case["linked_cases"], json!([]));
    let actions: Vec<&str> = case["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"case.linked") && actions.contains(&"case.unlinked"),
        "{actions:?}"
    );
    // A link to itself, to nothing, or undoing a link that is not there: clear errors.
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{line_case}/links"),
            &json!({ "case_id": line_case }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{line_case}/links"),
            &json!({ "case_id": "not-an-id" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let resp = app
        .client
        .delete(app.url(&format!("/api/v1/cases/{line_case}/links/{tg_case}")))
        .bearer_auth(&counselor.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
}
