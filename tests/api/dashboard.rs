//! The supervisor's live dashboard: its figures, its event stream across nodes, its page with
//! server-drawn charts, the critical-breach banner on every counselor's queue, and Redis down.

use std::time::Duration;

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::console::{cookie_value, sign_in};
use crate::helpers::{
    Options, Staff, TestApp, phone_report, spawn_app, spawn_app_with, spawn_app_with_telegram,
    spawn_second_node, tg_text,
};

const DANGER: &str = "please help, they locked us in the room and beat my friend";

async fn dashboard(app: &TestApp, who: &Staff) -> Value {
    let resp = app.get(who, "/api/v1/dashboard").await;
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

async fn dashboard_page(app: &TestApp, cookie: &str) -> String {
    let resp = app.get_page("/console/dashboard", Some(cookie)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    resp.text().await.unwrap()
}

async fn session(app: &TestApp, who: &Staff) -> String {
    let resp = sign_in(app, &who.email, &who.password).await;
    format!(
        "hotline_session={}",
        cookie_value(&resp, "hotline_session").unwrap()
    )
}

#[tokio::test]
async fn the_dashboard_shows_the_queue_the_oldest_wait_its_breach_and_who_holds_what() {
    let (app, _tg) = spawn_app_with_telegram(vec![]).await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    app.telegram_says(&[tg_text(1, 5_570_001, DANGER)]).await;
    let chat_case = app.case_of_chat(&counselor).await;
    let phone_case = app.report(&counselor, &phone_report("a call")).await;
    app.post(
        &counselor,
        "/api/v1/queue/claim",
        &json!({ "case_id": phone_case["id"] }),
    )
    .await;
    app.advance(150);

    let d = dashboard(&app, &supervisor).await;
    assert_eq!(d["queue_depth"]["total"], 1);
    assert_eq!(d["queue_depth"]["by_level"]["critical"], 1);
    assert_eq!(d["queue_depth"]["by_channel"]["telegram"], 1);
    let oldest = &d["oldest_waiting"][0];
    assert_eq!(oldest["level"], "critical");
    assert_eq!(oldest["reference"], chat_case["reference"]);
    assert_eq!(oldest["waited_seconds"], 150);
    assert_eq!(oldest["breaching"], true);
    assert_eq!(d["breaching_now"]["critical"], 1);
    // The critical target (120 s) passed 30 s ago: a breach within the last hour.
    assert_eq!(d["breaches_last_hour"]["critical"], 1);
    assert_eq!(d["arrivals"]["last_hour"], 2);
    assert_eq!(d["arrivals"]["same_hour_last_week"], 0);
    let on_shift = d["counselors"].as_array().unwrap();
    let holder = on_shift
        .iter()
        .find(|p| p["email"] == counselor.email.as_str())
        .expect("the counselor is on shift");
    assert_eq!(holder["holds"][0]["reference"], phone_case["reference"]);
    assert_eq!(holder["holds"][0]["held_seconds"], 150);
    // Callbacks and referrals come from their own features' tables.
    assert_eq!(d["callbacks"]["wired"], true);
    assert_eq!(d["callbacks"]["due"], 0);
    assert_eq!(d["referrals"]["wired"], true);
    assert_eq!(d["referrals"]["past_acknowledgement_target"], 0);
    assert_eq!(d["answer_times_24h"][0]["level"], "critical");
    assert_eq!(d["waiting_24h"].as_array().unwrap().len(), 25);
    assert_eq!(d["waiting_24h"][24]["waiting"], 1);

    // Every counselor's queue page says a critical case is past its target.
    let cookie = session(&app, &counselor).await;
    let page = app.get_page("/console/queue", Some(&cookie)).await;
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"critical-breach\""), "{html}");

    // Answered, the breach is over (the banner goes, the hour still counts it).
    let id = chat_case["id"].as_str().unwrap();
    app.post(&counselor, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    let resp = app
        .post(
            &counselor,
            &format!("/api/v1/cases/{id}/messages"),
            &json!({ "text": "We are here." }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::ACCEPTED);
    let d = dashboard(&app, &supervisor).await;
    assert_eq!(d["breaching_now"]["critical"], 0);
    assert_eq!(d["breaches_last_hour"]["critical"], 1);
    let html = app
        .get_page("/console/queue", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("id=\"critical-breach\""));
}

#[tokio::test]
async fn a_case_filed_on_one_node_reaches_the_dashboard_stream_of_another() {
    let first = spawn_app().await;
    let second = spawn_second_node(&first).await;
    let counselor = first.staff(Role::Counselor).await;
    let supervisor = first.staff(Role::Supervisor).await;
    let mut events = second
        .client
        .get(second.url("/api/v1/dashboard/events"))
        .bearer_auth(&supervisor.token)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    let ready = next_text(&mut events).await;
    assert!(ready.contains("event: ready"), "{ready}");

    first
        .report(&counselor, &phone_report("Somchai Secretname, locked in"))
        .await;
    let change = loop {
        let text = next_text(&mut events).await;
        if text.contains("event: change") {
            break text;
        }
    };
    assert!(!change.contains("Somchai"), "{change}");
    let d = dashboard(&second, &supervisor).await;
    assert_eq!(d["arrivals"]["last_hour"], 1);
}

async fn next_text(resp: &mut reqwest::Response) -> String {
    let chunk = tokio::time::timeout(Duration::from_secs(10), resp.chunk())
        .await
        .expect("an event arrives within a second or so")
        .unwrap()
        .expect("the stream is open");
    String::from_utf8(chunk.to_vec()).unwrap()
}

#[tokio::test]
async fn the_dashboard_page_draws_its_charts_for_supervisors_and_refuses_counselors() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    app.report(&counselor, &phone_report("a call")).await;
    let cookie = session(&app, &supervisor).await;
    let resp = app.get_page("/console/dashboard", Some(&cookie)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    for id in [
        "chart-answer-critical",
        "chart-answer-high",
        "chart-waiting",
        "tile-breaching",
        "dashboard-region",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    assert!(
        html.contains("class=\"target\""),
        "the target line is drawn"
    );

    let cookie = session(&app, &counselor).await;
    let resp = app.get_page("/console/dashboard", Some(&cookie)).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn with_redis_down_the_dashboard_still_answers_and_its_stream_still_opens() {
    let app = spawn_app_with(Options {
        redis_url: Some("redis://127.0.0.1:1".into()),
        ..Options::default()
    })
    .await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    app.report(&counselor, &phone_report("a call")).await;
    let d = dashboard(&app, &supervisor).await;
    assert_eq!(d["queue_depth"]["total"], 1);
    let mut events = app
        .client
        .get(app.url("/api/v1/dashboard/events"))
        .bearer_auth(&supervisor.token)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    assert!(next_text(&mut events).await.contains("event: ready"));
}

#[tokio::test]
async fn under_a_flood_the_dashboard_shows_messages_not_yet_read_in_the_supervisors_language() {
    let (app, _tg) = spawn_app_with_telegram(vec![
        ("HOTLINE_SERVER__INTAKE_CONCURRENCY", "1"),
        ("HOTLINE_SERVER__INTAKE_INBOX_AFTER_MS", "20"),
    ])
    .await;
    let supervisor = app.staff(Role::Supervisor).await;
    let quiet = dashboard(&app, &supervisor).await;
    assert_eq!(quiet["unread_messages"]["count"], 0);

    // Every turn taken, as in a flood: three messages wait in the inbox.
    let flood = app.ctx.turns.take_for_reader().await;
    for n in 0..3 {
        app.telegram_says(&[tg_text(70 + n, 570_000 + n, DANGER)])
            .await;
    }
    app.advance(90);
    let figures = dashboard(&app, &supervisor).await;
    assert_eq!(figures["unread_messages"]["count"], 3);
    assert_eq!(figures["unread_messages"]["oldest_seconds"], 90);

    app.prefers_console_language(&supervisor, "th").await;
    let cookie = session(&app, &supervisor).await;
    let html = dashboard_page(&app, &cookie).await;
    assert!(html.contains("id=\"tile-unread\""), "the tile is shown");
    assert!(html.contains("ข้อความที่ยังไม่ได้อ่าน"), "in Thai");
    drop(flood);
    hotline::channels::inbox::read_once(&app.ctx, 16)
        .await
        .unwrap();
    let html = dashboard_page(&app, &cookie).await;
    assert!(!html.contains("id=\"tile-unread\""), "gone once read");
}
