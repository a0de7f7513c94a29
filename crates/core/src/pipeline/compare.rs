//! `diff` of agreements: two documents of any format ([`diff_documents`]), two issued versions
//! or the last issued one and a fresh render ([`diff_issued`]), an issued version and the
//! document the counterparty returned ([`diff_returned`]); and the result in each output
//! format, a Word redline included ([`output`]).

use std::path::Path;

use crate::assemble::DocOptions;
use crate::diag::Diagnostics;
use crate::diff::formatting::Marks;
use crate::diff::{self, Clause, Report};
use crate::documents;
use crate::error::Error;
use crate::manifest::ManifestClause;
use crate::store::Store;
use crate::workspace::Workspace;

/// A note on how a document was read (tracked changes accepted, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadNote {
    /// The document, as named.
    pub document: String,
    /// The note.
    pub note: String,
}

/// A clause diff with both sides, as the formats that need the clauses see it.
#[derive(Debug, Clone)]
pub struct Compared {
    /// The title of the comparison (`DPA-acme: v1 → v2`).
    pub title: String,
    /// The clause diff; with `formatting`, the formatting-only differences are in it.
    pub report: Report,
    /// The old side's clauses.
    pub old: Vec<Clause>,
    /// The new side's clauses.
    pub new: Vec<Clause>,
    /// How the documents were read.
    pub notes: Vec<ReadNote>,
    /// How many formatting-only differences there are (listed in the report with
    /// `formatting`).
    pub formatting_only: usize,
}

/// A document's clauses, with the links and emphasis of each for the formatting notes.
struct Loaded {
    clauses: Vec<Clause>,
    marks: Vec<Marks>,
}

/// Reads a contract of any format as clauses, noting in `notes` how it was read.
fn load_document(
    path: &str,
    keep_preamble: bool,
    notes: &mut Vec<ReadNote>,
) -> Result<Loaded, Error> {
    let doc =
        documents::read(Path::new(path), &documents::Limits::default()).map_err(Error::Document)?;
    notes.extend(doc.notes.iter().map(|n| ReadNote {
        document: path.to_string(),
        note: n.clone(),
    }));
    // Against issued clauses, the unnumbered parts of a rendered document (cover, parties,
    // signatures) are not compared: the manifest holds its numbered clauses only.
    let rendered = matches!(
        doc.kind,
        documents::Kind::Docx | documents::Kind::Pdf | documents::Kind::Html
    );
    let kept: Vec<&documents::Section> = doc
        .sections
        .iter()
        .filter(|s| keep_preamble || !rendered || s.number.is_some())
        .collect();
    Ok(Loaded {
        clauses: kept.iter().map(|s| s.clause()).collect(),
        marks: kept.iter().map(|s| s.marks()).collect(),
    })
}

fn from_manifest(clauses: &[ManifestClause]) -> Vec<Clause> {
    clauses
        .iter()
        .map(|c| Clause {
            key: Some(c.id.clone()),
            number: Some(c.number.clone()),
            title: Some(c.title.clone()),
            text: c.text.clone(),
        })
        .collect()
}

/// Diffs two sides, with the formatting-only differences counted (and listed with `formatting`).
fn compare(
    title: String,
    old: Vec<Clause>,
    new: Vec<Clause>,
    marks: [&[Marks]; 2],
    notes: Vec<ReadNote>,
    formatting: bool,
) -> Compared {
    let mut report = diff::diff(&old, &new);
    let found = diff::formatting::notes(&report, &old, &new, marks[0], marks[1]);
    let formatting_only = found.len();
    if formatting {
        report.formatting = found;
    }
    Compared {
        title,
        report,
        old,
        new,
        notes,
        formatting_only,
    }
}

/// Compares two documents, in any pair of formats (Markdown, text, HTML, DOCX, PDF).
pub fn diff_documents(old: &str, new: &str, formatting: bool) -> Result<Compared, Error> {
    let mut notes = Vec::new();
    let a = load_document(old, true, &mut notes)?;
    let b = load_document(new, true, &mut notes)?;
    Ok(compare(
        format!("{old} → {new}"),
        a.clauses,
        b.clauses,
        [&a.marks, &b.marks],
        notes,
        formatting,
    ))
}

/// The issued version `from`, or the last one.
fn from_version(store: &Store, id: &str, from: Option<u32>) -> Result<u32, Error> {
    match from {
        Some(v) => Ok(v),
        None => store.issued(id)?.last().map(|i| i.version).ok_or_else(|| {
            Error::Usage(format!(
                "vendor `{id}` has no issued version yet; run `dpa record {id}` first"
            ))
        }),
    }
}

/// Compares the issued version `from` (the last by default) of vendor `id` with the document
/// the counterparty returned.
pub fn diff_returned(
    ws: &Workspace,
    id: &str,
    from: Option<u32>,
    returned: &str,
    formatting: bool,
) -> Result<Compared, Error> {
    let store = Store::open(&ws.root)?;
    let from = from_version(&store, id, from)?;
    let old = store.manifest(id, from)?;
    let mut notes = Vec::new();
    let theirs = load_document(returned, false, &mut notes)?;
    Ok(compare(
        format!("DPA-{id}: v{from} → {returned}"),
        from_manifest(&old.clauses),
        theirs.clauses,
        [&[], &theirs.marks],
        notes,
        formatting,
    ))
}

/// Compares the issued version `from` (the last by default) of vendor `id` with the issued
/// version `to`, or, without it, with the agreement as it would render now. `Ok(None)` when
/// the vendor's files have errors (in `diags`).
pub fn diff_issued(
    ws: &Workspace,
    diags: &mut Diagnostics,
    id: &str,
    from: Option<u32>,
    to: Option<u32>,
    formatting: bool,
) -> Result<Option<Compared>, Error> {
    let store = Store::open(&ws.root)?;
    store.issued(id)?;
    let from = from_version(&store, id, from)?;
    let old = store.manifest(id, from)?;
    let (new_clauses, to_label) = match to {
        Some(to) => (store.manifest(id, to)?.clauses, format!("v{to}")),
        None => {
            let Some(v) = ws.load_vendor(id, diags) else {
                return Ok(None);
            };
            let Some(prepared) = ws.prepare(
                v,
                &DocOptions {
                    final_: false,
                    version: "draft".into(),
                },
                diags,
            ) else {
                return Ok(None);
            };
            (prepared.assembled.clauses.to_vec(), "now".to_string())
        }
    };
    Ok(Some(compare(
        format!("DPA-{id}: v{from} → {to_label}"),
        from_manifest(&old.clauses),
        from_manifest(&new_clauses),
        [&[], &[]],
        Vec::new(),
        formatting,
    )))
}

/// An output format of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format<'a> {
    /// Text: colour, and the unchanged clauses too.
    Text {
        /// With terminal colours, else `[-old-]{+new+}` markers.
        color: bool,
        /// List unchanged clauses too.
        all: bool,
    },
    /// JSON.
    Json,
    /// One self-contained HTML redline.
    Html,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// A Word redline of the new side with tracked changes by `author`.
    Docx {
        /// The tracked changes' author.
        author: &'a str,
    },
}

/// The date of a redline's tracked changes: `SOURCE_DATE_EPOCH` when set (reproducible), else now.
fn redline_date() -> String {
    let now = chrono::Utc::now().date_naive();
    crate::render::creation_date(now)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The comparison in `format`.
pub fn output(c: &Compared, format: Format) -> Result<Vec<u8>, Error> {
    Ok(match format {
        Format::Text { color, all } => diff::to_text(&c.report, color, all).into_bytes(),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&diff::to_json(&c.report)).map_err(|e| {
                Error::Json {
                    context: "diff".into(),
                    source: e,
                }
            })?;
            s.push('\n');
            s.into_bytes()
        }
        Format::Html => diff::to_html(&c.report, &c.title).into_bytes(),
        Format::Markdown => diff::to_markdown(&c.report, &c.title).into_bytes(),
        Format::Docx { author } => {
            let date = redline_date();
            crate::render::docx::redline::write(
                &c.report,
                &c.old,
                &c.new,
                &crate::render::docx::redline::RedlineMeta {
                    title: &c.title,
                    author,
                    date: &date,
                },
            )
            .map_err(|e| Error::Usage(format!("cannot write the redline: {e}")))?
        }
    })
}

/// Writes the comparison in `format` to the file `path` (atomically).
pub fn write_output(c: &Compared, format: Format, path: &Path) -> Result<(), Error> {
    crate::files::write_atomic(path, &output(c, format)?)
}
