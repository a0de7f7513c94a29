//! Every kind of bad record or clause file exits 2 with a message naming the file, and never panics.

use crate::common::*;

fn valid() -> String {
    Record::vendor("Valid Co").toml()
}

#[test]
fn bad_records_exit_2_naming_the_file() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "unclosed string",
            b"name = \"Valid Co\naddress = \"x\"\n".to_vec(),
            "bad.toml:1:",
        ),
        (
            "duplicate key",
            format!("name = \"A\"\n{}", valid()).into_bytes(),
            "bad.toml:",
        ),
        (
            "wrong type",
            valid()
                .replace("name = \"Valid Co\"", "name = 42")
                .into_bytes(),
            "`name` must be a string, found an integer",
        ),
        (
            "unknown key",
            valid().replace("retention = ", "retension = ").into_bytes(),
            "did you mean `processing.retention`?",
        ),
        (
            "invalid date",
            valid()
                .replace("starts = 2025-01-15", "starts = \"2025-13-01\"")
                .into_bytes(),
            "is not a valid date",
        ),
        (
            "invalid country",
            valid()
                .replace("country = \"US\"", "country = \"XX\"")
                .into_bytes(),
            "not an ISO 3166-1 alpha-2 country code",
        ),
        ("empty file", Vec::new(), "missing required field `name`"),
        (
            "binary garbage",
            (0..=255u8).cycle().take(2000).collect(),
            "bad.toml",
        ),
        (
            "invalid UTF-8",
            b"name = \"\xff\xfe\"\n".to_vec(),
            "not valid UTF-8",
        ),
        (
            "deeply nested arrays",
            format!("name = {}1{}\n", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
            "bad.toml:1:",
        ),
        (
            "bad role",
            valid()
                .replace("\"on_behalf\"", "\"processor\"")
                .into_bytes(),
            "must be one of",
        ),
        (
            "contradiction",
            (valid()
                .replace("regions = [\"US-CA\"]", "regions = [\"EEA\"]\n")
                .replace("country = \"US\"", "country = \"IN\"")
                + "[transfers]\nmechanism = \"adequacy\"\n")
                .into_bytes(),
            "no adequacy decision",
        ),
    ];
    for (what, bytes, expected) in cases {
        let ws = example_workspace();
        std::fs::write(ws.path().join("vendors/bad.toml"), &bytes).expect("write");
        let out = dpa(ws.path(), &["render", "bad"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert!(
            err.contains("vendors/bad.toml"),
            "{what}: the file is not named: {err}"
        );
        assert!(
            err.contains(expected),
            "{what}: expected `{expected}` in:\n{err}"
        );
        assert!(!err.contains("panicked"), "{what}: {err}");
        assert!(
            !ws.path().join("out/bad").exists(),
            "{what}: output written"
        );
    }
}

#[test]
fn bad_clause_files_exit_2_naming_the_file() {
    let cases = [
        (
            "no front matter",
            "Just text\n",
            "must start with TOML front matter",
        ),
        (
            "unclosed front matter",
            "+++\nid = \"x\"\n",
            "must start with TOML front matter",
        ),
        ("broken TOML", "+++\nid = \"x\n+++\nBody\n", "invalid TOML"),
        (
            "bad when",
            "+++\nid = \"x.y\"\ntitle = \"T\"\nversion = 1\nframeworks = [\"gdpr\"]\norder = 300\nwhen = \"processing.regions ==\"\n+++\nBody\n",
            "invalid `when` condition",
        ),
        (
            "bad template",
            "+++\nid = \"x.y\"\ntitle = \"T\"\nversion = 1\nframeworks = [\"gdpr\"]\norder = 300\n+++\n{% if %}\n",
            "template error in clause `x.y`",
        ),
    ];
    for (what, text, expected) in cases {
        let ws = example_workspace();
        write(ws.path(), "clauses/bad.md", text);
        let out = dpa(ws.path(), &["render", "nordhost"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{what}: {err}");
        assert!(err.contains("clauses/bad.md"), "{what}: {err}");
        assert!(
            err.contains(expected),
            "{what}: expected `{expected}` in:\n{err}"
        );
    }
}

#[test]
fn a_huge_record_and_many_subprocessors_finish() {
    let ws = example_workspace();
    let mut text = valid();
    for i in 0..10_000 {
        text.push_str(&format!(
            "[[subprocessors]]\nname = \"Sub {i} Ltd\"\ncountry = \"IE\"\npurpose = \"Hosting\"\n"
        ));
    }
    // Described measures, so that the agreement reads as complete and `check` passes.
    text.push_str("[security]\nencryption = \"AES-256 at rest\"\n");
    text = text.replace(
        "retention = \"One year\"",
        &format!("retention = \"{}\"", "One year. ".repeat(200_000)),
    );
    assert!(text.len() > 2_000_000);
    std::fs::write(ws.path().join("vendors/big.toml"), text).expect("write");
    let out = dpa(ws.path(), &["check", "big"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
