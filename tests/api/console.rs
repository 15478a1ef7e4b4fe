//! The console over plain HTTP: sign-in with CSRF, session-authenticated API calls that need
//! the session's CSRF token, rate-limited logins, and sign-out.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, phone_report, spawn_app};

fn hidden_csrf(html: &str) -> String {
    let start =
        html.find("name=\"csrf\" value=\"").expect("csrf field") + "name=\"csrf\" value=\"".len();
    html[start..].split('"').next().unwrap().to_owned()
}

pub fn meta_csrf(html: &str) -> String {
    let start = html
        .find("name=\"csrf-token\" content=\"")
        .expect("csrf meta")
        + "name=\"csrf-token\" content=\"".len();
    html[start..].split('"').next().unwrap().to_owned()
}

pub fn cookie_value(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let pair = v.split(';').next()?;
            let (k, val) = pair.split_once('=')?;
            (k == name && !val.is_empty()).then(|| val.to_owned())
        })
}

/// Signs in through the login form (with its CSRF cookie and field); returns the response.
/// Signs in through the console's pages: the password, then (for a person with a second
/// factor) a code their app would show now. Answers the last response.
pub async fn sign_in(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    let first = sign_in_password(app, email, password).await;
    if first
        .headers()
        .get("Location")
        .and_then(|l| l.to_str().ok())
        != Some("/console/login/code")
    {
        return first;
    }
    let code = app.unused_code(email).await.expect("a second factor");
    sign_in_code(app, &first, &code).await
}

/// The password step alone.
pub async fn sign_in_password(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    let page = app.get_page("/console/login", None).await;
    let login_cookie = cookie_value(&page, "hotline_login_csrf").unwrap();
    let csrf = hidden_csrf(&page.text().await.unwrap());
    app.client
        .post(app.url("/console/login"))
        .header("Cookie", format!("hotline_login_csrf={login_cookie}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

/// The code step, after a password step that answered `first`.
pub async fn sign_in_code(
    app: &TestApp,
    first: &reqwest::Response,
    code: &str,
) -> reqwest::Response {
    let challenge = cookie_value(first, "hotline_login_challenge").expect("a challenge cookie");
    let page = app
        .get_page(
            "/console/login/code",
            Some(&format!("hotline_login_challenge={challenge}")),
        )
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let login_cookie = cookie_value(&page, "hotline_login_csrf").unwrap();
    let csrf = hidden_csrf(&page.text().await.unwrap());
    app.client
        .post(app.url("/console/login/code"))
        .header(
            "Cookie",
            format!("hotline_login_csrf={login_cookie}; hotline_login_challenge={challenge}"),
        )
        .form(&[("csrf", csrf.as_str()), ("code", code)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_counselor_signs_in_and_uses_the_api_with_the_session_and_its_csrf_token() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let resp = sign_in(&app, &c.email, &c.password).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["Location"], "/console/queue");
    let set_cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    let session = cookie_value(&resp, "hotline_session").unwrap();
    let cookie = format!("hotline_session={session}");

    let page = app.get_page("/console/intake/phone", Some(&cookie)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"phone-form\""));
    let csrf = meta_csrf(&html);

    let without = app
        .client
        .post(app.url("/api/v1/reports"))
        .header("Cookie", &cookie)
        .json(&phone_report("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        without.status(),
        StatusCode::FORBIDDEN,
        "a session request without the CSRF token is refused"
    );
    let with = app
        .client
        .post(app.url("/api/v1/reports"))
        .header("Cookie", &cookie)
        .header("X-CSRF-Token", &csrf)
        .json(&phone_report("from the console"))
        .send()
        .await
        .unwrap();
    assert_eq!(with.status(), StatusCode::CREATED);
    let case: Value = with.json().await.unwrap();

    let queue = app
        .get_page("/console/queue", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(queue.contains(case["reference"].as_str().unwrap()));
    let case_page = app
        .get_page(
            &format!("/console/cases/{}", case["id"].as_str().unwrap()),
            Some(&cookie),
        )
        .await;
    assert_eq!(case_page.status(), StatusCode::OK);
    assert_eq!(case_page.headers()["Cache-Control"], "no-store");
    assert!(case_page.text().await.unwrap().contains("from the console"));

    let out = app
        .client
        .post(app.url("/console/logout"))
        .header("Cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = app.get_page("/console/queue", Some(&cookie)).await;
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "the session ended");
}

#[tokio::test]
async fn a_forged_session_cookie_is_refused() {
    let app = spawn_app().await;
    let resp = app
        .get_page(
            "/api/v1/queue",
            Some("hotline_session=guessed.c2lnbmF0dXJl"),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let page = app
        .get_page("/console/queue", Some("hotline_session=guessed"))
        .await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_login_form_without_its_csrf_token_is_refused() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let resp = app
        .client
        .post(app.url("/console/login"))
        .form(&[
            ("csrf", "forged"),
            ("email", c.email.as_str()),
            ("password", c.password.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(cookie_value(&resp, "hotline_session").is_none());
}

#[tokio::test]
async fn repeated_wrong_passwords_are_rate_limited() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    for _ in 0..10 {
        assert_eq!(
            sign_in(&app, &c.email, "wrong password!").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = sign_in(&app, &c.email, &c.password).await;
    assert_eq!(
        limited.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits out the window"
    );
}

#[tokio::test]
async fn supervisors_see_every_case_and_its_holder_in_the_console_and_counselors_do_not() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let s = app.staff(Role::Supervisor).await;
    let case = app.report(&c, &phone_report("held case")).await;
    app.claim_next(&c).await;
    let session = |resp: &reqwest::Response| {
        format!(
            "hotline_session={}",
            cookie_value(resp, "hotline_session").unwrap()
        )
    };

    let sup = session(&sign_in(&app, &s.email, &s.password).await);
    let page = app
        .get_page("/console/cases?level=medium", Some(&sup))
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(case["reference"].as_str().unwrap()));
    assert!(html.contains(&c.email), "the holder is shown");

    let coun = session(&sign_in(&app, &c.email, &c.password).await);
    let page = app.get_page("/console/cases", Some(&coun)).await;
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_triage_rules_notes_on_the_case_page_are_in_the_counselors_language() {
    let (case, html) = thai_case_page("หลานสาวอายุ 15 ทำงานร้านคาราโอเกะ ถูกขังไว้ ออกไปไหนไม่ได้").await;
    let reasons = case["urgency"]["reasons"].to_string();
    assert!(reasons.contains("third party"), "{reasons}");
    assert!(html.contains("เป็นรายงานจากบุคคลที่สาม"), "{html}");
    assert!(!html.contains("This is a third party"), "{html}");
}

#[tokio::test]
async fn a_report_about_another_problem_is_low_and_its_note_names_the_words_in_thai() {
    // A frightened caller about a loan app's collectors: by the rubric another problem, low.
    assert_low_with_a_thai_note(
        "แม่กู้เงินจากแอปเงินกู้ ตอนนี้โดนทวงหนี้ทุกวัน โทรหาญาติทุกคน กลัวมาก",
        "This names another problem",
        "แอปเงินกู้",
        "ข้อความนี้ระบุปัญหาอื่น",
    )
    .await;
}

#[tokio::test]
async fn a_question_about_a_safe_legal_route_is_low_and_its_note_is_in_thai() {
    // Asking how to go to Japan legally, through the Department of Employment: the fee asked
    // about is no red flag here (rubric: safe-migration questions are low).
    assert_low_with_a_thai_note(
        "อยากไปทำงานญี่ปุ่นแบบถูกกฎหมาย ผ่านกรมการจัดหางาน ต้องเสียค่านายหน้าไหมคะ",
        "This reads as a question about a safe, legal way",
        "ผ่านกรมการจัดหางาน",
        "อย่างปลอดภัยและถูกกฎหมาย",
    )
    .await;
}

/// A Thai counselor files `narrative`: it is low with no flag, a reason beginning `english`
/// marks `words`, and the case page gives that reason in Thai (`thai`), not in English.
async fn assert_low_with_a_thai_note(narrative: &str, english: &str, words: &str, thai: &str) {
    let (case, html) = thai_case_page(narrative).await;
    assert_eq!(case["urgency"]["level"], "low", "{case}");
    assert_eq!(case["urgency"]["flags"], json!([]), "{case}");
    let reasons = case["urgency"]["reasons"].to_string();
    assert!(reasons.contains(english), "{reasons}");
    assert!(reasons.contains(words), "the words that show it: {reasons}");
    assert!(html.contains(thai), "{html}");
    assert!(!html.contains(english), "{html}");
}

/// A Thai-speaking counselor files `narrative` on the phone form: the case as the API returns
/// it, and its console page as that counselor sees it.
async fn thai_case_page(narrative: &str) -> (serde_json::Value, String) {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    app.prefers_console_language(&counselor, "th").await;
    let case = app.report(&counselor, &phone_report(narrative)).await;
    let cookie = hotline_session(
        &crate::console::sign_in(&app, &counselor.email, &counselor.password).await,
    )
    .unwrap();
    let html = app
        .get_page(
            &format!("/console/cases/{}", case["id"].as_str().unwrap()),
            Some(&cookie),
        )
        .await
        .text()
        .await
        .unwrap();
    (case, html)
}

fn hotline_session(resp: &reqwest::Response) -> Option<String> {
    cookie_value(resp, "hotline_session").map(|v| format!("hotline_session={v}"))
}
