//! `review`: a DPA of any origin read in the sandboxed reader and checked against the
//! requirement registry, with the requirements chosen by a vendor's facts or by frameworks,
//! and the result kept in the workspace when asked.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostics;
use crate::documents;
use crate::error::Error;
use crate::library::{Library, Requirement};
use crate::model::facts::Framework;
use crate::review::{self, REVIEWS_DIR, Review, Rules};
use crate::workspace::Workspace;

/// A review, as [`review()`] takes it.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The agreement to review: PDF, DOCX, HTML, Markdown or plain text.
    pub file: &'a Path,
    /// Decide which requirements apply from this vendor's record.
    pub vendor: Option<&'a str>,
    /// Review against these frameworks (with a vendor: only these of its frameworks).
    pub frameworks: &'a [Framework],
    /// Keep the result as `reviews/<sha256>.json` in the workspace.
    pub save: bool,
}

impl Request<'_> {
    /// Checks what needs no workspace: a vendor or frameworks, and known frameworks.
    pub fn check(&self) -> Result<(), Error> {
        if self.vendor.is_none() && self.frameworks.is_empty() {
            return Err(Error::Usage(
                "say what to review against: --vendor ID, or --framework F (gdpr, ccpa, scc, uk, ch, usstate)"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// What [`review()`] found, and where it kept it.
#[derive(Debug)]
pub struct Reviewed {
    /// The review.
    pub review: Review,
    /// The file it was saved to, with `save`.
    pub saved: Option<PathBuf>,
}

/// Reviews the document against the requirements that apply: to the vendor's facts and
/// frameworks with `vendor`, else to a typical processor under the frameworks given. Problems
/// in the workspace's records, clauses or evidence rules are in `diags`, with
/// [`Error::Invalid`]; a document that cannot be read is refused ([`Error::Document`]).
pub fn review(root: &Path, diags: &mut Diagnostics, req: &Request) -> Result<Reviewed, Error> {
    req.check()?;
    let (library, frameworks, facts) = match req.vendor {
        Some(id) => {
            let ws = Workspace::open(root, diags)?;
            if diags.has_errors() {
                return Err(Error::Invalid(diags.error_count()));
            }
            let Some(vendor) = ws.load_vendor(id, diags) else {
                return Err(Error::Invalid(diags.error_count().max(1)));
            };
            let app = ws.applicability(&vendor, diags);
            let facts = ws.facts(&vendor, &app);
            let mut frameworks: Vec<Framework> = app
                .frameworks
                .iter()
                .copied()
                .filter(|f| *f != Framework::General)
                .collect();
            if !req.frameworks.is_empty() {
                frameworks.retain(|f| req.frameworks.contains(f));
            }
            (ws.library.clone(), frameworks, facts)
        }
        None => (
            Library::load(Some(root), diags),
            req.frameworks.to_vec(),
            review::typical_facts(),
        ),
    };
    let rules = Rules::load(Some(root), diags);
    let ids: Vec<&str> = library
        .requirements()
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    review::rules::check_references(&rules, &ids, diags);
    if diags.has_errors() {
        return Err(Error::Invalid(diags.error_count()));
    }
    // Every failure to read is a refusal naming the file.
    let doc =
        documents::read_text(req.file, &documents::Limits::default()).map_err(Error::Document)?;
    let clauses = doc.clauses();
    let applicable: Vec<&Requirement> = library
        .requirements()
        .iter()
        .filter(|r| r.applies(&frameworks, &facts))
        .collect();
    if applicable.is_empty() {
        return Err(Error::Usage(match req.vendor {
            Some(id) => format!(
                "no requirement of {} applies to vendor `{id}`",
                Framework::join(&frameworks)
            ),
            None => "no requirement applies".into(),
        }));
    }
    let review::Outcome {
        findings,
        counts,
        undermining,
    } = review::review(&clauses, &applicable, &rules);
    let result = Review {
        document: req.file.display().to_string(),
        sha256: doc.sha256.clone(),
        format: doc.kind.as_str().into(),
        frameworks: frameworks.iter().map(|f| f.as_str().to_string()).collect(),
        vendor: req.vendor.map(str::to_string),
        counts,
        undermining,
        findings,
        clauses,
    };
    let saved = if req.save {
        Some(save(root, &result)?)
    } else {
        None
    };
    Ok(Reviewed {
        review: result,
        saved,
    })
}

/// Keeps a review as `reviews/<sha256>.json` in the workspace at `root`, keyed by the
/// document's hash; returns the file.
pub fn save(root: &Path, result: &Review) -> Result<PathBuf, Error> {
    let dir = root.join(REVIEWS_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = dir.join(format!("{}.json", result.sha256));
    let json = serde_json::to_string_pretty(result).map_err(|e| Error::Json {
        context: "review".into(),
        source: e,
    })?;
    crate::files::write_atomic(&path, format!("{json}\n").as_bytes())?;
    Ok(path)
}
