//! Two-way messaging with reporters on their chat channel: sending what the bot and counselors
//! queued (as jobs, so a platform outage delays messages but loses none), and a counselor's
//! reply under the reporter's safe-contact rules.

mod acknowledge;
mod block;
pub mod outbox;
mod reply;
mod send;

pub use acknowledge::AcknowledgeChoice;
pub use block::{BlockError, set_blocked};
pub use reply::{ContactFacts, ReplyError, forbidden_reason, send_counselor_reply};
pub use send::SendMessages;

use crate::jobs::Registry;
use outbox::{ACKNOWLEDGE_CHOICE_JOB, SEND_MESSAGES_JOB};

/// Every job kind this node runs.
pub fn job_registry() -> Registry {
    Registry::default()
        .with(SEND_MESSAGES_JOB, SendMessages)
        .with(ACKNOWLEDGE_CHOICE_JOB, AcknowledgeChoice)
        // Referrals (issue 14): the partner's email, and escalation when nobody answers.
        .with(
            crate::referrals::SEND_REFERRAL_EMAIL_JOB,
            crate::referrals::SendReferralEmail,
        )
        .with(
            crate::referrals::ESCALATE_REFERRAL_JOB,
            crate::referrals::EscalateReferral,
        )
        // Retention and forget-me (issue 17): the daily sweep, and deleting the hotline's
        // messages from a forgotten person's chat.
        .with(
            crate::retention::RETENTION_SWEEP_JOB,
            crate::retention::RetentionSweep,
        )
        .with(
            crate::retention::DELETE_PLATFORM_MESSAGES_JOB,
            crate::retention::DeletePlatformMessages,
        )
}
