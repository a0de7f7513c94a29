//! Word export: an assembled agreement written as a DOCX with real headings, tables and signature blocks.

use docx_rs::{
    AlignmentType, BreakType, DocumentChild, Docx, Footer, NumPages, PageNum, Paragraph, Run,
    Style, StyleType, Table, TableCell, TableRow,
};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::assemble::escape::{Piece, clean, pieces};
use crate::assemble::markdown::enum_label;
use crate::manifest::ManifestClause;
use crate::model::{Company, Vendor};

/// Document-level values of a DOCX export.
pub struct DocxMeta<'a> {
    /// Our company.
    pub company: &'a Company,
    /// The vendor.
    pub vendor: &'a Vendor,
    /// Document id, e.g. `DPA-acme`.
    pub document_id: String,
    /// Version label.
    pub version: String,
    /// Effective date, long form.
    pub effective: String,
}

/// Inline formatting state while walking Markdown.
#[derive(Default, Clone, Copy)]
struct Fmt {
    bold: bool,
    italic: bool,
}

fn run(text: &str, fmt: Fmt) -> Run {
    let mut r = Run::new().add_text(text);
    if fmt.bold {
        r = r.bold();
    }
    if fmt.italic {
        r = r.italic();
    }
    r
}

/// Converts one clause body (Markdown with encoded record values) into Word paragraphs and tables.
struct Builder<'r> {
    out: Vec<DocumentChild>,
    para: Option<Paragraph>,
    fmt: Vec<Fmt>,
    lists: Vec<Option<u64>>,
    table: Option<(Vec<TableRow>, Vec<TableCell>, bool)>,
    cell: Option<Paragraph>,
    resolve: &'r dyn Fn(&str) -> Option<String>,
    link_empty: Option<(String, bool)>,
}

impl Builder<'_> {
    fn current(&self) -> Fmt {
        self.fmt.last().copied().unwrap_or_default()
    }

    fn target(&mut self) -> &mut Paragraph {
        if self.table.is_some() {
            return self.cell.get_or_insert_with(Paragraph::new);
        }
        self.para.get_or_insert_with(Paragraph::new)
    }

    fn push_text(&mut self, text: &str) {
        let fmt = self.current();
        if let Some((_, empty)) = &mut self.link_empty {
            *empty &= text.trim().is_empty();
        }
        let p = std::mem::take(self.target());
        let mut p = p;
        for piece in pieces(text) {
            let s = match piece {
                Piece::Literal(s) => s.replace(['\n', '\r'], " "),
                Piece::Value(v) => clean(&v),
            };
            if !s.is_empty() {
                p = p.add_run(run(&s, fmt));
            }
        }
        *self.target() = p;
    }

    fn end_paragraph(&mut self) {
        if let Some(p) = self.para.take() {
            self.out.push(DocumentChild::Paragraph(Box::new(p)));
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) if self.table.is_none() => self.end_paragraph(),
            Event::Start(Tag::List(start)) => {
                self.end_paragraph();
                self.lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                self.end_paragraph();
                self.lists.pop();
            }
            Event::Start(Tag::Item) => {
                self.end_paragraph();
                let depth = self.lists.len().saturating_sub(1);
                let ordered_depth = self
                    .lists
                    .iter()
                    .filter(|l| l.is_some())
                    .count()
                    .saturating_sub(1);
                let label = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let l = enum_label(ordered_depth, *n);
                        *n += 1;
                        l
                    }
                    _ => "\u{2022}".to_string(),
                };
                let indent = 360 * (depth as i32 + 1);
                self.para = Some(
                    Paragraph::new()
                        .indent(
                            Some(indent),
                            Some(docx_rs::SpecialIndentType::Hanging(360)),
                            None,
                            None,
                        )
                        .add_run(Run::new().add_text(format!("{label} "))),
                );
            }
            Event::End(TagEnd::Item) => self.end_paragraph(),
            Event::Start(Tag::Emphasis) => {
                let f = Fmt {
                    italic: true,
                    ..self.current()
                };
                self.fmt.push(f);
            }
            Event::Start(Tag::Strong) => {
                let f = Fmt {
                    bold: true,
                    ..self.current()
                };
                self.fmt.push(f);
            }
            Event::End(TagEnd::Emphasis | TagEnd::Strong) => {
                self.fmt.pop();
            }
            Event::Start(Tag::Table(_)) => {
                self.end_paragraph();
                self.table = Some((Vec::new(), Vec::new(), false));
            }
            Event::Start(Tag::TableHead) => {
                if let Some(t) = &mut self.table {
                    t.2 = true;
                }
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let Some((rows, cells, _)) = &mut self.table {
                    rows.push(TableRow::new(std::mem::take(cells)));
                }
                if let Some(t) = &mut self.table {
                    t.2 = false;
                }
            }
            Event::Start(Tag::TableCell) => {
                let header = self.table.as_ref().is_some_and(|t| t.2);
                self.fmt.push(Fmt {
                    bold: header,
                    ..Fmt::default()
                });
                self.cell = Some(Paragraph::new());
            }
            Event::End(TagEnd::TableCell) => {
                self.fmt.pop();
                let p = self.cell.take().unwrap_or_default();
                if let Some((_, cells, _)) = &mut self.table {
                    cells.push(TableCell::new().add_paragraph(p));
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some((rows, _, _)) = self.table.take() {
                    self.out
                        .push(DocumentChild::Table(Box::new(Table::new(rows))));
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.link_empty = Some((dest_url.to_string(), true));
            }
            Event::End(TagEnd::Link) => {
                if let Some((url, true)) = self.link_empty.take()
                    && let Some(id) = url.strip_prefix('#')
                {
                    let number = (self.resolve)(id).unwrap_or_default();
                    self.push_text(&format!("clause {number}"));
                }
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                self.push_text(&t)
            }
            Event::SoftBreak => self.push_text(" "),
            Event::HardBreak => {
                let p = std::mem::take(self.target());
                *self.target() = p.add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            _ => {}
        }
    }
}

fn clause_body(markdown: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Vec<DocumentChild> {
    let mut b = Builder {
        out: Vec::new(),
        para: None,
        fmt: Vec::new(),
        lists: Vec::new(),
        table: None,
        cell: None,
        resolve,
        link_empty: None,
    };
    let mut pending = String::new();
    for event in Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    ) {
        if let Event::Text(t) = &event {
            pending.push_str(t);
            continue;
        }
        if !pending.is_empty() {
            let t = std::mem::take(&mut pending);
            b.push_text(&t);
        }
        b.event(event);
    }
    if !pending.is_empty() {
        b.push_text(&pending);
    }
    b.end_paragraph();
    b.out
}

fn heading(level: usize, text: &str) -> Paragraph {
    Paragraph::new()
        .style(if level == 1 { "Heading1" } else { "Heading2" })
        .keep_next(true)
        .add_run(Run::new().add_text(text))
}

fn text_para(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

fn section_title(number: &str) -> Option<usize> {
    number.split('.').next().and_then(|n| n.parse().ok())
}

/// Writes an agreement as a Word document with real headings, tables, signature blocks and a footer.
pub fn write(meta: &DocxMeta<'_>, clauses: &[ManifestClause]) -> Result<Vec<u8>, String> {
    let resolve = |id: &str| {
        clauses
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.number.clone())
    };
    let (c, v) = (meta.company, meta.vendor);
    let mut doc = Docx::new()
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("Heading 1")
                .bold()
                .size(26)
                .outline_lvl(0),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("Heading 2")
                .bold()
                .size(22)
                .outline_lvl(1),
        )
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .bold()
                .size(36)
                .align(AlignmentType::Center),
        )
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().size(16).add_text(format!(
                        "Document {} \u{b7} Version {} \u{b7} Page ",
                        meta.document_id, meta.version
                    )))
                    .add_page_num(PageNum::new())
                    .add_run(Run::new().size(16).add_text(" of "))
                    .add_num_pages(NumPages::new()),
            ),
        );
    doc = doc
        .add_paragraph(
            Paragraph::new()
                .style("Title")
                .add_run(Run::new().add_text("Data Processing Addendum")),
        )
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(
            Run::new().add_text(format!("between {} and {}", clean(&c.name), clean(&v.name))),
        ))
        .add_paragraph(text_para(
            "This Data Processing Addendum (the \u{201c}Addendum\u{201d}) is made between:",
        ));
    for (i, (name, entity, address, short)) in [
        (&c.name, &c.entity, &c.address, &c.short_name),
        (&v.name, &v.entity, &v.address, &v.short_name),
    ]
    .into_iter()
    .enumerate()
    {
        let entity = if entity.trim().is_empty() {
            String::new()
        } else {
            format!(", {}", clean(entity))
        };
        let end = if i == 0 { "; and" } else { "," };
        doc = doc.add_paragraph(
            Paragraph::new()
                .indent(
                    Some(360),
                    Some(docx_rs::SpecialIndentType::Hanging(360)),
                    None,
                    None,
                )
                .add_run(Run::new().add_text(format!(
                    "({}) {}{entity}, of {} (\u{201c}",
                    i + 1,
                    clean(name),
                    clean(address)
                )))
                .add_run(Run::new().bold().add_text(clean(short)))
                .add_run(Run::new().add_text(format!("\u{201d}){end}"))),
        );
    }
    doc = doc
        .add_paragraph(text_para(
            "each a \u{201c}Party\u{201d} and together the \u{201c}Parties\u{201d}.",
        ))
        .add_paragraph(text_para(&format!("Effective date: {}", meta.effective)))
        .add_paragraph(text_para(&format!(
            "Services: {}",
            clean(&v.service.description)
        )))
        .add_paragraph(text_para(&format!(
            "Document: {}, version {}",
            meta.document_id, meta.version
        )));

    let mut section = None;
    for clause in clauses.iter().filter(|c| !c.number.starts_with("Annex ")) {
        let s = section_title(&clause.number);
        if s != section {
            section = s;
            doc = doc.add_paragraph(heading(
                1,
                &format!("{}. {}", s.unwrap_or(0), clause.section),
            ));
        }
        doc = doc.add_paragraph(heading(2, &format!("{} {}", clause.number, clause.title)));
        doc = add_children(doc, clause_body(&clause.markdown, &resolve));
    }

    doc = doc
        .add_paragraph(heading(1, "Signatures"))
        .add_paragraph(text_para(
            "Each Party has caused this Addendum to be signed by its authorised representative.",
        ));
    let block = |party: &str, person: &crate::model::Person| {
        TableCell::new()
            .add_paragraph(
                Paragraph::new().keep_next(true).add_run(
                    Run::new()
                        .bold()
                        .add_text(format!("For and on behalf of {}", clean(party))),
                ),
            )
            .add_paragraph(Paragraph::new().keep_next(true))
            .add_paragraph(
                Paragraph::new()
                    .keep_next(true)
                    .add_run(Run::new().add_text("Signature: ______________________")),
            )
            .add_paragraph(
                Paragraph::new()
                    .keep_next(true)
                    .add_run(Run::new().add_text(format!("Name: {}", clean(&person.name)))),
            )
            .add_paragraph(
                Paragraph::new()
                    .keep_next(true)
                    .add_run(Run::new().add_text(format!("Title: {}", clean(&person.title)))),
            )
            .add_paragraph(
                Paragraph::new().add_run(Run::new().add_text("Date: ______________________")),
            )
    };
    doc = doc.add_table(Table::new(vec![
        TableRow::new(vec![
            block(&c.name, &c.signatory),
            block(&v.name, &v.signatory),
        ])
        .cant_split(),
    ]));

    for (i, clause) in clauses
        .iter()
        .filter(|c| c.number.starts_with("Annex "))
        .enumerate()
    {
        let mut h = heading(1, &format!("{}: {}", clause.number, clause.title));
        if i == 0 {
            h = h.page_break_before(true);
        }
        doc = doc.add_paragraph(h);
        doc = add_children(doc, clause_body(&clause.markdown, &resolve));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut buf).map_err(|e| e.to_string())?;
    Ok(buf.into_inner())
}

fn add_children(mut doc: Docx, children: Vec<DocumentChild>) -> Docx {
    for child in children {
        doc = match child {
            DocumentChild::Paragraph(p) => doc.add_paragraph(*p),
            DocumentChild::Table(t) => doc.add_table(*t),
            _ => doc,
        };
    }
    doc
}
