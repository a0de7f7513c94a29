//! The processor side's sub-processor changes are facts in git: a sent notice, an objection, a
//! consent and an intended sub-processor are each a commit of the records they change.

use crate::common::*;

const VECTORLINE: &str = "Vectorline AI Ltd";

fn clean(root: &std::path::Path) -> bool {
    git(root, &["status", "--porcelain"]).is_empty()
}

fn subject(root: &std::path::Path) -> String {
    git(root, &["log", "-1", "--format=%s"]).trim().to_string()
}

/// Nordlicht Retail objects to Vectorline on 20 December 2026.
fn object_to_vectorline(root: &std::path::Path) -> std::process::Output {
    dpa(
        root,
        &[
            "subprocessors",
            "object",
            "nordlicht-retail",
            VECTORLINE,
            "--date",
            "2026-12-20",
        ],
    )
}

fn files_of_head(root: &std::path::Path) -> Vec<String> {
    git(root, &["show", "--name-only", "--format=", "HEAD"])
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn sending_notices_commits_the_customer_records_and_leaves_a_clean_tree() {
    let ws = saas_vendor_repo();
    let letters = tempfile::tempdir().expect("tempdir");
    // Writing the letters records nothing.
    let out = dpa(
        ws.path(),
        &[
            "subprocessors",
            "notices",
            VECTORLINE,
            "--as-of",
            "2026-12-10",
            "--write",
            &letters.path().display().to_string(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not recorded as sent"),
        "{}",
        stderr(&out)
    );
    assert_eq!(git(ws.path(), &["rev-list", "--count", "HEAD"]).trim(), "1");
    assert!(clean(ws.path()), "{}", git(ws.path(), &["status"]));
    assert_eq!(
        stdout(&out).matches("to send").count(),
        6,
        "{}",
        stdout(&out)
    );
    let out = dpa(
        ws.path(),
        &[
            "subprocessors",
            "notices",
            "sent",
            VECTORLINE,
            "--date",
            "2026-12-10",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let head = git(ws.path(), &["rev-parse", "--short=10", "HEAD"]);
    assert!(
        stdout(&out).contains(&format!(
            "recorded 6 notice(s) as sent on 2026-12-10 (commit {})",
            head.trim()
        )),
        "{}",
        stdout(&out)
    );
    let out = dpa(
        ws.path(),
        &["subprocessors", "notices", "--as-of", "2026-12-10"],
    );
    // The list printed after sending shows the notices as sent.
    assert!(!stdout(&out).contains("to send"), "{}", stdout(&out));
    assert_eq!(
        stdout(&out).matches(" 2026-12-10 ").count(),
        6,
        "{}",
        stdout(&out)
    );
    assert_eq!(
        subject(ws.path()),
        "dpa: notice of sub-processor Vectorline AI Ltd to 6 customers"
    );
    let body = git(ws.path(), &["log", "-1", "--format=%b"]);
    assert!(body.contains("Sub-processor: Vectorline AI Ltd (effective 2027-03-01)\nSent: 2026-12-10\nCustomer: alpenpost (Alpenpost AG)\n"), "{body}");
    assert_eq!(
        files_of_head(ws.path()),
        [
            "customers/alpenpost.toml",
            "customers/fieldwork-labs.toml",
            "customers/harbour-books.toml",
            "customers/meridian-sante.toml",
            "customers/nordlicht-retail.toml",
            "customers/sunset-outfitters.toml",
        ]
    );
    assert!(clean(ws.path()), "{}", git(ws.path(), &["status"]));
    let committed = git(ws.path(), &["show", "HEAD:customers/alpenpost.toml"]);
    assert!(
        committed
            .contains("[[notices]]\nsubprocessor = \"Vectorline AI Ltd\"\nsent_on = 2026-12-10"),
        "{committed}"
    );
    assert!(letters.path().join("recipients.csv").is_file());
    assert!(
        letters
            .path()
            .join("alpenpost-vectorline-ai-ltd.pdf")
            .is_file()
    );

    // Nothing left to send: no commit.
    let before = git(ws.path(), &["rev-parse", "HEAD"]);
    let out = dpa(
        ws.path(),
        &["subprocessors", "notices", "sent", "--date", "2026-12-11"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("no notice was due"),
        "{}",
        stdout(&out)
    );
    assert_eq!(git(ws.path(), &["rev-parse", "HEAD"]), before);
    assert!(clean(ws.path()));

    // An objection, then a consent, each one commit of one record.
    let out = object_to_vectorline(ws.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let head = git(ws.path(), &["rev-parse", "--short=10", "HEAD"]);
    assert!(
        stdout(&out).contains(&format!(
            "customers/nordlicht-retail.toml: recorded the objection of `Vectorline AI Ltd` on 2026-12-20 (commit {})",
            head.trim()
        )),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        subject(ws.path()),
        "dpa: objection of nordlicht-retail to sub-processor Vectorline AI Ltd"
    );
    assert_eq!(
        files_of_head(ws.path()),
        ["customers/nordlicht-retail.toml"]
    );
    assert!(clean(ws.path()));

    let out = dpa(
        ws.path(),
        &[
            "subprocessors",
            "consent",
            "meridian-sante",
            VECTORLINE,
            "--date",
            "2026-12-21",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        subject(ws.path()),
        "dpa: consent of meridian-sante to sub-processor Vectorline AI Ltd"
    );
    assert_eq!(files_of_head(ws.path()), ["customers/meridian-sante.toml"]);
    assert!(clean(ws.path()));

    // An intended sub-processor is a commit of dpa.toml.
    let out = dpa(
        ws.path(),
        &[
            "subprocessors",
            "add",
            "Quillmark Translations SL",
            "--country",
            "ES",
            "--purpose",
            "Translation of support tickets",
            "--effective",
            "2027-04-01",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        subject(ws.path()),
        "dpa: intended sub-processor Quillmark Translations SL, effective 2027-04-01"
    );
    assert_eq!(files_of_head(ws.path()), ["dpa.toml"]);
    assert!(clean(ws.path()));
    assert_eq!(
        git(ws.path(), &["rev-list", "--count", "HEAD"]).trim(),
        "5",
        "the workspace, the notices, the objection, the consent, the addition"
    );
}

#[test]
fn other_uncommitted_edits_of_a_record_stay_uncommitted() {
    let ws = saas_vendor_repo();
    let path = ws.path().join("customers/nordlicht-retail.toml");
    let text = std::fs::read_to_string(&path).expect("record");
    let edited = text.replace(
        "retention = \"Usage events for 25 months on a rolling basis\"",
        "retention = \"Usage events for 24 months on a rolling basis\"",
    );
    assert_ne!(edited, text);
    std::fs::write(&path, &edited).expect("write");
    let out = object_to_vectorline(ws.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("customers/nordlicht-retail.toml has other changes that are not committed"),
        "{}",
        stderr(&out)
    );
    let committed = git(ws.path(), &["show", "HEAD:customers/nordlicht-retail.toml"]);
    assert!(committed.contains("25 months"), "{committed}");
    assert!(
        committed.contains("objected_on = 2026-12-20"),
        "{committed}"
    );
    let work = std::fs::read_to_string(&path).expect("record");
    assert!(
        work.contains("24 months") && work.contains("objected_on = 2026-12-20"),
        "{work}"
    );
    let diff = git(
        ws.path(),
        &["diff", "--", "customers/nordlicht-retail.toml"],
    );
    assert!(
        diff.contains("+retention = \"Usage events for 24 months"),
        "{diff}"
    );
    assert!(!diff.contains("objected_on"), "{diff}");
}

#[test]
fn letters_written_into_the_workspace_are_not_recorded_or_committed() {
    let ws = saas_vendor_repo();
    let out = dpa(
        ws.path(),
        &[
            "subprocessors",
            "notices",
            "--as-of",
            "2026-12-10",
            "--write",
            "letters",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        ws.path()
            .join("letters/alpenpost-vectorline-ai-ltd.pdf")
            .is_file()
    );
    assert!(ws.path().join("letters/recipients.csv").is_file());
    assert_eq!(git(ws.path(), &["rev-list", "--count", "HEAD"]).trim(), "1");
    assert_eq!(
        git(ws.path(), &["status", "--porcelain"]).trim(),
        "?? letters/"
    );
}

#[test]
fn without_a_repository_nothing_is_sent_or_recorded() {
    let ws = saas_vendor();
    let record = std::fs::read_to_string(ws.path().join("customers/alpenpost.toml")).expect("r");
    // Writing the letters needs no repository; recording them sent does.
    let out = dpa(
        ws.path(),
        &[
            "subprocessors",
            "notices",
            "--as-of",
            "2026-12-10",
            "--write",
            "letters",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(ws.path().join("letters/recipients.csv").is_file());
    let out = dpa(
        ws.path(),
        &["subprocessors", "notices", "sent", "--date", "2026-12-10"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("is not inside a git repository"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(ws.path().join("customers/alpenpost.toml")).expect("r"),
        record
    );
    let out = object_to_vectorline(ws.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !std::fs::read_to_string(ws.path().join("customers/nordlicht-retail.toml"))
            .expect("r")
            .contains("objected_on")
    );
    // Listing the notices needs no repository.
    let out = dpa(
        ws.path(),
        &["subprocessors", "notices", "--as-of", "2026-12-10"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
