//! Security and breach terms outside GDPR agreements: CCPA-only agreements and processors holding only other US states' data.

use crate::common::*;

const VIRGINIA: &str = r#"name = "Tidewater Mailing LLC"
short_name = "Tidewater"
address = "1 Main Street, Richmond, VA 23219, United States"
country = "US"

[contact]
name = "Dana Reyes"
email = "privacy@tidewater.example"

[signatory]
name = "Dana Reyes"
title = "Managing Member"

[service]
description = "Printing and mailing of customer statements"
starts = 2026-01-05

[processing]
regions = ["US-VA"]
ccpa_role = "none"
gdpr_role = "processor"
purposes = ["Printing and mailing account statements to customers"]
data_subjects = ["Customers resident in Virginia"]
data_categories = ["Names", "Postal addresses", "Account balances"]
frequency = "continuous"
retention = "Deleted 30 days after each mailing"

[security]
encryption = "Statement files encrypted at rest and in transit"
physical_security = "Print facility with badge access and CCTV"
"#;

fn coverage(root: &std::path::Path, id: &str) -> serde_json::Value {
    let out = dpa(root, &["check", id, "--coverage", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    v["vendors"][0].clone()
}

fn covered(report: &serde_json::Value, id: &str) -> bool {
    report["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .any(|r| r["id"] == id && r["covered"] == true)
}

#[test]
fn ccpa_only_third_party_agreement_has_security_and_breach_terms() {
    let ws = example_workspace();
    let report = coverage(ws.path(), "adreach");
    assert_eq!(report["frameworks"], serde_json::json!(["general", "ccpa"]));
    for id in ["ccpa.security", "ccpa.breach_notice"] {
        assert!(covered(&report, id), "{id}: {report}");
    }
    let text = agreement_text(ws.path(), "adreach");
    assert!(text.contains("Security and breach notification"), "{text}");
    assert!(
        text.contains("of any Personal Data Breach immediately after discovering it"),
        "{text}"
    );
    assert!(text.contains("Cal. Civ. Code § 1798.82"), "{text}");
    // Annex II promises no period that the agreement does not set.
    assert!(
        !text.contains("within the periods set by this Addendum"),
        "{text}"
    );
}

#[test]
fn virginia_only_processor_gets_state_processor_security_and_breach_terms() {
    let ws = example_workspace();
    write(ws.path(), "vendors/tidewater.toml", VIRGINIA);
    let report = coverage(ws.path(), "tidewater");
    assert_eq!(
        report["frameworks"],
        serde_json::json!(["general", "usstate"])
    );
    for id in [
        "usstate.instructions",
        "usstate.confidentiality",
        "usstate.delete_return",
        "usstate.demonstrate",
        "usstate.audit",
        "usstate.flowdown",
        "usstate.object",
        "usstate.security",
        "usstate.breach_notice",
        "usstate.assist.requests",
        "usstate.assist.security",
        "usstate.assist.breach",
        "usstate.assist.dpa",
    ] {
        assert!(covered(&report, id), "{id}: {report}");
    }
    let text = agreement_text(ws.path(), "tidewater");
    assert!(
        text.contains(
            "of any Personal Data Breach without unreasonable delay after discovering it"
        ),
        "{text}"
    );
    assert!(
        text.contains("data protection assessments that law requires of it"),
        "{text}"
    );
    // Business and employment contacts are outside several state laws; the clause says so
    // and keeps them under its terms, and breach notices count individuals, not consumers.
    assert!(
        text.contains("an individual acting in a commercial or employment context, such as an employee or the contact person of a business customer or supplier, is not a consumer"),
        "{text}"
    );
    assert!(
        text.contains("shall nonetheless meet the obligations of this clause and of"),
        "{text}"
    );
    assert!(
        text.contains("for that personal data as if it were within that law"),
        "{text}"
    );
    assert!(
        text.contains("the number of individuals affected"),
        "{text}"
    );
    // The text coverage lists is also what `check --coverage` prints.
    let out = dpa(ws.path(), &["check", "tidewater", "--coverage"]);
    let listing = stdout(&out);
    assert!(
        listing.contains("usstate.breach_notice") && listing.contains("usstate.security_breach"),
        "{listing}"
    );
}
