//! A workspace shared through a git remote: the branch's upstream, fetching it, refusing to
//! write when the branch is behind it, and pushing a version's commit and tag so that the remote
//! ends up with both or neither.
//!
//! libgit2 has no `git push --atomic`, so [`Store::publish`] reaches the same end itself: the
//! branch and the tags go in one push, the remote's references are then read back, and when the
//! remote took only some of them those are put back as they were (the branch to its old commit,
//! a new tag deleted) before the push is reported as refused.
//!
//! The remote's `dpa/*` tags are fetched into `refs/dpa/remote/<remote>/`, never over local
//! tags, so that a tag that means different documents on the two sides is seen rather than
//! clobbered or refused. A version recorded `--offline` is provisional until it is pushed: a
//! marker `refs/dpa/provisional/<id>/v<N>` points at a snapshot of the inputs it was rendered
//! from, so that `dpa sync` can render it again under another number when the remote has taken
//! its number meanwhile.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use git2::{
    AutotagOption, Cred, CredentialType, Direction, ErrorCode, FetchOptions, Oid, PushOptions,
    RemoteCallbacks,
};

use super::{Store, StoreError, parse_version, tag_name};

/// Where the remote's `dpa/*` tags are mirrored, below `refs/dpa/remote/<remote>/`.
const MIRROR: &str = "refs/dpa/remote";
/// Provisional versions, `refs/dpa/provisional/<id>/v<N>`.
const PROVISIONAL: &str = "refs/dpa/provisional";
/// Provisional tags that were renumbered, kept so that nothing recorded is ever lost.
const RENUMBERED: &str = "refs/dpa/renumbered";

/// The upstream of the workspace's branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// The remote's name, `origin`.
    pub remote: String,
    /// Its URL.
    pub url: String,
    /// The local branch, `refs/heads/main`.
    pub branch: String,
    /// The branch on the remote, `refs/heads/main`.
    pub merge: String,
    /// The remote-tracking reference, `refs/remotes/origin/main`.
    pub tracking: String,
}

impl Upstream {
    /// The upstream as people write it: `origin/main`.
    pub fn short(&self) -> String {
        format!(
            "{}/{}",
            self.remote,
            self.merge
                .strip_prefix("refs/heads/")
                .unwrap_or(&self.merge)
        )
    }

    /// The local branch's short name: `main`.
    pub fn branch_short(&self) -> &str {
        self.branch
            .strip_prefix("refs/heads/")
            .unwrap_or(&self.branch)
    }

    fn mirror_prefix(&self) -> String {
        format!("{MIRROR}/{}/", self.remote)
    }
}

/// How a write is shared, as found by [`Store::check_remote`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sharing {
    /// The branch has no upstream: a workspace of one; nothing is fetched or pushed.
    Solo,
    /// The branch has an upstream, but the command runs `--offline`: versions recorded are
    /// provisional until `dpa sync` pushes them.
    Offline(Upstream),
    /// The branch was found up to date with its upstream just now; a version recorded is pushed.
    Online(Upstream),
}

impl Sharing {
    /// The upstream, unless solo.
    pub fn upstream(&self) -> Option<&Upstream> {
        match self {
            Sharing::Solo => None,
            Sharing::Offline(u) | Sharing::Online(u) => Some(u),
        }
    }
}

/// One issued version, named by vendor and number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// Vendor (or customer agreement) id.
    pub id: String,
    /// Version number.
    pub version: u32,
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} v{}", self.id, self.version)
    }
}

/// Parses `dpa/<id>/v<N>` (a tag name without `refs/tags/`).
pub fn parse_tag(name: &str) -> Option<Version> {
    let rest = name.strip_prefix("dpa/")?;
    let (id, v) = rest.rsplit_once('/')?;
    let version = parse_version(v)?;
    (tag_name(id, version) == name).then(|| Version {
        id: id.to_string(),
        version,
    })
}

/// Names versions compactly: `acme v1, v2; nordhost v3`.
pub fn describe(versions: &[Version]) -> String {
    let mut by: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for v in versions {
        by.entry(&v.id).or_default().push(v.version);
    }
    by.into_iter()
        .map(|(id, mut vs)| {
            vs.sort();
            vs.dedup();
            let list: Vec<String> = vs.iter().map(|v| format!("v{v}")).collect();
            format!("{id} {}", list.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a fetch found.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The remote branch's commit; `None` when the remote has no such branch yet.
    pub tip: Option<Oid>,
    /// The remote's `dpa/*` tags (names without `refs/tags/`) and what they point at.
    pub tags: BTreeMap<String, Oid>,
}

/// The position of the local branch against its upstream, in commits and in versions.
#[derive(Debug, Clone, Default)]
pub struct Position {
    /// Local commits the remote does not have.
    pub ahead: usize,
    /// Remote commits the branch does not have.
    pub behind: usize,
    /// Versions on the remote that the branch does not have.
    pub theirs: Vec<Version>,
    /// Versions here that the remote does not have.
    pub ours: Vec<Version>,
    /// Tags with one name that mean different documents here and on the remote.
    pub differ: Vec<Version>,
}

/// Callbacks that find credentials the way git does: the SSH agent or the usual key files for
/// SSH, git's credential helpers for HTTPS; a few tries, then give up.
fn callbacks<'a>(config: Option<&'a git2::Config>, tries: &'a Cell<u32>) -> RemoteCallbacks<'a> {
    let mut cb = RemoteCallbacks::new();
    cb.credentials(move |url, user, allowed| {
        let n = tries.get();
        tries.set(n + 1);
        if n > 5 {
            return Err(git2::Error::from_str("authentication failed"));
        }
        let user = user.unwrap_or("git");
        if allowed.contains(CredentialType::SSH_KEY) {
            if n == 0 {
                return Cred::ssh_key_from_agent(user);
            }
            let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
            let keys: Vec<std::path::PathBuf> = ["id_ed25519", "id_ecdsa", "id_rsa"]
                .iter()
                .filter_map(|k| home.as_ref().map(|h| h.join(".ssh").join(k)))
                .filter(|p| p.is_file())
                .collect();
            if let Some(key) = keys.get(n as usize - 1) {
                return Cred::ssh_key(user, None, key, None);
            }
            return Err(git2::Error::from_str(
                "no SSH key was accepted (tried the SSH agent and ~/.ssh/id_*)",
            ));
        }
        if allowed.contains(CredentialType::USER_PASS_PLAINTEXT)
            && let Some(config) = config
        {
            return Cred::credential_helper(config, url, Some(user).filter(|u| *u != "git"));
        }
        if allowed.contains(CredentialType::DEFAULT) {
            return Cred::default();
        }
        if allowed.contains(CredentialType::USERNAME) {
            return Cred::username(user);
        }
        Err(git2::Error::from_str("no credentials for this remote"))
    });
    cb
}

impl Store {
    /// The upstream of the branch HEAD is on; `None` when it has none (or HEAD is detached).
    pub fn upstream(&self) -> Result<Option<Upstream>, StoreError> {
        let head = self.repo.find_reference("HEAD")?;
        let Some(branch) = head.symbolic_target().ok().flatten().map(str::to_string) else {
            return Ok(None);
        };
        let found = |r: Result<git2::Buf, git2::Error>| -> Result<Option<String>, StoreError> {
            match r {
                Ok(b) => Ok(b.as_str().ok().map(str::to_string)),
                Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
                Err(e) => Err(e.into()),
            }
        };
        let Some(remote) = found(self.repo.branch_upstream_remote(&branch))? else {
            return Ok(None);
        };
        // A branch that tracks another local branch (`remote = .`) shares nothing.
        if remote == "." {
            return Ok(None);
        }
        let Some(merge) = found(self.repo.branch_upstream_merge(&branch))? else {
            return Ok(None);
        };
        let tracking = found(self.repo.branch_upstream_name(&branch))?.unwrap_or_else(|| {
            format!(
                "refs/remotes/{remote}/{}",
                merge.strip_prefix("refs/heads/").unwrap_or(&merge)
            )
        });
        let url = self
            .repo
            .find_remote(&remote)
            .ok()
            .and_then(|r| r.url().ok().map(str::to_string))
            .unwrap_or_default();
        Ok(Some(Upstream {
            remote,
            url,
            branch,
            merge,
            tracking,
        }))
    }

    fn unreachable(up: &Upstream, e: &git2::Error) -> StoreError {
        StoreError::Unreachable {
            upstream: up.short(),
            url: up.url.clone(),
            reason: e.message().to_string(),
        }
    }

    /// Fetches the upstream branch into its remote-tracking reference and the remote's `dpa/*`
    /// tags into the mirror; local tags are not touched.
    pub fn fetch(&self, up: &Upstream) -> Result<Fetched, StoreError> {
        let mut remote = self
            .repo
            .find_remote(&up.remote)
            .map_err(|e| Self::unreachable(up, &e))?;
        let config = self.repo.config().ok();
        let tries = Cell::new(0);
        let mut options = FetchOptions::new();
        options
            .remote_callbacks(callbacks(config.as_ref(), &tries))
            .download_tags(AutotagOption::None);
        let branch_spec = format!("+{}:{}", up.merge, up.tracking);
        let tags_spec = format!("+refs/tags/dpa/*:{}dpa/*", up.mirror_prefix());
        remote
            .fetch(
                &[branch_spec.as_str(), tags_spec.as_str()],
                Some(&mut options),
                Some("dpa: fetch"),
            )
            .map_err(|e| Self::unreachable(up, &e))?;
        // What the remote advertised is what it has: names, and the objects they point at.
        let mut tip = None;
        let mut tags = BTreeMap::new();
        for head in remote.list().map_err(|e| Self::unreachable(up, &e))? {
            let name = head.name();
            if name == up.merge {
                tip = Some(head.oid());
            } else if let Some(tag) = name.strip_prefix("refs/tags/")
                && !tag.ends_with("^{}")
                && parse_tag(tag).is_some()
            {
                tags.insert(tag.to_string(), head.oid());
            }
        }
        // The mirror holds exactly the remote's tags; the tracking ref goes with a deleted branch.
        let prefix = up.mirror_prefix();
        for r in self.repo.references_glob(&format!("{prefix}*"))?.flatten() {
            let Some(name) = r.name().ok().map(str::to_string) else {
                continue;
            };
            if !tags.contains_key(name.strip_prefix(&prefix).unwrap_or_default()) {
                let mut r = r;
                let _ = r.delete();
            }
        }
        if tip.is_none()
            && let Ok(mut r) = self.repo.find_reference(&up.tracking)
        {
            let _ = r.delete();
        }
        Ok(Fetched { tip, tags })
    }

    /// The local `dpa/*` tags and what they point at.
    pub fn local_tags(&self) -> Result<BTreeMap<String, Oid>, StoreError> {
        let mut out = BTreeMap::new();
        for r in self.repo.references_glob("refs/tags/dpa/*")?.flatten() {
            if let (Some(name), Some(target)) = (r.name().ok(), r.target())
                && let Some(tag) = name.strip_prefix("refs/tags/")
                && parse_tag(tag).is_some()
            {
                out.insert(tag.to_string(), target);
            }
        }
        Ok(out)
    }

    /// The commit a tag or commit id points at.
    pub fn peel(&self, target: Oid) -> Result<Oid, StoreError> {
        Ok(self.repo.find_object(target, None)?.peel_to_commit()?.id())
    }

    /// Whether `ancestor` is `commit` or one of its ancestors.
    pub fn contains(&self, commit: Oid, ancestor: Oid) -> Result<bool, StoreError> {
        Ok(commit == ancestor || self.repo.graph_descendant_of(commit, ancestor)?)
    }

    /// The commit HEAD points at.
    pub fn head_id(&self) -> Result<Option<Oid>, StoreError> {
        Ok(self.head_commit()?.map(|c| c.id()))
    }

    /// Where the branch stands against what was fetched.
    pub fn position(&self, fetched: &Fetched) -> Result<Position, StoreError> {
        let local = self.head_id()?;
        let mut pos = Position::default();
        match (local, fetched.tip) {
            (Some(l), Some(r)) => {
                let (ahead, behind) = self.repo.graph_ahead_behind(l, r)?;
                pos.ahead = ahead;
                pos.behind = behind;
            }
            (None, Some(_)) => pos.behind = 1,
            _ => {}
        }
        let local_tags = self.local_tags()?;
        for (name, target) in &fetched.tags {
            let Some(v) = parse_tag(name) else { continue };
            match local_tags.get(name) {
                Some(t) if t == target => {}
                Some(_) => pos.differ.push(v),
                None => {
                    let commit = self.peel(*target)?;
                    let have = match local {
                        Some(l) => self.contains(l, commit)?,
                        None => false,
                    };
                    if !have {
                        pos.theirs.push(v);
                    }
                }
            }
        }
        for name in local_tags.keys() {
            if !fetched.tags.contains_key(name)
                && let Some(v) = parse_tag(name)
            {
                pos.ours.push(v);
            }
        }
        Ok(pos)
    }

    /// Creates local tags for the remote's tags that have no local namesake (never moving a
    /// local tag); returns those created.
    pub fn import_tags(&self, fetched: &Fetched) -> Result<Vec<String>, StoreError> {
        let mut created = Vec::new();
        for (name, target) in &fetched.tags {
            let refname = format!("refs/tags/{name}");
            if self.repo.find_reference(&refname).is_ok() {
                continue;
            }
            match self
                .repo
                .reference(&refname, *target, false, "dpa: tag from the remote")
            {
                Ok(_) => created.push(name.clone()),
                Err(e) if e.code() == ErrorCode::Exists => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(created)
    }

    /// The check every command that writes makes first ("check the remote before writing"):
    /// with an upstream and online, fetch it, take in the versions it has, and refuse when the
    /// branch is behind or has diverged, when a tag means different documents on the two sides,
    /// or when provisional versions wait to be shared; `offline` skips the remote.
    pub fn check_remote(&self, offline: bool) -> Result<Sharing, StoreError> {
        if self.merge_in_progress() {
            let files = self.conflicted()?;
            return Err(StoreError::MergeInProgress(if files.is_empty() {
                String::new()
            } else {
                format!(
                    " ({} conflicted: {})",
                    files.len(),
                    files.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            }));
        }
        let Some(up) = self.upstream()? else {
            return Ok(Sharing::Solo);
        };
        if offline {
            return Ok(Sharing::Offline(up));
        }
        let fetched = self.fetch(&up)?;
        let pos = self.position(&fetched)?;
        if !pos.differ.is_empty() {
            return Err(StoreError::TagsDiffer {
                upstream: up.short(),
                versions: describe(&pos.differ),
            });
        }
        if pos.behind > 0 {
            return Err(if pos.ahead > 0 {
                StoreError::Diverged {
                    upstream: up.short(),
                    ahead: pos.ahead,
                    behind: pos.behind,
                    theirs: describe(&pos.theirs),
                    ours: describe(&pos.ours),
                }
            } else {
                StoreError::Behind {
                    upstream: up.short(),
                    behind: pos.behind,
                    theirs: describe(&pos.theirs),
                }
            });
        }
        let provisional = self.provisional()?;
        if !provisional.is_empty() {
            return Err(StoreError::ProvisionalPending {
                upstream: up.short(),
                versions: describe(&provisional.keys().cloned().collect::<Vec<_>>()),
            });
        }
        // Up to date: the remote's versions are this workspace's too.
        self.import_tags(&fetched)?;
        Ok(Sharing::Online(up))
    }

    /// The commit the remote-tracking reference points at, as last fetched.
    pub fn tracking_tip(&self, up: &Upstream) -> Option<Oid> {
        self.repo
            .find_reference(&up.tracking)
            .ok()
            .and_then(|r| r.target())
    }

    /// The remote's references now: its branch and its `dpa/*` tags.
    fn remote_refs(&self, up: &Upstream) -> Result<BTreeMap<String, Oid>, StoreError> {
        let mut remote = self
            .repo
            .find_remote(&up.remote)
            .map_err(|e| Self::unreachable(up, &e))?;
        let config = self.repo.config().ok();
        let tries = Cell::new(0);
        let conn = remote
            .connect_auth(
                Direction::Push,
                Some(callbacks(config.as_ref(), &tries)),
                None,
            )
            .map_err(|e| Self::unreachable(up, &e))?;
        Ok(conn
            .list()
            .map_err(|e| Self::unreachable(up, &e))?
            .iter()
            .filter(|h| !h.name().ends_with("^{}"))
            .map(|h| (h.name().to_string(), h.oid()))
            .collect())
    }

    /// Pushes refspecs; the reasons the remote gave for references it refused, and the error
    /// of the push as a whole, if any.
    fn push_specs(
        &self,
        up: &Upstream,
        specs: &[String],
    ) -> (Vec<(String, String)>, Option<String>) {
        let mut remote = match self.repo.find_remote(&up.remote) {
            Ok(r) => r,
            Err(e) => return (Vec::new(), Some(e.message().to_string())),
        };
        let config = self.repo.config().ok();
        let tries = Cell::new(0);
        let refused = std::cell::RefCell::new(Vec::new());
        let mut cb = callbacks(config.as_ref(), &tries);
        cb.push_update_reference(|name, status| {
            if let Some(why) = status {
                refused
                    .borrow_mut()
                    .push((name.to_string(), why.to_string()));
            }
            Ok(())
        });
        let mut options = PushOptions::new();
        options.remote_callbacks(cb);
        let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
        let result = remote.push(&specs, Some(&mut options));
        drop(options);
        (
            refused.into_inner(),
            result.err().map(|e| e.message().to_string()),
        )
    }

    /// Pushes the branch and `tags` (names without `refs/tags/`) so that the remote takes all
    /// of them or none: when it takes only some, those are put back (the branch to `before`, its
    /// commit before the push; new tags deleted). `Err(PushRefused)` says what it refused and
    /// whether the remote is as it was.
    pub fn publish(
        &self,
        up: &Upstream,
        before: Option<Oid>,
        tags: &[String],
    ) -> Result<(), StoreError> {
        let head = self.head_id()?.ok_or(StoreError::Raced)?;
        let local_tags = self.local_tags()?;
        let mut want: BTreeMap<String, Oid> = BTreeMap::new();
        want.insert(up.merge.clone(), head);
        let mut specs = vec![format!("{}:{}", up.branch, up.merge)];
        for t in tags {
            let target = *local_tags
                .get(t)
                .ok_or_else(|| StoreError::BadManifest(format!("no local tag {t} to push")))?;
            want.insert(format!("refs/tags/{t}"), target);
            specs.push(format!("refs/tags/{t}:refs/tags/{t}"));
        }
        let (refused, failure) = self.push_specs(up, &specs);
        // What the remote holds now decides, whatever the push reported.
        let now = match self.remote_refs(up) {
            Ok(now) => now,
            Err(e) if refused.is_empty() && failure.is_none() => return Err(e),
            Err(_) => {
                return Err(StoreError::PushRefused {
                    upstream: up.short(),
                    reasons: reasons(&refused, failure.as_deref()),
                    left: "the remote could not be read back after the push".into(),
                });
            }
        };
        let took: Vec<&String> = want
            .iter()
            .filter(|(name, oid)| now.get(*name) == Some(oid))
            .map(|(name, _)| name)
            .collect();
        if took.len() == want.len() {
            self.after_push(up, head, tags)?;
            return Ok(());
        }
        let mut reasons = reasons(&refused, failure.as_deref());
        if reasons.is_empty() {
            reasons = "the remote did not take every reference".into();
        }
        if took.is_empty() {
            return Err(StoreError::PushRefused {
                upstream: up.short(),
                reasons,
                left: format!("{} is as it was", up.short()),
            });
        }
        // Half taken: put back what was taken, so that the version exists nowhere.
        let mut undo = Vec::new();
        let undo_ref = "refs/dpa/undo-push";
        for name in &took {
            if **name == up.merge {
                match before {
                    Some(old) => {
                        self.repo
                            .reference(undo_ref, old, true, "dpa: undo a push")?;
                        undo.push(format!("+{undo_ref}:{}", up.merge));
                    }
                    None => undo.push(format!(":{}", up.merge)),
                }
            } else {
                undo.push(format!(":{name}"));
            }
        }
        let (_, undo_failure) = self.push_specs(up, &undo);
        if let Ok(mut r) = self.repo.find_reference(undo_ref) {
            let _ = r.delete();
        }
        let restored = self.remote_refs(up).ok().is_some_and(|now| {
            took.iter().all(|name| {
                if **name == up.merge {
                    now.get(*name).copied() == before
                } else {
                    !now.contains_key(*name)
                }
            })
        });
        let left = if restored {
            format!(
                "{} took part of the push ({}) and was put back as it was",
                up.short(),
                took.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            format!(
                "{} took part of the push ({}) and could not be put back{}: run `dpa sync`",
                up.short(),
                took.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                undo_failure.map(|f| format!(" ({f})")).unwrap_or_default()
            )
        };
        Err(StoreError::PushRefused {
            upstream: up.short(),
            reasons,
            left,
        })
    }

    /// After a push the remote took: the tracking ref and the mirror follow, and the tags
    /// pushed are no longer provisional.
    fn after_push(&self, up: &Upstream, head: Oid, tags: &[String]) -> Result<(), StoreError> {
        self.repo
            .reference(&up.tracking, head, true, "dpa: pushed")?;
        let local = self.local_tags()?;
        for t in tags {
            if let Some(target) = local.get(t) {
                self.repo.reference(
                    &format!("{}{t}", up.mirror_prefix()),
                    *target,
                    true,
                    "dpa: pushed",
                )?;
            }
            if let Some(v) = parse_tag(t) {
                self.clear_provisional(&v)?;
            }
        }
        Ok(())
    }

    /// Provisional versions (recorded offline, not pushed yet) and their input snapshots.
    pub fn provisional(&self) -> Result<BTreeMap<Version, Oid>, StoreError> {
        let mut out = BTreeMap::new();
        for r in self
            .repo
            .references_glob(&format!("{PROVISIONAL}/*"))?
            .flatten()
        {
            if let (Some(name), Some(target)) = (r.name().ok(), r.target())
                && let Some(rest) = name.strip_prefix(&format!("{PROVISIONAL}/"))
                && let Some(v) = parse_tag(&format!("dpa/{rest}"))
            {
                out.insert(v, target);
            }
        }
        Ok(out)
    }

    /// Whether a version is provisional.
    pub fn is_provisional(&self, id: &str, version: u32) -> bool {
        self.repo
            .find_reference(&provisional_ref(id, version))
            .is_ok()
    }

    /// Marks a version recorded offline as provisional, with a snapshot of its inputs: a
    /// commit on top of `commit` holding `inputs` (workspace-relative paths) as they are in the
    /// work tree now, so that it can be rendered again exactly under another number.
    pub fn mark_provisional(
        &self,
        id: &str,
        version: u32,
        commit: Oid,
        inputs: &[String],
    ) -> Result<(), StoreError> {
        let mut files = Vec::new();
        for rel in inputs {
            if let Ok(bytes) = std::fs::read(self.workdir_path(rel)) {
                files.push((rel.clone(), Some(bytes)));
            }
        }
        let base = self.repo.find_commit(commit)?;
        let tree = self.tree_with(Some(base.tree_id()), &files)?;
        let sig = self.signature()?;
        let snapshot = self.repo.commit(
            None,
            &sig,
            &sig,
            &format!("dpa: inputs of provisional {id} v{version}\n"),
            &self.repo.find_tree(tree)?,
            &[&base],
        )?;
        self.repo.reference(
            &provisional_ref(id, version),
            snapshot,
            true,
            "dpa: provisional",
        )?;
        Ok(())
    }

    /// Marks a version provisional with an existing input snapshot (a renumbered version not
    /// pushed yet keeps the inputs of the version it was).
    pub fn mark_provisional_snapshot(&self, v: &Version, snapshot: Oid) -> Result<(), StoreError> {
        self.repo.reference(
            &provisional_ref(&v.id, v.version),
            snapshot,
            true,
            "dpa: provisional",
        )?;
        Ok(())
    }

    /// Forgets that a version is provisional.
    pub fn clear_provisional(&self, v: &Version) -> Result<(), StoreError> {
        if let Ok(mut r) = self.repo.find_reference(&provisional_ref(&v.id, v.version)) {
            r.delete()?;
        }
        Ok(())
    }

    /// Moves a provisional tag aside (to `refs/dpa/renumbered/`), so that its name can take the
    /// remote's version and the provisional one stays reachable.
    pub fn set_aside(&self, v: &Version) -> Result<(), StoreError> {
        let tag = tag_name(&v.id, v.version);
        let refname = format!("refs/tags/{tag}");
        let Ok(mut r) = self.repo.find_reference(&refname) else {
            return Ok(());
        };
        let Some(target) = r.target() else {
            return Ok(());
        };
        let short: String = target.to_string().chars().take(10).collect();
        self.repo.reference(
            &format!("{RENUMBERED}/{}/v{}-{short}", v.id, v.version),
            target,
            true,
            "dpa: renumbered",
        )?;
        r.delete()?;
        self.clear_provisional(v)?;
        Ok(())
    }

    /// Creates an annotated tag on `commit`; an existing tag of that name is an error.
    pub fn create_tag(&self, name: &str, commit: Oid, message: &str) -> Result<Oid, StoreError> {
        let sig = self.signature()?;
        let obj = self
            .repo
            .find_object(commit, Some(git2::ObjectType::Commit))?;
        self.repo
            .tag(name, &obj, &sig, message, false)
            .map_err(|e| {
                if e.code() == ErrorCode::Exists {
                    StoreError::TagExists(name.to_string())
                } else {
                    e.into()
                }
            })
    }

    /// The remote's `dpa/*` tags as last fetched.
    pub fn mirrored_tags(&self, up: &Upstream) -> Result<BTreeMap<String, Oid>, StoreError> {
        let prefix = up.mirror_prefix();
        let mut out = BTreeMap::new();
        for r in self.repo.references_glob(&format!("{prefix}*"))?.flatten() {
            if let (Some(name), Some(target)) = (r.name().ok(), r.target()) {
                out.insert(
                    name.strip_prefix(&prefix).unwrap_or(name).to_string(),
                    target,
                );
            }
        }
        Ok(out)
    }

    /// Writes the workspace's files as of `commit` into `dest`, but for `agreements/` and `out/`
    /// (the inputs of an agreement, to render it again there).
    pub fn extract(&self, commit: Oid, dest: &Path) -> Result<(), StoreError> {
        let tree = self.repo.find_commit(commit)?.tree()?;
        let root = if self.prefix.is_empty() {
            tree
        } else {
            let entry = tree.get_path(Path::new(&self.prefix))?;
            entry.to_object(&self.repo)?.peel_to_tree()?
        };
        let mut failed = None;
        root.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
            let path = format!("{dir}{}", entry.name().unwrap_or_default());
            if path == "agreements" || path == "out" || path == ".git" {
                return git2::TreeWalkResult::Skip;
            }
            if entry.kind() == Some(git2::ObjectType::Blob) {
                let target = dest.join(&path);
                let written = entry
                    .to_object(&self.repo)
                    .and_then(|o| o.peel_to_blob())
                    .map_err(|e| e.to_string())
                    .and_then(|blob| {
                        if let Some(parent) = target.parent() {
                            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
                        }
                        std::fs::write(&target, blob.content()).map_err(|e| e.to_string())
                    });
                if let Err(e) = written {
                    failed = Some(format!("{path}: {e}"));
                    return git2::TreeWalkResult::Abort;
                }
            }
            git2::TreeWalkResult::Ok
        })?;
        match failed {
            Some(e) => Err(StoreError::BadRecord(format!(
                "cannot write the inputs of a version: {e}"
            ))),
            None => Ok(()),
        }
    }

    /// A tree: `base` with workspace files replaced (`Some`) or removed (`None`).
    pub fn tree_with(
        &self,
        base: Option<Oid>,
        files: &[(String, Option<Vec<u8>>)],
    ) -> Result<Oid, StoreError> {
        let mut index = git2::Index::new()?;
        if let Some(base) = base {
            index.read_tree(&self.repo.find_tree(base)?)?;
        }
        for (rel, bytes) in files {
            let path = self.repo_path(rel);
            match bytes {
                Some(b) => {
                    let blob = self.repo.blob(b)?;
                    index.add(&super::entry(&path, blob, b.len()))?;
                }
                None => {
                    let _ = index.remove_path(Path::new(&path));
                }
            }
        }
        Ok(index.write_tree_to(&self.repo)?)
    }

    /// Workspace-relative names of the conflicted files of a merge in progress, if any.
    pub fn conflicted(&self) -> Result<BTreeSet<String>, StoreError> {
        let index = self.repo.index()?;
        let mut out = BTreeSet::new();
        if !index.has_conflicts() {
            return Ok(out);
        }
        for c in index.conflicts()?.flatten() {
            let entry = c.our.or(c.their).or(c.ancestor);
            if let Some(e) = entry {
                let path = String::from_utf8_lossy(&e.path).into_owned();
                out.insert(self.workspace_rel(&path));
            }
        }
        Ok(out)
    }

    /// Whether a merge (or rebase, cherry-pick, revert) is in progress.
    pub fn merge_in_progress(&self) -> bool {
        self.repo.state() != git2::RepositoryState::Clean
    }

    /// A repository path as a workspace-relative one.
    pub fn workspace_rel(&self, repo_path: &str) -> String {
        if self.prefix.is_empty() {
            repo_path.to_string()
        } else {
            repo_path
                .strip_prefix(&format!("{}/", self.prefix))
                .unwrap_or(repo_path)
                .to_string()
        }
    }
}

fn provisional_ref(id: &str, version: u32) -> String {
    format!("{PROVISIONAL}/{id}/v{version}")
}

fn reasons(refused: &[(String, String)], failure: Option<&str>) -> String {
    let mut parts: Vec<String> = refused
        .iter()
        .map(|(name, why)| format!("{name}: {why}"))
        .collect();
    if let Some(f) = failure {
        parts.push(f.to_string());
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_parse_and_versions_read_compactly() {
        assert_eq!(
            parse_tag("dpa/acme/v2"),
            Some(Version {
                id: "acme".into(),
                version: 2
            })
        );
        assert_eq!(parse_tag("dpa/acme/2"), None);
        assert_eq!(parse_tag("release/v2"), None);
        let vs = [
            Version {
                id: "b".into(),
                version: 3,
            },
            Version {
                id: "a".into(),
                version: 2,
            },
            Version {
                id: "a".into(),
                version: 1,
            },
        ];
        assert_eq!(describe(&vs), "a v1, v2; b v3");
    }
}
