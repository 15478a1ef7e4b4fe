//! The statistics export (suppressed counts, CSV for Excel, JSON, the CLI) and the counselor
//! activity report.

use hotline::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Options, Staff, TestApp, phone_report, spawn_app, spawn_app_with};
use crate::referrals::{claimed_case, demo_directory, partner_named, partner_posts};

/// Every breakdown, one table each, and two cross-tables.
const EVERY: &str = "channel,case_status,trafficking_status,official_outcome,closing_reason,urgency,caller,language,country,age_band,sex,nationality,province_of_origin,destination_country,form_of_exploitation,referral_outcome,sex*age_band,form_of_exploitation*nationality";

async fn put_record(app: &TestApp, who: &Staff, case: &str, record: &Value) {
    let resp = app
        .client
        .put(app.url(&format!("/api/v1/cases/{case}/record")))
        .bearer_auth(&who.token)
        .json(record)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "{}",
        resp.text().await.unwrap()
    );
}

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
async fn a_sentinel_in_every_personal_field_of_the_record_and_the_referral_never_reaches_an_export()
{
    let app = spawn_app().await;
    demo_directory(&app).await;
    let s = app.staff(Role::Supervisor).await;
    let mut ids = vec![];
    let mut emails = vec![];
    for i in 0..6 {
        // One counselor per case: a counselor holds only so many at once.
        let c = app.staff(Role::Counselor).await;
        emails.push(c.email.clone());
        let case = claimed_case(&app, &c, "TH", &format!("SentinelArea{i}"), json!({})).await;
        put_record(
            &app,
            &c,
            &case,
            &json!({
                "sex": "female", "gender_identity": format!("SentinelGender{i}"), "age": 30,
                "age_band": "adult", "nationality": "MM", "languages": ["my"],
                "origin": {"country": "MM", "province": format!("SentinelProvince{i}"), "district": format!("SentinelDistrict{i}")},
                "location": {"country": "TH", "province": format!("SentinelLocation{i}"), "district": "SentinelLocDistrict"},
                "destination_country": "TH", "exploitation": ["domestic_servitude"],
                "status": "presumed"
            }),
        )
        .await;
        let police = partner_named(&app, &c, "Songkhla Provincial Police").await;
        let sent: Value = app
            .post(
                &c,
                &format!("/api/v1/cases/{case}/referrals"),
                &json!({ "partner_id": police["id"], "summary": format!("SentinelSummary{i}"),
                         "override": {"reason": "imminent_danger", "text": format!("SentinelOverride{i}")} }),
            )
            .await
            .json()
            .await
            .unwrap();
        let token = sent["link"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        partner_posts(
            &app,
            &token,
            &[("action", "decline"), ("reason", "SentinelDecline")],
        )
        .await;
        ids.push(case);
        ids.push(sent["id"].as_str().unwrap().to_owned());
        ids.push(sent["reference"].as_str().unwrap().to_owned());
    }
    for names in ["hotline", "htcds"] {
        for format in ["csv", "json"] {
            let resp = app
                .get(
                    &s,
                    &format!("/api/v1/stats/export?by={EVERY}&format={format}&names={names}"),
                )
                .await;
            assert_eq!(resp.status(), StatusCode::OK);
            let text = resp.text().await.unwrap();
            assert!(
                !text.to_lowercase().contains("sentinel"),
                "{format}/{names}: {text}"
            );
            for id in &ids {
                assert!(!text.contains(id.as_str()), "{format} export carries {id}");
            }
            for email in &emails {
                assert!(!text.contains(email.as_str()));
            }
        }
    }
    // The sentinel province is typed text: it is published as "MM-other", never as itself.
    let json = export_json(&app, &s, "by=province_of_origin").await;
    assert_eq!(row(&json["tables"][0], "MM-other")["counts"][0], 6);
}

#[tokio::test]
async fn real_case_records_are_counted_by_each_breakdown_and_in_htcds_names() {
    // No suppression here: this test checks the counting (suppression has its own tests).
    let app = spawn_app_with(Options {
        extra_env: vec![("HOTLINE_STATS__SUPPRESS_BELOW".into(), "1".into())],
        ..Options::default()
    })
    .await;
    demo_directory(&app).await;
    let c = app.staff(Role::Counselor).await;
    let s = app.staff(Role::Supervisor).await;
    for _ in 0..3 {
        let c = app.staff(Role::Counselor).await;
        let case = claimed_case(&app, &c, "TH", "Songkhla", json!({})).await;
        put_record(
            &app,
            &c,
            &case,
            &json!({
                "sex": "female", "age": 16, "age_band": "under_18", "nationality": "TH",
                "origin": {"country": "TH", "province": "สงขลา"},
                "exploitation": ["sexual_exploitation"], "status": "presumed"
            }),
        )
        .await;
    }
    let case = claimed_case(&app, &c, "TH", "Bangkok", json!({})).await;
    put_record(
        &app,
        &c,
        &case,
        &json!({
            "sex": "male", "age_band": "adult", "nationality": "KH",
            "origin": {"country": "KH", "province": "Kampot"}, "destination_country": "MM",
            "exploitation": ["scam_compound", "forced_labour"], "status": "potential",
            "official_outcome": "identified"
        }),
    )
    .await;
    let police = partner_named(&app, &c, "Songkhla Provincial Police").await;
    let sent: Value = app
        .post(
            &c,
            &format!("/api/v1/cases/{case}/referrals"),
            &json!({ "partner_id": police["id"], "summary": "x",
                     "override": {"reason": "imminent_danger", "text": "y"} }),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = sent["link"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    partner_posts(&app, &token, &[("action", "accept")]).await;
    partner_posts(
        &app,
        &token,
        &[("action", "outcome"), ("outcome", "rescued")],
    )
    .await;
    // And one case with no record at all, whose caller said someone is under 18.
    app.report_with_answers(&c, json!({ "minor": "yes" })).await;

    let j = export_json(
        &app,
        &s,
        "by=sex,age_band,nationality,province_of_origin,destination_country,form_of_exploitation,trafficking_status,official_outcome,referral_outcome",
    )
    .await;
    let t = |i: usize| &j["tables"][i];
    let n = |i: usize, v: &str| row(t(i), v)["counts"][0].clone();
    assert_eq!(
        (n(0, "female"), n(0, "male"), n(0, "not_recorded")),
        (json!(3), json!(1), json!(1))
    );
    assert_eq!(
        (n(1, "under_18"), n(1, "adult"), n(1, "unknown")),
        (json!(4), json!(1), json!(0))
    );
    assert_eq!((n(2, "TH"), n(2, "KH")), (json!(3), json!(1)));
    assert_eq!(
        (n(3, "TH-songkhla"), n(3, "KH-kampot")),
        (json!(3), json!(1))
    );
    assert_eq!((n(4, "MM"), n(4, "none")), (json!(1), json!(3)));
    // Two forms for one case: it counts under each.
    assert_eq!(
        (
            n(5, "sexual_exploitation"),
            n(5, "scam_compound"),
            n(5, "forced_labour")
        ),
        (json!(3), json!(1), json!(1))
    );
    assert_eq!((n(6, "presumed"), n(6, "potential")), (json!(3), json!(1)));
    assert_eq!(n(7, "identified"), json!(1));
    assert_eq!(
        (n(8, "rescued"), n(8, "not_referred")),
        (json!(1), json!(4))
    );

    let h = export_json(&app, &s, "by=sex*form_of_exploitation&names=htcds").await;
    assert_eq!(h["tables"][0]["rows_by"], "prs_Gender");
    let female = row(&h["tables"][0], "Female");
    let columns = h["tables"][0]["columns"].as_array().unwrap();
    let at = columns
        .iter()
        .position(|c| c == "Sex:PrivateSexualServices")
        .unwrap();
    assert_eq!(female["counts"][at], 3);
    assert!(columns.contains(&json!("Labour:IllicitActivities")));

    // The command line gives the same numbers.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hotline"))
        .args([
            "stats",
            "export",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--by",
            "sex",
            "--format",
            "csv",
            "--names",
            "htcds",
        ])
        .env("HOTLINE_PROFILE", "test")
        .env("HOTLINE_STATS__SUPPRESS_BELOW", "1")
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
    assert!(
        text.contains("\r\nprs_Gender,count,percent\r\nFemale,3,60.0\r\nMale,1,20.0\r\n"),
        "{text}"
    );
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
async fn unknown_breakdowns_formats_or_names_are_refused_naming_them() {
    let app = spawn_app().await;
    let supervisor = app.staff(Role::Supervisor).await;
    for (query, says) in [
        ("by=colour", "colour"),
        ("by=sex&names=iom", "hotline or htcds"),
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
