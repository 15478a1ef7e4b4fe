//! Console sessions and API tokens: a fresh session at every sign-in, idle and absolute
//! timeouts, signing out everywhere, tokens that run out and can be revoked, all audited.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::Value;

use crate::console::{cookie_value, meta_csrf, sign_in};
use crate::helpers::{Staff, TestApp, database_url, spawn_app};

async fn session(app: &TestApp, who: &Staff) -> String {
    let r = sign_in(app, &who.email, &who.password).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    format!(
        "hotline_session={}",
        cookie_value(&r, "hotline_session").unwrap()
    )
}

async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    app.get_page("/console/queue", Some(cookie)).await.status() == StatusCode::OK
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT count(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.db)
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn an_unused_session_ends_after_the_idle_timeout_and_a_busy_one_after_the_absolute_one() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let idle = session(&app, &c).await;
    assert_eq!(audited(&app, "auth.signed_in").await, 1);
    app.advance(29 * 60);
    assert!(signed_in(&app, &idle).await, "29 minutes idle is still in");
    app.advance(31 * 60);
    assert!(!signed_in(&app, &idle).await, "31 minutes idle is out");

    let busy = session(&app, &c).await;
    for _ in 0..=(12 * 3) {
        assert!(signed_in(&app, &busy).await);
        app.advance(20 * 60);
    }
    assert!(
        !signed_in(&app, &busy).await,
        "12 hours after sign-in is out"
    );
}

#[tokio::test]
async fn signing_in_again_ends_the_browsers_old_session() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let old = session(&app, &c).await;
    let page = app.get_page("/console/login", None).await;
    let login_cookie = cookie_value(&page, "hotline_login_csrf").unwrap();
    let html = page.text().await.unwrap();
    let start = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    let csrf = html[start..].split('"').next().unwrap().to_owned();
    let r = app
        .client
        .post(app.url("/console/login"))
        .header(
            "Cookie",
            format!("hotline_login_csrf={login_cookie}; {old}"),
        )
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", &c.email),
            ("password", &c.password),
        ])
        .send()
        .await
        .unwrap();
    let new = format!(
        "hotline_session={}",
        cookie_value(&r, "hotline_session").unwrap()
    );
    assert_ne!(new, old);
    assert!(!signed_in(&app, &old).await);
    assert!(signed_in(&app, &new).await);
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_that_person_only() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let other = app.staff(Role::Counselor).await;
    let laptop = session(&app, &c).await;
    let phone = session(&app, &c).await;
    let theirs = session(&app, &other).await;
    let html = app
        .get_page("/console/queue", Some(&laptop))
        .await
        .text()
        .await
        .unwrap();
    app.advance(1);
    let r = app
        .client
        .post(app.url("/api/v1/me/sign-out-everywhere"))
        .header("Cookie", &laptop)
        .header("X-CSRF-Token", meta_csrf(&html))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(!signed_in(&app, &laptop).await);
    assert!(!signed_in(&app, &phone).await);
    assert!(signed_in(&app, &theirs).await);
    assert_eq!(audited(&app, "auth.signed_out_everywhere").await, 1);
    // Signing in afterwards works.
    app.advance(1);
    let again = session(&app, &c).await;
    assert!(signed_in(&app, &again).await);
}

#[tokio::test]
async fn a_deactivated_persons_sessions_do_not_come_back_with_reactivation() {
    let app = spawn_app().await;
    let admin = app.staff(Role::Admin).await;
    let c = app.staff(Role::Counselor).await;
    let s = session(&app, &c).await;
    app.advance(1);
    let path = format!("/api/v1/users/{}", c.id);
    let off = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&admin.token)
        .json(&serde_json::json!({ "active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(off.status(), StatusCode::OK);
    let on = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&admin.token)
        .json(&serde_json::json!({ "active": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(on.status(), StatusCode::OK);
    assert!(!signed_in(&app, &s).await);
}

#[tokio::test]
async fn api_tokens_run_out() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    assert_eq!(app.get(&c, "/api/v1/me").await.status(), StatusCode::OK);
    app.advance(91 * 24 * 3600);
    assert_eq!(
        app.get(&c, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

fn cli(app: &TestApp, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hotline"))
        .args(args)
        .env("HOTLINE_PROFILE", "test")
        .env("DATABASE_URL", database_url(&app.db_name))
        .env("HOTLINE_CRYPTO__KEY", &app.crypto_key)
        .env_remove("HOTLINE_AUDIT__KEY")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn the_cli_issues_an_audited_token_with_an_expiry_and_revokes_tokens() {
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let (ok, token, err) = cli(&app, &["user", "token", "--email", &c.email, "--days", "7"]);
    assert!(ok, "{err}");
    assert!(token.starts_with("hl_"));
    let me = |token: String| {
        let app = &app;
        async move {
            app.client
                .get(app.url("/api/v1/me"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(me(token.clone()).await, StatusCode::OK);
    // The command runs on the real clock: the token lives 7 days from its issue.
    let (created, expires): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) =
        sqlx::query_as(
            "SELECT created_at, expires_at FROM api_tokens ORDER BY created_at DESC LIMIT 1",
        )
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(expires - created, chrono::Duration::days(7));
    let issued: Vec<(Value,)> =
        sqlx::query_as("SELECT details FROM audit_log WHERE action = 'auth.token_issued'")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(issued.len(), 1);
    assert_eq!(issued[0].0["user_id"], c.id.to_string());
    assert!(
        !issued[0].0.to_string().contains(&token[3..]),
        "the token is in the audit log"
    );

    let (ok, _, err) = cli(&app, &["user", "token", "--email", &c.email, "--revoke"]);
    assert!(ok, "{err}");
    assert!(err.contains("revoked 2 token(s)"), "{err}");
    assert_eq!(me(token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get(&c, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(audited(&app, "auth.tokens_revoked").await, 1);
}
