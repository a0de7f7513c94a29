//! The tracker: for each vendor, which frameworks it needs and whether a signed agreement covers each.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::manifest::{Manifest, ManifestClause};
use crate::model::Vendor;
use crate::model::vendor::AgreementState;

/// The state of one required framework for one vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// A signed, unexpired version includes the framework's clauses, worded as today's library would.
    Covered,
    /// As covered, but the signed version expires within the warning window.
    Expiring,
    /// A signed version covers it, but its clause text differs from what today's library renders.
    Outdated,
    /// Issued (and perhaps sent) but not signed.
    Sent,
    /// The signed version that covered it has expired.
    Expired,
    /// No issued version includes it.
    Missing,
}

impl State {
    /// The lowercase name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Covered => "covered",
            State::Expiring => "expiring",
            State::Outdated => "outdated",
            State::Sent => "sent",
            State::Expired => "expired",
            State::Missing => "missing",
        }
    }

    /// Whether the framework lacks a signed, current agreement (what `--missing` lists).
    pub fn is_missing(self) -> bool {
        matches!(self, State::Missing | State::Sent | State::Expired)
    }
}

/// One issued version as the tracker sees it.
#[derive(Debug, Clone)]
pub struct IssuedVersion {
    /// Version number.
    pub version: u32,
    /// Its manifest, read from git.
    pub manifest: Manifest,
}

/// The tracker's row for one vendor.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Vendor id.
    pub vendor: String,
    /// Legal name.
    pub name: String,
    /// Frameworks it needs (derived from its facts).
    pub required: Vec<String>,
    /// State per required framework.
    pub states: BTreeMap<String, State>,
    /// Latest signed version, if any.
    pub signed_version: Option<u32>,
    /// Expiry of that version, if recorded.
    pub expires_on: Option<NaiveDate>,
    /// Latest issued version, if any.
    pub issued_version: Option<u32>,
    /// Whether our disclosure to it is a CCPA sale or sharing.
    pub ccpa_third_party: bool,
    /// Explanations worth showing (why a state is what it is).
    pub notes: Vec<String>,
}

/// The clause (id, text hash) pairs of one framework in a clause list.
fn framework_clauses(clauses: &[ManifestClause], framework: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = clauses
        .iter()
        .filter(|c| c.frameworks.iter().any(|f| f == framework))
        .map(|c| (c.id.clone(), c.text_hash.clone()))
        .collect();
    v.sort();
    v
}

/// Inputs for one vendor's row.
pub struct RowInput<'a> {
    /// The vendor record.
    pub vendor: &'a Vendor,
    /// Frameworks it needs, without `general`.
    pub required: Vec<String>,
    /// Whether it is a CCPA third party.
    pub ccpa_third_party: bool,
    /// Issued versions, oldest first.
    pub issued: &'a [IssuedVersion],
    /// The clauses today's library selects for it, when known (for `outdated`).
    pub current: Option<&'a [ManifestClause]>,
    /// The date the states are computed for.
    pub as_of: NaiveDate,
    /// Days before expiry that count as `expiring`.
    pub expiring_within: i64,
}

fn signed(agreements: &[AgreementState], version: u32) -> Option<&AgreementState> {
    agreements
        .iter()
        .find(|a| a.version == version && a.status == "signed")
}

/// Computes a vendor's row.
pub fn row(input: &RowInput<'_>) -> Row {
    let v = input.vendor;
    let mut states = BTreeMap::new();
    let mut notes = Vec::new();
    let latest_signed = input
        .issued
        .iter()
        .rev()
        .find(|i| signed(&v.agreements, i.version).is_some());
    for f in &input.required {
        let including: Vec<&IssuedVersion> = input
            .issued
            .iter()
            .filter(|i| i.manifest.frameworks.iter().any(|x| x == f))
            .collect();
        let signed_including = including
            .iter()
            .rev()
            .find(|i| signed(&v.agreements, i.version).is_some());
        let state = match signed_including {
            Some(i) => {
                let a = signed(&v.agreements, i.version).expect("found as signed");
                let outdated = input.current.is_some_and(|current| {
                    framework_clauses(&i.manifest.clauses, f) != framework_clauses(current, f)
                });
                match a.expires_on {
                    Some(e) if e < input.as_of => State::Expired,
                    _ if outdated => State::Outdated,
                    Some(e) if (e - input.as_of).num_days() <= input.expiring_within => {
                        State::Expiring
                    }
                    _ => State::Covered,
                }
            }
            None if !including.is_empty() => State::Sent,
            None => State::Missing,
        };
        if state == State::Outdated {
            notes.push(format!(
                "{f}: the signed version's {f} clauses differ from today's library"
            ));
        }
        states.insert(f.clone(), state);
    }
    if input.ccpa_third_party {
        notes.push("CCPA third party: our disclosure is a sale or sharing; it needs third-party terms, and consumers' opt-outs must be honoured before any disclosure".into());
    }
    let signed_version = latest_signed.map(|i| i.version);
    let expires_on = signed_version
        .and_then(|n| signed(&v.agreements, n))
        .and_then(|a| a.expires_on);
    Row {
        vendor: v.id.clone(),
        name: v.name.clone(),
        required: input.required.clone(),
        states,
        signed_version,
        expires_on,
        issued_version: input.issued.last().map(|i| i.version),
        ccpa_third_party: input.ccpa_third_party,
        notes,
    }
}
