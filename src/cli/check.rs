//! `dpa check`: validates the workspace and proves that every applicable requirement is covered.

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::pipeline::check::{self, CheckOptions, CheckReport, Failure, Outcome, VendorCoverage};

use super::{Ctx, Format};

/// Arguments of `dpa check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Vendor ids to check; all vendors when none is given.
    #[arg(value_name = "VENDOR")]
    pub vendors: Vec<String>,
    /// Print the coverage matrix: requirement -> clauses, per vendor.
    #[arg(long)]
    pub coverage: bool,
    /// Output format: text, or JSON with each vendor's coverage and the signatory's read.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// The date (YYYY-MM-DD) to judge dated legal data (the adequacy lists) and the agreements' dates against, and on the processor side the date whose sub-processors each customer's Annex III lists; default today.
    #[arg(long, value_name = "DATE", value_parser = super::args::parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
}

/// Runs `dpa check`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    let conflicted = super::report_conflicts(ctx);
    let mut diags = Diagnostics::new();
    let mut ws = super::open(ctx, &mut diags)?;
    if let Some(date) = args.as_of {
        ws.date = date;
    }
    let options = CheckOptions {
        vendors: args.vendors,
        today: args
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
    };
    let report = check::check(&ws, &options);
    let mut printed = Diagnostics::new();
    printed.extend(report.failures.iter().map(Failure::diagnostic));
    ctx.report(&printed, &ws);
    match report.outcome() {
        Outcome::Invalid => return Ok(2),
        Outcome::Clean | Outcome::Findings => {}
    }
    match args.format {
        Format::Json => {
            let value = serde_json::json!({ "vendors": report.vendors });
            let text = serde_json::to_string_pretty(&value).map_err(|e| Error::Json {
                context: "coverage".into(),
                source: e,
            })?;
            ctx.out(&format!("{text}\n"))?;
        }
        Format::Text if args.coverage => ctx.out(&coverage_text(&report.vendors))?,
        Format::Text if !ctx.quiet => ctx.out(&summary(&report, ws.side))?,
        Format::Text => {}
    }
    if conflicted {
        return Ok(2);
    }
    Ok(match report.outcome() {
        Outcome::Clean => 0,
        Outcome::Findings => 1,
        Outcome::Invalid => 2,
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The two summary lines: coverage, and the signatory's read.
fn summary(report: &CheckReport, side: dpa::side::Side) -> String {
    let n = report.vendors.len();
    // On the processor side one customer may have two agreements (separate documents).
    let what = match side {
        dpa::side::Side::Vendors => "vendor",
        dpa::side::Side::Customers => "customer agreement",
    };
    let gaps = report.gaps().count();
    let no_terms = report.no_terms().count();
    let found = report.readings().count();
    // What was checked is the drafting, never the signatures: `dpa status` tracks those.
    let mut out = format!(
        "checked {n} {what}{}, {} clauses, {} requirement checks: {}\nread {n} draft agreement{} as a signatory: {}\n",
        plural(n),
        report.clauses,
        report.requirement_checks(),
        match (gaps, no_terms) {
            (0, 0) if report.requirement_checks() > 0 => format!(
                "the clause library covers every requirement that applies to the {n} record{}",
                plural(n)
            ),
            (0, 0) => "no requirement applies".to_string(),
            (g, 0) => format!(
                "{g} requirement{} not covered by the clause library",
                plural(g)
            ),
            (0, m) => format!(
                "{m} {what}{} with personal data under no law's terms",
                plural(m)
            ),
            (g, m) => format!(
                "{g} requirement{} not covered by the clause library; {m} {what}{} with personal data under no law's terms",
                plural(g),
                plural(m)
            ),
        },
        plural(n),
        match found {
            0 => "nothing to stop at".to_string(),
            1 => "1 finding".to_string(),
            n => format!("{n} findings"),
        }
    );
    if !report.no_agreement.is_empty() {
        out.push_str(&format!(
            "not drafted: {} (no personal data, no agreement needed)\n",
            report.no_agreement.join(", ")
        ));
    }
    out.push_str(
        "signatures are not checked here: `dpa status` says which agreements are signed\n",
    );
    out
}

fn coverage_text(reports: &[VendorCoverage]) -> String {
    let mut out = String::new();
    for r in reports {
        out.push_str(&format!("{}  [{}]\n", r.vendor, r.frameworks.join(", ")));
        let width = r.requirements.iter().map(|q| q.id.len()).max().unwrap_or(0);
        for q in &r.requirements {
            let mark = if q.mark == "S" {
                " (S: secondary sources)"
            } else {
                ""
            };
            let clauses = if q.covered {
                q.clauses.join(", ")
            } else {
                "NOT COVERED".to_string()
            };
            out.push_str(&format!(
                "  {:width$}  {clauses}  -- {}{mark}\n",
                q.id, q.citation
            ));
        }
        out.push('\n');
    }
    out
}
