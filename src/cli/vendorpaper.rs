//! Agreements on the vendor's paper: `dpa sign --paper vendor` records the vendor's own signed
//! document ([`dpa::pipeline::sign_document`]), `dpa accept` records a gap in it that a person
//! accepted ([`dpa::pipeline::accept`]).

use chrono::NaiveDate;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::model::facts::Framework;
use dpa::model::vendor::AgreementPaper;
use dpa::pipeline::signing::{Acceptance, Document};

use super::Ctx;
use super::args::{parse_date, report_record_commit};
use super::sign;

/// Arguments of `dpa accept`.
#[derive(Debug, clap::Args)]
pub struct AcceptArgs {
    /// Vendor id.
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
    /// The requirement the vendor's document does not satisfy, accepted as it stands (`gdpr.28.4.flowdown`).
    #[arg(value_name = "REQUIREMENT")]
    pub requirement: String,
    /// Who accepts the gap (name and role).
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// Why the gap is acceptable.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Date of the decision (YYYY-MM-DD); today by default.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// The vendor's document, when more than one is recorded (its path as recorded in `file`).
    #[arg(long, value_name = "DOCUMENT")]
    pub file: Option<String>,
}

/// Runs `dpa sign VENDOR --paper vendor --file DOCUMENT ...`, and `--paper ours` without
/// `--version` for an agreement on our paper signed before dpa.
pub fn sign(ctx: &Ctx, args: sign::Args, paper: AgreementPaper) -> Result<u8, Error> {
    let id = &args.vendor;
    let flag = match paper {
        AgreementPaper::Vendor => "--paper vendor",
        AgreementPaper::Ours => "--paper ours without --version",
    };
    if args.version.is_some() {
        return Err(Error::Usage(
            "a document on the vendor's paper has no issued version: leave out --version".into(),
        ));
    }
    let Some(path) = &args.file else {
        return Err(Error::Usage(format!(
            "{flag} needs the signed document: --file EXECUTED.pdf (PDF, DOCX, Markdown or text)"
        )));
    };
    let document = Document {
        vendor: id,
        paper,
        file: path,
        title: args.title.as_deref(),
        frameworks: &args.frameworks,
        date: args.date,
        expires: args.expires,
    };
    document.check()?;
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let Some(done) = dpa::pipeline::sign_document(&ws, &mut diags, ctx.offline, &document)? else {
        ctx.report(&diags, &ws);
        return Ok(2);
    };
    report_record_commit(ctx, &done.commit, "the [[agreements]] entry");
    if !ctx.quiet {
        let kept = &done.kept;
        let next = match paper {
            AgreementPaper::Vendor => format!(
                "It covers those frameworks in `dpa status` once a review finds it complete: dpa review {kept} --vendor {id} --save\n"
            ),
            AgreementPaper::Ours => "It covers those frameworks in `dpa status`; issue today's version with `dpa record` when it is renewed\n".to_string(),
        };
        ctx.out(&format!(
            "{id}: recorded {} \"{}\" ({kept}, SHA-256 {}) as signed on {} for {} (commit {})\n{next}",
            document.whose(),
            done.title,
            &done.sha256[..12],
            args.date,
            Framework::join(&args.frameworks),
            done.commit.short(),
        ))?;
    }
    Ok(0)
}

/// Runs `dpa accept`.
pub fn accept(ctx: &Ctx, args: AcceptArgs) -> Result<u8, Error> {
    let id = &args.vendor;
    let acceptance = Acceptance {
        vendor: id,
        requirement: &args.requirement,
        by: &args.by,
        reason: &args.reason,
        date: args.date,
        file: args.file.as_deref(),
    };
    acceptance.check()?;
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let Some(done) = dpa::pipeline::accept(&ws, &mut diags, ctx.offline, &acceptance)? else {
        ctx.report(&diags, &ws);
        return Ok(2);
    };
    report_record_commit(ctx, &done.commit, "the [[agreements]] entry");
    if !ctx.quiet {
        ctx.out(&format!(
            "{id}: {} accepted in \"{}\" by {} on {} (commit {})\n",
            args.requirement,
            done.title,
            args.by,
            done.on,
            done.commit.short()
        ))?;
    }
    Ok(0)
}
