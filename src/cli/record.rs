//! `dpa record` and `dpa log`: issue versions into git, and list them.

use crate::assemble::DocOptions;
use crate::diag::Diagnostics;
use crate::error::Error;
use crate::render::Renderer;
use crate::store::Store;
use crate::workspace::Workspace;

use super::Ctx;

/// Arguments of `dpa record`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Vendor ids (file stems in vendors/).
    #[arg(value_name = "VENDOR", required_unless_present = "all")]
    pub vendors: Vec<String>,
    /// Record every vendor in vendors/.
    #[arg(long, conflicts_with = "vendors")]
    pub all: bool,
    /// A note added to each commit message, e.g. why the agreements are reissued.
    #[arg(short, long, value_name = "MSG")]
    pub message: Option<String>,
}

/// Arguments of `dpa log`.
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// Vendor id.
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
}

/// Runs `dpa record`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let store = Store::open(&ws.root)?;
    store.signature()?;
    // Concurrent runs take turns; the second then finds the versions the first issued.
    let _lock = crate::store::RecordLock::acquire(&store, std::time::Duration::from_secs(120))?;
    let ids = super::render::vendor_ids(&ws, &args.vendors, args.all, &mut diags);
    let renderer = Renderer::new(Some(ws.root.clone()));
    let mut failed = false;
    for id in &ids {
        let mut vd = Diagnostics::new();
        match record_one(&ws, &store, &renderer, id, args.message.as_deref(), &mut vd) {
            Ok(Some(line)) => {
                if !ctx.quiet {
                    // A closed pipe must not stop the recording: the remaining vendors are still issued.
                    let _ = ctx.out(&line);
                }
            }
            Ok(None) => failed = true,
            Err(e) => {
                ctx.report(&vd, &ws);
                eprintln!("error: {id}: {e}");
                return Ok(2);
            }
        }
        ctx.report(&vd, &ws);
    }
    ctx.report(&diags, &ws);
    ctx.finish(if failed || diags.has_errors() { 2 } else { 0 })
}

fn record_one(
    ws: &Workspace,
    store: &Store,
    renderer: &Renderer,
    id: &str,
    note: Option<&str>,
    diags: &mut Diagnostics,
) -> Result<Option<String>, Error> {
    let Some(vendor) = ws.load_vendor(id, diags) else {
        return Ok(None);
    };
    let draft = DocOptions {
        final_: false,
        version: "draft".into(),
    };
    let Some(prepared) = ws.prepare(vendor.clone(), &draft, diags) else {
        return Ok(None);
    };
    let issued = store.issued(id)?;
    let last = issued.last().map(|i| i.version).unwrap_or(0);
    if last > 0 {
        let previous = store.manifest(id, last)?;
        if previous.content_sha256 == ws.content_hash(&prepared) {
            return Ok(Some(format!("{id}: unchanged (v{last})\n")));
        }
    }
    let version = last + 1;
    let options = DocOptions {
        final_: true,
        version: version.to_string(),
    };
    let Some(prepared) = ws.prepare(vendor, &options, diags) else {
        return Ok(None);
    };
    let Some(output) = ws.render(renderer, &prepared, Some(version), diags) else {
        return Ok(None);
    };
    let m = &output.manifest;
    let mut message = format!(
        "dpa: issue {id} v{version}\n\nVendor: {id} ({})\nVersion: {version}\nFrameworks: {}\n",
        m.vendor_name,
        m.regulated_frameworks().join(", ")
    );
    if let Some(module) = m.scc_module {
        message.push_str(&format!("SCC-Module: {module}\n"));
    }
    message.push_str(&format!(
        "Document-SHA256: {}\nClauses:\n",
        m.document_sha256
    ));
    for c in &m.clauses {
        message.push_str(&format!("  {} {}@{}\n", c.number, c.id, c.version));
    }
    if let Some(note) = note {
        message.push('\n');
        message.push_str(note.trim());
        message.push('\n');
    }
    let commit = store.record(id, version, &output, &message)?;
    let short: String = commit.to_string().chars().take(10).collect();
    Ok(Some(format!(
        "{id}: issued v{version} ({} pages, commit {short}, tag {})\n",
        output.pages,
        crate::store::tag_name(id, version)
    )))
}

/// Runs `dpa log`.
pub fn log(ctx: &Ctx, args: LogArgs) -> Result<u8, Error> {
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let store = Store::open(&ws.root)?;
    let issued = store.issued(&args.vendor)?;
    let vendor = ws.load_vendor(&args.vendor, &mut Diagnostics::new());
    if issued.is_empty() {
        if vendor.is_none() {
            return Err(Error::Usage(format!(
                "no vendor `{}` and no issued versions for it",
                args.vendor
            )));
        }
        ctx.out(&format!(
            "{}: no issued versions (run `dpa record {}`)\n",
            args.vendor, args.vendor
        ))?;
        return Ok(0);
    }
    let mut out = String::new();
    for i in issued.iter().rev() {
        let date = chrono::DateTime::from_timestamp(i.time, 0)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let frameworks = store
            .manifest(&args.vendor, i.version)?
            .regulated_frameworks()
            .join(", ");
        let state = vendor
            .as_ref()
            .and_then(|v| v.agreements.iter().find(|a| a.version == i.version))
            .map(|a| match (a.status.as_str(), a.signed_on) {
                ("signed", Some(d)) => format!("signed {d}"),
                (s, _) => s.to_string(),
            })
            .unwrap_or_else(|| "issued".into());
        out.push_str(&format!(
            "v{:<3} {date}  {}  {:<16} {frameworks}\n",
            i.version,
            i.commit.to_string().chars().take(10).collect::<String>(),
            state
        ));
    }
    ctx.out(&out)?;
    Ok(0)
}
