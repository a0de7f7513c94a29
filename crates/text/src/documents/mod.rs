//! Documents of any origin read as clauses: Markdown, plain text, HTML pages, Word and PDF.
//!
//! [`read`] is the one way a document from elsewhere comes in, for every stage that compares or
//! reviews a contract. It reads the file within [`Limits`], tells the format from the bytes (a
//! Word file named `.pdf` still reads as Word), parses it in the sandboxed worker
//! ([`sandbox`]), and returns the document's clauses in reading order, the preamble first, each
//! with the number a reader sees, its heading, its words and where in the source it came from. A
//! document whose words could not be placed in clauses is an error, never an empty result:
//! callers must not report "no change" or "covered" about text they did not see.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diff::Clause;

pub mod docx;
pub mod html;
pub mod numbering;
pub mod pdf;
mod pdftable;
pub mod sandbox;
pub mod text;

pub use sandbox::Limits;

/// Share of a document's words that may lie outside numbered or titled clauses before it is refused.
const MAX_PREAMBLE_SHARE: f64 = 0.5;

/// Preamble text shorter than this many words is never a reason to refuse a document.
const MIN_WORDS_CHECKED: usize = 40;

/// The format of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// CommonMark with inline HTML, optionally front matter.
    Markdown,
    /// Plain text; lines a reader sees as headings start clauses.
    Text,
    /// Office Open XML word processing (`.docx`), from any producer.
    Docx,
    /// PDF, its text taken page by page.
    Pdf,
    /// A web page (`.html`) saved from a browser or a site.
    Html,
}

impl Kind {
    /// The format's name in messages, JSON and the worker's request.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Markdown => "markdown",
            Kind::Text => "text",
            Kind::Docx => "docx",
            Kind::Pdf => "pdf",
            Kind::Html => "html",
        }
    }

    /// Parses [`Kind::as_str`].
    pub fn parse(s: &str) -> Option<Kind> {
        [
            Kind::Markdown,
            Kind::Text,
            Kind::Docx,
            Kind::Pdf,
            Kind::Html,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// The format of a document by its bytes; the file name only tells plain text (`.txt`) from
    /// Markdown, which no byte tells apart.
    pub fn sniff(path: &Path, bytes: &[u8]) -> Kind {
        let start = &bytes[..bytes.len().min(1024)];
        if start.windows(5).any(|w| w == b"%PDF-") {
            return Kind::Pdf;
        }
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            return Kind::Docx;
        }
        if html::is_page(bytes) {
            return Kind::Html;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Kind::Text,
            _ => Kind::Markdown,
        }
    }
}

/// Where a clause came from in its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// The name it was read under (a path as given), used in every message about it.
    pub name: String,
    /// Its format, as told from its bytes.
    pub kind: Kind,
    /// The SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
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

/// Why a document could not be read as clauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocErrorKind {
    /// The bytes are not a document of the kind expected (or could not be read from disk).
    Unreadable,
    /// The document is larger than `documents::MAX_BYTES` or expands beyond it.
    TooLarge,
    /// No clause was found.
    NoClauses,
    /// Most of the text lies outside any clause.
    MostlyOutside,
    /// The text sits in front matter in a form that cannot be unwrapped.
    FrontMatter,
}

/// A document that could not be read as clauses; its message names the file and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError {
    /// The document's name as given.
    pub name: String,
    /// What went wrong.
    pub kind: DocErrorKind,
    /// The explanation, including what to do.
    pub reason: String,
}

impl fmt::Display for DocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.reason)
    }
}

impl std::error::Error for DocError {}

impl DocError {
    pub(crate) fn new(name: &str, kind: DocErrorKind, reason: impl Into<String>) -> Self {
        DocError {
            name: name.to_string(),
            kind,
            reason: reason.into(),
        }
    }
}

/// Reads a document from elsewhere as clauses, for a comparison: within `limits`, its format told
/// from its bytes, parsed in the sandboxed worker; refused when its words are not, for the most
/// part, in clauses.
pub fn read(path: &Path, limits: &Limits) -> Result<Document, DocError> {
    let doc = read_any(path, limits)?;
    check_coverage(&doc)?;
    Ok(doc)
}

/// Like [`read`], for a review: any text is accepted, in clauses or not; a document with no text
/// at all is refused.
pub fn read_text(path: &Path, limits: &Limits) -> Result<Document, DocError> {
    let doc = read_any(path, limits)?;
    if doc.sections.iter().all(|s| s.text.trim().is_empty()) {
        return Err(DocError::new(
            &doc.name,
            DocErrorKind::NoClauses,
            "the document holds no text to read (a scanned PDF needs OCR first)",
        ));
    }
    Ok(doc)
}

fn read_any(path: &Path, limits: &Limits) -> Result<Document, DocError> {
    let name = path.display().to_string();
    let bytes = read_bounded(
        path,
        limits.file_bytes,
        "a data processing agreement is far smaller",
    )
    .map_err(|reason| {
        let kind = if reason.contains("larger than") || reason.contains("MiB") {
            DocErrorKind::TooLarge
        } else {
            DocErrorKind::Unreadable
        };
        DocError::new(&name, kind, reason)
    })?;
    read_bytes(&name, path, &bytes, limits)
}

/// Reads a document held in memory in the sandboxed worker; `name` is used in messages and `path`
/// only tells plain text from Markdown.
pub fn read_bytes(
    name: &str,
    path: &Path,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Document, DocError> {
    let kind = Kind::sniff(path, bytes);
    let what = kind.as_str().to_uppercase();
    let what = if kind == Kind::Markdown || kind == Kind::Text {
        "document".to_string()
    } else {
        what
    };
    let out = sandbox::run_document_worker(kind.as_str(), &what, bytes, limits)
        .map_err(|reason| DocError::new(name, error_kind(&reason), reason))?;
    let mut doc: Document = serde_json::from_slice(&out).map_err(|e| {
        DocError::new(
            name,
            DocErrorKind::Unreadable,
            format!("the document reader returned an unreadable result: {e}"),
        )
    })?;
    doc.name = name.to_string();
    doc.sha256 = format!("{:x}", Sha256::digest(bytes));
    Ok(doc)
}

fn error_kind(reason: &str) -> DocErrorKind {
    if reason.contains("MiB") || reason.contains("zip bomb") || reason.contains("longer than") {
        DocErrorKind::TooLarge
    } else {
        DocErrorKind::Unreadable
    }
}

/// The worker's side: parses `bytes` as the format named `kind` and returns the document as JSON.
fn worker_parse(kind: &str, bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, String> {
    let kind = Kind::parse(kind).ok_or_else(|| format!("unknown document format `{kind}`"))?;
    if bytes.len() as u64 > limits.file_bytes {
        return Err(format!(
            "larger than {} MiB; a data processing agreement is far smaller",
            limits.file_bytes / (1024 * 1024)
        ));
    }
    let doc = parse(kind, bytes, limits)?;
    serde_json::to_vec(&doc).map_err(|e| format!("cannot pass the document on: {e}"))
}

/// Parses a document of a known format in this process. Untrusted bytes go through [`read`],
/// which calls this in the worker; in-process use is for text dpa wrote itself.
pub fn parse(kind: Kind, bytes: &[u8], limits: &Limits) -> Result<Document, String> {
    let (sections, tracked_changes, notes) = match kind {
        Kind::Docx => {
            sandbox::check_zip(bytes, "Word document", limits.unzipped_bytes)?;
            let read = std::panic::catch_unwind(|| docx::read_sections(bytes))
                .map_err(|_| "the Word document is malformed".to_string())??;
            (read.sections, read.tracked_changes, read.notes)
        }
        Kind::Markdown | Kind::Text | Kind::Pdf | Kind::Html => {
            let source = match kind {
                Kind::Pdf => text::text_to_markdown(&pdf::text(bytes)?),
                Kind::Text => text::text_to_markdown(&text_of(bytes, limits)?),
                Kind::Html | Kind::Markdown | Kind::Docx => {
                    let text = text_of(bytes, limits)?;
                    html::check_depth(&text)?;
                    if kind == Kind::Html {
                        html::to_markdown(&text)
                    } else {
                        text
                    }
                }
            };
            if source.len() > limits.text_bytes {
                return Err(too_much_text(limits));
            }
            let (located, notes) = crate::diff::segment::segment_document(&source)?;
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
            let sections = if kind == Kind::Pdf {
                unnumber_sections(sections)
            } else {
                sections
            };
            (sections, false, notes)
        }
    };
    if sections.len() > limits.clauses {
        return Err(format!(
            "the document splits into more than {} clauses",
            limits.clauses
        ));
    }
    Ok(Document {
        name: String::new(),
        kind,
        sha256: String::new(),
        sections,
        tracked_changes,
        notes,
    })
}

/// A heading of PDF text numbered `N` with no text of its own, followed by clause `N.1`, groups
/// clauses; its number is not a clause's, as Word's level-1 headings are read.
fn unnumber_sections(mut sections: Vec<Section>) -> Vec<Section> {
    for i in 0..sections.len().saturating_sub(1) {
        let next = sections[i + 1].number.clone().unwrap_or_default();
        let s = &mut sections[i];
        if let Some(n) = &s.number
            && s.title.is_some()
            && s.text.trim().is_empty()
            && n.chars().all(|c| c.is_ascii_digit())
            && next.starts_with(&format!("{n}."))
        {
            s.number = None;
        }
    }
    sections
}

fn too_much_text(limits: &Limits) -> String {
    format!(
        "the document holds more than {} MiB of text; a data processing agreement is far smaller",
        limits.text_bytes / (1024 * 1024)
    )
}

/// UTF-8 text without NUL bytes (which mark a binary file), BOM removed.
fn text_of(bytes: &[u8], limits: &Limits) -> Result<String, String> {
    if bytes.len() > limits.text_bytes {
        return Err(too_much_text(limits));
    }
    if bytes.contains(&0) {
        return Err(
            "not a text file (it holds NUL bytes); give a PDF, DOCX, HTML, Markdown or text file"
                .into(),
        );
    }
    let s = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        )
    })?;
    Ok(s.strip_prefix('\u{FEFF}').unwrap_or(s).to_string())
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Refuses a document whose words are not, for the most part, in clauses: what [`read`] checks
/// after parsing, for callers that parse text dpa trusts in process.
pub fn check_coverage(doc: &Document) -> Result<(), DocError> {
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

/// Reads a file of at most `limit` bytes; the reason when it cannot be read, or, when it is
/// larger, "the file is larger than N MiB; " followed by `refusal`.
pub fn read_bounded(path: &Path, limit: u64, refusal: &str) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    use std::io::Read as _;
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "the file is larger than {} MiB; {refusal}",
            limit / (1024 * 1024)
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document parsed in this process and named, as the worker would return it.
    fn parsed(name: &str, bytes: &[u8], kind: Kind) -> Result<Document, DocError> {
        let mut doc = parse(kind, bytes, &Limits::default())
            .map_err(|r| DocError::new(name, DocErrorKind::Unreadable, r))?;
        doc.name = name.to_string();
        check_coverage(&doc)?;
        Ok(doc)
    }

    #[test]
    fn markdown_clauses_carry_their_lines() {
        let doc = parsed(
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
        let doc = parsed("plain.md", b"Just prose.\n\nMore prose.\n", Kind::Markdown)
            .expect("prose is read");
        assert_eq!(doc.sections.len(), 2);
        let e = parsed("empty.txt", b"", Kind::Text).expect_err("empty");
        assert_eq!(e.kind, DocErrorKind::NoClauses);
    }

    #[test]
    fn mostly_unsegmented_text_is_refused() {
        let mut src = "word ".repeat(200);
        src.push_str("\n\n## 1. Tiny\nOne clause.\n");
        let e = parsed("big.md", src.as_bytes(), Kind::Markdown).expect_err("refused");
        assert_eq!(e.kind, DocErrorKind::MostlyOutside);
    }

    #[test]
    fn the_format_is_told_by_the_bytes_not_the_name() {
        let p = Path::new("contract.pdf");
        assert_eq!(Kind::sniff(p, b"PK\x03\x04rest"), Kind::Docx);
        assert_eq!(Kind::sniff(Path::new("a.docx"), b"%PDF-1.7"), Kind::Pdf);
        assert_eq!(Kind::sniff(p, b"<!doctype html><html>"), Kind::Html);
        assert_eq!(Kind::sniff(p, b"## 1. Scope"), Kind::Markdown);
        assert_eq!(Kind::sniff(Path::new("a.txt"), b"1. Scope"), Kind::Text);
    }

    #[test]
    fn refuses_binary_and_oversized_text() {
        let limits = Limits::default();
        assert!(
            parse(Kind::Text, b"abc\0def", &limits)
                .unwrap_err()
                .contains("NUL")
        );
        let big = vec![b'a'; limits.text_bytes + 1];
        assert!(
            parse(Kind::Text, &big, &limits)
                .unwrap_err()
                .contains("MiB of text")
        );
        assert!(parse(Kind::Text, &[0xff, 0xfe, 0x41], &limits).is_err());
    }

    #[test]
    fn malformed_pdf_and_docx_are_errors_not_panics() {
        let limits = Limits::default();
        for bytes in [
            &b"%PDF-1.7\n1 0 obj << /Type /Catalog"[..],
            b"%PDF-",
            b"%PDF-1.4\n[[[[[[",
        ] {
            assert!(parse(Kind::Pdf, bytes, &limits).is_err());
        }
        assert!(parse(Kind::Docx, b"PK\x03\x04 truncated", &limits).is_err());
    }

    #[test]
    fn a_file_is_read_in_the_worker_started_by_the_library() {
        // The worker is this test binary started again: the library's own entry answers it.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("contract.docx");
        std::fs::write(&path, "## 1. Scope\nThe processor processes.\n").expect("write");
        let doc = read(&path, &Limits::default()).expect("reads");
        assert_eq!(doc.kind, Kind::Markdown);
        assert_eq!(doc.name, path.display().to_string());
        assert_eq!(doc.sections[0].number.as_deref(), Some("1"));
        assert_eq!(doc.sha256.len(), 64);
    }
}
