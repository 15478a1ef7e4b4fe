//! Hardening: response headers, sign-in throttling that slows attackers without locking staff
//! out, and the client address behind a trusted proxy.

use hotline::auth::Role;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::console::sign_in;
use crate::helpers::{Options, TestApp, phone_report, spawn_app, spawn_app_with};

#[tokio::test]
async fn api_answers_downloads_and_pages_carry_the_protective_headers() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let case = app.report(&c, &phone_report("headers")).await;
    let id = case["id"].as_str().unwrap();
    for resp in [
        app.get(&c, &format!("/api/v1/cases/{id}")).await,
        app.get(&c, "/api/v1/queue").await,
        app.get(&c, "/api/v1/nowhere").await,
        app.get_page("/api/openapi.json", None).await,
    ] {
        let h = resp.headers();
        assert_eq!(h["cache-control"], "no-store", "{}", resp.url());
        assert_eq!(h["x-content-type-options"], "nosniff", "{}", resp.url());
        assert_eq!(h["referrer-policy"], "no-referrer", "{}", resp.url());
    }
    let page = app.get_page("/console/login", None).await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(directive), "{csp}");
    }
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
}

async fn with_delays() -> TestApp {
    spawn_app_with(Options {
        extra_env: vec![
            ("HOTLINE_AUTH__LOGIN_ATTEMPTS_PER_WINDOW".into(), "3".into()),
            ("HOTLINE_AUTH__LOGIN_DELAY_BASE_SECONDS".into(), "10".into()),
            ("HOTLINE_AUTH__LOGIN_DELAY_MAX_SECONDS".into(), "60".into()),
        ],
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn correct_passwords_never_count_towards_the_throttle() {
    let app = with_delays().await;
    let c = app.staff(Role::Counselor).await;
    for _ in 0..8 {
        assert_eq!(
            sign_in(&app, &c.email, &c.password).await.status(),
            StatusCode::SEE_OTHER
        );
    }
}

#[tokio::test]
async fn spaces_and_capitals_around_the_address_share_one_counter() {
    let app = with_delays().await;
    let c = app.staff(Role::Counselor).await;
    let variants = [
        format!(" {}", c.email),
        format!("{} ", c.email.to_uppercase()),
        format!("\t{}", c.email),
    ];
    for v in &variants {
        assert_eq!(
            sign_in(&app, v, "wrong password!").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let next = sign_in(&app, &format!("  {}  ", c.email), "wrong password!").await;
    assert_eq!(next.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn failures_grow_a_delay_that_passes_so_nobody_is_locked_out_for_good() {
    let app = with_delays().await;
    let c = app.staff(Role::Counselor).await;
    let unknown = "nobody-here@hotline.test";
    for who in [c.email.as_str(), unknown] {
        for _ in 0..3 {
            assert_eq!(
                sign_in(&app, who, "wrong password!").await.status(),
                StatusCode::UNAUTHORIZED
            );
        }
    }
    // A known and an unknown address are throttled alike (no user enumeration).
    for who in [c.email.as_str(), unknown] {
        let r = sign_in(&app, who, "wrong password!").await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{who}");
    }
    // After the delay (10 s after the third failure), one more try is heard; it fails, and
    // the next delay is 20 s.
    app.advance(11);
    assert_eq!(
        sign_in(&app, &c.email, "wrong password!").await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.advance(11);
    assert_eq!(
        sign_in(&app, &c.email, &c.password).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    app.advance(10);
    assert_eq!(
        sign_in(&app, &c.email, &c.password).await.status(),
        StatusCode::SEE_OTHER,
        "the counselor gets in once the delay has passed"
    );
    // And the correct password cleared the account's count.
    assert_eq!(
        sign_in(&app, &c.email, "wrong password!").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

/// Signs in as if through a proxy that says the client is `client`.
async fn sign_in_from(app: &TestApp, email: &str, client: &str) -> StatusCode {
    let page = app.get_page("/console/login", None).await;
    let login_cookie = crate::console::cookie_value(&page, "hotline_login_csrf").unwrap();
    let html = page.text().await.unwrap();
    let start = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    let csrf = html[start..].split('"').next().unwrap().to_owned();
    app.client
        .post(app.url("/console/login"))
        .header("Cookie", format!("hotline_login_csrf={login_cookie}"))
        .header("X-Forwarded-For", format!("198.51.100.1, {client}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", "wrong password!"),
        ])
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_address_is_counted_on_its_own() {
    let app = spawn_app_with(Options {
        extra_env: vec![
            (
                "HOTLINE_SERVER__TRUSTED_PROXIES".into(),
                "127.0.0.1,::1".into(),
            ),
            (
                "HOTLINE_AUTH__LOGIN_ATTEMPTS_PER_ADDRESS_PER_WINDOW".into(),
                "2".into(),
            ),
        ],
        ..Options::default()
    })
    .await;
    // Two failures from one client address (different accounts), then that address waits...
    assert_eq!(
        sign_in_from(&app, "a@hotline.test", "203.0.113.1").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in_from(&app, "b@hotline.test", "203.0.113.1").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in_from(&app, "c@hotline.test", "203.0.113.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...while everyone else behind the same proxy does not.
    assert_eq!(
        sign_in_from(&app, "d@hotline.test", "203.0.113.2").await,
        StatusCode::UNAUTHORIZED
    );
}

/// A login page's answer without what differs on every load (its CSRF token and cookie) and
/// the address the person typed (the form keeps it).
async fn answer_without_tokens(
    resp: reqwest::Response,
    typed: &str,
) -> (StatusCode, Vec<String>, String) {
    let status = resp.status();
    let mut cookies: Vec<String> = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split('=').next().map(str::to_owned))
        .collect();
    cookies.sort();
    let mut html = resp.text().await.unwrap().replace(typed, "");
    for marker in ["name=\"csrf\" value=\"", "name=\"csrf-token\" content=\""] {
        if let Some(start) = html.find(marker).map(|i| i + marker.len()) {
            let end = start + html[start..].find('"').unwrap();
            html.replace_range(start..end, "");
        }
    }
    (status, cookies, html)
}

#[tokio::test]
async fn failed_sign_ins_are_audited_without_the_address_and_answered_alike() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let unknown = "Nobody.Here@Example.org";
    let known =
        answer_without_tokens(sign_in(&app, &c.email, "wrong password!").await, &c.email).await;
    let stranger =
        answer_without_tokens(sign_in(&app, unknown, "wrong password!").await, unknown).await;
    assert_eq!(known.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        known, stranger,
        "a known and an unknown address are answered alike"
    );
    // The same address written differently is the same pseudonym.
    let _ = sign_in(&app, "  nobody.here@example.ORG ", "another guess").await;

    let entries: Vec<(Option<Uuid>, serde_json::Value)> = sqlx::query_as(
        "SELECT actor_id, details FROM audit_log WHERE action = 'auth.sign_in_failed' ORDER BY id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(entries.len(), 3);
    assert_eq!(
        entries[0].0,
        Some(c.id),
        "a known account's failure names it"
    );
    assert_eq!(entries[0].1, serde_json::json!({ "via": "console" }));
    let pseudonym = entries[1].1["email"].as_str().unwrap().to_owned();
    assert_eq!(entries[1].0, None, "an unknown address has no actor");
    assert_eq!(pseudonym.len(), 24);
    assert_eq!(entries[2].1["email"], pseudonym.as_str());
    let log: Vec<(String,)> = sqlx::query_as("SELECT details::text FROM audit_log")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert!(
        log.iter().all(|(d,)| !d.to_lowercase().contains("nobody")),
        "the address itself is never in the log: {log:?}"
    );

    // A supervisor finds them on the audit page's action filter, in words.
    let s = app.staff(Role::Supervisor).await;
    let cookie = format!(
        "hotline_session={}",
        crate::console::cookie_value(
            &sign_in(&app, &s.email, &s.password).await,
            "hotline_session"
        )
        .unwrap()
    );
    let html = app
        .get_page("/console/audit?action=auth.sign_in_failed", Some(&cookie))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<option value=\"auth.sign_in_failed\">"),
        "offered in the filter"
    );
    assert_eq!(
        html.matches("Sign-in failed (wrong password").count(),
        4,
        "{html}"
    );
    assert!(html.contains(&c.email), "the account that was tried");
    assert!(
        html.contains(&format!("pseudonym {pseudonym}")),
        "the unknown address"
    );
    assert!(!html.to_lowercase().contains("nobody.here"));
}
