//! Property test: any text a record carries into the agreement reaches Typst as a string literal and compiles.

use crate::common::Rng;
use std::collections::HashSet;

use dpa::assemble::DocOptions;
use dpa::assemble::escape::clean;
use dpa::diag::Diagnostics;
use dpa::workspace::Workspace;

const PIECES: &[&str] = &[
    "#read(\"/etc/passwd\")",
    "*bold*",
    "_em_",
    "$x^2$",
    "\\",
    "]",
    "[",
    "{{ x }}",
    "{% if %}",
    "{# c #}",
    "<script>alert(1)</script>",
    "&amp;",
    "@ref",
    "<label>",
    "// comment",
    "/* c */",
    "`raw`",
    "= heading",
    "- item",
    "+ item",
    "1. item",
    "~",
    "'",
    "\"",
    "\u{0007}",
    "\t",
    "\n",
    "e\u{0301}",
    "\u{202E}RTL\u{202C}",
    "שלום",
    "مرحبا",
    "Ελληνικά",
    "Кириллица",
    "Łódź",
    "naïve",
    "🙂",
    "\u{200B}",
    "|",
    "---",
    "http://example.com",
    "#let x = 1",
    "#set page(width: 1pt)",
    "\u{E000}",
    "\u{E001}",
    "%",
    ";",
    "word",
];

fn random_text(rng: &mut Rng) -> String {
    let n = 1 + rng.below(8);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(PIECES[rng.below(PIECES.len())]);
        if rng.below(3) == 0 {
            s.push(' ');
        }
    }
    if rng.below(40) == 0 {
        s = s.repeat(200);
    }
    s
}

/// A TOML basic string holding `s` exactly.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn record(f: &[String; 7]) -> String {
    format!(
        r#"name = {}
address = {}
country = "US"
[contact]
name = "C"
title = "T"
email = "c@v.example"
[signatory]
name = "S"
title = {}
[service]
description = "Hosted widgets"
starts = 2025-01-15
[processing]
regions = ["US-CA", "EEA"]
role = "on_behalf"
purposes = [{}]
data_subjects = ["Users"]
data_categories = [{}, "Email address"]
frequency = "continuous"
retention = "One year"
[[subprocessors]]
name = {}
country = "IE"
purpose = {}
"#,
        toml_str(&f[0]),
        toml_str(&f[1]),
        toml_str(&f[2]),
        toml_str(&f[3]),
        toml_str(&f[4]),
        toml_str(&f[5]),
        toml_str(&f[6]),
    )
}

/// The values of every string literal in a Typst source.
fn string_literals(source: &str) -> HashSet<String> {
    let root = typst::syntax::parse(source);
    let mut out = HashSet::new();
    fn walk(node: &typst::syntax::SyntaxNode, out: &mut HashSet<String>) {
        if let Some(s) = node.cast::<typst::syntax::ast::Str>() {
            out.insert(s.get().to_string());
        }
        for child in node.children() {
            walk(child, out);
        }
    }
    walk(&root, &mut out);
    out
}

#[test]
fn record_text_reaches_typst_as_string_literals() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/dpa.toml"),
        dir.path().join("dpa.toml"),
    )
    .expect("copy");
    std::fs::create_dir_all(dir.path().join("vendors")).expect("mkdir");
    let mut diags = Diagnostics::new();
    let ws = Workspace::open(dir.path(), &mut diags).expect("workspace");
    let renderer = dpa::render::Renderer::new(Some(dir.path().to_path_buf()));
    let seed = 0x5eed_u64;
    let mut rng = Rng(seed);
    let cases = 60;
    for case in 0..cases {
        let fields: [String; 7] = std::array::from_fn(|_| random_text(&mut rng));
        // Values that are blank after cleaning would be refused as empty required fields.
        if fields.iter().any(|f| clean(f).is_empty()) {
            continue;
        }
        std::fs::write(dir.path().join("vendors/p.toml"), record(&fields)).expect("write");
        let mut diags = Diagnostics::new();
        let vendor = ws
            .load_vendor("p", &mut diags)
            .unwrap_or_else(|| panic!("case {case} (seed {seed}): record refused: {diags:?}"));
        let prepared = ws
            .prepare(
                vendor,
                &DocOptions {
                    final_: false,
                    version: "draft".into(),
                },
                &mut diags,
            )
            .unwrap_or_else(|| panic!("case {case}: not assembled: {diags:?}"));
        let source = &prepared.assembled.source;
        let root = typst::syntax::parse(source);
        assert!(
            root.errors_and_warnings().0.is_empty(),
            "case {case}: generated Typst does not parse: {:?}",
            root.errors_and_warnings().0.first()
        );
        let literals = string_literals(source);
        for (i, f) in fields.iter().enumerate() {
            let expected = clean(f);
            assert!(
                literals.contains(&expected),
                "case {case}: field {i} {f:?} is not a string literal of the source"
            );
        }
        // Compiling is slower; every fifth case goes all the way to a PDF.
        if case % 5 == 0 {
            let out = ws.render(&renderer, &prepared, None, &mut diags);
            assert!(out.is_some(), "case {case}: does not compile: {diags:?}");
        }
    }
}
