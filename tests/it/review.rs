//! `dpa review`: vendor DPAs of any format against the registry, hostile files refused.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/review").join(name)
}

fn review_json(file: &Path, extra: &[&str]) -> (Option<i32>, Value, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut args = vec!["review", file.to_str().expect("utf8"), "--format", "json"];
    args.extend_from_slice(extra);
    let out = dpa(dir.path(), &args);
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), json, stderr(&out))
}

fn finding<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["requirement"] == id)
        .unwrap_or_else(|| panic!("no finding for {id}"))
}

const ART28: [&str; 13] = [
    "gdpr.28.3.a",
    "gdpr.28.3.b",
    "gdpr.28.3.c",
    "gdpr.28.3.d",
    "gdpr.28.3.e",
    "gdpr.28.3.f",
    "gdpr.28.3.g",
    "gdpr.28.3.h",
    "gdpr.28.3.infringe",
    "gdpr.28.4.flowdown",
    "gdpr.28.4.liability",
    "gdpr.28.2.auth",
    "gdpr.28.2.notice",
];

#[test]
fn commission_art28_clauses_satisfy_article_28_with_quotes() {
    let (code, json, err) = review_json(&fixture("eu-scc-art28.md"), &["--framework", "gdpr"]);
    assert!(code.is_some(), "{err}");
    for id in ART28 {
        let f = finding(&json, id);
        assert_eq!(f["status"], "satisfied", "{id}: {f:#}");
        let e = &f["evidence"][0];
        assert!(
            e["number"].is_string() && e["quote"].as_str().is_some_and(|q| q.len() > 20),
            "{id}: {e:#}"
        );
    }
    let h = finding(&json, "gdpr.28.3.h");
    assert_eq!(h["evidence"][0]["number"], "7.6");
    assert_eq!(h["evidence"][0]["heading"], "Documentation and compliance");
    assert!(
        h["evidence"][0]["quote"]
            .as_str()
            .expect("quote")
            .contains("permit and contribute to audits")
    );
}

#[test]
fn audit_clause_removed_is_missing_and_quotes_nothing() {
    let (code, json, err) = review_json(
        &fixture("eu-scc-art28-no-audit.md"),
        &["--framework", "gdpr"],
    );
    assert_eq!(code, Some(1), "{err}");
    let h = finding(&json, "gdpr.28.3.h");
    assert_eq!(h["status"], "missing", "{h:#}");
    assert_eq!(h["evidence"].as_array().expect("evidence").len(), 0);
    assert_eq!(finding(&json, "gdpr.28.3.a")["status"], "satisfied");
}

#[test]
fn diluted_clauses_are_partial_with_the_reason() {
    let (_, json, _) = review_json(
        &fixture("eu-scc-art28-audit-reports.md"),
        &["--framework", "gdpr"],
    );
    let h = finding(&json, "gdpr.28.3.h");
    assert_eq!(h["status"], "partial", "{h:#}");
    assert!(
        h["reasons"][0]
            .as_str()
            .expect("reason")
            .contains("audits limited to reports")
    );
    let (_, json, _) = review_json(
        &fixture("eu-scc-art28-weak-flowdown.md"),
        &["--framework", "gdpr"],
    );
    assert_eq!(finding(&json, "gdpr.28.4.flowdown")["status"], "partial");
    let (_, json, _) = review_json(
        &fixture("eu-scc-art28-own-use.md"),
        &["--framework", "gdpr", "--framework", "ccpa"],
    );
    // The Commission's clauses have no CCPA or service-provider terms: CCPA duties are missing,
    // whatever their GDPR wording says.
    let ccpa = finding(&json, "ccpa.140ag.B");
    assert_eq!(ccpa["status"], "missing", "{ccpa:#}");
    assert!(
        ccpa["reasons"][0]
            .as_str()
            .is_some_and(|r| r.contains("no CCPA or service-provider terms"))
    );
    let id = "gdpr.28.10.no_own_purpose";
    let f = finding(&json, id);
    assert_eq!(f["status"], "partial", "{id}: {f:#}");
    assert!(
        f["evidence"]
            .as_array()
            .expect("evidence")
            .iter()
            .any(|e| e["bearing"] == "against"
                && e["quote"]
                    .as_str()
                    .is_some_and(|q| q.contains("improve and develop its own products"))),
        "{id}: {f:#}"
    );
}

#[test]
fn text_report_names_clause_heading_and_quote() {
    // Every finding line names the requirement in plain English, the id in brackets after it.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = fixture("eu-scc-art28-no-audit.md");
    let out = dpa(
        dir.path(),
        &[
            "review",
            file.to_str().expect("utf8"),
            "--framework",
            "gdpr",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    for line in text.lines() {
        let Some(rest) = ["satisfied ", "partial   ", "missing   ", "to read   "]
            .iter()
            .find_map(|s| line.strip_prefix(s))
        else {
            continue;
        };
        assert!(
            !rest.starts_with("gdpr.") && rest.contains(" (gdpr."),
            "a bare id: {line}"
        );
    }
    assert!(
        text.contains("missing   Make available all information needed to demonstrate compliance (gdpr.28.3.h)\n          nothing in the document"),
        "{text}"
    );
    assert!(
        text.contains("(gdpr.28.3.infringe)\n          7.1 Instructions: \"(b) The processor shall immediately inform the controller"),
        "{text}"
    );
}

#[test]
fn pdf_and_docx_read_like_markdown() {
    let docx = fixture("eu-scc-art28.docx");
    let (code, json, err) = review_json(&docx, &["--framework", "gdpr"]);
    assert!(code.is_some(), "{err}");
    assert_eq!(json["format"], "docx");
    for id in ART28 {
        assert_eq!(finding(&json, id)["status"], "satisfied", "docx {id}");
    }
    let (code, json, err) = review_json(&fixture("eu-scc-art28.pdf"), &["--framework", "gdpr"]);
    assert!(code.is_some(), "{err}");
    assert_eq!(json["format"], "pdf");
    for id in ART28 {
        assert_eq!(finding(&json, id)["status"], "satisfied", "pdf {id}");
    }
    assert_eq!(
        finding(&json, "gdpr.28.3.h")["evidence"][0]["number"],
        "7.6"
    );
}

fn refused(name: &str, bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).expect("write");
    let started = std::time::Instant::now();
    let out = dpa(
        dir.path(),
        &[
            "review",
            file.to_str().expect("utf8"),
            "--framework",
            "gdpr",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
    assert!(
        out.stdout.is_empty(),
        "{name}: reported on unreadable input"
    );
    assert!(started.elapsed().as_secs() < 60, "{name}: took too long");
    let err = stderr(&out);
    assert!(
        err.contains(name),
        "{name}: message does not name the file: {err}"
    );
    assert!(!err.contains("panicked"), "{name}: {err}");
    err
}

/// A DOCX whose document.xml inflates from a few KiB to far more than the reader may use.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("[Content_Types].xml", opts).expect("zip");
        zip.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").expect("zip");
        zip.start_file("word/document.xml", opts).expect("zip");
        zip.write_all(b"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>").expect("zip");
        let chunk = vec![b'A'; 1 << 20];
        for _ in 0..300 {
            zip.write_all(&chunk).expect("zip");
        }
        zip.write_all(b"</w:t></w:r></w:p></w:body></w:document>")
            .expect("zip");
        zip.finish().expect("zip");
    }
    out.into_inner()
}

#[test]
fn hostile_files_are_refused_within_bounds() {
    let pdf = std::fs::read(fixture("eu-scc-art28.pdf")).expect("pdf");
    let err = refused("truncated.pdf", &pdf[..pdf.len() / 3]);
    assert!(err.contains("PDF"), "{err}");
    let mut nested = b"%PDF-1.4\n1 0 obj\n".to_vec();
    nested.extend(std::iter::repeat_n(b'[', 2_000_000));
    refused("nested.pdf", &nested);
    let err = refused("bomb.docx", &zip_bomb());
    assert!(err.contains("zip bomb"), "{err}");
    let err = refused("truncated.docx", b"PK\x03\x04\x14\x00\x00\x00");
    assert!(err.contains("Word") || err.contains("DOCX"), "{err}");
    let big = vec![b'a'; 33 * 1024 * 1024];
    let err = refused("huge.txt", &big);
    assert!(err.contains("larger than 32 MiB"), "{err}");
    let err = refused("binary.txt", b"\x00\x01\x02 not text");
    assert!(err.contains("NUL"), "{err}");
    let err = refused("empty.md", b"\n\n");
    assert!(err.contains("no text"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = fixture("eu-scc-art28.md");
    let out = dpa(dir.path(), &["review", file.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--vendor ID, or --framework F"),
        "{}",
        stderr(&out)
    );
    let out = dpa(
        dir.path(),
        &[
            "review",
            file.to_str().expect("utf8"),
            "--framework",
            "gpdr",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown framework `gpdr`"));
}

#[test]
fn workspace_rules_override_built_in_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "clauses/evidence.toml",
        "[[evidence]]\nrequirement = \"gdpr.28.3.h\"\n[[evidence.satisfied]]\nall = [\"inspection of the moon\"]\n",
    );
    let file = fixture("eu-scc-art28.md");
    let out = dpa(
        dir.path(),
        &[
            "review",
            file.to_str().expect("utf8"),
            "--framework",
            "gdpr",
            "--format",
            "json",
        ],
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(finding(&json, "gdpr.28.3.h")["status"], "missing");
    assert_eq!(finding(&json, "gdpr.28.3.a")["status"], "satisfied");
    write(
        dir.path(),
        "clauses/evidence.toml",
        "[[evidence]]\nrequirement = \"gdpr.28.3.h\"\n[[evidence.satisfied]]\nall = [\"(unclosed\"]\n",
    );
    let out = dpa(
        dir.path(),
        &[
            "review",
            file.to_str().expect("utf8"),
            "--framework",
            "gdpr",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("clauses/evidence.toml:4:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn save_keeps_the_result_by_hash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = fixture("eu-scc-art28.md");
    let out = dpa(
        dir.path(),
        &[
            "review",
            file.to_str().expect("utf8"),
            "--framework",
            "gdpr",
            "--save",
        ],
    );
    // The model clauses leave GDPR requirements missing: exit 1, and the result kept anyway.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let saved: Vec<_> = std::fs::read_dir(dir.path().join("reviews"))
        .expect("reviews/")
        .flatten()
        .collect();
    assert_eq!(saved.len(), 1);
    let json: Value =
        serde_json::from_slice(&std::fs::read(saved[0].path()).expect("read")).expect("json");
    let name = saved[0].file_name().to_string_lossy().into_owned();
    assert_eq!(
        format!("{}.json", json["sha256"].as_str().expect("hash")),
        name
    );
    // The template's blank Annex I field on data subjects states nothing, and nothing in it is a
    // record of processing (Art. 30(2)). (Its types of data are taken from Clause 6's reference
    // to Annex II, which is blank too: a verdict still to correct.)
    assert_eq!(json["counts"]["missing"], 2, "{}", json["counts"]);
    let missing: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["status"] == "missing")
        .map(|f| f["requirement"].as_str().expect("id"))
        .collect();
    assert_eq!(missing, ["gdpr.28.3.subject_categories", "gdpr.30.2"]);
    assert!(
        stderr(&out).contains(&format!("saved reviews/{name}")),
        "{}",
        stderr(&out)
    );
}
