//! The second front end, `examples/frontend.rs`: status, render and review through the
//! library's pipeline alone, with no clap and nothing of `src/cli/`.
//!
//! `cargo test` compiles the example as a program; this test compiles the same file as a
//! module and calls its `run`, so the code the example runs is the code tested, without
//! building a second binary from inside a test. Its results are checked against the `dpa`
//! binary's own output for the same workspace.

use crate::common::{dpa, example_workspace, repo};

#[allow(dead_code)]
#[path = "../../examples/frontend.rs"]
mod example;

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn the_example_front_end_runs_status_render_and_review_as_the_command_line_does() {
    let ws = example_workspace();
    let root = ws.path();
    let document = repo().join("tests/fixtures/review/eu-scc-art28.md");
    let out = root.join("front");
    let shown = example::run(root, "acme-analytics", &document, &out).expect("the front end runs");

    // status: the tracker's rows, as `dpa status` lists them.
    let status = json(&dpa(root, &["status", "--format", "json"]));
    let ids: Vec<&str> = status["vendors"]
        .as_array()
        .expect("vendors")
        .iter()
        .map(|v| v["vendor"].as_str().expect("id"))
        .collect();
    let shown_ids: Vec<&str> = shown.status.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(shown_ids, ids);
    assert_eq!(shown_ids.len(), 6, "{shown_ids:?}");
    assert!(
        shown.status.iter().all(|(_, state)| state == "not signed"),
        "{:?}",
        shown.status
    );

    // render: the draft PDF, as `dpa render` makes it.
    let (pdf, pages) = shown.rendered.expect("acme-analytics renders");
    assert_eq!(pdf, out.join("acme-analytics/acme-analytics.pdf"));
    let bytes = std::fs::read(&pdf).expect("the PDF is written");
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    let cli = dpa(root, &["render", "acme-analytics"]);
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert!(
        String::from_utf8_lossy(&cli.stdout).contains(&format!("  {pages} pages  draft")),
        "{pages} pages: {}",
        String::from_utf8_lossy(&cli.stdout)
    );

    // review: the same findings as `dpa review --vendor`.
    let doc = document.display().to_string();
    let cli = json(&dpa(
        root,
        &[
            "review",
            &doc,
            "--vendor",
            "acme-analytics",
            "--format",
            "json",
        ],
    ));
    let c = &shown.review.counts;
    assert_eq!(
        [c.satisfied, c.partial, c.missing, c.unchecked],
        ["satisfied", "partial", "missing", "unchecked"]
            .map(|k| cli["counts"][k].as_u64().expect("count") as usize)
    );
    assert!(c.satisfied > 0, "{c:?}");
    assert_eq!(shown.review.vendor.as_deref(), Some("acme-analytics"));
}
