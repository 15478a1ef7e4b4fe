//! Live updates and holding a case safely: server-sent events on every change (from any node,
//! without personal data), the lease countdown and warning, and renewal while the page is open.

use std::time::Duration;

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::console::{cookie_value, sign_in};
use crate::helpers::{Staff, TestApp, phone_report, spawn_app, spawn_second_node};

/// Opens the event stream and waits for its `ready` event.
async fn open_events(app: &TestApp, who: &Staff) -> reqwest::Response {
    let mut resp = app
        .client
        .get(app.url("/api/v1/queue/events"))
        .bearer_auth(&who.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let first = next_text(&mut resp).await;
    assert!(first.contains("event: ready"), "{first}");
    resp
}

/// The next chunk of the stream, waiting at most 10 s for it.
async fn next_text(resp: &mut reqwest::Response) -> String {
    let chunk = tokio::time::timeout(Duration::from_secs(10), resp.chunk())
        .await
        .expect("an event arrives")
        .unwrap()
        .expect("the stream is open");
    String::from_utf8(chunk.to_vec()).unwrap()
}

/// Reads events until one is a `change`; returns its data.
async fn next_change(resp: &mut reqwest::Response) -> Value {
    loop {
        let text = next_text(resp).await;
        if let Some(data) = text
            .lines()
            .skip_while(|l| *l != "event: change")
            .find_map(|l| l.strip_prefix("data: "))
        {
            return serde_json::from_str(data).unwrap();
        }
    }
}

#[tokio::test]
async fn a_case_filed_on_another_node_reaches_the_event_stream_without_personal_data() {
    let first = spawn_app().await;
    let second = spawn_second_node(&first).await;
    let c = first.staff(Role::Counselor).await;
    let mut events = open_events(&second, &c).await;

    let mut body = phone_report("Somchai Secretname is locked in a karaoke bar in Hat Yai");
    body["answers"] = json!({ "confinement": "yes" });
    body["callback"]["name"] = json!("Somchai Secretname");
    let case = first.report(&c, &body).await;

    let raw = loop {
        let text = next_text(&mut events).await;
        if text.contains("event: change") {
            break text;
        }
    };
    for private in ["Somchai", "Secretname", "karaoke", "Hat Yai", "812345678"] {
        assert!(!raw.contains(private), "the event carries {private}: {raw}");
    }
    // The event only nudges; the queue, re-read, has the case.
    let queue = second.queue(&c).await;
    assert!(queue.iter().any(|i| i["id"] == case["id"]));
}

#[tokio::test]
async fn a_note_on_a_case_names_that_case_in_its_event() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let case = app.report(&c, &phone_report("a case for a note")).await;
    app.claim_next(&c).await;
    let mut events = open_events(&app, &c).await;
    let id = case["id"].as_str().unwrap();
    let resp = app
        .post(
            &c,
            &format!("/api/v1/cases/{id}/notes"),
            &json!({ "text": "called back" }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let event = next_change(&mut events).await;
    assert_eq!(event["case_id"], id);
}

#[tokio::test]
async fn the_lease_counts_down_warns_before_it_ends_and_renewing_keeps_the_case() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let case = app.report(&c, &phone_report("a fifteen-minute call")).await;
    let id = case["id"].as_str().unwrap().to_owned();
    app.claim_next(&c).await;
    let session = format!(
        "hotline_session={}",
        cookie_value(
            &sign_in(&app, &c.email, &c.password).await,
            "hotline_session"
        )
        .unwrap()
    );

    let view = app.case(&c, &id).await;
    assert_eq!(view["lease_seconds_left"], 600);
    assert_eq!(view["lease_ending_soon"], false);
    let page = app
        .get_page(&format!("/console/cases/{id}"), Some(&session))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-seconds-left=\"600\""));
    assert!(page.contains("id=\"lease-warning\" class=\"warning\" role=\"alert\" hidden"));

    // Eight and a half minutes into the call: the warning shows (two minutes by default).
    app.advance(510);
    let view = app.case(&c, &id).await;
    assert_eq!(view["lease_seconds_left"], 90);
    assert_eq!(view["lease_ending_soon"], true);
    let page = app
        .get_page(&format!("/console/cases/{id}"), Some(&session))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"lease-warning\" class=\"warning\" role=\"alert\">"));

    // The open page renews while the counselor is active; the call goes on past the first
    // lease and the next note is accepted.
    let renewed = app
        .post_empty(&c, &format!("/api/v1/cases/{id}/renew"))
        .await;
    assert_eq!(renewed.status(), StatusCode::OK);
    app.advance(400);
    let note = app
        .post(
            &c,
            &format!("/api/v1/cases/{id}/notes"),
            &json!({ "text": "still on the call" }),
        )
        .await;
    assert_eq!(note.status(), StatusCode::CREATED);
    let view = app.case(&c, &id).await;
    assert_eq!(view["holder"]["email"], c.email.as_str());
}

#[tokio::test]
async fn a_double_submitted_phone_form_creates_one_case() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let body = phone_report("saved with a double click");
    let send = || {
        app.client
            .post(app.url("/api/v1/reports"))
            .bearer_auth(&c.token)
            .header("Idempotency-Key", "console-form-5b1e")
            .json(&body)
            .send()
    };
    // Both requests at once, as a double click sends them.
    let (a, b) = tokio::join!(send(), send());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.status(), StatusCode::CREATED);
    assert_eq!(b.status(), StatusCode::CREATED);
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a["id"], b["id"]);
    assert_eq!(app.count("cases").await, 1);
}

#[tokio::test]
async fn new_messages_on_a_held_chat_case_show_as_unread_until_the_case_is_opened_and_taps_are_the_persons()
 {
    let (app, _tg) = crate::helpers::spawn_app_with_telegram(vec![]).await;
    let chat = 5_550_077;
    app.telegram_says(&[
        crate::helpers::tg_text(1, chat, "ช่วยด้วย ฉันถูกขังอยู่ในโรงงาน"),
        crate::helpers::tg_choice(2, chat, "safe:yes"),
    ])
    .await;
    let c = app.staff(Role::Counselor).await;
    let claimed: Value = app.claim_next(&c).await.json().await.unwrap();
    let id = claimed["id"].as_str().unwrap().to_owned();
    let reference = claimed["reference"].as_str().unwrap().to_owned();
    let session = format!(
        "hotline_session={}",
        cookie_value(
            &sign_in(&app, &c.email, &c.password).await,
            "hotline_session"
        )
        .unwrap()
    );
    let page = |path: String| {
        let session = session.clone();
        let app = &app;
        async move {
            app.get_page(&path, Some(&session))
                .await
                .text()
                .await
                .unwrap()
        }
    };
    // Opening the case reads it; the person writes again afterwards.
    let case_page = page(format!("/console/cases/{id}")).await;
    assert!(
        !case_page.contains("⟦"),
        "a key without a text on the case page"
    );
    assert!(
        !case_page.contains("counselor's answer"),
        "a tapped answer is the person's, not the counselor's"
    );
    app.advance(30);
    app.telegram_says(&[crate::helpers::tg_text(3, chat, "เขากลับมาแล้ว")])
        .await;
    let queue = page("/console/queue".to_owned()).await;
    assert!(
        queue.contains(&format!("id=\"unread-{reference}\"")),
        "the new message is marked unread in my cases"
    );
    app.advance(30);
    page(format!("/console/cases/{id}")).await;
    let queue = page("/console/queue".to_owned()).await;
    assert!(!queue.contains(&format!("id=\"unread-{reference}\"")));
}
