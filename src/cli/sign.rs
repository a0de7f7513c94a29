//! `dpa send`, `dpa sign` and `dpa verify`: the arguments of [`dpa::pipeline::signing`] and
//! [`dpa::pipeline::verify_signed`], and what they print.

use std::path::PathBuf;

use chrono::NaiveDate;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::model::facts::Framework;
use dpa::model::vendor::AgreementPaper;
use dpa::pipeline::signing::{self, SignOutcome, Signature};
use dpa::pipeline::verify::{self, Verdict};

use super::Ctx;
use super::args::{parse_date, report_record_commit};

/// Arguments of `dpa sign`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Vendor id.
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
    /// The issued version that was signed (`2` or `v2`); our paper only.
    #[arg(long, value_name = "N", required_unless_present = "paper")]
    pub version: Option<String>,
    /// Whose paper was signed: `ours` (an issued version) or `vendor` (the vendor's own
    /// document, given with --file, --title and --framework; it covers a framework in `status`
    /// once a saved review finds it complete or its gaps are accepted).
    #[arg(long, value_enum)]
    pub paper: Option<PaperArg>,
    /// The title of the vendor's document (vendor paper; default: the file name).
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
    /// A framework the vendor's document is meant to cover (repeatable; vendor paper).
    #[arg(long = "framework", value_name = "F", value_parser = Framework::regulated)]
    pub frameworks: Vec<Framework>,
    /// Date of execution (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: NaiveDate,
    /// Date the signed agreement expires (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub expires: Option<NaiveDate>,
    /// The executed copy: kept as `agreements/<id>/executed/v<N>.pdf` (our paper) or where it is
    /// in the workspace, else as `agreements/<id>/vendor/<name>` (vendor paper), and committed, with its SHA-256.
    #[arg(long, value_name = "EXECUTED.pdf")]
    pub file: Option<PathBuf>,
}

/// Whose paper an agreement is on, as `--paper` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PaperArg {
    /// A version dpa issued.
    Ours,
    /// The vendor's own document.
    Vendor,
}

/// Arguments of `dpa send`.
#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// Vendor id.
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
    /// The issued version that was sent (`2` or `v2`); the latest one by default.
    #[arg(long, value_name = "N")]
    pub version: Option<String>,
    /// Date it was sent (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: NaiveDate,
}

/// Arguments of `dpa verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Vendor id.
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
    /// A file to check against the recorded hash of the executed copy, besides the kept copy.
    #[arg(long, value_name = "PDF")]
    pub file: Option<PathBuf>,
}

/// Runs `dpa send`.
pub fn send(ctx: &Ctx, args: SendArgs) -> Result<u8, Error> {
    let version = args.version.as_deref().map(signing::version).transpose()?;
    let id = &args.vendor;
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let Some(sent) = dpa::pipeline::send(&ws, &mut diags, ctx.offline, id, version, args.date)?
    else {
        ctx.report(&diags, &ws);
        return Ok(2);
    };
    let v = sent.version;
    if let Some(issued_on) = sent.before_issue {
        ctx.note(&format!(
            "note: sent on {} before dpa issued v{v} ({issued_on}): recorded as sent before dpa",
            args.date
        ));
    }
    report_record_commit(ctx, &sent.commit, "the [[agreements]] entry");
    if !ctx.quiet {
        ctx.out(&format!(
            "{id}: recorded v{v} as sent on {} (commit {})\n",
            args.date,
            sent.commit.short()
        ))?;
    }
    Ok(0)
}

/// Runs `dpa sign`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    if args.paper == Some(PaperArg::Vendor) {
        return super::vendorpaper::sign(ctx, args, AgreementPaper::Vendor);
    }
    if args.paper == Some(PaperArg::Ours) && args.version.is_none() {
        // Our paper, signed before dpa: the executed document stands for the version.
        return super::vendorpaper::sign(ctx, args, AgreementPaper::Ours);
    }
    if args.title.is_some() || !args.frameworks.is_empty() {
        return Err(Error::Usage(
            "--title and --framework describe a document on the vendor's paper: add --paper vendor"
                .into(),
        ));
    }
    let Some(version) = &args.version else {
        return Err(Error::Usage(
            "say which issued version was signed with --version N; for an agreement signed before dpa, give --paper ours --file EXECUTED.pdf --title TITLE --framework F, or --paper vendor for the vendor's own document".into(),
        ));
    };
    let version = signing::version(version)?;
    let id = &args.vendor;
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let signature = Signature {
        vendor: id,
        version,
        date: args.date,
        expires: args.expires,
        file: args.file.as_deref(),
    };
    let Some(signing) = dpa::pipeline::sign(&ws, &mut diags, ctx.offline, &signature)? else {
        ctx.report(&diags, &ws);
        return Ok(2);
    };
    if let Some(issued_on) = signing.before_issue {
        ctx.note(&format!(
            "note: signed on {} before dpa issued v{version} ({issued_on}): recorded as an agreement signed before dpa",
            args.date
        ));
    }
    let path = args
        .file
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    match signing.outcome {
        SignOutcome::Signed(signed) => {
            let signing::Signed { copy, kept, commit } = *signed;
            if let Some(Verdict::Same { notes }) = &copy {
                for n in notes {
                    ctx.note(&format!("note: {path}: {n}"));
                }
            }
            report_record_commit(ctx, &commit, "the [[agreements]] entry");
            if !ctx.quiet {
                ctx.out(&format!(
                    "{id}: recorded the signature of v{version} on {}{} (commit {})\n",
                    args.date,
                    kept.map(|p| format!(", executed copy kept as {p}"))
                        .unwrap_or_default(),
                    commit.short()
                ))?;
            }
            Ok(0)
        }
        SignOutcome::Differs(v) => {
            for line in verify::describe(&v, &path, version) {
                eprintln!("error: {id}: {line}");
            }
            eprintln!("error: {id}: nothing was recorded");
            Ok(1)
        }
        SignOutcome::Unreadable(reason) => {
            eprintln!(
                "error: {id}: the executed copy cannot be compared with v{version}: {reason}; nothing was recorded"
            );
            Ok(2)
        }
    }
}

/// Runs `dpa verify`.
pub fn verify(ctx: &Ctx, args: VerifyArgs) -> Result<u8, Error> {
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let id = &args.vendor;
    let Some(found) = dpa::pipeline::verify(&ws, &mut diags, id, args.file.as_deref())? else {
        ctx.report(&diags, &ws);
        return Ok(2);
    };
    if let Some(version) = found.no_executed_copy
        && args.file.is_none()
    {
        ctx.note(&format!(
            "note: no executed copy of v{version} is kept; keep one with `dpa sign --file` when signing"
        ));
    }
    let mut out = String::new();
    for c in &found.confirmed {
        for line in c.to_string().lines() {
            out.push_str(&format!("ok: {line}\n"));
        }
    }
    let printed = ctx.out(&out);
    for p in &found.problems {
        eprintln!("error: {id}: {p}");
    }
    for u in &found.uncompared {
        eprintln!("error: {id}: {u}");
    }
    match found.code() {
        0 => printed.map(|()| 0),
        code => Ok(code),
    }
}
