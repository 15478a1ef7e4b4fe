//! Black-box tests of the real app: each test spawns it on port 0 against a fresh database.
//! One test binary (modules below), so the app is linked once.

// A panic in a test helper is a failed test, which is what we want.
#![allow(clippy::unwrap_used)]

mod helpers;

mod bad_input;
mod browser;
mod callbacks;
mod concurrency;
mod console;
mod email;
mod fair_queue;
mod jobs;
mod line;
mod live_updates;
mod openapi;
mod phone_intake;
mod privacy;
mod queue;
mod resilience;
mod roles;
mod settings;
mod telegram;
mod telephony;
mod triage;
mod webhook_properties;
