//! Clause Markdown to Typst markup (and to plain text for the manifest), walking pulldown-cmark events.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::escape::{Piece, clean, pieces, typst_markup, typst_str, typst_value};

/// A clause body converted for the agreement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    /// Typst markup.
    pub typst: String,
    /// Plain text, as compared by diffs and hashed in the manifest.
    pub plain: String,
}

/// A cross-reference that names no clause of the agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownReference(pub String);

/// The label Typst gives a clause heading.
pub fn clause_label(id: &str) -> String {
    format!("clause:{id}")
}

#[derive(Debug)]
enum Frame {
    List {
        ordered: bool,
        next: u64,
    },
    Link {
        start: usize,
        plain_start: usize,
        target: LinkTarget,
    },
    CodeBlock,
    Image,
}

#[derive(Debug)]
enum LinkTarget {
    Clause { id: String, number: String },
    Url(String),
}

struct Writer<'r> {
    out: String,
    plain: String,
    frames: Vec<Frame>,
    code: String,
    resolve: &'r dyn Fn(&str) -> Option<String>,
    error: Option<UnknownReference>,
    /// Cells written in the current table row, to separate them in plain text.
    cells: usize,
}

fn alpha(mut n: u64) -> String {
    let mut s = Vec::new();
    while n > 0 {
        n -= 1;
        s.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The label of item `n` of an ordered list at `depth` (0-based): (a), (i), (A).
pub fn enum_label(depth: usize, n: u64) -> String {
    match depth % 3 {
        0 => format!("({})", alpha(n)),
        1 => format!(
            "({})",
            u32::try_from(n).map_or_else(|_| n.to_string(), |n| crate::numerals::roman(n, false))
        ),
        _ => format!("({})", alpha(n).to_uppercase()),
    }
}

fn enum_numbering(depth: usize) -> &'static str {
    match depth % 3 {
        0 => "(a)",
        1 => "(i)",
        _ => "(A)",
    }
}

impl Writer<'_> {
    fn list_depth(&self) -> usize {
        self.frames
            .iter()
            .filter(|f| matches!(f, Frame::List { .. }))
            .count()
    }

    fn ordered_depth(&self) -> usize {
        self.frames
            .iter()
            .filter(|f| matches!(f, Frame::List { ordered: true, .. }))
            .count()
    }

    fn plain_break(&mut self) {
        if !self.plain.is_empty() && !self.plain.ends_with('\n') {
            self.plain.push('\n');
        }
    }

    fn text(&mut self, text: &str) {
        if self.frames.iter().any(|f| matches!(f, Frame::CodeBlock)) {
            self.code.push_str(text);
            return;
        }
        for piece in pieces(text) {
            match piece {
                Piece::Literal(s) => {
                    self.out.push_str(&typst_markup(s));
                    self.plain.push_str(&s.replace(['\n', '\r', '\t'], " "));
                }
                Piece::Value(v) => {
                    if !clean(&v).is_empty() {
                        self.out.push_str(&typst_value(&v));
                    }
                    self.plain.push_str(&clean(&v));
                }
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { .. } => {
                self.out.push_str("#strong[");
                self.plain_break();
            }
            Tag::BlockQuote(_) => self.out.push_str("#quote(block: true)["),
            Tag::CodeBlock(kind) => {
                let _ = matches!(kind, CodeBlockKind::Fenced(_));
                self.code.clear();
                self.frames.push(Frame::CodeBlock);
            }
            Tag::List(start) => {
                let depth = self.ordered_depth();
                match start {
                    Some(n) => {
                        self.out.push_str(&format!(
                            "#enum(numbering: \"{}\", start: {n}, ",
                            enum_numbering(depth)
                        ));
                        self.frames.push(Frame::List {
                            ordered: true,
                            next: n,
                        });
                    }
                    None => {
                        self.out.push_str("#list(");
                        self.frames.push(Frame::List {
                            ordered: false,
                            next: 1,
                        });
                    }
                }
                self.plain_break();
            }
            Tag::Item => {
                self.out.push('[');
                let depth = self.list_depth().saturating_sub(1);
                let ordered_depth = self.ordered_depth().saturating_sub(1);
                let label = match self
                    .frames
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f, Frame::List { .. }))
                {
                    Some(Frame::List {
                        ordered: true,
                        next,
                    }) => {
                        let l = enum_label(ordered_depth, *next);
                        *next += 1;
                        l
                    }
                    _ => "-".to_string(),
                };
                self.plain_break();
                self.plain.push_str(&"  ".repeat(depth));
                self.plain.push_str(&label);
                self.plain.push(' ');
            }
            Tag::Table(aligns) => {
                self.out
                    .push_str(&format!("#table(columns: {},\n", aligns.len().max(1)));
                self.plain_break();
            }
            Tag::TableHead => {
                self.out.push_str("table.header(");
                self.cells = 0;
            }
            Tag::TableRow => self.cells = 0,
            Tag::TableCell => {
                self.out.push('[');
                if self.cells > 0 {
                    self.plain.push_str(" | ");
                }
                self.cells += 1;
            }
            Tag::Emphasis => self.out.push_str("#emph["),
            Tag::Strong => self.out.push_str("#strong["),
            Tag::Strikethrough => self.out.push_str("#strike["),
            Tag::Link { dest_url, .. } => {
                let target = match dest_url.strip_prefix('#') {
                    Some(id) => match (self.resolve)(id) {
                        Some(number) => LinkTarget::Clause {
                            id: id.to_string(),
                            number,
                        },
                        None => {
                            self.error.get_or_insert(UnknownReference(id.to_string()));
                            LinkTarget::Clause {
                                id: id.to_string(),
                                number: String::new(),
                            }
                        }
                    },
                    None => LinkTarget::Url(dest_url.to_string()),
                };
                self.frames.push(Frame::Link {
                    start: self.out.len(),
                    plain_start: self.plain.len(),
                    target,
                });
            }
            Tag::Image { .. } => self.frames.push(Frame::Image),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                if self.list_depth() > 0 || self.cells > 0 {
                    self.out.push_str("\n\n");
                } else {
                    self.out.push_str("\n\n");
                    self.plain.push_str("\n\n");
                }
            }
            TagEnd::Heading(_) => {
                self.out.push_str("];\n\n");
                self.plain.push_str("\n\n");
            }
            TagEnd::BlockQuote(_) => self.out.push_str("];\n\n"),
            TagEnd::CodeBlock => {
                self.frames.pop();
                let code = std::mem::take(&mut self.code);
                self.out
                    .push_str(&format!("#raw(block: true, {});\n\n", raw_str(&code)));
                self.plain.push_str(code.trim_end());
                self.plain.push_str("\n\n");
            }
            TagEnd::List(_) => {
                self.frames.pop();
                self.out.push_str(");\n\n");
                if self.list_depth() == 0 {
                    self.plain_break();
                    self.plain.push('\n');
                }
            }
            TagEnd::Item => self.out.push_str("],\n"),
            TagEnd::Table => {
                self.out.push_str(");\n\n");
                self.plain_break();
                self.plain.push('\n');
                self.cells = 0;
            }
            TagEnd::TableHead => {
                self.out.push_str("),\n");
                self.plain_break();
                self.cells = 0;
            }
            TagEnd::TableRow => {
                self.out.push('\n');
                self.plain_break();
                self.cells = 0;
            }
            TagEnd::TableCell => self.out.push_str("],"),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.out.push_str("];"),
            TagEnd::Link => {
                if let Some(Frame::Link {
                    start,
                    plain_start,
                    target,
                }) = self.frames.pop()
                {
                    let inner = self.out.split_off(start);
                    let inner_plain = self.plain.split_off(plain_start);
                    match target {
                        LinkTarget::Clause { id, number } => {
                            let (inner, inner_plain) = if inner_plain.trim().is_empty() {
                                (
                                    format!("clause {}", typst_markup(&number)),
                                    format!("clause {number}"),
                                )
                            } else {
                                (inner, inner_plain)
                            };
                            self.out.push_str(&format!(
                                "#link(label({}))[{inner}];",
                                typst_str(&clause_label(&id))
                            ));
                            self.plain.push_str(&inner_plain);
                        }
                        LinkTarget::Url(url) => {
                            let url = super::escape::decode_all(&url);
                            self.out
                                .push_str(&format!("#link({})[{inner}];", typst_str(&url)));
                            self.plain.push_str(&inner_plain);
                        }
                    }
                }
            }
            TagEnd::Image => {
                self.frames.pop();
            }
            _ => {}
        }
    }
}

/// A Typst string literal that keeps line breaks, for code blocks.
fn raw_str(code: &str) -> String {
    let mut out = String::from("\"");
    for c in code.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("    "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Converts a clause body (Markdown whose record values are encoded) to Typst markup and plain text.
///
/// `resolve` maps a referenced clause id to its number in this agreement.
pub fn convert(
    markdown: &str,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Result<Converted, UnknownReference> {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut w = Writer {
        out: String::new(),
        plain: String::new(),
        frames: Vec::new(),
        code: String::new(),
        resolve,
        error: None,
        cells: 0,
    };
    let mut pending = String::new();
    for event in parser {
        // pulldown-cmark may split one run of text into several events; join them so values decode whole.
        if let Event::Text(t) = &event {
            pending.push_str(t);
            continue;
        }
        if !pending.is_empty() {
            let t = std::mem::take(&mut pending);
            w.text(&t);
        }
        match event {
            Event::Start(tag) => w.start(tag),
            Event::End(tag) => w.end(tag),
            Event::Code(c) => {
                let c = super::escape::decode_all(&c);
                w.out.push_str(&format!("#raw({});", typst_str(&c)));
                w.plain.push_str(&c);
            }
            Event::Html(h) | Event::InlineHtml(h) => w.text(&h),
            Event::SoftBreak => {
                w.out.push(' ');
                w.plain.push(' ');
            }
            Event::HardBreak => {
                w.out.push_str("#linebreak();");
                w.plain.push('\n');
            }
            Event::Rule => w.out.push_str("#line(length: 100%);\n\n"),
            _ => {}
        }
    }
    if !pending.is_empty() {
        w.text(&pending);
    }
    if let Some(e) = w.error {
        return Err(e);
    }
    let plain = normalise_plain(&w.plain);
    Ok(Converted {
        typst: w.out.trim_end().to_string(),
        plain,
    })
}

/// Trims trailing spaces and collapses runs of blank lines in plain text.
fn normalise_plain(s: &str) -> String {
    let mut out = String::new();
    let mut blank = 0;
    for line in s.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::escape::encode_value;
    use super::*;

    fn conv(md: &str) -> Converted {
        convert(md, &|id| (id == "gdpr.security").then(|| "3.4".to_string())).expect("converts")
    }

    #[test]
    fn paragraphs_emphasis_strong() {
        let c = conv("A *b* **c**.\n\nSecond.");
        assert_eq!(c.typst, "A #emph[b]; #strong[c];.\n\nSecond.");
        assert_eq!(c.plain, "A b c.\n\nSecond.");
    }

    #[test]
    fn values_are_string_literals() {
        let md = format!(
            "Vendor {} agrees.",
            encode_value("*x* #read(\"/etc/passwd\") $y$ ]")
        );
        let c = conv(&md);
        assert_eq!(
            c.typst,
            "Vendor #\"*x* #read(\\\"/etc/passwd\\\") $y$ ]\"; agrees."
        );
        assert_eq!(c.plain, "Vendor *x* #read(\"/etc/passwd\") $y$ ] agrees.");
    }

    #[test]
    fn ordered_lists_get_contract_labels() {
        let c = conv("Intro:\n\n1. one\n2. two\n   1. nested\n");
        assert!(
            c.typst
                .contains("#enum(numbering: \"(a)\", start: 1, [one],"),
            "{}",
            c.typst
        );
        assert!(
            c.typst
                .contains("#enum(numbering: \"(i)\", start: 1, [nested],"),
            "{}",
            c.typst
        );
        assert_eq!(c.plain, "Intro:\n\n(a) one\n(b) two\n  (i) nested");
    }

    #[test]
    fn tables_and_plain_rows() {
        let c = conv("| A | B |\n|---|---|\n| 1 | 2 |\n");
        assert_eq!(
            c.typst,
            "#table(columns: 2,\ntable.header([A],[B],),\n[1],[2],\n);"
        );
        assert_eq!(c.plain, "A | B\n1 | 2");
    }

    #[test]
    fn cross_references_resolve_or_fail() {
        let c = conv("See [](#gdpr.security) and [the security clause](#gdpr.security).");
        assert!(
            c.typst
                .contains("#link(label(\"clause:gdpr.security\"))[clause 3.4]"),
            "{}",
            c.typst
        );
        assert_eq!(c.plain, "See clause 3.4 and the security clause.");
        assert_eq!(
            convert("[](#nope)", &|_| None),
            Err(UnknownReference("nope".into()))
        );
    }

    #[test]
    fn literal_clause_text_is_escaped() {
        let c = conv("Costs $5 #1 <x> @y");
        assert_eq!(c.typst, "Costs \\$5 \\#1 \\<x\\> \\@y");
    }

    #[test]
    fn labels() {
        assert_eq!(enum_label(0, 27), "(aa)");
        assert_eq!(enum_label(1, 4), "(iv)");
        assert_eq!(enum_label(2, 2), "(B)");
    }
}
