//! The visible text of a Markdown legal page, block by block, as a reader of the published page
//! sees it: a port of the corpus's reference oracle (`visible-text.py`, see the fixture README).
//!
//! Pipeline: strip front matter; evaluate Liquid as docs.github.com does for github.com (variables
//! become one opaque token naming the variable, conditionals keep the github.com branch, other
//! tags go); GitHub alert markers become their label; `[AUTOTITLE](url)` becomes a token naming the
//! target page; GitHub-flavoured Markdown is parsed (pulldown-cmark, raw HTML kept as markup) and
//! the text of every heading, paragraph, list item (its displayed marker is not text), table row
//! (cells joined by ` | `), code block and quotation is collected; NFKC, quotes, dashes and spaces
//! are normalised. It shares no code with dpa's reader.

use std::sync::LazyLock;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use regex::{Captures, Regex};
use unicode_normalization::UnicodeNormalization;

/// One visible block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// `h1`-`h6`, `p`, `li`, `tr`, `pre`, `dt`, `dd`.
    pub kind: String,
    /// Its normalised text.
    pub text: String,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("oracle pattern")
}

static FRONT_MATTER: LazyLock<Regex> =
    LazyLock::new(|| re(r"\A(?s:\x{FEFF}?---[ \t]*\r?\n.*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\z))"));
static COMMENT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?s)\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}"));
static LIQUID_TAG: LazyLock<Regex> = LazyLock::new(|| re(r"(?s)\{%-?\s*(.*?)\s*-?%\}"));
static DATA_TAG: LazyLock<Regex> = LazyLock::new(|| re(r"\{%-?\s*data\s+([^%]*?)\s*-?%\}"));
static VARIABLE: LazyLock<Regex> = LazyLock::new(|| re(r"\{\{-?\s*([^}]*?)\s*-?\}\}"));
static OTHER_TAG: LazyLock<Regex> = LazyLock::new(|| re(r"\{%-?[^%]*?-?%\}"));
static ALERT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^(\s*>\s*)\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*$"));
static AUTOTITLE: LazyLock<Regex> = LazyLock::new(|| re(r"\[AUTOTITLE\]\(([^)\s]*)\)"));
static CURRENT_VERSION: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^(?:if|elsif|unless)\s+currentVersion\s*(==|!=)\s*["']([^"']+)["']"#));
static IFVERSION: LazyLock<Regex> = LazyLock::new(|| re(r"^(?:ifversion|elsif)\s+(.*)"));
static OR: LazyLock<Regex> = LazyLock::new(|| re(r"\s+or\s+"));
static AND: LazyLock<Regex> = LazyLock::new(|| re(r"\s+and\s+"));

const FPT_NAMES: [&str; 4] = ["fpt", "free-pro-team", "dotcom", "free-pro-team@latest"];

/// The token a Liquid variable becomes: its value is what a reader sees, the same for the same name.
pub fn var_token(name: &str) -> String {
    let name = name.trim();
    let name = name.strip_prefix("site.data.").unwrap_or(name);
    let alnum: String = name
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        .collect();
    format!("LIQVAR{alnum}")
}

/// The token an `[AUTOTITLE](url)` link becomes: the title of the page it names.
pub fn autotitle_token(url: &str) -> String {
    let url = url.trim().trim_matches(['<', '>']);
    let path = url.split('#').next().unwrap_or("").trim_end_matches('/');
    let slug = path.rsplit('/').next().unwrap_or("");
    let alnum: String = slug
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        .collect();
    format!("AUTOTITLE{alnum}")
}

fn version_term(x: &str) -> bool {
    let x = x.trim();
    if let Some(rest) = x.strip_prefix("not ") {
        return !version_term(rest);
    }
    x.split_whitespace()
        .next()
        .is_some_and(|w| FPT_NAMES.contains(&w))
}

fn condition_true(expr: &str) -> bool {
    let expr = expr.trim();
    if let Some(c) = CURRENT_VERSION.captures(expr) {
        let name = &c[2];
        let eq = FPT_NAMES.contains(&name) || name.starts_with("free-pro-team");
        let val = if &c[1] == "==" { eq } else { !eq };
        return if expr.starts_with("unless") {
            !val
        } else {
            val
        };
    }
    if let Some(c) = IFVERSION.captures(expr) {
        return OR
            .split(&c[1])
            .any(|term| AND.split(term).all(version_term));
    }
    true
}

fn eval_conditionals(md: &str) -> String {
    let mut out = String::new();
    let mut pos = 0;
    // [branch taken, showing]
    let mut stack: Vec<[bool; 2]> = Vec::new();
    for m in LIQUID_TAG.captures_iter(md) {
        let whole = m.get(0).expect("match");
        let tag = &m[1];
        let word = tag.split_whitespace().next().unwrap_or("");
        let visible = stack.iter().all(|s| s[1]);
        if visible {
            out.push_str(&md[pos..whole.start()]);
        }
        pos = whole.end();
        match word {
            "if" | "ifversion" | "unless" => {
                let c = condition_true(tag);
                stack.push([c, c]);
            }
            "elsif" if !stack.is_empty() => {
                let top = stack.last_mut().expect("open");
                let c = !top[0] && condition_true(tag);
                top[1] = c;
                top[0] |= c;
            }
            "else" if !stack.is_empty() => {
                let top = stack.last_mut().expect("open");
                top[1] = !top[0];
                top[0] = true;
            }
            "endif" | "endunless" if !stack.is_empty() => {
                stack.pop();
            }
            _ if visible => out.push_str(whole.as_str()),
            _ => {}
        }
    }
    if stack.iter().all(|s| s[1]) {
        out.push_str(&md[pos..]);
    }
    out
}

fn preprocess(md: &str) -> String {
    let md = FRONT_MATTER.replace(md, "");
    let md = COMMENT.replace_all(&md, "");
    let md = eval_conditionals(&md);
    let md = DATA_TAG.replace_all(&md, |c: &Captures| var_token(&c[1]));
    let md = VARIABLE.replace_all(&md, |c: &Captures| var_token(&c[1]));
    let md = OTHER_TAG.replace_all(&md, "");
    let md = ALERT.replace_all(&md, |c: &Captures| {
        let label = &c[2];
        format!("{}{}{}", &c[1], &label[..1], label[1..].to_lowercase())
    });
    AUTOTITLE
        .replace_all(&md, |c: &Captures| autotitle_token(&c[1]))
        .into_owned()
}

/// Quotes, dashes and spaces as the oracle normalises them, after NFKC.
pub fn norm(s: &str) -> String {
    let mapped: String =
        s.nfkc()
            .filter_map(|c| match c {
                '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}'
                | '`' => Some('\''),
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
                | '\u{00BB}' => Some('"'),
                '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
                | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => Some('-'),
                '\u{00A0}' | '\u{2002}' | '\u{2003}' | '\u{2009}' | '\u{200A}' | '\u{202F}'
                | '\u{2007}' => Some(' '),
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{00AD}' => None,
                c => Some(c),
            })
            .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

const BLOCK: [&str; 29] = [
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "div",
    "table",
    "thead",
    "tbody",
    "tr",
    "pre",
    "dl",
    "dt",
    "dd",
    "hr",
    "section",
    "figure",
    "figcaption",
    "caption",
    "details",
    "summary",
    "body",
    "html",
];
const OWN_KIND: [&str; 11] = [
    "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "pre", "dt", "dd",
];

/// The block collector: the oracle's HTML walk, fed by Markdown events and raw HTML tags alike.
#[derive(Default)]
struct Blocks {
    blocks: Vec<Block>,
    buf: String,
    kind: String,
    stack: Vec<String>,
}

impl Blocks {
    fn flush(&mut self) {
        let mut t = norm(&self.buf);
        if self.kind == "tr" {
            t = t
                .trim_matches(|c: char| c == '|' || c.is_whitespace())
                .to_string();
        }
        if !t.is_empty() {
            self.blocks.push(Block {
                kind: if self.kind.is_empty() {
                    "p".into()
                } else {
                    self.kind.clone()
                },
                text: t,
            });
        }
        self.buf.clear();
    }

    fn container(&self) -> String {
        let stack: &[String] = match self.stack.last() {
            Some(top) if top == "p" => &self.stack[..self.stack.len() - 1],
            _ => &self.stack,
        };
        for t in stack.iter().rev() {
            match t.as_str() {
                "li" | "tr" | "dd" | "dt" => return t.clone(),
                "ul" | "ol" | "blockquote" | "table" | "div" | "body" | "html" | "section"
                | "details" => return "p".into(),
                _ => {}
            }
        }
        "p".into()
    }

    fn start(&mut self, tag: &str, alt: Option<String>) {
        if BLOCK.contains(&tag) {
            self.flush();
            self.stack.push(tag.to_string());
            self.kind = if OWN_KIND.contains(&tag) {
                tag.to_string()
            } else {
                self.container()
            };
        } else if tag == "td" || tag == "th" {
            self.buf.push_str(" | ");
        } else if tag == "br" {
            self.buf.push(' ');
        } else if tag == "img"
            && let Some(alt) = alt
        {
            self.buf.push_str(&alt);
        }
    }

    fn end(&mut self, tag: &str) {
        if BLOCK.contains(&tag) {
            self.flush();
            if let Some(at) = self.stack.iter().rposition(|t| t == tag) {
                self.stack.truncate(at);
            }
            self.kind = self.container();
        } else if tag == "td" || tag == "th" {
            self.buf.push(' ');
        }
    }

    fn data(&mut self, text: &str) {
        self.buf.push_str(text);
    }

    /// Raw HTML: tags drive the walk, text between them is data (entities decoded).
    fn html(&mut self, raw: &str) {
        let mut rest = raw;
        while let Some(open) = rest.find('<') {
            self.data(&decode(&rest[..open]));
            let after = &rest[open..];
            if let Some(body) = after.strip_prefix("<!--") {
                rest = body.find("-->").map_or("", |e| &body[e + 3..]);
                continue;
            }
            let Some(close) = after.find('>') else {
                self.data(&decode(after));
                return;
            };
            let inner = &after[1..close];
            rest = &after[close + 1..];
            let (closing, inner) = match inner.strip_prefix('/') {
                Some(r) => (true, r),
                None => (false, inner),
            };
            let self_closing = inner.ends_with('/');
            let inner = inner.trim_end_matches('/');
            let name_len = inner
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(inner.len());
            let name = inner[..name_len].to_ascii_lowercase();
            if name.is_empty() || !inner.starts_with(|c: char| c.is_ascii_alphabetic()) {
                // Not a tag (`< 3`, `<!DOCTYPE`): the parser drops declarations, keeps the rest.
                if !inner.starts_with('!') && !inner.starts_with('?') {
                    self.data(&decode(&after[..close + 1]));
                }
                continue;
            }
            if closing {
                self.end(&name);
            } else {
                self.start(&name, attribute(&inner[name_len..], "alt"));
                if self_closing && BLOCK.contains(&name.as_str()) {
                    self.end(&name);
                }
            }
        }
        self.data(&decode(rest));
    }
}

fn attribute(attrs: &str, name: &str) -> Option<String> {
    let lower = attrs.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))?;
    let value = &attrs[at + name.len() + 1..];
    let v = match value.chars().next()? {
        q @ ('"' | '\'') => value[1..].split(q).next().unwrap_or(""),
        _ => value.split_whitespace().next().unwrap_or(""),
    };
    Some(decode(v))
}

fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &after[..e];
            let c = if let Some(num) = name.strip_prefix('#') {
                let code = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => num.parse().ok()?,
                };
                char::from_u32(code)?
            } else {
                match name {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" | "#39" => '\'',
                    "nbsp" => '\u{A0}',
                    "ndash" => '–',
                    "mdash" => '—',
                    "sect" => '§',
                    "copy" => '©',
                    "reg" => '®',
                    "trade" => '™',
                    "hellip" => '…',
                    "rsquo" => '’',
                    "lsquo" => '‘',
                    "ldquo" => '“',
                    "rdquo" => '”',
                    _ => return None,
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The visible blocks of a Markdown page.
pub fn visible_blocks(md: &str) -> Vec<Block> {
    let md = preprocess(md);
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut b = Blocks::default();
    let mut raw = String::new();
    let mut in_head = false;
    for event in Parser::new_ext(&md, options) {
        if let Event::Html(h) | Event::InlineHtml(h) = &event {
            raw.push_str(h);
            continue;
        }
        if !raw.is_empty() {
            b.html(&std::mem::take(&mut raw));
        }
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph => b.start("p", None),
                Tag::Heading { level, .. } => b.start(&format!("{level}"), None),
                Tag::BlockQuote(_) => b.start("blockquote", None),
                Tag::CodeBlock(_) => b.start("pre", None),
                Tag::List(Some(_)) => b.start("ol", None),
                Tag::List(None) => b.start("ul", None),
                Tag::Item => b.start("li", None),
                Tag::Table(_) => b.start("table", None),
                Tag::TableHead => {
                    in_head = true;
                    b.start("thead", None);
                    b.start("tr", None);
                }
                Tag::TableRow => b.start("tr", None),
                Tag::TableCell => b.start(if in_head { "th" } else { "td" }, None),
                Tag::FootnoteDefinition(_) => b.start("div", None),
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => b.end("p"),
                TagEnd::Heading(level) => b.end(&format!("{level}")),
                TagEnd::BlockQuote(_) => b.end("blockquote"),
                TagEnd::CodeBlock => b.end("pre"),
                TagEnd::List(true) => b.end("ol"),
                TagEnd::List(false) => b.end("ul"),
                TagEnd::Item => b.end("li"),
                TagEnd::Table => b.end("table"),
                TagEnd::TableHead => {
                    in_head = false;
                    b.end("tr");
                    b.end("thead");
                }
                TagEnd::TableRow => b.end("tr"),
                TagEnd::TableCell => b.end("td"),
                TagEnd::FootnoteDefinition => b.end("div"),
                _ => {}
            },
            Event::Text(t) | Event::Code(t) => b.data(&t),
            Event::SoftBreak => b.data("\n"),
            Event::HardBreak => b.start("br", None),
            Event::Rule => {
                b.start("hr", None);
                b.end("hr");
            }
            Event::FootnoteReference(name) => b.data(&name),
            _ => {}
        }
    }
    if !raw.is_empty() {
        b.html(&raw);
    }
    b.flush();
    b.blocks
}
