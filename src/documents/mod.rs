//! Documents of any origin read as clauses: Markdown, plain text (such as text taken from a PDF) and Word.
//!
//! [`read_path`] and [`read_bytes`] are the one way into the segmenter for every stage that compares or
//! reviews a contract. Each returns the document's clauses in reading order, the preamble first, each
//! with the number a reader sees, its heading, its words and where in the source it came from. A
//! document whose words could not be placed in clauses is an error, never an empty result: callers
//! must not report "no change" or "covered" about text they did not see.

use std::fmt;
use std::path::Path;

use crate::diff::Clause;

pub mod docx;
pub mod numbering;

/// Largest document accepted, in bytes: far above any real contract, far below what could exhaust memory.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// Share of a document's words that may lie outside numbered or titled clauses before it is refused.
const MAX_PREAMBLE_SHARE: f64 = 0.5;

/// Preamble text shorter than this many words is never a reason to refuse a document.
const MIN_WORDS_CHECKED: usize = 40;

/// The format of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// CommonMark with inline HTML, optionally front matter.
    Markdown,
    /// Plain text, for example extracted from a PDF; segmented by the same numbering rules.
    Text,
    /// Office Open XML word processing (`.docx`).
    Docx,
}

impl Kind {
    /// The kind a file name's extension names, if any.
    pub fn from_path(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(Kind::Markdown),
            "txt" | "text" => Some(Kind::Text),
            "docx" => Some(Kind::Docx),
            _ => None,
        }
    }
}

/// Where a clause came from in its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// First and last line of a text or Markdown source (1-based, inclusive).
    Lines {
        /// First line.
        first: usize,
        /// Last line.
        last: usize,
    },
    /// First and last body paragraph of a Word document (0-based, inclusive; a table row counts as one).
    Paragraphs {
        /// First paragraph.
        first: usize,
        /// Last paragraph.
        last: usize,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Lines { first, last } if first == last => write!(f, "line {first}"),
            Location::Lines { first, last } => write!(f, "lines {first}-{last}"),
            Location::Paragraphs { first, last } if first == last => {
                write!(f, "paragraph {}", first + 1)
            }
            Location::Paragraphs { first, last } => {
                write!(f, "paragraphs {}-{}", first + 1, last + 1)
            }
        }
    }
}

/// One clause of a document, as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The number as displayed (`3.2`, `(a)`, `Annex I/1`); `None` for the preamble and unnumbered headings.
    pub number: Option<String>,
    /// The heading without its number; `None` when the clause has none.
    pub title: Option<String>,
    /// The clause's visible words; paragraphs separated by `\n`.
    pub text: String,
    /// Where in the source the clause is.
    pub location: Location,
    /// Its links: (visible text, target); a changed target is a note, not a change of wording.
    pub links: Vec<(String, String)>,
    /// Its emphasised (bold or italic) spans by visible text; a change is a note, not a change of wording.
    pub emphasis: Vec<String>,
}

impl Section {
    /// Whether this is the preamble: the text before the first clause, with neither number nor title.
    pub fn is_preamble(&self) -> bool {
        self.number.is_none() && self.title.is_none()
    }

    /// Its links and emphasis, for the formatting notes of a comparison.
    pub fn marks(&self) -> crate::diff::formatting::Marks {
        crate::diff::formatting::Marks {
            links: self.links.clone(),
            emphasis: self.emphasis.clone(),
        }
    }

    /// The clause as the diff engine compares it.
    pub fn clause(&self) -> Clause {
        Clause {
            key: None,
            number: self.number.clone(),
            title: self.title.clone(),
            text: self.text.clone(),
        }
    }
}

/// A document read as clauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The name it was read under (a path as given), used in every message about it.
    pub name: String,
    /// Its format.
    pub kind: Kind,
    /// Its clauses in reading order; the preamble, if any, first.
    pub sections: Vec<Section>,
    /// Whether a Word document held tracked changes; they are read as accepted.
    pub tracked_changes: bool,
    /// Things a reader of a comparison should be told about how the document was read.
    pub notes: Vec<String>,
}

impl Document {
    /// The clauses as the diff engine compares them.
    pub fn clauses(&self) -> Vec<Clause> {
        self.sections.iter().map(Section::clause).collect()
    }
}

pub use crate::error::{DocError, DocErrorKind};

/// Reads a file as clauses, its kind taken from its extension (Markdown when it has none that is known).
pub fn read_path(path: &Path) -> Result<Document, DocError> {
    let name = path.display().to_string();
    let kind = Kind::from_path(path).unwrap_or(Kind::Markdown);
    let meta = std::fs::metadata(path)
        .map_err(|e| DocError::new(&name, DocErrorKind::Unreadable, e.to_string()))?;
    if meta.len() > MAX_BYTES as u64 {
        return Err(too_large(&name));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| DocError::new(&name, DocErrorKind::Unreadable, e.to_string()))?;
    read_bytes(&name, &bytes, kind)
}

/// Reads a document held in memory as clauses; `name` is used in messages.
pub fn read_bytes(name: &str, bytes: &[u8], kind: Kind) -> Result<Document, DocError> {
    if bytes.len() > MAX_BYTES {
        return Err(too_large(name));
    }
    let (sections, tracked_changes, notes) = match kind {
        Kind::Docx => {
            let read = docx::read_sections(bytes)
                .map_err(|e| DocError::new(name, DocErrorKind::Unreadable, e))?;
            (read.sections, read.tracked_changes, read.notes)
        }
        Kind::Markdown | Kind::Text => {
            let text = String::from_utf8_lossy(bytes);
            let (located, notes) = crate::diff::segment::segment_document(&text)
                .map_err(|reason| DocError::new(name, DocErrorKind::FrontMatter, reason))?;
            let sections = located
                .into_iter()
                .map(|l| Section {
                    number: l.clause.number,
                    title: l.clause.title,
                    text: l.clause.text,
                    location: Location::Lines {
                        first: l.lines.0,
                        last: l.lines.1,
                    },
                    links: l.links,
                    emphasis: l.emphasis,
                })
                .collect();
            (sections, false, notes)
        }
    };
    let doc = Document {
        name: name.to_string(),
        kind,
        sections,
        tracked_changes,
        notes,
    };
    check_coverage(&doc)?;
    Ok(doc)
}

fn too_large(name: &str) -> DocError {
    DocError::new(
        name,
        DocErrorKind::TooLarge,
        format!(
            "larger than {} MiB; refusing to read it",
            MAX_BYTES / (1024 * 1024)
        ),
    )
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Refuses a document whose words are not, for the most part, in clauses.
fn check_coverage(doc: &Document) -> Result<(), DocError> {
    let total: usize = doc
        .sections
        .iter()
        .map(|s| words(&s.text) + s.title.as_deref().map_or(0, words))
        .sum();
    let clauses = doc.sections.iter().filter(|s| !s.is_preamble()).count();
    if clauses == 0 {
        let reason = if total == 0 {
            "no text found: the document is empty, or its text is in a form dpa cannot read"
                .to_string()
        } else {
            format!(
                "no clauses found: none of its {total} words is under a heading or a clause number, so it cannot be compared clause by clause"
            )
        };
        return Err(DocError::new(&doc.name, DocErrorKind::NoClauses, reason));
    }
    let outside: usize = doc
        .sections
        .iter()
        .filter(|s| s.is_preamble())
        .map(|s| words(&s.text))
        .sum();
    if total >= MIN_WORDS_CHECKED && outside as f64 > total as f64 * MAX_PREAMBLE_SHARE {
        return Err(DocError::new(
            &doc.name,
            DocErrorKind::MostlyOutside,
            format!(
                "{outside} of its {total} words are outside any clause (before the first heading or clause number); a comparison would hide changes there"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_clauses_carry_their_lines() {
        let doc = read_bytes(
            "a.md",
            b"Intro.\n\n## 1. Scope\nText\nmore.\n\n1.1 Sub.\n",
            Kind::Markdown,
        )
        .expect("reads");
        let located: Vec<_> = doc
            .sections
            .iter()
            .map(|s| (s.number.clone(), s.location))
            .collect();
        assert_eq!(
            located,
            [
                (None, Location::Lines { first: 1, last: 1 }),
                (Some("1".into()), Location::Lines { first: 3, last: 5 }),
                (Some("1.1".into()), Location::Lines { first: 7, last: 7 }),
            ]
        );
    }

    #[test]
    fn a_document_without_clauses_is_an_error_naming_the_file() {
        // Prose a person can read is read by its paragraphs, never refused.
        let doc = read_bytes("plain.md", b"Just prose.\n\nMore prose.\n", Kind::Markdown)
            .expect("prose is read");
        assert_eq!(doc.sections.len(), 2);
        let e = read_bytes("empty.txt", b"", Kind::Text).expect_err("empty");
        assert_eq!(e.kind, DocErrorKind::NoClauses);
    }

    #[test]
    fn mostly_unsegmented_text_is_refused() {
        let mut src = "word ".repeat(200);
        src.push_str("\n\n## 1. Tiny\nOne clause.\n");
        let e = read_bytes("big.md", src.as_bytes(), Kind::Markdown).expect_err("refused");
        assert_eq!(e.kind, DocErrorKind::MostlyOutside);
    }
}
