//! Agreements on the vendor's paper: `dpa sign --paper vendor` records the vendor's own signed
//! document, `dpa accept` records a gap in it that a person accepted. Both edit the vendor's
//! record in place and commit it (with the document, when it is not in git yet).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::files::sha256_hex;
use dpa::model::AgreementStatus;
use dpa::model::facts::Framework;
use dpa::model::vendor::AgreementPaper;
use dpa::store::{Change, RecordLock, Store};
use dpa::track::agreements::{Entry, Event};

use super::Ctx;
use super::args::{commit_event, parse_date};
use super::sign;

/// Largest document accepted, in bytes.
const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// Arguments of `dpa accept`.
#[derive(Debug, clap::Args)]
pub struct AcceptArgs {
    /// Vendor id.
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
    /// The requirement the vendor's document does not satisfy, accepted as it stands (`gdpr.28.4.flowdown`).
    #[arg(value_name = "REQUIREMENT")]
    pub requirement: String,
    /// Who accepts the gap (name and role).
    #[arg(long, value_name = "NAME")]
    pub by: String,
    /// Why the gap is acceptable.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Date of the decision (YYYY-MM-DD); today by default.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// The vendor's document, when more than one is recorded (its path as recorded in `file`).
    #[arg(long, value_name = "DOCUMENT")]
    pub file: Option<String>,
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

/// Runs `dpa sign VENDOR --paper vendor --file DOCUMENT ...`, and `--paper ours` without
/// `--version` for an agreement on our paper signed before dpa.
pub fn sign(ctx: &Ctx, args: sign::Args, paper: AgreementPaper) -> Result<u8, Error> {
    let id = &args.vendor;
    let (whose, flag) = match paper {
        AgreementPaper::Vendor => ("the vendor's", "--paper vendor"),
        AgreementPaper::Ours => ("our", "--paper ours without --version"),
    };
    if args.version.is_some() {
        return Err(Error::Usage(
            "a document on the vendor's paper has no issued version: leave out --version".into(),
        ));
    }
    let Some(path) = &args.file else {
        return Err(Error::Usage(format!(
            "{flag} needs the signed document: --file EXECUTED.pdf (PDF, DOCX, Markdown or text)"
        )));
    };
    if args.frameworks.is_empty() {
        return Err(Error::Usage(format!(
            "say which frameworks {whose} document is meant to cover: --framework gdpr (repeatable)"
        )));
    }
    if let Some(e) = args.expires
        && e <= args.date
    {
        return Err(Error::Usage(format!(
            "expiry {e} is not after the signature date {}",
            args.date
        )));
    }
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let Some(vendor) = ws.load_facts(id, &mut diags).map(|f| f.vendor) else {
        ctx.report(&diags, &ws);
        return Ok(2);
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
    // Kept where it is when it is in the workspace; otherwise copied in.
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
    let title = args.title.clone().unwrap_or_else(|| {
        PathBuf::from(&kept)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| kept.clone())
    });
    let store = Store::open(&ws.root)?;
    let recorded = sign::recorded_now(&store)?;
    let _lock = RecordLock::acquire(&store, std::time::Duration::from_secs(120))?;
    let mut extra = Vec::new();
    if copy || store.head_file(&kept)?.as_deref() != Some(&bytes[..]) {
        extra.push(Change::new(kept.clone(), bytes));
    }
    let mut message = format!(
        "dpa: sign {id} on {whose} paper\n\nVendor: {id} ({})\nPaper: {}\nTitle: {title}\nFrameworks: {}\nSigned: {}\n",
        vendor.name,
        paper.as_str(),
        Framework::join(&args.frameworks),
        args.date
    );
    if args.date < recorded.on {
        message.push_str(&format!(
            "Recorded-Afterwards: {} by {}\n",
            recorded.on, recorded.by
        ));
    }
    if let Some(e) = args.expires {
        message.push_str(&format!("Expires: {e}\n"));
    }
    message.push_str(&format!("Document: {kept}\nDocument-SHA256: {sha}\n"));
    let event = Event::SignedVendorPaper {
        title: title.clone(),
        file: kept.clone(),
        on: args.date,
        expires: args.expires,
        frameworks: args.frameworks.clone(),
        recorded,
    };
    let entry = match paper {
        AgreementPaper::Vendor => Entry::Vendor(sha.clone()),
        AgreementPaper::Ours => Entry::Existing(sha.clone()),
    };
    let commit = commit_event(ctx, &store, &vendor.file, &entry, &event, extra, &message)?;
    if !ctx.quiet {
        let next = match paper {
            AgreementPaper::Vendor => format!(
                "It covers those frameworks in `dpa status` once a review finds it complete: dpa review {kept} --vendor {id} --save\n"
            ),
            AgreementPaper::Ours => "It covers those frameworks in `dpa status`; issue today's version with `dpa record` when it is renewed\n".to_string(),
        };
        ctx.out(&format!(
            "{id}: recorded {whose} \"{title}\" ({kept}, SHA-256 {}) as signed on {} for {} (commit {commit})\n{next}",
            &sha[..12],
            args.date,
            Framework::join(&args.frameworks)
        ))?;
    }
    Ok(0)
}

/// Runs `dpa accept`.
pub fn accept(ctx: &Ctx, args: AcceptArgs) -> Result<u8, Error> {
    let id = &args.vendor;
    for (what, v) in [("--by", &args.by), ("--reason", &args.reason)] {
        if v.trim().is_empty() {
            return Err(Error::Usage(format!("{what} must not be empty")));
        }
    }
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let Some(vendor) = ws.load_vendor(id, &mut diags) else {
        ctx.report(&diags, &ws);
        return Ok(2);
    };
    let ids: Vec<&str> = ws
        .library
        .requirements()
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    if !ids.contains(&args.requirement.as_str()) {
        let hint = dpa::diag::suggest(&args.requirement, &ids)
            .map(|s| format!("\n  hint: did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "`{}` is not a requirement of the registry{hint}",
            args.requirement
        )));
    }
    let theirs: Vec<_> = vendor
        .agreements
        .iter()
        .filter(|a| a.paper == AgreementPaper::Vendor && a.status == AgreementStatus::Signed)
        .collect();
    let chosen = match &args.file {
        Some(f) => theirs
            .iter()
            .find(|a| a.file.as_deref() == Some(f.as_str()))
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
            args.file
                .as_ref()
                .map(|f| format!(" recorded as {f}"))
                .unwrap_or_default()
        )));
    };
    if let Some(g) = agreement
        .accepted
        .iter()
        .find(|g| g.requirement == args.requirement)
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
    let on = args
        .date
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let title = agreement.title.as_deref().unwrap_or("document");
    let store = Store::open(&ws.root)?;
    store.signature()?;
    let _lock = RecordLock::acquire(&store, std::time::Duration::from_secs(120))?;
    let message = format!(
        "dpa: accept {} for {id}\n\nVendor: {id} ({})\nDocument: {title}\nRequirement: {}\nAccepted-By: {}\nAccepted-On: {on}\nReason: {}\n",
        args.requirement, vendor.name, args.requirement, args.by, args.reason
    );
    let event = Event::Accepted {
        requirement: args.requirement.clone(),
        by: args.by.clone(),
        on,
        reason: args.reason.clone(),
    };
    let commit = commit_event(
        ctx,
        &store,
        &vendor.file,
        &Entry::Vendor(sha),
        &event,
        Vec::new(),
        &message,
    )?;
    if !ctx.quiet {
        ctx.out(&format!(
            "{id}: {} accepted in \"{title}\" by {} on {on} (commit {commit})\n",
            args.requirement, args.by
        ))?;
    }
    Ok(0)
}
