//! The second review as counsel (docs/legal-review.md, "Second review"): one test per finding,
//! each on the configuration where the defect was found.

use crate::common::*;

/// A Virginia-only processor, stated the way the role model asks: what it does, not a law's role.
const VIRGINIA: &str = r#"name = "Tidewater Mailing LLC"
short_name = "Tidewater"
address = "1 Main Street, Richmond, VA 23219, United States"
country = "US"

[contact]
name = "Dana Reyes"
title = "Managing Member"
email = "privacy@tidewater.example"

[signatory]
name = "Dana Reyes"
title = "Managing Member"

[service]
description = "Printing and mailing of customer statements"
starts = 2026-01-05

[processing]
regions = ["US-VA"]
role = "on_behalf"
purposes = ["Printing and mailing account statements to customers"]
data_subjects = ["Customers resident in Virginia"]
data_categories = ["Names", "Postal addresses", "Account balances"]
frequency = "continuous"
retention = "Deleted 30 days after each mailing"

[security]
encryption = "Statement files encrypted at rest and in transit"
"#;

fn check_out(root: &std::path::Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["check"];
    all.extend_from_slice(args);
    let out = dpa(root, &all);
    (out.status.code(), stdout(&out), stderr(&out))
}

// Blocker.
#[test]
fn uk_and_swiss_only_exporters_get_their_own_authority_and_no_eu_gdpr_status() {
    let ws = saas_vendor();
    let (code, out, err) = check_out(ws.path(), &["harbour-books", "alpenpost"]);
    assert_eq!(code, Some(0), "{out}{err}");
    for (id, authority, law) in [
        ("harbour-books", "Information Commissioner", "UK GDPR"),
        ("alpenpost", "FDPIC", "FADP"),
    ] {
        // Annex I.A states the role under the law that applies, not the EU GDPR.
        assert!(
            agreement_text(ws.path(), id).contains(&format!("Role under the {law}")),
            "{id}"
        );
        let text = agreement_text(ws.path(), id);
        for eu in [
            "Article 3(2) GDPR",
            "Article 27(1) GDPR",
            "Data Protection Commission",
            "Subject to the GDPR",
        ] {
            assert!(!text.contains(eu), "{id}: {eu}");
        }
        assert!(text.contains(authority), "{id}");
        assert!(text.contains(law), "{id}");
    }
}

// Major 1 and major 3.
#[test]
fn companion_documents_state_their_scope_and_never_supersede_each_other() {
    let ws = saas_vendor();
    let ccpa = agreement_text(ws.path(), "sunset-outfitters-ccpa");
    let gdpr = agreement_text(ws.path(), "sunset-outfitters-gdpr");
    assert!(
        ccpa.contains("applies to all Covered Personal Data other than personal data subject to the data protection laws of the European Union, the United Kingdom or Switzerland"),
        "{ccpa}"
    );
    assert!(ccpa.contains(
        "personal data subject to the consumer privacy laws of other States of the United States"
    ));
    assert!(gdpr.contains("All other Covered Personal Data, including personal information subject to the California Consumer Privacy Act and personal data subject to the consumer privacy laws of other States"));
    assert!(
        ccpa.contains("It does not supersede, amend or limit document DPA-sunset-outfitters-gdpr")
    );
    assert!(
        gdpr.contains("It does not supersede, amend or limit document DPA-sunset-outfitters-ccpa")
    );
    assert!(!gdpr.contains("entire agreement between the parties on the processing of Covered Personal Data in connection with the Services"));
}

// Major 2.
#[test]
fn deletion_periods_that_disagree_are_a_finding_of_check() {
    let ws = saas_vendor();
    let (code, out, err) = check_out(ws.path(), &["meridian-sante"]);
    assert_eq!(code, Some(0), "{out}{err}");
    let text = agreement_text(ws.path(), "meridian-sante");
    assert!(
        text.contains("except that copies held in backups shall be deleted within 35 more days")
    );

    // Without our backup period the return clause binds every copy, backups included, to 30
    // days, while Annex II keeps backups 35 days longer.
    let company = std::fs::read_to_string(ws.path().join("dpa.toml")).expect("dpa.toml");
    write(
        ws.path(),
        "dpa.toml",
        &company.replace("backup_deletion_days = 35", ""),
    );
    let (code, out, err) = check_out(ws.path(), &["meridian-sante"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(err.contains("periods that disagree"), "{err}");
    assert!(
        err.contains("within 65 days here, but within 30 days"),
        "{err}"
    );
}

// Major 4.
#[test]
fn a_virginia_only_processor_gets_state_terms_under_a_heading_that_names_them() {
    let ws = example_workspace();
    write(ws.path(), "vendors/tidewater.toml", VIRGINIA);
    let (code, out, err) = check_out(ws.path(), &["tidewater"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(!err.contains("deprecated"), "{err}");
    let text = agreement_text(ws.path(), "tidewater");
    assert!(
        text.contains("Processor terms (US state privacy laws)"),
        "{text}"
    );
    assert!(!text.contains("GDPR Article 28"), "{text}");
    assert!(text.contains("Virginia"));
}

#[test]
fn check_never_says_all_covered_for_a_vendor_with_data_and_no_terms() {
    let ws = example_workspace();
    write(
        ws.path(),
        "vendors/tidewater.toml",
        &VIRGINIA.replace("role = \"on_behalf\"", "role = \"none\""),
    );
    let (code, out, err) = check_out(ws.path(), &["tidewater"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(!out.contains("all covered"), "{out}");
    assert!(
        out.contains("1 vendor with personal data under no law's terms"),
        "{out}"
    );
    assert!(
        err.contains("receives personal data (US-VA) but no law's terms apply"),
        "{err}"
    );
    assert!(err.contains("processing.role"), "{err}");

    // The old per-law fields, both "none": the same answer, and a note that `role` replaces them.
    write(
        ws.path(),
        "vendors/tidewater.toml",
        &VIRGINIA.replace(
            "role = \"on_behalf\"",
            "ccpa_role = \"none\"\ngdpr_role = \"none\"",
        ),
    );
    let (code, out, err) = check_out(ws.path(), &["tidewater"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(!out.contains("all covered"), "{out}");
    assert!(err.contains("are deprecated"), "{err}");
}

#[test]
fn the_old_role_fields_still_work_with_a_deprecation_note() {
    let ws = example_workspace();
    write(
        ws.path(),
        "vendors/tidewater.toml",
        &VIRGINIA.replace(
            "role = \"on_behalf\"",
            "ccpa_role = \"none\"\ngdpr_role = \"processor\"",
        ),
    );
    let (code, out, err) = check_out(ws.path(), &["tidewater"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        err.contains("`ccpa_role` and `gdpr_role` are deprecated"),
        "{err}"
    );
    assert!(out.contains("covers every requirement"), "{out}");
    let text = agreement_text(ws.path(), "tidewater");
    assert!(
        text.contains("Processor terms (US state privacy laws)"),
        "{text}"
    );

    // A role and an old field that contradicts it.
    write(
        ws.path(),
        "vendors/tidewater.toml",
        &VIRGINIA.replace(
            "role = \"on_behalf\"",
            "role = \"on_behalf\"\ngdpr_role = \"controller\"",
        ),
    );
    let (code, _, err) = check_out(ws.path(), &["tidewater"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("`controller` contradicts `role = \"on_behalf\"`"),
        "{err}"
    );
}

// Major 5.
#[test]
fn the_same_data_subjects_with_different_regions_in_two_records_are_flagged() {
    let ws = example_workspace();
    let nordhost = std::fs::read_to_string(ws.path().join("vendors/nordhost.toml")).expect("read");
    write(
        ws.path(),
        "vendors/nordhost.toml",
        &nordhost.replace(
            "Lumen's end users in the EEA (the EU instance)",
            "Lumen's end users",
        ),
    );
    let (_, out, err) = check_out(ws.path(), &[]);
    assert!(
        err.contains("`nordhost` names \"Lumen's end users\" without US-CA data, but `acme-analytics` says the same data subjects include US-CA data"),
        "{out}{err}"
    );
    // The examples as shipped are consistent.
    let ws = example_workspace();
    let (code, out, err) = check_out(ws.path(), &[]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(!err.contains("the same data subjects include"), "{err}");
}

// Major 6.
#[test]
fn sensitive_data_is_approved_for_the_subprocessors_of_annex_iii() {
    let ws = example_workspace();
    let text = agreement_text(ws.path(), "payroll-uk");
    assert!(
        text.contains(
            "gives that approval for each Sub-processor listed in Annex III at the Effective Date"
        ),
        "{text}"
    );
}

// Major 7.
#[test]
fn our_paper_as_the_vendor_takes_balanced_positions_that_records_can_change() {
    let ws = saas_vendor();
    let text = agreement_text(ws.path(), "meridian-sante");
    assert!(text.contains("in any event within 72 hours"), "{text}");
    assert!(
        text.contains("subject to the limitations and exclusions of liability in the Agreement")
    );
    assert!(text.contains("may anonymise Covered Personal Data"));
    assert!(!text.contains("shall refund any fees paid in advance"));

    // Our standard positions in dpa.toml, and one customer's negotiated one over them.
    let company = std::fs::read_to_string(ws.path().join("dpa.toml")).expect("dpa.toml");
    write(
        ws.path(),
        "dpa.toml",
        &format!("{company}\n[positions]\nrefund_on_termination = true\n"),
    );
    let customer =
        std::fs::read_to_string(ws.path().join("customers/meridian-sante.toml")).expect("customer");
    write(
        ws.path(),
        "customers/meridian-sante.toml",
        &format!("{customer}\n[positions]\nbreach_notice_hours = 36\ndeidentified_use = false\n"),
    );
    let text = agreement_text(ws.path(), "meridian-sante");
    assert!(text.contains("in any event within 36 hours"), "{text}");
    assert!(!text.contains("may anonymise Covered Personal Data"));
    assert!(text.contains("shall refund any fees paid in advance"));

    // As the customer, the customer's positions.
    let ws = example_workspace();
    let text = agreement_text(ws.path(), "nordhost");
    assert!(text.contains("in any event within 48 hours"), "{text}");
    assert!(
        !text.contains("subject to the limitations and exclusions of liability in the Agreement")
    );
}

// Major 8.
#[test]
fn scc_annex_ii_without_encryption_is_a_finding() {
    let ws = example_workspace();
    let surya = std::fs::read_to_string(ws.path().join("vendors/suryadesk.toml")).expect("read");
    let without: String = surya
        .lines()
        .filter(|l| !l.starts_with("encryption"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(without, surya, "the example describes encryption");
    write(ws.path(), "vendors/suryadesk.toml", &without);
    let (code, out, err) = check_out(ws.path(), &["suryadesk"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(err.contains("describes no encryption"), "{err}");
}

// Major 9.
#[test]
fn the_uk_addendum_states_combination_under_module_four_and_english_law_and_courts() {
    let ws = example_workspace();
    let text = agreement_text(ws.path(), "payroll-uk");
    assert!(
        text.contains("Personal data received from the Importer is not combined with personal data collected by the Exporter, so Clauses 14 and 15 do not apply"),
        "{text}"
    );
    assert!(text.contains("governed by the laws of England and Wales"));
    assert!(text.contains("resolved by the courts of England and Wales"));
    let text = agreement_text(ws.path(), "acme-analytics");
    assert!(text.contains("for Restricted Transfers other than those subject to the UK GDPR, the SCCs are governed by the law of Ireland"), "{text}");
    assert!(text.contains("Section 15(m) and (n)"));
}

// Minors.
#[test]
fn a_contractor_is_made_data_available_not_permitted_to_collect() {
    let ws = example_workspace();
    let text = agreement_text(ws.path(), "suryadesk");
    assert!(
        text.contains("makes Covered Personal Data available to"),
        "{text}"
    );
    assert!(!text.contains("permits SuryaDesk to collect"));
}

#[test]
fn the_united_states_finding_names_the_data_privacy_framework() {
    let ws = example_workspace();
    let text = agreement_text(ws.path(), "nordhost");
    assert!(
        text.contains("the finding for the United States covers only organisations certified under the EU-U.S. Data Privacy Framework"),
        "{text}"
    );
}

#[test]
fn a_contact_without_a_position_is_not_given_one() {
    let ws = example_workspace();
    let text = agreement_text(ws.path(), "adreach");
    assert!(!text.contains("privacy contact,"), "{text}");
    // Under the SCCs Annex I.A needs the position: check says which contact lacks it.
    let acme =
        std::fs::read_to_string(ws.path().join("vendors/acme-analytics.toml")).expect("read");
    write(
        ws.path(),
        "vendors/acme-analytics.toml",
        &acme.replace("title = \"Privacy Program Manager\"\n", ""),
    );
    let (code, _, err) = check_out(ws.path(), &["acme-analytics"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("warning: the SCCs apply to vendor `acme-analytics`, and their Annex I.A gives each contact person's position, but Acme's contact `Dana Lee` has no `title`"), "{err}");
    let text = agreement_text(ws.path(), "acme-analytics");
    assert!(
        text.contains("Dana Lee, privacy@acme-analytics.example"),
        "{text}"
    );
}

#[test]
fn a_subprocessor_in_several_countries_lists_them_all() {
    let ws = saas_vendor();
    let text = agreement_text(ws.path(), "meridian-sante");
    assert!(text.contains("Ireland, Germany"), "{text}");
}

#[test]
fn the_transfer_impact_assessment_is_recited_only_when_it_was_made() {
    let ws = example_workspace();
    let text = agreement_text(ws.path(), "suryadesk");
    assert!(text.contains("Before the first Restricted Transfer under the SCCs the parties shall complete an assessment"), "{text}");
    assert!(!text.contains("the parties completed an assessment"));
    let surya = std::fs::read_to_string(ws.path().join("vendors/suryadesk.toml")).expect("read");
    write(
        ws.path(),
        "vendors/suryadesk.toml",
        &surya.replace("[transfers]\n", "[transfers]\ntia_completed = 2025-11-20\n"),
    );
    let text = agreement_text(ws.path(), "suryadesk");
    assert!(
        text.contains("On 20 November 2025 the parties completed an assessment"),
        "{text}"
    );
}

#[test]
fn a_uk_only_agreement_names_a_uk_representative_and_no_eu_one() {
    let ws = saas_vendor();
    let company = std::fs::read_to_string(ws.path().join("dpa.toml")).expect("dpa.toml");
    write(
        ws.path(),
        "dpa.toml",
        &format!(
            "{company}\n[uk_representative]\nname = \"Brightmetric UK Ltd\"\naddress = \"1 King Street, London EC2V 8AU, United Kingdom\"\nemail = \"uk-rep@brightmetric.example\"\n"
        ),
    );
    let text = agreement_text(ws.path(), "harbour-books");
    assert!(
        text.contains("Representative in the United Kingdom"),
        "{text}"
    );
    assert!(text.contains("Brightmetric UK Ltd"));
    assert!(!text.contains("Representative in the European Union"));
    assert!(!text.contains("Brightmetric Europe B.V., Keizersgracht"));
    // An EEA customer sees our EU representative, which is ours, not "Not applicable".
    let text = agreement_text(ws.path(), "meridian-sante");
    assert!(
        text.contains("Representative in the European Union"),
        "{text}"
    );
    assert!(text.contains("Brightmetric Europe B.V."));
}

#[test]
fn names_join_the_text_as_a_drafter_writes_them() {
    let ws = saas_vendor();
    let text = agreement_text(ws.path(), "sunset-outfitters-gdpr");
    assert!(!text.contains("Outfitters’s"), "{text}");
    assert!(!text.contains("Outfitters's"));
    assert!(text.contains("Sunset Outfitters’"));
    let ws = example_workspace();
    let surya = std::fs::read_to_string(ws.path().join("vendors/suryadesk.toml")).expect("read");
    let short = surya
        .lines()
        .find(|l| l.starts_with("short_name"))
        .expect("short_name")
        .to_string();
    write(
        ws.path(),
        "vendors/suryadesk.toml",
        &surya.replace(&short, "short_name = \"HelpHive, Inc.\""),
    );
    let text = agreement_text(ws.path(), "suryadesk");
    assert!(!text.contains("Inc.."), "{text}");
    assert!(!text.contains("Inc.‘s"));
    assert!(text.contains("Inc.’s"));
    let acme =
        std::fs::read_to_string(ws.path().join("vendors/acme-analytics.toml")).expect("read");
    write(
        ws.path(),
        "vendors/acme-analytics.toml",
        &acme.replace("governing_law = \"IE\"", "governing_law = \"NL\""),
    );
    let text = agreement_text(ws.path(), "acme-analytics");
    assert!(
        text.contains("governed by the law of the Netherlands"),
        "{text}"
    );
    assert!(!text.contains("law of Netherlands"));
}
