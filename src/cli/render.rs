//! `dpa render`: agreements as PDF, with their Typst source and manifest.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rayon::prelude::*;

use crate::assemble::DocOptions;
use crate::diag::Diagnostics;
use crate::error::Error;
use crate::files::display_path;
use crate::render::Renderer;
use crate::workspace::{Workspace, write_output};

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
    /// Render this many agreements at once (default: one per core).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
}

/// Extra output formats of `dpa render`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// PDF, Typst source and manifest.
    Pdf,
    /// The same, plus a Word document with the same content and structure.
    Docx,
}

/// Vendors rendered by one worker process in a bulk run.
const BATCH: usize = 32;
/// Set in the environment of worker processes, so that they render their batch themselves.
const CHILD: &str = "DPA_RENDER_WORKER";

/// Renders many vendors in batches, each in a worker process of its own, as many at once as `-j`.
///
/// The compiler's caches grow with every distinct document a process lays out, even when
/// evicted; a fresh process per batch keeps the footprint of a bulk run flat, and processes
/// use every core.
fn run_batched(
    ctx: &Ctx,
    ws: &Workspace,
    args: &Args,
    ids: &[String],
    out_root: &std::path::Path,
) -> Result<u8, Error> {
    let exe = std::env::current_exe().map_err(Error::Worker)?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let batches: Vec<&[String]> = ids.chunks(BATCH).collect();
    let next = AtomicUsize::new(0);
    let worst = std::sync::atomic::AtomicU8::new(0);
    let spawn_error: Mutex<Option<Error>> = Mutex::new(None);
    let progress = super::progress::Progress::new(ctx, ids.len() as u64, "rendering");
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(batches.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(batch) = batches.get(i) else { break };
                    let mut cmd = std::process::Command::new(&exe);
                    cmd.arg("-C")
                        .arg(&ws.root)
                        .arg("--color")
                        .arg(if ctx.color_err { "always" } else { "never" });
                    if ctx.quiet {
                        cmd.arg("-q");
                    }
                    cmd.arg("render")
                        .arg("--out")
                        .arg(out_root)
                        .arg("-j")
                        .arg("1");
                    if args.final_ {
                        cmd.arg("--final");
                    }
                    if args.format == OutputFormat::Docx {
                        cmd.args(["--format", "docx"]);
                    }
                    if args.protect {
                        cmd.arg("--protect");
                    }
                    cmd.args(batch.iter())
                        .env(CHILD, "1")
                        .stdout(std::process::Stdio::piped());
                    let mut child = match cmd.spawn() {
                        Ok(c) => c,
                        Err(e) => {
                            spawn_error
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .get_or_insert(Error::Worker(e));
                            worst.fetch_max(2, Ordering::Relaxed);
                            break;
                        }
                    };
                    if let Some(stdout) = child.stdout.take() {
                        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout))
                            .map_while(Result::ok)
                        {
                            progress.println(&line);
                            progress.inc();
                        }
                    }
                    let code = child.wait().ok().and_then(|s| s.code()).unwrap_or(2);
                    worst.fetch_max(u8::try_from(code).unwrap_or(2), Ordering::Relaxed);
                }
            });
        }
    });
    progress.finish();
    if let Some(e) = spawn_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    if ctx.verbose > 0 {
        eprintln!(
            "rendered {} vendors in {} batches in {:.2?}",
            ids.len(),
            batches.len(),
            started.elapsed()
        );
    }
    Ok(worst.into_inner())
}

/// Which vendors a command applies to: the ones named, or all with `--all`.
pub fn vendor_ids(
    ws: &Workspace,
    named: &[String],
    all: bool,
    diags: &mut Diagnostics,
) -> Vec<String> {
    if all {
        ws.vendor_ids(diags)
    } else {
        named.to_vec()
    }
}

/// Runs `dpa render`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    if args.protect && args.format != OutputFormat::Docx {
        return Err(Error::Usage(
            "--protect restricts editing of the Word document: add --format docx".into(),
        ));
    }
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let ids = vendor_ids(&ws, &args.vendors, args.all, &mut diags);
    if args.all && ids.is_empty() && !diags.has_errors() {
        ctx.note("no vendor records in vendors/");
    }
    let out_root = args.out.clone().unwrap_or_else(|| ws.root.join("out"));
    if ids.len() > BATCH && std::env::var_os(CHILD).is_none() {
        return run_batched(ctx, &ws, &args, &ids, &out_root);
    }
    let renderer = Renderer::new(Some(ws.root.clone()));
    let started = Instant::now();
    let progress = super::progress::Progress::new(ctx, ids.len() as u64, "rendering");
    let failed = AtomicUsize::new(0);
    let first_error: Mutex<Option<Error>> = Mutex::new(None);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(Error::ThreadPool)?;
    pool.install(|| {
        ids.par_iter().for_each(|id| {
            let mut vd = Diagnostics::new();
            match render_one(
                &ws,
                &renderer,
                id,
                &out_root,
                args.final_,
                (args.format == OutputFormat::Docx).then_some(args.protect),
                &mut vd,
            ) {
                Ok(Some(line)) => progress.println(&line),
                Ok(None) => {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    failed.fetch_add(1, Ordering::Relaxed);
                    first_error
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get_or_insert(e);
                }
            }
            progress.suspend(|| ctx.report(&vd, &ws));
            progress.inc();
            // Keep the compiler's cache bounded: drop what the last documents did not reuse.
            comemo::evict(2);
        })
    });
    progress.finish();
    if let Some(e) = first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    let failed = failed.into_inner();
    ctx.report(&diags, &ws);
    if ctx.verbose > 0 {
        eprintln!(
            "rendered {} of {} in {:.2?}",
            ids.len() - failed,
            ids.len(),
            started.elapsed()
        );
    }
    Ok(if failed > 0 || diags.has_errors() {
        2
    } else {
        0
    })
}

/// Renders one vendor and writes its files (and a Word copy with `docx`, protected when it is `Some(true)`); returns the line to print, or `None` when the vendor failed.
fn render_one(
    ws: &Workspace,
    renderer: &Renderer,
    id: &str,
    out_root: &std::path::Path,
    final_: bool,
    docx: Option<bool>,
    diags: &mut Diagnostics,
) -> Result<Option<String>, Error> {
    let Some(vendor) = ws.load_vendor(id, diags) else {
        return Ok(None);
    };
    let draft = DocOptions {
        final_: false,
        version: "draft".into(),
    };
    let Some(mut prepared) = ws.prepare(vendor.clone(), &draft, diags) else {
        return Ok(None);
    };
    let mut version = None;
    if final_ {
        let n = ws.final_version(&prepared);
        let options = DocOptions {
            final_: true,
            version: n.to_string(),
        };
        let Some(p) = ws.prepare(vendor, &options, diags) else {
            return Ok(None);
        };
        prepared = p;
        version = Some(n);
    }
    let Some(output) = ws.render(renderer, &prepared, version, diags) else {
        return Ok(None);
    };
    let files = write_output(&out_root.join(id), id, &output)?;
    if let Some(protect) = docx {
        let meta = crate::docx::DocxMeta {
            company: &ws.company,
            vendor: &prepared.vendor,
            document_id: format!("DPA-{id}"),
            version: version.map_or_else(|| "draft".to_string(), |n| n.to_string()),
            effective: crate::assemble::context::effective_text(&prepared.vendor),
            title: prepared.assembled.title.clone(),
            created: crate::render::creation_date(prepared.vendor.service.starts),
            protect,
        };
        let bytes = crate::docx::write(&meta, &prepared.assembled.clauses).map_err(|reason| {
            Error::DocxWrite {
                what: id.to_string(),
                reason,
            }
        })?;
        crate::files::write_atomic(&out_root.join(id).join(format!("{id}.docx")), &bytes)?;
    }
    let label = match version {
        Some(n) => format!("final v{n}"),
        None => "draft".into(),
    };
    Ok(Some(format!(
        "{}  {} pages  {label}",
        display_path(&ws.root, &files[0]),
        output.pages
    )))
}
