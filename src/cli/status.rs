//! `dpa status`: the arguments of [`dpa::pipeline::status()`], and the tracker printed or written
//! in the format asked.

use chrono::NaiveDate;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::model::facts::Framework;
use dpa::pipeline::status::{self, Format};
use dpa::track;

use super::Ctx;
use super::args::parse_date;

/// Output format of the tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// A readable table.
    Text,
    /// JSON for programs.
    Json,
    /// RFC 4180 CSV for spreadsheets.
    Csv,
    /// One self-contained HTML page.
    Html,
    /// An Excel workbook (XLSX), written to the file given with --out.
    Xlsx,
    /// A calendar (iCalendar) of expiries, with a reminder --expiring-within days before, and service ends.
    Ics,
}

/// Arguments of `dpa status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only vendors that need FRAMEWORK and have no signed, unexpired version that includes it.
    #[arg(long, value_name = "FRAMEWORK", value_parser = Framework::regulated)]
    pub missing: Option<Framework>,
    /// Only vendors that need FRAMEWORK.
    #[arg(long, value_name = "FRAMEWORK", value_parser = Framework::regulated)]
    pub framework: Option<Framework>,
    /// Only this vendor.
    #[arg(long, value_name = "ID")]
    pub vendor: Option<String>,
    /// Compute states as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Days before expiry that count as "expiring".
    #[arg(long, value_name = "DAYS", default_value_t = 60)]
    pub expiring_within: i64,
    /// Exit with 1 when any needed framework is not covered.
    #[arg(long)]
    pub fail_on_gaps: bool,
    /// Only vendors whose `owner` is OWNER (compared without case).
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    pub format: StatusFormat,
    /// Write the output to FILE instead of stdout (required for --format xlsx).
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
}

/// Runs `dpa status`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    if args.format == StatusFormat::Xlsx && args.out.is_none() {
        return Err(Error::Usage(
            "--format xlsx writes a workbook: say where with --out FILE.xlsx".into(),
        ));
    }
    let conflicted = super::report_conflicts(ctx);
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let options = track::Options {
        vendor: args.vendor,
        framework: args.framework,
        missing: args.missing,
        owner: args.owner,
        as_of: args
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        expiring_within: args.expiring_within,
    };
    let tracker = dpa::pipeline::status(&ws, &options)?;
    diags.extend(tracker.diagnostics.iter().cloned());
    ctx.report(&diags, &ws);
    let invalid = tracker.has_invalid() || diags.has_errors();
    if invalid {
        // The tracker is still written, with each broken record as a "record invalid" row.
        eprintln!(
            "error: some records are invalid; they are listed as \"record invalid\" and the others are tracked"
        );
    }
    if !tracker.uncommitted.is_empty() {
        ctx.note(&format!(
            "note: tracker state not committed to git: [[agreements]] in {} differ from the last commit",
            tracker.uncommitted.join(", ")
        ));
    }
    let rows = &tracker.rows;
    let format = match args.format {
        StatusFormat::Text => Format::Text {
            color: ctx.color_out,
        },
        StatusFormat::Json => Format::Json,
        StatusFormat::Csv => Format::Csv,
        StatusFormat::Html => Format::Html,
        StatusFormat::Xlsx => Format::Xlsx,
        StatusFormat::Ics => Format::Ics {
            expiring_within: args.expiring_within,
        },
    };
    let printed = match &args.out {
        Some(path) => {
            status::write_output(&ws, rows, tracker.as_of, format, path)?;
            if !ctx.quiet {
                eprintln!("wrote {}", path.display());
            }
            Ok(())
        }
        None => {
            let bytes = status::output(&ws, rows, tracker.as_of, format)?;
            ctx.out(&String::from_utf8_lossy(&bytes))
        }
    };
    if invalid || conflicted {
        return Ok(2);
    }
    let gaps = rows.iter().any(|r| r.states.values().any(|s| s.is_gap()));
    if args.fail_on_gaps && gaps {
        return Ok(1);
    }
    printed.map(|()| 0)
}
