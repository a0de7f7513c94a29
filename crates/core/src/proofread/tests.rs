use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn messages(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.message.as_str()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn vocabulary() -> Vocabulary {
    Vocabulary::from_bodies([
        "- **\"Customer Personal Data\"** means data.\n- **\"Services\"** has the meaning given in [](#general.scope).",
        "the following services (the **\"Services\"**):",
        "(together, **\"Sensitive Data\"**):",
        "the term \"Member State\" in the SCCs",
        "- **\"SCCs\"** means the standard contractual clauses.",
    ])
}

#[test]
fn empty_value_before_punctuation_and_dangling_preposition() {
    let text = "the Services are currently scheduled to end on .";
    let hits = empty_values(text);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(&text[hits[0].span.clone()], "on .");
    let dangling = empty_values("For the term, which is scheduled to end on , and afterwards");
    assert_eq!(dangling.len(), 1, "{dangling:?}");
    let at_end = empty_values("The data is held on behalf of");
    assert_eq!(messages(&at_end), ["`of` with nothing after it"]);
    let unspaced = empty_values("Transfers are subject to.");
    assert_eq!(messages(&unspaced), ["`to` with nothing after it"]);
    // A phrasal verb may end on its preposition.
    for ok in [
        "the instructions that Tessel passes on, and more",
        "any Sub-processor that Lumen has objected to.",
        "the data subject it relates to.",
    ] {
        assert!(empty_values(ok).is_empty(), "{ok}: {:?}", empty_values(ok));
    }
}

#[test]
fn empty_quotes_brackets_cells_and_double_spaces() {
    assert_eq!(
        messages(&empty_values("known as \"\" here")),
        ["empty quotation marks"]
    );
    assert_eq!(
        messages(&empty_values("the processor ( ) named")),
        ["empty brackets"]
    );
    assert_eq!(
        messages(&empty_values("the processor () named")),
        ["empty brackets"]
    );
    assert_eq!(
        messages(&empty_values("Name | Lumen | ")),
        ["an empty table cell"]
    );
    assert_eq!(
        messages(&empty_values("Name | Lumen, a corporation | Minimal Inc.,")),
        ["a comma with nothing after it"]
    );
    assert_eq!(
        messages(&empty_values("Name | Minimal Inc., | Lumen")),
        ["a comma with nothing after it"]
    );
    assert_eq!(
        messages(&empty_values("provided by  to Lumen")),
        ["two spaces where a value belongs"]
    );
}

#[test]
fn complete_text_has_no_empty_value() {
    let text = "This Addendum takes effect on 1 June 2024 (the \"Effective Date\"); the Services are scheduled to end on 14 January 2027.\n\n(a) this Addendum; and\n- Customer's end users\nParty | Privacy contact | Email\nLumen | Martin Okafor | privacy@lumen.example\n  - nested item, referring to clause 4.3.";
    assert!(empty_values(text).is_empty(), "{:?}", empty_values(text));
    // "on", "of" and "to" followed by words are fine, and so is a word containing them.
    assert!(empty_values("Turn on the lights of the house to see. Photo").is_empty());
}

#[test]
fn undefined_term_is_caught() {
    let defined = set(&["Customer Personal Data", "Service"]);
    let text = "Host and back up Customer's production database.";
    let hits = undefined_terms(text, &defined, &vocabulary(), &[]);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(&text[hits[0].span.clone()], "Customer's");
    // A bare singular noun without an article, mid-sentence, reads as a defined term.
    let bare = undefined_terms(
        "Escalate product defects to Customer",
        &defined,
        &vocabulary(),
        &[],
    );
    assert_eq!(bare.len(), 1, "{bare:?}");
    assert!(
        hits[0].message.contains("`Customer`"),
        "{}",
        hits[0].message
    );
    // A term the library defines only under a condition, used where the condition is false.
    let hits = undefined_terms(
        "Transfers are covered by the SCCs and Sensitive Data is excluded.",
        &defined,
        &vocabulary(),
        &[],
    );
    assert_eq!(hits.len(), 2, "{hits:?}");
}

#[test]
fn defined_terms_plurals_names_and_sentence_starts_pass() {
    let defined = definitions(
        "- \"Customer Personal Data\" means data.\n- \"Services\" has the meaning given in clause 1.2.\n- \"SCCs\" means the clauses.",
    );
    assert!(defined.contains("Customer Personal Data"));
    let vocab = vocabulary();
    let ok = [
        // The defined term, its plural and possessive.
        "Lumen discloses Customer Personal Data to Nordhost under the SCCs and each SCC.",
        "The Services' scope and the Service's price.",
        // Proper names that contain a conventional term.
        "the California Consumer Privacy Act of 2018 and the Data Protection Commission",
        // A table cell and a sentence opening with an ordinary word.
        "Role under the GDPR | Controller | Processor",
        "Customer Personal Data relates to the following. Processor roles are described in Annex I.",
        "Provision of the Services (Customer relationship management for sales)",
        // A term in quotation marks is being defined or quoted.
        "the term \"Member State\" in the SCCs, and (the \"Vendor\")",
    ];
    for text in ok {
        let hits = undefined_terms(text, &defined, &vocab, &[]);
        assert!(hits.is_empty(), "{text}: {hits:?}");
    }
    // A name that contains a term is a name.
    let names = vec!["Customer.io Inc.".to_string()];
    assert!(undefined_terms("via Customer.io Inc. in the US", &defined, &vocab, &names).is_empty());
    assert_eq!(
        undefined_terms("via Customer.io Inc. in the US", &defined, &vocab, &[]).len(),
        1
    );
}

#[test]
fn vocabulary_takes_definitions_not_quotations() {
    let vocab = vocabulary();
    assert!(vocab.contains("Customer Personal Data"));
    assert!(vocab.contains("Sensitive Data"));
    assert!(vocab.contains("SCC"));
    assert!(
        vocab.contains("Customer"),
        "conventional terms are always in"
    );
    assert!(
        !vocab.contains("Member State"),
        "a quotation is not a definition"
    );
}

#[test]
fn normalize_strips_plural_and_possessive() {
    assert_eq!(normalize("Sub-processors"), "Sub-processor");
    assert_eq!(normalize("Parties"), "Party");
    assert_eq!(normalize("Restricted Transfers"), "Restricted Transfer");
    assert_eq!(normalize("Lumen's"), "Lumen");
    assert_eq!(normalize("Business"), "Business");
    assert_eq!(normalize("Data Protection Laws"), "Data Protection Law");
    assert_eq!(normalize("Personal Data Breaches"), "Personal Data Breach");
}

#[test]
fn missing_reference_is_caught() {
    let numbers = set(&["1.1", "4.3", "Annex I.A", "Annex I.B", "Annex II"]);
    let text = "in accordance with clause 4.4, and the authority in Annex I.C; see Annex III.";
    let hits = missing_references(text, &numbers);
    let found: Vec<&str> = hits.iter().map(|h| &text[h.span.clone()]).collect();
    assert_eq!(found, ["4.4", "I.C", "III"]);
    let listed = "under clauses 1.1 and 2.5 and Annexes I.A and I.C";
    let found: Vec<&str> = missing_references(listed, &numbers)
        .iter()
        .map(|h| &listed[h.span.clone()])
        .collect();
    assert_eq!(found, ["2.5", "I.C"]);
}

#[test]
fn present_and_external_references_pass() {
    let numbers = set(&["1.1", "4.3", "Annex I.A", "Annex I.B", "Annex II"]);
    let text = "in accordance with clause 4.3, set out in Annex I.B and Annex II, \
                the annexes of Annex I, Clause 13 and Clause 18(c) of the SCCs, \
                clause 9.2 of the Agreement, the Annex to Commission Implementing Decision. \
                Clause 13 (supervision) and Annex I.C do not form part of Module Four.";
    let hits = missing_references(text, &numbers);
    assert!(hits.is_empty(), "{hits:?}");
}

#[test]
fn past_date_described_as_future_is_caught() {
    let as_of = day(2026, 12, 2);
    let text = "the Services are currently scheduled to end on 30 April 2026.";
    let hits = past_dates(text, as_of);
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(&text[hits[0].span.clone()], "30 April 2026");
    assert!(
        hits[0].message.contains("scheduled to"),
        "{}",
        hits[0].message
    );
    let sccs = "The parties enter into the SCCs with effect from 2024-06-01.";
    assert_eq!(past_dates(sccs, as_of).len(), 1);
}

#[test]
fn future_dates_and_past_facts_pass() {
    let as_of = day(2026, 12, 2);
    let ok = [
        // Future date.
        "the Services are currently scheduled to end on 14 January 2027.",
        // A past date stated as past.
        "the UK Addendum, in force from 21 March 2022, and the Act of 25 September 2020.",
        // A future marker in an earlier sentence does not reach the date.
        "Nordhost will notify Lumen. The services ended on 30 April 2026.",
    ];
    for text in ok {
        let hits = past_dates(text, as_of);
        assert!(hits.is_empty(), "{text}: {hits:?}");
    }
    // The same sentence read on an earlier day is true.
    assert!(past_dates("scheduled to end on 30 April 2026", day(2026, 1, 1)).is_empty());
}

#[test]
fn placeholder_is_caught() {
    let cases = [
        ("Name: [NAME], address TBD", 2),
        ("{{ vendor.name }} provides", 2),
        ("Contact XXX for details", 1),
        ("No specific measures have yet been described.", 1),
        ("Amount to be determined by the parties", 1),
    ];
    for (text, n) in cases {
        let hits = placeholders(text);
        assert_eq!(hits.len(), n, "{text}: {hits:?}");
    }
}

#[test]
fn ordinary_text_has_no_placeholder() {
    let text = "Annex I.B [see below], the EEA, Lumen's DPO (Data Protection Officer), \
                a TBDX code, 100 XX units and <b>bold</b>; Annex III: Sub-processors.";
    let hits = placeholders(text);
    assert!(hits.is_empty(), "{hits:?}");
}

#[test]
fn read_names_clause_and_orders_findings() {
    let clauses = [
        ClauseText {
            number: "1.1",
            title: "Definitions",
            text: "- \"Services\" has the meaning given in clause 1.2.",
        },
        ClauseText {
            number: "4.1",
            title: "Term and termination",
            text: "The Services are currently scheduled to end on . See Annex IV.",
        },
    ];
    let findings = read(&clauses, &vocabulary(), &[], day(2026, 12, 2));
    let kinds: Vec<(Kind, &str)> = findings
        .iter()
        .map(|f| (f.kind, f.clause.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (Kind::MissingReference, "1.1"),
            (Kind::EmptyValue, "4.1"),
            (Kind::MissingReference, "4.1"),
        ]
    );
    assert_eq!(findings[1].title, "Term and termination");
    assert!(
        findings[1].excerpt.contains("end on ."),
        "{}",
        findings[1].excerpt
    );
}

#[test]
fn excerpt_stays_on_its_line_and_on_char_boundaries() {
    let text = "first line\n§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§§ on . ééééééééééééééééééééééééééééééééé\nlast";
    let at = text.find(" .").expect("present");
    let e = excerpt(text, &(at..at + 2));
    assert!(e.contains("on ."), "{e}");
    assert!(!e.contains("first") && !e.contains("last"), "{e}");
}
