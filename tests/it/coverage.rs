//! `dpa check` proves coverage of every statutory requirement of spec/requirements.md §1-3.

use crate::common::*;

/// Every requirement id of requirements.md §1-3, as the spec lists them.
const SPEC_IDS: [&str; 83] = [
    "gdpr.28.1",
    "gdpr.28.2.auth",
    "gdpr.28.2.notice",
    "gdpr.28.3.binding",
    "gdpr.28.3.subject",
    "gdpr.28.3.duration",
    "gdpr.28.3.nature",
    "gdpr.28.3.purpose",
    "gdpr.28.3.data_types",
    "gdpr.28.3.subject_categories",
    "gdpr.28.3.controller_rights",
    "gdpr.28.3.a",
    "gdpr.28.3.b",
    "gdpr.28.3.c",
    "gdpr.28.3.d",
    "gdpr.28.3.e",
    "gdpr.28.3.f",
    "gdpr.28.3.g",
    "gdpr.28.3.h",
    "gdpr.28.3.infringe",
    "gdpr.28.4.flowdown",
    "gdpr.28.4.liability",
    "gdpr.28.9.writing",
    "gdpr.28.10.no_own_purpose",
    "gdpr.32.1",
    "gdpr.32.4",
    "gdpr.33.2",
    "gdpr.33.3.content",
    "gdpr.34.assist",
    "gdpr.30.2",
    "gdpr.sens",
    "gdpr.suspend_terminate",
    "ccpa.100d.1",
    "ccpa.100d.2",
    "ccpa.100d.3",
    "ccpa.100d.4",
    "ccpa.100d.5",
    "ccpa.140ag.A",
    "ccpa.140ag.B",
    "ccpa.140ag.C",
    "ccpa.140ag.D",
    "ccpa.140ag.monitor",
    "ccpa.140ag.2",
    "ccpa.140j.A",
    "ccpa.140j.B",
    "ccpa.140j.2",
    "ccpa.7051.a1",
    "ccpa.7051.a2",
    "ccpa.7051.a3",
    "ccpa.7051.a4",
    "ccpa.7051.a5",
    "ccpa.7051.a6",
    "ccpa.7051.a7",
    "ccpa.7051.a8",
    "ccpa.7051.a9",
    "ccpa.7051.a10",
    "ccpa.7051.b",
    "ccpa.7053.a1",
    "ccpa.7053.a2",
    "ccpa.7053.a3",
    "ccpa.7053.a4",
    "ccpa.7053.a5",
    "ccpa.7053.a6",
    "scc.module",
    "scc.7.docking",
    "scc.9a",
    "scc.9b",
    "scc.11a",
    "scc.13",
    "scc.14.tia",
    "scc.15",
    "scc.17",
    "scc.18",
    "scc.annex.1a",
    "scc.annex.1b",
    "scc.annex.1c",
    "scc.annex.2",
    "scc.annex.3",
    "uk.addendum.table1",
    "uk.addendum.table2",
    "uk.addendum.table3",
    "uk.addendum.table4",
    "ch.fadp.adapt",
];

#[test]
fn examples_cover_every_requirement_of_the_spec() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["check", "--coverage", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let vendors = v["vendors"].as_array().expect("vendors");
    assert_eq!(vendors.len(), 6);
    for id in SPEC_IDS {
        let rows: Vec<&serde_json::Value> = vendors
            .iter()
            .flat_map(|vendor| vendor["requirements"].as_array().into_iter().flatten())
            .filter(|r| r["id"] == id)
            .collect();
        assert!(!rows.is_empty(), "{id} applies to no example vendor");
        for r in rows {
            assert_eq!(r["covered"], true, "{id} not covered: {r}");
            assert!(!r["clauses"].as_array().expect("clauses").is_empty());
            assert!(r["citation"].as_str().is_some_and(|c| !c.is_empty()));
        }
    }
}

#[test]
fn a_clause_that_satisfies_nothing_leaves_a_gap() {
    let ws = example_workspace();
    write(
        ws.path(),
        "clauses/audits.md",
        "+++\nid = \"gdpr.audits\"\ntitle = \"Audits\"\nversion = 2\nframeworks = [\"gdpr\"]\nsatisfies = []\norder = 390\n+++\nAudits happen when agreed.\n",
    );
    let out = dpa(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("requirement gdpr.28.3.h (GDPR Art. 28(3)(h))"),
        "{err}"
    );
    assert!(err.contains("vendor `nordhost`"), "{err}");
}

#[test]
fn clause_front_matter_errors_are_located() {
    let ws = example_workspace();
    write(
        ws.path(),
        "clauses/bad.md",
        "+++\nid = \"x.bad\"\ntitle = \"Bad\"\nversion = 1\nframeworks = [\"gdpr\"]\nsatisfies = [\"gdpr.28.3.hh\"]\nwhen = \"processing.ccpa_rol == 'x'\"\norder = 300\n+++\nText.\n",
    );
    let out = dpa(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("clauses/bad.md:7:9"), "{err}");
    assert!(
        err.contains("did you mean `vendor.processing.ccpa_role`?"),
        "{err}"
    );
}

#[test]
fn a_misspelt_template_variable_in_an_override_is_located_at_check() {
    let ws = example_workspace();
    write(
        ws.path(),
        "clauses/audits.md",
        "+++\nid = \"gdpr.audits\"\ntitle = \"Audits\"\nversion = 2\nframeworks = [\"gdpr\"]\nsatisfies = [\"gdpr.28.3.h\"]\norder = 390\n+++\n{{ company.short_name }} may audit\n{{ vendor.short_nmae }} once a year.\n",
    );
    let out = dpa(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("unknown template variable `vendor.short_nmae`"),
        "{err}"
    );
    assert!(err.contains("clauses/audits.md:10:4"), "{err}");
    assert!(err.contains("did you mean `vendor.short_name`?"), "{err}");
}

#[test]
fn clauses_command_lists_and_shows() {
    let ws = example_workspace();
    let list = stdout(&dpa(ws.path(), &["clauses"]));
    assert!(list.contains("gdpr.audits"), "{list}");
    let one = dpa(ws.path(), &["clauses", "gdpr.audits"]);
    assert_eq!(one.status.code(), Some(0));
    let text = stdout(&one);
    assert!(text.contains("built-in (clauses/gdpr/audits.md)"), "{text}");
    assert!(text.contains("gdpr.28.3.h"), "{text}");
}

#[test]
fn examples_cover_every_requirement_of_the_registry() {
    // Every id of the built-in registry, spec-derived or added since (security
    // and breach terms for CCPA and other US states, ...), applies to some
    // example vendor and is covered there.
    let registry: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo().join("clauses/requirements.toml")).expect("registry"),
    )
    .expect("registry parses");
    let ids: Vec<String> = registry["requirement"]
        .as_array()
        .expect("requirements")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect();
    assert!(ids.len() > SPEC_IDS.len(), "{}", ids.len());
    let ws = example_workspace();
    let out = dpa(ws.path(), &["check", "--coverage", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let vendors = v["vendors"].as_array().expect("vendors");
    for id in &ids {
        let rows: Vec<&serde_json::Value> = vendors
            .iter()
            .flat_map(|vendor| vendor["requirements"].as_array().into_iter().flatten())
            .filter(|r| r["id"] == id.as_str())
            .collect();
        assert!(!rows.is_empty(), "{id} applies to no example vendor");
        assert!(rows.iter().all(|r| r["covered"] == true), "{id}: {rows:?}");
    }
}

#[test]
fn legal_review_lists_every_requirement_with_a_mark() {
    let registry: toml::Table = toml::from_str(
        &std::fs::read_to_string(repo().join("clauses/requirements.toml")).expect("registry"),
    )
    .expect("registry parses");
    let review = std::fs::read_to_string(repo().join("docs/legal-review.md")).expect("review");
    for r in registry["requirement"].as_array().expect("requirements") {
        let id = r["id"].as_str().expect("id");
        let mark = r["mark"].as_str().expect("mark");
        let row = review
            .lines()
            .find(|l| l.starts_with(&format!("| `{id}` |")))
            .unwrap_or_else(|| panic!("{id} missing from docs/legal-review.md"));
        let cells: Vec<&str> = row.split(" | ").collect();
        // Reviewed in the review of 2026-12-02 or a later one.
        assert!(
            cells[2].len() == 10 && cells[2] >= "2026-12-02" && cells[2] <= "2026-12-31",
            "{row}"
        );
        assert!(matches!(cells[3], "V" | "S"), "{row}");
        assert_eq!(cells[4], mark, "{row}");
    }
}
