//! A referral's status, a subset of HL7 FHIR Task's: `draft → requested → received → accepted
//! | rejected → completed`, plus `cancelled` and `failed` (undeliverable). Pure.

use crate::domain::report::string_enum;

string_enum!(
    /// Where a referral stands.
    ReferralStatus {
        Draft = "draft",
        Requested = "requested",
        Received = "received",
        Accepted = "accepted",
        Rejected = "rejected",
        Completed = "completed",
        Cancelled = "cancelled",
        Failed = "failed",
    }
);

string_enum!(
    /// What the partner reports at the end.
    Outcome {
        PersonReached = "person_reached",
        Rescued = "rescued",
        Sheltered = "sheltered",
        NotFound = "not_found",
        DeclinedServices = "declined_services",
        NotTrafficking = "not_a_trafficking_case",
        Other = "other",
    }
);

/// What moving from one status to another means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A real change.
    Moves,
    /// Already there (or past it on the same road): nothing changes, and that is fine.
    AlreadyDone,
    /// Not possible from here.
    Refused,
}

impl ReferralStatus {
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            ReferralStatus::Rejected
                | ReferralStatus::Completed
                | ReferralStatus::Cancelled
                | ReferralStatus::Failed
        )
    }

    /// How far along the happy road a status is (requested 1 … completed 4).
    fn progress(self) -> u8 {
        match self {
            ReferralStatus::Draft => 0,
            ReferralStatus::Requested => 1,
            ReferralStatus::Received => 2,
            ReferralStatus::Accepted | ReferralStatus::Rejected => 3,
            ReferralStatus::Completed => 4,
            ReferralStatus::Cancelled | ReferralStatus::Failed => 5,
        }
    }

    pub fn step_to(self, to: ReferralStatus) -> Step {
        use ReferralStatus::*;
        if self == to {
            return Step::AlreadyDone;
        }
        // An acknowledgement after the partner already accepted or declined adds nothing.
        if to == Received && matches!(self, Accepted | Rejected | Completed) {
            return Step::AlreadyDone;
        }
        let moves = matches!(
            (self, to),
            (Draft, Requested | Cancelled)
                | (
                    Requested,
                    Received | Accepted | Rejected | Cancelled | Failed
                )
                | (Received, Accepted | Rejected | Cancelled)
                | (Accepted, Completed | Cancelled)
        );
        if moves {
            Step::Moves
        } else if !self.is_closed() && to.progress() < self.progress() {
            Step::AlreadyDone
        } else {
            Step::Refused
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ReferralStatus::*;
    use super::*;

    #[test]
    fn the_road_goes_forward_and_repeating_a_step_changes_nothing() {
        assert_eq!(Requested.step_to(Received), Step::Moves);
        assert_eq!(Received.step_to(Received), Step::AlreadyDone);
        assert_eq!(Accepted.step_to(Received), Step::AlreadyDone);
        assert_eq!(Received.step_to(Completed), Step::Refused);
        assert_eq!(Rejected.step_to(Accepted), Step::Refused);
        assert_eq!(Accepted.step_to(Completed), Step::Moves);
        assert_eq!(Completed.step_to(Cancelled), Step::Refused);
    }
}
