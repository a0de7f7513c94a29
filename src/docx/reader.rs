//! Word import: a DOCX read back as clauses, tracked changes accepted.

use docx_rs::{
    DocumentChild, InsertChild, Paragraph, ParagraphChild, Run, RunChild, TableCellContent,
    TableChild, TableRowChild,
};

use crate::diff::Clause;
use crate::documents::{Location, Section};

/// The text of a paragraph with tracked insertions accepted and deletions dropped.
fn paragraph_text(p: &Paragraph, tracked: &mut bool) -> String {
    fn runs(children: &[ParagraphChild], tracked: &mut bool, out: &mut String) {
        for child in children {
            match child {
                ParagraphChild::Run(r) => run_text(r, out),
                ParagraphChild::Insert(ins) => {
                    *tracked = true;
                    for c in &ins.children {
                        if let InsertChild::Run(r) = c {
                            run_text(r, out);
                        }
                    }
                }
                ParagraphChild::Delete(_) => *tracked = true,
                ParagraphChild::Hyperlink(h) => runs(&h.children, tracked, out),
                _ => {}
            }
        }
    }
    fn run_text(r: &Run, out: &mut String) {
        for c in &r.children {
            match c {
                RunChild::Text(t) => out.push_str(&t.text),
                RunChild::Tab(_) => out.push(' '),
                RunChild::Break(_) | RunChild::CarriageReturn(_) => out.push('\n'),
                _ => {}
            }
        }
    }
    let mut out = String::new();
    runs(&p.children, tracked, &mut out);
    out
}

/// A DOCX read back as clauses.
pub struct ReadDocx {
    /// Clauses in document order: a preamble (no number), numbered clauses and annexes.
    pub clauses: Vec<Clause>,
    /// Whether the document holds tracked changes (accepted in `clauses`).
    pub tracked_changes: bool,
}

/// A DOCX read as located sections.
pub struct DocxSections {
    /// Clauses in document order, each with the body paragraphs it spans.
    pub sections: Vec<Section>,
    /// Whether the document holds tracked changes (read as accepted).
    pub tracked_changes: bool,
    /// How the document was read, for the reader of a comparison.
    pub notes: Vec<String>,
}

/// Reads a Word document into clauses: `Heading 2` paragraphs `N.N Title` and `Heading 1` annexes start clauses.
pub fn read(bytes: &[u8]) -> Result<ReadDocx, String> {
    let read = read_sections(bytes)?;
    Ok(ReadDocx {
        clauses: read.sections.iter().map(Section::clause).collect(),
        tracked_changes: read.tracked_changes,
    })
}

fn append(section: &mut Section, index: usize, text: &str) {
    if !section.text.is_empty() {
        section.text.push('\n');
    }
    section.text.push_str(text);
    if let Location::Paragraphs { last, .. } = &mut section.location {
        *last = index;
    }
}

/// Reads a Word document into located sections.
pub fn read_sections(bytes: &[u8]) -> Result<DocxSections, String> {
    let docx =
        docx_rs::read_docx(bytes).map_err(|e| format!("not a readable Word document: {e}"))?;
    let mut tracked = false;
    let mut clauses: Vec<Section> = vec![Section {
        number: None,
        title: None,
        text: String::new(),
        location: Location::Paragraphs { first: 0, last: 0 },
        links: Vec::new(),
    }];
    let mut skipping = false;
    for (index, child) in docx.document.children.iter().enumerate() {
        match child {
            DocumentChild::Paragraph(p) => {
                let text = paragraph_text(p, &mut tracked);
                let style = p
                    .property
                    .style
                    .as_ref()
                    .map(|s| s.val.to_ascii_lowercase())
                    .unwrap_or_default();
                let level = if style.starts_with("heading1") || style == "heading 1" {
                    1
                } else if style.starts_with("heading2") || style == "heading 2" {
                    2
                } else {
                    0
                };
                let trimmed = text.trim();
                if level == 2 || (level == 1 && trimmed.starts_with("Annex ")) {
                    let (number, title) = match trimmed.split_once(": ").filter(|_| level == 1) {
                        Some((n, t)) => (n.to_string(), t.to_string()),
                        None => match trimmed.split_once(char::is_whitespace) {
                            Some((n, t))
                                if n.chars().next().is_some_and(|c| c.is_ascii_digit()) =>
                            {
                                (n.to_string(), t.trim().to_string())
                            }
                            _ => (String::new(), trimmed.to_string()),
                        },
                    };
                    clauses.push(Section {
                        number: (!number.is_empty()).then_some(number),
                        title: Some(title),
                        text: String::new(),
                        location: Location::Paragraphs {
                            first: index,
                            last: index,
                        },
                        links: Vec::new(),
                    });
                    skipping = false;
                } else if level == 1 {
                    // Section headings and the signature page are not clauses.
                    skipping = true;
                } else if !skipping && !trimmed.is_empty() {
                    // Bullets are written as "•" but compared as the "-" of the Markdown the clause came from.
                    let line = match trimmed.strip_prefix('\u{2022}') {
                        Some(rest) => format!("-{rest}"),
                        None => trimmed.to_string(),
                    };
                    if let Some(last) = clauses.last_mut() {
                        append(last, index, &line);
                    }
                }
            }
            DocumentChild::Table(t) if !skipping => {
                let mut lines = Vec::new();
                for TableChild::TableRow(row) in &t.rows {
                    let cells: Vec<String> = row
                        .cells
                        .iter()
                        .map(|TableRowChild::TableCell(cell)| {
                            cell.children
                                .iter()
                                .filter_map(|c| match c {
                                    TableCellContent::Paragraph(p) => {
                                        Some(paragraph_text(p, &mut tracked).trim().to_string())
                                    }
                                    _ => None,
                                })
                                .collect::<Vec<_>>()
                                .join(" ")
                        })
                        .collect();
                    lines.push(cells.join(" | "));
                }
                if let Some(last) = clauses.last_mut() {
                    append(last, index, &lines.join("\n"));
                }
            }
            _ => {}
        }
    }
    let notes = if tracked {
        vec!["has tracked changes; they are read as if accepted".to_string()]
    } else {
        Vec::new()
    };
    Ok(DocxSections {
        sections: clauses,
        tracked_changes: tracked,
        notes,
    })
}
