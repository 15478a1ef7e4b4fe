//! Small-cell suppression for published counts, where a count of 1 can single a person out.
//!
//! A table is counts in rows × columns with its margins (row totals, column totals, the grand
//! total). Two rules, applied to interior cells and margins alike:
//! 1. **Primary**: a count from 1 to `below - 1` is hidden (shown as `"<below"`); zero is shown.
//! 2. **Complementary**: a line (a row with its total, or a column with its total) must never
//!    hold exactly one hidden entry, or subtracting the others from the total gives it back.
//!    Where it does, the smallest visible non-zero cell of that line is hidden too (a zero
//!    would not hide anything: "total minus the rest" would still be exact), else the line's
//!    total. Repeated until no line has exactly one hidden entry.
//!
//! Percentages are then computed on the suppressed table: only for visible cells, and only
//! against a visible grand total, so no share lets a hidden count be worked out.
//!
//! This is the "at least two per line" rule of tabular statistical disclosure control; it does
//! not solve the optimal-suppression problem (fewest cells hidden), which matters less here
//! than never publishing a derivable small count.

/// A cell as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Count(i64),
    Hidden,
}

/// A suppressed table: `cells[r][c]`, `row_totals[r]`, `column_totals[c]`, `total`.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppressed {
    pub cells: Vec<Vec<Shown>>,
    pub row_totals: Vec<Shown>,
    pub column_totals: Vec<Shown>,
    pub total: Shown,
    /// Percent of the grand total per cell (one decimal), `None` when hidden or no total.
    pub percents: Vec<Vec<Option<f64>>>,
    pub row_percents: Vec<Option<f64>>,
}

/// Where an entry sits: an interior cell, a row total, a column total or the grand total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    Cell(usize, usize),
    RowTotal(usize),
    ColumnTotal(usize),
    Total,
}

struct Grid {
    counts: Vec<Vec<i64>>,
    rows: Vec<i64>,
    columns: Vec<i64>,
    total: i64,
    hidden_cells: Vec<Vec<bool>>,
    hidden_rows: Vec<bool>,
    hidden_columns: Vec<bool>,
    hidden_total: bool,
}

impl Grid {
    fn value(&self, at: At) -> i64 {
        match at {
            At::Cell(r, c) => self.counts[r][c],
            At::RowTotal(r) => self.rows[r],
            At::ColumnTotal(c) => self.columns[c],
            At::Total => self.total,
        }
    }

    fn hidden(&self, at: At) -> bool {
        match at {
            At::Cell(r, c) => self.hidden_cells[r][c],
            At::RowTotal(r) => self.hidden_rows[r],
            At::ColumnTotal(c) => self.hidden_columns[c],
            At::Total => self.hidden_total,
        }
    }

    fn hide(&mut self, at: At) {
        match at {
            At::Cell(r, c) => self.hidden_cells[r][c] = true,
            At::RowTotal(r) => self.hidden_rows[r] = true,
            At::ColumnTotal(c) => self.hidden_columns[c] = true,
            At::Total => self.hidden_total = true,
        }
    }

    /// Every line: each row with its total, each column with its total, and the margins'
    /// own lines (row totals with the grand total, column totals with the grand total).
    fn lines(&self) -> Vec<(Vec<At>, At)> {
        let (nr, nc) = (self.rows.len(), self.columns.len());
        let mut lines = vec![];
        for r in 0..nr {
            lines.push(((0..nc).map(|c| At::Cell(r, c)).collect(), At::RowTotal(r)));
        }
        for c in 0..nc {
            lines.push((
                (0..nr).map(|r| At::Cell(r, c)).collect(),
                At::ColumnTotal(c),
            ));
        }
        lines.push(((0..nr).map(At::RowTotal).collect(), At::Total));
        lines.push(((0..nc).map(At::ColumnTotal).collect(), At::Total));
        lines
    }
}

fn small(n: i64, below: i64) -> bool {
    n > 0 && n < below
}

/// Suppresses `counts` (rows × columns, every row as long as the first) for publication.
pub fn suppress(counts: &[Vec<i64>], below: i64) -> Suppressed {
    let nr = counts.len();
    let nc = counts.first().map_or(0, Vec::len);
    let rows: Vec<i64> = counts.iter().map(|r| r.iter().sum()).collect();
    let columns: Vec<i64> = (0..nc).map(|c| counts.iter().map(|r| r[c]).sum()).collect();
    let total: i64 = rows.iter().sum();
    let mut g = Grid {
        hidden_cells: counts
            .iter()
            .map(|r| r.iter().map(|n| small(*n, below)).collect())
            .collect(),
        hidden_rows: rows.iter().map(|n| small(*n, below)).collect(),
        hidden_columns: columns.iter().map(|n| small(*n, below)).collect(),
        hidden_total: small(total, below),
        counts: counts.to_vec(),
        rows,
        columns,
        total,
    };
    // In a table of one column each row *is* its total: the line "row = its total" would
    // always hold one hidden entry of each, so one-column tables use only the column line.
    let lines: Vec<(Vec<At>, At)> = g
        .lines()
        .into_iter()
        .filter(|(members, _)| !(nc == 1 && members.len() == 1))
        .collect();
    loop {
        let mut changed = false;
        for (members, margin) in &lines {
            let entries: Vec<At> = members.iter().copied().chain([*margin]).collect();
            let hidden = entries.iter().filter(|a| g.hidden(**a)).count();
            if hidden != 1 {
                continue;
            }
            // The smallest visible non-zero member, else the margin, else any visible member.
            let pick = members
                .iter()
                .copied()
                .filter(|a| !g.hidden(*a) && g.value(*a) > 0)
                .min_by_key(|a| g.value(*a))
                .or_else(|| (!g.hidden(*margin)).then_some(*margin))
                .or_else(|| members.iter().copied().find(|a| !g.hidden(*a)));
            if let Some(at) = pick {
                g.hide(at);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // A one-column table: a row and its total are the same number.
    if nc == 1 {
        for r in 0..nr {
            let h = g.hidden_cells[r][0] || g.hidden_rows[r];
            g.hidden_cells[r][0] = h;
            g.hidden_rows[r] = h;
        }
    }
    let shown = |n: i64, hidden: bool| {
        if hidden {
            Shown::Hidden
        } else {
            Shown::Count(n)
        }
    };
    let percent = |n: i64, hidden: bool| {
        (!hidden && !g.hidden_total && g.total > 0)
            .then(|| (n as f64 * 1000.0 / g.total as f64).round() / 10.0)
    };
    Suppressed {
        cells: (0..nr)
            .map(|r| {
                (0..nc)
                    .map(|c| shown(g.counts[r][c], g.hidden_cells[r][c]))
                    .collect()
            })
            .collect(),
        percents: (0..nr)
            .map(|r| {
                (0..nc)
                    .map(|c| percent(g.counts[r][c], g.hidden_cells[r][c]))
                    .collect()
            })
            .collect(),
        row_percents: (0..nr)
            .map(|r| percent(g.rows[r], g.hidden_rows[r]))
            .collect(),
        row_totals: (0..nr)
            .map(|r| shown(g.rows[r], g.hidden_rows[r]))
            .collect(),
        column_totals: (0..nc)
            .map(|c| shown(g.columns[c], g.hidden_columns[c]))
            .collect(),
        total: shown(g.total, g.hidden_total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Shown::{Count, Hidden};

    fn column(counts: &[i64]) -> Vec<Vec<i64>> {
        counts.iter().map(|n| vec![*n]).collect()
    }

    #[test]
    fn counts_below_the_threshold_are_hidden_and_zero_is_shown() {
        let s = suppress(&column(&[0, 3, 12, 20]), 5);
        assert_eq!(s.cells[0][0], Count(0));
        assert_eq!(s.cells[1][0], Hidden);
        // One hidden cell and the total would give it back: the smallest other one goes too.
        assert_eq!(s.cells[2][0], Hidden);
        assert_eq!(s.cells[3][0], Count(20));
        assert_eq!(s.total, Count(35));
    }

    #[test]
    fn a_hidden_cell_that_a_total_would_give_away_hides_a_second_in_its_row_and_column() {
        // 2 is small; row 0 and column 0 would each give it back from their totals.
        let s = suppress(&[vec![2, 10, 30], vec![8, 40, 25], vec![9, 7, 50]], 5);
        assert_eq!(s.cells[0][0], Hidden);
        let row0 = s.cells[0].iter().filter(|c| **c == Hidden).count();
        let col0 = s.cells.iter().filter(|r| r[0] == Hidden).count();
        assert!(row0 >= 2 && col0 >= 2, "{s:?}");
        // And no line is left with exactly one hidden entry.
        for r in 0..3 {
            let n = s.cells[r].iter().filter(|c| **c == Hidden).count()
                + usize::from(s.row_totals[r] == Hidden);
            assert_ne!(n, 1, "row {r}: {s:?}");
        }
        for c in 0..3 {
            let n = s.cells.iter().filter(|r| r[c] == Hidden).count()
                + usize::from(s.column_totals[c] == Hidden);
            assert_ne!(n, 1, "column {c}: {s:?}");
        }
    }

    #[test]
    fn a_row_with_one_non_zero_cell_hides_its_total_with_it() {
        let s = suppress(&[vec![3, 0], vec![20, 30]], 5);
        assert_eq!(s.cells[0][0], Hidden);
        assert_eq!(s.row_totals[0], Hidden);
    }

    #[test]
    fn percentages_are_only_shown_for_visible_cells_of_a_visible_total() {
        let s = suppress(&column(&[1, 4, 45, 50]), 5);
        assert_eq!(s.percents[0][0], None);
        assert_eq!(s.percents[1][0], None);
        assert_eq!(s.percents[2][0], Some(45.0));
        assert_eq!(s.percents[3][0], Some(50.0));
        let tiny = suppress(&column(&[1, 2]), 5);
        assert_eq!(tiny.total, Hidden);
        assert!(tiny.percents.iter().flatten().all(Option::is_none));
    }

    #[test]
    fn nothing_small_means_nothing_hidden() {
        let s = suppress(&[vec![5, 0], vec![6, 7]], 5);
        assert!(s.cells.iter().flatten().all(|c| *c != Hidden));
    }
}
