//! Tables in PDFs from elsewhere, read from their ruling lines: a page that lists sub-processors
//! in a ruled table diffs row by row, keyed by the first column.

use serde_json::Value;

use crate::common::{dpa, stderr, stdout};

/// A sub-processor page typeset as vendors publish it: a title, a sentence, a ruled table whose
/// cells wrap, long enough to run on to a second page with its header row repeated.
fn page(rows: &[[&str; 3]]) -> Vec<u8> {
    let mut src = String::from(
        "#set page(paper: \"a4\", margin: 2cm)\n#set text(size: 11pt)\n#set table(stroke: 0.5pt)\n\nSub-processors\n\nWe engage the sub-processors below to provide the service. Each processes personal data only for the purpose stated against its name.\n\n#table(columns: (3fr, 2fr, 4fr), table.header([Name], [Country of processing], [Purpose]),\n",
    );
    for row in rows {
        for cell in row {
            src.push_str(&format!("  [{cell}],\n"));
        }
    }
    src.push_str(")\n");
    let settings = dpa::render::PdfSettings {
        archival: false,
        timestamp: chrono::DateTime::from_timestamp(1_767_225_600, 0).expect("date"),
        ident: "subprocessors".into(),
    };
    dpa::render::Renderer::new(None)
        .render("subprocessors.typ", src, &settings)
        .unwrap_or_else(|e| panic!("typst: {e:?}"))
        .pdf
}

fn rows(n: usize) -> Vec<[String; 3]> {
    (0..n)
        .map(|k| {
            [
                format!("Vendor {k} Limited"),
                ["Ireland", "Germany", "United States"][k % 3].to_string(),
                format!(
                    "Hosting of the service's workload number {k}, with backups and monitoring of the platform"
                ),
            ]
        })
        .collect()
}

fn refs(rows: &[[String; 3]]) -> Vec<[&str; 3]> {
    rows.iter()
        .map(|r| [r[0].as_str(), r[1].as_str(), r[2].as_str()])
        .collect()
}

#[test]
fn a_sub_processor_list_pdf_diffs_as_one_added_row_and_one_modified_row() {
    let old = rows(40);
    let mut new = old.clone();
    // One sub-processor changes its country; one is added.
    new[7][1] = "Switzerland".into();
    new.insert(
        23,
        [
            "Newco Analytics Inc.".into(),
            "Canada".into(),
            "Product analytics".into(),
        ],
    );
    let (old_pdf, new_pdf) = (page(&refs(&old)), page(&refs(&new)));
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("old.pdf"), &old_pdf).expect("write");
    std::fs::write(dir.path().join("new.pdf"), &new_pdf).expect("write");
    let out = dpa(
        dir.path(),
        &["diff", "old.pdf", "new.pdf", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("json");
    let changed: Vec<(String, String)> = v["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .filter(|c| c["status"] != "unchanged")
        .map(|c| {
            (
                c["status"].as_str().unwrap_or("").to_string(),
                c["new"]["title"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        [
            ("modified".to_string(), "Vendor 7 Limited".to_string()),
            ("added".to_string(), "Newco Analytics Inc.".to_string()),
        ],
        "{}",
        serde_json::to_string_pretty(&v["clauses"]).unwrap_or_default()
    );
    // Every other row, the header row repeated on the second page aside, reads unchanged.
    assert!(
        v["summary"]["unchanged"].as_u64().unwrap_or(0) >= 40,
        "{}",
        v["summary"]
    );
    let modified = v["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .find(|c| c["status"] == "modified")
        .expect("modified");
    let words: Vec<&str> = modified["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["op"] != "equal")
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert_eq!(words, ["Germany", "Switzerland"]);
    // The same page compares unchanged with itself, read twice.
    let out = dpa(dir.path(), &["diff", "old.pdf", "old.pdf", "--exit-code"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// The same record with `extra` sub-processors appended as `[[subprocessors]]` tables.
fn with_subprocessors(record: &str, extra: &[(&str, &str, &str)]) -> String {
    let mut out = record.trim_end().to_string();
    for (name, country, purpose) in extra {
        out.push_str(&format!(
            "\n\n[[subprocessors]]\nname = \"{name}\"\ncountry = \"{country}\"\npurpose = \"{purpose}\"\naddress = \"1 Harbour Road, Cork\"\ncontact = \"Pat Doyle, privacy@{slug}.example\"\n",
            slug = name.split_whitespace().next().unwrap_or("x").to_lowercase()
        ));
    }
    out
}

/// For every example agreement, two PDFs whose Annex III (the sub-processor table) differ by one
/// added sub-processor and one changed country: the diff finds Annex III alone changed, with the
/// new row and the new country as its only changes.
#[test]
fn our_sub_processor_annex_in_pdf_diffs_by_its_rows_for_every_example() {
    let ws = crate::common::example_workspace();
    let mut ids: Vec<String> = std::fs::read_dir(ws.path().join("vendors"))
        .expect("vendors")
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(String::from))
        .collect();
    ids.sort();
    assert!(ids.len() >= 6, "{ids:?}");
    let outside = tempfile::tempdir().expect("tempdir");
    for id in &ids {
        let path = ws.path().join("vendors").join(format!("{id}.toml"));
        let record = std::fs::read_to_string(&path).expect("record");
        let mut pdfs = Vec::new();
        for (version, extra) in [
            ("old", vec![("Alpha Cloud Ltd", "IE", "Backup storage")]),
            (
                "new",
                vec![
                    ("Alpha Cloud Ltd", "CH", "Backup storage"),
                    ("Newco Analytics Inc.", "CA", "Product analytics"),
                ],
            ),
        ] {
            std::fs::write(&path, with_subprocessors(&record, &extra)).expect("write");
            let out = dpa(ws.path(), &["render", id, "--final"]);
            assert_eq!(out.status.code(), Some(0), "{id}: {}", stderr(&out));
            let pdf = outside.path().join(format!("{id}-{version}.pdf"));
            std::fs::copy(
                ws.path().join("out").join(id).join(format!("{id}.pdf")),
                &pdf,
            )
            .expect("pdf");
            pdfs.push(pdf.display().to_string());
        }
        std::fs::write(&path, &record).expect("restore");
        let out = dpa(
            outside.path(),
            &["diff", &pdfs[0], &pdfs[1], "--format", "json"],
        );
        assert_eq!(out.status.code(), Some(0), "{id}: {}", stderr(&out));
        let v: Value = serde_json::from_str(&stdout(&out)).expect("json");
        let changed: Vec<&Value> = v["clauses"]
            .as_array()
            .expect("clauses")
            .iter()
            .filter(|c| c["status"] != "unchanged")
            .collect();
        assert_eq!(changed.len(), 1, "{id}: {changed:#?}");
        assert_eq!(
            changed[0]["new"]["number"], "Annex III",
            "{id}: {changed:#?}"
        );
        let ops: Vec<(String, String)> = changed[0]["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .filter(|c| c["op"] != "equal")
            .map(|c| {
                (
                    c["op"].as_str().unwrap_or("").to_string(),
                    c["text"].as_str().unwrap_or("").trim().to_string(),
                )
            })
            .collect();
        // The country of one row, and one row added whole, its cells in one line.
        assert_eq!(ops.len(), 3, "{id}: {ops:?}");
        assert_eq!(
            (
                ops[0].0.as_str(),
                ops[0].1.as_str(),
                ops[1].0.as_str(),
                ops[1].1.as_str()
            ),
            ("delete", "Ireland", "insert", "Switzerland"),
            "{id}: {ops:?}"
        );
        assert_eq!(ops[2].0, "insert", "{id}: {ops:?}");
        assert!(
            ops[2].1.starts_with("Newco Analytics Inc. |")
                && ops[2].1.contains("| Canada |")
                && ops[2].1.contains("Product analytics"),
            "{id}: {ops:?}"
        );
    }
}
