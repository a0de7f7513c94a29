//! Splits a Markdown contract into clauses by headings and numbered paragraphs.
//!
//! Segmentation rules (the `number` scheme):
//!
//! * Front matter (`---` YAML or `+++` TOML) and HTML comments are dropped; text before the
//!   first clause becomes a preamble clause with neither number nor title.
//! * Every heading (ATX `#`, setext, or a whole bold line carrying a number such as
//!   `**Clause 5: Liability**`) starts a clause. `### 2. Status and Compliance.` gives number
//!   `2` and title `Status and Compliance`; `#### Clause 1: Definitions` gives `Clause 1`.
//! * A paragraph starting with a decimal number of depth two or more (`1.1`, `2.3.1`) starts a
//!   clause. A bold lead-in supplies the title: `**1. Personnel.** Text` gives `1`, `Personnel`.
//! * A paragraph starting with `N.` starts a clause when the section it is in is unnumbered, or
//!   when it continues a run of such paragraphs with a higher number; otherwise it is a numbered
//!   item inside the current clause (the paragraphs `1.`–`4.` of SCC Clause 3 stay in Clause 3).
//! * Lettered and roman sub-paragraphs (`a.`, `(a)`, `(i)`, `(1)`) stay inside the enclosing
//!   clause, marker kept in its text: a change in 1.1(b) is reported as a change of clause 1.1,
//!   with the word-level redline showing the `b.` paragraph. Only where no clause encloses them
//!   (before any heading) do they start clauses of their own, numbered as written (`(a)`).
//! * Inside an annex-type part (a heading such as `Attachment 1 – …`, `Appendix 2 …`,
//!   `Annex I.B`, `Schedule 3`, or a short heading ending in one of those words such as
//!   `SECURITY EXHIBIT`) numbers are qualified with the part: `Attachment 1/Clause 5`,
//!   `Appendix 2/1`, `SECURITY EXHIBIT/1.1`, so they stay unique across the main body and its
//!   attachments. The qualification depends only on the nearest enclosing part heading, so an
//!   edit elsewhere never renumbers a clause.

use std::borrow::Cow;

use super::Clause;
use super::markup::{emphasis, inline_text, links};
use super::numbering::{
    Marker, Num, clean_title, heading_number, parse_marker, part_label, part_number,
};
use super::source;

/// Words after which a line break does not end a cross-reference ("… Section\n1.2 of …").
const REFERENCE_WORDS: [&str; 13] = [
    "section",
    "sections",
    "clause",
    "clauses",
    "article",
    "articles",
    "paragraph",
    "paragraphs",
    "§",
    "§§",
    "annex",
    "appendix",
    "schedule",
];

/// Splits a Markdown contract into clauses, one per heading or numbered paragraph, preamble first.
pub fn segment_markdown(src: &str) -> Vec<Clause> {
    segment_located(src).into_iter().map(|c| c.clause).collect()
}

/// A clause with where it came from and the links it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The clause.
    pub clause: Clause,
    /// Its 1-based first and last source line.
    pub lines: (usize, usize),
    /// Its links: (visible text, target).
    pub links: Vec<(String, String)>,
    /// Its emphasised (bold or italic) spans by visible text.
    pub emphasis: Vec<String>,
}

/// Like [`segment_markdown`], with locations; front matter that cannot be unwrapped is read as text.
pub fn segment_located(src: &str) -> Vec<Located> {
    let src = normalise(src);
    let prepared = source::prepare(&src).unwrap_or_else(|_| {
        let mut p = source::Prepared::default();
        for (i, line) in src.lines().enumerate() {
            p.text.push_str(line);
            p.text.push('\n');
            p.lines.push(i + 1);
        }
        p
    });
    run(&prepared)
}

/// Segments a Markdown document as a reader sees it; `Err` says why its text cannot be read.
pub fn segment_document(src: &str) -> Result<(Vec<Located>, Vec<String>), String> {
    let src = normalise(src);
    let prepared = source::prepare(&src)?;
    Ok((run(&prepared), prepared.notes.clone()))
}

fn normalise(src: &str) -> Cow<'_, str> {
    let src = src.strip_prefix('\u{FEFF}').unwrap_or(src);
    // `lines()` handles CRLF but not the lone CR of old Mac files.
    if src.contains('\r') {
        Cow::Owned(src.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(src)
    }
}

fn run(prepared: &source::Prepared) -> Vec<Located> {
    let body = strip_html_comments(&prepared.text);
    let pass = |prose_blocks: bool| {
        let mut seg = Segmenter {
            prose_blocks,
            ..Segmenter::default()
        };
        for (i, line) in body.lines().enumerate() {
            seg.line_no = prepared.lines.get(i).copied().unwrap_or(i + 1);
            seg.line(line);
        }
        seg.finish()
    };
    let clauses = pass(false);
    // A page with no numbered clause (a policy in prose, a list of sub-processors) is read by its
    // blocks: each paragraph outside a headed section is a clause of its own, known by its words.
    if clauses.iter().any(|c| c.clause.number.is_some()) {
        clauses
    } else {
        pass(true)
    }
}

/// Where the clause being built came from; sub-paragraphs only split the preamble.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Origin {
    #[default]
    Preamble,
    Heading,
    Paragraph,
}

/// What the previous line was, which decides whether a number at line start is a marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Prev {
    #[default]
    Start,
    Blank,
    Heading,
    Text {
        setext: bool,
    },
}

#[derive(Debug, Default)]
struct Draft {
    number: Option<String>,
    title: Option<String>,
    origin: Origin,
    /// Raw Markdown paragraphs; wrapped lines are joined with a space.
    paragraphs: Vec<String>,
    /// First and last source line of the clause (1-based).
    lines: (usize, usize),
}

#[derive(Debug, Default)]
struct Segmenter {
    out: Vec<Located>,
    /// The previous line ended in a hard break, so this one starts a new line of the clause text.
    hard_break: bool,
    /// The 1-based number of the source line being read.
    line_no: usize,
    cur: Draft,
    /// Enclosing annex-type parts: (heading level, label).
    parts: Vec<(usize, String)>,
    prev: Prev,
    prev_ends_with_reference: bool,
    fence: Option<(char, usize)>,
    /// The current block began with a marker or bullet, so a tight list may continue it.
    list_block: bool,
    /// Top-level `N.` paragraphs are acting as clauses in this section; the last N seen.
    top_run: Option<u32>,
    /// Sub-paragraph markers are acting as clauses (no enclosing clause).
    sub_run: bool,
    /// Inside a table: the rows read so far, each a clause, emitted after the enclosing clause.
    rows: Vec<Located>,
    /// The lines being read are rows of a table.
    in_table: bool,
    /// Paragraphs outside any headed or numbered clause are clauses of their own.
    prose_blocks: bool,
}

impl Segmenter {
    fn line(&mut self, raw: &str) {
        let t = strip_container(raw);
        if let Some((fc, len)) = self.fence {
            if is_fence(t)
                .is_some_and(|(c, l)| c == fc && l >= len && t.trim_matches(fc).trim().is_empty())
            {
                self.fence = None;
            } else {
                self.push(t, true);
            }
            self.prev = Prev::Text { setext: false };
            return;
        }
        if self.in_table {
            if !t.trim().is_empty() && (t.starts_with('|') || has_cell_separator(t)) {
                self.row(t);
                return;
            }
            self.in_table = false;
        }
        if t.trim().is_empty() {
            self.prev = Prev::Blank;
            self.list_block = false;
            return;
        }
        if is_table_delimiter(t)
            && matches!(self.prev, Prev::Text { .. })
            && self
                .cur
                .paragraphs
                .last()
                .is_some_and(|p| has_cell_separator(p) && !p.contains('\n'))
            && let Some(header) = self.cur.paragraphs.pop()
        {
            // A table: its header row and every row after it are rows, not paragraphs.
            self.in_table = true;
            self.row(&header);
            self.prev = Prev::Text { setext: false };
            return;
        }
        if let Some(fence) = is_fence(t) {
            self.fence = Some(fence);
            self.prev = Prev::Text { setext: false };
            return;
        }
        if let Some((level, text)) = atx_heading(t) {
            self.heading(level, text);
            return;
        }
        if let Some(level) = setext_level(t)
            && self.prev == (Prev::Text { setext: true })
            && let Some(text) = self.cur.paragraphs.pop()
        {
            self.heading(level, &text);
            return;
        }
        if is_thematic_break(t) {
            self.prev = Prev::Blank;
            self.list_block = false;
            return;
        }
        if is_reference_definition(t) {
            return;
        }
        let block_start = matches!(self.prev, Prev::Start | Prev::Blank | Prev::Heading);
        // In a tight list a marker may follow the previous line directly, unless that line
        // ended in "Section" and the number is the rest of a wrapped cross-reference.
        let may_mark = block_start || (self.list_block && !self.prev_ends_with_reference);
        self.prev_ends_with_reference = ends_with_reference(t);
        if may_mark && let Some(marker) = parse_marker(t) {
            self.marker(marker, t);
            self.list_block = true;
            self.prev = Prev::Text { setext: false };
            return;
        }
        let bullet = bullet_text(t);
        let table = t.starts_with('|');
        if block_start {
            self.list_block = bullet.is_some();
        }
        let setext = block_start && bullet.is_none() && !table;
        let after_break = std::mem::replace(
            &mut self.hard_break,
            raw.ends_with("  ") || t.ends_with('\\'),
        );
        self.push(
            bullet.as_deref().unwrap_or(t),
            block_start || bullet.is_some() || table || after_break,
        );
        self.prev = Prev::Text { setext };
    }

    fn heading(&mut self, level: usize, raw: &str) {
        let text = inline_text(raw);
        while self.parts.last().is_some_and(|(l, _)| *l >= level) {
            self.parts.pop();
        }
        match heading_number(&text) {
            Some((num, title)) => self.start(Some(num.text()), clean_title(title), Origin::Heading),
            None => {
                let label = part_label(&text);
                match part_number(&text) {
                    // An annex is numbered by its label (`Annex I.B`), never qualified by another.
                    Some((number, title)) => {
                        self.start(None, clean_title(title), Origin::Heading);
                        self.cur.number = Some(number);
                    }
                    None => self.start(None, clean_title(&text), Origin::Heading),
                }
                if let Some(label) = label {
                    self.parts.push((level, label));
                }
            }
        }
        self.reset_runs();
        self.prev = Prev::Heading;
        self.list_block = false;
    }

    fn marker(&mut self, m: Marker<'_>, line: &str) {
        match &m.num {
            Num::Decimal {
                depth: 1, first, ..
            } if !m.heading => {
                // An annex's heading, numbered by its label, is a section without a number of
                // its own: its `1.` paragraphs are clauses.
                let part_heading = self.cur.origin == Origin::Heading
                    && self
                        .parts
                        .last()
                        .is_some_and(|(_, p)| self.cur.number.as_deref() == Some(p.as_str()));
                let opens = self.cur.number.is_none()
                    || part_heading
                    || self.top_run.is_some_and(|last| *first > last);
                if !opens {
                    self.push(line, true);
                    return;
                }
                self.top_run = Some(*first);
                self.sub_run = false;
            }
            Num::Sub(_) if !m.heading => {
                if self.cur.origin != Origin::Preamble && !self.sub_run {
                    self.push(line, true);
                    return;
                }
                self.sub_run = true;
            }
            _ => self.sub_run = false,
        }
        if m.heading {
            self.start(Some(m.num.text()), m.title, Origin::Heading);
            self.reset_runs();
        } else {
            self.start(Some(m.num.text()), m.title, Origin::Paragraph);
            if !m.rest.trim().is_empty() {
                self.push(m.rest, true);
            }
        }
    }

    /// One table row as a clause: keyed by its first cell (its title), the other cells its text.
    fn row(&mut self, line: &str) {
        let cells = split_cells(line);
        let mut visible = cells.iter().map(|c| inline_text(c));
        let first = visible.next().filter(|c| !c.is_empty());
        let rest: Vec<String> = visible.collect();
        let text = rest.join(" | ");
        if first.is_none() && rest.iter().all(String::is_empty) {
            return;
        }
        // A first cell that starts with a number ("G. API Terms") is numbered like a heading.
        let (number, title) = match first.as_deref().and_then(heading_number) {
            Some((num, title)) => (Some(num.text()), clean_title(title)),
            None => (None, first),
        };
        self.rows.push(Located {
            clause: Clause {
                key: None,
                number,
                title,
                text,
            },
            lines: (self.line_no, self.line_no),
            links: cells.iter().flat_map(|c| links(c)).collect(),
            emphasis: cells.iter().flat_map(|c| emphasis(c)).collect(),
        });
    }

    fn reset_runs(&mut self) {
        self.top_run = None;
        self.sub_run = false;
    }

    fn push(&mut self, text: &str, new_paragraph: bool) {
        if self.cur.lines.0 == 0 {
            self.cur.lines.0 = self.line_no;
        }
        self.cur.lines.1 = self.line_no;
        match self.cur.paragraphs.last_mut() {
            Some(last) if !new_paragraph => {
                last.push(' ');
                last.push_str(text);
            }
            _ => self.cur.paragraphs.push(text.to_owned()),
        }
    }

    fn start(&mut self, number: Option<String>, title: Option<String>, origin: Origin) {
        let number = number.map(|n| match self.parts.last() {
            Some((_, part)) => format!("{part}/{n}"),
            None => n,
        });
        let next = Draft {
            number,
            title,
            origin,
            paragraphs: Vec::new(),
            lines: (self.line_no, self.line_no),
        };
        let done = std::mem::replace(&mut self.cur, next);
        self.flush(done);
    }

    fn flush(&mut self, draft: Draft) {
        if self.prose_blocks
            && draft.origin == Origin::Preamble
            && draft.number.is_none()
            && draft.title.is_none()
        {
            for block in prose_blocks(&draft.paragraphs) {
                self.emit(Draft {
                    title: opening_words(&block),
                    paragraphs: block,
                    lines: draft.lines,
                    ..Draft::default()
                });
            }
        } else {
            self.emit(draft);
        }
        let mut rows = std::mem::take(&mut self.rows);
        self.out.append(&mut rows);
    }

    fn emit(&mut self, draft: Draft) {
        let found: Vec<(String, String)> = draft.paragraphs.iter().flat_map(|p| links(p)).collect();
        let emphasised: Vec<String> = draft.paragraphs.iter().flat_map(|p| emphasis(p)).collect();
        let paragraphs: Vec<String> = draft
            .paragraphs
            .iter()
            .map(|p| inline_text(p))
            .filter(|p| !p.is_empty())
            .collect();
        let text = paragraphs.join("\n");
        if draft.number.is_none() && draft.title.is_none() && text.is_empty() {
            return;
        }
        self.out.push(Located {
            clause: Clause {
                key: None,
                number: draft.number,
                title: draft.title,
                text,
            },
            lines: draft.lines,
            links: found,
            emphasis: emphasised,
        });
    }

    fn finish(mut self) -> Vec<Located> {
        let last = std::mem::take(&mut self.cur);
        self.flush(last);
        self.out
    }
}

/// Words a prose block's title takes from its opening.
const OPENING_WORDS: usize = 8;

/// Groups paragraphs into blocks: a paragraph and the list items that follow it.
fn prose_blocks(paragraphs: &[String]) -> Vec<Vec<String>> {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    for p in paragraphs {
        let item = p.starts_with("- ") || parse_marker(p).is_some();
        match blocks.last_mut() {
            Some(block) if item => block.push(p.clone()),
            _ => blocks.push(vec![p.clone()]),
        }
    }
    blocks.retain(|b| b.iter().any(|p| !inline_text(p).is_empty()));
    blocks
}

/// The title of a prose block: its first words, so that it is known by its content.
fn opening_words(block: &[String]) -> Option<String> {
    let text = inline_text(block.first()?);
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let mut title = words[..words.len().min(OPENING_WORDS)].join(" ");
    if words.len() > OPENING_WORDS {
        title.push('…');
    }
    Some(title)
}

/// Whether a line holds an unescaped `|`, the cell separator of a Markdown table.
fn has_cell_separator(t: &str) -> bool {
    let b = t.as_bytes();
    (0..b.len()).any(|i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
}

/// The delimiter row under a Markdown table's header: `|---|:--:|`, `--- | ---`.
fn is_table_delimiter(t: &str) -> bool {
    let t = t.trim();
    let inner = t.trim_start_matches('|').trim_end_matches('|');
    (t.contains('|') || t.starts_with(':'))
        && !inner.trim().is_empty()
        && inner.split('|').all(|cell| {
            let c = cell.trim();
            let c = c.trim_start_matches(':').trim_end_matches(':');
            !c.is_empty() && c.chars().all(|ch| ch == '-')
        })
}

/// The cells of a table row, outer pipes dropped; an escaped `\|` stays inside its cell.
fn split_cells(line: &str) -> Vec<String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = if t.ends_with('|') && !t.ends_with("\\|") {
        &t[..t.len() - 1]
    } else {
        t
    };
    let mut cells = vec![String::new()];
    let mut escaped = false;
    for c in t.chars() {
        if c == '|' && !escaped {
            cells.push(String::new());
        } else if let Some(cell) = cells.last_mut() {
            cell.push(c);
        }
        escaped = c == '\\' && !escaped;
    }
    cells.into_iter().map(|c| c.trim().to_string()).collect()
}

/// Removes closed `<!-- … -->` comments, which may span paragraphs.
fn strip_html_comments(src: &str) -> Cow<'_, str> {
    if !src.contains("<!--") {
        return Cow::Borrowed(src);
    }
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(start) = rest.find("<!--") {
        let Some(len) = rest[start + 4..].find("-->") else {
            break;
        };
        out.push_str(&rest[..start]);
        // Keep the comment's line breaks so that line numbers still point into the source.
        let comment = &rest[start..start + 4 + len + 3];
        out.extend(std::iter::repeat_n('\n', comment.matches('\n').count()));
        rest = &rest[start + 4 + len + 3..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Strips indentation and blockquote markers, which do not change a clause's words.
fn strip_container(raw: &str) -> &str {
    let mut t = raw.trim_start();
    while let Some(rest) = t.strip_prefix('>') {
        t = rest.trim_start();
    }
    t
}

fn is_fence(t: &str) -> Option<(char, usize)> {
    let c = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = t.chars().take_while(|x| *x == c).count();
    (len >= 3).then_some((c, len))
}

fn atx_heading(t: &str) -> Option<(usize, &str)> {
    let level = t.bytes().take_while(|b| *b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &t[level..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim();
    // A closing sequence of #s is decoration, unless it is the whole text.
    let stripped = rest.trim_end_matches('#');
    let text = if stripped.is_empty() || stripped.ends_with([' ', '\t']) {
        stripped.trim_end()
    } else {
        rest
    };
    Some((level, text))
}

fn setext_level(t: &str) -> Option<usize> {
    let t = t.trim_end();
    if !t.is_empty() && t.chars().all(|c| c == '=') {
        Some(1)
    } else if t.len() >= 2 && t.chars().all(|c| c == '-') {
        Some(2)
    } else {
        None
    }
}

fn is_thematic_break(t: &str) -> bool {
    let mut marks = t.chars().filter(|c| !c.is_whitespace());
    let Some(first) = marks.next().filter(|c| matches!(c, '-' | '*' | '_')) else {
        return false;
    };
    let mut count = 1;
    for c in marks {
        if c != first {
            return false;
        }
        count += 1;
    }
    count >= 3
}

/// A link reference definition (`[id]: https://…`), which is not contract text.
fn is_reference_definition(t: &str) -> bool {
    let Some(close) = t.strip_prefix('[').and_then(|r| r.find("]:")) else {
        return false;
    };
    let target = t[close + 3..].trim_start();
    close > 0
        && !t[1..close + 1].contains(['[', ']'])
        && ["http://", "https://", "mailto:", "/", "#", "<", "./", "../"]
            .iter()
            .any(|p| target.starts_with(p))
}

/// Normalises a bullet list item to `- text`, so that `*` or `+` bullets compare equal to `-`.
fn bullet_text(t: &str) -> Option<String> {
    let rest = t.strip_prefix(['-', '*', '+'])?;
    rest.starts_with([' ', '\t'])
        .then(|| format!("- {}", rest.trim_start()))
}

fn ends_with_reference(t: &str) -> bool {
    t.split_whitespace()
        .last()
        .is_some_and(|w| REFERENCE_WORDS.contains(&w.to_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(clauses: &[Clause]) -> Vec<String> {
        clauses
            .iter()
            .map(|c| c.number.clone().unwrap_or_else(|| "-".into()))
            .collect()
    }

    #[test]
    fn headings_paragraphs_and_sub_paragraphs() {
        let src = "---\ntitle: X\n---\n\nVersion: 1\n\n### 1.  Definitions.\n\n1.1 The \"**Laws**\" means:\n\n  a.  The GDPR; and\n\n  b.  The CCPA.\n\n1.2  \"**Data**\" means\ndata.\n\n#### 2.1 Data Processing. \nGitHub acts.\n";
        let c = segment_markdown(src);
        assert_eq!(numbers(&c), ["-", "1", "1.1", "1.2", "2.1"]);
        assert_eq!(c[0].text, "Version: 1");
        assert_eq!(c[1].title.as_deref(), Some("Definitions"));
        assert_eq!(
            c[2].text,
            "The \"Laws\" means:\na. The GDPR; and\nb. The CCPA."
        );
        assert_eq!(c[3].text, "\"Data\" means data.");
        assert_eq!(
            (c[4].title.as_deref(), c[4].text.as_str()),
            (Some("Data Processing"), "GitHub acts.")
        );
    }

    #[test]
    fn annex_parts_qualify_numbers_and_named_clauses_keep_their_paragraphs() {
        let src = "## Attachment 1 – The SCCs\nIntro.\n\n#### Clause 3: Third-party beneficiary\n1. One.\n\n2. Two.\n\n**Clause 4**\n\n(a) x;\n\n### Appendix 2 to the SCCs\nLead.\n\n**1. Personnel.** Staff.\n\n**2. Contact.** Us.\n\n## SECURITY EXHIBIT\n\n#### 1.1 Security Management.\nText.\n";
        let c = segment_markdown(src);
        assert_eq!(
            numbers(&c),
            [
                "Attachment 1",
                "Attachment 1/Clause 3",
                "Attachment 1/Clause 4",
                "Appendix 2",
                "Appendix 2/1",
                "Appendix 2/2",
                "-",
                "SECURITY EXHIBIT/1.1"
            ]
        );
        assert_eq!(c[1].text, "1. One.\n2. Two.");
        assert_eq!(c[2].text, "(a) x;");
        assert_eq!(
            (c[4].title.as_deref(), c[4].text.as_str()),
            (Some("Personnel"), "Staff.")
        );
    }

    #[test]
    fn top_level_numbered_paragraphs_and_preamble_sub_paragraphs() {
        let c = segment_markdown(
            "1. Scope. A.\n\n(a) inner\n\n1.1 Deep.\n\n2. Term. B.\n\n1. nested item\n\n3. Law. C.\n",
        );
        assert_eq!(numbers(&c), ["1", "1.1", "2", "3"]);
        assert_eq!(c[2].text, "Term. B.\n1. nested item");
        let c = segment_markdown("(a) first\n\n(b) second\n");
        assert_eq!(numbers(&c), ["(a)", "(b)"]);
    }

    #[test]
    fn wrapped_cross_references_and_prose_are_not_markers() {
        let c = segment_markdown(
            "## 4. Audit\nSee Section\n1.2 of the Exhibit.\n\n2020 was a year. e.g. this.\n\nClause 10 of the SCCs prevails.\n",
        );
        assert_eq!(numbers(&c), ["4"]);
        assert_eq!(
            c[0].text,
            "See Section 1.2 of the Exhibit.\n2020 was a year. e.g. this.\nClause 10 of the SCCs prevails."
        );
    }

    #[test]
    fn setext_fences_lists_and_breaks() {
        let src =
            "Title\n=====\n\n- one\n* two\n\n```\n# not a heading\n```\n\n---\n\nSub\n---\ntext\n";
        let c = segment_markdown(src);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].title.as_deref(), Some("Title"));
        assert_eq!(c[0].text, "- one\n- two\n# not a heading");
        assert_eq!(
            (c[1].title.as_deref(), c[1].text.as_str()),
            (Some("Sub"), "text")
        );
    }

    #[test]
    fn line_endings_do_not_matter() {
        let lf = "## 1. A\nWrapped\nline.\n\n1.1 Next.\n";
        let expected = segment_markdown(lf);
        assert_eq!(segment_markdown(&lf.replace('\n', "\r\n")), expected);
        assert_eq!(segment_markdown(&lf.replace('\n', "\r")), expected);
        assert_eq!(expected[0].text, "Wrapped line.");
    }

    #[test]
    fn never_panics_on_odd_input() {
        let long = "#".repeat(10_000);
        let nested = "> ".repeat(5_000) + "1.1 x";
        let inputs = [
            "",
            "\n\n\n",
            "---",
            "---\n",
            "+++\nx = 1\n",
            "# ",
            "######",
            "#######",
            &long,
            "**",
            "**1.",
            "****",
            "(",
            "()",
            "(a)",
            "1.",
            "1.1",
            "1.1.1.1.1.1.1.1.1.1 x",
            "Clause",
            "Clause ",
            "§ 1",
            "\u{0}\u{1b}[2J\u{7f}",
            "\u{FEFF}",
            "é.",
            "(é) x",
            "```",
            "~~~\n# x",
            &nested,
            "# 1.\n## 1.1\n### Clause 1\n#### Annex\n##### Annex I\n",
            "[x]: y",
            "<!--",
            "<!-- a --> b -->",
        ];
        for input in inputs {
            let _ = segment_markdown(input);
        }
        let bytes: Vec<u8> = (0..20_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        let _ = segment_markdown(&String::from_utf8_lossy(&bytes));
        assert!(segment_markdown("# \n## \n").is_empty());
    }
}
