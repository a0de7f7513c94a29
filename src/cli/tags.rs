//! `dpa check-tags`: the check a team's shared repository runs on what is pushed to it.

use std::io::Read;
use std::path::PathBuf;

use dpa::error::Error;
use dpa::store::audit;

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
    let open =
        |e: git2::Error| Error::Usage(format!("cannot open the repository: {}", e.message()));
    let repo = match &args.repo {
        Some(dir) => git2::Repository::open(dir).map_err(open)?,
        // A hook runs with GIT_DIR and, while the push is quarantined, the new objects' folder
        // in the environment.
        None if std::env::var_os("GIT_DIR").is_some() => {
            git2::Repository::open_from_env().map_err(open)?
        }
        None => git2::Repository::discover(&ctx.root).map_err(open)?,
    };
    if args.pre_receive {
        let mut input = String::new();
        std::io::stdin()
            .read_to_string(&mut input)
            .map_err(|e| Error::io(std::path::Path::new("<stdin>"), e))?;
        let updates = audit::parse_updates(&input).map_err(Error::Usage)?;
        let findings = audit::check_updates(&repo, &updates);
        for f in &findings {
            eprintln!("dpa: refused {}: {}", f.reference, f.problem);
        }
        return Ok(if findings.is_empty() { 0 } else { 1 });
    }
    let (findings, count) =
        audit::check_repository(&repo).map_err(|e| Error::from(dpa::store::StoreError::from(e)))?;
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
