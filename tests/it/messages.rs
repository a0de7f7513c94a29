//! Every user-facing error message about records, pinned byte for byte with its location, caret
//! and hints (insta snapshots under `snapshots/it__messages__*.snap`).

use crate::common::*;

/// A valid record as a person writes it: the snapshots pin lines and columns in this text.
const VALID: &str = r#"name = "Valid Co"
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
regions = ["US-CA", "EEA"]
role = "on_behalf"
purposes = ["Provide widgets"]
data_subjects = ["Users"]
data_categories = ["Email address"]
frequency = "continuous"
retention = "One year"
"#;

fn valid() -> String {
    VALID.to_string()
}

/// A valid record with `from` replaced by `to` (which must occur).
fn edited(from: &str, to: &str) -> String {
    let v = valid();
    assert!(v.contains(from), "{from}");
    v.replacen(from, to, 1)
}

fn with(extra: &str) -> String {
    format!("{}{extra}", valid())
}

/// Runs `dpa check` on a workspace whose vendors are `files` and returns stderr.
fn check_stderr(files: &[(&str, &str)]) -> String {
    let ws = example_workspace();
    for entry in std::fs::read_dir(ws.path().join("vendors")).expect("vendors") {
        std::fs::remove_file(entry.expect("entry").path()).expect("rm");
    }
    for (name, text) in files {
        write(ws.path(), name, text);
    }
    let out = dpa(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    stderr(&out)
}

#[test]
fn vendor_record_errors() {
    let cases: Vec<(&str, String)> = vec![
        ("unknown_key", edited("retention = ", "retension = ")),
        (
            "misplaced_key",
            with("\n[security]\nmechanism = \"scc\"\nencryption = \"AES\"\n"),
        ),
        (
            "misspelt_keys_all_at_once",
            edited("name = ", "nmae = ")
                .replace("frequency =", "frequncy =")
                .replace("[service]", "[servce]"),
        ),
        ("missing_required", edited("retention = \"One year\"\n", "")),
        ("wrong_type", edited("name = \"Valid Co\"", "name = 42")),
        ("bad_choice", edited("\"on_behalf\"", "\"on-behalf\"")),
        (
            "bad_date",
            edited("starts = 2025-01-15", "starts = \"2025-13-01\""),
        ),
        (
            "date_with_time",
            edited("starts = 2025-01-15", "starts = 2025-01-15T10:00:00"),
        ),
        (
            "negative_integer",
            with("\n[transfers]\nsubprocessor_notice_days = -3\n"),
        ),
        (
            "list_of_non_strings",
            edited("[\"Users\"]", "[\"Users\", 3]"),
        ),
        ("empty_required_string", edited("\"One year\"", "\"  \"")),
        (
            "bad_country",
            edited("country = \"US\"", "country = \"USA\""),
        ),
        (
            "region_name",
            edited("[\"US-CA\", \"EEA\"]", "[\"California\", \"EEA\"]"),
        ),
        ("no_purposes", edited("[\"Provide widgets\"]", "[]")),
        (
            "ends_before_starts",
            edited(
                "starts = 2025-01-15",
                "starts = 2025-01-15\nends = 2024-01-01",
            ),
        ),
        (
            "uk_may_end",
            with("\n[transfers]\nuk_may_end = [\"importer\", \"vendor\"]\n"),
        ),
        (
            "adequacy_in_the_eea",
            edited("country = \"US\"", "country = \"PL\"")
                + "\n[transfers]\nmechanism = \"adequacy\"\n",
        ),
        (
            "bad_security_category",
            with("\n[security]\nencyption = \"AES-256\"\n"),
        ),
        (
            "agreement_errors",
            with(
                "\n[[agreements]]\nversion = 1\nstatus = \"signed\"\nsha256 = \"abc\"\n\n[[agreements]]\nversion = 1\nstatus = \"sent\"\n",
            ),
        ),
        ("misspelt_owner", with("ownr = \"Jo Procurement\"\n")),
        ("syntax", "name = \"Unclosed\naddress = \"x\"\n".to_string()),
        (
            "misplaced_transfer_key",
            with("\n[security]\nmechansim = \"scc\"\n"),
        ),
    ];
    for (name, text) in cases {
        let err = check_stderr(&[("vendors/v.toml", &text)]);
        insta::assert_snapshot!(format!("vendor_{name}"), err);
    }
}

#[test]
fn vendor_file_name_errors() {
    let err = check_stderr(&[("vendors/Zendesk.toml", &valid())]);
    insta::assert_snapshot!("vendor_file_name", err);
}

#[test]
fn company_record_errors() {
    let base = std::fs::read_to_string(repo().join("dpa.toml")).expect("dpa.toml");
    let cases = [
        (
            "role",
            base.replace("role = \"controller\"", "role = \"controler\""),
        ),
        (
            "percentage",
            base.replace(
                "revenue_percent_from_selling_or_sharing = 0",
                "revenue_percent_from_selling_or_sharing = 120",
            ),
        ),
        (
            "forum",
            base.replace("forum = \"IE\"", "forum = \"Ireland\""),
        ),
        ("unknown_key", base.replace("paper = ", "papr = ")),
    ];
    for (name, text) in cases {
        let ws = example_workspace();
        write(ws.path(), "dpa.toml", &text);
        let out = dpa(ws.path(), &["check"]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        insta::assert_snapshot!(format!("company_{name}"), stderr(&out));
    }
}

#[test]
fn the_field_reference_is_generated_from_the_types() {
    let out = dpa(&repo(), &["fields", "--markdown"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = std::fs::read_to_string(repo().join("docs/records.md")).unwrap_or_default();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(repo().join("docs/records.md"), &out.stdout).expect("write");
        return;
    }
    assert!(
        page == stdout(&out),
        "docs/records.md differs from the record types: run `UPDATE_DOCS=1 cargo test --test it field_reference`"
    );
    let one = dpa(&repo(), &["fields", "transfers.mechanism"]);
    assert!(stdout(&one).contains("adequacy"), "{}", stdout(&one));
    let none = dpa(&repo(), &["fields", "mechansim"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(
        stderr(&none).contains("transfers.mechanism"),
        "{}",
        stderr(&none)
    );
}
