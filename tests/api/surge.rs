//! Surge mode and mass rescue events (issue 18): a supervisor's switch and the hotline's own,
//! the bot's essentials-only script with the honest wait, and one rescue with many cases.

use hotline::auth::Role;
use hotline::surge::Decision;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{
    Options, Staff, TestApp, phone_report, spawn_app, spawn_app_with, spawn_app_with_telegram,
    tg_choice,
};

async fn put_surge(app: &TestApp, who: &Staff, body: &Value) -> reqwest::Response {
    app.client
        .put(app.url("/api/v1/surge"))
        .bearer_auth(&who.token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn surge_now(app: &TestApp, who: &Staff) -> Value {
    app.get(who, "/api/v1/surge").await.json().await.unwrap()
}

async fn audit_actions(app: &TestApp, prefix: &str) -> Vec<(String, Option<uuid::Uuid>)> {
    sqlx::query_as("SELECT action, actor_id FROM audit_log WHERE action LIKE $1 ORDER BY at, id")
        .bind(format!("{prefix}%"))
        .fetch_all(&app.db)
        .await
        .unwrap()
}

async fn session(app: &TestApp, who: &Staff) -> String {
    let r = crate::console::sign_in(app, &who.email, &who.password).await;
    let value = crate::console::cookie_value(&r, "hotline_session").unwrap();
    format!("hotline_session={value}")
}

#[tokio::test]
async fn a_supervisor_switches_surge_on_and_off_and_every_switch_is_audited_and_shown() {
    let app = spawn_app().await;
    let supervisor = app.staff(Role::Supervisor).await;
    let counselor = app.staff(Role::Counselor).await;
    assert_eq!(surge_now(&app, &counselor).await["surge"]["on"], false);

    // A counselor may see surge mode but not switch it; bad input changes nothing.
    let r = put_surge(&app, &counselor, &json!({ "on": true })).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = put_surge(&app, &supervisor, &json!({ "on": "yes" })).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = put_surge(
        &app,
        &supervisor,
        &json!({ "on": true, "reason": "x".repeat(201) }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["field"], "reason");
    assert_eq!(app.count("surge_switches").await, 0);

    let r = put_surge(
        &app,
        &supervisor,
        &json!({ "on": true, "reason": "raid on a compound in Myawaddy" }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let state = surge_now(&app, &counselor).await;
    assert_eq!(state["surge"]["on"], true);
    assert_eq!(state["surge"]["automatic"], false);
    assert_eq!(state["surge"]["switched_by"], supervisor.email.as_str());
    // Switching on again changes nothing.
    put_surge(&app, &supervisor, &json!({ "on": true })).await;
    assert_eq!(app.count("surge_switches").await, 1);

    // The queue says so, in the API and on the page, and the dashboard shows who and why.
    let queue: Value = app
        .get(&counselor, "/api/v1/queue")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue["surge"]["on"], true);
    let page = app
        .get_page("/console/queue", Some(&session(&app, &counselor).await))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("id=\"surge-banner\""),
        "the queue shows surge"
    );
    let dashboard = app
        .get_page(
            "/console/dashboard",
            Some(&session(&app, &supervisor).await),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(dashboard.contains("id=\"surge-form\""));
    assert!(dashboard.contains(&supervisor.email));
    assert!(dashboard.contains("raid on a compound in Myawaddy"));

    let r = put_surge(&app, &supervisor, &json!({ "on": false })).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(surge_now(&app, &counselor).await["surge"]["on"], false);
    let audited = audit_actions(&app, "surge.").await;
    assert_eq!(
        audited,
        vec![
            ("surge.on".to_owned(), Some(supervisor.id)),
            ("surge.off".to_owned(), Some(supervisor.id)),
        ]
    );
    // The audit carries facts only, never the supervisor's words.
    let details: Vec<(Value,)> =
        sqlx::query_as("SELECT details FROM audit_log WHERE action LIKE 'surge.%'")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert!(
        details
            .iter()
            .all(|(d,)| !d.to_string().contains("Myawaddy"))
    );
}

#[tokio::test]
async fn the_hotline_switches_itself_into_surge_when_arrivals_reach_the_threshold_and_out_after_a_quiet_period()
 {
    let app = spawn_app_with(Options {
        extra_env: vec![
            ("HOTLINE_SURGE__AUTO_THRESHOLD_PER_HOUR".into(), "4".into()),
            ("HOTLINE_SURGE__QUIET_MINUTES".into(), "30".into()),
        ],
        ..Options::default()
    })
    .await;
    let counselor = app.staff(Role::Counselor).await;
    for i in 0..3 {
        app.report(&counselor, &phone_report(&format!("report {i}")))
            .await;
    }
    let check = |app: &TestApp| {
        let ctx = app.ctx.clone();
        let now = app.clock_now();
        async move { hotline::surge::check_automatic(&ctx, now).await.unwrap() }
    };
    assert_eq!(check(&app).await, Decision::Keep, "3 an hour is under 4");
    app.report(&counselor, &phone_report("report 3")).await;
    assert_eq!(check(&app).await, Decision::StartSurge);
    let state = surge_now(&app, &counselor).await;
    assert_eq!(state["surge"]["on"], true);
    assert_eq!(state["surge"]["automatic"], true);
    assert_eq!(state["switches"][0]["arrivals_per_hour"], 4);
    // Checking again (another node, the next tick) switches nothing twice.
    assert_eq!(check(&app).await, Decision::Keep);

    // Twenty minutes on, quiet, but the surge has not lasted its quiet period yet.
    app.advance(20 * 60);
    assert_eq!(check(&app).await, Decision::Keep);
    // Thirty-one minutes in, with no arrival in the last thirty: it ends by itself.
    app.advance(11 * 60);
    assert_eq!(check(&app).await, Decision::EndSurge);
    assert_eq!(surge_now(&app, &counselor).await["surge"]["on"], false);
    let audited = audit_actions(&app, "surge.").await;
    assert_eq!(
        audited,
        vec![
            ("surge.on".to_owned(), None),
            ("surge.off".to_owned(), None)
        ]
    );

    // A surge a supervisor started is never ended by the quiet rule.
    let supervisor = app.staff(Role::Supervisor).await;
    put_surge(&app, &supervisor, &json!({ "on": true })).await;
    app.advance(3 * 3600);
    assert_eq!(check(&app).await, Decision::Keep);
    assert_eq!(surge_now(&app, &counselor).await["surge"]["on"], true);
}

#[tokio::test]
async fn in_surge_the_bot_tells_the_real_wait_and_asks_only_whether_the_person_is_safe_where_and_how_to_reach_them()
 {
    let (app, tg) = spawn_app_with_telegram(vec![]).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let counselor = app.staff(Role::Counselor).await;
    // Someone has waited 100 minutes at high urgency: the honest wait is at least that.
    let mut waiting = phone_report("they keep our passports, we cannot leave");
    waiting["answers"] = json!({ "documents_seized": "yes" });
    app.report(&counselor, &waiting).await;
    app.advance(100 * 60);
    put_surge(&app, &supervisor, &json!({ "on": true })).await;

    let chat = 5_550_777;
    app.telegram_says(&[
        crate::helpers::tg_text(1, chat, "/start"),
        tg_choice(2, chat, "lang:en"),
        tg_choice(3, chat, "safe:danger"),
        tg_choice(4, chat, "country:MM"),
        tg_choice(5, chat, "area:skip"),
        tg_choice(6, chat, "contact:here"),
        tg_choice(7, chat, "hours:any"),
    ])
    .await;
    app.run_jobs().await;

    let en = &app.ctx.conversation.pack("en").texts;
    let texts = tg.texts_sent_to(chat);
    let head = |t: &str| t.split('{').next().unwrap().trim().to_owned();
    let notice = texts
        .iter()
        .find(|t| t.starts_with(&head(&en.surge_notice)))
        .unwrap_or_else(|| panic!("no surge notice: {texts:?}"));
    // The critical case of this chat is answered first, but a high case has waited 100
    // minutes; the person is told the wait rounded up, never less.
    assert!(
        notice.contains("minutes") || notice.contains("hours"),
        "{notice}"
    );
    assert!(texts.iter().any(|t| t == &en.surge_ask_safe_now));
    assert!(texts.iter().any(|t| t.starts_with(&head(&en.danger_now))));
    assert!(texts.iter().any(|t| t == &en.surge_question_where));
    for skipped in [
        &en.ask_what_happened,
        &en.question_minor,
        &en.question_can_leave,
    ] {
        assert!(
            !texts.contains(skipped),
            "asked a non-essential question: {skipped}"
        );
    }
    let last = texts.last().unwrap();
    assert!(last.starts_with(&head(&en.surge_handoff)), "{last}");

    // Pressing buttons alone opened a case: "I am in danger" makes it critical and first.
    let case = app.case_of_chat(&counselor).await;
    assert_eq!(case["urgency"]["level"], "critical");
    assert_eq!(case["location"]["country"], "MM");
    assert_eq!(case["callback"]["allowed_channels"], json!(["telegram"]));
    let queue = app.queue(&counselor).await;
    assert_eq!(queue[0]["id"], case["id"], "the most urgent stays first");
}

#[tokio::test]
async fn in_surge_the_wait_told_comes_from_the_queue_and_is_rounded_up() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    app.report(&counselor, &phone_report("a medium case, waiting"))
        .await;
    app.advance(2 * 3600 + 10 * 60);
    let wait = hotline::surge::expected_wait(
        &app.db,
        &app.ctx.settings.queue,
        hotline::domain::Level::Medium,
        app.clock_now(),
    )
    .await
    .unwrap();
    assert!(wait.as_secs() >= 2 * 3600 + 10 * 60);
    assert_eq!(
        hotline::surge::round_wait(wait),
        hotline::surge::WaitFigure::Hours(3)
    );
}

#[tokio::test]
async fn the_wait_the_bot_tells_is_asked_of_the_database_at_most_every_ten_seconds_per_level() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    app.report(&counselor, &phone_report("a medium case, waiting"))
        .await;
    app.advance(2 * 3600 + 10 * 60);
    let told = || async {
        app.ctx
            .surge_waits
            .expected_wait(
                &app.db,
                &app.ctx.settings.queue,
                hotline::domain::Level::Medium,
                app.clock_now(),
            )
            .await
            .unwrap()
    };
    let first = told().await;
    assert!(first.as_secs() >= 2 * 3600 + 10 * 60);
    // The long wait ends (a counselor takes the case); within ten seconds the figure told stays.
    assert_eq!(app.claim_next(&counselor).await.status(), StatusCode::OK);
    app.advance(5);
    assert_eq!(told().await, first);
    app.advance(10);
    let later = told().await;
    assert!(later < first, "asked again after ten seconds: {later:?}");
}

const NARRATIVE: &str = "rescue-narrative-sentinel-5521";

#[tokio::test]
async fn a_mass_rescue_is_one_event_whose_cases_are_linked_listed_in_outline_and_shown_as_such() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let other = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;

    // Bad input: a 400 naming the field, nothing written.
    let r = app
        .post(
            &counselor,
            "/api/v1/events",
            &json!({ "name": "Raid", "place": "KK Park", "country": "ZZ", "date": "2026-12-05", "estimated_people": 300 }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["field"],
        "country"
    );
    assert_eq!(app.count("rescue_events").await, 0);

    let r = app
        .post(
            &counselor,
            "/api/v1/events",
            &json!({ "name": "Raid on a scam compound", "place": "KK Park, Myawaddy", "country": "MM", "date": "2026-12-05", "estimated_people": 300 }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let event: Value = r.json().await.unwrap();
    let event_id = event["id"].as_str().unwrap().to_owned();
    assert_eq!(event["linked"], 0);

    // One survivor already called in; three more are entered from the raid in one request.
    let mut first = phone_report(NARRATIVE);
    first["callback"]["name"] = json!("Sentinel Person");
    let existing = app.report(&counselor, &first).await;
    let new_case = |n: usize| {
        json!({ "caller": "victim", "language": "my", "narrative": format!("{NARRATIVE} person {n}"),
                "answers": { "confinement": "yes" } })
    };
    let path = format!("/api/v1/events/{event_id}/cases");
    // One bad form in the batch: 400 naming it, and none of the batch is written.
    let cases_before = app.count("cases").await;
    let r = app
        .post(
            &counselor,
            &path,
            &json!({ "case_ids": [existing["id"]], "new_cases": [new_case(1), { "caller": "victim" }] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["field"],
        "new_cases[1].narrative"
    );
    assert_eq!(app.count("cases").await, cases_before);

    let body = json!({ "case_ids": [existing["id"]], "new_cases": [new_case(1), new_case(2), new_case(3)] });
    let r = app
        .client
        .post(app.url(&path))
        .bearer_auth(&counselor.token)
        .header("Idempotency-Key", "raid-batch-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let linked: Value = r.json().await.unwrap();
    assert_eq!(linked["created"].as_array().unwrap().len(), 3);
    assert_eq!(linked["event"]["linked"], 4);
    // The same request again (a lost answer, a double click) creates nobody twice.
    let r = app
        .client
        .post(app.url(&path))
        .bearer_auth(&counselor.token)
        .header("Idempotency-Key", "raid-batch-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.count("cases").await, cases_before + 3);

    // Anyone on shift sees the event with outline fields only: no narrative, name or number.
    let r = app.get(&other, &format!("/api/v1/events/{event_id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(!text.contains(NARRATIVE) && !text.contains("Sentinel Person"));
    assert!(!text.contains("+66812345678") && !text.contains("Songkhla"));
    let view: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(view["cases"].as_array().unwrap().len(), 4);
    assert_eq!(view["country"], "MM");
    // The new cases take the event's country; "cannot leave" makes them critical, first.
    assert_eq!(view["cases"][0]["country"], "MM");
    assert_eq!(view["cases"][0]["urgency_level"], "critical");

    // The case shows its event; the queue shows every linked case as part of it.
    let case = app.case(&counselor, existing["id"].as_str().unwrap()).await;
    assert_eq!(case["rescue_event"]["id"], event_id.as_str());
    assert_eq!(case["rescue_event"]["name"], "Raid on a scam compound");
    let queue = app.queue(&other).await;
    let in_event = queue
        .iter()
        .filter(|i| i["rescue_event"]["id"] == event_id.as_str())
        .count();
    assert_eq!(in_event, 4);
    let page = app
        .get_page("/console/queue", Some(&session(&app, &other).await))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Raid on a scam compound"));

    // A case belongs to one rescue: linking it to another is refused and changes nothing.
    let r = app
        .post(
            &supervisor,
            "/api/v1/events",
            &json!({ "name": "Boat intercepted", "place": "Andaman Sea", "country": "TH", "date": "2026-12-06", "estimated_people": 40 }),
        )
        .await;
    let second: Value = r.json().await.unwrap();
    let r = app
        .post(
            &supervisor,
            &format!("/api/v1/events/{}/cases", second["id"].as_str().unwrap()),
            &json!({ "case_ids": [existing["id"]] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "in_another_event"
    );
    let r = app
        .get(
            &other,
            "/api/v1/events/00000000-0000-0000-0000-000000000000",
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let audited: (i64,) =
        sqlx::query_as("SELECT count(*) FROM audit_log WHERE action = 'case.rescue_event_linked'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(audited.0, 4);
}
