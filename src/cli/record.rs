//! `dpa record` and `dpa log`: issue versions into git, and list them.

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::model::facts::Framework;
use dpa::pipeline::issue::{Issued, Shared, issue};
use dpa::render::Renderer;
use dpa::store::Store;

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
    let _lock = dpa::store::RecordLock::acquire(&store, std::time::Duration::from_secs(120))?;
    // With an upstream: fetch first, refuse when behind; each version is pushed as it is issued.
    let sharing = store.check_remote(ctx.offline)?;
    let ids = super::args::vendor_ids(&ws, &args.vendors, args.all, &mut diags);
    let renderer = Renderer::new(Some(ws.root.clone()));
    let mut failed = 0usize;
    let (mut new, mut unchanged) = (0usize, 0usize);
    for id in &ids {
        let mut vd = Diagnostics::new();
        let line = match issue(
            &ws,
            &store,
            &renderer,
            id,
            args.message.as_deref(),
            &sharing,
            &mut vd,
        ) {
            Ok(Some(Issued::Unchanged { version })) => {
                unchanged += 1;
                format!("{id}: unchanged (v{version})\n")
            }
            Ok(Some(Issued::New {
                version,
                commit,
                tag,
                pages,
                shared,
            })) => {
                new += 1;
                let short: String = commit.chars().take(10).collect();
                let shared = match shared {
                    Shared::Local => String::new(),
                    Shared::Pushed(up) => format!(", pushed to {up}"),
                    Shared::Provisional(up) => format!(
                        "; provisional until pushed: offline, so {up} was not asked whether v{version} is free; run `dpa sync` when back online, which renumbers it if {up} has taken v{version} meanwhile"
                    ),
                };
                format!(
                    "{id}: issued v{version} ({pages} pages, commit {short}, tag {tag}{shared})\n"
                )
            }
            Ok(None) => {
                failed += 1;
                ctx.report(&vd, &ws);
                continue;
            }
            Err(e) => {
                ctx.report(&vd, &ws);
                eprintln!("error: {id}: {e}");
                return Ok(2);
            }
        };
        if !ctx.quiet {
            // A closed pipe must not stop the recording: the remaining vendors are still issued.
            let _ = ctx.out(&line);
        }
        ctx.report(&vd, &ws);
    }
    ctx.report(&diags, &ws);
    if args.all && !ctx.quiet {
        let mut summary = format!("{new} issued, {unchanged} unchanged");
        if failed > 0 {
            summary.push_str(&format!(", {failed} failed"));
        }
        let _ = ctx.out(&format!("{summary}\n"));
    }
    ctx.finish(if failed > 0 || diags.has_errors() {
        2
    } else {
        0
    })
}

/// Runs `dpa log`.
pub fn log(ctx: &Ctx, args: LogArgs) -> Result<u8, Error> {
    let conflicted = super::report_conflicts(ctx);
    let mut diags = Diagnostics::new();
    // During a merge the versions are still read from git, even when dpa.toml is conflicted.
    let ws = match super::open(ctx, &mut diags) {
        Ok(ws) => Some(ws),
        Err(_) if conflicted => None,
        Err(e) => return Err(e),
    };
    let store = Store::open(&ctx.root)?;
    let issued = store.issued(&args.vendor)?;
    let vendor = ws
        .as_ref()
        .and_then(|ws| ws.load_facts(&args.vendor, &mut Diagnostics::new()))
        .map(|f| f.vendor);
    let provisional = store.provisional()?;
    // Agreements dpa did not issue: signed before dpa, on our paper or the vendor's.
    let mut others = String::new();
    for a in vendor.iter().flat_map(|v| &v.agreements) {
        if a.version.is_some() {
            continue;
        }
        let whose = match a.paper {
            dpa::model::vendor::AgreementPaper::Ours => "our paper",
            dpa::model::vendor::AgreementPaper::Vendor => "vendor's paper",
        };
        let signed = a.signed_on.map_or("-".to_string(), |d| d.to_string());
        others.push_str(&format!(
            "{signed}  \"{}\" ({whose}, not issued by dpa)  {}{}\n",
            a.title.as_deref().unwrap_or("agreement"),
            Framework::join(&a.frameworks),
            afterwards(a)
        ));
    }
    if issued.is_empty() {
        if vendor.is_none() && !conflicted {
            return Err(Error::Usage(format!(
                "no vendor `{}` and no issued versions for it",
                args.vendor
            )));
        }
        let mut out = format!(
            "{}: no issued versions (run `dpa record {}`)\n",
            args.vendor, args.vendor
        );
        out.push_str(&others);
        ctx.out(&out)?;
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
            .and_then(|v| v.agreements.iter().find(|a| a.version == Some(i.version)))
            .map(|a| match (a.status, a.signed_on) {
                (dpa::model::AgreementStatus::Signed, Some(d)) => {
                    (format!("signed {d}"), afterwards(a))
                }
                (s, _) => (s.to_string(), String::new()),
            })
            .unwrap_or_else(|| ("issued".into(), String::new()));
        let state = if provisional
            .keys()
            .any(|p| p.id == args.vendor && p.version == i.version)
        {
            ("provisional".to_string(), state.1)
        } else {
            state
        };
        out.push_str(&format!(
            "v{:<3} {date}  {}  {:<16} {frameworks}{}\n",
            i.version,
            i.commit.to_string().chars().take(10).collect::<String>(),
            state.0,
            state.1
        ));
    }
    out.push_str(&others);
    ctx.out(&out)?;
    Ok(0)
}

/// `; recorded afterwards on D by WHO` for an agreement entered after it was signed.
fn afterwards(a: &dpa::model::vendor::AgreementState) -> String {
    match (a.signed_on, a.recorded_on) {
        (Some(signed), Some(on)) if signed < on => format!(
            "; recorded afterwards on {on}{}",
            a.recorded_by
                .as_ref()
                .map(|b| format!(" by {b}"))
                .unwrap_or_default()
        ),
        _ => String::new(),
    }
}
