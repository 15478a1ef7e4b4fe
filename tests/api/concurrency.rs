//! Many counselors on two nodes claiming at once never hold the same case.

use std::collections::HashSet;

use hotline::auth::Role;
use hotline::domain::{Answers, Caller, Channel, NewReport, SafeContact, report::FreeText};
use hotline::intake::record_phone_report;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{Options, spawn_app_with, spawn_second_node_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_counselors_on_two_nodes_claim_two_hundred_cases_each_exactly_once() {
    // Each counselor ends up holding about ten cases: lift the held-case cap for this test.
    let many = vec![("HOTLINE_QUEUE__MAX_HELD".to_owned(), "1000".to_owned())];
    let first = spawn_app_with(Options {
        extra_env: many.clone(),
        ..Options::default()
    })
    .await;
    let second = spawn_second_node_with(&first, many).await;
    let filer = first.staff(Role::Counselor).await;
    let report = NewReport {
        caller: Caller::Anonymous,
        language: None,
        country: None,
        area: None,
        narrative: FreeText::parse("narrative", "a queued report", 100)
            .unwrap()
            .unwrap(),
        answers: Answers::default(),
        callback_name: None,
        callback_phone: None,
        safe_contact: SafeContact::answer_only(Channel::Phone),
        linked_cases: vec![],
    };
    let filer_id = hotline::domain::UserId(filer.id);
    for _ in 0..200 {
        let ctx = &first.ctx;
        record_phone_report(
            &ctx.db,
            &ctx.keys,
            &ctx.rules(),
            filer_id,
            &report,
            None,
            first.clock_now(),
        )
        .await
        .unwrap();
    }

    let mut counselors = vec![];
    for _ in 0..20 {
        counselors.push(first.staff(Role::Counselor).await);
    }
    let nodes = [first.address.clone(), second.address.clone()];
    let mut tasks = vec![];
    for (i, counselor) in counselors.into_iter().enumerate() {
        let node = nodes[i % 2].clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut claimed = vec![];
            loop {
                let resp = client
                    .post(format!("{node}/api/v1/queue/claim"))
                    .bearer_auth(&counselor.token)
                    .send()
                    .await
                    .unwrap();
                match resp.status() {
                    StatusCode::OK => {
                        let case: Value = resp.json().await.unwrap();
                        assert_eq!(case["holder"]["email"], counselor.email.as_str());
                        claimed.push(case["id"].as_str().unwrap().to_owned());
                    }
                    StatusCode::NO_CONTENT => return claimed,
                    other => panic!("unexpected claim status {other}"),
                }
            }
        }));
    }
    let mut all = vec![];
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(all.len(), 200, "every case claimed once in total");
    assert_eq!(unique.len(), 200, "no case claimed twice");
    let (held,): (i64,) =
        sqlx::query_as("SELECT count(DISTINCT id) FROM cases WHERE holder_id IS NOT NULL")
            .fetch_one(&first.db)
            .await
            .unwrap();
    assert_eq!(held, 200);
}
