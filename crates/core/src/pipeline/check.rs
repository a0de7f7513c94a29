//! `check` as data: requirement coverage per vendor and every failure found, each of a typed kind.

use chrono::NaiveDate;
use serde::Serialize;

use crate::assemble::DocOptions;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Vendor;
use crate::proofread::{self, ClauseText, Finding, Vocabulary};
use crate::select::{self, Applicability, Framework};
use crate::workspace::Workspace;

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Vendor ids to check; every vendor of the workspace when empty.
    pub vendors: Vec<String>,
    /// The day against which dated legal data and the agreements' dates are judged.
    pub today: NaiveDate,
}

/// One requirement's coverage for one vendor.
#[derive(Debug, Clone, Serialize)]
pub struct RequirementCoverage {
    /// Requirement id.
    pub id: String,
    /// Citation.
    pub citation: String,
    /// `V` or `S`.
    pub mark: String,
    /// `required`, `recommended` or `optional`.
    pub level: String,
    /// Selected clauses that satisfy it.
    pub clauses: Vec<String>,
    /// Whether at least one does.
    pub covered: bool,
}

/// Coverage for one vendor.
#[derive(Debug, Clone, Serialize)]
pub struct VendorCoverage {
    /// Vendor id.
    pub vendor: String,
    /// Frameworks that apply.
    pub frameworks: Vec<String>,
    /// Every applicable requirement.
    pub requirements: Vec<RequirementCoverage>,
    /// What a signatory would stop at in the agreement's text.
    pub findings: Vec<Finding>,
}

/// An applicable requirement that no clause selected for the vendor satisfies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// Vendor id.
    pub vendor: String,
    /// The vendor's record file.
    pub file: String,
    /// Requirement id.
    pub requirement: String,
    /// Its legal citation.
    pub citation: String,
    /// What the agreement must say.
    pub summary: String,
}

/// Something a signatory would stop at in one vendor's agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// Vendor id.
    pub vendor: String,
    /// The vendor's record file.
    pub file: String,
    /// What was found, and where in the agreement.
    pub finding: Finding,
}

/// A vendor that receives personal data although no law's terms apply to it: the agreement
/// would hold only the general terms, and "covered" would be said of nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoTerms {
    /// Vendor id.
    pub vendor: String,
    /// The vendor's record file.
    pub file: String,
    /// Whose data it receives, as the record says.
    pub regions: Vec<String>,
    /// Why each law's terms are missing, one reason a law.
    pub reasons: Vec<String>,
    /// What to change in the record.
    pub fix: String,
}

/// One thing `check` found wrong, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// A record, clause or template that is invalid, or a warning about the inputs; an error of
    /// this kind means the workspace could not be checked.
    Input(Diagnostic),
    /// An applicable requirement left uncovered.
    Gap(Gap),
    /// A finding of the signatory's read.
    Reading(Reading),
    /// A vendor that receives personal data under no law's terms.
    NoTerms(NoTerms),
}

impl Failure {
    /// The failure as a located diagnostic, for printing.
    pub fn diagnostic(&self) -> Diagnostic {
        match self {
            Failure::Input(d) => d.clone(),
            Failure::Gap(g) => Diagnostic::error(
                &g.file,
                None,
                format!(
                    "requirement {} ({}) applies to vendor `{}` but no selected clause satisfies it",
                    g.requirement, g.citation, g.vendor
                ),
            )
            .with_hint(format!("the agreement must {}", g.summary))
            .with_hint(format!(
                "add `{}` to the `satisfies` list of a clause selected for this vendor",
                g.requirement
            )),
            Failure::NoTerms(n) => Diagnostic::error(
                &n.file,
                None,
                format!(
                    "vendor `{}` receives personal data ({}) but no law's terms apply to it, so nothing was checked: {}",
                    n.vendor,
                    n.regions.join(", "),
                    n.reasons.join("; ")
                ),
            )
            .with_hint(n.fix.clone()),
            Failure::Reading(r) => {
                let f = &r.finding;
                Diagnostic::error(
                    &r.file,
                    None,
                    format!(
                        "{} in the agreement for vendor `{}`, clause {} ({}): {}",
                        f.kind.label(),
                        r.vendor,
                        f.clause,
                        f.title,
                        f.message
                    ),
                )
                .with_hint(if f.kind == proofread::Kind::UndescribedMeasures {
                    format!(
                        "describe the measures this vendor takes in a `[security]` table of `{}` (keys such as `encryption`, `access_control`, `restoration`, `physical_security`; `dpa clauses annex.security` shows the baseline)",
                        r.file
                    )
                } else {
                    format!("the text reads: {}", f.excerpt)
                })
            }
        }
    }

    /// Whether this is an error in the inputs (not a warning, gap or finding).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Failure::Input(d) if d.is_error())
    }
}

/// The result of `check`.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// Coverage of each vendor that could be assembled, in the order asked.
    pub vendors: Vec<VendorCoverage>,
    /// Everything found wrong, in the order found.
    pub failures: Vec<Failure>,
    /// Number of clauses in the library.
    pub clauses: usize,
    /// Vendors whose records say they receive no personal data (`personal_data = false`): they
    /// need no agreement, so nothing is drafted or checked for them.
    pub no_agreement: Vec<String>,
}

/// What a check comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every requirement covered, nothing for a signatory to stop at.
    Clean,
    /// The workspace is valid but coverage has gaps or the read has findings.
    Findings,
    /// Some input is invalid: the coverage is not a verdict.
    Invalid,
}

impl CheckReport {
    /// The coverage gaps found.
    pub fn gaps(&self) -> impl Iterator<Item = &Gap> {
        self.failures.iter().filter_map(|f| match f {
            Failure::Gap(g) => Some(g),
            _ => None,
        })
    }

    /// The signatory's findings.
    pub fn readings(&self) -> impl Iterator<Item = &Reading> {
        self.failures.iter().filter_map(|f| match f {
            Failure::Reading(r) => Some(r),
            _ => None,
        })
    }

    /// The vendors that receive personal data under no law's terms.
    pub fn no_terms(&self) -> impl Iterator<Item = &NoTerms> {
        self.failures.iter().filter_map(|f| match f {
            Failure::NoTerms(n) => Some(n),
            _ => None,
        })
    }

    /// Number of requirement checks made over all vendors.
    pub fn requirement_checks(&self) -> usize {
        self.vendors.iter().map(|v| v.requirements.len()).sum()
    }

    /// Whether the inputs were invalid, or the check found gaps or findings.
    pub fn outcome(&self) -> Outcome {
        if self.failures.iter().any(Failure::is_invalid_input) {
            Outcome::Invalid
        } else if self.failures.iter().any(|f| {
            matches!(
                f,
                Failure::Gap(_) | Failure::Reading(_) | Failure::NoTerms(_)
            )
        }) {
            Outcome::Findings
        } else {
            Outcome::Clean
        }
    }
}

/// A warning when the built-in adequacy lists were last checked more than 12 months before `today`.
pub fn adequacy_staleness(today: NaiveDate) -> Option<Diagnostic> {
    if !crate::model::country::adequacy_is_stale(today) {
        return None;
    }
    Some(
        Diagnostic::warning(
            "data/adequacy.toml",
            None,
            format!(
                "the adequacy lists were last checked on {}, more than 12 months before {today}; decisions adopted, renewed or struck down since then are not reflected in the transfer terms",
                crate::model::country::adequacy_as_of()
            ),
        )
        .with_hint("use a release of dpa with current adequacy data, or confirm each vendor's transfer mechanism against the current lists"),
    )
}

/// Computes the coverage of one vendor's selected clauses (without the signatory's read).
pub fn coverage(ws: &Workspace, vendor: &Vendor, app: &Applicability) -> VendorCoverage {
    let facts = ws.facts(vendor, app);
    let selected = select::clauses(&ws.library, app, &facts);
    let requirements = ws
        .library
        .requirements()
        .iter()
        .filter(|r| r.applies(&app.frameworks, &facts))
        .map(|r| {
            let clauses: Vec<String> = selected
                .iter()
                .filter(|c| c.satisfies.contains(&r.id))
                .map(|c| c.id.clone())
                .collect();
            RequirementCoverage {
                id: r.id.clone(),
                citation: r.citation.clone(),
                mark: r.mark.clone(),
                level: r.level.clone(),
                covered: !clauses.is_empty(),
                clauses,
            }
        })
        .collect();
    VendorCoverage {
        vendor: vendor.id.clone(),
        frameworks: app.frameworks.iter().map(|s| s.to_string()).collect(),
        requirements,
        findings: Vec::new(),
    }
}

/// Validates templates and the vendors' records, assembles each vendor's draft, and reports its
/// requirement coverage and what a signatory would stop at in its text.
pub fn check(ws: &Workspace, options: &CheckOptions) -> CheckReport {
    let mut diags = Diagnostics::new();
    ws.templates.check_all(&ws.library, &mut diags);
    if let Some(d) = adequacy_staleness(options.today) {
        diags.push(d);
    }
    let ids = if options.vendors.is_empty() {
        ws.vendor_ids(&mut diags)
    } else {
        options.vendors.clone()
    };
    // Processor side: a sub-processor no customer was told of is a mistake in dpa.toml.
    diags.extend(super::subprocessor_guard::unnoticed(ws, &ids));
    let mut failures: Vec<Failure> = diags.into_iter().map(Failure::Input).collect();
    let vocabulary = Vocabulary::from_bodies(ws.library.clauses().map(|c| c.body.as_str()));
    let mut vendors = Vec::new();
    let mut readings = Vec::new();
    let mut loaded: Vec<Vendor> = Vec::new();
    let mut no_agreement = Vec::new();
    for id in &ids {
        let mut diags = Diagnostics::new();
        let facts = ws.load_facts(id, &mut Diagnostics::new());
        if facts.is_some_and(|f| f.vendor.personal_data == Some(false)) {
            no_agreement.push(id.clone());
            continue;
        }
        let prepared = ws.load_vendor(id, &mut diags).and_then(|vendor| {
            let options = DocOptions {
                final_: false,
                version: "draft".into(),
            };
            ws.prepare(vendor, &options, &mut diags)
        });
        if let Some(prepared) = &prepared {
            let parsed = typst::syntax::parse(&prepared.assembled.source);
            for err in parsed.errors_and_warnings().0.into_iter().take(5) {
                diags.push(
                    Diagnostic::error(
                        format!("{id}.typ"),
                        None,
                        format!("generated Typst does not parse: {}", err.message),
                    )
                    .with_hint("check template overrides in templates/"),
                );
            }
        }
        failures.extend(diags.into_iter().map(Failure::Input));
        let Some(prepared) = prepared else {
            continue;
        };
        let mut report = coverage(ws, &prepared.vendor, &prepared.app);
        loaded.push(prepared.vendor.clone());
        let clauses: Vec<ClauseText> = prepared
            .assembled
            .clauses
            .iter()
            .map(ClauseText::from)
            .collect();
        let names = proofread::proper_names(&ws.company, &prepared.vendor);
        report.findings = proofread::read(&clauses, &vocabulary, &names, options.today);
        let scc = if prepared.app.has(Framework::Scc) {
            Some("")
        } else if prepared.app.has(Framework::Dpf) {
            Some(" if the Data Privacy Framework ceases to cover the transfer")
        } else {
            None
        };
        report.findings.extend(proofread::undescribed_measures(
            &clauses,
            scc,
            // Annex II is the processor's: on the processor side, ours from dpa.toml.
            &ws.roles(&prepared.vendor)
                .1
                .security
                .0
                .keys()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ));
        readings.extend(report.findings.iter().map(|f| {
            Failure::Reading(Reading {
                vendor: id.clone(),
                file: prepared.vendor.file.clone(),
                finding: f.clone(),
            })
        }));
        if let Some(n) = no_terms(
            &prepared.vendor,
            &prepared.app,
            ws.company.ccpa.is_business(),
        ) {
            failures.push(Failure::NoTerms(n));
        }
        for r in report.requirements.iter().filter(|r| !r.covered) {
            failures.push(Failure::Gap(Gap {
                vendor: id.clone(),
                file: prepared.vendor.file.clone(),
                requirement: r.id.clone(),
                citation: r.citation.clone(),
                summary: ws
                    .library
                    .requirement(&r.id)
                    .map(|q| q.summary.clone())
                    .unwrap_or_default(),
            }));
        }
        vendors.push(report);
    }
    failures.extend(contradictions(&loaded).into_iter().map(Failure::Input));
    // A signatory's findings come after the problems of the inputs, as a second reading.
    failures.extend(readings);
    CheckReport {
        vendors,
        failures,
        clauses: ws.library.clauses().count(),
        no_agreement,
    }
}

/// Why a vendor that receives personal data gets no law's terms, when it gets none: one reason for
/// each kind of data its record names. `None` when some law's terms apply or it receives nothing.
pub fn no_terms(
    vendor: &Vendor,
    app: &Applicability,
    ccpa_business: Option<bool>,
) -> Option<NoTerms> {
    let p = &vendor.processing;
    if p.regions.is_empty() || app.frameworks.iter().any(|f| *f != Framework::General) {
        return None;
    }
    use crate::model::vendor::{CcpaRole, GdprRole, Role, californian, european};
    let mut reasons = Vec::new();
    let no_role = p.role == Some(Role::NoPersonalData)
        || (p.role.is_none() && p.ccpa_role == CcpaRole::None && p.gdpr_role == GdprRole::None);
    if no_role {
        reasons.push("the record gives the vendor no role for the data (`role = \"none\"`, or `ccpa_role` and `gdpr_role` both \"none\")".to_string());
    }
    if californian(&p.regions) && !no_role {
        reasons.push(if ccpa_business == Some(false) {
            "CCPA: dpa.toml's facts say we are not a CCPA business".to_string()
        } else {
            format!("CCPA: the vendor's CCPA role is `{}`", p.ccpa_role)
        });
    }
    if european(&p.regions) && !no_role {
        reasons.push(format!(
            "GDPR: the vendor's GDPR role is `{}`, so no Article 28 terms apply",
            p.gdpr_role
        ));
    }
    let states: Vec<&String> = p
        .regions
        .iter()
        .filter(|r| {
            r.as_str() == "US" || select::US_STATES_WITH_PROCESSOR_RULES.contains(&r.as_str())
        })
        .collect();
    if !states.is_empty() && !no_role {
        reasons.push(format!(
            "US state laws ({}): processor terms apply only to a vendor that processes the data on our behalf",
            states.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    let unsupported: Vec<&String> = p
        .regions
        .iter()
        .filter(|r| {
            !californian(std::slice::from_ref(*r))
                && !european(std::slice::from_ref(*r))
                && !states.contains(r)
        })
        .collect();
    if !unsupported.is_empty() {
        reasons.push(format!(
            "dpa's clause library has no terms for data from {}",
            unsupported
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let fix = if no_role {
        "say what the vendor does with the data in `processing.role` (for example \"on_behalf\"), or remove the regions if it receives no personal data".to_string()
    } else {
        "if the vendor processes the data on our behalf, set `processing.role = \"on_behalf\"`; a vendor that decides its own purposes needs no processor terms, and its agreement carries only the general terms".to_string()
    };
    Some(NoTerms {
        vendor: vendor.id.clone(),
        file: vendor.file.clone(),
        regions: p.regions.clone(),
        reasons,
        fix,
    })
}

/// Facts that contradict each other across records: the same data subjects, named alike in two
/// records, with data from regions that one record names and the other does not. The record that
/// lacks a region may be missing the terms its law requires (a hosting provider holding the
/// same end users as an analytics vendor holds their Californian data too).
pub fn contradictions(vendors: &[Vendor]) -> Vec<Diagnostic> {
    use std::collections::{BTreeMap, BTreeSet};
    let key = |s: &str| s.trim().to_lowercase();
    // Data subjects -> region -> the records that name it for them.
    let mut seen: BTreeMap<String, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
    for v in vendors {
        for subject in &v.processing.data_subjects {
            let regions = seen.entry(key(subject)).or_default();
            for r in &v.processing.regions {
                regions.entry(r.as_str()).or_default().push(v.id.as_str());
            }
        }
    }
    let mut out = Vec::new();
    for v in vendors {
        let own: BTreeSet<&str> = v.processing.regions.iter().map(String::as_str).collect();
        for (i, subject) in v.processing.data_subjects.iter().enumerate() {
            let Some(regions) = seen.get(&key(subject)) else {
                continue;
            };
            for (region, others) in regions {
                if own.contains(region) || others.iter().all(|o| *o == v.id) {
                    continue;
                }
                let path = format!("processing.data_subjects[{i}]");
                out.push(
                    Diagnostic::warning(
                        &v.file,
                        v.span(&path).or_else(|| v.span("processing.regions")),
                        format!(
                            "`{}` names \"{subject}\" without {region} data, but {} say{} the same data subjects include {region} data",
                            v.id,
                            others.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", "),
                            if others.len() == 1 { "s" } else { "" }
                        ),
                    )
                    .with_hint(format!(
                        "if `{}` receives their data, add \"{region}\" to `processing.regions` so that its agreement has the terms that data needs; otherwise name the data subjects it holds more narrowly",
                        v.id
                    )),
                );
            }
        }
    }
    out
}
