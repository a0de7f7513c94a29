//! Plain text (typed, or taken from a PDF) as the Markdown the segmenter reads: lines a reader
//! sees as headings become headings, and characters that would be Markdown markup stay words.

use std::collections::HashSet;

/// Words that label a clause or a part of an agreement (`Annex II`, `Clause 7`).
const LABELS: [&str; 10] = [
    "clause",
    "section",
    "article",
    "annex",
    "appendix",
    "schedule",
    "exhibit",
    "attachment",
    "part",
    "addendum",
];

/// Whether a line of plain text reads as a heading: a clause label, a short numbered title, or a
/// short line in capitals. `width` is the length of the document's full lines, when its text is
/// wrapped (as a PDF's is): a numbered title that ends well short of it did not wrap.
fn heading_line(line: &str, width: Option<usize>) -> bool {
    let t = line.trim();
    if t.is_empty() || t.len() > 90 || t.starts_with('#') {
        return false;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let first = words
        .first()
        .map(|w| w.to_ascii_lowercase())
        .unwrap_or_default();
    // "Annex 2", "Annex II", "Annex I.B:", "Schedule 3A".
    let labelled = LABELS.contains(&first.as_str())
        && words.get(1).is_some_and(|w| {
            let w = w.trim_end_matches([':', '.', '-']);
            let (head, tail) = w.split_once('.').unwrap_or((w, ""));
            !head.is_empty()
                && head
                    .chars()
                    .all(|c| c.is_ascii_digit() || "IVXivx".contains(c))
                && tail.len() <= 2
                && tail.chars().all(|c| c.is_ascii_alphanumeric())
        });
    if labelled && !t.ends_with(['.', ',', ';']) {
        return true;
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    let caps = letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase()) && words.len() <= 12;
    if caps {
        return true;
    }
    // "7.6 Documentation and compliance": a numbered short title with no closing period; a
    // longer one when the text is wrapped and the line ends well before the others.
    let short = t.chars().count() * 4 < width.unwrap_or(0) * 3;
    let numbered = first
        .trim_end_matches('.')
        .split('.')
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && words.len() >= 2
        && words[1]
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    let title = words[1..].join(" ");
    // In wrapped text a long title must end short of the full lines: a full line is the first
    // line of a paragraph, however it starts.
    let fits = match width {
        Some(_) => words.len() <= 6 || (words.len() <= 16 && short),
        None => words.len() <= 10,
    };
    if numbered && fits && !t.ends_with(['.', ',', ';', ':']) && sentence_end(&title).is_none() {
        return true;
    }
    // "O. Disclaimer of Warranties": a section lettered in capitals, its title in capitals too.
    let lettered = words[0].len() == 2
        && words[0].ends_with('.')
        && words[0].starts_with(|c: char| c.is_ascii_uppercase())
        && words.len() >= 2
        && words.len() <= 10
        && !t.ends_with(['.', ',', ';', ':'])
        && sentence_end(&title).is_none()
        && title_case(&words[1..])
        && words[1].chars().next().is_some_and(char::is_uppercase);
    if lettered {
        return true;
    }
    // "3.2 Data Quality and Proportionality.": a numbered title closed by a full stop, as many
    // documents set their bold headings, in wrapped text where the line ends well short of the
    // others: every word capitalised, short words aside. A sentence is not written so.
    // Capitalised, it may fill a narrow column's line; in sentence case it must be short.
    numbered
        && width.is_some()
        && words.len() <= 9
        && t.ends_with('.')
        && sentence_end(title.trim_end_matches('.')).is_none()
        && (title_case(&words[1..]) || (short && words.len() <= 4))
}

/// The lines of lists of labelled parts ("List of Schedules" / "Schedule 1: …" / "Schedule 2:
/// …" / "Schedule 4: …"): three or more lines in a row that open with the same label word and a
/// number. Headings of parts each have text of their own after them; a list's lines do not.
fn label_runs(lines: &[&str]) -> Vec<usize> {
    const LABELS: [&str; 8] = [
        "clause",
        "section",
        "article",
        "annex",
        "appendix",
        "schedule",
        "exhibit",
        "attachment",
    ];
    // (label word, identifier) of a line.
    let label = |l: &str| -> Option<(String, String)> {
        let mut words = l.split_whitespace();
        let word = words.next()?.to_lowercase();
        let id = words
            .next()?
            .trim_end_matches([':', '.', ','])
            .to_lowercase();
        (LABELS.contains(&word.as_str())
            && id.starts_with(|c: char| c.is_ascii_digit() || "ivx".contains(c)))
        .then_some((word, id))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((word, id)) = label(lines[i]) else {
            i += 1;
            continue;
        };
        // The list ends where a label comes again: that is the part's own heading.
        let mut seen = vec![id];
        let mut j = i + 1;
        while j < lines.len()
            && let Some((w, id)) = label(lines[j])
            && w == word
            && !seen.contains(&id)
        {
            seen.push(id);
            j += 1;
        }
        if j - i >= 3 {
            out.extend(i..j);
        }
        i = j;
    }
    out
}

/// Whether the line at `i` opens with a number or a section letter and its sentence goes on in
/// lower case on the next line ("1.1 The \"Applicable Laws\" means certain" / "laws, …"): the
/// first line of a wrapped paragraph, however short a narrow column makes it, not a heading.
fn sentence_goes_on(lines: &[&str], i: usize) -> bool {
    let t = lines[i].trim_start();
    let first = t.split_whitespace().next().unwrap_or("");
    let numbered = first.starts_with(|c: char| c.is_ascii_digit())
        || (first.len() == 2 && first.ends_with('.'));
    numbered
        && !t.trim_end().ends_with(['.', ':', ';'])
        && lines[i + 1..]
            .iter()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|n| n.trim_start().starts_with(char::is_lowercase))
}

/// A numbered paragraph that opens with a run-in title ("1. Personnel. Data importer's
/// personnel …"), as documents set a bold lead-in that a PDF's text layer does not mark: the
/// number and a short title in capitals, closed by a full stop, then the sentence. Returns the
/// heading (number and title) and the rest of the line.
fn run_in_title(line: &str) -> Option<(&str, &str)> {
    let t = line.trim();
    let (number, _) = t.split_once(' ')?;
    let digits = number.trim_end_matches('.');
    if digits.is_empty()
        || !digits
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let end = sentence_end(&t[number.len()..])? + number.len();
    let title: Vec<&str> = t[number.len()..end].split_whitespace().collect();
    let rest = t[end + 1..].trim_start();
    (!title.is_empty()
        && title.len() <= 6
        && title[0].chars().next().is_some_and(char::is_uppercase)
        && title_case(&title)
        && rest
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()))
    .then(|| (&t[..end + 1], rest))
}

/// Where the first sentence of `s` ends: the byte index of a full stop followed by a space and a
/// capital, unless it closes an abbreviation ("EU-U.S. Data", "e.g. The", "Inc. The").
fn sentence_end(s: &str) -> Option<usize> {
    const ABBREVIATIONS: [&str; 10] = [
        "no", "inc", "ltd", "co", "st", "art", "sec", "cf", "vs", "para",
    ];
    s.match_indices(". ").map(|(i, _)| i).find(|&i| {
        let word = s[..i].rsplit(char::is_whitespace).next().unwrap_or("");
        let capital_next = s[i + 2..].starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit());
        capital_next
            && !word.contains('.')
            && word.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && !ABBREVIATIONS.contains(&word.to_lowercase().as_str())
    })
}

/// Whether every word of a title starts with a capital letter, its short joining words aside.
fn title_case(words: &[&str]) -> bool {
    const JOINING: [&str; 20] = [
        "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "over",
        "per", "the", "to", "under", "upon", "with",
    ];
    words.iter().all(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.is_empty()
            || JOINING.contains(&w.to_lowercase().as_str())
            || !w.chars().next().is_some_and(char::is_lowercase)
    })
}

/// The length of a wrapped text's full lines: the length most lines end just short of (tables
/// and headings aside), or `None` when the text is not wrapped (one paragraph a line, as typed
/// text often is).
fn wrap_width(lines: &[&str]) -> Option<usize> {
    let mut lengths: Vec<usize> = lines
        .iter()
        .map(|l| l.trim().chars().count())
        .filter(|n| *n > 0)
        .collect();
    if lengths.len() < 20 {
        return None;
    }
    lengths.sort_unstable();
    // For each length, the lines within a tenth below it; the fullest band is the text's width.
    let (full, width) = lengths
        .iter()
        .map(|&w| {
            let band = lengths
                .iter()
                .filter(|&&n| n <= w && n * 10 >= w * 9)
                .count();
            (band, w)
        })
        .max()?;
    (width >= 60 && full * 4 >= lengths.len()).then_some(width)
}

/// Words that open the lines of a signature block: "For and on behalf of", "Signature", "Name:".
const SIGNATURE_WORDS: [&str; 8] = [
    "for and on behalf of",
    "signature",
    "signed",
    "by:",
    "name:",
    "title:",
    "date",
    "position:",
];

/// Whether the line at `i` is the unnumbered heading of a signature block ("Signatures",
/// "Execution"): a short title on its own line, after a finished sentence, with the lines of a
/// signature block ("For and on behalf of", "Signature", "Name:", "Title:", "Date") just after
/// it. A PDF sets such a heading in a larger or bold font that its text layer does not keep.
fn signature_heading(lines: &[&str], i: usize) -> bool {
    let t = lines[i].trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty()
        || words.len() > 4
        || SIGNATURE_WORDS
            .iter()
            .any(|w| w.trim_end_matches(':') == t.trim_end_matches(':').to_lowercase())
        || t.to_lowercase().starts_with("for and on behalf of")
        || t.ends_with(['.', ',', ';', ':'])
        || !t.chars().next().is_some_and(char::is_uppercase)
        || !t.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '-')
    {
        return false;
    }
    let after_sentence = lines[..i]
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty())
        .is_none_or(|l| l.trim_end().ends_with(['.', ':', ';', ')']));
    let block: HashSet<&str> = lines[i + 1..]
        .iter()
        .filter(|l| !l.trim().is_empty())
        .take(8)
        .filter_map(|l| {
            let l = l.trim().to_lowercase();
            SIGNATURE_WORDS.iter().copied().find(|w| l.starts_with(w))
        })
        .collect();
    after_sentence && block.len() >= 3
}

/// The line numbers of a numbered list of parties (or recitals) in a document's preamble, before
/// its first numbered heading: items "1.", "2.", ... after a line that ends with a colon, which
/// a PDF draws as list markers. A Word file numbers such a list by its paragraph style, which
/// the Word reader does not take as text; the markers are left out here in the same way.
fn preamble_list(lines: &[&str], heading: impl Fn(&str) -> bool) -> Vec<usize> {
    let marker = |l: &str| -> Option<u32> {
        let (n, rest) = l.trim_start().split_once(". ")?;
        (n.len() <= 2 && n.chars().all(|c| c.is_ascii_digit()) && !rest.trim().is_empty())
            .then(|| n.parse().ok())
            .flatten()
    };
    let end = lines
        .iter()
        .position(|l| heading(l) && l.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(lines.len());
    let mut items = Vec::new();
    for i in 1..end {
        if items.is_empty() {
            if marker(lines[i]) == Some(1) && lines[i - 1].trim_end().ends_with(':') {
                items.push(i);
            }
        } else if marker(lines[i]) == Some(items.len() as u32 + 1) {
            items.push(i);
        }
    }
    if items.len() >= 2 { items } else { Vec::new() }
}

/// Turns extracted plain text into Markdown the segmenter reads: heading lines become headings,
/// a bare "Clause 7" label is joined with the title on the next line, and stray markup is inert.
pub fn text_to_markdown(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace(['\r', '\u{c}'], "\n");
    // Zero-width characters are not text (Google Docs puts one after each list number).
    let text = text.replace(
        ['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}'],
        "",
    );
    let text = numbers_with_their_text(&text);
    let lines: Vec<&str> = text.lines().collect();
    let width = wrap_width(&lines);
    let heading_line = |line: &str| heading_line(line, width);
    let listed = preamble_list(&lines, heading_line);
    let label_list = label_runs(&lines);
    let mut out = String::with_capacity(text.len() + 256);
    let mut i = 0;
    let mut in_table = false;
    // Whether the last heading was a numbered clause's or a labelled part's (`Annex II`).
    let mut numbered = false;
    while i < lines.len() {
        let line = lines[i].trim_end();
        // A table row read from a PDF's ruled table. Inside a numbered clause (an annex's list
        // of sub-processors) the table is that clause's text, a line a row, its cells separated
        // by ` | `, as Word's reader reads a table there; elsewhere (a page that is a list of
        // sub-processors) a Markdown table, each row a clause keyed by its first cell.
        if let Some(row) = line.trim_start().strip_prefix(super::pdftable::ROW) {
            let cells: Vec<String> = row
                .split(super::pdftable::CELL)
                .map(|c| escape_inline(c.trim()))
                .collect();
            if numbered {
                let filled: Vec<&String> = cells.iter().filter(|c| !c.is_empty()).collect();
                out.push('\n');
                out.push_str(
                    &filled
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(" | "),
                );
                out.push_str("\n\n");
            } else {
                let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
                if !in_table {
                    out.push('\n');
                }
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
                if !in_table {
                    out.push_str(&format!("|{}\n", " --- |".repeat(cells.len())));
                }
            }
            in_table = true;
            i += 1;
            continue;
        }
        if std::mem::replace(&mut in_table, false) {
            out.push('\n');
        }
        let line = if listed.contains(&i) {
            line.trim_start()
                .split_once(". ")
                .map_or(line, |(_, rest)| rest)
        } else {
            line
        };
        // A line that carries on the sentence of a full line before it is that sentence's text,
        // however it starts ("… set forth in" / "Attachment 1 (Standard Contractual Clauses).").
        let continues = width.is_some_and(|w| {
            lines[..i]
                .iter()
                .rev()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|prev| {
                    let p = prev.trim();
                    // A table's row ends its table, never a sentence.
                    !p.starts_with(super::pdftable::ROW)
                        && p.chars().count() * 10 >= w * 7
                        && !p.ends_with(['.', ':', ';', '!', '?'])
                        && !heading_line(prev)
                })
        });
        // A sub-clause number at the start of a line after a finished sentence ("… delete it." /
        // "3.3 The processor shall …") opens a paragraph, as it does in the document's source.
        if !continues
            && i > 0
            && crate::diff::typed_subclause(line.trim_start()).is_some_and(|(_, rest)| {
                rest.starts_with(|c: char| c.is_uppercase() || c == '"' || c == '\u{201c}')
            })
            && lines[..i]
                .iter()
                .rev()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|prev| prev.trim_end().ends_with(['.', ':', ';']))
        {
            out.push('\n');
        }
        if !continues && signature_heading(&lines, i) {
            numbered = false;
            out.push_str("\n## ");
            out.push_str(&escape_inline(line.trim()));
            out.push_str("\n\n");
        } else if !continues
            && !label_list.contains(&i)
            && heading_line(line)
            && !sentence_goes_on(&lines, i)
        {
            let mut heading = line.trim().to_string();
            numbered = numbered_heading(&heading);
            // A label word and its number ("Clause 7", "Annex II"), never a lettered title ("A.
            // Definitions").
            let bare_label = heading.split_whitespace().count() == 2
                && heading_line(&heading)
                && heading.chars().next().is_some_and(char::is_alphabetic)
                && !heading
                    .split_whitespace()
                    .next()
                    .is_some_and(|w| w.len() == 2 && w.ends_with('.'));
            // A "Clause 7" label on its own line, its title on the next.
            // A title in capitals under a label in capitals ("SCHEDULE 1" / "TRANSFER
            // MECHANISMS") is that title too, though it reads as a heading of its own.
            let caps_title = |next: &str| {
                let letters: Vec<char> = next.chars().filter(|c| c.is_alphabetic()).collect();
                next.starts_with(char::is_alphabetic)
                    && letters.len() >= 4
                    && letters.iter().all(|c| c.is_uppercase())
                    && crate::diff::part_label(next).is_none()
            };
            if bare_label
                && let Some(next) = lines[i + 1..].iter().find(|l| !l.trim().is_empty())
                && next.trim().len() <= 90
                && !next.trim().ends_with(['.', ';', ','])
                && !next.trim_start().starts_with('(')
                && (!heading_line(next) || caps_title(next.trim()))
            {
                let skip = lines[i + 1..]
                    .iter()
                    .position(|l| !l.trim().is_empty())
                    .unwrap_or(0);
                heading = format!("{}: {}", heading.trim_end_matches([':', '.']), next.trim());
                i += skip + 1;
            }
            // A heading set over two lines: its last words alone on the next line, in lower case
            // or in brackets ("… personal data processing" / "services"; "… Clauses" /
            // "(Processors)").
            // A title in capitals may go on in capitals ("… Security" / "Measures.").
            let next_words = |next: &str| -> bool {
                let words: Vec<&str> = next.split_whitespace().collect();
                if !(1..=3).contains(&words.len()) || next.ends_with([';', ',', ':']) {
                    return false;
                }
                let lower_or_bracket = next.starts_with(|c: char| c.is_lowercase() || c == '(');
                let titled = !heading.ends_with('.')
                    && next.starts_with(char::is_alphabetic)
                    && title_case(&words)
                    && title_case(&heading.split_whitespace().skip(1).collect::<Vec<_>>());
                (lower_or_bracket && !next.ends_with('.')) || titled
            };
            if !bare_label
                && let Some(skip) = lines[i + 1..].iter().position(|l| !l.trim().is_empty())
                && let Some(next) = lines.get(i + 1 + skip).map(|l| l.trim())
                && next_words(next)
                && !heading_line(next)
            {
                heading = format!("{heading} {next}");
                i += skip + 1;
            }
            // An annex-type part (`Attachment 1`, `Appendix 2`, `SECURITY EXHIBIT`) encloses the
            // clauses after it, as a heading one level up: their numbers are qualified by it.
            // So does a title in capitals ("STANDARD TERMS"): it ends the part before it.
            let letters: Vec<char> = heading.chars().filter(|c| c.is_alphabetic()).collect();
            let capitals = letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase());
            let level = if crate::diff::part_label(&heading).is_some() || capitals {
                "#"
            } else {
                "##"
            };
            out.push('\n');
            out.push_str(level);
            out.push(' ');
            out.push_str(&escape_inline(&heading));
            out.push_str("\n\n");
        } else if let Some((heading, rest)) = (!continues).then(|| run_in_title(line)).flatten() {
            out.push_str("\n## ");
            out.push_str(&escape_inline(heading));
            out.push_str("\n\n");
            out.push_str(&escape_inline(rest));
            out.push('\n');
        } else if let Some(item) = line.trim_start().strip_prefix('\u{2022}') {
            // A bullet as drawn ("•") is the "-" item of the Markdown it was written in.
            out.push_str("- ");
            out.push_str(&escape_inline(item.trim_start()));
            out.push('\n');
        } else {
            out.push_str(&escape_inline(line));
            out.push('\n');
        }
        i += 1;
    }
    out
}

/// A clause number alone on its line joined with the text on the next ("1.1" / "The headings
/// contained …"), as a PDF made from a list whose numbers stand apart from their text draws it.
fn numbers_with_their_text(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let alone = |l: &str| {
        let t = l.trim();
        let digits = t.trim_end_matches('.');
        !digits.is_empty()
            && digits.len() <= 12
            && digits
                .split('.')
                .all(|p| !p.is_empty() && p.len() <= 3 && p.chars().all(|c| c.is_ascii_digit()))
            && (t.ends_with('.') || digits.contains('.'))
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        // After a finished sentence: "… in Appendix" / "1." ends that sentence.
        let after_sentence = lines[..i]
            .iter()
            .rev()
            .find(|l| !l.trim().is_empty())
            .is_none_or(|p| {
                !p.trim_end()
                    .ends_with(|c: char| c.is_alphanumeric() || c == ',')
            });
        if alone(line)
            && after_sentence
            && let Some(skip) = lines[i + 1..].iter().position(|l| !l.trim().is_empty())
            && let Some(next) = lines.get(i + 1 + skip)
            && next
                .trim_start()
                .starts_with(|c: char| c.is_alphabetic() || "“\"‘'".contains(c))
        {
            out.push_str(line.trim());
            out.push(' ');
            out.push_str(next.trim_start());
            out.push('\n');
            i += skip + 2;
            continue;
        }
        out.push_str(line);
        out.push('\n');
        i += 1;
    }
    out
}

/// Whether a heading line is a numbered clause's (`7.6 Documentation`) or a labelled part's
/// (`Annex II`, `Clause 7`).
fn numbered_heading(line: &str) -> bool {
    let first = line
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    first.starts_with(|c: char| c.is_ascii_digit()) || LABELS.contains(&first.as_str())
}

/// Neutralises Markdown markup in extracted text, so it reads as the words it is.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(c, '*' | '_' | '`' | '<' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    let trimmed = out.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with('>') || trimmed.starts_with('|') {
        let indent = out.len() - trimmed.len();
        out.insert(indent, '\\');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::segment_markdown;

    #[test]
    fn plain_text_headings_become_clauses() {
        let text = "STANDARD CONTRACTUAL CLAUSES\nClause 7\nObligations of the Parties\n7.1 Instructions\n(a) The processor shall process personal data only on documented\ninstructions from the controller.\n\n7.6 Documentation and compliance\n(c) The processor shall permit audits.\n";
        let md = text_to_markdown(text);
        let clauses = segment_markdown(&md);
        let numbers: Vec<_> = clauses.iter().map(|c| c.number.clone()).collect();
        assert!(numbers.contains(&Some("7.1".into())), "{numbers:?}\n{md}");
        assert!(numbers.contains(&Some("7.6".into())), "{numbers:?}\n{md}");
        let c71 = clauses
            .iter()
            .find(|c| c.number.as_deref() == Some("7.1"))
            .unwrap();
        assert_eq!(c71.title.as_deref(), Some("Instructions"));
        assert!(
            c71.text.contains("only on documented instructions"),
            "{}",
            c71.text
        );
    }

    #[test]
    fn a_long_numbered_title_in_wrapped_text_is_a_heading() {
        let body = "The processor shall keep the personal data confidential and shall ensure that the persons it has\n\
                    authorised to process it have committed themselves to confidentiality or are under a statutory duty\n";
        let mut text = String::from(
            "3.17 Security, breaches and assistance under other US state privacy laws\n",
        );
        text.push_str(&body.repeat(12));
        text.push_str("3.18 The processor shall ensure that the persons it has authorised to process the data keep\n");
        text.push_str("confidential.\n");
        let clauses = segment_markdown(&text_to_markdown(&text));
        let titled: Vec<_> = clauses.iter().filter_map(|c| c.title.clone()).collect();
        assert_eq!(
            titled,
            ["Security, breaches and assistance under other US state privacy laws"],
            "{clauses:?}"
        );
        // Typed text, one paragraph a line, keeps the short rule: a long numbered line is text.
        let typed =
            "3.17 Security, breaches and assistance under other US state privacy laws\nWords.\n";
        let clauses = segment_markdown(&text_to_markdown(typed));
        assert!(clauses.iter().all(|c| c.title.is_none()), "{clauses:?}");
    }

    /// Wrapped text of about 80 characters a line, as a PDF's text layer gives it.
    fn wrapped(lines: usize) -> String {
        "The processor shall keep the personal data confidential and shall ensure that the\n\
         persons it authorises to process it have committed themselves to confidentiality.\n"
            .repeat(lines / 2)
    }

    #[test]
    fn a_reference_that_wraps_to_a_line_start_is_not_a_heading() {
        let mut text = String::from("2.3 Compliance\n");
        text.push_str(&wrapped(24));
        text.push_str("GitHub will abide by the requirements of European Economic Area data protection law set forth in\n");
        text.push_str("Attachment 1 (Standard Contractual Clauses). GitHub will also notify Customer at once.\n");
        text.push_str("This transfer is governed by the clauses referred to in paragraph 1 of Clause 3 or in\n");
        text.push_str(
            "Clause 11 by any party or subprocessor who is entitled to receive compensation.\n",
        );
        let md = text_to_markdown(&text);
        assert!(!md.contains("## Attachment"), "{md}");
        assert!(!md.contains("## Clause"), "{md}");
        // After a finished sentence the same label is a heading.
        text.push_str("Attachment 1\nThe Standard Contractual Clauses\n");
        assert!(
            text_to_markdown(&text).contains("\n# Attachment 1: The Standard Contractual Clauses")
        );
    }

    #[test]
    fn a_numbered_title_closed_by_a_full_stop_is_a_heading_in_wrapped_text() {
        let mut text = String::from("1. Definitions.\n");
        text.push_str(&wrapped(24));
        text.push_str("3.2 Data Quality and Proportionality.\n");
        text.push_str(&wrapped(4));
        text.push_str("3.3 The processor shall delete the data.\n");
        let clauses = segment_markdown(&text_to_markdown(&text));
        let titles: Vec<_> = clauses
            .iter()
            .map(|c| {
                (
                    c.number.clone().unwrap_or_default(),
                    c.title.clone().unwrap_or_default(),
                )
            })
            .collect();
        assert!(
            titles.contains(&("1".into(), "Definitions".into())),
            "{titles:?}"
        );
        assert!(
            titles.contains(&("3.2".into(), "Data Quality and Proportionality".into())),
            "{titles:?}"
        );
        // A sentence is not a title.
        assert!(
            titles.contains(&("3.3".into(), String::new())),
            "{titles:?}"
        );
        // A lettered section title is a heading; a lettered sentence is not.
        let md = text_to_markdown(
            "O. Disclaimer of Warranties\nWe provide the service as is.\nA. The customer pays.\n",
        );
        assert!(md.contains("## O. Disclaimer of Warranties"), "{md}");
        assert!(!md.contains("## A."), "{md}");
    }

    #[test]
    fn a_list_of_schedules_is_text_and_a_capital_title_joins_its_label() {
        let text = "1. Terms\nThe Schedules are:\nSchedule 1: Transfers\nSchedule 2: Details\nSchedule 4: Clauses\nSCHEDULE 1\nTRANSFER MECHANISMS\nThe transfers are lawful.\n";
        let md = text_to_markdown(text);
        assert!(!md.contains("# Schedule 2"), "{md}");
        assert!(md.contains("# SCHEDULE 1: TRANSFER MECHANISMS"), "{md}");
    }

    #[test]
    fn an_abbreviation_does_not_end_a_sentence() {
        assert_eq!(sentence_end("EU-U.S. Data Privacy Framework"), None);
        assert_eq!(sentence_end("e.g. The customer"), None);
        assert_eq!(sentence_end("Personnel. Staff are bound."), Some(9));
        let md = text_to_markdown("4.2 EU-U.S. Data Privacy Framework\nThe vendor is certified.\n");
        assert!(md.contains("## 4.2 EU-U.S. Data Privacy Framework"), "{md}");
    }

    #[test]
    fn a_number_standing_apart_from_its_text_opens_its_clause() {
        let text = "1.\u{200b} Interpretation and definitions\n1.1\u{200b}\n\nThe headings are for convenience only.\n(a)\u{200b} “Affiliate” means an entity.\n1.2\u{200b}\nPage 3 follows, as in Appendix\n1.\nClause 1: Definitions\n";
        let clauses = segment_markdown(&text_to_markdown(text));
        let numbers: Vec<_> = clauses.iter().filter_map(|c| c.number.clone()).collect();
        assert_eq!(numbers, ["1", "1.1", "1.2", "Clause 1"], "{clauses:?}");
        let c11 = &clauses[1];
        assert!(c11.text.starts_with("The headings"), "{c11:?}");
        assert!(c11.text.contains("(a) “Affiliate” means"), "{c11:?}");
    }

    #[test]
    fn a_signature_block_heading_is_its_own_part() {
        let text = "1. Terms\n1.1 Counterparts\nThis Addendum may be signed in counterparts.\nSignatures\nEach Party has caused this Addendum to be signed.\nFor and on behalf of Lumen Ledger, Inc.\nSignatureName: Priya NatarajanTitle: General Counsel\nDate\n";
        let clauses = segment_markdown(&text_to_markdown(text));
        let last = clauses.last().expect("clauses");
        assert_eq!(last.number, None, "{clauses:?}");
        assert_eq!(last.title.as_deref(), Some("Signatures"), "{clauses:?}");
        let c11 = clauses
            .iter()
            .find(|c| c.number.as_deref() == Some("1.1"))
            .expect("1.1");
        assert!(!c11.text.contains("Signature"), "{c11:?}");
        // The block's own lines stay text; so does a short line inside running text, with no
        // signature block after it.
        let md = text_to_markdown(text);
        assert!(!md.contains("## Date"), "{md}");
        let text = "1.1 Counterparts\nThis Addendum may be signed.\nNotices\nNotices are given in writing.\nDate of a notice is the day it is sent.\nName the contact.\n";
        let md = text_to_markdown(text);
        assert!(!md.contains("## Notices"), "{md}");
    }

    #[test]
    fn a_preamble_list_of_parties_reads_without_its_markers() {
        let text = "Data Processing Addendum\nThis Addendum is made between:\n 1. Lumen Ledger, Inc., a Delaware corporation, of 500 Howard Street,\nSan Francisco (\u{201c}Lumen\u{201d}); and\n2. Acme Analytics, Inc., of 1 Market Street (\u{201c}Acme\u{201d}),\neach a \u{201c}Party\u{201d}.\n1. General terms\n1.1 Scope\nThe processor shall act on instructions, which are:\n1. written; and\n2. documented.\n";
        let md = text_to_markdown(text);
        assert!(md.contains("\nLumen Ledger, Inc.,"), "{md}");
        assert!(md.contains("\nAcme Analytics, Inc.,"), "{md}");
        // After the first numbered heading, numbers are the document's own text.
        assert!(md.contains("1. written; and\n2. documented."), "{md}");
        assert!(md.contains("## 1. General terms"), "{md}");
    }

    #[test]
    fn markup_in_extracted_text_stays_literal() {
        let md = text_to_markdown("# not a heading *bold* [link](x)\n");
        let clauses = segment_markdown(&md);
        assert!(clauses[0].text.contains("*bold*"), "{:?}", clauses);
    }
}
