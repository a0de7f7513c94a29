//! Word import: a DOCX read back as clauses, tracked changes accepted.

use docx_rs::{
    DocumentChild, InsertChild, Paragraph, ParagraphChild, Run, RunChild, TableCellContent,
    TableChild, TableRowChild,
};

use super::numbering::Numbering;
use super::{Location, Section};
use crate::diff::Clause;

/// The text of a paragraph with tracked insertions accepted and deletions dropped.
fn paragraph_text(p: &Paragraph, tracked: &mut bool) -> String {
    fn runs(children: &[ParagraphChild], tracked: &mut bool, out: &mut String) {
        for child in children {
            match child {
                ParagraphChild::Run(r) => run_text(r, out),
                ParagraphChild::Insert(ins) => {
                    *tracked = true;
                    for c in &ins.children {
                        if let InsertChild::Run(r) = c {
                            run_text(r, out);
                        }
                    }
                }
                ParagraphChild::Delete(_) => *tracked = true,
                ParagraphChild::Hyperlink(h) => runs(&h.children, tracked, out),
                _ => {}
            }
        }
    }
    let mut out = String::new();
    runs(&p.children, tracked, &mut out);
    out
}

fn run_text(r: &Run, out: &mut String) {
    for c in &r.children {
        match c {
            RunChild::Text(t) => out.push_str(&t.text),
            RunChild::Tab(_) => out.push(' '),
            RunChild::Break(_) | RunChild::CarriageReturn(_) => out.push('\n'),
            _ => {}
        }
    }
}

/// A DOCX read back as clauses.
pub struct ReadDocx {
    /// Clauses in document order: a preamble (no number), numbered clauses and annexes.
    pub clauses: Vec<Clause>,
    /// Whether the document holds tracked changes (accepted in `clauses`).
    pub tracked_changes: bool,
}

/// A DOCX read as located sections.
pub struct DocxSections {
    /// Clauses in document order, each with the body paragraphs it spans.
    pub sections: Vec<Section>,
    /// Whether the document holds tracked changes (read as accepted).
    pub tracked_changes: bool,
    /// How the document was read, for the reader of a comparison.
    pub notes: Vec<String>,
}

/// Reads a Word document into clauses: `Heading 2` paragraphs `N.N Title` and `Heading 1` annexes start clauses.
pub fn read(bytes: &[u8]) -> Result<ReadDocx, String> {
    let read = read_sections(bytes)?;
    Ok(ReadDocx {
        clauses: read.sections.iter().map(Section::clause).collect(),
        tracked_changes: read.tracked_changes,
    })
}

fn append(section: &mut Section, index: usize, text: &str) {
    if !section.text.is_empty() {
        section.text.push('\n');
    }
    section.text.push_str(text);
    if let Location::Paragraphs { last, .. } = &mut section.location {
        *last = index;
    }
}

/// A paragraph of the body, with what decides whether it starts a clause.
struct Para {
    text: String,
    /// Heading level from the paragraph style (`Heading 1` = 1), if any.
    style_level: Option<usize>,
    /// The list label displayed, and its number format, when the paragraph is numbered.
    label: Option<(String, String)>,
    /// Leading bold text (a run-in title such as `Provider as Processor.`).
    bold_lead: String,
    /// Every visible character is bold or in capitals.
    emphasised: bool,
    /// Links as (visible text, target), for the formatting notes of a comparison.
    links: Vec<(String, String)>,
    /// Bold or italic spans inside the text (not a run-in title, not a wholly bold paragraph).
    emphasis: Vec<String>,
}

enum Block {
    Para(Para),
    /// Rows, cells, paragraphs of each cell.
    Table(Vec<Vec<Vec<String>>>),
}

fn on<T: serde::Serialize>(x: &Option<T>) -> bool {
    x.as_ref()
        .and_then(|v| serde_json::to_value(v).ok())
        .is_some_and(|v| v.as_bool().unwrap_or(true))
}

/// A heading level (1 = top) from a Word outline level (0 = top, 9 = body text).
fn heading_level(outline: usize) -> Option<usize> {
    (outline < 9).then_some(outline + 1)
}

/// The value of a docx-rs wrapper that serialises as a string (a style's name, its `basedOn`).
fn string_of<T: serde::Serialize>(x: &T) -> Option<String> {
    serde_json::to_value(x).ok()?.as_str().map(str::to_string)
}

/// The heading level a paragraph style gives, as Word resolves it: the first `w:outlineLvl` along
/// the `w:basedOn` chain, else the level of a built-in `heading N` style on that chain (whose
/// outline level Word implies when a producer leaves it out).
fn style_outline_level(styles: &docx_rs::Styles, id: &str) -> Option<usize> {
    let mut id = id.to_string();
    let mut builtin = None;
    // A chain of styles is short; the bound stops a cycle in a hostile file.
    for step in 0..16 {
        let Some(style) = styles.find_style_by_id(&id) else {
            // A style the file uses but never defines: Word's id for a built-in heading
            // (`Heading2`) still names its level.
            if step == 0 {
                let lower = id.to_ascii_lowercase().replace(' ', "");
                let n: usize = lower.strip_prefix("heading")?.parse().ok()?;
                return (1..=9).contains(&n).then_some(n);
            }
            break;
        };
        if let Some(o) = &style.paragraph_property.outline_lvl {
            return heading_level(o.v);
        }
        if builtin.is_none() {
            builtin = string_of(&style.name).and_then(|name| {
                let name = name.to_ascii_lowercase();
                let n: usize = name.strip_prefix("heading ")?.trim().parse().ok()?;
                (1..=9).contains(&n).then_some(n)
            });
        }
        match style.based_on.as_ref().and_then(string_of) {
            Some(base) => id = base,
            None => break,
        }
    }
    builtin
}

/// The list a paragraph style numbers its paragraphs with (`w:numPr` in `styles.xml`), following
/// `w:basedOn`, as Word does for a paragraph with no numbering of its own.
fn style_numbering(styles: &docx_rs::Styles, id: &str) -> Option<(usize, usize)> {
    let mut id = id.to_string();
    // A chain of styles is short; the bound stops a cycle in a hostile file.
    for _ in 0..16 {
        let style = styles.find_style_by_id(&id)?;
        if let Some(n) = &style.paragraph_property.numbering_property {
            let num = n.id.as_ref()?.id;
            return Some((num, n.level.as_ref().map_or(0, |l| l.val)));
        }
        id = serde_json::to_value(style.based_on.as_ref()?)
            .ok()?
            .as_str()?
            .to_string();
    }
    None
}

fn para(
    p: &Paragraph,
    styles: &docx_rs::Styles,
    numbering: &mut Numbering,
    tracked: &mut bool,
    targets: &[(String, String, String)],
) -> Para {
    let text = paragraph_text(p, tracked);
    // The outline level Word's navigation pane shows: the paragraph's own, else its style's
    // through `basedOn`; never the style's name, which other programs rename.
    let style_level = match p.property.outline_lvl.as_ref().map(|o| o.v) {
        Some(v) => heading_level(v),
        None => p
            .property
            .style
            .as_ref()
            .and_then(|s| style_outline_level(styles, &s.val)),
    };
    let direct = p.property.numbering_property.as_ref().map(|n| {
        n.id.as_ref()
            .map(|id| (id.id, n.level.as_ref().map_or(0, |l| l.val)))
    });
    let from_style = p
        .property
        .style
        .as_ref()
        .and_then(|s| style_numbering(styles, &s.val));
    // A heading with no numbering of its own takes its style's, as Word displays it: that is how
    // a clause inserted in Word is numbered. Other styled lists (the parties in a preamble) stay
    // text unless they carry their own numbering; a paragraph's numbering that only repeats its
    // style's (as LibreOffice writes every styled list) is still the style's: its bullets are
    // read, its numbers are not.
    let (numbered, repeated) = match direct {
        Some(Some(d)) if style_level.is_none() && Some(d) == from_style => (Some(d), true),
        Some(direct) => (direct, false),
        None if style_level.is_some() => (from_style, false),
        None => (None, false),
    };
    let label = numbered
        .and_then(|(id, level)| numbering.next(id, level))
        .filter(|(label, _)| !repeated || label.is_empty());
    let mut bold_lead = String::new();
    let mut lead_open = true;
    let mut emphasised = true;
    let mut links = Vec::new();
    // Bold or italic spans after the run-in title, in order; `span_open` while one continues.
    let mut spans: Vec<String> = Vec::new();
    let mut span_open = false;
    for child in &p.children {
        if let ParagraphChild::Hyperlink(h) = child {
            let mut t = String::new();
            for c in &h.children {
                if let ParagraphChild::Run(r) = c {
                    run_text(r, &mut t);
                }
            }
            let target = match &h.link {
                docx_rs::HyperlinkData::External { rid, path } => targets
                    .iter()
                    .find(|(id, _, _)| id == rid)
                    .map(|(_, target, _)| target.clone())
                    .unwrap_or_else(|| path.clone()),
                docx_rs::HyperlinkData::Anchor { anchor } => format!("#{anchor}"),
            };
            let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if !t.is_empty() {
                links.push((t, target));
            }
            lead_open = false;
            span_open = false;
            continue;
        }
        let ParagraphChild::Run(r) = child else {
            continue;
        };
        let mut t = String::new();
        run_text(r, &mut t);
        if t.trim().is_empty() {
            if lead_open {
                bold_lead.push_str(&t);
            } else if span_open && let Some(last) = spans.last_mut() {
                last.push_str(&t);
            }
            continue;
        }
        let bold = on(&r.run_property.bold);
        let italic = on(&r.run_property.italic);
        if !(lead_open && bold) {
            if bold || italic {
                match spans.last_mut() {
                    Some(last) if span_open => last.push_str(&t),
                    _ => spans.push(t.clone()),
                }
                span_open = true;
            } else {
                span_open = false;
            }
        }
        let underlined = r
            .run_property
            .underline
            .as_ref()
            .and_then(|u| serde_json::to_value(u).ok())
            .is_some_and(|v| v.as_str().is_some_and(|s| s != "none"));
        let caps = on(&r.run_property.caps) || !t.chars().any(char::is_lowercase);
        emphasised &= bold || caps;
        // A run-in title is set off by bold or underlining.
        if lead_open && (bold || underlined) {
            bold_lead.push_str(&t);
        } else {
            lead_open = false;
        }
    }
    let emphasised = emphasised && !text.trim().is_empty();
    // A wholly bold paragraph is a heading by formatting, not emphasis inside text.
    let emphasis = if emphasised {
        Vec::new()
    } else {
        spans
            .iter()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
            .collect()
    };
    Para {
        emphasised,
        links,
        emphasis,
        text,
        style_level,
        label,
        bold_lead,
    }
}

fn cell_paragraphs(cell: &docx_rs::TableCell, tracked: &mut bool) -> Vec<String> {
    cell.children
        .iter()
        .filter_map(|c| match c {
            TableCellContent::Paragraph(p) => {
                let t = paragraph_text(p, tracked);
                let t = t.trim();
                (!t.is_empty()).then(|| t.to_string())
            }
            _ => None,
        })
        .collect()
}

/// Short enough to be a heading or a key term's name.
fn is_short(text: &str) -> bool {
    let words = text.split_whitespace().count();
    (1..=12).contains(&words) && text.chars().count() <= 100
}

/// A clause number from a displayed label: `1.` -> `1`, `1.1` -> `1.1`, `(a)` stays.
fn label_number(label: &str) -> String {
    let l = label.trim();
    match l.strip_suffix('.') {
        Some(rest) if rest.chars().all(|c| c.is_ascii_digit() || c == '.') && !rest.is_empty() => {
            rest.to_string()
        }
        _ => l.to_string(),
    }
}

struct Builder {
    out: Vec<Section>,
}

impl Builder {
    fn start(&mut self, number: Option<String>, title: Option<String>, index: usize) {
        self.out.push(Section {
            number,
            title,
            text: String::new(),
            location: Location::Paragraphs {
                first: index,
                last: index,
            },
            links: Vec::new(),
            emphasis: Vec::new(),
        });
    }

    fn text(&mut self, index: usize, text: &str) {
        if self.out.is_empty() {
            self.start(None, None, index);
        }
        if let Some(last) = self.out.last_mut() {
            append(last, index, text);
        }
    }

    /// Whether the clause being built encloses sub-paragraphs (it is not the preamble).
    fn in_clause(&self) -> bool {
        self.out.last().is_some_and(|s| !s.is_preamble())
    }
}

/// Reads a Word document into located sections: numbers as Word displays them, headings by style or
/// by formatting, two-column key-term tables one clause per row, tracked changes accepted.
pub fn read_sections(bytes: &[u8]) -> Result<DocxSections, String> {
    let docx =
        docx_rs::read_docx(bytes).map_err(|e| format!("not a readable Word document: {e}"))?;
    let mut numbering = Numbering::from_docx(&docx);
    let mut tracked = false;
    let mut blocks = Vec::new();
    for child in &docx.document.children {
        match child {
            DocumentChild::Paragraph(p) => blocks.push(Block::Para(para(
                p,
                &docx.styles,
                &mut numbering,
                &mut tracked,
                &docx.hyperlinks,
            ))),
            DocumentChild::Table(t) => {
                let rows = t
                    .rows
                    .iter()
                    .map(|TableChild::TableRow(row)| {
                        row.cells
                            .iter()
                            .map(|TableRowChild::TableCell(cell)| {
                                cell_paragraphs(cell, &mut tracked)
                            })
                            .collect()
                    })
                    .collect();
                blocks.push(Block::Table(rows));
            }
            _ => blocks.push(Block::Table(Vec::new())),
        }
    }
    let mut b = Builder { out: Vec::new() };
    // Enclosing annex-type parts by heading level: (level, label).
    let mut parts: Vec<(usize, String)> = Vec::new();
    let mut after_table = false;
    // A paragraph's links and emphasis go to the clause it ended up in, once it has been placed.
    let mut pending: Option<&Para> = None;
    for (index, block) in blocks.iter().enumerate() {
        if let (Some(p), Some(last)) = (pending.take(), b.out.last_mut()) {
            last.links.extend(p.links.iter().cloned());
            last.emphasis.extend(p.emphasis.iter().cloned());
        }
        if let Block::Para(p) = block {
            pending = Some(p);
        }
        let next_is_body = match blocks
            .get(index + 1..)
            .unwrap_or_default()
            .iter()
            .find(|b| !matches!(b, Block::Para(p) if p.text.trim().is_empty()))
        {
            Some(Block::Para(p)) => !p.emphasised || p.label.is_some(),
            Some(Block::Table(_)) => true,
            None => false,
        };
        match block {
            Block::Para(p) => {
                let trimmed = p.text.trim();
                if trimmed.is_empty() {
                    continue;
                }
                if let Some(level) = p.style_level {
                    // Annex-type parts enclose the headings below them, as in Markdown: a clause
                    // heading inside one is numbered by it (`Attachment 1/Clause 5`).
                    while parts.last().is_some_and(|(l, _)| *l >= level) {
                        parts.pop();
                    }
                    let (number, title) = style_heading(level, trimmed, p.label.as_ref());
                    let part = crate::diff::part_label(trimmed)
                        .filter(|_| crate::diff::heading_number_text(trimmed).is_none());
                    let number = match (number, parts.last()) {
                        (Some(n), Some((_, enclosing)))
                            if part.is_none()
                                && !n.contains('/')
                                && !n.starts_with(enclosing.as_str()) =>
                        {
                            Some(format!("{enclosing}/{n}"))
                        }
                        (n, _) => n,
                    };
                    if let Some(label) = part {
                        parts.push((level, label));
                    }
                    b.start(number, (!title.is_empty()).then_some(title), index);
                    after_table = false;
                    continue;
                }
                if let Some((label, format)) = &p.label {
                    // `(1)` is a sub-paragraph's marker, like `(a)`: it stays in its clause.
                    let decimal = format.starts_with("decimal")
                        && !label.trim_start().starts_with('(')
                        && opens_numbered(&b, &parts, label);
                    if label.is_empty() {
                        // A bullet: compared as the "-" of Markdown.
                        b.text(index, &format!("- {trimmed}"));
                    } else if decimal || !b.in_clause() {
                        let lead = p.bold_lead.trim();
                        let (title, body) = if is_short(trimmed)
                            && (p.emphasised || next_is_body)
                            && lead.len() >= trimmed.len()
                        {
                            (Some(trimmed.trim_end_matches('.').to_string()), "")
                        } else if !lead.is_empty() && is_short(lead) && lead.len() < trimmed.len() {
                            // The full stop after a bold run-in title may be set in plain type.
                            let rest = trimmed
                                .get(lead.len()..)
                                .unwrap_or("")
                                .trim()
                                .trim_start_matches(['.', ':'])
                                .trim_start();
                            (Some(lead.trim_end_matches('.').to_string()), rest)
                        } else if is_short(trimmed)
                            && decimal
                            && p.bold_lead.is_empty()
                            && next_is_body
                            && trimmed.ends_with('.')
                        {
                            (Some(trimmed.trim_end_matches('.').to_string()), "")
                        } else {
                            (None, trimmed)
                        };
                        b.start(Some(qualified(&parts, label_number(label))), title, index);
                        if !body.is_empty() {
                            b.text(index, body);
                        }
                    } else {
                        b.text(index, &format!("{label} {trimmed}"));
                    }
                    after_table = false;
                    continue;
                }
                // A number typed at the start of a body paragraph (`1.1 The …`), as Markdown's
                // segmenter reads one: a clause of two levels or more opens a clause of its own,
                // its bold run-in title (`1.1 Purpose.` in bold) its title.
                if let Some((number, depth, first, rest)) = crate::diff::typed_clause(trimmed)
                    && (depth >= 2 || opens_top(&b, &parts, first))
                {
                    let number = qualified(&parts, number);
                    let lead = p.bold_lead.trim();
                    let typed = number.rsplit('/').next().unwrap_or(&number);
                    let title = lead
                        .strip_prefix(typed)
                        .map(|t| t.strip_prefix('.').unwrap_or(t))
                        .map(str::trim)
                        .filter(|t| t.ends_with(['.', ':']) && rest.starts_with(t));
                    let body = title.map_or(rest, |t| rest[t.len()..].trim_start());
                    b.start(
                        Some(number),
                        title.and_then(crate::diff::clean_title),
                        index,
                    );
                    if !body.is_empty() {
                        b.text(index, body);
                    }
                    after_table = false;
                    continue;
                }
                if p.emphasised && is_short(trimmed) && next_is_body {
                    b.start(None, Some(trimmed.trim_end_matches('.').to_string()), index);
                    after_table = false;
                    continue;
                }
                if after_table {
                    // Body text after a table belongs to no key term: a clause of its own.
                    b.start(None, None, index);
                    after_table = false;
                }
                // Bullets are written as "•" but compared as the "-" of the Markdown the clause came from.
                let line = match trimmed.strip_prefix('\u{2022}') {
                    Some(rest) => format!("-{rest}"),
                    None => trimmed.to_string(),
                };
                b.text(index, &line);
            }
            Block::Table(rows) => {
                after_table = table(&mut b, index, rows);
            }
        }
    }
    if let (Some(p), Some(last)) = (pending.take(), b.out.last_mut()) {
        last.links.extend(p.links.iter().cloned());
        last.emphasis.extend(p.emphasis.iter().cloned());
    }
    let mut sections = b.out;
    if sections.is_empty() {
        sections.push(Section {
            number: None,
            title: None,
            text: String::new(),
            location: Location::Paragraphs { first: 0, last: 0 },
            links: Vec::new(),
            emphasis: Vec::new(),
        });
    }
    let notes = if tracked {
        vec!["has tracked changes; they are read as if accepted".to_string()]
    } else {
        Vec::new()
    };
    Ok(DocxSections {
        sections,
        tracked_changes: tracked,
        notes,
    })
}

/// A styled heading: `Heading 2` `N.N Title` (or numbered by Word) is a clause; `Heading 1` is an
/// annex, or a section that groups clauses, whose own number is not a clause's.
fn style_heading(
    level: usize,
    text: &str,
    label: Option<&(String, String)>,
) -> (Option<String>, String) {
    // A number qualified by its part (`Attachment 1/Clause 5 Liability`), as the segmenter of
    // Markdown numbers clauses in annexes and a redline writes them.
    if let Some((n, t)) = qualified_number(text) {
        return (Some(n), t);
    }
    if level == 1 {
        // An annex-type part by its label (`Annex I.B: …`, `Attachment 1 – …`), as Markdown's.
        if let Some((n, t)) = crate::diff::part_number(text) {
            return (Some(n), crate::diff::clean_title(t).unwrap_or_default());
        }
        // A number typed at the start of a top-level heading (as a redline writes "7 Audits") is
        // the clause's; a number Word draws for a section heading is the section's, not a clause's.
        if label.is_none_or(|(l, _)| l.is_empty())
            && let Some((n, t)) = typed_number(text)
            && !n.contains('.')
        {
            return (Some(n), title_of(&t));
        }
        return (None, title_of(text));
    }
    if let Some((l, _)) = label.filter(|(l, _)| !l.is_empty()) {
        return (Some(label_number(l)), title_of(text));
    }
    if let Some((n, t)) = typed_number(text) {
        return (Some(n), title_of(&t));
    }
    // `Clause 5: Liability`, `Section 3 Scope`; an annex-type part by its label.
    if let Some((n, t)) = crate::diff::heading_number_text(text) {
        return (Some(n), t.unwrap_or_default());
    }
    if let Some((n, t)) = crate::diff::part_number(text) {
        return (Some(n), crate::diff::clean_title(t).unwrap_or_default());
    }
    (None, title_of(text))
}

/// A clause number inside an annex-type part, qualified by it as Markdown's segmenter qualifies it.
fn qualified(parts: &[(usize, String)], number: String) -> String {
    match parts.last() {
        Some((_, part)) if !number.contains('/') && !number.starts_with(part.as_str()) => {
            format!("{part}/{number}")
        }
        _ => number,
    }
}

/// Whether a top-level number `first` (`1.`, `2.`) opens a clause where it stands, as Markdown's
/// segmenter decides: outside any numbered clause, right under an annex-type part's heading, or
/// after the top-level clause numbered before it; elsewhere it numbers a list inside the clause.
fn opens_top(b: &Builder, parts: &[(usize, String)], first: u32) -> bool {
    let Some(current) = b.out.last().and_then(|s| s.number.as_deref()) else {
        return true;
    };
    if parts.last().is_some_and(|(_, p)| p == current) {
        return true;
    }
    // The run of top-level numbers this one would continue: the last top-level number before
    // it, over sub-clauses (`1.`, `1.1`, `1.2`, then `2.`), never past another kind of clause.
    for s in b.out.iter().rev() {
        let Some(own) = s
            .number
            .as_deref()
            .map(|n| n.rsplit('/').next().unwrap_or(n))
        else {
            return false;
        };
        if let Ok(n) = own.parse::<u32>() {
            return first > n;
        }
        if !own
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        {
            return false;
        }
    }
    false
}

/// Whether a number Word draws (`1.`, `1.1`) opens a clause: always below the top level; at the
/// top level where [`opens_top`] says so.
fn opens_numbered(b: &Builder, parts: &[(usize, String)], label: &str) -> bool {
    let n = label_number(label);
    if n.contains('.') {
        return true;
    }
    n.parse::<u32>()
        .is_ok_and(|first| opens_top(b, parts, first))
}

/// A heading's title as Markdown's segmenter keeps it: without separators or a closing full stop.
fn title_of(text: &str) -> String {
    crate::diff::clean_title(text).unwrap_or_default()
}

/// `Attachment 1/Clause 5 Liability` -> (`Attachment 1/Clause 5`, `Liability`);
/// `Appendix 2/1.3 Access` -> (`Appendix 2/1.3`, `Access`).
fn qualified_number(text: &str) -> Option<(String, String)> {
    let (part, rest) = text.split_once('/')?;
    if part.split_whitespace().count() > 4
        || !part.chars().next().is_some_and(char::is_uppercase)
        || rest.starts_with(char::is_whitespace)
    {
        return None;
    }
    let mut words = rest.split_whitespace();
    let first = words.next()?;
    let (number, taken) = if first.chars().next().is_some_and(char::is_alphabetic) {
        let second = words.next()?;
        second
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            .then(|| (format!("{first} {second}"), 2))?
    } else {
        (first.to_string(), 1)
    };
    let title: Vec<&str> = rest.split_whitespace().skip(taken).collect();
    Some((
        format!("{part}/{}", number.trim_end_matches('.')),
        title.join(" "),
    ))
}

/// A clause number typed at the start of a heading (`7`, `7.`, `3.2`), and the title after it
/// (empty when the heading is the number alone).
fn typed_number(text: &str) -> Option<(String, String)> {
    let (n, t) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let digits = n.trim_end_matches('.');
    (n.chars().next().is_some_and(|c| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.'))
    .then(|| (label_number(n), t.trim().to_string()))
}

/// A table: two-column key terms outside numbered clauses become one clause per row; a wide table
/// (a signature block) is a clause of its own; any other table joins the current clause.
/// Returns whether the table made clauses of its own, so that text after it starts a new one.
fn table(b: &mut Builder, index: usize, rows: &[Vec<Vec<String>>]) -> bool {
    let filled = |row: &Vec<Vec<String>>| row.iter().filter(|c| !c.is_empty()).count();
    let key_terms = rows
        .iter()
        .filter(|r| {
            r.first().is_some_and(|c| {
                let t = c.join(" ");
                is_short(&t) && !t.starts_with(['[', '('])
            }) && filled(r) >= 2
        })
        .count();
    let widest = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    // Inside a numbered clause (an annex) a table is that clause's content, not a list of terms.
    let in_numbered = b.out.last().is_some_and(|s| s.number.is_some());
    if !in_numbered
        && (2..=3).contains(&widest)
        && key_terms * 2
            >= rows
                .len()
                .saturating_sub(rows.iter().filter(|r| filled(r) == 1).count())
        && key_terms > 0
    {
        for row in rows {
            let cells: Vec<String> = row.iter().map(|c| c.join("\n")).collect();
            let first = cells.first().cloned().unwrap_or_default();
            match filled(row) {
                0 => {}
                1 => {
                    // A row spanning the table: a heading, possibly with a lead-in paragraph.
                    let paras: Vec<&String> = row.iter().flatten().collect();
                    let head = paras.first().map(|s| s.as_str()).unwrap_or("");
                    if is_short(head) {
                        b.start(None, Some(head.trim_end_matches(':').to_string()), index);
                        for p in &paras[1..] {
                            b.text(index, p);
                        }
                    } else {
                        b.text(index, &cells.join(" | "));
                    }
                }
                _ if is_short(&first) && !first.starts_with(['[', '(']) => {
                    // A first cell that starts with a number ("G. API Terms") is numbered like a
                    // heading, as a Markdown table's row is.
                    let first = first.replace('\n', " ");
                    let (number, title) = match crate::diff::heading_number_text(&first) {
                        Some((n, t)) => (Some(n), t),
                        None => (None, Some(first)),
                    };
                    b.start(number, title, index);
                    let rest: Vec<&String> = cells[1..].iter().filter(|c| !c.is_empty()).collect();
                    for c in rest {
                        b.text(index, c);
                    }
                }
                _ => {
                    let rest: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
                    b.text(
                        index,
                        &rest
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(" | "),
                    );
                }
            }
        }
        return true;
    }
    // Any other table: inside a numbered clause (an annex's list of sub-processors), that clause's
    // text; elsewhere (a signature block, a grid) one clause, titled by its first row when short.
    let lines: Vec<String> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| c.join(" "))
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .filter(|l| !l.is_empty())
        .collect();
    let Some(head) = lines.first() else {
        return false;
    };
    if widest >= 4 && !in_numbered && is_short(&head.replace(" | ", " ")) {
        b.start(None, Some(head.clone()), index);
        for l in &lines[1..] {
            b.text(index, l);
        }
        true
    } else {
        b.text(index, &lines.join("\n"));
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_and_qualified_heading_numbers() {
        let pair = |n: &str, t: &str| Some((n.to_string(), t.to_string()));
        assert_eq!(typed_number("7 Audits"), pair("7", "Audits"));
        assert_eq!(typed_number("1.1"), pair("1.1", ""));
        assert_eq!(typed_number("2024 Amendments"), pair("2024", "Amendments"));
        assert_eq!(typed_number("Annex II"), None);
        assert_eq!(
            qualified_number("Attachment 1/Clause 5 Obligations of the data importer"),
            pair("Attachment 1/Clause 5", "Obligations of the data importer")
        );
        assert_eq!(
            qualified_number("Appendix 2/1.3 Access"),
            pair("Appendix 2/1.3", "Access")
        );
        assert_eq!(qualified_number("and/or the processor"), None);
    }
}
