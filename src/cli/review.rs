//! `dpa review`: a DPA of any origin against the requirement registry, with quoted evidence.

use std::fmt::Write as _;
use std::path::PathBuf;

use dpa::diag::Diagnostics;
use dpa::documents;
use dpa::error::Error;
use dpa::library::Library;
use dpa::review::{self, Review, Rules, Status};
use dpa::select::FRAMEWORKS;

use super::Ctx;

/// Output format of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReviewFormat {
    /// Readable text: one line per requirement, the quoted evidence below it.
    Text,
    /// JSON: counts and per-requirement status, reasons and evidence.
    Json,
    /// One self-contained HTML page: the findings, then the document with the evidence highlighted.
    Html,
}

/// Arguments of `dpa review`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Without --vendor, requirements that depend on a vendor's facts are decided for a processor and CCPA service provider that uses sub-processors under a general authorisation.\nExit status: 0 every required requirement is satisfied or partial; 1 one is missing; 2 the file cannot be read or is refused."
)]
pub struct Args {
    /// The agreement to review: PDF, DOCX, HTML, Markdown or plain text (the format is told from its bytes).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Decide which requirements apply from this vendor's record.
    #[arg(long, value_name = "ID")]
    pub vendor: Option<String>,
    /// Review against these frameworks (repeatable), e.g. `--framework gdpr --framework ccpa`.
    #[arg(long = "framework", value_name = "F")]
    pub frameworks: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReviewFormat::Text)]
    pub format: ReviewFormat,
    /// Keep the result as `reviews/<sha256>.json` in the workspace, keyed by the file's hash.
    #[arg(long)]
    pub save: bool,
}

pub use dpa::review::REVIEWS_DIR;

/// Runs `dpa review`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    if args.vendor.is_none() && args.frameworks.is_empty() {
        return Err(Error::Usage(
            "say what to review against: --vendor ID, or --framework F (gdpr, ccpa, scc, uk, ch, usstate)"
                .into(),
        ));
    }
    for f in &args.frameworks {
        if !FRAMEWORKS[1..].contains(&f.as_str()) {
            return Err(Error::Usage(format!(
                "unknown framework `{f}`; known: {}",
                FRAMEWORKS[1..].join(", ")
            )));
        }
    }
    let mut diags = Diagnostics::new();
    let (library, frameworks, facts, workspace_root) = match &args.vendor {
        Some(id) => {
            let ws = super::open(ctx, &mut diags)?;
            let Some(vendor) = ws.load_vendor(id, &mut diags) else {
                ctx.report(&diags, &ws);
                return Err(Error::Invalid(diags.error_count().max(1)));
            };
            let app = ws.applicability(&vendor, &mut diags);
            let facts = ws.facts(&vendor, &app);
            let mut frameworks: Vec<String> = app
                .frameworks
                .iter()
                .filter(|f| **f != "general")
                .map(|f| f.to_string())
                .collect();
            if !args.frameworks.is_empty() {
                frameworks.retain(|f| args.frameworks.contains(f));
            }
            (ws.library.clone(), frameworks, facts, ctx.root.clone())
        }
        None => {
            let library = Library::load(Some(&ctx.root), &mut diags);
            (
                library,
                args.frameworks.clone(),
                review::typical_facts(),
                ctx.root.clone(),
            )
        }
    };
    let rules = Rules::load(Some(&workspace_root), &mut diags);
    let ids: Vec<&str> = library
        .requirements()
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    review::rules::check_references(&rules, &ids, &mut diags);
    if diags.has_errors() {
        ctx.report(&diags, &dpa::workspace::lookup_in(&ctx.root));
        return Err(Error::Invalid(diags.error_count()));
    }
    // Every failure to read is a refusal naming the file (exit 2).
    let doc =
        documents::read_text(&args.file, &documents::Limits::default()).map_err(Error::Document)?;
    let clauses = doc.clauses();
    let fw: Vec<&str> = frameworks.iter().map(String::as_str).collect();
    let applicable: Vec<&dpa::library::Requirement> = library
        .requirements()
        .iter()
        .filter(|r| r.applies(&fw, &facts))
        .collect();
    if applicable.is_empty() {
        return Err(Error::Usage(match &args.vendor {
            Some(id) => format!(
                "no requirement of {} applies to vendor `{id}`",
                frameworks.join(", ")
            ),
            None => "no requirement applies".into(),
        }));
    }
    let review::Outcome {
        findings,
        counts,
        undermining,
    } = review::review(&clauses, &applicable, &rules);
    let result = Review {
        document: args.file.display().to_string(),
        sha256: doc.sha256.clone(),
        format: doc.kind.as_str().into(),
        frameworks,
        vendor: args.vendor.clone(),
        counts,
        undermining,
        findings,
        clauses,
    };
    if args.save {
        let dir = ctx.root.join(REVIEWS_DIR);
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = dir.join(format!("{}.json", result.sha256));
        let json = serde_json::to_string_pretty(&result).map_err(|e| Error::Json {
            context: "review".into(),
            source: e,
        })?;
        dpa::files::write_atomic(&path, format!("{json}\n").as_bytes())?;
        ctx.note(&format!(
            "saved {}",
            dpa::files::display_path(&ctx.root, &path)
        ));
    }
    match args.format {
        ReviewFormat::Text => ctx.out(&to_text(&result, ctx.color_out))?,
        ReviewFormat::Json => {
            let json = serde_json::to_string_pretty(&result).map_err(|e| Error::Json {
                context: "review".into(),
                source: e,
            })?;
            ctx.out(&format!("{json}\n"))?;
        }
        ReviewFormat::Html => ctx.out(&review::html::to_html(&result))?,
    }
    Ok(if result.has_gaps() { 1 } else { 0 })
}

/// The text report: a header, one block per requirement, a summary line.
pub fn to_text(r: &Review, color: bool) -> String {
    let paint = |status: Status, s: &str| -> String {
        if !color {
            return s.to_string();
        }
        let code = match status {
            Status::Satisfied => "32",
            Status::Partial | Status::ToRead => "33",
            Status::Missing | Status::Unchecked => "31",
        };
        format!("\x1b[{code}m{s}\x1b[0m")
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "review of {} ({}, sha256 {}, {} clauses)",
        r.document,
        r.format,
        &r.sha256[..12.min(r.sha256.len())],
        r.clauses.len()
    );
    let _ = writeln!(
        out,
        "frameworks: {}{}\n",
        r.frameworks.join(", "),
        r.vendor
            .as_ref()
            .map(|v| format!(" (from vendor {v})"))
            .unwrap_or_default()
    );
    if !r.undermining.is_empty() {
        let _ = writeln!(out, "clauses that limit several requirements:");
        for u in &r.undermining {
            let place = u
                .number
                .as_deref()
                .or(u.heading.as_deref())
                .unwrap_or("preamble");
            let _ = writeln!(
                out,
                "  {place}: \"{}\"\n          {} (limits {})",
                u.quote,
                u.because,
                u.requirements.join(", ")
            );
        }
        out.push('\n');
    }
    for f in &r.findings {
        let status = format!("{:<9}", f.status.as_str());
        let _ = write!(out, "{} {}", paint(f.status, &status), f.requirement);
        if f.level != "required" {
            let _ = write!(out, " ({})", f.level);
        }
        if !f.reasons.is_empty() {
            let _ = write!(out, ": {}", f.reasons.join("; "));
        }
        out.push('\n');
        if f.evidence.is_empty() {
            let what = if f.status == Status::Unchecked {
                "not checked"
            } else {
                "nothing in the document"
            };
            let _ = writeln!(out, "          {what} ({})", f.summary);
        }
        for e in &f.evidence {
            let place = match (&e.number, &e.heading) {
                (Some(n), Some(t)) => format!("{n} {t}"),
                (Some(n), None) => n.clone(),
                (None, Some(t)) => t.clone(),
                (None, None) => "preamble".into(),
            };
            let mark = match e.bearing {
                review::Bearing::Supports => "",
                review::Bearing::Partial => " [partial]",
                review::Bearing::Against => " [against]",
            };
            let _ = writeln!(out, "          {place}{mark}: \"{}\"", e.quote);
        }
    }
    let c = &r.counts;
    let _ = write!(
        out,
        "\n{} satisfied, {} partial, {} missing, {} to read",
        c.satisfied, c.partial, c.missing, c.to_read
    );
    if c.unchecked > 0 {
        let _ = write!(out, ", {} unchecked (no evidence rule)", c.unchecked);
    }
    out.push('\n');
    out
}
