//! Case status, its allowed transitions, and human case references.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::report::string_enum;

string_enum!(
    /// Where a case is in its life.
    CaseStatus {
        New = "new",
        InProgress = "in_progress",
        Waiting = "waiting",
        Referred = "referred",
        Closed = "closed",
    }
);

string_enum!(
    /// Why a case was closed: a closed vocabulary so statistics can count them.
    ClosingReason {
        Resolved = "resolved",
        ReferredElsewhere = "referred_elsewhere",
        NoFurtherContact = "no_further_contact",
        NotTrafficking = "not_trafficking",
        Duplicate = "duplicate",
        TestOrPrank = "test_or_prank",
        ReporterWithdrew = "reporter_withdrew",
    }
);

impl CaseStatus {
    /// The transitions a counselor may make. Closed is final here; reopening is a supervisor's
    /// decision and comes with the supervision work.
    pub fn can_become(self, next: CaseStatus) -> bool {
        use CaseStatus::*;
        matches!(
            (self, next),
            (New, InProgress)
                | (New, Closed)
                | (InProgress, Waiting)
                | (InProgress, Referred)
                | (InProgress, Closed)
                | (Waiting, InProgress)
                | (Waiting, Referred)
                | (Waiting, Closed)
                | (Referred, InProgress)
                | (Referred, Closed)
        )
    }
}

/// A short reference staff can read over the phone: `HL-` and five characters from an
/// alphabet without look-alikes (no 0/O, 1/I/L, U).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference(pub String);

const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

impl Reference {
    pub fn random(rng: &mut impl Rng) -> Reference {
        let body: String = (0..5)
            .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
            .collect();
        Reference(format!("HL-{body}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_case_cannot_move_and_new_cannot_skip_to_waiting() {
        assert!(!CaseStatus::Closed.can_become(CaseStatus::InProgress));
        assert!(!CaseStatus::New.can_become(CaseStatus::Waiting));
        assert!(CaseStatus::New.can_become(CaseStatus::InProgress));
    }

    #[test]
    fn references_are_short_and_readable() {
        let r = Reference::random(&mut rand::thread_rng());
        assert_eq!(r.0.len(), 8);
        assert!(r.0.starts_with("HL-"));
        assert!(!r.0[3..].contains(['0', 'O', '1', 'I', 'L']));
    }
}
