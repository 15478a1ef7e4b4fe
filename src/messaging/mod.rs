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
use outbox::{ACKNOWLEDGE_CHOICE_JOB, SEND_EMAIL_MESSAGES_JOB, SEND_MESSAGES_JOB};

/// Job kinds that talk to a mail server: they run in a lane of their own (`job_lanes`).
pub const MAIL_JOBS: &[&str] = &[
    SEND_EMAIL_MESSAGES_JOB,
    crate::referrals::SEND_REFERRAL_EMAIL_JOB,
];

/// The runners a node starts, each with the job kinds it takes: mail apart from the rest, so a
/// mail server that accepts a connection and then never answers (each send waits up to
/// `channels.email.smtp_timeout_seconds`) delays only email, never a chat reply. Within a lane
/// jobs run one at a time, so a chat's messages keep their order on a node.
pub fn job_lanes() -> Vec<(&'static str, Registry)> {
    let all = job_registry();
    vec![
        ("jobs", all.without(MAIL_JOBS)),
        ("jobs_mail", all.only(MAIL_JOBS)),
    ]
}

/// Every job kind this node runs.
pub fn job_registry() -> Registry {
    Registry::default()
        .with(SEND_MESSAGES_JOB, SendMessages)
        .with(SEND_EMAIL_MESSAGES_JOB, SendMessages)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_job_kind_runs_in_exactly_one_lane_and_mail_in_its_own() {
        let mut in_lanes: Vec<String> = job_lanes()
            .into_iter()
            .flat_map(|(_, registry)| registry.kinds())
            .collect();
        in_lanes.sort();
        let mut all = job_registry().kinds();
        all.sort();
        assert_eq!(in_lanes, all);
        let mail = job_lanes()
            .into_iter()
            .find(|(lane, _)| *lane == "jobs_mail")
            .map(|(_, registry)| registry.kinds())
            .unwrap();
        let mut mail = mail;
        mail.sort();
        let mut expected: Vec<String> = MAIL_JOBS.iter().map(|k| (*k).to_owned()).collect();
        expected.sort();
        assert_eq!(mail, expected);
    }
}
