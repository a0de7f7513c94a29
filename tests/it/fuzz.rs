//! Bounded mutational fuzzing of every parser, run by `cargo test` on the stable toolchain.
//!
//! Each target mutates seed inputs (the example records, the built-in clauses, the corpus) for a
//! time budget (`DPA_FUZZ_SECONDS`, default 3 seconds per target) and asserts that nothing panics
//! and that generated Typst always parses. The seed of a failing run is printed; a crash found
//! becomes a regression case in `REGRESSIONS` below.

use crate::common::Rng;
use std::time::{Duration, Instant};

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

fn mutate(rng: &mut Rng, input: &str) -> String {
    let mut bytes = input.as_bytes().to_vec();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(6) {
            0 if !bytes.is_empty() => {
                let end = (at + rng.below(40)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            1 => bytes
                .splice(at..at, TOKENS[rng.below(TOKENS.len())].bytes())
                .for_each(drop),
            2 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] = (rng.next() & 0xff) as u8;
            }
            3 => bytes
                .splice(at..at, "[".repeat(rng.below(300)).bytes())
                .for_each(drop),
            4 if !bytes.is_empty() => {
                let start = rng.below(bytes.len());
                let end = (start + rng.below(200)).min(bytes.len());
                let copy: Vec<u8> = bytes[start..end].to_vec();
                bytes.splice(at..at, copy).for_each(drop);
            }
            _ => bytes
                .splice(at..at, (0..rng.below(8)).map(|_| (rng.next() & 0x7f) as u8))
                .for_each(drop),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn budget() -> Duration {
    let secs = std::env::var("DPA_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3.0);
    Duration::from_secs_f64(secs)
}

fn fuzz(name: &str, seeds: &[String], mut check: impl FnMut(&str)) {
    let seed = 0xC0FFEE ^ name.len() as u64;
    let mut rng = Rng(seed);
    let started = Instant::now();
    let mut runs = 0u64;
    while started.elapsed() < budget() || runs < 200 {
        let base = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, base);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&input)));
        assert!(
            outcome.is_ok(),
            "{name}: panic on input (seed {seed:#x}, run {runs}):\n{input:?}"
        );
        runs += 1;
    }
    eprintln!("{name}: {runs} inputs in {:.1?}", started.elapsed());
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
    let mut rng = Rng(7);
    fuzz("contract segmentation", &seeds, |input| {
        let a = dpa::diff::segment_markdown(input);
        let b = dpa::diff::segment_markdown(&mutate(&mut rng, input));
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
                let (findings, _) = dpa::review::review(&doc.clauses(), &reqs, &rules);
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
    let mut rng = Rng(0xD0C5);
    let started = Instant::now();
    let mut runs = 0;
    while started.elapsed() < budget() || runs < 24 {
        let (kind, seed) = if runs % 2 == 0 {
            (Kind::Pdf, &pdf)
        } else {
            (Kind::Docx, &docx)
        };
        let mut bytes = seed.clone();
        for _ in 0..1 + rng.below(8) {
            match rng.below(4) {
                0 => {
                    let at = rng.below(bytes.len());
                    bytes.truncate(at.max(16));
                }
                1 => {
                    let i = rng.below(bytes.len());
                    bytes[i] = (rng.next() & 0xff) as u8;
                }
                2 => {
                    let at = rng.below(bytes.len());
                    bytes
                        .splice(at..at, std::iter::repeat_n(b'[', rng.below(5000)))
                        .for_each(drop);
                }
                _ => {
                    let start = rng.below(bytes.len());
                    let end = (start + rng.below(4000)).min(bytes.len());
                    let copy = bytes[start..end].to_vec();
                    let at = rng.below(bytes.len());
                    bytes.splice(at..at, copy).for_each(drop);
                }
            }
        }
        // Either clauses or a reason naming the input; never a hang, never a crash of this process.
        let name = format!("mutant.{}", kind.as_str());
        match read_bytes(&name, std::path::Path::new(&name), &bytes, &limits) {
            Ok(doc) => assert!(doc.sections.len() <= limits.clauses),
            Err(why) => assert!(why.to_string().starts_with(&name), "{why}"),
        }
        runs += 1;
    }
    eprintln!(
        "pdf/docx worker: {runs} inputs in {:.1?}",
        started.elapsed()
    );
}
