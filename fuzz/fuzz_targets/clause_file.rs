//! A clause file (front matter, `when` condition, body): parsed or refused with a reason.
#![no_main]

use dpa::diag::Diagnostics;
use dpa::library::clause::{self, Origin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let mut d = Diagnostics::new();
    let parsed = clause::parse(Origin::Workspace("clauses/x.md".into()), input, &mut d);
    assert!(parsed.is_some() || d.has_errors(), "a refused clause says why");
    if let Ok(expr) = dpa::library::when::Expr::parse(input) {
        let _ = expr.check_paths(dpa::select::known_paths());
    }
});
