//! Urgency levels, ordered so the highest that applies wins.

use super::report::string_enum;

string_enum!(
    /// How soon a person must look at a case.
    Level { Low = "low", Medium = "medium", High = "high", Critical = "critical" }
);

impl Level {
    /// 0 (low) to 3 (critical); stored so the queue can sort in SQL.
    pub fn rank(self) -> i16 {
        match self {
            Level::Low => 0,
            Level::Medium => 1,
            Level::High => 2,
            Level::Critical => 3,
        }
    }

    pub fn from_rank(rank: i16) -> Level {
        match rank {
            i16::MIN..=0 => Level::Low,
            1 => Level::Medium,
            2 => Level::High,
            _ => Level::Critical,
        }
    }

    /// One step up, at most to critical: what waiting past the answer target does.
    pub fn raised(self) -> Level {
        Level::from_rank(self.rank() + 1)
    }
}

impl PartialOrd for Level {
    fn partial_cmp(&self, other: &Level) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Level {
    fn cmp(&self, other: &Level) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raising_stops_at_critical() {
        assert_eq!(Level::Medium.raised(), Level::High);
        assert_eq!(Level::Critical.raised(), Level::Critical);
    }
}
