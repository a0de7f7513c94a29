//! Two texts segmented into clauses and compared, in every output format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (old, new) = input;
    let a = dpa::diff::segment_markdown(old);
    let b = dpa::diff::segment_markdown(new);
    let report = dpa::diff::diff(&a, &b);
    let _ = dpa::diff::to_text(&report, false, false);
    let _ = dpa::diff::to_html(&report, "t");
    let _ = dpa::diff::to_json(&report);
});
