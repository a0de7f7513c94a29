//! `dpa send` and `dpa sign` record what happened to an issued version in the vendor's record,
//! and commit it; `dpa verify` checks the signed version and the executed copy.

use std::path::PathBuf;

use chrono::NaiveDate;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::files::sha256_hex;
use dpa::model::facts::Framework;
use dpa::model::vendor::AgreementPaper;
use dpa::model::{AgreementStatus, Vendor};
use dpa::pipeline::verify;
use dpa::store::{Change, Issued, RecordLock, Store, parse_version, tag_name};
use dpa::track::agreements::{Entry, Event, Recorded};
use dpa::workspace::Workspace;

use super::Ctx;
use super::args::{commit_event, parse_date};

/// Arguments of `dpa sign`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Vendor id.
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
    /// The issued version that was signed (`2` or `v2`); our paper only.
    #[arg(long, value_name = "N", required_unless_present = "paper")]
    pub version: Option<String>,
    /// Whose paper was signed: `ours` (an issued version) or `vendor` (the vendor's own
    /// document, given with --file, --title and --framework; it covers a framework in `status`
    /// once a saved review finds it complete or its gaps are accepted).
    #[arg(long, value_enum)]
    pub paper: Option<PaperArg>,
    /// The title of the vendor's document (vendor paper; default: the file name).
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
    /// A framework the vendor's document is meant to cover (repeatable; vendor paper).
    #[arg(long = "framework", value_name = "F", value_parser = Framework::regulated)]
    pub frameworks: Vec<Framework>,
    /// Date of execution (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: NaiveDate,
    /// Date the signed agreement expires (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub expires: Option<NaiveDate>,
    /// The executed copy: kept as `agreements/<id>/executed/v<N>.pdf` (our paper) or where it is
    /// in the workspace, else as `agreements/<id>/vendor/<name>` (vendor paper), and committed, with its SHA-256.
    #[arg(long, value_name = "EXECUTED.pdf")]
    pub file: Option<PathBuf>,
}

/// Whose paper an agreement is on, as `--paper` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PaperArg {
    /// A version dpa issued.
    Ours,
    /// The vendor's own document.
    Vendor,
}

/// Arguments of `dpa send`.
#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// Vendor id.
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
    /// The issued version that was sent (`2` or `v2`); the latest one by default.
    #[arg(long, value_name = "N")]
    pub version: Option<String>,
    /// Date it was sent (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: NaiveDate,
}

/// Arguments of `dpa verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Vendor id.
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
    /// A file to check against the recorded hash of the executed copy, besides the kept copy.
    #[arg(long, value_name = "PDF")]
    pub file: Option<PathBuf>,
}

fn version_arg(s: &str) -> Result<u32, Error> {
    parse_version(s)
        .ok_or_else(|| Error::Usage(format!("`{s}` is not a version: write it as 2 or v2")))
}

/// Opens the workspace, the vendor and the repository, and finds the issued version.
fn issued_version(
    ctx: &Ctx,
    id: &str,
    version: Option<u32>,
) -> Result<Option<(Workspace, Vendor, Store, Issued)>, Error> {
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let Some(vendor) = ws.load_facts(id, &mut diags).map(|f| f.vendor) else {
        ctx.report(&diags, &ws);
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
    Ok(Some((ws, vendor, store, this)))
}

/// The date dpa issued the version, when `date` is before it: an agreement that existed before
/// dpa issued its text, entered afterwards.
fn before_issue(this: &Issued, date: NaiveDate) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp(this.time, 0)
        .map(|d| d.date_naive())
        .filter(|issued_on| date < *issued_on)
}

/// When and by whom (the git author) an agreement is entered now.
pub(super) fn recorded_now(store: &Store) -> Result<Recorded, Error> {
    let sig = store.signature()?;
    let name = sig.name().unwrap_or_default();
    let by = match sig.email().ok().filter(|e| !e.is_empty()) {
        Some(email) => format!("{name} <{email}>"),
        None => name.to_string(),
    };
    Ok(Recorded {
        on: chrono::Local::now().date_naive(),
        by,
    })
}

/// Runs `dpa send`.
pub fn send(ctx: &Ctx, args: SendArgs) -> Result<u8, Error> {
    let version = args.version.as_deref().map(version_arg).transpose()?;
    let id = &args.vendor;
    let Some((_ws, vendor, store, this)) = issued_version(ctx, id, version)? else {
        return Ok(2);
    };
    if let Some(issued_on) = before_issue(&this, args.date) {
        ctx.note(&format!(
            "note: sent on {} before dpa issued v{} ({issued_on}): recorded as sent before dpa",
            args.date, this.version
        ));
    }
    store.signature()?;
    let _lock = RecordLock::acquire(&store, std::time::Duration::from_secs(120))?;
    let v = this.version;
    let message = format!(
        "dpa: send {id} v{v}\n\nVendor: {id} ({})\nVersion: {v}\nSent: {}\n",
        vendor.name, args.date
    );
    let commit = commit_event(
        ctx,
        &store,
        &vendor.file,
        &Entry::Version(v),
        &Event::Sent { on: args.date },
        Vec::new(),
        &message,
    )?;
    if !ctx.quiet {
        ctx.out(&format!(
            "{id}: recorded v{v} as sent on {} (commit {commit})\n",
            args.date
        ))?;
    }
    Ok(0)
}

/// Runs `dpa sign`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    if args.paper == Some(PaperArg::Vendor) {
        return super::vendorpaper::sign(ctx, args, AgreementPaper::Vendor);
    }
    if args.paper == Some(PaperArg::Ours) && args.version.is_none() {
        // Our paper, signed before dpa: the executed document stands for the version.
        return super::vendorpaper::sign(ctx, args, AgreementPaper::Ours);
    }
    if args.title.is_some() || !args.frameworks.is_empty() {
        return Err(Error::Usage(
            "--title and --framework describe a document on the vendor's paper: add --paper vendor"
                .into(),
        ));
    }
    let Some(version) = &args.version else {
        return Err(Error::Usage(
            "say which issued version was signed with --version N; for an agreement signed before dpa, give --paper ours --file EXECUTED.pdf --title TITLE --framework F, or --paper vendor for the vendor's own document".into(),
        ));
    };
    let version = version_arg(version)?;
    let id = &args.vendor;
    let Some((_ws, vendor, store, this)) = issued_version(ctx, id, Some(version))? else {
        return Ok(2);
    };
    let early = before_issue(&this, args.date);
    if let Some(e) = args.expires
        && e <= args.date
    {
        return Err(Error::Usage(format!(
            "expiry {e} is not after the signature date {}",
            args.date
        )));
    }
    let recorded = match early {
        Some(issued_on) => {
            ctx.note(&format!(
                "note: signed on {} before dpa issued v{version} ({issued_on}): recorded as an agreement signed before dpa",
                args.date
            ));
            Some(recorded_now(&store)?)
        }
        None => {
            store.signature()?;
            None
        }
    };
    let executed = args
        .file
        .as_ref()
        .map(|p| std::fs::read(p).map_err(|e| Error::io(p, e)))
        .transpose()?;
    // The executed copy must read as the version issued, outside its signature blocks.
    if let (Some(path), Some(bytes)) = (&args.file, &executed) {
        match verify::executed_copy(&store, id, version, path, bytes) {
            Ok(v) if v.is_same() => {
                if let verify::Verdict::Same { notes } = &v {
                    for n in notes {
                        ctx.note(&format!("note: {}: {n}", path.display()));
                    }
                }
            }
            Ok(v) => {
                for line in verify::describe(&v, &path.display().to_string(), version) {
                    eprintln!("error: {id}: {line}");
                }
                eprintln!("error: {id}: nothing was recorded");
                return Ok(1);
            }
            Err(verify::Unreadable(reason)) => {
                eprintln!(
                    "error: {id}: the executed copy cannot be compared with v{version}: {reason}; nothing was recorded"
                );
                return Ok(2);
            }
        }
    }
    let kept = args.file.as_ref().map(|p| {
        let ext = p
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .filter(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or_else(|| "pdf".into());
        format!("agreements/{id}/executed/v{version}.{ext}")
    });
    let manifest = store
        .read_at(this.commit, &format!("agreements/{id}/manifest.json"))?
        .map(|b| sha256_hex(&b));
    let sha = executed.as_deref().map(sha256_hex);
    let event = Event::Signed {
        on: args.date,
        expires: args.expires,
        sha256: sha.clone(),
        file: kept.clone(),
        manifest_sha256: manifest,
        recorded: recorded.clone(),
    };
    let _lock = RecordLock::acquire(&store, std::time::Duration::from_secs(120))?;
    let mut message = format!(
        "dpa: sign {id} v{version}\n\nVendor: {id} ({})\nVersion: {version}\nSigned: {}\n",
        vendor.name, args.date
    );
    if let Some(e) = args.expires {
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
        ctx,
        &store,
        &vendor.file,
        &Entry::Version(version),
        &event,
        extra,
        &message,
    )?;
    if !ctx.quiet {
        ctx.out(&format!(
            "{id}: recorded the signature of v{version} on {}{} (commit {commit})\n",
            args.date,
            kept.map(|p| format!(", executed copy kept as {p}"))
                .unwrap_or_default()
        ))?;
    }
    Ok(0)
}

/// Runs `dpa verify`.
pub fn verify(ctx: &Ctx, args: VerifyArgs) -> Result<u8, Error> {
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let id = &args.vendor;
    let Some(vendor) = ws.load_facts(id, &mut diags).map(|f| f.vendor) else {
        ctx.report(&diags, &ws);
        return Ok(2);
    };
    let signed_ours = vendor
        .agreements
        .iter()
        .filter(|a| {
            a.paper == AgreementPaper::Ours
                && a.version.is_some()
                && a.status == AgreementStatus::Signed
        })
        .max_by_key(|a| a.version);
    // Documents dpa did not issue (the vendor's, or ours signed before dpa) are checked by hash.
    let theirs: Vec<_> = vendor
        .agreements
        .iter()
        .filter(|a| a.version.is_none() && a.status == AgreementStatus::Signed)
        .collect();
    if signed_ours.is_none() && theirs.is_empty() {
        return Err(Error::Usage(format!(
            "`{id}` has no signed agreement to verify; record one with `dpa sign`"
        )));
    }
    let store = Store::open(&ws.root)?;
    let mut problems = Vec::new();
    let mut ok = Vec::new();
    let mut unreadable: Vec<String> = Vec::new();
    let hash_of = |bytes: &[u8]| sha256_hex(bytes);
    for a in &theirs {
        let title = a.title.as_deref().unwrap_or("document");
        match (&a.file, &a.sha256) {
            (Some(kept), Some(expected)) => {
                match std::fs::read(ws.root.join(kept)) {
                    Err(e) => problems.push(format!("the vendor's \"{title}\" ({kept}) cannot be read: {e}")),
                    Ok(b) if hash_of(&b) != *expected => problems.push(format!(
                        "the vendor's \"{title}\" ({kept}) was changed since it was signed (recorded {expected}, file {})",
                        hash_of(&b)
                    )),
                    Ok(_) => ok.push(format!("{kept} is the vendor's \"{title}\" as signed")),
                }
                match store.head_file(kept)? {
                    None => problems.push(format!("the vendor's \"{title}\" ({kept}) is not committed to git")),
                    Some(b) if hash_of(&b) != *expected => problems.push(format!(
                        "the committed {kept} is not the signed document (recorded {expected}, committed {})",
                        hash_of(&b)
                    )),
                    Some(_) => ok.push(format!("{kept} is committed as signed")),
                }
            }
            _ => problems.push(format!(
                "the vendor's \"{title}\" has no file or SHA-256 recorded"
            )),
        }
    }
    if let Some(signed) = signed_ours {
        let version = signed.version.unwrap_or_default();
        let tag = tag_name(id, version);
        match store.issued(id)?.iter().find(|i| i.version == version) {
            None => problems.push(format!("tag {tag} no longer exists")),
            Some(i) => {
                let manifest = store
                    .read_at(i.commit, &format!("agreements/{id}/manifest.json"))?
                    .map(|b| sha256_hex(&b));
                match (&signed.manifest_sha256, manifest) {
                    (_, None) => problems.push(format!("tag {tag} holds no manifest")),
                    (Some(expected), Some(actual)) if *expected != actual => problems.push(format!(
                        "tag {tag} now points at a different manifest (recorded {expected}, found {actual})"
                    )),
                    (Some(_), Some(_)) => {
                        ok.push(format!("tag {tag} points at the manifest that was signed"))
                    }
                    (None, Some(_)) => ok.push(format!(
                        "tag {tag} exists (no manifest hash was recorded at signing)"
                    )),
                }
            }
        }
        match (&signed.file, &signed.sha256) {
        (Some(kept), Some(expected)) => {
            match std::fs::read(ws.root.join(kept)) {
                Err(e) => problems.push(format!("the executed copy {kept} cannot be read: {e}")),
                Ok(b) if hash_of(&b) != *expected => problems.push(format!(
                    "the executed copy {kept} was changed (recorded {expected}, file {})",
                    hash_of(&b)
                )),
                Ok(b) => {
                    ok.push(format!("{kept} is the executed copy of v{version} as recorded"));
                    content(&store, id, version, std::path::Path::new(kept), &b, &mut ok, &mut problems, &mut unreadable)?;
                }
            }
            match store.head_file(kept)? {
                None => problems.push(format!("the executed copy {kept} is not committed to git")),
                Some(b) if hash_of(&b) != *expected => problems.push(format!(
                    "the committed {kept} is not the executed copy (recorded {expected}, committed {})",
                    hash_of(&b)
                )),
                Some(_) => ok.push(format!("{kept} is committed as signed")),
            }
        }
        (Some(kept), None) => problems.push(format!(
            "{kept} is named as the executed copy of v{version}, but no SHA-256 is recorded"
        )),
        (None, _) if args.file.is_none() => ctx.note(&format!(
            "note: no executed copy of v{version} is kept; keep one with `dpa sign --file` when signing"
        )),
        (None, _) => {}
    }
    }
    if let Some(file) = &args.file {
        let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
        let actual = hash_of(&bytes);
        if let Some(version) = signed_ours.and_then(|a| a.version)
            && signed_ours.and_then(|a| a.sha256.as_ref()) != Some(&actual)
        {
            // Not the kept copy: what matters is whether it reads as the signed version.
            content(
                &store,
                id,
                version,
                file,
                &bytes,
                &mut ok,
                &mut problems,
                &mut unreadable,
            )?;
        }
        let recorded: Vec<(String, &String)> = signed_ours
            .iter()
            .filter_map(|a| {
                a.sha256.as_ref().map(|h| {
                    (
                        format!("the executed copy of v{}", a.version.unwrap_or_default()),
                        h,
                    )
                })
            })
            .chain(theirs.iter().filter_map(|a| {
                a.sha256.as_ref().map(|h| {
                    (
                        format!(
                            "the vendor's \"{}\"",
                            a.title.as_deref().unwrap_or("document")
                        ),
                        h,
                    )
                })
            }))
            .collect();
        match recorded.iter().find(|(_, h)| **h == actual) {
            Some((what, _)) => ok.push(format!("{} is {what}", file.display())),
            None if recorded.is_empty() => problems.push(
                "no SHA-256 of an executed copy is recorded; record it with `dpa sign --file`"
                    .to_string(),
            ),
            None => problems.push(format!(
                "{} differs from {} (file {actual})",
                file.display(),
                recorded
                    .iter()
                    .map(|(w, h)| format!("{w} (recorded {h})"))
                    .collect::<Vec<_>>()
                    .join(" and from ")
            )),
        }
    }
    let mut out = String::new();
    for line in &ok {
        out.push_str(&format!("ok: {line}\n"));
    }
    let printed = ctx.out(&out);
    for p in problems.iter().chain(&unreadable) {
        eprintln!("error: {id}: {p}");
    }
    if !unreadable.is_empty() {
        return Ok(2);
    }
    if !problems.is_empty() {
        return Ok(1);
    }
    printed.map(|()| 0)
}

/// Compares a copy's text with the signed version as issued: a line of `ok`, the differences
/// as one problem, or why it cannot be read.
#[allow(clippy::too_many_arguments)]
fn content(
    store: &Store,
    id: &str,
    version: u32,
    name: &std::path::Path,
    bytes: &[u8],
    ok: &mut Vec<String>,
    problems: &mut Vec<String>,
    unreadable: &mut Vec<String>,
) -> Result<(), Error> {
    match verify::executed_copy(store, id, version, name, bytes) {
        Ok(v) => {
            let lines = verify::describe(&v, &name.display().to_string(), version);
            if v.is_same() {
                ok.extend(lines);
            } else {
                problems.push(lines.join("\n"));
            }
        }
        Err(verify::Unreadable(reason)) => unreadable.push(format!(
            "{} cannot be compared with v{version}: {reason}",
            name.display()
        )),
    }
    Ok(())
}
