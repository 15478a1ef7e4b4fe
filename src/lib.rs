//! hotline: the 24-hour intake backend for anti-trafficking hotlines.
//!
//! # Layout
//! Features, each a folder whose files are actions:
//! - `intake`: every inbound report becomes a triaged, queued case in one transaction: the phone
//!   form, a chat message (record event → attach to case → run the conversation → queue the
//!   replies), an email; `open_case` is the one way to open a case; `conversation/` is the bot's
//!   script, pure.
//! - `triage`: pure, explainable urgency scoring from the rules in `config/triage/`.
//! - `queue`: the one triage queue (its order in `queue/mod.rs`); claims are leases
//!   (`FOR UPDATE SKIP LOCKED`).
//! - `cases`: the case as staff work with it: view, notes, status (and the closing rule),
//!   urgency overrides, links, attachments, the supervisor's list.
//! - `callbacks`: scheduled callbacks within the safe-contact rules (attempts, back-off into
//!   the next safe window, escalation), follow-up plans, missed calls from the phone system.
//! - `messaging`: the outbox (what will be sent, queued with its cause) and the send job;
//!   counselor replies under the reporter's safe-contact rules; blocking a chat.
//! - `channels`: the one caller of the adapter crates (`integrations/*`), one folder per channel
//!   with verify → receive → send.
//! - `safe_contact`: a reporter's safe-contact rules (versioned, sealed) and the one gate every
//!   outbound contact passes at the moment it is made.
//! - `media`: files people send, made safe to pass on (image metadata stripped).
//! - `auth`: users, roles, sign-in (throttling), sessions (Redis), API tokens, who is calling,
//!   the audit log.
//! - `supervisor`: the answer clock of each case, response-time percentiles against the
//!   targets, the live dashboard's figures and the suppressed statistics export.
//! - `privacy`: need-to-know (full view or outline per case), breaking the glass, phone-lookup
//!   limits, and the rule of every API route (`privacy::rules`).
//! - `retention`: retention schedules (the daily sweep, `hotline retention`), legal holds, and
//!   "forget me" (in the chat or through a counselor).
//! - `audit`: the read audit (who saw which personal data, when, why).
//! - `jobs`: PostgreSQL-backed background jobs with retries.
//! - `crypto`: encryption at rest and keyed hashes for lookups.
//! - `partners`: the partner directory (coverage, services, languages, hours; a shelter's
//!   address is confidential), the demo directory.
//! - `referrals`: the case record, partner suggestions, consent, packets, delivery by email,
//!   the partner's signed link, status steps and escalation.
//! - `domain`: pure value types, parsed once at the edge (ids, channel, contact, case, report,
//!   time).
//! - `routes`: HTTP only: the JSON API (the route table, its role guard, OpenAPI), the console,
//!   webhooks, health and metrics.
//!
//! Plumbing: `settings`, `startup` (builds the app), `database` (one host or the primary among
//! several, followed across a failover), `context` (pools and handles), `background`
//! (the supervised tasks of `serve`), `cli` (the `hotline` command), `score_command`
//! (`hotline score`), `seed` (demo data), `redis_store`, `clock`, `telemetry`, `metrics`,
//! `error` (the one HTTP error type).

pub mod audit;
pub mod auth;
pub mod background;
pub mod callbacks;
pub mod cases;
pub mod channels;
pub mod chars;
pub mod cli;
pub mod clock;
pub mod console;
pub mod context;
pub mod crypto;
pub mod database;
pub mod domain;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod intake;
pub mod jobs;
pub mod live;
pub mod media;
pub mod messaging;
pub mod metrics;
pub mod partners;
pub mod privacy;
pub mod queue;
pub mod redis_store;
pub mod referrals;
pub mod rescue_events;
pub mod retention;
pub mod routes;
pub mod safe_contact;
pub mod safety_net_command;
pub mod score_command;
pub mod seed;
pub mod seed_synthetic;
pub mod settings;
pub mod startup;
pub mod supervisor;
pub mod surge;
pub mod telemetry;
pub mod triage;
