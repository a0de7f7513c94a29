//! Diffs bounded by a count of operations instead of a clock, so that the same inputs give the
//! same output on any machine and under any load.

use std::cell::Cell;
use std::hash::Hash;
use std::ops::Index;

use similar::{Algorithm, DiffOp, capture_diff_deadline};

/// The operation allowances of one diff, in element reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budgets {
    /// Token reads allowed to one word diff (a clause's title or text); past it the common start
    /// and end are kept and the middle is replaced whole.
    pub word_diff: u64,
    /// Word reads allowed to one similarity computation while matching clauses; past it the
    /// word-overlap bound stands in.
    pub similarity: u64,
}

impl Default for Budgets {
    fn default() -> Self {
        Budgets {
            word_diff: super::words::WORD_DIFF_BUDGET,
            similarity: super::matching::RATIO_BUDGET,
        }
    }
}

/// Counts element reads of a diff against a fixed allowance.
struct Meter {
    used: Cell<u64>,
    budget: u64,
}

impl Meter {
    /// Records one read; false once the allowance is spent.
    fn tick(&self) -> bool {
        let used = self.used.get().saturating_add(1);
        self.used.set(used);
        used <= self.budget
    }

    fn exhausted(&self) -> bool {
        self.used.get() > self.budget
    }
}

/// A sequence whose every read is counted; once the budget is spent every read yields the same
/// sentinel, so all remaining elements compare equal and the algorithm runs straight to its end.
struct Metered<'a, T> {
    items: &'a [T],
    sentinel: &'a T,
    meter: &'a Meter,
}

impl<T> Index<usize> for Metered<'_, T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        if self.meter.tick() {
            &self.items[index]
        } else {
            self.sentinel
        }
    }
}

/// Diffs `old` against `new` with at most `budget` element reads (each equality test reads two).
/// Returns `None` when the budget ran out: the caller then falls back to a coarser answer.
pub(crate) fn diff_within<T>(
    alg: Algorithm,
    old: &[T],
    new: &[T],
    sentinel: &T,
    budget: u64,
) -> Option<Vec<DiffOp>>
where
    T: Hash + Eq + Ord,
{
    let meter = Meter {
        used: Cell::new(0),
        budget,
    };
    let metered_old = Metered {
        items: old,
        sentinel,
        meter: &meter,
    };
    let metered_new = Metered {
        items: new,
        sentinel,
        meter: &meter,
    };
    let ops = capture_diff_deadline(
        alg,
        &metered_old,
        0..old.len(),
        &metered_new,
        0..new.len(),
        None,
    );
    (!meter.exhausted()).then_some(ops)
}

/// The diff of last resort: common prefix and suffix kept, everything between replaced.
pub(crate) fn trimmed_replace<T: PartialEq>(old: &[T], new: &[T]) -> Vec<DiffOp> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old_mid, new_mid) = (old.len() - prefix - suffix, new.len() - prefix - suffix);
    let mut ops = Vec::new();
    if prefix > 0 {
        ops.push(DiffOp::Equal {
            old_index: 0,
            new_index: 0,
            len: prefix,
        });
    }
    match (old_mid, new_mid) {
        (0, 0) => {}
        (0, n) => ops.push(DiffOp::Insert {
            old_index: prefix,
            new_index: prefix,
            new_len: n,
        }),
        (o, 0) => ops.push(DiffOp::Delete {
            old_index: prefix,
            old_len: o,
            new_index: prefix,
        }),
        (o, n) => ops.push(DiffOp::Replace {
            old_index: prefix,
            old_len: o,
            new_index: prefix,
            new_len: n,
        }),
    }
    if suffix > 0 {
        ops.push(DiffOp::Equal {
            old_index: prefix + old_mid,
            new_index: prefix + new_mid,
            len: suffix,
        });
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generous_budget_matches_the_unbounded_diff() {
        let old = [1u32, 2, 3, 4, 5, 6];
        let new = [1u32, 3, 4, 7, 5, 6];
        let bounded = diff_within(Algorithm::Myers, &old, &new, &u32::MAX, 1_000_000);
        let plain = similar::capture_diff_slices(Algorithm::Myers, &old, &new);
        assert_eq!(bounded, Some(plain));
    }

    #[test]
    fn tiny_budget_reports_exhaustion() {
        let old: Vec<u32> = (0..200).collect();
        let new: Vec<u32> = (0..200).rev().collect();
        assert_eq!(
            diff_within(Algorithm::Myers, &old, &new, &u32::MAX, 50),
            None
        );
        assert!(diff_within(Algorithm::Patience, &old, &new, &u32::MAX, 50).is_none());
    }

    #[test]
    fn trimmed_replace_keeps_prefix_and_suffix() {
        let ops = trimmed_replace(&[1, 2, 3, 4], &[1, 9, 4]);
        assert_eq!(
            ops,
            vec![
                DiffOp::Equal {
                    old_index: 0,
                    new_index: 0,
                    len: 1
                },
                DiffOp::Replace {
                    old_index: 1,
                    old_len: 2,
                    new_index: 1,
                    new_len: 1
                },
                DiffOp::Equal {
                    old_index: 3,
                    new_index: 2,
                    len: 1
                },
            ]
        );
        assert!(trimmed_replace::<u32>(&[], &[]).is_empty());
        assert_eq!(trimmed_replace(&[1, 2], &[1, 2]).len(), 1);
    }
}
