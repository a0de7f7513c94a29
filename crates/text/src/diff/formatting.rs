//! Formatting-only differences of matched clauses: typography, spacing, emphasis and link targets.
//!
//! None of these is a change of wording, so none makes a clause modified, renumbered or moved.
//! They are listed separately for whoever asks (`dpa diff --formatting`), so that they are never
//! silently dropped either.

use std::collections::BTreeMap;

use serde::Serialize;
use similar::{Algorithm, DiffOp};
use unicode_segmentation::UnicodeSegmentation;

use super::budget::diff_within;
use super::markup::{collapse_whitespace, unify_char};
use super::{Clause, Report, Status};

/// What a reader sees beside a clause's words: its links and its emphasised spans.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    /// Links as (visible text, target), in order.
    pub links: Vec<(String, String)>,
    /// Emphasised spans (bold or italic) by their visible text, in order.
    pub emphasis: Vec<String>,
}

/// The kind of a formatting-only difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    /// Quotes or dashes written differently (curly vs straight, en dash vs hyphen).
    Typography,
    /// Spacing or line and paragraph breaks.
    Spacing,
    /// Bold or italic added or removed.
    Emphasis,
    /// A link added, removed, or pointing elsewhere.
    Link,
}

impl NoteKind {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Typography => "typography",
            NoteKind::Spacing => "spacing",
            NoteKind::Emphasis => "emphasis",
            NoteKind::Link => "link",
        }
    }
}

/// One formatting-only difference of a clause present on both sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The clause, as the new document names it (`3.2 Security`, `(preamble)`).
    pub clause: String,
    /// What kind of formatting changed.
    pub kind: NoteKind,
    /// What changed, quoting the text concerned.
    pub detail: String,
}

/// Token reads allowed to the comparison of one modified clause's typography.
const TYPOGRAPHY_BUDGET: u64 = 5_000_000;

/// The formatting-only differences of every clause matched between `old` and `new`.
///
/// `old_marks` and `new_marks` run parallel to the clause lists; missing entries count as no marks.
pub fn notes(
    report: &Report,
    old: &[Clause],
    new: &[Clause],
    old_marks: &[Marks],
    new_marks: &[Marks],
) -> Vec<Note> {
    let empty = Marks::default();
    let mut out = Vec::new();
    for c in &report.clauses {
        let (Some(i), Some(j)) = (c.old_index, c.new_index) else {
            continue;
        };
        let (Some(a), Some(b)) = (c.old_clause(old), c.new_clause(new)) else {
            continue;
        };
        let (a, b) = (&a, &b);
        let clause = label(b);
        let mut push = |kind, detail| {
            out.push(Note {
                clause: clause.clone(),
                kind,
                detail,
            })
        };
        let old_words = format!("{}\n{}", a.title.as_deref().unwrap_or(""), a.text);
        let new_words = format!("{}\n{}", b.title.as_deref().unwrap_or(""), b.text);
        let typography = typography(&old_words, &new_words, c.status == Status::Modified);
        let typographic = !typography.is_empty();
        for detail in typography {
            push(NoteKind::Typography, detail);
        }
        if !typographic
            && old_words != new_words
            && collapse_whitespace(&old_words) == collapse_whitespace(&new_words)
        {
            push(
                NoteKind::Spacing,
                "spacing or line breaks changed".to_owned(),
            );
        }
        // A run of clauses read as one has the marks of all of them.
        let span = |marks: &[Marks], first: usize, last: Option<usize>| {
            let last = last.unwrap_or(first).max(first);
            let mut all = Marks::default();
            for k in first..=last {
                let m = marks.get(k).unwrap_or(&empty);
                all.links.extend(m.links.iter().cloned());
                all.emphasis.extend(m.emphasis.iter().cloned());
            }
            all
        };
        let (ma, mb) = (
            span(old_marks, i, c.old_last),
            span(new_marks, j, c.new_last),
        );
        for (kind, detail) in mark_changes(&ma, &mb) {
            push(kind, detail);
        }
    }
    out
}

/// `3.2 Security`, or `(preamble)`.
fn label(c: &Clause) -> String {
    match (c.number.as_deref(), c.title.as_deref()) {
        (Some(n), Some(t)) => format!("{n} {t}"),
        (Some(x), None) | (None, Some(x)) => x.to_owned(),
        (None, None) => "(preamble)".to_owned(),
    }
}

/// Whether a token differs from another only in its quotes or dashes.
fn unified(token: &str) -> String {
    token.chars().map(unify_char).collect()
}

/// Quote and dash changes between two texts, counted per distinct change (`“ → " (2×)`).
/// Only tokens the word diff treats as equal are compared, so wording changes never appear here.
fn typography(old: &str, new: &str, modified: bool) -> Vec<String> {
    if !modified && old == new {
        return Vec::new();
    }
    let (ow, nw) = (words(old), words(new));
    let (ok, nk): (Vec<String>, Vec<String>) = (
        ow.iter().map(|t| unified(t)).collect(),
        nw.iter().map(|t| unified(t)).collect(),
    );
    let ops = if ok == nk {
        vec![DiffOp::Equal {
            old_index: 0,
            new_index: 0,
            len: ok.len(),
        }]
    } else {
        // A budget that runs out leaves typography unreported here; the wording diff is reported anyway.
        diff_within(
            Algorithm::Myers,
            &ok,
            &nk,
            &String::from("\u{0}"),
            TYPOGRAPHY_BUDGET,
        )
        .unwrap_or_default()
    };
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    for op in ops {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                let (a, b) = (ow[old_index + k], nw[new_index + k]);
                if a != b {
                    let key = (a.to_owned(), b.to_owned());
                    let n = counts.entry(key.clone()).or_insert(0);
                    if *n == 0 {
                        order.push(key);
                    }
                    *n += 1;
                }
            }
        }
    }
    order
        .into_iter()
        .map(|key| {
            let n = counts.get(&key).copied().unwrap_or(1);
            let times = if n == 1 {
                String::new()
            } else {
                format!(" ({n} times)")
            };
            format!("`{}` became `{}`{times}", key.0, key.1)
        })
        .collect()
}

/// The non-whitespace tokens of a text (Unicode word boundaries).
fn words(s: &str) -> Vec<&str> {
    s.split_word_bounds()
        .filter(|t| !t.chars().all(char::is_whitespace))
        .collect()
}

/// Emphasis and link differences between the marks of two matched clauses.
fn mark_changes(old: &Marks, new: &Marks) -> Vec<(NoteKind, String)> {
    let mut out = Vec::new();
    let (gone, came) = multiset_difference(&old.emphasis, &new.emphasis);
    for text in came {
        out.push((NoteKind::Emphasis, format!("emphasis added: “{text}”")));
    }
    for text in gone {
        out.push((NoteKind::Emphasis, format!("emphasis removed: “{text}”")));
    }
    let (mut gone, came) = multiset_difference(&old.links, &new.links);
    for (text, target) in came {
        match gone.iter().position(|(t, _)| *t == text) {
            Some(k) => {
                let (_, before) = gone.remove(k);
                out.push((
                    NoteKind::Link,
                    format!("link “{text}”: target `{before}` became `{target}`"),
                ));
            }
            None => out.push((
                NoteKind::Link,
                format!("link added: “{text}” to `{target}`"),
            )),
        }
    }
    for (text, target) in gone {
        out.push((
            NoteKind::Link,
            format!("link removed: “{text}” (was to `{target}`)"),
        ));
    }
    out
}

/// The items only in `old` and the items only in `new`, counting repeats, each in order.
fn multiset_difference<T: Clone + Ord>(old: &[T], new: &[T]) -> (Vec<T>, Vec<T>) {
    let mut left: BTreeMap<&T, isize> = BTreeMap::new();
    for x in old {
        *left.entry(x).or_insert(0) += 1;
    }
    for x in new {
        *left.entry(x).or_insert(0) -= 1;
    }
    let mut surplus = left.clone();
    let gone = old
        .iter()
        .filter(|x| {
            let n = surplus.entry(x).or_insert(0);
            if *n > 0 {
                *n -= 1;
                true
            } else {
                false
            }
        })
        .cloned()
        .collect();
    let mut deficit = left;
    let came = new
        .iter()
        .filter(|x| {
            let n = deficit.entry(x).or_insert(0);
            if *n < 0 {
                *n += 1;
                true
            } else {
                false
            }
        })
        .cloned()
        .collect();
    (gone, came)
}

#[cfg(test)]
mod tests {
    use super::super::diff;
    use super::*;

    fn clause(text: &str) -> Clause {
        Clause {
            number: Some("1".into()),
            title: Some("Scope".into()),
            text: text.into(),
            ..Clause::default()
        }
    }

    #[test]
    fn quotes_and_dashes_are_typography_not_wording() {
        let old = [clause("The \"Processor\" acts - always.")];
        let new = [clause("The “Processor” acts – always.")];
        let report = diff(&old, &new);
        assert_eq!(report.summary.unchanged, 1);
        let notes = notes(&report, &old, &new, &[], &[]);
        let details: Vec<_> = notes.iter().map(|n| (n.kind, n.detail.as_str())).collect();
        assert_eq!(
            details,
            [
                (NoteKind::Typography, "`\"` became `“`"),
                (NoteKind::Typography, "`\"` became `”`"),
                (NoteKind::Typography, "`-` became `–`"),
            ]
        );
        assert_eq!(notes[0].clause, "1 Scope");
    }

    #[test]
    fn typography_inside_a_modified_clause_is_noted_beside_the_wording() {
        let old = [clause("The \"Processor\" acts now.")];
        let new = [clause("The “Processor” acts later.")];
        let report = diff(&old, &new);
        assert_eq!(report.summary.modified, 1);
        let notes = notes(&report, &old, &new, &[], &[]);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes.iter().all(|n| n.kind == NoteKind::Typography));
    }

    #[test]
    fn spacing_emphasis_and_links() {
        let old = [clause("One.\nTwo.")];
        let new = [clause("One. Two.")];
        let report = diff(&old, &new);
        let om = [Marks {
            links: vec![
                ("Annex 3".into(), "#a3".into()),
                ("Gone".into(), "x".into()),
            ],
            emphasis: vec!["One".into()],
        }];
        let nm = [Marks {
            links: vec![
                ("Annex 3".into(), "#annex3".into()),
                ("Two".into(), "y".into()),
            ],
            emphasis: vec!["Two".into()],
        }];
        let got: Vec<_> = notes(&report, &old, &new, &om, &nm)
            .into_iter()
            .map(|n| format!("{} {}", n.kind.as_str(), n.detail))
            .collect();
        assert_eq!(
            got,
            [
                "spacing spacing or line breaks changed",
                "emphasis emphasis added: “Two”",
                "emphasis emphasis removed: “One”",
                "link link “Annex 3”: target `#a3` became `#annex3`",
                "link link added: “Two” to `y`",
                "link link removed: “Gone” (was to `x`)",
            ]
        );
    }

    #[test]
    fn identical_clauses_have_no_notes() {
        let old = [clause("Same words.")];
        let report = diff(&old, &old);
        assert!(notes(&report, &old, &old, &[], &[]).is_empty());
    }
}
