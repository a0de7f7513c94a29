//! Property test: any text a record carries into the agreement reaches Typst as a string literal and compiles.

use crate::common::{Record, runner};
use proptest::prelude::*;
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

/// Text of 1 to 8 pieces, some followed by a space; one in 40 repeated 200 times.
fn random_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((prop::sample::select(PIECES), 0..3u8), 1..9),
        0..40u8,
    )
        .prop_map(|(pieces, long)| {
            let mut s = String::new();
            for (piece, space) in pieces {
                s.push_str(piece);
                if space == 0 {
                    s.push(' ');
                }
            }
            if long == 0 { s.repeat(200) } else { s }
        })
}

/// A record carrying the seven generated texts in the name, address, signatory title, purpose,
/// a data category and a sub-processor's name and purpose.
fn record(f: &[String; 7]) -> String {
    Record::vendor(&f[0])
        .set("address", f[1].as_str())
        .set("signatory.title", f[2].as_str())
        .regions(&["US-CA", "EEA"])
        .list("processing.purposes", &[&f[3]])
        .list("processing.data_categories", &[&f[4], "Email address"])
        .push(
            "subprocessors",
            &[
                ("name", f[5].as_str().into()),
                ("country", "IE".into()),
                ("purpose", f[6].as_str().into()),
            ],
        )
        .toml()
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
    let fields = prop::array::uniform7(random_text())
        // Values that are blank after cleaning would be refused as empty required fields.
        .prop_filter("no blank field", |f| f.iter().all(|x| !clean(x).is_empty()));
    let case = std::cell::Cell::new(0);
    let result = runner(60).run(&fields, |fields| {
        case.set(case.get() + 1);
        std::fs::write(dir.path().join("vendors/p.toml"), record(&fields)).expect("write");
        let mut diags = Diagnostics::new();
        let Some(vendor) = ws.load_vendor("p", &mut diags) else {
            return Err(TestCaseError::fail(format!("record refused: {diags:?}")));
        };
        let prepared = ws.prepare(
            vendor,
            &DocOptions {
                final_: false,
                version: "draft".into(),
            },
            &mut diags,
        );
        let Some(prepared) = prepared else {
            return Err(TestCaseError::fail(format!("not assembled: {diags:?}")));
        };
        let source = &prepared.assembled.source;
        let root = typst::syntax::parse(source);
        prop_assert!(
            root.errors_and_warnings().0.is_empty(),
            "generated Typst does not parse: {:?}",
            root.errors_and_warnings().0.first()
        );
        let literals = string_literals(source);
        for (i, f) in fields.iter().enumerate() {
            prop_assert!(
                literals.contains(&clean(f)),
                "field {i} {f:?} is not a string literal of the source"
            );
        }
        // Compiling is slower; every fifth case goes all the way to a PDF.
        if case.get() % 5 == 1 {
            let out = ws.render(&renderer, &prepared, None, &mut diags);
            prop_assert!(out.is_some(), "does not compile: {diags:?}");
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
