//! A bulk render in worker processes: batches of agreements, each rendered by this executable
//! started again with [`WORKER_ENV`] set to the batch (JSON). The library owns the worker's
//! entry: a constructor (as for the document reader's worker, see
//! [`crate::documents::sandbox`]) renders the batch before `main` runs, in any binary that
//! links the library, so no front end dispatches it.
//!
//! The compiler's caches grow with every distinct document a process lays out, even when
//! evicted; a fresh process per batch keeps the footprint of a bulk run flat.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::diag::{self, Diagnostics};
use crate::error::Error;
use crate::files::display_path;
use crate::render::Renderer;
use crate::workspace::Workspace;

use super::render::{Done, Options, in_workers, render_many};

/// The environment variable that turns the executable into a render worker; its value is the
/// [`Batch`] as JSON.
pub const WORKER_ENV: &str = "DPA_RENDER_WORKER";

/// Agreements rendered by one worker process.
pub const BATCH: usize = 32;

/// What one worker renders, and how it reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Batch {
    /// The workspace.
    pub root: PathBuf,
    /// The folder written into.
    pub out_root: PathBuf,
    /// Final form.
    pub final_: bool,
    /// A Word copy too; `Some(true)` protected.
    pub docx: Option<bool>,
    /// The processor side's date of the drafts.
    pub as_of: Option<NaiveDate>,
    /// Colour in the diagnostics on stderr.
    pub color: bool,
    /// Only errors on stderr.
    pub quiet: bool,
    /// The vendor ids.
    pub ids: Vec<String>,
}

/// One rendered agreement as a worker reports it, and as a front end may print it:
/// `out/acme/acme.pdf  4 pages  draft`.
pub fn line(root: &std::path::Path, d: &Done) -> String {
    format!(
        "{}  {} pages  {}",
        display_path(root, &d.pdf),
        d.pages,
        d.version
            .map_or_else(|| "draft".to_string(), |n| format!("final v{n}"))
    )
}

/// Renders `ids` in worker processes, `jobs` at once, in batches of at most [`BATCH`]; `line`
/// receives each agreement rendered, as [`line()`] words it. The worker's diagnostics go to
/// this process's stderr as they come. Returns the highest exit code of the workers.
#[allow(clippy::too_many_arguments)]
pub fn in_processes(
    ws: &Workspace,
    ids: &[String],
    options: &Options,
    as_of: Option<NaiveDate>,
    jobs: usize,
    color: bool,
    quiet: bool,
    line: &(dyn Fn(&str) + Sync),
) -> Result<u8, Error> {
    keep_hook();
    let exe = std::env::current_exe().map_err(Error::Worker)?;
    let out_root = std::path::absolute(&options.out_root).unwrap_or(options.out_root.clone());
    let command = |batch: &[String]| {
        let job = Batch {
            root: ws.root.clone(),
            out_root: out_root.clone(),
            final_: options.final_,
            docx: options.docx,
            as_of,
            color,
            quiet,
            ids: batch.to_vec(),
        };
        let mut cmd = std::process::Command::new(&exe);
        cmd.current_dir(&ws.root)
            .env(WORKER_ENV, serde_json::to_string(&job).unwrap_or_default());
        // A worker lives for one batch: an allocator that keeps the memory a document freed
        // for the next one (mimalloc, in the `dpa` binary) need not return it to the system
        // and fault it in again (about 5% of a worker's time; its peak stays near 120 MB).
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            cmd.env("MIMALLOC_PURGE_DELAY", "-1");
        }
        cmd
    };
    in_workers(ids, BATCH, jobs, &command, line)
}

/// Prints diagnostics to stderr as the front end would: errors always, warnings unless quiet
/// (those of the generated Typst never, as without `-v`).
fn report(diags: &Diagnostics, ws: &Workspace, batch: &Batch) {
    let shown: Vec<diag::Diagnostic> = diags
        .iter()
        .filter(|d| d.is_error() || (!batch.quiet && !d.file.ends_with(".typ")))
        .cloned()
        .collect();
    if !shown.is_empty() {
        let text = diag::render(&shown, ws, batch.color);
        let _ = std::io::stderr().write_all(text.as_bytes());
    }
}

/// Renders one batch: the lines on stdout, diagnostics on stderr; the exit code.
fn run(batch: &Batch) -> u8 {
    let mut diags = Diagnostics::new();
    let mut ws = match Workspace::open(&batch.root, &mut diags) {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("error: {e}");
            return e.exit_code();
        }
    };
    if diags.has_errors() {
        report(&diags, &ws, batch);
        return 2;
    }
    if let Some(date) = batch.as_of {
        ws.date = date;
    }
    let options = Options {
        out_root: batch.out_root.clone(),
        final_: batch.final_,
        docx: batch.docx,
    };
    let renderer = Renderer::new(Some(ws.root.clone()));
    let rendered = Mutex::new(0usize);
    let first_error: Mutex<Option<Error>> = Mutex::new(None);
    let done = |_id: &str, result: Result<Option<Done>, Error>, vd: Diagnostics| {
        match result {
            Ok(Some(d)) => {
                *rendered.lock().unwrap_or_else(|p| p.into_inner()) += 1;
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{}", line(&ws.root, &d)).and_then(|()| out.flush());
            }
            Ok(None) => {}
            Err(e) => {
                first_error
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .get_or_insert(e);
            }
        }
        report(&vd, &ws, batch);
    };
    if let Err(e) = render_many(&ws, &renderer, &batch.ids, &options, 1, &done) {
        eprintln!("error: {e}");
        return e.exit_code();
    }
    if let Some(e) = first_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        let mut msg = format!("error: {e}");
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            if !msg.contains(&s.to_string()) {
                msg.push_str(&format!(": {s}"));
            }
            source = s.source();
        }
        eprintln!("{msg}");
        return e.exit_code();
    }
    report(&diags, &ws, batch);
    let rendered = rendered.into_inner().unwrap_or_else(|p| p.into_inner());
    if rendered < batch.ids.len() || diags.has_errors() {
        2
    } else {
        0
    }
}

/// The render worker: when [`WORKER_ENV`] is set, renders its batch and exits the process
/// with the worker's code; otherwise returns and the program goes on.
pub fn worker_if_requested() {
    let Some(job) = std::env::var_os(WORKER_ENV) else {
        return;
    };
    let code = match serde_json::from_str::<Batch>(&job.to_string_lossy()) {
        Ok(batch) => run(&batch),
        Err(e) => {
            eprintln!("error: {WORKER_ENV} does not hold a batch: {e}");
            2
        }
    };
    std::process::exit(i32::from(code));
}

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_vendor = "apple",
    windows
))]
extern "C" fn worker_hook() {
    worker_if_requested();
}

/// Runs [`worker_if_requested`] before `main` in every binary that links the library.
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_vendor = "apple",
    windows
))]
#[used]
#[cfg_attr(
    any(target_os = "linux", target_os = "android"),
    unsafe(link_section = ".init_array")
)]
#[cfg_attr(
    target_vendor = "apple",
    unsafe(link_section = "__DATA,__mod_init_func")
)]
#[cfg_attr(windows, unsafe(link_section = ".CRT$XCU"))]
static WORKER_HOOK: extern "C" fn() = worker_hook;

/// Keeps the constructor linked into every binary that renders in processes.
fn keep_hook() {
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_vendor = "apple",
        windows
    ))]
    let _ = std::hint::black_box(&WORKER_HOOK);
}
