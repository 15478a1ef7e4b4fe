//! The JSON API under `/api/v1`. `ROUTES` is the one table of API routes: the server registers
//! them from it and the OpenAPI document is generated from it, so the two cannot drift.

mod callbacks;
mod cases;
mod events;
mod guard;
mod messages;
pub mod openapi;
mod partners;
mod privacy;
mod queue;
mod referrals;
mod reports;
mod retention;
mod safe_contact;
mod second_factor;
mod supervisor;
mod surge;
mod triage;
mod users;

use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{Route, guard as method, web};

use crate::auth::Role;

pub struct ApiRoute {
    pub method: Method,
    pub path: &'static str,
    pub summary: &'static str,
    /// The least role allowed, enforced for every route by `guard::require_role`.
    pub role: Role,
    /// The request body's type, whose schema the OpenAPI document derives (see `openapi.rs`).
    pub body: Option<openapi::BodySchema>,
    /// Response statuses the route documents besides the common errors.
    pub responses: &'static [(u16, &'static str)],
    pub route: fn() -> Route,
}

pub static ROUTES: &[ApiRoute] = &[
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/reports",
        summary: "Record a phone-call report: creates a triaged, queued case",
        role: Role::Counselor,
        body: Some(openapi::schema::<reports::PhoneReportForm>),
        responses: &[(
            201,
            "the new case (or, with a repeated Idempotency-Key, the first one)",
        )],
        route: || web::post().to(reports::create),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/reports/matches",
        summary: "Earlier cases with the same call-back number (keyed-hash lookup)",
        role: Role::Counselor,
        body: Some(openapi::schema::<reports::PhoneLookup>),
        responses: &[(200, "matching cases, newest first")],
        route: || web::post().to(reports::matches),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/queue",
        summary: "Open cases, most urgent first, then longest waiting",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "queue items")],
        route: || web::get().to(queue::list),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/queue/claim",
        summary: "Claim the next case, or a specific one with {\"case_id\"}",
        role: Role::Counselor,
        body: Some(openapi::schema::<queue::ClaimRequest>),
        responses: &[
            (200, "the claimed case"),
            (204, "the queue is empty"),
            (
                409,
                "the case is held by another counselor (case_held), or you already hold queue.max_held cases (too_many_held)",
            ),
        ],
        route: || web::post().to(queue::claim),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/queue/events",
        summary: "Server-sent events: one on every queue or case change (ids only, no personal data); re-read the queue or case on each",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "text/event-stream")],
        route: || web::get().to(queue::events),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/cases",
        summary: "All cases with filters (status, level, channel, holder, flag, created_from, created_to, limit, offset)",
        role: Role::Supervisor,
        body: None,
        responses: &[(200, "case summaries, newest first")],
        route: || web::get().to(cases::list),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/cases/{id}",
        summary: "One case with messages, notes and history",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "the case")],
        route: || web::get().to(cases::get),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/renew",
        summary: "Renew your lease on a case",
        role: Role::Counselor,
        body: None,
        responses: &[
            (200, "the new expiry"),
            (409, "you no longer hold the case"),
        ],
        route: || web::post().to(cases::renew),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/release",
        summary: "Give a case back to the queue",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "the case"), (409, "you do not hold the case")],
        route: || web::post().to(cases::release),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/notes",
        summary: "Add a note to a case you hold",
        role: Role::Counselor,
        body: Some(openapi::schema::<cases::NoteForm>),
        responses: &[(201, "the note id"), (409, "you do not hold the case")],
        route: || web::post().to(cases::add_note),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/status",
        summary: "Change a case's status (closing needs a closing_reason)",
        role: Role::Counselor,
        body: Some(openapi::schema::<cases::StatusForm>),
        responses: &[
            (200, "the case"),
            (409, "invalid transition, or you do not hold the case"),
        ],
        route: || web::post().to(cases::change_status),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/attachments/{id}",
        summary: "Download a file a reporter sent (JPEG, PNG and WebP images without their metadata; \
                  a file marked `metadata_kept` needs ?acknowledge=metadata; audited)",
        role: Role::Counselor,
        body: None,
        responses: &[
            (200, "the file, as application/octet-stream"),
            (
                409,
                "metadata_kept: the file's metadata could not be removed; add ?acknowledge=metadata",
            ),
        ],
        route: || web::get().to(cases::attachment),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/links",
        summary: "Link this case to another as the same person (never automatic; audited)",
        role: Role::Counselor,
        body: Some(openapi::schema::<cases::LinkForm>),
        responses: &[(200, "the case"), (409, "you do not hold the case")],
        route: || web::post().to(cases::link),
    },
    ApiRoute {
        method: Method::DELETE,
        path: "/api/v1/cases/{id}/links/{linked_id}",
        summary: "Undo a link between two cases (audited)",
        role: Role::Counselor,
        body: None,
        responses: &[
            (200, "the case"),
            (409, "you do not hold the case, or the cases are not linked"),
        ],
        route: || web::delete().to(cases::unlink),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/urgency",
        summary: "Raise or lower the case's urgency with a reason (audited; new evidence may raise it again)",
        role: Role::Counselor,
        body: Some(openapi::schema::<triage::UrgencyChoice>),
        responses: &[(200, "the case"), (409, "you do not hold the case")],
        route: || web::post().to(triage::override_urgency),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/triage/reload",
        summary: "Load the triage rules files again; invalid files are refused and the running rules stay",
        role: Role::Supervisor,
        body: None,
        responses: &[
            (200, "the rules now in force"),
            (422, "a rules file is invalid (named, with the reason)"),
        ],
        route: || web::post().to(triage::reload),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/messages",
        summary: "Write to the reporter on the case's chat (queued; delivery state on the case)",
        role: Role::Counselor,
        body: Some(openapi::schema::<messages::MessageForm>),
        responses: &[
            (202, "the queued message"),
            (
                409,
                "you do not hold the case, it has no chat, or the reporter's safe-contact rules forbid it now",
            ),
        ],
        route: || web::post().to(messages::send),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/block",
        summary: "Block the case's chat: its messages are stored, never answered",
        role: Role::Supervisor,
        body: None,
        responses: &[(200, "blocked"), (409, "the case has no chat")],
        route: || web::post().to(messages::block),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/unblock",
        summary: "Unblock the case's chat",
        role: Role::Supervisor,
        body: None,
        responses: &[(200, "unblocked"), (409, "the case has no chat")],
        route: || web::post().to(messages::unblock),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/safety-scripts",
        summary: "Saved safety-script texts per language, for counselors to send",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "scripts by language")],
        route: || web::get().to(messages::scripts),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/me",
        summary: "The signed-in user, with their console language and the languages they speak",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "the user")],
        route: || web::get().to(users::me),
    },
    ApiRoute {
        method: Method::PATCH,
        path: "/api/v1/me",
        summary: "Choose your console language and the languages you can talk in (claim-next prefers cases in them)",
        role: Role::Counselor,
        body: Some(openapi::schema::<users::MyPreferences>),
        responses: &[(200, "the user")],
        route: || web::patch().to(users::update_me),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/users",
        summary: "List staff users",
        role: Role::Admin,
        body: None,
        responses: &[(200, "users")],
        route: || web::get().to(users::list),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/users",
        summary: "Create a staff user",
        role: Role::Admin,
        body: Some(openapi::schema::<users::NewUser>),
        responses: &[(201, "the user"), (409, "duplicate email")],
        route: || web::post().to(users::create),
    },
    ApiRoute {
        method: Method::PATCH,
        path: "/api/v1/users/{id}",
        summary: "Change a user's role or deactivate them",
        role: Role::Admin,
        body: Some(openapi::schema::<users::UserChange>),
        responses: &[(200, "the user")],
        route: || web::patch().to(users::update),
    },
    // --- Safe contact and callbacks (issue 13) ---
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/cases/{id}/safe-contact",
        summary: "The person's safe-contact rules in force and every earlier version (who, how, when); code word and cover story only for whoever may act on the case",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "{\"current\", \"history\"}")],
        route: || web::get().to(safe_contact::get),
    },
    ApiRoute {
        method: Method::PUT,
        path: "/api/v1/cases/{id}/safe-contact",
        summary: "Change the person's safe-contact rules (a new version; you must hold the case)",
        role: Role::Counselor,
        body: Some(openapi::schema::<safe_contact::SafeContactForm>),
        responses: &[
            (200, "the rules now in force"),
            (409, "you do not hold the case"),
        ],
        route: || web::put().to(safe_contact::put),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/callbacks",
        summary: "Schedule a callback within the person's safe-contact rules (you must hold the case)",
        role: Role::Counselor,
        body: Some(openapi::schema::<callbacks::CallbackForm>),
        responses: &[
            (201, "the scheduled callback"),
            (
                409,
                "safe_contact_forbids (the reason), outside_safe_window (with next_allowed), or you do not hold the case",
            ),
        ],
        route: || web::post().to(callbacks::schedule),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/follow-ups",
        summary: "Plan follow-up callbacks months after a referral or an assisted closing, each within the safe windows",
        role: Role::Counselor,
        body: Some(openapi::schema::<callbacks::FollowUpForm>),
        responses: &[
            (201, "the follow-up callbacks"),
            (
                409,
                "the rules forbid it, or the case is not referred or closed",
            ),
        ],
        route: || web::post().to(callbacks::follow_ups),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/callbacks",
        summary: "Callbacks, soonest due first; filters status, owner (me, any or an id), due_before",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "{\"items\": [...]}")],
        route: || web::get().to(callbacks::list),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/callbacks/{id}/attempts",
        summary: "Record an attempt's outcome; failed attempts reschedule into the next safe window, then escalate or close",
        role: Role::Counselor,
        body: Some(openapi::schema::<callbacks::AttemptForm>),
        responses: &[
            (201, "the callback after the attempt"),
            (409, "the callback is not scheduled"),
        ],
        route: || web::post().to(callbacks::attempt),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/callbacks/{id}/approve",
        summary: "Schedule a missed call's candidate at the first moment the person's rules allow",
        role: Role::Counselor,
        body: Some(openapi::schema::<callbacks::DecisionForm>),
        responses: &[
            (200, "the scheduled callback"),
            (409, "not a candidate, or the rules forbid it"),
        ],
        route: || web::post().to(callbacks::approve),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/callbacks/{id}/dismiss",
        summary: "Dismiss a missed call's candidate with a reason",
        role: Role::Counselor,
        body: Some(openapi::schema::<callbacks::DecisionForm>),
        responses: &[(200, "the dismissed candidate"), (409, "not a candidate")],
        route: || web::post().to(callbacks::dismiss),
    },
    // --- Referrals and the partner directory (issue 14) ---
    ApiRoute {
        method: Method::PUT,
        path: "/api/v1/cases/{id}/record",
        summary: "Write the case record (sex, age band, nationality, places, exploitation, status; HTCDS names; personal fields sealed)",
        role: Role::Counselor,
        body: Some(openapi::schema::<crate::referrals::CaseRecord>),
        responses: &[
            (200, "the case, with its record"),
            (409, "you do not hold the case"),
        ],
        route: || web::put().to(referrals::put_record),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/partners",
        summary: "The partner directory (active entries; ?all=true for every entry); shelter addresses for supervisors only",
        role: Role::Counselor,
        body: None,
        responses: &[(
            200,
            "partners, by type and name, each flagged stale when not verified recently",
        )],
        route: || web::get().to(partners::list),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/partners",
        summary: "Add a partner to the directory",
        role: Role::Supervisor,
        body: Some(openapi::schema::<crate::partners::PartnerInput>),
        responses: &[(201, "the partner")],
        route: || web::post().to(partners::create),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/partners/{id}",
        summary: "One directory entry",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "the partner")],
        route: || web::get().to(partners::get),
    },
    ApiRoute {
        method: Method::PATCH,
        path: "/api/v1/partners/{id}",
        summary: "Change a directory entry (any field; verified_at to confirm it; active to retire it)",
        role: Role::Supervisor,
        body: Some(openapi::schema::<crate::partners::PartnerPatch>),
        responses: &[(200, "the partner")],
        route: || web::patch().to(partners::update),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/cases/{id}/partner-suggestions",
        summary: "Partners for this case, ranked, each with its reasons (coverage, needs, language, hours)",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "{\"items\": [{\"partner\", \"reasons\"}]}")],
        route: || web::get().to(referrals::partner_suggestions),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/consents",
        summary: "Record the person's consent (or refusal) to a referral to a partner or a partner type",
        role: Role::Counselor,
        body: Some(openapi::schema::<crate::referrals::consent::ConsentForm>),
        responses: &[(201, "the consent id"), (409, "you do not hold the case")],
        route: || web::post().to(referrals::add_consent),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/referrals",
        summary: "Refer the case to a partner: the packet for its type, emailed as a link (?preview=true shows the exact packet and writes nothing)",
        role: Role::Counselor,
        body: Some(openapi::schema::<crate::referrals::create::ReferralForm>),
        responses: &[
            (201, "the referral with its packet"),
            (200, "the preview"),
            (
                409,
                "no consent and no override (consent_required), or you do not hold the case",
            ),
        ],
        route: || web::post().to(referrals::send),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/cases/{id}/referrals",
        summary: "The case's referrals with packets, steps (when, by whom), delivery, escalation and the next partner after a decline",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "referrals, oldest first")],
        route: || web::get().to(referrals::list),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/referrals/{id}/status",
        summary: "Record a referral step by hand (received by phone, accepted, rejected with reason, completed with outcome, cancelled, failed)",
        role: Role::Counselor,
        body: Some(openapi::schema::<crate::referrals::follow_up::StepForm>),
        responses: &[
            (200, "the referral"),
            (
                409,
                "not possible from its status, or you do not hold the case",
            ),
        ],
        route: || web::post().to(referrals::change_status),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/referrals/{id}/revoke-link",
        summary: "Stop the partner's link from working (audited)",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "the referral"), (409, "you do not hold the case")],
        route: || web::post().to(referrals::revoke_link),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/referral-overrides",
        summary: "Referrals sent without consent, with the override reason and who sent them",
        role: Role::Supervisor,
        body: None,
        responses: &[(200, "overrides, newest first")],
        route: || web::get().to(referrals::overrides),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/referral-escalations",
        summary: "Referrals not acknowledged within their action target, with the next suggested partner",
        role: Role::Supervisor,
        body: None,
        responses: &[(200, "open escalations, oldest first")],
        route: || web::get().to(referrals::escalations),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/partners/{id}/entry-link",
        summary: "Email the partner a one-time signed link to confirm or correct its own entry",
        role: Role::Supervisor,
        body: None,
        responses: &[(201, "the link (also emailed)")],
        route: || web::post().to(partners::entry_link),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/partner-corrections",
        summary: "Corrections partners sent through their entry links, newest first",
        role: Role::Supervisor,
        body: None,
        responses: &[(200, "corrections")],
        route: || web::get().to(partners::corrections),
    },
    // Privacy (issue 17): breaking the glass, its review, the audit log.
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/break-glass",
        summary: "Break the glass: the full case for privacy.break_glass_minutes, with a reason (audited; supervisors review it)",
        role: Role::Counselor,
        body: Some(openapi::schema::<privacy::BreakGlassForm>),
        responses: &[(200, "the grant and when it ends")],
        route: || web::post().to(privacy::break_glass),
    },
    ApiRoute {
        method: Method::PUT,
        path: "/api/v1/cases/{id}/restriction",
        summary: "Restrict a case to named staff (and supervisors), or lift the restriction; with a reason (audited). Others then see nothing of it, not even its outline",
        role: Role::Supervisor,
        body: Some(openapi::schema::<privacy::RestrictionForm>),
        responses: &[
            (200, "{\"case_id\", \"restricted\", \"staff\"}"),
            (
                400,
                "a staff entry is not a user id, or the reason is unknown",
            ),
            (404, "no such case"),
        ],
        route: || web::put().to(privacy::restrict),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/break-glass",
        summary: "Break-the-glass grants waiting for review (all=true: every grant), newest first",
        role: Role::Supervisor,
        body: None,
        responses: &[(200, "grants")],
        route: || web::get().to(privacy::grants),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/break-glass/{id}/review",
        summary: "Mark a break-the-glass grant as reviewed (audited)",
        role: Role::Supervisor,
        body: None,
        responses: &[(200, "reviewed"), (404, "no such unreviewed grant")],
        route: || web::post().to(privacy::review_grant),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/audit",
        summary: "Search the audit log (case_id, actor, action, from, to, limit), newest first; reads are action case.viewed",
        role: Role::Supervisor,
        body: None,
        responses: &[(
            200,
            "{items: [{at, actor, action, case_id, purpose, details}]}",
        )],
        route: || web::get().to(privacy::audit),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/me/sign-out-everywhere",
        summary: "End every console session of yours, on every device (audited)",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "signed out")],
        route: || web::post().to(users::sign_out_everywhere),
    },
    // Retention and forget-me (issue 17).
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/legal-hold",
        summary: "Put a case under legal hold with a reason (or change the reason): retention and forget-me leave it whole (audited)",
        role: Role::Supervisor,
        body: Some(openapi::schema::<retention::LegalHoldForm>),
        responses: &[(200, "the case is held")],
        route: || web::post().to(retention::place_hold),
    },
    ApiRoute {
        method: Method::DELETE,
        path: "/api/v1/cases/{id}/legal-hold",
        summary: "Lift a case's legal hold (audited)",
        role: Role::Supervisor,
        body: None,
        responses: &[(200, "the hold is lifted"), (404, "the case is not held")],
        route: || web::delete().to(retention::lift_hold),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/cases/{id}/forget-me",
        summary: "The person asked that their data be erased ({\"confirm\": true}): nothing more is sent to them, the bot's messages are deleted from their Telegram chat (LINE cannot), every case of theirs is closed and its personal fields erased, except cases under legal hold (kept; the request is recorded on them); statistics stay (audited)",
        role: Role::Counselor,
        body: Some(openapi::schema::<retention::ForgetMeForm>),
        responses: &[(
            200,
            "{erased_cases, held_cases, messages_to_delete, channel_cannot_delete}",
        )],
        route: || web::post().to(retention::forget_me),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/me/second-factor",
        summary: "Your second factor: whether it is set up, whether your role requires it, recovery codes left",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "{enabled, enabled_at, required, recovery_codes_left}")],
        route: || web::get().to(second_factor::status),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/me/second-factor/enrolment",
        summary: "Start setting up a second factor: a new TOTP seed (otpauth:// address and text key), pending until a first code confirms it",
        role: Role::Counselor,
        body: None,
        responses: &[
            (
                200,
                "{secret, otpauth_uri, issuer, digits, period, algorithm}",
            ),
            (
                409,
                "a second factor is already set up (second_factor_enabled)",
            ),
        ],
        route: || web::post().to(second_factor::begin),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/me/second-factor",
        summary: "Confirm the second factor with a first code from the app; answers 10 single-use recovery codes, shown once (audited)",
        role: Role::Counselor,
        body: Some(openapi::schema::<second_factor::FirstCode>),
        responses: &[
            (200, "{enabled: true, recovery_codes}"),
            (409, "no enrolment started, or already set up"),
            (422, "the code is not right (wrong_code)"),
        ],
        route: || web::post().to(second_factor::confirm),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/me/second-factor/removal",
        summary: "Remove your second factor, with your password and a current code (audited); a role that requires one must enrol again",
        role: Role::Counselor,
        body: Some(openapi::schema::<second_factor::Reauthentication>),
        responses: &[
            (200, "{enabled: false, required}"),
            (422, "the password or code is not right (wrong_credentials)"),
            (429, "too many failed attempts; wait"),
        ],
        route: || web::post().to(second_factor::remove),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/me/second-factor/recovery-codes",
        summary: "New recovery codes in place of the old ones, with your password and a current code (audited)",
        role: Role::Counselor,
        body: Some(openapi::schema::<second_factor::Reauthentication>),
        responses: &[
            (200, "{recovery_codes}"),
            (422, "the password or code is not right (wrong_credentials)"),
            (429, "too many failed attempts; wait"),
        ],
        route: || web::post().to(second_factor::renew_recovery_codes),
    },
    // ---- Supervision (issue 15): response times, the live dashboard, statistics exports ----
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/stats/response-times",
        summary: "Answer or action times for a period (from, to: RFC 3339 or YYYY-MM-DD; default the last 24 h), grouped by channel, urgency or hour (group_by): count, p50, p90, p95, max in seconds and the share within target. clock=answer (default): first contact or reopening to the first human response; clock=action: a case becoming critical or high to its first referral requested (step=requested, default) or first acknowledged by a partner (step=acknowledged)",
        role: Role::Supervisor,
        body: None,
        responses: &[(
            200,
            "{\"groups\": [{\"key\", \"count\", \"p50\", \"p90\", \"p95\", \"max\", \"within_target\"}]}",
        )],
        route: || web::get().to(supervisor::response_times_report),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/dashboard",
        summary: "The live dashboard's figures: queue depth by urgency and channel, the oldest wait per level and whether it breaches, staff on shift and what they hold, breaches, arrivals against the same hour last week, callbacks and referrals, 24-hour series",
        role: Role::Supervisor,
        body: None,
        responses: &[(200, "the dashboard")],
        route: || web::get().to(supervisor::dashboard),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/dashboard/events",
        summary: "Server-sent events for the dashboard: one on every committed change to a case on any node (ids only); re-read /api/v1/dashboard on each",
        role: Role::Supervisor,
        body: None,
        responses: &[(200, "text/event-stream")],
        route: || web::get().to(supervisor::dashboard_events),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/stats/export",
        summary: "Statistics export: cases opened in a period (from, to) counted by breakdowns (by=channel,case_status or by=a*b for a cross-table), small cells suppressed (stats.suppress_below) with complementary suppression, percentages on the suppressed table; format=csv (UTF-8 with BOM) or json; names=htcds for HTCDS field names. Breakdowns: channel, case_status, trafficking_status, official_outcome, closing_reason, urgency, caller, language, country, age_band, sex, nationality, province_of_origin, destination_country, form_of_exploitation, referral_outcome. No ids, personal data or free text",
        role: Role::Supervisor,
        body: None,
        responses: &[(200, "the tables, as JSON or CSV")],
        route: || web::get().to(supervisor::export),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/stats/activity",
        summary: "Counselor activity in a period (from, to): cases handled, first answers and their median time, callbacks done, referrals made; supervisors see everyone, a counselor only themselves",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "one row per staff member")],
        route: || web::get().to(supervisor::activity),
    },
    // ---- Surge mode and mass rescue events (issue 18) ----
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/surge",
        summary: "Surge mode: whether it is on, since when, who switched it (or the hotline itself), the last switches and the automatic rule",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "{\"surge\", \"switches\", \"automatic\"}")],
        route: || web::get().to(surge::get),
    },
    ApiRoute {
        method: Method::PUT,
        path: "/api/v1/surge",
        summary: "Switch surge mode on or off by hand (audited): the bot then asks only the essentials and tells people the real wait; a surge switched on by hand ends only by hand",
        role: Role::Supervisor,
        body: Some(openapi::schema::<surge::SurgeSwitchForm>),
        responses: &[(200, "the state now in force")],
        route: || web::put().to(surge::put),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/events",
        summary: "Register a mass rescue event (name, place, country, date, estimated people; audited)",
        role: Role::Counselor,
        body: Some(openapi::schema::<events::EventForm>),
        responses: &[(201, "the event")],
        route: || web::post().to(events::create),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/events",
        summary: "Mass rescue events, newest first, with how many cases each has",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "{\"items\": [...]}")],
        route: || web::get().to(events::list),
    },
    ApiRoute {
        method: Method::GET,
        path: "/api/v1/events/{id}",
        summary: "One rescue event with its linked cases, outline fields only (reference, status, urgency, country, holder, times)",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "the event and its cases, most urgent open ones first")],
        route: || web::get().to(events::get),
    },
    ApiRoute {
        method: Method::POST,
        path: "/api/v1/events/{id}/cases",
        summary: "Link existing cases (case_ids) and create new phone cases in bulk (new_cases, one phone form each) for the event, all or nothing (audited per case; Idempotency-Key honoured)",
        role: Role::Counselor,
        body: Some(openapi::schema::<events::LinkForm>),
        responses: &[
            (200, "{\"created\": [new case ids], \"event\"}"),
            (409, "a case belongs to another event (in_another_event)"),
        ],
        route: || web::post().to(events::add_cases),
    },
];

/// Reads a phone form as `POST /api/v1/reports` does (for the fuzz targets, `crate::fuzzing`).
pub(crate) fn read_phone_form(body: &[u8], home_country: &str) {
    if let Ok(form) = serde_json::from_slice::<reports::PhoneReportForm>(body) {
        let _ = form.into_report(home_country);
    }
}

pub fn config(cfg: &mut web::ServiceConfig) {
    for r in ROUTES {
        // The method guard on the resource lets two resources share a path (GET and POST
        // /users) without one answering 405 for the other.
        let role = r.role;
        cfg.service(
            web::resource(r.path)
                .guard(method::Method(r.method.clone()))
                .wrap(from_fn(move |req, next| {
                    guard::require_role(role, req, next)
                }))
                .route((r.route)()),
        );
    }
}
