//! `dpa record`, `log` and `diff` in scratch git repositories built by the test.

use std::process::Command;

use crate::common::*;

#[test]
fn record_tags_each_vendor_and_commits_nothing_else() {
    let ws = repo_workspace();
    write(ws.path(), "notes.txt", "unrelated work in progress\n");
    git(ws.path(), &["add", "notes.txt"]);

    let out = dpa(ws.path(), &["record", "--all", "-m", "First issue"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tags = git(ws.path(), &["tag", "--list"]);
    for id in [
        "acme-analytics",
        "adreach",
        "nordhost",
        "payroll-uk",
        "pipeline-crm",
        "suryadesk",
    ] {
        assert!(
            tags.contains(&format!("dpa/{id}/v1")),
            "missing tag for {id}: {tags}"
        );
    }
    // The staged file is still staged and in no commit.
    let committed = git(ws.path(), &["log", "--all", "--name-only", "--format="]);
    assert!(
        !committed.contains("notes.txt"),
        "an unrelated staged file was committed"
    );
    assert!(committed.contains("agreements/nordhost/manifest.json"));
    let status = git(ws.path(), &["status", "--porcelain"]);
    assert!(status.contains("A  notes.txt"), "{status}");
    assert!(
        !status.contains("agreements/"),
        "issued files are clean in the work tree: {status}"
    );
    let message = git(ws.path(), &["log", "-1", "--format=%B", "dpa/suryadesk/v1"]);
    assert!(message.starts_with("dpa: issue suryadesk v1"), "{message}");
    assert!(message.contains("SCC-Module: 2"), "{message}");
    assert!(message.contains("First issue"), "{message}");

    // Nothing changed: nothing is created.
    let before = git(ws.path(), &["rev-parse", "HEAD"]);
    let again = dpa(ws.path(), &["record", "--all"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("nordhost: unchanged (v1)"),
        "{}",
        stdout(&again)
    );
    assert_eq!(before, git(ws.path(), &["rev-parse", "HEAD"]));

    // A changed retention period issues v2, and the diff shows the new words.
    let path = ws.path().join("vendors/nordhost.toml");
    let text = std::fs::read_to_string(&path).expect("record");
    std::fs::write(
        &path,
        text.replace(
            "backups for 35 days, then overwritten",
            "backups for 14 days, then overwritten",
        ),
    )
    .expect("write");
    let third = dpa(ws.path(), &["record", "nordhost"]);
    assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
    assert!(stdout(&third).contains("issued v2"), "{}", stdout(&third));
    assert!(git(ws.path(), &["tag", "--list"]).contains("dpa/nordhost/v2"));

    let diff = dpa(ws.path(), &["diff", "nordhost", "1", "2"]);
    assert_eq!(diff.status.code(), Some(0), "{}", stderr(&diff));
    let text = stdout(&diff);
    assert!(text.contains("[-35-]{+14+}"), "{text}");
    assert!(
        text.contains("Annex I.B"),
        "the change is shown in the annex entry: {text}"
    );

    let json = dpa(
        ws.path(),
        &[
            "diff",
            "nordhost",
            "v1",
            "v2",
            "--format",
            "json",
            "--exit-code",
        ],
    );
    assert_eq!(
        json.status.code(),
        Some(1),
        "--exit-code reports differences"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("json");
    assert_eq!(v["summary"]["modified"], 1, "{v}");
    assert_eq!(v["summary"]["added"], 0);

    let log = dpa(ws.path(), &["log", "nordhost"]);
    let log = stdout(&log);
    assert!(log.starts_with("v2 "), "{log}");
    assert!(log.contains("gdpr"), "{log}");

    let fsck = Command::new("git")
        .arg("-C")
        .arg(ws.path())
        .args(["fsck", "--strict"])
        .output()
        .expect("git fsck");
    assert!(
        fsck.status.success(),
        "{}",
        String::from_utf8_lossy(&fsck.stderr)
    );
}

#[test]
fn diff_against_a_fresh_render_by_default() {
    let ws = repo_workspace();
    assert_eq!(
        dpa(ws.path(), &["record", "adreach"]).status.code(),
        Some(0)
    );
    let unchanged = dpa(ws.path(), &["diff", "adreach", "--exit-code"]);
    assert_eq!(unchanged.status.code(), Some(0), "{}", stdout(&unchanged));
    let path = ws.path().join("vendors/adreach.toml");
    let text = std::fs::read_to_string(&path).expect("record");
    std::fs::write(
        &path,
        text.replace(
            "\"Measure advertising conversions\"",
            "\"Measure advertising conversions\", \"Build lookalike audiences\"",
        ),
    )
    .expect("write");
    let changed = dpa(ws.path(), &["diff", "adreach"]);
    assert!(
        stdout(&changed).contains("{+(c) Build lookalike audiences"),
        "{}",
        stdout(&changed)
    );
}

#[test]
fn record_outside_a_repository_suggests_init() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["record", "nordhost"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("dpa init"), "{}", stderr(&out));
}

#[test]
fn record_without_identity_is_a_clear_error() {
    let ws = example_workspace();
    git(ws.path(), &["init", "-q"]);
    let out = Command::new(env!("CARGO_BIN_EXE_dpa"))
        .arg("-C")
        .arg(ws.path())
        .args(["record", "nordhost"])
        .env("HOME", ws.path())
        .env("XDG_CONFIG_HOME", ws.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("git config user.name"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(git(ws.path(), &["tag", "--list"]).is_empty());
}

#[test]
fn an_existing_tag_is_never_moved() {
    let ws = repo_workspace();
    git(ws.path(), &["commit", "-q", "--allow-empty", "-m", "start"]);
    git(ws.path(), &["tag", "dpa/nordhost/v1"]);
    let head = git(ws.path(), &["rev-parse", "HEAD"]);
    // v1 exists but holds no manifest: reading it fails and nothing is created.
    let out = dpa(ws.path(), &["record", "nordhost"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_eq!(head, git(ws.path(), &["rev-parse", "HEAD"]));
    assert_eq!(git(ws.path(), &["rev-parse", "dpa/nordhost/v1"]), head);
}

#[test]
fn markdown_contracts_diff_by_clause() {
    let dir = repo().join("tests/fixtures/corpus/github-dpa");
    let old = dir.join("01-2020-07-17-9f2a7e3.md");
    let new = dir.join("02-2020-07-22-4efbcd0.md");
    let out = Command::new(env!("CARGO_BIN_EXE_dpa"))
        .args(["diff"])
        .arg(&old)
        .arg(&new)
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let modified: Vec<&str> = v["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .filter(|c| c["status"] == "modified")
        .filter_map(|c| c["new"]["number"].as_str())
        .collect();
    assert_eq!(modified, ["1.1", "2.3", "6.1", "6.3"]);
    for key in ["added", "removed", "moved", "renumbered"] {
        assert_eq!(v["summary"][key], 0, "{key}");
    }
    let html = Command::new(env!("CARGO_BIN_EXE_dpa"))
        .args(["diff"])
        .arg(&old)
        .arg(&new)
        .args(["--format", "html"])
        .output()
        .expect("run");
    let html = String::from_utf8_lossy(&html.stdout);
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{}",
        &html[..80.min(html.len())]
    );
    assert!(html.contains("<del>") && html.contains("<ins>"));
    assert!(
        !html.contains("<link") && !html.contains("src=\"http"),
        "self-contained"
    );
}

#[test]
fn library_diff_lists_affected_agreements() {
    let ws = repo_workspace();
    write(
        ws.path(),
        "clauses/audits.md",
        &audits_clause("The Processor shall allow audits once a year."),
    );
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "library v1"]);
    assert_eq!(
        dpa(ws.path(), &["record", "nordhost", "adreach"])
            .status
            .code(),
        Some(0)
    );
    write(
        ws.path(),
        "clauses/audits.md",
        &audits_clause("The Processor shall allow audits twice a year."),
    );
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "library v2"]);
    let out = dpa(
        ws.path(),
        &["diff", "--library", "HEAD~2", "HEAD", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["changed_clauses"], serde_json::json!(["gdpr.audits"]));
    let affected: Vec<&str> = v["affected"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["vendor"].as_str())
        .collect();
    assert_eq!(affected, ["nordhost"], "adreach has no GDPR terms");
}

fn audits_clause(body: &str) -> String {
    format!(
        "+++\nid = \"gdpr.audits\"\ntitle = \"Information and audits\"\nversion = 9\nframeworks = [\"gdpr\"]\nsatisfies = [\"gdpr.28.3.h\"]\norder = 390\n+++\n{body}\n"
    )
}

#[test]
fn two_concurrent_records_take_turns() {
    let ws = repo_workspace();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_dpa"))
            .arg("-C")
            .arg(ws.path())
            .args(["record", "--all"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (
        a.wait_with_output().expect("a"),
        b.wait_with_output().expect("b"),
    );
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    assert_eq!(
        b.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&b.stderr)
    );
    let tags = git(ws.path(), &["tag", "--list"]);
    assert_eq!(tags.lines().count(), 6, "each vendor issued once: {tags}");
    assert!(!tags.contains("/v2"), "{tags}");
    let both = format!(
        "{}{}",
        String::from_utf8_lossy(&a.stdout),
        String::from_utf8_lossy(&b.stdout)
    );
    assert_eq!(both.matches("issued v1").count(), 6, "{both}");
    assert_eq!(both.matches("unchanged (v1)").count(), 6, "{both}");
    let fsck = Command::new("git")
        .arg("-C")
        .arg(ws.path())
        .args(["fsck", "--strict"])
        .output()
        .expect("git fsck");
    assert!(
        fsck.status.success(),
        "{}",
        String::from_utf8_lossy(&fsck.stderr)
    );
}

#[test]
fn a_locked_index_leaves_the_repository_untouched() {
    let ws = repo_workspace();
    git(ws.path(), &["commit", "-q", "--allow-empty", "-m", "start"]);
    let head = git(ws.path(), &["rev-parse", "HEAD"]);
    std::fs::write(ws.path().join(".git/index.lock"), "").expect("lock");
    let out = dpa(ws.path(), &["record", "nordhost"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("index is locked"), "{}", stderr(&out));
    assert_eq!(head, git(ws.path(), &["rev-parse", "HEAD"]));
    assert!(git(ws.path(), &["tag", "--list"]).is_empty());
    assert!(!ws.path().join("agreements").exists());
}
