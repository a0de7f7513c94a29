//! Diagnostics: mistakes in the user's files, located by file and byte span, reported together.

use std::fmt::Write as _;
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config, termcolor};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Something worth knowing that does not stop the command.
    Warning,
    /// A mistake that stops the command for the file concerned.
    Error,
}

/// One problem in one of the user's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Whether it is an error or a warning.
    pub severity: Severity,
    /// The file as the user names it (relative to the workspace where possible).
    pub file: String,
    /// Byte range of the offending text, when known.
    pub span: Option<Range<usize>>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Short text printed under the caret.
    pub label: Option<String>,
    /// Suggestions on how to fix it.
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// An error in `file` at `span`.
    pub fn error(
        file: impl Into<String>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            file: file.into(),
            span,
            message: message.into(),
            label: None,
            hints: Vec::new(),
        }
    }

    /// A warning in `file` at `span`.
    pub fn warning(
        file: impl Into<String>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, span, message)
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Sets the text shown under the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Whether this diagnostic stops the command.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A list of diagnostics collected over a whole run, so that all problems are reported at once.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// The diagnostic added last.
    ///
    /// # Panics
    /// Never after a push; callers only use it right after adding one.
    pub fn last_mut(&mut self) -> &mut Diagnostic {
        if self.items.is_empty() {
            self.items
                .push(Diagnostic::error("", None, "internal: no diagnostic"));
        }
        let n = self.items.len() - 1;
        &mut self.items[n]
    }

    /// Adds every diagnostic of another list.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// Whether any error (not warning) was collected.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors collected.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Whether nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The collected diagnostics, in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Takes the collected diagnostics out.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Source texts of the files diagnostics point into.
pub trait SourceLookup {
    /// The text of `file`, if it can be shown.
    fn source_text(&self, file: &str) -> Option<String>;
}

impl<F: Fn(&str) -> Option<String>> SourceLookup for F {
    fn source_text(&self, file: &str) -> Option<String> {
        self(file)
    }
}

/// Prints diagnostics with source excerpts and carets, `file:line:col` first.
pub fn render(diagnostics: &[Diagnostic], sources: &dyn SourceLookup, color: bool) -> String {
    let mut files = SimpleFiles::new();
    let mut ids: Vec<(String, usize)> = Vec::new();
    let mut out = termcolor::Buffer::no_color();
    let mut colored = termcolor::Buffer::ansi();
    let buffer = if color { &mut colored } else { &mut out };
    let config = Config::default();
    for d in diagnostics {
        let severity = match d.severity {
            Severity::Warning => CsSeverity::Warning,
            Severity::Error => CsSeverity::Error,
        };
        let mut cs = CsDiagnostic::new(severity)
            .with_message(&d.message)
            .with_notes(d.hints.iter().map(|h| format!("hint: {h}")).collect());
        let located = match (&d.span, sources.source_text(&d.file)) {
            (Some(span), Some(text)) => {
                let id = match ids.iter().find(|(name, _)| name == &d.file) {
                    Some((_, id)) => *id,
                    None => {
                        let id = files.add(d.file.clone(), text.clone());
                        ids.push((d.file.clone(), id));
                        id
                    }
                };
                let span = clamp_span(&text, span.clone());
                let mut label = Label::primary(id, span);
                if let Some(l) = &d.label {
                    label = label.with_message(l);
                }
                cs = cs.with_labels(vec![label]);
                true
            }
            _ => false,
        };
        if !located {
            cs.message = format!("{}: {}", d.file, d.message);
        }
        if term::emit(buffer, &config, &files, &cs).is_err() {
            let _ = writeln!(String::new(), "{}: {}", d.file, d.message);
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

/// Keeps a span inside the text and on character boundaries, so a stale span never panics.
fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start.min(text.len());
    let mut end = span.end.min(text.len()).max(start);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// One-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = clamp_span(text, offset..offset).start;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The candidate closest to `word` by edit distance (ignoring case), if close enough to be a plausible typo.
pub fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word: Vec<char> = word.to_lowercase().chars().collect();
    // A third of the word may be wrong, but at least one edit is allowed so
    // that short words ("uk", "sc") still get a suggestion.
    let max = (word.len() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for &cand in candidates {
        let cand_chars: Vec<char> = cand.to_lowercase().chars().collect();
        // The length difference is a lower bound on the distance; skipping
        // early keeps a long garbage word from costing len * len per candidate.
        if word.len().abs_diff(cand_chars.len()) > max {
            continue;
        }
        let d = distance(&word, &cand_chars);
        if d <= max && best.is_none_or(|(b, _)| d < b) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, cand)| cand)
}

/// Optimal-string-alignment distance: Levenshtein plus adjacent transpositions,
/// since swapped letters are the commonest typo in field names.
pub(crate) fn distance(a: &[char], b: &[char]) -> usize {
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_and_hint() {
        let d = Diagnostic::error("vendors/acme.toml", Some(9..13), "unknown key `nmae`")
            .with_label("not a vendor field")
            .with_hint("did you mean `name`?");
        let text = "id = 1\n\nnmae = \"x\"\n";
        // The span points at `nmae` on line 3.
        let d = Diagnostic {
            span: Some(8..12),
            ..d
        };
        let out = render(&[d], &|_: &str| Some(text.to_string()), false);
        assert!(out.contains("vendors/acme.toml:3:1"), "{out}");
        assert!(out.contains("^^^^ not a vendor field"), "{out}");
        assert!(out.contains("hint: did you mean `name`?"), "{out}");
    }

    #[test]
    fn unlocated_diagnostic_names_file() {
        let d = Diagnostic::error("dpa.toml", None, "file not found");
        let out = render(&[d], &|_: &str| None, false);
        assert!(out.contains("error: dpa.toml: file not found"), "{out}");
    }

    #[test]
    fn line_col_counts_chars() {
        assert_eq!(line_col("ab\ncdé f", 8), (2, 5));
        assert_eq!(line_col("", 10), (1, 1));
    }
}
