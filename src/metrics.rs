//! Prometheus metrics. Labels are low-cardinality words only (route pattern, method, status,
//! channel, level, outcome): never ids, never anything a reporter said.

use std::sync::OnceLock;

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide recorder once (tests start many apps in one process).
pub fn install() {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ])
            .ok()?
            .set_buckets_for_metric(
                metrics_exporter_prometheus::Matcher::Full("hotline_answer_time_seconds".into()),
                ANSWER_BUCKETS,
            )
            .ok()?
            .set_buckets_for_metric(
                metrics_exporter_prometheus::Matcher::Full("hotline_action_time_seconds".into()),
                ACTION_BUCKETS,
            )
            .ok()?
            .build_recorder();
        let handle = recorder.handle();
        metrics::set_global_recorder(recorder).ok()?;
        Some(handle)
    });
}

pub fn render() -> String {
    HANDLE
        .get()
        .and_then(|h| h.as_ref())
        .map(|h| h.render())
        .unwrap_or_default()
}

pub fn http_request(method: &str, route: &str, status: u16, seconds: f64) {
    let labels = [
        ("method", method.to_owned()),
        ("route", route.to_owned()),
        ("status", status.to_string()),
    ];
    metrics::counter!("hotline_http_requests_total", &labels).increment(1);
    metrics::histogram!("hotline_http_request_duration_seconds", &labels[..2]).record(seconds);
}

pub fn report_created(channel: &str, level: &str) {
    metrics::counter!("hotline_reports_created_total", "channel" => channel.to_owned(), "level" => level.to_owned())
        .increment(1);
}

/// Live-update events: `relayed` to this node's pages, or `unpublished` (Redis unavailable).
pub fn live_event(outcome: &'static str) {
    metrics::counter!("hotline_live_events_total", "outcome" => outcome).increment(1);
}

pub fn claim(outcome: &'static str) {
    metrics::counter!("hotline_queue_claims_total", "outcome" => outcome).increment(1);
}

/// Chat messages acknowledged and not yet read from the webhook inbox (counted up to
/// `channels::inbox::WAITING_COUNT_CAP`), in the exposition format: alert on it staying up.
pub fn inbox_waiting(n: i64) -> String {
    format!(
        "# HELP hotline_webhook_inbox_waiting Chat messages acknowledged and not yet read.\n# TYPE hotline_webhook_inbox_waiting gauge\nhotline_webhook_inbox_waiting {n}\n"
    )
}

/// Open cases nobody holds, by urgency level, in the exposition format.
pub fn queue_depth(depth: &[(String, i64)]) -> String {
    let mut out = String::from(
        "# HELP hotline_queue_waiting_cases Open cases nobody holds.\n# TYPE hotline_queue_waiting_cases gauge\n",
    );
    for level in ["critical", "high", "medium", "low"] {
        let n = depth
            .iter()
            .find(|(l, _)| l == level)
            .map_or(0, |(_, n)| *n);
        out.push_str(&format!(
            "hotline_queue_waiting_cases{{level=\"{level}\"}} {n}\n"
        ));
    }
    out
}

pub fn login(outcome: &'static str) {
    metrics::counter!("hotline_logins_total", "outcome" => outcome).increment(1);
}

/// A webhook or form whose signature or token did not verify.
pub fn rejected_signature(channel: &'static str) {
    metrics::counter!("hotline_rejected_signatures_total", "channel" => channel).increment(1);
}

pub fn job(kind: &str, outcome: &'static str) {
    metrics::counter!("hotline_jobs_total", "kind" => kind.to_owned(), "outcome" => outcome)
        .increment(1);
}

/// A chat event recorded (`recorded`, or `blocked` for a blocked chat's stored message).
pub fn chat_message(channel: &str, outcome: &'static str) {
    metrics::counter!("hotline_chat_messages_total", "channel" => channel.to_owned(), "outcome" => outcome)
        .increment(1);
}

/// A supervised background task stopped or panicked and was started again.
pub fn background_task_restarted(task: &'static str) {
    metrics::counter!("hotline_background_task_restarts_total", "task" => task).increment(1);
}

/// Bot replies withheld because one chat sent more than its per-minute budget.
pub fn bot_replies_suppressed(channel: &str) {
    metrics::counter!("hotline_bot_replies_suppressed_total", "channel" => channel.to_owned())
        .increment(1);
}

/// A write answered 503 at `server.write_deadline_ms` (a stalled database).
pub fn write_deadline_exceeded() {
    metrics::counter!("hotline_write_deadline_exceeded_total").increment(1);
}

/// A webhook answered 503 `busy`: no turn came within `server.intake_wait_ms`.
pub fn intake_busy() {
    metrics::counter!("hotline_intake_busy_total").increment(1);
}

/// A chat webhook's body put in the webhook inbox, or read from it (`channels::inbox`).
pub fn webhook_inbox(channel: &'static str, step: &'static str) {
    metrics::counter!("hotline_webhook_inbox_total", "channel" => channel, "step" => step)
        .increment(1);
}

/// A webhook body that was stored for review or refused, by reason.
pub fn webhook_event(channel: &'static str, outcome: &'static str) {
    metrics::counter!("hotline_webhook_events_total", "channel" => channel, "outcome" => outcome)
        .increment(1);
}

/// An outbound message sent or failed, by channel.
pub fn outbound(channel: &str, outcome: &'static str) {
    metrics::counter!("hotline_outbound_messages_total", "channel" => channel.to_owned(), "outcome" => outcome)
        .increment(1);
}

/// Answer-time buckets, in seconds: from the critical target's scale (seconds to minutes) to
/// the low target's (a day), so each level's target falls on a bucket edge.
pub const ANSWER_BUCKETS: &[f64] = &[
    15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 21600.0, 43200.0, 86400.0,
    172800.0,
];

/// A person reached a human after `seconds`; a late answer also counts as a breach.
pub fn answer_time(channel: &str, level: &str, seconds: i64, within_target: bool) {
    metrics::histogram!("hotline_answer_time_seconds", "channel" => channel.to_owned(), "level" => level.to_owned())
        .record(seconds as f64);
    if !within_target {
        answer_breach(level);
    }
}

/// Action-time buckets, in seconds: the default critical target (15 min), it plus the
/// critical acknowledgement target (30 min) and the high ones (1 h, 2 h) fall on edges, so the
/// share within target is a bucket over the count.
pub const ACTION_BUCKETS: &[f64] = &[
    60.0, 300.0, 600.0, 900.0, 1800.0, 2700.0, 3600.0, 7200.0, 14400.0, 28800.0, 86400.0, 172800.0,
    259200.0,
];

/// An urgent case reached its first referral `step` (`requested`, `acknowledged`) `seconds`
/// after becoming `level` urgent (critical or high). Labels: level and step only.
pub fn action_time(level: &str, step: &'static str, seconds: i64) {
    metrics::histogram!("hotline_action_time_seconds", "level" => level.to_owned(), "step" => step)
        .record(seconds as f64);
}

/// An answer target broken (answered late, or closed unanswered after the target passed).
pub fn answer_breach(level: &str) {
    metrics::counter!("hotline_answer_breaches_total", "level" => level.to_owned()).increment(1);
}

/// Open cases waiting past their answer target now, by level, in the exposition format.
pub fn breaching_now(counts: &[(String, i64)]) -> String {
    let mut out = String::from(
        "# HELP hotline_answer_breaching_cases Open cases nobody holds that are past their answer target now.\n# TYPE hotline_answer_breaching_cases gauge\n",
    );
    for level in ["critical", "high", "medium", "low"] {
        let n = counts
            .iter()
            .find(|(l, _)| l == level)
            .map_or(0, |(_, n)| *n);
        out.push_str(&format!(
            "hotline_answer_breaching_cases{{level=\"{level}\"}} {n}\n"
        ));
    }
    out
}

/// A callback attempt, by outcome and the status it left the callback in.
pub fn callback_attempt(outcome: &'static str, status: &'static str) {
    metrics::counter!("hotline_callback_attempts_total", "outcome" => outcome, "status" => status)
        .increment(1);
}

/// A call event from the phone system, by outcome (`accepted`, `duplicate`, `rejected`).
pub fn call_event(outcome: &'static str) {
    metrics::counter!("hotline_call_events_total", "outcome" => outcome).increment(1);
}

/// Callbacks overdue now, in the exposition format (read from PostgreSQL at scrape time).
pub fn callbacks_overdue(n: i64) -> String {
    format!(
        "# HELP hotline_callbacks_overdue Scheduled callbacks and candidates whose window passed more than callbacks.overdue_after_seconds ago.\n# TYPE hotline_callbacks_overdue gauge\nhotline_callbacks_overdue {n}\n"
    )
}

/// Rows erased or purged by retention and forget-me, by what (`contacts_without_case`,
/// `closed_cases`, `attachments`, `forget_me_cases`, `forget_me_held`, `legal_hold_placed`...).
/// Counts only: never an id or anything about a person.
pub fn retention(what: &'static str, count: u64) {
    metrics::counter!("hotline_retention_erased_total", "what" => what).increment(count);
}
