//! `dpa record` and `dpa log`: issue versions into git, and list them.

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::model::facts::Framework;
use dpa::model::vendor::AgreementPaper;
use dpa::pipeline::issue::{Issued, Shared, issue_many};
use dpa::pipeline::log::{Afterwards, Standing};

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
    let ids = super::args::vendor_ids(&ws, &args.vendors, args.all, &mut diags);
    let mut failed = 0usize;
    let (mut new, mut unchanged) = (0usize, 0usize);
    let mut broke = false;
    let mut each = |id: &str, result: Result<Option<Issued>, Error>, vd: Diagnostics| {
        let line = match result {
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
                return;
            }
            Err(e) => {
                ctx.report(&vd, &ws);
                eprintln!("error: {id}: {e}");
                broke = true;
                return;
            }
        };
        if !ctx.quiet {
            // A closed pipe must not stop the recording: the remaining vendors are still issued.
            let _ = ctx.out(&line);
        }
        ctx.report(&vd, &ws);
    };
    issue_many(&ws, &ids, args.message.as_deref(), ctx.offline, &mut each)?;
    if broke {
        return Ok(2);
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
    let found = dpa::pipeline::log(&ctx.root, ws.as_ref(), &args.vendor)?;
    // Agreements dpa did not issue: signed before dpa, on our paper or the vendor's.
    let mut others = String::new();
    for a in &found.others {
        let whose = match a.paper {
            AgreementPaper::Ours => "our paper",
            AgreementPaper::Vendor => "vendor's paper",
        };
        let signed = a.signed_on.map_or("-".to_string(), |d| d.to_string());
        others.push_str(&format!(
            "{signed}  \"{}\" ({whose}, not issued by dpa)  {}{}\n",
            a.title.as_deref().unwrap_or("agreement"),
            Framework::join(&a.frameworks),
            afterwards(a.afterwards.as_ref())
        ));
    }
    if found.versions.is_empty() {
        if !found.vendor_known && !conflicted {
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
    for v in &found.versions {
        let date = v
            .issued_on
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let state = match &v.standing {
            Standing::Issued => "issued".to_string(),
            Standing::Provisional => "provisional".to_string(),
            Standing::Signed(d) => format!("signed {d}"),
            Standing::Recorded(s) => s.to_string(),
        };
        out.push_str(&format!(
            "v{:<3} {date}  {}  {:<16} {}{}\n",
            v.version,
            v.commit,
            state,
            v.frameworks.join(", "),
            afterwards(v.afterwards.as_ref())
        ));
    }
    out.push_str(&others);
    ctx.out(&out)?;
    Ok(0)
}

/// `; recorded afterwards on D by WHO` for an agreement entered after it was signed.
fn afterwards(a: Option<&Afterwards>) -> String {
    match a {
        Some(a) => format!(
            "; recorded afterwards on {}{}",
            a.on,
            a.by.as_ref()
                .map(|b| format!(" by {b}"))
                .unwrap_or_default()
        ),
        None => String::new(),
    }
}
