//! Untrusted bytes through every reader, in this process (the sandbox worker's own code path):
//! clauses within the limits, or a reason.
#![no_main]

use dpa::documents::{Kind, Limits, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let limits = Limits::default();
    for kind in [Kind::Markdown, Kind::Text, Kind::Html, Kind::Docx, Kind::Pdf] {
        if let Ok(doc) = parse(kind, bytes, &limits) {
            assert!(doc.sections.len() <= limits.clauses);
        }
    }
});
