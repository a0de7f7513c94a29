//! A vendor record: loaded or refused with a reason, and its diagnostics render.
#![no_main]

use dpa::diag::{self, Diagnostics};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let mut d = Diagnostics::new();
    let vendor = dpa::model::vendor::load("v", "vendors/v.toml", input, &mut d);
    assert!(vendor.is_some() || d.has_errors(), "a refused record says why");
    let _ = diag::render(&d.into_vec(), &|_: &str| Some(input.to_string()), false);
});
