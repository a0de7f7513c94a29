//! `dpa review`: the arguments of [`dpa::pipeline::review()`], and its report as text, JSON or
//! HTML.

use std::fmt::Write as _;
use std::path::PathBuf;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::model::facts::Framework;
use dpa::pipeline::review::Request;
use dpa::review::{self, Review, Status};

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
    #[arg(long = "framework", value_name = "F", value_parser = Framework::regulated)]
    pub frameworks: Vec<Framework>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReviewFormat::Text)]
    pub format: ReviewFormat,
    /// Keep the result as `reviews/<sha256>.json` in the workspace, keyed by the file's hash.
    #[arg(long)]
    pub save: bool,
}

/// Runs `dpa review`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    let request = Request {
        file: &args.file,
        vendor: args.vendor.as_deref(),
        frameworks: &args.frameworks,
        save: args.save,
    };
    request.check()?;
    let mut diags = Diagnostics::new();
    let done = match dpa::pipeline::review(&ctx.root, &mut diags, &request) {
        Ok(done) => done,
        Err(e) => {
            ctx.report(&diags, &dpa::workspace::lookup_in(&ctx.root));
            return Err(e);
        }
    };
    if let Some(path) = &done.saved {
        ctx.note(&format!(
            "saved {}",
            dpa::files::display_path(&ctx.root, path)
        ));
    }
    let result = &done.review;
    match args.format {
        ReviewFormat::Text => ctx.out(&to_text(result, ctx.color_out))?,
        ReviewFormat::Json => {
            let json = serde_json::to_string_pretty(result).map_err(|e| Error::Json {
                context: "review".into(),
                source: e,
            })?;
            ctx.out(&format!("{json}\n"))?;
        }
        ReviewFormat::Html => ctx.out(&review::html::to_html(result))?,
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
            let limits: Vec<String> = u
                .names
                .iter()
                .zip(&u.requirements)
                .map(|(n, id)| format!("{n} ({id})"))
                .collect();
            let _ = writeln!(
                out,
                "  {place}: \"{}\"\n          {}\n          limits: {}",
                u.quote,
                u.because,
                limits.join("; ")
            );
        }
        out.push('\n');
    }
    for f in &r.findings {
        let status = format!("{:<9}", f.status.as_str());
        let _ = write!(
            out,
            "{} {} ({})",
            paint(f.status, &status),
            f.name,
            f.requirement
        );
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
