//! The JSON API under `/api/v1`. `ROUTES` is the one table of API routes: the server registers
//! them from it and the OpenAPI document is generated from it, so the two cannot drift.

mod cases;
mod guard;
mod messages;
pub mod openapi;
mod privacy;
mod queue;
mod reports;
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
        summary: "Download a file a reporter sent (images without their metadata; audited)",
        role: Role::Counselor,
        body: None,
        responses: &[(200, "the file, as application/octet-stream")],
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
];

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
