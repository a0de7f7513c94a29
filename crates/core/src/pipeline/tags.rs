//! `check-tags`: the check a team's shared repository runs on what is pushed to it: every
//! issued version's manifest matches its PDF, and no `dpa/*` tag is moved or deleted.

use std::path::Path;

use git2::Repository;

use crate::error::Error;
use crate::store::StoreError;
use crate::store::audit::{self, Finding};

/// Opens the repository to check: `repo` when given, else, in a git hook (`GIT_DIR` set), the
/// one git runs it in (with the quarantined objects of the push), else the one `root` is in.
fn open(repo: Option<&Path>, root: &Path) -> Result<Repository, Error> {
    let open =
        |e: git2::Error| Error::Usage(format!("cannot open the repository: {}", e.message()));
    match repo {
        Some(dir) => Repository::open(dir).map_err(open),
        None if std::env::var_os("GIT_DIR").is_some() => Repository::open_from_env().map_err(open),
        None => Repository::discover(root).map_err(open),
    }
}

/// Checks every issued version's tag in the repository (`repo` when given, else the one of a git hook, else the one `root` is in): the findings,
/// and the number of tags checked.
pub fn check_tags(repo: Option<&Path>, root: &Path) -> Result<(Vec<Finding>, usize), Error> {
    let repo = open(repo, root)?;
    audit::check_repository(&repo).map_err(|e| Error::from(StoreError::from(e)))
}

/// Checks a push as a pre-receive hook does, from its `OLD NEW REF` lines: the findings that
/// refuse it.
pub fn check_push(repo: Option<&Path>, root: &Path, updates: &str) -> Result<Vec<Finding>, Error> {
    let repo = open(repo, root)?;
    let updates = audit::parse_updates(updates).map_err(Error::Usage)?;
    Ok(audit::check_updates(&repo, &updates))
}
