//! Clause Markdown converted to Typst: whatever converts, parses as Typst.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    let anchors = |id: &str| (id == "a").then(|| "1.1".to_string());
    if let Ok(converted) = dpa::assemble::markdown::convert(input, &anchors) {
        let root = typst::syntax::parse(&converted.typst);
        assert!(
            root.errors_and_warnings().0.is_empty(),
            "generated Typst does not parse:\n{}",
            converted.typst
        );
    }
});
