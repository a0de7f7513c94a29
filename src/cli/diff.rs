//! `dpa diff`: clause-level differences between issued versions, Markdown contracts, or library revisions.

use std::collections::BTreeMap;
use std::path::Path;

use crate::assemble::DocOptions;
use crate::diag::Diagnostics;
use crate::diff::{self, Clause, Report};
use crate::documents;
use crate::error::Error;
use crate::library::clause::{self, Origin};
use crate::manifest::ManifestClause;
use crate::store::{Store, StoreError, parse_version};

use super::Ctx;

/// Output format of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    /// Terminal text: colour on a terminal, `[-old-]{+new+}` markers otherwise.
    Text,
    /// JSON: summary and per-clause status and word changes.
    Json,
    /// One self-contained HTML redline.
    Html,
}

/// Arguments of `dpa diff`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Forms:\n  dpa diff VENDOR [FROM [TO]]   issued versions (`2` or `v2`); default: last issued vs a fresh render\n  dpa diff OLD.md NEW.md        any two Markdown contracts\n  dpa diff --library FROM TO    clause library changes between two git revisions, and the agreements they touch"
)]
pub struct Args {
    /// A vendor id and up to two versions, or two Markdown files, or two git revisions with --library.
    #[arg(value_name = "ARGS", num_args = 1..=3, required = true)]
    pub args: Vec<String>,
    /// Compare the workspace's clause library at two git revisions.
    #[arg(long)]
    pub library: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit with 1 when anything differs.
    #[arg(long)]
    pub exit_code: bool,
    /// Also list unchanged clauses in text output.
    #[arg(long)]
    pub all: bool,
}

fn is_document(arg: &str) -> bool {
    let lower = arg.to_ascii_lowercase();
    lower.ends_with(".md")
        || lower.ends_with(".markdown")
        || lower.ends_with(".txt")
        || lower.ends_with(".docx")
}

/// Reads a Markdown, text or Word contract as clauses; says how it was read (tracked changes accepted).
fn load_document(ctx: &Ctx, path: &str, keep_preamble: bool) -> Result<Vec<Clause>, Error> {
    let doc = documents::read_path(Path::new(path)).map_err(Error::Document)?;
    for note in &doc.notes {
        ctx.note(&format!("note: {path} {note}"));
    }
    Ok(doc
        .sections
        .iter()
        // Against issued clauses, a returned Word file's unnumbered parts (cover, signatures) are not compared.
        .filter(|s| keep_preamble || doc.kind != documents::Kind::Docx || s.number.is_some())
        .map(|s| s.clause())
        .collect())
}

fn from_manifest(clauses: &[ManifestClause]) -> Vec<Clause> {
    clauses
        .iter()
        .map(|c| Clause {
            key: Some(c.id.clone()),
            number: Some(c.number.clone()),
            title: Some(c.title.clone()),
            text: c.text.clone(),
        })
        .collect()
}

fn emit(ctx: &Ctx, args: &Args, report: &Report, title: &str) -> Result<u8, Error> {
    let text = match args.format {
        DiffFormat::Text => diff::to_text(report, ctx.color_out, args.all),
        DiffFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&diff::to_json(report)).map_err(|e| Error::Json {
                    context: "diff".into(),
                    source: e,
                })?;
            s.push('\n');
            s
        }
        DiffFormat::Html => diff::to_html(report, title),
    };
    ctx.out(&text)?;
    Ok(if args.exit_code && report.summary.has_changes() {
        1
    } else {
        0
    })
}

/// Runs `dpa diff`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    if args.library {
        return library(ctx, &args);
    }
    if is_document(&args.args[0]) {
        let [old, new] = args.args.as_slice() else {
            return Err(Error::Usage(
                "comparing documents needs exactly two files: dpa diff OLD.md NEW.md".into(),
            ));
        };
        let (a, b) = (
            load_document(ctx, old, true)?,
            load_document(ctx, new, true)?,
        );
        let report = diff::diff(&a, &b);
        return emit(ctx, &args, &report, &format!("{old} → {new}"));
    }
    vendor(ctx, &args)
}

fn vendor(ctx: &Ctx, args: &Args) -> Result<u8, Error> {
    let id = &args.args[0];
    // `dpa diff ID RETURNED.docx` compares the last issued version with the returned document.
    let positional: Vec<String> = match args.args.as_slice() {
        [_, doc] if is_document(doc) => vec![id.clone(), String::new(), doc.clone()],
        other => other.to_vec(),
    };
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let store = Store::open(&ws.root)?;
    let issued = store.issued(id)?;
    let version = |s: &str| {
        parse_version(s)
            .ok_or_else(|| Error::Usage(format!("`{s}` is not a version: write it as 2 or v2")))
    };
    let from = match positional.get(1).filter(|s| !s.is_empty()) {
        Some(s) => version(s)?,
        None => issued.last().map(|i| i.version).ok_or_else(|| {
            Error::Usage(format!(
                "vendor `{id}` has no issued version yet; run `dpa record {id}` first"
            ))
        })?,
    };
    let old = store.manifest(id, from)?;
    let (new_clauses, to_label) = match positional.get(2) {
        Some(path) if is_document(path) => {
            // A returned document: compare the issued clauses with what the counterparty sent back.
            let theirs = load_document(ctx, path, false)?;
            let report = diff::diff(&from_manifest(&old.clauses), &theirs);
            return emit(ctx, args, &report, &format!("DPA-{id}: v{from} → {path}"));
        }
        Some(s) => {
            let to = version(s)?;
            (store.manifest(id, to)?.clauses, format!("v{to}"))
        }
        None => {
            let Some(v) = ws.load_vendor(id, &mut diags) else {
                ctx.report(&diags, &ws);
                return Ok(2);
            };
            let Some(prepared) = ws.prepare(
                v,
                &DocOptions {
                    final_: false,
                    version: "draft".into(),
                },
                &mut diags,
            ) else {
                ctx.report(&diags, &ws);
                return Ok(2);
            };
            (prepared.assembled.clauses.to_vec(), "now".to_string())
        }
    };
    ctx.report(&diags, &ws);
    let report = diff::diff(&from_manifest(&old.clauses), &from_manifest(&new_clauses));
    emit(
        ctx,
        args,
        &report,
        &format!("DPA-{id}: v{from} → {to_label}"),
    )
}

/// Clause files of the workspace at one git revision: id -> clause. Files that cannot be read
/// or parsed are reported in `diags` (named `REV:clauses/...`, their text kept in `sources`),
/// never dropped: a dropped clause would read as "removed".
fn clauses_at(
    store: &Store,
    rev: &str,
    sources: &mut BTreeMap<String, String>,
    diags: &mut Diagnostics,
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
        if let Some(c) = clause::parse(Origin::Workspace(name.clone()), &text, diags) {
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
        sources.insert(name, text);
    }
    Ok(out)
}

fn library(ctx: &Ctx, args: &Args) -> Result<u8, Error> {
    let [from, to] = args.args.as_slice() else {
        return Err(Error::Usage(
            "--library needs two git revisions: dpa diff --library FROM TO".into(),
        ));
    };
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let store = Store::open(&ws.root)?;
    let mut sources = BTreeMap::new();
    let mut unreadable = Diagnostics::new();
    let old = clauses_at(&store, from, &mut sources, &mut unreadable)?;
    let new = clauses_at(&store, to, &mut sources, &mut unreadable)?;
    if unreadable.has_errors() {
        ctx.report(&unreadable, &|file: &str| sources.get(file).cloned());
        return Err(Error::Invalid(unreadable.error_count()));
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
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // Which vendors' latest issued agreements contain a changed clause: the re-papering list.
    let mut affected = Vec::new();
    for vendor in store.vendors_with_versions()? {
        let issued = store.issued(&vendor)?;
        let Some(last) = issued.last() else { continue };
        let m = store.manifest(&vendor, last.version)?;
        let hits: Vec<String> = m
            .clauses
            .iter()
            .filter(|c| changed.contains(&c.id))
            .map(|c| c.id.clone())
            .collect();
        if hits.is_empty() {
            continue;
        }
        let signed = ws
            .load_vendor(&vendor, &mut Diagnostics::new())
            .and_then(|v| {
                v.agreements
                    .iter()
                    .find(|a| a.version == last.version && a.status == "signed")
                    .and_then(|a| a.signed_on)
            })
            .map(|d| format!("signed {d}"))
            .unwrap_or_else(|| "not signed".into());
        affected.push(serde_json::json!({"vendor": vendor, "version": last.version, "state": signed, "clauses": hits}));
    }
    match args.format {
        DiffFormat::Json => {
            let mut v = diff::to_json(&report);
            v["changed_clauses"] = serde_json::json!(changed);
            v["affected"] = serde_json::json!(affected);
            ctx.out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            ))?;
        }
        DiffFormat::Html => ctx.out(&diff::to_html(
            &report,
            &format!("Clause library: {from} → {to}"),
        ))?,
        DiffFormat::Text => {
            let mut out = diff::to_text(&report, ctx.color_out, args.all);
            out.push_str(&format!(
                "\nAgreements that contain changed clauses ({}):\n",
                affected.len()
            ));
            if affected.is_empty() {
                out.push_str("  none\n");
            }
            for a in &affected {
                out.push_str(&format!(
                    "  {} v{} ({}): {}\n",
                    a["vendor"].as_str().unwrap_or(""),
                    a["version"],
                    a["state"].as_str().unwrap_or(""),
                    a["clauses"]
                        .as_array()
                        .map(|l| l
                            .iter()
                            .filter_map(|x| x.as_str())
                            .collect::<Vec<_>>()
                            .join(", "))
                        .unwrap_or_default()
                ));
            }
            ctx.out(&out)?;
        }
    }
    Ok(if args.exit_code && report.summary.has_changes() {
        1
    } else {
        0
    })
}
