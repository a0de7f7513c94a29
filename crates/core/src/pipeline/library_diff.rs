//! `library_diff`: how the workspace's clause library changed between two git revisions, and which
//! issued agreements contain a changed clause (the re-papering list).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use crate::diag::{Diagnostics, SourceLookup};
use crate::diff::{self, Clause, Report};
use crate::error::{Error, StoreError};
use crate::library::clause::{self, Origin};
use crate::store::Store;
use crate::workspace::Workspace;

/// The clause library at two revisions, compared.
#[derive(Debug, Clone, Serialize)]
pub struct LibraryDiff {
    /// The older revision, as given.
    pub from: String,
    /// The newer revision, as given.
    pub to: String,
    /// The clause-by-clause comparison.
    pub report: Report,
    /// Ids of clauses whose title, version or text differ, or that exist at one revision only.
    pub changed: Vec<String>,
    /// Latest issued agreements that contain a changed clause, by vendor id.
    pub affected: Vec<Affected>,
}

/// An issued agreement that contains changed clauses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Affected {
    /// Vendor id.
    pub vendor: String,
    /// The latest issued version.
    pub version: u32,
    /// Whether that version was executed, as the vendor's record says today.
    #[serde(rename = "state", serialize_with = "as_text")]
    pub execution: Execution,
    /// The changed clauses it contains, in the agreement's order.
    pub clauses: Vec<String>,
}

/// Whether an issued version was executed, as the vendor's record says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Execution {
    /// Signed on that date.
    Signed(NaiveDate),
    /// Issued but not recorded as signed (sent, terminated, or not yet sent).
    NotSigned,
    /// The vendor has issued versions but no record in `vendors/` any more.
    NoRecord,
}

impl fmt::Display for Execution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Execution::Signed(d) => write!(f, "signed {d}"),
            Execution::NotSigned => f.write_str("not signed"),
            Execution::NoRecord => f.write_str("no record in vendors/"),
        }
    }
}

fn as_text<S: serde::Serializer>(e: &Execution, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(e)
}

/// Files that could not be read: clause files at a revision, or vendor records today. Reported
/// rather than dropped, because a dropped clause would read as "removed" and a dropped record as
/// "not signed".
#[derive(Debug, Clone, Default)]
pub struct Unreadable {
    /// What is wrong, located; clause files are named `REV:clauses/...`.
    pub diagnostics: Diagnostics,
    /// The texts of the files at a revision that the diagnostics point into.
    pub sources: BTreeMap<String, String>,
}

impl SourceLookup for Unreadable {
    fn source_text(&self, file: &str) -> Option<String> {
        self.sources.get(file).cloned()
    }
}

/// Why no library diff could be made.
#[derive(Debug, thiserror::Error)]
pub enum LibraryDiffError {
    /// Some files could not be read; see the diagnostics.
    #[error("{} error(s) in the files compared", .0.diagnostics.error_count())]
    Unreadable(Unreadable),
    /// The repository could not be read, or a revision is not one.
    #[error(transparent)]
    Env(#[from] Error),
}

impl From<StoreError> for LibraryDiffError {
    fn from(e: StoreError) -> Self {
        LibraryDiffError::Env(e.into())
    }
}

/// Compares the workspace's clause files at git revisions `from` and `to`, and lists the latest
/// issued agreement of every vendor that contains a clause changed between them.
pub fn library_diff(
    ws: &Workspace,
    store: &Store,
    from: &str,
    to: &str,
) -> Result<LibraryDiff, LibraryDiffError> {
    let mut unreadable = Unreadable::default();
    let old = clauses_at(store, from, &mut unreadable)?;
    let new = clauses_at(store, to, &mut unreadable)?;
    if unreadable.diagnostics.has_errors() {
        return Err(LibraryDiffError::Unreadable(unreadable));
    }
    let old_list: Vec<Clause> = old.values().cloned().collect();
    let new_list: Vec<Clause> = new.values().cloned().collect();
    let report = diff::diff(&old_list, &new_list);
    let changed: Vec<String> = old
        .keys()
        .chain(new.keys())
        .filter(|id| {
            old.get(*id).map(|c| (&c.title, &c.text)) != new.get(*id).map(|c| (&c.title, &c.text))
        })
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let affected = affected(ws, store, &changed, &mut unreadable.diagnostics)?;
    if unreadable.diagnostics.has_errors() {
        return Err(LibraryDiffError::Unreadable(unreadable));
    }
    Ok(LibraryDiff {
        from: from.to_string(),
        to: to.to_string(),
        report,
        changed,
        affected,
    })
}

/// Which vendors' latest issued agreements contain a changed clause, and whether they are signed.
fn affected(
    ws: &Workspace,
    store: &Store,
    changed: &[String],
    diags: &mut Diagnostics,
) -> Result<Vec<Affected>, Error> {
    let mut affected = Vec::new();
    for vendor in store.vendors_with_versions()? {
        let issued = store.issued(&vendor)?;
        let Some(last) = issued.last() else { continue };
        let manifest = store.manifest(&vendor, last.version)?;
        let clauses: Vec<String> = manifest
            .clauses
            .iter()
            .filter(|c| changed.contains(&c.id))
            .map(|c| c.id.clone())
            .collect();
        if clauses.is_empty() {
            continue;
        }
        let record = ws.root.join("vendors").join(format!("{vendor}.toml"));
        let execution = if !record.is_file() {
            Execution::NoRecord
        } else {
            let Some(v) = ws.load_vendor(&vendor, diags) else {
                continue;
            };
            v.agreements
                .iter()
                .find(|a| {
                    a.version == Some(last.version)
                        && a.status == crate::model::AgreementStatus::Signed
                })
                .and_then(|a| a.signed_on)
                .map_or(Execution::NotSigned, Execution::Signed)
        };
        affected.push(Affected {
            vendor,
            version: last.version,
            execution,
            clauses,
        });
    }
    Ok(affected)
}

/// Clause files of the workspace at one git revision: id -> clause. Files that cannot be read
/// or parsed are reported in `unreadable` (named `REV:clauses/...`, their text kept), never
/// dropped.
fn clauses_at(
    store: &Store,
    rev: &str,
    unreadable: &mut Unreadable,
) -> Result<BTreeMap<String, Clause>, Error> {
    let commit = store
        .repo()
        .revparse_single(rev)
        .and_then(|o| o.peel_to_commit())
        .map_err(|e| Error::Usage(format!("`{rev}` is not a git revision: {}", e.message())))?;
    let git_at = |at: String| move |source| StoreError::GitAt { at, source };
    let tree = commit.tree().map_err(git_at(format!("{rev}: tree")))?;
    let dir = store.repo_path("clauses");
    let mut out = BTreeMap::new();
    let entry = match tree.get_path(Path::new(&dir)) {
        Ok(entry) => entry,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(out),
        Err(e) => return Err(git_at(format!("{rev}:{dir}"))(e).into()),
    };
    let sub = entry
        .to_object(store.repo())
        .and_then(|o| o.peel_to_tree())
        .map_err(git_at(format!("{rev}:{dir}")))?;
    let mut files = Vec::new();
    let mut failure = None;
    sub.walk(git2::TreeWalkMode::PreOrder, |root, e| {
        let name = e.name().unwrap_or("");
        if !name.ends_with(".md") {
            return git2::TreeWalkResult::Ok;
        }
        let path = format!("clauses/{root}{name}");
        match e.to_object(store.repo()).and_then(|o| o.peel_to_blob()) {
            Ok(blob) => {
                files.push((path, String::from_utf8_lossy(blob.content()).into_owned()));
                git2::TreeWalkResult::Ok
            }
            Err(err) => {
                failure = Some(git_at(format!("{rev}:{path}"))(err));
                git2::TreeWalkResult::Abort
            }
        }
    })
    .or_else(|e| if failure.is_some() { Ok(()) } else { Err(e) })
    .map_err(git_at(format!("{rev}:{dir}")))?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    for (path, text) in files {
        let name = format!("{rev}:{path}");
        if let Some(c) = clause::parse(
            Origin::Workspace(name.clone()),
            &text,
            &mut unreadable.diagnostics,
        ) {
            let title = format!("{} (v{})", c.title, c.version);
            out.insert(
                c.id.clone(),
                Clause {
                    key: Some(c.id.clone()),
                    number: Some(c.id.clone()),
                    title: Some(title),
                    text: c.body.trim().to_string(),
                },
            );
        }
        unreadable.sources.insert(name, text);
    }
    Ok(out)
}
