//! `dpa confirm`: the arguments of [`dpa::pipeline::confirm()`], and what it recorded.

use chrono::NaiveDate;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::pipeline::confirm::Confirmation;

use super::Ctx;
use super::args::{parse_date, report_record_commit};

/// Arguments of `dpa confirm`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Vendor id.
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
    /// Who confirms the document as reviewed (name and role).
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// Date of the decision (YYYY-MM-DD); today by default.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// The vendor's document, when more than one is recorded (its path as recorded in `file`).
    #[arg(long, value_name = "PATH")]
    pub document: Option<String>,
}

/// Runs `dpa confirm`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    let id = &args.vendor;
    let confirmation = Confirmation {
        vendor: id,
        by: &args.by,
        date: args.date,
        document: args.document.as_deref(),
    };
    confirmation.check()?;
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let Some(done) = dpa::pipeline::confirm(&ws, &mut diags, ctx.offline, &confirmation)? else {
        ctx.report(&diags, &ws);
        return Ok(2);
    };
    report_record_commit(ctx, &done.commit, "the [[agreements]] entry");
    if !ctx.quiet {
        ctx.out(&format!(
            "{id}: \"{}\" ({}, SHA-256 {}) confirmed by {} on {} with {} gaps, {} to read (commit {})\n",
            done.title,
            done.file,
            &done.sha256[..12.min(done.sha256.len())],
            args.by,
            done.on,
            done.open.gaps.len(),
            done.open.to_read.len(),
            done.commit.short()
        ))?;
    }
    Ok(0)
}
