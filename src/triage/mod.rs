//! Urgency triage: pure, explainable, configurable.
//!
//! `assess` turns a report (its messages and quick answers) into an `Assessment`: a level, the
//! indicator flags behind it, and a reason for each, with evidence where text supports it. The
//! rules live in `config/triage.yaml`; nothing here reads the clock, a file or the database
//! (`now` is a parameter so time-dependent rules can come without changing the signature).

mod assess;
mod lexicon;
mod rules;

pub use assess::{Assessment, Evidence, Reason, ReportForTriage, assess};
pub use lexicon::{Hit, Lexicon};
pub use rules::{FLAGS, RulesError, TriageRules};
