//! Urgency triage: pure, explainable, configurable.
//!
//! `assess` turns a report (its messages and quick answers) into an `Assessment`: a level, the
//! indicator flags behind it, and a reason for each, with evidence where text supports it. The
//! rules live in `config/triage/shared.yaml`; nothing here reads the clock, a file or the database
//! (`now` is a parameter so time-dependent rules can come without changing the signature).

mod assess;
pub mod evaluate;
mod lexicon;
pub mod normalize;
#[cfg(test)]
mod properties;
mod reload;
mod rules;
pub mod safety_net;
pub mod zawgyi;

pub use assess::{
    Assessment, Evidence, MessageReading, ReadPhrase, Reason, ReportForTriage, assess,
    assess_readings, read_message, reading_version, without_quotes,
};
pub use lexicon::{CharWindow, Cue, Findings, Hit, Lexicon, Signal};
pub use reload::RulesCell;
pub use rules::{FLAGS, RulesError, TriageRules};
