//! How long `triage::assess` takes on a 2,000-character message (a benchmark, not a test).
//! Run: `cargo run --release --example triage_speed`.

#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a benchmark program"
)]

use std::path::Path;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use hotline::domain::{Answers, MessageId};
use hotline::triage::{ReportForTriage, TriageRules, assess};

fn main() {
    let rules = TriageRules::load(Path::new("config/triage/shared.yaml")).unwrap();
    let sample = "พี่สาวของฉันไปทำงานที่มาเลเซีย นายจ้างยึดพาสปอร์ตไว้ ไม่ให้ออกไปไหน \
                  My cousin says they work 16 hours a day on the boat and owe the broker money. \
                  Chị tôi bị giữ hộ chiếu, không được về nhà. 他们说欠了中介很多钱。 ";
    let mut text = String::new();
    while text.chars().count() < 2000 {
        text.push_str(sample);
    }
    let text: String = text.chars().take(2000).collect();
    let answers = Answers::default();
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let report = ReportForTriage {
        messages: vec![(MessageId(uuid::Uuid::nil()), text.as_str())],
        answers: &answers,
    };
    for _ in 0..50 {
        assess(&report, &rules, now);
    }
    let rounds = 2000;
    let started = Instant::now();
    let mut level = None;
    for _ in 0..rounds {
        level = Some(assess(&report, &rules, now).level);
    }
    let per = started.elapsed() / rounds;
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(hotline::triage::normalize::prepare(&text));
    }
    let prepare = started.elapsed() / rounds;
    println!(
        "{} phrases; 2,000-character message: {:.1} µs per assessment, of which {:.1} µs preparing the text (level {:?}, {rounds} rounds)",
        rules.lexicon.phrase_count(),
        per.as_secs_f64() * 1e6,
        prepare.as_secs_f64() * 1e6,
        level.unwrap()
    );
    // The same with the learned safety net (config/triage/safety_net.json), and the net alone.
    let with_net = TriageRules::load(Path::new("config/triage/shared.yaml"))
        .unwrap()
        .with_safety_net(Some(Path::new("config/triage/safety_net.json")))
        .unwrap();
    let rounds = 500;
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(assess(&report, &with_net, now));
    }
    let per_with_net = started.elapsed() / rounds;
    let net = with_net.safety_net.as_ref().unwrap();
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(net.read(&text));
    }
    let net_alone = started.elapsed() / rounds;
    // Naming the closest examples is done only for a message that lifts; time it too.
    let mut lifting = net.as_ref().clone();
    for head in &mut lifting.heads {
        head.threshold = 0.0;
    }
    let started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(lifting.read(&text));
    }
    let net_lifting = started.elapsed() / rounds;
    println!(
        "with the safety net: {:.1} µs per assessment; the net alone: {:.1} µs (score {:.2}), {:.1} µs when it lifts and names the closest examples",
        per_with_net.as_secs_f64() * 1e6,
        net_alone.as_secs_f64() * 1e6,
        net.score(&text),
        net_lifting.as_secs_f64() * 1e6,
    );
}
