//! `dpa sign` records the execution of an issued version in the vendor's record; `dpa verify` checks it.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::diag::Diagnostics;
use crate::error::Error;
use crate::files::sha256_hex;
use crate::files::write_atomic;
use crate::store::{Store, parse_version, tag_name};

use super::Ctx;
use super::status::parse_date;

/// Arguments of `dpa sign`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Vendor id.
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
    /// The issued version that was signed (`2` or `v2`).
    #[arg(long, value_name = "N")]
    pub version: String,
    /// Date of execution (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: NaiveDate,
    /// Date the signed agreement expires (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub expires: Option<NaiveDate>,
    /// The executed PDF; its SHA-256 is recorded for `dpa verify`.
    #[arg(long, value_name = "EXECUTED.pdf")]
    pub file: Option<PathBuf>,
}

/// Arguments of `dpa verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Vendor id.
    #[arg(value_name = "VENDOR")]
    pub vendor: String,
    /// The executed PDF to check against the recorded hash.
    #[arg(long, value_name = "PDF")]
    pub file: Option<PathBuf>,
}

fn toml_date(d: NaiveDate) -> toml_edit::Datetime {
    toml_edit::Datetime {
        date: Some(toml_edit::Date {
            year: d.year() as u16,
            month: d.month() as u8,
            day: d.day() as u8,
        }),
        time: None,
        offset: None,
    }
}

fn hash_file(path: &PathBuf) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(sha256_hex(&bytes))
}

/// Runs `dpa sign`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let id = &args.vendor;
    let Some(vendor) = ws.load_vendor(id, &mut diags) else {
        ctx.report(&diags, &ws);
        return Ok(2);
    };
    let version = parse_version(&args.version).ok_or_else(|| {
        Error::Usage(format!(
            "`{}` is not a version: write it as 2 or v2",
            args.version
        ))
    })?;
    let store = Store::open(&ws.root)?;
    let issued = store.issued(id)?;
    let Some(this) = issued.iter().find(|i| i.version == version) else {
        let list: Vec<String> = issued.iter().map(|i| format!("v{}", i.version)).collect();
        return Err(Error::Usage(format!(
            "version {version} of `{id}` was never issued (issued: {})",
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
        .find(|a| a.version == version && a.status == "signed")
    {
        let on = a.signed_on.map(|d| format!(" on {d}")).unwrap_or_default();
        return Err(Error::Usage(format!(
            "version {version} of `{id}` is already signed{on}; a signature is recorded once"
        )));
    }
    let issued_on = chrono::DateTime::from_timestamp(this.time, 0).map(|d| d.date_naive());
    if let Some(issued_on) = issued_on
        && args.date < issued_on
    {
        return Err(Error::Usage(format!(
            "signature date {} is before version {version} was issued ({issued_on})",
            args.date
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
    let executed = args.file.as_ref().map(hash_file).transpose()?;
    let manifest = store
        .read_at(this.commit, &format!("agreements/{id}/manifest.json"))?
        .map(|b| sha256_hex(&b));

    let path = ws.root.join(&vendor.file);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| Error::Usage(format!("{}: {e}", vendor.file)))?;
    let entry = doc
        .entry("agreements")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
    let Some(array) = entry.as_array_of_tables_mut() else {
        return Err(Error::Usage(format!(
            "{}: `agreements` must be written as [[agreements]] tables for `dpa sign` to edit it",
            vendor.file
        )));
    };
    let existing = array
        .iter_mut()
        .find(|t| t.get("version").and_then(|v| v.as_integer()) == Some(i64::from(version)));
    let table: &mut Table = match existing {
        Some(t) => t,
        None => {
            let mut t = Table::new();
            t["version"] = value(i64::from(version));
            array.push(t);
            array.iter_mut().last().expect("just pushed")
        }
    };
    table["status"] = value("signed");
    table["signed_on"] = value(toml_date(args.date));
    if let Some(e) = args.expires {
        table["expires_on"] = value(toml_date(e));
    }
    if let Some(h) = &executed {
        table["sha256"] = value(h.as_str());
    }
    if let Some(h) = &manifest {
        table["manifest_sha256"] = value(h.as_str());
    }
    write_atomic(&path, doc.to_string().as_bytes())?;
    if !ctx.quiet {
        ctx.out(&format!(
            "{id}: recorded the signature of v{version} on {}{}\n",
            args.date,
            if executed.is_some() {
                " with the executed copy's SHA-256"
            } else {
                ""
            }
        ))?;
    }
    Ok(0)
}

/// Runs `dpa verify`.
pub fn verify(ctx: &Ctx, args: VerifyArgs) -> Result<u8, Error> {
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let id = &args.vendor;
    let Some(vendor) = ws.load_vendor(id, &mut diags) else {
        ctx.report(&diags, &ws);
        return Ok(2);
    };
    let Some(signed) = vendor
        .agreements
        .iter()
        .filter(|a| a.status == "signed")
        .max_by_key(|a| a.version)
    else {
        return Err(Error::Usage(format!(
            "`{id}` has no signed version to verify; record one with `dpa sign`"
        )));
    };
    let version = signed.version;
    let store = Store::open(&ws.root)?;
    let mut problems = Vec::new();
    let mut ok = Vec::new();
    match store.issued(id)?.iter().find(|i| i.version == version) {
        None => problems.push(format!("tag {} no longer exists", tag_name(id, version))),
        Some(i) => {
            let manifest = store
                .read_at(i.commit, &format!("agreements/{id}/manifest.json"))?
                .map(|b| sha256_hex(&b));
            match (&signed.manifest_sha256, manifest) {
                (_, None) => problems.push(format!("tag {} holds no manifest", tag_name(id, version))),
                (Some(expected), Some(actual)) if *expected != actual => {
                    problems.push(format!("tag {} now points at a different manifest (recorded {expected}, found {actual})", tag_name(id, version)))
                }
                (Some(_), Some(_)) => ok.push(format!("tag {} points at the manifest that was signed", tag_name(id, version))),
                (None, Some(_)) => ok.push(format!("tag {} exists (no manifest hash was recorded at signing)", tag_name(id, version))),
            }
        }
    }
    if let Some(file) = &args.file {
        let actual = hash_file(file)?;
        match &signed.sha256 {
            None => problems.push(format!("no SHA-256 of the executed copy is recorded for v{version}; record it with `dpa sign --file`")),
            Some(expected) if *expected != actual => problems.push(format!("{} differs from the executed copy of v{version} (recorded {expected}, file {actual})", file.display())),
            Some(_) => ok.push(format!("{} is the executed copy of v{version}", file.display())),
        }
    }
    let mut out = String::new();
    for line in &ok {
        out.push_str(&format!("ok: {line}\n"));
    }
    let printed = ctx.out(&out);
    for p in &problems {
        eprintln!("error: {id}: {p}");
    }
    if !problems.is_empty() {
        return Ok(1);
    }
    printed.map(|()| 0)
}
