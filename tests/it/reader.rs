//! The one reader of documents from elsewhere: any two formats compare, outside a workspace too;
//! the same version in PDF, Word and Markdown reads as the same clauses; hostile files are refused
//! within bounds by diff and review alike; a redline reads back with its clause numbers.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;

fn summary(out: &std::process::Output) -> String {
    stdout(out)
        .lines()
        .next_back()
        .unwrap_or_default()
        .to_string()
}

const UNCHANGED: &str = "0 modified, 0 added, 0 removed, 0 moved, 0 renumbered";

/// The issued clauses as Markdown: one heading per clause, its text below.
fn manifest_markdown(manifest: &serde_json::Value) -> String {
    let mut md = String::new();
    for c in manifest["clauses"].as_array().expect("clauses") {
        let number = c["number"].as_str().unwrap_or("");
        let title = c["title"].as_str().unwrap_or("");
        let sep = if number.starts_with("Annex") {
            ": "
        } else {
            " "
        };
        md.push_str(&format!("## {number}{sep}{title}\n\n"));
        for line in c["text"].as_str().unwrap_or("").lines() {
            md.push_str(line);
            md.push_str("\n\n");
        }
    }
    md
}

#[test]
fn our_pdf_word_and_markdown_of_one_version_compare_unchanged() {
    let ws = recorded_workspace();
    let outside = tempfile::tempdir().expect("tempdir");
    let mut ids: Vec<String> = std::fs::read_dir(ws.path().join("vendors"))
        .expect("vendors")
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(String::from))
        .collect();
    ids.sort();
    for id in &ids {
        let out = dpa(ws.path(), &["render", id, "--final", "--format", "docx"]);
        assert_eq!(out.status.code(), Some(0), "{id}: {}", stderr(&out));
        let dir = ws.path().join("out").join(id);
        let pdf = outside.path().join(format!("{id}.pdf"));
        let docx = outside.path().join(format!("{id}.docx"));
        // A Word file under a PDF's name is still read as Word: the format comes from the bytes.
        let misnamed = outside.path().join(format!("{id}-word.pdf"));
        let md = outside.path().join(format!("{id}.md"));
        std::fs::copy(dir.join(format!("{id}.pdf")), &pdf).expect("pdf");
        std::fs::copy(dir.join(format!("{id}.docx")), &docx).expect("docx");
        std::fs::copy(dir.join(format!("{id}.docx")), &misnamed).expect("docx");
        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(ws.path().join("agreements").join(id).join("manifest.json"))
                .expect("manifest"),
        )
        .expect("json");
        std::fs::write(&md, manifest_markdown(&manifest)).expect("md");
        let [pdf, docx, misnamed, md] =
            [&pdf, &docx, &misnamed, &md].map(|p| p.display().to_string());
        // Outside any workspace: two documents, the Word file under either name.
        for (a, b) in [(&pdf, &pdf), (&misnamed, &docx), (&docx, &misnamed)] {
            let out = dpa(outside.path(), &["diff", a, b, "--exit-code"]);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{a} vs {b}: {}{}",
                stdout(&out),
                stderr(&out)
            );
            assert!(
                summary(&out).starts_with(UNCHANGED),
                "{a} vs {b}: {}",
                stdout(&out)
            );
        }
        // Against the issued version: the Word file (under either name) and the Markdown of its
        // clauses, annexes numbered by their labels in both, read as it.
        for doc in [&docx, &misnamed, &md] {
            let out = dpa(ws.path(), &["diff", id, doc, "--exit-code"]);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{id} vs {doc}: {}{}",
                stdout(&out),
                stderr(&out)
            );
            assert!(
                summary(&out).starts_with(UNCHANGED),
                "{id} vs {doc}: {}",
                stdout(&out)
            );
        }
        // The PDF, against the issued version and against the Word file outside a workspace:
        // every clause reads the same, its tables (the privacy contacts, the annexes' lists of
        // parties, authorities, measures and sub-processors) read row by row from the PDF's
        // ruled tables as Word's reader reads them. Only the signature page differs from the Word
        // file: there the lines drawn for signing are underscores typed in a table.
        for (root, a, b) in [(ws.path(), id, &pdf), (outside.path(), &docx, &pdf)] {
            let out = dpa(root, &["diff", a, b, "--format", "json"]);
            assert_eq!(out.status.code(), Some(0), "{a} vs {b}: {}", stderr(&out));
            let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
            let mut differs = Vec::new();
            for c in v["clauses"].as_array().expect("clauses") {
                if c["status"] == "unchanged" {
                    continue;
                }
                let signatures = [&c["old"]["title"], &c["new"]["title"]]
                    .iter()
                    .any(|t| t.as_str() == Some("Signatures"));
                if !signatures {
                    differs.push(c.to_string());
                }
            }
            assert!(
                differs.is_empty(),
                "{id}: {a} vs {b}: clauses differ: {differs:#?}"
            );
            assert!(
                v["summary"]["unchanged"].as_u64().unwrap_or(0) as usize
                    >= manifest["clauses"].as_array().expect("clauses").len(),
                "{id}: {a} vs {b}: {}",
                v["summary"]
            );
        }
    }
}

/// Clauses as Markdown, and a web page holding the same paragraphs, as a site would serve it.
/// (Headings written as HTML `h1`-`h6` are the Markdown-with-HTML reading's, tested with it.)
const MARKDOWN: &str = "Data Processing Terms\n\n1.1 Scope. These terms apply to personal data the processor handles for the customer.\n\n1.2 Instructions. The processor processes personal data only on documented instructions.\n\n1.3 Records. The processor keeps a record of processing.\n\n2.1 Security. The processor implements the measures in Annex II.\n";

fn page(body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n    <title>Terms</title>\n    <style>p {{ color: red }}</style>\n  </head>\n  <body>\n    <nav><a href=\"/\">Home</a> <a href=\"/legal\">Legal</a></nav>\n    <main>\n{body}\n    </main>\n    <script>document.write(\"<p>3.1 Injected. Words.</p>\");</script>\n  </body>\n</html>\n"
    )
}

#[test]
fn a_web_page_compares_with_markdown_outside_a_workspace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let md = dir.path().join("terms.md");
    std::fs::write(&md, MARKDOWN).expect("md");
    let html: String = MARKDOWN
        .split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .map(|b| format!("      <p>{}</p>\n", b.trim()))
        .collect();
    let saved = dir.path().join("terms.html");
    std::fs::write(&saved, page(&html)).expect("html");
    let (saved, md) = (saved.display().to_string(), md.display().to_string());
    let out = dpa(dir.path(), &["diff", &saved, &md, "--exit-code", "--all"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(summary(&out).starts_with(UNCHANGED), "{}", stdout(&out));
    assert!(stdout(&out).contains("unchanged  2.1"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("3.1"), "{}", stdout(&out));
    // One word changed on the page is one modified clause, with that word.
    let edited = dir.path().join("edited.htm");
    std::fs::write(
        &edited,
        page(&html.replace("a record of", "a written record of")),
    )
    .expect("html");
    let out = dpa(
        dir.path(),
        &[
            "diff",
            &md,
            &edited.display().to_string(),
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["summary"]["modified"], 1, "{v}");
    assert_eq!(v["summary"]["added"], 0, "{v}");
    assert_eq!(v["summary"]["removed"], 0, "{v}");
    let modified = v["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .find(|c| c["status"] == "modified")
        .expect("modified");
    assert_eq!(modified["new"]["number"], "1.3", "{modified}");
    assert!(
        modified["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| c["op"] == "insert" && c["text"].as_str().map(str::trim) == Some("written")),
        "{modified}"
    );
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

/// A DOCX whose paragraphs nest tables inside tables far deeper than any document.
fn nested_docx() -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("word/document.xml", opts).expect("zip");
        let depth = 200_000;
        let mut xml = String::from(
            "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
        );
        xml.push_str(&"<w:tbl><w:tr><w:tc>".repeat(depth));
        xml.push_str("<w:p><w:r><w:t>deep</w:t></w:r></w:p>");
        xml.push_str(&"</w:tc></w:tr></w:tbl>".repeat(depth));
        xml.push_str("</w:body></w:document>");
        zip.write_all(xml.as_bytes()).expect("zip");
        zip.finish().expect("zip");
    }
    out.into_inner()
}

/// Runs `dpa diff FILE good.md` and `dpa review FILE`: both must refuse with exit 2 naming the
/// file, print no result, and finish within 30 s.
fn refused_by_diff_and_review(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let file = dir.join(name);
    std::fs::write(&file, bytes).expect("write");
    let good = dir.join("good.md");
    std::fs::write(&good, MARKDOWN).expect("md");
    let file_arg = file.display().to_string();
    let mut messages = String::new();
    for args in [
        vec!["diff", file_arg.as_str(), good.to_str().expect("utf8")],
        vec!["diff", good.to_str().expect("utf8"), file_arg.as_str()],
        vec!["review", file_arg.as_str(), "--framework", "gdpr"],
    ] {
        let started = Instant::now();
        let out = dpa(dir, &args);
        let took = started.elapsed();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        assert!(
            out.stdout.is_empty(),
            "{args:?}: reported on unreadable input: {}",
            stdout(&out)
        );
        assert!(took < Duration::from_secs(30), "{args:?}: took {took:?}");
        let err = stderr(&out);
        assert!(
            err.contains(&file_arg),
            "{args:?}: message does not name the file: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        messages.push_str(&err);
    }
    messages
}

#[test]
fn hostile_pdf_word_and_html_files_are_refused_by_diff_and_review() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let pdf = std::fs::read(repo().join("tests/fixtures/review/eu-scc-art28.pdf")).expect("pdf");
    let err = refused_by_diff_and_review(d, "truncated.pdf", &pdf[..pdf.len() / 3]);
    assert!(err.contains("PDF"), "{err}");
    let mut nested = b"%PDF-1.4\n1 0 obj\n".to_vec();
    nested.extend(std::iter::repeat_n(b'[', 2_000_000));
    refused_by_diff_and_review(d, "nested.pdf", &nested);
    let mut huge = b"%PDF-1.4\n".to_vec();
    huge.resize(33 * 1024 * 1024, b' ');
    let err = refused_by_diff_and_review(d, "huge.pdf", &huge);
    assert!(err.contains("larger than 32 MiB"), "{err}");
    let err = refused_by_diff_and_review(d, "bomb.docx", &zip_bomb());
    assert!(err.contains("zip bomb"), "{err}");
    // The same bomb under a Markdown name: the bytes decide, not the name.
    let err = refused_by_diff_and_review(d, "bomb.md", &zip_bomb());
    assert!(err.contains("zip bomb"), "{err}");
    let err = refused_by_diff_and_review(d, "truncated.docx", b"PK\x03\x04\x14\x00\x00\x00");
    assert!(err.contains("Word"), "{err}");
    refused_by_diff_and_review(d, "nested.docx", &nested_docx());
    let mut deep = String::from("<!DOCTYPE html><html><body>");
    deep.push_str(&"<div><ol><li>".repeat(300_000));
    deep.push_str("1. Deep");
    refused_by_diff_and_review(d, "nested.html", deep.as_bytes());
    let mut big = String::from("<!DOCTYPE html><html><body>");
    while big.len() < 33 * 1024 * 1024 {
        big.push_str("<p>1. Clause text that repeats.</p>\n");
    }
    let err = refused_by_diff_and_review(d, "huge.html", big.as_bytes());
    assert!(err.contains("larger than 32 MiB"), "{err}");
    // A page whose every word is inside a script: nothing a reader sees.
    let err = refused_by_diff_and_review(
        d,
        "script.html",
        b"<!DOCTYPE html><html><body><script>document.write('<p>1. Scope</p>')",
    );
    assert!(err.contains("no text"), "{err}");
}

#[test]
fn a_redline_reads_back_with_the_clause_numbers_of_the_new_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = |rev: &str| -> PathBuf {
        PathBuf::from(fixture_revision("tests/fixtures/corpus/github-dpa", rev))
    };
    for (old, new) in [
        (corpus("01"), corpus("02")),
        (corpus("03"), corpus("04")),
        (corpus("04"), corpus("01")),
    ] {
        let out_file = dir.path().join("redline.docx");
        let out = dpa(
            dir.path(),
            &[
                "diff",
                old.to_str().expect("utf8"),
                new.to_str().expect("utf8"),
                "--format",
                "docx",
                "--output",
                out_file.to_str().expect("utf8"),
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let limits = dpa::documents::Limits::default();
        let numbers = |p: &Path| -> Vec<String> {
            dpa::documents::read(p, &limits)
                .unwrap_or_else(|e| panic!("{e}"))
                .sections
                .iter()
                .filter_map(|s| s.number.clone())
                .collect()
        };
        let want = numbers(&new);
        assert!(want.len() > 20, "{want:?}");
        assert_eq!(numbers(&out_file), want);
        // And the diff of the redline with the new version finds nothing in any clause: only the
        // preamble differs, which in the redline starts with its title ("OLD → NEW").
        let out = dpa(
            dir.path(),
            &[
                "diff",
                out_file.to_str().expect("utf8"),
                new.to_str().expect("utf8"),
                "--format",
                "json",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
        for c in v["clauses"].as_array().expect("clauses") {
            if c["status"] != "unchanged" {
                assert!(
                    c["old"]["number"].is_null() && c["new"]["number"].is_null(),
                    "{c}"
                );
            }
        }
        assert!(
            v["summary"]["unchanged"].as_u64().unwrap_or(0) >= want.len() as u64,
            "{v}"
        );
    }
}
