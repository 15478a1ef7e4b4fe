//! The need-to-know rule of every API route, beside the role the route table gives it. The
//! route × role × relation test (tests/api/need_to_know.rs) walks `routes::api::ROUTES`, looks
//! each route up here and checks the rule's promise for anonymous callers, a counselor holding
//! the case, a counselor not holding it, a supervisor and an admin. A route added without a
//! rule here fails that test: deciding who may read what is not optional.

/// What a route promises about a case's personal fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Touches no case's personal fields: the role is the whole rule (user admin, rules reload,
    /// one's own settings, the supervisors' lists, the case a counselor is creating).
    RoleOnly,
    /// Answers outline fields only, for any case (the queue, its live events).
    OutlineOnly,
    /// Claims a case: the claimer then holds it, and the answer is the full case.
    Claim,
    /// Reads one case: "view": "full" for the holder, a former holder, its opener, a
    /// supervisor or a live break-glass grant; "view": "outline" for everyone else. Audited.
    CaseRead,
    /// Changes a case: its holder, or a supervisor; anyone else gets 409 not_holder.
    CaseWrite,
    /// Acts on one's own lease: the holder only.
    CaseHolder,
    /// Downloads a file of a case: only who may read the case in full (403 need_to_know).
    AttachmentRead,
    /// Phone-number lookup: outline fields only, rate-limited and audited.
    PhoneLookup,
    /// Breaking the glass: any counselor, with a reason; audited and reviewed.
    BreakGlass,
    /// Reads personal fields of one case that have no outline (safe-contact rules, referral
    /// packets): only who may read the case in full; anyone else gets 403 need_to_know.
    CaseFullRead,
}

/// (method, path as in the route table, rule).
pub static RULES: &[(&str, &str, Rule)] = &[
    ("POST", "/api/v1/reports", Rule::RoleOnly),
    ("POST", "/api/v1/reports/matches", Rule::PhoneLookup),
    ("GET", "/api/v1/queue", Rule::OutlineOnly),
    ("POST", "/api/v1/queue/claim", Rule::Claim),
    ("GET", "/api/v1/queue/events", Rule::OutlineOnly),
    ("GET", "/api/v1/cases", Rule::OutlineOnly),
    ("GET", "/api/v1/cases/{id}", Rule::CaseRead),
    ("POST", "/api/v1/cases/{id}/renew", Rule::CaseHolder),
    ("POST", "/api/v1/cases/{id}/release", Rule::CaseHolder),
    ("POST", "/api/v1/cases/{id}/notes", Rule::CaseWrite),
    ("POST", "/api/v1/cases/{id}/status", Rule::CaseWrite),
    ("GET", "/api/v1/attachments/{id}", Rule::AttachmentRead),
    ("POST", "/api/v1/cases/{id}/links", Rule::CaseWrite),
    (
        "DELETE",
        "/api/v1/cases/{id}/links/{linked_id}",
        Rule::CaseWrite,
    ),
    ("POST", "/api/v1/cases/{id}/urgency", Rule::CaseWrite),
    ("POST", "/api/v1/triage/reload", Rule::RoleOnly),
    ("POST", "/api/v1/cases/{id}/messages", Rule::CaseWrite),
    ("POST", "/api/v1/cases/{id}/block", Rule::CaseWrite),
    ("POST", "/api/v1/cases/{id}/unblock", Rule::CaseWrite),
    ("GET", "/api/v1/safety-scripts", Rule::RoleOnly),
    ("GET", "/api/v1/me", Rule::RoleOnly),
    ("PATCH", "/api/v1/me", Rule::RoleOnly),
    ("GET", "/api/v1/users", Rule::RoleOnly),
    ("POST", "/api/v1/users", Rule::RoleOnly),
    ("PATCH", "/api/v1/users/{id}", Rule::RoleOnly),
    // Privacy (issue 17).
    ("POST", "/api/v1/cases/{id}/break-glass", Rule::BreakGlass),
    ("GET", "/api/v1/break-glass", Rule::RoleOnly),
    // Supervisors only; the answer names staff ids, no personal field.
    ("PUT", "/api/v1/cases/{id}/restriction", Rule::RoleOnly),
    ("POST", "/api/v1/break-glass/{id}/review", Rule::RoleOnly),
    ("GET", "/api/v1/audit", Rule::RoleOnly),
    ("POST", "/api/v1/me/sign-out-everywhere", Rule::RoleOnly),
    // One's own second factor (issue 17): no case is touched.
    ("GET", "/api/v1/me/second-factor", Rule::RoleOnly),
    ("POST", "/api/v1/me/second-factor/enrolment", Rule::RoleOnly),
    ("POST", "/api/v1/me/second-factor", Rule::RoleOnly),
    ("POST", "/api/v1/me/second-factor/removal", Rule::RoleOnly),
    (
        "POST",
        "/api/v1/me/second-factor/recovery-codes",
        Rule::RoleOnly,
    ),
    // Safe contact and callbacks (issue 13).
    ("GET", "/api/v1/cases/{id}/safe-contact", Rule::CaseFullRead),
    ("PUT", "/api/v1/cases/{id}/safe-contact", Rule::CaseWrite),
    ("POST", "/api/v1/cases/{id}/callbacks", Rule::CaseWrite),
    // A referred or closed case has no holder: any counselor may plan its follow-ups, and the
    // answer holds callback ids and times only.
    ("POST", "/api/v1/cases/{id}/follow-ups", Rule::RoleOnly),
    // The callback lists and decisions show references, times and outcomes, never numbers.
    ("GET", "/api/v1/callbacks", Rule::OutlineOnly),
    ("POST", "/api/v1/callbacks/{id}/attempts", Rule::RoleOnly),
    ("POST", "/api/v1/callbacks/{id}/approve", Rule::RoleOnly),
    ("POST", "/api/v1/callbacks/{id}/dismiss", Rule::RoleOnly),
    // Referrals and the partner directory (issue 14).
    ("PUT", "/api/v1/cases/{id}/record", Rule::CaseWrite),
    ("GET", "/api/v1/partners", Rule::RoleOnly),
    ("POST", "/api/v1/partners", Rule::RoleOnly),
    ("GET", "/api/v1/partners/{id}", Rule::RoleOnly),
    ("PATCH", "/api/v1/partners/{id}", Rule::RoleOnly),
    (
        "GET",
        "/api/v1/cases/{id}/partner-suggestions",
        Rule::OutlineOnly,
    ),
    ("POST", "/api/v1/cases/{id}/consents", Rule::CaseWrite),
    ("POST", "/api/v1/cases/{id}/referrals", Rule::CaseWrite),
    ("GET", "/api/v1/cases/{id}/referrals", Rule::CaseFullRead),
    ("POST", "/api/v1/referrals/{id}/status", Rule::RoleOnly),
    ("POST", "/api/v1/referrals/{id}/revoke-link", Rule::RoleOnly),
    ("GET", "/api/v1/referral-overrides", Rule::RoleOnly),
    ("GET", "/api/v1/referral-escalations", Rule::RoleOnly),
    ("POST", "/api/v1/partners/{id}/entry-link", Rule::RoleOnly),
    ("GET", "/api/v1/partner-corrections", Rule::RoleOnly),
    // Retention and forget-me (issue 17): holds are a supervisor's; forget-me is a write to the
    // case (its holder or a supervisor) and answers counts only.
    ("POST", "/api/v1/cases/{id}/legal-hold", Rule::RoleOnly),
    ("DELETE", "/api/v1/cases/{id}/legal-hold", Rule::RoleOnly),
    ("POST", "/api/v1/cases/{id}/forget-me", Rule::CaseWrite),
    // Supervision (issue 15): counts, times and codes; no case's personal fields.
    ("GET", "/api/v1/stats/response-times", Rule::RoleOnly),
    ("GET", "/api/v1/dashboard", Rule::OutlineOnly),
    ("GET", "/api/v1/dashboard/events", Rule::OutlineOnly),
    ("GET", "/api/v1/stats/export", Rule::OutlineOnly),
    ("GET", "/api/v1/stats/activity", Rule::RoleOnly),
    // Surge mode and mass rescue events (issue 18): the switch carries no case; an event lists
    // its cases' outlines only, whoever asks, and linking answers the same outline list.
    ("GET", "/api/v1/surge", Rule::RoleOnly),
    ("PUT", "/api/v1/surge", Rule::RoleOnly),
    ("POST", "/api/v1/events", Rule::RoleOnly),
    ("GET", "/api/v1/events", Rule::RoleOnly),
    ("GET", "/api/v1/events/{id}", Rule::OutlineOnly),
    ("POST", "/api/v1/events/{id}/cases", Rule::OutlineOnly),
];

/// The rule of a route, if it has one.
pub fn rule_for(method: &str, path: &str) -> Option<Rule> {
    RULES
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, r)| *r)
}
