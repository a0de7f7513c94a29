//! Helpers shared by the CLI tests: fixture workspaces and running the real binary.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root, which is itself a workspace with example records.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary copy of the example workspace (dpa.toml and vendors/).
pub fn example_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(repo().join("dpa.toml"), dir.path().join("dpa.toml")).expect("copy dpa.toml");
    std::fs::create_dir_all(dir.path().join("vendors")).expect("mkdir");
    for entry in std::fs::read_dir(repo().join("vendors")).expect("vendors/") {
        let path = entry.expect("entry").path();
        std::fs::copy(
            &path,
            dir.path()
                .join("vendors")
                .join(path.file_name().expect("name")),
        )
        .expect("copy vendor");
    }
    dir
}

/// Writes a file into a workspace, creating folders.
pub fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// Runs `dpa -C root ARGS` with colour off.
pub fn dpa(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dpa"))
        .arg("-C")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run dpa")
}

/// A command for an external program a test needs. When the program is missing the test fails,
/// naming the Debian package to install: no test passes by skipping what it could not run.
/// `bash .ci/run` installs every one of them.
pub fn tool(program: &str) -> Command {
    let package = match program {
        "pdftotext" | "pdfinfo" | "pdftoppm" => "poppler-utils",
        "soffice" => "libreoffice-writer-nogui",
        "man" => "man-db",
        other => other,
    };
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()));
    assert!(
        found,
        "this test needs `{program}`, which is not installed: install the Debian package \
         {package} (`bash .ci/run` installs everything the tests need)"
    );
    Command::new(program)
}

/// Stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Text of a PDF as pdftotext extracts it, with whitespace collapsed.
pub fn pdf_text(pdf: &Path) -> String {
    let out = tool("pdftotext")
        .arg("-raw")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed (poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A minimal valid vendor record with the given name line and extra processing facts.
pub fn vendor_record(name: &str, regions: &str) -> String {
    format!(
        r#"name = {name}
address = "1 Main Street, Springfield"
country = "US"

[contact]
name = "Casey Contact"
title = "Privacy Manager"
email = "privacy@vendor.example"

[signatory]
name = "Sasha Signer"
title = "Chief Executive Officer"

[service]
description = "Hosted widgets"
starts = 2025-01-15

[processing]
regions = {regions}
role = "on_behalf"
purposes = ["Provide widgets"]
data_subjects = ["Users"]
data_categories = ["Email address"]
frequency = "continuous"
retention = "One year"
"#
    )
}

/// Runs git in `dir`, asserting success; returns its stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A copy of the examples in a fresh git repository with a committer identity.
pub fn repo_workspace() -> tempfile::TempDir {
    let ws = example_workspace();
    git(ws.path(), &["init", "-q", "-b", "main"]);
    git(ws.path(), &["config", "user.name", "Test Counsel"]);
    git(ws.path(), &["config", "user.email", "counsel@example.com"]);
    ws
}

/// A temporary copy of examples/saas-vendor.
pub fn saas_vendor() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let from = repo().join("examples/saas-vendor");
    std::fs::copy(from.join("dpa.toml"), dir.path().join("dpa.toml")).expect("copy dpa.toml");
    std::fs::create_dir_all(dir.path().join("customers")).expect("mkdir");
    for entry in std::fs::read_dir(from.join("customers")).expect("customers/") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name");
        std::fs::copy(&path, dir.path().join("customers").join(name)).expect("copy customer");
    }
    dir
}

/// examples/saas-vendor in a git repository with a committer identity, everything committed.
pub fn saas_vendor_repo() -> tempfile::TempDir {
    let ws = saas_vendor();
    git(ws.path(), &["init", "-q", "-b", "main"]);
    git(ws.path(), &["config", "user.name", "Test Counsel"]);
    git(ws.path(), &["config", "user.email", "counsel@example.com"]);
    write(ws.path(), ".gitignore", "out/\n");
    git(ws.path(), &["add", "-A"]);
    git(ws.path(), &["commit", "-q", "-m", "The workspace"]);
    ws
}

/// The examples in a repository with every vendor's v1 issued. `record --all` runs once per
/// test run (six final renders); each caller gets its own copy of the result.
pub fn recorded_workspace() -> tempfile::TempDir {
    static MASTER: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let master = MASTER.get_or_init(|| {
        let dir =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("recorded-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let ws = repo_workspace();
        let out = dpa(ws.path(), &["record", "--all"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        copy_dir(ws.path(), &dir);
        dir
    });
    let ws = tempfile::tempdir().expect("tempdir");
    copy_dir(master, ws.path());
    ws
}

/// Copies a folder's contents, `.git` included.
pub fn copy_dir(from: &Path, to: &Path) {
    let out = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", from.display()))
        .arg(to)
        .output()
        .expect("cp");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The runner of the property tests: `cases` generated inputs from a fixed seed (a failure
/// reproduces), a failure shrunk to its smallest input and printed, nothing kept on disk.
pub fn runner(cases: u32) -> proptest::test_runner::TestRunner {
    use proptest::test_runner::{Config, TestRng, TestRunner};
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::deterministic_rng(config.rng_algorithm);
    TestRunner::new_with_rng(config, rng)
}

/// The generated Typst of one vendor's agreement in the workspace at `root`, with record values unquoted (`#"Lumen";` -> `Lumen`) and Typst escapes dropped (`third\\-party` -> `third-party`), so that tests can search the text a reader sees.
pub fn agreement_text(root: &Path, id: &str) -> String {
    use dpa::assemble::DocOptions;
    use dpa::diag::Diagnostics;
    let mut diags = Diagnostics::new();
    let ws = dpa::workspace::Workspace::open(root, &mut diags).expect("workspace opens");
    let vendor = ws.load_vendor(id, &mut diags).expect("vendor loads");
    let options = DocOptions {
        final_: false,
        version: "draft".into(),
    };
    let prepared = ws
        .prepare(vendor, &options, &mut diags)
        .unwrap_or_else(|| panic!("{id} assembles: {diags:?}"));
    assert!(!diags.has_errors(), "{diags:?}");
    prepared
        .assembled
        .source
        .replace("#\"", "")
        .replace("\";", "")
        .replace('\\', "")
}

/// The file in a fixture folder (relative to the repository) whose name starts with `rev`.
pub fn fixture_revision(folder: &str, rev: &str) -> String {
    let dir = repo().join(folder);
    std::fs::read_dir(&dir)
        .expect("fixture folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(rev))
        })
        .expect("revision")
        .display()
        .to_string()
}
