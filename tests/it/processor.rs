//! The processor side: a SaaS vendor issuing its own DPA to its customers (examples/saas-vendor),
//! with separate CCPA and GDPR documents and sub-processor change notices.

use std::path::Path;

use chrono::NaiveDate;

use crate::common::*;

fn manifest(root: &Path, out: &str, id: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root.join(out).join(id).join("manifest.json"))
        .expect("manifest.json");
    serde_json::from_str(&text).expect("manifest is JSON")
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn frameworks(m: &serde_json::Value) -> Vec<String> {
    m["frameworks"]
        .as_array()
        .expect("frameworks")
        .iter()
        .filter_map(|f| f.as_str().map(str::to_string))
        .collect()
}

#[test]
fn the_example_checks_and_renders_separate_documents_with_the_customer_as_controller() {
    let ws = saas_vendor();
    let out = dpa(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("checked 8 customer agreements,"),
        "{}",
        stdout(&out)
    );

    let out = dpa(ws.path(), &["render", "--all", "--out", "o"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for customer in ["nordlicht-retail", "sunset-outfitters"] {
        let ccpa = manifest(ws.path(), "o", &format!("{customer}-ccpa"));
        let gdpr = manifest(ws.path(), "o", &format!("{customer}-gdpr"));
        assert_eq!(frameworks(&ccpa), ["general", "ccpa"], "{customer}");
        assert_eq!(frameworks(&gdpr), ["general", "gdpr", "scc"], "{customer}");
        assert_eq!(ccpa["document_id"], format!("DPA-{customer}-ccpa"));
        assert_eq!(gdpr["scc_module"], 2, "{customer}");
        // No combined agreement beside the two.
        assert!(!ws.path().join("o").join(customer).exists());
    }
    // The EEA customer: the customer is controller and exporter, we are processor and importer.
    let text = pdf_text(
        &ws.path()
            .join("o/nordlicht-retail-gdpr/nordlicht-retail-gdpr.pdf"),
    );
    assert!(
        text.contains("Role under the GDPR Controller Processor"),
        "{text}"
    );
    assert!(
        text.contains("Role under the SCCs Data exporter Data importer"),
        "{text}"
    );
    assert!(
        text.contains("with Nordlicht as data exporter and Brightmetric as data importer. Module Two (transfer controller to processor)"),
        "{text}"
    );
    assert!(!text.contains("Role under the CCPA"), "{text}");
    let text = pdf_text(
        &ws.path()
            .join("o/sunset-outfitters-ccpa/sunset-outfitters-ccpa.pdf"),
    );
    assert!(
        text.contains(
            "CCPA Addendum between Sunset Outfitters, Inc. and Brightmetric Analytics, Inc."
        ),
        "{text}"
    );
    assert!(
        text.contains("Role under the CCPA Business Service provider"),
        "{text}"
    );
    assert!(
        text.contains("Brightmetric acts as Sunset Outfitters’ service provider under the CCPA"),
        "{text}"
    );
    assert!(!text.contains("Standard Contractual Clauses"), "{text}");
    // Annex III is our list from dpa.toml, the pending addition not yet in it.
    let annex = pdf_text(&ws.path().join("o/harbour-books/harbour-books.pdf"));
    assert!(annex.contains("Brightmetric Europe B.V."), "{annex}");
    assert!(!annex.contains("Vectorline"), "{annex}");
    // The contractor-style engagement and the UK and Swiss customers.
    assert_eq!(
        frameworks(&manifest(ws.path(), "o", "fieldwork-labs")),
        ["general", "ccpa"]
    );
    assert!(
        pdf_text(&ws.path().join("o/fieldwork-labs/fieldwork-labs.pdf"))
            .contains("Role under the CCPA Business Contractor")
    );
    assert_eq!(
        frameworks(&manifest(ws.path(), "o", "harbour-books")),
        ["general", "gdpr", "scc", "uk"]
    );
    assert_eq!(
        frameworks(&manifest(ws.path(), "o", "alpenpost")),
        ["general", "gdpr", "scc", "ch"]
    );
}

#[test]
fn with_us_in_the_eea_a_us_customer_gets_module_four_with_us_as_exporter() {
    let ws = saas_vendor();
    let company = std::fs::read_to_string(ws.path().join("dpa.toml"))
        .expect("dpa.toml")
        .replace(
            "address = \"88 Congress Avenue, Suite 900, Austin, TX 78701, United States\"\ncountry = \"US\"",
            "address = \"Keizersgracht 520, 1017 EK Amsterdam, Netherlands\"\ncountry = \"NL\"",
        )
        .replace("documents = \"separate\"", "documents = \"combined\"");
    assert!(company.contains("country = \"NL\""));
    write(ws.path(), "dpa.toml", &company);
    let out = dpa(ws.path(), &["render", "sunset-outfitters", "--out", "o"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let m = manifest(ws.path(), "o", "sunset-outfitters");
    assert_eq!(m["scc_module"], 4);
    assert_eq!(frameworks(&m), ["general", "ccpa", "gdpr", "scc"]);
    let text = pdf_text(&ws.path().join("o/sunset-outfitters/sunset-outfitters.pdf"));
    assert!(
        text.contains("with Brightmetric as data exporter and Sunset Outfitters as data importer. Module Four (transfer processor to controller)"),
        "{text}"
    );
}

#[test]
fn notices_list_general_customers_with_deadlines_from_their_notice_periods() {
    let ws = saas_vendor();
    let out = dpa(
        ws.path(),
        &[
            "subprocessors",
            "notices",
            "--as-of",
            "2026-12-10",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).expect("JSON");
    let effective = d("2027-03-01");
    // Notice periods as the records give them: 30 days from dpa.toml unless the customer says.
    let periods = [
        ("alpenpost", 30, "notice"),
        ("fieldwork-labs", 30, "notice"),
        ("harbour-books", 45, "notice"),
        ("meridian-sante", 60, "consent"),
        ("nordlicht-retail", 30, "notice"),
        ("sunset-outfitters", 30, "notice"),
    ];
    assert_eq!(rows.len(), periods.len(), "{rows:?}");
    for (row, (id, days, duty)) in rows.iter().zip(periods) {
        assert_eq!(row["customer"], id);
        assert_eq!(row["subprocessor"], "Vectorline AI Ltd");
        assert_eq!(row["duty"], duty, "{id}");
        assert_eq!(row["notice_days"], days, "{id}");
        // The whole period ends the day before the sub-processor starts.
        let send_by = effective - chrono::Days::new(days + 1);
        assert_eq!(row["send_by"], send_by.to_string(), "{id}");
        if id == "fieldwork-labs" {
            // Californian data only: its CCPA addendum requires the notice but grants no
            // right to object, so the notice gives no objection deadline.
            assert!(row["objection_deadline"].is_null(), "{id}");
            assert_eq!(row["standing"], "to_send", "{id}");
        } else if duty == "notice" {
            let deadline = send_by + chrono::Days::new(days);
            assert_eq!(row["objection_deadline"], deadline.to_string(), "{id}");
            assert_eq!(row["standing"], "to_send", "{id}");
        } else {
            assert!(row["objection_deadline"].is_null(), "{id}");
        }
    }
    let text = stdout(&dpa(
        ws.path(),
        &["subprocessors", "notices", "--as-of", "2026-12-10"],
    ));
    assert!(text.contains("needs consent"), "{text}");
    assert_eq!(text.matches("needs consent").count(), 1, "{text}");

    // The tracker says who has not been told.
    let status = stdout(&dpa(ws.path(), &["status", "--as-of", "2026-12-10"]));
    assert!(status.starts_with("8 customers: 0 covered, "), "{status}");
    assert!(
        status
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("CUSTOMER ")),
        "{status}"
    );
    assert!(
        status.contains("note: sub-processor `Vectorline AI Ltd` (effective 2027-03-01): notice not sent; send by 2027-01-29"),
        "{status}"
    );
    assert!(
        status.contains("request for consent not sent; send by 2026-12-30"),
        "{status}"
    );

    // On the vendors' side there are no notices to send.
    let vendors = example_workspace();
    let out = dpa(vendors.path(), &["subprocessors", "notices"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("processor side"), "{}", stderr(&out));
}

/// Annex III's sub-processor names in one customer's agreement on `date`.
pub fn annex_iii(root: &Path, id: &str, date: NaiveDate) -> String {
    let mut diags = dpa::diag::Diagnostics::new();
    let mut ws = dpa::workspace::Workspace::open(root, &mut diags).expect("workspace opens");
    ws.date = date;
    let record = ws.load_vendor(id, &mut diags).expect("customer loads");
    let options = dpa::assemble::DocOptions {
        final_: false,
        version: "draft".into(),
    };
    let prepared = ws.prepare(record, &options, &mut diags).expect("prepares");
    prepared
        .assembled
        .clauses
        .iter()
        .find(|c| c.id == "annex.subprocessors")
        .map(|c| c.text.clone())
        .expect("Annex III")
}

#[test]
fn a_new_subprocessor_joins_annex_iii_from_its_effective_date_except_where_objected() {
    let ws = saas_vendor_repo();
    let out = dpa(
        ws.path(),
        &[
            "subprocessors",
            "add",
            "Quillmark Translations SL",
            "--country",
            "ES",
            "--purpose",
            "Translation of support tickets",
            "--effective",
            "2027-04-01",
            "--address",
            "Calle Mayor 1, 28013 Madrid, Spain",
            "--contact",
            "DPO, dpo@quillmark.example",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let company = std::fs::read_to_string(ws.path().join("dpa.toml")).expect("dpa.toml");
    assert!(
        company.contains("# Annex III of every customer's agreement"),
        "comments kept"
    );
    assert!(company.contains("effective = 2027-04-01"), "{company}");

    let out = dpa(
        ws.path(),
        &[
            "subprocessors",
            "notices",
            "Quillmark Translations SL",
            "--as-of",
            "2027-02-01",
            "--write",
            "letters",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = dpa(
        ws.path(),
        &[
            "subprocessors",
            "notices",
            "sent",
            "Quillmark Translations SL",
            "--date",
            "2027-02-01",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for id in [
        "alpenpost",
        "harbour-books",
        "meridian-sante",
        "nordlicht-retail",
    ] {
        let letter = ws
            .path()
            .join(format!("letters/{id}-quillmark-translations-sl.pdf"));
        assert!(letter.is_file(), "{id}");
    }
    let letter = pdf_text(
        &ws.path()
            .join("letters/harbour-books-quillmark-translations-sl.pdf"),
    );
    assert!(
        letter.contains("no later than 18 March 2027 (45 days after the date of this notice)"),
        "{letter}"
    );
    let consent = pdf_text(
        &ws.path()
            .join("letters/meridian-sante-quillmark-translations-sl.pdf"),
    );
    assert!(
        consent.contains("Request for authorisation of a new Sub-processor"),
        "{consent}"
    );
    let csv = std::fs::read_to_string(ws.path().join("letters/recipients.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 7, "{csv}");
    assert!(csv.contains("nordlicht-retail,Nordlicht Retail GmbH,Anja Krüger,datenschutz@nordlicht.example,notice,Quillmark Translations SL,2027-04-01,2027-02-01,no,2027-04-01,2027-03-03,2027-04-01,"), "{csv}");
    let record =
        std::fs::read_to_string(ws.path().join("customers/alpenpost.toml")).expect("record");
    assert!(
        record.contains(
            "[[notices]]\nsubprocessor = \"Quillmark Translations SL\"\nsent_on = 2027-02-01"
        ),
        "{record}"
    );
    // Sent: a second run sends nothing again.
    let again = dpa(
        ws.path(),
        &[
            "subprocessors",
            "notices",
            "Quillmark Translations SL",
            "--as-of",
            "2027-02-02",
            "--write",
            "again",
        ],
    );
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(
        std::fs::read_to_string(ws.path().join("again/recipients.csv"))
            .expect("csv")
            .lines()
            .count(),
        1
    );

    let out = dpa(
        ws.path(),
        &[
            "subprocessors",
            "object",
            "nordlicht-retail",
            "Quillmark Translations SL",
            "--date",
            "2027-02-20",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let status = stdout(&dpa(ws.path(), &["status", "--as-of", "2027-02-21"]));
    assert_eq!(
        status
            .matches("sub-processor `Quillmark Translations SL`: objected on 2027-02-20")
            .count(),
        2,
        "both of Nordlicht's documents: {status}"
    );
    let out = dpa(
        ws.path(),
        &[
            "subprocessors",
            "object",
            "meridian-sante",
            "Quillmark Translations SL",
            "--date",
            "2027-02-10",
        ],
    );
    // Under specific authorisation an objection is a refusal of the consent asked.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("recorded the refusal of `Quillmark Translations SL` on 2027-02-10"),
        "{}",
        stdout(&out)
    );

    let before = d("2027-03-31");
    let on = d("2027-04-01");
    for id in [
        "alpenpost",
        "harbour-books",
        "fieldwork-labs",
        "sunset-outfitters-gdpr",
        "nordlicht-retail-gdpr",
        "meridian-sante",
    ] {
        assert!(
            !annex_iii(ws.path(), id, before).contains("Quillmark"),
            "{id} before"
        );
    }
    for id in [
        "alpenpost",
        "harbour-books",
        "fieldwork-labs",
        "sunset-outfitters-gdpr",
    ] {
        let annex = annex_iii(ws.path(), id, on);
        assert!(annex.contains("Quillmark Translations SL"), "{id}: {annex}");
        assert!(
            annex.contains("Amazon Web Services EMEA SARL"),
            "{id}: {annex}"
        );
    }
    // Objected within the period; specific authorisation without consent.
    assert!(!annex_iii(ws.path(), "nordlicht-retail-gdpr", on).contains("Quillmark"));
    assert!(!annex_iii(ws.path(), "meridian-sante", on).contains("Quillmark"));
    // Consent brings it in for the specific-authorisation customer.
    let out = dpa(
        ws.path(),
        &[
            "subprocessors",
            "consent",
            "meridian-sante",
            "Quillmark Translations SL",
            "--date",
            "2027-02-15",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The request went out two days after the latest date for 60 days' notice: the consent is
    // to the start it proposed, the first date those 60 days allow.
    assert!(!annex_iii(ws.path(), "meridian-sante", on).contains("Quillmark"));
    assert!(annex_iii(ws.path(), "meridian-sante", d("2027-04-03")).contains("Quillmark"));
    assert!(!annex_iii(ws.path(), "meridian-sante", before).contains("Quillmark"));
}

#[test]
fn customer_records_hold_only_customer_facts() {
    let ws = saas_vendor();
    let record =
        std::fs::read_to_string(ws.path().join("customers/alpenpost.toml")).expect("record");
    write(
        ws.path(),
        "customers/alpenpost.toml",
        &format!("{record}\n[[subprocessors]]\nname = \"X\"\ncountry = \"US\"\npurpose = \"Y\"\n"),
    );
    let out = dpa(ws.path(), &["check", "alpenpost"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("`subprocessors` does not belong in a customer record"),
        "{err}"
    );
    assert!(err.contains("customers/alpenpost.toml:"), "{err}");
    let out = dpa(ws.path(), &["render", "nobody"]);
    assert!(
        stderr(&out).contains("no record for customer `nobody`"),
        "{}",
        stderr(&out)
    );
}
