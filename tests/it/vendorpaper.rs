//! Agreements on the vendor's paper: `sign --paper vendor`, a saved review, accepted gaps, and
//! what `status` and `verify` make of them.

use std::path::Path;

use serde_json::Value;

use crate::common::{dpa, git, repo, stderr, stdout, write};

/// A workspace whose company is established in Germany, with Nordhost (a German processor of
/// EEA data) as its only vendor: it needs the GDPR terms and nothing else.
fn german_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let company = std::fs::read_to_string(repo().join("dpa.toml"))
        .expect("dpa.toml")
        .replacen("country = \"US\"", "country = \"DE\"", 1)
        .replacen(
            "address = \"500 Howard Street, Suite 400, San Francisco, CA 94105, United States\"",
            "address = \"Torstrasse 1, 10119 Berlin, Germany\"",
            1,
        );
    write(dir.path(), "dpa.toml", &company);
    write(
        dir.path(),
        "vendors/nordhost.toml",
        &std::fs::read_to_string(repo().join("vendors/nordhost.toml")).expect("nordhost"),
    );
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["config", "user.name", "Test Counsel"]);
    git(dir.path(), &["config", "user.email", "counsel@example.com"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "workspace"]);
    dir
}

/// A vendor's DPA that meets every GDPR requirement that applies to Nordhost: the Commission's
/// Art. 28(7) clauses, which satisfy Article 28, plus a clause on the record of processing
/// (Art. 30(2)) and on persons acting under the processor's authority (Art. 32(4)).
fn clauses() -> String {
    let full = std::fs::read_to_string(repo().join("tests/fixtures/review/eu-scc-art28.md"))
        .expect("fixture");
    // The Commission's template leaves its annex fields blank ("…"), which states nothing:
    // fill the ones a review needs.
    let full = full
        .replace(
            "Categories of data subjects whose personal data is processed: …",
            "Categories of data subjects whose personal data is processed: the controller's employees and customers",
        )
        .replace(
            "Categories of personal data processed: …",
            "Categories of personal data processed: contact details and account data",
        );
    let annexes = full.find("## ANNEX I").expect("annexes");
    format!(
        "{}### Clause 11: Records and personnel\n\n(a) The processor shall maintain a record of processing activities carried out on behalf of the controller, as Article 30(2) of Regulation (EU) 2016/679 requires, and make it available to the supervisory authority on request.\n\n(b) The processor shall ensure that any person acting under its authority who has access to the personal data does not process them except on instructions from the controller.\n\n{}",
        &full[..annexes],
        &full[annexes..]
    )
}

/// The same clauses without the flow-down of obligations to sub-processors (Clause 7.7(b)).
fn clauses_without_flowdown() -> String {
    let full = clauses();
    let start = full
        .find("(b) Where the processor engages a sub-processor")
        .expect("clause 7.7(b)");
    let end = start + full[start..].find('\n').expect("end of paragraph");
    let mut out = full.clone();
    out.replace_range(start..end, "");
    assert!(!out.contains("same data protection obligations"));
    out
}

fn status_json(root: &Path) -> Value {
    let out = dpa(
        root,
        &["status", "--format", "json", "--as-of", "2026-12-01"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn nordhost(json: &Value) -> &Value {
    json["vendors"]
        .as_array()
        .expect("vendors")
        .iter()
        .find(|r| r["vendor"] == "nordhost")
        .expect("nordhost row")
}

fn sign_vendor_paper(root: &Path, file: &str) {
    let out = dpa(
        root,
        &[
            "sign",
            "nordhost",
            "--paper",
            "vendor",
            "--file",
            file,
            "--title",
            "Nordhost Data Processing Agreement",
            "--framework",
            "gdpr",
            "--date",
            "2026-11-02",
            "--expires",
            "2029-11-01",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("dpa review contracts/nordhost-dpa.md --vendor nordhost --save"),
        "{}",
        stdout(&out)
    );
}

fn review_and_save(root: &Path) -> i32 {
    let out = dpa(
        root,
        &[
            "review",
            "contracts/nordhost-dpa.md",
            "--vendor",
            "nordhost",
            "--save",
        ],
    );
    out.status.code().expect("exit code")
}

#[test]
fn a_vendor_whose_only_dpa_is_its_own_is_covered_once_a_person_confirms_its_clean_review() {
    let ws = german_workspace();
    let root = ws.path();
    write(root, "contracts/nordhost-dpa.md", &clauses());
    sign_vendor_paper(root, "contracts/nordhost-dpa.md");
    let record = std::fs::read_to_string(root.join("vendors/nordhost.toml")).unwrap();
    assert!(record.starts_with("# EU hosting processor") || record.starts_with('#'));
    assert!(
        record.contains("[[agreements]]\npaper = \"vendor\"\ntitle = \"Nordhost Data Processing Agreement\"\nframeworks = [\"gdpr\"]\nstatus = \"signed\"\nsigned_on = 2026-11-02\nexpires_on = 2029-11-01\nsha256 = \""),
        "{record}"
    );
    assert!(record.contains("file = \"contracts/nordhost-dpa.md\""));
    // The record edit and the document are one commit.
    let files = git(root, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files, "contracts/nordhost-dpa.md\nvendors/nordhost.toml\n");

    // Signed but not reviewed: not covered, and --missing says why.
    let row = status_json(root);
    assert_eq!(nordhost(&row)["states"]["gdpr"], "unreviewed");
    let missing = dpa(
        root,
        &["status", "--missing", "gdpr", "--as-of", "2026-12-01"],
    );
    let text = stdout(&missing);
    assert!(
        text.contains("nordhost") && text.contains("GDPR signed, not yet reviewed"),
        "{text}"
    );
    assert!(
        text.contains("has not been reviewed for gdpr: run `dpa review contracts/nordhost-dpa.md --vendor nordhost --save`"),
        "{text}"
    );

    assert_eq!(review_and_save(root), 0);
    // A clean automated review alone is not a sign-off.
    let json = status_json(root);
    assert_eq!(nordhost(&json)["states"]["gdpr"], "reviewed", "{json}");
    let out = confirm(root, COUNSEL, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = status_json(root);
    let row = nordhost(&json);
    assert_eq!(row["states"]["gdpr"], "covered", "{row}");
    assert_eq!(row["overall"], "covered");
    let missing = dpa(
        root,
        &["status", "--missing", "gdpr", "--as-of", "2026-12-01"],
    );
    assert!(
        !stdout(&missing).contains("nordhost"),
        "{}",
        stdout(&missing)
    );

    // verify checks the document's hash.
    let ok = dpa(root, &["verify", "nordhost"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("ok: contracts/nordhost-dpa.md is the vendor's \"Nordhost Data Processing Agreement\" as signed"));
    write(
        root,
        "contracts/nordhost-dpa.md",
        &clauses_without_flowdown(),
    );
    let bad = dpa(root, &["verify", "nordhost"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("was changed since it was signed"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn a_missing_flowdown_clause_shows_gaps_until_the_gap_is_accepted() {
    let ws = german_workspace();
    let root = ws.path();
    write(
        root,
        "contracts/nordhost-dpa.md",
        &clauses_without_flowdown(),
    );
    sign_vendor_paper(root, "contracts/nordhost-dpa.md");
    assert_eq!(review_and_save(root), 1);
    let json = status_json(root);
    let row = nordhost(&json);
    assert_eq!(row["states"]["gdpr"], "gaps", "{row}");
    assert_eq!(
        row["gaps"]["gdpr"],
        serde_json::json!(["gdpr.28.4.flowdown"])
    );
    assert_eq!(row["overall"], "gaps");
    let text = stdout(&dpa(
        root,
        &["status", "--missing", "gdpr", "--as-of", "2026-12-01"],
    ));
    assert!(text.contains("GDPR signed, with gaps"), "{text}");
    assert!(
        text.contains("was reviewed: 1 gaps, 0 to read: it does not satisfy Impose the same data protection obligations on each sub-processor by contract (gdpr.28.4.flowdown, missing)"),
        "{text}"
    );
    let fail = dpa(root, &["status", "--fail-on-gaps", "--as-of", "2026-12-01"]);
    assert_eq!(fail.status.code(), Some(1));

    // Accepting the gap records who, when and why in the record, and the framework is covered.
    let unknown = dpa(
        root,
        &[
            "accept",
            "nordhost",
            "gdpr.28.4.flowdwn",
            "--by",
            "X",
            "--reason",
            "Y",
        ],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("did you mean `gdpr.28.4.flowdown`?"));
    let out = dpa(
        root,
        &[
            "accept",
            "nordhost",
            "gdpr.28.4.flowdown",
            "--by",
            "Priya Natarajan, General Counsel",
            "--reason",
            "Nordhost uses no sub-processors; its MSA forbids them",
            "--date",
            "2026-11-20",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let record = std::fs::read_to_string(root.join("vendors/nordhost.toml")).unwrap();
    assert!(
        record.contains("[[agreements.accepted]]\nrequirement = \"gdpr.28.4.flowdown\"\nby = \"Priya Natarajan, General Counsel\"\non = 2026-11-20\nreason = \"Nordhost uses no sub-processors; its MSA forbids them\"\n"),
        "{record}"
    );
    assert!(
        git(root, &["log", "-1", "--format=%s"])
            .starts_with("dpa: accept gdpr.28.4.flowdown for nordhost")
    );
    let json = status_json(root);
    let row = nordhost(&json);
    assert_eq!(row["states"]["gdpr"], "covered", "{row}");
    assert_eq!(
        row["accepted"],
        serde_json::json!([
            "gdpr.28.4.flowdown: accepted by Priya Natarajan, General Counsel on 2026-11-20 (Nordhost uses no sub-processors; its MSA forbids them)"
        ])
    );
    let text = stdout(&dpa(root, &["status", "--as-of", "2026-12-01"]));
    assert!(
        text.contains("accepted gap gdpr.28.4.flowdown: accepted by Priya Natarajan"),
        "{text}"
    );
    // The same gap is accepted once.
    let again = dpa(
        root,
        &[
            "accept",
            "nordhost",
            "gdpr.28.4.flowdown",
            "--by",
            "X",
            "--reason",
            "Y",
        ],
    );
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn an_unreadable_saved_review_is_an_error_not_a_state() {
    let ws = german_workspace();
    let root = ws.path();
    write(root, "contracts/nordhost-dpa.md", &clauses());
    sign_vendor_paper(root, "contracts/nordhost-dpa.md");
    assert_eq!(review_and_save(root), 0);
    let saved: Vec<_> = std::fs::read_dir(root.join("reviews"))
        .unwrap()
        .flatten()
        .collect();
    std::fs::write(saved[0].path(), "{ not json").unwrap();
    let out = dpa(root, &["status", "--as-of", "2026-12-01"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("the saved review is not valid"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn vendor_paper_needs_a_file_and_frameworks_and_no_version() {
    let ws = german_workspace();
    let root = ws.path();
    write(root, "contracts/nordhost-dpa.md", &clauses());
    let base = [
        "sign",
        "nordhost",
        "--paper",
        "vendor",
        "--date",
        "2026-11-02",
    ];
    let no_file = dpa(root, &[&base[..], &["--framework", "gdpr"]].concat());
    assert_eq!(no_file.status.code(), Some(2));
    assert!(stderr(&no_file).contains("--paper vendor needs the signed document"));
    let no_fw = dpa(
        root,
        &[&base[..], &["--file", "contracts/nordhost-dpa.md"]].concat(),
    );
    assert_eq!(no_fw.status.code(), Some(2));
    assert!(stderr(&no_fw).contains("say which frameworks"));
    let with_version = dpa(
        root,
        &[
            &base[..],
            &[
                "--file",
                "contracts/nordhost-dpa.md",
                "--framework",
                "gdpr",
                "--version",
                "1",
            ],
        ]
        .concat(),
    );
    assert_eq!(with_version.status.code(), Some(2));
    // A hand-written vendor-paper entry without file is refused with a located message.
    let record = std::fs::read_to_string(root.join("vendors/nordhost.toml")).unwrap();
    write(
        root,
        "vendors/nordhost.toml",
        &format!(
            "{record}\n[[agreements]]\npaper = \"vendor\"\nstatus = \"signed\"\nsigned_on = 2026-01-01\nframeworks = [\"gdpr\"]\n"
        ),
    );
    let check = dpa(root, &["check"]);
    assert_eq!(check.status.code(), Some(2));
    assert!(
        stderr(&check).contains("is on the vendor's paper but lacks `file` or `sha256`"),
        "{}",
        stderr(&check)
    );
}

const COUNSEL: &str = "Priya Natarajan, General Counsel";

fn confirm(root: &Path, by: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["confirm", "nordhost", "--by", by, "--date", "2026-11-20"];
    args.extend_from_slice(extra);
    dpa(root, &args)
}

#[test]
fn a_clean_review_leaves_the_vendor_reviewed_until_a_person_confirms_that_document() {
    let ws = german_workspace();
    let root = ws.path();
    write(root, "contracts/nordhost-dpa.md", &clauses());
    sign_vendor_paper(root, "contracts/nordhost-dpa.md");
    // Nothing to confirm before a review is saved.
    let early = confirm(root, COUNSEL, &[]);
    assert_eq!(early.status.code(), Some(2));
    assert!(
        stderr(&early).contains("has no saved review; review it first: `dpa review contracts/nordhost-dpa.md --vendor nordhost --save`"),
        "{}",
        stderr(&early)
    );
    assert_eq!(review_and_save(root), 0);
    let json = status_json(root);
    let row = nordhost(&json);
    assert_eq!(row["states"]["gdpr"], "reviewed", "{row}");
    assert_eq!(row["overall"], "gaps");
    let text = stdout(&dpa(
        root,
        &["status", "--missing", "gdpr", "--as-of", "2026-12-01"],
    ));
    assert!(
        text.contains("was reviewed: 0 gaps, 0 to read; it covers gdpr once a person confirms it: `dpa confirm nordhost --by NAME`"),
        "{text}"
    );
    let fail = dpa(root, &["status", "--fail-on-gaps", "--as-of", "2026-12-01"]);
    assert_eq!(fail.status.code(), Some(1));

    let out = confirm(root, COUNSEL, &["--document", "contracts/nordhost-dpa.md"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(
            "confirmed by Priya Natarajan, General Counsel on 2026-11-20 with 0 gaps, 0 to read"
        ),
        "{}",
        stdout(&out)
    );
    let record = std::fs::read_to_string(root.join("vendors/nordhost.toml")).unwrap();
    let sha =
        dpa::files::sha256_hex(&std::fs::read(root.join("contracts/nordhost-dpa.md")).unwrap());
    assert!(
        record.contains(&format!("[agreements.confirmed]\nby = \"Priya Natarajan, General Counsel\"\non = 2026-11-20\nsha256 = \"{sha}\"\n")),
        "{record}"
    );
    assert!(
        git(root, &["log", "-1", "--format=%B"]).contains(&format!("SHA-256: {sha}\nReview: 0 gaps, 0 to read\nConfirmed-By: Priya Natarajan, General Counsel")),
        "{}",
        git(root, &["log", "-1", "--format=%B"])
    );
    let json = status_json(root);
    assert_eq!(nordhost(&json)["states"]["gdpr"], "covered", "{json}");
    assert_eq!(nordhost(&json)["overall"], "covered");
    let again = confirm(root, COUNSEL, &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("is already confirmed, by Priya Natarajan"));

    // The vendor's later version, recorded in place of the confirmed one and reviewed, is
    // not confirmed: the confirmation names the other document's hash.
    let later = format!(
        "{}\n### Clause 12: Changes\n\nThe processor shall notify the controller of any change to these Clauses.\n",
        clauses()
    );
    write(root, "contracts/nordhost-dpa.md", &later);
    // Unchanged record: the kept copy no longer is the signed document.
    let changed = confirm(root, "X", &[]);
    assert_eq!(changed.status.code(), Some(2));
    assert!(
        stderr(&changed).contains("was changed since it was signed"),
        "{}",
        stderr(&changed)
    );
    let new_sha = dpa::files::sha256_hex(later.as_bytes());
    std::fs::write(
        root.join("vendors/nordhost.toml"),
        record.replace(
            &format!("sha256 = \"{sha}\"\nfile"),
            &format!("sha256 = \"{new_sha}\"\nfile"),
        ),
    )
    .unwrap();
    assert_eq!(review_and_save(root), 0);
    let json = status_json(root);
    assert_eq!(nordhost(&json)["states"]["gdpr"], "reviewed", "{json}");
}
