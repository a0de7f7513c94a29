//! A file's history: each version of one workspace file on the current branch, with its date.

use chrono::{DateTime, Utc};
use git2::{Oid, Sort};

use super::Store;
use crate::error::StoreError;

/// One committed version of a file.
#[derive(Debug, Clone)]
pub struct FileVersion {
    /// The commit that wrote this version.
    pub commit: Oid,
    /// The commit's time.
    pub time: DateTime<Utc>,
    /// The file's bytes in that commit.
    pub bytes: Vec<u8>,
}

impl Store {
    /// Every version of the workspace file `rel` along the branch's first-parent history, oldest
    /// first: one entry per commit whose content of the file differs from the commit before it
    /// (a commit that deletes the file ends the run; one that brings it back starts another).
    /// Empty when HEAD has no commit.
    pub fn file_versions(&self, rel: &str) -> Result<Vec<FileVersion>, StoreError> {
        let Some(head) = self.head_commit()? else {
            return Ok(Vec::new());
        };
        let mut walk = self.repo.revwalk()?;
        walk.push(head.id())?;
        walk.simplify_first_parent()?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        let path = std::path::PathBuf::from(self.repo_path(rel));
        let mut out = Vec::new();
        let mut last: Option<Oid> = None;
        for id in walk {
            let commit = self.repo.find_commit(id?)?;
            let blob = commit.tree()?.get_path(&path).ok().map(|e| e.id());
            if blob == last {
                continue;
            }
            last = blob;
            let Some(blob) = blob else { continue };
            let bytes = self.repo.find_blob(blob)?.content().to_vec();
            let time = DateTime::from_timestamp(commit.time().seconds(), 0).unwrap_or_default();
            out.push(FileVersion {
                commit: commit.id(),
                time,
                bytes,
            });
        }
        Ok(out)
    }
}
