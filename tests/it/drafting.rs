//! CLI tests of what a signatory reads: empty values, deletion, dates, roles and defined terms.

use std::path::Path;

use crate::common::*;

const EXAMPLES: [&str; 6] = [
    "acme-analytics",
    "adreach",
    "nordhost",
    "payroll-uk",
    "pipeline-crm",
    "suryadesk",
];

/// A vendor record with only the required fields: every optional one left out.
const MINIMAL: &str = r#"name = "Minimal Vendor"
address = "1 Main Street, Springfield"
country = "US"

[contact]
name = "Casey Contact"
title = "Privacy Manager"
email = "privacy@minimal.example"

[signatory]
name = "Sasha Signer"
title = "Director"

[service]
description = "Hosted widgets"
starts = 2025-01-15

[processing]
regions = ["US-CA", "EEA"]
role = "on_behalf"
purposes = ["Provide widgets"]
data_subjects = ["Users"]
data_categories = ["Email address"]
frequency = "continuous"
retention = "One year"
"#;

/// The manifest of a rendered vendor.
fn manifest(root: &Path, out: &str, id: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root.join(out).join(id).join("manifest.json"))
        .expect("manifest.json");
    serde_json::from_str(&text).expect("manifest is JSON")
}

/// The plain text of one clause in a manifest.
fn clause_text(manifest: &serde_json::Value, id: &str) -> String {
    manifest["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .find(|c| c["id"] == id)
        .and_then(|c| c["text"].as_str())
        .unwrap_or_else(|| panic!("clause {id} is not in the agreement"))
        .to_string()
}

/// Each place in `text` where a space stands before `.`, `,`, `;` or `:`, with context.
fn spaces_before_punctuation(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for i in 1..chars.len() {
        if chars[i - 1] == ' ' && matches!(chars[i], '.' | ',' | ';' | ':') {
            let from = i.saturating_sub(60);
            let to = (i + 20).min(chars.len());
            found.push(chars[from..to].iter().collect());
        }
    }
    found
}

#[test]
fn no_example_prints_an_empty_value() {
    let ws = example_workspace();
    write(ws.path(), "vendors/minimal.toml", MINIMAL);
    let out = dpa(ws.path(), &["render", "--all", "--out", "o"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for id in EXAMPLES.iter().chain(["minimal"].iter()) {
        let text = pdf_text(&ws.path().join(format!("o/{id}/{id}.pdf")));
        let found = spaces_before_punctuation(&text);
        assert!(
            found.is_empty(),
            "{id}: a space before punctuation (an empty value?): {found:#?}"
        );
        assert!(
            !text.contains("end on ."),
            "{id}: an empty end date printed"
        );
    }
    // Vendors without `service.ends` say nothing of an end date; the minimal record has no entity.
    for id in ["nordhost", "payroll-uk", "minimal"] {
        let m = manifest(ws.path(), "o", id);
        for clause in ["general.term", "annex.processing"] {
            let text = clause_text(&m, clause);
            assert!(
                !text.contains("end date") && !text.contains("scheduled to end"),
                "{id} {clause}: speaks of an end date the record does not give: {text}"
            );
        }
        let parties = clause_text(&m, "annex.parties");
        assert!(
            !parties.contains(", |") && !parties.contains(",  "),
            "{id}: an empty entity printed: {parties}"
        );
    }
    let minimal = pdf_text(&ws.path().join("o/minimal/minimal.pdf"));
    assert!(
        minimal.contains("Minimal Vendor, of 1 Main Street"),
        "an empty entity leaves a dangling comma: {}",
        &minimal[..minimal.len().min(600)]
    );
}

#[test]
fn deletion_at_the_end_is_not_tied_to_the_retention_period() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["render", "--all", "--out", "o"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for id in EXAMPLES {
        let m = manifest(ws.path(), "o", id);
        let clause = clause_text(&m, "general.return_deletion");
        assert!(
            !clause.to_lowercase().contains("retention"),
            "{id}: the return/deletion clause refers to a retention period: {clause}"
        );
        assert!(
            clause.contains(" days after the Services end"),
            "{id}: no deletion deadline after the end of the Services: {clause}"
        );
        assert!(
            clause.contains("requires") && clause.contains("itself to store"),
            "{id}: storage after the end must rest on a legal duty of the vendor itself: {clause}"
        );
    }
    // The payroll processor returns everything and keeps nothing for the employer's record duty.
    let payroll = manifest(ws.path(), "o", "payroll-uk");
    let annex = clause_text(&payroll, "annex.processing");
    assert!(
        annex.contains("within 30 days after the Services end"),
        "{annex}"
    );
    assert!(!annex.contains("Six years"), "{annex}");
    assert!(
        annex.contains(
            "No law known to the parties at the Effective Date requires Brightwage to store"
        ),
        "{annex}"
    );
}

#[test]
fn a_legal_storage_duty_and_the_deletion_period_come_from_the_record() {
    let ws = example_workspace();
    let record = std::fs::read_to_string(ws.path().join("vendors/payroll-uk.toml"))
        .expect("payroll-uk")
        .replace(
            "deletion_days = 30",
            "deletion_days = 14\nkept_by_law = \"Records of payments made, for five years under the Money Laundering Regulations 2017\"",
        );
    write(ws.path(), "vendors/payroll-uk.toml", &record);
    let out = dpa(ws.path(), &["render", "payroll-uk", "--out", "o"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let m = manifest(ws.path(), "o", "payroll-uk");
    let clause = clause_text(&m, "general.return_deletion");
    assert!(
        clause.contains("within 14 days after the Services end"),
        "{clause}"
    );
    assert!(clause.contains("described in Annex I.B"), "{clause}");
    let annex = clause_text(&m, "annex.processing");
    assert!(
        annex.contains("Money Laundering Regulations 2017"),
        "{annex}"
    );

    for bad in ["0", "400"] {
        let record = record.replace("deletion_days = 14", &format!("deletion_days = {bad}"));
        write(ws.path(), "vendors/payroll-uk.toml", &record);
        let out = dpa(ws.path(), &["check", "payroll-uk"]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("vendors/payroll-uk.toml:")
                && stderr(&out).contains("`processing.deletion_days` must be between 1 and 180"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn scc_without_a_supervisory_authority_is_an_error_at_dpa_toml() {
    let ws = example_workspace();
    let company = std::fs::read_to_string(ws.path().join("dpa.toml")).expect("dpa.toml");
    let start = company
        .find("[supervisory_authority]")
        .expect("example names an authority");
    let end = company[start..]
        .find("\n\n")
        .map_or(company.len(), |e| start + e);
    let without = format!("{}{}", &company[..start], &company[end..]);
    write(ws.path(), "dpa.toml", &without);
    for args in [&["check", "suryadesk"][..], &["render", "suryadesk"][..]] {
        let out = dpa(ws.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("dpa.toml") && err.contains("no `[supervisory_authority]`"),
            "{err}"
        );
        assert!(err.contains("suryadesk"), "{err}");
        // The representative's Member State, per Clause 13(a).
        assert!(err.contains("Lumen Ledger Ireland Limited"), "{err}");
    }
    // A vendor without SCCs does not need one.
    let out = dpa(ws.path(), &["render", "payroll-uk", "--out", "o"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // Without a representative, the Clause 13(a) rule for Article 3(2) exporters applies.
    let start = without.find("[eu_representative]").expect("representative");
    let end = without[start..]
        .find("\n\n")
        .map_or(without.len(), |e| start + e);
    let bare = format!("{}{}", &without[..start], &without[end..]);
    write(ws.path(), "dpa.toml", &bare);
    let out = dpa(ws.path(), &["check", "suryadesk"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Member States where the data subjects"),
        "{}",
        stderr(&out)
    );
    // With an authority named again, Annex I.C states that rule as the basis.
    write(
        ws.path(),
        "dpa.toml",
        &format!(
            "{bare}\n[supervisory_authority]\nname = \"Autoriteit Persoonsgegevens\"\naddress = \"Hoge Nieuwstraat 8, 2514 EL Den Haag, Netherlands\"\n"
        ),
    );
    let out = dpa(ws.path(), &["render", "suryadesk", "--out", "o"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let annex = clause_text(
        &manifest(ws.path(), "o", "suryadesk"),
        "annex.supervisory_authority",
    );
    assert!(annex.contains("Autoriteit Persoonsgegevens"), "{annex}");
    assert!(
        annex.contains("Article 27(2)")
            && annex.contains("data subjects whose personal data is transferred are located"),
        "{annex}"
    );
}

#[test]
fn specific_authorisation_lists_each_subprocessor_address_and_contact() {
    let ws = example_workspace();
    let out = dpa(
        ws.path(),
        &["render", "nordhost", "suryadesk", "--out", "o"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let annex = clause_text(&manifest(ws.path(), "o", "nordhost"), "annex.subprocessors");
    assert!(annex.contains("Hanauer Landstraße 300"), "{annex}");
    assert!(
        annex.contains("Eva Hartmann, Datenschutzbeauftragte"),
        "{annex}"
    );
    assert!(annex.contains("specifically authorised"), "{annex}");
    // General authorisation keeps the short list.
    let general = clause_text(
        &manifest(ws.path(), "o", "suryadesk"),
        "annex.subprocessors",
    );
    assert!(!general.contains("Contact person"), "{general}");

    let record = std::fs::read_to_string(ws.path().join("vendors/nordhost.toml"))
        .expect("nordhost")
        .replace(
            "contact = \"Eva Hartmann, Datenschutzbeauftragte, datenschutz@rz-frankfurt.example\"\n",
            "",
        );
    write(ws.path(), "vendors/nordhost.toml", &record);
    let out = dpa(ws.path(), &["check", "nordhost"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("vendors/nordhost.toml:")
            && err.contains("sub-processor `Rechenzentrum Frankfurt AG` needs `contact` under specific authorisation"),
        "{err}"
    );
}

#[test]
fn roles_headings_and_contact_positions_are_the_real_ones() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["render", "--all", "--out", "o"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The contact's position comes from the record (dpa.toml names a Data Protection Officer).
    let acme = manifest(ws.path(), "o", "acme-analytics");
    let parties = clause_text(&acme, "annex.parties");
    assert!(
        parties.contains("Martin Okafor, Data Protection Officer"),
        "{parties}"
    );
    // A contractor's agreement is not headed as a service provider's.
    let surya = manifest(ws.path(), "o", "suryadesk");
    let titles: Vec<&str> = surya["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .filter_map(|c| c["title"].as_str())
        .collect();
    assert!(
        !titles.iter().any(|t| t.contains("Service provider")),
        "{titles:?}"
    );
    // Data subjects and purposes name the company, not an undefined "Customer".
    for id in EXAMPLES {
        let annex = clause_text(&manifest(ws.path(), "o", id), "annex.processing");
        assert!(!annex.contains("Customer's"), "{id}: {annex}");
    }
    // Transfers outside the UK or Switzerland are not called transfers "outside the EEA".
    let instructions = clause_text(&acme, "gdpr.instructions");
    assert!(!instructions.contains("outside the EEA"), "{instructions}");

    // A company that is itself a processor and service provider is never called the business or
    // the controller.
    let company = std::fs::read_to_string(ws.path().join("dpa.toml"))
        .expect("dpa.toml")
        .replace("role = \"controller\"", "role = \"processor\"");
    write(ws.path(), "dpa.toml", &company);
    let out = dpa(ws.path(), &["render", "acme-analytics", "--out", "p"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let m = manifest(ws.path(), "p", "acme-analytics");
    let scope = clause_text(&m, "general.scope");
    assert!(!scope.contains("Lumen is the business"), "{scope}");
    assert!(!scope.contains("Lumen is the controller"), "{scope}");
    assert!(
        scope.contains("as a service provider on behalf of its own customers"),
        "{scope}"
    );
    let parties = clause_text(&m, "annex.parties");
    assert!(
        parties.contains("Role under the CCPA | Service provider"),
        "{parties}"
    );
}

#[test]
fn transfers_under_the_dpf_are_restricted_transfers_as_defined() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["render", "pipeline-crm", "--out", "o"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let m = manifest(ws.path(), "o", "pipeline-crm");
    let definitions = clause_text(&m, "general.definitions");
    assert!(
        definitions.contains("only through its own certification, such as under the EU-U.S. Data Privacy Framework, does not count"),
        "the DPF clause relies on Restricted Transfers that the definition must not exclude: {definitions}"
    );
}

/// The whole plain text of an agreement, clause after clause.
fn agreement_text(manifest: &serde_json::Value) -> String {
    manifest["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_effective_date_is_never_silently_the_service_start() {
    // acme-analytics's services started on 15 January 2025: an agreement signed now must not
    // take effect, or sign the SCCs, on that past date.
    let ws = example_workspace();
    let out = dpa(ws.path(), &["render", "acme-analytics", "--out", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let m = manifest(ws.path(), "out", "acme-analytics");
    let term = clause_text(&m, "general.term");
    assert!(
        term.contains("takes effect on the date on which the last of the parties signs it"),
        "{term}"
    );
    let text = agreement_text(&m);
    assert!(
        !text.contains("15 January 2025"),
        "the service start appears"
    );
    for (at, _) in text.match_indices("with effect from ") {
        let rest = &text[at + "with effect from ".len()..];
        assert!(
            rest.starts_with("the Effective Date"),
            "with effect from a fixed date: {}",
            &rest[..rest.len().min(40)]
        );
    }

    // An explicit `effective` date in the record is the Effective Date.
    write(
        ws.path(),
        "vendors/dated.toml",
        &MINIMAL.replacen(
            "country = \"US\"\n",
            "country = \"US\"\neffective = 2027-03-01\n",
            1,
        ),
    );
    let out = dpa(ws.path(), &["render", "dated", "--out", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let term = clause_text(&manifest(ws.path(), "out", "dated"), "general.term");
    assert!(term.contains("takes effect on 1 March 2027"), "{term}");
}

#[test]
fn a_past_end_date_is_not_described_as_future() {
    let ws = example_workspace();
    write(
        ws.path(),
        "vendors/ended.toml",
        &MINIMAL.replacen(
            "starts = 2025-01-15\n",
            "starts = 2025-01-15\nends = 2025-06-30\n",
            1,
        ),
    );
    let out = dpa(ws.path(), &["render", "ended", "--out", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let m = manifest(ws.path(), "out", "ended");
    let term = clause_text(&m, "general.term");
    assert!(
        term.contains("The end date of the Services under the Agreement is 30 June 2025"),
        "{term}"
    );
    let text = agreement_text(&m);
    for future in ["scheduled to end", "will end on", "shall end on"] {
        assert!(!text.contains(future), "`{future}` said of a past date");
    }
}

#[test]
fn the_processed_data_is_one_defined_term_on_either_side_of_the_table() {
    // The built-in clauses never lean on an undefined "Customer".
    for dir in ["annex", "ccpa", "gdpr", "general", "transfers", "usstate"] {
        for entry in std::fs::read_dir(repo().join("clauses").join(dir)).expect("clauses/") {
            let path = entry.expect("entry").path();
            let body = std::fs::read_to_string(&path).expect("clause");
            assert!(
                !body.contains("Customer"),
                "{}: uses \"Customer\", which no agreement defines",
                path.display()
            );
        }
    }
    // Every example, and a company that is itself a processor, defines the term it uses.
    let ws = example_workspace();
    let processor = tempfile::tempdir().expect("tempdir");
    let fixture = repo().join("tests/fixtures/processor");
    std::fs::copy(fixture.join("dpa.toml"), processor.path().join("dpa.toml")).expect("dpa.toml");
    write(
        processor.path(),
        "vendors/cloudbase.toml",
        &std::fs::read_to_string(fixture.join("vendors/cloudbase.toml")).expect("record"),
    );
    let cases: Vec<(&Path, &str)> = EXAMPLES
        .iter()
        .map(|id| (ws.path(), *id))
        .chain([(processor.path(), "cloudbase")])
        .collect();
    for (root, id) in cases {
        let text = crate::common::agreement_text(root, id);
        assert!(
            text.contains("strong[\"Covered Personal Data\"]; means any personal data that"),
            "{id}: the term is not defined"
        );
        assert!(
            text.matches("Covered Personal Data").count() > 5,
            "{id}: the term is not used"
        );
        assert!(!text.contains("Customer Personal Data"), "{id}");
    }
}
