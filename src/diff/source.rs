//! From a Markdown file to the Markdown a reader sees: front matter set aside or unwrapped, inline HTML
//! lists, breaks and links rewritten as the Markdown they display as.
//!
//! Nothing is dropped silently. Front matter that is metadata is skipped; Markdown carried inside a
//! front-matter block string (`text: >+`, `body = """…"""`) is unwrapped and said so; long text in a
//! form that cannot be unwrapped safely (a quoted string with escapes) is refused with a message.

/// Words a front-matter value needs before it counts as document text rather than metadata.
const TEXT_WORDS: usize = 30;

/// HTML elements rendered by their text alone (their tags are formatting).
const INLINE_TAGS: [&str; 14] = [
    "span", "strong", "em", "b", "i", "u", "sup", "sub", "small", "font", "mark", "abbr", "cite",
    "code",
];

/// HTML elements that separate paragraphs.
const BLOCK_TAGS: [&str; 9] = [
    "p",
    "div",
    "section",
    "article",
    "blockquote",
    "center",
    "header",
    "footer",
    "main",
];

/// The reader-visible Markdown of a source, with the source line of every line.
#[derive(Debug, Default)]
pub(crate) struct Prepared {
    /// Markdown with front matter removed or unwrapped and inline HTML rewritten.
    pub text: String,
    /// For each line of `text`, its 1-based line in the source.
    pub lines: Vec<usize>,
    /// How the source was read, for whoever compares it.
    pub notes: Vec<String>,
}

/// Prepares a Markdown source; `Err` explains why its text cannot be read.
pub(crate) fn prepare(src: &str) -> Result<Prepared, String> {
    let (body, lines, notes) = front_matter(src)?;
    let mut out = Prepared {
        notes,
        ..Prepared::default()
    };
    let mut html = Html::default();
    for (line, no) in body.iter().zip(lines) {
        html.line(line, no, &mut out);
        out.text.push('\n');
        out.lines.push(no);
    }
    // An `<a href>` never closed: its text stays, the held target goes.
    while let Some(start) = out.text.find('\u{E000}') {
        let end = out.text[start..]
            .find('\u{E001}')
            .map_or(start + 3, |e| start + e + 3);
        let open = out.text[..start].rfind('[').unwrap_or(start);
        out.text.replace_range(open..end, "");
    }
    Ok(out)
}

type Split<'a> = (Vec<&'a str>, Vec<usize>, Vec<String>);

/// Splits off front matter: metadata is skipped, block strings of text are unwrapped in order.
fn front_matter(src: &str) -> Result<Split<'_>, String> {
    let all: Vec<&str> = src.lines().collect();
    let numbered = |from: usize| -> Split<'_> {
        let body = all.get(from..).unwrap_or_default().to_vec();
        let lines = (from + 1..=all.len()).collect();
        (body, lines, Vec::new())
    };
    let Some(fence) = all.first().map(|l| l.trim_end()) else {
        return Ok(numbered(0));
    };
    if fence != "---" && fence != "+++" {
        return Ok(numbered(0));
    }
    let Some(close) = all.iter().skip(1).position(|l| l.trim_end() == fence) else {
        return Ok(numbered(0));
    };
    let close = close + 1;
    let inner = &all[1..close];
    let looks_like_data = inner
        .iter()
        .find(|l| !l.trim().is_empty())
        .is_none_or(|l| l.contains(':') || l.contains('='));
    if !looks_like_data {
        return Ok(numbered(0));
    }
    let toml = fence == "+++";
    let mut blocks: Vec<(String, Vec<usize>)> = Vec::new();
    let mut i = 0;
    while i < inner.len() {
        let line = inner[i];
        let Some((key, value)) = key_value(line, toml) else {
            i += 1;
            continue;
        };
        let value = value.trim();
        let block_start = if toml {
            value.starts_with("\"\"\"") || value.starts_with("'''")
        } else {
            value.starts_with('|') || value.starts_with('>')
        };
        if block_start {
            let mut idx = Vec::new();
            let mut j = i + 1;
            if toml {
                let quote = &value[..3];
                let first = &value[3..];
                if let Some(end) = first.find(quote) {
                    // A one-line triple-quoted string is a plain value.
                    check_plain(key, &first[..end])?;
                    i += 1;
                    continue;
                }
                while j < inner.len() && !inner[j].contains(quote) {
                    idx.push(j);
                    j += 1;
                }
                if j < inner.len() && !inner[j].trim_start().starts_with(quote) {
                    idx.push(j);
                }
                j += 1;
            } else {
                while j < inner.len()
                    && (inner[j].trim().is_empty() || inner[j].starts_with([' ', '\t']))
                {
                    idx.push(j);
                    j += 1;
                }
            }
            let words: usize = idx
                .iter()
                .map(|&k| inner[k].split_whitespace().count())
                .sum();
            if words >= TEXT_WORDS {
                blocks.push((key.to_string(), idx));
            }
            i = j;
            continue;
        }
        check_plain(key, value)?;
        i += 1;
    }
    let rest_start = close + 1;
    if blocks.is_empty() {
        return Ok(numbered(rest_start));
    }
    // The block lines, dedented, then whatever follows the front matter.
    let mut body = Vec::new();
    let mut lines = Vec::new();
    let mut keys = Vec::new();
    for (key, idx) in &blocks {
        let indent = idx
            .iter()
            .filter(|&&k| !inner[k].trim().is_empty())
            .map(|&k| inner[k].len() - inner[k].trim_start().len())
            .min()
            .unwrap_or(0);
        for &k in idx {
            let l = inner[k];
            let cut = if toml { 0 } else { indent.min(l.len()) };
            body.push(l.get(cut..).unwrap_or(""));
            lines.push(k + 2);
        }
        body.push("");
        lines.push(idx.last().map_or(1, |k| k + 2));
        keys.push(format!("`{key}`"));
    }
    for (k, l) in all.iter().enumerate().skip(rest_start) {
        body.push(l);
        lines.push(k + 1);
    }
    let note = format!(
        "carries its text in front matter ({}); it was read as Markdown",
        keys.join(", ")
    );
    Ok((body, lines, vec![note]))
}

/// `key: value` (YAML, top level) or `key = value` (TOML).
fn key_value(line: &str, toml: bool) -> Option<(&str, &str)> {
    if line.starts_with([' ', '\t', '#', '-']) {
        return None;
    }
    let (key, value) = line.split_once(if toml { '=' } else { ':' })?;
    let key = key.trim().trim_matches('"');
    let ok = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    ok.then_some((key, value))
}

/// Refuses a one-line value long enough to be the document's text: it cannot be unwrapped safely.
fn check_plain(key: &str, value: &str) -> Result<(), String> {
    let words = value.split_whitespace().count();
    if words < TEXT_WORDS {
        return Ok(());
    }
    Err(format!(
        "front-matter field `{key}` holds {words} words of text in a one-line string, which dpa does not unwrap; \
         extract it to a Markdown file first (for example `yq -r '.{key}' FILE > FILE.md`) or store it as a block (`{key}: |`)"
    ))
}

/// Rewrites inline HTML as the Markdown a reader would see.
#[derive(Debug, Default)]
struct Html {
    /// Open lists: the label style (`1`, `a`, `A`, `i`, `I`, or `-` for bullets) and next number.
    lists: Vec<(char, u32)>,
    /// Inside a fenced code block, where nothing is rewritten.
    fence: bool,
}

impl Html {
    fn line(&mut self, line: &str, no: usize, out: &mut Prepared) {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            self.fence = !self.fence;
        }
        if self.fence || !line.contains('<') {
            out.text.push_str(line);
            return;
        }
        let mut rest = line;
        while let Some(open) = rest.find('<') {
            out.text.push_str(&rest[..open]);
            let after = &rest[open..];
            match tag(after) {
                Some((name, closing, attrs, len)) => {
                    self.tag(&name, closing, attrs, no, out);
                    rest = &after[len..];
                }
                None => {
                    out.text.push('<');
                    rest = &after[1..];
                }
            }
        }
        out.text.push_str(rest);
    }

    fn newline(out: &mut Prepared, no: usize, blank: bool) {
        out.text.push('\n');
        out.lines.push(no);
        if blank {
            out.text.push('\n');
            out.lines.push(no);
        }
    }

    fn tag(&mut self, name: &str, closing: bool, attrs: &str, no: usize, out: &mut Prepared) {
        match (name, closing) {
            ("ol", false) => {
                let style = attr(attrs, "type")
                    .and_then(|t| t.chars().next())
                    .filter(|c| matches!(c, '1' | 'a' | 'A' | 'i' | 'I'))
                    .unwrap_or('1');
                let start = attr(attrs, "start")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(1);
                self.lists.push((style, start));
                Self::newline(out, no, true);
            }
            ("ul", false) => {
                self.lists.push(('-', 1));
                Self::newline(out, no, true);
            }
            ("ol" | "ul", true) => {
                self.lists.pop();
                Self::newline(out, no, true);
            }
            ("li", false) => {
                Self::newline(out, no, true);
                let label = match self.lists.last_mut() {
                    Some((style, n)) => {
                        let l = label(*style, *n);
                        *n += 1;
                        l
                    }
                    None => "-".to_string(),
                };
                out.text.push_str(&label);
                out.text.push(' ');
            }
            ("li", true) => {}
            ("br", _) => {
                // A line break inside the paragraph: Markdown's hard break.
                out.text.push('\\');
                Self::newline(out, no, false);
            }
            ("a", false) => {
                if let Some(href) = attr(attrs, "href") {
                    // The target is held until `</a>`, where the link is written in Markdown form.
                    out.text.push('[');
                    out.text.push('\u{E000}');
                    out.text.push_str(&href.replace([' ', ')'], ""));
                    out.text.push('\u{E001}');
                }
            }
            ("a", true) => {
                // Close the link opened by `<a href>`: its text, then its target.
                if let Some(start) = out.text.rfind('\u{E000}')
                    && let Some(end) = out.text[start..].find('\u{E001}')
                {
                    let target = out.text[start + 3..start + end].to_string();
                    let text = out.text[start + end + 3..].to_string();
                    out.text.truncate(start);
                    out.text.push_str(&text);
                    out.text.push_str("](");
                    out.text.push_str(&target);
                    out.text.push(')');
                }
            }
            (n, _) if BLOCK_TAGS.contains(&n) => Self::newline(out, no, true),
            _ => {}
        }
    }
}

/// The label of list item `n` in a list of the given style.
fn label(style: char, n: u32) -> String {
    match style {
        'a' => format!("{}.", crate::numerals::letters(n, false)),
        'A' => format!("{}.", crate::numerals::letters(n, true)),
        'i' => format!("{}.", crate::numerals::roman(n, false)),
        'I' => format!("{}.", crate::numerals::roman(n, true)),
        '-' => "-".to_string(),
        _ => format!("{n}."),
    }
}

/// Parses an HTML tag at the start of `s`: (lowercase name, closing, attributes, length in bytes).
fn tag(s: &str) -> Option<(String, bool, &str, usize)> {
    let end = s.find('>')?;
    let inner = &s[1..end];
    if inner.contains('<') || inner.len() > 1024 {
        return None;
    }
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let inner = inner.trim_end_matches('/');
    let name_len = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    let name = inner[..name_len].to_ascii_lowercase();
    let known = matches!(name.as_str(), "ol" | "ul" | "li" | "br" | "a")
        || INLINE_TAGS.contains(&name.as_str())
        || BLOCK_TAGS.contains(&name.as_str());
    let attrs = &inner[name_len..];
    (known && (attrs.is_empty() || attrs.starts_with(char::is_whitespace))).then_some((
        name,
        closing,
        attrs,
        end + 1,
    ))
}

/// The value of attribute `name` in an attribute list, quoted or not.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let lower = attrs.to_ascii_lowercase();
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let at = from + pos;
        from = at + name.len();
        let before_ok = at == 0 || lower[..at].ends_with(char::is_whitespace);
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start = attrs.len() - rest.len() + 1;
        let value = attrs[value_start..].trim_start();
        return Some(match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value.split_whitespace().next().unwrap_or(""),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_lists_breaks_and_links_become_markdown() {
        let p = prepare("Intro <ol type=\"a\" class=\"x\"><li>One</li><li><b>Two</b></li></ol> after<br/>next <a href=\"#annex3\">Annex 3</a>.\n").expect("prepares");
        assert_eq!(
            p.text,
            "Intro \n\n\n\na. One\n\nb. Two\n\n after\\\nnext [Annex 3](#annex3).\n"
        );
        assert_eq!(p.lines.len(), p.text.matches('\n').count());
        let p = prepare("<ol type=\"I\" start=\"3\"><li>x</li></ol><ul><li>y</li></ul>")
            .expect("prepares");
        assert!(
            p.text.contains("III. x") && p.text.contains("- y"),
            "{}",
            p.text
        );
        // Placeholders that look like tags are text.
        let p = prepare("Send to <Customer Name> at <https://x.example>.").expect("prepares");
        assert_eq!(p.text, "Send to <Customer Name> at <https://x.example>.\n");
    }

    #[test]
    fn front_matter_metadata_is_skipped_and_block_text_unwrapped() {
        let words = "word ".repeat(40);
        let src = format!("---\ntitle: X\ntext: >+\n  ## 1. A\n\n  {words}\n---\n");
        let p = prepare(&src).expect("unwraps");
        assert!(p.text.starts_with("## 1. A\n\nword"), "{}", p.text);
        assert_eq!(p.lines[0], 4);
        assert_eq!(p.notes.len(), 1);
        let p = prepare("---\ntitle: X\n---\n## 1. A\n").expect("metadata");
        assert_eq!((p.text.as_str(), p.lines[0]), ("## 1. A\n", 4));
        let e = prepare(&format!("---\ntext: \"{words}\"\n---\n")).expect_err("refused");
        assert!(e.contains("`text`") && e.contains("yq"), "{e}");
        let p = prepare(&format!(
            "+++\nbody = \"\"\"\n## 2. B\n{words}\n\"\"\"\n+++\n"
        ))
        .expect("toml");
        assert!(p.text.starts_with("## 2. B\n"), "{}", p.text);
    }
}
