//! `dpa render`: agreements as PDF, with their Typst source and manifest.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::pipeline::render::{Done, Options, plan, render_many};
use dpa::pipeline::render_workers::{self, BATCH};
use dpa::render::Renderer;

use super::Ctx;

/// Arguments of `dpa render`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Vendor ids (file stems in vendors/).
    #[arg(value_name = "VENDOR", required_unless_present = "all")]
    pub vendors: Vec<String>,
    /// Render every vendor in vendors/.
    #[arg(long, conflicts_with = "vendors")]
    pub all: bool,
    /// Directory to write into (one folder per vendor); default `out/` in the workspace.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Final form: no DRAFT watermark, PDF/A-2b, byte-for-byte reproducible.
    #[arg(long = "final")]
    pub final_: bool,
    /// Also write a Word document (`pdf` writes the PDF, Typst source and manifest only).
    #[arg(long, value_enum, default_value_t = OutputFormat::Pdf)]
    pub format: OutputFormat,
    /// With `--format docx`: restrict editing of the Word document to tracked changes (no password).
    #[arg(long)]
    pub protect: bool,
    /// With --all: render every agreement, even those whose outputs are current.
    #[arg(long)]
    pub force: bool,
    /// Render this many agreements at once (default: one per core).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Processor side: draft the agreements as they stand on this date (YYYY-MM-DD), with the
    /// sub-processors in each customer's Annex III on it; default today.
    #[arg(long, value_name = "DATE", value_parser = super::args::parse_date)]
    pub as_of: Option<chrono::NaiveDate>,
}

/// Extra output formats of `dpa render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// PDF, Typst source and manifest.
    Pdf,
    /// The same, plus a Word document with the same content and structure.
    Docx,
}

/// Runs `dpa render`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    if args.protect && args.format != OutputFormat::Docx {
        return Err(Error::Usage(
            "--protect restricts editing of the Word document: add --format docx".into(),
        ));
    }
    if args.force && !args.all {
        return Err(Error::Usage(
            "--force goes with --all: vendors named on the command line are always rendered".into(),
        ));
    }
    if args.as_of.is_some() && args.final_ {
        return Err(Error::Usage(
            "--as-of previews a draft as it will stand on a date; a final render is what `dpa record` issues today: drop --final or --as-of".into(),
        ));
    }
    let started = Instant::now();
    let mut diags = Diagnostics::new();
    let mut ws = super::open(ctx, &mut diags)?;
    if let Some(date) = args.as_of {
        if ws.side == dpa::side::Side::Vendors {
            return Err(Error::Usage(
                "--as-of is for the processor side, where the date decides which of our sub-processors are in each customer's Annex III; a vendor's agreement does not change with the date".into(),
            ));
        }
        // The render key holds the Annex III this date gives, so a change of date that changes
        // an Annex III re-renders that agreement (see `Workspace::input_key`).
        ws.date = date;
    }
    let ids = super::args::vendor_ids(&ws, &args.vendors, args.all, &mut diags);
    let opened = started.elapsed();
    if args.all && ids.is_empty() && !diags.has_errors() {
        ctx.note("no vendor records in vendors/");
    }
    let options = Options {
        out_root: args.out.clone().unwrap_or_else(|| ws.root.join("out")),
        final_: args.final_,
        docx: (args.format == OutputFormat::Docx).then_some(args.protect),
    };
    // With --all, only the agreements whose inputs changed or whose outputs are not intact.
    let (todo, current) = if args.all && !args.force {
        let plan = plan(&ws, &ids, &options);
        if ctx.verbose > 0 {
            eprintln!(
                "opened the workspace in {opened:.2?}; checked {} agreements in {:.2?}: {} to render",
                ids.len(),
                started.elapsed() - opened,
                plan.stale.len()
            );
            for (id, reason) in &plan.stale {
                eprintln!("{id}: rendering: {reason}");
            }
        }
        let todo: Vec<String> = plan.stale.into_iter().map(|(id, _)| id).collect();
        (todo, plan.current.len())
    } else {
        (ids, 0)
    };
    let progress = super::progress::Progress::new(ctx, todo.len() as u64, "rendering");
    let rendered = AtomicUsize::new(0);
    let mut code = 0u8;
    if todo.len() > BATCH {
        let line = |l: &str| {
            progress.println(l);
            progress.inc();
            rendered.fetch_add(1, Ordering::Relaxed);
        };
        code = render_workers::in_processes(
            &ws,
            &todo,
            &options,
            args.as_of,
            jobs(&args),
            ctx.color_err,
            ctx.quiet,
            &line,
        )?;
    } else {
        let renderer = Renderer::new(Some(ws.root.clone()));
        let first_error: Mutex<Option<Error>> = Mutex::new(None);
        let done = |_id: &str, result: Result<Option<Done>, Error>, vd: Diagnostics| {
            match result {
                Ok(Some(d)) => {
                    rendered.fetch_add(1, Ordering::Relaxed);
                    progress.println(&render_workers::line(&ws.root, &d));
                }
                Ok(None) => {}
                Err(e) => {
                    first_error
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get_or_insert(e);
                }
            }
            progress.suspend(|| ctx.report(&vd, &ws));
            progress.inc();
        };
        render_many(
            &ws,
            &renderer,
            &todo,
            &options,
            args.jobs.unwrap_or(0),
            &done,
        )?;
        if let Some(e) = first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
            progress.finish();
            return Err(e);
        }
    }
    progress.finish();
    ctx.report(&diags, &ws);
    let rendered = rendered.into_inner();
    let failed = todo.len().saturating_sub(rendered);
    if args.all && !ctx.quiet {
        let mut summary = format!("{rendered} rendered, {current} unchanged");
        if failed > 0 {
            summary.push_str(&format!(", {failed} failed"));
        }
        let _ = ctx.out(&format!("{summary}\n"));
    }
    if ctx.verbose > 0 {
        eprintln!(
            "rendered {rendered} of {} in {:.2?}",
            todo.len(),
            started.elapsed()
        );
    }
    ctx.finish(if failed > 0 || code != 0 || diags.has_errors() {
        2
    } else {
        0
    })
}

/// Worker processes or threads: `-j`, else one per core.
fn jobs(args: &Args) -> usize {
    args.jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1)
}
