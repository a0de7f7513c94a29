//! Tests of the `when` lexer, parser, validator and evaluator.

use super::*;
use crate::diag::distance;
use serde_json::json;

fn facts() -> Value {
    json!({
        "processing": {
            "ccpa_role": "service_provider",
            "gdpr_role": "processor",
            "regions": ["US-CA", "EEA"],
            "sensitive_data": [],
            "purposes": "hosting and support",
        },
        "transfers": { "mechanism": "scc", "docking_clause": false, "subprocessor_notice_days": 30 },
        "scc": { "module": 2 },
        "company": { "role": "controller" },
        "frameworks": ["ccpa", "gdpr", "scc"],
        "has_subprocessors": true,
        "has_sensitive_data": false,
        "empty_text": "",
        "zero": 0,
        "half": 0.5,
        "empty_obj": {},
        "obj": { "k": 1 },
        "nothing": null,
    })
}

fn ev(src: &str) -> bool {
    match Expr::parse(src) {
        Ok(e) => e.eval(&facts()),
        Err(e) => panic!("{src:?} failed to parse: {e}"),
    }
}

fn err(src: &str) -> WhenError {
    match Expr::parse(src) {
        Ok(e) => panic!("{src:?} parsed as {e:?}"),
        Err(e) => e,
    }
}

const KNOWN: &[&str] = &[
    "processing.ccpa_role",
    "processing.gdpr_role",
    "processing.regions",
    "processing.sensitive_data",
    "transfers",
    "scc.module",
    "company.role",
    "frameworks",
    "has_subprocessors",
    "has_sensitive_data",
    "subprocessors",
];

#[test]
fn equality() {
    assert!(ev("processing.ccpa_role == 'service_provider'"));
    assert!(ev("processing.ccpa_role == \"service_provider\""));
    assert!(!ev("processing.ccpa_role == 'contractor'"));
    assert!(ev("processing.ccpa_role != 'contractor'"));
    assert!(!ev("processing.ccpa_role != 'service_provider'"));
    assert!(ev("transfers.mechanism != 'none'"));
    assert!(ev("'scc' == transfers.mechanism"));
}

#[test]
fn numbers_compare_by_value() {
    assert!(ev("scc.module == 2"));
    assert!(ev("scc.module == 2.0"));
    assert!(ev("2 == 2.0"));
    assert!(!ev("scc.module == 3"));
    assert!(ev("scc.module != '2'"));
    assert!(ev("half == 0.5"));
    assert!(ev("-1 == -1.0"));
    assert!(ev("scc.module in [1, 2.0]"));
    assert!(ev("99999999999999999999 == 99999999999999999999"));
    assert!(ev("9007199254740993 != 9007199254740992"));
}

#[test]
fn booleans_lists_and_missing() {
    assert!(ev("has_subprocessors == true"));
    assert!(ev("has_sensitive_data == false"));
    assert!(ev("transfers.docking_clause != true"));
    assert!(ev("frameworks == ['ccpa', 'gdpr', 'scc']"));
    assert!(!ev("frameworks == ['gdpr', 'ccpa', 'scc']"));
    assert!(ev("processing.sensitive_data == []"));
    assert!(ev("obj == obj"));
    assert!(!ev("obj == empty_obj"));
    // Missing paths read as null: equal to each other, to nothing else.
    assert!(ev("no.such.path == nothing"));
    assert!(!ev("no.such.path == false"));
    assert!(!ev("no.such.path == ''"));
    assert!(ev("no.such.path != 'x'"));
    // A path through a non-object is missing too.
    assert!(ev("processing.ccpa_role.deeper == nothing"));
    assert!(ev("frameworks.first == nothing"));
}

#[test]
fn membership() {
    assert!(ev("'US-CA' in processing.regions"));
    assert!(!ev("'US-NY' in processing.regions"));
    assert!(ev("'US-NY' not in processing.regions"));
    assert!(!ev("'EEA' not in processing.regions"));
    assert!(ev(
        "processing.ccpa_role in ['service_provider', 'contractor']"
    ));
    assert!(ev("processing.ccpa_role not in ['third_party']"));
    assert!(ev("'gdpr' in frameworks"));
    assert!(ev("2 in [1, 2, 3]"));
    assert!(ev("[1] in [[1], [2]]"));
    assert!(!ev("'x' in []"));
}

#[test]
fn substring_and_other_containers() {
    assert!(ev("'support' in processing.purposes"));
    assert!(!ev("'marketing' in processing.purposes"));
    assert!(ev("'' in processing.purposes"));
    assert!(ev("'marketing' not in processing.purposes"));
    // Only strings are found in strings.
    assert!(!ev("2 in '123'"));
    // Keys of an object.
    assert!(ev("'ccpa_role' in processing"));
    assert!(!ev("'nope' in processing"));
    // `in` against null (missing) or a scalar is false.
    assert!(!ev("'x' in no.such.path"));
    assert!(ev("'x' not in no.such.path"));
    assert!(!ev("'x' in nothing"));
    assert!(!ev("1 in 1"));
    assert!(!ev("true in true"));
}

#[test]
fn truthiness() {
    assert!(ev("has_subprocessors"));
    assert!(!ev("has_sensitive_data"));
    assert!(ev("processing.ccpa_role"));
    assert!(!ev("empty_text"));
    assert!(ev("frameworks"));
    assert!(!ev("processing.sensitive_data"));
    assert!(ev("scc.module"));
    assert!(!ev("zero"));
    assert!(ev("half"));
    assert!(!ev("nothing"));
    assert!(!ev("missing"));
    assert!(!ev("empty_obj"));
    assert!(ev("obj"));
    assert!(ev("true"));
    assert!(!ev("false"));
    assert!(ev("'x'"));
    assert!(!ev("''"));
    assert!(ev("[0]"));
    assert!(!ev("[]"));
    assert!(ev("1"));
    assert!(!ev("0.0"));
    // A parenthesised condition is a boolean value.
    assert!(ev("(scc.module == 2) == true"));
    assert!(ev("(scc.module == 3) == false"));
    assert!(ev("false in [(1 == 2)]"));
}

#[test]
fn logic_and_precedence() {
    assert!(ev("has_subprocessors and scc.module == 2"));
    assert!(!ev("has_subprocessors and has_sensitive_data"));
    assert!(ev("has_sensitive_data or has_subprocessors"));
    assert!(!ev("has_sensitive_data or missing"));
    assert!(ev("not has_sensitive_data"));
    assert!(ev("not not has_subprocessors"));
    // `and` binds tighter than `or`: true or (false and false).
    assert!(ev("true or false and false"));
    // ... and so: (false and false) or true.
    assert!(ev("false and false or true"));
    assert!(!ev("(true or false) and false"));
    // `not` binds looser than comparison: not (module == 3).
    assert!(ev("not scc.module == 3"));
    assert!(ev("not 'US-NY' in processing.regions"));
    // `not` binds tighter than `and`/`or`: (not true) or true.
    assert!(ev("not true or true"));
    assert!(!ev("not (true or true)"));
    assert!(!ev("not true and true"));
    assert!(ev(
        "has_subprocessors and (processing.ccpa_role == 'x' or 'EEA' in processing.regions)"
    ));
}

#[test]
fn literals_and_escapes() {
    assert!(ev(r#"'it\'s' == "it's""#));
    assert!(ev(r#""say \"hi\"" == 'say "hi"'"#));
    assert!(ev(r"'a\\b' == 'a\\b'"));
    assert!(ev(r"'\\' in 'x\\y'"));
    assert!(ev("'héllo wörld ✓' == \"héllo wörld ✓\""));
    assert!(ev("['a', 'b',] == ['a', 'b']"));
    assert!(ev("[ ] == []"));
    assert!(ev("007 == 7"));
    assert!(ev("\t has_subprocessors\n"));
    assert!(ev("true==true"));
    assert!(ev("(has_subprocessors)"));
    assert!(ev("_x_1 == nothing"));
}

#[test]
fn paths_in_source_order_with_spans() {
    let src = "has_subprocessors and processing.ccpa_role in ['a', scc.module] or not (frameworks)";
    let e = Expr::parse(src).unwrap();
    let got = e.paths();
    let want: Vec<(String, Range<usize>)> = vec![
        ("has_subprocessors".into(), 0..17),
        ("processing.ccpa_role".into(), 22..42),
        ("scc.module".into(), 52..62),
        ("frameworks".into(), 72..82),
    ];
    assert_eq!(got, want);
    for (p, span) in &got {
        assert_eq!(&src[span.clone()], p);
    }
    assert!(
        Expr::parse("true and 'x' in [1]")
            .unwrap()
            .paths()
            .is_empty()
    );
}

#[test]
fn check_paths_accepts_known_and_prefixed() {
    let e = Expr::parse(
        "processing.ccpa_role == 'x' and transfers.mechanism and transfers.anything.deeper and frameworks",
    )
    .unwrap();
    assert_eq!(e.check_paths(KNOWN), vec![]);
}

#[test]
fn check_paths_reports_unknown_with_suggestions() {
    let src = "procesing.ccpa_role == 'x' or has_subprocesors or transfersx or zzzzzz";
    let errs = Expr::parse(src).unwrap().check_paths(KNOWN);
    assert_eq!(
        errs,
        vec![
            WhenError {
                span: 0..19,
                message: "unknown field `procesing.ccpa_role`".into(),
                hint: Some("did you mean `processing.ccpa_role`?".into()),
            },
            WhenError {
                span: 30..46,
                message: "unknown field `has_subprocesors`".into(),
                hint: Some("did you mean `has_subprocessors`?".into()),
            },
            WhenError {
                span: 50..60,
                message: "unknown field `transfersx`".into(),
                hint: Some("did you mean `transfers`?".into()),
            },
            WhenError {
                span: 64..70,
                message: "unknown field `zzzzzz`".into(),
                hint: None,
            },
        ]
    );
}

#[test]
fn check_paths_special_hints() {
    let hint = |src: &str| {
        let errs = Expr::parse(src).unwrap().check_paths(KNOWN);
        assert_eq!(errs.len(), 1, "{src}: {errs:?}");
        errs[0].hint.clone()
    };
    assert_eq!(
        hint("vendor.processing.ccpa_role == 'x'"),
        Some("did you mean `processing.ccpa_role`?".into())
    );
    assert_eq!(
        hint("has_subprocessors == TRUE"),
        Some("keywords are lowercase: write `true`".into())
    );
    assert!(
        hint("transfers.mechanism == null")
            .unwrap()
            .contains("no null literal")
    );
    // Transposed letters count as one edit.
    assert_eq!(
        hint("scc.mdoule"),
        Some("did you mean `scc.module`?".into())
    );
    // A prefix that is only a string prefix, not a path prefix, is unknown.
    assert_eq!(
        hint("frameworksx"),
        Some("did you mean `frameworks`?".into())
    );
}

#[test]
fn suggest_picks_nearest_within_reach() {
    let c = &["processing.ccpa_role", "processing.gdpr_role", "frameworks"];
    assert_eq!(
        suggest("processing.ccpa_rol", c),
        Some("processing.ccpa_role")
    );
    assert_eq!(
        suggest("processing.gdpr_rloe", c),
        Some("processing.gdpr_role")
    );
    assert_eq!(suggest("FRAMEWORKS", c), Some("frameworks"));
    assert_eq!(suggest("framework", c), Some("frameworks"));
    assert_eq!(suggest("something", c), None);
    assert_eq!(suggest("", c), None);
    assert_eq!(suggest("x", &[]), None);
    assert_eq!(suggest("uk", &["GB", "UK", "US"]), Some("UK"));
    // Ties go to the first candidate.
    assert_eq!(suggest("ab", &["ax", "ay"]), Some("ax"));
    assert_eq!(suggest("żółw", &["zółw", "x"]), Some("zółw"));
}

#[test]
fn distance_is_osa() {
    let d = |a: &str, b: &str| {
        distance(
            &a.chars().collect::<Vec<_>>(),
            &b.chars().collect::<Vec<_>>(),
        )
    };
    assert_eq!(d("", ""), 0);
    assert_eq!(d("abc", ""), 3);
    assert_eq!(d("", "abc"), 3);
    assert_eq!(d("kitten", "sitting"), 3);
    assert_eq!(d("ab", "ba"), 1);
    assert_eq!(d("ca", "abc"), 3);
    assert_eq!(d("módule", "module"), 1);
}

fn check_err(src: &str, span: Range<usize>, message: &str, hint: Option<&str>) {
    let e = err(src);
    assert_eq!(
        e,
        WhenError {
            span,
            message: message.into(),
            hint: hint.map(Into::into),
        },
        "for {src:?}"
    );
}

#[test]
fn errors_value_expected() {
    check_err("scc.module ==", 13..13, "expected a value after `==`", None);
    check_err(
        "scc.module == )",
        14..15,
        "expected a value after `==`, found `)`",
        None,
    );
    check_err(
        "x != and y",
        5..8,
        "expected a value after `!=`, found `and`",
        None,
    );
    check_err("x in", 4..4, "expected a value after `in`", None);
    check_err(
        "x not in ]",
        9..10,
        "expected a value after `not in`, found `]`",
        None,
    );
    check_err("a and", 5..5, "expected a value after `and`", None);
    check_err("or a", 0..2, "expected a value, found `or`", None);
    check_err("not", 3..3, "expected a value after `not`", None);
    check_err("()", 1..2, "expected a value after `(`, found `)`", None);
    check_err(
        "x == not y",
        5..8,
        "expected a value after `==`, found `not`",
        Some("put a negated condition in parentheses: `(not ...)`"),
    );
    check_err(
        "[1,,2]",
        3..4,
        "expected a value after `,`, found `,`",
        Some("remove the extra `,`"),
    );
}

#[test]
fn errors_operators() {
    check_err(
        "a = 'x'",
        2..3,
        "`=` is not an operator",
        Some("did you mean `==`?"),
    );
    assert_eq!(
        err("a = 'x'").to_string(),
        "`=` is not an operator; did you mean `==`?"
    );
    check_err(
        "!a",
        0..1,
        "`!` is not an operator",
        Some("write `not` to negate, or `!=` to compare"),
    );
    check_err(
        "a && b",
        2..4,
        "`&&` is not an operator",
        Some("did you mean `and`?"),
    );
    check_err(
        "a | b",
        2..3,
        "`|` is not an operator",
        Some("did you mean `or`?"),
    );
    check_err(
        "a >= 2",
        2..4,
        "`>=` is not supported",
        Some("conditions compare with `==`, `!=`, `in` and `not in`"),
    );
    check_err(
        "a not b",
        6..7,
        "expected `in` after `not`, found `b`",
        Some("to negate a condition, put `not` before it"),
    );
    check_err(
        "a not",
        5..5,
        "expected `in` after `not`",
        Some("to negate a condition, put `not` before it"),
    );
    check_err(
        "a == b == c",
        7..9,
        "comparisons cannot be chained: unexpected `==`",
        Some("join comparisons with `and`, e.g. `a == b and b == c`"),
    );
    check_err(
        "a in b not in c",
        7..10,
        "comparisons cannot be chained: unexpected `not`",
        Some("join comparisons with `and`, e.g. `a == b and b == c`"),
    );
}

#[test]
fn errors_strings_and_numbers() {
    check_err(
        "a == 'abc",
        5..6,
        "unclosed string",
        Some("add a closing `'`"),
    );
    check_err(
        "a == \"abc'",
        5..6,
        "unclosed string",
        Some("add a closing `\"`"),
    );
    check_err(
        "a == 'abc\\",
        5..6,
        "unclosed string",
        Some("add a closing `'`"),
    );
    check_err(
        r"a == 'x\ny'",
        7..9,
        r"unknown escape `\n`",
        Some(r#"only `\\`, `\'` and `\"` are escapes; write `\\` for a backslash"#),
    );
    check_err(
        "a == 'x\\é'",
        7..10,
        r"unknown escape `\é`",
        Some(r#"only `\\`, `\'` and `\"` are escapes; write `\\` for a backslash"#),
    );
    check_err("1.", 1..2, "expected digits after the decimal point", None);
    check_err(
        "a == 1.x",
        6..7,
        "expected digits after the decimal point",
        None,
    );
    check_err(
        "a == 12abc",
        5..10,
        "invalid number `12abc`",
        Some("field names start with a letter or `_`; text goes in quotes"),
    );
    let huge = format!("a == {}", "9".repeat(400));
    let e = err(&huge);
    assert_eq!(e.span, 5..405);
    assert!(e.message.starts_with("number `9999"), "{}", e.message);
    assert!(e.message.ends_with("...` is too large"), "{}", e.message);
    check_err("-x", 0..1, "unexpected character `-`", None);
}

#[test]
fn errors_structure() {
    check_err(
        "",
        0..0,
        "empty condition",
        Some("write a condition such as `has_subprocessors`, or leave `when` out"),
    );
    check_err(
        "  \n\t",
        0..4,
        "empty condition",
        Some("write a condition such as `has_subprocessors`, or leave `when` out"),
    );
    check_err(
        "(a == 'x'",
        0..1,
        "unclosed `(`",
        Some("add a `)` to close it"),
    );
    check_err(
        "a and ((b)",
        6..7,
        "unclosed `(`",
        Some("add a `)` to close it"),
    );
    check_err(
        "x in ['a', 'b'",
        5..6,
        "unclosed `[`",
        Some("add a `]` to close it"),
    );
    check_err(
        "x in [",
        5..6,
        "unclosed `[`",
        Some("add a `]` to close it"),
    );
    check_err(
        "x in ['a',",
        5..6,
        "unclosed `[`",
        Some("add a `]` to close it"),
    );
    check_err(
        "x in ['a' 'b']",
        10..13,
        "expected `,` or `]`, found `'b'`",
        Some("list items are values separated by commas, e.g. `['a', 'b']`"),
    );
    check_err(
        "(a b)",
        3..4,
        "expected `)`, found `b`",
        Some("join conditions with `and` or `or`"),
    );
    check_err(
        "a b",
        2..3,
        "unexpected `b` after the end of the condition",
        Some("join conditions with `and` or `or`"),
    );
    check_err(
        "a == 'x' 'y'",
        9..12,
        "unexpected `'y'` after the end of the condition",
        Some("join conditions with `and` or `or`"),
    );
    check_err(
        "a AND b",
        2..5,
        "unexpected `AND` after the end of the condition",
        Some("keywords are lowercase: write `and`"),
    );
    check_err("a)", 1..2, "unmatched `)`", None);
    check_err("a]", 1..2, "unmatched `]`", None);
    check_err(
        "a, b",
        1..2,
        "unexpected `,` after the end of the condition",
        Some("lists are written in brackets, e.g. `['a', 'b']`"),
    );
    check_err(
        "processing.",
        10..11,
        "expected a field name after `.`",
        Some("field names start with a letter or `_`"),
    );
    check_err(
        "processing.1x",
        10..11,
        "expected a field name after `.`",
        Some("field names start with a letter or `_`"),
    );
    check_err("true.x", 4..5, "unexpected character `.`", None);
    check_err("a == #", 5..6, "unexpected character `#`", None);
    check_err("ä", 0..2, "unexpected character `ä`", None);
    check_err("a == 'x' ✓", 9..12, "unexpected character `✓`", None);
    check_err("a\u{0}", 1..2, "unexpected character `\\0`", None);
}

#[test]
fn long_literals_are_shortened_in_messages() {
    let long = "x".repeat(100);
    let e = err(&format!("a == '{long}' b"));
    assert_eq!(e.message, "unexpected `b` after the end of the condition");
    let e = err(&format!("a '{long}'"));
    assert!(e.message.contains("...`"), "{}", e.message);
    assert!(e.message.len() < 100, "{}", e.message);
}

#[test]
fn depth_limit() {
    let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert!(Expr::parse(&ok).is_ok());
    let too_deep = format!(
        "{}a{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    check_err(
        &too_deep,
        MAX_DEPTH..MAX_DEPTH + 1,
        "condition is nested too deeply",
        Some("at most 64 levels of parentheses, lists and `not` are allowed"),
    );
    // Far past the limit, in every nesting form, must error, not overflow.
    for src in [
        "(".repeat(100_000),
        "[".repeat(100_000),
        "not ".repeat(100_000) + "a",
        "(not [".repeat(30_000),
    ] {
        assert_eq!(err(&src).message, "condition is nested too deeply");
    }
    // Sequences are not nesting: long chains stay flat.
    let chain = vec!["has_subprocessors"; 100_000].join(" and ");
    assert!(ev(&chain));
    let chain = vec!["missing"; 100_000].join(" or ");
    assert!(!ev(&chain));
    let list = format!("[{}]", vec!["1"; 100_000].join(","));
    assert!(ev(&format!("1 in {list}")));
}

#[test]
fn spans_are_char_boundaries_for_multibyte_input() {
    for src in [
        "é == 'x'",
        "a == 'é",
        "a ==",
        "ß",
        "a == 'x' ✓ b",
        "(日本",
        "'日本' ==",
        "a.é",
        "a 🎉",
        "🎉",
        "a == '\\🎉'",
    ] {
        let e = err(src);
        assert!(src.get(e.span.clone()).is_some(), "{src:?}: {e:?}");
    }
}

/// A tiny deterministic generator, so the garbage test needs no crate.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn exercise(src: &str) {
    match Expr::parse(src) {
        Ok(e) => {
            e.eval(&facts());
            e.eval(&Value::Null);
            e.eval(&json!([1, 2]));
            for (p, span) in e.paths() {
                assert_eq!(src.get(span), Some(p.as_str()), "{src:?}");
            }
            for err in e.check_paths(KNOWN) {
                assert!(src.get(err.span).is_some(), "{src:?}");
            }
        }
        Err(e) => {
            assert!(src.get(e.span.clone()).is_some(), "{src:?}: {e:?}");
            assert!(e.span.start <= e.span.end);
            assert!(!e.message.is_empty());
        }
    }
}

#[test]
fn garbage_never_panics() {
    let fixed = [
        "",
        " ",
        "(",
        ")",
        "[",
        "]",
        ",",
        ".",
        "'",
        "\"",
        "\\",
        "=",
        "==",
        "!=",
        "!",
        "not",
        "in",
        "not in",
        "and",
        "or",
        "a.",
        ".a",
        "a..b",
        "a.b.",
        "1.2.3",
        "--1",
        "-",
        "-1",
        "1e5",
        "'\\",
        "'\\'",
        "\"\\\"",
        "[,]",
        "[1,]",
        "(,)",
        "((a)",
        "a))",
        "a in in b",
        "a not not in b",
        "not not",
        "a == == b",
        "[[[]]]",
        "([)]",
        "'a' in",
        "\u{feff}a",
        "a\u{200b}b",
        "\r\n",
        "a\0b",
        "é",
        "🎉🎉",
        "a == '\u{10FFFF}'",
        "true false",
        "0.",
        ".5",
        "a.b.c.d.e.f",
    ];
    for src in fixed {
        exercise(src);
    }
    let alphabet: Vec<char> = "ab._ 019'\"\\()[],=!<>&|-#é🎉\tnotinandortruefalse"
        .chars()
        .collect();
    let mut rng = Lcg(0x5eed);
    for _ in 0..5_000 {
        let len = (rng.next() % 24) as usize;
        let src: String = (0..len)
            .map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize])
            .collect();
        exercise(&src);
    }
    let tokens = [
        "a", "b.c", "'s'", "1", "2.5", "true", "false", "==", "!=", "in", "not", "and", "or", "(",
        ")", "[", "]", ",",
    ];
    for _ in 0..5_000 {
        let len = (rng.next() % 12) as usize;
        let src: Vec<&str> = (0..len)
            .map(|_| tokens[(rng.next() % tokens.len() as u64) as usize])
            .collect();
        exercise(&src.join(" "));
    }
    for _ in 0..5_000 {
        let len = (rng.next() % 32) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        exercise(&String::from_utf8_lossy(&bytes));
    }
}
