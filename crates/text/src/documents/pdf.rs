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
    Ok(reading_text(&pages))
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
    dehyphenate_with(&lines, &words)
        .lines()
        .map(|l| cells_dehyphenated(l, &words))
        .map(|l| close_compounds(&tighten(&l), &words))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Closes a compound that a text layer split after its hyphen within a line ("Sub- processor",
/// where the line broke in the layout but not in the text), when the document writes the
/// compound whole elsewhere.
fn close_compounds(line: &str, words: &HashSet<String>) -> String {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r"(\w+)- (\p{Ll}\w*)").expect("valid"));
    re.replace_all(line, |c: &regex::Captures| {
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

/// A table row's cells with their lines joined, words hyphenated at a cell's line end whole again.
fn cells_dehyphenated(line: &str, words: &HashSet<String>) -> String {
    if !line.starts_with(super::pdftable::ROW) {
        return line.to_string();
    }
    line.split(super::pdftable::CELL)
        .map(|cell| {
            let lines: Vec<&str> = cell.split(super::pdftable::LINE).collect();
            dehyphenate_with(&lines, words)
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
    dehyphenate_with(lines, &vocabulary(lines))
}

/// Joins words broken by a hyphen at a line end, as `dehyphenate` does, with the words of the
/// whole document to tell a compound from a broken word.
fn dehyphenate_with(lines: &[&str], words: &HashSet<String>) -> String {
    let mut out = String::new();
    let mut joined = false;
    for (i, line) in lines.iter().enumerate() {
        let line = if joined { line.trim_start() } else { line };
        let next = lines.get(i + 1).map_or("", |n| n.trim_start());
        let next_lower = next.chars().next().is_some_and(char::is_lowercase);
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
                let whole = format!("{first}{second}");
                out.push_str(head);
                // In an address a break is kept unless the word is known whole.
                let address = head
                    .rsplit(char::is_whitespace)
                    .next()
                    .unwrap_or("")
                    .contains('@')
                    || next.split_whitespace().next().unwrap_or("").contains('@');
                if (words.contains(&compound) || address) && !words.contains(&whole) {
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
                    "Data Processing Addendum\n{n}. Clause {n}\nThe processor shall keep records of pro-\ncessing activities.\nDocument DPA-acme · Version 2 Page {n} of 3\n"
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
        assert_eq!(tighten("version 1 .5 of"), "version 1 .5 of");
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
        assert_eq!(dehyphenate(&["sub-", "Processor"]), "sub-\nProcessor\n");
        assert_eq!(dehyphenate(&["data pro-", "cessing"]), "data processing\n");
        assert_eq!(
            dehyphenate(&["personal informa -", "tion"]),
            "personal information\n"
        );
        // A compound written with its hyphen elsewhere in the document keeps it.
        assert_eq!(
            dehyphenate(&["each sub-processor; a sub-", "processor"]),
            "each sub-processor; a sub-processor\n"
        );
    }
}
