//! `dpa render --as-of` on the processor side: each customer's Annex III as it stands on a
//! date, and a render key that follows it.

use std::path::Path;

use crate::common::*;

/// Records that the Vectorline notice went to Alpenpost on 2027-01-10 (30 days: no objection
/// by 2027-02-09), so that it joins Alpenpost's Annex III on its effective date, 2027-03-01.
fn notified(root: &Path) {
    let path = root.join("customers/alpenpost.toml");
    let text = std::fs::read_to_string(&path).expect("record");
    std::fs::write(
        &path,
        format!(
            "{text}\n[[notices]]\nsubprocessor = \"Vectorline AI Ltd\"\nsent_on = 2027-01-10\n"
        ),
    )
    .expect("write");
}

fn typst(root: &Path, id: &str) -> String {
    std::fs::read_to_string(root.join(format!("out/{id}/{id}.typ"))).expect("typ")
}

fn render_key(root: &Path, id: &str) -> String {
    let text =
        std::fs::read_to_string(root.join(format!("out/{id}/manifest.json"))).expect("manifest");
    let m: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    m["render"]["key"].as_str().expect("key").to_string()
}

#[test]
fn an_intended_subprocessor_is_in_the_preview_from_its_effective_date() {
    let ws = saas_vendor();
    notified(ws.path());
    let out = dpa(ws.path(), &["render", "alpenpost", "--as-of", "2027-02-28"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = typst(ws.path(), "alpenpost");
    assert!(before.contains("Amazon Web Services EMEA SARL"), "{before}");
    assert!(!before.contains("Vectorline"), "{before}");
    let key_before = render_key(ws.path(), "alpenpost");

    let out = dpa(ws.path(), &["render", "alpenpost", "--as-of", "2027-03-01"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let on = typst(ws.path(), "alpenpost");
    assert!(on.contains("Vectorline AI Ltd"), "{on}");
    assert_ne!(render_key(ws.path(), "alpenpost"), key_before);

    // Not told: it stays out whatever the date.
    let out = dpa(
        ws.path(),
        &["render", "fieldwork-labs", "--as-of", "2027-06-01"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!typst(ws.path(), "fieldwork-labs").contains("Vectorline"));

    // check selects Annex III by the same date.
    let out = dpa(ws.path(), &["check", "alpenpost", "--as-of", "2027-03-01"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_date_that_changes_an_annex_iii_re_renders_it_and_an_unchanged_run_does_not() {
    let ws = saas_vendor();
    notified(ws.path());
    let run = |date: &str| {
        let out = dpa(ws.path(), &["render", "--all", "--as-of", date]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out).lines().last().unwrap_or_default().to_string()
    };
    assert_eq!(run("2027-02-28"), "8 rendered, 0 unchanged");
    let key = render_key(ws.path(), "alpenpost");
    assert_eq!(run("2027-02-28"), "0 rendered, 8 unchanged");
    // Another date with the same Annex III everywhere: nothing to render.
    assert_eq!(run("2027-02-20"), "0 rendered, 8 unchanged");
    // On the effective date only Alpenpost's Annex III changes.
    assert_eq!(run("2027-03-01"), "1 rendered, 7 unchanged");
    assert!(typst(ws.path(), "alpenpost").contains("Vectorline AI Ltd"));
    assert_ne!(render_key(ws.path(), "alpenpost"), key);
    assert_eq!(run("2027-03-01"), "0 rendered, 8 unchanged");
    // And back: the earlier Annex III is rendered again, not left stale.
    assert_eq!(run("2027-02-28"), "1 rendered, 7 unchanged");
    assert!(!typst(ws.path(), "alpenpost").contains("Vectorline"));
    assert_eq!(render_key(ws.path(), "alpenpost"), key);
}

#[test]
fn as_of_is_refused_where_it_changes_nothing_and_with_final() {
    let vendors = example_workspace();
    let out = dpa(
        vendors.path(),
        &["render", "--all", "--as-of", "2027-03-01"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--as-of is for the processor side"),
        "{}",
        stderr(&out)
    );

    let ws = saas_vendor();
    let out = dpa(
        ws.path(),
        &["render", "alpenpost", "--final", "--as-of", "2027-03-01"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("drop --final or --as-of"),
        "{}",
        stderr(&out)
    );
}
