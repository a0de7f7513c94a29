//! `check` as a library call: coverage as data and failures of typed kinds, which decide the
//! command's exit code without reading any message text.

use chrono::NaiveDate;
use dpa::pipeline::check::{CheckOptions, Failure, Outcome, check};

use crate::common::*;

fn run(root: &std::path::Path, vendors: &[&str]) -> dpa::pipeline::CheckReport {
    let mut diags = dpa::diag::Diagnostics::new();
    let ws = dpa::workspace::Workspace::open(root, &mut diags).expect("workspace opens");
    assert!(!diags.has_errors(), "{diags:?}");
    let options = CheckOptions {
        vendors: vendors.iter().map(|s| s.to_string()).collect(),
        today: NaiveDate::from_ymd_opt(2026, 6, 1).expect("date"),
    };
    check(&ws, &options)
}

/// An override of the audit clause that satisfies nothing: nordhost loses gdpr.28.3.h.
const AUDITS_SATISFYING_NOTHING: &str = "+++\nid = \"gdpr.audits\"\ntitle = \"Audits\"\nversion = 2\nframeworks = [\"gdpr\"]\nsatisfies = []\norder = 390\n+++\nAudits happen when agreed.\n";

#[test]
fn a_gap_is_a_typed_failure_and_the_coverage_says_which_requirement() {
    let ws = example_workspace();
    let clean = run(ws.path(), &["nordhost"]);
    assert_eq!(clean.outcome(), Outcome::Clean, "{:?}", clean.failures);
    assert!(clean.requirement_checks() > 0);

    write(ws.path(), "clauses/audits.md", AUDITS_SATISFYING_NOTHING);
    let report = run(ws.path(), &["nordhost"]);
    assert_eq!(report.outcome(), Outcome::Findings, "{:?}", report.failures);
    let gaps: Vec<(&str, &str)> = report
        .gaps()
        .map(|g| (g.vendor.as_str(), g.requirement.as_str()))
        .collect();
    assert_eq!(gaps, [("nordhost", "gdpr.28.3.h")]);
    let row = report.vendors[0]
        .requirements
        .iter()
        .find(|r| r.id == "gdpr.28.3.h")
        .expect("the requirement applies to nordhost");
    assert!(!row.covered && row.clauses.is_empty(), "{row:?}");
    // The printed form names the requirement, the vendor and its record.
    let d = report
        .failures
        .iter()
        .find(|f| matches!(f, Failure::Gap(_)))
        .expect("gap")
        .diagnostic();
    assert_eq!(d.file, "vendors/nordhost.toml");
    assert!(
        d.message.starts_with("requirement gdpr.28.3.h ("),
        "{}",
        d.message
    );
}

#[test]
fn an_invalid_record_makes_the_check_invalid_whatever_else_it_found() {
    let ws = example_workspace();
    write(ws.path(), "clauses/audits.md", AUDITS_SATISFYING_NOTHING);
    write(ws.path(), "vendors/broken.toml", "name = \"Broken\"\n");
    let report = run(ws.path(), &["nordhost", "broken"]);
    assert_eq!(report.outcome(), Outcome::Invalid);
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.is_invalid_input() && f.diagnostic().file == "vendors/broken.toml"),
        "{:?}",
        report.failures
    );
    assert_eq!(report.gaps().count(), 1, "nordhost is still checked");
    assert_eq!(
        report
            .vendors
            .iter()
            .map(|v| v.vendor.as_str())
            .collect::<Vec<_>>(),
        ["nordhost"],
        "no coverage is claimed for the record that could not be read"
    );
    let out = dpa(ws.path(), &["check", "nordhost", "broken"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stdout(&out).is_empty(),
        "no verdict on stdout: {}",
        stdout(&out)
    );
}

#[test]
fn a_stale_adequacy_list_is_a_warning_not_a_failure_of_the_check() {
    let ws = example_workspace();
    let mut diags = dpa::diag::Diagnostics::new();
    let workspace = dpa::workspace::Workspace::open(ws.path(), &mut diags).expect("opens");
    let report = check(
        &workspace,
        &CheckOptions {
            vendors: vec!["nordhost".into()],
            today: NaiveDate::from_ymd_opt(2030, 1, 1).expect("date"),
        },
    );
    let warnings: Vec<&Failure> = report
        .failures
        .iter()
        .filter(|f| matches!(f, Failure::Input(d) if !d.is_error()))
        .collect();
    assert_eq!(warnings.len(), 1, "{:?}", report.failures);
    assert_eq!(warnings[0].diagnostic().file, "data/adequacy.toml");
    assert_ne!(report.outcome(), Outcome::Invalid);
}
