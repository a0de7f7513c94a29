//! `dpa eject`: the arguments of [`dpa::pipeline::eject()`], and what it prints.

use dpa::error::Error;

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
    let done = dpa::pipeline::eject(&ctx.root, args.force)?;
    ctx.note(&format!(
        "copied {} built-in files into clauses/ and templates/; they now override the built-ins",
        done.written
    ));
    if !done.kept.is_empty() {
        ctx.note(&format!(
            "kept {} existing files (use --force to overwrite): {}",
            done.kept.len(),
            done.kept.join(", ")
        ));
    }
    Ok(0)
}
