//! Word-level diff of two clause texts, merged into readable delete/insert runs.

use similar::{Algorithm, DiffOp};
use std::borrow::Cow;
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;

use super::budget::{diff_within, trimmed_replace};
use super::markup::{match_form, unify_char};
use super::{Change, Clause, Op};

/// Safety valve for pathological inputs, in token reads: past it the diff keeps the common
/// start and end and replaces the middle whole. Counted, not timed, so output never depends on
/// the machine or its load.
pub(crate) const WORD_DIFF_BUDGET: u64 = 50_000_000;

/// Diffs two texts word by word; equal runs carry the new text, whitespace differences are ignored.
pub fn word_changes(old: &str, new: &str) -> Vec<Change> {
    word_changes_within(old, new, WORD_DIFF_BUDGET)
}

/// [`word_changes`] with an explicit allowance of token reads.
pub(crate) fn word_changes_within(old: &str, new: &str, budget: u64) -> Vec<Change> {
    word_changes_counted(old, new, budget).0
}

/// [`word_changes_within`], also saying whether the allowance ran out (and the coarse fallback was used).
pub(crate) fn word_changes_counted(old: &str, new: &str, budget: u64) -> (Vec<Change>, bool) {
    let old_tokens = tokens(old);
    let new_tokens = tokens(new);
    let old_keys: Vec<Cow<'_, str>> = old_tokens
        .iter()
        .map(|t| token_key(&old[t.clone()]))
        .collect();
    let new_keys: Vec<Cow<'_, str>> = new_tokens
        .iter()
        .map(|t| token_key(&new[t.clone()]))
        .collect();
    let bounded = diff_within(
        Algorithm::Patience,
        &old_keys,
        &new_keys,
        &Cow::Borrowed(""),
        budget,
    );
    let exhausted = bounded.is_none();
    let ops = bounded.unwrap_or_else(|| trimmed_replace(&old_keys, &new_keys));
    let segments = absorb_short_equals(segments(&ops), &old_keys, &new_keys);
    let span = |text: &str, tokens: &[Range<usize>], r: &Range<usize>| -> String {
        match (
            tokens.get(r.start),
            r.end.checked_sub(1).and_then(|e| tokens.get(e)),
        ) {
            (Some(first), Some(last)) if r.start < r.end => text[first.start..last.end].to_owned(),
            _ => String::new(),
        }
    };
    let mut out: Vec<Change> = Vec::new();
    for seg in &segments {
        let old_text = span(old, &old_tokens, &seg.old);
        let new_text = span(new, &new_tokens, &seg.new);
        if seg.equal {
            push(&mut out, Op::Equal, new_text);
        } else {
            push(&mut out, Op::Delete, old_text);
            push(&mut out, Op::Insert, new_text);
        }
    }
    (out, exhausted)
}

/// Diffs two clauses: their titles first when those differ, then their texts. The flag says
/// whether a diff ran out of its `budget` of token reads and fell back to a coarser answer.
pub(crate) fn clause_changes(old: &Clause, new: &Clause, budget: u64) -> (Vec<Change>, bool) {
    let old_title = old.title.as_deref().unwrap_or("");
    let new_title = new.title.as_deref().unwrap_or("");
    let mut out = Vec::new();
    let mut exhausted = false;
    if match_form(old_title) != match_form(new_title) {
        let (title, spent) = word_changes_counted(old_title, new_title, budget);
        out = title;
        exhausted |= spent;
        // The title and the text are separate blocks in every rendering.
        push(&mut out, Op::Equal, "\n".to_owned());
    }
    let (text, spent) = word_changes_counted(&old.text, &new.text, budget);
    for change in text {
        push(&mut out, change.op, change.text);
    }
    (out, exhausted || spent)
}

/// Calls `f` with the comparison key of every non-whitespace token of `text`.
pub(crate) fn for_each_word_key(text: &str, mut f: impl FnMut(&str)) {
    for token in text.split_word_bounds() {
        if !token.chars().all(char::is_whitespace) {
            f(&token_key(token));
        }
    }
}

/// Byte ranges of the word, punctuation and whitespace tokens of `text` (Unicode word boundaries).
fn tokens(text: &str) -> Vec<Range<usize>> {
    text.split_word_bound_indices()
        .map(|(i, t)| i..i + t.len())
        .collect()
}

/// The comparison key of a token: all whitespace is equal, typographic quotes equal straight ones.
fn token_key(token: &str) -> Cow<'_, str> {
    if token.chars().all(char::is_whitespace) {
        Cow::Borrowed(" ")
    } else if token.chars().any(|c| unify_char(c) != c) {
        Cow::Owned(token.chars().map(unify_char).collect())
    } else {
        Cow::Borrowed(token)
    }
}

/// A run of tokens that is either equal on both sides or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    equal: bool,
    old: Range<usize>,
    new: Range<usize>,
}

/// Turns diff ops into alternating equal and changed segments, adjacent changes joined.
fn segments(ops: &[DiffOp]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for op in ops {
        let equal = matches!(op, DiffOp::Equal { .. });
        let (old, new) = (op.old_range(), op.new_range());
        match out.last_mut() {
            Some(last) if last.equal == equal => {
                last.old.end = old.end;
                last.new.end = new.end;
            }
            _ => out.push(Segment { equal, old, new }),
        }
    }
    out
}

/// Folds short equal runs between two changes into one change, so a rewritten phrase reads as
/// one deletion and one insertion ("[-by the Core-]{+to provide the+}") rather than alternating
/// word by word. A run is short when it is whitespace, or one word no longer than the changes
/// on either side of it.
fn absorb_short_equals(
    segments: Vec<Segment>,
    old_keys: &[Cow<'_, str>],
    new_keys: &[Cow<'_, str>],
) -> Vec<Segment> {
    let chars = |keys: &[Cow<'_, str>], r: &Range<usize>| -> usize {
        keys.get(r.clone()).map_or(0, |ks| {
            ks.iter()
                .filter(|k| *k != " ")
                .map(|k| k.chars().count())
                .sum()
        })
    };
    let size = |s: &Segment| chars(old_keys, &s.old).max(chars(new_keys, &s.new));
    let mut out: Vec<Segment> = Vec::with_capacity(segments.len());
    let mut iter = segments.into_iter().peekable();
    while let Some(seg) = iter.next() {
        let words = new_keys
            .get(seg.new.clone())
            .map_or(0, |ks| ks.iter().filter(|k| *k != " ").count());
        let short = words == 0
            || (words == 1 && {
                let len = chars(new_keys, &seg.new);
                out.last().is_some_and(|s| size(s) >= len)
                    && iter.peek().is_some_and(|s| size(s) >= len)
            });
        let between_changes = seg.equal
            && short
            && out.last().is_some_and(|s| !s.equal)
            && iter.peek().is_some_and(|s| !s.equal);
        match out.last_mut() {
            Some(last) if between_changes || (!seg.equal && !last.equal) => {
                last.old.end = seg.old.end;
                last.new.end = seg.new.end;
            }
            _ => out.push(seg),
        }
    }
    out
}

/// Appends a run, merging it into the previous one when the op is the same; empty runs are dropped.
fn push(out: &mut Vec<Change>, op: Op, text: String) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.op == op => last.text.push_str(&text),
        _ => out.push(Change { op, text }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markers(changes: &[Change]) -> String {
        changes
            .iter()
            .map(|c| match c.op {
                Op::Equal => c.text.clone(),
                Op::Delete => format!("[-{}-]", c.text),
                Op::Insert => format!("{{+{}+}}", c.text),
            })
            .collect()
    }

    #[test]
    fn a_rewritten_phrase_is_one_deletion_and_one_insertion() {
        let changes = word_changes(
            "transfers by the Core Online Services shall be governed",
            "transfers to provide the Service shall be governed",
        );
        assert_eq!(
            markers(&changes),
            "transfers [-by the Core Online Services-]{+to provide the Service+} shall be governed"
        );
    }

    #[test]
    fn insertion_and_deletion_keep_surrounding_text_equal() {
        let changes = word_changes(
            "a compliant EU-US certification",
            "compliant and valid EU-US certification",
        );
        assert_eq!(
            markers(&changes),
            "[-a -]compliant {+and valid +}EU-US certification"
        );
        assert_eq!(changes.first().map(|c| c.op), Some(Op::Delete));
    }

    #[test]
    fn quote_style_and_whitespace_are_not_changes() {
        let changes = word_changes("the “Service” is\nhere", "the \"Service\"  is here");
        assert_eq!(
            changes,
            vec![Change {
                op: Op::Equal,
                text: "the \"Service\"  is here".into()
            }]
        );
        assert!(word_changes("", "").is_empty());
        assert_eq!(markers(&word_changes("", "new")), "{+new+}");
    }

    #[test]
    fn changed_titles_come_first() {
        let old = Clause {
            title: Some("Data Use".into()),
            text: "Same.".into(),
            ..Clause::default()
        };
        let new = Clause {
            title: Some("Data Processing".into()),
            text: "Same.".into(),
            ..Clause::default()
        };
        assert_eq!(
            markers(&clause_changes(&old, &new, WORD_DIFF_BUDGET).0),
            "Data [-Use-]{+Processing+}\nSame."
        );
        assert_eq!(
            markers(&clause_changes(&old, &old, WORD_DIFF_BUDGET).0),
            "Same."
        );
    }

    /// 600 distinct words; the new text changes every 50th one.
    fn scattered_edit() -> (String, String) {
        let old: Vec<String> = (0..600).map(|i| format!("t{i}")).collect();
        let new: Vec<String> = (0..600)
            .map(|i| {
                if i % 50 == 25 {
                    format!("x{i}")
                } else {
                    format!("t{i}")
                }
            })
            .collect();
        (old.join(" "), new.join(" "))
    }

    #[test]
    fn the_operation_budget_bounds_the_word_diff() {
        let (old, new) = scattered_edit();
        let deletions = |c: &[Change]| c.iter().filter(|c| c.op == Op::Delete).count();
        let fine = word_changes_within(&old, &new, WORD_DIFF_BUDGET);
        assert_eq!(deletions(&fine), 12, "{}", markers(&fine));
        // Too few reads to finish: the common start and end stay, the middle is replaced whole.
        let coarse = word_changes_within(&old, &new, 100);
        assert_eq!(deletions(&coarse), 1, "{}", markers(&coarse));
        let text = markers(&coarse);
        assert!(text.starts_with("t0 t1 "), "{text}");
        assert!(text.contains("[-t25 t26"), "{text}");
        assert!(text.contains("x575+} t576 t577"), "{text}");
    }

    #[test]
    fn a_bounded_word_diff_is_the_same_on_every_run_and_under_load() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let (old, new) = scattered_edit();
        let budgets = [100, 1_500, 3_000, 10_000, WORD_DIFF_BUDGET];
        let render = |budget| markers(&word_changes_within(&old, &new, budget));
        let first: Vec<String> = budgets.iter().map(|&b| render(b)).collect();
        let second: Vec<String> = budgets.iter().map(|&b| render(b)).collect();
        assert_eq!(first, second);
        let stop = Arc::new(AtomicBool::new(false));
        let burners: Vec<_> = (0..4)
            .map(|_| {
                let stop = Arc::clone(&stop);
                std::thread::spawn(move || {
                    let mut x = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        x = std::hint::black_box(
                            x.wrapping_mul(6364136223846793005).wrapping_add(1),
                        );
                    }
                })
            })
            .collect();
        let loaded: Vec<String> = budgets.iter().map(|&b| render(b)).collect();
        stop.store(true, Ordering::Relaxed);
        for burner in burners {
            burner.join().expect("burner thread");
        }
        assert_eq!(first, loaded);
        // The budgets in between give results between the coarsest and the finest.
        assert_ne!(first[0], first[4]);
    }
}
