//! The same contract written out by other people's programs reads as the same clauses.
//!
//! Fixtures (tests/fixtures/crossformat, made by its `make.sh`): two revisions each of two
//! published legal documents (CC0), as their Markdown source, as a Word file written by pandoc
//! and re-saved by LibreOffice, as a web page written by pandoc, and as PDFs printed by
//! LibreOffice and by Chromium (in one column and in two). Every format of one revision must
//! compare unchanged with every other, and every format must find between the two revisions
//! exactly the clauses the Markdown diff finds.

use std::path::PathBuf;

use dpa_text::diff::{Report, Status, diff};
use dpa_text::documents::{Document, Kind, Limits, parse};

/// A published document: its name, the Markdown source of two revisions, and the formats it is
/// written out in (the fixture of revision R in format F is `crossformat/R.F`).
struct Published {
    revisions: [(&'static str, &'static str); 2],
    formats: &'static [&'static str],
}

const ALL: &[&str] = &[
    "md",
    "html",
    "pandoc.docx",
    "libreoffice.docx",
    "libreoffice.pdf",
    "chromium.pdf",
    "chromium-columns.pdf",
];

const DOCUMENTS: [Published; 2] = [
    Published {
        revisions: [
            (
                "03-2020-08-03-8854f0a",
                "corpus/github-dpa/03-2020-08-03-8854f0a.md",
            ),
            (
                "04-2020-10-01-9d99038",
                "corpus/github-dpa/04-2020-10-01-9d99038.md",
            ),
        ],
        formats: ALL,
    },
    Published {
        revisions: [
            (
                "corporate-terms-2017-06-12",
                "site-policy/docs/github-corporate-terms-of-service/bf420bace2f40aa4719393dac9bc012a72dad0f7.md",
            ),
            (
                "corporate-terms-2017-07-06",
                "site-policy/docs/github-corporate-terms-of-service/a167058d9180616dc7210b96f83077ddd0396faf.md",
            ),
        ],
        // Its summary is a table; PDF tables are not read as rows yet.
        formats: &["md", "html", "pandoc.docx", "libreoffice.docx"],
    },
];

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn read((revision, source): (&str, &str), format: &str) -> Document {
    let path = if format == "md" {
        fixtures().join(source)
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
    for doc in &DOCUMENTS {
        for revision in doc.revisions {
            let docs: Vec<(&str, Document)> = doc
                .formats
                .iter()
                .map(|f| (*f, read(revision, f)))
                .collect();
            for (i, (a, da)) in docs.iter().enumerate() {
                for (b, db) in &docs[i + 1..] {
                    let found = changes(&diff(&da.clauses(), &db.clauses()));
                    if !found.is_empty() {
                        failures.push(format!(
                            "{} {a} -> {b}: {} changes: {}",
                            revision.0,
                            found.len(),
                            found.iter().take(6).cloned().collect::<Vec<_>>().join("; ")
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_format_finds_the_clauses_the_source_diff_finds() {
    let mut failures = Vec::new();
    for doc in &DOCUMENTS {
        let [old, new] = doc.revisions;
        let want = changes(&diff(
            &read(old, "md").clauses(),
            &read(new, "md").clauses(),
        ));
        assert!(!want.is_empty(), "{}: the revisions differ", new.0);
        for format in &doc.formats[1..] {
            let got = changes(&diff(
                &read(old, format).clauses(),
                &read(new, format).clauses(),
            ));
            if got != want {
                failures.push(format!("{} {format}: want {want:?}, got {got:?}", new.0));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
