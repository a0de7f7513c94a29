//! `dpa sync`: a workspace shared through a git remote, brought in line with it in dpa's terms.
//!
//! It fetches the branch's upstream and its `dpa/*` tags, then:
//!
//! - renumbers provisional versions (recorded `--offline`) whose number the remote has taken
//!   meanwhile: each is rendered again from its inputs under the next free number, checked to
//!   say exactly what it said before, committed and tagged; the provisional tag is set aside
//!   under `refs/dpa/renumbered/`, never overwritten or lost;
//! - fast-forwards when the branch is only behind, and otherwise merges: records (`dpa.toml`,
//!   `vendors/*.toml`, `customers/*.toml`) edited on both sides field by field ([`crate::store::merge`]);
//!   the generated files of `agreements/<id>/` never as text, but as those of the vendor's
//!   highest version; other files as git merges them;
//! - writes nothing while a conflict is left (the same field changed on both sides), and says
//!   both values and how to choose one;
//! - pushes the branch and every version the remote does not have, all or nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use git2::Oid;

use crate::diag::Diagnostics;
use crate::error::Error;
use crate::render::Renderer;
use crate::store::merge::{self, Take};
use crate::store::remote::{Fetched, Upstream, Version, parse_tag};
use crate::store::{Store, StoreError, tag_name};
use crate::workspace::Workspace;

/// What `dpa sync` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Choices for conflicts: a side, and `FILE:FIELD`, `FIELD` or `FILE`.
    pub take: Vec<(Take, String)>,
    /// Push the result (`false`: fetch and merge only).
    pub push: bool,
}

/// A provisional version given a new number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renumbered {
    /// Vendor id.
    pub id: String,
    /// The provisional number.
    pub from: u32,
    /// The number it has now.
    pub to: u32,
    /// Its new commit.
    pub commit: String,
}

/// A record edited on both sides and merged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordMerge {
    /// The record, workspace-relative.
    pub file: String,
    /// Fields taken from the remote's side.
    pub theirs: Vec<String>,
    /// Conflicting fields resolved by a choice.
    pub chosen: Vec<(String, Take)>,
}

/// Something the two sides disagree on that dpa cannot settle alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The file, workspace-relative.
    pub file: String,
    /// The field, for a record; `None` for a whole file.
    pub field: Option<String>,
    /// Our side's value (or what happened to the file here).
    pub ours: String,
    /// Their side's value (or what happened to the file there).
    pub theirs: String,
}

/// How the branch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to bring in.
    UpToDate,
    /// The remote's commits were brought in by a fast-forward.
    FastForward,
    /// Both sides had commits; they were merged.
    Merged,
    /// Conflicts are left; nothing was written.
    Conflicts,
}

/// What `dpa sync` did.
#[derive(Debug, Clone)]
pub struct Report {
    /// `origin/main`.
    pub upstream: String,
    /// How the branch ended.
    pub outcome: Outcome,
    /// Local commits the remote did not have, and remote commits the branch did not have.
    pub ahead: usize,
    /// See `ahead`.
    pub behind: usize,
    /// Versions the remote had and this workspace did not.
    pub theirs: Vec<Version>,
    /// Versions this workspace had and the remote did not (after renumbering).
    pub ours: Vec<Version>,
    /// Provisional versions renumbered.
    pub renumbered: Vec<Renumbered>,
    /// Records merged field by field.
    pub merged: Vec<RecordMerge>,
    /// Vendors whose `agreements/<id>/` files were set to those of their highest version.
    pub regenerated: Vec<String>,
    /// Conflicts left (nothing written when any).
    pub conflicts: Vec<Conflict>,
    /// The branch's commit after the sync.
    pub head: Option<String>,
    /// Whether the result was pushed; the refusal, when the remote refused it.
    pub pushed: Result<bool, String>,
}

/// The three generated files of an issued version.
fn generated(rel: &str) -> Option<&str> {
    let rest = rel.strip_prefix("agreements/")?;
    let (id, file) = rest.split_once('/')?;
    (file == format!("{id}.pdf") || file == format!("{id}.typ") || file == "manifest.json")
        .then_some(id)
}

/// A record dpa merges field by field.
fn is_record(rel: &str) -> bool {
    rel == crate::workspace::COMPANY_FILE
        || ["vendors/", "customers/"].iter().any(|d| {
            rel.strip_prefix(d)
                .is_some_and(|f| f.ends_with(".toml") && !f.contains('/'))
        })
}

fn take_for(options: &Options, file: &str, field: Option<&str>) -> Option<Take> {
    options.take.iter().rev().find_map(|(side, spec)| {
        let hit = match field {
            Some(field) => {
                let on = |f: &str| {
                    f == field
                        || field.starts_with(&format!("{f}."))
                        || field.starts_with(&format!("{f}["))
                };
                spec == file
                    || spec.strip_prefix(&format!("{file}:")).is_some_and(on)
                    || (!spec.contains(':') && on(spec))
            }
            None => spec == file,
        };
        hit.then_some(*side)
    })
}

fn blob_at(store: &Store, tree: &git2::Tree<'_>, repo_path: &str) -> Option<Vec<u8>> {
    let e = tree.get_path(Path::new(repo_path)).ok()?;
    let blob = e.to_object(store.repo()).ok()?.peel_to_blob().ok()?;
    Some(blob.content().to_vec())
}

/// Paths (repository paths) that differ between two trees.
fn changed(
    store: &Store,
    a: Option<&git2::Tree<'_>>,
    b: Option<&git2::Tree<'_>>,
) -> Result<BTreeSet<String>, StoreError> {
    let diff = store.repo().diff_tree_to_tree(a, b, None)?;
    let mut out = BTreeSet::new();
    for d in diff.deltas() {
        for f in [d.old_file(), d.new_file()] {
            if let Some(p) = f.path() {
                out.insert(p.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(out)
}

/// Shares the workspace at `root` with its upstream ([`sync`]): the repository needs an
/// identity to commit as, and a run takes its turn with others recording in the workspace.
pub fn sync_workspace(root: &Path, options: &Options) -> Result<Report, Error> {
    let store = Store::open(root)?;
    store.signature()?;
    let _lock = crate::store::RecordLock::acquire(&store, std::time::Duration::from_secs(120))?;
    sync(&store, options)
}

/// Brings the workspace's branch in line with its upstream (see the module documentation).
pub fn sync(store: &Store, options: &Options) -> Result<Report, Error> {
    let head_ref = store.repo().find_reference("HEAD")?;
    let branch_short = head_ref
        .symbolic_target()
        .ok()
        .flatten()
        .map(|b| b.strip_prefix("refs/heads/").unwrap_or(b).to_string())
        .unwrap_or_else(|| "HEAD".into());
    drop(head_ref);
    let Some(up) = store.upstream()? else {
        return Err(StoreError::NoUpstream(branch_short).into());
    };
    if store.merge_in_progress() {
        let files = store.conflicted()?;
        let list = if files.is_empty() {
            String::new()
        } else {
            format!(
                " ({} conflicted: {})",
                files.len(),
                files.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        };
        return Err(StoreError::MergeInProgress(list).into());
    }
    let fetched = store.fetch(&up)?;
    let pos = store.position(&fetched)?;
    let mut report = Report {
        upstream: up.short(),
        outcome: Outcome::UpToDate,
        ahead: pos.ahead,
        behind: pos.behind,
        theirs: pos.theirs.clone(),
        ours: Vec::new(),
        renumbered: Vec::new(),
        merged: Vec::new(),
        regenerated: Vec::new(),
        conflicts: Vec::new(),
        head: None,
        pushed: Ok(false),
    };

    // Tags that name different documents: provisional ones here are renumbered.
    let provisional = store.provisional()?;
    for v in &pos.differ {
        if !provisional.contains_key(v) {
            report.conflicts.push(Conflict {
                file: format!("tag {}", tag_name(&v.id, v.version)),
                field: None,
                ours: "a version issued here (not provisional)".into(),
                theirs: format!("another document under the same number on {}", up.short()),
            });
        }
    }
    if !report.conflicts.is_empty() {
        report.outcome = Outcome::Conflicts;
        return Ok(report);
    }
    let plan = renumber_plan(store, &fetched, &pos.differ, &provisional)?;

    // Renumbered versions: commits on top of the branch, one per version.
    let local = store.head_id()?;
    let mut tip = local;
    let mut new_tags: Vec<(Version, String, Oid, Oid)> = Vec::new(); // old, new tag, commit, snapshot
    for (old, to, snapshot) in &plan {
        let commit = renumber(store, tip, old, *to, *snapshot, &up)?;
        report.renumbered.push(Renumbered {
            id: old.id.clone(),
            from: old.version,
            to: *to,
            commit: commit.to_string(),
        });
        new_tags.push((old.clone(), tag_name(&old.id, *to), commit, *snapshot));
        tip = Some(commit);
    }

    // Where the branch goes.
    let remote = fetched.tip;
    let new_head = match (tip, remote) {
        (None, None) => None,
        (Some(l), None) => Some(l),
        (None, Some(r)) => {
            report.outcome = Outcome::FastForward;
            Some(r)
        }
        (Some(l), Some(r)) if l == r || store.contains(l, r)? => Some(l),
        (Some(l), Some(r)) if store.contains(r, l)? => {
            report.outcome = Outcome::FastForward;
            Some(r)
        }
        (Some(l), Some(r)) => {
            let tags = final_tags(store, &fetched, &new_tags)?;
            match merge_commits(store, l, r, &tags, options, &up, &mut report)? {
                Some(m) => {
                    report.outcome = Outcome::Merged;
                    Some(m)
                }
                None => {
                    report.outcome = Outcome::Conflicts;
                    return Ok(report);
                }
            }
        }
    };

    // Write: the work tree and the branch, then the tags.
    if let Some(new) = new_head
        && Some(new) != local
    {
        move_branch(store, &up, local, new)?;
    }
    report.head = new_head.map(|h| h.to_string());
    for (old, tag, commit, snapshot) in &new_tags {
        store.set_aside(old)?;
        let message = format!(
            "{} v{} (renumbered from provisional v{}, recorded offline)\n",
            old.id,
            tag.rsplit('/')
                .next()
                .unwrap_or_default()
                .trim_start_matches('v'),
            old.version
        );
        store.create_tag(tag, *commit, &message)?;
        if let Some(v) = parse_tag(tag) {
            let _ = snapshot;
            store.mark_provisional_snapshot(&v, *snapshot)?;
        }
    }
    store.import_tags(&fetched)?;

    // Push the branch and every version the remote does not have.
    let local_tags = store.local_tags()?;
    let to_push: Vec<String> = local_tags
        .keys()
        .filter(|t| !fetched.tags.contains_key(*t))
        .cloned()
        .collect();
    report.ours = to_push.iter().filter_map(|t| parse_tag(t)).collect();
    let head_now = store.head_id()?;
    let needs_push = !to_push.is_empty() || (head_now.is_some() && head_now != remote);
    if options.push && needs_push {
        report.pushed = match store.publish(&up, remote, &to_push) {
            Ok(()) => Ok(true),
            Err(e) => Err(e.to_string()),
        };
    }
    Ok(report)
}

/// Provisional versions to renumber, with their new numbers and input snapshots: for each
/// vendor whose provisional version collides with the remote's, that version and every later
/// provisional one, numbered after the highest version either side has.
fn renumber_plan(
    store: &Store,
    fetched: &Fetched,
    differ: &[Version],
    provisional: &BTreeMap<Version, Oid>,
) -> Result<Vec<(Version, u32, Oid)>, StoreError> {
    let local_tags = store.local_tags()?;
    let mut plan = Vec::new();
    let ids: BTreeSet<&str> = differ.iter().map(|v| v.id.as_str()).collect();
    for id in ids {
        let start = differ
            .iter()
            .filter(|v| v.id == id)
            .map(|v| v.version)
            .min()
            .unwrap_or(0);
        let moving: Vec<(&Version, &Oid)> = provisional
            .iter()
            .filter(|(v, _)| v.id == id && v.version >= start)
            .collect();
        // Every number the remote has, and every one here that stays, is taken.
        let remote = fetched.tags.keys().filter_map(|t| parse_tag(t));
        let staying = local_tags
            .keys()
            .filter_map(|t| parse_tag(t))
            .filter(|v| !moving.iter().any(|(m, _)| *m == v));
        let taken = remote
            .chain(staying)
            .filter(|v| v.id == id)
            .map(|v| v.version)
            .max()
            .unwrap_or(0);
        let mut next = taken.max(start);
        for (v, snapshot) in moving {
            next += 1;
            plan.push((v.clone(), next, *snapshot));
        }
    }
    Ok(plan)
}

/// Renders a provisional version again under number `to` from its input snapshot, checks it
/// says what it said, and commits it on top of `parent`; returns the commit.
fn renumber(
    store: &Store,
    parent: Option<Oid>,
    old: &Version,
    to: u32,
    snapshot: Oid,
    up: &Upstream,
) -> Result<Oid, Error> {
    let id = &old.id;
    let before = store.manifest(id, old.version)?;
    let dir = tempfile_dir()?;
    store.extract(snapshot, dir.path())?;
    let mut diags = Diagnostics::new();
    let failed = |what: &str| {
        Error::Store(Box::new(StoreError::BadRecord(format!(
            "cannot renumber provisional {id} v{}: {what}; nothing was written\n  hint: its inputs are kept as commit {snapshot}",
            old.version
        ))))
    };
    let ws =
        Workspace::open(dir.path(), &mut diags).map_err(|_| failed("its inputs do not open"))?;
    let Some(vendor) = ws.load_vendor(id, &mut diags) else {
        return Err(failed("its record does not load"));
    };
    let renderer = Renderer::new(Some(dir.path().to_path_buf()));
    let Some(output) = super::issue::render_final(&ws, &renderer, vendor, to, &mut diags) else {
        return Err(failed("it does not render"));
    };
    if output.manifest.content_sha256 != before.content_sha256 {
        return Err(failed(
            "rendered again, it no longer says what it said (its inputs could not be found as they were)",
        ));
    }
    let note = format!(
        "Renumbered-From: v{} (provisional, recorded offline; {} issued v{} meanwhile)",
        old.version,
        up.short(),
        old.version
    );
    let message = super::issue::commit_message(&output.manifest, Some(&note));
    let [pdf, typ, manifest] = Store::version_files(id);
    let files = vec![
        (pdf, Some(output.pdf.clone())),
        (typ, Some(output.source.clone().into_bytes())),
        (manifest, Some(output.manifest.to_json().into_bytes())),
    ];
    let base_tree = match parent {
        Some(p) => Some(store.repo().find_commit(p)?.tree_id()),
        None => None,
    };
    let tree = store.tree_with(base_tree, &files)?;
    let sig = store.signature()?;
    let parents: Vec<git2::Commit<'_>> = parent
        .map(|p| store.repo().find_commit(p))
        .transpose()?
        .into_iter()
        .collect();
    let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
    Ok(store.repo().commit(
        None,
        &sig,
        &sig,
        &message,
        &store.repo().find_tree(tree)?,
        &refs,
    )?)
}

fn tempfile_dir() -> Result<TempDir, Error> {
    let base = std::env::temp_dir();
    for n in 0..1000u32 {
        let path = base.join(format!("dpa-sync-{}-{n}", std::process::id()));
        if std::fs::create_dir(&path).is_ok() {
            return Ok(TempDir(path));
        }
    }
    Err(Error::io(
        &base,
        std::io::Error::other("cannot create a temporary folder"),
    ))
}

/// A temporary folder, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Every version after the sync and its commit: the remote's, and ours renumbered.
fn final_tags(
    store: &Store,
    fetched: &Fetched,
    new_tags: &[(Version, String, Oid, Oid)],
) -> Result<BTreeMap<Version, Oid>, StoreError> {
    let mut out = BTreeMap::new();
    for (name, target) in store.local_tags()? {
        if let Some(v) = parse_tag(&name)
            && !new_tags.iter().any(|(old, ..)| *old == v)
        {
            out.insert(v, store.peel(target)?);
        }
    }
    for (name, target) in &fetched.tags {
        if let Some(v) = parse_tag(name) {
            out.insert(v, store.peel(*target)?);
        }
    }
    for (_, tag, commit, _) in new_tags {
        if let Some(v) = parse_tag(tag) {
            out.insert(v, *commit);
        }
    }
    Ok(out)
}

/// Merges `theirs` into `ours`: a merge commit, or `None` with the conflicts in `report`.
fn merge_commits(
    store: &Store,
    ours: Oid,
    theirs: Oid,
    tags: &BTreeMap<Version, Oid>,
    options: &Options,
    up: &Upstream,
    report: &mut Report,
) -> Result<Option<Oid>, Error> {
    let repo = store.repo();
    let base = repo.merge_base(ours, theirs).ok();
    let base_tree = base
        .map(|b| repo.find_commit(b).and_then(|c| c.tree()))
        .transpose()?;
    let our_tree = repo.find_commit(ours)?.tree()?;
    let their_tree = repo.find_commit(theirs)?.tree()?;
    let empty = repo.find_tree(repo.treebuilder(None)?.write()?)?;
    let ancestor = base_tree.as_ref().unwrap_or(&empty);
    let mut index = repo.merge_trees(ancestor, &our_tree, &their_tree, None)?;

    let ours_changed = changed(store, Some(ancestor), Some(&our_tree))?;
    let theirs_changed = changed(store, Some(ancestor), Some(&their_tree))?;
    let mut conflicted: BTreeSet<String> = BTreeSet::new();
    if index.has_conflicts() {
        for c in index.conflicts()?.flatten() {
            if let Some(e) = c.our.as_ref().or(c.their.as_ref()).or(c.ancestor.as_ref()) {
                conflicted.insert(String::from_utf8_lossy(&e.path).into_owned());
            }
        }
    }
    let mut resolved: Vec<(String, Option<Vec<u8>>)> = Vec::new();

    // Records changed on both sides: field by field.
    for path in ours_changed.intersection(&theirs_changed) {
        let rel = store.workspace_rel(path);
        if !is_record(&rel) {
            continue;
        }
        let b = blob_at(store, ancestor, path);
        let o = blob_at(store, &our_tree, path);
        let t = blob_at(store, &their_tree, path);
        match (o, t) {
            (Some(o), Some(t)) => {
                let text = |x: &[u8]| String::from_utf8_lossy(x).into_owned();
                let base_text = b.as_deref().map(text);
                let take = |field: &str| take_for(options, &rel, Some(field));
                match merge::merge(base_text.as_deref(), &text(&o), &text(&t), &take) {
                    Ok(m) => {
                        for c in &m.conflicts {
                            report.conflicts.push(Conflict {
                                file: rel.clone(),
                                field: Some(c.field.clone()),
                                ours: c.ours.clone(),
                                theirs: c.theirs.clone(),
                            });
                        }
                        if let Some(text) = m.text {
                            if !m.theirs.is_empty() || !m.chosen.is_empty() {
                                report.merged.push(RecordMerge {
                                    file: rel.clone(),
                                    theirs: m.theirs,
                                    chosen: m.chosen,
                                });
                            }
                            resolved.push((path.clone(), Some(text.into_bytes())));
                        }
                    }
                    Err(why) => match take_for(options, &rel, None) {
                        Some(Take::Ours) => resolved.push((path.clone(), Some(o))),
                        Some(Take::Theirs) => resolved.push((path.clone(), Some(t))),
                        None => report.conflicts.push(Conflict {
                            file: rel.clone(),
                            field: None,
                            ours: why.clone(),
                            theirs: "cannot be merged field by field".into(),
                        }),
                    },
                }
            }
            (o, t) => match take_for(options, &rel, None) {
                Some(Take::Ours) => resolved.push((path.clone(), o)),
                Some(Take::Theirs) => resolved.push((path.clone(), t)),
                None => report.conflicts.push(Conflict {
                    file: rel.clone(),
                    field: None,
                    ours: if o.is_some() { "changed" } else { "deleted" }.into(),
                    theirs: if t.is_some() { "changed" } else { "deleted" }.into(),
                }),
            },
        }
        conflicted.remove(path);
    }

    // Generated files: those of each vendor's highest version, never merged as text.
    let mut vendors: BTreeSet<String> = BTreeSet::new();
    for path in ours_changed.union(&theirs_changed) {
        if let Some(id) = generated(&store.workspace_rel(path)) {
            vendors.insert(id.to_string());
        }
    }
    for id in &vendors {
        let top = tags
            .iter()
            .filter(|(v, _)| v.id == *id)
            .max_by_key(|(v, _)| v.version)
            .map(|(_, c)| *c);
        let Some(top) = top else { continue };
        let tree = repo.find_commit(top)?.tree()?;
        for rel in Store::version_files(id) {
            let path = store.repo_path(&rel);
            resolved.push((path.clone(), blob_at(store, &tree, &path)));
            conflicted.remove(&path);
        }
        report.regenerated.push(id.clone());
    }

    // Other files git could not merge: a choice, or a conflict.
    for path in conflicted {
        let rel = store.workspace_rel(&path);
        match take_for(options, &rel, None) {
            Some(side) => {
                let tree = if side == Take::Ours {
                    &our_tree
                } else {
                    &their_tree
                };
                resolved.push((path.clone(), blob_at(store, tree, &path)));
            }
            None => {
                let state = |tree: &git2::Tree<'_>| {
                    if blob_at(store, tree, &path).is_some() {
                        "changed"
                    } else {
                        "deleted"
                    }
                };
                report.conflicts.push(Conflict {
                    file: rel,
                    field: None,
                    ours: state(&our_tree).into(),
                    theirs: state(&their_tree).into(),
                });
            }
        }
    }
    if !report.conflicts.is_empty() {
        return Ok(None);
    }
    for (path, bytes) in &resolved {
        let _ = index.conflict_remove(Path::new(path));
        match bytes {
            Some(b) => {
                let blob = repo.blob(b)?;
                index.add(&crate::store::entry(path, blob, b.len()))?;
            }
            None => {
                let _ = index.remove_path(Path::new(path));
            }
        }
    }
    if index.has_conflicts() {
        return Err(StoreError::BadRecord(
            "the merge left conflicts dpa did not expect; nothing was written".into(),
        )
        .into());
    }
    let tree = repo.find_tree(index.write_tree_to(repo)?)?;
    let sig = store.signature()?;
    let mut message = format!("dpa: sync with {}\n\n", up.short());
    for m in &report.merged {
        message.push_str(&format!("Merged: {}", m.file));
        if !m.theirs.is_empty() {
            message.push_str(&format!(" ({} from {})", m.theirs.join(", "), up.short()));
        }
        for (f, side) in &m.chosen {
            message.push_str(&format!(
                " ({f}: {} chosen)",
                if *side == Take::Ours {
                    "ours"
                } else {
                    "theirs"
                }
            ));
        }
        message.push('\n');
    }
    for r in &report.renumbered {
        message.push_str(&format!("Renumbered: {} v{} -> v{}\n", r.id, r.from, r.to));
    }
    if !report.regenerated.is_empty() {
        message.push_str(&format!(
            "Regenerated: agreements/ of {}\n",
            report.regenerated.join(", ")
        ));
    }
    let parents = [&repo.find_commit(ours)?, &repo.find_commit(theirs)?];
    Ok(Some(
        repo.commit(None, &sig, &sig, &message, &tree, &parents)?,
    ))
}

/// Moves the branch from `old` to `new` and the work tree with it, refusing when a file the
/// move changes has uncommitted changes.
fn move_branch(store: &Store, up: &Upstream, old: Option<Oid>, new: Oid) -> Result<(), Error> {
    let repo = store.repo();
    let new_commit = repo.find_commit(new)?;
    let old_tree = old
        .map(|o| repo.find_commit(o).and_then(|c| c.tree()))
        .transpose()?;
    let paths = changed(store, old_tree.as_ref(), Some(&new_commit.tree()?))?;
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    let statuses = repo.statuses(Some(&mut opts))?;
    let dirty: Vec<String> = statuses
        .iter()
        .filter(|s| s.status() != git2::Status::CURRENT && !s.status().is_ignored())
        .filter_map(|s| s.path().ok().map(str::to_string))
        .filter(|p| paths.contains(p))
        .map(|p| store.workspace_rel(&p))
        .collect();
    if !dirty.is_empty() {
        return Err(StoreError::Uncommitted {
            upstream: up.short(),
            files: dirty.join(" "),
        }
        .into());
    }
    // The baseline is HEAD's tree, `old`: files that differ from it are never overwritten.
    let mut checkout = git2::build::CheckoutBuilder::new();
    if old_tree.is_some() {
        checkout.safe();
    } else {
        checkout.force();
    }
    repo.checkout_tree(new_commit.as_object(), Some(&mut checkout))?;
    let reflog = format!("dpa: sync with {}", up.short());
    match old {
        Some(o) => repo
            .reference_matching(&up.branch, new, true, o, &reflog)
            .map_err(|_| StoreError::Raced)?,
        None => repo
            .reference(&up.branch, new, false, &reflog)
            .map_err(|_| StoreError::Raced)?,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_apart() {
        assert_eq!(generated("agreements/acme/acme.pdf"), Some("acme"));
        assert_eq!(generated("agreements/acme/manifest.json"), Some("acme"));
        assert_eq!(generated("agreements/acme/executed/v1.pdf"), None);
        assert!(is_record("vendors/acme.toml"));
        assert!(is_record("dpa.toml"));
        assert!(!is_record("vendors/sub/acme.toml"));
        assert!(!is_record("clauses/gdpr.md"));
    }

    #[test]
    fn a_choice_names_a_field_a_prefix_or_a_file() {
        let options = Options {
            take: vec![
                (Take::Theirs, "vendors/a.toml:processing.retention".into()),
                (Take::Ours, "agreements[version=1]".into()),
                (Take::Ours, "vendors/b.toml".into()),
            ],
            push: true,
        };
        let t = |f: &str, x: &str| take_for(&options, f, Some(x));
        assert_eq!(
            t("vendors/a.toml", "processing.retention"),
            Some(Take::Theirs)
        );
        assert_eq!(t("vendors/c.toml", "processing.retention"), None);
        assert_eq!(
            t("vendors/c.toml", "agreements[version=1].status"),
            Some(Take::Ours)
        );
        assert_eq!(t("vendors/b.toml", "name"), Some(Take::Ours));
        assert_eq!(take_for(&options, "vendors/b.toml", None), Some(Take::Ours));
    }
}
