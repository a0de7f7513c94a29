//! The tracker: for each vendor, which frameworks it needs and whether a signed agreement covers each.
//!
//! [`row`] computes one vendor's row from its record and issued versions; [`status`] runs it
//! over a workspace. Why a signed agreement is outdated lives in [`outdated`].

pub mod agreements;
pub mod calendar;
pub mod outdated;
pub mod report;
pub mod sheet;
mod status;
pub mod words;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::manifest::Manifest;
use crate::model::Vendor;
use crate::model::vendor::{AgreementPaper, AgreementState, AgreementStatus};

pub use outdated::{Cause, Current};
pub use status::{Options, Tracker, status};

/// The state of one required framework for one vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// A signed, unexpired version includes the framework's clauses, worded as today's library would.
    Covered,
    /// As covered, but the signed version expires within the warning window.
    Expiring,
    /// A signed version covers it, but its text differs from what would be issued today.
    Outdated,
    /// Only a document on the vendor's paper covers it, and its saved review left nothing
    /// open (or only what a person accepted), but no person confirmed it (`dpa confirm`).
    Reviewed,
    /// Only a document on the vendor's paper covers it, and its saved review found required
    /// requirements not satisfied that nobody accepted (listed in the row's `gaps`).
    Gaps,
    /// Only a document on the vendor's paper covers it, and it has not been reviewed
    /// (`dpa review FILE --vendor ID --save`).
    Unreviewed,
    /// A version including it was sent for signature (`dpa send`) and is not signed.
    Sent,
    /// A version including it was issued (`dpa record`), but neither sent nor signed.
    Issued,
    /// The signed version that covered it has expired.
    Expired,
    /// No issued version includes it.
    Missing,
    /// The service ended (`service.ends` is past): no agreement is needed any more, but the
    /// return or deletion of the data is to be confirmed.
    Ended,
}

impl State {
    /// Every state, in the order reports list them.
    pub const ALL: [State; 11] = [
        State::Covered,
        State::Expiring,
        State::Outdated,
        State::Reviewed,
        State::Gaps,
        State::Unreviewed,
        State::Sent,
        State::Issued,
        State::Expired,
        State::Missing,
        State::Ended,
    ];

    /// The lowercase name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Covered => "covered",
            State::Expiring => "expiring",
            State::Outdated => "outdated",
            State::Reviewed => "reviewed",
            State::Gaps => "gaps",
            State::Unreviewed => "unreviewed",
            State::Sent => "sent",
            State::Issued => "issued",
            State::Expired => "expired",
            State::Missing => "missing",
            State::Ended => "ended",
        }
    }

    /// Whether the framework lacks a signed, current agreement (what `--missing` lists).
    pub fn is_missing(self) -> bool {
        matches!(
            self,
            State::Missing
                | State::Issued
                | State::Sent
                | State::Expired
                | State::Reviewed
                | State::Gaps
                | State::Unreviewed
        )
    }

    /// Whether it counts as a gap for `--fail-on-gaps`: anything but covered or ended.
    pub fn is_gap(self) -> bool {
        !matches!(self, State::Covered | State::Ended)
    }
}

/// A vendor's standing as a whole, which the summaries count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Overall {
    /// Every framework it needs is covered (or expiring).
    Covered,
    /// Something is signed, but some framework it needs is not covered.
    Gaps,
    /// It needs terms and nothing is signed.
    Unsigned,
    /// Its service ended.
    Ended,
    /// It needs terms, nothing is signed, and its record lacks facts needed to draft them.
    Incomplete,
    /// No framework applies to it.
    None,
    /// Its record is invalid.
    Invalid,
}

impl Overall {
    /// The lowercase name used in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Overall::Covered => "covered",
            Overall::Gaps => "gaps",
            Overall::Unsigned => "unsigned",
            Overall::Ended => "ended",
            Overall::Incomplete => "incomplete",
            Overall::None => "none",
            Overall::Invalid => "invalid",
        }
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
    /// Who in our company looks after the vendor (`owner` in the record).
    pub owner: Option<String>,
    /// Procurement's notes (`notes` in the record).
    pub notes: Option<String>,
    /// The vendor's standing as a whole.
    pub overall: Overall,
    /// Frameworks it needs (derived from its facts).
    pub required: Vec<String>,
    /// Facts its record lacks to draft its agreement, in plain words (`purposes`, `retention`).
    pub incomplete: Vec<String>,
    /// State per required framework.
    pub states: BTreeMap<String, State>,
    /// Why each outdated framework is outdated.
    pub outdated: BTreeMap<String, Vec<Cause>>,
    /// For each framework in state `gaps`, the requirement ids the vendor's document does not satisfy.
    pub gaps: BTreeMap<String, Vec<String>>,
    /// Gaps in vendor documents that a person accepted, as `requirement: by on date (reason)`.
    pub accepted: Vec<String>,
    /// Latest issued version, if any.
    pub issued_version: Option<u32>,
    /// When the latest version recorded as sent was sent.
    pub sent_on: Option<NaiveDate>,
    /// Latest signed version, if any.
    pub signed_version: Option<u32>,
    /// When it was signed.
    pub signed_on: Option<NaiveDate>,
    /// Expiry of that version, if recorded.
    pub expires_on: Option<NaiveDate>,
    /// Start of the service.
    pub service_starts: Option<NaiveDate>,
    /// End of the service, when fixed.
    pub service_ends: Option<NaiveDate>,
    /// The vendor's privacy contact.
    pub contact_name: Option<String>,
    /// The contact's email address.
    pub contact_email: Option<String>,
    /// Whether our disclosure to it is a CCPA sale or sharing.
    pub ccpa_third_party: bool,
    /// Explanations worth showing (why a state is what it is, what to do).
    pub remarks: Vec<String>,
}

/// Inputs for one vendor's row.
pub struct RowInput<'a> {
    /// The vendor record.
    pub vendor: &'a Vendor,
    /// Frameworks it needs, without `general`.
    pub required: Vec<String>,
    /// Facts its record lacks to draft its agreement.
    pub incomplete: Vec<String>,
    /// Whether it is a CCPA third party.
    pub ccpa_third_party: bool,
    /// Issued versions, oldest first.
    pub issued: &'a [IssuedVersion],
    /// Today's agreement for it, when known (for `outdated`).
    pub current: Option<Current<'a>>,
    /// The date the states are computed for.
    pub as_of: NaiveDate,
    /// Days before expiry that count as `expiring`.
    pub expiring_within: i64,
    /// Saved reviews of the vendor's documents, by the document's SHA-256.
    pub reviews: &'a BTreeMap<String, SavedReview>,
}

/// A review kept by `dpa review --save` (`reviews/<sha256>.json`), as the tracker reads it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SavedReview {
    /// SHA-256 of the reviewed document.
    pub sha256: String,
    /// The vendor whose record decided what applied, if any.
    #[serde(default)]
    pub vendor: Option<String>,
    /// One finding per requirement reviewed.
    pub findings: Vec<SavedFinding>,
}

/// One requirement's verdict in a saved review.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SavedFinding {
    /// Requirement id.
    pub requirement: String,
    /// Its name in plain English (absent in reviews saved before names were kept).
    #[serde(default)]
    pub name: String,
    /// Its framework.
    pub framework: String,
    /// `required`, `recommended` or `optional`.
    pub level: String,
    /// `satisfied`, `partial`, `missing` or `unchecked`.
    pub status: String,
}

/// What a document on the vendor's paper does for one framework.
fn vendor_paper_state(
    a: &AgreementState,
    f: &str,
    input: &RowInput<'_>,
    remarks: &mut Vec<String>,
) -> (State, Vec<String>) {
    let title = a
        .title
        .clone()
        .or_else(|| a.file.clone())
        .unwrap_or_else(|| "document".into());
    let signed = a
        .signed_on
        .map(|d| format!(", signed {d}"))
        .unwrap_or_default();
    if let Some(e) = a.expires_on
        && e < input.as_of
    {
        remarks.push(format!(
            "{f}: the vendor's \"{title}\"{signed} expired on {e}"
        ));
        return (State::Expired, Vec::new());
    }
    let review = a.sha256.as_ref().and_then(|h| input.reviews.get(h));
    let findings: Vec<&SavedFinding> = review
        .map(|r| r.findings.iter().filter(|x| x.framework == f).collect())
        .unwrap_or_default();
    if findings.is_empty() {
        let file = a.file.as_deref().unwrap_or("FILE");
        remarks.push(format!(
            "{f}: the vendor's \"{title}\"{signed} has not been reviewed for {f}: run `dpa review {file} --vendor {} --save`",
            input.vendor.id
        ));
        return (State::Unreviewed, Vec::new());
    }
    let accepted = |id: &str| a.accepted.iter().any(|g| g.requirement == id);
    let open: Vec<&SavedFinding> = findings
        .iter()
        .copied()
        .filter(|x| x.level == "required" && x.status != "satisfied" && !accepted(&x.requirement))
        .collect();
    let to_read = open.iter().filter(|x| x.status == "to read").count();
    let reviewed = format!("reviewed: {} gaps, {to_read} to read", open.len() - to_read);
    // An automated review is a first read: a person confirms the document as reviewed (for
    // this very document), or accepts each requirement it left open.
    let confirmed = a
        .confirmed
        .as_ref()
        .filter(|c| a.sha256.as_deref() == Some(c.sha256.as_str()));
    let accepted_all = open.is_empty()
        && findings
            .iter()
            .any(|x| x.level == "required" && x.status != "satisfied" && accepted(&x.requirement));
    if confirmed.is_some() || accepted_all {
        if let Some(c) = confirmed
            && !open.is_empty()
        {
            remarks.push(format!(
                "{f}: the vendor's \"{title}\"{signed} was confirmed by {} on {} as {reviewed}",
                c.by, c.on
            ));
        }
        let state = match a.expires_on {
            Some(e) if (e - input.as_of).num_days() <= input.expiring_within => State::Expiring,
            _ => State::Covered,
        };
        return (state, Vec::new());
    }
    let id = &input.vendor.id;
    if open.is_empty() {
        remarks.push(format!(
            "{f}: the vendor's \"{title}\"{signed} was {reviewed}; it covers {f} once a person confirms it: `dpa confirm {id} --by NAME`"
        ));
        return (State::Reviewed, Vec::new());
    }
    let listed: Vec<String> = open
        .iter()
        .map(|x| {
            if x.name.is_empty() {
                format!("{} ({})", x.requirement, x.status)
            } else {
                format!("{} ({}, {})", x.name, x.requirement, x.status)
            }
        })
        .collect();
    remarks.push(format!(
        "{f}: the vendor's \"{title}\"{signed} was {reviewed}: it does not satisfy {}; fix the document, accept each gap with `dpa accept {id} REQUIREMENT --by NAME --reason TEXT`, or confirm it as it stands with `dpa confirm {id} --by NAME`",
        listed.join(", "),
    ));
    (
        State::Gaps,
        open.iter().map(|x| x.requirement.clone()).collect(),
    )
}

/// What an agreement on our paper signed before dpa does for one framework: it covers it until
/// it expires (dpa did not issue its text, so it cannot tell whether the text is outdated).
fn existing_state(
    a: &AgreementState,
    f: &str,
    input: &RowInput<'_>,
    remarks: &mut Vec<String>,
) -> State {
    let title = a.title.as_deref().unwrap_or("agreement");
    match a.expires_on {
        Some(e) if e < input.as_of => {
            remarks.push(format!("{f}: \"{title}\" on our paper expired on {e}"));
            State::Expired
        }
        Some(e) if (e - input.as_of).num_days() <= input.expiring_within => State::Expiring,
        _ => State::Covered,
    }
}

fn recorded(agreements: &[AgreementState], version: u32, status: AgreementStatus) -> bool {
    agreements
        .iter()
        .any(|a| a.version == Some(version) && a.status == status)
}

fn entry(agreements: &[AgreementState], version: u32) -> Option<&AgreementState> {
    agreements.iter().find(|a| a.version == Some(version))
}

/// Computes a vendor's row.
pub fn row(input: &RowInput<'_>) -> Row {
    let v = input.vendor;
    let mut states = BTreeMap::new();
    let mut outdated = BTreeMap::new();
    let mut gaps = BTreeMap::new();
    let mut remarks = Vec::new();
    let is =
        |i: &&IssuedVersion, status: AgreementStatus| recorded(&v.agreements, i.version, status);
    let ended = v.service.ends.filter(|e| *e < input.as_of);
    for f in &input.required {
        let including: Vec<&IssuedVersion> = input
            .issued
            .iter()
            .filter(|i| i.manifest.frameworks.iter().any(|x| x == f))
            .collect();
        let signed = including
            .iter()
            .rev()
            .find(|i| is(i, AgreementStatus::Signed));
        let state = match signed {
            _ if ended.is_some() => State::Ended,
            Some(i) => {
                let expires = entry(&v.agreements, i.version).and_then(|a| a.expires_on);
                let causes = input
                    .current
                    .as_ref()
                    .and_then(|c| outdated::compare(f, &i.manifest, c));
                match expires {
                    Some(e) if e < input.as_of => State::Expired,
                    _ if causes.is_some() => {
                        let causes = causes.unwrap_or_default();
                        let why: Vec<String> = causes.iter().map(|c| c.to_string()).collect();
                        remarks.push(format!(
                            "{f} outdated since the signed v{}: {}",
                            i.version,
                            why.join("; ")
                        ));
                        outdated.insert(f.clone(), causes);
                        State::Outdated
                    }
                    Some(e) if (e - input.as_of).num_days() <= input.expiring_within => {
                        State::Expiring
                    }
                    _ => State::Covered,
                }
            }
            None if including.iter().any(|i| is(i, AgreementStatus::Sent)) => State::Sent,
            None if including
                .iter()
                .any(|i| !is(i, AgreementStatus::Terminated)) =>
            {
                State::Issued
            }
            None => State::Missing,
        };
        // A signed document on the vendor's paper that claims the framework may do better.
        let mut state = state;
        if state != State::Ended {
            for a in v.agreements.iter().filter(|a| {
                a.version.is_none()
                    && a.status == AgreementStatus::Signed
                    && a.frameworks.iter().any(|x| x.as_str() == f)
            }) {
                let mut notes = Vec::new();
                let (vs, open) = match a.paper {
                    AgreementPaper::Vendor => vendor_paper_state(a, f, input, &mut notes),
                    AgreementPaper::Ours => (existing_state(a, f, input, &mut notes), Vec::new()),
                };
                if vs < state {
                    state = vs;
                    remarks.extend(notes);
                    if open.is_empty() {
                        gaps.remove(f);
                    } else {
                        gaps.insert(f.clone(), open);
                    }
                }
            }
        }
        states.insert(f.clone(), state);
    }
    if let Some(e) = ended {
        remarks.push(format!(
            "service ended on {e}: confirm that the vendor returned or deleted the personal data, and close the record"
        ));
    }
    if input.ccpa_third_party {
        remarks.push("CCPA third party: our disclosure is a sale or sharing, so it needs third-party terms, and consumers' opt-outs must be honoured before any disclosure".into());
    }
    let latest_with = |status: AgreementStatus| {
        input
            .issued
            .iter()
            .rev()
            .find(|i| is(i, status))
            .and_then(|i| entry(&v.agreements, i.version))
    };
    let signed = latest_with(AgreementStatus::Signed);
    let vendor_signed = v
        .agreements
        .iter()
        .filter(|a| a.version.is_none() && a.status == AgreementStatus::Signed)
        .max_by_key(|a| a.signed_on);
    for a in &v.agreements {
        if let (Some(signed), Some(on)) = (a.signed_on, a.recorded_on)
            && signed < on
        {
            let what = match (a.paper, a.version, &a.title) {
                (AgreementPaper::Ours, Some(n), _) => format!("v{n}"),
                (AgreementPaper::Ours, None, t) => {
                    format!("\"{}\" on our paper", t.as_deref().unwrap_or("agreement"))
                }
                (AgreementPaper::Vendor, _, t) => {
                    format!("the vendor's \"{}\"", t.as_deref().unwrap_or("document"))
                }
            };
            remarks.push(format!(
                "{what} signed {signed}, recorded afterwards on {on}{}",
                a.recorded_by
                    .as_ref()
                    .map(|b| format!(" by {b}"))
                    .unwrap_or_default()
            ));
        }
    }
    let accepted = v
        .agreements
        .iter()
        .filter(|a| a.paper == AgreementPaper::Vendor)
        .flat_map(|a| &a.accepted)
        .map(|g| {
            format!(
                "{}: accepted by {} on {} ({})",
                g.requirement, g.by, g.on, g.reason
            )
        })
        .collect::<Vec<_>>();
    for a in &accepted {
        remarks.push(format!("accepted gap {a}"));
    }
    let overall = if ended.is_some() {
        Overall::Ended
    } else if input.required.is_empty() {
        Overall::None
    } else if states
        .values()
        .all(|s| matches!(s, State::Covered | State::Expiring))
    {
        Overall::Covered
    } else if signed.is_some() || vendor_signed.is_some() {
        Overall::Gaps
    } else if !input.incomplete.is_empty() && input.issued.is_empty() {
        Overall::Incomplete
    } else {
        Overall::Unsigned
    };
    if !input.required.is_empty()
        && !input.incomplete.is_empty()
        && !matches!(overall, Overall::Covered | Overall::Ended)
    {
        remarks.insert(
            0,
            format!(
                "needs an agreement; facts missing to draft it: {}",
                input.incomplete.join(", ")
            ),
        );
    }
    let drafted = |s: &str| {
        Some(s.to_string())
            .filter(|_| input.incomplete.is_empty() || s != crate::model::draft::STAND_IN)
    };
    Row {
        vendor: v.id.clone(),
        name: v.name.clone(),
        owner: v.owner.clone(),
        notes: v.notes.clone(),
        overall,
        required: input.required.clone(),
        incomplete: if input.required.is_empty() {
            Vec::new()
        } else {
            input.incomplete.clone()
        },
        states,
        outdated,
        gaps,
        accepted,
        issued_version: input.issued.last().map(|i| i.version),
        sent_on: latest_with(AgreementStatus::Sent).and_then(|a| a.sent_on),
        signed_version: signed.and_then(|a| a.version),
        signed_on: signed.or(vendor_signed).and_then(|a| a.signed_on),
        expires_on: signed.or(vendor_signed).and_then(|a| a.expires_on),
        service_starts: Some(v.service.starts)
            .filter(|_| !input.incomplete.iter().any(|m| m.starts_with("service"))),
        service_ends: v.service.ends,
        contact_name: drafted(&v.contact.name),
        contact_email: drafted(&v.contact.email).filter(|e| !e.is_empty()),
        ccpa_third_party: input.ccpa_third_party,
        remarks,
    }
}

/// The row of a vendor whose record could not be read: every field empty but the reason.
pub fn invalid_row(id: &str, reason: String) -> Row {
    Row {
        vendor: id.to_string(),
        name: String::new(),
        owner: None,
        notes: None,
        overall: Overall::Invalid,
        required: Vec::new(),
        incomplete: Vec::new(),
        states: BTreeMap::new(),
        outdated: BTreeMap::new(),
        gaps: BTreeMap::new(),
        accepted: Vec::new(),
        issued_version: None,
        sent_on: None,
        signed_version: None,
        signed_on: None,
        expires_on: None,
        service_starts: None,
        service_ends: None,
        contact_name: None,
        contact_email: None,
        ccpa_third_party: false,
        remarks: vec![reason],
    }
}
