//! Codes the console shows with a human label from the catalogue (`flag-documents_seized`,
//! `level-critical`, …). The API keeps the codes; only pages translate them.

/// Countries offered in the phone form's picker: the Mekong region first, then where people
/// from it are most often taken. The API accepts any ISO 3166 code.
pub static COUNTRIES: &[&str] = &[
    "TH", "LA", "KH", "MM", "VN", "CN", "MY", "SG", "ID", "PH", "JP", "KR", "TW", "AE",
];

/// Actions with a label in the catalogue (`history-…`): the case history and the audit page
/// show them in words, and the audit page's action filter offers them.
pub static AUDIT_ACTIONS: &[&str] = &[
    "case.opened",
    "case.claimed",
    "case.released",
    "case.note_added",
    "case.status_changed",
    "case.message_sent",
    "case.linked",
    "case.unlinked",
    "case.urgency_overridden",
    "case.reassessed",
    "chat.blocked",
    "chat.unblocked",
    "chat.stopped",
    "attachment.downloaded",
    "case.safe_contact_changed",
    "callback.scheduled",
    "callback.attempted",
    "callback.approved",
    "callback.dismissed",
    "callback.missed_call",
    "callback.follow_ups_planned",
    // Referrals (issue 14).
    "case.record_updated",
    "consent.granted",
    "consent.refused",
    "referral.requested",
    "referral.consent_overridden",
    "referral.received",
    "referral.accepted",
    "referral.rejected",
    "referral.completed",
    "referral.cancelled",
    "referral.failed",
    "referral.viewed_by_partner",
    "referral.escalated",
    "referral.link_revoked",
    "case.break_glass",
    "break_glass.reviewed",
    "case.possible_link",
    "case.legal_hold_placed",
    "case.legal_hold_lifted",
    "case.forget_me_erased",
    "case.forget_me_held",
    "case.retention_erased",
    "case.restricted",
    "case.unrestricted",
    "auth.signed_in",
    "auth.sign_in_failed",
    "auth.second_factor_failed",
];

/// Every catalogue key the console builds from a code at run time, so the catalogue test
/// can tell a used key from an unused one.
pub fn dynamic_keys() -> Vec<String> {
    let family = |prefix: &str, codes: &[&str]| -> Vec<String> {
        codes.iter().map(|c| format!("{prefix}-{c}")).collect()
    };
    let levels = ["critical", "high", "medium", "low"];
    let statuses = ["new", "in_progress", "waiting", "referred", "closed"];
    let callers: Vec<&str> = crate::domain::Caller::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    let channels: Vec<&str> = crate::domain::Channel::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    let roles: Vec<&str> = crate::auth::Role::ALL.iter().map(|r| r.as_str()).collect();
    let history = AUDIT_ACTIONS;
    let mut keys = Vec::new();
    keys.extend(family("level", &levels));
    keys.extend(family("flag", crate::triage::FLAGS));
    keys.extend(family("status", &statuses));
    keys.extend(family("caller", &callers));
    keys.extend(family("closing", crate::cases::CLOSING_REASONS));
    keys.extend(family("channel", &channels));
    keys.extend(family("country", COUNTRIES));
    keys.extend(family("role", &roles));
    // Safe contact and callbacks: day names, callback statuses, how the rules were recorded.
    keys.extend(family(
        "day",
        &["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    ));
    keys.extend(family(
        "callback-status",
        &[
            "candidate",
            "scheduled",
            "done",
            "escalated",
            "closed",
            "dismissed",
        ],
    ));
    keys.extend(family(
        "safe-how",
        &[
            "chat",
            "phone_form",
            "counselor",
            "callback_attempt",
            "missed_call",
            "migration",
        ],
    ));
    keys.extend(family("question", crate::domain::report::ANSWER_KEYS));
    keys.extend(family(
        "triage-note",
        crate::routes::console::case_page::TRIAGE_NOTES,
    ));
    keys.extend(
        history
            .iter()
            .map(|a| format!("history-{}", a.replace(['.', '_'], "-"))),
    );
    keys.extend(
        crate::privacy::restricted::REASONS
            .iter()
            .map(|r| format!("restriction-reason-{}", r.replace('_', "-"))),
    );
    keys.extend(
        crate::privacy::break_glass::REASONS
            .iter()
            .map(|r| format!("break-glass-reason-{}", r.replace('_', "-"))),
    );
    keys.extend(crate::console::dynamic_keys());
    // Referrals (issue 14): statuses and outcomes on the partner's page, packet field labels.
    let dashed = |prefix: &str, codes: Vec<&str>| -> Vec<String> {
        codes
            .iter()
            .map(|c| format!("{prefix}-{}", c.replace('_', "-")))
            .collect()
    };
    use crate::referrals::status::{Outcome, ReferralStatus};
    keys.extend(dashed(
        "referral-status",
        ReferralStatus::ALL.iter().map(|s| s.as_str()).collect(),
    ));
    keys.extend(dashed(
        "referral-outcome",
        Outcome::ALL.iter().map(|o| o.as_str()).collect(),
    ));
    keys.extend(dashed(
        "partner-type",
        crate::partners::PartnerType::ALL
            .iter()
            .map(|t| t.as_str())
            .collect(),
    ));
    keys.extend(dashed(
        "override",
        crate::referrals::consent::OverrideReason::ALL
            .iter()
            .map(|o| o.as_str())
            .collect(),
    ));
    keys.extend(dashed(
        "packet",
        crate::referrals::rules::PacketField::ALL
            .iter()
            .map(|f| f.as_str())
            .collect(),
    ));
    keys
}
