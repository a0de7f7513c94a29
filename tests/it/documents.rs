//! Per-customer documents on the processor side: a customer record says `documents =
//! "combined" | "separate"` over dpa.toml's default, and each document of a separate pair is
//! issued, signed and logged on its own `[[agreements]]` entry.

use crate::common::*;

/// The example with one agreement per customer by default, and Sunset Outfitters on two.
fn mixed() -> tempfile::TempDir {
    let ws = saas_vendor_repo();
    let root = ws.path();
    let company = std::fs::read_to_string(root.join("dpa.toml")).expect("dpa.toml");
    write(
        root,
        "dpa.toml",
        &company.replace("documents = \"separate\"", "documents = \"combined\""),
    );
    let sunset =
        std::fs::read_to_string(root.join("customers/sunset-outfitters.toml")).expect("record");
    write(
        root,
        "customers/sunset-outfitters.toml",
        &sunset.replacen(
            "country = \"US\"\n",
            "country = \"US\"\ndocuments = \"separate\"\n",
            1,
        ),
    );
    git(
        root,
        &["commit", "-q", "-am", "Sunset Outfitters on two documents"],
    );
    ws
}

#[test]
fn both_documents_of_a_pair_are_signed_and_read_back_on_their_own() {
    let ws = mixed();
    let root = ws.path();
    // Naming the customer issues both of its documents; another customer stays combined.
    let out = dpa(root, &["record", "sunset-outfitters", "harbour-books"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tags = git(root, &["tag"]);
    assert_eq!(
        tags.lines().collect::<Vec<_>>(),
        [
            "dpa/harbour-books/v1",
            "dpa/sunset-outfitters-ccpa/v1",
            "dpa/sunset-outfitters-gdpr/v1"
        ],
        "{tags}"
    );
    // A signature concerns one document: the customer's id alone is refused.
    let out = dpa(
        root,
        &[
            "sign",
            "sunset-outfitters",
            "--version",
            "1",
            "--date",
            "2026-11-02",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("name one (sunset-outfitters-ccpa, sunset-outfitters-gdpr)"),
        "{}",
        stderr(&out)
    );
    for (id, date) in [
        ("sunset-outfitters-ccpa", "2026-11-02"),
        ("sunset-outfitters-gdpr", "2026-11-09"),
    ] {
        let out = dpa(root, &["sign", id, "--version", "1", "--date", date]);
        assert_eq!(out.status.code(), Some(0), "{id}: {}", stderr(&out));
    }
    let record =
        std::fs::read_to_string(root.join("customers/sunset-outfitters.toml")).expect("record");
    assert_eq!(record.matches("[[agreements]]").count(), 2, "{record}");
    assert!(
        record.contains(
            "version = 1\ndocument = \"ccpa\"\nstatus = \"signed\"\nsigned_on = 2026-11-02"
        ),
        "{record}"
    );
    assert!(
        record.contains(
            "version = 1\ndocument = \"gdpr\"\nstatus = \"signed\"\nsigned_on = 2026-11-09"
        ),
        "{record}"
    );
    // The second signature is refused as a repeat of neither.
    let out = dpa(
        root,
        &[
            "sign",
            "sunset-outfitters-ccpa",
            "--version",
            "1",
            "--date",
            "2026-11-03",
        ],
    );
    assert!(
        stderr(&out)
            .contains("version 1 of `sunset-outfitters-ccpa` is already signed on 2026-11-02"),
        "{}",
        stderr(&out)
    );
    let status = stdout(&dpa(root, &["status"]));
    let row = |id: &str| {
        status
            .lines()
            .find(|l| l.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("no row {id}: {status}"))
            .to_string()
    };
    assert!(
        row("sunset-outfitters-ccpa").contains("2026-11-02"),
        "{status}"
    );
    assert!(
        row("sunset-outfitters-ccpa").contains("CCPA covered"),
        "{status}"
    );
    assert!(
        row("sunset-outfitters-gdpr").contains("2026-11-09"),
        "{status}"
    );
    assert!(
        row("sunset-outfitters-gdpr").contains("GDPR covered"),
        "{status}"
    );
    assert!(!status.contains("sunset-outfitters "), "{status}");
    for (id, date) in [
        ("sunset-outfitters-ccpa", "signed 2026-11-02"),
        ("sunset-outfitters-gdpr", "signed 2026-11-09"),
    ] {
        let log = dpa(root, &["log", id]);
        assert_eq!(log.status.code(), Some(0), "{}", stderr(&log));
        assert!(stdout(&log).contains(date), "{id}: {}", stdout(&log));
        assert!(!stdout(&log).contains("issued"), "{id}: {}", stdout(&log));
    }
}

#[test]
fn a_hand_written_pair_of_entries_is_accepted_and_a_repeat_within_one_document_is_not() {
    let ws = mixed();
    let root = ws.path();
    let path = root.join("customers/sunset-outfitters.toml");
    let record = std::fs::read_to_string(&path).expect("record");
    let entry = |doc: &str, on: &str| {
        format!(
            "\n[[agreements]]\nversion = 1\ndocument = \"{doc}\"\nstatus = \"sent\"\nsent_on = {on}\n"
        )
    };
    std::fs::write(
        &path,
        format!(
            "{record}{}{}",
            entry("ccpa", "2026-10-01"),
            entry("gdpr", "2026-10-02")
        ),
    )
    .expect("write");
    let out = dpa(
        root,
        &["check", "sunset-outfitters-ccpa", "sunset-outfitters-gdpr"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(
        &path,
        format!(
            "{record}{}{}",
            entry("gdpr", "2026-10-01"),
            entry("gdpr", "2026-10-02")
        ),
    )
    .expect("write");
    let out = dpa(root, &["check", "sunset-outfitters-gdpr"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("version 1 of the gdpr document appears twice in `[[agreements]]`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_customer_record_chooses_combined_over_the_default() {
    let ws = saas_vendor();
    let root = ws.path();
    let sunset =
        std::fs::read_to_string(root.join("customers/sunset-outfitters.toml")).expect("record");
    write(
        root,
        "customers/sunset-outfitters.toml",
        &sunset.replacen(
            "country = \"US\"\n",
            "country = \"US\"\ndocuments = \"combined\"\n",
            1,
        ),
    );
    let out = dpa(root, &["status"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let status = stdout(&out);
    assert!(status.contains("\nsunset-outfitters "), "{status}");
    assert!(!status.contains("sunset-outfitters-ccpa"), "{status}");
    // A vendor record may not say it: it is a customer's choice of our paper.
    let ws = example_workspace();
    let v = std::fs::read_dir(ws.path().join("vendors"))
        .expect("vendors")
        .next()
        .expect("a vendor")
        .expect("entry")
        .path();
    let text = std::fs::read_to_string(&v).expect("vendor");
    std::fs::write(
        &v,
        text.replacen("\n[", "\ndocuments = \"separate\"\n\n[", 1),
    )
    .expect("write");
    let out = dpa(ws.path(), &["check"]);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`documents` does not belong in a vendor record"),
        "{}",
        stderr(&out)
    );
}
