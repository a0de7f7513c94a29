//! The configuration matrix: agreements for every combination of our role, the counterparty's
//! role, the data's origin, the counterparty's country and combined or separate documents,
//! assembled through the library and read against invariants kept as data
//! (`tests/fixtures/matrix/invariants.toml`).

use std::collections::BTreeMap;
use std::path::Path;

use dpa::assemble::DocOptions;
use dpa::diag::Diagnostics;
use dpa::proofread::{self, ClauseText, Vocabulary};
use dpa::workspace::Workspace;
use regex::Regex;
use serde::Deserialize;
use toml::Table;
use toml::Value;

use crate::common::*;

const THEIR_ROLES: [&str; 4] = ["on_behalf", "contractor", "own_purposes", "sale_or_sharing"];
/// Where the data comes from: one origin, or two joined by `+` (which makes a separate pair
/// hold both documents).
const ORIGINS: [&str; 10] = [
    "EEA",
    "UK",
    "CH",
    "US-CA",
    "US-VA",
    "US-TX",
    "BR",
    "none",
    "US-CA+EEA",
    "US-VA+UK",
];
const COUNTRIES: [&str; 6] = ["DE", "GB", "CH", "US", "IN", "BR"];

/// One point of the matrix.
#[derive(Debug, Clone)]
struct Combo {
    side: &'static str,
    their_role: &'static str,
    origin: &'static str,
    country: &'static str,
}

impl Combo {
    /// The regions of the record: none for `none`.
    fn origins(&self) -> Vec<&'static str> {
        if self.origin == "none" {
            Vec::new()
        } else {
            self.origin.split('+').collect()
        }
    }

    fn id(&self) -> String {
        format!(
            "{}-{}-{}",
            self.their_role.replace('_', ""),
            self.origin.to_lowercase().replace('+', "-"),
            self.country.to_lowercase()
        )
    }
}

/// A counterparty record for one combination, built as a TOML table.
fn record(c: &Combo) -> String {
    let mut t = Table::new();
    let s = |v: &str| Value::String(v.to_string());
    let table = |pairs: &[(&str, Value)]| {
        Value::Table(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    };
    let name = format!("Party {} Ltd", c.id().to_uppercase());
    t.insert("name".into(), s(&name));
    t.insert("address".into(), s("1 Main Street, Springfield"));
    t.insert("country".into(), s(c.country));
    t.insert(
        "contact".into(),
        table(&[
            ("name", s("Casey Contact")),
            ("title", s("Privacy Manager")),
            ("email", s("privacy@party.example")),
        ]),
    );
    t.insert(
        "signatory".into(),
        table(&[("name", s("Sasha Signer")), ("title", s("Director"))]),
    );
    t.insert(
        "service".into(),
        table(&[
            ("description", s("Hosted widgets")),
            (
                "starts",
                Value::Datetime("2025-01-15".parse().expect("date")),
            ),
        ]),
    );
    let regions: Vec<Value> = c.origins().into_iter().map(s).collect();
    t.insert(
        "processing".into(),
        table(&[
            ("regions", Value::Array(regions)),
            ("role", s(c.their_role)),
            ("purposes", Value::Array(vec![s("Provide the widgets")])),
            ("data_subjects", Value::Array(vec![s("Widget users")])),
            ("data_categories", Value::Array(vec![s("Email address")])),
            ("frequency", s("continuous")),
            ("retention", s("For the term of the Services")),
        ]),
    );
    if c.side == "controller" {
        t.insert(
            "security".into(),
            table(&[
                (
                    "encryption",
                    s("AES-256 at rest; TLS 1.2 or higher in transit"),
                ),
                (
                    "access_control",
                    s("SSO with MFA; access reviewed quarterly"),
                ),
            ]),
        );
        t.insert(
            "subprocessors".into(),
            Value::Array(vec![table(&[
                ("name", s("Cloud Host Inc.")),
                ("country", s("US")),
                ("purpose", s("Hosting")),
            ])]),
        );
    } else if c.origins().contains(&"EEA") && !dpa::model::country::is_eea(c.country) {
        t.insert(
            "supervisory_authority".into(),
            table(&[
                ("name", s("Berliner Beauftragte für Datenschutz")),
                ("address", s("Alt-Moabit 59-61, 10555 Berlin, Germany")),
            ]),
        );
    } else if c.origins().contains(&"EEA") {
        t.insert(
            "supervisory_authority".into(),
            table(&[
                ("name", s("The authority of the customer's Member State")),
                ("address", s("1 Authority Street")),
            ]),
        );
    }
    toml::to_string(&t).expect("serialises")
}

#[derive(Debug, Deserialize)]
struct Invariants {
    invariant: Vec<Invariant>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Invariant {
    id: String,
    says: String,
    #[serde(default)]
    origins: Vec<String>,
    #[serde(default)]
    not_origins: Vec<String>,
    #[serde(default)]
    their_roles: Vec<String>,
    #[serde(default)]
    sides: Vec<String>,
    #[serde(default)]
    documents: Vec<String>,
    #[serde(default)]
    frameworks: Vec<String>,
    #[serde(default)]
    modules: Vec<u8>,
    companion: Option<bool>,
    #[serde(default)]
    present: Vec<String>,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(default)]
    no_findings: Vec<String>,
    law_terms: Option<bool>,
}

/// What one assembled agreement offers the invariants.
struct Agreement {
    combo: Combo,
    id: String,
    document: String,
    frameworks: Vec<String>,
    module: Option<u8>,
    companion: bool,
    text: String,
    findings: Vec<String>,
}

impl Invariant {
    fn applies(&self, a: &Agreement) -> bool {
        let any = |list: &[String], v: &str| list.is_empty() || list.iter().any(|x| x == v);
        let origins = a.combo.origins();
        let origins = if origins.is_empty() {
            vec!["none"]
        } else {
            origins
        };
        (self.origins.is_empty() || self.origins.iter().any(|o| origins.contains(&o.as_str())))
            && !self
                .not_origins
                .iter()
                .any(|o| origins.contains(&o.as_str()))
            && any(&self.their_roles, a.combo.their_role)
            && any(&self.sides, a.combo.side)
            && any(&self.documents, &a.document)
            && (self.frameworks.is_empty()
                || self.frameworks.iter().any(|f| a.frameworks.contains(f)))
            && (self.modules.is_empty() || a.module.is_some_and(|m| self.modules.contains(&m)))
            && self.companion.is_none_or(|c| c == a.companion)
    }

    /// Every way the agreement breaks this invariant.
    fn breaches(&self, a: &Agreement, patterns: &BTreeMap<String, Regex>) -> Vec<String> {
        let mut out = Vec::new();
        for p in &self.present {
            if !patterns[p].is_match(&a.text) {
                out.push(format!("lacks /{p}/"));
            }
        }
        for p in &self.absent {
            if let Some(m) = patterns[p].find(&a.text) {
                let from = a.text[..m.start()]
                    .char_indices()
                    .rev()
                    .nth(60)
                    .map_or(0, |(i, _)| i);
                let to = a.text[m.end()..]
                    .char_indices()
                    .nth(60)
                    .map_or(a.text.len(), |(i, _)| m.end() + i);
                out.push(format!("has /{p}/: …{}…", &a.text[from..to]));
            }
        }
        for kind in &self.no_findings {
            for f in a.findings.iter().filter(|f| f.starts_with(kind.as_str())) {
                out.push(f.clone());
            }
        }
        if self.law_terms == Some(true) && a.frameworks.iter().all(|f| f == "general") {
            out.push("only the general terms apply".into());
        }
        out
    }
}

/// The workspace of one side of the table, with a record for every combination.
fn workspace(side: &'static str, documents: &'static str) -> (tempfile::TempDir, Vec<Combo>) {
    let ws = tempfile::tempdir().expect("tempdir");
    let (company, dir) = if side == "controller" {
        (
            std::fs::read_to_string(repo().join("dpa.toml")).expect("dpa.toml"),
            "vendors",
        )
    } else {
        let text = std::fs::read_to_string(repo().join("examples/saas-vendor/dpa.toml"))
            .expect("dpa.toml");
        (
            text.replace(
                "documents = \"separate\"",
                &format!("documents = \"{documents}\""),
            ),
            "customers",
        )
    };
    write(ws.path(), "dpa.toml", &company);
    let mut combos = Vec::new();
    for their_role in THEIR_ROLES {
        for origin in ORIGINS {
            for country in COUNTRIES {
                let c = Combo {
                    side,
                    their_role,
                    origin,
                    country,
                };
                write(ws.path(), &format!("{dir}/{}.toml", c.id()), &record(&c));
                combos.push(c);
            }
        }
    }
    (ws, combos)
}

/// Assembles every agreement of a workspace; the refused ones come back with the reason.
fn assemble(root: &Path, combos: &[Combo]) -> (Vec<Agreement>, Vec<(String, String)>) {
    let mut diags = Diagnostics::new();
    let ws = Workspace::open(root, &mut diags).expect("workspace opens");
    let vocabulary = Vocabulary::from_bodies(ws.library.clauses().map(|c| c.body.as_str()));
    let by_id: BTreeMap<String, &Combo> = combos.iter().map(|c| (c.id(), c)).collect();
    let mut agreements = Vec::new();
    let mut refused = Vec::new();
    for id in ws.vendor_ids(&mut diags) {
        let stem = dpa::side::split_id(&id).map_or(id.as_str(), |(stem, _)| stem);
        let combo = by_id[stem];
        let mut diags = Diagnostics::new();
        let options = DocOptions {
            final_: false,
            version: "draft".into(),
        };
        let prepared = ws
            .load_vendor(&id, &mut diags)
            .and_then(|v| ws.prepare(v, &options, &mut diags));
        let Some(p) = prepared else {
            let reasons: Vec<String> = diags
                .iter()
                .filter(|d| d.is_error())
                .map(|d| format!("{}: {}", d.file, d.message))
                .collect();
            assert!(
                !reasons.is_empty(),
                "{id} was refused without a located error"
            );
            refused.push((id.clone(), reasons.join("; ")));
            continue;
        };
        let clauses: Vec<ClauseText> = p.assembled.clauses.iter().map(ClauseText::from).collect();
        let names = proofread::proper_names(&ws.company, &p.vendor);
        let findings = proofread::read(&clauses, &vocabulary, &names, chrono_today())
            .into_iter()
            .map(|f| {
                format!(
                    "{} in {} ({}): {} [{}]",
                    f.kind.label(),
                    f.clause,
                    f.title,
                    f.message,
                    f.excerpt
                )
            })
            .collect();
        let mut text = String::new();
        let mut section = String::new();
        for c in &p.assembled.clauses {
            if c.section != section {
                section = c.section.clone();
                text.push_str(&section);
                text.push('\n');
            }
            text.push_str(&format!("{} {}\n{}\n", c.number, c.title, c.text));
        }
        agreements.push(Agreement {
            combo: combo.clone(),
            document: p
                .vendor
                .document
                .map_or("combined".to_string(), |d| d.as_str().to_string()),
            frameworks: p.app.frameworks.iter().map(|f| f.to_string()).collect(),
            module: p.app.scc_module,
            companion: p.app.companion.is_some(),
            text,
            findings,
            id,
        });
    }
    (agreements, refused)
}

fn chrono_today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date")
}

#[test]
fn every_configuration_meets_every_invariant() {
    let text = std::fs::read_to_string(repo().join("tests/fixtures/matrix/invariants.toml"))
        .expect("invariants");
    let invariants: Invariants = toml::from_str(&text).expect("invariants parse");
    let patterns: BTreeMap<String, Regex> = invariants
        .invariant
        .iter()
        .flat_map(|i| i.present.iter().chain(&i.absent))
        .map(|p| (p.clone(), Regex::new(p).expect("pattern compiles")))
        .collect();

    let mut assembled = 0;
    let mut checks = 0;
    let mut breaches = Vec::new();
    let mut refusals = Vec::new();
    let mut used: BTreeMap<&str, usize> = BTreeMap::new();
    for (side, documents) in [
        ("controller", "combined"),
        ("processor", "combined"),
        ("processor", "separate"),
    ] {
        let (ws, combos) = workspace(side, documents);
        let (agreements, refused) = assemble(ws.path(), &combos);
        assembled += agreements.len();
        refusals.extend(refused);
        for a in &agreements {
            for inv in invariants.invariant.iter().filter(|i| i.applies(a)) {
                checks += 1;
                *used.entry(inv.id.as_str()).or_default() += 1;
                for b in inv.breaches(a, &patterns) {
                    breaches.push(format!(
                        "{side}/{documents} {}: {} ({}): {b}",
                        a.id, inv.id, inv.says
                    ));
                }
            }
        }
    }
    println!(
        "configuration matrix: {} combinations ({} agreements assembled, {} refused with a located error), {} invariants, {checks} invariant checks",
        3 * THEIR_ROLES.len() * ORIGINS.len() * COUNTRIES.len(),
        assembled,
        refusals.len(),
        invariants.invariant.len()
    );
    for (id, why) in &refusals {
        println!("refused {id}: {why}");
    }
    for inv in &invariants.invariant {
        assert!(
            used.get(inv.id.as_str()).copied().unwrap_or(0) > 0,
            "invariant {} applied to no agreement: the matrix does not exercise it",
            inv.id
        );
    }
    // A processor of regulated data is never refused: only configurations that make no sense
    // (a customer of ours that decides its own purposes) may be.
    let ordinary: Vec<&(String, String)> = refusals
        .iter()
        .filter(|(id, _)| id.starts_with("onbehalf-") || id.starts_with("contractor-"))
        .collect();
    assert!(ordinary.is_empty(), "processors refused: {ordinary:#?}");
    let mut by_invariant: BTreeMap<&str, usize> = BTreeMap::new();
    for b in &breaches {
        let id = b.split(": ").nth(1).unwrap_or("");
        *by_invariant.entry(id).or_default() += 1;
    }
    assert!(
        breaches.is_empty(),
        "{} breaches ({by_invariant:?}):\n{}",
        breaches.len(),
        breaches[..breaches.len().min(60)].join("\n")
    );
}
