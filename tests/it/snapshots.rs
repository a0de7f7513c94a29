//! Snapshot tests of the generated Typst for every example vendor (the house-style prelude excluded).

use std::path::PathBuf;

use dpa::assemble::DocOptions;
use dpa::diag::Diagnostics;
use dpa::workspace::Workspace;

fn workspace() -> Workspace {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut diags = Diagnostics::new();
    let ws = Workspace::open(&root, &mut diags).expect("the repository is a workspace");
    assert!(!diags.has_errors(), "{diags:?}");
    ws
}

#[test]
fn generated_typst_of_example_vendors() {
    let ws = workspace();
    let mut diags = Diagnostics::new();
    let ids = ws.vendor_ids(&mut diags);
    assert_eq!(ids.len(), 6);
    let prelude = std::fs::read_to_string(ws.root.join("templates/dpa.typ")).expect("prelude");
    for id in ids {
        let vendor = ws.load_vendor(&id, &mut diags).expect("vendor loads");
        let options = DocOptions {
            final_: true,
            version: "1".into(),
        };
        let prepared = ws
            .prepare(vendor, &options, &mut diags)
            .expect("vendor assembles");
        assert!(!diags.has_errors(), "{diags:?}");
        let body = prepared
            .assembled
            .source
            .strip_prefix(&prelude)
            .expect("source starts with the prelude");
        insta::assert_snapshot!(format!("typst_{id}"), body);
    }
}

#[test]
fn manifest_clause_lists_of_example_vendors() {
    let ws = workspace();
    let mut diags = Diagnostics::new();
    let mut lines = String::new();
    for id in ws.vendor_ids(&mut diags) {
        let vendor = ws.load_vendor(&id, &mut diags).expect("vendor loads");
        let prepared = ws
            .prepare(
                vendor,
                &DocOptions {
                    final_: false,
                    version: "draft".into(),
                },
                &mut diags,
            )
            .expect("assembles");
        lines.push_str(&format!(
            "{id} [{}] module {:?}\n",
            dpa::model::facts::Framework::join(&prepared.app.frameworks),
            prepared.app.scc_module
        ));
        for c in &prepared.assembled.clauses {
            lines.push_str(&format!(
                "  {:<10} {} v{}  {}\n",
                c.number, c.id, c.version, c.title
            ));
        }
    }
    insta::assert_snapshot!("clause_lists", lines);
}
