//! `dpa diff`: clause-level differences between issued versions, Markdown contracts, or library revisions.

use std::path::Path;

use dpa::assemble::DocOptions;
use dpa::diag::Diagnostics;
use dpa::diag::SourceLookup;
use std::io::IsTerminal as _;

use dpa::diff::formatting::Marks;
use dpa::diff::{self, Clause, Report};
use dpa::documents;
use dpa::error::Error;
use dpa::manifest::ManifestClause;
use dpa::pipeline::library_diff::{Affected, LibraryDiff, LibraryDiffError, library_diff};
use dpa::store::{Store, parse_version};

use super::Ctx;

/// Output format of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Terminal text: colour on a terminal, `[-old-]{+new+}` markers otherwise.
    Text,
    /// JSON: summary and per-clause status and word changes.
    Json,
    /// One self-contained HTML redline.
    Html,
    /// GitHub-flavoured Markdown for a pull-request comment: summary table, one section per changed clause.
    Markdown,
    /// A Word redline of the new version with tracked changes (needs --output, or stdout not a terminal).
    Docx,
}

/// Arguments of `dpa diff`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Forms:\n  dpa diff VENDOR [FROM [TO]]   issued versions (`2` or `v2`); default: last issued vs a fresh render\n  dpa diff OLD NEW              any two documents: Markdown, text, HTML, DOCX or PDF, in any pair\n  dpa diff VENDOR RETURNED      the last issued version against a returned document\n  dpa diff --library FROM TO    clause library changes between two git revisions, and the agreements they touch"
)]
pub struct Args {
    /// A vendor id and up to two versions (or one returned document), or two documents, or two git revisions with --library.
    #[arg(value_name = "ARGS", num_args = 1..=3, required = true)]
    pub args: Vec<String>,
    /// Compare the workspace's clause library at two git revisions.
    #[arg(long)]
    pub library: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit with 1 when anything differs.
    #[arg(long)]
    pub exit_code: bool,
    /// Also list unchanged clauses in text output.
    #[arg(long)]
    pub all: bool,
    /// List formatting-only differences (quotes, dashes, spacing, emphasis, link targets) separately; they never count as changes.
    #[arg(long)]
    pub formatting: bool,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Author of the tracked changes in a --format docx redline.
    #[arg(long, value_name = "NAME", default_value = "dpa")]
    pub author: String,
}

/// Extensions that name a document file rather than a vendor id; the format itself is told from
/// the bytes when the file is read.
const DOCUMENT_EXTENSIONS: [&str; 8] = [
    "md", "markdown", "txt", "text", "docx", "pdf", "html", "htm",
];

/// Whether an argument names a document to compare: a known extension, or an existing file.
fn is_document(arg: &str) -> bool {
    let path = Path::new(arg);
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        || path.is_file()
}

/// A document's clauses, with the links and emphasis of each for the formatting notes.
struct Loaded {
    clauses: Vec<Clause>,
    marks: Vec<Marks>,
}

/// Reads a contract of any format as clauses; says how it was read (tracked changes accepted).
fn load_document(ctx: &Ctx, path: &str, keep_preamble: bool) -> Result<Loaded, Error> {
    let doc =
        documents::read(Path::new(path), &documents::Limits::default()).map_err(Error::Document)?;
    for note in &doc.notes {
        ctx.note(&format!("note: {path} {note}"));
    }
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

/// The two sides of a per-document diff, as the renderers that need the clauses see them.
struct Sides<'a> {
    old: &'a [Clause],
    new: &'a [Clause],
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

/// Adds the formatting notes to the report with `--formatting`; without it, says how many there are.
fn formatting(
    ctx: &Ctx,
    args: &Args,
    report: &mut Report,
    sides: &Sides<'_>,
    marks: [&[Marks]; 2],
) {
    let notes = diff::formatting::notes(report, sides.old, sides.new, marks[0], marks[1]);
    if args.formatting {
        report.formatting = notes;
    } else if !notes.is_empty() {
        let n = notes.len();
        ctx.note(&format!(
            "note: {n} formatting-only difference{} (quotes, dashes, spacing, emphasis or link targets) not counted as changes; --formatting lists {}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        ));
    }
}

/// The date of a redline's tracked changes: `SOURCE_DATE_EPOCH` when set (reproducible), else now.
fn redline_date() -> String {
    let now = chrono::Utc::now().date_naive();
    dpa::render::creation_date(now)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn emit(
    ctx: &Ctx,
    args: &Args,
    report: &Report,
    title: &str,
    sides: &Sides<'_>,
) -> Result<u8, Error> {
    if args.format == DiffFormat::Docx {
        let date = redline_date();
        let bytes = dpa::render::docx::redline::write(
            report,
            sides.old,
            sides.new,
            &dpa::render::docx::redline::RedlineMeta {
                title,
                author: &args.author,
                date: &date,
            },
        )
        .map_err(|e| Error::Usage(format!("cannot write the redline: {e}")))?;
        match &args.output {
            Some(path) => {
                dpa::files::write_atomic(path, &bytes)?;
                ctx.note(&format!("wrote {}", path.display()));
            }
            None if std::io::stdout().is_terminal() => {
                return Err(Error::Usage(
                    "--format docx writes a Word file: add --output FILE.docx, or redirect stdout"
                        .into(),
                ));
            }
            None => ctx.out_bytes(&bytes)?,
        }
        return Ok(exit_status(args, report));
    }
    let text = match args.format {
        DiffFormat::Text => diff::to_text(report, ctx.color_out, args.all),
        DiffFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&diff::to_json(report)).map_err(|e| Error::Json {
                    context: "diff".into(),
                    source: e,
                })?;
            s.push('\n');
            s
        }
        DiffFormat::Html => diff::to_html(report, title),
        DiffFormat::Markdown => diff::to_markdown(report, title),
        DiffFormat::Docx => String::new(),
    };
    match &args.output {
        Some(path) => dpa::files::write_atomic(path, text.as_bytes())?,
        None => ctx.out(&text)?,
    }
    Ok(exit_status(args, report))
}

fn exit_status(args: &Args, report: &Report) -> u8 {
    if args.exit_code && report.summary.has_changes() {
        1
    } else {
        0
    }
}

/// Runs `dpa diff`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    if args.library {
        if args.format == DiffFormat::Docx || args.formatting || args.output.is_some() {
            return Err(Error::Usage(
                "--format docx, --formatting and --output compare documents or issued versions, not the clause library".into(),
            ));
        }
        return library(ctx, &args);
    }
    if is_document(&args.args[0]) {
        let [old, new] = args.args.as_slice() else {
            return Err(Error::Usage(
                "comparing documents needs exactly two files: dpa diff OLD NEW".into(),
            ));
        };
        let (a, b) = (
            load_document(ctx, old, true)?,
            load_document(ctx, new, true)?,
        );
        let mut report = diff::diff(&a.clauses, &b.clauses);
        let sides = Sides {
            old: &a.clauses,
            new: &b.clauses,
        };
        formatting(ctx, &args, &mut report, &sides, [&a.marks, &b.marks]);
        return emit(ctx, &args, &report, &format!("{old} → {new}"), &sides);
    }
    vendor(ctx, &args)
}

fn vendor(ctx: &Ctx, args: &Args) -> Result<u8, Error> {
    let id = &args.args[0];
    // `dpa diff ID RETURNED.docx` compares the last issued version with the returned document.
    let positional: Vec<String> = match args.args.as_slice() {
        [_, doc] if is_document(doc) => vec![id.clone(), String::new(), doc.clone()],
        other => other.to_vec(),
    };
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let store = Store::open(&ws.root)?;
    let issued = store.issued(id)?;
    let version = |s: &str| {
        parse_version(s)
            .ok_or_else(|| Error::Usage(format!("`{s}` is not a version: write it as 2 or v2")))
    };
    let from = match positional.get(1).filter(|s| !s.is_empty()) {
        Some(s) => version(s)?,
        None => issued.last().map(|i| i.version).ok_or_else(|| {
            Error::Usage(format!(
                "vendor `{id}` has no issued version yet; run `dpa record {id}` first"
            ))
        })?,
    };
    let old = store.manifest(id, from)?;
    let (new_clauses, to_label) = match positional.get(2) {
        Some(path) if is_document(path) => {
            // A returned document: compare the issued clauses with what the counterparty sent back.
            let theirs = load_document(ctx, path, false)?;
            let ours = from_manifest(&old.clauses);
            let mut report = diff::diff(&ours, &theirs.clauses);
            let sides = Sides {
                old: &ours,
                new: &theirs.clauses,
            };
            formatting(ctx, args, &mut report, &sides, [&[], &theirs.marks]);
            return emit(
                ctx,
                args,
                &report,
                &format!("DPA-{id}: v{from} → {path}"),
                &sides,
            );
        }
        Some(s) => {
            let to = version(s)?;
            (store.manifest(id, to)?.clauses, format!("v{to}"))
        }
        None => {
            let Some(v) = ws.load_vendor(id, &mut diags) else {
                ctx.report(&diags, &ws);
                return Ok(2);
            };
            let Some(prepared) = ws.prepare(
                v,
                &DocOptions {
                    final_: false,
                    version: "draft".into(),
                },
                &mut diags,
            ) else {
                ctx.report(&diags, &ws);
                return Ok(2);
            };
            (prepared.assembled.clauses.to_vec(), "now".to_string())
        }
    };
    ctx.report(&diags, &ws);
    let (ours, next) = (from_manifest(&old.clauses), from_manifest(&new_clauses));
    let mut report = diff::diff(&ours, &next);
    let sides = Sides {
        old: &ours,
        new: &next,
    };
    formatting(ctx, args, &mut report, &sides, [&[], &[]]);
    emit(
        ctx,
        args,
        &report,
        &format!("DPA-{id}: v{from} → {to_label}"),
        &sides,
    )
}

fn library(ctx: &Ctx, args: &Args) -> Result<u8, Error> {
    let [from, to] = args.args.as_slice() else {
        return Err(Error::Usage(
            "--library needs two git revisions: dpa diff --library FROM TO".into(),
        ));
    };
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let store = Store::open(&ws.root)?;
    let lib = match library_diff(&ws, &store, from, to) {
        Ok(lib) => lib,
        Err(LibraryDiffError::Unreadable(unreadable)) => {
            let lookup = |file: &str| {
                unreadable
                    .source_text(file)
                    .or_else(|| ws.source_text(file))
            };
            ctx.report(&unreadable.diagnostics, &lookup);
            return Err(Error::Invalid(unreadable.diagnostics.error_count()));
        }
        Err(LibraryDiffError::Env(e)) => return Err(e),
    };
    let text = match args.format {
        DiffFormat::Json => library_json(&lib)?,
        DiffFormat::Html => diff::to_html(&lib.report, &format!("Clause library: {from} → {to}")),
        DiffFormat::Markdown => {
            diff::to_markdown(&lib.report, &format!("Clause library: {from} → {to}"))
        }
        DiffFormat::Text | DiffFormat::Docx => library_text(&lib, ctx.color_out, args.all),
    };
    ctx.out(&text)?;
    Ok(if args.exit_code && lib.report.summary.has_changes() {
        1
    } else {
        0
    })
}

/// The library diff as JSON: the clause diff's fields, `changed_clauses` and `affected`.
fn library_json(lib: &LibraryDiff) -> Result<String, Error> {
    #[derive(serde::Serialize)]
    struct Json<'a> {
        affected: &'a [Affected],
        changed_clauses: &'a [String],
        #[serde(flatten)]
        report: &'a Report,
    }
    let json = Json {
        affected: &lib.affected,
        changed_clauses: &lib.changed,
        report: &lib.report,
    };
    // Through a JSON value, so keys come out sorted like every other JSON output of `diff`.
    serde_json::to_value(&json)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .map(|s| s + "\n")
        .map_err(|e| Error::Json {
            context: "library diff".into(),
            source: e,
        })
}

/// The library diff as text: the clause diff, then the agreements that contain changed clauses.
fn library_text(lib: &LibraryDiff, color: bool, all: bool) -> String {
    let mut out = diff::to_text(&lib.report, color, all);
    out.push_str(&format!(
        "\nAgreements that contain changed clauses ({}):\n",
        lib.affected.len()
    ));
    if lib.affected.is_empty() {
        out.push_str("  none\n");
    }
    for a in &lib.affected {
        out.push_str(&format!(
            "  {} v{} ({}): {}\n",
            a.vendor,
            a.version,
            a.execution,
            a.clauses.join(", ")
        ));
    }
    out
}
