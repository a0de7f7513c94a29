//! PDF as the text a reader follows: page by page, without running headers, footers and page
//! numbers, with words hyphenated at a line end joined again, and ruled tables as rows of cells
//! (see `pdftable`).

use std::collections::{HashMap, HashSet};

/// Lines at the top and at the bottom of a page that may be a running header or footer.
const MARGIN_LINES: usize = 3;

/// The text of a PDF, running heads and page numbers removed, hyphenation undone.
pub fn text(bytes: &[u8]) -> Result<String, String> {
    let pages = std::panic::catch_unwind(|| super::pdftable::pages(bytes))
        .map_err(|_| "the PDF is malformed (its structure could not be read)".to_string())??;
    let hyphenating = producer_hyphenates(bytes);
    Ok(reading_text_of(&pages, hyphenating))
}

/// Whether the program that made the PDF hyphenates words at line ends, by the names the
/// document gives for its producer and creator: typesetters do (Typst, dpa itself, TeX,
/// InDesign); word processors and browsers (Word, LibreOffice, Google Docs, Chrome, a Mac's
/// print dialog) break lines only at spaces and at hyphens already in the text. `None` when the
/// PDF names neither where it can be read without decompressing (its information dictionary is
/// usually written plain).
fn producer_hyphenates(bytes: &[u8]) -> Option<bool> {
    let mut names = String::new();
    for key in [b"/Producer".as_slice(), b"/Creator".as_slice()] {
        if let Some(at) = bytes.windows(key.len()).position(|w| w == key)
            && let Some(raw) = string_at(&bytes[at + key.len()..])
        {
            names.push_str(&pdf_string(&raw).to_lowercase());
            names.push(' ');
        }
    }
    if names.trim().is_empty() {
        return None;
    }
    const TYPESETTERS: [&str; 7] = [
        "typst", "pdftex", "luatex", "xetex", "latex", "indesign", "dpa ",
    ];
    Some(TYPESETTERS.iter().any(|t| names.contains(t)))
}

/// The PDF string object at the start of `rest` (after spaces): a literal `( … )`, its escapes
/// undone, or a hexadecimal `< … >`; at most 512 bytes are read.
fn string_at(rest: &[u8]) -> Option<Vec<u8>> {
    let rest = &rest[..rest.len().min(512)];
    let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let body = &rest[start + 1..];
    match rest[start] {
        b'(' => {
            let mut out = Vec::new();
            let mut depth = 1;
            let mut bytes = body.iter();
            while let Some(&b) = bytes.next() {
                match b {
                    b'\\' => out.push(*bytes.next()?),
                    b'(' => {
                        depth += 1;
                        out.push(b);
                    }
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(out);
                        }
                        out.push(b);
                    }
                    _ => out.push(b),
                }
            }
            None
        }
        b'<' => {
            let end = body.iter().position(|&b| b == b'>')?;
            let digits: Vec<u8> = body[..end]
                .iter()
                .filter(|b| b.is_ascii_hexdigit())
                .copied()
                .collect();
            digits
                .chunks(2)
                .map(|pair| {
                    let text = std::str::from_utf8(pair).ok()?;
                    u8::from_str_radix(&format!("{text:0<2}"), 16).ok()
                })
                .collect()
        }
        _ => None,
    }
}

/// A PDF text string: UTF-16 after its byte-order mark, else one character a byte.
fn pdf_string(raw: &[u8]) -> String {
    match raw.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => raw.iter().map(|&b| char::from(b)).collect(),
    }
}

/// A line with its digits masked, so "Page 3 of 9" on every page counts as one recurring line.
fn shape(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_digits = false;
    for c in line
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
    {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(c);
        }
    }
    out
}

/// A line that is only a page number: `3`, `- 3 -`, `Page 3`, `Page 3 of 9`, `3 / 9`.
fn is_page_number(line: &str) -> bool {
    let t = line
        .trim()
        .trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    let lower = t.to_lowercase();
    let rest = lower.strip_prefix("page").map_or(lower.as_str(), str::trim);
    let mut parts = rest
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|p| !p.is_empty());
    let Some(first) = parts.next() else {
        return false;
    };
    if !first.chars().all(|c| c.is_ascii_digit()) || first.len() > 4 {
        return false;
    }
    match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => true,
        (Some("of"), Some(n), None) | (Some(n), None, None) => {
            n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty()
        }
        _ => false,
    }
}

/// Joins the pages' text into the text a reader follows.
pub fn reading_text(pages: &[String]) -> String {
    reading_text_of(pages, None)
}

/// [`reading_text`], told whether the PDF's producer hyphenates words (`None`: not known, the
/// text is the evidence).
fn reading_text_of(pages: &[String], hyphenating: Option<bool>) -> String {
    let pages: Vec<Vec<&str>> = pages
        .iter()
        .map(|p| {
            p.lines()
                .map(str::trim_end)
                .filter(|l| !l.trim().is_empty())
                .collect()
        })
        .collect();
    // A line in a page's margin that recurs (digits aside) on at least half the pages, and on two
    // at least, is a running header or footer.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for page in &pages {
        let mut shapes: Vec<String> = margins(page).map(|(_, l)| shape(l)).collect();
        shapes.sort();
        shapes.dedup();
        for s in shapes {
            *seen.entry(s).or_default() += 1;
        }
    }
    let running = |line: &str| {
        pages.len() >= 2
            && seen
                .get(&shape(line))
                .is_some_and(|n| *n * 2 >= pages.len() && *n >= 2)
    };
    let mut lines: Vec<&str> = Vec::new();
    // The header row of the table being read, when a table is being read.
    let mut header: Option<&str> = None;
    for page in &pages {
        let drop: Vec<usize> = margins(page)
            .filter(|(_, l)| is_page_number(l) || running(l))
            .map(|(i, _)| i)
            .collect();
        let mut first = true;
        for (_, l) in page.iter().enumerate().filter(|(i, _)| !drop.contains(i)) {
            let row = l.starts_with(super::pdftable::ROW);
            // A table that runs on to the next page repeats its header row there.
            if row && first && header == Some(*l) {
                first = false;
                continue;
            }
            first = false;
            if row
                && lines
                    .last()
                    .is_none_or(|p| !p.starts_with(super::pdftable::ROW))
            {
                header = Some(l);
            } else if !row {
                header = None;
            }
            lines.push(l);
        }
    }
    let words = vocabulary(&lines);
    // Whether words were hyphenated is the document's, not each table cell's.
    let hyphenating = Some(hyphenating.unwrap_or_else(|| hyphenates(&lines, &words)));
    let text = dehyphenate_as(&lines, &words, hyphenating)
        .lines()
        .map(|l| cells_dehyphenated(l, &words, hyphenating))
        .map(|l| close_compounds(&tighten(&l), &words))
        .collect::<Vec<_>>()
        .join("\n");
    close_kerning(&text)
}

/// Joins a word that a text layer split after a capital kerned close to the next letter ("V
/// ariation", "DA TA", "Pr otected"), when the document writes the word whole elsewhere and
/// neither piece is a word the document uses on its own (apart from such splits).
fn close_kerning(text: &str) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"\b(\p{Lu}\p{L}?) (\p{L}+)\b").expect("valid"));
    let lower = |w: &str| w.to_lowercase();
    let mut count: HashMap<String, usize> = HashMap::new();
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        *count.entry(lower(w)).or_default() += 1;
    }
    let mut split: HashMap<String, usize> = HashMap::new();
    for c in re.captures_iter(text) {
        *split.entry(lower(&c[1])).or_default() += 1;
        *split.entry(lower(&c[2])).or_default() += 1;
    }
    let alone = |w: &str| {
        let w = lower(w);
        count.get(&w).copied().unwrap_or(0) > split.get(&w).copied().unwrap_or(0)
    };
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for c in re.captures_iter(text) {
        let whole = c.get(0).expect("match");
        let (head, tail) = (&c[1], &c[2]);
        let joined = format!("{head}{tail}");
        // A single capital kerned off the rest of its word ("V ariation") needs no other
        // writing of the word, unless it is a word itself ("A", "I").
        let lone_capital = head.chars().count() == 1
            && !matches!(head, "A" | "I")
            && tail.starts_with(char::is_lowercase);
        let joins = if lone_capital {
            !alone(tail)
        } else {
            alone(&joined) && !alone(head) && !alone(tail)
        };
        if whole.start() >= at && joins {
            out.push_str(&text[at..whole.start()]);
            out.push_str(&joined);
            at = whole.end();
        }
    }
    out.push_str(&text[at..]);
    out
}

/// Closes a compound that a text layer split after its hyphen within a line ("Sub- processor",
/// where the line broke in the layout but not in the text), when the document writes the
/// compound whole elsewhere.
fn close_compounds(line: &str, words: &HashSet<String>) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static CAPS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    // "EU- U.S.": an abbreviation in capitals and the capital after its hyphen, set apart by
    // the text layer; no sentence puts a space there.
    let caps = CAPS.get_or_init(|| regex::Regex::new(r"\b(\p{Lu}{2,})- (\p{Lu})").expect("valid"));
    let line = caps.replace_all(line, "$1-$2");
    let re = RE.get_or_init(|| regex::Regex::new(r"(\w+)- (\p{Ll}\w*)").expect("valid"));
    re.replace_all(&line, |c: &regex::Captures| {
        let compound = format!("{}-{}", c[1].to_lowercase(), c[2].to_lowercase());
        if words.contains(&compound) {
            format!("{}-{}", &c[1], &c[2])
        } else {
            c[0].to_string()
        }
    })
    .into_owned()
}

/// Removes the spaces a PDF's text layer puts inside brackets and quotes and before punctuation
/// (around a link's text, for example: "clause 5.1 ."), which no reader sees as spaces.
fn tighten(line: &str) -> String {
    straight_quotes(&tighten_spaces(line))
}

/// Removes a space a text layer puts inside straight double quotes (`" End User "`): in a line
/// with an even number of them, after each opening one and before each closing one.
fn straight_quotes(line: &str) -> String {
    if !line.matches('"').count().is_multiple_of(2) || !line.contains('"') {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut open = false;
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' {
            let after_open = open && i > 0 && chars[i - 1] == '"';
            let before_close = open && chars.get(i + 1) == Some(&'"');
            if after_open || before_close {
                continue;
            }
        }
        if *c == '"' {
            open = !open;
        }
        out.push(*c);
    }
    out
}

fn tighten_spaces(line: &str) -> String {
    const CLOSE: [char; 9] = ['.', ',', ';', ':', ')', ']', '\u{201d}', '\u{2019}', '?'];
    const OPEN: [char; 4] = ['(', '[', '\u{201c}', '\u{2018}'];
    let mut out = String::with_capacity(line.len());
    let chars: Vec<char> = line.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' {
            let next = chars.get(i + 1).copied();
            let prev = out.chars().next_back();
            let before_close = next.is_some_and(|n| CLOSE.contains(&n))
                && chars
                    .get(i + 2)
                    .is_none_or(|a| !a.is_alphanumeric() || next != Some('.'));
            if prev.is_some_and(|p| OPEN.contains(&p) || p == ' ')
                || (before_close && prev.is_some())
            {
                continue;
            }
        }
        out.push(*c);
    }
    out
}

/// The lines in a page's top and bottom margins, with their index. A table's row is never a
/// running head, however alike the rows of a long table are.
fn margins<'a>(page: &'a [&'a str]) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    let n = page.len();
    // A short page's margins are its first and last lines only, never its body.
    let m = MARGIN_LINES.min(n / 4).max(1);
    page.iter()
        .enumerate()
        .filter(move |(i, _)| *i < m || *i + m >= n)
        .filter(|(_, l)| !l.starts_with(super::pdftable::ROW))
        .map(|(i, l)| (i, *l))
}

/// The words of the text, lower case, without surrounding punctuation; the parts of an address
/// (`privacy@acme-analytics.example`) count as words too.
fn vocabulary(lines: &[&str]) -> HashSet<String> {
    lines
        .iter()
        .flat_map(|l| l.split(|c: char| c.is_whitespace() || c.is_control()))
        .flat_map(|w| std::iter::once(w).chain(w.split(['@', '.', '/', ':'])))
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether the document's producer hyphenates words at line ends: some line ends in a hyphen
/// that breaks a word the document writes whole elsewhere, and never as a compound.
fn hyphenates(lines: &[&str], words: &HashSet<String>) -> bool {
    lines.windows(2).any(|pair| {
        let Some(head) = pair[0].trim_end().strip_suffix('-') else {
            return false;
        };
        let first = head
            .rsplit(char::is_whitespace)
            .next()
            .unwrap_or("")
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let second = pair[1]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        !first.is_empty()
            && second.starts_with(char::is_lowercase)
            && words.contains(&format!("{first}{second}"))
            && !words.contains(&format!("{first}-{second}"))
    })
}

/// A table row's cells with their lines joined, words hyphenated at a cell's line end whole again.
fn cells_dehyphenated(line: &str, words: &HashSet<String>, hyphenating: Option<bool>) -> String {
    if !line.starts_with(super::pdftable::ROW) {
        return line.to_string();
    }
    line.split(super::pdftable::CELL)
        .map(|cell| {
            // A line broken at a zero-width space goes on in the same word, and so does an
            // e-mail address wrapped in its column after its punctuation ("datenschutz@" /
            // "rz-" / "frankfurt." / "example"): its parts are one address.
            let line_break = super::pdftable::LINE;
            let cell = cell
                .replace(&format!("\u{200b}{line_break}"), "")
                .replace(&format!("{line_break}\u{200b}"), "")
                .replace('\u{200b}', "");
            // An e-mail address set in pieces (a column too narrow for it breaks it after its
            // punctuation, "datenschutz @ rz -" / "frankfurt . example") is one word.
            static ADDRESS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
            let address = ADDRESS.get_or_init(|| {
                regex::Regex::new(r"[\w.+-]+[ \x03]*@[ \x03]*[\w-]+(?:[ \x03]*[.-][ \x03]*[\w-]+)*")
                    .expect("valid")
            });
            let cell = address.replace_all(&cell, |c: &regex::Captures| {
                c[0].replace([' ', super::pdftable::LINE], "")
            });
            let mut joined: Vec<String> = Vec::new();
            for part in cell.split(super::pdftable::LINE) {
                let address = part.trim_start().starts_with('@')
                    || joined.last().is_some_and(|prev| {
                        let token = prev.rsplit(char::is_whitespace).next().unwrap_or("");
                        token.contains('@') && token.ends_with(['@', '.', '-', '_', '/'])
                    });
                match joined.last_mut() {
                    Some(prev) if address => prev.push_str(part.trim_start()),
                    _ => joined.push(part.to_string()),
                }
            }
            let lines: Vec<&str> = joined.iter().map(String::as_str).collect();
            dehyphenate_as(&lines, words, hyphenating)
                .lines()
                .map(|l| tighten(l.trim()))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(&super::pdftable::CELL.to_string())
}

/// Joins a word broken by a hyphen at a line end ("pro-" / "cessing") into one word; a compound
/// the document writes with its hyphen elsewhere ("sub-processor") keeps it.
#[cfg(test)]
fn dehyphenate(lines: &[&str]) -> String {
    dehyphenate_as(lines, &vocabulary(lines), None)
}

/// Joins the words broken at line ends, told whether the producer hyphenates words (`None`:
/// judging by the text), with the words of the whole document.
fn dehyphenate_as(lines: &[&str], words: &HashSet<String>, hyphenating: Option<bool>) -> String {
    let hyphenates = hyphenating.unwrap_or_else(|| hyphenates(lines, words));
    let mut out = String::new();
    let mut joined = false;
    for (i, line) in lines.iter().enumerate() {
        let line = if joined { line.trim_start() } else { line };
        let next = lines.get(i + 1).map_or("", |n| n.trim_start());
        let next_lower = next.chars().next().is_some_and(char::is_lowercase);
        let next_upper = next.chars().next().is_some_and(char::is_uppercase);
        // A hyphen glued to its word at a line end, with a capital after the break, is the
        // compound's own ("EU-" / "U.S.", "non-" / "EU"): no hyphenation puts a capital there.
        // So is one after a figure ("24-" / "hours-per-day"): figures are not hyphenated.
        let next_figure_or_lower = next
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c.is_lowercase());
        let compound_end = line.trim_end().strip_suffix('-').filter(|head| {
            let last = head.chars().next_back();
            (next_upper && last.is_some_and(char::is_alphabetic))
                || (next_figure_or_lower && last.is_some_and(|c| c.is_ascii_digit()))
        });
        if let Some(head) = compound_end {
            out.push_str(head);
            out.push('-');
            joined = true;
            continue;
        }
        // Some producers set the hyphen apart: "informa -" / "tion".
        let broken = line
            .trim_end()
            .strip_suffix('-')
            .map(str::trim_end)
            .filter(|head| head.chars().next_back().is_some_and(char::is_alphabetic) && next_lower);
        match broken {
            Some(head) => {
                let first = head
                    .rsplit(char::is_whitespace)
                    .next()
                    .unwrap_or("")
                    .trim_start_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
                let second = next
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase();
                // Within an address, the parts either side of the break.
                let (first, second) = (
                    first.rsplit(['@', '.', '/', ':']).next().unwrap_or(""),
                    second.split(['@', '.', '/', ':']).next().unwrap_or(""),
                );
                let compound = format!("{first}-{second}");
                // The hyphen stays where the document writes the compound with it elsewhere, or
                // where the broken token is a web address or a chain of hyphenated words
                // ("github-" / "subprocessors", "7-days-per-" / "week"): programs that do not
                // hyphenate (word processors, browsers) break only at hyphens already there.
                let token = head.rsplit(char::is_whitespace).next().unwrap_or("");
                let chained = token.contains('/') || token.trim_end_matches('-').contains('-');
                // Nor does any hyphenation leave one letter on either side ("e-" / "mail").
                let one_letter = first.chars().count() == 1 || second.chars().count() == 1;
                out.push_str(head);
                // A break the document gives no evidence on is the producer's: joined where the
                // producer hyphenates words (as typesetters do), kept where it does not (as word
                // processors and browsers do, breaking only at hyphens in the text). In an
                // address a break is kept unless the word is known whole.
                let whole = format!("{first}{second}");
                let unknown = !words.contains(&compound) && !words.contains(&whole);
                let address = head
                    .rsplit(char::is_whitespace)
                    .next()
                    .unwrap_or("")
                    .contains('@')
                    || next.split_whitespace().next().unwrap_or("").contains('@');
                if chained
                    || one_letter
                    || ((words.contains(&compound) || address) && !words.contains(&whole))
                    || (unknown && !hyphenates)
                {
                    out.push('-');
                }
                joined = true;
            }
            None => {
                out.push_str(line);
                out.push('\n');
                joined = false;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_heads_and_page_numbers_make_no_text() {
        let pages: Vec<String> = (1..=3)
            .map(|n| {
                format!(
                    "Data Processing Addendum\n{n}. Clause {n}\nThe processor shall keep records of pro-\ncessing activities.\nThat processing is lawful.\nDocument DPA-acme · Version 2 Page {n} of 3\n"
                )
            })
            .collect();
        let text = reading_text(&pages);
        assert!(!text.contains("Page"), "{text}");
        assert!(!text.contains("Data Processing Addendum"), "{text}");
        assert!(text.contains("records of processing activities."), "{text}");
        assert_eq!(text.matches("Clause").count(), 3, "{text}");
    }

    #[test]
    fn table_rows_are_never_running_heads_and_a_repeated_header_row_is_read_once() {
        // A long table over three pages: its rows alike but for their digits, its header row
        // repeated at the top of each page.
        let pages: Vec<String> = (0..3)
            .map(|p| {
                let rows: String = (0..6)
                    .map(|r| format!("\u{1}Vendor {} Limited\u{2}Ireland\n", p * 6 + r))
                    .collect();
                format!("\u{1}Name\u{2}Country\n{rows}Page {} of 3\n", p + 1)
            })
            .collect();
        let text = reading_text(&pages);
        assert_eq!(text.matches("Vendor").count(), 18, "{text}");
        assert_eq!(text.matches("Name").count(), 1, "{text}");
        assert!(!text.contains("Page"), "{text}");
    }

    #[test]
    fn spaces_inside_quotes_and_before_punctuation_are_not_text() {
        assert_eq!(
            tighten(
                "given in  clause 5.1 . (the  \u{201c}Services\u{201d} ): (\u{201c} Lumen \u{201d})"
            ),
            "given in clause 5.1. (the \u{201c}Services\u{201d}): (\u{201c}Lumen\u{201d})"
        );
        assert_eq!(tighten(" (a) the SCCs ;"), " (a) the SCCs;");
        assert_eq!(
            tighten("1.6 \"End User \" means; \" Data \" and \"x\""),
            "1.6 \"End User\" means; \"Data\" and \"x\""
        );
        assert_eq!(tighten("an odd \" quote here"), "an odd \" quote here");
        assert_eq!(tighten("version 1 .5 of"), "version 1 .5 of");
    }

    #[test]
    fn letters_kerned_apart_are_one_word_again() {
        assert_eq!(
            close_kerning(
                "V ariation of DA TA; Pr otected V endors.\nA variation of data, protected vendors."
            ),
            "Variation of DATA; Protected Vendors.\nA variation of data, protected vendors."
        );
        // A word of its own stays apart ("A" is one), and so does a pair never written whole.
        assert_eq!(
            close_kerning("A ta and Ex ample.\nA table; ta."),
            "A ta and Ex ample.\nA table; ta."
        );
    }

    #[test]
    fn the_producer_tells_whether_words_were_hyphenated() {
        assert_eq!(pdf_string(b"LibreOffice 7.4"), "LibreOffice 7.4");
        assert_eq!(pdf_string(&[0xFE, 0xFF, 0, b'T', 0, b'y']), "Ty");
        assert_eq!(
            string_at(b" (Word \\(Mac\\) (x)) /A").as_deref(),
            Some(&b"Word (Mac) (x)"[..])
        );
        assert_eq!(
            string_at(b"<FEFF0054>").as_deref(),
            Some(&[0xFE, 0xFF, 0, 0x54][..])
        );
        assert_eq!(
            producer_hyphenates(b"<< /Creator(dpa 0.1.0) >>"),
            Some(true)
        );
        assert_eq!(
            producer_hyphenates(b"<< /Producer (Skia/PDF m130 Google Docs Renderer) >>"),
            Some(false)
        );
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/crossformat");
        for (file, hyphenates) in [
            ("04-2020-10-01-9d99038.libreoffice.pdf", Some(false)),
            ("04-2020-10-01-9d99038.chromium.pdf", Some(false)),
        ] {
            let bytes = std::fs::read(fixtures.join(file)).expect("fixture");
            assert_eq!(producer_hyphenates(&bytes), hyphenates, "{file}");
        }
        assert_eq!(producer_hyphenates(b"%PDF-1.4 not a document"), None);
    }

    #[test]
    fn page_numbers_alone_are_recognised() {
        for l in [
            "3",
            "- 3 -",
            "Page 3",
            "Page 3 of 9",
            "3 / 9",
            "page 12 of 40",
        ] {
            assert!(is_page_number(l), "{l}");
        }
        for l in [
            "3. Scope",
            "Page three",
            "Clause 3 of the SCCs",
            "2024 2025 2026",
        ] {
            assert!(!is_page_number(l), "{l}");
        }
    }

    #[test]
    fn hyphenation_at_line_ends_is_undone_but_compounds_stay() {
        assert_eq!(dehyphenate(&["sub-", "Processor"]), "sub-Processor\n");
        // A typesetter's break of a word seen nowhere else is undone; a word processor's stays.
        assert_eq!(
            dehyphenate_as(&["to commu-", "nicate it"], &HashSet::new(), Some(true)),
            "to communicate it\n"
        );
        assert_eq!(
            dehyphenate_as(
                &["the open-", "source community"],
                &HashSet::new(),
                Some(false)
            ),
            "the open-source community\n"
        );
        // A document that hyphenates ("processing" elsewhere, broken once) joins an unknown
        // break; one that shows no hyphenation keeps it.
        assert_eq!(
            dehyphenate(&["data pro-", "cessing of processing; high-", "throughput"]),
            "data processing of processing; highthroughput\n"
        );
        assert_eq!(
            dehyphenate(&["the open-", "source community"]),
            "the open-source community\n"
        );
        assert_eq!(
            dehyphenate(&["personal informa -", "tion is information"]),
            "personal information is information\n"
        );
        // A web address or a chain of hyphenated words keeps its hyphen.
        assert_eq!(
            dehyphenate(&[
                "see https://x.example/articles/github-",
                "subprocessors today"
            ]),
            "see https://x.example/articles/github-subprocessors today\n"
        );
        assert_eq!(
            dehyphenate(&["7-days-per-", "week basis"]),
            "7-days-per-week basis\n"
        );
        assert_eq!(
            dehyphenate(&["in e-", "mail, documents"]),
            "in e-mail, documents\n"
        );
        assert_eq!(
            dehyphenate(&["the EU-", "U.S. Shield"]),
            "the EU-U.S. Shield\n"
        );
        assert_eq!(
            dehyphenate(&["on a 24-", "hours-per-day basis"]),
            "on a 24-hours-per-day basis\n"
        );
        // A compound written with its hyphen elsewhere in the document keeps it.
        assert_eq!(
            dehyphenate(&["each sub-processor; a sub-", "processor"]),
            "each sub-processor; a sub-processor\n"
        );
    }
}
