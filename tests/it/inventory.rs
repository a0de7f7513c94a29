//! Adopting dpa with procurement's real inventory: a questionnaire export imported with a saved
//! mapping, records that state only what decides the need, agreements signed before dpa, and
//! executed copies checked by their text.

use std::path::Path;

use serde_json::Value;

use crate::common::{dpa, git, recorded_workspace, repo, stderr, stdout, write};

/// A workspace with our company and no vendors, in a git repository with an author.
fn empty_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "dpa.toml",
        &std::fs::read_to_string(repo().join("dpa.toml")).expect("dpa.toml"),
    );
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["config", "user.name", "Test Counsel"]);
    git(dir.path(), &["config", "user.email", "counsel@example.com"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "workspace"]);
    dir
}

/// Procurement's questionnaire, as exported: Yes/No answers, country names, US dates, a vendor
/// with no personal data, and one bad row (a country that does not exist).
const QUESTIONNAIRE: &str = "\
Supplier,HQ Country,Do they get EU data?,CA customer data?,Acts on our behalf?,GDPR processor?,Personal data?,Contract start,Sub-processors,Business Owner
Acme Analytics Inc.,USA,Yes,Yes,Yes,Yes,Yes,3/1/2024,Cloud Host Ltd (Ireland): hosting,Jo Buyer
Nordhost GmbH,Germany,Yes,No,No,Yes,Yes,1 March 2024,,Jo Buyer
Paper Supplies Co,United States,No,No,No,No,No,2024-03-01,,Sam Lee
Brightmail Ltd,United Kingdom,No,Yes,Yes,No,Yes,12/15/2023,,Sam Lee
Broken Corp,Atlantis,No,Yes,Yes,No,Yes,3/1/2024,,Sam Lee
";

const MAPS: [&str; 7] = [
    "Supplier=name",
    "HQ Country=country",
    "Do they get EU data?=regions:EEA",
    "CA customer data?=regions:US-CA",
    "Acts on our behalf?=ccpa_role:service_provider",
    "GDPR processor?=gdpr_role:processor",
    "Personal data?=personal_data",
];

fn import(root: &Path, file: &str, maps: &[&str], extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", file];
    for m in maps {
        args.push("--map");
        args.push(m);
    }
    args.extend_from_slice(extra);
    dpa(root, &args)
}

fn rows(json: &Value) -> Vec<&str> {
    json["vendors"]
        .as_array()
        .expect("vendors")
        .iter()
        .map(|r| r["vendor"].as_str().expect("id"))
        .collect()
}

fn row<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["vendors"]
        .as_array()
        .expect("vendors")
        .iter()
        .find(|r| r["vendor"] == id)
        .unwrap_or_else(|| panic!("no row {id}: {json}"))
}

#[test]
fn a_questionnaire_imported_with_a_saved_mapping_answers_who_lacks_a_ccpa_agreement() {
    let ws = empty_workspace();
    write(ws.path(), "questionnaire.csv", QUESTIONNAIRE);
    // The dry run shows the records it would write, and the date readings.
    let dry = import(
        ws.path(),
        "questionnaire.csv",
        &MAPS,
        &["--dry-run", "--skip-invalid"],
    );
    let text = stdout(&dry);
    assert!(
        text.contains("--- vendors/acme-analytics.toml (would be written)"),
        "{text}"
    );
    assert!(
        text.contains("dates read as month/day/year, e.g. `3/1/2024` as 2024-03-01"),
        "{text}"
    );
    assert!(
        !ws.path().join("vendors").exists(),
        "a dry run writes nothing"
    );

    // The mapping is saved with the import, and the bad row is named by row, column and value.
    let out = import(
        ws.path(),
        "questionnaire.csv",
        &MAPS,
        &["--save-map", "--skip-invalid"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("row 6, column B (HQ Country): `Atlantis`"),
        "{err}"
    );
    assert!(
        !err.contains("Broken Corp,Atlantis"),
        "an error never repeats the row: {err}"
    );
    assert!(ws.path().join("import-map.toml").is_file());

    // Nothing else is lost: every value of the good rows is in the records.
    let acme =
        std::fs::read_to_string(ws.path().join("vendors/acme-analytics.toml")).expect("acme");
    for expected in [
        "country = \"US\"",
        "regions = [\"EEA\", \"US-CA\"]",
        "ccpa_role = \"service_provider\"",
        "gdpr_role = \"processor\"",
        "starts = 2024-03-01",
        "owner = \"Jo Buyer\"",
        "name = \"Cloud Host Ltd\"",
        "country = \"IE\"",
    ] {
        assert!(acme.contains(expected), "{expected} in\n{acme}");
    }
    let paper =
        std::fs::read_to_string(ws.path().join("vendors/paper-supplies.toml")).expect("paper");
    assert!(paper.contains("personal_data = false"), "{paper}");

    // A second export, in the same columns, imports with no --map at all.
    write(
        ws.path(),
        "next.csv",
        "Supplier,HQ Country,Do they get EU data?,CA customer data?,Acts on our behalf?,GDPR processor?,Personal data?,Contract start,Sub-processors,Business Owner\n\
         Zeta Mail Inc.,USA,No,Yes,Yes,No,Yes,6/30/2024,,Jo Buyer\n",
    );
    let next = import(ws.path(), "next.csv", &[], &[]);
    assert_eq!(next.status.code(), Some(0), "{}", stderr(&next));
    assert!(
        stderr(&next).contains("import-map.toml"),
        "{}",
        stderr(&next)
    );

    // The tracker works from the deciding facts alone.
    let out = dpa(
        ws.path(),
        &["status", "--missing", "ccpa", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(rows(&json), ["acme-analytics", "brightmail", "zeta-mail"]);
    let acme = row(&json, "acme-analytics");
    assert_eq!(acme["states"]["ccpa"], "missing");
    assert_eq!(acme["overall"], "incomplete");
    let incomplete: Vec<&str> = acme["incomplete"]
        .as_array()
        .expect("incomplete")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for fact in ["purposes", "retention", "privacy contact", "signatory"] {
        assert!(incomplete.contains(&fact), "{fact} in {incomplete:?}");
    }

    let all = dpa(ws.path(), &["status"]);
    assert_eq!(all.status.code(), Some(0), "{}", stderr(&all));
    let text = stdout(&all);
    assert_eq!(
        text.lines().next(),
        Some("5 vendors: 0 covered, 4 records incomplete, 1 needs no agreement"),
        "{text}"
    );
    assert!(
        text.contains(
            "needs an agreement; facts missing to draft it: address, privacy contact, signatory"
        ),
        "{text}"
    );
    assert!(text.contains("needs a CCPA agreement"), "{text}");
    // A vendor with no personal data blocks nothing.
    let gate = dpa(
        ws.path(),
        &["status", "--vendor", "paper-supplies", "--fail-on-gaps"],
    );
    assert_eq!(gate.status.code(), Some(0), "{}", stdout(&gate));
    let check = dpa(ws.path(), &["check", "paper-supplies"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(
        stdout(&check).contains("not drafted: paper-supplies (no personal data"),
        "{}",
        stdout(&check)
    );
    // Generating still asks for every fact an agreement needs.
    let render = dpa(ws.path(), &["check", "acme-analytics"]);
    assert_eq!(render.status.code(), Some(2));
    assert!(
        stderr(&render).contains("processing.purposes"),
        "{}",
        stderr(&render)
    );
}

#[test]
fn one_bad_record_is_reported_and_the_others_are_still_tracked() {
    let ws = recorded_workspace();
    let path = ws.path().join("vendors/nordhost.toml");
    let text = std::fs::read_to_string(&path).expect("nordhost");
    std::fs::write(
        &path,
        text.replace("role = \"on_behalf\"", "role = \"on_behlaf\""),
    )
    .expect("write");
    let out = dpa(
        ws.path(),
        &["status", "--format", "json", "--as-of", "2026-01-15"],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "an invalid record exits non-zero"
    );
    assert!(
        stderr(&out).contains("vendors/nordhost.toml"),
        "{}",
        stderr(&out)
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(rows(&json).len(), 6);
    assert_eq!(row(&json, "nordhost")["overall"], "invalid");
    assert_eq!(row(&json, "acme-analytics")["states"]["ccpa"], "issued");
}

/// A file standing for an executed copy of an agreement signed before dpa.
fn old_document(root: &Path, rel: &str, title: &str) {
    write(
        root,
        rel,
        &format!("# {title}\n\nSigned by both parties on 1 June 2025.\n"),
    );
}

#[test]
fn agreements_signed_before_dpa_are_recorded_on_either_paper() {
    let ws = empty_workspace();
    write(ws.path(), "questionnaire.csv", QUESTIONNAIRE);
    let out = import(ws.path(), "questionnaire.csv", &MAPS, &["--skip-invalid"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Our paper, a version dpa did not issue.
    old_document(ws.path(), "contracts/acme-dpa-2025.md", "Acme DPA 2025");
    let out = dpa(
        ws.path(),
        &[
            "sign",
            "acme-analytics",
            "--paper",
            "ours",
            "--file",
            "contracts/acme-dpa-2025.md",
            "--title",
            "Acme DPA 2025",
            "--framework",
            "ccpa",
            "--framework",
            "gdpr",
            "--framework",
            "scc",
            "--date",
            "2025-06-01",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The vendor's paper.
    old_document(ws.path(), "contracts/nordhost-dpa.md", "Nordhost DPA");
    let out = dpa(
        ws.path(),
        &[
            "sign",
            "nordhost",
            "--paper",
            "vendor",
            "--file",
            "contracts/nordhost-dpa.md",
            "--title",
            "Nordhost DPA",
            "--framework",
            "gdpr",
            "--date",
            "2025-06-01",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let commit = git(ws.path(), &["log", "-1", "--format=%B"]);
    assert!(commit.contains("Recorded-Afterwards: "), "{commit}");

    let log = stdout(&dpa(ws.path(), &["log", "acme-analytics"]));
    assert!(
        log.contains("2025-06-01  \"Acme DPA 2025\" (our paper, not issued by dpa)  ccpa, gdpr, scc; recorded afterwards on "),
        "{log}"
    );
    assert!(
        log.contains("by Test Counsel <counsel@example.com>"),
        "{log}"
    );
    let log = stdout(&dpa(ws.path(), &["log", "nordhost"]));
    assert!(
        log.contains("\"Nordhost DPA\" (vendor's paper, not issued by dpa)"),
        "{log}"
    );

    let out = dpa(ws.path(), &["status", "--format", "json"]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let acme = row(&json, "acme-analytics");
    assert_eq!(acme["states"]["ccpa"], "covered", "{acme}");
    assert_eq!(acme["signed_on"], "2025-06-01");
    let remarks = acme["remarks"].to_string();
    assert!(
        remarks.contains(
            "\\\"Acme DPA 2025\\\" on our paper signed 2025-06-01, recorded afterwards on"
        ),
        "{remarks}"
    );
    assert!(remarks.contains("by Test Counsel"), "{remarks}");
    let nordhost = row(&json, "nordhost");
    assert_eq!(nordhost["signed_on"], "2025-06-01");
    let text = stdout(&dpa(ws.path(), &["status", "--vendor", "nordhost"]));
    let line = text
        .lines()
        .find(|l| l.starts_with("nordhost"))
        .expect("row");
    assert!(
        line.contains("2025-06-01"),
        "the vendor's paper counts as signed: {text}"
    );
    assert!(
        text.contains("the vendor's \"Nordhost DPA\" signed 2025-06-01, recorded afterwards"),
        "{text}"
    );
}

#[test]
fn a_version_signed_before_dpa_issued_it_is_recorded_as_such() {
    let ws = recorded_workspace();
    let out = dpa(
        ws.path(),
        &["sign", "nordhost", "--version", "1", "--date", "2025-06-01"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("before dpa issued v1"),
        "{}",
        stderr(&out)
    );
    let log = stdout(&dpa(ws.path(), &["log", "nordhost"]));
    assert!(log.contains("signed 2025-06-01"), "{log}");
    assert!(log.contains("recorded afterwards on"), "{log}");
    let text = stdout(&dpa(
        ws.path(),
        &["status", "--vendor", "nordhost", "--as-of", "2026-01-15"],
    ));
    assert!(
        text.contains("v1 signed 2025-06-01, recorded afterwards on"),
        "{text}"
    );
}

/// The issued PDF of a vendor's v1 in a recorded workspace.
fn issued_pdf(root: &Path, id: &str) -> Vec<u8> {
    std::fs::read(root.join(format!("agreements/{id}/{id}.pdf"))).expect("issued pdf")
}

#[test]
fn sign_and_verify_compare_the_executed_text_with_the_issued_version() {
    let ws = recorded_workspace();
    let root = ws.path();
    // Another vendor's executed agreement.
    std::fs::write(root.join("other.pdf"), issued_pdf(root, "nordhost")).expect("write");
    // The same agreement with one clause altered: a render of a modified record.
    let record = root.join("vendors/acme-analytics.toml");
    let original = std::fs::read_to_string(&record).expect("record");
    let changed = original.replacen(
        "retention = \"",
        "retention = \"Ten years after the Services end; before that, ",
        1,
    );
    assert_ne!(changed, original);
    std::fs::write(&record, &changed).expect("write");
    let out = dpa(
        root,
        &["render", "acme-analytics", "--final", "--out", "altered"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(&record, &original).expect("restore");
    std::fs::copy(
        root.join("altered/acme-analytics/acme-analytics.pdf"),
        root.join("altered.pdf"),
    )
    .expect("copy");
    // The right one, as a signing service returns it: other bytes, the same text.
    let mut right = issued_pdf(root, "acme-analytics");
    right.extend_from_slice(b"\n% countersigned\n");
    std::fs::write(root.join("right.pdf"), &right).expect("write");

    let sign = |file: &str| {
        dpa(
            root,
            &[
                "sign",
                "acme-analytics",
                "--version",
                "1",
                "--date",
                "2026-12-01",
                "--file",
                file,
            ],
        )
    };
    let other = sign("other.pdf");
    assert_eq!(other.status.code(), Some(1), "{}", stderr(&other));
    assert!(
        stderr(&other).contains("is a different document, not v1 as issued"),
        "{}",
        stderr(&other)
    );
    let altered = sign("altered.pdf");
    assert_eq!(altered.status.code(), Some(1), "{}", stderr(&altered));
    let err = stderr(&altered);
    assert!(
        err.contains("altered.pdf is not v1 as issued: altered in Annex I.B"),
        "{err}"
    );
    assert!(err.contains("Ten years after the Services end"), "{err}");
    assert!(
        !std::fs::read_to_string(&record)
            .expect("record")
            .contains("[[agreements]]"),
        "nothing is recorded for a wrong copy"
    );
    let ok = sign("right.pdf");
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));

    let verify = dpa(root, &["verify", "acme-analytics"]);
    assert_eq!(verify.status.code(), Some(0), "{}", stderr(&verify));
    assert!(
        stdout(&verify).contains(
            "agreements/acme-analytics/executed/v1.pdf reads as issued v1, clause by clause"
        ),
        "{}",
        stdout(&verify)
    );
    let verify_other = dpa(root, &["verify", "acme-analytics", "--file", "other.pdf"]);
    assert_eq!(verify_other.status.code(), Some(1));
    assert!(
        stderr(&verify_other).contains("other.pdf is a different document"),
        "{}",
        stderr(&verify_other)
    );
    let verify_altered = dpa(root, &["verify", "acme-analytics", "--file", "altered.pdf"]);
    assert_eq!(verify_altered.status.code(), Some(1));
    assert!(
        stderr(&verify_altered).contains("altered in Annex I.B"),
        "{}",
        stderr(&verify_altered)
    );
    // A kept copy replaced by another document is found by its text too, not only its hash.
    std::fs::copy(
        root.join("other.pdf"),
        root.join("agreements/acme-analytics/executed/v1.pdf"),
    )
    .expect("replace");
    let replaced = dpa(root, &["verify", "acme-analytics"]);
    assert_eq!(replaced.status.code(), Some(1));
}

#[test]
fn the_tracker_summary_line_and_plain_words() {
    let ws = recorded_workspace();
    let out = dpa(ws.path(), &["send", "nordhost", "--date", "2026-01-10"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&dpa(ws.path(), &["status", "--as-of", "2026-01-15"]));
    assert_eq!(
        text.lines().next(),
        Some("6 vendors: 0 covered, 5 ready to send, 1 awaiting signature"),
        "{text}"
    );
    assert!(
        text.contains("GDPR awaiting signature, SCCs awaiting signature"),
        "{text}"
    );
    assert!(text.contains("UK Addendum ready to send"), "{text}");
    for jargon in ["gdpr:", "scc:", ":issued", "usstate"] {
        assert!(!text.contains(jargon), "{jargon} in {text}");
    }
    let html = stdout(&dpa(
        ws.path(),
        &["status", "--format", "html", "--as-of", "2026-01-15"],
    ));
    assert!(
        html.contains("6 vendors: 0 covered, 5 ready to send, 1 awaiting signature"),
        "{html}"
    );
    assert!(html.contains(">GDPR awaiting signature<"), "{html}");
    // JSON keeps the ids.
    let json: Value = serde_json::from_slice(
        &dpa(
            ws.path(),
            &["status", "--format", "json", "--as-of", "2026-01-15"],
        )
        .stdout,
    )
    .expect("json");
    assert_eq!(row(&json, "nordhost")["states"]["gdpr"], "sent");
    assert_eq!(row(&json, "nordhost")["overall"], "unsigned");
}

#[test]
fn the_tracker_exports_a_workbook_that_libreoffice_opens() {
    let ws = recorded_workspace();
    let root = ws.path();
    let out = dpa(
        root,
        &[
            "sign",
            "acme-analytics",
            "--version",
            "1",
            "--date",
            "2026-01-12",
            "--expires",
            "2028-01-12",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let refused = dpa(root, &["status", "--format", "xlsx"]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "a workbook is never written to a terminal"
    );
    let out = dpa(
        root,
        &[
            "status",
            "--format",
            "xlsx",
            "--out",
            "tracker.xlsx",
            "--as-of",
            "2026-01-15",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lo = crate::common::tool("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            root.join("lo-profile").display()
        ))
        .args(["--headless", "--convert-to", "csv", "--outdir"])
        .arg(root.join("lo"))
        .arg(root.join("tracker.xlsx"))
        .env("HOME", root)
        .output()
        .expect("LibreOffice is installed (libreoffice-calc-nogui)");
    assert!(
        lo.status.success(),
        "{}",
        String::from_utf8_lossy(&lo.stderr)
    );
    let csv = std::fs::read_to_string(root.join("lo/tracker.csv"))
        .expect("LibreOffice wrote the sheet as CSV");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("\"As of 2026-01-15: 6 vendors: 1 covered, 5 ready to send\""),
        "{csv}"
    );
    assert!(
        lines[2].starts_with("Vendor,Name,Owner,Standing,Needs,CCPA,GDPR,SCCs,UK Addendum"),
        "{csv}"
    );
    let acme = lines
        .iter()
        .find(|l| l.starts_with("acme-analytics,"))
        .expect("acme row");
    for cell in [
        "\"Acme Analytics, Inc.\"",
        ",covered,",
        ",2026-01-12,2028-01-12,",
    ] {
        assert!(acme.contains(cell), "{cell} in {acme}");
    }
    let adreach = lines
        .iter()
        .find(|l| l.starts_with("adreach,"))
        .expect("adreach row");
    assert!(
        adreach.contains(",not signed,CCPA,ready to send,"),
        "{adreach}"
    );

    // The same dates for a calendar: the expiry with a renewal reminder, and the service's end.
    let ics = dpa(
        root,
        &["status", "--format", "ics", "--as-of", "2026-01-15"],
    );
    assert_eq!(ics.status.code(), Some(0), "{}", stderr(&ics));
    let ics = stdout(&ics);
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{ics}"
    );
    assert!(
        ics.contains("UID:acme-analytics-expires-2028-01-12@dpa\r\nDTSTAMP:20260115T000000Z\r\nDTSTART;VALUE=DATE:20280112\r\n"),
        "{ics}"
    );
    assert!(
        ics.contains("SUMMARY:Data processing agreement with Acme Analytics\\, Inc. expires"),
        "{ics}"
    );
    assert!(ics.contains("TRIGGER;RELATED=START:-P60D"), "{ics}");
    assert!(
        ics.contains("UID:acme-analytics-service-ends-2027-01-14@dpa"),
        "{ics}"
    );
    assert!(ics.ends_with("END:VCALENDAR\r\n"), "{ics}");
}
