//! A team sharing one workspace through a git remote: a bare repository and a clone per person,
//! as two lawyers of one company would work (issue 30).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

const ID: &str = "acme-analytics";
const RECORD: &str = "vendors/acme-analytics.toml";
const RETENTION: &str = "Usage events for 25 months on a rolling basis; account and device identifiers while the account is active";
const DESCRIPTION: &str = "Product analytics for the customer-facing web application";

/// A bare remote, and the people's clones of it, kept alive together.
struct Team {
    _dir: tempfile::TempDir,
    remote: PathBuf,
    root: PathBuf,
}

impl Team {
    /// A bare remote holding the example workspace, committed on `main`.
    fn new() -> Team {
        let dir = tempfile::tempdir().expect("tempdir");
        let remote = dir.path().join("contracts.git");
        git(
            dir.path(),
            &["init", "-q", "--bare", "-b", "main", "contracts.git"],
        );
        let seed = repo_workspace();
        write(seed.path(), ".gitignore", "out/\n");
        git(seed.path(), &["add", "-A"]);
        git(seed.path(), &["commit", "-q", "-m", "The workspace"]);
        git(
            seed.path(),
            &["remote", "add", "origin", remote.to_str().expect("utf-8")],
        );
        git(seed.path(), &["push", "-q", "-u", "origin", "main"]);
        Team {
            root: dir.path().to_path_buf(),
            remote,
            _dir: dir,
        }
    }

    /// A person's clone, with their identity.
    fn clone(&self, name: &str) -> PathBuf {
        let path = self.root.join(name.to_lowercase());
        git(
            &self.root,
            &[
                "clone",
                "-q",
                self.remote.to_str().expect("utf-8"),
                path.to_str().expect("utf-8"),
            ],
        );
        git(&path, &["config", "user.name", &format!("{name} Counsel")]);
        git(
            &path,
            &[
                "config",
                "user.email",
                &format!("{}@example.com", name.to_lowercase()),
            ],
        );
        git(&path, &["config", "pull.rebase", "false"]);
        path
    }
}

/// Edits the vendor record in a clone and commits it, as a person with a git client does.
fn edit_and_commit(clone: &Path, from: &str, to: &str, message: &str) {
    let path = clone.join(RECORD);
    let text = std::fs::read_to_string(&path).expect("record");
    assert!(text.contains(from), "{from} not in the record");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    git(clone, &["commit", "-q", "-am", message]);
}

/// Every tag and what it points at (empty when there are none).
fn tags(dir: &Path) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["show-ref", "--tags"])
        .output()
        .expect("git show-ref");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn head(dir: &Path) -> String {
    git(dir, &["rev-parse", "HEAD"]).trim().to_string()
}

fn fsck(dir: &Path) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["fsck", "--strict"])
        .output()
        .expect("git fsck");
    assert!(
        out.status.success(),
        "git fsck in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn record_text(clone: &Path) -> String {
    std::fs::read_to_string(clone.join(RECORD)).expect("record")
}

#[test]
fn alice_and_bob_issue_the_same_vendor_and_no_version_means_two_things() {
    let team = Team::new();
    let alice = team.clone("Alice");
    let bob = team.clone("Bob");

    // 1. Alice edits the record and records: v1 is reserved on the remote.
    edit_and_commit(
        &alice,
        RETENTION,
        "Usage events for 13 months",
        "Shorter retention",
    );
    let out = dpa(&alice, &["record", ID]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("issued v1"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("pushed to origin/main"),
        "{}",
        stdout(&out)
    );
    let alice_v1 = git(&alice, &["rev-parse", &format!("dpa/{ID}/v1")]);
    assert_eq!(
        git(&team.remote, &["rev-parse", &format!("dpa/{ID}/v1")]),
        alice_v1,
        "the remote has Alice's v1"
    );
    assert_eq!(
        head(&alice),
        head(&team.remote),
        "the commit went with the tag"
    );

    // 2. Bob, not pulled, edits the same record differently: recording refuses.
    edit_and_commit(
        &bob,
        DESCRIPTION,
        "Product analytics and A/B testing",
        "Scope",
    );
    let bob_head = head(&bob);
    let out = dpa(&bob, &["record", ID]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("diverged from origin/main"), "{err}");
    assert!(
        err.contains("acme-analytics v1"),
        "names the remote's version: {err}"
    );
    assert!(err.contains("dpa sync"), "says what to run: {err}");
    assert_eq!(head(&bob), bob_head, "nothing committed");
    assert!(!tags(&bob).contains("dpa/"), "no tag");

    // Offline he can record, and is told the version is provisional.
    let out = dpa(&bob, &["record", ID, "--offline"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("issued v1"), "{text}");
    assert!(text.contains("provisional until pushed"), "{text}");
    let log = stdout(&dpa(&bob, &["log", ID]));
    assert!(log.contains("provisional"), "{log}");
    // A provisional version cannot be sent for signature.
    let out = dpa(
        &bob,
        &[
            "send",
            ID,
            "--version",
            "1",
            "--date",
            "2099-01-01",
            "--offline",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("provisional"), "{}", stderr(&out));
    // Nor can anything else be written online before syncing.
    let out = dpa(&bob, &["record", ID]);
    assert_eq!(out.status.code(), Some(2));

    // 3. `dpa sync` renumbers Bob's provisional v1 to v2 and merges the records.
    let out = dpa(&bob, &["sync"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("provisional v1 is now v2"), "{text}");
    assert!(text.contains("merged field by field"), "{text}");
    assert!(text.contains("pushed to origin/main"), "{text}");
    assert_eq!(
        git(&bob, &["rev-parse", &format!("dpa/{ID}/v1")]),
        alice_v1,
        "Bob has Alice's v1 under its number"
    );
    let manifest = git(
        &bob,
        &[
            "show",
            &format!("dpa/{ID}/v2:agreements/{ID}/manifest.json"),
        ],
    );
    let manifest: serde_json::Value = serde_json::from_str(&manifest).expect("manifest");
    assert_eq!(manifest["version"], 2, "re-rendered with its new number");
    let v2_typ = git(
        &bob,
        &["show", &format!("dpa/{ID}/v2:agreements/{ID}/{ID}.typ")],
    );
    assert!(v2_typ.contains("A/B testing"), "v2 is Bob's text");
    assert!(
        !v2_typ.contains("Usage events for 13 months"),
        "v2 is Bob's text, not Alice's"
    );
    let renumbered = git(&bob, &["for-each-ref", "refs/dpa/renumbered"]);
    assert!(
        renumbered.contains(&format!("{ID}/v1-")),
        "Bob's provisional v1 is kept: {renumbered}"
    );
    // Both edits are in the merged record; the agreements/ files are v2's.
    let record = record_text(&bob);
    assert!(
        record.contains("Usage events for 13 months") && record.contains("A/B testing"),
        "{record}"
    );
    let work: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(bob.join(format!("agreements/{ID}/manifest.json")))
            .expect("manifest"),
    )
    .expect("json");
    assert_eq!(work["version"], 2);
    assert!(
        git(&bob, &["status", "--porcelain", "--untracked-files=no"]).is_empty(),
        "clean after the sync"
    );

    // Alice syncs: a fast-forward that brings in Bob's v2; her v1 was never touched.
    let out = dpa(&alice, &["sync"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("fast-forwarded"), "{}", stdout(&out));
    assert_eq!(
        git(&alice, &["rev-parse", &format!("dpa/{ID}/v1")]),
        alice_v1
    );
    assert_eq!(tags(&alice), tags(&bob), "both clones hold the same tags");
    assert_eq!(tags(&alice), tags(&team.remote));
    assert_eq!(head(&alice), head(&bob));
    let log = stdout(&dpa(&alice, &["log", ID]));
    assert!(log.starts_with("v2 ") && log.contains("\nv1 "), "{log}");
    assert!(!log.contains("provisional"), "{log}");
    for dir in [&alice, &bob, &team.remote] {
        fsck(dir);
    }
}

#[test]
fn edits_to_different_fields_of_one_record_merge_and_the_same_field_waits_for_a_choice() {
    let team = Team::new();
    let alice = team.clone("Alice");
    let bob = team.clone("Bob");

    // Different fields: merged without a conflict.
    edit_and_commit(&alice, RETENTION, "Usage events for 13 months", "Retention");
    let out = dpa(&alice, &["sync"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    edit_and_commit(
        &bob,
        DESCRIPTION,
        "Product analytics and A/B testing",
        "Scope",
    );
    let out = dpa(&bob, &["sync"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "{RECORD}: merged field by field (from origin/main: processing.retention)"
        )),
        "{text}"
    );
    let record = record_text(&bob);
    assert!(
        record.contains("Usage events for 13 months") && record.contains("A/B testing"),
        "{record}"
    );
    assert_eq!(dpa(&alice, &["sync"]).status.code(), Some(0));
    assert_eq!(record_text(&alice), record);

    // The same field: both values shown, nothing written until one is chosen.
    edit_and_commit(
        &alice,
        "Usage events for 13 months",
        "Usage events for 6 months",
        "Six",
    );
    assert_eq!(dpa(&alice, &["sync"]).status.code(), Some(0));
    edit_and_commit(
        &bob,
        "Usage events for 13 months",
        "Usage events for 24 months",
        "Two years",
    );
    let (bob_head, bob_record, remote_head) = (head(&bob), record_text(&bob), head(&team.remote));
    let out = dpa(&bob, &["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("processing.retention"), "{err}");
    assert!(
        err.contains("\"Usage events for 24 months\""),
        "ours shown: {err}"
    );
    assert!(
        err.contains("\"Usage events for 6 months\""),
        "theirs shown: {err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert!(
        err.contains(&format!(
            "dpa sync --take theirs {RECORD}:processing.retention"
        )),
        "{err}"
    );
    assert_eq!(head(&bob), bob_head);
    assert_eq!(record_text(&bob), bob_record);
    assert_eq!(head(&team.remote), remote_head);

    let out = dpa(
        &bob,
        &[
            "sync",
            "--take",
            "theirs",
            &format!("{RECORD}:processing.retention"),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("processing.retention: theirs chosen"),
        "{}",
        stdout(&out)
    );
    let record = record_text(&bob);
    assert!(
        record.contains("Usage events for 6 months") && !record.contains("24 months"),
        "{record}"
    );
    assert_eq!(head(&team.remote), head(&bob), "the choice was pushed");
    fsck(&bob);
}

#[test]
fn a_push_refused_midway_leaves_no_local_tag_or_commit() {
    let team = Team::new();
    let alice = team.clone("Alice");
    let before = head(&alice);
    let remote_before = head(&team.remote);
    // The remote takes the branch, then cannot write the tag: a refusal midway.
    let lock = team.remote.join(format!("refs/tags/dpa/{ID}/v1.lock"));
    std::fs::create_dir_all(lock.parent().expect("parent")).expect("mkdir");
    std::fs::write(&lock, "").expect("lock");

    let out = dpa(&alice, &["record", ID]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("refused the push"), "{err}");
    assert!(err.contains("put back as it was"), "{err}");
    assert!(err.contains("was not recorded here either"), "{err}");
    assert_eq!(head(&alice), before, "no local commit");
    assert!(!tags(&alice).contains("dpa/"), "no local tag");
    assert!(
        !alice
            .join("agreements")
            .join(ID)
            .join("manifest.json")
            .exists()
    );
    assert!(
        git(&alice, &["status", "--porcelain"]).is_empty(),
        "{}",
        git(&alice, &["status", "--porcelain"])
    );
    assert_eq!(
        head(&team.remote),
        remote_before,
        "the remote's branch was put back"
    );
    std::fs::remove_file(&lock).expect("unlock");
    assert!(!tags(&team.remote).contains("dpa/"));

    // Once the remote accepts, the same command issues v1 everywhere.
    let out = dpa(&alice, &["record", ID]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(tags(&alice), tags(&team.remote));
    fsck(&alice);
    fsck(&team.remote);
}

/// A `git daemon` serving the team's remote over git://, so that its hooks run.
struct Daemon(std::process::Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_pre_receive_hook_that_refuses_leaves_no_local_tag_or_commit() {
    let team = Team::new();
    let alice = team.clone("Alice");
    let hook = team.remote.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'closed for the audit' >&2\nexit 1\n",
    )
    .expect("hook");
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new("git")
        .args([
            "daemon",
            "--reuseaddr",
            "--export-all",
            "--enable=receive-pack",
            "--listen=127.0.0.1",
            &format!("--port={port}"),
            &format!("--base-path={}", team.root.display()),
        ])
        .arg(&team.root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("`git daemon` (part of the Debian package git) serves the test's remote");
    let _daemon = Daemon(child);
    let url = format!("git://127.0.0.1:{port}/contracts.git");
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed().as_secs() < 20, "git daemon did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    git(&alice, &["remote", "set-url", "origin", &url]);
    let before = head(&alice);

    let out = dpa(&alice, &["record", ID]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("refused the push"), "{err}");
    assert_eq!(head(&alice), before, "no local commit");
    assert!(!tags(&alice).contains("dpa/"), "no local tag");
    assert!(!tags(&team.remote).contains("dpa/"), "no remote tag");
    assert!(git(&alice, &["status", "--porcelain"]).is_empty());
}

#[test]
fn the_shared_repository_refuses_rewritten_tags_and_manifests_that_do_not_match() {
    let team = Team::new();
    let alice = team.clone("Alice");
    assert_eq!(dpa(&alice, &["record", ID]).status.code(), Some(0));
    let check = dpa(
        &alice,
        &["check-tags", "--repo", team.remote.to_str().expect("utf-8")],
    );
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(
        stdout(&check).contains("ok: 1 issued version tag"),
        "{}",
        stdout(&check)
    );

    let hook = team.remote.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nexec '{}' check-tags --pre-receive\n",
            env!("CARGO_BIN_EXE_dpa")
        ),
    )
    .expect("hook");
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("chmod");
    let push = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(&alice)
            .arg("push")
            .args(args)
            .output()
            .expect("git push")
    };

    // A tag moved to another commit is refused.
    git(&alice, &["commit", "-q", "--allow-empty", "-m", "Later"]);
    git(
        &alice,
        &[
            "tag",
            "-f",
            "-a",
            "-m",
            "moved",
            &format!("dpa/{ID}/v1"),
            "HEAD",
        ],
    );
    let out = push(&["--force", "origin", &format!("refs/tags/dpa/{ID}/v1")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("moves an issued version"), "{err}");

    // A manifest whose hash does not match its PDF is refused.
    let path = alice.join(format!("agreements/{ID}/manifest.json"));
    let text = std::fs::read_to_string(&path).expect("manifest");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let sha = v["document_sha256"].as_str().expect("sha").to_string();
    std::fs::write(&path, text.replace(&sha, &"0".repeat(64))).expect("write");
    git(&alice, &["commit", "-q", "-am", "Tampered"]);
    let out = push(&["origin", "main"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("names a PDF with SHA-256"), "{err}");

    // An honest push goes through.
    git(&alice, &["reset", "-q", "--hard", "HEAD~1"]);
    let out = push(&["origin", "main"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn init_tells_git_which_files_are_generated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dpa(dir.path(), &["init", "contracts"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let attributes =
        std::fs::read_to_string(dir.path().join("contracts/.gitattributes")).expect("attributes");
    assert!(
        attributes.contains("agreements/** merge=binary linguist-generated=true"),
        "{attributes}"
    );
    // The manifest merges as binary; the PDF is binary altogether (which unsets merge, the same).
    let check = git(
        &dir.path().join("contracts"),
        &[
            "check-attr",
            "merge",
            "linguist-generated",
            "--",
            "agreements/acme/manifest.json",
            "agreements/acme/acme.pdf",
        ],
    );
    assert!(
        check.contains("agreements/acme/manifest.json: merge: binary"),
        "{check}"
    );
    assert!(
        check.contains("agreements/acme/acme.pdf: merge: unset"),
        "{check}"
    );
    assert!(
        check.contains("agreements/acme/acme.pdf: linguist-generated: true"),
        "{check}"
    );
}

#[test]
fn status_log_and_check_name_the_conflicted_files_during_a_git_merge() {
    let team = Team::new();
    let alice = team.clone("Alice");
    let bob = team.clone("Bob");
    edit_and_commit(&alice, RETENTION, "Usage events for 6 months", "Six");
    git(&alice, &["push", "-q"]);
    edit_and_commit(&bob, RETENTION, "Usage events for 24 months", "Two years");
    let pull = Command::new("git")
        .arg("-C")
        .arg(&bob)
        .args(["pull", "-q"])
        .output()
        .expect("git pull");
    assert!(!pull.status.success(), "the pull conflicts");

    let status = dpa(&bob, &["status"]);
    assert_eq!(status.code_or(), 2);
    let err = stderr(&status);
    assert!(err.contains("a git merge is in progress"), "{err}");
    assert!(err.contains(RECORD), "{err}");
    assert!(
        err.contains("git merge --abort") && err.contains("dpa sync"),
        "{err}"
    );
    assert!(
        stdout(&status).contains("nordhost"),
        "the other vendors are listed: {}",
        stdout(&status)
    );

    let log = dpa(&bob, &["log", "nordhost"]);
    assert_eq!(log.status.code(), Some(0), "{}", stderr(&log));
    assert!(stderr(&log).contains(RECORD));

    let check = dpa(&bob, &["check"]);
    assert_eq!(check.status.code(), Some(2));
    let err = stderr(&check);
    assert!(err.contains("unresolved merge conflict markers"), "{err}");
    assert!(err.contains("a git merge is in progress"), "{err}");

    let record = dpa(&bob, &["record", ID]);
    assert_eq!(record.status.code(), Some(2));
    assert!(
        stderr(&record).contains("git merge --abort"),
        "{}",
        stderr(&record)
    );

    // Aborting and syncing shows the conflict in dpa's terms.
    git(&bob, &["merge", "--abort"]);
    let out = dpa(&bob, &["sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("processing.retention"),
        "{}",
        stderr(&out)
    );
}

trait Code {
    fn code_or(&self) -> i32;
}

impl Code for std::process::Output {
    fn code_or(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }
}
