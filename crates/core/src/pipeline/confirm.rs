//! `confirm`: a person with authority confirms the vendor's own signed document as reviewed.
//!
//! An automated review is a junior's first read, never a sign-off: a document on the vendor's
//! paper covers its frameworks in the tracker only once a person confirms it (or accepts each
//! gap, [`super::accept`]). The confirmation is recorded in the vendor's `[[agreements]]` entry
//! and committed like `sign`; it names the SHA-256 of the document it confirms, so a later
//! version of the vendor's document is not confirmed.

use chrono::NaiveDate;

use crate::diag::Diagnostics;
use crate::error::Error;
use crate::files::sha256_hex;
use crate::model::vendor::{AgreementPaper, AgreementState};
use crate::model::{AgreementStatus, Vendor};
use crate::review::REVIEWS_DIR;
use crate::store::{RecordLock, Store};
use crate::track::SavedReview;
use crate::track::agreements::{Entry, Event};
use crate::workspace::Workspace;

use super::event::{RecordCommit, commit_event};

/// How long a command waits for another one recording in the same workspace.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// A confirmation, as [`confirm`] takes it.
#[derive(Debug, Clone)]
pub struct Confirmation<'a> {
    /// The vendor id.
    pub vendor: &'a str,
    /// Who confirms (name and role).
    pub by: &'a str,
    /// The date of the decision (today by default).
    pub date: Option<NaiveDate>,
    /// The document, when the vendor has more than one on its paper (its path as recorded).
    pub document: Option<&'a str>,
}

impl Confirmation<'_> {
    /// Checks what needs no workspace: who confirms is said.
    pub fn check(&self) -> Result<(), Error> {
        if self.by.trim().is_empty() {
            return Err(Error::Usage("--by must not be empty".into()));
        }
        Ok(())
    }
}

/// The saved review's verdicts on the required requirements that the review left open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Open {
    /// Required requirements partial, missing or unchecked, and not accepted.
    pub gaps: Vec<String>,
    /// Required requirements a person must read, and not accepted.
    pub to_read: Vec<String>,
}

/// What [`confirm`] recorded.
#[derive(Debug)]
pub struct Confirmed {
    /// The document's title.
    pub title: String,
    /// The document as recorded (workspace-relative).
    pub file: String,
    /// The SHA-256 of the document confirmed.
    pub sha256: String,
    /// The date of the decision.
    pub on: NaiveDate,
    /// What the review left open when it was confirmed.
    pub open: Open,
    /// The commit.
    pub commit: RecordCommit,
}

/// The vendor's signed document on its own paper: the one recorded as `file`, or the only one.
pub fn vendor_document<'v>(
    vendor: &'v Vendor,
    file: Option<&str>,
) -> Result<&'v AgreementState, Error> {
    let id = &vendor.id;
    let theirs: Vec<&AgreementState> = vendor
        .agreements
        .iter()
        .filter(|a| a.paper == AgreementPaper::Vendor && a.status == AgreementStatus::Signed)
        .collect();
    let chosen = match file {
        Some(f) => theirs
            .iter()
            .find(|a| a.file.as_deref() == Some(f))
            .copied(),
        None if theirs.len() == 1 => theirs.first().copied(),
        None if theirs.is_empty() => None,
        None => {
            let files: Vec<&str> = theirs.iter().filter_map(|a| a.file.as_deref()).collect();
            return Err(Error::Usage(format!(
                "`{id}` has {} documents on its own paper; say which with --document ({})",
                theirs.len(),
                files.join(", ")
            )));
        }
    };
    chosen.ok_or_else(|| {
        Error::Usage(format!(
            "`{id}` has no signed document on its own paper{}; record one with `dpa sign {id} --paper vendor --file DOCUMENT`",
            file.map(|f| format!(" recorded as {f}")).unwrap_or_default()
        ))
    })
}

/// What a saved review leaves open in `agreement`: its required requirements not satisfied and
/// not accepted, split into gaps and passages to read.
pub fn open(review: &SavedReview, agreement: &AgreementState) -> Open {
    let accepted = |id: &str| agreement.accepted.iter().any(|g| g.requirement == id);
    let mut out = Open::default();
    for f in &review.findings {
        if f.level != "required" || f.status == "satisfied" || accepted(&f.requirement) {
            continue;
        }
        if f.status == "to read" {
            out.to_read.push(f.requirement.clone());
        } else {
            out.gaps.push(f.requirement.clone());
        }
    }
    out
}

/// Records that a person confirmed the vendor's own signed document as reviewed, and commits
/// it. The document kept in the workspace must still be the one signed, and a saved review
/// of it must exist (`dpa review FILE --vendor ID --save`). `Ok(None)` when the vendor's record
/// has errors (in `diags`).
pub fn confirm(
    ws: &Workspace,
    diags: &mut Diagnostics,
    offline: bool,
    c: &Confirmation,
) -> Result<Option<Confirmed>, Error> {
    c.check()?;
    let id = c.vendor;
    let Some(vendor) = ws.load_vendor(id, diags) else {
        return Ok(None);
    };
    let agreement = vendor_document(&vendor, c.document)?;
    let Some(sha) = agreement.sha256.clone() else {
        return Err(Error::Usage(
            "the vendor's document has no SHA-256 recorded".into(),
        ));
    };
    let Some(file) = agreement.file.clone() else {
        return Err(Error::Usage(
            "the vendor's document has no file recorded".into(),
        ));
    };
    let title = agreement.title.as_deref().unwrap_or("document").to_string();
    // A person confirms what they read: the document as signed, and its saved review.
    let path = ws.root.join(&file);
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    if sha256_hex(&bytes) != sha {
        return Err(Error::Usage(format!(
            "{file} was changed since it was signed (SHA-256 {}); record the new version with `dpa sign {id} --paper vendor --file DOCUMENT`, review it, then confirm it",
            &sha[..12.min(sha.len())]
        )));
    }
    if let Some(done) = &agreement.confirmed
        && done.sha256 == sha
    {
        return Err(Error::Usage(format!(
            "\"{title}\" is already confirmed, by {} on {}",
            done.by, done.on
        )));
    }
    let rel = format!("{REVIEWS_DIR}/{sha}.json");
    let review_path = ws.root.join(&rel);
    let text = match std::fs::read_to_string(&review_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Usage(format!(
                "\"{title}\" has no saved review; review it first: `dpa review {file} --vendor {id} --save`"
            )));
        }
        Err(e) => return Err(Error::io(&review_path, e)),
    };
    let review: SavedReview = serde_json::from_str(&text).map_err(|e| Error::Json {
        context: rel.clone(),
        source: e,
    })?;
    if review.sha256 != sha {
        return Err(Error::Usage(format!(
            "{rel} is the review of another document (SHA-256 {}); review {file} again with --save",
            review.sha256
        )));
    }
    let open = open(&review, agreement);
    let on = c.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let store = Store::open(&ws.root)?;
    store.signature()?;
    let _lock = RecordLock::acquire(&store, LOCK_WAIT)?;
    let message = format!(
        "dpa: confirm the review of {id}'s \"{title}\"\n\nVendor: {id} ({})\nDocument: {title} ({file})\nSHA-256: {sha}\nReview: {} gaps, {} to read{}\nConfirmed-By: {}\nConfirmed-On: {on}\n",
        vendor.name,
        open.gaps.len(),
        open.to_read.len(),
        if open.gaps.is_empty() && open.to_read.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                open.gaps
                    .iter()
                    .chain(&open.to_read)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        c.by,
    );
    let event = Event::Confirmed {
        by: c.by.to_string(),
        on,
        sha256: sha.clone(),
    };
    let commit = commit_event(
        &store,
        offline,
        &vendor.file,
        &Entry::Vendor(sha.clone()),
        &event,
        Vec::new(),
        &message,
    )?;
    Ok(Some(Confirmed {
        title,
        file,
        sha256: sha,
        on,
        open,
        commit,
    }))
}
