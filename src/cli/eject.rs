//! `dpa eject`: copies the built-in clauses, registry and templates into the workspace for customising.

use dpa::builtin;
use dpa::error::Error;
use dpa::files::write_atomic;

use super::Ctx;

/// Arguments of `dpa eject`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Overwrite files that already exist in the workspace.
    #[arg(long)]
    pub force: bool,
}

/// Runs `dpa eject`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    if !ctx.root.join(dpa::workspace::COMPANY_FILE).is_file() {
        return Err(Error::Usage(
            "not a dpa workspace (no dpa.toml)\n  hint: run `dpa init` first".into(),
        ));
    }
    let mut written = 0;
    let mut kept = Vec::new();
    for (path, text) in builtin::CLAUSES.iter().chain(builtin::TEMPLATES) {
        let target = ctx.root.join(path);
        if target.exists() && !args.force {
            kept.push(*path);
            continue;
        }
        write_atomic(&target, text.as_bytes())?;
        written += 1;
    }
    ctx.note(&format!("copied {written} built-in files into clauses/ and templates/; they now override the built-ins"));
    if !kept.is_empty() {
        ctx.note(&format!(
            "kept {} existing files (use --force to overwrite): {}",
            kept.len(),
            kept.join(", ")
        ));
    }
    Ok(0)
}
