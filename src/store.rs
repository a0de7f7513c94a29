//! Issued versions in git: one commit and one tag `dpa/<id>/v<N>` per version, read back from git objects.

use std::path::{Path, PathBuf};

use git2::{ErrorCode, Index, IndexEntry, IndexTime, ObjectType, Oid, Repository, Signature};

use crate::manifest::Manifest;
use crate::render::Output;

pub use crate::error::StoreError;

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
        let sig = self.signature()?;
        let tag = tag_name(id, version);
        if self
            .repo
            .find_reference(&format!("refs/tags/{tag}"))
            .is_ok()
        {
            return Err(StoreError::TagExists(tag));
        }
        let lock = self.repo.path().join("index.lock");
        if lock.exists() {
            return Err(StoreError::IndexLocked(lock));
        }
        let dir = format!("agreements/{id}");
        let manifest_json = output.manifest.to_json();
        let files: [(String, &[u8]); 3] = [
            (format!("{dir}/{id}.pdf"), &output.pdf),
            (format!("{dir}/{id}.typ"), output.source.as_bytes()),
            (format!("{dir}/manifest.json"), manifest_json.as_bytes()),
        ];

        // Build the new tree in a private index, from HEAD's tree.
        let head_ref = self.repo.find_reference("HEAD")?;
        let branch = head_ref
            .symbolic_target()
            .ok()
            .flatten()
            .unwrap_or("refs/heads/main")
            .to_string();
        let parent = match self.repo.head() {
            Ok(h) => Some(h.peel_to_commit()?),
            Err(e) if e.code() == ErrorCode::UnbornBranch || e.code() == ErrorCode::NotFound => {
                None
            }
            Err(e) => return Err(e.into()),
        };
        let mut index = Index::new()?;
        if let Some(p) = &parent {
            index.read_tree(&p.tree()?)?;
        }
        let mut blobs = Vec::new();
        for (rel, bytes) in &files {
            let path = self.repo_path(rel);
            let blob = self.repo.blob(bytes)?;
            blobs.push((path.clone(), blob, bytes.len()));
            index.add(&entry(&path, blob, bytes.len()))?;
        }
        let tree_id = index.write_tree_to(&self.repo)?;
        let tree = self.repo.find_tree(tree_id)?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let commit = self
            .repo
            .commit(None, &sig, &sig, message, &tree, &parents)?;

        // Move the branch only if nobody else did meanwhile, then tag; undo the branch if tagging fails.
        let reflog = format!("dpa record: {tag}");
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
        let obj = self.repo.find_object(commit, Some(ObjectType::Commit))?;
        if let Err(e) = self.repo.tag(&tag, &obj, &sig, message, false) {
            match &parent {
                Some(p) => {
                    let _ = self.repo.reference_matching(
                        &branch,
                        p.id(),
                        true,
                        commit,
                        "dpa record: undo",
                    );
                }
                None => {
                    if let Ok(mut r) = self.repo.find_reference(&branch) {
                        let _ = r.delete();
                    }
                }
            }
            return Err(if e.code() == ErrorCode::Exists {
                StoreError::TagExists(tag)
            } else {
                e.into()
            });
        }

        // Bring the work tree and the real index in line for these paths only.
        for (rel, bytes) in &files {
            crate::files::write_atomic(&self.workdir.join(self.repo_path(rel)), bytes)?;
        }
        let mut real = self.repo.index()?;
        for (path, _, _) in &blobs {
            real.add_path(Path::new(path))?;
        }
        real.write()?;
        Ok(commit)
    }
}

fn entry(path: &str, id: Oid, len: usize) -> IndexEntry {
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
