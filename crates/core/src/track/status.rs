//! The tracker over a workspace: every vendor's row, read from the records and the git history.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::assemble::DocOptions;
use crate::diag::Diagnostics;
use crate::manifest::{self, ManifestClause};
use crate::model::Vendor;
use crate::select::{Applicability, Framework};
use crate::store::{Store, StoreError};
use crate::workspace::Workspace;

use super::{Current, IssuedVersion, Row, RowInput, invalid_row, row};

/// What to compute and which rows to keep.
#[derive(Debug, Clone)]
pub struct Options {
    /// Only this vendor.
    pub vendor: Option<String>,
    /// Only vendors that need this framework.
    pub framework: Option<Framework>,
    /// Only vendors that need this framework and have no signed, unexpired version including it.
    pub missing: Option<Framework>,
    /// Only vendors with this owner (compared without case).
    pub owner: Option<String>,
    /// The date the states are computed for.
    pub as_of: NaiveDate,
    /// Days before expiry that count as `expiring`.
    pub expiring_within: i64,
}

/// The tracker's result.
pub struct Tracker {
    /// The date the states were computed for.
    pub as_of: NaiveDate,
    /// One row per vendor, sorted by id; invalid records give `invalid` rows, whatever the filters.
    pub rows: Vec<Row>,
    /// Problems with the records, to report.
    pub diagnostics: Diagnostics,
    /// Vendor records whose tracker state (`[[agreements]]`) differs from the last commit.
    pub uncommitted: Vec<String>,
}

impl Tracker {
    /// Whether some record could not be read (its row is `invalid`).
    pub fn has_invalid(&self) -> bool {
        self.rows
            .iter()
            .any(|r| r.overall == super::Overall::Invalid)
    }
}

/// Today's clauses, values and input hashes of a vendor's agreement.
struct Today {
    clauses: Vec<ManifestClause>,
    values: BTreeMap<String, String>,
    inputs: BTreeMap<String, String>,
}

fn today(ws: &Workspace, vendor: &Vendor) -> Option<Today> {
    let mut quiet = Diagnostics::new();
    let options = DocOptions {
        final_: false,
        version: "draft".into(),
    };
    let prepared = ws.prepare(vendor.clone(), &options, &mut quiet)?;
    Some(Today {
        clauses: prepared.assembled.clauses.to_vec(),
        values: {
            let (c, v) = ws.roles(vendor);
            manifest::values(&c, &v)
        },
        inputs: prepared.inputs,
    })
}

/// Computes the tracker for a workspace (its git repository, if any, gives the issued versions).
///
/// Outside a repository nothing was issued; any other git failure is an error, never "missing".
pub fn status(ws: &Workspace, options: &Options) -> Result<Tracker, StoreError> {
    let mut diags = Diagnostics::new();
    let store = match Store::open(&ws.root) {
        Ok(store) => Some(store),
        Err(StoreError::NotARepository(_)) => None,
        Err(e) => return Err(e),
    };
    let ids = match &options.vendor {
        Some(id) => vec![id.clone()],
        None => ws.vendor_ids(&mut diags),
    };
    // Which vendors have issued versions: one listing of the tags, not one per vendor.
    let tagged: BTreeSet<String> = match &store {
        Some(s) => s.vendors_with_versions()?.into_iter().collect(),
        None => BTreeSet::new(),
    };
    // Records load and facts derive in parallel; git is read afterwards, only for vendors with tags.
    type Loaded = (
        String,
        Option<(Vendor, Vec<String>, Applicability)>,
        Diagnostics,
    );
    let loaded: Vec<Loaded> = ids
        .par_iter()
        .map(|id| {
            let mut d = Diagnostics::new();
            let loaded = ws.load_facts(id, &mut d).and_then(|f| {
                let before = d.error_count();
                let app = ws.applicability(&f.vendor, &mut d);
                (d.error_count() == before).then_some((f.vendor, f.missing, app))
            });
            (id.clone(), loaded, d)
        })
        .collect();
    let mut rows: Vec<Row> = Vec::with_capacity(loaded.len());
    let mut vendors = Vec::new();
    for (id, loaded, d) in loaded {
        let Some((vendor, incomplete, app)) = loaded else {
            let reason = d
                .iter()
                .find(|x| x.is_error())
                .map(|x| format!("invalid record ({}): {}", x.file, x.message))
                .unwrap_or_else(|| "invalid record".into());
            diags.extend(d);
            rows.push(invalid_row(&id, reason));
            continue;
        };
        diags.extend(d);
        let required: Vec<String> = app.frameworks[1..].iter().map(|s| s.to_string()).collect();
        let mut issued = Vec::new();
        if let Some(store) = store.as_ref().filter(|_| tagged.contains(&id)) {
            for i in store.issued(&id)? {
                let manifest = store.manifest(&id, i.version)?;
                issued.push(IssuedVersion {
                    version: i.version,
                    manifest,
                });
            }
        }
        // Only vendors with a signature need today's text, to tell `outdated`.
        let today = if incomplete.is_empty()
            && vendor
                .agreements
                .iter()
                .any(|a| a.status == crate::model::AgreementStatus::Signed)
        {
            today(ws, &vendor)
        } else {
            None
        };
        let reviews = saved_reviews(ws, &vendor, &mut diags);
        rows.push(row(&RowInput {
            vendor: &vendor,
            required,
            incomplete,
            ccpa_third_party: app.ccpa_third_party,
            issued: &issued,
            current: today.as_ref().map(|t| Current {
                clauses: &t.clauses,
                values: &t.values,
                inputs: &t.inputs,
                processor_side: ws.side == crate::side::Side::Customers,
            }),
            as_of: options.as_of,
            expiring_within: options.expiring_within,
            reviews: &reviews,
        }));
        vendors.push(vendor);
    }
    let uncommitted = store
        .as_ref()
        .map(|s| uncommitted(s, &vendors))
        .unwrap_or_default();
    let keep = |r: &Row| {
        if r.overall == super::Overall::Invalid {
            return true;
        }
        options
            .framework
            .as_ref()
            .is_none_or(|f| r.required.iter().any(|x| x == f.as_str()))
            && options
                .missing
                .as_ref()
                .is_none_or(|f| r.states.get(f.as_str()).is_some_and(|s| s.is_missing()))
            && options.owner.as_ref().is_none_or(|o| {
                r.owner
                    .as_ref()
                    .is_some_and(|x| x.trim().eq_ignore_ascii_case(o.trim()))
            })
    };
    rows.retain(keep);
    Ok(Tracker {
        as_of: options.as_of,
        rows,
        diagnostics: diags,
        uncommitted,
    })
}

/// The saved reviews (`reviews/<sha256>.json`) of the vendor's documents on its own paper. A
/// review that exists but cannot be read is an error, never "unreviewed" or "covered".
fn saved_reviews(
    ws: &Workspace,
    vendor: &Vendor,
    diags: &mut Diagnostics,
) -> BTreeMap<String, super::SavedReview> {
    let mut out = BTreeMap::new();
    for a in &vendor.agreements {
        if a.paper != crate::model::vendor::AgreementPaper::Vendor {
            continue;
        }
        let Some(sha) = &a.sha256 else { continue };
        let rel = format!("{}/{sha}.json", crate::review::REVIEWS_DIR);
        let path = ws.root.join(&rel);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                diags.push(crate::diag::Diagnostic::error(
                    &rel,
                    None,
                    format!("the saved review cannot be read: {e}"),
                ));
                continue;
            }
        };
        match serde_json::from_str::<super::SavedReview>(&text) {
            Ok(r) if r.sha256 == *sha => {
                out.insert(sha.clone(), r);
            }
            Ok(r) => diags.push(crate::diag::Diagnostic::error(
                &rel,
                None,
                format!(
                    "the saved review is of another document (SHA-256 {}), not {sha}",
                    r.sha256
                ),
            )),
            Err(e) => diags.push(
                crate::diag::Diagnostic::error(
                    &rel,
                    None,
                    format!("the saved review is not valid: {e}"),
                )
                .with_hint(format!(
                    "run `dpa review {} --vendor {} --save` again",
                    a.file.as_deref().unwrap_or("FILE"),
                    vendor.id
                )),
            ),
        }
    }
    out
}

/// Records whose `[[agreements]]` in the working copy differ from the last commit's.
fn uncommitted(store: &Store, vendors: &[Vendor]) -> Vec<String> {
    let agreements = |text: &str| {
        text.parse::<toml::Table>()
            .ok()
            .and_then(|mut t| t.remove("agreements"))
    };
    let Ok(changed) = store.changed("vendors") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for v in vendors.iter().filter(|v| changed.contains(&v.file)) {
        let Ok(text) = std::fs::read_to_string(store.workdir_path(&v.file)) else {
            continue;
        };
        let now = agreements(&text);
        let committed = store
            .head_file(&v.file)
            .ok()
            .flatten()
            .and_then(|b| agreements(&String::from_utf8_lossy(&b)));
        if now != committed {
            out.push(v.file.clone());
        }
    }
    out
}
