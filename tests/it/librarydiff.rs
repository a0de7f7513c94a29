//! `dpa diff --library`: the clause library compared at two git revisions, and the issued
//! agreements it touches, through the library call and through the command's output.

use std::path::Path;

use chrono::NaiveDate;
use dpa::pipeline::library_diff::{Execution, LibraryDiffError, library_diff};

use crate::common::*;

fn clause(id: &str, title: &str, version: u32, order: u32, body: &str) -> String {
    format!(
        "+++\nid = \"{id}\"\ntitle = \"{title}\"\nversion = {version}\nframeworks = [\"gdpr\"]\norder = {order}\n+++\n{body}\n"
    )
}

const AUDITS: &str = "The Processor shall make available all information needed to show compliance and shall allow audits, including inspections, once in any twelve months on thirty days' notice.";

/// The recorded examples with a library of three workspace clauses at `lib-a` and, at `lib-b`,
/// one clause reworded, one removed and one added; nordhost's v1 signed, pipeline-crm's record gone.
fn changed_library() -> tempfile::TempDir {
    let ws = recorded_workspace();
    let root = ws.path();
    write(
        root,
        "clauses/audits.md",
        &clause("gdpr.audits", "Information and audits", 2, 380, AUDITS),
    );
    write(
        root,
        "clauses/extra/hosting.md",
        &clause(
            "acme.hosting",
            "Hosting location",
            1,
            900,
            "The Processor shall host Personal Data in the European Union.",
        ),
    );
    write(
        root,
        "clauses/confidentiality.md",
        &clause(
            "gdpr.confidentiality",
            "Confidentiality",
            1,
            320,
            "Persons authorised to process Personal Data are bound by confidentiality.",
        ),
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "library a"]);
    git(root, &["tag", "lib-a"]);
    write(
        root,
        "clauses/audits.md",
        &clause(
            "gdpr.audits",
            "Information and audits",
            3,
            380,
            &AUDITS.replace("thirty days'", "fourteen days'"),
        ),
    );
    std::fs::remove_file(root.join("clauses/extra/hosting.md")).expect("remove");
    write(
        root,
        "clauses/extra/ai.md",
        &clause(
            "acme.ai",
            "Artificial intelligence",
            1,
            910,
            "The Processor shall not use Personal Data to train models.",
        ),
    );
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "library b"]);
    git(root, &["tag", "lib-b"]);
    // Signed by hand in the record (a fixed date; `dpa sign` refuses dates before today's issue).
    let record = root.join("vendors/nordhost.toml");
    let mut text = std::fs::read_to_string(&record).expect("nordhost record");
    text.push_str("\n[[agreements]]\nversion = 1\nstatus = \"signed\"\nsigned_on = 2026-03-02\n");
    std::fs::write(&record, text).expect("write record");
    std::fs::remove_file(root.join("vendors/pipeline-crm.toml")).expect("remove pipeline-crm");
    ws
}

fn open(root: &Path) -> (dpa::workspace::Workspace, dpa::store::Store) {
    let mut diags = dpa::diag::Diagnostics::new();
    let ws = dpa::workspace::Workspace::open(root, &mut diags).expect("workspace opens");
    assert!(!diags.has_errors(), "{diags:?}");
    let store = dpa::store::Store::open(root).expect("repository opens");
    (ws, store)
}

#[test]
fn the_library_call_returns_changed_clauses_and_affected_agreements_as_data() {
    let ws = changed_library();
    let (workspace, store) = open(ws.path());
    let lib = library_diff(&workspace, &store, "lib-a", "lib-b").expect("library diff");
    assert_eq!(
        lib.changed,
        ["acme.ai", "acme.hosting", "gdpr.audits"],
        "the unchanged confidentiality clause is not listed"
    );
    let s = &lib.report.summary;
    assert_eq!((s.modified, s.added, s.removed), (1, 1, 1), "{s:?}");
    let nordhost = lib
        .affected
        .iter()
        .find(|a| a.vendor == "nordhost")
        .expect("nordhost's agreement has the audit clause");
    assert_eq!(nordhost.version, 1);
    assert_eq!(nordhost.clauses, ["gdpr.audits"]);
    assert_eq!(
        nordhost.execution,
        Execution::Signed(NaiveDate::from_ymd_opt(2026, 3, 2).expect("date"))
    );
    let vendors: Vec<&str> = lib.affected.iter().map(|a| a.vendor.as_str()).collect();
    assert_eq!(
        vendors,
        [
            "acme-analytics",
            "nordhost",
            "payroll-uk",
            "pipeline-crm",
            "suryadesk"
        ],
        "adreach has no GDPR terms"
    );
    for a in &lib.affected {
        assert_eq!(a.clauses, ["gdpr.audits"], "{}", a.vendor);
        let expected = match a.vendor.as_str() {
            "nordhost" => a.execution,
            "pipeline-crm" => Execution::NoRecord,
            _ => Execution::NotSigned,
        };
        assert_eq!(a.execution, expected, "{}", a.vendor);
    }
}

#[test]
fn text_output_lists_clause_changes_then_the_agreements_to_repaper() {
    let ws = changed_library();
    let out = dpa(ws.path(), &["diff", "--library", "lib-a", "lib-b"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("library_diff_text", stdout(&out));
    let all = dpa(ws.path(), &["diff", "--library", "lib-a", "lib-b", "--all"]);
    assert!(
        stdout(&all).contains("unchanged  gdpr.confidentiality"),
        "{}",
        stdout(&all)
    );
    let code = dpa(
        ws.path(),
        &["diff", "--library", "lib-a", "lib-b", "--exit-code"],
    );
    assert_eq!(code.status.code(), Some(1), "differences with --exit-code");
}

#[test]
fn json_output_carries_the_same_lists() {
    let ws = changed_library();
    let out = dpa(
        ws.path(),
        &["diff", "--library", "lib-a", "lib-b", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("library_diff_json", stdout(&out));
}

#[test]
fn no_change_touches_no_agreement() {
    let ws = changed_library();
    let out = dpa(ws.path(), &["diff", "--library", "lib-b", "lib-b"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    insta::assert_snapshot!("library_diff_unchanged", stdout(&out));
}

#[test]
fn an_unreadable_vendor_record_is_reported_not_read_as_unsigned() {
    let ws = changed_library();
    write(ws.path(), "vendors/nordhost.toml", "name = [\n");
    let (workspace, store) = open(ws.path());
    match library_diff(&workspace, &store, "lib-a", "lib-b") {
        Err(LibraryDiffError::Unreadable(u)) => {
            assert!(
                u.diagnostics
                    .iter()
                    .any(|d| d.file == "vendors/nordhost.toml"),
                "{:?}",
                u.diagnostics
            );
        }
        other => panic!("expected the record to be reported: {other:?}"),
    }
    let out = dpa(ws.path(), &["diff", "--library", "lib-a", "lib-b"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("vendors/nordhost.toml"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains("not signed"), "{}", stdout(&out));
}
