//! The second factor: enrolment with an otpauth:// key confirmed by a first code, sign-in with
//! a code in a second step, each code good once, wrong codes throttled, recovery codes good
//! once, re-authentication to remove it, and roles that require it reaching nothing else (pages
//! and API, sessions and tokens) until it is set up.

use hotline::auth::Role;
use hotline::auth::second_factor::codes::Seed;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::console::{cookie_value, sign_in, sign_in_code, sign_in_password};
use crate::helpers::{Staff, TestApp, database_url, spawn_app};

async fn audited(app: &TestApp, action: &str) -> Vec<Value> {
    sqlx::query_as::<_, (Value,)>("SELECT details FROM audit_log WHERE action = $1 ORDER BY id")
        .bind(action)
        .fetch_all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|(d,)| d)
        .collect()
}

fn session_of(resp: &reqwest::Response) -> Option<String> {
    cookie_value(resp, "hotline_session").map(|v| format!("hotline_session={v}"))
}

/// Enrols through the API as a person would; returns (seed, recovery codes).
async fn enrol(app: &TestApp, who: &Staff) -> (String, Vec<String>) {
    let r = app
        .post_empty(who, "/api/v1/me/second-factor/enrolment")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    let seed = body["secret"].as_str().unwrap().to_owned();
    let code = app.code_now(&seed);
    let r = app
        .post(who, "/api/v1/me/second-factor", &json!({ "code": code }))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    let codes = body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    (seed, codes)
}

#[tokio::test]
async fn a_supervisor_without_a_second_factor_reaches_only_enrolment_until_a_first_code_confirms_it()
 {
    let app = spawn_app().await;
    let s = app.staff_without_second_factor(Role::Supervisor).await;

    // The console: the password signs in, but every page leads to enrolment.
    let r = sign_in(&app, &s.email, &s.password).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["Location"], "/console/second-factor");
    let cookie = session_of(&r).unwrap();
    for page in ["/console/queue", "/console/dashboard", "/console/cases"] {
        let r = app.get_page(page, Some(&cookie)).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{page}");
        assert_eq!(r.headers()["Location"], "/console/second-factor", "{page}");
    }
    let page = app.get_page("/console/second-factor", Some(&cookie)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"totp-start\""), "{html}");
    assert!(html.contains("nothing else opens until you do"), "{html}");
    assert!(!html.contains('⟦'), "untranslated key: {html}");

    // The API, with a token issued before the rule: refused, and says why.
    for path in ["/api/v1/queue", "/api/v1/dashboard", "/api/v1/audit"] {
        let r = app.get(&s, path).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["code"], "second_factor_required", "{path}");
    }
    let status: Value = app
        .get(&s, "/api/v1/me/second-factor")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["enabled"], false);
    assert_eq!(status["required"], true);

    // Enrolment: a key and an otpauth:// address; nothing counts until a first code.
    let r = app
        .post_empty(&s, "/api/v1/me/second-factor/enrolment")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    let seed = body["secret"].as_str().unwrap().to_owned();
    let uri = body["otpauth_uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/hotline:"), "{uri}");
    assert!(uri.contains(&format!("secret={seed}")), "{uri}");
    assert_eq!(body["digits"], 6);
    assert_eq!(body["period"], 30);
    let wrong = if app.code_now(&seed) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let r = app
        .post(&s, "/api/v1/me/second-factor", &json!({ "code": wrong }))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get(&s, "/api/v1/queue").await.status(),
        StatusCode::FORBIDDEN
    );
    let r = app
        .post(
            &s,
            "/api/v1/me/second-factor",
            &json!({ "code": app.code_now(&seed) }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    let codes = body["recovery_codes"].as_array().unwrap();
    assert_eq!(codes.len(), 10);

    // Now the API and the pages answer.
    assert_eq!(
        app.get(&s, "/api/v1/dashboard").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get_page("/console/dashboard", Some(&cookie))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(audited(&app, "auth.second_factor_enabled").await.len(), 1);

    // The seed is sealed at rest, and recovery codes are kept only as hashes.
    let (secret, pending): (Vec<u8>, Option<Vec<u8>>) =
        sqlx::query_as("SELECT secret, pending_secret FROM staff_totp WHERE user_id = $1")
            .bind(s.id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert!(pending.is_none());
    assert!(
        !String::from_utf8_lossy(&secret).contains(&seed),
        "the seed is stored in clear"
    );
    let hashes: Vec<(Vec<u8>,)> =
        sqlx::query_as("SELECT code_hash FROM staff_recovery_codes WHERE user_id = $1")
            .bind(s.id)
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(hashes.len(), 10);
    let first = codes[0].as_str().unwrap();
    assert!(
        hashes
            .iter()
            .all(|(h,)| !String::from_utf8_lossy(h).contains(first))
    );

    // Enrolling again while it is on is refused: changing it needs re-authentication.
    let r = app
        .post_empty(&s, "/api/v1/me/second-factor/enrolment")
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn signing_in_with_a_second_factor_asks_for_a_code_and_each_code_works_only_once() {
    let app = spawn_app().await;
    let s = app.staff(Role::Supervisor).await;
    let seed = s.totp_seed.clone().unwrap();

    let first = sign_in_password(&app, &s.email, &s.password).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(first.headers()["Location"], "/console/login/code");
    assert!(
        session_of(&first).is_none(),
        "no session before the second factor"
    );
    let code = app.code_now(&seed);
    let done = sign_in_code(&app, &first, &code).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(done.headers()["Location"], "/console/queue");
    let cookie = session_of(&done).unwrap();
    assert_eq!(
        app.get_page("/console/dashboard", Some(&cookie))
            .await
            .status(),
        StatusCode::OK
    );
    let signed_in = audited(&app, "auth.signed_in").await;
    assert_eq!(signed_in.len(), 1);
    assert_eq!(signed_in[0]["second_factor"], "totp");

    // The same code again, even with the right password: refused (someone watching the screen
    // or a phished code gets nothing).
    let again = sign_in_password(&app, &s.email, &s.password).await;
    let replay = sign_in_code(&app, &again, &code).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    assert!(session_of(&replay).is_none());
    let html = replay.text().await.unwrap();
    assert!(html.contains("already used"), "{html}");

    // A step later, the next code works; a code from two steps ago does not.
    app.advance(30);
    let old = Seed::from_base32(&seed)
        .unwrap()
        .code_at(app.clock_now() - chrono::Duration::seconds(60));
    let again = sign_in_password(&app, &s.email, &s.password).await;
    assert_eq!(
        sign_in_code(&app, &again, &old).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let again = sign_in_password(&app, &s.email, &s.password).await;
    let next = sign_in_code(&app, &again, &app.code_now(&seed)).await;
    assert_eq!(next.status(), StatusCode::SEE_OTHER);
    assert!(session_of(&next).is_some());
}

#[tokio::test]
async fn wrong_codes_are_counted_by_the_throttle_and_typing_the_password_again_does_not_reset_them()
{
    let app = spawn_app().await;
    let s = app.staff(Role::Admin).await;
    let seed = s.totp_seed.clone().unwrap();
    let right = app.code_now(&seed);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let first = sign_in_password(&app, &s.email, &s.password).await;
    for _ in 0..10 {
        let r = sign_in_code(&app, &first, wrong).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    // Each is audited: the password was right, so someone else may have it.
    assert_eq!(audited(&app, "auth.second_factor_failed").await.len(), 10);
    // The right code now waits its turn, and so does the password step.
    let r = sign_in_code(&app, &first, &right).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let r = sign_in_password(&app, &s.email, &s.password).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // A growing delay, not a lockout: after it, the right code works.
    app.advance(6);
    let again = sign_in_password(&app, &s.email, &s.password).await;
    assert_eq!(again.headers()["Location"], "/console/login/code");
    let code = app.unused_code(&s.email).await.unwrap();
    let r = sign_in_code(&app, &again, &code).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(session_of(&r).is_some());
}

#[tokio::test]
async fn a_counselor_may_choose_a_second_factor_and_a_recovery_code_signs_in_once() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let status: Value = app
        .get(&c, "/api/v1/me/second-factor")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["required"], false);
    let (_, codes) = enrol(&app, &c).await;
    assert_eq!(codes.len(), 10);

    let first = sign_in_password(&app, &c.email, &c.password).await;
    assert_eq!(first.headers()["Location"], "/console/login/code");
    // Typed loosely (capitals, spaces for dashes), as people copy from paper.
    let typed = codes[3].to_uppercase().replace('-', " ");
    let r = sign_in_code(&app, &first, &typed).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(session_of(&r).is_some());
    assert_eq!(
        audited(&app, "auth.signed_in").await.last().unwrap()["second_factor"],
        "recovery_code"
    );

    let again = sign_in_password(&app, &c.email, &c.password).await;
    let r = sign_in_code(&app, &again, &codes[3]).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let status: Value = app
        .get(&c, "/api/v1/me/second-factor")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["enabled"], true);
    assert_eq!(status["recovery_codes_left"], 9);
}

#[tokio::test]
async fn removing_the_second_factor_or_renewing_recovery_codes_needs_the_password_and_a_current_code()
 {
    let app = spawn_app().await;
    let s = app.staff(Role::Supervisor).await;
    let seed = s.totp_seed.clone().unwrap();
    let code = app.code_now(&seed);
    let wrong = if code == "000000" { "111111" } else { "000000" };

    for body in [
        json!({ "password": "not the password", "code": code }),
        json!({ "password": s.password, "code": wrong }),
        json!({ "password": s.password }),
    ] {
        let r = app
            .post(&s, "/api/v1/me/second-factor/removal", &body)
            .await;
        assert!(
            r.status() == StatusCode::UNPROCESSABLE_ENTITY || r.status() == StatusCode::BAD_REQUEST,
            "{body}: {}",
            r.status()
        );
    }
    assert_eq!(
        app.get(&s, "/api/v1/dashboard").await.status(),
        StatusCode::OK
    );

    let r = app
        .post(
            &s,
            "/api/v1/me/second-factor/recovery-codes",
            &json!({ "password": s.password, "code": code }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["recovery_codes"].as_array().unwrap().len(), 10);
    assert_eq!(audited(&app, "auth.recovery_codes_renewed").await.len(), 1);

    // The code just used does not work twice; the next one removes it.
    app.advance(30);
    let r = app
        .post(
            &s,
            "/api/v1/me/second-factor/removal",
            &json!({ "password": s.password, "code": app.code_now(&seed) }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(audited(&app, "auth.second_factor_removed").await.len(), 1);
    // A supervisor without one is back at enrolment.
    let r = app.get(&s, "/api/v1/dashboard").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "second_factor_required");
}

#[tokio::test]
async fn the_second_factor_page_speaks_thai() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    app.prefers_console_language(&c, "th").await;
    let cookie = session_of(&sign_in(&app, &c.email, &c.password).await).unwrap();
    let html = app
        .get_page("/console/second-factor", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("การยืนยันตัวตนขั้นที่สอง"), "{html}");
    assert!(html.contains("ตั้งค่า"), "{html}");
    assert!(!html.contains('⟦'), "untranslated key: {html}");
    let settings = app
        .get_page("/console/me", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(settings.contains("href=\"/console/second-factor\""));
    assert!(settings.contains("id=\"sign-out-everywhere\""));
    assert!(settings.contains("ออกจากระบบทุกเครื่อง"), "{settings}");
}

/// The real time: the command line runs on the system clock, not the test's.
fn real_now() -> chrono::DateTime<chrono::Utc> {
    use hotline::clock::Clock;
    hotline::clock::SystemClock.now()
}

fn cli_token(app: &TestApp, email: &str, stdin: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hotline"))
        .args(["user", "token", "--email", email])
        .env("HOTLINE_PROFILE", "test")
        .env("DATABASE_URL", database_url(&app.db_name))
        .env("HOTLINE_CRYPTO__KEY", &app.crypto_key)
        .env_remove("HOTLINE_AUDIT__KEY")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn api_tokens_for_roles_that_require_a_second_factor_are_issued_only_after_it() {
    let app = spawn_app().await;
    let bare = app.staff_without_second_factor(Role::Supervisor).await;
    let (ok, token, err) = cli_token(&app, &bare.email, "");
    assert!(!ok, "a token without a second factor: {token}");
    assert!(err.contains("second factor"), "{err}");

    let s = app.staff(Role::Supervisor).await;
    let seed = Seed::from_base32(s.totp_seed.as_deref().unwrap()).unwrap();
    let (ok, token, _) = cli_token(&app, &s.email, "000000\n");
    let real = seed.code_at(real_now());
    if real != "000000" {
        assert!(!ok, "a token with a wrong code: {token}");
    }
    // The command runs on the real clock.
    let (ok, token, err) = cli_token(&app, &s.email, &format!("{}\n", seed.code_at(real_now())));
    assert!(ok, "{err}");
    assert!(token.starts_with("hl_"));
    let issued = audited(&app, "auth.token_issued").await;
    assert_eq!(issued.last().unwrap()["second_factor"], true);
}

#[tokio::test]
async fn an_operator_resets_a_lost_second_factor_from_the_command_line_and_the_person_enrols_again()
{
    let app = spawn_app().await;
    let s = app.staff(Role::Supervisor).await;
    let cookie = session_of(&sign_in(&app, &s.email, &s.password).await).unwrap();
    app.advance(1);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hotline"))
        .args(["user", "reset-second-factor", "--email", &s.email])
        .env("HOTLINE_PROFILE", "test")
        .env("DATABASE_URL", database_url(&app.db_name))
        .env("HOTLINE_CRYPTO__KEY", &app.crypto_key)
        .env_remove("HOTLINE_AUDIT__KEY")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(audited(&app, "auth.second_factor_reset").await.len(), 1);
    // Their sessions are over; signing in again leads to enrolment.
    let r = app.get_page("/console/queue", Some(&cookie)).await;
    assert_eq!(r.headers()["Location"], "/console/login");
    let r = sign_in(&app, &s.email, &s.password).await;
    assert_eq!(r.headers()["Location"], "/console/second-factor");
}

#[tokio::test]
async fn the_code_must_follow_the_password_within_five_minutes() {
    let app = spawn_app().await;
    let s = app.staff(Role::Supervisor).await;
    let first = sign_in_password(&app, &s.email, &s.password).await;
    app.advance(301);
    let code = app.unused_code(&s.email).await.unwrap();
    let r = sign_in_code(&app, &first, &code).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(session_of(&r).is_none());
    // Without a password step the code page sends the browser back to the password.
    let r = app.get_page("/console/login/code", None).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["Location"], "/console/login");
}
