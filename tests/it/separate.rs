//! A separate pair (processor side, `documents = "separate"`) reads as two agreements: the CCPA
//! addendum defines and states only the California terms, the GDPR DPA only the European ones,
//! each points to the other, and a combined agreement keeps both sets.

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
        text.contains("This Addendum applies only to Covered Personal Data that is personal information subject to the CCPA."),
        "{text}"
    );
    assert!(
        text.contains("are set out in a separate data processing addendum between the parties, document DPA-sunset-outfitters-gdpr."),
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
        text.contains("are set out in a separate addendum between the parties, document DPA-sunset-outfitters-ccpa."),
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
