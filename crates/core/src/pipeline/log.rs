//! `log`: a vendor's issued versions, newest first, each with its frameworks and where it
//! stands (issued, sent, signed, provisional), and the agreements dpa did not issue.

use chrono::NaiveDate;

use crate::diag::Diagnostics;
use crate::error::Error;
use crate::model::facts::Framework;
use crate::model::vendor::{AgreementPaper, AgreementState};
use crate::model::{AgreementStatus, Vendor};
use crate::store::Store;
use crate::workspace::Workspace;

/// An agreement entered after it was signed: when, and by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Afterwards {
    /// The date it was entered.
    pub on: NaiveDate,
    /// Who entered it.
    pub by: Option<String>,
}

/// Where an issued version stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Issued; nothing recorded since.
    Issued,
    /// Recorded offline: its number is provisional until `sync` pushes it.
    Provisional,
    /// Signed on the date.
    Signed(NaiveDate),
    /// Another state recorded in the vendor's `[[agreements]]`.
    Recorded(AgreementStatus),
}

/// One issued version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Its number.
    pub version: u32,
    /// The day it was issued (the commit's time).
    pub issued_on: Option<NaiveDate>,
    /// The commit id, shortened to ten hex digits.
    pub commit: String,
    /// The regulated frameworks it covers.
    pub frameworks: Vec<String>,
    /// Where it stands.
    pub standing: Standing,
    /// For a signature entered after the fact: when and by whom.
    pub afterwards: Option<Afterwards>,
}

/// An agreement dpa did not issue: signed before dpa, on our paper or the vendor's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Other {
    /// The date it was signed.
    pub signed_on: Option<NaiveDate>,
    /// Its title.
    pub title: Option<String>,
    /// Whose paper.
    pub paper: AgreementPaper,
    /// The frameworks it covers.
    pub frameworks: Vec<Framework>,
    /// When and by whom it was entered, after it was signed.
    pub afterwards: Option<Afterwards>,
}

/// What [`log`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Log {
    /// Whether the vendor's record was read.
    pub vendor_known: bool,
    /// The issued versions, newest first.
    pub versions: Vec<Version>,
    /// The agreements dpa did not issue.
    pub others: Vec<Other>,
}

/// When an agreement was entered after it was signed.
fn afterwards(a: &AgreementState) -> Option<Afterwards> {
    match (a.signed_on, a.recorded_on) {
        (Some(signed), Some(on)) if signed < on => Some(Afterwards {
            on,
            by: a.recorded_by.clone(),
        }),
        _ => None,
    }
}

/// The versions of vendor `id` issued into the repository at `root`, with what the vendor's
/// record (when `ws` is open and it reads) says of each, and its agreements dpa did not issue.
pub fn log(root: &std::path::Path, ws: Option<&Workspace>, id: &str) -> Result<Log, Error> {
    let store = Store::open(root)?;
    let issued = store.issued(id)?;
    let vendor: Option<Vendor> = ws
        .and_then(|ws| ws.load_facts(id, &mut Diagnostics::new()))
        .map(|f| f.vendor);
    let provisional = store.provisional()?;
    let agreements = vendor.iter().flat_map(|v| &v.agreements);
    let others = agreements
        .clone()
        .filter(|a| a.version.is_none())
        .map(|a| Other {
            signed_on: a.signed_on,
            title: a.title.clone(),
            paper: a.paper,
            frameworks: a.frameworks.clone(),
            afterwards: afterwards(a),
        })
        .collect();
    let mut versions = Vec::new();
    for i in issued.iter().rev() {
        let frameworks = store
            .manifest(id, i.version)?
            .regulated_frameworks()
            .to_vec();
        let (standing, after) = agreements
            .clone()
            .find(|a| a.version == Some(i.version))
            .map(|a| match (a.status, a.signed_on) {
                (AgreementStatus::Signed, Some(d)) => (Standing::Signed(d), afterwards(a)),
                (s, _) => (Standing::Recorded(s), None),
            })
            .unwrap_or((Standing::Issued, None));
        let standing = if provisional
            .keys()
            .any(|p| p.id == id && p.version == i.version)
        {
            Standing::Provisional
        } else {
            standing
        };
        versions.push(Version {
            version: i.version,
            issued_on: chrono::DateTime::from_timestamp(i.time, 0).map(|d| d.date_naive()),
            commit: i.commit.to_string().chars().take(10).collect(),
            frameworks,
            standing,
            afterwards: after,
        });
    }
    Ok(Log {
        vendor_known: vendor.is_some(),
        versions,
        others,
    })
}
