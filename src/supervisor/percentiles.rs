//! Answer-time figures the way emergency lines report them (NENA: "90% answered within 15 s"):
//! p50, p90, p95, max, and the share within target. Pure: the database hands over sorted
//! seconds, this decides what a percentile means.
//!
//! Percentiles are **nearest rank**: p is the smallest observed value with at least p% of the
//! values at or below it. Every figure is a time someone really waited (no interpolation
//! between two people), and "p90 = 120 s" reads exactly as "90% were answered within 120 s".

use serde::Serialize;

/// The figures of one group (a channel, a level, an hour of the day).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub key: String,
    /// Answers measured (a human answered).
    pub count: usize,
    pub p50: Option<i64>,
    pub p90: Option<i64>,
    pub p95: Option<i64>,
    pub max: Option<i64>,
    /// Share (0 to 1) of the people who reached a human within the target, out of everyone who
    /// was answered plus those still waiting past their target (a breach is a breach before
    /// anyone answers). `None` when there is nobody to count.
    pub within_target: Option<f64>,
    /// People not answered and past their target: still waiting now, or whose case was closed
    /// or referred without an answer after the target passed. In the `within_target`
    /// denominator, not in the percentiles (there is no answer time to rank).
    pub waiting_past_target: usize,
}

/// The value at percentile `p` (0 < p ≤ 100) of `sorted` (ascending), by nearest rank.
pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() || p == 0 {
        return None;
    }
    let n = sorted.len();
    // rank = ceil(p/100 · n), in integers so 90% of 10 is exactly 9.
    let rank = (p as usize * n).div_ceil(100).clamp(1, n);
    sorted.get(rank - 1).copied()
}

/// Whether an answer after `seconds` met a target of `target` seconds: exactly on the target
/// counts as met ("within 120 s" includes 120 s).
pub fn met(seconds: i64, target: i64) -> bool {
    seconds <= target
}

/// The figures for one group: `sorted` answer seconds (ascending), how many of those met their
/// target, and how many still wait past it.
pub fn summarize(key: String, sorted: &[i64], within: usize, waiting_past: usize) -> Summary {
    let people = sorted.len() + waiting_past;
    Summary {
        key,
        count: sorted.len(),
        p50: nearest_rank(sorted, 50),
        p90: nearest_rank(sorted, 90),
        p95: nearest_rank(sorted, 95),
        max: sorted.last().copied(),
        within_target: (people > 0).then(|| within as f64 / people as f64),
        waiting_past_target: waiting_past,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_to(n: i64) -> Vec<i64> {
        (1..=n).collect()
    }

    #[test]
    fn no_answers_have_no_percentiles_and_no_share() {
        let s = summarize("chat".into(), &[], 0, 0);
        assert_eq!(
            (s.count, s.p50, s.p90, s.max, s.within_target),
            (0, None, None, None, None)
        );
    }

    #[test]
    fn one_answer_is_every_percentile() {
        let s = summarize("x".into(), &[42], 1, 0);
        assert_eq!(
            (s.p50, s.p90, s.p95, s.max),
            (Some(42), Some(42), Some(42), Some(42))
        );
        assert_eq!(s.within_target, Some(1.0));
    }

    #[test]
    fn ninety_percent_of_ten_is_the_ninth_value_and_ninety_five_the_tenth() {
        let v = one_to(10);
        assert_eq!(nearest_rank(&v, 50), Some(5));
        assert_eq!(nearest_rank(&v, 90), Some(9));
        assert_eq!(nearest_rank(&v, 95), Some(10));
        assert_eq!(nearest_rank(&v, 100), Some(10));
    }

    #[test]
    fn percentiles_of_twenty_and_of_a_hundred_fall_on_exact_ranks() {
        let v = one_to(20);
        assert_eq!(nearest_rank(&v, 95), Some(19));
        assert_eq!(nearest_rank(&v, 90), Some(18));
        assert_eq!(nearest_rank(&v, 50), Some(10));
        let v = one_to(100);
        assert_eq!(nearest_rank(&v, 90), Some(90));
        assert_eq!(nearest_rank(&v, 95), Some(95));
        // One more value moves p90 to the next rank up (ceil(90.9) = 91).
        let v = one_to(101);
        assert_eq!(nearest_rank(&v, 90), Some(91));
    }

    #[test]
    fn an_answer_exactly_on_the_target_is_within_it_and_one_second_later_is_not() {
        assert!(met(120, 120));
        assert!(!met(121, 120));
        assert!(met(0, 120));
    }

    #[test]
    fn people_still_waiting_past_their_target_lower_the_share_but_not_the_percentiles() {
        let s = summarize("critical".into(), &[30, 60, 90], 3, 1);
        assert_eq!(s.within_target, Some(0.75));
        assert_eq!(s.max, Some(90));
        assert_eq!(s.waiting_past_target, 1);
        let only_waiting = summarize("critical".into(), &[], 0, 2);
        assert_eq!(only_waiting.within_target, Some(0.0));
        assert_eq!(only_waiting.p50, None);
    }
}
