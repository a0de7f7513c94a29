//! Clause numbers: recognises the number, title and kind of a heading or paragraph marker
//! (`2.1`, `Clause 5`, `(a)`, `**1. Personnel.**`) and the label of annex-type parts.

use super::markup::inline_text;

/// Words that mark a heading as opening an annex-type part of the document.
const PART_WORDS: [&str; 5] = ["annex", "appendix", "attachment", "exhibit", "schedule"];
/// Words that introduce a named clause number.
const NAMED_WORDS: [&str; 4] = ["clause", "section", "article", "§"];

/// The kind of number a clause marker carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Num {
    Decimal {
        text: String,
        depth: usize,
        first: u32,
    },
    Named(String),
    Sub(String),
}

impl Num {
    /// The number as written, without its trailing dot or parenthesis.
    pub(crate) fn text(&self) -> String {
        match self {
            Num::Decimal { text, .. } | Num::Named(text) | Num::Sub(text) => text.clone(),
        }
    }
}

/// A clause marker found at the start of a paragraph.
#[derive(Debug)]
pub(crate) struct Marker<'a> {
    /// The number the marker carries.
    pub(crate) num: Num,
    /// A bold lead-in or short heading-like title after the number.
    pub(crate) title: Option<String>,
    /// The clause text following the marker on the same line.
    pub(crate) rest: &'a str,
    /// The marker line is a heading in disguise (`**Clause 5**`, `Clause 5: Liability`).
    pub(crate) heading: bool,
}

/// Finds a clause marker at the start of a paragraph line.
pub(crate) fn parse_marker(t: &str) -> Option<Marker<'_>> {
    if let Some(delim) = ["**", "__"].into_iter().find(|d| t.starts_with(d)) {
        let inner_and_rest = &t[2..];
        let close = inner_and_rest.find(delim)?;
        let inner = inline_text(&inner_and_rest[..close]);
        let rest = inner_and_rest[close + 2..].trim_start();
        let (num, title) = heading_number(&inner)?;
        return Some(Marker {
            num,
            title: clean_title(title),
            rest,
            heading: rest.is_empty(),
        });
    }
    if let Some((num, rest)) = decimal(t, false) {
        let (title, rest) = bold_lead_in(rest);
        return Some(Marker {
            num,
            title,
            rest,
            heading: false,
        });
    }
    if let Some((num, rest)) = named(t, false) {
        // A short line after "Clause 5:" is its title; a long one is its text.
        let heading = rest.split_whitespace().count() <= 10;
        let title = if heading {
            clean_title(&inline_text(rest))
        } else {
            None
        };
        return Some(Marker {
            num,
            title,
            rest: if heading { "" } else { rest },
            heading,
        });
    }
    let (num, rest) = sub(t, false)?;
    Some(Marker {
        num,
        title: None,
        rest,
        heading: false,
    })
}

/// A clause number of two levels or more typed at the start of a paragraph (`1.1 The …`,
/// `2.3.1 Where …`) and the text after it, as the segmenter opens a clause with it.
pub(crate) fn typed_subclause(t: &str) -> Option<(String, &str)> {
    match typed_clause(t)? {
        (text, depth, _, rest) if depth >= 2 => Some((text, rest)),
        _ => None,
    }
}

/// A decimal clause number typed at the start of a paragraph (`2.`, `1.1`, `2.3.1`): the number,
/// its depth, its first component and the text after it (never empty).
pub(crate) fn typed_clause(t: &str) -> Option<(String, usize, u32, &str)> {
    match decimal(t, false)? {
        (Num::Decimal { text, depth, first }, rest) if !rest.is_empty() => {
            Some((text, depth, first, rest))
        }
        _ => None,
    }
}

/// A heading's number as written (`3.2`, `Clause 5`, `(a)`) and its title, as the segmenter of
/// Markdown reads a heading.
pub(crate) fn heading_number_text(text: &str) -> Option<(String, Option<String>)> {
    heading_number(text).map(|(n, t)| (n.text(), clean_title(t)))
}

/// Splits a heading's text into its number and the remaining title.
pub(crate) fn heading_number(text: &str) -> Option<(Num, &str)> {
    decimal(text, true)
        .or_else(|| named(text, true))
        .or_else(|| sub(text, true))
}

/// `1.`, `1.1`, `2.3.1.` or `1)` followed by whitespace; depth one needs the dot unless in a heading.
fn decimal(t: &str, heading: bool) -> Option<(Num, &str)> {
    let bytes = t.as_bytes();
    let mut i = 0;
    let mut depth = 0;
    let mut first = None;
    loop {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() && i - start < 4 {
            i += 1;
        }
        let len = i - start;
        if len == 0 || len > 3 {
            return None;
        }
        depth += 1;
        first = first.or_else(|| t[start..i].parse::<u32>().ok());
        let more = bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !more || depth >= 6 {
            break;
        }
        i += 1;
    }
    let number = &t[..i];
    let dotted = matches!(bytes.get(i), Some(b'.' | b')'));
    if dotted {
        i += 1;
    }
    let rest = &t[i..];
    // A heading may lack the space after its number ("4.Services Usage Limits").
    let glued = heading && dotted && rest.starts_with(|c: char| c.is_uppercase());
    let separated = rest.is_empty() || rest.starts_with(char::is_whitespace) || glued;
    let ok = separated && (depth >= 2 || dotted || (heading && !rest.is_empty()));
    let num = Num::Decimal {
        text: number.to_owned(),
        depth,
        first: first?,
    };
    ok.then_some((num, rest.trim_start()))
}

/// `Clause 5`, `Section 3.1`, `Article IV`, `§ 2`, with a separator after it outside headings.
fn named(t: &str, heading: bool) -> Option<(Num, &str)> {
    let (word, after) = t.split_once(|c: char| c.is_whitespace()).unwrap_or((t, ""));
    if !NAMED_WORDS.contains(&word.to_lowercase().as_str()) {
        return None;
    }
    let after = after.trim_start();
    let id_len = after
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '.'))
        .map_or(after.len(), |(i, _)| i);
    let id = after[..id_len].trim_end_matches('.');
    let valid = !id.is_empty()
        && id.len() <= 8
        && (id.starts_with(|c: char| c.is_ascii_digit())
            || id.chars().all(|c| "IVXLC".contains(c)));
    if !valid {
        return None;
    }
    let rest = &after[id_len..];
    let punctuated =
        after[..id_len].ends_with('.') || rest.trim_start().starts_with([':', '.', '–', '—', '-']);
    // In running text "Clause 10 of the SCCs" is a reference, not a marker: require punctuation.
    let separated =
        rest.is_empty() || punctuated || (heading && rest.starts_with(char::is_whitespace));
    if !separated {
        return None;
    }
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || ":.–—-".contains(c));
    Some((Num::Named(format!("{word} {id}")), rest))
}

/// `a.`, `(a)`, `a)`, `(iv)`, `IV.`, `(1)`, `A.`: lettered, roman or parenthesised sub-paragraphs.
fn sub(t: &str, heading: bool) -> Option<(Num, &str)> {
    let (label, written, rest) = if let Some(inner) = t.strip_prefix('(') {
        let close = inner.find(')').filter(|i| *i <= 6)?;
        let label = &inner[..close];
        (label, &t[..close + 2], &inner[close + 1..])
    } else {
        let end = t.find(['.', ')']).filter(|i| *i <= 6)?;
        (&t[..end], &t[..end], &t[end + 1..])
    };
    let roman = !label.is_empty() && label.chars().all(|c| "ivxlcIVXLC".contains(c));
    let letters = match label.as_bytes() {
        [c] => c.is_ascii_alphabetic(),
        [a, b] => a == b && a.is_ascii_lowercase(),
        _ => false,
    };
    let digits = t.starts_with('(')
        && (1..=3).contains(&label.len())
        && label.bytes().all(|b| b.is_ascii_digit());
    let separated = rest.starts_with(char::is_whitespace) || (heading && rest.is_empty());
    if !(roman || letters || digits) || !separated || (!heading && rest.trim().is_empty()) {
        return None;
    }
    Some((Num::Sub(written.to_owned()), rest.trim_start()))
}

/// A bold lead-in ending in `.` or `:` right after the number is the clause title.
fn bold_lead_in(rest: &str) -> (Option<String>, &str) {
    let Some(inner) = rest.strip_prefix("**") else {
        return (None, rest);
    };
    let Some(close) = inner.find("**") else {
        return (None, rest);
    };
    let lead = inner[..close].trim_end();
    if !lead.ends_with(['.', ':']) {
        return (None, rest);
    }
    (
        clean_title(&inline_text(lead)),
        inner[close + 2..].trim_start(),
    )
}

/// Strips separators and the closing full stop from a markup-free title; `None` when nothing is left.
pub(crate) fn clean_title(text: &str) -> Option<String> {
    let trimmed = text
        .trim_start_matches(|c: char| c.is_whitespace() || ":.–—-".contains(c))
        .trim_end_matches(|c: char| c.is_whitespace() || c == '.' || c == ':');
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// The number and title of a heading that opens an annex-type part by its label and identifier
/// (`Annex I.B: Description of the processing` -> `Annex I.B`, `Description of the processing`),
/// as the issued version and a Word file number it.
pub(crate) fn part_number(text: &str) -> Option<(String, &str)> {
    let label = part_label(text)?;
    let (word, id) = label.split_once(' ')?;
    let t = text.trim_start();
    let after_word = t.get(word.len()..)?.trim_start();
    let rest = after_word.strip_prefix(id)?;
    let separated = rest.is_empty()
        || rest.starts_with(char::is_whitespace)
        || rest.starts_with([':', '.', ',', '–', '—', '-']);
    let part_word = PART_WORDS.contains(&word.to_lowercase().as_str());
    (part_word && t.get(..word.len()) == Some(word) && separated).then_some((label, rest))
}

/// The label qualifying numbers inside an annex-type part, if this heading opens one.
pub(crate) fn part_label(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let first = words.first()?.trim_end_matches([':', '.', ',']);
    if PART_WORDS.contains(&first.to_lowercase().as_str())
        && let Some(id) = words
            .get(1)
            .map(|w| w.trim_end_matches([':', '.', ',', '–', '—', '-']))
        && !id.is_empty()
        && id.len() <= 8
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
        && (id.chars().any(|c| c.is_ascii_digit())
            || id.chars().all(|c| c.is_ascii_uppercase() || c == '.'))
    {
        return Some(format!("{first} {id}"));
    }
    let last = words.last()?.to_lowercase();
    (words.len() <= 3 && PART_WORDS.contains(&last.as_str())).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (number, title, rest, heading) of a paragraph marker.
    fn marker(t: &str) -> Option<(String, Option<String>, String, bool)> {
        parse_marker(t).map(|m| (m.num.text(), m.title, m.rest.to_owned(), m.heading))
    }

    #[test]
    fn decimal_markers_need_a_dot_or_depth_and_a_space() {
        assert_eq!(marker("1.1 The Laws").map(|m| m.0), Some("1.1".into()));
        assert_eq!(marker("2.3.1. Deep").map(|m| m.0), Some("2.3.1".into()));
        assert_eq!(marker("1) Item").map(|m| m.0), Some("1".into()));
        assert_eq!(
            marker("1. The data subject").map(|m| m.2),
            Some("The data subject".into())
        );
        for prose in [
            "2020 was a year",
            "1.1The",
            "1 apple",
            "12345. x",
            "e.g. this",
            "No. 5",
            "i.e. that",
        ] {
            assert!(marker(prose).is_none(), "{prose}");
        }
    }

    #[test]
    fn named_markers_are_not_cross_references() {
        let m = marker("Clause 5: Obligations of the data importer");
        assert_eq!(
            m,
            Some((
                "Clause 5".into(),
                Some("Obligations of the data importer".into()),
                String::new(),
                true
            ))
        );
        assert!(marker("Clause 10 of the SCCs prevails over any other terms.").is_none());
        assert!(marker("Section 3.1 of this Addendum applies.").is_none());
        assert!(marker("Clause 5(b) applies.").is_none());
        let heading =
            heading_number("Clause 9 Governing Law").map(|(n, t)| (n.text(), t.to_owned()));
        assert_eq!(heading, Some(("Clause 9".into(), "Governing Law".into())));
        assert_eq!(
            heading_number("ARTICLE IV").map(|(n, _)| n.text()),
            Some("ARTICLE IV".into())
        );
    }

    #[test]
    fn sub_paragraph_markers_keep_their_written_form() {
        assert_eq!(marker("a.  The GDPR").map(|m| m.0), Some("a".into()));
        assert_eq!(marker("(iv) any request").map(|m| m.0), Some("(iv)".into()));
        assert_eq!(marker("(12) item").map(|m| m.0), Some("(12)".into()));
        assert!(matches!(
            parse_marker("(a) x").map(|m| m.num),
            Some(Num::Sub(_))
        ));
        assert!(marker("(CCPA) means").is_none());
        assert!(marker("(a)").is_none());
    }

    #[test]
    fn bold_lead_ins_give_titles() {
        let m = marker("**1. Personnel.** Data importer’s personnel");
        assert_eq!(
            m,
            Some((
                "1".into(),
                Some("Personnel".into()),
                "Data importer’s personnel".into(),
                false
            ))
        );
        assert_eq!(
            marker("**Clause 5**").map(|m| (m.0, m.3)),
            Some(("Clause 5".into(), true))
        );
        assert!(marker("**Data importer:** The data importer is GitHub").is_none());
        assert!(marker("**unclosed 1. bold").is_none());
        let m = marker("1.1 **Security Officer.** GitHub has designated");
        assert_eq!(
            m.map(|m| (m.1, m.2)),
            Some((
                Some("Security Officer".into()),
                "GitHub has designated".into()
            ))
        );
        let m = marker("1.4 **Customer Data** means data");
        assert_eq!(
            m.map(|m| (m.1, m.2)),
            Some((None, "**Customer Data** means data".into()))
        );
    }

    #[test]
    fn part_labels_come_from_annex_headings_only() {
        let label = |t: &str| part_label(t);
        assert_eq!(
            label("Attachment 1 – The Standard Contractual Clauses"),
            Some("Attachment 1".into())
        );
        assert_eq!(
            label("Appendix 2 to the Standard Contractual Clauses"),
            Some("Appendix 2".into())
        );
        assert_eq!(label("ANNEX I.B: Description"), Some("ANNEX I.B".into()));
        assert_eq!(
            part_number("Annex I.B: Description of the processing"),
            Some(("Annex I.B".into(), ": Description of the processing"))
        );
        assert_eq!(part_number("Schedule 3"), Some(("Schedule 3".into(), "")));
        assert_eq!(part_number("SECURITY EXHIBIT"), None);
        assert_eq!(label("Exhibit A"), Some("Exhibit A".into()));
        assert_eq!(label("SECURITY EXHIBIT"), Some("SECURITY EXHIBIT".into()));
        assert_eq!(label("GitHub Data Protection and Security Exhibit"), None);
        assert_eq!(label("INTRODUCTION"), None);
        assert_eq!(label(""), None);
        assert_eq!(clean_title(" – Definitions. "), Some("Definitions".into()));
        assert_eq!(clean_title(". :"), None);
    }
}
