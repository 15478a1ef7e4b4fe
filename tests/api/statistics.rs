//! The statistics export (suppressed counts, CSV for Excel, JSON, the CLI) and the counselor
//! activity report.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Staff, TestApp, phone_report, spawn_app};

async fn report_by(app: &TestApp, who: &Staff, caller: &str, how_many: usize) {
    for _ in 0..how_many {
        let mut body = phone_report("a call for the statistics");
        body["caller"] = json!(caller);
        app.report(who, &body).await;
    }
}

async fn export_json(app: &TestApp, who: &Staff, query: &str) -> Value {
    let resp = app
        .get(who, &format!("/api/v1/stats/export?{query}&format=json"))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

fn row<'a>(table: &'a Value, value: &str) -> &'a Value {
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["value"] == value)
        .unwrap_or_else(|| panic!("no row {value} in {table}"))
}

#[tokio::test]
async fn a_small_count_is_hidden_and_a_second_is_hidden_so_the_total_cannot_give_it_away() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    report_by(&app, &counselor, "victim", 2).await;
    report_by(&app, &counselor, "relative", 6).await;
    report_by(&app, &counselor, "friend", 7).await;

    let body = export_json(&app, &supervisor, "by=caller,channel").await;
    let callers = &body["tables"][0];
    assert_eq!(callers["rows_by"], "caller");
    // 2 is below 5: hidden. With the total (15) shown, 15 - 6 - 7 would give it back, so the
    // smallest other count (6) is hidden too; 7 and the total stay.
    assert_eq!(row(callers, "victim")["total"], "<5");
    assert_eq!(row(callers, "relative")["total"], "<5");
    assert_eq!(row(callers, "friend")["total"], 7);
    assert_eq!(row(callers, "coworker")["total"], 0);
    assert_eq!(callers["total"], 15);
    // Percentages come from the suppressed table: none for a hidden count.
    assert_eq!(row(callers, "victim")["percent"], Value::Null);
    assert_eq!(row(callers, "relative")["percent"], Value::Null);
    assert_eq!(row(callers, "friend")["percent"], 46.7);
    let channels = &body["tables"][1];
    assert_eq!(row(channels, "phone")["total"], 15);
    assert_eq!(body["suppress_below"], 5);

    // A cross-table: the small cell's row and column each lose a second cell.
    let body = export_json(&app, &supervisor, "by=caller*urgency").await;
    let cross = &body["tables"][0];
    assert_eq!(cross["columns_by"], "urgency");
    for line in cross["rows"].as_array().unwrap() {
        let hidden = line["counts"]
            .as_array()
            .unwrap()
            .iter()
            .chain([&line["total"]])
            .filter(|c| *c == "<5")
            .count();
        assert_ne!(hidden, 1, "a row with one hidden entry: {line}");
    }
}

#[tokio::test]
async fn the_export_holds_no_personal_data_ids_or_free_text() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    let mut references = vec![];
    for i in 0..6 {
        let mut body = phone_report(&format!("SENTINELNARRATIVE{i} works on a boat"));
        body["callback"]["name"] = json!(format!("SentinelName{i}"));
        body["callback"]["phone"] = json!(format!("+6681234{i:04}"));
        body["location"]["area"] = json!(format!("SentinelArea{i}"));
        let case = app.report(&counselor, &body).await;
        references.push(case["reference"].as_str().unwrap().to_owned());
        references.push(case["id"].as_str().unwrap().to_owned());
    }
    let every = "channel,case_status,closing_reason,urgency,caller,language,country,age_band,channel*urgency";
    for format in ["csv", "json"] {
        let resp = app
            .get(
                &supervisor,
                &format!("/api/v1/stats/export?by={every}&format={format}"),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::OK);
        let text = resp.text().await.unwrap();
        for secret in ["SENTINEL", "Sentinel", "12340", "Songkhla", "boat"] {
            assert!(!text.contains(secret), "{format} export carries {secret}");
        }
        for id in &references {
            assert!(!text.contains(id.as_str()), "{format} export carries {id}");
        }
        assert!(!text.contains(&counselor.email));
    }
}

#[tokio::test]
async fn the_csv_opens_in_excel_with_thai_intact_and_names_itself() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    report_by(&app, &counselor, "relative", 5).await;
    let resp = app
        .get(
            &supervisor,
            "/api/v1/stats/export?by=language&format=csv&from=2026-11-01&to=2026-11-30",
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("hotline-statistics-20261101-20261201.csv")
    );
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a UTF-8 byte-order mark");
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(
        text.contains("\r\nlanguage,count,percent\r\nth,5,100.0\r\n"),
        "{text}"
    );
}

#[tokio::test]
async fn breakdowns_not_recorded_yet_or_unknown_are_refused_naming_them() {
    let app = spawn_app().await;
    let supervisor = app.staff(Role::Supervisor).await;
    for (query, says) in [
        ("by=sex", "not recorded"),
        ("by=colour", "colour"),
        ("by=channel&format=xlsx", "csv or json"),
        ("", "required"),
    ] {
        let resp = app
            .get(&supervisor, &format!("/api/v1/stats/export?{query}"))
            .await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: Value = resp.json().await.unwrap();
        assert!(
            body["error"]["message"].as_str().unwrap().contains(says),
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn the_cli_exports_the_same_tables() {
    let app = spawn_app().await;
    let counselor = app.staff(Role::Counselor).await;
    report_by(&app, &counselor, "friend", 5).await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hotline"))
        .args([
            "stats",
            "export",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--by",
            "caller",
            "--format",
            "csv",
        ])
        .env("HOTLINE_PROFILE", "test")
        .env("DATABASE_URL", crate::helpers::database_url(&app.db_name))
        .env("HOTLINE_CRYPTO__KEY", &app.crypto_key)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("\r\nfriend,5,100.0\r\n"), "{text}");
}

#[tokio::test]
async fn counselors_see_only_their_own_activity_and_supervisors_see_everyones() {
    let app = spawn_app().await;
    let ana = app.staff(Role::Counselor).await;
    let ben = app.staff(Role::Counselor).await;
    let supervisor = app.staff(Role::Supervisor).await;
    report_by(&app, &ana, "relative", 2).await;
    report_by(&app, &ben, "friend", 1).await;

    let resp = app.get(&ana, "/api/v1/stats/activity").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let mine: Value = resp.json().await.unwrap();
    let rows = mine["counselors"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["email"], ana.email.as_str());
    assert_eq!(rows[0]["cases_handled"], 2);
    assert_eq!(rows[0]["callbacks_and_referrals_wired"], true);

    let all: Value = app
        .get(&supervisor, "/api/v1/stats/activity")
        .await
        .json()
        .await
        .unwrap();
    let emails: Vec<&str> = all["counselors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["email"].as_str().unwrap())
        .collect();
    assert!(emails.contains(&ana.email.as_str()) && emails.contains(&ben.email.as_str()));
}
