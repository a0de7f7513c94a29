//! The tracker: `dpa status`, `sign` and `verify` on a scratch copy of the examples.

use std::path::Path;
use std::process::Command;

use crate::common::*;

/// The examples in a repository with every vendor's v1 issued.
fn recorded() -> tempfile::TempDir {
    recorded_workspace()
}

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

fn status_json(ws: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["status", "--format", "json"];
    args.extend_from_slice(extra);
    let out = dpa(ws, &args);
    serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)))
}

fn vendors(v: &serde_json::Value) -> Vec<String> {
    v["vendors"]
        .as_array()
        .expect("vendors")
        .iter()
        .filter_map(|r| r["vendor"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn signing_a_vendor_removes_it_from_the_missing_list() {
    let ws = recorded();
    let before = status_json(ws.path(), &["--missing", "ccpa"]);
    assert_eq!(
        vendors(&before),
        ["acme-analytics", "adreach", "pipeline-crm", "suryadesk"]
    );
    let out = dpa(
        ws.path(),
        &[
            "sign",
            "acme-analytics",
            "--version",
            "1",
            "--date",
            &today(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = status_json(ws.path(), &["--missing", "ccpa"]);
    assert_eq!(vendors(&after), ["adreach", "pipeline-crm", "suryadesk"]);
    let all = status_json(ws.path(), &[]);
    let acme = &all["vendors"][0];
    assert_eq!(acme["vendor"], "acme-analytics");
    assert_eq!(acme["states"]["ccpa"], "covered");
    assert_eq!(acme["signed_version"], 1);
    assert_eq!(
        all["vendors"][2]["states"]["gdpr"], "sent",
        "nordhost is issued, not signed"
    );
    let adreach = &all["vendors"][1];
    assert_eq!(adreach["ccpa_third_party"], true);
    assert!(
        adreach["notes"][0]
            .as_str()
            .expect("note")
            .contains("opt-out")
    );

    let gaps = dpa(ws.path(), &["status", "--fail-on-gaps"]);
    assert_eq!(gaps.status.code(), Some(1));
    let acme_only = dpa(
        ws.path(),
        &["status", "--vendor", "acme-analytics", "--fail-on-gaps"],
    );
    assert_eq!(acme_only.status.code(), Some(0), "{}", stdout(&acme_only));
}

#[test]
fn sign_refuses_what_was_never_issued_or_already_signed() {
    let ws = recorded();
    let out = dpa(
        ws.path(),
        &["sign", "nordhost", "--version", "99", "--date", &today()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("never issued"), "{}", stderr(&out));
    let out = dpa(
        ws.path(),
        &["sign", "nordhost", "--version", "1", "--date", "2000-01-01"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("before version 1 was issued"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        dpa(
            ws.path(),
            &["sign", "nordhost", "--version", "v1", "--date", &today()]
        )
        .status
        .code(),
        Some(0)
    );
    let again = dpa(
        ws.path(),
        &["sign", "nordhost", "--version", "1", "--date", &today()],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already signed"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn sign_keeps_comments_and_layout() {
    let ws = recorded();
    let path = ws.path().join("vendors/nordhost.toml");
    let before = std::fs::read_to_string(&path).expect("record");
    assert!(before.starts_with("# EU hosting processor in Germany"));
    assert_eq!(
        dpa(
            ws.path(),
            &["sign", "nordhost", "--version", "1", "--date", &today()]
        )
        .status
        .code(),
        Some(0)
    );
    let after = std::fs::read_to_string(&path).expect("record");
    assert!(
        after.starts_with(&before),
        "the record was rewritten, not edited:\n{after}"
    );
    assert!(
        after.contains("[[agreements]]\nversion = 1\nstatus = \"signed\""),
        "{after}"
    );
    // The record still loads.
    assert_eq!(
        dpa(ws.path(), &["check", "nordhost"]).status.code(),
        Some(0)
    );
}

#[test]
fn verify_checks_the_executed_copy() {
    let ws = recorded();
    let executed = ws.path().join("executed.pdf");
    std::fs::copy(
        ws.path().join("agreements/payroll-uk/payroll-uk.pdf"),
        &executed,
    )
    .expect("copy");
    let out = dpa(
        ws.path(),
        &[
            "sign",
            "payroll-uk",
            "--version",
            "1",
            "--date",
            &today(),
            "--file",
            executed.to_str().expect("utf8"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ok = dpa(
        ws.path(),
        &[
            "verify",
            "payroll-uk",
            "--file",
            executed.to_str().expect("utf8"),
        ],
    );
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(
        stdout(&ok).contains("is the executed copy of v1"),
        "{}",
        stdout(&ok)
    );
    let mut bytes = std::fs::read(&executed).expect("read");
    bytes.push(b'\n');
    std::fs::write(&executed, bytes).expect("write");
    let bad = dpa(
        ws.path(),
        &[
            "verify",
            "payroll-uk",
            "--file",
            executed.to_str().expect("utf8"),
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("differs from the executed copy"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn verify_notices_a_moved_tag() {
    let ws = recorded();
    assert_eq!(
        dpa(
            ws.path(),
            &["sign", "adreach", "--version", "1", "--date", &today()]
        )
        .status
        .code(),
        Some(0)
    );
    git(
        ws.path(),
        &["tag", "-f", "dpa/adreach/v1", "dpa/acme-analytics/v1"],
    );
    let out = dpa(ws.path(), &["verify", "adreach"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no manifest") || stderr(&out).contains("different manifest"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn new_ccpa_wording_makes_a_signed_agreement_outdated() {
    let ws = recorded();
    assert_eq!(
        dpa(
            ws.path(),
            &[
                "sign",
                "acme-analytics",
                "--version",
                "1",
                "--date",
                &today()
            ]
        )
        .status
        .code(),
        Some(0)
    );
    let text = std::fs::read_to_string(repo().join("clauses/ccpa/restrictions.md"))
        .expect("built-in clause");
    let reworded = text.replacen("version = 1", "version = 2", 1)
        + "\nThis sentence was added in the 2027 review.\n";
    write(ws.path(), "clauses/restrictions.md", &reworded);
    let v = status_json(ws.path(), &["--vendor", "acme-analytics"]);
    assert_eq!(v["vendors"][0]["states"]["ccpa"], "outdated", "{v}");
    assert_eq!(v["vendors"][0]["states"]["gdpr"], "covered", "{v}");
}

#[test]
fn expiry_dates_give_expiring_and_expired() {
    let ws = recorded();
    let today = chrono::Local::now().date_naive();
    let expires = (today + chrono::Days::new(30)).to_string();
    let out = dpa(
        ws.path(),
        &[
            "sign",
            "nordhost",
            "--version",
            "1",
            "--date",
            &today.to_string(),
            "--expires",
            &expires,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let soon = status_json(ws.path(), &["--vendor", "nordhost"]);
    assert_eq!(soon["vendors"][0]["states"]["gdpr"], "expiring");
    let later = (today + chrono::Days::new(31)).to_string();
    let past = status_json(ws.path(), &["--vendor", "nordhost", "--as-of", &later]);
    assert_eq!(past["vendors"][0]["states"]["gdpr"], "expired");
    assert_eq!(past["vendors"][0]["expires_on"], expires);
}

#[test]
fn csv_has_one_row_per_vendor() {
    let ws = recorded();
    let out = dpa(ws.path(), &["status", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0));
    let csv_path = ws.path().join("status.csv");
    std::fs::write(&csv_path, &out.stdout).expect("write");
    let py = Command::new("python3")
        .arg("-c")
        .arg("import csv,sys\nrows=list(csv.DictReader(open(sys.argv[1], newline='')))\nprint(len(rows), ' '.join(r['vendor'] for r in rows), rows[0]['ccpa'])")
        .arg(&csv_path)
        .output()
        .expect("python3");
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&py.stdout).trim(),
        "6 acme-analytics adreach nordhost payroll-uk pipeline-crm suryadesk sent"
    );
}

#[test]
fn html_page_escapes_record_text() {
    let ws = recorded();
    write(
        ws.path(),
        "vendors/zz-hostile.toml",
        &vendor_record("\"<script>alert(1)</script> & Co\"", "[\"US-CA\"]"),
    );
    let out = dpa(ws.path(), &["status", "--format", "html"]);
    let html = stdout(&out);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"),
        "{html}"
    );
    assert!(!html.contains("<script>"));
}
