//! Nothing reaches a customer's Annex III without the notice or consent its agreement requires:
//! a sub-processor listed in `dpa.toml` without an `effective` date is authorised only for the
//! customers whose sent or signed agreement already lists it.

use std::collections::BTreeSet;

use crate::diag::Diagnostic;
use crate::manifest::Manifest;
use crate::model::AgreementStatus;
use crate::model::facts::Framework;
use crate::side::Side;
use crate::store::Store;
use crate::workspace::{COMPANY_FILE, Workspace};

/// The sub-processors Annex III of a manifest lists (`vendor.subprocessors[NAME].name`).
fn listed(m: &Manifest) -> BTreeSet<String> {
    m.values
        .iter()
        .filter(|(k, _)| k.starts_with("vendor.subprocessors[") && k.ends_with("].name"))
        .map(|(_, v)| v.clone())
        .collect()
}

/// The clause of an agreement that governs new sub-processors, as its manifest numbers it, and
/// what that clause requires.
fn governing(m: &Manifest, specific: bool, days: u32) -> (String, String) {
    let has = |f: Framework| m.frameworks.iter().any(|x| x == f.as_str());
    let id = if has(Framework::Gdpr) {
        "gdpr.subprocessors"
    } else if has(Framework::Ccpa) {
        "ccpa.subcontracting"
    } else {
        "usstate.processor"
    };
    let clause = m
        .clauses
        .iter()
        .find(|c| c.id == id)
        .map_or(format!("clause {id}"), |c| {
            format!("clause {} ({}, {id})", c.number, c.title)
        });
    let duty = if specific && id == "gdpr.subprocessors" {
        format!("its specific prior written authorisation, requested {days} days ahead")
    } else {
        format!("{days} days' written notice before the new sub-processor processes its data")
    };
    (clause, duty)
}

/// One error per sub-processor of `dpa.toml` without an `effective` date that a customer's sent
/// or signed agreement (of `ids`) does not list: it would join that customer's Annex III without
/// the notice (or consent) the agreement requires. Outside git nothing was issued: no errors.
pub fn unnoticed(ws: &Workspace, ids: &[String]) -> Vec<Diagnostic> {
    if ws.side != Side::Customers {
        return Vec::new();
    }
    let Ok(store) = Store::open(&ws.root) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for id in ids {
        let mut quiet = crate::diag::Diagnostics::new();
        let Some(record) = ws.load_vendor(id, &mut quiet) else {
            continue;
        };
        // The latest version the customer signed, else the latest it was sent.
        let pick = |status: AgreementStatus| {
            record
                .agreements
                .iter()
                .filter(|a| a.status == status)
                .filter_map(|a| a.version.map(|v| (v, a)))
                .max_by_key(|(v, _)| *v)
        };
        let Some((version, state)) = pick(AgreementStatus::Signed).or(pick(AgreementStatus::Sent))
        else {
            continue;
        };
        let Ok(issued) = store.issued(id) else {
            continue;
        };
        let Some(this) = issued.iter().find(|i| i.version == version) else {
            continue;
        };
        let Some(manifest) = store
            .read_at(this.commit, &format!("agreements/{id}/manifest.json"))
            .ok()
            .flatten()
            .and_then(|b| Manifest::from_json(&String::from_utf8_lossy(&b)).ok())
        else {
            continue;
        };
        let authorised = listed(&manifest);
        let terms = |name: &str| crate::side::terms(&ws.company, &record, name);
        for (i, s) in ws.company.subprocessors.iter().enumerate() {
            if s.effective.is_some() || authorised.contains(&s.listed.name) {
                continue;
            }
            let t = terms(&s.listed.name);
            let (clause, duty) = governing(
                &manifest,
                t.authorisation == crate::model::Authorisation::Specific,
                t.notice_days,
            );
            let when = match state.status {
                AgreementStatus::Signed => state
                    .signed_on
                    .map_or("signed".to_string(), |d| format!("signed on {d}")),
                _ => state
                    .sent_on
                    .map_or("sent".to_string(), |d| format!("sent on {d}")),
            };
            out.push(
                Diagnostic::error(
                    COMPANY_FILE,
                    ws.company
                        .spans
                        .get(&format!("subprocessors[{i}]"))
                        .or(Some(0..0)),
                    format!(
                        "sub-processor `{}` would appear in customer `{id}`'s Annex III without the notice its agreement requires: v{version} ({when}) does not list it, and {clause} requires {duty}",
                        s.listed.name
                    ),
                )
                .with_hint(
                    "give it the date it is to start, `effective = YYYY-MM-DD`, in its [[subprocessors]] entry (`dpa subprocessors add` writes it), then write and send the letters with `dpa subprocessors notices --write DIR` and `dpa subprocessors notices sent --date DATE`",
                ),
            );
        }
    }
    out
}
