//! `dpa import`: the arguments of [`dpa::pipeline::import()`], and its report.

use std::fmt::Write as _;
use std::path::PathBuf;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::import::{self, Action, Plan, Table};
use dpa::pipeline::import::Request;

use super::Ctx;

/// Arguments of `dpa import`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Columns are matched to record fields by their headers (Vendor Name, Country, Privacy Contact Email, Start Date, Regions, CCPA Role, ...; a column named after an Annex II category such as Encryption fills `security.<category>`); --map overrides or adds a match. Lists (regions, purposes, data subjects, data categories) are separated by `;`.\nExit status: 0 done; 1 rows were left out with --skip-invalid; 2 a row is invalid (nothing written), the file cannot be read, or bad arguments."
)]
pub struct Args {
    /// The export: CSV (`,` `;` or tab separated, UTF-8 or Windows-1252) or XLSX (first sheet).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Which record field a column fills, e.g. `--map "Supplier=name" --map "HQ=country"`;
    /// `--map "Spend="` leaves a column out. Fields: id, name, short_name, entity, address,
    /// country, effective, owner, notes, contact.*, signatory.*, service.*, processing.*,
    /// transfers.*, security.CATEGORY.
    #[arg(long = "map", value_name = "COLUMN=FIELD", value_parser = parse_map)]
    pub maps: Vec<(String, String)>,
    /// Keep the --map pairs in the workspace's `import-map.toml`, which every later import reads.
    #[arg(long)]
    pub save_map: bool,
    /// Check everything and print what would be done and the records it would write, writing nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Edit existing records in place with the row's non-empty values (comments and layout kept).
    #[arg(long)]
    pub update: bool,
    /// Import the valid rows and leave out the invalid ones (reported) instead of writing nothing.
    #[arg(long)]
    pub skip_invalid: bool,
}

fn parse_map(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((c, f)) if !c.trim().is_empty() => Ok((c.trim().to_string(), f.trim().to_string())),
        _ => Err(format!(
            "`{s}` is not COLUMN=FIELD (for example \"Supplier=name\")"
        )),
    }
}

/// Runs `dpa import`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    let shown = args.file.display().to_string();
    let request = Request {
        maps: &args.maps,
        save_map: args.save_map,
        dry_run: args.dry_run,
        update: args.update,
        skip_invalid: args.skip_invalid,
    };
    let done = dpa::pipeline::import(&ctx.root, &args.file, &shown, &request)?;
    let plan = &done.plan;
    if done.used_saved_map && !ctx.quiet {
        ctx.note(&format!(
            "note: columns mapped as saved in {}",
            import::mapfile::FILE
        ));
    }
    // Messages name the row, the column and the value; the row itself is never printed.
    let lookup = |_: &str| -> Option<String> { None };
    if done.saved_map {
        ctx.note(&format!(
            "note: the column mapping is saved in {}; later imports use it",
            import::mapfile::FILE
        ));
    }
    let mut diags = Diagnostics::new();
    diags.extend(plan.diagnostics.iter().cloned());
    if plan.has_errors() {
        ctx.report(&diags, &lookup);
        let rows = plan
            .outcomes
            .iter()
            .filter(|o| o.action == Action::Invalid)
            .count();
        ctx.note(&format!(
            "{rows} of {} rows are invalid; nothing was written (--skip-invalid imports the others)",
            plan.outcomes.len()
        ));
        return Err(Error::Invalid(plan.diagnostics.error_count()));
    }
    ctx.report(&diags, &lookup);
    ctx.out(&summary(plan, &done.table, args.dry_run))?;
    let skipped = plan.outcomes.iter().any(|o| o.action == Action::Invalid);
    ctx.finish(if skipped { 1 } else { 0 })
}

/// The per-row report, the fields still missing per vendor, and the columns not imported.
fn summary(plan: &Plan, table: &Table, dry_run: bool) -> String {
    let mut out = String::new();
    let width = plan
        .outcomes
        .iter()
        .map(|o| o.id.len())
        .max()
        .unwrap_or(0)
        .max(6);
    let (mut created, mut updated, mut kept, mut invalid) = (0, 0, 0, 0);
    for o in &plan.outcomes {
        let (word, detail) = match &o.action {
            Action::Create => {
                created += 1;
                let mut d = format!("vendors/{}.toml", o.id);
                if let Some(why) = &o.renamed {
                    let _ = write!(d, ", as {why}");
                }
                ("new", d)
            }
            Action::Update(fields) => {
                updated += 1;
                (
                    "update",
                    format!("vendors/{}.toml: {}", o.id, fields.join(", ")),
                )
            }
            Action::Unchanged => {
                kept += 1;
                (
                    "same",
                    format!("vendors/{}.toml already holds the row's values", o.id),
                )
            }
            Action::Exists => {
                kept += 1;
                (
                    "exists",
                    format!("vendors/{}.toml kept as it is (--update edits it)", o.id),
                )
            }
            Action::Invalid => {
                invalid += 1;
                ("invalid", "left out (see the messages above)".to_string())
            }
        };
        let _ = writeln!(out, "{word:<8} {:<width$}  row {:<4} {detail}", o.id, o.row);
    }
    if dry_run {
        for o in &plan.outcomes {
            if matches!(o.action, Action::Create | Action::Update(_)) {
                let _ = write!(
                    out,
                    "\n--- vendors/{}.toml (would be written)\n{}",
                    o.id, o.text
                );
                if !o.text.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
    let missing: Vec<_> = plan
        .outcomes
        .iter()
        .filter(|o| {
            !o.missing.is_empty()
                && matches!(
                    o.action,
                    Action::Create | Action::Update(_) | Action::Unchanged
                )
        })
        .collect();
    if !missing.is_empty() {
        out.push_str("\nStill missing before the agreement can be drafted (the tracker works without them):\n");
        for o in missing {
            let _ = writeln!(out, "  {:<width$}  {}", o.id, o.missing.join(", "));
        }
    }
    let ignored: Vec<String> = table
        .columns
        .iter()
        .zip(&plan.mapping)
        .filter(|(c, m)| m.is_none() && !c.header.is_empty())
        .map(|(c, _)| format!("{} ({})", c.letter, c.header))
        .collect();
    if !ignored.is_empty() {
        let _ = writeln!(out, "\nColumns not imported: {}", ignored.join(", "));
    }
    for n in &plan.notes {
        let _ = writeln!(out, "Note: {n}");
    }
    let _ = writeln!(
        out,
        "\n{} rows: {created} new, {updated} updated, {kept} kept as they are{}. {}",
        plan.outcomes.len(),
        if invalid > 0 {
            format!(", {invalid} invalid and left out")
        } else {
            String::new()
        },
        if dry_run {
            "Dry run: nothing was written."
        } else if created + updated == 0 {
            "Nothing was written."
        } else {
            "Records written."
        }
    );
    out
}
