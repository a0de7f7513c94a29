//! A second, minimal front end: no clap and nothing of `src/cli/`, only calls of the library's
//! pipeline, as a web page or an editor plugin would make them. It shows the tracker
//! (`status`), renders one agreement (`render`) and reviews a document against that vendor's
//! requirements (`review`).
//!
//! `cargo run --example frontend -- WORKSPACE VENDOR DOCUMENT`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::pipeline::{self, render, review::Request};
use dpa::track::{self, words};
use dpa::workspace::Workspace;

/// What the front end shows.
#[derive(Debug)]
pub struct Shown {
    /// Each vendor of the tracker, with its overall state in words.
    pub status: Vec<(String, String)>,
    /// The vendor's draft PDF and its page count; `None` when its record has errors.
    pub rendered: Option<(PathBuf, usize)>,
    /// The review of the document against the vendor's requirements.
    pub review: dpa::review::Review,
}

/// Runs status, render (into `out`) and review on the workspace at `root`.
pub fn run(root: &Path, vendor: &str, document: &Path, out: &Path) -> Result<Shown, Error> {
    let mut diags = Diagnostics::new();
    let ws = Workspace::open(root, &mut diags)?;
    let tracker = pipeline::status(
        &ws,
        &track::Options {
            vendor: None,
            framework: None,
            missing: None,
            owner: None,
            as_of: ws.date,
            expiring_within: 60,
        },
    )?;
    let status = (tracker.rows.iter())
        .map(|r| (r.vendor.clone(), words::overall(r.overall).to_string()))
        .collect();
    let options = render::Options {
        out_root: out.to_path_buf(),
        final_: false,
        docx: None,
    };
    let renderer = dpa::render::Renderer::new(Some(ws.root.clone()));
    let done = render::render_one(&ws, &renderer, vendor, &options, &mut diags)?;
    let request = Request {
        file: document,
        vendor: Some(vendor),
        frameworks: &[],
        save: false,
    };
    let review = pipeline::review(root, &mut diags, &request)?.review;
    Ok(Shown {
        status,
        rendered: done.map(|d| (d.pdf, d.pages)),
        review,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [root, vendor, document] = args.as_slice() else {
        eprintln!("usage: frontend WORKSPACE VENDOR DOCUMENT");
        return ExitCode::from(2);
    };
    let root = Path::new(root);
    match run(root, vendor, Path::new(document), &root.join("out")) {
        Ok(shown) => {
            for (id, state) in &shown.status {
                println!("status  {id}: {state}");
            }
            if let Some((pdf, pages)) = &shown.rendered {
                println!("render  {}: {pages} pages", pdf.display());
            }
            let c = &shown.review.counts;
            println!(
                "review  {}: {} satisfied, {} partial, {} missing",
                shown.review.document, c.satisfied, c.partial, c.missing
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
