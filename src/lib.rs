//! hotline: the 24-hour intake backend for anti-trafficking hotlines.
//!
//! # Layout
//! - `domain`: pure value types, parsed once at the edge (ids, channel, contact, case, report).
//! - `intake`: every inbound report becomes a triaged, queued case in one transaction.
//! - `triage`: pure, explainable urgency scoring from rules in `config/triage/shared.yaml`.
//! - `queue`: the one triage queue; claims are leases (`FOR UPDATE SKIP LOCKED`).
//! - `cases`: the case as staff work with it: view, notes, status, supervisor list.
//! - `auth`: users, roles, sessions (Redis), API tokens (PostgreSQL), the audit log.
//! - `jobs`: PostgreSQL-backed background jobs with retries.
//! - `crypto`: encryption at rest and keyed hashes for lookups.
//! - `routes`: HTTP only: the JSON API, the console, health and metrics.
//! - `settings`, `startup`, `context`, `clock`, `telemetry`, `metrics`, `error`: plumbing.

pub mod auth;
pub mod cases;
pub mod channels;
pub mod cli;
pub mod clock;
pub mod console;
pub mod context;
pub mod crypto;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod intake;
pub mod jobs;
pub mod live;
pub mod messaging;
pub mod metrics;
pub mod queue;
pub mod redis_store;
pub mod routes;
pub mod score_command;
pub mod seed;
pub mod settings;
pub mod startup;
pub mod telemetry;
pub mod triage;
