//! `dpa review` reads a document as counsel would: scope of each part, definitions and headings,
//! carve-outs anywhere, who owes each duty, the framework the document speaks to, empty annex
//! fields. Each test is one class of misreading, on text written for it.

use serde_json::Value;

use crate::common::*;

/// Reviews `markdown` (written to a file) against `frameworks`; the JSON report.
fn review(markdown: &str, frameworks: &[&str]) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("their-dpa.md");
    std::fs::write(&file, markdown).expect("write");
    let mut args = vec!["review", file.to_str().expect("utf8"), "--format", "json"];
    for f in frameworks {
        args.extend(["--framework", f]);
    }
    let out = dpa(dir.path(), &args);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn finding<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["requirement"] == id)
        .unwrap_or_else(|| panic!("no finding for {id}"))
}

fn status(json: &Value, id: &str) -> String {
    finding(json, id)["status"]
        .as_str()
        .expect("status")
        .to_string()
}

fn reasons(json: &Value, id: &str) -> String {
    finding(json, id)["reasons"].to_string()
}

const BODY: &str = "# Data Processing Addendum\n\n## 1. Scope\n\nThis Addendum is binding on the parties and forms part of the Agreement. Vendor acts as a processor under the GDPR and as a service provider under the CCPA.\n\n## 2. Instructions\n\nVendor shall process Customer Personal Data only on documented instructions from Customer.\n\n";

#[test]
fn transfer_clauses_bind_only_restricted_transfers() {
    let doc = format!(
        "{BODY}## Annex 2 Standard Contractual Clauses\n\nThe Standard Contractual Clauses (Module Two) apply only to Restricted Transfers and are incorporated as follows.\n\n### Clause 8.5 Confidentiality\n\nThe data importer shall ensure that persons authorised to process the personal data have committed themselves to confidentiality.\n\n### Clause 8.9 Documentation and compliance\n\nThe data importer shall allow for and contribute to audits of the processing activities covered by these Clauses.\n\n### Clause 8.11 Combination\n\nThe data importer shall not combine the personal data with personal data received from other sources.\n"
    );
    let json = review(&doc, &["gdpr", "ccpa"]);
    for id in ["gdpr.28.3.b", "gdpr.28.3.h"] {
        assert_eq!(
            status(&json, id),
            "partial",
            "{id}: {:#}",
            finding(&json, id)
        );
        assert!(
            reasons(&json, id).contains("restricted transfers"),
            "{id}: {:#}",
            finding(&json, id)
        );
    }
    // Californian data is never a restricted transfer: the SCCs say nothing for it.
    assert_eq!(status(&json, "ccpa.140ag.D"), "missing");
    assert_eq!(status(&json, "gdpr.28.3.a"), "satisfied");
}

#[test]
fn definitions_and_headings_are_not_duties() {
    let doc = format!(
        "{BODY}## 3. Definitions\n\n\"Controller\" means the natural or legal person which alone or jointly with others determines the purposes and means of the processing of Personal Data.\n\n## 4. California\n\nProhibition on combining personal information received from other sources\n\nVendor shall provide the Services described in the Agreement.\n"
    );
    let json = review(&doc, &["gdpr", "ccpa"]);
    assert_eq!(
        status(&json, "gdpr.28.3.purpose"),
        "missing",
        "{:#}",
        finding(&json, "gdpr.28.3.purpose")
    );
    assert_eq!(
        status(&json, "ccpa.140ag.D"),
        "missing",
        "{:#}",
        finding(&json, "ccpa.140ag.D")
    );
}

#[test]
fn carve_outs_anywhere_limit_the_duties_they_reach() {
    let doc = format!(
        "{BODY}## 3. Purpose\n\nVendor shall process Customer Personal Data only for the purposes of providing the Services and for no other purpose.\n\n## 4. Sub-processors\n\nVendor will use commercially reasonable efforts to notify Customer of any new sub-processor, and Customer may object to the change.\n\n## 5. Audits\n\nVendor shall allow for and contribute to audits conducted by Customer. Any audit shall be at Customer's sole cost and expense.\n\n## 9. General\n\nNothing in this Addendum limits Vendor's use of Customer Personal Data as otherwise permitted by law, including as described in Vendor's Privacy Policy.\n\nVendor may amend this Addendum from time to time by posting a revised version on its website.\n"
    );
    let json = review(&doc, &["gdpr", "ccpa"]);
    let own = finding(&json, "gdpr.28.10.no_own_purpose");
    assert_eq!(own["status"], "partial", "{own:#}");
    assert!(
        own["evidence"]
            .as_array()
            .expect("evidence")
            .iter()
            .any(|e| e["bearing"] == "against"
                && e["quote"]
                    .as_str()
                    .is_some_and(|q| q.contains("Privacy Policy"))),
        "{own:#}"
    );
    assert_eq!(status(&json, "gdpr.28.3.h"), "partial");
    assert!(reasons(&json, "gdpr.28.3.h").contains("cost"));
    assert_eq!(status(&json, "gdpr.28.2.notice"), "partial");
    assert!(reasons(&json, "gdpr.28.2.notice").contains("efforts"));
    // The report opens with the clauses that undermine several requirements.
    let under = &json["undermining"];
    let quotes: Vec<&str> = under
        .as_array()
        .expect("undermining")
        .iter()
        .filter(|u| u["requirements"].as_array().is_some_and(|r| r.len() >= 2))
        .filter_map(|u| u["quote"].as_str())
        .collect();
    assert!(
        quotes.iter().any(|q| q.contains("amend this Addendum")),
        "{under:#}"
    );
    assert!(
        quotes.iter().any(|q| q.contains("Privacy Policy")),
        "{under:#}"
    );
}

#[test]
fn duties_of_the_customer_are_not_the_vendors() {
    let doc = format!(
        "{BODY}## 3. Customer obligations\n\nCustomer shall ensure that its personnel are bound by obligations of confidentiality.\n\nThe data exporter shall notify the competent supervisory authority of any personal data breach without undue delay.\n"
    );
    let json = review(&doc, &["gdpr"]);
    for id in ["gdpr.28.3.b", "gdpr.33.2"] {
        assert_eq!(
            status(&json, id),
            "missing",
            "{id}: {:#}",
            finding(&json, id)
        );
    }
}

#[test]
fn gdpr_wording_does_not_meet_the_ccpa() {
    let doc = "# Data Processing Addendum\n\n## 1. Processing\n\nProcessor shall process Personal Data only for the purposes set out in Annex I and for no other purpose.\n\nProcessor shall ensure that each sub-processor is bound by the same data protection obligations as set out in this Addendum.\n\nProcessor shall not sell or share Personal Data.\n";
    let json = review(doc, &["gdpr", "ccpa"]);
    assert_eq!(status(&json, "gdpr.28.10.no_own_purpose"), "satisfied");
    let ccpa: Vec<&Value> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["framework"] == "ccpa")
        .collect();
    assert!(ccpa.iter().filter(|f| f["status"] == "missing").count() > 10);
    for f in ccpa {
        assert!(
            f["status"] == "missing" || f["status"] == "unchecked",
            "{f:#}"
        );
    }
}

#[test]
fn empty_annex_fields_state_nothing() {
    let doc = format!(
        "{BODY}## Annex I Description of the processing\n\nSubject matter of the processing:\n\nCategories of data subjects whose personal data is processed:\n\nCategories of personal data processed: None\n\nNature of the processing: N/A\n\nPurpose(s) of the processing:\n\nDuration of the processing: -\n"
    );
    let json = review(&doc, &["gdpr"]);
    for id in [
        "gdpr.28.3.subject",
        "gdpr.28.3.subject_categories",
        "gdpr.28.3.data_types",
        "gdpr.28.3.nature",
        "gdpr.28.3.purpose",
        "gdpr.28.3.duration",
    ] {
        assert_eq!(
            status(&json, id),
            "missing",
            "{id}: {:#}",
            finding(&json, id)
        );
    }
}

#[test]
fn the_html_report_opens_with_the_undermining_clauses_and_names_requirements() {
    let doc = format!(
        "{BODY}## 3. Purpose\n\nVendor shall process Customer Personal Data only for the purposes of providing the Services and for no other purpose.\n\n## 9. General\n\nNothing in this Addendum limits Vendor's use of Customer Personal Data as otherwise permitted by law, including as described in Vendor's Privacy Policy.\n\nVendor may amend this Addendum from time to time by posting a revised version on its website.\n"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("their-dpa.md");
    std::fs::write(&file, doc).expect("write");
    let out = dpa(
        dir.path(),
        &[
            "review",
            file.to_str().expect("utf8"),
            "--framework",
            "gdpr",
            "--format",
            "html",
        ],
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let html = stdout(&out);
    let under = html
        .find("<section class=\"undermining\"")
        .expect("an undermining section");
    let table = html.find("<table>").expect("the findings table");
    assert!(under < table, "the undermining list comes first");
    let section = &html[under..table];
    assert!(section.contains("amend this Addendum"), "{section}");
    assert!(section.contains("Privacy Policy"), "{section}");
    // Requirements by name, the id in small print after it.
    assert!(
        section.contains(
            "No processing for the processor&#39;s own purposes</a> <span class=\"id\">(gdpr.28.10.no_own_purpose)</span>"
        ) || section.contains(
            "No processing for the processor&#x27;s own purposes</a> <span class=\"id\">(gdpr.28.10.no_own_purpose)</span>"
        ) || section.contains(
            "No processing for the processor's own purposes</a> <span class=\"id\">(gdpr.28.10.no_own_purpose)</span>"
        ),
        "{section}"
    );
    assert!(
        html.contains("<strong>State the purpose of the processing</strong>"),
        "{html}"
    );
    assert!(
        !html.contains("<code>gdpr."),
        "bare ids in the findings table"
    );
}
