//! The signatory's read in `dpa check`: findings in the agreement text exit 1, located by
//! vendor and clause, on the examples, a minimal record and a company that is a processor.

use std::path::Path;

use crate::common::{dpa, example_workspace, repo, stderr, stdout, write};

/// A clause that prints the service end date with no condition, as a careless override would.
const END_DATE_CLAUSE: &str = "+++\nid = \"general.service_end\"\ntitle = \"End of the Services\"\nversion = 1\nframeworks = [\"general\"]\nsatisfies = []\norder = 25\n+++\nThe Services end on {{ dates.ends }}.\n";

/// Copies a fixture folder's files into a workspace.
fn copy_fixture(name: &str, to: &Path) {
    let from = repo().join("tests/fixtures").join(name);
    for rel in ["dpa.toml"] {
        if from.join(rel).is_file() {
            std::fs::copy(from.join(rel), to.join(rel)).expect("copy dpa.toml");
        }
    }
    std::fs::create_dir_all(to.join("vendors")).expect("mkdir vendors");
    for entry in std::fs::read_dir(from.join("vendors")).expect("fixture vendors/") {
        let path = entry.expect("entry").path();
        let file = path.file_name().expect("file name");
        std::fs::copy(&path, to.join("vendors").join(file)).expect("copy record");
    }
}

#[test]
fn an_empty_value_exits_1_naming_vendor_and_clause() {
    let ws = example_workspace();
    write(ws.path(), "clauses/service_end.md", END_DATE_CLAUSE);
    // nordhost's record gives no end date, so the clause prints nothing where the date belongs.
    let out = dpa(ws.path(), &["check", "nordhost"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "empty value in the agreement for vendor `nordhost`, clause 1.3 (End of the Services): `on` with nothing after it"
        ),
        "{err}"
    );
    assert!(
        err.contains("the text reads: The Services end on ."),
        "{err}"
    );
    assert!(stdout(&out).contains("finding"), "{}", stdout(&out));

    let json = dpa(ws.path(), &["check", "nordhost", "--format", "json"]);
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
    let record = std::fs::read_to_string(ws.path().join("vendors/nordhost.toml")).expect("record");
    write(
        ws.path(),
        "vendors/nordhost.toml",
        &record.replace(
            "starts = 2024-06-01",
            "starts = 2024-06-01\nends = 2030-05-31",
        ),
    );
    let fixed = stderr(&dpa(ws.path(), &["check", "nordhost"]));
    assert!(!fixed.contains("clause 1.3"), "{fixed}");
}

#[test]
fn as_of_decides_whether_an_end_date_has_passed() {
    let ws = example_workspace();
    // acme-analytics' services are scheduled to end on 14 January 2027.
    let before = stderr(&dpa(
        ws.path(),
        &["check", "acme-analytics", "--as-of", "2027-01-14"],
    ));
    assert!(!before.contains("14 January 2027 has passed"), "{before}");
    let after = dpa(
        ws.path(),
        &["check", "acme-analytics", "--as-of", "2027-01-15"],
    );
    assert_eq!(after.status.code(), Some(1), "{}", stderr(&after));
    let err = stderr(&after);
    assert!(
        err.contains("past date described as future in the agreement for vendor `acme-analytics`"),
        "{err}"
    );
    assert!(
        err.contains(
            "14 January 2027 has passed (as of 2027-01-15), but the text says `scheduled to`"
        ),
        "{err}"
    );
}

#[test]
fn an_undefined_term_in_a_record_is_found() {
    let ws = example_workspace();
    let record = std::fs::read_to_string(ws.path().join("vendors/nordhost.toml")).expect("record");
    write(
        ws.path(),
        "vendors/nordhost.toml",
        &record.replace(
            "frequency = \"continuous\"",
            "frequency = \"continuous\"\npurposes = [\"Host the Supplier's production database\"]",
        )
        .replace(
            "purposes = [\"Host and back up Customer's production database and uploaded files\"]\n",
            "",
        ),
    );
    let out = dpa(ws.path(), &["check", "nordhost"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("undefined term in the agreement for vendor `nordhost`, clause Annex I.B"),
        "{err}"
    );
    assert!(
        err.contains("`Supplier` is used as a defined term, but this agreement does not define it"),
        "{err}"
    );
}

#[test]
fn examples_minimal_record_and_processor_company_pass_the_read() {
    let examples = example_workspace();
    let minimal = example_workspace();
    for entry in std::fs::read_dir(minimal.path().join("vendors")).expect("vendors") {
        std::fs::remove_file(entry.expect("entry").path()).expect("remove example");
    }
    copy_fixture("minimal", minimal.path());
    let processor = tempfile::tempdir().expect("tempdir");
    copy_fixture("processor", processor.path());
    for (name, ws) in [
        ("examples", examples.path()),
        ("minimal", minimal.path()),
        ("processor", processor.path()),
    ] {
        let out = dpa(ws, &["check"]);
        assert_eq!(out.status.code(), Some(0), "{name}:\n{}", stderr(&out));
        assert!(
            stdout(&out).contains("as a signatory: nothing to stop at"),
            "{name}: {}",
            stdout(&out)
        );
    }
}
