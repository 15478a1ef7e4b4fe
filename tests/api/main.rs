//! Black-box tests of the real app: each test spawns it on port 0 against a fresh database.
//! One test binary (modules below), so the app is linked once.

// A panic in a test helper is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

mod helpers;

mod action_clock;
mod attachment_metadata;
mod audit;
mod bad_input;
mod browser;
mod callbacks;
mod concurrency;
mod console;
mod dashboard;
mod email;
mod fair_queue;
mod flood;
mod hardening;
mod jobs;
mod keys;
mod line;
mod live_updates;
mod need_to_know;
mod openapi;
mod outages;
mod phone_intake;
mod privacy;
mod queue;
mod queue_index;
mod referrals;
mod resilience;
mod restricted;
mod retention;
mod roles;
mod second_factor;
mod sentinels;
mod sessions;
mod settings;
mod stale_redis;
mod statistics;
mod supervision;
mod surge;
mod telegram;
mod telephony;
mod tls;
mod triage;
mod webhook_inbox;
mod webhook_properties;
