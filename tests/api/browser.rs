//! The console in a real headless browser (Debian's chromium, driven by playwright-core, checked
//! by axe-core): a Thai-speaking counselor files a phone report, claims it, writes a note,
//! changes its status, and sees a critical case filed elsewhere arrive live. Screenshots go to
//! `target/screenshots/` (`HOTLINE_SCREENSHOTS=docs/screenshots` refreshes the README's).

use hotline::auth::Role;

use crate::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thai_counselor_files_claims_and_works_a_case_and_sees_a_critical_case_arrive_live() {
    let script = std::path::Path::new("tests/browser/smoke.mjs");
    let ready = std::path::Path::new("/usr/bin/chromium").exists()
        && std::path::Path::new("tests/browser/node_modules/playwright-core").exists()
        && std::path::Path::new("tests/browser/node_modules/axe-core").exists();
    if !ready {
        assert!(
            std::env::var("HOTLINE_REQUIRE_BROWSER").is_err(),
            "chromium, playwright-core or axe-core is missing; scripts/test installs them"
        );
        eprintln!(
            "skipping the browser smoke test: run scripts/test to install chromium and playwright-core"
        );
        return;
    }
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let (address, email, password, token) = (
        app.address.clone(),
        c.email.clone(),
        c.password.clone(),
        c.token.clone(),
    );
    let shots =
        std::env::var("HOTLINE_SCREENSHOTS").unwrap_or_else(|_| "target/screenshots".to_owned());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(script)
            .arg(address)
            .arg(email)
            .arg(password)
            .arg(token)
            .env("SMOKE_SCREENSHOT_DIR", shots)
            .output()
    })
    .await
    .unwrap()
    .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "browser smoke failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("browser smoke: ok"));
}
