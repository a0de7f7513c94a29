//! The record values a clause template reads: the `vendor.*`, `company.*` and derived paths named
//! in its `{{ }}` and `{% %}` tags, found without rendering so that a misspelt one is reported
//! at load and a manifest can record what each clause depends on.

use std::ops::Range;

/// Roots of values only templates print, computed for the document rather than for the
/// selection: the UK Addendum's table 4, the sides the agreement covers, which document of a
/// pair it is, the other one, and the dates in words.
const TEMPLATE_ROOTS: [&str; 5] = ["uk", "covers", "document", "companion", "dates"];

/// Whether `name` is the first segment of a path a clause template can read from the
/// agreement's facts (`vendor`, `company`, a derived fact); any other name in a tag is a loop
/// variable, a filter, a function or a literal.
pub fn is_root(name: &str) -> bool {
    name == "vendor"
        || name == "company"
        || TEMPLATE_ROOTS.contains(&name)
        || crate::model::facts::DERIVED
            .iter()
            .any(|d| d.split('.').next() == Some(name))
}

/// Every fact path a template names in its tags, with its byte range in `text`, in order.
pub fn read(text: &str) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = find_tag(&text[at..]) {
        let start = at + open + 2;
        let close = if text[at + open..].starts_with("{{") {
            "}}"
        } else {
            "%}"
        };
        let Some(len) = text[start..].find(close) else {
            break;
        };
        scan(&text[start..start + len], start, &mut out);
        at = start + len + 2;
    }
    out
}

fn find_tag(text: &str) -> Option<usize> {
    match (text.find("{{"), text.find("{%")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The paths in one tag's inside, which starts at byte `offset` of the template.
fn scan(tag: &str, offset: usize, out: &mut Vec<(String, Range<usize>)>) {
    let bytes = tag.as_bytes();
    let mut i = 0;
    // After `|` comes a filter's name, which is no path.
    let mut after_pipe = false;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'"' || c == b'\'' || c == b'`' {
            i += tag[i + 1..].find(c as char).map_or(bytes.len(), |n| n + 2);
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let from = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
            {
                i += 1;
            }
            let path = tag[from..i].trim_end_matches('.');
            let preceded_by_dot = from > 0 && bytes[from - 1] == b'.';
            let root = path.split('.').next().unwrap_or_default();
            if !after_pipe && !preceded_by_dot && is_root(root) {
                out.push((path.to_string(), offset + from..offset + from + path.len()));
            }
            after_pipe = false;
            continue;
        }
        if c == b'|' {
            after_pipe = true;
        } else if !c.is_ascii_whitespace() {
            after_pipe = false;
        }
        i += 1;
    }
}

/// The line (1-based) of byte `at` in `text`.
pub fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_fact_paths_in_tags_only() {
        let t = "Hello {{ vendor.name }} and vendor.x.\n{% for s in vendor.subprocessors %}{{ s.name | default(value=\"vendor.y\") }}{% endfor %}{% if scc.module == 2 and company.role %}x{% endif %}";
        let paths: Vec<String> = read(t).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            paths,
            [
                "vendor.name",
                "vendor.subprocessors",
                "scc.module",
                "company.role"
            ]
        );
        let (p, span) = &read(t)[1];
        assert_eq!(&t[span.clone()], p);
        assert_eq!(line_of(t, span.start), 2);
    }

    #[test]
    fn a_filter_is_no_path() {
        let t = "{{ company.name | upper }} {{ vendor.short_name|typst }}";
        let paths: Vec<String> = read(t).into_iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["company.name", "vendor.short_name"]);
    }
}
