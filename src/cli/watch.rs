//! `dpa watch`: a live preview of one vendor's agreement.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use dpa::error::Error;
use dpa::files::display_path;
use dpa::pipeline::watch::{Outcome, watch};

use super::Ctx;

/// Arguments of `dpa watch`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Vendor id (file stem in vendors/).
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
    /// Directory to write into (one folder per vendor); default `out/` in the workspace.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Set by SIGINT or SIGTERM; the watch stops between renders.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::Relaxed);
}

/// Runs `dpa watch`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    // A vendor that does not exist fails at once; errors in its record are reported by the watch.
    let mut diags = dpa::diag::Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let record = ws
        .root
        .join("vendors")
        .join(format!("{}.toml", args.vendor));
    if !dpa::model::vendor::valid_id(&args.vendor) || !record.is_file() {
        ws.load_vendor(&args.vendor, &mut diags);
        ctx.report(&diags, &ws);
        return Ok(2);
    }
    let root = ws.root.clone();
    drop(ws);
    // SAFETY: the handler only stores into an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    let out_root = args.out.clone().unwrap_or_else(|| root.join("out"));
    ctx.note(&format!(
        "watching the workspace for changes to {}'s agreement (Ctrl-C stops)",
        args.vendor
    ));
    let mut report = |outcome: Outcome<'_>| match outcome {
        Outcome::Rendering => {
            if ctx.verbose > 0 {
                ctx.note(&format!("{}: rendering", args.vendor));
            }
        }
        Outcome::Rendered {
            done,
            elapsed,
            diags,
            sources,
        } => {
            ctx.report(&diags, sources);
            let _ = ctx.out(&format!(
                "{}  {} pages  draft  {} ms\n",
                display_path(&root, &done.pdf),
                done.pages,
                elapsed.as_millis()
            ));
        }
        Outcome::Failed { diags, sources } => {
            ctx.report(&diags, sources);
            ctx.note("not rendered; waiting for the next save");
        }
    };
    watch(&root, &args.vendor, &out_root, &STOP, &mut report)?;
    Ok(0)
}
