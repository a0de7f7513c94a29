//! Selection: which frameworks a vendor needs (derived from facts) and which clauses its agreement holds.

use serde::Serialize;
use serde_json::{Value, json};

use crate::diag::{Diagnostic, Diagnostics};
use crate::library::{Clause, Library};
use crate::model::country::{self, Origin};
use crate::model::{Authorisation, CcpaRole, Company, CompanyRole, GdprRole, Mechanism, Vendor};

/// Framework ids, in the order agreements and reports list them.
pub const FRAMEWORKS: [&str; 8] = [
    "general", "ccpa", "gdpr", "scc", "uk", "ch", "dpf", "usstate",
];

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
    pub uk_may_end: Vec<String>,
    /// SCC clause 11(a).
    pub idr: bool,
}

/// What the facts of one vendor require.
#[derive(Debug, Clone, Serialize)]
pub struct Applicability {
    /// Framework ids that apply, `general` first.
    pub frameworks: Vec<&'static str>,
    /// SCC module (1-4) when the SCCs apply.
    pub scc_module: Option<u8>,
    /// Whether our disclosure to the vendor is a sale or sharing under the CCPA.
    pub ccpa_third_party: bool,
    /// Whether we are a CCPA business; `None` when `dpa.toml` gives no facts.
    pub ccpa_business: Option<bool>,
    /// Transfer choices in force.
    pub transfers: EffectiveTransfers,
}

impl Applicability {
    /// Whether `framework` applies.
    pub fn has(&self, framework: &str) -> bool {
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
    let mut frameworks = vec!["general"];
    let ccpa_business = company.ccpa.is_business();

    if california && p.ccpa_role != CcpaRole::None && ccpa_business != Some(false) {
        frameworks.push("ccpa");
    } else if !california && p.ccpa_role != CcpaRole::None {
        diags.push(
            Diagnostic::warning(&vendor.file, vendor.span("processing.ccpa_role"), "a CCPA role is given but `processing.regions` has no California data (`US-CA` or `US`); no CCPA terms are included")
                .with_hint("add \"US-CA\" to `processing.regions` if the vendor handles Californian consumers' data"),
        );
    }

    let processor = matches!(p.gdpr_role, GdprRole::Processor | GdprRole::SubProcessor);
    let european = has(Origin::Eea) || has(Origin::Uk) || has(Origin::Ch);
    if european && processor {
        frameworks.push("gdpr");
    }
    // Other US states: the vendor processes for us (a CCPA service provider or contractor, or a processor).
    let other_states = p
        .regions
        .iter()
        .any(|r| r == "US" || US_STATES_WITH_PROCESSOR_RULES.contains(&r.as_str()));
    let processes_for_us = processor
        || matches!(
            p.ccpa_role,
            CcpaRole::ServiceProvider | CcpaRole::Contractor
        );
    let usstate = other_states && processes_for_us;

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
    } else if declared == Some(Mechanism::Scc) && !any_out && european {
        diags.push(Diagnostic::warning(
            &vendor.file,
            vendor.span("transfers.mechanism"),
            format!("`mechanism = \"scc\"` but no restricted transfer takes place ({} is adequate or in the EEA for this data); the SCCs are not included", country_label(&vendor.country)),
        ));
    }
    if via_dpf && (eea_out || uk_out || ch_out) {
        frameworks.push("dpf");
    }
    let uk = uk_out && !via_dpf && scc;
    let ch = ch_out && !via_dpf && scc;
    if uk && t.uk_addendum == Some(false) {
        diags.push(diag(vendor, "transfers.uk_addendum", "UK personal data leaves the UK without adequacy, but `uk_addendum = false` leaves it without a mechanism".into()).with_hint("set `uk_addendum = true` to attach the ICO's UK Addendum to the SCCs"));
    }
    if ch && t.swiss_adaptations == Some(false) {
        diags.push(diag(vendor, "transfers.swiss_adaptations", "Swiss personal data leaves Switzerland without adequacy, but `swiss_adaptations = false` leaves the SCCs unadapted to the FADP".into()).with_hint("set `swiss_adaptations = true`"));
    }
    let scc_module = scc.then_some(match (company.role, p.gdpr_role) {
        (_, GdprRole::SubProcessor) | (CompanyRole::Processor, GdprRole::Processor) => 3,
        (CompanyRole::Controller, GdprRole::Processor) => 2,
        (CompanyRole::Controller, _) => 1,
        (CompanyRole::Processor, _) => 4,
    });
    if scc {
        frameworks.push("scc");
        for (law, path) in [
            (&t.governing_law, "transfers.governing_law"),
            (&t.forum, "transfers.forum"),
        ] {
            let code = law.as_deref().unwrap_or(if path.ends_with("law") {
                &company.governing_law
            } else {
                &company.forum
            });
            if !country::is_eu(code) {
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
                            "the SCCs' {what} must name an EU Member State, not {}",
                            country_label(code)
                        ),
                    )
                } else {
                    Diagnostic::error(
                        &vendor.file,
                        Some(0..0),
                        format!(
                            "the SCCs' {what} must name an EU Member State; the default from dpa.toml is {}",
                            country_label(code)
                        ),
                    )
                };
                diags.push(d.with_hint("for example \"IE\" (Ireland) or \"NL\" (the Netherlands)"));
            }
        }
    }
    if uk {
        frameworks.push("uk");
    }
    if ch {
        frameworks.push("ch");
    }
    if usstate {
        frameworks.push("usstate");
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
    };
    Applicability {
        frameworks,
        scc_module,
        ccpa_third_party: p.ccpa_role == CcpaRole::ThirdParty,
        ccpa_business,
        transfers,
    }
}

fn country_label(code: &str) -> String {
    match country::name(code) {
        Some(name) => format!("{name} ({code})"),
        None => code.to_string(),
    }
}

/// The facts `when` conditions read: the vendor record, `company`, and derived facts.
pub fn facts(company: &Company, vendor: &Vendor, app: &Applicability) -> Value {
    let mut v = serde_json::to_value(vendor).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.insert(
            "transfers".into(),
            serde_json::to_value(&app.transfers).unwrap_or(Value::Null),
        );
        map.insert(
            "company".into(),
            serde_json::to_value(company).unwrap_or(Value::Null),
        );
        map.insert("frameworks".into(), json!(app.frameworks));
        map.insert("scc".into(), json!({ "module": app.scc_module }));
        map.insert(
            "has_subprocessors".into(),
            json!(!vendor.subprocessors.is_empty()),
        );
        map.insert(
            "has_sensitive_data".into(),
            json!(!vendor.processing.sensitive_data.is_empty()),
        );
    }
    v
}

/// Field paths a `when` condition may read.
pub const KNOWN_PATHS: &[&str] = &[
    "id",
    "name",
    "short_name",
    "entity",
    "address",
    "country",
    "contact",
    "signatory",
    "service",
    "processing.regions",
    "processing.ccpa_role",
    "processing.gdpr_role",
    "processing.purposes",
    "processing.data_subjects",
    "processing.data_categories",
    "processing.sensitive_data",
    "processing.frequency",
    "processing.retention",
    "transfers.mechanism",
    "transfers.docking_clause",
    "transfers.subprocessor_authorisation",
    "transfers.subprocessor_notice_days",
    "transfers.governing_law",
    "transfers.forum",
    "transfers.uk_addendum",
    "transfers.swiss_adaptations",
    "transfers.uk_may_end",
    "transfers.idr",
    "subprocessors",
    "agreements",
    "company.name",
    "company.short_name",
    "company.country",
    "company.role",
    "company.eu_representative",
    "company.supervisory_authority",
    "company.paper",
    "company.governing_law",
    "company.forum",
    "frameworks",
    "scc.module",
    "has_subprocessors",
    "has_sensitive_data",
];

/// The clauses of `library` selected for a vendor, in agreement order.
pub fn clauses<'l>(library: &'l Library, app: &Applicability, facts: &Value) -> Vec<&'l Clause> {
    let mut out: Vec<&Clause> = library
        .clauses()
        .filter(|c| c.frameworks.iter().any(|f| f == "general" || app.has(f)))
        .filter(|c| c.when.as_ref().is_none_or(|w| w.expr.eval(facts)))
        .collect();
    out.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{company, vendor};

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

    fn app(c: &Company, v: &Vendor) -> (Applicability, Diagnostics) {
        let mut d = Diagnostics::new();
        let a = applicability(c, v, &mut d);
        (a, d)
    }

    #[test]
    fn california_service_provider_needs_ccpa() {
        let (a, d) = app(
            &company(""),
            &vendor("US", "[\"US-CA\"]", "service_provider", "none", "", ""),
        );
        assert!(!d.has_errors());
        assert_eq!(a.frameworks, ["general", "ccpa"]);
        assert!(!a.ccpa_third_party);
    }

    #[test]
    fn california_contractor_needs_ccpa() {
        let (a, _) = app(
            &company(""),
            &vendor("US", "[\"US-CA\"]", "contractor", "none", "", ""),
        );
        assert_eq!(a.frameworks, ["general", "ccpa"]);
    }

    #[test]
    fn california_third_party_is_flagged() {
        let (a, _) = app(
            &company(""),
            &vendor("US", "[\"US-CA\"]", "third_party", "none", "", ""),
        );
        assert_eq!(a.frameworks, ["general", "ccpa"]);
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
        assert_eq!(a.frameworks, ["general"]);
    }

    #[test]
    fn eea_processor_inside_the_eea_needs_gdpr_only() {
        let (a, d) = app(
            &company(""),
            &vendor("DE", "[\"EEA\"]", "none", "processor", "", ""),
        );
        assert!(!d.has_errors());
        assert_eq!(a.frameworks, ["general", "gdpr"]);
        assert_eq!(a.scc_module, None);
    }

    #[test]
    fn eea_processor_without_adequacy_needs_scc_module_two() {
        let (a, d) = app(
            &company(""),
            &vendor("IN", "[\"EEA\"]", "none", "processor", "", ""),
        );
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(a.frameworks, ["general", "gdpr", "scc"]);
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
        assert_eq!(a.frameworks, ["general", "gdpr", "dpf"]);
        assert_eq!(a.scc_module, None);
    }

    #[test]
    fn us_importer_without_dpf_needs_scc() {
        let (a, _) = app(
            &company(""),
            &vendor("US", "[\"EEA\"]", "none", "processor", "", ""),
        );
        assert_eq!(a.frameworks, ["general", "gdpr", "scc"]);
    }

    #[test]
    fn uk_data_leaving_the_uk_adds_the_uk_addendum() {
        let (a, _) = app(
            &company(""),
            &vendor("IN", "[\"UK\"]", "none", "processor", "", ""),
        );
        assert_eq!(a.frameworks, ["general", "gdpr", "scc", "uk"]);
        let (b, _) = app(
            &company(""),
            &vendor("GB", "[\"UK\"]", "none", "processor", "", ""),
        );
        assert_eq!(b.frameworks, ["general", "gdpr"]);
    }

    #[test]
    fn swiss_data_leaving_switzerland_adds_the_fadp_adaptations() {
        let (a, _) = app(
            &company(""),
            &vendor("US", "[\"CH\"]", "none", "processor", "", ""),
        );
        assert_eq!(a.frameworks, ["general", "gdpr", "scc", "ch"]);
        // Japan is adequate for the EU but not on the Swiss list.
        let (b, _) = app(
            &company(""),
            &vendor("JP", "[\"EEA\", \"CH\"]", "none", "processor", "", ""),
        );
        assert_eq!(b.frameworks, ["general", "gdpr", "scc", "ch"]);
    }

    #[test]
    fn other_us_states_add_the_state_processor_terms() {
        let (a, _) = app(
            &company(""),
            &vendor("US", "[\"US-CO\"]", "service_provider", "none", "", ""),
        );
        assert_eq!(a.frameworks, ["general", "usstate"]);
        let (b, _) = app(
            &company(""),
            &vendor("US", "[\"US-CO\"]", "third_party", "none", "", ""),
        );
        assert_eq!(
            b.frameworks,
            ["general"],
            "a third party is not a processor"
        );
        let (c, _) = app(
            &company(""),
            &vendor("US", "[\"US\"]", "service_provider", "none", "", ""),
        );
        assert_eq!(c.frameworks, ["general", "ccpa", "usstate"]);
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
