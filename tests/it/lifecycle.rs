//! The vendor's side end to end, as a SaaS vendor's legal team lives it: five customers (a
//! separate CCPA + GDPR pair, one on specific authorisation with 60 days' notice), a new
//! sub-processor 40 days out, letters written and then recorded as sent, an objection, a
//! refusal, Annex III before and after the date, a sub-processor added without notice refused
//! by `check`, a removal, and the public page.

use std::path::Path;

use chrono::NaiveDate;

use crate::common::*;
use crate::processor::annex_iii;

const LUMEN: &str = "Lumen Support Inc.";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn ok(out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    stdout(out)
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).expect("read")
}

#[test]
fn the_vendors_side_from_signature_to_a_new_subprocessor_and_the_public_page() {
    let ws = saas_vendor_repo();
    let root = ws.path();
    // Five customers: Fieldwork Labs (California only), Harbour Books (UK, 45 days),
    // Meridian Santé (specific authorisation, 60 days), Nordlicht and Sunset (separate pairs).
    git(root, &["rm", "-q", "customers/alpenpost.toml"]);
    git(root, &["commit", "-q", "-m", "Alpenpost left"]);
    ok(&dpa(root, &["record", "--all"]));
    for (id, on) in [
        ("meridian-sante", "2026-11-02"),
        ("nordlicht-retail-ccpa", "2026-11-03"),
        ("nordlicht-retail-gdpr", "2026-11-03"),
    ] {
        ok(&dpa(root, &["sign", id, "--version", "1", "--date", on]));
    }

    // A sub-processor typed into dpa.toml without a start date reaches no Annex III unnoticed.
    let company = read(root, "dpa.toml");
    write(
        root,
        "dpa.toml",
        &format!(
            "{company}\n[[subprocessors]]\nname = \"{LUMEN}\"\ncountry = \"US\"\npurpose = \"Customer support ticketing\"\naddress = \"1 Pine Street, Portland, OR 97204, United States\"\ncontact = \"Privacy Office, privacy@lumen.example\"\n"
        ),
    );
    let out = dpa(root, &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("sub-processor `Lumen Support Inc.` would appear in customer `meridian-sante`'s Annex III without the notice its agreement requires: v1 (signed on 2026-11-02) does not list it, and clause 2.8 (Authorisation of Sub-processors, gdpr.subprocessors) requires its specific prior written authorisation, requested 60 days ahead"),
        "{err}"
    );
    assert!(
        err.contains("customer `nordlicht-retail-gdpr`'s Annex III")
            && err.contains("requires 30 days' written notice"),
        "{err}"
    );
    assert!(
        err.contains("customer `nordlicht-retail-ccpa`'s Annex III"),
        "{err}"
    );
    // Unsigned agreements are issued again with the list as it stands.
    assert!(!err.contains("`sunset-outfitters"), "{err}");
    write(root, "dpa.toml", &company);

    // Added as intended, 40 days out from the letters' date.
    ok(&dpa(
        root,
        &[
            "subprocessors",
            "add",
            LUMEN,
            "--country",
            "US",
            "--purpose",
            "Customer support ticketing",
            "--effective",
            "2027-03-13",
            "--address",
            "1 Pine Street, Portland, OR 97204, United States",
            "--contact",
            "Privacy Office, privacy@lumen.example",
        ],
    ));
    let check = dpa(root, &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));

    // Writing the letters records nothing.
    let head = git(root, &["rev-parse", "HEAD"]);
    let meridian = read(root, "customers/meridian-sante.toml");
    let listed = ok(&dpa(
        root,
        &[
            "subprocessors",
            "notices",
            LUMEN,
            "--as-of",
            "2027-02-01",
            "--write",
            "letters",
        ],
    ));
    assert_eq!(git(root, &["rev-parse", "HEAD"]), head);
    assert_eq!(read(root, "customers/meridian-sante.toml"), meridian);
    assert!(listed.contains("late: from 2027-04-03"), "{listed}");
    let letter = |id: &str| pdf_text(&root.join(format!("letters/{id}-lumen-support-inc.pdf")));
    // 60 days' notice asked 40 days ahead: the request proposes the first lawful date.
    let consent = letter("meridian-sante");
    assert!(
        consent.contains("which it intends to engage from 3 April 2027, the first date that period allows from the date of this request"),
        "{consent}"
    );
    assert!(consent.contains("If Meridian refuses"), "{consent}");
    // A separate pair: both documents named, the objection right (the DPA's), the transfer.
    let nordlicht = letter("nordlicht-retail");
    assert!(
        nordlicht.contains("Under the CCPA Addendum and the Data Processing Addendum between Nordlicht and Brightmetric"),
        "{nordlicht}"
    );
    assert!(
        nordlicht.contains("Nordlicht may object to this change"),
        "{nordlicht}"
    );
    assert!(
        nordlicht.contains("Processing in the United States is a Restricted Transfer. It will be made under the standard contractual clauses adopted by the European Commission (Module Three: processor to processor)"),
        "{nordlicht}"
    );
    // California only: a CCPA addendum requires the notice and grants no objection.
    let fieldwork = letter("fieldwork-labs");
    assert!(!fieldwork.contains("may object"), "{fieldwork}");
    assert!(!fieldwork.contains("Restricted Transfer"), "{fieldwork}");
    assert!(
        fieldwork.contains("from 13 March 2027, after the 30 days’ notice that the Data Processing Addendum requires"),
        "{fieldwork}"
    );
    // The UK customer's letter names the UK Addendum.
    let harbour = letter("harbour-books");
    assert!(
        harbour.contains("Data Transfer Addendum for data from the United Kingdom"),
        "{harbour}"
    );

    // Sending is recorded as its own step, and late stays late.
    let sent = ok(&dpa(
        root,
        &[
            "subprocessors",
            "notices",
            "sent",
            LUMEN,
            "--date",
            "2027-02-01",
        ],
    ));
    assert!(
        sent.contains("recorded 5 notice(s) as sent on 2027-02-01"),
        "{sent}"
    );
    let listed = ok(&dpa(
        root,
        &["subprocessors", "notices", LUMEN, "--as-of", "2027-02-05"],
    ));
    assert!(
        listed.contains("awaiting consent (late: from 2027-04-03)"),
        "{listed}"
    );
    let status = ok(&dpa(root, &["status", "--as-of", "2027-02-05"]));
    assert!(
        status.contains("sub-processor `Lumen Support Inc.`: consent requested, not given (late: not before 2027-04-03)"),
        "{status}"
    );

    // An objection (general authorisation) and a refusal (specific authorisation).
    ok(&dpa(
        root,
        &[
            "subprocessors",
            "object",
            "nordlicht-retail",
            LUMEN,
            "--date",
            "2027-02-10",
        ],
    ));
    let refused = ok(&dpa(
        root,
        &[
            "subprocessors",
            "refuse",
            "meridian-sante",
            LUMEN,
            "--date",
            "2027-02-15",
        ],
    ));
    assert!(refused.contains("recorded the refusal"), "{refused}");
    let listed = ok(&dpa(
        root,
        &["subprocessors", "notices", LUMEN, "--as-of", "2027-02-16"],
    ));
    assert!(listed.contains("refused"), "{listed}");

    // Annex III the day before and from the date, dated where it joined after the agreement.
    assert!(!annex_iii(root, "sunset-outfitters-gdpr", d("2027-03-12")).contains("Lumen"));
    let after = annex_iii(root, "sunset-outfitters-gdpr", d("2027-03-13"));
    assert!(
        after.contains("Lumen Support Inc. (from 13 March 2027)"),
        "{after}"
    );
    assert!(
        after.contains("or from the later date stated against its name"),
        "{after}"
    );
    assert!(!annex_iii(root, "nordlicht-retail-gdpr", d("2027-05-01")).contains("Lumen"));
    assert!(!annex_iii(root, "meridian-sante", d("2027-05-01")).contains("Lumen"));
    // Harbour Books was told late (45 days): it joins when its own period has run.
    assert!(!annex_iii(root, "harbour-books", d("2027-03-18")).contains("Lumen"));
    assert!(annex_iii(root, "harbour-books", d("2027-03-19")).contains("Lumen"));

    // The public page lists the announced addition.
    ok(&dpa(
        root,
        &[
            "subprocessors",
            "page",
            "--out",
            "site",
            "--as-of",
            "2027-02-20",
        ],
    ));
    let page = read(root, "site/subprocessors.json");
    assert!(page.contains(LUMEN), "{page}");

    // A removal leaves every Annex III, and the tracker names our list, not a vendor record.
    ok(&dpa(root, &["subprocessors", "remove", "Postwise, Inc."]));
    assert!(!annex_iii(root, "meridian-sante", d("2027-05-01")).contains("Postwise"));
    let status = ok(&dpa(root, &["status"]));
    assert!(
        status.contains("outdated since the signed v1: sub-processor list changed (dpa.toml)"),
        "{status}"
    );
    assert!(!status.contains("vendor record changed"), "{status}");
}

/// Word boxes of one PDF page as `pdftotext -bbox` gives them: `(xMin, xMax, yMin, word)`.
fn words(pdf: &Path, page: u32) -> Vec<(f64, f64, f64, String)> {
    let p = page.to_string();
    let out = tool("pdftotext")
        .args(["-bbox", "-f", &p, "-l", &p])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success());
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
    let attr = |line: &str, name: &str| -> f64 {
        let at = line.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        line[at..]
            .split('"')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("number")
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let text = l
                .split('>')
                .nth(1)
                .and_then(|t| t.split('<').next())
                .unwrap_or_default()
                .replace('\u{200B}', "");
            (attr(l, "xMin"), attr(l, "xMax"), attr(l, "yMin"), text)
        })
        .collect()
}

#[test]
fn annex_iii_wraps_a_sixty_character_email_inside_its_column() {
    let ws = saas_vendor();
    let root = ws.path();
    let email = "privacy.office.transactional.email@postwise-delivery.example";
    assert_eq!(email.len(), 60);
    let company = read(root, "dpa.toml").replace("privacy@postwise.example", email);
    write(root, "dpa.toml", &company);
    ok(&dpa(root, &["render", "meridian-sante"]));
    let pdf = root.join("out/meridian-sante/meridian-sante.pdf");
    let info = tool("pdfinfo").arg(&pdf).output().expect("pdfinfo runs");
    let pages: u32 = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    // Annex III is the last page: the header row names the columns.
    let page = words(&pdf, pages);
    let header = |w: &str| {
        page.iter()
            .find(|(_, _, _, t)| t == w)
            .unwrap_or_else(|| panic!("no `{w}` on the page: {page:?}"))
            .clone()
    };
    let contact = header("Contact");
    let country = header("Country");
    assert!(contact.0 < country.0);
    // Every word that starts in the contact column ends before the next column starts.
    let below: Vec<&(f64, f64, f64, String)> = page
        .iter()
        .filter(|(x0, _, y, _)| *y > contact.2 && *x0 >= contact.0 - 1.0 && *x0 < country.0 - 1.0)
        .collect();
    let joined: String = below.iter().map(|w| w.3.as_str()).collect();
    assert!(
        joined.contains(email),
        "the e-mail is in its column: {joined}"
    );
    for (x0, x1, _, w) in &below {
        assert!(
            *x1 < country.0,
            "`{w}` ({x0}-{x1}) runs into the country column at {}",
            country.0
        );
    }
}
