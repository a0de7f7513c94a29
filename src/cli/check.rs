//! `dpa check`: validates the workspace and proves that every applicable requirement is covered.

use serde::Serialize;

use crate::assemble::DocOptions;
use crate::diag::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::read::{self, ClauseText, Finding, Vocabulary};
use crate::select;
use crate::workspace::Workspace;

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
    /// The date (YYYY-MM-DD) to judge dated legal data (the adequacy lists) and the agreements' dates against; default today.
    #[arg(long, value_name = "DATE", value_parser = super::status::parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
}

/// A warning when the built-in adequacy lists were last checked more than 12 months before `today`.
pub fn adequacy_staleness(today: chrono::NaiveDate) -> Option<Diagnostic> {
    if !crate::model::country::adequacy_is_stale(today) {
        return None;
    }
    Some(
        Diagnostic::warning(
            "data/adequacy.toml",
            None,
            format!(
                "the adequacy lists were last checked on {}, more than 12 months before {today}; decisions adopted, renewed or struck down since then are not reflected in the transfer terms",
                crate::model::country::adequacy_as_of()
            ),
        )
        .with_hint("use a release of dpa with current adequacy data, or confirm each vendor's transfer mechanism against the current lists"),
    )
}

/// One requirement's coverage for one vendor.
#[derive(Debug, Serialize)]
pub struct RequirementCoverage {
    /// Requirement id.
    pub id: String,
    /// Citation.
    pub citation: String,
    /// `V` or `S`.
    pub mark: String,
    /// `required`, `recommended` or `optional`.
    pub level: String,
    /// Selected clauses that satisfy it.
    pub clauses: Vec<String>,
    /// Whether at least one does.
    pub covered: bool,
}

/// Coverage for one vendor.
#[derive(Debug, Serialize)]
pub struct VendorCoverage {
    /// Vendor id.
    pub vendor: String,
    /// Frameworks that apply.
    pub frameworks: Vec<String>,
    /// Every applicable requirement.
    pub requirements: Vec<RequirementCoverage>,
    /// What a signatory would stop at in the agreement's text.
    pub findings: Vec<Finding>,
}

/// Computes the coverage of one vendor's selected clauses.
pub fn coverage(
    ws: &Workspace,
    vendor: &crate::model::Vendor,
    app: &select::Applicability,
) -> VendorCoverage {
    let facts = select::facts(&ws.company, vendor, app);
    let selected = select::clauses(&ws.library, app, &facts);
    let requirements = ws
        .library
        .requirements()
        .iter()
        .filter(|r| r.applies(&app.frameworks, &facts))
        .map(|r| {
            let clauses: Vec<String> = selected
                .iter()
                .filter(|c| c.satisfies.contains(&r.id))
                .map(|c| c.id.clone())
                .collect();
            RequirementCoverage {
                id: r.id.clone(),
                citation: r.citation.clone(),
                mark: r.mark.clone(),
                level: r.level.clone(),
                covered: !clauses.is_empty(),
                clauses,
            }
        })
        .collect();
    VendorCoverage {
        vendor: vendor.id.clone(),
        frameworks: app.frameworks.iter().map(|s| s.to_string()).collect(),
        requirements,
        findings: Vec::new(),
    }
}

/// Runs `dpa check`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    ws.templates.check_all(&ws.library, &mut diags);
    let today = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    if let Some(d) = adequacy_staleness(today) {
        diags.push(d);
    }
    let all = args.vendors.is_empty();
    let ids = super::render::vendor_ids(&ws, &args.vendors, all, &mut diags);
    let vocabulary = Vocabulary::from_bodies(ws.library.clauses().map(|c| c.body.as_str()));
    let mut reports = Vec::new();
    let mut gaps = 0usize;
    let mut readings = Vec::new();
    for id in &ids {
        let Some(vendor) = ws.load_vendor(id, &mut diags) else {
            continue;
        };
        let options = DocOptions {
            final_: false,
            version: "draft".into(),
        };
        let Some(prepared) = ws.prepare(vendor, &options, &mut diags) else {
            continue;
        };
        let parsed = typst::syntax::parse(&prepared.assembled.source);
        for err in parsed.errors_and_warnings().0.into_iter().take(5) {
            diags.push(
                Diagnostic::error(
                    format!("{id}.typ"),
                    None,
                    format!("generated Typst does not parse: {}", err.message),
                )
                .with_hint("check template overrides in templates/"),
            );
        }
        let mut report = coverage(&ws, &prepared.vendor, &prepared.app);
        let clauses: Vec<ClauseText> = prepared
            .assembled
            .clauses
            .iter()
            .map(ClauseText::from)
            .collect();
        let names = read::proper_names(&ws.company, &prepared.vendor);
        report.findings = read::read(&clauses, &vocabulary, &names, today);
        for f in &report.findings {
            readings.push(
                Diagnostic::error(
                    &prepared.vendor.file,
                    None,
                    format!(
                        "{} in the agreement for vendor `{id}`, clause {} ({}): {}",
                        f.kind.label(),
                        f.clause,
                        f.title,
                        f.message
                    ),
                )
                .with_hint(format!("the text reads: {}", f.excerpt)),
            );
        }
        for r in report.requirements.iter().filter(|r| !r.covered) {
            gaps += 1;
            let summary = ws
                .library
                .requirement(&r.id)
                .map(|q| q.summary.clone())
                .unwrap_or_default();
            diags.push(
                Diagnostic::error(&prepared.vendor.file, None, format!("requirement {} ({}) applies to vendor `{id}` but no selected clause satisfies it", r.id, r.citation))
                    .with_hint(format!("the agreement must {summary}"))
                    .with_hint(format!("add `{}` to the `satisfies` list of a clause selected for this vendor", r.id)),
            );
        }
        reports.push(report);
    }
    let invalid = diags
        .iter()
        .any(|d| d.is_error() && !d.message.starts_with("requirement "));
    let found = readings.len();
    for d in readings {
        diags.push(d);
    }
    ctx.report(&diags, &ws);
    if invalid {
        return Ok(2);
    }
    if args.coverage || args.format == Format::Json {
        match args.format {
            Format::Json => {
                let value = serde_json::json!({ "vendors": reports });
                let text = serde_json::to_string_pretty(&value).map_err(|e| Error::Json {
                    context: "coverage".into(),
                    source: e,
                })?;
                ctx.out(&format!("{text}\n"))?;
            }
            Format::Text => ctx.out(&coverage_text(&reports))?,
        }
    } else if !ctx.quiet {
        let reqs: usize = reports.iter().map(|r| r.requirements.len()).sum();
        ctx.out(&format!(
            "checked {} vendor{}, {} clauses, {} requirement checks: {}\n",
            reports.len(),
            if reports.len() == 1 { "" } else { "s" },
            ws.library.clauses().count(),
            reqs,
            if gaps == 0 {
                "all covered".to_string()
            } else {
                format!("{gaps} not covered")
            }
        ))?;
        ctx.out(&format!(
            "read {} agreement{} as a signatory: {}\n",
            reports.len(),
            if reports.len() == 1 { "" } else { "s" },
            match found {
                0 => "nothing to stop at".to_string(),
                1 => "1 finding".to_string(),
                n => format!("{n} findings"),
            }
        ))?;
    }
    Ok(if gaps > 0 || found > 0 { 1 } else { 0 })
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
