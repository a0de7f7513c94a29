//! Word export: an assembled agreement written as a DOCX a lawyer can send as it stands.
//!
//! Named paragraph styles carry the PDF's house style (see [`super::parts`]); sections, clauses
//! and lettered paragraphs are Word automatic numbering, so a clause inserted in Word renumbers
//! what follows; cross-references are `REF` fields to bookmarks on the clause headings; Track
//! Changes is on, so the counterparty's edits come back as revisions.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::parts::{self, NUM_BULLETS, NUM_LETTERED_FIRST};
use crate::assemble::escape::{Piece, clean, pieces};
use crate::escape::xml;
use crate::manifest::ManifestClause;
use crate::model::{Company, Paper, Vendor};

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
    /// Document title, as in the PDF's metadata.
    pub title: String,
    /// Creation time for the document properties (reproducible: the PDF's creation date).
    pub created: chrono::DateTime<chrono::Utc>,
    /// Restrict editing to tracked changes.
    pub protect: bool,
}

/// Inline formatting state while walking Markdown.
#[derive(Default, Clone, Copy)]
struct Fmt {
    bold: bool,
    italic: bool,
}

fn run(text: &str, fmt: Fmt) -> String {
    let mut rpr = String::new();
    if fmt.bold {
        rpr.push_str("<w:b/><w:bCs/>");
    }
    if fmt.italic {
        rpr.push_str("<w:i/><w:iCs/>");
    }
    let rpr = if rpr.is_empty() {
        rpr
    } else {
        format!("<w:rPr>{rpr}</w:rPr>")
    };
    format!(
        "<w:r>{rpr}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        xml(text)
    )
}

/// A paragraph with the given properties and content.
fn para(ppr: &str, content: &str) -> String {
    if ppr.is_empty() {
        format!("<w:p>{content}</w:p>")
    } else {
        format!("<w:p><w:pPr>{ppr}</w:pPr>{content}</w:p>")
    }
}

fn styled(style: &str, content: &str) -> String {
    para(&format!("<w:pStyle w:val=\"{style}\"/>"), content)
}

/// The bookmark of a clause heading, the target of `REF` fields.
fn bookmark(index: usize) -> String {
    format!("_RefDpa{index:04}")
}

/// A `REF` field showing the number of the paragraph holding `name`, with `number` as its result.
fn ref_field(name: &str, number: &str) -> String {
    format!(
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
         <w:r><w:instrText xml:space=\"preserve\"> REF {name} \\w \\h </w:instrText></w:r>\
         <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>\
         <w:r><w:t>{}</w:t></w:r>\
         <w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
        xml(number)
    )
}

/// A list being written: ordered (with its numbering instance) or bulleted.
struct List {
    ordered: Option<u32>,
}

/// Converts clause bodies (Markdown with encoded record values) into WordprocessingML.
struct Builder<'r> {
    out: String,
    para: Option<(String, String)>,
    fmt: Vec<Fmt>,
    lists: Vec<List>,
    table: Option<Table>,
    targets: &'r HashMap<&'r str, (String, String)>,
    link: Option<(String, String)>,
    lettered: u32,
    item_start: bool,
    after_table: bool,
}

/// A Markdown table being written.
#[derive(Default)]
struct Table {
    rows: Vec<String>,
    cells: Vec<String>,
    cell: Option<String>,
    header: bool,
    columns: usize,
}

impl Builder<'_> {
    fn current(&self) -> Fmt {
        self.fmt.last().copied().unwrap_or_default()
    }

    /// Where inline content goes: the open table cell, the open link, or the open paragraph.
    fn sink(&mut self) -> &mut String {
        if let Some((_, text)) = &mut self.link {
            return text;
        }
        if let Some(t) = &mut self.table {
            return t.cell.get_or_insert_with(String::new);
        }
        &mut self
            .para
            .get_or_insert_with(|| (style_ppr("BodyText"), String::new()))
            .1
    }

    fn push_text(&mut self, text: &str) {
        let fmt = self.current();
        let mut runs = String::new();
        for piece in pieces(text) {
            let s = match piece {
                Piece::Literal(s) => s.replace(['\n', '\r'], " "),
                Piece::Value(v) => clean(&v),
            };
            if !s.is_empty() {
                runs.push_str(&run(&s, fmt));
            }
        }
        if self.item_start && !runs.is_empty() && fmt.bold {
            // A bulleted item that opens with a defined term is a definition.
            if let Some((ppr, _)) = &mut self.para
                && ppr.contains("ListBullet")
            {
                *ppr = ppr.replace("ListBullet", "Definition");
            }
        }
        if !runs.is_empty() {
            self.item_start = false;
        }
        self.sink().push_str(&runs);
    }

    fn end_paragraph(&mut self) {
        if let Some((mut ppr, content)) = self.para.take() {
            if std::mem::take(&mut self.after_table) {
                // Typst keeps a table 1.2 em from the text after it.
                let at = ppr.find("<w:ind ").unwrap_or(ppr.len());
                ppr.insert_str(at, "<w:spacing w:before=\"180\"/>");
            }
            self.out.push_str(&para(&ppr, &content));
        }
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) if self.table.is_none() => self.end_paragraph(),
            Event::Start(Tag::List(start)) => {
                self.end_paragraph();
                let ordered = start.map(|_| {
                    let id = NUM_LETTERED_FIRST + self.lettered;
                    self.lettered += 1;
                    id
                });
                self.lists.push(List { ordered });
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
                    .filter(|l| l.ordered.is_some())
                    .count()
                    .saturating_sub(1);
                let bullet_depth = self
                    .lists
                    .iter()
                    .filter(|l| l.ordered.is_none())
                    .count()
                    .saturating_sub(1);
                let (style, num, ilvl) = match self.lists.last().and_then(|l| l.ordered) {
                    Some(id) => ("ListNumber", id, ordered_depth.min(2)),
                    None => ("ListBullet", NUM_BULLETS, bullet_depth.min(2)),
                };
                let left = 567 + 454 * depth;
                self.para = Some((
                    format!(
                        "<w:pStyle w:val=\"{style}\"/><w:numPr><w:ilvl w:val=\"{ilvl}\"/><w:numId w:val=\"{num}\"/></w:numPr><w:ind w:left=\"{left}\" w:hanging=\"397\"/>"
                    ),
                    String::new(),
                ));
                self.item_start = true;
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
            Event::Start(Tag::Table(align)) => {
                self.end_paragraph();
                self.table = Some(Table {
                    columns: align.len(),
                    ..Table::default()
                });
            }
            Event::Start(Tag::TableHead) => {
                if let Some(t) = &mut self.table {
                    t.header = true;
                }
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let Some(t) = &mut self.table {
                    let header = if t.header {
                        "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
                    } else {
                        "<w:trPr><w:cantSplit/></w:trPr>"
                    };
                    let cells = std::mem::take(&mut t.cells).concat();
                    t.rows.push(format!("<w:tr>{header}{cells}</w:tr>"));
                    t.header = false;
                }
            }
            Event::Start(Tag::TableCell) => {
                let header = self.table.as_ref().is_some_and(|t| t.header);
                self.fmt.push(Fmt {
                    bold: header,
                    ..Fmt::default()
                });
                if let Some(t) = &mut self.table {
                    t.cell = Some(String::new());
                }
            }
            Event::End(TagEnd::TableCell) => {
                self.fmt.pop();
                if let Some(t) = &mut self.table {
                    let content = t.cell.take().unwrap_or_default();
                    t.cells.push(format!(
                        "<w:tc><w:tcPr><w:tcW w:w=\"0\" w:type=\"auto\"/></w:tcPr>{}</w:tc>",
                        styled("TableText", &content)
                    ));
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(t) = self.table.take() {
                    let grid = "<w:gridCol/>".repeat(t.columns.max(1));
                    let _ = write!(
                        self.out,
                        "<w:tbl><w:tblPr><w:tblStyle w:val=\"AnnexTable\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/>\
                         <w:tblLook w:val=\"0420\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr>\
                         <w:tblGrid>{grid}</w:tblGrid>{}</w:tbl>",
                        t.rows.concat()
                    );
                    self.after_table = true;
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.link = Some((dest_url.to_string(), String::new()));
            }
            Event::End(TagEnd::Link) => {
                if let Some((url, inner)) = self.link.take() {
                    let target = url.strip_prefix('#').and_then(|id| self.targets.get(id));
                    let content = match target {
                        Some((name, number)) if inner.is_empty() => {
                            format!(
                                "{}{}",
                                run("clause ", self.current()),
                                ref_field(name, number)
                            )
                        }
                        Some((name, _)) => {
                            format!("<w:hyperlink w:anchor=\"{name}\">{inner}</w:hyperlink>")
                        }
                        None => inner,
                    };
                    self.sink().push_str(&content);
                }
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                self.push_text(&t)
            }
            Event::SoftBreak => self.push_text(" "),
            Event::HardBreak => self.sink().push_str("<w:r><w:br/></w:r>"),
            _ => {}
        }
    }
}

/// A numbered heading: the style links the numbering, and the paragraph names it too, for readers
/// that do not follow styles.
fn heading_ppr(style: &str, level: u32) -> String {
    format!(
        "<w:pStyle w:val=\"{style}\"/><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{}\"/></w:numPr>",
        parts::NUM_HEADINGS
    )
}

/// Annex and signature headings: level-1 headings without a number.
const UNNUMBERED: &str = "<w:pStyle w:val=\"Heading1Annex\"/><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"0\"/></w:numPr>";

fn style_ppr(style: &str) -> String {
    format!("<w:pStyle w:val=\"{style}\"/>")
}

/// Writes one clause body; returns the number of lettered lists it used.
fn clause_body(
    out: &mut String,
    markdown: &str,
    targets: &HashMap<&str, (String, String)>,
    lettered: u32,
) -> u32 {
    let mut b = Builder {
        out: String::new(),
        para: None,
        fmt: Vec::new(),
        lists: Vec::new(),
        table: None,
        targets,
        link: None,
        lettered,
        item_start: false,
        after_table: false,
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
    out.push_str(&b.out);
    b.lettered
}

fn section_of(number: &str) -> Option<usize> {
    number.split('.').next().and_then(|n| n.parse().ok())
}

/// Page size and margins in twips, as in `templates/dpa.typ`.
fn page(paper: Paper) -> (u32, u32) {
    match paper {
        Paper::UsLetter => (12240, 15840),
        Paper::A4 => (11906, 16838),
    }
}

/// Left and right margin, 2.5 cm.
const MARGIN_X: u32 = 1417;

/// A signature block: one cell of the signature table.
fn signature_cell(party: &str, name: &str, title: &str) -> String {
    let line = |text: &str, extra: &str| {
        para(
            &format!("<w:pStyle w:val=\"SignatureBlock\"/>{extra}"),
            &run(text, Fmt::default()),
        )
    };
    format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"2500\" w:type=\"pct\"/></w:tcPr>{}{}{}{}{}</w:tc>",
        para(
            "<w:pStyle w:val=\"SignatureBlock\"/>",
            &run(
                &format!("For and on behalf of {}", clean(party)),
                Fmt {
                    bold: true,
                    ..Fmt::default()
                }
            )
        ),
        line(
            "Signature: ______________________",
            "<w:spacing w:before=\"500\"/>"
        ),
        line(&format!("Name: {}", clean(name)), ""),
        line(&format!("Title: {}", clean(title)), ""),
        para(
            "<w:pStyle w:val=\"SignatureBlock\"/><w:keepNext w:val=\"0\"/><w:spacing w:before=\"360\"/>",
            &run("Date: ______________________", Fmt::default())
        ),
    )
}

/// Writes an agreement as a Word document.
pub fn write(meta: &DocxMeta<'_>, clauses: &[ManifestClause]) -> Result<Vec<u8>, String> {
    let targets: HashMap<&str, (String, String)> = clauses
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), (bookmark(i), c.number.clone())))
        .collect();
    let (c, v) = (meta.company, meta.vendor);
    let mut body = parts::document_open();
    body.push_str(&styled(
        "Title",
        &run("Data Processing Addendum", Fmt::default()),
    ));
    body.push_str(&styled(
        "Subtitle",
        &run(
            &format!("between {} and {}", clean(&c.name), clean(&v.name)),
            Fmt::default(),
        ),
    ));
    body.push_str(&styled(
        "BodyText",
        &run(
            "This Data Processing Addendum (the \u{201c}Addendum\u{201d}) is made between:",
            Fmt::default(),
        ),
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
        let bold = Fmt {
            bold: true,
            ..Fmt::default()
        };
        body.push_str(&styled(
            "Parties",
            &format!(
                "{}{}{}",
                run(
                    &format!("{}{entity}, of {} (\u{201c}", clean(name), clean(address)),
                    Fmt::default()
                ),
                run(&clean(short), bold),
                run(&format!("\u{201d}){end}"), Fmt::default())
            ),
        ));
    }
    body.push_str(&styled(
        "BodyText",
        &run(
            "each a \u{201c}Party\u{201d} and together the \u{201c}Parties\u{201d}.",
            Fmt::default(),
        ),
    ));
    let bold = Fmt {
        bold: true,
        ..Fmt::default()
    };
    for (label, value) in [
        ("Effective date", meta.effective.clone()),
        ("Services", clean(&v.service.description)),
        (
            "Document",
            format!("{}, version {}", meta.document_id, meta.version),
        ),
    ] {
        body.push_str(&styled(
            "KeyTerms",
            &format!(
                "{}<w:r><w:tab/></w:r>{}",
                run(label, bold),
                run(&value, Fmt::default())
            ),
        ));
    }

    let mut lettered = 0;
    let mut section = None;
    for (index, clause) in clauses.iter().enumerate() {
        if clause.number.starts_with("Annex ") {
            continue;
        }
        let s = section_of(&clause.number);
        if s != section {
            section = s;
            body.push_str(&para(
                &heading_ppr("Heading1", 0),
                &run(&clean(&clause.section), Fmt::default()),
            ));
        }
        let name = bookmark(index);
        body.push_str(&para(
            &heading_ppr("Heading2", 1),
            &format!(
                "<w:bookmarkStart w:id=\"{index}\" w:name=\"{name}\"/>{}<w:bookmarkEnd w:id=\"{index}\"/>",
                run(&clean(&clause.title), Fmt::default())
            ),
        ));
        lettered = clause_body(&mut body, &clause.markdown, &targets, lettered);
    }

    // The signature page: heading, sentence and table kept together, the row never split.
    body.push_str(&para(UNNUMBERED, &run("Signatures", Fmt::default())));
    body.push_str(&para(
        "<w:pStyle w:val=\"BodyText\"/><w:keepNext/>",
        &run(
            "Each Party has caused this Addendum to be signed by its authorised representative.",
            Fmt::default(),
        ),
    ));
    let _ = write!(
        body,
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"SignatureTable\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLayout w:type=\"fixed\"/>\
         <w:tblLook w:val=\"0000\" w:firstRow=\"0\" w:lastRow=\"0\" w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/></w:tblPr>\
         <w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>{}{}</w:tr></w:tbl>",
        signature_cell(&c.name, &c.signatory.name, &c.signatory.title),
        signature_cell(&v.name, &v.signatory.name, &v.signatory.title),
    );

    let mut first_annex = true;
    for (index, clause) in clauses.iter().enumerate() {
        if !clause.number.starts_with("Annex ") {
            continue;
        }
        let name = bookmark(index);
        let ppr = if first_annex {
            // pageBreakBefore precedes numPr in a paragraph's properties.
            UNNUMBERED.replace("/><w:numPr>", "/><w:pageBreakBefore/><w:numPr>")
        } else {
            UNNUMBERED.to_string()
        };
        first_annex = false;
        body.push_str(&para(
            &ppr,
            &format!(
                "<w:bookmarkStart w:id=\"{index}\" w:name=\"{name}\"/>{}<w:bookmarkEnd w:id=\"{index}\"/>",
                run(
                    &format!("{}: {}", clause.number, clean(&clause.title)),
                    Fmt::default()
                )
            ),
        ));
        lettered = clause_body(&mut body, &clause.markdown, &targets, lettered);
    }

    if body.ends_with("</w:tbl>") {
        // The body must end with a paragraph; a hairline one never adds a page.
        body.push_str("<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"20\" w:lineRule=\"exact\"/><w:rPr><w:sz w:val=\"2\"/></w:rPr></w:pPr></w:p>");
    }
    let (width, height) = page(c.paper);
    let _ = write!(
        body,
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"{}\"/><w:pgSz w:w=\"{width}\" w:h=\"{height}\"/>\
         <w:pgMar w:top=\"1361\" w:right=\"{MARGIN_X}\" w:bottom=\"1531\" w:left=\"{MARGIN_X}\" w:header=\"709\" w:footer=\"680\" w:gutter=\"0\"/>\
         </w:sectPr></w:body></w:document>",
        parts::FOOTER_RID
    );

    let parties = format!("{} and {}", clean(&c.name), clean(&v.name));
    let frameworks: Vec<&str> = {
        let mut f: Vec<&str> = clauses
            .iter()
            .flat_map(|c| c.frameworks.iter().map(String::as_str))
            .collect();
        f.sort_unstable();
        f.dedup();
        f
    };
    let subject = format!(
        "Data protection terms between {parties} ({})",
        frameworks.join(", ")
    );
    let keywords = std::iter::once("Data Processing Addendum")
        .chain(frameworks.iter().copied())
        .collect::<Vec<_>>()
        .join(", ");
    let created = meta.created.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let props = parts::Properties {
        title: &meta.title,
        subject: &subject,
        author: &clean(&c.name),
        parties: &parties,
        document_id: &meta.document_id,
        version: &meta.version,
        keywords: &keywords,
        created: &created,
    };
    let files: [(&str, String); 12] = [
        ("[Content_Types].xml", parts::content_types()),
        ("_rels/.rels", parts::package_rels()),
        ("docProps/core.xml", parts::core(&props)),
        ("docProps/app.xml", parts::app()),
        ("docProps/custom.xml", parts::custom(&props)),
        ("word/_rels/document.xml.rels", parts::document_rels()),
        ("word/document.xml", body),
        ("word/styles.xml", parts::styles()),
        ("word/numbering.xml", parts::numbering(lettered)),
        ("word/settings.xml", parts::settings(meta.protect)),
        ("word/fontTable.xml", parts::font_table()),
        (
            "word/footer1.xml",
            parts::footer(&meta.document_id, &meta.version, width - 2 * MARGIN_X),
        ),
    ];
    package(&files).map_err(|e| e.to_string())
}

/// Zips the parts with a fixed timestamp, so the same agreement gives the same bytes.
pub(super) fn package(files: &[(&str, String)]) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, text) in files {
        zip.start_file(*name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}
