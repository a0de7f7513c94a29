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
    // Zero-width spaces (break opportunities in long table values) are not what a person reads.
    String::from_utf8_lossy(&out.stdout)
        .replace('\u{200B}', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A counterparty record built field by field, as typed TOML values: no text template, so any
/// value (hostile markup, quotes, other scripts) reaches the file exactly, escaped by the TOML
/// writer.
///
/// `Record::vendor("Acme Ltd")` is a minimal valid record (a US vendor processing Californian
/// data on our behalf); the methods change what a test is about.
#[derive(Debug, Clone)]
pub struct Record(toml::Table);

impl Record {
    /// A minimal valid record for a vendor with this name.
    pub fn vendor(name: &str) -> Record {
        Record(toml::Table::new())
            .set("name", name)
            .set("address", "1 Main Street, Springfield")
            .set("country", "US")
            .set("contact.name", "Casey Contact")
            .set("contact.title", "Privacy Manager")
            .set("contact.email", "privacy@vendor.example")
            .set("signatory.name", "Sasha Signer")
            .set("signatory.title", "Chief Executive Officer")
            .set("service.description", "Hosted widgets")
            .date("service.starts", "2025-01-15")
            .regions(&["US-CA"])
            .set("processing.role", "on_behalf")
            .list("processing.purposes", &["Provide widgets"])
            .list("processing.data_subjects", &["Users"])
            .list("processing.data_categories", &["Email address"])
            .set("processing.frequency", "continuous")
            .set("processing.retention", "One year")
    }

    /// Sets a value at a dotted path (`"processing.role"`), creating tables on the way.
    pub fn set(mut self, path: &str, value: impl Into<toml::Value>) -> Record {
        let (parents, key) = match path.rsplit_once('.') {
            Some((parents, key)) => (parents.split('.').collect::<Vec<_>>(), key),
            None => (Vec::new(), path),
        };
        let mut table = &mut self.0;
        for part in parents {
            table = table
                .entry(part)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .unwrap_or_else(|| panic!("{part} in {path} is not a table"));
        }
        table.insert(key.to_string(), value.into());
        self
    }

    /// Sets a list of strings.
    pub fn list(self, path: &str, items: &[&str]) -> Record {
        let items: Vec<toml::Value> = items.iter().map(|s| toml::Value::from(*s)).collect();
        self.set(path, items)
    }

    /// Sets a TOML date (`YYYY-MM-DD`).
    pub fn date(self, path: &str, date: &str) -> Record {
        let date: toml::value::Datetime = date.parse().expect("a YYYY-MM-DD date");
        self.set(path, date)
    }

    /// The regions whose law covers the data (`processing.regions`).
    pub fn regions(self, regions: &[&str]) -> Record {
        self.list("processing.regions", regions)
    }

    /// Removes the value at a dotted path, if present.
    pub fn remove(mut self, path: &str) -> Record {
        let mut parts: Vec<&str> = path.split('.').collect();
        let key = parts.pop().expect("a path");
        let mut table = &mut self.0;
        for part in parts {
            match table.get_mut(part).and_then(toml::Value::as_table_mut) {
                Some(t) => table = t,
                None => return self,
            }
        }
        table.remove(key);
        self
    }

    /// Appends a table to an array of tables (`[[subprocessors]]`), from (key, value) pairs.
    pub fn push(mut self, array: &str, fields: &[(&str, toml::Value)]) -> Record {
        let item: toml::Table = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        let list = self
            .0
            .entry(array)
            .or_insert_with(|| toml::Value::Array(Vec::new()));
        list.as_array_mut()
            .unwrap_or_else(|| panic!("{array} is not an array"))
            .push(toml::Value::Table(item));
        self
    }

    /// The record as TOML text, its `name` on the first line as people write records (tests
    /// point at `vendors/ID.toml:1:8`).
    pub fn toml(&self) -> String {
        let mut rest = self.0.clone();
        let first = rest
            .remove("name")
            .map(|name| format!("name = {name}\n"))
            .unwrap_or_default();
        first + &toml::to_string(&rest).expect("a record serialises")
    }

    /// Writes the record as `vendors/ID.toml` of the workspace at `root`.
    pub fn write(&self, root: &Path, id: &str) {
        write(root, &format!("vendors/{id}.toml"), &self.toml());
    }
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
