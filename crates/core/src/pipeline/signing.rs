//! What happened to an agreement, recorded in the vendor's record and committed: an issued
//! version sent ([`send`]) or signed ([`sign`]), a signed document dpa did not issue
//! ([`sign_document`]: the vendor's paper, or ours signed before dpa), and a gap in the
//! vendor's document that a person accepted ([`accept`]).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diag::Diagnostics;
use crate::error::Error;
use crate::files::sha256_hex;
use crate::model::facts::Framework;
use crate::model::vendor::AgreementPaper;
use crate::model::{AgreementStatus, Vendor};
use crate::store::{Change, Issued, RecordLock, Store, parse_version};
use crate::track::agreements::{Entry, Event, Recorded};
use crate::workspace::Workspace;

use super::event::{RecordCommit, commit_event, recorded_now};
use super::verify::{self, Verdict};

/// Largest document [`sign_document`] accepts, in bytes.
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// How long a command waits for another one recording in the same workspace.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// A version as written on the command line (`2` or `v2`).
pub fn version(s: &str) -> Result<u32, Error> {
    parse_version(s)
        .ok_or_else(|| Error::Usage(format!("`{s}` is not a version: write it as 2 or v2")))
}

/// Finds the issued version (the latest by default) of a vendor not signed yet. `Ok(None)`
/// when the vendor's record has errors (in `diags`).
fn issued_version(
    ws: &Workspace,
    diags: &mut Diagnostics,
    id: &str,
    version: Option<u32>,
) -> Result<Option<(Vendor, Store, Issued)>, Error> {
    ws.one_agreement(id)?;
    let Some(vendor) = ws.load_facts(id, diags).map(|f| f.vendor) else {
        return Ok(None);
    };
    let store = Store::open(&ws.root)?;
    let issued = store.issued(id)?;
    let found = match version {
        Some(n) => issued.iter().find(|i| i.version == n),
        None => issued.last(),
    };
    let Some(this) = found.cloned() else {
        let list: Vec<String> = issued.iter().map(|i| format!("v{}", i.version)).collect();
        return Err(Error::Usage(format!(
            "{} of `{id}` was never issued (issued: {})",
            version.map_or("a version".to_string(), |n| format!("version {n}")),
            if list.is_empty() {
                "none; run `dpa record` first".to_string()
            } else {
                list.join(", ")
            }
        )));
    };
    if let Some(a) = vendor
        .agreements
        .iter()
        .find(|a| a.version == Some(this.version) && a.status == AgreementStatus::Signed)
    {
        let on = a.signed_on.map(|d| format!(" on {d}")).unwrap_or_default();
        return Err(Error::Usage(format!(
            "version {} of `{id}` is already signed{on}; a signature is recorded once",
            this.version
        )));
    }
    Ok(Some((vendor, store, this)))
}

/// The date dpa issued the version, when `date` is before it: an agreement that existed before
/// dpa issued its text, entered afterwards.
fn before_issue(this: &Issued, date: NaiveDate) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp(this.time, 0)
        .map(|d| d.date_naive())
        .filter(|issued_on| date < *issued_on)
}

/// Refuses an expiry that is not after the signature date.
fn check_expiry(date: NaiveDate, expires: Option<NaiveDate>) -> Result<(), Error> {
    match expires {
        Some(e) if e <= date => Err(Error::Usage(format!(
            "expiry {e} is not after the signature date {date}"
        ))),
        _ => Ok(()),
    }
}

/// What [`send`] recorded.
#[derive(Debug)]
pub struct Sent {
    /// The version sent.
    pub version: u32,
    /// The date dpa issued it, when it was sent before that (recorded as sent before dpa).
    pub before_issue: Option<NaiveDate>,
    /// The commit.
    pub commit: RecordCommit,
}

/// Records that version `version` (the latest by default) of `id` was sent for signature on
/// `date`, and commits it. `Ok(None)` when the vendor's record has errors (in `diags`).
pub fn send(
    ws: &Workspace,
    diags: &mut Diagnostics,
    offline: bool,
    id: &str,
    version: Option<u32>,
    date: NaiveDate,
) -> Result<Option<Sent>, Error> {
    let Some((vendor, store, this)) = issued_version(ws, diags, id, version)? else {
        return Ok(None);
    };
    let early = before_issue(&this, date);
    store.signature()?;
    let _lock = RecordLock::acquire(&store, LOCK_WAIT)?;
    let v = this.version;
    let message = format!(
        "dpa: send {id} v{v}\n\nVendor: {id} ({})\nVersion: {v}\nSent: {date}\n",
        vendor.name
    );
    let commit = commit_event(
        &store,
        offline,
        &vendor.file,
        &Entry::issued(v, vendor.document),
        &Event::Sent { on: date },
        Vec::new(),
        &message,
    )?;
    Ok(Some(Sent {
        version: v,
        before_issue: early,
        commit,
    }))
}

/// A signature of an issued version, as [`sign`] takes it.
#[derive(Debug, Clone)]
pub struct Signature<'a> {
    /// The vendor id.
    pub vendor: &'a str,
    /// The issued version signed.
    pub version: u32,
    /// The date of execution.
    pub date: NaiveDate,
    /// The date the agreement expires.
    pub expires: Option<NaiveDate>,
    /// The executed copy, to keep as `agreements/<id>/executed/v<N>.<ext>`.
    pub file: Option<&'a Path>,
}

/// What [`sign`] did.
#[derive(Debug)]
pub struct Signing {
    /// The date dpa issued the version, when the signature is older (recorded as an agreement
    /// signed before dpa).
    pub before_issue: Option<NaiveDate>,
    /// The outcome.
    pub outcome: SignOutcome,
}

/// A signature recorded by [`sign`].
#[derive(Debug)]
pub struct Signed {
    /// How the executed copy read against the issued text (always [`Verdict::Same`]).
    pub copy: Option<Verdict>,
    /// Where the executed copy is kept.
    pub kept: Option<String>,
    /// The commit.
    pub commit: RecordCommit,
}

/// Whether [`sign`] recorded the signature.
#[derive(Debug)]
pub enum SignOutcome {
    /// Recorded and committed.
    Signed(Box<Signed>),
    /// The executed copy does not read as the version issued: nothing was recorded.
    Differs(Verdict),
    /// The executed copy cannot be compared with the version issued: nothing was recorded.
    Unreadable(String),
}

/// Where the executed copy `file` of version `version` is kept in the workspace.
pub fn executed_copy_path(id: &str, version: u32, file: &Path) -> String {
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .unwrap_or_else(|| "pdf".into());
    format!("agreements/{id}/executed/v{version}.{ext}")
}

/// Records the execution of an issued version, with its executed copy (which must read as the
/// version issued, outside its signature blocks), and commits it. `Ok(None)` when the vendor's
/// record has errors (in `diags`).
pub fn sign(
    ws: &Workspace,
    diags: &mut Diagnostics,
    offline: bool,
    s: &Signature,
) -> Result<Option<Signing>, Error> {
    let (id, version, date) = (s.vendor, s.version, s.date);
    let Some((vendor, store, this)) = issued_version(ws, diags, id, Some(version))? else {
        return Ok(None);
    };
    let early = before_issue(&this, date);
    check_expiry(date, s.expires)?;
    let recorded = match early {
        Some(_) => Some(recorded_now(&store)?),
        None => {
            store.signature()?;
            None
        }
    };
    let executed = s
        .file
        .map(|p| std::fs::read(p).map_err(|e| Error::io(p, e)))
        .transpose()?;
    let mut copy = None;
    if let (Some(path), Some(bytes)) = (s.file, &executed) {
        let outcome = match verify::executed_copy(&store, id, version, path, bytes) {
            Ok(v) if v.is_same() => {
                copy = Some(v);
                None
            }
            Ok(v) => Some(SignOutcome::Differs(v)),
            Err(verify::Unreadable(reason)) => Some(SignOutcome::Unreadable(reason)),
        };
        if let Some(outcome) = outcome {
            return Ok(Some(Signing {
                before_issue: early,
                outcome,
            }));
        }
    }
    let kept = s.file.map(|p| executed_copy_path(id, version, p));
    let manifest = store
        .read_at(this.commit, &format!("agreements/{id}/manifest.json"))?
        .map(|b| sha256_hex(&b));
    let sha = executed.as_deref().map(sha256_hex);
    let event = Event::Signed {
        on: date,
        expires: s.expires,
        sha256: sha.clone(),
        file: kept.clone(),
        manifest_sha256: manifest,
        recorded: recorded.clone(),
    };
    let _lock = RecordLock::acquire(&store, LOCK_WAIT)?;
    let mut message = format!(
        "dpa: sign {id} v{version}\n\nVendor: {id} ({})\nVersion: {version}\nSigned: {date}\n",
        vendor.name
    );
    if let Some(e) = s.expires {
        message.push_str(&format!("Expires: {e}\n"));
    }
    if let Some(r) = &recorded {
        message.push_str(&format!("Recorded-Afterwards: {} by {}\n", r.on, r.by));
    }
    let mut extra = Vec::new();
    if let (Some(path), Some(bytes), Some(sha)) = (&kept, executed, &sha) {
        message.push_str(&format!("Executed-Copy: {path}\nExecuted-SHA256: {sha}\n"));
        extra.push(Change::new(path.clone(), bytes));
    }
    let commit = commit_event(
        &store,
        offline,
        &vendor.file,
        &Entry::issued(version, vendor.document),
        &event,
        extra,
        &message,
    )?;
    Ok(Some(Signing {
        before_issue: early,
        outcome: SignOutcome::Signed(Box::new(Signed { copy, kept, commit })),
    }))
}

/// A signed document dpa did not issue, as [`sign_document`] takes it.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// The vendor id.
    pub vendor: &'a str,
    /// Whose paper: the vendor's, or ours signed before dpa.
    pub paper: AgreementPaper,
    /// The signed document.
    pub file: &'a Path,
    /// Its title (default: the file name).
    pub title: Option<&'a str>,
    /// The frameworks it is meant to cover.
    pub frameworks: &'a [Framework],
    /// The date of execution.
    pub date: NaiveDate,
    /// The date it expires.
    pub expires: Option<NaiveDate>,
}

impl Document<'_> {
    /// Whose paper, in words: `the vendor's` or `our`.
    pub fn whose(&self) -> &'static str {
        match self.paper {
            AgreementPaper::Vendor => "the vendor's",
            AgreementPaper::Ours => "our",
        }
    }

    /// Checks what needs no workspace: the frameworks named, the expiry after the signature.
    pub fn check(&self) -> Result<(), Error> {
        if self.frameworks.is_empty() {
            return Err(Error::Usage(format!(
                "say which frameworks {} document is meant to cover: --framework gdpr (repeatable)",
                self.whose()
            )));
        }
        check_expiry(self.date, self.expires)
    }
}

/// What [`sign_document`] recorded.
#[derive(Debug)]
pub struct DocumentSigned {
    /// Where the document is kept in the workspace.
    pub kept: String,
    /// Its title.
    pub title: String,
    /// Its SHA-256.
    pub sha256: String,
    /// The commit.
    pub commit: RecordCommit,
}

/// The document's path relative to the workspace, when it is inside it.
fn inside(root: &Path, file: &Path) -> Option<String> {
    let root = root.canonicalize().ok()?;
    let file = file.canonicalize().ok()?;
    let rel = file.strip_prefix(&root).ok()?;
    let text = rel.to_str()?.replace('\\', "/");
    (!text.is_empty()).then_some(text)
}

/// A file name safe to keep in the workspace.
fn safe_name(path: &Path) -> String {
    let name: String = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_start_matches('.').to_string();
    if name.is_empty() {
        "document".into()
    } else {
        name
    }
}

/// Records a signed document dpa did not issue, kept where it is when it is in the workspace
/// and otherwise copied to `agreements/<id>/vendor/` (the vendor's paper) or
/// `agreements/<id>/executed/` (ours), and commits it. `Ok(None)` when the vendor's record has
/// errors (in `diags`).
pub fn sign_document(
    ws: &Workspace,
    diags: &mut Diagnostics,
    offline: bool,
    d: &Document,
) -> Result<Option<DocumentSigned>, Error> {
    d.check()?;
    let (id, path, paper) = (d.vendor, d.file, d.paper);
    let whose = d.whose();
    let Some(vendor) = ws.load_facts(id, diags).map(|f| f.vendor) else {
        return Ok(None);
    };
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::Usage(format!(
            "{}: larger than {} MiB; refused",
            path.display(),
            MAX_DOCUMENT_BYTES / (1024 * 1024)
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let sha = sha256_hex(&bytes);
    if let Some(a) = vendor
        .agreements
        .iter()
        .find(|a| a.version.is_none() && a.sha256.as_deref() == Some(&sha))
    {
        return Err(Error::Usage(format!(
            "{} is already recorded for `{id}` as \"{}\"{}; a signature is recorded once",
            path.display(),
            a.title.as_deref().unwrap_or("a vendor document"),
            a.signed_on
                .map(|d| format!(", signed {d}"))
                .unwrap_or_default()
        )));
    }
    let (kept, copy) = match inside(&ws.root, path) {
        Some(rel) => (rel, false),
        None => {
            let dir = match paper {
                AgreementPaper::Vendor => "vendor",
                AgreementPaper::Ours => "executed",
            };
            let rel = format!("agreements/{id}/{dir}/{}", safe_name(path));
            if let Ok(existing) = std::fs::read(ws.root.join(&rel))
                && existing != bytes
            {
                return Err(Error::Usage(format!(
                    "{rel} already holds another document; rename the file to sign"
                )));
            }
            (rel, true)
        }
    };
    let title = d.title.map(str::to_string).unwrap_or_else(|| {
        PathBuf::from(&kept)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| kept.clone())
    });
    let store = Store::open(&ws.root)?;
    let recorded: Recorded = recorded_now(&store)?;
    let _lock = RecordLock::acquire(&store, LOCK_WAIT)?;
    let mut extra = Vec::new();
    if copy || store.head_file(&kept)?.as_deref() != Some(&bytes[..]) {
        extra.push(Change::new(kept.clone(), bytes));
    }
    let mut message = format!(
        "dpa: sign {id} on {whose} paper\n\nVendor: {id} ({})\nPaper: {}\nTitle: {title}\nFrameworks: {}\nSigned: {}\n",
        vendor.name,
        paper.as_str(),
        Framework::join(d.frameworks),
        d.date
    );
    if d.date < recorded.on {
        message.push_str(&format!(
            "Recorded-Afterwards: {} by {}\n",
            recorded.on, recorded.by
        ));
    }
    if let Some(e) = d.expires {
        message.push_str(&format!("Expires: {e}\n"));
    }
    message.push_str(&format!("Document: {kept}\nDocument-SHA256: {sha}\n"));
    let event = Event::SignedVendorPaper {
        title: title.clone(),
        file: kept.clone(),
        on: d.date,
        expires: d.expires,
        frameworks: d.frameworks.to_vec(),
        recorded,
    };
    let entry = match paper {
        AgreementPaper::Vendor => Entry::Vendor(sha.clone()),
        AgreementPaper::Ours => Entry::Existing(sha.clone()),
    };
    let commit = commit_event(
        &store,
        offline,
        &vendor.file,
        &entry,
        &event,
        extra,
        &message,
    )?;
    Ok(Some(DocumentSigned {
        kept,
        title,
        sha256: sha,
        commit,
    }))
}

/// A gap accepted in the vendor's own signed document, as [`accept`] takes it.
#[derive(Debug, Clone)]
pub struct Acceptance<'a> {
    /// The vendor id.
    pub vendor: &'a str,
    /// The requirement not satisfied, accepted as it stands.
    pub requirement: &'a str,
    /// Who accepts it.
    pub by: &'a str,
    /// Why it is acceptable.
    pub reason: &'a str,
    /// The date of the decision (today by default).
    pub date: Option<NaiveDate>,
    /// The document, when the vendor has more than one (its path as recorded).
    pub file: Option<&'a str>,
}

impl Acceptance<'_> {
    /// Checks what needs no workspace: who accepts and why are said.
    pub fn check(&self) -> Result<(), Error> {
        for (what, v) in [("--by", self.by), ("--reason", self.reason)] {
            if v.trim().is_empty() {
                return Err(Error::Usage(format!("{what} must not be empty")));
            }
        }
        Ok(())
    }
}

/// What [`accept`] recorded.
#[derive(Debug)]
pub struct Accepted {
    /// The document's title.
    pub title: String,
    /// The date of the decision.
    pub on: NaiveDate,
    /// The commit.
    pub commit: RecordCommit,
}

/// Records that a person accepted a gap in the vendor's own signed document, and commits it.
/// `Ok(None)` when the vendor's record has errors (in `diags`).
pub fn accept(
    ws: &Workspace,
    diags: &mut Diagnostics,
    offline: bool,
    a: &Acceptance,
) -> Result<Option<Accepted>, Error> {
    let id = a.vendor;
    a.check()?;
    let Some(vendor) = ws.load_vendor(id, diags) else {
        return Ok(None);
    };
    let ids: Vec<&str> = ws
        .library
        .requirements()
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    if !ids.contains(&a.requirement) {
        let hint = crate::diag::suggest(a.requirement, &ids)
            .map(|s| format!("\n  hint: did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "`{}` is not a requirement of the registry{hint}",
            a.requirement
        )));
    }
    let theirs: Vec<_> = vendor
        .agreements
        .iter()
        .filter(|a| a.paper == AgreementPaper::Vendor && a.status == AgreementStatus::Signed)
        .collect();
    let chosen = match a.file {
        Some(f) => theirs
            .iter()
            .find(|a| a.file.as_deref() == Some(f))
            .copied(),
        None if theirs.len() == 1 => theirs.first().copied(),
        None if theirs.is_empty() => None,
        None => {
            let files: Vec<&str> = theirs.iter().filter_map(|a| a.file.as_deref()).collect();
            return Err(Error::Usage(format!(
                "`{id}` has {} documents on its own paper; say which with --file ({})",
                theirs.len(),
                files.join(", ")
            )));
        }
    };
    let Some(agreement) = chosen else {
        return Err(Error::Usage(format!(
            "`{id}` has no signed document on its own paper{}; record one with `dpa sign {id} --paper vendor --file DOCUMENT`",
            a.file
                .map(|f| format!(" recorded as {f}"))
                .unwrap_or_default()
        )));
    };
    if let Some(g) = agreement
        .accepted
        .iter()
        .find(|g| g.requirement == a.requirement)
    {
        return Err(Error::Usage(format!(
            "{} is already accepted for this document, by {} on {}",
            g.requirement, g.by, g.on
        )));
    }
    let Some(sha) = agreement.sha256.clone() else {
        return Err(Error::Usage(
            "the vendor's document has no SHA-256 recorded".into(),
        ));
    };
    let on = a.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let title = agreement.title.as_deref().unwrap_or("document").to_string();
    let store = Store::open(&ws.root)?;
    store.signature()?;
    let _lock = RecordLock::acquire(&store, LOCK_WAIT)?;
    let message = format!(
        "dpa: accept {} for {id}\n\nVendor: {id} ({})\nDocument: {title}\nRequirement: {}\nAccepted-By: {}\nAccepted-On: {on}\nReason: {}\n",
        a.requirement, vendor.name, a.requirement, a.by, a.reason
    );
    let event = Event::Accepted {
        requirement: a.requirement.to_string(),
        by: a.by.to_string(),
        on,
        reason: a.reason.to_string(),
    };
    let commit = commit_event(
        &store,
        offline,
        &vendor.file,
        &Entry::Vendor(sha),
        &event,
        Vec::new(),
        &message,
    )?;
    Ok(Some(Accepted { title, on, commit }))
}
