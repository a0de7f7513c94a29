//! Diffs of other people's documents: nothing invisible, markup is not wording, front matter unwrapped or refused.

use crate::common::{dpa, repo, runner, stderr, stdout};
use proptest::prelude::*;

fn markup(name: &str) -> String {
    repo()
        .join("tests/fixtures/markup")
        .join(name)
        .display()
        .to_string()
}

fn summary_line(out: &str) -> String {
    out.lines()
        .rev()
        .find(|l| l.contains(" modified, "))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn markup_only_revisions_report_no_change() {
    for pair in ["lists", "links", "headings"] {
        let o = dpa(
            &repo(),
            &[
                "diff",
                &markup(&format!("{pair}-old.md")),
                &markup(&format!("{pair}-new.md")),
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{pair}: {}", stderr(&o));
        let line = summary_line(&stdout(&o));
        assert!(
            line.starts_with("0 modified, 0 added, 0 removed, 0 moved, 0 renumbered, 77 unchanged"),
            "{pair}: {line}"
        );
    }
}

#[test]
fn front_matter_page_is_unwrapped_and_diffs_like_the_plain_revisions() {
    let fm = dpa(
        &repo(),
        &[
            "diff",
            &markup("frontmatter-old.md"),
            &markup("frontmatter-new.md"),
        ],
    );
    assert_eq!(fm.status.code(), Some(0), "{}", stderr(&fm));
    assert!(
        stderr(&fm).contains("carries its text in front matter (`text`)"),
        "{}",
        stderr(&fm)
    );
    let corpus = repo().join("tests/fixtures/corpus/github-dpa");
    let plain = dpa(
        &repo(),
        &[
            "diff",
            &corpus
                .join("01-2020-07-17-9f2a7e3.md")
                .display()
                .to_string(),
            &corpus
                .join("02-2020-07-22-4efbcd0.md")
                .display()
                .to_string(),
        ],
    );
    assert_eq!(stdout(&fm), stdout(&plain));
    assert!(summary_line(&stdout(&fm)).starts_with("4 modified"));
}

#[test]
fn front_matter_that_cannot_be_unwrapped_exits_2_naming_file_and_field() {
    let o = dpa(
        &repo(),
        &[
            "diff",
            &markup("frontmatter-quoted-old.md"),
            &markup("frontmatter-quoted-new.md"),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("frontmatter-quoted-old.md: front-matter field `text`"),
        "{err}"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn a_document_with_no_clauses_exits_2_instead_of_reporting_no_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.md");
    let b = dir.path().join("b.md");
    // Prose a person can read is read by its paragraphs: the change is reported, never "none".
    std::fs::write(&a, "Plain prose with no headings.\n\nMore prose.\n").expect("write");
    std::fs::write(&b, "Other prose with no headings.\n").expect("write");
    let o = dpa(
        dir.path(),
        &["diff", &a.display().to_string(), &b.display().to_string()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stdout(&o).contains("no changes"), "{}", stdout(&o));
    // A document with no words at all is refused, naming it.
    let empty = dir.path().join("empty.md");
    std::fs::write(&empty, "\n\n").expect("write");
    let o = dpa(
        dir.path(),
        &[
            "diff",
            &a.display().to_string(),
            &empty.display().to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("empty.md"), "{}", stderr(&o));
}

const WORDS: [&str; 10] = [
    "processor",
    "shall",
    "data",
    "notify",
    "without",
    "delay",
    "audit",
    "customer",
    "subprocessor",
    "records",
];

/// One generated piece of a document, its words as indices into [`WORDS`].
#[derive(Debug, Clone)]
enum Piece {
    /// `## N. words`, numbered in order.
    Heading(Vec<usize>),
    /// `N.K words`, a numbered paragraph under the last heading.
    Numbered(u8, Vec<usize>),
    /// An HTML list numbered (a), (b) by its `type` attribute.
    List(Vec<usize>, Vec<usize>),
    /// A Markdown link to an anchor.
    Link(u8, Vec<usize>),
    /// An HTML link to an anchor.
    Anchor(u8, Vec<usize>),
    /// Bold text and a line break.
    Bold(Vec<usize>),
    /// A bullet.
    Bullet(Vec<usize>),
    /// A paragraph.
    Plain(Vec<usize>),
}

fn piece() -> impl Strategy<Value = Piece> {
    let phrase = || prop::collection::vec(0..WORDS.len(), 1..7);
    prop_oneof![
        phrase().prop_map(Piece::Heading),
        (1..10u8, phrase()).prop_map(|(k, p)| Piece::Numbered(k, p)),
        (phrase(), phrase()).prop_map(|(p, q)| Piece::List(p, q)),
        (0..5u8, phrase()).prop_map(|(t, p)| Piece::Link(t, p)),
        (0..5u8, phrase()).prop_map(|(t, p)| Piece::Anchor(t, p)),
        phrase().prop_map(Piece::Bold),
        phrase().prop_map(Piece::Bullet),
        phrase().prop_map(Piece::Plain),
    ]
}

/// The Markdown of the pieces, wrapped in a folded front-matter string or not, and the words a
/// reader of the page sees, in order.
fn page(pieces: &[Piece], wrapped: bool) -> (String, Vec<String>) {
    let words = |p: &[usize]| -> Vec<String> { p.iter().map(|&w| WORDS[w].to_string()).collect() };
    let mut n = 0;
    let mut src = "## 0. start\n\n".to_string();
    let mut expected: Vec<String> = vec!["0".into(), "start".into()];
    for piece in pieces {
        let (md, visible) = match piece {
            Piece::Heading(p) => {
                n += 1;
                let mut v = vec![n.to_string()];
                v.extend(words(p));
                (format!("## {n}. {}\n\n", words(p).join(" ")), v)
            }
            Piece::Numbered(k, p) => {
                let mut v = vec![format!("{n}.{k}")];
                v.extend(words(p));
                (format!("{}\n\n", v.join(" ")), v)
            }
            Piece::List(p, q) => {
                let mut v = vec!["a.".to_string()];
                v.extend(words(p));
                v.push("b.".to_string());
                v.extend(words(q));
                let md = format!(
                    "<ol type=\"a\" class=\"x\"><li>{}</li><li><b>{}</b></li></ol>\n\n",
                    words(p).join(" "),
                    words(q).join(" ")
                );
                (md, v)
            }
            Piece::Link(t, p) => (format!("[{}](#t{t})\n\n", words(p).join(" ")), words(p)),
            Piece::Anchor(t, p) => (
                format!("<a href=\"#t{t}\">{}</a>\n\n", words(p).join(" ")),
                words(p),
            ),
            Piece::Bold(p) => (format!("**{}**<br/>\n", words(p).join(" ")), words(p)),
            Piece::Bullet(p) => {
                let mut v = vec!["-".to_string()];
                v.extend(words(p));
                (format!("- {}\n\n", words(p).join(" ")), v)
            }
            Piece::Plain(p) => (format!("{}\n\n", words(p).join(" ")), words(p)),
        };
        src.push_str(&md);
        expected.extend(visible);
    }
    let input = if wrapped && src.split_whitespace().count() >= 40 {
        let body: String = src
            .lines()
            .map(|l| {
                if l.is_empty() {
                    "\n".to_string()
                } else {
                    format!("  {l}\n")
                }
            })
            .collect();
        format!("---\ntitle: generated\ntext: >+\n{body}---\n")
    } else {
        format!("---\ntitle: generated\n---\n{src}")
    };
    (input, expected)
}

#[test]
fn property_concatenated_clause_texts_are_the_reader_visible_text() {
    let strategy = (prop::collection::vec(piece(), 1..26), any::<bool>());
    let result = runner(200).run(&strategy, |(pieces, wrapped)| {
        let (input, expected) = page(&pieces, wrapped);
        let doc = dpa::documents::parse(
            dpa::documents::Kind::Markdown,
            input.as_bytes(),
            &dpa::documents::Limits::default(),
        );
        let doc = match doc {
            Ok(doc) => doc,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{input}"))),
        };
        let mut seen = Vec::new();
        for s in &doc.sections {
            seen.extend(s.number.iter().map(|x| x.to_string()));
            seen.extend(
                s.title
                    .iter()
                    .flat_map(|t| t.split_whitespace().map(String::from)),
            );
            seen.extend(s.text.split_whitespace().map(String::from));
        }
        prop_assert_eq!(seen, expected, "{}", input);
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

fn common_paper(rev: &str) -> String {
    crate::common::fixture_revision("tests/fixtures/docx/common-paper-dpa", rev)
}

#[test]
fn common_paper_revisions_read_as_clauses_and_only_the_signature_block_changed() {
    let old = dpa::documents::read(
        std::path::Path::new(&common_paper("01")),
        &dpa::documents::Limits::default(),
    )
    .expect("reads");
    let numbered: Vec<_> = old
        .sections
        .iter()
        .filter_map(|s| s.number.clone())
        .collect();
    assert!(old.sections.len() >= 15, "{}", old.sections.len());
    assert!(
        numbered.contains(&"3.4".to_string()) && numbered.contains(&"11.20".to_string()),
        "{numbered:?}"
    );
    let s11 = old
        .sections
        .iter()
        .find(|s| s.number.as_deref() == Some("1.1"))
        .expect("1.1");
    assert_eq!(s11.title.as_deref(), Some("Provider as Processor"));
    assert!(
        old.sections
            .iter()
            .any(|s| s.title.as_deref() == Some("Approved Subprocessors"))
    );
    let o = dpa(
        &repo(),
        &[
            "diff",
            &common_paper("01"),
            &common_paper("02"),
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let changed: Vec<String> = v["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .filter(|c| c["status"] != "unchanged")
        .map(|c| c["status"].to_string() + " " + &c["new"]["title"].to_string())
        .collect();
    assert_eq!(
        changed,
        ["\"modified\" \"PROVIDER: {company_name} | CUSTOMER: {company_name}\""]
    );
}
