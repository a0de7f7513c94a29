//! Word documents a lawyer would send (house style, live numbering, tracked changes on) and the
//! HTML redline a reviewer reads.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;

/// The number after `attr="` in every element that carries it.
fn attr_values<'a>(html: &'a str, prefix: &str) -> Vec<&'a str> {
    html.match_indices(prefix)
        .filter_map(|(i, _)| {
            let rest = &html[i + prefix.len()..];
            rest.split('"').next()
        })
        .collect()
}

#[test]
fn redline_counts_agree_with_its_summary() {
    let corpus = repo().join("tests/fixtures/corpus/github-dpa");
    let ws = example_workspace();
    for (old, new) in [
        ("01-2020-07-17-9f2a7e3.md", "02-2020-07-22-4efbcd0.md"),
        ("02-2020-07-22-4efbcd0.md", "04-2020-10-01-9d99038.md"),
    ] {
        let out = dpa(
            ws.path(),
            &[
                "diff",
                corpus.join(old).to_str().expect("utf8"),
                corpus.join(new).to_str().expect("utf8"),
                "--format",
                "html",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let html = stdout(&out);
        let json = dpa(
            ws.path(),
            &[
                "diff",
                corpus.join(old).to_str().expect("utf8"),
                corpus.join(new).to_str().expect("utf8"),
                "--format",
                "json",
            ],
        );
        let json: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("json");

        // The summary line and the summary table say the same numbers as the JSON.
        let line = html
            .split("<p class=\"line\">")
            .nth(1)
            .and_then(|s| s.split("</p>").next())
            .expect("summary line");
        let mut summary = BTreeMap::new();
        for part in line.split(", ") {
            let (n, status) = part.split_once(' ').expect("`N status`");
            summary.insert(status.to_string(), n.parse::<usize>().expect("count"));
            assert_eq!(json["summary"][status], n.parse::<usize>().expect("count"));
            assert!(
                html.contains(&format!(
                    "<tr class=\"{status}\"><td>{status}</td><td class=\"n\">{n}</td></tr>"
                )),
                "table row for {status}"
            );
        }
        assert_eq!(summary.len(), 6, "{line}");

        // One section per changed clause, by status; the folds add up to the unchanged count.
        for (status, n) in &summary {
            if status == "unchanged" {
                continue;
            }
            let sections = html
                .matches(&format!("<section class=\"clause {status}\">"))
                .count();
            assert_eq!(sections, *n, "{status} sections");
        }
        let folded: usize = attr_values(&html, "<details class=\"unchanged\" data-count=\"")
            .iter()
            .map(|n| n.parse::<usize>().expect("count"))
            .sum();
        assert_eq!(folded, summary["unchanged"], "{old} -> {new}");
        let total = summary["unchanged"];
        for fold in html
            .split("<details class=\"unchanged\" data-count=\"")
            .skip(1)
        {
            let (n, rest) = fold.split_once('"').expect("count");
            let says = rest
                .split("<summary>")
                .nth(1)
                .and_then(|s| s.split(':').next())
                .expect("fold summary");
            let plural = if total == 1 { "" } else { "s" };
            let expected = if n == total.to_string() {
                format!("{n} unchanged clause{plural}")
            } else {
                format!("{n} of {total} unchanged clause{plural}")
            };
            assert_eq!(says, expected);
            let items = rest
                .split("</details>")
                .next()
                .map_or(0, |s| s.matches("<li>").count());
            assert_eq!(items.to_string(), n, "a fold lists its clauses");
        }
        // Every modified clause has a trimmed excerpt and the whole clause on demand.
        assert_eq!(
            html.matches("<div class=\"text context\">").count(),
            summary["modified"]
        );
        assert_eq!(
            html.matches("<details class=\"whole\"><summary>Whole clause</summary>")
                .count(),
            summary["modified"]
        );
    }
}

/// The parts of a DOCX, by name.
fn parts(docx: &Path) -> BTreeMap<String, String> {
    let bytes = std::fs::read(docx).expect("docx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let mut text = String::new();
        if std::io::Read::read_to_string(&mut f, &mut text).is_ok() {
            out.insert(f.name().to_string(), text);
        }
    }
    out
}

/// Writes `parts` back as a DOCX.
fn repack(parts: &BTreeMap<String, String>, to: &Path) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(to).expect("create"));
    let options = zip::write::SimpleFileOptions::default();
    for (name, text) in parts {
        zip.start_file(name.as_str(), options).expect("entry");
        std::io::Write::write_all(&mut zip, text.as_bytes()).expect("write");
    }
    zip.finish().expect("finish");
}

/// The value of attribute `name` in the first element of `xml` that has it.
fn attr<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let start = xml.find(&format!("{name}=\""))? + name.len() + 2;
    xml[start..].split('"').next()
}

/// The `<w:p>` elements of the body outside tables.
fn body_paragraphs(document: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = document;
    while let Some(i) = rest
        .find("<w:p>")
        .into_iter()
        .chain(rest.find("<w:p "))
        .min()
    {
        let tbl = rest.find("<w:tbl>").filter(|t| *t < i);
        if let Some(t) = tbl {
            let end = rest[t..].find("</w:tbl>").expect("table end") + t;
            rest = &rest[end..];
            continue;
        }
        let end = rest[i..].find("</w:p>").map_or(rest.len(), |e| i + e + 6);
        out.push(&rest[i..end]);
        rest = &rest[end..];
    }
    out
}

/// Paragraph spacing (before, after) of a style, following `basedOn` to the document defaults.
fn style_spacing(styles: &str, id: &str) -> (u32, u32) {
    let mut before = None;
    let mut after = None;
    let mut cur = Some(id.to_string());
    while let Some(sid) = cur.take() {
        let Some(start) = styles.find(&format!("w:styleId=\"{sid}\"")) else {
            break;
        };
        let style = &styles[start..start + styles[start..].find("</w:style>").expect("end")];
        if let Some(sp) = style.split("<w:spacing ").nth(1) {
            let sp = sp.split("/>").next().unwrap_or_default();
            before = before.or(attr(sp, "w:before").and_then(|v| v.parse().ok()));
            after = after.or(attr(sp, "w:after").and_then(|v| v.parse().ok()));
        }
        cur = style
            .split("<w:basedOn w:val=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(str::to_string);
    }
    let defaults = styles.split("<w:pPrDefault>").nth(1).unwrap_or_default();
    let sp = defaults.split("<w:spacing ").nth(1).unwrap_or_default();
    (
        before.unwrap_or_else(|| {
            attr(sp, "w:before")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        }),
        after.unwrap_or_else(|| {
            attr(sp, "w:after")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        }),
    )
}

fn texts(xml: &str) -> String {
    xml.split("<w:t")
        .skip(1)
        .filter_map(|s| s.split_once('>').map(|(_, r)| r))
        .map(|s| s.split("</w:t>").next().unwrap_or_default())
        .collect()
}

#[test]
fn word_documents_keep_the_house_style_and_the_pdf_page_count() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["render", "--all", "--format", "docx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ids: Vec<String> = std::fs::read_dir(ws.path().join("out"))
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(ids.len(), 6, "{ids:?}");
    let lo_dir = ws.path().join("lo");
    let lo = crate::common::tool("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&lo_dir)
        .args(
            ids.iter()
                .map(|id| ws.path().join(format!("out/{id}/{id}.docx"))),
        )
        .env("HOME", ws.path())
        .output()
        .expect("LibreOffice is installed (libreoffice-writer-nogui)");
    assert!(
        lo.status.success(),
        "{}",
        String::from_utf8_lossy(&lo.stderr)
    );
    for id in &ids {
        let pdf = pages(&ws.path().join(format!("out/{id}/{id}.pdf")));
        let word = pages(&lo_dir.join(format!("{id}.pdf")));
        let off = (word as f64 - pdf as f64).abs() / pdf as f64;
        assert!(off <= 0.10, "{id}: Word {word} pages, PDF {pdf} pages");

        let p = parts(&ws.path().join(format!("out/{id}/{id}.docx")));
        let (styles, document) = (&p["word/styles.xml"], &p["word/document.xml"]);
        // Every paragraph of the body with text is spaced from the next, by its style or itself.
        for para in body_paragraphs(document) {
            if texts(para).trim().is_empty() {
                continue;
            }
            let style = para
                .split("<w:pStyle w:val=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("Normal");
            let (before, after) = style_spacing(styles, style);
            let direct = para
                .split("<w:spacing ")
                .nth(1)
                .map(|s| s.split("/>").next().unwrap_or_default())
                .map(|s| {
                    attr(s, "w:before").is_some_and(|v| v != "0")
                        || attr(s, "w:after").is_some_and(|v| v != "0")
                })
                .unwrap_or(false);
            assert!(
                before + after > 0 || direct,
                "{id}: paragraph without spacing ({style}): {}",
                texts(para)
            );
        }
        for name in [
            "Body Text",
            "heading 1",
            "heading 2",
            "Definition",
            "Annex Table",
            "Signature Block",
        ] {
            assert!(
                styles.contains(&format!("<w:name w:val=\"{name}\"/>")),
                "{id}: style {name}"
            );
        }
        assert!(styles.contains("w:ascii=\"Palatino Linotype\""));
        assert!(p["word/fontTable.xml"].contains("<w:altName w:val=\"Book Antiqua\"/>"));
        for heading in ["Heading1", "Heading2"] {
            let start = styles
                .find(&format!("w:styleId=\"{heading}\""))
                .expect("heading style");
            let style = &styles[start..start + styles[start..].find("</w:style>").expect("end")];
            assert!(style.contains("<w:keepNext/>"), "{heading} keeps with next");
        }
        // The signature table: one row that cannot split, after a heading and sentence kept with it.
        let sig = document
            .find("For and on behalf of")
            .expect("signature block");
        let table = document[..sig].rfind("<w:tbl>").expect("signature table");
        let row = &document[table..sig];
        assert!(
            row.contains("<w:cantSplit/>"),
            "{id}: signature row may split"
        );
        let before = body_paragraphs(&document[..table]);
        assert!(
            before
                .iter()
                .rev()
                .take(2)
                .all(|p| p.contains("<w:keepNext/>") || p.contains("Heading1"))
        );
        // In the converted document both blocks sit on one page.
        let text = pdf_text(&lo_dir.join(format!("{id}.pdf")));
        let page = text
            .split('\u{c}')
            .find(|page| page.contains("For and on behalf of"))
            .expect("signature page");
        assert_eq!(
            page.matches("For and on behalf of").count(),
            2,
            "{id}: {page}"
        );
        assert_eq!(page.matches("Date: ___").count(), 2, "{id}: {page}");

        let core = &p["docProps/core.xml"];
        assert!(
            core.contains("<dc:title>Data Processing Addendum: "),
            "{core}"
        );
        assert!(
            core.contains("<dc:subject>Data protection terms between "),
            "{core}"
        );
        assert!(core.contains("<cp:version>draft</cp:version>"), "{core}");
        let custom = &p["docProps/custom.xml"];
        assert!(
            custom.contains("name=\"Parties\"><vt:lpwstr>Lumen Ledger, Inc. and "),
            "{custom}"
        );
        assert!(
            custom.contains("name=\"Version\"><vt:lpwstr>draft</vt:lpwstr>"),
            "{custom}"
        );
    }
}

fn pages(pdf: &Path) -> usize {
    let out = crate::common::tool("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| {
            l.strip_prefix("Pages:")
                .map(|n| n.trim().parse().expect("pages"))
        })
        .expect("page count")
}

#[test]
fn a_clause_inserted_in_word_renumbers_what_follows_and_references_are_fields() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["render", "suryadesk", "--format", "docx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docx = ws.path().join("out/suryadesk/suryadesk.docx");
    let exported = dpa::documents::docx::read(&std::fs::read(&docx).expect("docx")).expect("reads");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(ws.path().join("out/suryadesk/manifest.json")).expect("manifest"),
    )
    .expect("json");
    // The export reads back clause for clause, numbers as displayed.
    let numbered: Vec<(String, String)> = exported
        .clauses
        .iter()
        .filter_map(|c| Some((c.number.clone()?, c.title.clone().unwrap_or_default())))
        .collect();
    let expected: Vec<(String, String)> = manifest["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .map(|c| {
            (
                c["number"].as_str().unwrap_or_default().to_string(),
                c["title"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(numbered, expected);

    let mut p = parts(&docx);
    let document = p["word/document.xml"].clone();
    // Every REF field points at a bookmark of the document, and shows that clause's number.
    let refs: Vec<&str> = document
        .split("<w:instrText xml:space=\"preserve\"> REF ")
        .skip(1)
        .map(|s| s.split(' ').next().unwrap_or_default())
        .collect();
    assert!(refs.len() >= 3, "{refs:?}");
    for name in &refs {
        let mark = format!("w:name=\"{name}\"");
        let at = document
            .find(&mark)
            .unwrap_or_else(|| panic!("no bookmark {name}"));
        let heading = &document[at..at + document[at..].find("</w:p>").expect("end")];
        let title = texts(heading);
        let number = &expected
            .iter()
            .find(|(_, t)| *t == title)
            .expect("clause")
            .0;
        let shown = document
            .split(&format!(" REF {name} \\w \\h </w:instrText>"))
            .nth(1)
            .and_then(|s| s.split("<w:t>").nth(1))
            .and_then(|s| s.split("</w:t>").next())
            .expect("field result");
        assert_eq!(shown, number, "{name}");
    }
    assert!(
        !document.contains(">clause 5.1<"),
        "a typed cross-reference"
    );

    // Insert a clause before 1.2 as Word does: a paragraph in the Heading 2 style, numbered by the
    // style, and a body paragraph.
    let title = &expected.iter().find(|(n, _)| n == "1.2").expect("1.2").1;
    let at = document
        .find(&format!(">{}</w:t>", dpa_xml(title)))
        .expect("heading 1.2");
    let start = document[..at].rfind("<w:p>").expect("paragraph");
    let inserted = "<w:p><w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr><w:r><w:t>Inserted by the counterparty</w:t></w:r></w:p>\
        <w:p><w:pPr><w:pStyle w:val=\"BodyText\"/></w:pPr><w:r><w:t>The counterparty adds these words.</w:t></w:r></w:p>";
    let edited = format!("{}{inserted}{}", &document[..start], &document[start..]);
    p.insert("word/document.xml".into(), edited);
    let returned = ws.path().join("inserted.docx");
    repack(&p, &returned);
    let read = dpa::documents::docx::read(&std::fs::read(&returned).expect("docx")).expect("reads");
    let after: Vec<(String, String)> = read
        .clauses
        .iter()
        .filter_map(|c| Some((c.number.clone()?, c.title.clone().unwrap_or_default())))
        .collect();
    assert_eq!(after.len(), expected.len() + 1);
    assert_eq!(after[0], expected[0]);
    assert_eq!(
        after[1],
        (
            "1.2".to_string(),
            "Inserted by the counterparty".to_string()
        )
    );
    let section_one = expected.iter().filter(|(n, _)| n.starts_with("1.")).count();
    for (k, (number, title)) in expected.iter().enumerate().skip(1) {
        let (new_number, new_title) = &after[k + 1];
        assert_eq!(new_title, title);
        if k < section_one {
            assert_eq!(new_number, &format!("1.{}", k + 2), "{title}");
        } else {
            assert_eq!(new_number, number, "other sections keep their numbers");
        }
    }
    // Lettered paragraphs still read (a), (b), ... after the insertion.
    assert!(read.clauses.iter().any(|c| c.text.contains("\n(a) ")));
}

/// Text as the writer escapes it for XML.
fn dpa_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[test]
fn track_changes_is_on_and_protect_restricts_editing_to_it() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["render", "nordhost", "--format", "docx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let settings = &parts(&ws.path().join("out/nordhost/nordhost.docx"))["word/settings.xml"];
    assert!(settings.contains("<w:trackRevisions/>"), "{settings}");
    assert!(!settings.contains("documentProtection"), "{settings}");

    let out = dpa(
        ws.path(),
        &["render", "nordhost", "--format", "docx", "--protect"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let settings = &parts(&ws.path().join("out/nordhost/nordhost.docx"))["word/settings.xml"];
    assert!(settings.contains("<w:trackRevisions/>"), "{settings}");
    assert!(
        settings.contains("<w:documentProtection w:edit=\"trackedChanges\" w:enforcement=\"1\"/>"),
        "{settings}"
    );
    assert!(!settings.contains("w:hash"), "no password");

    let out = dpa(ws.path(), &["render", "nordhost", "--protect"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--format docx"), "{}", stderr(&out));
}

#[test]
fn a_returned_copy_with_tracked_changes_diffs_as_one_modified_clause() {
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
    let mut p = parts(&ws.path().join("out/suryadesk/suryadesk.docx"));
    let document = p["word/document.xml"].clone();
    // A tracked deletion and insertion, as Word writes them with Track Changes on.
    let needle = "shall keep a record, in writing";
    assert_eq!(document.matches(needle).count(), 1);
    let tracked = "shall keep a </w:t></w:r>\
        <w:del w:id=\"9001\" w:author=\"Counterparty Counsel\" w:date=\"2026-12-01T10:00:00Z\"><w:r><w:delText>record</w:delText></w:r></w:del>\
        <w:ins w:id=\"9002\" w:author=\"Counterparty Counsel\" w:date=\"2026-12-01T10:00:00Z\"><w:r><w:t>register</w:t></w:r></w:ins>\
        <w:r><w:t xml:space=\"preserve\">, in writing";
    p.insert(
        "word/document.xml".into(),
        document.replacen(needle, tracked, 1),
    );
    let returned = ws.path().join("returned.docx");
    repack(&p, &returned);
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
    assert!(
        stderr(&diff).contains("tracked changes"),
        "{}",
        stderr(&diff)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&diff)).expect("json");
    let s = &v["summary"];
    assert_eq!(
        (
            s["modified"].as_u64(),
            s["added"].as_u64(),
            s["removed"].as_u64(),
            s["moved"].as_u64(),
            s["renumbered"].as_u64()
        ),
        (Some(1), Some(0), Some(0), Some(0), Some(0)),
        "{v}"
    );
    let modified = v["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .find(|c| c["status"] == "modified")
        .expect("modified");
    assert_eq!(modified["new"]["title"], "Records of processing");
    let ops: Vec<(String, String)> = modified["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["op"] != "equal")
        .map(|c| {
            (
                c["op"].as_str().unwrap_or_default().into(),
                c["text"].as_str().unwrap_or_default().into(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("delete".to_string(), "record".to_string()),
            ("insert".to_string(), "register".to_string())
        ]
    );
}
