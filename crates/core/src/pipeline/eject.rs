//! `eject`: the built-in clauses, requirement registry and templates copied into the
//! workspace, where they override the built-ins file by file.

use std::path::Path;

use crate::builtin;
use crate::error::Error;
use crate::files::write_atomic;

/// What [`eject()`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ejected {
    /// How many files it wrote.
    pub written: usize,
    /// The files it kept because they exist (without `force`).
    pub kept: Vec<&'static str>,
}

/// Copies every built-in clause and template into the workspace at `root`, keeping the files
/// that exist unless `force`.
pub fn eject(root: &Path, force: bool) -> Result<Ejected, Error> {
    if !root.join(crate::workspace::COMPANY_FILE).is_file() {
        return Err(Error::Usage(
            "not a dpa workspace (no dpa.toml)\n  hint: run `dpa init` first".into(),
        ));
    }
    let mut done = Ejected {
        written: 0,
        kept: Vec::new(),
    };
    for (path, text) in builtin::CLAUSES.iter().chain(builtin::TEMPLATES) {
        let target = root.join(path);
        if target.exists() && !force {
            done.kept.push(*path);
            continue;
        }
        write_atomic(&target, text.as_bytes())?;
        done.written += 1;
    }
    Ok(done)
}
