//! The tracker: `dpa status`, `send`, `sign` and `verify` on copies of one recorded repository.

use std::path::Path;

use crate::common::*;

/// A date at which every example vendor's service is running.
const AS_OF: &str = "2026-01-15";

/// The examples in a repository with every vendor's v1 issued (recorded once per test run).
fn recorded() -> tempfile::TempDir {
    recorded_workspace()
}

fn today() -> String {
    chrono::Local::now().date_naive().to_string()
}

fn ok(ws: &Path, args: &[&str]) -> String {
    let out = dpa(ws, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn sign(ws: &Path, id: &str) {
    ok(ws, &["sign", id, "--version", "1", "--date", &today()]);
}

fn status_json(ws: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["status", "--format", "json"];
    args.extend_from_slice(extra);
    let out = dpa(ws, &args);
    serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)))
}

fn vendors(v: &serde_json::Value) -> Vec<String> {
    v["vendors"]
        .as_array()
        .expect("vendors")
        .iter()
        .filter_map(|r| r["vendor"].as_str().map(str::to_string))
        .collect()
}

fn edit(ws: &Path, rel: &str, from: &str, to: &str) {
    let path = ws.join(rel);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{rel} lacks {from}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn signing_a_vendor_removes_it_from_the_missing_list() {
    let ws = recorded();
    let before = status_json(ws.path(), &["--missing", "ccpa", "--as-of", AS_OF]);
    assert_eq!(
        vendors(&before),
        ["acme-analytics", "adreach", "pipeline-crm", "suryadesk"]
    );
    sign(ws.path(), "acme-analytics");
    let after = status_json(ws.path(), &["--missing", "ccpa", "--as-of", AS_OF]);
    assert_eq!(vendors(&after), ["adreach", "pipeline-crm", "suryadesk"]);
    let all = status_json(ws.path(), &["--as-of", AS_OF]);
    let acme = &all["vendors"][0];
    assert_eq!(acme["vendor"], "acme-analytics");
    assert_eq!(acme["states"]["ccpa"], "covered");
    assert_eq!(acme["signed_version"], 1);
    assert_eq!(acme["signed_on"], today());
    assert_eq!(acme["overall"], "covered");
    let adreach = &all["vendors"][1];
    assert_eq!(adreach["ccpa_third_party"], true);
    assert!(
        adreach["remarks"][0]
            .as_str()
            .expect("remark")
            .contains("opt-out")
    );

    let gaps = dpa(ws.path(), &["status", "--fail-on-gaps", "--as-of", AS_OF]);
    assert_eq!(gaps.status.code(), Some(1));
    let acme_only = dpa(
        ws.path(),
        &["status", "--vendor", "acme-analytics", "--fail-on-gaps"],
    );
    assert_eq!(acme_only.status.code(), Some(0), "{}", stdout(&acme_only));
}

#[test]
fn issued_after_record_and_sent_only_once_a_send_is_recorded() {
    let ws = recorded();
    let all = status_json(ws.path(), &["--as-of", AS_OF]);
    for row in all["vendors"].as_array().expect("rows") {
        for (f, state) in row["states"].as_object().expect("states") {
            assert_eq!(state, "issued", "{} {f}", row["vendor"]);
        }
        assert_eq!(row["overall"], "unsigned");
    }
    let out = ok(ws.path(), &["send", "nordhost", "--date", &today()]);
    assert!(out.contains("recorded v1 as sent"), "{out}");
    let v = status_json(ws.path(), &["--vendor", "nordhost", "--as-of", AS_OF]);
    assert_eq!(v["vendors"][0]["states"]["gdpr"], "sent");
    assert_eq!(v["vendors"][0]["sent_on"], today());
    // The send is committed, record and all.
    let committed = git(ws.path(), &["show", "HEAD:vendors/nordhost.toml"]);
    assert!(committed.contains("status = \"sent\""), "{committed}");
    assert!(git(ws.path(), &["log", "-1", "--format=%s"]).contains("dpa: send nordhost v1"));
    // A signature completes the same entry.
    sign(ws.path(), "nordhost");
    let v = status_json(ws.path(), &["--vendor", "nordhost", "--as-of", AS_OF]);
    assert_eq!(v["vendors"][0]["states"]["gdpr"], "covered");
    assert_eq!(v["vendors"][0]["sent_on"], serde_json::Value::Null);
    let text = std::fs::read_to_string(ws.path().join("vendors/nordhost.toml")).expect("read");
    assert_eq!(text.matches("[[agreements]]").count(), 1, "{text}");
}

#[test]
fn sign_refuses_what_was_never_issued_or_already_signed() {
    let ws = recorded();
    let out = dpa(
        ws.path(),
        &["sign", "nordhost", "--version", "99", "--date", &today()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("never issued"), "{}", stderr(&out));
    // A date before dpa issued the version is an agreement that existed before dpa: recorded, and said.
    let out = dpa(
        ws.path(),
        &[
            "sign",
            "payroll-uk",
            "--version",
            "1",
            "--date",
            "2000-01-01",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("signed on 2000-01-01 before dpa issued v1"),
        "{}",
        stderr(&out)
    );
    ok(
        ws.path(),
        &["sign", "nordhost", "--version", "v1", "--date", &today()],
    );
    let again = dpa(
        ws.path(),
        &["sign", "nordhost", "--version", "1", "--date", &today()],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already signed"),
        "{}",
        stderr(&again)
    );
    let send = dpa(ws.path(), &["send", "nordhost", "--date", &today()]);
    assert_eq!(send.status.code(), Some(2));
}

#[test]
fn sign_keeps_comments_and_layout_and_commits_only_the_signature() {
    let ws = recorded();
    let rel = "vendors/nordhost.toml";
    git(ws.path(), &["add", rel]);
    git(ws.path(), &["commit", "-q", "-m", "records"]);
    // An edit in progress, not to be committed by `sign`.
    edit(
        ws.path(),
        rel,
        "# EU hosting processor in Germany",
        "# EU hosting processor in Germany (draft edit)",
    );
    let before = std::fs::read_to_string(ws.path().join(rel)).expect("record");
    let out = dpa(
        ws.path(),
        &["sign", "nordhost", "--version", "1", "--date", &today()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("other changes that are not committed"),
        "{}",
        stderr(&out)
    );
    let after = std::fs::read_to_string(ws.path().join(rel)).expect("record");
    assert!(
        after.starts_with(&before),
        "the record was rewritten, not edited:\n{after}"
    );
    assert!(
        after.contains("[[agreements]]\nversion = 1\nstatus = \"signed\""),
        "{after}"
    );
    let committed = git(ws.path(), &["show", &format!("HEAD:{rel}")]);
    assert!(committed.contains("status = \"signed\""), "{committed}");
    assert!(!committed.contains("draft edit"), "{committed}");
    let diff = git(ws.path(), &["diff", "--", rel]);
    assert!(
        diff.contains("+# EU hosting processor in Germany (draft edit)"),
        "{diff}"
    );
    assert!(!diff.contains("signed"), "{diff}");
    // The record still loads.
    assert_eq!(
        dpa(ws.path(), &["check", "nordhost"]).status.code(),
        Some(0)
    );
}

#[test]
fn the_executed_copy_is_committed_and_verified() {
    let ws = recorded();
    let executed = ws.path().join("executed.pdf");
    std::fs::copy(
        ws.path().join("agreements/payroll-uk/payroll-uk.pdf"),
        &executed,
    )
    .expect("copy");
    let out = dpa(
        ws.path(),
        &[
            "sign",
            "payroll-uk",
            "--version",
            "1",
            "--date",
            &today(),
            "--file",
            executed.to_str().expect("utf8"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let kept = "agreements/payroll-uk/executed/v1.pdf";
    assert!(ws.path().join(kept).is_file());
    let tree = git(ws.path(), &["ls-tree", "-r", "--name-only", "HEAD"]);
    assert!(tree.contains(kept), "{tree}");
    assert!(tree.contains("vendors/payroll-uk.toml"), "{tree}");
    let status = git(
        ws.path(),
        &[
            "status",
            "--porcelain",
            "--",
            "agreements",
            "vendors/payroll-uk.toml",
        ],
    );
    assert_eq!(status, "", "left uncommitted: {status}");
    let record = std::fs::read_to_string(ws.path().join("vendors/payroll-uk.toml")).expect("read");
    assert!(record.contains(&format!("file = \"{kept}\"")), "{record}");

    let good = dpa(ws.path(), &["verify", "payroll-uk"]);
    assert_eq!(good.status.code(), Some(0), "{}", stderr(&good));
    assert!(
        stdout(&good).contains(&format!("ok: {kept} is committed as signed")),
        "{}",
        stdout(&good)
    );
    let with_file = dpa(
        ws.path(),
        &[
            "verify",
            "payroll-uk",
            "--file",
            executed.to_str().expect("utf8"),
        ],
    );
    assert_eq!(with_file.status.code(), Some(0), "{}", stderr(&with_file));

    // A changed copy, in the work tree or outside, fails.
    let mut bytes = std::fs::read(ws.path().join(kept)).expect("read");
    bytes.push(b'\n');
    std::fs::write(ws.path().join(kept), &bytes).expect("write");
    std::fs::write(&executed, &bytes).expect("write");
    let bad = dpa(
        ws.path(),
        &[
            "verify",
            "payroll-uk",
            "--file",
            executed.to_str().expect("utf8"),
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains(&format!("the executed copy {kept} was changed")),
        "{}",
        stderr(&bad)
    );
    assert!(
        stderr(&bad).contains("differs from the executed copy"),
        "{}",
        stderr(&bad)
    );
    // The committed copy is still the executed one.
    git(ws.path(), &["checkout", "--", kept]);
    assert_eq!(
        dpa(ws.path(), &["verify", "payroll-uk"]).status.code(),
        Some(0)
    );
}

#[test]
fn verify_notices_a_moved_tag() {
    let ws = recorded();
    sign(ws.path(), "adreach");
    git(
        ws.path(),
        &["tag", "-f", "dpa/adreach/v1", "dpa/acme-analytics/v1"],
    );
    let out = dpa(ws.path(), &["verify", "adreach"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no manifest") || stderr(&out).contains("different manifest"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn new_ccpa_wording_makes_a_signed_agreement_outdated_naming_the_clause() {
    let ws = recorded();
    sign(ws.path(), "acme-analytics");
    let text = std::fs::read_to_string(repo().join("clauses/ccpa/restrictions.md"))
        .expect("built-in clause");
    let signed: u32 = text
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .and_then(|v| v.trim().parse().ok())
        .expect("the built-in clause has a version");
    let current = signed + 1;
    let reworded = text.replacen(
        &format!("version = {signed}"),
        &format!("version = {current}"),
        1,
    ) + "\nThis sentence was added in the 2027 review.\n";
    write(ws.path(), "clauses/restrictions.md", &reworded);
    let v = status_json(ws.path(), &["--vendor", "acme-analytics", "--as-of", AS_OF]);
    let row = &v["vendors"][0];
    assert_eq!(row["states"]["ccpa"], "outdated", "{v}");
    assert_eq!(row["states"]["gdpr"], "covered", "{v}");
    assert_eq!(
        row["outdated"]["ccpa"],
        serde_json::json!([{"kind": "clause", "id": "ccpa.restrictions", "signed": signed, "current": current}])
    );
    assert!(
        row["remarks"][0]
            .as_str()
            .expect("remark")
            .contains(&format!(
                "library clause ccpa.restrictions changed (v{signed} -> v{current})"
            )),
        "{v}"
    );
}

#[test]
fn an_outdated_note_names_the_record_field_that_changed() {
    let ws = recorded();
    sign(ws.path(), "acme-analytics");
    edit(
        ws.path(),
        "vendors/acme-analytics.toml",
        "retention = \"",
        "retention = \"Deleted within 14 days of the end of the term; before that, ",
    );
    let v = status_json(ws.path(), &["--vendor", "acme-analytics", "--as-of", AS_OF]);
    let row = &v["vendors"][0];
    assert_eq!(row["states"]["gdpr"], "outdated", "{v}");
    assert_eq!(
        row["outdated"]["gdpr"],
        serde_json::json!([{"kind": "vendor", "fields": ["processing.retention"], "clauses": ["annex.processing"]}])
    );
    let text = ok(
        ws.path(),
        &["status", "--vendor", "acme-analytics", "--as-of", AS_OF],
    );
    assert!(
        text.contains(
            "gdpr outdated since the signed v1: vendor record changed: processing.retention"
        ),
        "{text}"
    );
    assert!(!text.contains("library"), "{text}");
}

#[test]
fn removing_the_first_sub_processor_blames_only_the_clauses_that_print_them() {
    let ws = recorded();
    sign(ws.path(), "acme-analytics");
    edit(
        ws.path(),
        "vendors/acme-analytics.toml",
        "[[subprocessors]]\nname = \"Cloud Host Ltd\"\ncountry = \"IE\"\npurpose = \"Infrastructure hosting\"\n\n",
        "",
    );
    let v = status_json(ws.path(), &["--vendor", "acme-analytics", "--as-of", AS_OF]);
    let row = &v["vendors"][0];
    let outdated = row["outdated"].as_object().expect("outdated frameworks");
    // Annex III serves the SCCs' Clause 9 (the GDPR's own clauses only test whether there are
    // sub-processors, which there still are).
    assert_eq!(outdated.keys().collect::<Vec<_>>(), ["scc"], "{v}");
    // Keyed by name, the second sub-processor is unchanged; of the clauses that read the list,
    // only the annex that prints it reads differently.
    for (framework, causes) in outdated {
        assert_eq!(
            causes,
            &serde_json::json!([{"kind": "vendor", "fields": ["subprocessors"], "clauses": ["annex.subprocessors"]}]),
            "{framework}"
        );
    }
    let text = ok(
        ws.path(),
        &["status", "--vendor", "acme-analytics", "--as-of", AS_OF],
    );
    assert!(
        text.contains(
            "scc outdated since the signed v1: vendor record changed: subprocessors (rewords clause annex.subprocessors)"
        ),
        "{text}"
    );
}

#[test]
fn a_ccpa_threshold_change_never_makes_gdpr_outdated() {
    let ws = recorded();
    sign(ws.path(), "acme-analytics");
    edit(
        ws.path(),
        "dpa.toml",
        "annual_gross_revenue_usd = 48000000",
        "annual_gross_revenue_usd = 4800000",
    );
    edit(
        ws.path(),
        "dpa.toml",
        "consumers_or_households = 240000",
        "consumers_or_households = 50000",
    );
    let v = status_json(ws.path(), &["--vendor", "acme-analytics", "--as-of", AS_OF]);
    let row = &v["vendors"][0];
    assert_eq!(
        row["required"],
        serde_json::json!(["gdpr", "scc", "uk", "ch"]),
        "{v}"
    );
    for f in ["gdpr", "uk", "ch"] {
        assert_eq!(row["states"][f], "covered", "{f}: {v}");
    }
    // Annex I.A of the SCCs loses its CCPA row: that text did change, and the note says why.
    assert_eq!(
        row["outdated"],
        serde_json::json!({"scc": [{"kind": "company", "fields": ["ccpa.annual_gross_revenue_usd", "ccpa.consumers_or_households"]}]})
    );
}

#[test]
fn an_ended_service_is_ended_not_a_gap() {
    let ws = recorded();
    let ends = status_json(ws.path(), &["--vendor", "adreach", "--as-of", AS_OF])["vendors"][0]
        ["service_ends"]
        .as_str()
        .expect("adreach's service has an end date")
        .to_string();
    let day: chrono::NaiveDate = ends.parse().expect("date");
    let after = (day + chrono::Days::new(1)).to_string();
    let v = status_json(ws.path(), &["--vendor", "adreach", "--as-of", &after]);
    let row = &v["vendors"][0];
    assert_eq!(row["states"]["ccpa"], "ended", "{v}");
    assert_eq!(row["overall"], "ended");
    assert!(
        row["remarks"][0]
            .as_str()
            .expect("remark")
            .contains(&format!("service ended on {ends}: confirm that the vendor returned or deleted the personal data")),
        "{v}"
    );
    let gate = dpa(
        ws.path(),
        &[
            "status",
            "--vendor",
            "adreach",
            "--as-of",
            &after,
            "--fail-on-gaps",
        ],
    );
    assert_eq!(gate.status.code(), Some(0), "{}", stdout(&gate));
    let missing = status_json(ws.path(), &["--missing", "ccpa", "--as-of", &after]);
    assert!(!vendors(&missing).contains(&"adreach".to_string()));
    // On its last day it was still a gap.
    let before = status_json(ws.path(), &["--vendor", "adreach", "--as-of", &ends]);
    assert_eq!(before["vendors"][0]["states"]["ccpa"], "issued");
}

#[test]
fn expiry_dates_give_expiring_and_expired() {
    let ws = recorded();
    let today = chrono::Local::now().date_naive();
    let expires = (today + chrono::Days::new(30)).to_string();
    ok(
        ws.path(),
        &[
            "sign",
            "nordhost",
            "--version",
            "1",
            "--date",
            &today.to_string(),
            "--expires",
            &expires,
        ],
    );
    let soon = status_json(ws.path(), &["--vendor", "nordhost"]);
    assert_eq!(soon["vendors"][0]["states"]["gdpr"], "expiring");
    let later = (today + chrono::Days::new(31)).to_string();
    let past = status_json(ws.path(), &["--vendor", "nordhost", "--as-of", &later]);
    assert_eq!(past["vendors"][0]["states"]["gdpr"], "expired");
    assert_eq!(past["vendors"][0]["expires_on"], expires);
}

/// The documented CSV header.
const CSV_HEADER: &str = "Vendor,Name,Owner,Standing,Needs,CCPA,GDPR,SCCs,UK Addendum,Swiss adaptations,DPF terms,US state terms,Issued version,Sent on,Signed version,Signed on,Expires on,Service starts,Service ends,Contact,Contact email,CCPA third party,Outdated because,Missing to draft,Notes,Remarks";

fn python_csv(ws: &Path, csv: &[u8], script: &str) -> String {
    let path = ws.join("status.csv");
    std::fs::write(&path, csv).expect("write");
    let py = crate::common::tool("python3")
        .arg("-c")
        .arg(format!(
            "import csv,sys\nrows=list(csv.DictReader(open(sys.argv[1], newline='')))\n{script}"
        ))
        .arg(&path)
        .output()
        .expect("python3");
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    String::from_utf8_lossy(&py.stdout).trim().to_string()
}

#[test]
fn csv_columns_are_fixed_and_documented() {
    let ws = recorded();
    sign(ws.path(), "acme-analytics");
    let out = dpa(ws.path(), &["status", "--format", "csv", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(0));
    let csv = stdout(&out);
    assert_eq!(csv.lines().next(), Some(CSV_HEADER));
    assert!(
        std::fs::read_to_string(repo().join("README.md"))
            .expect("README")
            .contains(CSV_HEADER),
        "the README documents the columns"
    );
    let got = python_csv(
        ws.path(),
        &out.stdout,
        "print(len(rows), ' '.join(r['Vendor'] for r in rows))\na=rows[0]\nprint(a['Needs'], '|', a['CCPA'], a['Signed on'], a['Service ends'], a['Contact email'], a['Standing'])\nprint(repr(rows[2]['UK Addendum']), rows[2]['GDPR'])",
    );
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(
        lines[0],
        "6 acme-analytics adreach nordhost payroll-uk pipeline-crm suryadesk"
    );
    assert_eq!(
        lines[1],
        format!(
            "CCPA; GDPR; SCCs; UK Addendum; Swiss adaptations | covered {} 2027-01-14 privacy@acme-analytics.example covered",
            today()
        )
    );
    assert_eq!(
        lines[2], "'' ready to send",
        "nordhost needs no UK terms: the column is there, empty"
    );
    // The same columns when no vendor needs most frameworks.
    let one = dpa(
        ws.path(),
        &["status", "--format", "csv", "--vendor", "nordhost"],
    );
    assert_eq!(stdout(&one).lines().next(), Some(CSV_HEADER));
}

#[test]
fn an_invalid_record_is_listed_and_the_tracker_still_written() {
    let ws = recorded();
    edit(
        ws.path(),
        "vendors/nordhost.toml",
        "role = \"on_behalf\"",
        "role = \"on_behlaf\"",
    );
    let out = dpa(ws.path(), &["status", "--format", "csv", "--as-of", AS_OF]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("vendors/nordhost.toml"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("record invalid"), "{}", stderr(&out));
    let got = python_csv(
        ws.path(),
        &out.stdout,
        "print(len(rows))\nn=[r for r in rows if r['Vendor']=='nordhost'][0]\nprint(n['Standing'], n['GDPR'] == '', 'on_behlaf' in n['Remarks'])",
    );
    assert_eq!(got, "6\nrecord invalid True True");
    // Filters never hide an invalid record.
    let owned = dpa(
        ws.path(),
        &["status", "--format", "json", "--owner", "nobody"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&owned)).expect("json");
    assert_eq!(vendors(&v), ["nordhost"]);
}

#[test]
fn owner_and_notes_are_shown_and_owner_filters() {
    let ws = recorded();
    for id in ["nordhost", "payroll-uk"] {
        edit(
            ws.path(),
            &format!("vendors/{id}.toml"),
            "\n[contact]",
            "\nowner = \"Jo Buyer\"\nnotes = \"Renewal; ask about EU hosting\"\n\n[contact]",
        );
    }
    let v = status_json(ws.path(), &["--owner", "jo buyer", "--as-of", AS_OF]);
    assert_eq!(vendors(&v), ["nordhost", "payroll-uk"]);
    assert_eq!(v["vendors"][0]["owner"], "Jo Buyer");
    assert_eq!(v["vendors"][0]["notes"], "Renewal; ask about EU hosting");
    let text = ok(
        ws.path(),
        &["status", "--owner", "Jo Buyer", "--as-of", AS_OF],
    );
    assert!(text.contains("nordhost    Jo Buyer  -"), "{text}");
    assert!(
        text.contains("notes: Renewal; ask about EU hosting"),
        "{text}"
    );
    let csv = dpa(
        ws.path(),
        &["status", "--format", "csv", "--owner", "Jo Buyer"],
    );
    let got = python_csv(
        ws.path(),
        &csv.stdout,
        "print(rows[0]['Owner'], '|', rows[0]['Notes'])",
    );
    assert_eq!(got, "Jo Buyer | Renewal; ask about EU hosting");
    let none = status_json(ws.path(), &["--owner", "Someone Else"]);
    assert_eq!(vendors(&none), Vec::<String>::new());
}

#[test]
fn html_summary_counts_vendors() {
    let ws = recorded();
    sign(ws.path(), "acme-analytics");
    let out = dpa(ws.path(), &["status", "--format", "html", "--as-of", AS_OF]);
    let html = stdout(&out);
    assert!(
        html.contains("<p>As of 2026-01-15. 6 vendors: 1 covered, 5 ready to send</p>"),
        "{html}"
    );
    assert!(!html.contains("awaiting signature"), "{html}");
}

#[test]
fn html_page_escapes_record_text() {
    let ws = recorded();
    Record::vendor("<script>alert(1)</script> & Co").write(ws.path(), "zz-hostile");
    let out = dpa(ws.path(), &["status", "--format", "html"]);
    let html = stdout(&out);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"),
        "{html}"
    );
    assert!(!html.contains("<script>"));
}

#[test]
fn uncommitted_tracker_state_is_reported() {
    let ws = recorded();
    sign(ws.path(), "nordhost");
    let clean = dpa(ws.path(), &["status", "--vendor", "nordhost"]);
    assert!(
        !stderr(&clean).contains("not committed"),
        "{}",
        stderr(&clean)
    );
    // A signature typed in by hand is not in git.
    edit(
        ws.path(),
        "vendors/nordhost.toml",
        "status = \"signed\"",
        "status = \"signed\"\nexpires_on = 2030-01-01",
    );
    let out = dpa(ws.path(), &["status", "--vendor", "nordhost"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "tracker state not committed to git: [[agreements]] in vendors/nordhost.toml"
        ),
        "{}",
        stderr(&out)
    );
}
