//! Inline Markdown normalisation: turns a paragraph of Markdown into the plain words a reader sees.
//!
//! Every loop here advances by at least one character and every look-ahead stops at the next
//! bracket, so the cost stays linear on adversarial input such as a million `[` characters.

/// Longest link target or entity we look ahead for; real ones are far shorter.
const MAX_LOOKAHEAD: usize = 2048;

/// Removes inline Markdown markup from one paragraph and collapses its whitespace.
///
/// Link and image targets are dropped (their text is kept), emphasis and code markers are
/// dropped, backslash escapes and common HTML entities are resolved, control characters removed.
/// Quotes are left as written: unifying them is a matter for comparison only.
pub(crate) fn inline_text(src: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                match chars.get(i + 1) {
                    // An escaped punctuation character is literal text, never markup.
                    Some(&n) if n.is_ascii_punctuation() => {
                        out.push(n);
                        i += 2;
                    }
                    // A backslash before a line end is a hard break.
                    None => i += 1,
                    Some(_) => {
                        out.push('\\');
                        i += 1;
                    }
                }
            }
            '`' | '~' if c == '`' || chars.get(i + 1) == Some(&'~') => {
                i += run_len(&chars, i, c);
            }
            '*' | '_' => {
                let len = run_len(&chars, i, c);
                let before = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
                let after = chars.get(i + len).copied();
                if is_emphasis(c, before, after) {
                    i += len;
                } else {
                    chars[i..i + len].iter().for_each(|&ch| out.push(ch));
                    i += len;
                }
            }
            '!' if chars.get(i + 1) == Some(&'[') => match link(&chars, i + 1) {
                Some((text_end, next)) => {
                    out.push_str(&inline_text(&collect(&chars[i + 2..text_end])));
                    i = next;
                }
                None => {
                    out.push('!');
                    i += 1;
                }
            },
            '[' => match link(&chars, i) {
                Some((text_end, next)) => {
                    let text = inline_text(&collect(&chars[i + 1..text_end]));
                    if text == "AUTOTITLE" && chars.get(text_end + 1) == Some(&'(') {
                        // A docs-site link that shows the title of the page it names: the page is
                        // what a reader sees, so the target is the text.
                        let target = collect(&chars[text_end + 2..next - 1]);
                        out.push_str(&format!("AUTOTITLE({})", page_name(&target)));
                    } else {
                        out.push_str(&text);
                    }
                    i = next;
                }
                None => {
                    out.push('[');
                    i += 1;
                }
            },
            '<' => match angle(&chars, i) {
                Some((inner, next)) => {
                    out.push_str(&inner);
                    i = next;
                }
                None => {
                    out.push('<');
                    i += 1;
                }
            },
            '&' => match entity(&chars, i) {
                Some((decoded, next)) => {
                    out.push(decoded);
                    i = next;
                }
                None => {
                    out.push('&');
                    i += 1;
                }
            },
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    collapse_whitespace(&out)
}

/// The page an `AUTOTITLE` link names: the last segment of its path, without its fragment.
fn page_name(target: &str) -> &str {
    let path = target
        .trim()
        .split('#')
        .next()
        .unwrap_or("")
        .trim_end_matches('/');
    path.rsplit('/').next().unwrap_or(path)
}

/// The inline links of a paragraph: (visible text, target), in order.
pub(crate) fn links(src: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '['
            && let Some((text_end, next)) = link(&chars, i)
        {
            if chars.get(text_end + 1) == Some(&'(') && next >= text_end + 3 {
                let target = collect(&chars[text_end + 2..next - 1]);
                let text = inline_text(&collect(&chars[i + 1..text_end]));
                out.push((text, target.trim().to_string()));
            }
            i = next;
        } else {
            i += 1;
        }
    }
    out
}

/// The emphasised spans of a paragraph (`*x*`, `**x**`, `_x_`, `__x__`) by their visible text, in order.
///
/// Delimiter runs pair with the nearest earlier opener of the same character and length, through
/// a stack, so the cost stays linear on any input.
pub(crate) fn emphasis(src: &str) -> Vec<String> {
    let chars: Vec<char> = src.chars().collect();
    let mut open: Vec<(char, usize, usize)> = Vec::new();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => i += 2,
            '`' => {
                // Code spans are literal: skip to the closing run of the same length.
                let len = run_len(&chars, i, c);
                let close = (i + len..chars.len().min(i + len + MAX_LOOKAHEAD))
                    .find(|&k| run_len(&chars, k, '`') == len && (k == 0 || chars[k - 1] != '`'));
                i = close.map_or(i + len, |k| k + len);
            }
            '*' | '_' => {
                let len = run_len(&chars, i, c);
                let before = i.checked_sub(1).map(|p| chars[p]);
                let after = chars.get(i + len).copied();
                if is_emphasis(c, before, after) {
                    let can_close = before.is_some_and(|b| !b.is_whitespace());
                    let can_open = after.is_some_and(|a| !a.is_whitespace());
                    let opener = if can_close {
                        open.iter().rposition(|&(oc, ol, _)| oc == c && ol == len)
                    } else {
                        None
                    };
                    match opener {
                        Some(k) => {
                            let (_, _, start) = open[k];
                            spans.push((start, i));
                            open.truncate(k);
                        }
                        None if can_open => open.push((c, len, i + len)),
                        None => {}
                    }
                }
                i += len;
            }
            _ => i += 1,
        }
    }
    spans.sort_unstable();
    spans
        .into_iter()
        .map(|(a, b)| inline_text(&collect(&chars[a..b])))
        .filter(|t| !t.is_empty())
        .collect()
}

/// Collapses every whitespace run to one space, drops control characters and trims the ends.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if c.is_control() || is_invisible(c) {
            // Control characters could smuggle terminal escapes into the text output.
            continue;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Whether a character is invisible formatting that must not count as a difference.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// Maps typographic quotes to straight ones and dashes to a hyphen, so that neither quote nor
/// dash style ever counts as a change of wording.
pub(crate) fn unify_char(c: char) -> char {
    match c {
        // Modifier letters some fonts map their quotes to (Google Docs' PDFs): ʼ ʻ ˮ.
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}'
        | '\u{02BB}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{02EE}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => '-',
        _ => c,
    }
}

/// The comparison form of a text: quotes unified and all whitespace (paragraph breaks included) collapsed.
pub(crate) fn match_form(s: &str) -> String {
    let unified: String = s.chars().map(unify_char).collect();
    collapse_whitespace(&without_bullets(&unified))
}

/// The text without the bullets that open its list items ("- ", "• "): a bullet is how a list is
/// drawn, which a PDF may draw as a shape with no character and a web page as a marker.
fn without_bullets(s: &str) -> String {
    s.split('\n')
        .map(|line| {
            let t = line.trim_start();
            if t.trim_end() == "-" || t.trim_end() == "\u{2022}" {
                // An item whose words follow on the next line.
                return "";
            }
            t.strip_prefix("- ")
                .or_else(|| t.strip_prefix("\u{2022} "))
                .unwrap_or(line)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn collect(chars: &[char]) -> String {
    chars.iter().collect()
}

fn run_len(chars: &[char], start: usize, c: char) -> usize {
    chars[start..].iter().take_while(|&&x| x == c).count()
}

/// Whether a `*` or `_` run is an emphasis delimiter rather than a literal character.
fn is_emphasis(c: char, before: Option<char>, after: Option<char>) -> bool {
    let space = |x: Option<char>| x.is_none_or(char::is_whitespace);
    if space(before) && space(after) {
        return false;
    }
    // snake_case identifiers and URLs keep their underscores.
    let alnum = |x: Option<char>| x.is_some_and(char::is_alphanumeric);
    !(c == '_' && alnum(before) && alnum(after))
}

/// Parses `[text](target)` or `[text][ref]` starting at `open`; returns the end of the text and the next index.
fn link(chars: &[char], open: usize) -> Option<(usize, usize)> {
    let close = scan_to(chars, open + 1, ']', &['['])?;
    match chars.get(close + 1) {
        Some('(') => {
            // A target may hold balanced parentheses: `(file(07.22.20)(FR).pdf)`.
            let mut depth = 0usize;
            let window = chars.get(close + 2..)?.iter().take(MAX_LOOKAHEAD);
            for (offset, &c) in window.enumerate() {
                match c {
                    '(' => depth += 1,
                    ')' if depth == 0 => return Some((close, close + 2 + offset + 1)),
                    ')' => depth -= 1,
                    '[' | ']' | '\n' => return None,
                    _ => {}
                }
            }
            None
        }
        Some('[') => {
            let end = scan_to(chars, close + 2, ']', &['[', '('])?;
            Some((close, end + 1))
        }
        _ => None,
    }
}

/// Finds `target` from `from`, giving up at a stop character or after `MAX_LOOKAHEAD` characters.
fn scan_to(chars: &[char], from: usize, target: char, stops: &[char]) -> Option<usize> {
    scan_within(chars, from, target, stops, MAX_LOOKAHEAD)
}

/// Like [`scan_to`] with an explicit look-ahead limit.
fn scan_within(
    chars: &[char],
    from: usize,
    target: char,
    stops: &[char],
    limit: usize,
) -> Option<usize> {
    let window = chars.get(from..)?.iter().take(limit);
    for (offset, &c) in window.enumerate() {
        if c == target {
            return Some(from + offset);
        }
        if stops.contains(&c) {
            return None;
        }
    }
    None
}

/// Parses an autolink `<https://…>` or an HTML comment; other tags stay literal text.
fn angle(chars: &[char], open: usize) -> Option<(String, usize)> {
    if chars.get(open + 1..open + 4) == Some(&['!', '-', '-'][..]) {
        // Comments spanning paragraphs are removed earlier, on the whole document.
        let rest = chars.get(open + 4..)?;
        let rest = &rest[..rest.len().min(MAX_LOOKAHEAD)];
        let end = rest.windows(3).position(|w| w == ['-', '-', '>'])?;
        return Some((String::new(), open + 4 + end + 3));
    }
    let close = scan_to(chars, open + 1, '>', &['<', ' ', '\n', '\t'])?;
    let inner = collect(&chars[open + 1..close]);
    // An email autolink: `<privacy@example.com>` shows the address.
    if let Some((user, domain)) = inner.split_once('@')
        && !user.is_empty()
        && domain.contains('.')
        && !inner.contains(['(', ')', '"', '\'', ':'])
    {
        return Some((inner, close + 1));
    }
    let scheme_end = inner.find(':')?;
    let scheme = &inner[..scheme_end];
    let is_scheme = scheme.len() >= 2
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic());
    is_scheme.then_some((inner, close + 1))
}

/// Decodes a named or numeric HTML entity at `amp`.
fn entity(chars: &[char], amp: usize) -> Option<(char, usize)> {
    let semi = scan_within(chars, amp + 1, ';', &[' ', '&', '\n'], 12)?;
    let name = collect(&chars[amp + 1..semi]);
    let decoded = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        char::from_u32(code)?
    } else {
        match name.as_str() {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => ' ',
            "sect" => '§',
            "ndash" => '–',
            "mdash" => '—',
            "lsquo" => '‘',
            "rsquo" => '’',
            "ldquo" => '“',
            "rdquo" => '”',
            "hellip" => '…',
            "copy" => '©',
            "reg" => '®',
            _ => return None,
        }
    };
    Some((decoded, semi + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_emphasis_and_link_targets_but_keeps_words() {
        let s = "The \"**Applicable Laws**\" and *the* [Privacy Statement](https://x.example/a_b) see <https://github.com/x>.";
        assert_eq!(
            inline_text(s),
            "The \"Applicable Laws\" and the Privacy Statement see https://github.com/x."
        );
    }

    #[test]
    fn keeps_intraword_underscores_literal_stars_and_escapes() {
        assert_eq!(
            inline_text("snake_case and _emph_ 2 * 3 \\*x\\*"),
            "snake_case and emph 2 * 3 *x*"
        );
        assert_eq!(inline_text("a `code` ~~gone~~ b"), "a code gone b");
    }

    #[test]
    fn decodes_entities_and_strips_comments_and_controls() {
        assert_eq!(
            inline_text("A&amp;B &sect;1 &#x41; &bogus; x<!-- hidden -->y"),
            "A&B §1 A &bogus; xy"
        );
        assert_eq!(inline_text("a\u{1b}[31mb\u{0}c"), "a[31mbc");
    }

    #[test]
    fn emphasis_spans_by_visible_text() {
        assert_eq!(
            emphasis("The **Processor** shall *not* use_snake_case or `*code*`."),
            ["Processor", "not"]
        );
        assert_eq!(
            emphasis("__[Annex](#a) terms__ and _x_"),
            ["Annex terms", "x"]
        );
        assert!(emphasis("2 * 3 * 4 and a*").is_empty());
        assert_eq!(emphasis(&"*a ".repeat(50_000)).len(), 0);
    }

    #[test]
    fn html_tags_stay_literal() {
        assert_eq!(
            inline_text("<script>alert(1)</script>"),
            "<script>alert(1)</script>"
        );
    }

    #[test]
    fn match_form_unifies_quotes_and_whitespace_only() {
        assert_eq!(match_form("“Service”  it’s\nnew"), "\"Service\" it's new");
        assert_eq!(match_form("Case"), "Case");
        assert_eq!(
            match_form("Includes:\n- one;\n\u{2022} two - three"),
            "Includes: one; two - three"
        );
        assert_eq!(
            match_form("-\nUnder exigent"),
            match_form("- Under exigent")
        );
    }

    #[test]
    fn pathological_brackets_stay_linear_and_do_not_panic() {
        let s = "[".repeat(100_000) + &"](".repeat(50_000) + "&" + &"<".repeat(1000) + "\\";
        let out = inline_text(&s);
        assert!(out.starts_with("[[["));
        for s in [
            "",
            "*",
            "_",
            "**",
            "[",
            "[]",
            "[](",
            "![",
            "<",
            "<!--",
            "&",
            "&#;",
            "&#x110000;",
            "\\",
        ] {
            let _ = inline_text(s);
        }
    }
}
