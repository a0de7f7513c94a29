//! `dpa diff`: the arguments of [`dpa::pipeline::compare`] and [`dpa::pipeline::library_diff()`],
//! and what they print.

use std::path::Path;

use std::io::IsTerminal as _;

use dpa::diag::{Diagnostics, SourceLookup};
use dpa::diff::{self, Report};
use dpa::error::Error;
use dpa::pipeline::compare::{self, Compared, Format};
use dpa::pipeline::library_diff::{Affected, LibraryDiff, LibraryDiffError, library_diff};
use dpa::pipeline::signing;
use dpa::store::Store;

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

/// Prints how the documents were read and, without `--formatting`, how many formatting-only
/// differences were left out.
fn notes(ctx: &Ctx, args: &Args, c: &Compared) {
    for n in &c.notes {
        ctx.note(&format!("note: {} {}", n.document, n.note));
    }
    let n = c.formatting_only;
    if !args.formatting && n > 0 {
        ctx.note(&format!(
            "note: {n} formatting-only difference{} (quotes, dashes, spacing, emphasis or link targets) not counted as changes; --formatting lists {}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        ));
    }
}

/// Prints the comparison, or writes it to `--output`.
fn emit(ctx: &Ctx, args: &Args, c: &Compared) -> Result<u8, Error> {
    notes(ctx, args, c);
    let format = match args.format {
        DiffFormat::Text => Format::Text {
            color: ctx.color_out,
            all: args.all,
        },
        DiffFormat::Json => Format::Json,
        DiffFormat::Html => Format::Html,
        DiffFormat::Markdown => Format::Markdown,
        DiffFormat::Docx => Format::Docx {
            author: &args.author,
        },
    };
    let docx = args.format == DiffFormat::Docx;
    match &args.output {
        Some(path) => {
            compare::write_output(c, format, path)?;
            if docx {
                ctx.note(&format!("wrote {}", path.display()));
            }
        }
        None if docx && std::io::stdout().is_terminal() => {
            return Err(Error::Usage(
                "--format docx writes a Word file: add --output FILE.docx, or redirect stdout"
                    .into(),
            ));
        }
        None => ctx.out_bytes(&compare::output(c, format)?)?,
    }
    Ok(if args.exit_code && c.report.summary.has_changes() {
        1
    } else {
        0
    })
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
        let compared = compare::diff_documents(old, new, args.formatting)?;
        return emit(ctx, &args, &compared);
    }
    vendor(ctx, &args)
}

fn vendor(ctx: &Ctx, args: &Args) -> Result<u8, Error> {
    let id = &args.args[0];
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let version = |s: &String| signing::version(s);
    // `dpa diff ID RETURNED.docx` compares the last issued version with the returned document.
    let compared = match args.args.as_slice() {
        [_, doc] if is_document(doc) => {
            compare::diff_returned(&ws, id, None, doc, args.formatting)?
        }
        [_, from, doc] if is_document(doc) => {
            compare::diff_returned(&ws, id, Some(version(from)?), doc, args.formatting)?
        }
        [_, rest @ ..] => {
            let from = rest.first().map(version).transpose()?;
            let to = rest.get(1).map(version).transpose()?;
            match compare::diff_issued(&ws, &mut diags, id, from, to, args.formatting)? {
                Some(c) => {
                    ctx.report(&diags, &ws);
                    c
                }
                None => {
                    ctx.report(&diags, &ws);
                    return Ok(2);
                }
            }
        }
        [] => unreachable!("clap requires one argument"),
    };
    emit(ctx, args, &compared)
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
