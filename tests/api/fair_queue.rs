//! A fair queue: a true critical before a high case that aged into critical, cases in the
//! counselor's languages first (never at the cost of a case past its target), and a cap on
//! how many cases one counselor holds.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{phone_report, spawn_app};

#[tokio::test]
async fn a_fresh_critical_case_comes_before_an_older_high_case_that_aged_into_critical() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let aged_high = app
        .report_with_answers(&c, json!({ "documents_seized": "yes" }))
        .await;
    // High's target is ten minutes; past it the high case counts as critical.
    app.advance(11 * 60);
    let critical = app
        .report_with_answers(&c, json!({ "confinement": "yes" }))
        .await;

    let queue = app.queue(&c).await;
    assert_eq!(queue[0]["id"], critical["id"], "the true critical leads");
    assert_eq!(queue[1]["id"], aged_high["id"]);
    assert_eq!(queue[1]["effective_level"], "critical");
    assert_eq!(queue[1]["urgency"]["level"], "high");
    let claimed: Value = app.claim_next(&c).await.json().await.unwrap();
    assert_eq!(
        claimed["id"], critical["id"],
        "claiming follows the same order"
    );
}

#[tokio::test]
async fn queue_items_show_their_language_and_when_their_answer_target_passes() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let case = app
        .report_with_answers(&c, json!({ "confinement": "yes" }))
        .await;
    app.advance(10 * 60);
    let item = &app.queue(&c).await[0];
    assert_eq!(item["id"], case["id"]);
    assert_eq!(item["language"], "th");
    // A critical case's target is two minutes: it is eight minutes overdue.
    let due =
        chrono::DateTime::parse_from_rfc3339(item["answer_due_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        (app.clock_now() - due.with_timezone(&chrono::Utc)).num_minutes(),
        8
    );
}

async fn report_in(
    app: &crate::helpers::TestApp,
    who: &crate::helpers::Staff,
    language: &str,
) -> Value {
    let mut body = phone_report("a report in a language");
    body["language"] = json!(language);
    app.report(who, &body).await
}

#[tokio::test]
async fn claim_next_prefers_a_case_in_a_language_the_counselor_speaks() {
    let app = spawn_app().await;
    let filer = app.staff(Role::Counselor).await;
    let burmese_speaker = app.staff(Role::Counselor).await;
    let resp = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&burmese_speaker.token)
        .json(&json!({ "languages": ["my-MM", "th"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let khmer = report_in(&app, &filer, "km").await;
    app.advance(5);
    let burmese = report_in(&app, &filer, "my").await;

    let claimed: Value = app.claim_next(&burmese_speaker).await.json().await.unwrap();
    assert_eq!(claimed["id"], burmese["id"], "the newer Burmese case first");
    // Someone who speaks neither gets the oldest.
    let other = app.staff(Role::Counselor).await;
    let claimed: Value = app.claim_next(&other).await.json().await.unwrap();
    assert_eq!(claimed["id"], khmer["id"]);
}

#[tokio::test]
async fn a_case_past_its_target_is_claimed_first_whatever_its_language() {
    let app = spawn_app().await;
    let filer = app.staff(Role::Counselor).await;
    let thai_speaker = app.staff(Role::Counselor).await;
    app.client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&thai_speaker.token)
        .json(&json!({ "languages": ["th"] }))
        .send()
        .await
        .unwrap();
    let lao = report_in(&app, &filer, "lo").await;
    // Medium's target is an hour; the Lao case is now overdue (and so ranks as high).
    app.advance(61 * 60);
    let mut thai_high = phone_report("a Thai report");
    thai_high["answers"] = json!({ "debt_bondage": "yes" });
    let thai_high = app.report(&filer, &thai_high).await;
    let _thai_medium = report_in(&app, &filer, "th").await;

    let claimed: Value = app.claim_next(&thai_speaker).await.json().await.unwrap();
    assert_eq!(claimed["id"], thai_high["id"], "a true high case first");
    let claimed: Value = app.claim_next(&thai_speaker).await.json().await.unwrap();
    assert_eq!(
        claimed["id"], lao["id"],
        "the overdue Lao case before a Thai case of the same level"
    );
}

#[tokio::test]
async fn a_counselor_holds_at_most_max_held_cases() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    for _ in 0..4 {
        app.report(&c, &phone_report("one of four")).await;
    }
    for _ in 0..3 {
        assert_eq!(app.claim_next(&c).await.status(), StatusCode::OK);
    }
    let refused = app.claim_next(&c).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let err: Value = refused.json().await.unwrap();
    assert_eq!(err["error"]["code"], "too_many_held");
    // Naming a case is refused the same way, and the fourth case stays in the queue.
    let waiting = app
        .queue(&c)
        .await
        .into_iter()
        .find(|i| i["holder"].is_null())
        .unwrap();
    let resp = app
        .post(
            &c,
            "/api/v1/queue/claim",
            &json!({ "case_id": waiting["id"] }),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);

    // Releasing one makes room; re-claiming a case already held only renews it.
    let held = app
        .queue(&c)
        .await
        .into_iter()
        .find(|i| !i["holder"].is_null())
        .unwrap();
    let again = app
        .post(&c, "/api/v1/queue/claim", &json!({ "case_id": held["id"] }))
        .await;
    assert_eq!(again.status(), StatusCode::OK);
    let path = format!("/api/v1/cases/{}/release", held["id"].as_str().unwrap());
    assert_eq!(app.post_empty(&c, &path).await.status(), StatusCode::OK);
    assert_eq!(app.claim_next(&c).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_counselor_chooses_their_console_language_and_spoken_languages() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let me: Value = app.get(&c, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["console_language"], Value::Null);
    assert_eq!(me["languages"], json!([]));

    let resp = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&c.token)
        .json(&json!({ "console_language": "th", "languages": ["th", "my"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let me: Value = app.get(&c, "/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["console_language"], "th");
    assert_eq!(me["languages"], json!(["th", "my"]));

    for (body, field) in [
        (json!({ "console_language": "xx" }), "console_language"),
        (json!({ "languages": ["not a language"] }), "languages[0]"),
        (json!({ "favourite": "th" }), "favourite"),
    ] {
        let resp = app
            .client
            .patch(app.url("/api/v1/me"))
            .bearer_auth(&c.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{body}");
        let err: Value = resp.json().await.unwrap();
        assert_eq!(err["error"]["field"], field, "{body}");
    }
}
