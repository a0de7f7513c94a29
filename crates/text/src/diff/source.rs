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
    let mut html = Html {
        closed_components: closed_components(src),
        ..Html::default()
    };
    let mut at_start = true;
    for (line, no) in body.iter().zip(lines) {
        if at_start && is_mdx_statement(line) {
            // MDX `import`/`export` lines are code, never shown.
            out.text.push('\n');
            out.lines.push(no);
            continue;
        }
        at_start = at_start && (line.trim().is_empty() || is_mdx_statement(line));
        html.line(line, no, &mut out);
        if html.joining() {
            // Inside a heading or a table row written in HTML over several lines: one line of text.
            out.text.push(' ');
        } else {
            out.text.push('\n');
            out.lines.push(no);
        }
    }
    if html.joining() {
        out.text.push('\n');
        out.lines.push(out.lines.last().copied().unwrap_or(1));
    }
    out.text = bold_spans(&out.text);
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

/// Where an HTML `<strong>` or `<b>` opened or closed, until [`bold_spans`] writes it.
const BOLD: char = '\u{E002}';

/// HTML bold as Markdown's `**`, so that a bold run-in title (`<strong>1. Personnel.</strong>`)
/// reads as `**1. Personnel.**` does: each pair of marks, spaces inside moved outside; a mark
/// with no partner, or a pair around nothing or across a paragraph break, is dropped.
fn bold_spans(text: &str) -> String {
    if !text.contains(BOLD) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut parts = text.split(BOLD);
    out.push_str(parts.next().unwrap_or(""));
    let rest: Vec<&str> = parts.collect();
    let mut i = 0;
    while i < rest.len() {
        // `rest[i]` is inside a span when a closing mark follows it.
        if i + 1 < rest.len() {
            let inner = rest[i];
            let core = inner.trim_matches([' ', '\t']);
            if !core.is_empty()
                && !core.contains("\n\n")
                && !core.starts_with(char::is_whitespace)
                && !core.ends_with(char::is_whitespace)
            {
                let lead = &inner[..inner.len() - inner.trim_start_matches([' ', '\t']).len()];
                let trail = &inner[inner.trim_end_matches([' ', '\t']).len()..];
                out.push_str(lead);
                out.push_str("**");
                out.push_str(core);
                out.push_str("**");
                out.push_str(trail);
            } else {
                out.push_str(inner);
            }
            out.push_str(rest[i + 1]);
            i += 2;
        } else {
            out.push_str(rest[i]);
            i += 1;
        }
    }
    out
}

/// An MDX `import` or `export` statement, which is scaffolding and not text.
fn is_mdx_statement(line: &str) -> bool {
    let t = line.trim_end();
    (t.starts_with("import ") && (t.contains(" from ") || t.ends_with(';') || t.contains('\'')))
        || t.starts_with("export const ")
        || t.starts_with("export default ")
        || t.starts_with("export function ")
}

/// Names of capitalised (JSX) components that the source closes somewhere: `</Note>`.
fn closed_components(src: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = src;
    while let Some(at) = rest.find("</") {
        let after = &rest[at + 2..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
            .unwrap_or(after.len());
        let name = &after[..len];
        if name.starts_with(|c: char| c.is_ascii_uppercase()) && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
        rest = after;
    }
    names
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
    // YAML front matter may also end with `...`.
    let closes = |l: &&str| l.trim_end() == fence || (fence == "---" && l.trim_end() == "...");
    let Some(close) = all.iter().skip(1).position(closes) else {
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
    /// Open lists: the label style (`1`, `a`, `A`, `i`, `I`, `-` for bullets, ` ` for none) and next number.
    lists: Vec<(char, u32)>,
    /// Inside a fenced code block, where nothing is rewritten.
    fence: bool,
    /// Inside an HTML heading: its text is one Markdown heading line.
    heading: bool,
    /// Inside an HTML table: cells written so far in the open row, rows written so far.
    table: Option<(Option<usize>, usize)>,
    /// Inside an element whose content is never shown (`script`, `style`, `template`): its name.
    hidden: Option<String>,
    /// Inside a Liquid `{% comment %}` or `{% raw %}` block.
    liquid_comment: bool,
    /// Open Liquid conditionals, innermost last.
    conditionals: Vec<Conditional>,
    /// The source line is a Markdown table row, where a `<br>` is a space inside a cell.
    pipe_row: bool,
    /// Capitalised component names the source closes (`</Note>`): their tags are MDX scaffolding.
    closed_components: Vec<String>,
    /// Open Markdown ordered lists, whose items show consecutive numbers whatever is written.
    ordered: Ordered,
}

/// Markdown ordered lists as displayed: a list shows its first item's number, then the next ones,
/// whatever numbers its other items carry (`1.` `1.` `1.` shows 1, 2, 3).
#[derive(Debug, Default)]
struct Ordered {
    /// Open lists, outermost first: (indent of the marker, next number, delimiter, first number).
    open: Vec<(usize, u64, char, u64)>,
    /// The previous line was blank.
    after_blank: bool,
}

impl Ordered {
    fn line(&mut self, line: &str) -> String {
        if line.trim().is_empty() {
            self.after_blank = true;
            return line.to_string();
        }
        let indent = line.len() - line.trim_start().len();
        let t = &line[indent..];
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let delim = t[digits..].chars().next();
        let marker = (1..=9).contains(&digits)
            && matches!(delim, Some('.' | ')'))
            && t[digits + 1..].starts_with([' ', '\t']);
        let after_blank = std::mem::replace(&mut self.after_blank, false);
        if !marker {
            // A paragraph no deeper than a list's items ends that list; a wrapped line does not.
            if after_blank || t.starts_with('#') {
                self.open.retain(|(i, ..)| indent > *i + 1);
            }
            return line.to_string();
        }
        let delim = delim.unwrap_or('.');
        self.open.retain(|(i, ..)| *i <= indent);
        let written: u64 = t[..digits].parse().unwrap_or(1);
        // Only the convention of repeating the first number (`1.` `1.` `1.`) is renumbered; any
        // other number starts over from what is written.
        let shown = match self.open.last_mut() {
            Some((i, next, d, first))
                if *i == indent && *d == delim && (written == *first || written == *next) =>
            {
                let n = *next;
                *next += 1;
                n
            }
            _ => {
                self.open.retain(|(i, ..)| *i < indent);
                self.open.push((indent, written + 1, delim, written));
                written
            }
        };
        format!("{}{shown}{}", &line[..indent], &t[digits..])
    }
}

impl Html {
    /// Whether the lines being read are one line of Markdown (a heading or a table row in HTML).
    fn joining(&self) -> bool {
        self.heading || self.table.is_some()
    }

    fn line(&mut self, line: &str, no: usize, out: &mut Prepared) {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            self.fence = !self.fence;
        }
        if self.fence {
            out.text.push_str(line);
            return;
        }
        let templated = alert(&self.liquid(line));
        let templated = self.ordered.line(&templated);
        let line = templated.as_str();
        if !line.contains('<') && self.hidden.is_none() {
            out.text.push_str(line);
            return;
        }
        self.pipe_row = line.trim_start().starts_with('|');
        let mut rest = line;
        loop {
            if let Some(name) = self.hidden.clone() {
                // Skip to the closing tag of the hidden element.
                let close = format!("</{name}");
                match rest.to_ascii_lowercase().find(&close) {
                    Some(at) => {
                        let after = &rest[at..];
                        rest = after.find('>').map_or("", |e| &after[e + 1..]);
                        self.hidden = None;
                    }
                    None => return,
                }
                continue;
            }
            let Some(open) = rest.find('<') else { break };
            self.text(&rest[..open], out);
            let after = &rest[open..];
            // `\<b>` is an escaped bracket: text, never a tag.
            let escaped = rest[..open].ends_with('\\');
            match self.parse(after).filter(|_| !escaped) {
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
        self.text(rest, out);
    }

    /// Text between tags; a `|` inside an HTML table cell is escaped so the row keeps its cells.
    fn text(&self, s: &str, out: &mut Prepared) {
        if self.table.is_some_and(|(cells, _)| cells.is_some()) && s.contains('|') {
            out.text.push_str(&s.replace('|', "\\|"));
        } else {
            out.text.push_str(s);
        }
    }

    /// Template tags are not text: `{% data x %}` and `{{ x }}` become one placeholder naming the
    /// value a reader sees (`{{x}}`), every other `{% … %}` tag is dropped, comments with it.
    fn liquid(&mut self, line: &str) -> String {
        if !self.liquid_comment
            && !line.contains("{%")
            && !line.contains("{{")
            && !line.contains("{/*")
        {
            return if self.shown() {
                line.to_string()
            } else {
                String::new()
            };
        }
        let mut out = String::with_capacity(line.len());
        let mut rest = line;
        loop {
            if self.liquid_comment {
                let Some(at) = rest.find("{%") else { break };
                let after = &rest[at..];
                let Some(end) = after.find("%}") else { break };
                let word = after[2..end]
                    .trim_matches(['-', ' ', '\t'])
                    .split_whitespace()
                    .next();
                if matches!(word, Some("endcomment" | "endraw")) {
                    self.liquid_comment = false;
                }
                rest = &after[end + 2..];
                continue;
            }
            let next = [rest.find("{%"), rest.find("{{"), rest.find("{/*")]
                .into_iter()
                .flatten()
                .min();
            let Some(at) = next else { break };
            if self.shown() {
                out.push_str(&rest[..at]);
            }
            let after = &rest[at..];
            if after.starts_with("{/*") {
                // An MDX comment.
                rest = after.find("*/}").map_or("", |e| &after[e + 3..]);
                continue;
            }
            let closer = if after.starts_with("{%") { "%}" } else { "}}" };
            let Some(end) = after[2..].find(closer).map(|e| e + 2) else {
                if self.shown() {
                    out.push_str(after);
                }
                rest = "";
                break;
            };
            let inner = after[2..end].trim_matches(['-', ' ', '\t']);
            let mut words = inner.split_whitespace();
            let shown = self.shown();
            if closer == "}}" {
                if shown {
                    out.push_str(&placeholder(inner));
                }
            } else {
                match words.next() {
                    Some("data") if shown => out.push_str(&placeholder(words.next().unwrap_or(""))),
                    Some("comment" | "raw") if shown => self.liquid_comment = true,
                    Some(word) => self.conditional(word, inner),
                    None => {}
                }
            }
            rest = &after[end + 2..];
        }
        if !self.liquid_comment && self.shown() {
            out.push_str(rest);
        }
        out
    }

    /// Whether the text being read is in the shown branch of every open conditional.
    fn shown(&self) -> bool {
        self.conditionals.iter().all(|c| c.showing)
    }

    /// Follows a Liquid conditional tag (`if`, `ifversion`, `unless`, `elsif`, `else`, `endif`).
    fn conditional(&mut self, word: &str, tag: &str) {
        match word {
            "if" | "ifversion" | "unless" => {
                let shown = version_condition(tag);
                self.conditionals.push(Conditional {
                    evaluated: shown.is_some(),
                    taken: shown.unwrap_or(true),
                    showing: shown.unwrap_or(true),
                });
            }
            "elsif" => {
                if let Some(c) = self.conditionals.last_mut()
                    && c.evaluated
                {
                    let shown = !c.taken && version_condition(tag).unwrap_or(false);
                    c.showing = shown;
                    c.taken |= shown;
                }
            }
            "else" => {
                if let Some(c) = self.conditionals.last_mut()
                    && c.evaluated
                {
                    c.showing = !c.taken;
                    c.taken = true;
                }
            }
            "endif" | "endunless" | "endifversion" => {
                self.conditionals.pop();
            }
            _ => {}
        }
    }

    fn newline(out: &mut Prepared, no: usize, blank: bool) {
        out.text.push('\n');
        out.lines.push(no);
        if blank {
            out.text.push('\n');
            out.lines.push(no);
        }
    }

    /// Parses a tag this rewriter knows at the start of `s`; anything else stays text.
    fn parse<'a>(&self, s: &'a str) -> Option<(String, bool, &'a str, usize)> {
        let (name, closing, attrs, len) = tag(s)?;
        let known = KNOWN_TAGS.contains(&name.as_str())
            || INLINE_TAGS.contains(&name.as_str())
            || BLOCK_TAGS.contains(&name.as_str())
            || HEADINGS.contains(&name.as_str())
            || is_component(&name, attrs, &s[..len], &self.closed_components);
        known.then_some((name, closing, attrs, len))
    }

    fn tag(&mut self, name: &str, closing: bool, attrs: &str, no: usize, out: &mut Prepared) {
        let in_row = self.table.is_some_and(|(cells, _)| cells.is_some());
        match (name, closing) {
            ("ol", false) => {
                let start = attr(attrs, "start")
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(1);
                self.lists.push((list_style(attrs).unwrap_or('1'), start));
                Self::newline(out, no, true);
            }
            ("ul", false) => {
                self.lists.push((list_style(attrs).unwrap_or('-'), 1));
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
                if !label.is_empty() {
                    out.text.push_str(&label);
                    out.text.push(' ');
                }
            }
            ("li", true) => {}
            (h, false) if HEADINGS.contains(&h) && !in_row && !self.heading => {
                // A heading wherever it is nested (`<p><h1>…</h1></p>`) is a heading line.
                Self::newline(out, no, true);
                let level = usize::from(h.as_bytes()[1] - b'0');
                out.text.push_str(&"#".repeat(level));
                out.text.push(' ');
                self.heading = true;
            }
            (h, true) if HEADINGS.contains(&h) && !in_row && self.heading => {
                self.heading = false;
                Self::newline(out, no, true);
            }
            ("table", false) => {
                Self::newline(out, no, true);
                self.table = Some((None, 0));
            }
            ("table", true) => {
                self.end_row(no, out);
                self.table = None;
                Self::newline(out, no, true);
            }
            ("tr", false) => {
                self.end_row(no, out);
                if let Some(t) = &mut self.table {
                    t.0 = Some(0);
                    out.text.push('|');
                }
            }
            ("tr", true) => self.end_row(no, out),
            ("td" | "th", false) => {
                if let Some((Some(cells), _)) = &mut self.table {
                    if *cells > 0 {
                        out.text.push_str(" |");
                    }
                    *cells += 1;
                    out.text.push(' ');
                }
            }
            ("br", _) if in_row || self.heading || self.pipe_row => out.text.push(' '),
            ("br", _) => {
                // A line break inside the paragraph: Markdown's hard break.
                out.text.push('\\');
                Self::newline(out, no, false);
            }
            ("img", _) => {
                if let Some(alt) = attr(attrs, "alt") {
                    out.text.push_str(alt);
                }
            }
            ("script" | "style" | "template" | "noscript", false) => {
                self.hidden = Some(name.to_string());
            }
            ("a", false) => {
                // A link inside a link is not one: a browser closes the first where the second
                // opens (as pandoc writes a web address inside a link's text).
                if out.text.contains('\u{E000}') {
                    self.tag("a", true, "", no, out);
                }
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
            ("strong" | "b", _) => {
                // Bold, written as Markdown's once the span is known (see `bold_spans`).
                out.text.push(BOLD);
            }
            (n, _) if BLOCK_TAGS.contains(&n) || BREAKING_TAGS.contains(&n) => {
                if self.table.is_some() || self.heading {
                    out.text.push(' ');
                } else {
                    Self::newline(out, no, true);
                }
            }
            _ => {}
        }
    }

    /// Ends the open table row, if any: the first row is followed by the delimiter row that makes
    /// the lines a Markdown table.
    fn end_row(&mut self, no: usize, out: &mut Prepared) {
        let Some((Some(cells), rows)) = self.table else {
            return;
        };
        out.text.push_str(" |");
        Self::newline(out, no, false);
        if rows == 0 {
            out.text.push('|');
            out.text.push_str(&" --- |".repeat(cells.max(1)));
            Self::newline(out, no, false);
        }
        self.table = Some((None, rows + 1));
    }
}

/// A GitHub alert marker (`> [!NOTE]`) reads as its label (`> Note`).
fn alert(line: &str) -> String {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix('>') {
        let marker = rest.trim();
        for (kind, label) in [
            ("[!NOTE]", "Note"),
            ("[!TIP]", "Tip"),
            ("[!IMPORTANT]", "Important"),
            ("[!WARNING]", "Warning"),
            ("[!CAUTION]", "Caution"),
        ] {
            if marker.eq_ignore_ascii_case(kind) {
                return format!("> {label}");
            }
        }
    }
    line.to_string()
}

/// The placeholder of a template variable: `{{name}}`, whatever tag syntax wrote it; a key
/// renamed only in case or separators (`user_settings`, `user-settings`) names the same value.
fn placeholder(name: &str) -> String {
    let name = name.trim();
    let name = name.strip_prefix("site.data.").unwrap_or(name);
    let name = name.to_lowercase().replace('-', "_");
    format!("{{{{{name}}}}}")
}

/// One open Liquid conditional.
#[derive(Debug)]
struct Conditional {
    /// Its condition could be evaluated: only one branch is shown.
    evaluated: bool,
    /// A branch has been shown already.
    taken: bool,
    /// The branch being read is shown.
    showing: bool,
}

/// The names of the default build of a versioned docs site (GitHub Docs: github.com).
const DEFAULT_VERSIONS: [&str; 4] = ["fpt", "free-pro-team", "dotcom", "free-pro-team@latest"];

/// Whether a version conditional shows its branch on the default build of the page, as a reader
/// of the published page sees it: `{% ifversion fpt or ghes %}`, `{% if currentVersion ==
/// "free-pro-team@latest" %}`. `None` for any other condition, which dpa cannot evaluate: every
/// branch of it is kept.
fn version_condition(tag: &str) -> Option<bool> {
    let mut words = tag.split_whitespace();
    let keyword = words.next()?;
    let rest: Vec<&str> = words.collect();
    if rest.first() == Some(&"currentVersion") {
        let (op, name) = (rest.get(1)?, rest.get(2)?.trim_matches(['"', '\'']));
        let default = DEFAULT_VERSIONS.contains(&name) || name.starts_with("free-pro-team");
        let shown = match *op {
            "==" => default,
            "!=" => !default,
            _ => return None,
        };
        return Some(shown != (keyword == "unless"));
    }
    if keyword == "ifversion" || keyword == "elsif" {
        let expr = rest.join(" ");
        return Some(
            expr.split(" or ")
                .any(|term| term.split(" and ").all(version_term)),
        );
    }
    None
}

/// One term of an `ifversion` expression (`fpt`, `not ghes`, `ghes > 3.1`): whether the default
/// build satisfies it. A feature name that is no version is kept shown, as dpa cannot know it.
fn version_term(term: &str) -> bool {
    let term = term.trim();
    if let Some(rest) = term.strip_prefix("not ") {
        return !version_term(rest);
    }
    let Some(name) = term.split_whitespace().next() else {
        return true;
    };
    let other_version = ["ghes", "ghec", "ghae"]
        .iter()
        .any(|v| name == *v || name.starts_with(&format!("{v}-")));
    DEFAULT_VERSIONS.contains(&name) || !other_version
}

/// HTML headings.
const HEADINGS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];

/// Elements with a rule of their own in [`Html::tag`].
const KNOWN_TAGS: [&str; 17] = [
    "ol", "ul", "li", "br", "a", "img", "table", "tr", "td", "th", "script", "style", "template",
    "noscript", "thead", "tbody", "tfoot",
];

/// Elements that end a paragraph but have no rule of their own (their text stays).
const BREAKING_TAGS: [&str; 16] = [
    "hr",
    "dl",
    "dt",
    "dd",
    "nav",
    "aside",
    "figure",
    "figcaption",
    "details",
    "summary",
    "caption",
    "pre",
    "body",
    "html",
    "thead",
    "tbody",
];

/// A capitalised JSX component tag (`<Note type="x">`, `<Tabs/>`, `</Note>`), which is
/// scaffolding: its text shows, the tag does not. `<Customer Name>` in prose is not one.
fn is_component(name: &str, attrs: &str, whole: &str, closed: &[String]) -> bool {
    let Some(first) = whole
        .get(1..)
        .and_then(|r| r.trim_start_matches('/').chars().next())
    else {
        return false;
    };
    if !first.is_ascii_uppercase() {
        return false;
    }
    let original = &whole[1..].trim_start_matches('/')[..name.len()];
    closed.iter().any(|c| c == original) || whole.ends_with("/>") || attrs.contains('=')
}

/// The marker style of a list from its `type` attribute or CSS `list-style-type`.
fn list_style(attrs: &str) -> Option<char> {
    if let Some(style) = attr(attrs, "style") {
        let lower = style.to_ascii_lowercase();
        for decl in lower.split(';') {
            let Some((prop, value)) = decl.split_once(':') else {
                continue;
            };
            let prop = prop.trim();
            if prop != "list-style-type" && prop != "list-style" {
                continue;
            }
            for v in value.split_whitespace() {
                let c = match v {
                    "decimal" | "decimal-leading-zero" => '1',
                    "lower-alpha" | "lower-latin" => 'a',
                    "upper-alpha" | "upper-latin" => 'A',
                    "lower-roman" => 'i',
                    "upper-roman" => 'I',
                    "disc" | "circle" | "square" => '-',
                    "none" => ' ',
                    _ => continue,
                };
                return Some(c);
            }
        }
    }
    attr(attrs, "type")
        .and_then(|t| t.chars().next())
        .filter(|c| matches!(c, '1' | 'a' | 'A' | 'i' | 'I'))
}

/// The label of list item `n` in a list of the given style.
fn label(style: char, n: u32) -> String {
    match style {
        'a' => format!("{}.", crate::numerals::letters(n, false)),
        'A' => format!("{}.", crate::numerals::letters(n, true)),
        'i' => format!("{}.", crate::numerals::roman(n, false)),
        'I' => format!("{}.", crate::numerals::roman(n, true)),
        '-' => "-".to_string(),
        ' ' => String::new(),
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
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .unwrap_or(inner.len());
    let name = inner[..name_len].to_ascii_lowercase();
    let attrs = &inner[name_len..];
    (!name.is_empty() && (attrs.is_empty() || attrs.starts_with(char::is_whitespace))).then_some((
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
            "Intro \n\n\n\na. One\n\nb. **Two**\n\n after\\\nnext [Annex 3](#annex3).\n"
        );
        assert_eq!(p.lines.len(), p.text.matches('\n').count());
        let p = prepare("<ol type=\"I\" start=\"3\"><li>x</li></ol><ul><li>y</li></ul>")
            .expect("prepares");
        assert!(
            p.text.contains("III. x") && p.text.contains("- y"),
            "{}",
            p.text
        );
        // HTML bold is Markdown's: a run-in title reads as one; spaces inside move outside; a
        // mark with no partner is dropped.
        let p = prepare(
            "<p><strong>1. Personnel.</strong> Staff are bound.</p>\nA <b> loud </b> word <b>and\n",
        )
        .expect("prepares");
        assert!(
            p.text.contains("**1. Personnel.** Staff are bound."),
            "{}",
            p.text
        );
        assert!(p.text.contains("A  **loud**  word and"), "{}", p.text);
        assert_eq!(p.lines.len(), p.text.matches('\n').count());
        // A link inside a link: the first ends where the second opens.
        let p = prepare(
            "at <a href=\"/a\"><a href=\"https://x.example/a\">https://x.example/a</a></a>, see",
        )
        .expect("prepares");
        assert_eq!(
            p.text,
            "at [](/a)[https://x.example/a](https://x.example/a), see\n"
        );
        // Placeholders that look like tags are text.
        let p = prepare("Send to <Customer Name> at <https://x.example>.").expect("prepares");
        assert_eq!(p.text, "Send to <Customer Name> at <https://x.example>.\n");
    }

    #[test]
    fn version_conditionals_show_the_default_build_and_other_conditions_every_branch() {
        let p = prepare(
            "Upload to GitHub.com{% ifversion ghec %} or GHE.com{% endif %}.\n\
             {% ifversion fpt or ghes %}Both{% else %}Neither{% endif %} \
             {% ifversion not ghae %}shown{% endif %}\n\
             {% if currentVersion == \"github-ae@next\" %}\nAE only.\n{% else %}\nDotcom.\n{% endif %}\n\
             {% ifversion ghae-next %}Connect, {% elsif fpt %}Pages, {% endif %}Packages\n\
             {% if page.beta %}Beta{% else %}Stable{% endif %}\n",
        )
        .expect("prepares");
        assert_eq!(
            p.text.lines().collect::<Vec<_>>(),
            [
                "Upload to GitHub.com.",
                "Both shown",
                "",
                "",
                "",
                "Dotcom.",
                "",
                "Pages, Packages",
                "BetaStable"
            ]
        );
        assert_eq!(p.lines.len(), p.text.matches('\n').count());
        // A variable renamed only in case or separators is the same placeholder.
        let a = prepare("See {{ site.data.variables.user_settings }}.").expect("a");
        let b = prepare("See {% data variables.User-Settings %}.").expect("b");
        assert_eq!(a.text, b.text);
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
