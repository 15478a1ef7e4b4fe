//! The rules in force, swappable while the service runs (`POST /api/v1/triage/reload` or
//! SIGHUP). A reload that finds a broken file is refused and the running rules stay in force,
//! so a typo in a word list never leaves the queue unscored.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use super::{RulesError, TriageRules};

pub struct RulesCell {
    path: PathBuf,
    /// The safety net's file, when it is enabled; reloaded with the rules.
    safety_net: Option<PathBuf>,
    current: RwLock<Arc<TriageRules>>,
}

impl RulesCell {
    pub fn new(path: PathBuf, rules: TriageRules) -> RulesCell {
        RulesCell {
            path,
            safety_net: None,
            current: RwLock::new(Arc::new(rules)),
        }
    }

    /// Reloads also read the safety net from this file (`None`: no net).
    pub fn with_safety_net(mut self, path: Option<PathBuf>) -> RulesCell {
        self.safety_net = path;
        self
    }

    /// The rules in force now. Callers hold the `Arc` for one assessment, so a reload never
    /// changes rules halfway through scoring a report.
    pub fn current(&self) -> Arc<TriageRules> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            // A writer panicked mid-swap; the Arc inside is still whole.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Loads the files again; on success the new rules are in force, on failure nothing
    /// changes and the error names the file and the reason.
    pub fn reload(&self) -> Result<Arc<TriageRules>, RulesError> {
        let rules =
            Arc::new(TriageRules::load(&self.path)?.with_safety_net(self.safety_net.as_deref())?);
        match self.current.write() {
            Ok(mut guard) => *guard = rules.clone(),
            Err(poisoned) => *poisoned.into_inner() = rules.clone(),
        }
        Ok(rules)
    }
}
