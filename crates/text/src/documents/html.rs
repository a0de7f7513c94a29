//! A saved web page (`.html`) as the Markdown-with-HTML the diff's segmenter reads: the page's
//! body without what a reader does not see (scripts, styles, templates) or does not read as the
//! document (navigation), one line per source line with its indentation removed, so that the
//! page and a Markdown file holding the same HTML read alike.

/// Elements whose content is never shown as the document's text.
const HIDDEN: [&str; 7] = [
    "script", "style", "noscript", "template", "svg", "nav", "head",
];

/// Most bytes of a tag name looked at; longer names are text.
const MAX_TAG_NAME: usize = 16;

/// Whether the bytes start like an HTML page (a doctype or an `<html>` element), not like
/// Markdown that holds some HTML.
pub fn is_page(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let text = String::from_utf8_lossy(head);
    let t = text
        .trim_start_matches('\u{FEFF}')
        .trim_start()
        .to_ascii_lowercase();
    let t = match t.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or("", |(_, r)| r)
            .trim_start()
            .to_string(),
        None => t,
    };
    let t = skip_comments(&t);
    t.starts_with("<!doctype html") || t.starts_with("<html")
}

fn skip_comments(mut t: &str) -> &str {
    while let Some(rest) = t.strip_prefix("<!--") {
        t = rest.split_once("-->").map_or("", |(_, r)| r).trim_start();
    }
    t
}

/// Deepest nesting of HTML elements accepted; browsers' parsers stop nesting far earlier
/// than a hostile file would go.
pub const MAX_DEPTH: usize = 512;

/// Elements that have no end tag, or whose end tag may be left out, and so do not nest.
const UNNESTED: [&str; 22] = [
    "br", "hr", "img", "input", "meta", "link", "wbr", "area", "base", "col", "embed", "source",
    "track", "param", "p", "li", "dt", "dd", "option", "tr", "td", "th",
];

/// Refuses HTML (a page, or the HTML inside Markdown) whose elements nest deeper than
/// [`MAX_DEPTH`]: no document does, and a hostile one would make every later step slow.
pub fn check_depth(src: &str) -> Result<(), String> {
    let mut depth: usize = 0;
    let mut rest = src;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let closing = rest.starts_with('/');
        let name = tag_name(rest.trim_start_matches('/'));
        if name.is_empty() || UNNESTED.contains(&name.as_str()) {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        if closing {
            depth = depth.saturating_sub(1);
        } else if !rest[..end].ends_with('/') {
            depth += 1;
            if depth > MAX_DEPTH {
                return Err(format!(
                    "its HTML nests elements more than {MAX_DEPTH} deep; refused"
                ));
            }
        }
    }
    Ok(())
}

/// The page as Markdown with HTML: the body, hidden elements removed, lines unindented.
pub fn to_markdown(page: &str) -> String {
    let lower = page.to_ascii_lowercase();
    let body = match lower.find("<body") {
        Some(start) => {
            let open_end = lower[start..]
                .find('>')
                .map_or(page.len(), |e| start + e + 1);
            let end = lower
                .rfind("</body")
                .filter(|e| *e >= open_end)
                .unwrap_or(page.len());
            &page[open_end..end]
        }
        None => page,
    };
    let visible = one_line_tags(&without_hidden(main_content(body)));
    let mut out = String::with_capacity(visible.len());
    for line in visible.lines() {
        out.push_str(line.trim());
        out.push('\n');
    }
    out
}

/// The page's main content, as a browser's reader view takes it: the one `<main>` element (or
/// element with `role="main"`), else the one `<article>`, else the whole body. What lies outside
/// it (the site's header, menus, footer, cookie notice) is the site's, not the document's.
fn main_content(body: &str) -> &str {
    let lower = body.to_ascii_lowercase();
    // The element opened at `open_at`, up to its own closing tag (same-name elements nest).
    let element = |open_at: usize, name: &str| -> Option<&str> {
        let start = lower[open_at..].find('>').map(|e| open_at + e + 1)?;
        let (open, close) = (format!("<{name}"), format!("</{name}"));
        let mut depth = 1usize;
        let mut at = start;
        while let Some(i) = lower[at..].find('<') {
            let tag = at + i;
            let rest = &lower[tag..];
            let bounded = |t: &str| {
                rest[t.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c == '>' || c.is_whitespace())
            };
            if rest.starts_with(&close) && bounded(&close) {
                depth -= 1;
                if depth == 0 {
                    return Some(&body[start..tag]);
                }
            } else if rest.starts_with(&open) && bounded(&open) {
                depth += 1;
            }
            at = tag + 1;
        }
        None
    };
    let opening = |name: &str| -> Vec<usize> {
        let tag = format!("<{name}");
        lower
            .match_indices(&tag)
            .map(|(i, _)| i)
            .filter(|i| {
                lower[i + tag.len()..]
                    .chars()
                    .next()
                    .is_some_and(|c| c == '>' || c.is_whitespace())
            })
            .collect()
    };
    let mains = opening("main");
    if mains.len() == 1
        && let Some(inner) = element(mains[0], "main")
    {
        return inner;
    }
    if let Some(at) = lower
        .find("role=\"main\"")
        .or_else(|| lower.find("role='main'"))
        && let Some(open) = lower[..at].rfind('<')
    {
        let name: String = lower[open + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !name.is_empty()
            && let Some(inner) = element(open, &name)
        {
            return inner;
        }
    }
    let articles = opening("article");
    if articles.len() == 1
        && let Some(inner) = element(articles[0], "article")
    {
        return inner;
    }
    body
}

/// The page with every tag on one line: a page written with its lines wrapped (as pandoc and
/// many editors write it) may break a line inside a tag (`<a` / `href="…">`), which a browser
/// reads as one tag and the line-by-line reader would not. A `<` that does not open a tag (a
/// letter, `/` or `!` after it) is text and left alone.
fn one_line_tags(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut at = 0;
    while let Some(i) = src[at..].find('<') {
        let open = at + i;
        out.push_str(&src[at..open]);
        let after = &src[open + 1..];
        let opens_tag = after
            .chars()
            .next()
            .is_some_and(|n| n.is_ascii_alphabetic() || n == '/' || n == '!');
        // A tag ends at the first `>`, within the length `source::tag` accepts, with no `<` inside.
        let end = after
            .char_indices()
            .take_while(|(j, c)| *j <= 1024 && *c != '<')
            .find(|(_, c)| *c == '>')
            .map(|(j, _)| j);
        match end {
            Some(j) if opens_tag => {
                out.push('<');
                out.extend(
                    after[..=j]
                        .chars()
                        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c }),
                );
                at = open + 1 + j + 1;
            }
            _ => {
                out.push('<');
                at = open + 1;
            }
        }
    }
    out.push_str(&src[at..]);
    out
}

/// The name of the tag at the start of `s` (after `<` or `</`), lower case.
fn tag_name(s: &str) -> String {
    s.chars()
        .take(MAX_TAG_NAME)
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The text with every hidden element (and the doctype) removed; newlines inside removed parts
/// are kept, so the lines left stay apart. One pass: each closing tag is searched from where its
/// element opened, and the search resumes after it.
fn without_hidden(src: &str) -> String {
    // ASCII lower-casing keeps every byte offset, so positions found in `lower` index `src`.
    let lower = src.to_ascii_lowercase();
    let mut out = String::with_capacity(src.len());
    let mut at = 0;
    while let Some(i) = lower[at..].find('<') {
        let open = at + i;
        out.push_str(&src[at..open]);
        let after = open + 1;
        let name = tag_name(&lower[after..]);
        if HIDDEN.contains(&name.as_str()) {
            let close = format!("</{name}");
            let end = lower[after..].find(&close).map_or(src.len(), |e| {
                let e = after + e;
                lower[e..].find('>').map_or(src.len(), |g| e + g + 1)
            });
            out.extend(src[after..end].chars().filter(|c| *c == '\n'));
            at = end;
        } else if lower[after..].starts_with("!doctype") {
            at = lower[after..]
                .find('>')
                .map_or(src.len(), |g| after + g + 1);
        } else {
            out.push('<');
            at = after;
        }
    }
    out.push_str(&src[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_past_the_limit_is_refused() {
        let ok = format!(
            "{}x{}",
            "<div>".repeat(MAX_DEPTH),
            "</div>".repeat(MAX_DEPTH)
        );
        assert!(check_depth(&ok).is_ok());
        // Unclosed list items and paragraphs do not nest.
        assert!(check_depth(&"<li>item <p>text".repeat(10_000)).is_ok());
        let deep = "<div><ol><li>".repeat(MAX_DEPTH);
        assert!(check_depth(&deep).unwrap_err().contains("512 deep"));
    }

    #[test]
    fn a_page_is_told_from_markdown_with_html() {
        assert!(is_page(b"<!DOCTYPE html>\n<html><body></body></html>"));
        assert!(is_page(b"\xEF\xBB\xBF  <html lang=\"en\">"));
        assert!(is_page(b"<!-- saved -->\n<!doctype html>"));
        assert!(!is_page(
            b"# Terms\n\n<p id=\"a\"><h1>Appendix A</h1></p>\n"
        ));
        assert!(!is_page(b"<p>Intro</p>\n\n## 1. Scope\n"));
    }

    #[test]
    fn the_main_content_without_the_site_around_it() {
        let page = "<!DOCTYPE html><html><body><header><a href=\"/\">Acme</a> Pricing Sign up</header>\n<main class=\"legal\">\n<h1>Data Processing Addendum</h1>\n<h2>1. Scope</h2>\n<p>Text.</p>\n</main>\n<footer>© Acme 2026 · Cookie settings</footer></body></html>";
        let md = to_markdown(page);
        assert!(
            md.contains("<h2>1. Scope</h2>") && md.contains("<p>Text.</p>"),
            "{md}"
        );
        assert!(!md.contains("Pricing") && !md.contains("Cookie"), "{md}");
        // Without a main element or one article, the whole body is the document.
        let page =
            "<html><body><div>Intro</div><article>A</article><article>B</article></body></html>";
        let md = to_markdown(page);
        assert!(
            md.contains("Intro") && md.contains('A') && md.contains('B'),
            "{md}"
        );
        let page = "<html><body><div>Menu</div><div role=\"main\"><p>Terms</p></div><div>Foot</div></body></html>";
        let md = to_markdown(page);
        assert!(
            md.contains("Terms") && !md.contains("Menu") && !md.contains("Foot"),
            "{md}"
        );
    }

    #[test]
    fn a_tag_wrapped_over_lines_is_one_tag() {
        let page = "<!DOCTYPE html>\n<html><body>\n<h2\nid=\"a\">Attachment 1</h2>\n<p>See <a\nhref=\"/x\">the list</a>; 3 < 4\nand more</p>\n</body></html>";
        let md = to_markdown(page);
        assert!(md.contains("<h2 id=\"a\">Attachment 1</h2>"), "{md}");
        assert!(md.contains("<a href=\"/x\">the list</a>"), "{md}");
        assert!(md.contains("3 < 4\nand more"), "{md}");
    }

    #[test]
    fn the_body_without_scripts_styles_and_navigation() {
        let page = "<!DOCTYPE html>\n<html><head><title>T</title>\n<style>p{}</style></head>\n<body>\n  <nav><a href=\"/\">Home</a></nav>\n    <h2>1. Scope</h2>\n    <p>Text <b>here</b>.</p>\n  <script>\nvar x = \"<h2>2. Fake</h2>\";\n</script>\n</body></html>\n";
        let md = to_markdown(page);
        assert!(
            md.contains("<h2>1. Scope</h2>\n<p>Text <b>here</b>.</p>"),
            "{md}"
        );
        assert!(
            !md.contains("Home") && !md.contains("Fake") && !md.contains("p{}"),
            "{md}"
        );
        assert!(!md.contains("<title>"), "{md}");
    }
}
