//! Issued versions in git: one commit and one tag `dpa/<id>/v<N>` per version, read back from git objects.

use std::path::{Path, PathBuf};

use git2::{ErrorCode, Index, IndexEntry, IndexTime, ObjectType, Oid, Repository, Signature};

use crate::manifest::Manifest;
use crate::render::Output;

pub use crate::error::StoreError;

pub mod audit;
pub mod history;
pub mod merge;
pub mod remote;

/// An exclusive lock on recording in one repository, so that concurrent `dpa record` runs take turns.
///
/// The lock is a file created with `create_new` in the git directory and removed on drop; a lock
/// left by a process that no longer exists is taken over.
pub struct RecordLock {
    path: PathBuf,
}

impl RecordLock {
    /// Waits up to `timeout` for the lock.
    pub fn acquire(store: &Store, timeout: std::time::Duration) -> Result<RecordLock, StoreError> {
        let path = store.repo.path().join("dpa-record.lock");
        let started = std::time::Instant::now();
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    use std::io::Write;
                    let _ = writeln!(f, "{}", std::process::id());
                    return Ok(RecordLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| t.trim().parse::<u32>().ok());
                    let alive = holder.is_some_and(|pid| {
                        Path::new(&format!("/proc/{pid}")).exists()
                            || !Path::new("/proc/self").exists()
                    });
                    if holder.is_some() && !alive {
                        let _ = std::fs::remove_file(&path);
                        continue;
                    }
                    if started.elapsed() > timeout {
                        return Err(StoreError::Locked(path));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(e) => return Err(StoreError::Io(crate::error::Error::io(&path, e))),
            }
        }
    }
}

impl Drop for RecordLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// One issued version, as found in git.
#[derive(Debug, Clone)]
pub struct Issued {
    /// Version number.
    pub version: u32,
    /// The tag.
    pub tag: String,
    /// Commit id.
    pub commit: Oid,
    /// Commit time (seconds since the epoch).
    pub time: i64,
}

/// One file a commit writes.
#[derive(Debug, Clone)]
pub struct Change {
    /// Path relative to the workspace, `/`-separated.
    pub path: String,
    /// The contents committed.
    pub committed: Vec<u8>,
    /// The contents left in the work tree when they differ from what is committed (the user's
    /// uncommitted edits to the same file, kept uncommitted).
    pub work: Option<Vec<u8>>,
}

impl Change {
    /// A file committed and written with the same contents.
    pub fn new(path: String, contents: Vec<u8>) -> Change {
        Change {
            path,
            committed: contents,
            work: None,
        }
    }
}

/// A workspace file edited for a commit (see [`Store::edited`]).
#[derive(Debug, Clone)]
pub struct Edited {
    /// The file as committed and as left in the work tree.
    pub change: Change,
    /// The file had other uncommitted changes, which stay uncommitted.
    pub other_changes: bool,
    /// The file was not in git before; it is committed whole.
    pub first_commit: bool,
}

/// A commit of edited workspace files (see [`Store::commit_edited`]).
#[derive(Debug)]
pub struct Committed {
    /// The new commit.
    pub commit: Oid,
    /// Workspace files committed.
    pub files: Vec<String>,
    /// Edited files with other uncommitted changes, which stay uncommitted.
    pub other_changes: Vec<String>,
    /// Edited files that were not in git before and were committed whole.
    pub first_commit: Vec<String>,
}

impl Committed {
    /// The commit id as printed: its first ten hex digits.
    pub fn short(&self) -> String {
        self.commit.to_string().chars().take(10).collect()
    }
}

/// The git repository of a workspace.
pub struct Store {
    repo: Repository,
    /// The workspace directory relative to the repository's work tree, `/`-separated, empty at the top.
    prefix: String,
    workdir: PathBuf,
}

/// The tag of an issued version.
pub fn tag_name(id: &str, version: u32) -> String {
    format!("dpa/{id}/v{version}")
}

/// Parses a version argument: `2` or `v2`.
pub fn parse_version(s: &str) -> Option<u32> {
    s.strip_prefix('v')
        .unwrap_or(s)
        .parse()
        .ok()
        .filter(|n| *n > 0)
}

impl Store {
    /// Opens the repository that contains the workspace at `root`.
    pub fn open(root: &Path) -> Result<Store, StoreError> {
        let repo = Repository::discover(root).map_err(|e| match e.code() {
            ErrorCode::NotFound => StoreError::NotARepository(root.to_path_buf()),
            _ => StoreError::GitAt {
                at: root.display().to_string(),
                source: e,
            },
        })?;
        let workdir = repo.workdir().ok_or(StoreError::Bare)?.to_path_buf();
        let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let real_work = workdir.canonicalize().unwrap_or_else(|_| workdir.clone());
        let prefix = real_root
            .strip_prefix(&real_work)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        Ok(Store {
            repo,
            prefix,
            workdir: real_work,
        })
    }

    /// A path inside the workspace as a path inside the repository.
    pub fn repo_path(&self, rel: &str) -> String {
        if self.prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.prefix)
        }
    }

    /// The underlying repository.
    pub fn repo(&self) -> &Repository {
        &self.repo
    }

    /// Every issued version of a vendor, oldest first.
    pub fn issued(&self, id: &str) -> Result<Vec<Issued>, StoreError> {
        let names = self.repo.tag_names(Some(&format!("dpa/{id}/v*")))?;
        let mut out = Vec::new();
        for name in names.iter().flatten().flatten() {
            let Some(version) = name.rsplit('/').next().and_then(parse_version) else {
                continue;
            };
            if name != tag_name(id, version) {
                continue;
            }
            let at = |source| StoreError::GitAt {
                at: format!("tag {name}"),
                source,
            };
            let commit = self
                .repo
                .revparse_single(&format!("refs/tags/{name}"))
                .and_then(|obj| obj.peel_to_commit())
                .map_err(at)?;
            out.push(Issued {
                version,
                tag: name.to_string(),
                commit: commit.id(),
                time: commit.time().seconds(),
            });
        }
        out.sort_by_key(|i| i.version);
        Ok(out)
    }

    /// Ids of vendors with at least one issued version.
    pub fn vendors_with_versions(&self) -> Result<Vec<String>, StoreError> {
        let names = self.repo.tag_names(Some("dpa/*/v*"))?;
        let mut ids: Vec<String> = names
            .iter()
            .flatten()
            .flatten()
            .filter_map(|n| n.split('/').nth(1).map(str::to_string))
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// Reads a file of the workspace from a commit, without touching the work tree.
    pub fn read_at(&self, commit: Oid, rel: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let tree = self.repo.find_commit(commit)?.tree()?;
        match tree.get_path(Path::new(&self.repo_path(rel))) {
            Ok(entry) => {
                let blob = entry.to_object(&self.repo)?.peel_to_blob()?;
                Ok(Some(blob.content().to_vec()))
            }
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The manifest of an issued version, read from git objects.
    pub fn manifest(&self, id: &str, version: u32) -> Result<Manifest, StoreError> {
        let issued = self.issued(id)?;
        let Some(v) = issued.iter().find(|i| i.version == version) else {
            return Err(StoreError::NoSuchVersion {
                vendor: id.to_string(),
                version,
            });
        };
        let rel = format!("agreements/{id}/manifest.json");
        let bytes = self
            .read_at(v.commit, &rel)
            .map_err(|e| match e {
                StoreError::Git(source) => StoreError::GitAt {
                    at: format!("{rel} at {}", v.tag),
                    source,
                },
                other => other,
            })?
            .ok_or_else(|| StoreError::BadManifest(format!("{} has no {rel}", v.tag)))?;
        let text = String::from_utf8_lossy(&bytes);
        Manifest::from_json(&text)
            .map_err(|e| StoreError::BadManifest(format!("{rel} at {}: {e}", v.tag)))
    }

    /// The commit's author identity configured for this repository.
    pub fn signature(&self) -> Result<Signature<'static>, StoreError> {
        self.repo.signature().map_err(|_| StoreError::NoIdentity)
    }

    /// The three files of an issued version, workspace-relative.
    pub fn version_files(id: &str) -> [String; 3] {
        [
            format!("agreements/{id}/{id}.pdf"),
            format!("agreements/{id}/{id}.typ"),
            format!("agreements/{id}/manifest.json"),
        ]
    }

    /// Commits the three output files of a new version and tags it; nothing else is committed.
    ///
    /// The commit is built from HEAD's tree with only `agreements/<id>/` changed, so whatever
    /// else the user has staged or modified stays as it was.
    pub fn record(
        &self,
        id: &str,
        version: u32,
        output: &Output,
        message: &str,
    ) -> Result<Oid, StoreError> {
        let dir = format!("agreements/{id}");
        let files = [
            Change::new(format!("{dir}/{id}.pdf"), output.pdf.clone()),
            Change::new(
                format!("{dir}/{id}.typ"),
                output.source.clone().into_bytes(),
            ),
            Change::new(
                format!("{dir}/manifest.json"),
                output.manifest.to_json().into_bytes(),
            ),
        ];
        self.commit(&files, message, Some(&tag_name(id, version)))
    }

    /// Commits exactly `files` on top of HEAD, optionally tagging the commit, and writes them to
    /// the work tree and the index.
    ///
    /// The commit is built in a private index from HEAD's tree, so whatever else the user has
    /// staged or modified stays as it was; the branch moves only if nobody moved it meanwhile,
    /// and a failed tag moves it back. Nothing is written to the work tree before the commit
    /// stands.
    pub fn commit(
        &self,
        files: &[Change],
        message: &str,
        tag: Option<&str>,
    ) -> Result<Oid, StoreError> {
        let sig = self.signature()?;
        if let Some(tag) = tag
            && self
                .repo
                .find_reference(&format!("refs/tags/{tag}"))
                .is_ok()
        {
            return Err(StoreError::TagExists(tag.to_string()));
        }
        let lock = self.repo.path().join("index.lock");
        if lock.exists() {
            return Err(StoreError::IndexLocked(lock));
        }

        // Build the new tree in a private index, from HEAD's tree.
        let head_ref = self.repo.find_reference("HEAD")?;
        let branch = head_ref
            .symbolic_target()
            .ok()
            .flatten()
            .unwrap_or("refs/heads/main")
            .to_string();
        let parent = self.head_commit()?;
        let mut index = Index::new()?;
        if let Some(p) = &parent {
            index.read_tree(&p.tree()?)?;
        }
        let mut entries = Vec::new();
        for f in files {
            let path = self.repo_path(&f.path);
            let blob = self.repo.blob(&f.committed)?;
            let e = entry(&path, blob, f.committed.len());
            index.add(&e)?;
            entries.push(e);
        }
        let tree_id = index.write_tree_to(&self.repo)?;
        let tree = self.repo.find_tree(tree_id)?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let commit = self
            .repo
            .commit(None, &sig, &sig, message, &tree, &parents)?;

        // Move the branch only if nobody else did meanwhile, then tag; undo the branch if tagging fails.
        let reflog = format!("dpa: {}", message.lines().next().unwrap_or_default().trim());
        match &parent {
            Some(p) => self
                .repo
                .reference_matching(&branch, commit, true, p.id(), &reflog)
                .map_err(|_| StoreError::Raced)?,
            None => self
                .repo
                .reference(&branch, commit, false, &reflog)
                .map_err(|_| StoreError::Raced)?,
        };
        if let Some(tag) = tag {
            let obj = self.repo.find_object(commit, Some(ObjectType::Commit))?;
            if let Err(e) = self.repo.tag(tag, &obj, &sig, message, false) {
                match &parent {
                    Some(p) => {
                        let _ = self.repo.reference_matching(
                            &branch,
                            p.id(),
                            true,
                            commit,
                            "dpa: undo",
                        );
                    }
                    None => {
                        if let Ok(mut r) = self.repo.find_reference(&branch) {
                            let _ = r.delete();
                        }
                    }
                }
                return Err(if e.code() == ErrorCode::Exists {
                    StoreError::TagExists(tag.to_string())
                } else {
                    e.into()
                });
            }
        }

        // Bring the work tree and the real index in line for these paths only; the index gets
        // what was committed, so a work-tree copy that differs shows as an unstaged change.
        for f in files {
            let work = f.work.as_ref().unwrap_or(&f.committed);
            crate::files::write_atomic(&self.workdir_path(&f.path), work)?;
        }
        let mut real = self.repo.index()?;
        for (f, e) in files.iter().zip(&entries) {
            if f.work.is_none() {
                real.add_path(Path::new(&String::from_utf8_lossy(&e.path).into_owned()))?;
            } else {
                real.add(e)?;
            }
        }
        real.write()?;
        Ok(commit)
    }

    /// Undoes a commit made by [`Store::commit`] on top of HEAD, such as a version whose push
    /// the remote refused: its tag is deleted, the branch goes back to the commit's parent (only
    /// if it still points at `commit`), and `files` go back to the parent's contents in the work
    /// tree and the index (removed when the parent has none).
    pub fn undo_commit(
        &self,
        commit: Oid,
        tag: Option<&str>,
        files: &[String],
    ) -> Result<(), StoreError> {
        let c = self.repo.find_commit(commit)?;
        let parent = c.parent(0).ok();
        if let Some(tag) = tag
            && let Ok(mut r) = self.repo.find_reference(&format!("refs/tags/{tag}"))
            && r.peel_to_commit().map(|p| p.id()).ok() == Some(commit)
        {
            r.delete()?;
        }
        let head_ref = self.repo.find_reference("HEAD")?;
        let branch = head_ref
            .symbolic_target()
            .ok()
            .flatten()
            .ok_or(StoreError::Raced)?
            .to_string();
        match &parent {
            Some(p) => {
                self.repo
                    .reference_matching(&branch, p.id(), true, commit, "dpa: undo")
                    .map_err(|_| StoreError::Raced)?;
            }
            None => {
                let mut r = self.repo.find_reference(&branch)?;
                if r.target() != Some(commit) {
                    return Err(StoreError::Raced);
                }
                r.delete()?;
            }
        }
        let mut index = self.repo.index()?;
        for rel in files {
            let before = match &parent {
                Some(p) => self.read_at(p.id(), rel)?,
                None => None,
            };
            let path = self.workdir_path(rel);
            let repo_path = self.repo_path(rel);
            match before {
                Some(bytes) => {
                    crate::files::write_atomic(&path, &bytes)?;
                    index.add_path(Path::new(&repo_path))?;
                }
                None => {
                    let _ = std::fs::remove_file(&path);
                    let _ = index.remove_path(Path::new(&repo_path));
                }
            }
        }
        index.write()?;
        Ok(())
    }

    /// A workspace file edited for a commit: `edit` is applied to HEAD's copy (what is
    /// committed) and to the work-tree copy (what is left in the work tree), so that other
    /// uncommitted edits of the same file stay uncommitted. A file not in HEAD is committed whole.
    pub fn edited(
        &self,
        rel: &str,
        edit: impl Fn(&str) -> Result<String, String>,
    ) -> Result<Edited, StoreError> {
        let path = self.workdir_path(rel);
        let work = std::fs::read_to_string(&path)
            .map_err(|e| StoreError::Io(crate::error::Error::io(&path, e)))?;
        let work_new = edit(&work).map_err(|e| StoreError::BadRecord(format!("{rel}: {e}")))?;
        let head = self.head_file(rel)?;
        let first_commit = head.is_none();
        let committed = match head {
            Some(bytes) => match edit(&String::from_utf8_lossy(&bytes)) {
                Ok(t) => t,
                // The committed file cannot be edited (it was broken then): commit today's.
                Err(_) => work_new.clone(),
            },
            None => work_new.clone(),
        };
        let other_changes = !first_commit && committed != work_new;
        Ok(Edited {
            change: Change {
                path: rel.to_string(),
                work: other_changes.then(|| work_new.into_bytes()),
                committed: committed.into_bytes(),
            },
            other_changes,
            first_commit,
        })
    }

    /// Commits edited files (see [`Store::edited`]), and `extra` files, in one commit.
    pub fn commit_edited(
        &self,
        edited: Vec<Edited>,
        extra: Vec<Change>,
        message: &str,
    ) -> Result<Committed, StoreError> {
        let mut other_changes = Vec::new();
        let mut first_commit = Vec::new();
        let mut changes = Vec::new();
        for e in edited {
            if e.other_changes {
                other_changes.push(e.change.path.clone());
            }
            if e.first_commit {
                first_commit.push(e.change.path.clone());
            }
            changes.push(e.change);
        }
        changes.extend(extra);
        let files = changes.iter().map(|c| c.path.clone()).collect();
        Ok(Committed {
            commit: self.commit(&changes, message, None)?,
            files,
            other_changes,
            first_commit,
        })
    }

    /// Whether HEAD holds any file under the workspace folder `dir` (the user keeps it in git).
    pub fn tracks(&self, dir: &str) -> Result<bool, StoreError> {
        let Some(head) = self.head_commit()? else {
            return Ok(false);
        };
        let tree = head.tree()?;
        match tree.get_path(Path::new(&self.repo_path(dir.trim_end_matches('/')))) {
            Ok(e) => Ok(e.kind() == Some(ObjectType::Tree)),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The commit HEAD points at, `None` in a repository without commits.
    fn head_commit(&self) -> Result<Option<git2::Commit<'_>>, StoreError> {
        match self.repo.head() {
            Ok(h) => Ok(Some(h.peel_to_commit()?)),
            Err(e) if e.code() == ErrorCode::UnbornBranch || e.code() == ErrorCode::NotFound => {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A workspace file as of HEAD; `None` when HEAD has no such file or there is no commit yet.
    pub fn head_file(&self, rel: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self.head_commit()? {
            Some(c) => self.read_at(c.id(), rel),
            None => Ok(None),
        }
    }

    /// A workspace-relative path as a path in the work tree.
    pub fn workdir_path(&self, rel: &str) -> PathBuf {
        self.workdir.join(self.repo_path(rel))
    }

    /// Workspace files under `dir` that differ from HEAD in the index or the work tree,
    /// untracked ones included, as workspace-relative paths.
    pub fn changed(&self, dir: &str) -> Result<std::collections::BTreeSet<String>, StoreError> {
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .include_ignored(false)
            .pathspec(self.repo_path(dir));
        let statuses = self.repo.statuses(Some(&mut opts))?;
        let prefix = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        Ok(statuses
            .iter()
            .filter(|s| s.status() != git2::Status::CURRENT)
            .filter_map(|s| {
                s.path()
                    .ok()
                    .map(|p| p.strip_prefix(prefix.as_str()).unwrap_or(p).to_string())
            })
            .collect())
    }
}

/// An index entry for a regular file at `path` with blob `id` of `len` bytes.
pub(crate) fn entry(path: &str, id: Oid, len: usize) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: u32::try_from(len).unwrap_or(u32::MAX),
        id,
        flags: 0,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_tags() {
        assert_eq!(parse_version("2"), Some(2));
        assert_eq!(parse_version("v12"), Some(12));
        assert_eq!(parse_version("v0"), None);
        assert_eq!(parse_version("x"), None);
        assert_eq!(tag_name("acme", 3), "dpa/acme/v3");
    }
}
