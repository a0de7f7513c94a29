//! Plain text (typed, or taken from a PDF) as the Markdown the segmenter reads: lines a reader
//! sees as headings become headings, and characters that would be Markdown markup stay words.

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
    first
        .trim_end_matches('.')
        .split('.')
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && words.len() >= 2
        && (words.len() <= 10 || (words.len() <= 16 && short))
        && words[1].chars().next().is_some_and(char::is_uppercase)
        && !t.ends_with(['.', ',', ';', ':'])
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

/// Turns extracted plain text into Markdown the segmenter reads: heading lines become headings,
/// a bare "Clause 7" label is joined with the title on the next line, and stray markup is inert.
pub fn text_to_markdown(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace(['\r', '\u{c}'], "\n");
    let lines: Vec<&str> = text.lines().collect();
    let width = wrap_width(&lines);
    let heading_line = |line: &str| heading_line(line, width);
    let mut out = String::with_capacity(text.len() + 256);
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        if heading_line(line) {
            let mut heading = line.trim().to_string();
            let bare_label = heading.split_whitespace().count() == 2
                && heading_line(&heading)
                && heading.chars().next().is_some_and(char::is_alphabetic);
            // A "Clause 7" label on its own line, its title on the next.
            if bare_label
                && let Some(next) = lines[i + 1..].iter().find(|l| !l.trim().is_empty())
                && next.trim().len() <= 90
                && !next.trim().ends_with(['.', ';', ','])
                && !next.trim_start().starts_with('(')
                && !heading_line(next)
            {
                let skip = lines[i + 1..]
                    .iter()
                    .position(|l| !l.trim().is_empty())
                    .unwrap_or(0);
                heading = format!("{}: {}", heading.trim_end_matches([':', '.']), next.trim());
                i += skip + 1;
            }
            out.push_str("\n## ");
            out.push_str(&escape_inline(&heading));
            out.push_str("\n\n");
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

    #[test]
    fn markup_in_extracted_text_stays_literal() {
        let md = text_to_markdown("# not a heading *bold* [link](x)\n");
        let clauses = segment_markdown(&md);
        assert!(clauses[0].text.contains("*bold*"), "{:?}", clauses);
    }
}
