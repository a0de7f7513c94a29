//! Selection: which frameworks a vendor needs (derived from facts) and which clauses its agreement holds.

use serde::Serialize;
use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics};
use crate::library::{Clause, Library};
use crate::model::country::{self, Origin};
use crate::model::{
    Authorisation, CcpaRole, Company, CompanyRole, DocumentKind, GdprRole, Mechanism, Vendor,
};

pub use crate::model::facts::{Framework, known_paths};

/// States whose comprehensive privacy laws require processor contracts (requirements.md §5), as of end-2025.
pub const US_STATES_WITH_PROCESSOR_RULES: [&str; 18] = [
    "US-VA", "US-CO", "US-CT", "US-UT", "US-TX", "US-OR", "US-MT", "US-IA", "US-DE", "US-NH",
    "US-NJ", "US-TN", "US-MN", "US-MD", "US-IN", "US-KY", "US-NE", "US-RI",
];

/// Transfer choices after the company's defaults are applied.
#[derive(Debug, Clone, Serialize)]
pub struct EffectiveTransfers {
    /// The mechanism in force.
    pub mechanism: Mechanism,
    /// SCC clause 7.
    pub docking_clause: bool,
    /// Sub-processor authorisation.
    pub subprocessor_authorisation: Authorisation,
    /// Notice days for sub-processor changes.
    pub subprocessor_notice_days: u32,
    /// Governing law, country code.
    pub governing_law: String,
    /// Forum, country code.
    pub forum: String,
    /// Whether the UK Addendum is used.
    pub uk_addendum: bool,
    /// Whether the Swiss adaptations are used.
    pub swiss_adaptations: bool,
    /// UK Addendum Table 4.
    pub uk_may_end: Vec<crate::model::Party>,
    /// SCC clause 11(a).
    pub idr: bool,
    /// Module Four (UK Addendum Table 2): whether the exporter combines the personal data it
    /// receives from the importer with personal data it collected itself, which decides whether
    /// Clauses 14 and 15 apply.
    pub exporter_combines: bool,
    /// SCC Clause 14(b): when the transfer impact assessment was completed, if it was.
    pub tia_completed: Option<chrono::NaiveDate>,
}

/// The European origins of a vendor's data, each deciding which transfer rules apply.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Origins {
    /// EEA data (EU GDPR).
    pub eea: bool,
    /// UK data (UK GDPR).
    pub uk: bool,
    /// Swiss data (FADP).
    pub ch: bool,
}

/// What the facts of one vendor require.
#[derive(Debug, Clone, Serialize)]
pub struct Applicability {
    /// Frameworks that apply, `general` first.
    pub frameworks: Vec<Framework>,
    /// SCC module (1-4) when the SCCs apply.
    pub scc_module: Option<u8>,
    /// Where the vendor's European data comes from, from canonical regions (`GB-ENG` and `UK` both count as the UK).
    pub origins: Origins,
    /// Whether the SCCs cover transfers from the vendor back to us, the vendor being the data exporter (an EEA, UK or Swiss processor serving a company outside adequacy).
    pub scc_vendor_exports: bool,
    /// Whose law makes the transfers under the SCCs restricted: the EU GDPR (the SCCs as such),
    /// the UK GDPR (the SCCs as amended by the UK Addendum) or the FADP (the SCCs as adapted).
    /// A UK-only or Swiss-only exporter is under neither the EU GDPR nor an EU authority.
    pub scc_origins: Origins,
    /// Whether our disclosure to the vendor is a sale or sharing under the CCPA.
    pub ccpa_third_party: bool,
    /// Whether we are a CCPA business; `None` when `dpa.toml` gives no facts.
    pub ccpa_business: Option<bool>,
    /// Transfer choices in force.
    pub transfers: EffectiveTransfers,
    /// The other document of a separate pair (processor side, `documents = "separate"`), which
    /// this document's scope clause points to; `None` for a combined agreement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub companion: Option<Companion>,
}

/// The other agreement of a separate pair, as one document of the pair refers to it.
#[derive(Debug, Clone, Serialize)]
pub struct Companion {
    /// Its agreement id, `<customer>-ccpa` or `<customer>-gdpr`.
    pub id: String,
    /// The frameworks it holds, `general` first.
    pub frameworks: Vec<Framework>,
}

impl Applicability {
    /// Whether `framework` applies.
    pub fn has(&self, framework: Framework) -> bool {
        self.frameworks.contains(&framework)
    }
}

/// Long name of an SCC module.
pub fn module_name(module: u8) -> &'static str {
    match module {
        1 => "Module One (transfer controller to controller)",
        2 => "Module Two (transfer controller to processor)",
        3 => "Module Three (transfer processor to processor)",
        _ => "Module Four (transfer processor to controller)",
    }
}

fn diag(vendor: &Vendor, path: &str, message: String) -> Diagnostic {
    let span = vendor.span(path).or(Some(0..0));
    Diagnostic::error(&vendor.file, span, message)
}

/// Derives the frameworks a vendor needs, reporting contradictions in its record.
pub fn applicability(company: &Company, vendor: &Vendor, diags: &mut Diagnostics) -> Applicability {
    let p = &vendor.processing;
    let t = &vendor.transfers;
    let california = p.regions.iter().any(|r| r == "US-CA" || r == "US");
    let origins: Vec<Origin> = p
        .regions
        .iter()
        .filter_map(|r| country::region_origin(r))
        .collect();
    let has = |o: Origin| origins.contains(&o);
    let mut frameworks = vec![Framework::General];
    let ccpa_business = company.ccpa.is_business();

    if california && p.ccpa_role != CcpaRole::None && ccpa_business != Some(false) {
        frameworks.push(Framework::Ccpa);
    } else if !california && p.ccpa_role != CcpaRole::None {
        diags.push(
            Diagnostic::warning(&vendor.file, vendor.span("processing.ccpa_role"), "a CCPA role is given but `processing.regions` has no California data (`US-CA` or `US`); no CCPA terms are included")
                .with_hint("add \"US-CA\" to `processing.regions` if the vendor handles Californian consumers' data"),
        );
    }

    let processor = matches!(p.gdpr_role, GdprRole::Processor | GdprRole::SubProcessor);
    let european = has(Origin::Eea) || has(Origin::Uk) || has(Origin::Ch);
    if european && processor {
        frameworks.push(Framework::Gdpr);
    }
    // Other US states: the vendor processes for us (a CCPA service provider or contractor, or a processor).
    let other_states = p
        .regions
        .iter()
        .any(|r| r == "US" || US_STATES_WITH_PROCESSOR_RULES.contains(&r.as_str()));
    let usstate = other_states && p.acts_for_us();

    let declared = t.mechanism;
    let dpf = declared == Some(Mechanism::Dpf);
    if dpf && vendor.country != "US" {
        diags.push(
            diag(
                vendor,
                "transfers.mechanism",
                format!(
                    "`mechanism = \"dpf\"` is only for US organisations, but `country` is `{}`",
                    vendor.country
                ),
            )
            .with_hint("use \"scc\" for importers outside the United States"),
        );
    }
    let restricted = |o: Origin| has(o) && !country::adequate(o, &vendor.country, false);
    let (eea_out, uk_out, ch_out) = (
        restricted(Origin::Eea),
        restricted(Origin::Uk),
        restricted(Origin::Ch),
    );
    let any_out = eea_out || uk_out || ch_out;
    let via_dpf = dpf && vendor.country == "US";
    // Transfers back to us: a processor established in the EEA, the UK or
    // Switzerland is itself bound by that area's transfer rules, so when it
    // returns data to us, or lets us reach it, from a country without
    // adequacy for that area, the transfer is restricted even though nothing
    // leaves the area on the way to the vendor (the vendor is the exporter).
    let back = (european && processor && !any_out)
        .then(|| country::region_origin(&vendor.country))
        .flatten()
        .filter(|home| !country::adequate(*home, &company.country, false));
    let back_supported = back.is_some() && company.role == CompanyRole::Controller;
    if back.is_some() && !back_supported {
        diags.push(
            Diagnostic::warning(
                &vendor.file,
                vendor.span("country").or(Some(0..0)),
                format!(
                    "{} returns personal data to {} in {}, which has no adequacy for it; with {} acting as a processor this is a processor-to-processor transfer back to the exporter's own processor, which dpa does not draft",
                    vendor.short_name,
                    company.short_name,
                    country_label(&company.country),
                    company.short_name
                ),
            )
            .with_hint("cover the transfer back with SCC Module Three (or the UK/Swiss equivalent) in a separate agreement"),
        );
    }

    let mut scc = false;
    if any_out && !via_dpf {
        match declared {
            Some(Mechanism::Adequacy) => diags.push(
                diag(vendor, "transfers.mechanism", format!("`mechanism = \"adequacy\"` but {} has no adequacy decision for this data (list as of {})", country_label(&vendor.country), country::adequacy_as_of()))
                    .with_hint("use \"scc\" (or \"dpf\" for a DPF-certified US organisation)"),
            ),
            Some(Mechanism::None) => diags.push(
                diag(vendor, "transfers.mechanism", format!("personal data leaves the EEA, UK or Switzerland for {} but `mechanism = \"none\"` gives it no safeguard", country_label(&vendor.country)))
                    .with_hint("use \"scc\" (or \"dpf\" for a DPF-certified US organisation)"),
            ),
            _ => scc = true,
        }
    } else if back_supported {
        // `mechanism` describes transfers to the vendor; the transfer back is derived.
        scc = true;
    } else if declared == Some(Mechanism::Scc) && !any_out && european {
        diags.push(Diagnostic::warning(
            &vendor.file,
            vendor.span("transfers.mechanism"),
            format!("`mechanism = \"scc\"` but no restricted transfer takes place ({} is adequate or in the EEA for this data, and so is {}); the SCCs are not included", country_label(&vendor.country), country_label(&company.country)),
        ));
    }
    if via_dpf && (eea_out || uk_out || ch_out) {
        frameworks.push(Framework::Dpf);
    }
    let vendor_exports = scc && back_supported;
    let eea_scc = scc && ((eea_out && !via_dpf) || (vendor_exports && back == Some(Origin::Eea)));
    let uk = scc && ((uk_out && !via_dpf) || (vendor_exports && back == Some(Origin::Uk)));
    let ch = scc && ((ch_out && !via_dpf) || (vendor_exports && back == Some(Origin::Ch)));
    if uk && t.uk_addendum == Some(false) {
        diags.push(diag(vendor, "transfers.uk_addendum", "UK personal data leaves the UK without adequacy, but `uk_addendum = false` leaves it without a mechanism".into()).with_hint("set `uk_addendum = true` to attach the ICO's UK Addendum to the SCCs"));
    }
    if ch && t.swiss_adaptations == Some(false) {
        diags.push(diag(vendor, "transfers.swiss_adaptations", "Swiss personal data leaves Switzerland without adequacy, but `swiss_adaptations = false` leaves the SCCs unadapted to the FADP".into()).with_hint("set `swiss_adaptations = true`"));
    }
    // The module follows the exporter's and the importer's roles.
    let scc_module = scc.then_some(if vendor_exports {
        // The vendor (processor) exports to us, its controller.
        4
    } else {
        let role = if company.role.acts_for_others() {
            CompanyRole::Processor
        } else {
            CompanyRole::Controller
        };
        match (role, p.gdpr_role) {
            (_, GdprRole::SubProcessor) | (CompanyRole::Processor, GdprRole::Processor) => 3,
            (CompanyRole::Controller, GdprRole::Processor) => 2,
            (CompanyRole::Controller, _) => 1,
            (_, _) => 4,
        }
    });
    if scc {
        frameworks.push(Framework::Scc);
    }
    // Module Four lets the parties choose the law of any country that allows
    // third-party beneficiary rights (Clause 17) and any country's courts
    // (Clause 18); the other modules require an EU Member State.
    // Only transfers under the EU GDPR need an EU Member State: the UK Addendum replaces Clauses
    // 17 and 18 with England and Wales (its Section 15(m) and (n)), and transfers under the FADP
    // alone may choose Swiss law and courts.
    let swiss_only = ch && !eea_scc;
    if (eea_scc || swiss_only) && scc_module != Some(4) {
        let (allowed, named) = if swiss_only {
            (
                "Switzerland or an EU Member State",
                "\"CH\" (Switzerland) or \"IE\" (Ireland)",
            )
        } else {
            (
                "an EU Member State",
                "\"IE\" (Ireland) or \"NL\" (the Netherlands)",
            )
        };
        for (law, path) in [
            (&t.governing_law, "transfers.governing_law"),
            (&t.forum, "transfers.forum"),
        ] {
            let code = law.as_deref().unwrap_or(if path.ends_with("law") {
                &company.governing_law
            } else {
                &company.forum
            });
            if !(country::is_eu(code) || (swiss_only && code == "CH")) {
                let what = if path.ends_with("law") {
                    "clause 17 (governing law)"
                } else {
                    "clause 18 (forum)"
                };
                let d = if law.is_some() {
                    diag(
                        vendor,
                        path,
                        format!(
                            "the SCCs' {what} must name {allowed}, not {}",
                            country_label(code)
                        ),
                    )
                } else {
                    Diagnostic::error(
                        &vendor.file,
                        Some(0..0),
                        format!(
                            "the SCCs' {what} must name {allowed}; the default from dpa.toml is {}",
                            country_label(code)
                        ),
                    )
                };
                diags.push(d.with_hint(format!("for example {named}")));
            }
        }
    }
    if uk {
        frameworks.push(Framework::Uk);
    }
    if ch {
        frameworks.push(Framework::Ch);
    }
    if usstate {
        frameworks.push(Framework::Usstate);
    }
    let mechanism = if scc {
        Mechanism::Scc
    } else if via_dpf && any_out {
        Mechanism::Dpf
    } else if european
        && !country::is_eea(&vendor.country)
        && !(origins.iter().all(|o| *o == Origin::Uk) && vendor.country == "GB")
    {
        Mechanism::Adequacy
    } else {
        Mechanism::None
    };
    let transfers = EffectiveTransfers {
        mechanism,
        docking_clause: t.docking_clause.unwrap_or(company.scc.docking_clause),
        subprocessor_authorisation: t
            .subprocessor_authorisation
            .unwrap_or(company.scc.subprocessor_authorisation),
        subprocessor_notice_days: t
            .subprocessor_notice_days
            .unwrap_or(company.scc.subprocessor_notice_days),
        governing_law: t
            .governing_law
            .clone()
            .unwrap_or_else(|| company.governing_law.clone()),
        forum: t.forum.clone().unwrap_or_else(|| company.forum.clone()),
        uk_addendum: uk,
        swiss_adaptations: ch,
        uk_may_end: t
            .uk_may_end
            .clone()
            .unwrap_or_else(|| company.scc.uk_may_end.clone()),
        idr: t.idr.unwrap_or(company.scc.idr),
        exporter_combines: t.exporter_combines.unwrap_or(false),
        tia_completed: t.tia_completed,
    };
    Applicability {
        frameworks,
        scc_module,
        scc_vendor_exports: vendor_exports,
        scc_origins: Origins {
            eea: eea_scc,
            uk,
            ch,
        },
        origins: Origins {
            eea: has(Origin::Eea),
            uk: has(Origin::Uk),
            ch: has(Origin::Ch),
        },
        ccpa_third_party: p.ccpa_role == CcpaRole::ThirdParty,
        ccpa_business,
        transfers,
        companion: None,
    }
}

fn country_label(code: &str) -> String {
    match country::name(code) {
        Some(name) => format!("{name} ({code})"),
        None => code.to_string(),
    }
}

/// Which side's law an agreement covers, as `covers.european` (the GDPR, the UK GDPR or the FADP)
/// and `covers.us` (the CCPA or the consumer privacy laws of other US states): the clauses
/// define and state only the terms of the side it covers.
///
/// The CCPA addendum of a separate pair covers only the US side and the GDPR DPA only the
/// European side. A combined agreement covers the European side when a European framework
/// applies or the vendor has a GDPR role for European data (a controller in its own right
/// needs no Article 28 terms but its role is still stated), and the US side when the CCPA or
/// other US state laws apply. An agreement that needs neither keeps both, as its laws are then
/// only those that apply.
pub fn covers(vendor: &Vendor, app: &Applicability) -> (bool, bool) {
    match vendor.document {
        Some(DocumentKind::Ccpa) => (false, true),
        Some(DocumentKind::Gdpr) => (true, false),
        None => {
            let o = &app.origins;
            let european = app.frameworks.iter().any(|f| f.is_european())
                || (vendor.processing.gdpr_role != GdprRole::None && (o.eea || o.uk || o.ch));
            let us = app.frameworks.iter().any(|f| f.is_us_state());
            if european || us {
                (european, us)
            } else {
                (true, true)
            }
        }
    }
}

/// The facts `when` conditions read, under the root templates read too: the vendor record
/// (with the transfer choices in force) under `vendor`, `company`, and the derived facts
/// ([`crate::model::facts::DERIVED`]) beside them.
pub fn facts(company: &Company, vendor: &Vendor, app: &Applicability) -> Value {
    let mut record = serde_json::to_value(vendor).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut record {
        map.insert(
            "transfers".into(),
            serde_json::to_value(&app.transfers).unwrap_or(Value::Null),
        );
    }
    let facts = Facts {
        vendor: record,
        company,
        frameworks: &app.frameworks,
        origins: app.origins,
        scc: SccFacts {
            module: app.scc_module,
            vendor_exports: app.scc_vendor_exports,
        },
        has_subprocessors: !vendor.subprocessors.is_empty(),
        has_sensitive_data: !vendor.processing.sensitive_data.is_empty(),
    };
    serde_json::to_value(facts).unwrap_or(Value::Null)
}

/// The tree [`facts`] builds: the records beside the facts derived from them.
#[derive(Serialize)]
struct Facts<'a> {
    /// The vendor record, its `transfers` the choices in force.
    vendor: Value,
    /// Our record.
    company: &'a Company,
    /// The frameworks that apply, `general` first.
    frameworks: &'a [Framework],
    /// Where the vendor's European data comes from.
    origins: Origins,
    /// The SCCs, when they apply.
    scc: SccFacts,
    /// Whether the vendor names sub-processors.
    has_subprocessors: bool,
    /// Whether it processes special-category data.
    has_sensitive_data: bool,
}

/// The SCC facts a condition may test.
#[derive(Serialize)]
struct SccFacts {
    /// The module, 1-4.
    module: Option<u8>,
    /// Whether the vendor exports (returns data to us) under them.
    vendor_exports: bool,
}

/// The clauses of `library` selected for a vendor, in agreement order.
pub fn clauses<'l>(library: &'l Library, app: &Applicability, facts: &Value) -> Vec<&'l Clause> {
    let mut out: Vec<&Clause> = library
        .clauses()
        .filter(|c| {
            c.frameworks
                .iter()
                .any(|f| *f == Framework::General || app.has(*f))
        })
        .filter(|c| c.when.as_ref().is_none_or(|w| w.expr.eval(facts)))
        .collect();
    out.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{company, vendor};
    use serde_json::json;

    fn names(frameworks: &[Framework]) -> Vec<&'static str> {
        frameworks.iter().map(|f| f.as_str()).collect()
    }

    const COMPANY: &str = r#"
name = "Lumen Ledger, Inc."
address = "1 Howard St"
country = "US"
role = "controller"
[signatory]
name = "P"
title = "GC"
[contact]
name = "M"
email = "m@x.example"
"#;

    fn company(extra: &str) -> Company {
        let mut d = Diagnostics::new();
        let text = format!("{COMPANY}{extra}");
        let text = text.replace(
            "role = \"controller\"",
            if extra.contains("#processor") {
                "role = \"processor\""
            } else {
                "role = \"controller\""
            },
        );
        company::load("dpa.toml", &text, &mut d).unwrap_or_else(|| panic!("{d:?}"))
    }

    fn vendor(
        country: &str,
        regions: &str,
        ccpa: &str,
        gdpr: &str,
        transfers: &str,
        extra: &str,
    ) -> Vendor {
        let text = format!(
            "name = \"V\"\naddress = \"A\"\ncountry = \"{country}\"\n[contact]\nname = \"c\"\nemail = \"c@v.example\"\n[signatory]\nname = \"s\"\ntitle = \"t\"\n[service]\ndescription = \"d\"\nstarts = 2025-01-01\n[processing]\nregions = {regions}\nccpa_role = \"{ccpa}\"\ngdpr_role = \"{gdpr}\"\npurposes = [\"p\"]\ndata_subjects = [\"s\"]\ndata_categories = [\"c\"]\nfrequency = \"continuous\"\nretention = \"r\"\n{extra}\n[transfers]\n{transfers}\n"
        );
        let mut d = Diagnostics::new();
        vendor::load("v", "vendors/v.toml", &text, &mut d)
            .unwrap_or_else(|| panic!("{d:?}\n{text}"))
    }

    trait WithCountry {
        fn with_country(self, code: &str) -> Self;
    }

    impl WithCountry for Company {
        fn with_country(mut self, code: &str) -> Self {
            self.country = code.to_string();
            self
        }
    }

    fn app(c: &Company, v: &Vendor) -> (Applicability, Diagnostics) {
        let mut d = Diagnostics::new();
        let a = applicability(c, v, &mut d);
        (a, d)
    }

    #[test]
    fn an_agreement_covers_the_sides_whose_frameworks_apply() {
        let c = company("");
        let covers_of = |v: &Vendor| covers(v, &app(&c, v).0);
        let us = vendor("US", "[\"US-CA\"]", "third_party", "none", "", "");
        assert_eq!(covers_of(&us), (false, true));
        let eea = vendor("IE", "[\"EEA\"]", "none", "processor", "", "");
        assert_eq!(covers_of(&eea), (true, false));
        let both = vendor(
            "IE",
            "[\"US-CA\", \"EEA\"]",
            "service_provider",
            "processor",
            "",
            "",
        );
        assert_eq!(covers_of(&both), (true, true));
        // A controller in its own right has no Article 28 terms, but its GDPR role is stated.
        let controller = vendor("IE", "[\"EEA\"]", "none", "controller", "", "");
        assert_eq!(covers_of(&controller), (true, false));
        // No framework applies (we are no CCPA business): the agreement keeps both sides.
        let small =
            company("[ccpa]\nannual_gross_revenue_usd = 1000000\nconsumers_or_households = 10\n");
        let v = vendor("US", "[\"US-CA\"]", "service_provider", "none", "", "");
        assert_eq!(covers(&v, &app(&small, &v).0), (true, true));
        // A document of a separate pair covers its own side only.
        let mut ccpa = both.clone();
        ccpa.document = Some(DocumentKind::Ccpa);
        assert_eq!(covers_of(&ccpa), (false, true));
        let mut gdpr = both;
        gdpr.document = Some(DocumentKind::Gdpr);
        assert_eq!(covers_of(&gdpr), (true, false));
    }

    #[test]
    fn california_service_provider_needs_ccpa() {
        let (a, d) = app(
            &company(""),
            &vendor("US", "[\"US-CA\"]", "service_provider", "none", "", ""),
        );
        assert!(!d.has_errors());
        assert_eq!(names(&a.frameworks), ["general", "ccpa"]);
        assert!(!a.ccpa_third_party);
    }

    #[test]
    fn california_contractor_needs_ccpa() {
        let (a, _) = app(
            &company(""),
            &vendor("US", "[\"US-CA\"]", "contractor", "none", "", ""),
        );
        assert_eq!(names(&a.frameworks), ["general", "ccpa"]);
    }

    #[test]
    fn california_third_party_is_flagged() {
        let (a, _) = app(
            &company(""),
            &vendor("US", "[\"US-CA\"]", "third_party", "none", "", ""),
        );
        assert_eq!(names(&a.frameworks), ["general", "ccpa"]);
        assert!(a.ccpa_third_party);
    }

    #[test]
    fn no_ccpa_terms_when_we_are_not_a_business() {
        let c =
            company("[ccpa]\nannual_gross_revenue_usd = 1000000\nconsumers_or_households = 10\n");
        let (a, _) = app(
            &c,
            &vendor("US", "[\"US-CA\"]", "service_provider", "none", "", ""),
        );
        assert_eq!(a.ccpa_business, Some(false));
        assert_eq!(names(&a.frameworks), ["general"]);
    }

    #[test]
    fn eea_processor_of_an_eea_controller_needs_gdpr_only() {
        let c = company("").with_country("IE");
        let (a, d) = app(&c, &vendor("DE", "[\"EEA\"]", "none", "processor", "", ""));
        assert!(!d.has_errors());
        assert_eq!(names(&a.frameworks), ["general", "gdpr"]);
        assert_eq!(a.scc_module, None);
        assert!(!a.scc_vendor_exports);
        // An adequate country is as good as the EEA for the way back.
        let c = company("").with_country("JP");
        let (a, _) = app(&c, &vendor("DE", "[\"EEA\"]", "none", "processor", "", ""));
        assert_eq!(names(&a.frameworks), ["general", "gdpr"]);
    }

    #[test]
    fn eea_processor_returning_data_to_a_us_controller_needs_module_four() {
        // Lumen: a US controller with no EU establishment; the EEA processor exports back to it.
        let (a, d) = app(
            &company(""),
            &vendor(
                "DE",
                "[\"EEA\"]",
                "none",
                "processor",
                "mechanism = \"none\"",
                "",
            ),
        );
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(names(&a.frameworks), ["general", "gdpr", "scc"]);
        assert_eq!(a.scc_module, Some(4));
        assert!(a.scc_vendor_exports);
        assert_eq!(a.transfers.mechanism, Mechanism::Scc);
        // Module Four allows any country's law that grants third-party beneficiary rights.
        let (a, d) = app(
            &company(""),
            &vendor(
                "DE",
                "[\"EEA\"]",
                "none",
                "processor",
                "governing_law = \"US\"\nforum = \"US\"",
                "",
            ),
        );
        assert_eq!(a.scc_module, Some(4));
        assert!(!d.has_errors(), "{d:?}");
    }

    #[test]
    fn uk_and_swiss_processors_returning_data_use_the_uk_and_swiss_terms() {
        let (a, d) = app(
            &company(""),
            &vendor(
                "GB",
                "[\"UK\"]",
                "none",
                "processor",
                "mechanism = \"none\"",
                "",
            ),
        );
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(names(&a.frameworks), ["general", "gdpr", "scc", "uk"]);
        assert_eq!(a.scc_module, Some(4));
        assert!(a.scc_vendor_exports);
        let (a, _) = app(
            &company(""),
            &vendor("CH", "[\"CH-ZH\"]", "none", "processor", "", ""),
        );
        assert_eq!(names(&a.frameworks), ["general", "gdpr", "scc", "ch"]);
        assert_eq!(a.scc_module, Some(4));
        // A UK company is adequate for EEA data: nothing to add on the way back.
        let c = company("").with_country("GB");
        let (a, _) = app(&c, &vendor("DE", "[\"EEA\"]", "none", "processor", "", ""));
        assert_eq!(names(&a.frameworks), ["general", "gdpr"]);
    }

    #[test]
    fn a_processor_company_gets_a_warning_not_module_four() {
        let c = company("#processor\n");
        let (a, d) = app(
            &c,
            &vendor("DE", "[\"EEA\"]", "none", "sub_processor", "", ""),
        );
        assert_eq!(a.scc_module, None);
        assert!(
            d.iter()
                .any(|w| !w.is_error() && w.message.contains("does not draft")),
            "{d:?}"
        );
    }

    #[test]
    fn origins_come_from_canonical_regions() {
        let (a, _) = app(
            &company(""),
            &vendor(
                "US",
                "[\"GB-ENG\", \"CH-ZH\"]",
                "none",
                "processor",
                "mechanism = \"dpf\"",
                "",
            ),
        );
        assert_eq!(names(&a.frameworks), ["general", "gdpr", "dpf"]);
        assert_eq!(
            a.origins,
            Origins {
                eea: false,
                uk: true,
                ch: true
            }
        );
        let (a, _) = app(
            &company(""),
            &vendor(
                "US",
                "[\"GB\"]",
                "none",
                "processor",
                "mechanism = \"dpf\"",
                "",
            ),
        );
        assert!(a.origins.uk && !a.origins.eea && !a.origins.ch);
    }

    #[test]
    fn eea_processor_without_adequacy_needs_scc_module_two() {
        let (a, d) = app(
            &company(""),
            &vendor("IN", "[\"EEA\"]", "none", "processor", "", ""),
        );
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(names(&a.frameworks), ["general", "gdpr", "scc"]);
        assert_eq!(a.scc_module, Some(2));
        assert_eq!(a.transfers.mechanism, Mechanism::Scc);
    }

    #[test]
    fn module_three_when_we_are_a_processor() {
        let c = company("#processor\n");
        let (a, _) = app(&c, &vendor("IN", "[\"EEA\"]", "none", "processor", "", ""));
        assert_eq!(a.scc_module, Some(3));
    }

    #[test]
    fn dpf_certified_us_importer_needs_no_scc() {
        let (a, d) = app(
            &company(""),
            &vendor(
                "US",
                "[\"EEA\", \"UK\", \"CH\"]",
                "none",
                "processor",
                "mechanism = \"dpf\"",
                "",
            ),
        );
        assert!(!d.has_errors());
        assert_eq!(names(&a.frameworks), ["general", "gdpr", "dpf"]);
        assert_eq!(a.scc_module, None);
    }

    #[test]
    fn us_importer_without_dpf_needs_scc() {
        let (a, _) = app(
            &company(""),
            &vendor("US", "[\"EEA\"]", "none", "processor", "", ""),
        );
        assert_eq!(names(&a.frameworks), ["general", "gdpr", "scc"]);
    }

    #[test]
    fn uk_data_leaving_the_uk_adds_the_uk_addendum() {
        let (a, _) = app(
            &company(""),
            &vendor("IN", "[\"UK\"]", "none", "processor", "", ""),
        );
        assert_eq!(names(&a.frameworks), ["general", "gdpr", "scc", "uk"]);
        let (b, _) = app(
            &company("").with_country("GB"),
            &vendor("GB", "[\"UK\"]", "none", "processor", "", ""),
        );
        assert_eq!(names(&b.frameworks), ["general", "gdpr"]);
    }

    #[test]
    fn swiss_data_leaving_switzerland_adds_the_fadp_adaptations() {
        let (a, _) = app(
            &company(""),
            &vendor("US", "[\"CH\"]", "none", "processor", "", ""),
        );
        assert_eq!(names(&a.frameworks), ["general", "gdpr", "scc", "ch"]);
        // Japan is adequate for the EU but not on the Swiss list.
        let (b, _) = app(
            &company(""),
            &vendor("JP", "[\"EEA\", \"CH\"]", "none", "processor", "", ""),
        );
        assert_eq!(names(&b.frameworks), ["general", "gdpr", "scc", "ch"]);
    }

    #[test]
    fn other_us_states_add_the_state_processor_terms() {
        let (a, _) = app(
            &company(""),
            &vendor("US", "[\"US-CO\"]", "service_provider", "none", "", ""),
        );
        assert_eq!(names(&a.frameworks), ["general", "usstate"]);
        let (b, _) = app(
            &company(""),
            &vendor("US", "[\"US-CO\"]", "third_party", "none", "", ""),
        );
        assert_eq!(
            names(&b.frameworks),
            ["general"],
            "a third party is not a processor"
        );
        let (c, _) = app(
            &company(""),
            &vendor("US", "[\"US\"]", "service_provider", "none", "", ""),
        );
        assert_eq!(names(&c.frameworks), ["general", "ccpa", "usstate"]);
    }

    #[test]
    fn sub_processors_and_sensitive_data_are_facts() {
        let v = vendor(
            "DE",
            "[\"EEA\"]",
            "none",
            "processor",
            "",
            "sensitive_data = [\"health\"]\n[[subprocessors]]\nname = \"S\"\ncountry = \"DE\"\npurpose = \"p\"\n",
        );
        let c = company("");
        let (a, _) = app(&c, &v);
        let f = facts(&c, &v, &a);
        assert_eq!(f["has_subprocessors"], json!(true));
        assert_eq!(f["has_sensitive_data"], json!(true));
        assert_eq!(f["vendor"]["subprocessors"][0]["name"], json!("S"));
        // Every leaf of the tree is a path a condition may name: the derived facts and the
        // record fields are one list, so none can drift from the tree `when` reads.
        fn leaves(v: &Value, path: String, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => m.iter().for_each(|(k, x)| {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    leaves(x, p, out)
                }),
                Value::Array(items) if items.iter().any(Value::is_object) => {
                    items.iter().for_each(|x| leaves(x, path.clone(), out))
                }
                _ => out.push(path),
            }
        }
        let mut paths = Vec::new();
        leaves(&f, String::new(), &mut paths);
        let known = known_paths();
        let unknown: Vec<&String> = paths
            .iter()
            .filter(|p| !crate::model::facts::is_known(p, known))
            .collect();
        assert!(unknown.is_empty(), "{unknown:?}");
        for d in crate::model::facts::DERIVED {
            assert!(paths.iter().any(|p| p == d), "{d} is not in the tree");
        }
    }

    #[test]
    fn contradictions_are_located_errors() {
        let c = company("");
        let (_, d) = app(
            &c,
            &vendor(
                "IN",
                "[\"EEA\"]",
                "none",
                "processor",
                "mechanism = \"adequacy\"",
                "",
            ),
        );
        let e = d
            .iter()
            .find(|e| e.is_error())
            .expect("adequacy for India is an error");
        assert!(e.message.contains("India (IN)"), "{e:?}");
        assert!(e.span.as_ref().is_some_and(|s| s.start > 0));
        let (_, d) = app(
            &c,
            &vendor(
                "IN",
                "[\"EEA\"]",
                "none",
                "processor",
                "mechanism = \"dpf\"",
                "",
            ),
        );
        assert!(
            d.iter()
                .any(|e| e.message.contains("only for US organisations"))
        );
        let (_, d) = app(
            &c,
            &vendor(
                "IN",
                "[\"EEA\"]",
                "none",
                "processor",
                "mechanism = \"none\"",
                "",
            ),
        );
        assert!(d.iter().any(|e| e.message.contains("no safeguard")));
        let (_, d) = app(
            &c,
            &vendor(
                "IN",
                "[\"EEA\"]",
                "none",
                "processor",
                "governing_law = \"US\"",
                "",
            ),
        );
        assert!(d.iter().any(|e| e.message.contains("clause 17")));
    }
}
