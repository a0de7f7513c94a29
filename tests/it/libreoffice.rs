//! The negotiation loop through real office software: every example agreement's Word file opened
//! and saved by LibreOffice with no edit diffs as unchanged against the issued version, and edits
//! made with Track Changes on and with it off come back as exactly the edited clauses, word by
//! word. LibreOffice is required: CI installs it (`.ci/run`), and without it this test fails.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::*;

/// The parts of a DOCX, by name.
fn parts(docx: &Path) -> BTreeMap<String, Vec<u8>> {
    let bytes = std::fs::read(docx).expect("docx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).expect("read entry");
        out.insert(f.name().to_string(), data);
    }
    out
}

/// Writes `parts` back as a DOCX.
fn repack(parts: &BTreeMap<String, Vec<u8>>, to: &Path) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(to).expect("create"));
    let options = zip::write::SimpleFileOptions::default();
    for (name, data) in parts {
        zip.start_file(name.as_str(), options).expect("entry");
        std::io::Write::write_all(&mut zip, data).expect("write");
    }
    zip.finish().expect("finish");
}

/// Opens every file in LibreOffice and saves it as DOCX into `outdir`, with no edit: one run of
/// `soffice` with a profile of its own.
pub fn open_and_save(files: &[PathBuf], outdir: &Path) {
    let profile = tempfile::tempdir().expect("profile dir");
    let out = crate::common::tool("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
        ])
        .arg(outdir)
        .args(files)
        .env("HOME", profile.path())
        .output()
        .expect(
            "LibreOffice (soffice) must be installed: .ci/run installs libreoffice-writer-nogui",
        );
    assert!(
        out.status.success(),
        "soffice: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in files {
        let saved = outdir.join(f.file_name().expect("name"));
        assert!(
            saved.is_file(),
            "LibreOffice did not save {}: {}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The text of `<w:t>` elements in an XML fragment, entities decoded.
fn texts(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<w:t") {
        rest = &rest[i + 4..];
        if !rest.starts_with('>') && !rest.starts_with(' ') {
            continue;
        }
        let Some(open) = rest.find('>') else { break };
        let Some(close) = rest.find("</w:t>") else {
            break;
        };
        out.push_str(&rest[open + 1..close]);
        rest = &rest[close..];
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn normalise(s: &str) -> String {
    s.replace(['\u{201c}', '\u{201d}'], "\"")
        .replace(['\u{2018}', '\u{2019}'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// One edit made to a returned copy: where, and which words went and came.
#[derive(Debug)]
struct Edit {
    /// Words of the edited paragraph, to find its clause in the manifest.
    probe: String,
    deleted: String,
    inserted: String,
}

/// The body's `<w:p>` elements (outside tables and inside), as byte ranges of `xml`.
fn paragraphs(xml: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = xml[at..].find("<w:p") {
        let start = at + i;
        let after = &xml[start + 4..];
        if !(after.starts_with('>') || after.starts_with(' ')) {
            at = start + 4;
            continue;
        }
        let Some(end) = xml[start..].find("</w:p>") else {
            break;
        };
        out.push((start, start + end + 6));
        at = start + end + 6;
    }
    out
}

/// Replaces the first ` the ` in a run of the first body paragraph after the `nth` paragraph styled
/// `style` by ` each `: tracked (as LibreOffice writes a deletion and an insertion) or typed over.
fn edit(xml: &mut String, style: &str, nth: usize, tracked: bool, id: u32) -> Edit {
    let marker = format!("<w:pStyle w:val=\"{style}\"/>");
    let paras = paragraphs(xml);
    let heading = paras
        .iter()
        .filter(|(s, e)| xml[*s..*e].contains(&marker))
        .nth(nth)
        .unwrap_or_else(|| panic!("no {nth}th {style} paragraph"));
    let (start, end) = *paras
        .iter()
        .find(|(s, e)| {
            *s > heading.0
                && !xml[*s..*e].contains("w:val=\"Heading")
                && xml[*s..*e].contains(" the ")
                && texts(&xml[*s..*e]).len() > 40
        })
        .expect("a body paragraph with `the` after the heading");
    let para = xml[start..end].to_string();
    let probe = normalise(&texts(&para));
    // The run holding the word: its properties are kept for the pieces it is cut into.
    let word_at = para.find(" the ").expect("word");
    let run_start = para[..word_at]
        .rfind("<w:r>")
        .or_else(|| para[..word_at].rfind("<w:r "));
    let run_start = run_start.expect("run");
    let t_open = para[run_start..].find("<w:t").expect("w:t") + run_start;
    let rpr = &para[run_start..t_open];
    let rpr = rpr
        .find("<w:rPr>")
        .map_or("", |i| &rpr[i..rpr.find("</w:rPr>").map_or(i, |j| j + 8)]);
    let date = "2026-12-01T10:00:00Z";
    let replacement = if tracked {
        format!(
            " </w:t></w:r><w:del w:id=\"{id}\" w:author=\"Counterparty Counsel\" w:date=\"{date}\"><w:r>{rpr}<w:delText>the</w:delText></w:r></w:del>\
             <w:ins w:id=\"{}\" w:author=\"Counterparty Counsel\" w:date=\"{date}\"><w:r>{rpr}<w:t>each</w:t></w:r></w:ins>\
             <w:r>{rpr}<w:t xml:space=\"preserve\"> ",
            id + 1
        )
    } else {
        " each ".to_string()
    };
    let mut new_para = para.clone();
    new_para.replace_range(word_at..word_at + 5, &replacement);
    if tracked {
        // The run before the cut must keep its spaces.
        let t_tag_end = new_para[t_open..].find('>').expect("w:t open") + t_open;
        if !new_para[t_open..t_tag_end].contains("xml:space") {
            new_para.replace_range(t_open..t_tag_end, "<w:t xml:space=\"preserve\"");
        }
    }
    xml.replace_range(start..end, &new_para);
    Edit {
        probe,
        deleted: "the".into(),
        inserted: "each".into(),
    }
}

/// The numbers of the manifest clauses whose text holds the edited paragraph's words.
fn clause_of(manifest: &serde_json::Value, probe: &str) -> String {
    let probe: String = probe.chars().take(80).collect();
    let hits: Vec<String> = manifest["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .filter(|c| normalise(c["text"].as_str().unwrap_or("")).contains(&probe))
        .map(|c| c["number"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(hits.len(), 1, "clauses holding `{probe}`: {hits:?}");
    hits[0].clone()
}

/// The diff of the issued version with a returned file, as JSON.
fn diff_json(ws: &Path, id: &str, returned: &Path) -> serde_json::Value {
    let out = dpa(
        ws,
        &[
            "diff",
            id,
            returned.to_str().expect("utf8"),
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{id}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("json")
}

fn summary(v: &serde_json::Value) -> [u64; 5] {
    let s = &v["summary"];
    ["modified", "added", "removed", "moved", "renumbered"].map(|k| s[k].as_u64().unwrap_or(99))
}

/// Renders every agreement of a recorded workspace as final DOCX and returns (id, docx, manifest).
fn issued_docx(ws: &Path, ids: &[String]) -> Vec<(String, PathBuf, serde_json::Value)> {
    ids.iter()
        .map(|id| {
            let out = dpa(ws, &["render", id, "--final", "--format", "docx"]);
            assert_eq!(out.status.code(), Some(0), "{id}: {}", stderr(&out));
            let dir = ws.join("out").join(id);
            let manifest: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(ws.join("agreements").join(id).join("manifest.json"))
                    .expect("issued manifest"),
            )
            .expect("json");
            (id.clone(), dir.join(format!("{id}.docx")), manifest)
        })
        .collect()
}

/// The ids of the agreements issued in a workspace (`agreements/<id>/`).
fn issued_ids(ws: &Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(ws.join("agreements"))
        .expect("agreements/")
        .filter_map(|e| e.ok()?.file_name().to_str().map(String::from))
        .collect();
    ids.sort();
    assert!(!ids.is_empty());
    ids
}

/// For every agreement of a workspace: open-and-save gives no change; a tracked edit in a clause
/// and a typed edit in an annex give exactly those two clauses, each with its two words.
fn round_trip(ws: &Path, ids: &[String]) {
    let issued = issued_docx(ws, ids);
    let plain_dir = ws.join("returned-plain");
    let edited_dir = ws.join("edited");
    let edited_saved = ws.join("returned-edited");
    for d in [&plain_dir, &edited_dir, &edited_saved] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    let mut expected: Vec<BTreeSet<String>> = Vec::new();
    let mut edited_files = Vec::new();
    for (id, docx, manifest) in &issued {
        let mut p = parts(docx);
        let mut xml = String::from_utf8(p["word/document.xml"].clone()).expect("utf8");
        let tracked = edit(&mut xml, "Heading2", 2, true, 9001);
        let typed = edit(&mut xml, "Heading1Annex", 0, false, 0);
        p.insert("word/document.xml".into(), xml.into_bytes());
        let file = edited_dir.join(format!("{id}.docx"));
        repack(&p, &file);
        edited_files.push(file);
        let clauses: BTreeSet<String> = [&tracked, &typed]
            .iter()
            .map(|e| clause_of(manifest, &e.probe))
            .collect();
        assert_eq!(clauses.len(), 2, "{id}: both edits in one clause");
        assert_eq!(
            (tracked.deleted.as_str(), typed.inserted.as_str()),
            ("the", "each")
        );
        expected.push(clauses);
    }
    let originals: Vec<PathBuf> = issued.iter().map(|(_, d, _)| d.clone()).collect();
    open_and_save(&originals, &plain_dir);
    open_and_save(&edited_files, &edited_saved);
    for ((id, _, _), clauses) in issued.iter().zip(&expected) {
        let v = diff_json(ws, id, &plain_dir.join(format!("{id}.docx")));
        assert_eq!(summary(&v), [0; 5], "{id}: open and save changed: {v}");
        let v = diff_json(ws, id, &edited_saved.join(format!("{id}.docx")));
        assert_eq!(summary(&v), [2, 0, 0, 0, 0], "{id}: {v}");
        let mut seen = BTreeSet::new();
        for c in v["clauses"].as_array().expect("clauses") {
            if c["status"] != "modified" {
                continue;
            }
            seen.insert(c["new"]["number"].as_str().unwrap_or("").to_string());
            let ops: Vec<(String, String)> = c["changes"]
                .as_array()
                .expect("changes")
                .iter()
                // Paragraph spacing is formatting: shown, never a change of wording.
                .filter(|o| {
                    o["op"] != "equal" && !o["text"].as_str().unwrap_or("").trim().is_empty()
                })
                .map(|o| {
                    (
                        o["op"].as_str().unwrap_or("").to_string(),
                        o["text"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect();
            assert_eq!(
                ops,
                [
                    ("delete".to_string(), "the".to_string()),
                    ("insert".to_string(), "each".to_string())
                ],
                "{id}: {c}"
            );
        }
        assert_eq!(&seen, clauses, "{id}");
    }
}

#[test]
fn example_agreements_survive_libreoffice_open_and_save_and_edits() {
    let ws = recorded_workspace();
    let ids = issued_ids(ws.path());
    round_trip(ws.path(), &ids);
}

#[test]
fn processor_side_agreements_survive_libreoffice_open_and_save_and_edits() {
    let ws = saas_vendor_repo();
    let out = dpa(ws.path(), &["record", "--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ids = issued_ids(ws.path());
    assert!(ids.len() >= 8, "{ids:?}");
    round_trip(ws.path(), &ids);
}
