//! The signatory's read in `dpa check`: findings in the agreement text exit 1, located by
//! vendor and clause, on the examples, a minimal record and a company that is a processor.

use std::path::Path;

use crate::common::{dpa, example_workspace, repo, stderr, stdout, write};

/// A clause that prints the service end date with no condition, as a careless override would.
const END_DATE_CLAUSE: &str = "+++\nid = \"general.service_end\"\ntitle = \"End of the Services\"\nversion = 1\nframeworks = [\"general\"]\nsatisfies = []\norder = 25\n+++\nThe Services are scheduled to end on {{ dates.ends }}.\n";

/// The minimal record of `tests/fixtures/minimal`.
fn minimal_record() -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/minimal/vendors/minimal.toml"))
        .expect("minimal record")
}

/// Copies a fixture folder's `dpa.toml` (when it has one) and records into a workspace.
fn copy_fixture(name: &str, to: &Path) {
    let from = repo().join("tests/fixtures").join(name);
    if from.join("dpa.toml").is_file() {
        std::fs::copy(from.join("dpa.toml"), to.join("dpa.toml")).expect("copy dpa.toml");
    }
    std::fs::create_dir_all(to.join("vendors")).expect("mkdir vendors");
    for entry in std::fs::read_dir(from.join("vendors")).expect("fixture vendors/") {
        let path = entry.expect("entry").path();
        let file = path.file_name().expect("file name");
        std::fs::copy(&path, to.join("vendors").join(file)).expect("copy record");
    }
}

/// The example company with the minimal record as its only vendor.
fn minimal_workspace() -> tempfile::TempDir {
    let ws = example_workspace();
    for entry in std::fs::read_dir(ws.path().join("vendors")).expect("vendors") {
        std::fs::remove_file(entry.expect("entry").path()).expect("remove example record");
    }
    copy_fixture("minimal", ws.path());
    ws
}

#[test]
fn an_empty_value_exits_1_naming_vendor_and_clause() {
    let ws = minimal_workspace();
    write(ws.path(), "clauses/service_end.md", END_DATE_CLAUSE);
    // The minimal record gives no end date, so the clause prints nothing where the date belongs.
    let out = dpa(ws.path(), &["check", "minimal"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "error: vendors/minimal.toml: empty value in the agreement for vendor `minimal`, clause 1.3 (End of the Services): `on` with nothing after it"
        ),
        "{err}"
    );
    assert!(
        err.contains("the text reads: The Services are scheduled to end on ."),
        "{err}"
    );
    assert!(
        stdout(&out).contains("as a signatory: "),
        "{}",
        stdout(&out)
    );

    let json = dpa(ws.path(), &["check", "minimal", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1), "{}", stderr(&json));
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("json");
    let findings = v["vendors"][0]["findings"].as_array().expect("findings");
    let empty = findings
        .iter()
        .find(|f| f["clause"] == "1.3")
        .expect("a finding in clause 1.3");
    assert_eq!(empty["kind"], "empty-value");
    assert_eq!(empty["title"], "End of the Services");

    // With an end date the same clause reads as a signatory expects.
    write(
        ws.path(),
        "vendors/minimal.toml",
        &minimal_record().replace(
            "starts = 2025-01-15",
            "starts = 2025-01-15\nends = 2099-05-31",
        ),
    );
    let fixed = stderr(&dpa(ws.path(), &["check", "minimal"]));
    assert!(!fixed.contains("clause 1.3"), "{fixed}");
}

#[test]
fn as_of_decides_whether_an_end_date_has_passed() {
    let ws = minimal_workspace();
    write(ws.path(), "clauses/service_end.md", END_DATE_CLAUSE);
    write(
        ws.path(),
        "vendors/minimal.toml",
        &minimal_record().replace(
            "starts = 2025-01-15",
            "starts = 2025-01-15\nends = 2027-01-14",
        ),
    );
    let before = stderr(&dpa(
        ws.path(),
        &["check", "minimal", "--as-of", "2027-01-14"],
    ));
    assert!(!before.contains("14 January 2027 has passed"), "{before}");
    let after = dpa(ws.path(), &["check", "minimal", "--as-of", "2027-01-15"]);
    assert_eq!(after.status.code(), Some(1), "{}", stderr(&after));
    let err = stderr(&after);
    assert!(
        err.contains(
            "past date described as future in the agreement for vendor `minimal`, clause 1.3 (End of the Services): 14 January 2027 has passed (as of 2027-01-15), but the text says `scheduled to`"
        ),
        "{err}"
    );
}

#[test]
fn an_undefined_term_in_a_record_is_found() {
    let ws = minimal_workspace();
    write(
        ws.path(),
        "vendors/minimal.toml",
        &minimal_record().replace(
            "purposes = [\"Provide widgets\"]",
            "purposes = [\"Host the Supplier's production database\"]",
        ),
    );
    let out = dpa(ws.path(), &["check", "minimal"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("undefined term in the agreement for vendor `minimal`, clause Annex I.B"),
        "{err}"
    );
    assert!(
        err.contains("`Supplier` is used as a defined term, but this agreement does not define it"),
        "{err}"
    );
}

/// Runs `dpa check` and asserts that it passes with nothing to stop at.
fn passes(name: &str, ws: &Path) {
    let out = dpa(ws, &["check"]);
    assert_eq!(out.status.code(), Some(0), "{name}:\n{}", stderr(&out));
    assert!(
        stdout(&out).contains("as a signatory: nothing to stop at"),
        "{name}: {}",
        stdout(&out)
    );
}

/// The `[security]` table that a record needs when its agreement includes the SCCs.
const SECURITY: &str = "\n[security]\nencryption = \"AES-256 at rest; TLS 1.2 or later in transit\"\naccess_control = \"Named accounts with multi-factor authentication\"\nrestoration = \"Daily encrypted backups, restored within 24 hours\"\n";

#[test]
fn the_examples_and_a_processor_company_pass_the_read() {
    passes("examples", example_workspace().path());
    let processor = tempfile::tempdir().expect("tempdir");
    copy_fixture("processor", processor.path());
    passes("processor", processor.path());
    // The minimal record, with the one table its SCCs make necessary.
    let minimal = minimal_workspace();
    write(
        minimal.path(),
        "vendors/minimal.toml",
        &(minimal_record() + SECURITY),
    );
    passes("minimal", minimal.path());
}

#[test]
fn annex_ii_under_the_sccs_needs_the_vendors_own_measures() {
    let ws = minimal_workspace();
    let out = dpa(ws.path(), &["check", "minimal"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "error: vendors/minimal.toml: security measures not described in the agreement for vendor `minimal`, clause Annex II (Technical and organisational measures): the SCCs apply, and their Annex II must describe"
        ),
        "{err}"
    );
    assert!(
        err.contains("in a `[security]` table of `vendors/minimal.toml`"),
        "{err}"
    );
    assert!(
        stdout(&out).contains("as a signatory: 1 finding"),
        "{}",
        stdout(&out)
    );
    let json = dpa(ws.path(), &["check", "minimal", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("json");
    let findings = v["vendors"][0]["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["kind"] == "undescribed-measures" && f["clause"] == "Annex II"),
        "{findings:#?}"
    );

    // The agreement itself prints no placeholder: Annex II gives the baseline measures.
    let out = dpa(ws.path(), &["render", "minimal", "--out", "o"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = crate::common::pdf_text(&ws.path().join("o/minimal/minimal.pdf"));
    assert!(!text.contains("yet been described"), "{text}");
    assert!(text.contains("TLS 1.2 or later"), "{text}");

    // The SCCs that apply if the Data Privacy Framework fails need the same description.
    write(
        ws.path(),
        "vendors/minimal.toml",
        &minimal_record().replace(
            "retention = \"One year\"",
            "retention = \"One year\"\n\n[transfers]\nmechanism = \"dpf\"",
        ),
    );
    let err = stderr(&dpa(ws.path(), &["check", "minimal"]));
    assert!(
        err.contains("the SCCs apply if the Data Privacy Framework ceases to cover the transfer"),
        "{err}"
    );
}

#[test]
fn a_gdpr_only_agreement_without_security_is_signable_with_the_baseline() {
    let ws = minimal_workspace();
    // A Japanese processor of EEA data: adequacy, no SCCs.
    write(
        ws.path(),
        "vendors/minimal.toml",
        &minimal_record()
            .replace("country = \"US\"", "country = \"JP\"")
            .replace(
                "regions = [\"US-CA\", \"EEA\", \"UK\", \"CH\"]",
                "regions = [\"EEA\"]",
            )
            .replace("ccpa_role = \"service_provider\"", "ccpa_role = \"none\""),
    );
    passes("gdpr-only minimal", ws.path());
    let out = dpa(ws.path(), &["render", "minimal", "--out", "o"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = crate::common::pdf_text(&ws.path().join("o/minimal/minimal.pdf"));
    assert!(!text.contains("Standard Contractual Clauses"), "{text}");
    for measure in [
        "TLS 1.2 or later",
        "multi-factor authentication",
        "penetration test",
    ] {
        assert!(
            text.contains(measure),
            "baseline measure `{measure}` missing: {text}"
        );
    }
}
