//! `dpa render`: agreements as PDF, with their Typst source and manifest.

use std::path::PathBuf;
use std::time::Instant;

use crate::assemble::DocOptions;
use crate::diag::Diagnostics;
use crate::error::Error;
use crate::render::Renderer;
use crate::workspace::{Workspace, display_path, write_output};

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
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let ids = vendor_ids(&ws, &args.vendors, args.all, &mut diags);
    if args.all && ids.is_empty() && !diags.has_errors() {
        ctx.note("no vendor records in vendors/");
    }
    let out_root = args.out.clone().unwrap_or_else(|| ws.root.join("out"));
    let renderer = Renderer::new(Some(ws.root.clone()));
    let mut failed = 0usize;
    let started = Instant::now();
    for id in &ids {
        let mut vd = Diagnostics::new();
        let ok = render_one(ctx, &ws, &renderer, id, &out_root, args.final_, &mut vd)?;
        ctx.report(&vd, &ws);
        if !ok {
            failed += 1;
        }
    }
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

fn render_one(
    ctx: &Ctx,
    ws: &Workspace,
    renderer: &Renderer,
    id: &str,
    out_root: &std::path::Path,
    final_: bool,
    diags: &mut Diagnostics,
) -> Result<bool, Error> {
    let Some(vendor) = ws.load_vendor(id, diags) else {
        return Ok(false);
    };
    let draft = DocOptions {
        final_: false,
        version: "draft".into(),
    };
    let Some(mut prepared) = ws.prepare(vendor.clone(), &draft, diags) else {
        return Ok(false);
    };
    let mut version = None;
    if final_ {
        let n = ws.final_version(&prepared);
        let options = DocOptions {
            final_: true,
            version: n.to_string(),
        };
        let Some(p) = ws.prepare(vendor, &options, diags) else {
            return Ok(false);
        };
        prepared = p;
        version = Some(n);
    }
    let Some(output) = ws.render(renderer, &prepared, version, diags) else {
        return Ok(false);
    };
    let dir = out_root.join(id);
    let files = write_output(&dir, id, &output)?;
    let label = match version {
        Some(n) => format!("final v{n}"),
        None => "draft".into(),
    };
    if !ctx.quiet {
        ctx.out(&format!(
            "{}  {} pages  {label}\n",
            display_path(&ws.root, &files[0]),
            output.pages
        ));
    }
    Ok(true)
}
