//! Word documents a lawyer would send (house style, live numbering, tracked changes on) and the
//! HTML redline a reviewer reads.

use std::collections::BTreeMap;

use crate::common::*;

/// The number after `attr="` in every element that carries it.
fn attr_values<'a>(html: &'a str, prefix: &str) -> Vec<&'a str> {
    html.match_indices(prefix)
        .filter_map(|(i, _)| {
            let rest = &html[i + prefix.len()..];
            rest.split('"').next()
        })
        .collect()
}

#[test]
fn redline_counts_agree_with_its_summary() {
    let corpus = repo().join("tests/fixtures/corpus/github-dpa");
    let ws = example_workspace();
    for (old, new) in [
        ("01-2020-07-17-9f2a7e3.md", "02-2020-07-22-4efbcd0.md"),
        ("02-2020-07-22-4efbcd0.md", "04-2020-10-01-9d99038.md"),
    ] {
        let out = dpa(
            ws.path(),
            &[
                "diff",
                corpus.join(old).to_str().expect("utf8"),
                corpus.join(new).to_str().expect("utf8"),
                "--format",
                "html",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let html = stdout(&out);
        let json = dpa(
            ws.path(),
            &[
                "diff",
                corpus.join(old).to_str().expect("utf8"),
                corpus.join(new).to_str().expect("utf8"),
                "--format",
                "json",
            ],
        );
        let json: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("json");

        // The summary line and the summary table say the same numbers as the JSON.
        let line = html
            .split("<p class=\"line\">")
            .nth(1)
            .and_then(|s| s.split("</p>").next())
            .expect("summary line");
        let mut summary = BTreeMap::new();
        for part in line.split(", ") {
            let (n, status) = part.split_once(' ').expect("`N status`");
            summary.insert(status.to_string(), n.parse::<usize>().expect("count"));
            assert_eq!(json["summary"][status], n.parse::<usize>().expect("count"));
            assert!(
                html.contains(&format!(
                    "<tr class=\"{status}\"><td>{status}</td><td class=\"n\">{n}</td></tr>"
                )),
                "table row for {status}"
            );
        }
        assert_eq!(summary.len(), 6, "{line}");

        // One section per changed clause, by status; the folds add up to the unchanged count.
        for (status, n) in &summary {
            if status == "unchanged" {
                continue;
            }
            let sections = html
                .matches(&format!("<section class=\"clause {status}\">"))
                .count();
            assert_eq!(sections, *n, "{status} sections");
        }
        let folded: usize = attr_values(&html, "<details class=\"unchanged\" data-count=\"")
            .iter()
            .map(|n| n.parse::<usize>().expect("count"))
            .sum();
        assert_eq!(folded, summary["unchanged"], "{old} -> {new}");
        let total = summary["unchanged"];
        for fold in html
            .split("<details class=\"unchanged\" data-count=\"")
            .skip(1)
        {
            let (n, rest) = fold.split_once('"').expect("count");
            let says = rest
                .split("<summary>")
                .nth(1)
                .and_then(|s| s.split(':').next())
                .expect("fold summary");
            let plural = if total == 1 { "" } else { "s" };
            let expected = if n == total.to_string() {
                format!("{n} unchanged clause{plural}")
            } else {
                format!("{n} of {total} unchanged clause{plural}")
            };
            assert_eq!(says, expected);
            let items = rest
                .split("</details>")
                .next()
                .map_or(0, |s| s.matches("<li>").count());
            assert_eq!(items.to_string(), n, "a fold lists its clauses");
        }
        // Every modified clause has a trimmed excerpt and the whole clause on demand.
        assert_eq!(
            html.matches("<div class=\"text context\">").count(),
            summary["modified"]
        );
        assert_eq!(
            html.matches("<details class=\"whole\"><summary>Whole clause</summary>")
                .count(),
            summary["modified"]
        );
    }
}
