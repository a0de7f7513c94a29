//! Clause-level contract diff: segment Markdown into clauses, match them by identity, report word-level changes.
//!
//! The pipeline is `segment_markdown` (or clauses built from a manifest) -> [`diff`] -> one of the
//! renderers in [`render`]. Clauses are matched by key, then by text, then by number and title, then
//! by text similarity, so a renumbering or a reordering is reported as such and never as a deletion
//! plus an insertion.

mod budget;
pub mod formatting;
mod markup;
mod matching;
mod numbering;
pub mod render;
pub mod segment;
mod source;
pub mod words;

#[cfg(test)]
mod tests;

use serde::Serialize;

pub use budget::Budgets;
pub use render::{to_html, to_json, to_markdown, to_text};
pub use segment::segment_markdown;
pub use words::word_changes;
// The readers of `documents` number annex headings as the segmenter does.
pub(crate) use numbering::{
    clean_title, heading_number_text, part_label, part_number, typed_clause, typed_subclause,
};

/// One clause of a contract: the unit that is matched and compared.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Clause {
    /// Stable identity when known (a clause id from a manifest); `None` for plain Markdown.
    pub key: Option<String>,
    /// The clause's number as written, qualified by its annex when inside one ("2.1", "Attachment 1/Clause 5").
    pub number: Option<String>,
    /// The heading or bold lead-in title, without the number ("Data Processing").
    pub title: Option<String>,
    /// The clause's words with markup removed and line wrapping collapsed; paragraphs are separated by `\n`.
    pub text: String,
}

/// How a clause changed between the old and the new document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Same words, same number, same relative position.
    Unchanged,
    /// The words (or title) changed.
    Modified,
    /// Only in the new document.
    Added,
    /// Only in the old document.
    Removed,
    /// Same words and number, but its relative order changed.
    Moved,
    /// Same words, different number.
    Renumbered,
}

impl Status {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unchanged => "unchanged",
            Status::Modified => "modified",
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Moved => "moved",
            Status::Renumbered => "renumbered",
        }
    }
}

/// The identity of a clause on one side of the diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    /// The clause number on that side, if any.
    pub number: Option<String>,
    /// The clause title on that side, if any.
    pub title: Option<String>,
}

/// The kind of a word-level change run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    /// Text present on both sides.
    Equal,
    /// Text only in the old clause.
    Delete,
    /// Text only in the new clause.
    Insert,
}

/// One run of a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Whether the run is kept, deleted or inserted.
    pub op: Op,
    /// The run's text, whitespace included.
    pub text: String,
}

/// The diff of one clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClauseDiff {
    /// How the clause changed.
    pub status: Status,
    /// The clause in the old document; `None` when added.
    pub old: Option<Side>,
    /// The clause in the new document; `None` when removed.
    pub new: Option<Side>,
    /// Word-level changes: full runs for modified clauses, one run for added or removed ones, empty otherwise.
    pub changes: Vec<Change>,
    /// Index of the clause in the old clause list; `None` when added.
    #[serde(skip)]
    pub old_index: Option<usize>,
    /// Index of the clause in the new clause list; `None` when removed.
    #[serde(skip)]
    pub new_index: Option<usize>,
    /// The last old clause this entry reads as one with the one at `old_index`: a heading and
    /// the sub-clauses the new document folds into one clause, or a clause it splits up. Equal
    /// to `old_index` otherwise; [`joined`] gives the clause compared.
    #[serde(skip)]
    pub old_last: Option<usize>,
    /// The last new clause this entry reads as one with the one at `new_index`.
    #[serde(skip)]
    pub new_last: Option<usize>,
}

impl ClauseDiff {
    /// The old clause compared, sub-clauses read with it included.
    pub fn old_clause(&self, old: &[Clause]) -> Option<Clause> {
        span_clause(old, self.old_index, self.old_last)
    }

    /// The new clause compared, sub-clauses read with it included.
    pub fn new_clause(&self, new: &[Clause]) -> Option<Clause> {
        span_clause(new, self.new_index, self.new_last)
    }
}

fn span_clause(clauses: &[Clause], first: Option<usize>, last: Option<usize>) -> Option<Clause> {
    let first = first?;
    let last = last.unwrap_or(first).max(first);
    (last < clauses.len()).then(|| joined(&clauses[first..=last]))
}

/// Consecutive clauses read as one, as a reader sees them on a page: the first one's number and
/// title, then each clause's text, every later clause's number and title as a line of it. A
/// prose block's title (its opening words) is not repeated.
pub fn joined(run: &[Clause]) -> Clause {
    let Some(head) = run.first() else {
        return Clause::default();
    };
    if run.len() == 1 {
        return head.clone();
    }
    let own_title = |c: &Clause| c.title.clone().filter(|t| !opens(&c.text, t));
    let mut lines: Vec<String> = Vec::new();
    if !head.text.is_empty() {
        lines.push(head.text.clone());
    }
    for c in &run[1..] {
        // A titled sub-clause's heading is a line of its own; a number alone opens its text.
        let title = own_title(c);
        let label: Vec<String> = [c.number.clone(), title.clone()]
            .into_iter()
            .flatten()
            .collect();
        match (title, c.text.is_empty()) {
            (None, false) => {
                lines.push(format!("{} {}", label.join(" "), c.text).trim().to_owned())
            }
            _ => {
                lines.extend((!label.is_empty()).then(|| label.join(" ")));
                lines.extend((!c.text.is_empty()).then(|| c.text.clone()));
            }
        }
    }
    Clause {
        key: head.key.clone(),
        number: head.number.clone(),
        title: own_title(head),
        text: lines.join("\n"),
    }
}

/// Whether `title` is only the opening words of `text` (a prose block's title).
pub(crate) fn opens(text: &str, title: &str) -> bool {
    let title: Vec<&str> = title.trim_end_matches('…').split_whitespace().collect();
    !title.is_empty()
        && text
            .split_whitespace()
            .take(title.len())
            .eq(title.iter().copied())
}

/// Number of clauses per status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Summary {
    /// Clauses with no change.
    pub unchanged: usize,
    /// Clauses whose words changed.
    pub modified: usize,
    /// Clauses only in the new document.
    pub added: usize,
    /// Clauses only in the old document.
    pub removed: usize,
    /// Clauses that only changed position.
    pub moved: usize,
    /// Clauses that only changed number.
    pub renumbered: usize,
}

impl Summary {
    /// Counts one clause of the given status.
    pub fn count(&mut self, status: Status) {
        match status {
            Status::Unchanged => self.unchanged += 1,
            Status::Modified => self.modified += 1,
            Status::Added => self.added += 1,
            Status::Removed => self.removed += 1,
            Status::Moved => self.moved += 1,
            Status::Renumbered => self.renumbered += 1,
        }
    }

    /// Whether anything other than unchanged clauses was found.
    pub fn has_changes(&self) -> bool {
        self.modified + self.added + self.removed + self.moved + self.renumbered > 0
    }
}

/// The full result of a clause-level diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Counts per status.
    pub summary: Summary,
    /// Every clause in new-document order, removed clauses placed after their old predecessor.
    pub clauses: Vec<ClauseDiff>,
    /// Where an operation budget ran out and a coarser answer stands in: never a silent degrade.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<String>,
    /// Formatting-only differences of matched clauses (quotes, dashes, spacing, emphasis, link
    /// targets): never counted as changes; filled by [`formatting::notes`] for `--formatting`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub formatting: Vec<formatting::Note>,
}

/// Diffs two clause lists, matching clauses by identity rather than by position.
pub fn diff(old: &[Clause], new: &[Clause]) -> Report {
    matching::diff_clauses(old, new, &Budgets::default())
}

/// [`diff`] with explicit operation budgets; where one runs out the report's `limits` say so.
pub fn diff_within(old: &[Clause], new: &[Clause], budgets: &Budgets) -> Report {
    matching::diff_clauses(old, new, budgets)
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    fn clause(key: Option<&str>, number: &str, title: &str, text: &str) -> Clause {
        Clause {
            key: key.map(str::to_owned),
            number: Some(number.to_owned()),
            title: Some(title.to_owned()),
            text: text.to_owned(),
        }
    }

    #[test]
    fn identical_input_is_all_unchanged() {
        let doc =
            segment_markdown("## 1. A\nAlpha text.\n\n## 2. B\nBeta text.\n\n2.1 Gamma text.\n");
        let report = diff(&doc, &doc);
        assert_eq!(report.summary.unchanged, 3);
        assert!(!report.summary.has_changes());
        assert!(report.clauses.iter().all(|c| c.changes.is_empty()));
    }

    #[test]
    fn empty_versus_something_is_all_added_or_removed() {
        let doc = segment_markdown("## 1. A\nAlpha.\n\n## 2. B\nBeta.\n");
        let added = diff(&[], &doc);
        assert_eq!(added.summary.added, 2);
        assert_eq!(added.clauses.len(), 2);
        assert!(
            added
                .clauses
                .iter()
                .all(|c| c.status == Status::Added && c.old.is_none())
        );
        assert_eq!(added.clauses[0].changes[0].text, "Alpha.");
        let removed = diff(&doc, &[]);
        assert_eq!(removed.summary.removed, 2);
        assert_eq!(removed.clauses[1].changes[0].op, Op::Delete);
        assert_eq!(diff(&[], &[]).clauses.len(), 0);
    }

    #[test]
    fn keyed_clauses_match_by_key_even_when_title_and_text_change() {
        let old = vec![
            clause(
                Some("gdpr.art28"),
                "3",
                "Processor duties",
                "The processor shall act on instructions.",
            ),
            clause(
                Some("ccpa.service"),
                "4",
                "Service provider",
                "No selling of personal information.",
            ),
        ];
        let new = vec![
            clause(
                Some("ccpa.service"),
                "3",
                "Service provider",
                "No selling of personal information.",
            ),
            clause(
                Some("gdpr.art28"),
                "4",
                "Obligations of the processor",
                "Completely different words now.",
            ),
        ];
        let report = diff(&old, &new);
        assert_eq!(report.summary.added + report.summary.removed, 0);
        assert_eq!(report.summary.modified, 1);
        assert_eq!(report.summary.renumbered, 1);
        let modified = report.clauses.iter().find(|c| c.status == Status::Modified);
        let modified = modified
            .and_then(|c| c.old.as_ref())
            .and_then(|s| s.title.clone());
        assert_eq!(modified.as_deref(), Some("Processor duties"));
    }

    #[test]
    fn keyed_clause_with_a_new_key_is_added_not_matched_by_text() {
        let old = vec![clause(Some("a"), "1", "T", "Same words.")];
        let new = vec![clause(Some("b"), "1", "T", "Same words.")];
        let report = diff(&old, &new);
        assert_eq!((report.summary.added, report.summary.removed), (1, 1));
    }
}
