//! The same contract written out by other people's programs reads as the same clauses.
//!
//! Fixtures (tests/fixtures/crossformat, made by its `make.sh`): two revisions of a published
//! data protection addendum (CC0), as their Markdown source, as a Word file written by pandoc and
//! re-saved by LibreOffice, as a web page written by pandoc, and as PDFs printed by LibreOffice
//! and by Chromium. Every format of one revision must compare unchanged with every other, and
//! every format must find between the two revisions exactly the clauses the Markdown diff finds.

use std::path::PathBuf;

use dpa_text::diff::{Report, Status, diff};
use dpa_text::documents::{Document, Kind, Limits, parse};

const REVISIONS: [&str; 2] = ["03-2020-08-03-8854f0a", "04-2020-10-01-9d99038"];
const FORMATS: [&str; 6] = [
    "md",
    "html",
    "pandoc.docx",
    "libreoffice.docx",
    "libreoffice.pdf",
    "chromium.pdf",
];

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn read(revision: &str, format: &str) -> Document {
    let path = if format == "md" {
        fixtures().join(format!("corpus/github-dpa/{revision}.md"))
    } else {
        fixtures().join(format!("crossformat/{revision}.{format}"))
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let kind = Kind::sniff(&path, &bytes);
    parse(kind, &bytes, &Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What a reviewer is shown: every clause that is not unchanged, by number and title.
fn changes(report: &Report) -> Vec<String> {
    report
        .clauses
        .iter()
        .filter(|c| c.status != Status::Unchanged)
        .map(|c| {
            let side = c.new.as_ref().or(c.old.as_ref()).expect("a side");
            format!(
                "{} {} {}",
                c.status.as_str(),
                side.number.as_deref().unwrap_or("-"),
                side.title.as_deref().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn one_revision_in_every_format_compares_unchanged() {
    let mut failures = Vec::new();
    for revision in REVISIONS {
        let docs: Vec<(&str, Document)> = FORMATS.iter().map(|f| (*f, read(revision, f))).collect();
        for (i, (a, da)) in docs.iter().enumerate() {
            for (b, db) in &docs[i + 1..] {
                let report = diff(&da.clauses(), &db.clauses());
                let found = changes(&report);
                if !found.is_empty() {
                    failures.push(format!(
                        "{revision} {a} -> {b}: {} changes: {}",
                        found.len(),
                        found.iter().take(6).cloned().collect::<Vec<_>>().join("; ")
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_format_finds_the_clauses_the_source_diff_finds() {
    let source = diff(
        &read(REVISIONS[0], "md").clauses(),
        &read(REVISIONS[1], "md").clauses(),
    );
    let want = changes(&source);
    assert_eq!(want.len(), 5, "{want:?}");
    let mut failures = Vec::new();
    for format in &FORMATS[1..] {
        let report = diff(
            &read(REVISIONS[0], format).clauses(),
            &read(REVISIONS[1], format).clauses(),
        );
        let got = changes(&report);
        if got != want {
            failures.push(format!("{format}: {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "want {want:?}\n{}",
        failures.join("\n")
    );
}
