//! A separate pair (processor side, `documents = "separate"`) reads as two agreements: the CCPA
//! addendum defines and states only the California terms, the GDPR DPA only the European ones,
//! each points to the other, and a combined agreement keeps the terms of each side it covers.

use std::path::Path;

use crate::common::*;

/// A temporary copy of examples/saas-vendor, with `dpa.toml` edited by `edit`.
fn saas_vendor(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let from = repo().join("examples/saas-vendor");
    let company = std::fs::read_to_string(from.join("dpa.toml")).expect("dpa.toml");
    write(dir.path(), "dpa.toml", &edit(company));
    copy_dir(&from.join("customers"), &dir.path().join("customers"));
    dir
}

/// The agreement's text from its title on: the house-style prelude is not part of it.
fn body(root: &Path, id: &str) -> String {
    let source = agreement_text(root, id);
    let start = source.find("#dpa-doc.update(").expect("document body");
    source[start..].to_string()
}

#[test]
fn the_ccpa_addendum_defines_and_states_only_the_california_terms() {
    let ws = saas_vendor(|c| c);
    let text = body(ws.path(), "sunset-outfitters-ccpa");
    for word in [
        "GDPR",
        "FADP",
        "EEA",
        "Restricted Transfer",
        "SCC",
        "Role under the GDPR",
        "controller",
        "Representative in the European Union",
        "Article 28",
    ] {
        assert!(
            !text.contains(word),
            "`{word}` in the CCPA addendum:\n{text}"
        );
    }
    // It names itself as what it is.
    assert!(
        text.contains("\"Addendum\"]; means this CCPA addendum, including its annexes."),
        "{text}"
    );
    assert!(
        !text.contains("means this data processing addendum"),
        "{text}"
    );
    assert!(text.contains("[CCPA Addendum]"), "{text}");
    assert!(
        text.contains("including, to the extent they apply, the CCPA and the consumer privacy laws of other States of the United States."),
        "{text}"
    );
    assert!(
        text.contains(
            "Sunset Outfitters is the business and Brightmetric is its service provider."
        ),
        "{text}"
    );
    // Its scope, and where the European terms are.
    assert!(
        text.contains("This Addendum applies to all Covered Personal Data other than personal data subject to the data protection laws of the European Union, the United Kingdom or Switzerland, which is governed by a separate data processing addendum between the parties, document DPA-sunset-outfitters-gdpr."),
        "{text}"
    );
    assert!(
        text.contains("It therefore applies to personal information subject to the CCPA and to personal data subject to the consumer privacy laws of other States of the United States"),
        "{text}"
    );
}

#[test]
fn the_gdpr_dpa_states_no_ccpa_roles_and_points_to_the_ccpa_addendum() {
    let ws = saas_vendor(|c| c);
    let text = body(ws.path(), "sunset-outfitters-gdpr");
    for word in [
        "service provider",
        "is the business",
        "CCPA\"]; means",
        "the CCPA",
        "Role under the CCPA",
        "\"personal information\"",
    ] {
        assert!(!text.contains(word), "`{word}` in the GDPR DPA:\n{text}");
    }
    assert!(
        text.contains("Sunset Outfitters is the controller and Brightmetric is its processor."),
        "{text}"
    );
    assert!(
        text.contains("\"Addendum\"]; means this data processing addendum"),
        "{text}"
    );
    assert!(
        text.contains("This Addendum applies only to Covered Personal Data that is subject to the GDPR, the UK GDPR or the FADP."),
        "{text}"
    );
    assert!(
        text.contains("is governed by a separate addendum between the parties, document DPA-sunset-outfitters-ccpa."),
        "{text}"
    );
}

#[test]
fn a_combined_agreement_still_defines_and_states_both_sets_of_terms() {
    let ws = saas_vendor(|c| c.replace("documents = \"separate\"", "documents = \"combined\""));
    let text = body(ws.path(), "sunset-outfitters");
    for term in [
        "CCPA",
        "EEA",
        "FADP",
        "GDPR",
        "Restricted Transfer",
        "UK GDPR",
    ] {
        assert!(
            text.contains(&format!("#strong[\"{term}\"]; means")),
            "`{term}` undefined in the combined agreement:\n{text}"
        );
    }
    assert!(
        text.contains("\"Addendum\"]; means this data processing addendum"),
        "{text}"
    );
    assert!(
        text.contains("Sunset Outfitters is the controller and Brightmetric is its processor."),
        "{text}"
    );
    assert!(
        text.contains(
            "Sunset Outfitters is the business and Brightmetric is its service provider."
        ),
        "{text}"
    );
    assert!(!text.contains("This Addendum applies only to"), "{text}");
    assert!(!text.contains("separate"), "{text}");
}

#[test]
fn annex_i_b_ends_the_retention_period_with_exactly_one_full_stop() {
    let ws = saas_vendor(|c| c);
    let record = ws.path().join("customers/sunset-outfitters.toml");
    let original = std::fs::read_to_string(&record).expect("record");
    let retention = "retention = \"Usage events for 25 months on a rolling basis\"";
    assert!(original.contains(retention), "{original}");
    let with_stop = original.replace(
        retention,
        "retention = \"Usage events for 25 months on a rolling basis.\"",
    );
    for (text, case) in [(&original, "without"), (&with_stop, "with")] {
        std::fs::write(&record, text).expect("write record");
        for id in ["sunset-outfitters-ccpa", "sunset-outfitters-gdpr"] {
            let annex = body(ws.path(), id);
            assert!(
                annex.contains("Retention while the Services continue.]; Usage events for 25 months on a rolling basis.\n"),
                "{id}, value {case} a full stop:\n{annex}"
            );
            assert!(!annex.contains("rolling basis.."), "{id}:\n{annex}");
        }
    }
}

// A combined agreement covers only the side whose frameworks apply: the document of a US-only
// vendor reads like the CCPA addendum, that of a European-only vendor like the GDPR DPA.

/// The European terms that an agreement covering only US data neither defines nor uses.
const EUROPEAN_TERMS: [&str; 6] = [
    "GDPR",
    "UK GDPR",
    "FADP",
    "EEA",
    "Restricted Transfer",
    "SCCs",
];

fn assert_no_european_terms(id: &str, text: &str) {
    for term in EUROPEAN_TERMS {
        assert!(
            !text.contains(&format!("#strong[\"{term}\"]; means")),
            "`{term}` defined in {id}:\n{text}"
        );
    }
    for word in [
        "GDPR",
        "FADP",
        "EEA",
        "Article 28",
        "European Union",
        "Role under the GDPR",
        "\"supervisory authority\"",
        "special categories of personal data",
        "criminal convictions",
    ] {
        assert!(!text.contains(word), "`{word}` in {id}:\n{text}");
    }
    // Annex I.B speaks of the CCPA's own category, which the interpretation sentence names.
    assert!(
        text.contains("sensitive personal information"),
        "Annex I.B of {id} names sensitive personal information:\n{text}"
    );
}

#[test]
fn a_combined_agreement_with_only_californian_data_has_no_european_terms() {
    // AdReach, a CCPA third party of the root workspace, has only Californian data, and the
    // company has an EU representative, whom its Annex I.A does not name.
    let text = body(&repo(), "adreach");
    assert_no_european_terms("adreach", &text);
    assert!(
        text.contains("#strong[\"CCPA\"]; means the California Consumer Privacy Act"),
        "{text}"
    );
    assert!(
        text.contains("including, to the extent they apply, the CCPA and the consumer privacy laws of other States of the United States."),
        "{text}"
    );
    assert!(
        text.contains(
            "that satisfies any requirement of Data Protection Laws that it be in writing."
        ),
        "{text}"
    );
    assert!(
        text.contains("applicable law requires AdReach itself to store. A duty of"),
        "{text}"
    );
    assert!(text.contains("Role under the CCPA"), "{text}");
    // It is the one agreement with this vendor: it does not call itself a CCPA addendum.
    assert!(
        text.contains("\"Addendum\"]; means this data processing addendum"),
        "{text}"
    );
    assert!(!text.contains("This Addendum applies only to"), "{text}");

    // The saas-vendor example's Californian-only customer gets one combined agreement, which
    // has no European terms either.
    let ws = saas_vendor(|c| c);
    let text = body(ws.path(), "fieldwork-labs");
    assert_no_european_terms("fieldwork-labs", &text);
    assert!(text.contains("#strong[\"CCPA\"]; means"), "{text}");
}

#[test]
fn a_combined_agreement_with_only_european_data_does_not_define_the_ccpa() {
    let ws = saas_vendor(|c| c);
    for (root, id) in [
        (repo(), "payroll-uk"),
        (ws.path().to_path_buf(), "meridian-sante"),
        (ws.path().to_path_buf(), "alpenpost"),
    ] {
        let text = body(&root, id);
        for word in [
            "CCPA",
            "California",
            "service provider",
            "\"personal information\"",
            "\"business\"",
            "States of the United States",
        ] {
            assert!(!text.contains(word), "`{word}` in {id}:\n{text}");
        }
        assert!(
            text.contains(
                "including, to the extent they apply, the GDPR, the UK GDPR and the FADP."
            ),
            "{id}:\n{text}"
        );
        assert!(
            text.contains("#strong[\"GDPR\"]; means Regulation (EU) 2016/679"),
            "{id}:\n{text}"
        );
        assert!(
            text.contains("only a requirement of the law of the European Union"),
            "{id}:\n{text}"
        );
        assert!(
            text.contains("(including Article 28(9) of the GDPR)"),
            "{id}:\n{text}"
        );
    }
}

#[test]
fn a_combined_agreement_with_californian_and_european_data_defines_both() {
    for id in ["acme-analytics", "pipeline-crm", "suryadesk"] {
        let text = body(&repo(), id);
        for term in [
            "CCPA",
            "EEA",
            "FADP",
            "GDPR",
            "Restricted Transfer",
            "UK GDPR",
        ] {
            assert!(
                text.contains(&format!("#strong[\"{term}\"]; means")),
                "`{term}` undefined in {id}:\n{text}"
            );
        }
        assert!(
            text.contains("including, to the extent they apply, the GDPR, the UK GDPR, the FADP, the CCPA and the consumer privacy laws of other States of the United States."),
            "{id}:\n{text}"
        );
        assert!(
            text.contains("including any service provider or contractor so engaged within the meaning of the CCPA."),
            "{id}:\n{text}"
        );
        assert!(
            text.contains("(including Article 28(9) of the GDPR)"),
            "{id}:\n{text}"
        );
        assert!(text.contains("\"supervisory authority\""), "{id}:\n{text}");
    }
}
