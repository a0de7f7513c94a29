//! Bounded mutational fuzzing of every parser, run by `cargo test` on the stable toolchain, as
//! shrinking property tests.
//!
//! Each target applies a generated list of edits (delete, insert a token, flip a byte, insert
//! brackets, duplicate a span, insert ASCII) to a seed input (the example records, the built-in
//! clauses, the corpus) and asserts that nothing panics and that generated Typst always parses.
//! `DPA_FUZZ_CASES` sets the number of inputs per target (default 256; the worker target runs a
//! tenth). The runs are deterministic; a failure is shrunk to the fewest, smallest edits and the
//! input printed. A crash found becomes a regression case in `REGRESSIONS` below. For long runs
//! with coverage guidance, the same targets run under cargo-fuzz (`fuzz/`).

use proptest::prelude::*;

use crate::common::runner;

use dpa::diag::Diagnostics;
use dpa::library::clause::{self, Origin};
use dpa::library::when::Expr;

const TOKENS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "=",
    "\n",
    "#",
    "\\",
    "+++",
    "*",
    "_",
    "`",
    "|",
    "-",
    "1.",
    "(a)",
    "{{",
    "}}",
    "{%",
    "%}",
    "\u{0}",
    "\u{FEFF}",
    "é",
    "\u{E000}",
    "\u{E001}",
    "and",
    "or",
    "not",
    "in",
    "==",
    "!=",
    "(",
    ")",
    ",",
    "1979-05-27",
    "2025-02-30",
    "true",
    "nan",
    "inf",
    "[[subprocessors]]",
    "[processing]",
    "<",
    ">",
    "&",
    "$",
    "@",
];

/// One edit of an input. Positions and lengths are taken modulo the input's length when the edit
/// is applied, so every generated edit applies and shrinking moves them towards the start.
#[derive(Debug, Clone)]
enum Edit {
    Delete { at: usize, len: usize },
    Token { at: usize, token: usize },
    Byte { at: usize, value: u8 },
    Brackets { at: usize, count: usize },
    Duplicate { from: usize, len: usize, at: usize },
    Ascii { at: usize, bytes: Vec<u8> },
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = any::<usize>();
    prop_oneof![
        (at, 0..40usize).prop_map(|(at, len)| Edit::Delete { at, len }),
        (at, 0..TOKENS.len()).prop_map(|(at, token)| Edit::Token { at, token }),
        (at, any::<u8>()).prop_map(|(at, value)| Edit::Byte { at, value }),
        (at, 0..300usize).prop_map(|(at, count)| Edit::Brackets { at, count }),
        (at, 0..200usize, any::<usize>()).prop_map(|(from, len, at)| Edit::Duplicate {
            from,
            len,
            at
        }),
        (at, prop::collection::vec(0..0x80u8, 0..8))
            .prop_map(|(at, bytes)| Edit::Ascii { at, bytes }),
    ]
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(edit(), 1..7)
}

/// The bytes after the edits, in order.
fn apply(input: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut bytes = input.to_vec();
    for e in edits {
        let at = |n: usize| n % (bytes.len() + 1);
        match e {
            Edit::Delete { at: a, len } => {
                let start = at(*a);
                let end = (start + len).min(bytes.len());
                bytes.drain(start..end);
            }
            Edit::Token { at: a, token } => {
                let a = at(*a);
                bytes.splice(a..a, TOKENS[*token].bytes()).for_each(drop);
            }
            Edit::Byte { at: a, value } if !bytes.is_empty() => {
                let i = a % bytes.len();
                bytes[i] = *value;
            }
            Edit::Brackets { at: a, count } => {
                let a = at(*a);
                bytes
                    .splice(a..a, std::iter::repeat_n(b'[', *count))
                    .for_each(drop);
            }
            Edit::Duplicate { from, len, at: a } if !bytes.is_empty() => {
                let start = from % bytes.len();
                let end = (start + len).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                let a = at(*a);
                bytes.splice(a..a, copy).for_each(drop);
            }
            Edit::Ascii { at: a, bytes: b } => {
                let a = at(*a);
                bytes.splice(a..a, b.iter().copied()).for_each(drop);
            }
            Edit::Byte { .. } | Edit::Duplicate { .. } => {}
        }
    }
    bytes
}

fn mutate(input: &str, edits: &[Edit]) -> String {
    String::from_utf8_lossy(&apply(input.as_bytes(), edits)).into_owned()
}

/// Inputs per target: `DPA_FUZZ_CASES`, or 256.
fn cases() -> u32 {
    std::env::var("DPA_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

/// Runs `check` on mutants of the seeds; a panic fails the test with the smallest input found.
fn fuzz(name: &str, seeds: &[String], check: impl Fn(&str)) {
    let started = std::time::Instant::now();
    let result = runner(cases()).run(&(0..seeds.len(), edits()), |(seed, edits)| {
        check(&mutate(&seeds[seed], &edits));
        Ok(())
    });
    if let Err(failure) = result {
        let input = match &failure {
            proptest::test_runner::TestError::Fail(_, (seed, edits)) => {
                format!("{:?}", mutate(&seeds[*seed], edits))
            }
            other => format!("{other}"),
        };
        panic!("{name}: {failure}\nthe smallest failing input:\n{input}");
    }
    eprintln!("{name}: {} inputs in {:.1?}", cases(), started.elapsed());
}

fn files(dir: &str, ext: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("seed dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push(std::fs::read_to_string(&p).expect("seed file"));
            }
        }
    }
    out.sort();
    out
}

/// Inputs that once crashed a target; each must keep passing.
const REGRESSIONS: &[&str] = &[
    "",
    "+++\n+++\n",
    "name = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1",
];

#[test]
fn fuzz_vendor_records() {
    let mut seeds = files("vendors", "toml");
    seeds.extend(REGRESSIONS.iter().map(|s| s.to_string()));
    fuzz("vendor records", &seeds, |input| {
        let mut d = Diagnostics::new();
        let v = dpa::model::vendor::load("v", "vendors/v.toml", input, &mut d);
        assert!(
            v.is_some() || d.has_errors(),
            "a refused record must say why"
        );
        let _ = dpa::diag::render(&d.into_vec(), &|_: &str| Some(input.to_string()), false);
    });
}

#[test]
fn fuzz_clause_front_matter_and_when() {
    let mut seeds = files("clauses", "md");
    seeds.extend(REGRESSIONS.iter().map(|s| s.to_string()));
    fuzz("clause files", &seeds, |input| {
        let mut d = Diagnostics::new();
        let c = clause::parse(Origin::Workspace("clauses/x.md".into()), input, &mut d);
        assert!(c.is_some() || d.has_errors());
        let _ = dpa::diag::render(&d.into_vec(), &|_: &str| Some(input.to_string()), false);
    });
    let conditions: Vec<String> = vec![
        "processing.ccpa_role in ['service_provider', 'contractor'] and not has_subprocessors"
            .into(),
        "(scc.module == 2 or scc.module == 3) and 'US-CA' in processing.regions".into(),
        "transfers.mechanism != 'none' and frameworks".into(),
    ];
    fuzz("when conditions", &conditions, |input| {
        if let Ok(e) = Expr::parse(input) {
            let _ = e.eval(&serde_json::json!({"processing": {"ccpa_role": "contractor"}, "scc": {"module": 2}}));
            let _ = e.check_paths(dpa::select::known_paths());
        }
    });
}

#[test]
fn fuzz_markdown_to_typst() {
    let mut seeds: Vec<String> = files("clauses", "md")
        .into_iter()
        .map(|c| c.split("+++").nth(2).unwrap_or("").to_string())
        .collect();
    seeds.push(format!(
        "Vendor {} *x* [](#a)",
        dpa::assemble::escape::encode_value("#\"]")
    ));
    fuzz("markdown to typst", &seeds, |input| {
        if let Ok(c) =
            dpa::assemble::markdown::convert(input, &|id| (id == "a").then(|| "1.1".to_string()))
        {
            let root = typst::syntax::parse(&c.typst);
            assert!(
                root.errors_and_warnings().0.is_empty(),
                "generated Typst does not parse: {:?}\nfrom {input:?}\n{}",
                root.errors_and_warnings()
                    .0
                    .first()
                    .map(|e| e.message.clone()),
                c.typst
            );
        }
    });
}

#[test]
fn fuzz_contract_segmentation_and_diff() {
    let seeds: Vec<String> = files("tests/fixtures/corpus/github-dpa", "md")
        .into_iter()
        .map(|t| t.chars().take(6000).collect())
        .collect();
    // The new revision is the mutant with its first half edited once more.
    fuzz("contract segmentation", &seeds, |input| {
        let a = dpa::diff::segment_markdown(input);
        let half = input.len() / 2;
        let revised = mutate(
            input,
            &[Edit::Duplicate {
                from: 0,
                len: 120,
                at: half,
            }],
        );
        let b = dpa::diff::segment_markdown(&revised);
        let report = dpa::diff::diff(&a, &b);
        let _ = dpa::diff::to_text(&report, false, false);
        let _ = dpa::diff::to_html(&report, "t");
    });
}

#[test]
fn fuzz_review_of_text_documents() {
    let mut seeds = files("tests/fixtures/review", "md");
    seeds
        .iter_mut()
        .for_each(|s| *s = s.chars().take(8000).collect());
    let mut d = Diagnostics::new();
    let library = dpa::library::Library::load(None, &mut d);
    let rules = dpa::review::Rules::load(None, &mut d);
    assert!(d.is_empty(), "{d:?}");
    let reqs: Vec<_> = library
        .requirements()
        .iter()
        .filter(|r| r.framework == dpa::model::facts::Framework::Gdpr)
        .collect();
    fuzz("review of text documents", &seeds, |input| {
        for kind in [dpa::documents::Kind::Markdown, dpa::documents::Kind::Text] {
            let limits = dpa::documents::Limits::default();
            if let Ok(doc) = dpa::documents::parse(kind, input.as_bytes(), &limits) {
                let findings = dpa::review::review(&doc.clauses(), &reqs, &rules).findings;
                assert_eq!(findings.len(), reqs.len());
            }
        }
    });
}

/// PDF and DOCX bytes, mutated, through the bounded worker process the library starts (here,
/// this test binary started again).
#[test]
fn fuzz_pdf_and_docx_readers_in_the_worker() {
    use dpa::documents::{Kind, Limits, read_bytes};
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let limits = Limits::default();
    let pdf = std::fs::read(root.join("tests/fixtures/review/eu-scc-art28.pdf")).expect("pdf");
    let docx = std::fs::read(root.join("tests/fixtures/review/eu-scc-art28.docx")).expect("docx");
    // Byte edits only: the token and bracket edits are text mutations.
    let byte_edit = prop_oneof![
        (any::<usize>(), 0..4000usize).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, value)| Edit::Byte { at, value }),
        (any::<usize>(), 0..5000usize).prop_map(|(at, count)| Edit::Brackets { at, count }),
        (any::<usize>(), 0..4000usize, any::<usize>())
            .prop_map(|(from, len, at)| Edit::Duplicate { from, len, at }),
    ];
    let strategy = (any::<bool>(), prop::collection::vec(byte_edit, 1..9));
    let started = std::time::Instant::now();
    let runs = (cases() / 10).max(24);
    let result = runner(runs).run(&strategy, |(is_pdf, edits)| {
        let (kind, seed) = if is_pdf {
            (Kind::Pdf, &pdf)
        } else {
            (Kind::Docx, &docx)
        };
        let bytes = apply(seed, &edits);
        // Either clauses or a reason naming the input; never a hang, never a crash of this process.
        let name = format!("mutant.{}", kind.as_str());
        match read_bytes(&name, std::path::Path::new(&name), &bytes, &limits) {
            Ok(doc) => prop_assert!(doc.sections.len() <= limits.clauses),
            Err(why) => prop_assert!(why.to_string().starts_with(&name), "{why}"),
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("pdf/docx worker: {failure}");
    }
    eprintln!(
        "pdf/docx worker: {runs} inputs in {:.1?}",
        started.elapsed()
    );
}
