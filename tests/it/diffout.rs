//! Diff outputs a reviewer can trust: the Word redline (accept all = new, reject all = old, opens in
//! LibreOffice), Markdown for pull requests, hostile text in every format, formatting notes, and
//! budgets that say when they ran out.

use std::path::{Path, PathBuf};
use std::process::Command;

use dpa::diff::{self, Budgets, Clause};
use dpa::documents;

use crate::common::{dpa, repo, stderr, stdout};

fn corpus(rev: &str) -> String {
    crate::common::fixture_revision("tests/fixtures/corpus/github-dpa", rev)
}

/// Runs `dpa` with a fixed `SOURCE_DATE_EPOCH`, so the redline's revision dates are reproducible.
fn dpa_dated(root: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dpa"))
        .arg("-C")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1764669600")
        .output()
        .expect("run dpa")
}

fn document_xml(docx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip package");
    let mut f = zip.by_name("word/document.xml").expect("word/document.xml");
    let mut s = String::new();
    std::io::Read::read_to_string(&mut f, &mut s).expect("utf-8");
    s
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The paragraphs of `document.xml` with every tracked change accepted (`accept`) or rejected,
/// computed from the XML alone: inserted runs kept or dropped, deleted runs dropped or restored,
/// and a paragraph whose mark is deleted (accepting) or inserted (rejecting) joined to the next.
fn resolve(xml: &str, accept: bool) -> Vec<String> {
    let mut paragraphs = Vec::new();
    let mut para = String::new();
    let (mut in_ins, mut in_del, mut in_ppr) = (0usize, 0usize, false);
    let mut mark: Option<&str> = None;
    let mut text_open: Option<&str> = None;
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        let content = &rest[..lt];
        if let Some(kind) = text_open {
            let keep = match kind {
                "t" => in_del == 0 && (accept || in_ins == 0),
                _ => in_ins == 0 && !accept,
            };
            if keep {
                para.push_str(&unescape(content));
            }
        }
        let gt = rest[lt..].find('>').expect("closed tag") + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or("");
        let closing = tag.starts_with('/');
        let empty = tag.ends_with('/');
        match (name, closing, empty) {
            ("w:p", false, false) => mark = None,
            ("w:p", true, _) => {
                let joined = match mark {
                    Some("del") => accept,
                    Some("ins") => !accept,
                    _ => false,
                };
                if joined {
                    // The joined paragraph's text runs on into the next one.
                    para.push(' ');
                } else {
                    paragraphs.push(std::mem::take(&mut para));
                }
            }
            ("w:pPr", false, false) => in_ppr = true,
            ("w:pPr", true, _) => in_ppr = false,
            ("w:ins", false, true) if in_ppr => mark = Some("ins"),
            ("w:del", false, true) if in_ppr => mark = Some("del"),
            ("w:ins", false, false) => in_ins += 1,
            ("w:ins", true, _) => in_ins -= 1,
            ("w:del", false, false) => in_del += 1,
            ("w:del", true, _) => in_del -= 1,
            ("w:t", false, false) => text_open = Some("t"),
            ("w:delText", false, false) => text_open = Some("delText"),
            ("w:t" | "w:delText", true, _) => text_open = None,
            _ => {}
        }
    }
    paragraphs
}

/// Comparison form: quotes and dashes unified (formatting follows the new document), whitespace collapsed.
fn plain(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn clauses_text(clauses: &[Clause]) -> String {
    let mut out = String::new();
    for c in clauses {
        for part in [
            c.number.as_deref(),
            c.title.as_deref(),
            Some(c.text.as_str()),
        ]
        .into_iter()
        .flatten()
        {
            out.push_str(part);
            out.push(' ');
        }
    }
    plain(&out)
}

fn read(path: &str) -> Vec<Clause> {
    documents::read(Path::new(path), &documents::Limits::default())
        .expect("reads")
        .clauses()
}

/// Writes the redline of OLD -> NEW and checks accept-all and reject-all against the documents.
fn check_redline(old: &str, new: &str, out: &Path) -> String {
    let o = dpa_dated(
        &repo(),
        &[
            "diff",
            old,
            new,
            "--format",
            "docx",
            "--output",
            &out.display().to_string(),
            "--author",
            "Counsel & Co",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(out).expect("redline written");
    let xml = document_xml(&bytes);
    assert!(xml.contains("w:author=\"Counsel &amp; Co\" w:date=\"2025-12-02T10:00:00Z\""));
    // The first paragraph is the title; the clauses follow.
    let accepted = resolve(&xml, true);
    let rejected = resolve(&xml, false);
    assert_eq!(plain(&accepted[1..].join("\n")), clauses_text(&read(new)));
    assert_eq!(plain(&rejected[1..].join("\n")), clauses_text(&read(old)));
    xml
}

#[test]
fn redline_of_corpus_01_to_02_accepts_to_the_new_text_and_rejects_to_the_old() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("redline.docx");
    let xml = check_redline(&corpus("01"), &corpus("02"), &out);
    // Real tracked changes, and the clause structure kept as headings.
    assert!(xml.contains("<w:ins w:id="), "no insertion");
    assert!(
        xml.contains("<w:delText xml:space=\"preserve\">by the Core Online Services</w:delText>")
    );
    assert!(xml.contains("<w:t xml:space=\"preserve\">to provide the Service</w:t>"));
    assert!(xml.matches("<w:pStyle w:val=\"Heading2\"/>").count() > 20);
    // Read back by dpa's own Word reader (tracked changes accepted), it has the new version's words.
    let back =
        documents::read(&out, &documents::Limits::default()).expect("the redline reads back");
    assert!(back.tracked_changes);
    let title = plain(&format!("{} → {}", corpus("01"), corpus("02")));
    let words = clauses_text(&back.clauses());
    assert_eq!(
        words.strip_prefix(&title).map(str::trim),
        Some(clauses_text(&read(&corpus("02"))).as_str())
    );
}

#[test]
fn redline_with_added_removed_moved_and_renumbered_clauses_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (old, new) = (dir.path().join("old.md"), dir.path().join("new.md"));
    std::fs::write(
        &old,
        "Preamble words.\n\n## 1. Scope\nThis applies to all processing.\n\n## 2. Audit\nAudits once a year.\n\n\
         ## 3. Security\nThe processor keeps data safe.\nSecond paragraph.\n\n## 4. Gone\nThis clause is removed entirely.\n\n\
         ## 5. Notices\nNotices in writing to the address on file.\n",
    )
    .expect("write");
    std::fs::write(
        &new,
        "Preamble words.\n\n## 1. Scope\nThis applies to all processing.\n\n## 2. Security\nThe processor keeps data encrypted.\n\n\
         A new second paragraph.\n\n## 3. Audit\nAudits once a year.\n\n## 4. Fresh\nA clause that is new & <odd>.\n\n\
         ## 7. Notices\nNotices in writing to the address on file.\n",
    )
    .expect("write");
    let (old, new) = (old.display().to_string(), new.display().to_string());
    let statuses = diff::diff(&read(&old), &read(&new)).summary;
    assert!(
        statuses.added == 1
            && statuses.removed == 1
            && statuses.modified >= 1
            && statuses.renumbered >= 1,
        "{statuses:?}"
    );
    check_redline(&old, &new, &dir.path().join("r.docx"));
}

#[test]
fn redline_of_the_common_paper_word_revisions_round_trips() {
    let dir = repo().join("tests/fixtures/docx/common-paper-dpa");
    let mut revs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect();
    revs.sort();
    let out = tempfile::tempdir().expect("tempdir");
    check_redline(
        &revs[0].display().to_string(),
        &revs[1].display().to_string(),
        &out.path().join("cp.docx"),
    );
}

#[test]
fn libreoffice_converts_the_redline() {
    // LibreOffice is required, never skipped: CI installs it (`.ci/run`).
    let probe = crate::common::tool("soffice")
        .arg("--version")
        .output()
        .expect(
            "LibreOffice (soffice) must be installed: .ci/run installs libreoffice-writer-nogui",
        );
    assert!(probe.status.success());
    let dir = tempfile::tempdir().expect("tempdir");
    let docx = dir.path().join("redline.docx");
    let o = dpa_dated(
        &repo(),
        &[
            "diff",
            &corpus("01"),
            &corpus("02"),
            "--format",
            "docx",
            "-o",
            &docx.display().to_string(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let profile = dir.path().join("profile");
    let o = crate::common::tool("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "txt:Text", "--outdir"])
        .arg(dir.path())
        .arg(&docx)
        .output()
        .expect("run soffice");
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.path().join("redline.txt")).expect("converted text");
    assert!(text.contains("Standard Contractual Clauses"), "{text}");
    assert!(text.contains("to provide the Service"), "{text}");
}

#[test]
fn docx_format_refuses_a_terminal_and_the_library_form() {
    let o = dpa(
        &repo(),
        &["diff", "--library", "HEAD", "HEAD", "--format", "docx"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--format docx"), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------------
// Hostile text in every format.

const HOSTILE_OLD: &str = "# Agreement <b>of</b> | pipes\n\n\
## 1. Markup <i>inside</i> `code`\n\
The | pipe | and *stars* and [link](http://evil.example) and \\<script>alert(1)\\</script> & &amp;amp; entities.\n\n\
## 2. Long words\n\
Short then Pneumonoultramicroscopicsilicovolcanoconiosis-Pneumonoultramicroscopicsilicovolcanoconiosis-Pneumonoultramicroscopicsilicovolcanoconiosis end.\n\n\
## 3. Scripts\n\
Hebrew \u{5e9}\u{5dc}\u{5d5}\u{5dd} and Arabic \u{645}\u{631}\u{62d}\u{628}\u{627} with e\u{301} combining and \u{202e}override\u{202c} here.\n\n\
## 4. Backticks\n\
Run ``rm `-rf` `` then ~~~ and \\# not a heading and 1\\. not a list.\n\n\
## 5. Removed\n\
A clause that goes, with | pipes | and ]( brackets.\n";

const HOSTILE_NEW: &str = "# Agreement <b>of</b> | pipes\n\n\
## 1. Markup <i>inside</i> `code`\n\
The | pipe | and ** | table | ** and [link](http://evil.example) and \\<img src=x onerror=alert(1)> & &amp;amp; entities.\n\n\
## 2. Long words\n\
Short then Pneumonoultramicroscopicsilicovolcanoconiosis-Pneumonoultramicroscopicsilicovolcanoconiosis-Hippopotomonstrosesquippedaliophobia end.\n\n\
## 3. Scripts\n\
Hebrew \u{5e9}\u{5dc}\u{5d5}\u{5dd} \u{5e2}\u{5d5}\u{5dc}\u{5dd} and Arabic \u{645}\u{631}\u{62d}\u{628}\u{627} with a\u{301}\u{308} combining and \u{202e}reversed\u{202c} here.\n\n\
## 4. Backticks\n\
Run ``rm `-rf /` `` then ``` and \\# not a heading and 2\\) not a list.\n\n\
## 6. Added | col | <u>x</u>\n\
\\|---\\|---\\| and \\[x\\]\\(javascript:alert(1)\\) and ~~~~ and $x$ and @everyone.\n";

fn hostile_outputs() -> Vec<(&'static str, String)> {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("old.md"), HOSTILE_OLD).expect("write");
    std::fs::write(dir.path().join("new.md"), HOSTILE_NEW).expect("write");
    ["text", "json", "markdown", "html"]
        .into_iter()
        .map(|format| {
            let o = dpa(
                dir.path(),
                &["diff", "old.md", "new.md", "--format", format],
            );
            assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
            (format, stdout(&o))
        })
        .collect()
}

#[test]
fn hostile_text_snapshots_in_every_format() {
    for (format, out) in hostile_outputs() {
        insta::assert_snapshot!(format!("diff_hostile_{format}"), out);
    }
}

#[test]
fn hostile_text_cannot_break_the_markdown() {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let outputs = hostile_outputs();
    let md = &outputs
        .iter()
        .find(|(f, _)| *f == "markdown")
        .expect("markdown")
        .1;
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_MATH);
    let (mut tables, mut headings, mut strong, mut struck) = (0, 0, 0, 0);
    for event in Parser::new_ext(md, opts) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("raw HTML in the Markdown: {h}"),
            Event::Code(c) => panic!("a code span from clause text: {c}"),
            Event::InlineMath(m) | Event::DisplayMath(m) => panic!("math from clause text: {m}"),
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => panic!("a link from clause text"),
            Event::Start(Tag::CodeBlock(_) | Tag::List(_) | Tag::BlockQuote(_)) => {
                panic!("a block from clause text")
            }
            Event::Start(Tag::Table(_)) => tables += 1,
            Event::Start(Tag::Heading { .. }) => headings += 1,
            Event::Start(Tag::Strong) => strong += 1,
            Event::Start(Tag::Strikethrough) => struck += 1,
            _ => {}
        }
    }
    // Our summary table only; the title and one heading per changed clause (4 modified, 1 added, 1 removed).
    assert_eq!(tables, 1, "{md}");
    assert_eq!(headings, 1 + 6, "{md}");
    assert!(strong >= 5 && struck >= 5, "{strong} {struck}\n{md}");
    assert!(
        md.contains("\\<U\\+202E\\>"),
        "bidi override made visible: {md}"
    );
    assert!(!md.contains('\u{202e}'));
}

#[test]
fn hostile_text_cannot_break_the_html_or_the_terminal() {
    let outputs = hostile_outputs();
    let html = &outputs.iter().find(|(f, _)| *f == "html").expect("html").1;
    for bad in [
        "<script",
        "<img",
        "<b>",
        "<i>",
        "<u>",
        "javascript:alert(1)\"",
        "\u{202e}",
    ] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(
        html.contains("&lt;<del>script&gt;</del><ins>img src=x onerror=</ins>alert(1)"),
        "{html}"
    );
    let text = &outputs.iter().find(|(f, _)| *f == "text").expect("text").1;
    assert!(
        !text.contains('\u{202e}') && text.contains("<U+202E>"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&outputs.iter().find(|(f, _)| *f == "json").expect("json").1)
            .expect("valid JSON");
    assert_eq!(json["summary"]["added"], 1);
}

#[test]
fn markdown_for_a_pull_request_has_a_summary_table_and_a_section_per_change() {
    // Paths relative to the repository (`-C` runs there), so the snapshot holds no machine's path.
    let root = format!("{}/", repo().display());
    let (old, new) = (corpus("01"), corpus("02"));
    let (old, new) = (old.trim_start_matches(&root), new.trim_start_matches(&root));
    let o = dpa(&repo(), &["diff", old, new, "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = stdout(&o);
    insta::assert_snapshot!("diff_corpus_01_02_markdown", md);
    assert!(md.contains("| modified | 4 |"));
    assert!(
        md.contains("~~by the Core Online Services~~**to provide the Service**"),
        "{md}"
    );
    assert_eq!(md.matches("\n#### Modified: ").count(), 4);
}

// ---------------------------------------------------------------------------------------------
// Formatting-only changes.

#[test]
fn formatting_only_changes_are_notes_not_wording() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("old.md"),
        "## 1. Scope\nThe \"Processor\" acts - always - under **Annex 3** at [Annex 3](#a3).\n\n## 2. Term\nTwo years.\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("new.md"),
        "## 1. Scope\nThe \u{201c}Processor\u{201d} acts \u{2013} always \u{2013} under Annex 3 at [Annex 3](#annex3).\n\n## 2. Term\n*Two* years.\n",
    )
    .expect("write");
    let plain = dpa(dir.path(), &["diff", "old.md", "new.md", "--exit-code"]);
    assert_eq!(plain.status.code(), Some(0), "{}", stdout(&plain));
    assert!(
        stdout(&plain)
            .starts_with("0 modified, 0 added, 0 removed, 0 moved, 0 renumbered, 2 unchanged"),
        "{}",
        stdout(&plain)
    );
    assert!(
        stderr(&plain).contains("note: 6 formatting-only differences"),
        "{}",
        stderr(&plain)
    );
    let listed = dpa(dir.path(), &["diff", "old.md", "new.md", "--formatting"]);
    insta::assert_snapshot!("diff_formatting_text", stdout(&listed));
    let json = dpa(
        dir.path(),
        &[
            "diff",
            "old.md",
            "new.md",
            "--formatting",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("json");
    let kinds: Vec<&str> = v["formatting"]
        .as_array()
        .expect("formatting notes")
        .iter()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "typography",
            "typography",
            "typography",
            "emphasis",
            "link",
            "emphasis"
        ]
    );
    assert_eq!(v["summary"]["modified"], 0);
    let md = dpa(
        dir.path(),
        &[
            "diff",
            "old.md",
            "new.md",
            "--formatting",
            "--format",
            "markdown",
        ],
    );
    assert!(stdout(&md).contains("#### Formatting only (not counted as changes)"));
}

// ---------------------------------------------------------------------------------------------
// Budgets.

fn heavy_pair() -> (Vec<Clause>, Vec<Clause>) {
    // Renumbered and retitled clauses with edited words: only similarity can pair them.
    let words = |seed: usize, n: usize| -> String {
        (0..n)
            .map(|k| format!("w{}", (k * 7 + seed) % 50))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let clause = |number: String, title: String, text: String| Clause {
        number: Some(number),
        title: Some(title),
        text,
        ..Clause::default()
    };
    let old: Vec<Clause> = (0..12)
        .map(|i| clause(format!("{i}"), format!("Old {i}"), words(i, 300)))
        .collect();
    let new: Vec<Clause> = (0..12)
        .map(|i| {
            let mut t = words(i, 300);
            t.push_str(" extra words at the end");
            clause(format!("{}", i + 20), format!("New {i}"), t)
        })
        .collect();
    (old, new)
}

#[test]
fn an_exhausted_matching_budget_is_reported_never_silent() {
    let (old, new) = heavy_pair();
    let full = diff::diff(&old, &new);
    assert!(full.limits.is_empty(), "{:?}", full.limits);
    let tight = diff::diff_within(
        &old,
        &new,
        &Budgets {
            word_diff: 200,
            similarity: 50,
        },
    );
    assert!(
        tight.limits[0].starts_with("clause matching: ")
            && tight.limits[0].contains("ran past the budget of 50 word reads"),
        "{:?}",
        tight.limits
    );
    assert!(
        tight
            .limits
            .iter()
            .any(|l| l.contains("the word diff ran past its budget of 200 token reads")),
        "{:?}",
        tight.limits
    );
    let text = diff::to_text(&tight, false, false);
    assert!(text.contains("\nlimit: clause matching: "), "{text}");
    let json = diff::to_json(&tight);
    assert_eq!(
        json["limits"].as_array().map(Vec::len),
        Some(tight.limits.len())
    );
    assert!(diff::to_markdown(&tight, "t").contains("#### Limits reached"));
    assert!(diff::to_html(&tight, "t").contains("<h2>Limits reached</h2>"));
}

#[test]
fn a_tight_budget_gives_byte_identical_output_under_heavy_load() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let old = read(&corpus("01"));
    let new = read(&corpus("04"));
    let tight = Budgets {
        word_diff: 2_000,
        similarity: 500,
    };
    let render = || {
        let r = diff::diff_within(&old, &new, &tight);
        format!("{}{}", diff::to_text(&r, false, true), diff::to_json(&r))
    };
    let quiet = render();
    assert!(
        quiet.contains("limit: "),
        "the budget is tight enough to run out"
    );
    let stop = Arc::new(AtomicBool::new(false));
    let burners: Vec<_> = (0..6)
        .map(|_| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut x = 1u64;
                while !stop.load(Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
                }
            })
        })
        .collect();
    let loaded: Vec<String> = (0..3).map(|_| render()).collect();
    stop.store(true, Ordering::Relaxed);
    for b in burners {
        b.join().expect("burner");
    }
    for l in loaded {
        assert_eq!(l, quiet);
    }
}

// ---------------------------------------------------------------------------------------------
// More Word contracts from other hands: a Common Paper Mutual NDA numbered by Word (CC BY 4.0) and
// the GitHub Pre-release License Terms as LibreOffice writes them (CC0 1.0).

fn fixture_docx(folder: &str, rev: &str) -> String {
    repo()
        .join("tests/fixtures/docx")
        .join(folder)
        .join(format!("{rev}.docx"))
        .display()
        .to_string()
}

#[test]
fn common_paper_mnda_reads_word_numbering_and_reports_the_one_edit() {
    let (old, new) = (
        fixture_docx("common-paper-mnda", "01"),
        fixture_docx("common-paper-mnda", "02"),
    );
    let clauses = read(&old);
    let numbered: Vec<(String, String)> = clauses
        .iter()
        .filter_map(|c| Some((c.number.clone()?, c.title.clone()?)))
        .collect();
    assert_eq!(numbered.len(), 11, "{numbered:?}");
    assert_eq!(
        numbered[4],
        ("5".to_string(), "Term and Termination".to_string())
    );
    let o = dpa(&repo(), &["diff", &old, &new]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("modified   5 Term and Termination\n    … this MNDA for any or no reason upon {+thirty (30) days’ +}written notice"),
        "{out}"
    );
    assert!(
        out.ends_with("1 modified, 0 added, 0 removed, 0 moved, 0 renumbered, 11 unchanged\n"),
        "{out}"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    check_redline(&old, &new, &dir.path().join("mnda.docx"));
}

#[test]
fn github_pre_release_terms_from_libreoffice_report_removal_renumbering_and_one_edit() {
    let (old, new) = (
        fixture_docx("github-pre-release", "01"),
        fixture_docx("github-pre-release", "02"),
    );
    assert!(read(&old).iter().filter(|c| c.number.is_some()).count() >= 15);
    let o = dpa(&repo(), &["diff", &old, &new, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(
        v["summary"],
        serde_json::json!({"modified": 1, "added": 0, "removed": 1, "moved": 0, "renumbered": 6, "unchanged": 9})
    );
    let removed: Vec<&serde_json::Value> = v["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .filter(|c| c["status"] == "removed")
        .collect();
    // A Word heading's title is read as Markdown's: without its closing full stop.
    assert_eq!(removed[0]["old"]["title"], "Communications");
    let dir = tempfile::tempdir().expect("tempdir");
    check_redline(&old, &new, &dir.path().join("pre.docx"));
}

/// A minimal Word document: a `Heading 2` clause whose body has a bold word and a link to `target`.
fn word_with_link(bold: bool, target: &str) -> Vec<u8> {
    use std::io::Write as _;
    let w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    let r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let rpr = if bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"{w}\" xmlns:r=\"{r}\"><w:body>\
         <w:p><w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr><w:r><w:t>1.1 Scope</w:t></w:r></w:p>\
         <w:p><w:r><w:t xml:space=\"preserve\">The processor acts only on </w:t></w:r>\
         <w:r>{rpr}<w:t>documented</w:t></w:r>\
         <w:r><w:t xml:space=\"preserve\"> instructions, as set out in </w:t></w:r>\
         <w:hyperlink r:id=\"rId9\"><w:r><w:t>Annex 3</w:t></w:r></w:hyperlink>\
         <w:r><w:t xml:space=\"preserve\"> of this agreement.</w:t></w:r></w:p>\
         </w:body></w:document>"
    );
    let rels = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId9\" Type=\"{r}/hyperlink\" Target=\"{target}\" TargetMode=\"External\"/>\
         </Relationships>"
    );
    let files = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"
                .to_string(),
        ),
        (
            "_rels/.rels",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"{r}/officeDocument\" Target=\"word/document.xml\"/></Relationships>"
            ),
        ),
        ("word/_rels/document.xml.rels", rels),
        ("word/document.xml", document),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in files {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        zip.write_all(text.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

#[test]
fn word_emphasis_and_link_targets_are_formatting_notes() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("old.docx"),
        word_with_link(false, "https://example.com/annex3"),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("new.docx"),
        word_with_link(true, "https://example.com/annexes#3"),
    )
    .expect("write");
    let o = dpa(
        dir.path(),
        &[
            "diff",
            "old.docx",
            "new.docx",
            "--formatting",
            "--exit-code",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        stdout(&o),
        "formatting 1.1 Scope (emphasis): emphasis added: “documented”\n\
         formatting 1.1 Scope (link): link “Annex 3”: target `https://example.com/annex3` became `https://example.com/annexes#3`\n\
         \n0 modified, 0 added, 0 removed, 0 moved, 0 renumbered, 1 unchanged\n"
    );
}

#[test]
fn hostile_text_redline_is_well_formed_and_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (old, new) = (dir.path().join("old.md"), dir.path().join("new.md"));
    std::fs::write(&old, HOSTILE_OLD).expect("write");
    std::fs::write(&new, HOSTILE_NEW).expect("write");
    let xml = check_redline(
        &old.display().to_string(),
        &new.display().to_string(),
        &dir.path().join("hostile.docx"),
    );
    assert!(
        xml.contains(">img src=x onerror=<") && !xml.contains("<img") && !xml.contains("<script")
    );
    // dpa's own Word reader parses it back.
    assert!(
        documents::read(
            &dir.path().join("hostile.docx"),
            &documents::Limits::default()
        )
        .is_ok()
    );
}
