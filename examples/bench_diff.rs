//! Times a clause-level diff of two synthetic contracts built from the corpus and renumbered copies.
//!
//! `cargo run --release --example bench_diff [TARGET_BYTES]` (default about 150 KB per side).
//! The corpus directory is `DPA_CORPUS_DIR` or `tests/fixtures/corpus/github-dpa`.

use std::path::PathBuf;
use std::time::Instant;

use dpa::diff::{diff, segment_markdown, to_html, to_json, to_text};

fn main() -> Result<(), String> {
    let target: usize = match std::env::args().nth(1) {
        Some(arg) => arg.parse().map_err(|e| format!("TARGET_BYTES: {e}"))?,
        None => 150_000,
    };
    let dir = std::env::var_os("DPA_CORPUS_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/github-dpa"),
        PathBuf::from,
    );
    let revision = |prefix: &str| -> Result<String, String> {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
            })
            .ok_or_else(|| format!("no {prefix}* in {}", dir.display()))?;
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let revisions = [
        revision("01-")?,
        revision("02-")?,
        revision("03-")?,
        revision("04-")?,
    ];
    // Old: copies of revision 01; new: the next revisions in turn. Copy k shifts its section
    // numbers by 10 * k, so the copies do not share numbers.
    let (mut old, mut new, mut k) = (String::new(), String::new(), 0);
    while old.len() < target {
        old.push_str(&shift_numbers(&revisions[0], 10 * k));
        new.push_str(&shift_numbers(&revisions[1 + k as usize % 3], 10 * k));
        k += 1;
    }
    let start = Instant::now();
    let (a, b) = (segment_markdown(&old), segment_markdown(&new));
    let segmented = start.elapsed();
    let report = diff(&a, &b);
    let diffed = start.elapsed();
    let text = to_text(&report, false, false);
    let html = to_html(&report, "bench");
    let json = to_json(&report).to_string();
    let rendered = start.elapsed();
    println!(
        "{} + {} bytes, {} + {} clauses: segment {:.1} ms, segment+diff {:.1} ms, +render {:.1} ms",
        old.len(),
        new.len(),
        a.len(),
        b.len(),
        segmented.as_secs_f64() * 1e3,
        diffed.as_secs_f64() * 1e3,
        rendered.as_secs_f64() * 1e3
    );
    println!(
        "outputs: text {} B, html {} B, json {} B",
        text.len(),
        html.len(),
        json.len()
    );
    println!("{}", text.lines().last().unwrap_or_default());
    Ok(())
}

/// Adds `by` to the leading number of headings and of `N.M` paragraphs.
fn shift_numbers(src: &str, by: u32) -> String {
    let mut out = String::with_capacity(src.len());
    for line in src.split_inclusive('\n') {
        let hashes = line.bytes().take_while(|b| *b == b'#').count();
        let (prefix, rest) =
            line.split_at(hashes + usize::from(hashes > 0 && line[hashes..].starts_with(' ')));
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let is_section = hashes > 0
            || rest[digits..].starts_with('.')
                && rest[digits + 1..].starts_with(|c: char| c.is_ascii_digit());
        match rest[..digits].parse::<u32>() {
            Ok(n) if digits > 0 && is_section && rest[digits..].starts_with('.') => {
                out.push_str(prefix);
                out.push_str(&(n + by).to_string());
                out.push_str(&rest[digits..]);
            }
            _ => out.push_str(line),
        }
    }
    out
}
