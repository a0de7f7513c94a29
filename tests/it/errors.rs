//! Failures of the environment and of stored data: located errors and exit 2, never a panic,
//! a wrong answer, or a process that stops halfway.

use std::io::Read;
use std::process::{Command, Stdio};

use crate::common::*;

/// Replaces the manifest at `dpa/ID/v1` with `text`, moving the tag to a new commit.
fn rewrite_manifest(ws: &std::path::Path, id: &str, text: &str) {
    write(ws, &format!("agreements/{id}/manifest.json"), text);
    git(ws, &["add", "-A"]);
    git(ws, &["commit", "-q", "-m", "tamper"]);
    git(ws, &["tag", "-f", &format!("dpa/{id}/v1")]);
}

#[test]
fn log_on_a_manifest_without_frameworks_is_a_located_error() {
    let ws = recorded_workspace();
    let path = ws.path().join("agreements/nordhost/manifest.json");
    let text = std::fs::read_to_string(&path).expect("manifest");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v["frameworks"] = serde_json::json!([]);
    rewrite_manifest(ws.path(), "nordhost", &v.to_string());
    let out = dpa(ws.path(), &["log", "nordhost"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("agreements/nordhost/manifest.json at dpa/nordhost/v1")
            && err.contains("`frameworks` must begin with \"general\""),
        "{err}"
    );
}

#[test]
fn status_with_a_corrupt_object_is_an_error_not_missing() {
    let ws = recorded_workspace();
    let blob = git(
        ws.path(),
        &[
            "rev-parse",
            "dpa/nordhost/v1:agreements/nordhost/manifest.json",
        ],
    );
    let blob = blob.trim();
    let object = ws
        .path()
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    // A loose object whose zlib stream is garbage: git can list the tag but not read the file.
    let mut perms = std::fs::metadata(&object).expect("object").permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&object, perms).expect("chmod");
    std::fs::write(&object, b"not a git object").expect("corrupt");
    for args in [
        &["status"][..],
        &["status", "--fail-on-gaps"],
        &["status", "--format", "csv"],
    ] {
        let out = dpa(ws.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("agreements/nordhost/manifest.json at dpa/nordhost/v1"),
            "{args:?}: {err}"
        );
        assert!(
            !stdout(&out).contains("missing"),
            "{args:?}: {}",
            stdout(&out)
        );
    }
}

#[test]
fn record_all_through_a_closed_pipe_records_every_vendor() {
    let ws = repo_workspace();
    // The reader is gone before dpa writes a byte: every write hits a closed pipe, however small
    // the output, so this cannot pass by the output fitting in the pipe's buffer.
    let mut child = Command::new(env!("CARGO_BIN_EXE_dpa"))
        .arg("-C")
        .arg(ws.path())
        .args(["record", "--all"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dpa");
    drop(child.stdout.take());
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut err).expect("stderr");
    }
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(err.is_empty(), "{err}");
    let tags = git(ws.path(), &["tag", "--list", "dpa/*"]);
    let ids: Vec<&str> = tags.lines().collect();
    assert_eq!(
        ids,
        [
            "dpa/acme-analytics/v1",
            "dpa/adreach/v1",
            "dpa/nordhost/v1",
            "dpa/payroll-uk/v1",
            "dpa/pipeline-crm/v1",
            "dpa/suryadesk/v1",
        ]
    );
    assert!(
        !ws.path().join(".git/dpa-record.lock").exists(),
        "the record lock is released"
    );
}

#[test]
fn library_diff_reports_a_clause_it_cannot_parse_instead_of_removing_it() {
    let ws = repo_workspace();
    let good = "+++\nid = \"gdpr.audits\"\ntitle = \"Information and audits\"\nversion = 9\nframeworks = [\"gdpr\"]\nsatisfies = [\"gdpr.28.3.h\"]\norder = 390\n+++\nThe Processor shall allow audits.\n";
    write(ws.path(), "clauses/audits.md", good);
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "library v1"]);
    write(
        ws.path(),
        "clauses/audits.md",
        &good.replace("version = 9", "version = \"ten\""),
    );
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "library v2"]);
    // The work tree is fixed again; only the committed revision holds the broken clause.
    write(ws.path(), "clauses/audits.md", good);
    let out = dpa(ws.path(), &["diff", "--library", "HEAD~1", "HEAD"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("HEAD:clauses/audits.md:4:11"), "{err}");
    assert!(!stdout(&out).contains("removed"), "{}", stdout(&out));
}

#[test]
fn help_documents_the_exit_codes_the_commands_return() {
    let help = stdout(&dpa(std::path::Path::new("."), &["--help"]));
    assert!(
        help.contains("a vendor that failed to render"),
        "exit 2 covers failed renders: {help}"
    );
    // A vendor that fails to render gives exit 2, as documented.
    let ws = example_workspace();
    write(ws.path(), "vendors/broken.toml", "name = \"Broken\"\n");
    let out = dpa(ws.path(), &["render", "broken"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
