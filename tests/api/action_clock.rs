//! The action clock (issue 15): from a case becoming critical or high to its first referral
//! requested and to the partner's acknowledgement, against `targets.action_seconds` (plus the
//! partner's acknowledgement target for the second step), in the report, on the dashboard and
//! in the metrics.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Staff, TestApp, spawn_app};
use crate::referrals::{
    claimed_case, console_cookie, demo_directory, partner_named, partner_posts,
};

async fn action_report(app: &TestApp, who: &Staff, query: &str) -> Value {
    let resp = app
        .get(
            who,
            &format!("/api/v1/stats/response-times?clock=action&{query}"),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

fn group<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no group {key} in {report}"))
}

/// Sends a consented police referral for `case`; the partner's token.
async fn refer(app: &TestApp, c: &Staff, case: &str) -> String {
    let police = partner_named(app, c, "Songkhla Provincial Police").await;
    // The hold may have lapsed while the counselor talked: take the case again (a no-op if held).
    app.post(c, "/api/v1/queue/claim", &json!({ "case_id": case }))
        .await;
    let consent = json!({ "partner_type": "police", "given_by": "person", "how": "chat", "purpose": "rescue", "granted": true });
    app.post(c, &format!("/api/v1/cases/{case}/consents"), &consent)
        .await;
    let resp = app
        .post(
            c,
            &format!("/api/v1/cases/{case}/referrals"),
            &json!({ "partner_id": police["id"], "summary": "Held at a construction site" }),
        )
        .await;
    let status = resp.status();
    let sent: Value = resp.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    sent["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_critical_case_is_timed_to_its_first_referral_and_to_the_partners_acknowledgement() {
    let app = spawn_app().await;
    demo_directory(&app).await;
    let c = app.staff(Role::Counselor).await;
    let s = app.staff(Role::Supervisor).await;
    // threat_violence makes the case critical at once.
    let case = claimed_case(
        &app,
        &c,
        "TH",
        "Songkhla",
        json!({ "threat_violence": "yes" }),
    )
    .await;
    app.advance(600);
    let token = refer(&app, &c, &case).await;
    app.advance(400);
    let (status, _) = partner_posts(&app, &token, &[("action", "acknowledge")]).await;
    assert_eq!(status, StatusCode::OK);

    let requested = action_report(&app, &s, "group_by=urgency").await;
    assert_eq!(requested["clock"], "action");
    assert_eq!(requested["step"], "requested");
    assert_eq!(requested["targets"]["critical"], 900);
    assert_eq!(
        requested["targets"]["high"],
        Value::Null,
        "high has no target by default"
    );
    let critical = group(&requested, "critical");
    assert_eq!(critical["count"], 1);
    assert_eq!(critical["p50"], 600);
    assert_eq!(critical["within_target"], 1.0);

    // 1000 s to the acknowledgement: within 900 + the partner's 900 for a critical referral.
    let acknowledged = action_report(&app, &s, "group_by=urgency&step=acknowledged").await;
    assert_eq!(acknowledged["targets"]["critical"], 1800);
    let critical = group(&acknowledged, "critical");
    assert_eq!(
        (critical["count"].as_i64(), critical["p90"].as_i64()),
        (Some(1), Some(1000))
    );
    assert_eq!(critical["within_target"], 1.0);

    let metrics = app.metrics_text().await;
    assert!(
        metrics.contains(
            "hotline_action_time_seconds_bucket{level=\"critical\",step=\"requested\",le=\"900\"}"
        ),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            "hotline_action_time_seconds_count{level=\"critical\",step=\"acknowledged\"}"
        )
    );
    for line in metrics.lines().filter(|l| l.starts_with("hotline_action")) {
        assert!(!line.contains(&case), "an id in a metric label: {line}");
    }
}

#[tokio::test]
async fn an_urgent_case_without_a_referral_is_past_its_target_one_second_after_it_but_a_closed_one_is_not()
 {
    let app = spawn_app().await;
    demo_directory(&app).await;
    let c = app.staff(Role::Counselor).await;
    let s = app.staff(Role::Supervisor).await;
    claimed_case(
        &app,
        &c,
        "TH",
        "Songkhla",
        json!({ "threat_violence": "yes" }),
    )
    .await;
    app.advance(900);
    let report = action_report(&app, &s, "group_by=urgency").await;
    assert_eq!(
        group(&report, "critical")["waiting_past_target"],
        0,
        "on the target is within it"
    );
    app.advance(1);
    let report = action_report(&app, &s, "group_by=urgency").await;
    let critical = group(&report, "critical");
    assert_eq!(critical["waiting_past_target"], 1);
    assert_eq!(critical["within_target"], 0.0);
    assert_eq!(critical["count"], 0);

    let d: Value = app.get(&s, "/api/v1/dashboard").await.json().await.unwrap();
    assert_eq!(d["action_24h"]["requested"][0]["key"], "critical");
    assert_eq!(d["action_24h"]["requested"][0]["waiting_past_target"], 1);
    let cookie = console_cookie(&app, &s).await;
    let html = app
        .get_page("/console/dashboard", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("id=\"action-clock\""), "{html}");
    assert!(html.contains("id=\"tile-action-past\""));

    // Grouped by channel: the phone case is there too.
    let by_channel = action_report(&app, &s, "group_by=channel").await;
    assert_eq!(group(&by_channel, "phone")["waiting_past_target"], 1);
}

#[tokio::test]
async fn a_bad_clock_or_a_step_for_the_answer_clock_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let s = app.staff(Role::Supervisor).await;
    for (query, field) in [
        ("clock=speed", "clock"),
        ("clock=action&step=lunch", "step"),
        ("clock=answer&step=requested", "step"),
    ] {
        let resp = app
            .get(&s, &format!("/api/v1/stats/response-times?{query}"))
            .await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["error"]["field"], field, "{query}");
    }
    let c = app.staff(Role::Counselor).await;
    assert_eq!(
        app.get(&c, "/api/v1/stats/response-times?clock=action")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}
