//! `dpa import`: vendor records from a procurement export.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::common::{dpa, example_workspace, repo, stderr, stdout, write};

/// The example export, as shipped.
fn example_csv() -> String {
    std::fs::read_to_string(repo().join("examples/vendors.csv")).expect("examples/vendors.csv")
}

/// Every file under `vendors/` with its bytes.
fn records(root: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(root.join("vendors"))
        .expect("vendors/")
        .map(|e| {
            let p = e.expect("entry").path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).expect("read"),
            )
        })
        .collect()
}

/// The example export with one cell of one row (spreadsheet numbering, header = 1) replaced.
fn with_cell(csv: &str, row: usize, column: usize, value: &str) -> String {
    let mut out = String::new();
    for (i, line) in csv.lines().enumerate() {
        if i + 1 == row {
            let cells = split_row(line);
            let mut cells: Vec<String> = cells;
            cells[column] = value.to_string();
            out.push_str(&cells.join(","));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// Splits a CSV line into its raw cells (quotes kept), enough for the example file.
fn split_row(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cells.last_mut().unwrap().push(c);
            }
            ',' if !quoted => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

#[test]
fn importing_the_example_export_creates_records_that_pass_check() {
    let ws = example_workspace();
    let before = records(ws.path());
    let out = dpa(
        ws.path(),
        &[
            "import",
            &repo().join("examples/vendors.csv").to_string_lossy(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let after = records(ws.path());
    assert_eq!(after.len(), before.len() + 19, "{text}");
    // Nordhost is already on file under the same name: never overwritten.
    assert_eq!(after["nordhost.toml"], before["nordhost.toml"]);
    assert!(text.contains("exists   nordhost"), "{text}");
    // Two vendors whose names give the same id: the second is renamed, and the summary says why.
    assert!(
        text.contains(
            "vendors/atlas-cloud-2.toml, as `atlas-cloud` is taken by row 2 (Atlas Cloud, Inc.)"
        ),
        "{text}"
    );
    let atlas = String::from_utf8(after["atlas-cloud.toml"].clone()).unwrap();
    assert!(atlas.starts_with("# Imported from vendors.csv, row 2.\n"));
    assert!(
        atlas.contains(r#"regions = ["US-CA", "EEA", "UK"]"#),
        "{atlas}"
    );
    assert!(
        atlas.contains(r#"ccpa_role = "service_provider""#),
        "{atlas}"
    );
    assert!(atlas.contains("starts = 2025-03-01\n"), "{atlas}");
    assert!(
        text.contains(
            "Columns not imported: A (Supplier Number), G (Category), H (Annual Spend (USD))"
        ),
        "{text}"
    );
    assert!(!text.contains("Still missing"), "{text}");
    let check = dpa(ws.path(), &["check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    assert!(
        stdout(&check).contains("checked 25 vendors"),
        "{}",
        stdout(&check)
    );
}

#[test]
fn a_bad_country_on_row_7_names_row_and_column_and_writes_nothing() {
    let ws = example_workspace();
    write(
        ws.path(),
        "export.csv",
        &with_cell(&example_csv(), 7, 5, "Atlantis"),
    );
    let before = records(ws.path());
    let out = dpa(ws.path(), &["import", "export.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "error: export.csv: row 7, column F (Country): `Atlantis` is not an ISO 3166-1 alpha-2 country code\n"
        ),
        "{err}"
    );
    // The value is named; the row (a few hundred characters) is never repeated.
    assert!(!err.contains("Kestrel"), "{err}");
    assert!(
        err.ends_with(
            "1 of 20 rows are invalid; nothing was written (--skip-invalid imports the others)\n"
        ),
        "{err}"
    );
    assert_eq!(records(ws.path()), before);

    // --skip-invalid writes the other rows, leaves row 7 out and exits 1.
    let out = dpa(ws.path(), &["import", "export.csv", "--skip-invalid"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: export.csv: row 7, column F (Country)"));
    assert!(
        stdout(&out).contains("invalid  kestrel-support"),
        "{}",
        stdout(&out)
    );
    let after = records(ws.path());
    assert_eq!(after.len(), before.len() + 18);
    assert!(!after.contains_key("kestrel-support.toml"));
}

#[test]
fn list_items_and_loose_values_are_checked_with_the_records_messages() {
    let ws = example_workspace();
    write(
        ws.path(),
        "export.csv",
        "Name,Country,Regions,CCPA Role,Start date\nFoo Ltd,GB,EEA;Californa,vendor,31/02/2025\n",
    );
    let out = dpa(ws.path(), &["import", "export.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("error: export.csv: row 2, column E (Start date): `service.starts` is not a valid date: `31/02/2025`"), "{err}");
    assert!(err.contains("= hint: write dates as YYYY-MM-DD"), "{err}");
    // The message names the list item, not the whole cell.
    assert!(
        err.contains("error: export.csv: row 2, column C (Regions): `Californa` is not a region"),
        "{err}"
    );
    assert!(
        err.contains("`processing.ccpa_role` must be one of"),
        "{err}"
    );
    assert!(!ws.path().join("vendors/foo.toml").exists());
}

#[test]
fn missing_fields_are_listed_per_vendor_and_dry_run_writes_nothing() {
    let ws = example_workspace();
    write(
        ws.path(),
        "export.csv",
        "Vendor Name;Country;Regions;CCPA Role;GDPR Role\nGlobex Ltd;GB;UK;None;Processor\nInitech;US;US-CA;Service Provider;None\n",
    );
    let before = records(ws.path());
    let out = dpa(ws.path(), &["import", "export.csv", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(records(ws.path()), before);
    let text = stdout(&out);
    assert!(
        text.contains("new      globex   row 2    vendors/globex.toml"),
        "{text}"
    );
    assert!(text.contains("--- vendors/globex.toml (would be written)\n# Imported from export.csv, row 2.\n\nname = \"Globex Ltd\"\ncountry = \"GB\"\n"), "{text}");
    assert!(text.contains("\nStill missing before the agreement can be drafted (the tracker works without them):\n  globex   address, contact.name, contact.email, signatory.name, signatory.title, service.description, service.starts, processing.purposes, processing.data_subjects, processing.data_categories, processing.frequency, processing.retention, security (at least one Annex II measure)\n"), "{text}");
    assert!(text.ends_with("Dry run: nothing was written.\n"), "{text}");
    // Written for real, the records are kept, and `check` names what is missing.
    let out = dpa(ws.path(), &["import", "export.csv"]);
    assert_eq!(out.status.code(), Some(0));
    let check = dpa(ws.path(), &["check", "initech"]);
    assert_eq!(check.status.code(), Some(2));
    assert!(stderr(&check).contains("missing required field `address`"));
}

#[test]
fn collisions_with_records_and_rows_are_resolved_visibly() {
    let ws = example_workspace();
    write(
        ws.path(),
        "export.csv",
        "Name,Country\nAcme Analytics Ltd,GB\nAcme Analytics GmbH,DE\nNordhost GmbH,DE\n",
    );
    let out = dpa(ws.path(), &["import", "export.csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("new      acme-analytics-2  row 2    vendors/acme-analytics-2.toml, as `acme-analytics` is taken by vendors/acme-analytics.toml (Acme Analytics, Inc.)"), "{text}");
    assert!(text.contains("new      acme-analytics-3  row 3    vendors/acme-analytics-3.toml, as `acme-analytics` is taken by vendors/acme-analytics.toml (Acme Analytics, Inc.)"), "{text}");
    assert!(text.contains("exists   nordhost          row 4"), "{text}");

    // The same vendor twice in one export is an error, as is an invalid id in an id column.
    write(
        ws.path(),
        "twice.csv",
        "ID,Name,Country\n,Globex Ltd,GB\n,Globex Ltd,GB\nBad Id,Initech,US\n",
    );
    let out = dpa(ws.path(), &["import", "twice.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("error: twice.csv: row 3, column B (Name): `Globex Ltd` is already row 2; a vendor is imported once"), "{err}");
    assert!(
        err.contains("error: twice.csv: row 4, column A (ID): `Bad Id` is not a valid vendor id"),
        "{err}"
    );
    assert!(!ws.path().join("vendors/globex.toml").exists());
}

#[test]
fn update_edits_records_in_place_keeping_comments() {
    let ws = example_workspace();
    let path = ws.path().join("vendors/acme-analytics.toml");
    let original = std::fs::read_to_string(&path).unwrap();
    write(
        ws.path(),
        "export.csv",
        "Vendor Name,Business Owner,Contract End Date,Country\n\"Acme Analytics, Inc.\",Jo Buyer,2028-01-14,US\n",
    );
    // Without --update the record is left alone.
    let out = dpa(ws.path(), &["import", "export.csv"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("exists   acme-analytics  row 2    vendors/acme-analytics.toml kept as it is (--update edits it)"), "{}", stdout(&out));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);

    let out = dpa(ws.path(), &["import", "export.csv", "--update"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(
            "update   acme-analytics  row 2    vendors/acme-analytics.toml: service.ends, owner"
        ),
        "{}",
        stdout(&out)
    );
    let updated = std::fs::read_to_string(&path).unwrap();
    let expected = original
        .replace("ends = 2027-01-14", "ends = 2028-01-14")
        .replacen(
            "country = \"US\"\n",
            "country = \"US\"\nowner = \"Jo Buyer\"\n",
            1,
        );
    assert_eq!(updated, expected);
    assert!(updated.starts_with("# US product analytics provider"));

    // A second run finds nothing to change.
    let out = dpa(ws.path(), &["import", "export.csv", "--update"]);
    assert!(
        stdout(&out).contains("same     acme-analytics"),
        "{}",
        stdout(&out)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
}

#[test]
fn map_renames_and_ignores_columns_and_bad_maps_are_usage_errors() {
    let ws = example_workspace();
    write(
        ws.path(),
        "export.csv",
        "Supplier,HQ,Category\nGlobex Ltd,GB,IT\n",
    );
    let out = dpa(
        ws.path(),
        &[
            "import",
            "export.csv",
            "--map",
            "HQ=country",
            "--map",
            "Supplier=name",
            "--dry-run",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Columns not imported: C (Category)"));
    let out = dpa(ws.path(), &["import", "export.csv", "--map", "HQ=countyr"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "`countyr` is not a field an import can fill\n  hint: did you mean `country`?"
        ),
        "{}",
        stderr(&out)
    );
    let out = dpa(
        ws.path(),
        &["import", "export.csv", "--map", "Headquarters=country"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("export.csv has no column `Headquarters`"),
        "{}",
        stderr(&out)
    );
    let out = dpa(ws.path(), &["import", "export.csv", "--map", "Supplier="]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no column of export.csv gives the vendor's name"),
        "{}",
        stderr(&out)
    );
}

fn as_refs(rows: &[Vec<String>]) -> Vec<Vec<&str>> {
    rows.iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect()
}

/// A minimal XLSX workbook with inline strings, one sheet.
fn xlsx(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, v) in row.iter().enumerate() {
            let col = if c < 26 {
                ((b'A' + c as u8) as char).to_string()
            } else {
                format!("A{}", (b'A' + (c - 26) as u8) as char)
            };
            let v = v.replace('&', "&amp;").replace('<', "&lt;");
            sheet.push_str(&format!(
                r#"<c r="{col}{}" t="inlineStr"><is><t>{v}</t></is></c>"#,
                r + 1
            ));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Vendors" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string(),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn xlsx_exports_are_read_with_rows_and_columns_as_the_spreadsheet_shows_them() {
    let ws = example_workspace();
    let csv = example_csv();
    let rows: Vec<Vec<String>> = csv
        .lines()
        .map(|l| {
            split_row(l)
                .into_iter()
                .map(|c| c.trim_matches('"').to_string())
                .collect()
        })
        .collect();
    let mut bad = rows.clone();
    bad[6][5] = "Atlantis".into();
    std::fs::write(ws.path().join("bad.xlsx"), xlsx(&as_refs(&bad))).unwrap();
    let before = records(ws.path());
    let out = dpa(ws.path(), &["import", "bad.xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "error: bad.xlsx: row 7, column F (Country): `Atlantis` is not an ISO 3166-1 alpha-2 country code"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(records(ws.path()), before);

    std::fs::write(ws.path().join("good.xlsx"), xlsx(&as_refs(&rows))).unwrap();
    let out = dpa(ws.path(), &["import", "good.xlsx"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("Note: read sheet `Vendors`"));
    assert_eq!(records(ws.path()).len(), before.len() + 19);
    let check = dpa(ws.path(), &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn hostile_workbooks_are_refused() {
    let ws = example_workspace();
    for (name, bytes) in [
        (
            "truncated.xlsx",
            b"PK\x03\x04\x14\x00\x00\x00 truncated".to_vec(),
        ),
        ("empty.xlsx", Vec::new()),
    ] {
        std::fs::write(ws.path().join(name), &bytes).unwrap();
        let out = dpa(ws.path(), &["import", name]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            stderr(&out).starts_with(&format!("error: {name}: ")),
            "{}",
            stderr(&out)
        );
    }
}
