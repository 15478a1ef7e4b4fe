//! The console in a real headless browser (Debian's chromium, driven by playwright-core):
//! sign in, submit the phone form, see the case in the queue, claim it.

use hotline::auth::Role;

use crate::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counselor_files_a_phone_report_and_claims_it_in_a_real_browser() {
    let script = std::path::Path::new("tests/browser/smoke.mjs");
    let ready = std::path::Path::new("/usr/bin/chromium").exists()
        && std::path::Path::new("tests/browser/node_modules/playwright-core").exists();
    if !ready {
        assert!(
            std::env::var("HOTLINE_REQUIRE_BROWSER").is_err(),
            "chromium or playwright-core is missing; scripts/test installs them"
        );
        eprintln!(
            "skipping the browser smoke test: run scripts/test to install chromium and playwright-core"
        );
        return;
    }
    let app = spawn_app().await;
    let c = app.staff(Role::Counselor).await;
    let (address, email, password) = (app.address.clone(), c.email.clone(), c.password.clone());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .arg(script)
            .arg(address)
            .arg(email)
            .arg(password)
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
