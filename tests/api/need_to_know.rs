//! Need-to-know: every API route × (anonymous, a counselor holding the case, a counselor not
//! holding it, a supervisor, an admin), generated from the route table and checked against the
//! route's rule in `privacy::rules`. A route without a rule fails here.

use hotline::auth::Role;
use hotline::privacy::rules::{Rule, rule_for};
use hotline::routes::api::ROUTES;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Options, Staff, TestApp, phone_report, spawn_app_with};

const NARRATIVE: &str = "ntk-narrative-sentinel-4411";
const NAME: &str = "Ntkname Sentinelsak";
const AREA: &str = "ntk-area-sentinel-3371";
const FILE: &[u8] = b"ntk-file-sentinel-bytes";

async fn app() -> TestApp {
    spawn_app_with(Options {
        extra_env: vec![("HOTLINE_QUEUE__MAX_HELD".into(), "100000".into())],
        ..Options::default()
    })
    .await
}

fn personal_report() -> Value {
    let mut body = phone_report(NARRATIVE);
    body["callback"] =
        json!({ "name": NAME, "phone": "+66 81 234 5678", "safe_hours": "after 20:00" });
    body["location"]["area"] = json!(AREA);
    body
}

/// A case opened by `opener`, claimed by `holder`, with one stored file. Returns (case, file).
async fn held_case(app: &TestApp, opener: &Staff, holder: &Staff) -> (String, Uuid) {
    let case = app.report(opener, &personal_report()).await;
    let id = case["id"].as_str().unwrap().to_owned();
    let r = app
        .post(holder, "/api/v1/queue/claim", &json!({ "case_id": id }))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let message = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO messages (id, case_id, direction, channel, kind, delivery, at)
         VALUES ($1, $2, 'inbound', 'phone', 'attachment', 'received', $3)",
    )
    .bind(message)
    .bind(Uuid::parse_str(&id).unwrap())
    .bind(app.clock_now())
    .execute(&app.db)
    .await
    .unwrap();
    let file = Uuid::new_v4();
    sqlx::query(
        "INSERT INTO attachments (id, message_id, content_type, byte_size, content_enc, created_at)
         VALUES ($1, $2, 'text/plain', $3, $4, $5)",
    )
    .bind(file)
    .bind(message)
    .bind(FILE.len() as i64)
    .bind(app.ctx.keys.seal_bytes(FILE))
    .bind(app.clock_now())
    .execute(&app.db)
    .await
    .unwrap();
    (id, file)
}

/// A rescue event with `case_id` linked to it. Returns the event's id.
async fn rescue_event_with(app: &TestApp, by: &Staff, case_id: &str) -> String {
    let r = app
        .post(
            by,
            "/api/v1/events",
            &json!({ "name": "matrix raid", "place": "matrix", "country": "MM",
                     "date": "2026-12-05", "estimated_people": 10 }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post(
            by,
            &format!("/api/v1/events/{id}/cases"),
            &json!({ "case_ids": [case_id] }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    id
}

async fn session(app: &TestApp, who: &Staff) -> String {
    let r = crate::console::sign_in(app, &who.email, &who.password).await;
    let value = crate::console::cookie_value(&r, "hotline_session").unwrap();
    format!("hotline_session={value}")
}

fn body_for(path: &str, case_id: &str, other_case: &str) -> Value {
    match path {
        "/api/v1/reports" => phone_report("matrix"),
        "/api/v1/reports/matches" => json!({ "phone": "+66812345678" }),
        "/api/v1/queue/claim" => json!({ "case_id": case_id }),
        "/api/v1/cases/{id}/notes" => json!({ "text": "a note" }),
        "/api/v1/cases/{id}/status" => json!({ "status": "in_progress" }),
        "/api/v1/cases/{id}/urgency" => json!({ "level": "high", "reason": "matrix" }),
        "/api/v1/cases/{id}/messages" => json!({ "text": "hello" }),
        "/api/v1/cases/{id}/links" => json!({ "case_id": other_case }),
        "/api/v1/cases/{id}/break-glass" => {
            json!({ "reason": "covering_shift", "text": "covering" })
        }
        "/api/v1/users" => {
            json!({ "email": format!("new-{}@hotline.test", Uuid::new_v4().simple()), "role": "counselor", "password": "long enough password" })
        }
        "/api/v1/users/{id}" => json!({ "active": true }),
        "/api/v1/cases/{id}/safe-contact" => {
            json!({ "allowed_channels": ["phone"], "never_contact_first": false, "no_voicemail": true })
        }
        "/api/v1/cases/{id}/callbacks" => {
            json!({ "due_from": "2026-11-23T12:00:00Z", "channel": "phone", "reason": "matrix" })
        }
        "/api/v1/cases/{id}/record" => json!({
            "sex": "male", "age_band": "adult", "nationality": "KH", "languages": ["km"],
            "origin": {"country": "KH", "province": "Kampot"}, "destination_country": "TH",
            "exploitation": ["forced_labour"], "status": "potential"
        }),
        "/api/v1/cases/{id}/consents" => json!({
            "partner_type": "police", "given_by": "person", "how": "phone",
            "purpose": "matrix", "granted": true
        }),
        "/api/v1/cases/{id}/referrals" => {
            json!({ "partner_id": Uuid::new_v4(), "summary": "matrix" })
        }
        "/api/v1/cases/{id}/legal-hold" => json!({ "reason": "matrix" }),
        "/api/v1/cases/{id}/forget-me" => json!({ "confirm": true }),
        "/api/v1/me" => json!({}),
        // Lifting a restriction the case never had: changes nothing the matrix relies on.
        "/api/v1/cases/{id}/restriction" => {
            json!({ "restricted": false, "reason": "other", "staff": [] })
        }
        "/api/v1/surge" => json!({ "on": false }),
        "/api/v1/events" => json!({
            "name": "matrix raid", "place": "matrix", "country": "MM", "date": "2026-12-05",
            "estimated_people": 10
        }),
        "/api/v1/events/{id}/cases" => json!({ "case_ids": [case_id] }),
        _ => json!({}),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Relation {
    Anonymous,
    Holding,
    NotHolding,
    Supervisor,
    Admin,
}

fn leaks(text: &str) -> bool {
    text.contains(NARRATIVE)
        || text.contains(NAME)
        || text.contains(AREA)
        || text.contains("ntk-file-sentinel")
        || text.contains("+66812345678")
}

#[tokio::test]
async fn every_api_route_keeps_its_need_to_know_rule_for_every_role_and_relation() {
    let app = app().await;
    let opener = app.staff(Role::Counselor).await;
    let holder = app.staff(Role::Counselor).await;
    let stranger = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let admin = app.staff(Role::Admin).await;
    let target_user = app.staff(Role::Counselor).await;
    let other_case = app.report(&opener, &phone_report("other")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut checked = 0;
    for route in ROUTES {
        let rule = rule_for(route.method.as_str(), route.path).unwrap_or_else(|| {
            panic!(
                "{} {} has no need-to-know rule: add one to privacy::rules::RULES",
                route.method, route.path
            )
        });
        for relation in [
            Relation::Anonymous,
            Relation::Holding,
            Relation::NotHolding,
            Relation::Supervisor,
            Relation::Admin,
        ] {
            let (case_id, file) = held_case(&app, &opener, &holder).await;
            // A grant waiting for review, made by someone outside this matrix.
            let grant: Option<(Uuid,)> = if route.path.contains("/break-glass/{id}") {
                let third = app.staff(Role::Counselor).await;
                app.post(
                    &third,
                    &format!("/api/v1/cases/{case_id}/break-glass"),
                    &json!({ "reason": "other", "text": "matrix" }),
                )
                .await;
                sqlx::query_as("SELECT id FROM break_glass WHERE user_id = $1")
                    .bind(third.id)
                    .fetch_optional(&app.db)
                    .await
                    .unwrap()
            } else {
                None
            };
            let id = if route.path.starts_with("/api/v1/events/") {
                // A rescue event with the held case linked: its listing must stay outline.
                rescue_event_with(&app, &opener, &case_id).await
            } else if route.path.starts_with("/api/v1/users/") {
                target_user.id.to_string()
            } else if route.path.starts_with("/api/v1/attachments/") {
                file.to_string()
            } else if let Some((g,)) = grant {
                g.to_string()
            } else {
                case_id.clone()
            };
            let mut path = route
                .path
                .replace("{id}", &id)
                .replace("{linked_id}", &other_case);
            if route.path.starts_with("/api/v1/attachments/") {
                // A text file keeps whatever it says: downloaded after the warning.
                path.push_str("?acknowledge=metadata");
            }
            let who: Option<(&Staff, Role)> = match relation {
                Relation::Anonymous => None,
                Relation::Holding => Some((&holder, Role::Counselor)),
                Relation::NotHolding => Some((&stranger, Role::Counselor)),
                Relation::Supervisor => Some((&supervisor, Role::Supervisor)),
                Relation::Admin => Some((&admin, Role::Admin)),
            };
            let mut req = app
                .client
                .request(route.method.as_str().parse().unwrap(), app.url(&path));
            if route.method != actix_web::http::Method::GET {
                req = req.json(&body_for(route.path, &case_id, &other_case));
            }
            if let Some((staff, _)) = who {
                req = req.bearer_auth(&staff.token);
            }
            let resp = req.send().await.unwrap();
            let status = resp.status();
            let streaming = route.path.ends_with("/events");
            let text = if streaming {
                String::new()
            } else {
                resp.text().await.unwrap()
            };
            let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            let what = format!("{} {} as {relation:?}", route.method, route.path);
            checked += 1;

            let Some((_, role)) = who else {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}");
                assert!(!leaks(&text), "{what} leaked personal data");
                continue;
            };
            if !role.includes(route.role) {
                assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                assert!(!leaks(&text), "{what} leaked personal data");
                continue;
            }
            assert!(
                status.as_u16() < 500
                    && status != StatusCode::UNAUTHORIZED
                    && (status != StatusCode::FORBIDDEN
                        || matches!(rule, Rule::AttachmentRead | Rule::CaseFullRead)),
                "{what} was refused or failed: {status} {text}"
            );
            let entitled = relation != Relation::NotHolding;
            match rule {
                Rule::RoleOnly | Rule::OutlineOnly | Rule::Claim => {
                    if rule == Rule::OutlineOnly {
                        assert!(!leaks(&text), "{what} leaked personal data");
                    }
                }
                Rule::CaseRead => {
                    assert_eq!(status, StatusCode::OK, "{what}");
                    let view = if entitled { "full" } else { "outline" };
                    assert_eq!(json["view"], view, "{what}");
                    assert_eq!(
                        leaks(&text),
                        entitled,
                        "{what}: personal data shown iff full"
                    );
                }
                Rule::CaseWrite => {
                    if entitled {
                        assert_ne!(json["error"]["code"], "not_holder", "{what}");
                    } else {
                        assert_eq!(status, StatusCode::CONFLICT, "{what}");
                        assert_eq!(json["error"]["code"], "not_holder", "{what}");
                        assert!(!leaks(&text), "{what} leaked personal data");
                    }
                }
                Rule::CaseHolder => {
                    if relation == Relation::Holding {
                        assert!(status.is_success(), "{what}: {status}");
                    } else if !entitled {
                        assert!(!status.is_success(), "{what}: {status}");
                        assert!(!leaks(&text), "{what} leaked personal data");
                    }
                }
                Rule::AttachmentRead => {
                    if entitled {
                        assert_eq!(status, StatusCode::OK, "{what}");
                        assert_eq!(text.as_bytes(), FILE, "{what}");
                    } else {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                        assert_eq!(json["error"]["code"], "need_to_know", "{what}");
                        assert!(!leaks(&text), "{what} leaked personal data");
                    }
                }
                Rule::PhoneLookup => {
                    assert_eq!(status, StatusCode::OK, "{what}");
                    assert!(!leaks(&text), "{what} leaked personal data");
                    let item = json["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|i| i["id"] == case_id.as_str())
                        .unwrap_or_else(|| panic!("{what}: the case is not among the matches"))
                        .clone();
                    let view = if entitled { "full" } else { "outline" };
                    assert_eq!(item["view"], view, "{what}");
                }
                Rule::CaseFullRead => {
                    if entitled {
                        assert_eq!(status, StatusCode::OK, "{what}");
                    } else {
                        assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                        assert_eq!(json["error"]["code"], "need_to_know", "{what}");
                        assert!(!leaks(&text), "{what} leaked personal data");
                    }
                }
                Rule::BreakGlass => {
                    assert_eq!(status, StatusCode::OK, "{what}");
                    let staff = who.unwrap().0;
                    let after = app.case(staff, &case_id).await;
                    assert_eq!(after["view"], "full", "{what}: the glass is broken");
                }
            }
        }
    }
    assert_eq!(checked, ROUTES.len() * 5);
}

#[tokio::test]
async fn an_outline_holds_no_personal_field_and_breaking_the_glass_opens_the_case_for_a_while() {
    let app = app().await;
    let opener = app.staff(Role::Counselor).await;
    let holder = app.staff(Role::Counselor).await;
    let stranger = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let (id, _) = held_case(&app, &opener, &holder).await;
    app.post(
        &holder,
        &format!("/api/v1/cases/{id}/notes"),
        &json!({ "text": "ntk-note-sentinel" }),
    )
    .await;

    let outline = app.case(&stranger, &id).await;
    assert_eq!(outline["view"], "outline");
    let text = outline.to_string();
    assert!(!leaks(&text) && !text.contains("ntk-note-sentinel"));
    for field in [
        "messages", "notes", "callback", "location", "history", "answers",
    ] {
        assert!(outline.get(field).is_none(), "the outline has {field}");
    }
    assert!(outline["reference"].as_str().unwrap().starts_with("HL-"));
    assert!(outline["urgency"]["level"].is_string());

    // A reason from the list is required, and words.
    let path = format!("/api/v1/cases/{id}/break-glass");
    let r = app
        .post(
            &stranger,
            &path,
            &json!({ "reason": "curiosity", "text": "x" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(&stranger, &path, &json!({ "reason": "caller_on_line" }))
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &stranger,
            &path,
            &json!({ "reason": "caller_on_line", "text": "she is calling back now" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let full = app.case(&stranger, &id).await;
    assert_eq!(full["view"], "full");
    assert!(full.to_string().contains(NARRATIVE));

    // Supervisors see the grant to review, with the words.
    let grants: Value = app
        .get(&supervisor, "/api/v1/break-glass")
        .await
        .json()
        .await
        .unwrap();
    let grant = &grants["items"][0];
    assert_eq!(grant["reason"], "caller_on_line");
    assert_eq!(grant["text"], "she is calling back now");
    assert_eq!(grant["by"], stranger.email.as_str());
    let grant_id = grant["id"].as_str().unwrap();
    let r = app
        .post_empty(
            &supervisor,
            &format!("/api/v1/break-glass/{grant_id}/review"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let grants: Value = app
        .get(&supervisor, "/api/v1/break-glass")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(grants["items"].as_array().unwrap().len(), 0);

    // 30 minutes by default; then the outline again.
    app.advance(29 * 60);
    assert_eq!(app.case(&stranger, &id).await["view"], "full");
    app.advance(2 * 60);
    assert_eq!(app.case(&stranger, &id).await["view"], "outline");

    // The case's history shows the glass break, not the reads.
    let history = app.case(&supervisor, &id).await["history"].to_string();
    assert!(history.contains("case.break_glass"));
    assert!(!history.contains("case.viewed"));
}

#[tokio::test]
async fn the_console_shows_a_stranger_the_outline_with_the_break_glass_form() {
    let app = app().await;
    let opener = app.staff(Role::Counselor).await;
    let holder = app.staff(Role::Counselor).await;
    let stranger = app.staff(Role::Counselor).await;
    let (id, _) = held_case(&app, &opener, &holder).await;
    let cookie = session(&app, &stranger).await;
    let page = app
        .get_page(&format!("/console/cases/{id}"), Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("break-glass-form"));
    assert!(!leaks(&page), "the outline page shows personal data");
    let cookie = session(&app, &holder).await;
    let page = app
        .get_page(&format!("/console/cases/{id}"), Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("break-glass-form"));
    assert!(page.contains(NARRATIVE));
}
