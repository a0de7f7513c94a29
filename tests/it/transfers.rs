//! Transfer terms derived from both parties' places and roles, and the dated adequacy data behind them.

use crate::common::*;

#[test]
fn check_warns_when_the_adequacy_data_is_more_than_a_year_old() {
    let ws = example_workspace();
    let fresh = dpa(ws.path(), &["check", "--as-of", "2027-12-02"]);
    assert_eq!(fresh.status.code(), Some(0), "{}", stderr(&fresh));
    assert!(
        !stderr(&fresh).contains("adequacy lists"),
        "{}",
        stderr(&fresh)
    );
    let stale = dpa(ws.path(), &["check", "--as-of", "2027-12-03"]);
    // A warning, not an error: the agreements are still checked and covered.
    assert_eq!(stale.status.code(), Some(0), "{}", stderr(&stale));
    let err = stderr(&stale);
    assert!(err.contains("data/adequacy.toml"), "{err}");
    assert!(
        err.contains("the adequacy lists were last checked on 2026-12-02"),
        "{err}"
    );
    let bad = dpa(ws.path(), &["check", "--as-of", "2027-13-01"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
    assert!(stderr(&bad).contains("is not a date"), "{}", stderr(&bad));
}

#[test]
fn brazil_is_adequate_for_eu_data() {
    let ws = example_workspace();
    let record = std::fs::read_to_string(ws.path().join("vendors/suryadesk.toml"))
        .expect("suryadesk")
        .replace("country = \"IN\"", "country = \"BR\"")
        .replace("mechanism = \"scc\"", "mechanism = \"adequacy\"");
    write(ws.path(), "vendors/suryadesk.toml", &record);
    let out = dpa(
        ws.path(),
        &["check", "suryadesk", "--coverage", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let frameworks = &v["vendors"][0]["frameworks"];
    assert!(
        !frameworks
            .as_array()
            .expect("frameworks")
            .iter()
            .any(|f| f == "scc"),
        "{frameworks}"
    );
}

#[test]
fn nordhost_returns_eea_data_to_lumen_under_module_four() {
    let text = agreement_text(&repo(), "nordhost");
    assert!(
        text.contains("Module Four (transfer processor to controller) of the SCCs applies"),
        "{text}"
    );
    assert!(
        text.contains("with Nordhost as data exporter and Lumen as data importer"),
        "{text}"
    );
    assert!(
        text.contains("Clause 13 (supervision) and Annex I.C do not form part of Module Four"),
        "{text}"
    );
    // Module Four: the law of a country allowing third-party beneficiary rights, no Member State rule.
    assert!(
        !text.contains("where the Module selected offers a choice"),
        "{text}"
    );
    assert!(
        !text.contains("Member State of their habitual residence"),
        "{text}"
    );
    // No transfer impact assessment warranted for a transfer the other way round.
    assert!(!text.contains("Transfer impact assessment"), "{text}");
    assert!(
        text.contains("Role under the SCCs],[Data importer],[Data exporter]"),
        "{text}"
    );
    // The README says why: the EEA processor exports back to a US controller.
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README");
    assert!(
        readme.contains("so Nordhost (Germany)")
            && readme
                .contains("Module Four, the module for a processor exporting to its controller"),
        "the README no longer explains nordhost's Module Four"
    );
}

#[test]
fn payroll_uk_returns_uk_data_under_the_uk_addendum_with_module_four() {
    let text = agreement_text(&repo(), "payroll-uk");
    assert!(
        text.contains("Module Four (transfer processor to controller)"),
        "{text}"
    );
    assert!(
        text.contains(
            "the exporter is Brightwage Payroll Ltd and the importer is Lumen Ledger, Inc."
        ),
        "{text}"
    );
}

#[test]
fn module_four_allows_a_non_eu_governing_law() {
    let ws = example_workspace();
    let record = std::fs::read_to_string(ws.path().join("vendors/nordhost.toml"))
        .expect("nordhost")
        .replace(
            "subprocessor_authorisation = \"specific\"",
            "subprocessor_authorisation = \"specific\"\ngoverning_law = \"CH\"\nforum = \"CH\"",
        );
    write(ws.path(), "vendors/nordhost.toml", &record);
    let out = dpa(ws.path(), &["check", "nordhost"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = agreement_text(ws.path(), "nordhost");
    assert!(
        text.contains("the SCCs are governed by the law of Switzerland, which the parties agree allows for third-party beneficiary rights"),
        "{text}"
    );
}

#[test]
fn dpf_fallback_covers_uk_and_swiss_data_from_any_region_code() {
    let ws = example_workspace();
    let record = std::fs::read_to_string(ws.path().join("vendors/pipeline-crm.toml"))
        .expect("pipeline-crm")
        .replace("\"UK\", \"CH\"]", "\"GB-ENG\", \"CH-ZH\"]");
    assert!(record.contains("GB-ENG"), "{record}");
    write(ws.path(), "vendors/pipeline-crm.toml", &record);
    let text = agreement_text(ws.path(), "pipeline-crm");
    assert!(text.contains("including its UK Extension"), "{text}");
    assert!(text.contains("Swiss-U.S. Data Privacy Framework"), "{text}");
    let fallback = &text[text.find("If the DPF ceases").expect("fallback")..];
    assert!(fallback.contains("also the UK Addendum"), "{fallback}");
    assert!(
        fallback.contains("references to the GDPR are read as references to the FADP"),
        "{fallback}"
    );
}

#[test]
fn a_swiss_processor_returning_data_under_module_four_adapts_no_clause_13() {
    let ws = example_workspace();
    let record = std::fs::read_to_string(ws.path().join("vendors/nordhost.toml"))
        .expect("nordhost")
        .replace("country = \"DE\"", "country = \"CH\"")
        .replace(
            "Speicherstraße 12, 20457 Hamburg, Germany",
            "Bahnhofstrasse 1, 8001 Zürich, Switzerland",
        )
        .replace("regions = [\"EEA\"]", "regions = [\"CH\"]");
    write(ws.path(), "vendors/nordhost.toml", &record);
    let out = dpa(ws.path(), &["check", "nordhost"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = agreement_text(ws.path(), "nordhost");
    assert!(
        text.contains("Module Four (transfer processor to controller)"),
        "{text}"
    );
    let swiss = &text[text
        .find("Transfers subject to the Swiss FADP")
        .expect("Swiss clause")..];
    let swiss = &swiss[..swiss.find("#heading").unwrap_or(swiss.len())];
    assert!(
        swiss.contains(
            "references in the SCCs to the GDPR are to be read as references to the FADP"
        ),
        "{swiss}"
    );
    // Module Four has no Clause 13 (supervision) and no Clause 18(c).
    assert!(!swiss.contains("Clause 13"), "{swiss}");
    assert!(!swiss.contains("Clause 18(c)"), "{swiss}");
}
