//! Acceptance tests on the real GitHub DPA revisions of the shared corpus.
//!
//! The corpus (public domain, see its README) is kept in `tests/fixtures/corpus/github-dpa`;
//! `DPA_CORPUS_DIR` points elsewhere. A missing corpus fails the tests rather than skipping them.

use std::path::PathBuf;
use std::time::Instant;

use super::*;

fn corpus_dir() -> PathBuf {
    std::env::var_os("DPA_CORPUS_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/corpus/github-dpa"),
        PathBuf::from,
    )
}

/// The corpus revision whose file name starts with `prefix` ("01" … "04").
fn revision(prefix: &str) -> String {
    let dir = corpus_dir();
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("corpus {}: {e}", dir.display()));
    let path = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{prefix}-")))
        })
        .unwrap_or_else(|| panic!("no revision {prefix} in {}", dir.display()));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn diff_md(old: &str, new: &str) -> Report {
    diff(&segment_markdown(old), &segment_markdown(new))
}

/// Number, else title, else "(preamble)", of every clause with the given status.
fn names(report: &Report, status: Status) -> Vec<String> {
    report
        .clauses
        .iter()
        .filter(|c| c.status == status)
        .map(|c| {
            let side = c.new.as_ref().or(c.old.as_ref());
            let number = side.and_then(|s| s.number.clone());
            number
                .or_else(|| side.and_then(|s| s.title.clone()))
                .unwrap_or_else(|| "(preamble)".into())
        })
        .collect()
}

/// Deleted and inserted text of the clause numbered `number`, as (deleted, inserted).
fn edits(report: &Report, number: &str) -> (Vec<String>, Vec<String>) {
    let clause = report
        .clauses
        .iter()
        .find(|c| c.new.as_ref().and_then(|s| s.number.as_deref()) == Some(number));
    let changes = clause.map(|c| c.changes.as_slice()).unwrap_or_default();
    let of = |op: Op| {
        changes
            .iter()
            .filter(|c| c.op == op)
            .map(|c| c.text.clone())
            .collect()
    };
    (of(Op::Delete), of(Op::Insert))
}

fn assert_only(report: &Report, status: Status, expected: &[&str]) {
    assert_eq!(
        names(report, status),
        expected,
        "{}",
        render::to_text(report, false, false)
    );
    let s = &report.summary;
    let changed = s.modified + s.added + s.removed + s.moved + s.renumbered;
    assert_eq!(
        changed,
        expected.len(),
        "{}",
        render::to_text(report, false, false)
    );
}

#[test]
fn corpus_01_to_02_reports_exactly_the_changed_clauses() {
    let report = diff_md(&revision("01"), &revision("02"));
    assert_only(&report, Status::Modified, &["1.1", "2.3", "6.1", "6.3"]);
    assert_eq!(report.summary.unchanged, 73, "{:?}", report.summary);
    let (deleted, inserted) = edits(&report, "1.1");
    assert_eq!(
        (deleted.as_slice(), inserted.as_slice()),
        (&["”-as applicable law".to_owned()][..], &[][..])
    );
    let (deleted, inserted) = edits(&report, "2.3");
    assert!(
        deleted.contains(&"by the Core Online Services".to_owned()),
        "{deleted:?}"
    );
    assert!(
        inserted.contains(&"to provide the Service".to_owned()),
        "{inserted:?}"
    );
    assert!(
        inserted.iter().any(|t| t.contains("Case C-311/18")),
        "{inserted:?}"
    );
    let (_, inserted) = edits(&report, "6.3");
    assert!(
        inserted.iter().any(|t| t.contains("and valid")),
        "{inserted:?}"
    );
}

#[test]
fn corpus_02_to_03_reports_the_edited_clause_and_the_dropped_opt_out() {
    let report = diff_md(&revision("02"), &revision("03"));
    let attachment = "The Standard Contractual Clauses (Processors)";
    assert_only(&report, Status::Modified, &["6.3", "Attachment 1"]);
    let (deleted, inserted) = edits(&report, "6.3");
    assert_eq!((deleted, inserted), (vec!["a ".to_owned()], vec![]));
    let opt_out = report
        .clauses
        .iter()
        .find(|c| c.new.as_ref().and_then(|s| s.title.as_deref()) == Some(attachment));
    let deleted: String = opt_out
        .map(|c| {
            c.changes
                .iter()
                .filter(|c| c.op == Op::Delete)
                .map(|c| c.text.as_str())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        deleted.contains("To opt out of the “Standard Contractual Clauses”"),
        "{deleted}"
    );
    assert!(
        deleted.contains("- a statement that Customer (or Affiliate) opts out"),
        "{deleted}"
    );
}

#[test]
fn corpus_03_to_04_reports_date_privacy_shield_and_link_text_changes() {
    let report = diff_md(&revision("03"), &revision("04"));
    assert_only(
        &report,
        Status::Modified,
        &["(preamble)", "2.3", "5.2", "6.4", "Appendix 1"],
    );
    let (deleted, inserted) = edits(&report, "5.2");
    assert_eq!(deleted, ["help.github.com", "/"]);
    assert_eq!(inserted, ["docs.github.com"]);
}

#[test]
fn swapping_3_1_and_3_2_is_only_a_move() {
    let src = revision("01");
    let (a, b, c) = (
        src.find("#### 3.1 "),
        src.find("#### 3.2 "),
        src.find("#### 3.3 "),
    );
    let (Some(a), Some(b), Some(c)) = (a, b, c) else {
        panic!("3.1-3.3 headings not found")
    };
    let swapped = format!("{}{}{}{}", &src[..a], &src[b..c], &src[a..b], &src[c..]);
    let report = diff_md(&src, &swapped);
    assert_eq!(
        report.summary.moved,
        1,
        "{}",
        render::to_text(&report, false, false)
    );
    assert_eq!(
        report.summary.modified
            + report.summary.added
            + report.summary.removed
            + report.summary.renumbered,
        0
    );
    let text = render::to_text(&report, false, false);
    assert!(
        text.contains("moved      3.") && text.contains("-> after"),
        "{text}"
    );
}

/// Adds `by` to the leading section number of DPA headings numbered `from` (`### 6.`, `#### 6.2`).
fn shift_heading(src: &str, from: u32, by: u32) -> String {
    let mut out = String::with_capacity(src.len());
    for line in src.split_inclusive('\n') {
        let hashes = line.bytes().take_while(|b| *b == b'#').count();
        let rest = &line[hashes..];
        let number = format!(" {from}.");
        if (3..=4).contains(&hashes) && rest.starts_with(&number) {
            out.push_str(&line[..hashes]);
            out.push_str(&format!(" {}.", from + by));
            out.push_str(&rest[number.len()..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

#[test]
fn renumbering_section_6_to_7_is_only_renumbered() {
    let src = revision("01");
    let renumbered = shift_heading(&src, 6, 1);
    let report = diff_md(&src, &renumbered);
    let names = names(&report, Status::Renumbered);
    assert_eq!(
        names,
        ["7", "7.1", "7.2", "7.3", "7.4", "7.5"],
        "{}",
        render::to_text(&report, false, false)
    );
    assert_eq!(report.summary.renumbered, 6);
    assert_eq!(
        report.summary.modified
            + report.summary.added
            + report.summary.removed
            + report.summary.moved,
        0
    );
    // Shifting 6, 7 and 8 up by one, as a real renumbering would, is still only renumbering.
    let cascade = shift_heading(&shift_heading(&shift_heading(&src, 8, 1), 7, 1), 6, 1);
    let report = diff_md(&src, &cascade);
    assert_eq!(
        report.summary.renumbered,
        6 + 8 + 2,
        "{}",
        render::to_text(&report, false, false)
    );
    assert_eq!(
        report.summary.modified
            + report.summary.added
            + report.summary.removed
            + report.summary.moved,
        0
    );
}

#[test]
fn synthetic_five_megabyte_contracts_finish() {
    let (one, two) = (revision("01"), revision("02"));
    let copies = 100;
    // Each copy gets its own customer name, so most clauses are unique across copies.
    let build = |every_third: &str| -> String {
        let pick = |k: usize| {
            if k.is_multiple_of(3) {
                every_third
            } else {
                one.as_str()
            }
        };
        (0..copies)
            .map(|k| {
                format!(
                    "# Schedule {k}\n\n{}",
                    pick(k).replace("Customer", &format!("Customer{k}"))
                )
            })
            .collect()
    };
    let old = build(&one);
    let new = build(&two);
    assert!(old.len() > 4_900_000, "{}", old.len());
    let start = Instant::now();
    let (a, b) = (segment_markdown(&old), segment_markdown(&new));
    let segmented = start.elapsed();
    let report = diff(&a, &b);
    println!(
        "5 MB scale check: {} + {} clauses, segment {:?}, total {:?}: {:?}",
        a.len(),
        b.len(),
        segmented,
        start.elapsed(),
        report.summary
    );
    assert_eq!(report.summary.modified, 4 * 34);
    assert_eq!(
        report.summary.added
            + report.summary.removed
            + report.summary.moved
            + report.summary.renumbered,
        0
    );
}

#[test]
fn random_markdownish_documents_never_panic() {
    const PIECES: [&str; 32] = [
        "# ",
        "## 1. ",
        "### Clause 2: ",
        "#### 2.1 ",
        "1.1 ",
        "1. ",
        "2. ",
        "(a) ",
        "a. ",
        "(iv) ",
        "**",
        "**1. Title.** ",
        "__",
        "*",
        "_",
        "[",
        "](",
        ")",
        "<",
        "<!--",
        "-->",
        "&amp;",
        "\\",
        "\n",
        "\n\n",
        "\n---\n",
        "```\n",
        "- ",
        "| ",
        "Annex I\n",
        "word ",
        "é “q” ",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut docs = Vec::new();
    for _ in 0..300 {
        let len = next(60);
        docs.push(
            (0..len)
                .map(|_| PIECES[next(PIECES.len())])
                .collect::<String>(),
        );
    }
    for pair in docs.windows(2) {
        let report = diff_md(&pair[0], &pair[1]);
        let total = segment_markdown(&pair[0]).len() + segment_markdown(&pair[1]).len();
        let s = &report.summary;
        // Every clause is reported once: matched ones count for two.
        let matched = s.unchanged + s.modified + s.moved + s.renumbered;
        assert_eq!(2 * matched + s.added + s.removed, total);
        let _ = (
            render::to_text(&report, true, true),
            render::to_html(&report, "x"),
            to_json(&report),
        );
    }
}

#[test]
fn a_section_heading_printed_with_or_without_its_number_is_unchanged() {
    let clause = |number: Option<&str>, title: &str, text: &str| Clause {
        key: None,
        number: number.map(String::from),
        title: Some(title.to_string()),
        text: text.to_string(),
    };
    let old = [
        clause(Some("1"), "Definitions", ""),
        clause(
            Some("1.1"),
            "Scope",
            "The processor shall act on instructions.",
        ),
    ];
    let new = [
        clause(None, "Definitions", ""),
        clause(
            Some("1.1"),
            "Scope",
            "The processor shall act on instructions.",
        ),
    ];
    assert!(!diff(&old, &new).summary.has_changes());
    // A clause with text of its own that loses its number is renumbered.
    let old = [clause(Some("2"), "Scope", "The processor shall act.")];
    let new = [clause(None, "Scope", "The processor shall act.")];
    assert_eq!(diff(&old, &new).summary.renumbered, 1);
}
