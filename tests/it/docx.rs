//! Word round trip: DOCX export opens cleanly in LibreOffice with the PDF's text, and a returned,
//! edited DOCX diffs against the issued version clause by clause.

use crate::common::*;

fn normalise(s: &str) -> String {
    s.replace(['\u{201c}', '\u{201d}'], "\"")
        .replace(['\u{2018}', '\u{2019}'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn docx_converts_cleanly_and_carries_the_pdf_text() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["render", "suryadesk", "--format", "docx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let dir = ws.path().join("out/suryadesk");
    let lo = crate::common::tool("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(ws.path().join("lo"))
        .arg(dir.join("suryadesk.docx"))
        .env("HOME", ws.path())
        .output()
        .expect("LibreOffice is installed (libreoffice-writer-nogui)");
    assert!(
        lo.status.success(),
        "{}",
        String::from_utf8_lossy(&lo.stderr)
    );
    let word_text = normalise(&pdf_text(&ws.path().join("lo/suryadesk.pdf")));
    let typst_text = normalise(&pdf_text(&dir.join("suryadesk.pdf")));
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("manifest.json")).expect("manifest"),
    )
    .expect("json");
    for clause in manifest["clauses"].as_array().expect("clauses") {
        let number = clause["number"].as_str().unwrap_or("");
        let separator = if number.starts_with("Annex ") {
            ": "
        } else {
            " "
        };
        let heading = normalise(&format!(
            "{number}{separator}{}",
            clause["title"].as_str().unwrap_or("")
        ));
        assert!(
            word_text.contains(&heading),
            "heading `{heading}` missing from the Word document"
        );
        // Every sentence of the clause is in both renderings.
        for line in clause["text"]
            .as_str()
            .expect("text")
            .lines()
            .filter(|l| l.len() > 30 && !l.contains(" | "))
        {
            let line = normalise(line.trim_start_matches("- "));
            let probe: String = line.chars().take(60).collect();
            assert!(word_text.contains(&probe), "Word text lacks `{probe}`");
            assert!(typst_text.contains(&probe), "PDF text lacks `{probe}`");
        }
    }
    assert!(word_text.contains("Suryadesk Support Services Private Limited"));
    assert!(
        word_text.contains("Document DPA-suryadesk · Version draft Page 1 of"),
        "footer missing"
    );
}

/// Edits a DOCX the way a counterparty would: one sentence changed, one clause deleted, one moved.
const EDIT: &str = r#"
import re, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
zin = zipfile.ZipFile(src)
xml = zin.read("word/document.xml").decode("utf-8")
body_start = xml.index("<w:body>") + len("<w:body>")
body_end = xml.index("<w:sectPr")
body = xml[body_start:body_end]
blocks = re.findall(r"<w:tbl>.*?</w:tbl>|<w:p[ >].*?</w:p>|<w:p/>", body, re.S)
assert "".join(blocks) == body, "unexpected document structure"
def text(b): return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", b))
def is_heading(b): return 'w:val="Heading' in b
def clause(title):
    i = next(k for k, b in enumerate(blocks) if is_heading(b) and text(b).endswith(title))
    j = next((k for k in range(i + 1, len(blocks)) if is_heading(blocks[k])), len(blocks))
    return i, j
# 1. change a sentence in the records clause
i, j = clause("Records of processing")
for k in range(i + 1, j):
    if "record" in text(blocks[k]):
        blocks[k] = blocks[k].replace("record", "written record", 1)
        break
# 2. delete the Requests from public authorities clause
i, j = clause("Requests from public authorities")
del blocks[i:j]
# 3. move the Notices clause before Term and termination
i, j = clause("Notices and privacy contacts")
moved = blocks[i:j]
del blocks[i:j]
t, _ = clause("Term and termination")
blocks[t:t] = moved
xml = xml[:body_start] + "".join(blocks) + xml[body_end:]
zout = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
for item in zin.infolist():
    zout.writestr(item, xml if item.filename == "word/document.xml" else zin.read(item.filename))
zout.close()
"#;

#[test]
fn a_returned_docx_diffs_against_the_issued_version() {
    let ws = repo_workspace();
    assert_eq!(
        dpa(ws.path(), &["record", "suryadesk"]).status.code(),
        Some(0)
    );
    let out = dpa(
        ws.path(),
        &["render", "suryadesk", "--final", "--format", "docx"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let issued = ws.path().join("out/suryadesk/suryadesk.docx");
    let returned = ws.path().join("returned.docx");
    let py = crate::common::tool("python3")
        .arg("-c")
        .arg(EDIT)
        .arg(&issued)
        .arg(&returned)
        .output()
        .expect("python3");
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );

    // The unedited export matches the issued version exactly.
    let same = dpa(
        ws.path(),
        &[
            "diff",
            "suryadesk",
            "1",
            issued.to_str().expect("utf8"),
            "--exit-code",
        ],
    );
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));

    let diff = dpa(
        ws.path(),
        &[
            "diff",
            "suryadesk",
            returned.to_str().expect("utf8"),
            "--format",
            "json",
        ],
    );
    assert_eq!(diff.status.code(), Some(0), "{}", stderr(&diff));
    let v: serde_json::Value = serde_json::from_str(&stdout(&diff)).expect("json");
    let named = |status: &str| -> Vec<String> {
        v["clauses"]
            .as_array()
            .expect("clauses")
            .iter()
            .filter(|c| c["status"] == status)
            .map(|c| {
                let side = if c["new"].is_null() {
                    &c["old"]
                } else {
                    &c["new"]
                };
                side["title"].as_str().unwrap_or("").to_string()
            })
            .collect()
    };
    assert_eq!(named("modified"), ["Records of processing"], "{v}");
    assert_eq!(
        named("removed"),
        ["Requests from public authorities"],
        "{v}"
    );
    // Word numbers clauses live: the moved clause and the two it now precedes take new numbers.
    assert_eq!(
        named("renumbered"),
        [
            "Notices and privacy contacts",
            "Term and termination",
            "Return and deletion of Covered Personal Data"
        ],
        "{v}"
    );
    assert!(
        named("added").is_empty() && named("moved").is_empty(),
        "{v}"
    );
    let changes = v["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .find(|c| c["status"] == "modified")
        .expect("modified");
    assert!(
        changes["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| c["op"] == "insert"
                && c["text"].as_str().is_some_and(|t| t.contains("written"))),
        "{changes}"
    );
}

#[test]
fn record_text_in_word_is_text() {
    let ws = example_workspace();
    let hostile = r#"<w:t>x</w:t> { PAGE } &amp; ]]> *bold* #read("/etc/passwd")"#;
    write(
        ws.path(),
        "vendors/hostile.toml",
        &vendor_record(&format!("'''{hostile}'''"), r#"["US-CA"]"#),
    );
    let out = dpa(ws.path(), &["render", "hostile", "--format", "docx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lo = crate::common::tool("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(ws.path().join("lo"))
        .arg(ws.path().join("out/hostile/hostile.docx"))
        .env("HOME", ws.path())
        .output()
        .expect("LibreOffice");
    assert!(lo.status.success());
    let text = normalise(&pdf_text(&ws.path().join("lo/hostile.pdf")));
    assert!(text.contains(hostile), "{text}");
    let bytes = std::fs::read(ws.path().join("out/hostile/hostile.docx")).expect("docx");
    let read = dpa::documents::docx::read(&bytes).expect("reads back");
    assert!(
        read.clauses[0].text.contains("<w:t>x</w:t> { PAGE }"),
        "{}",
        read.clauses[0].text
    );
    assert!(!read.tracked_changes);
}
