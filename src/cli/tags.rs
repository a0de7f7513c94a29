//! `dpa check-tags`: the arguments of [`dpa::pipeline::tags`], and what it prints.

use std::io::Read;
use std::path::PathBuf;

use dpa::error::Error;
use dpa::pipeline::tags::{check_push, check_tags};

use super::Ctx;

/// Arguments of `dpa check-tags`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The repository to check, bare or not (default: the one the workspace is in; in a hook,
    /// the one git runs it in).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Run as a git pre-receive hook: read `OLD NEW REF` lines on standard input and refuse a
    /// push that moves or deletes a `dpa/*` tag, or whose new versions or branch tips hold a
    /// manifest that does not match its PDF.
    #[arg(long)]
    pub pre_receive: bool,
}

/// Runs `dpa check-tags`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    if args.pre_receive {
        let mut input = String::new();
        std::io::stdin()
            .read_to_string(&mut input)
            .map_err(|e| Error::io(std::path::Path::new("<stdin>"), e))?;
        let findings = check_push(args.repo.as_deref(), &ctx.root, &input)?;
        for f in &findings {
            eprintln!("dpa: refused {}: {}", f.reference, f.problem);
        }
        return Ok(if findings.is_empty() { 0 } else { 1 });
    }
    let (findings, count) = check_tags(args.repo.as_deref(), &ctx.root)?;
    for f in &findings {
        eprintln!("error: {}: {}", f.reference, f.problem);
    }
    if findings.is_empty() {
        if !ctx.quiet {
            ctx.out(&format!(
                "ok: {count} issued version tag(s); every manifest matches its PDF\n"
            ))?;
        }
        Ok(0)
    } else {
        Ok(1)
    }
}
