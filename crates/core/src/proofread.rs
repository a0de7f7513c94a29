//! The signatory's read: what a person about to sign an agreement would stop at in its text.
//!
//! Pure functions over an agreement's clauses (number, title and plain text, as the manifest
//! carries them). They report a record value that printed as nothing, a defined term used
//! without a definition, a reference to a clause or annex the agreement does not contain, a
//! date already passed that the text describes as future, and a leftover placeholder.

use std::collections::BTreeSet;
use std::ops::Range;

use chrono::NaiveDate;
use serde::Serialize;

use crate::assemble::escape::{VALUE_END, VALUE_START};
use crate::manifest::ManifestClause;
use crate::model::{Company, Vendor};

mod periods;

pub use periods::periods;

/// One clause as the reader sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClauseText<'a> {
    /// Number in the agreement: `4.1` or `Annex I.B`.
    pub number: &'a str,
    /// Heading.
    pub title: &'a str,
    /// Plain text of the body.
    pub text: &'a str,
}

impl<'a> From<&'a ManifestClause> for ClauseText<'a> {
    fn from(c: &'a ManifestClause) -> Self {
        ClauseText {
            number: &c.number,
            title: &c.title,
            text: &c.text,
        }
    }
}

/// The kinds of problem a signatory stops at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A record value printed as nothing: `on .`, `""`, `()`, an empty table cell.
    EmptyValue,
    /// A capitalised defined term the agreement never defines.
    UndefinedTerm,
    /// A reference to a clause or annex the agreement does not contain.
    MissingReference,
    /// A date already passed, described as future.
    PastDateAsFuture,
    /// Template syntax or drafting placeholder left in the text.
    Placeholder,
    /// Annex II gives only the baseline measures where the SCCs require a specific description.
    UndescribedMeasures,
    /// A period (how long deletion takes) stated differently in two places.
    InconsistentPeriod,
}

impl Kind {
    /// The kind in words, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Kind::EmptyValue => "empty value",
            Kind::UndefinedTerm => "undefined term",
            Kind::MissingReference => "missing reference",
            Kind::PastDateAsFuture => "past date described as future",
            Kind::Placeholder => "placeholder",
            Kind::UndescribedMeasures => "security measures not described",
            Kind::InconsistentPeriod => "periods that disagree",
        }
    }
}

/// One problem at one place of one clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What kind of problem.
    pub kind: Kind,
    /// Number of the clause it is in.
    pub clause: String,
    /// Title of that clause.
    pub title: String,
    /// Byte offset in the clause's plain text.
    pub offset: usize,
    /// The text around it, on one line.
    pub excerpt: String,
    /// What is wrong.
    pub message: String,
}

/// A problem found in one text: its byte span and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Byte range in the text.
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
}

fn hit(span: Range<usize>, message: impl Into<String>) -> Hit {
    Hit {
        span,
        message: message.into(),
    }
}

/// Reads a whole agreement: every check over every clause, in clause order.
///
/// `vocabulary` holds the phrases that are defined terms wherever they appear (see
/// [`Vocabulary`]); `names` are proper names printed in the text (parties, sub-processors),
/// never read as terms; `as_of` is the day of reading.
pub fn read(
    clauses: &[ClauseText<'_>],
    vocabulary: &Vocabulary,
    names: &[String],
    as_of: NaiveDate,
) -> Vec<Finding> {
    let numbers: BTreeSet<String> = clauses.iter().map(|c| c.number.to_string()).collect();
    let defined: BTreeSet<String> = clauses.iter().flat_map(|c| definitions(c.text)).collect();
    let mut findings = Vec::new();
    for clause in clauses {
        let text = clause.text;
        let kinds: [(Kind, Vec<Hit>); 5] = [
            (Kind::EmptyValue, empty_values(text)),
            (
                Kind::UndefinedTerm,
                undefined_terms(text, &defined, vocabulary, names),
            ),
            (Kind::MissingReference, missing_references(text, &numbers)),
            (Kind::PastDateAsFuture, past_dates(text, as_of)),
            (Kind::Placeholder, placeholders(text)),
        ];
        for (kind, hits) in kinds {
            for h in hits {
                findings.push(Finding {
                    kind,
                    clause: clause.number.to_string(),
                    title: clause.title.to_string(),
                    offset: h.span.start,
                    excerpt: excerpt(text, &h.span),
                    message: h.message,
                });
            }
        }
    }
    findings.extend(periods(clauses));
    findings.sort_by(|a, b| {
        let pos = |f: &Finding| clauses.iter().position(|c| c.number == f.clause);
        pos(a)
            .cmp(&pos(b))
            .then(a.offset.cmp(&b.offset))
            .then(a.kind.cmp(&b.kind))
    });
    findings
}

/// Where the SCCs form part of an agreement, their Annex II must describe the technical and
/// organisational measures in specific (not generic) terms; the baseline that Annex II prints for
/// a record without `[security]` is not such a description.
///
/// `scc` says when the SCCs form part of the agreement (`None` when they do not); `described`
/// lists the `[security]` keys the vendor record describes. Annex II under the SCCs must also say
/// how the data is encrypted in transit and at rest (or why it is not): a description without
/// `encryption`, or without both `transmission` and `storage`, is reported too. The finding is
/// placed on Annex II.
pub fn undescribed_measures(
    clauses: &[ClauseText<'_>],
    scc: Option<&str>,
    described: &[&str],
) -> Option<Finding> {
    let when = scc?;
    let encryption = described.contains(&"encryption")
        || (described.contains(&"transmission") && described.contains(&"storage"));
    if !described.is_empty() && encryption {
        return None;
    }
    let annex = clauses.iter().find(|c| c.number == "Annex II")?;
    let message = if described.is_empty() {
        format!(
            "the SCCs apply{when}, and their Annex II must describe the vendor's technical and organisational measures specifically, but the vendor record has no `[security]` table, so Annex II gives only dpa's baseline measures"
        )
    } else {
        format!(
            "the SCCs apply{when}, and their Annex II asks how the data is protected in transit and at rest, but the vendor record's `[security]` describes no encryption (`encryption`, or `transmission` and `storage`); describe it, or state there why the data is not encrypted"
        )
    };
    Some(Finding {
        kind: Kind::UndescribedMeasures,
        clause: annex.number.to_string(),
        title: annex.title.to_string(),
        offset: 0,
        excerpt: excerpt(annex.text, &(0..0)),
        message,
    })
}

/// The text around `span`, within its line, with ellipses where cut.
pub fn excerpt(text: &str, span: &Range<usize>) -> String {
    const AROUND: usize = 40;
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i);
    let mut from = span.start.saturating_sub(AROUND).max(line_start);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut to = (span.end + AROUND).min(line_end);
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let mut out = String::new();
    if from > line_start {
        out.push('…');
    }
    out.push_str(&text[from..to]);
    if to < line_end {
        out.push('…');
    }
    out
}

/// Lines of a text with the byte offset each starts at.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split('\n').map(move |line| {
        let start = offset;
        offset += line.len() + 1;
        (start, line)
    })
}

fn is_table_row(line: &str) -> bool {
    line.contains(" | ")
}

/// Merges overlapping or touching hits into the first (one missing value, one finding), in text order.
fn dedup(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by_key(|h| (h.span.start, h.span.end));
    let mut out: Vec<Hit> = Vec::new();
    for h in hits {
        match out.last_mut() {
            Some(last) if h.span.start <= last.span.end => {
                last.span.end = last.span.end.max(h.span.end);
            }
            _ => out.push(h),
        }
    }
    out
}

/// Empty values: a space before punctuation, empty quotes or brackets, a dangling `on`, `of` or
/// `to`, a comma that ends a line or table cell, two spaces where a value belongs, an empty
/// table cell.
pub fn empty_values(text: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (start, line) in lines(text) {
        let lead = line.len() - line.trim_start().len();
        let table = is_table_row(line);
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        for (k, &(i, c)) in chars.iter().enumerate() {
            let next = chars.get(k + 1).map(|&(_, n)| n);
            let at = start + i;
            if i < lead {
                continue;
            }
            if c == ' ' && i > lead {
                match next {
                    Some(n @ ('.' | ',' | ';' | ':' | ')')) => {
                        hits.push(hit(at..at + 2, format!("nothing before `{n}`")));
                    }
                    Some(' ') if !table && line[i..].trim_start().chars().next().is_some() => {
                        hits.push(hit(at..at + 2, "two spaces where a value belongs"));
                    }
                    _ => {}
                }
            }
            let pair = match (c, next) {
                ('"', Some('"')) | ('“', Some('”')) => Some("empty quotation marks"),
                ('(', Some(')')) | ('[', Some(']')) => Some("empty brackets"),
                _ => None,
            };
            if let Some(what) = pair {
                let end = at + c.len_utf8() + next.map_or(0, char::len_utf8);
                hits.push(hit(at..end, what));
            }
            if c == ',' && i > lead {
                let rest = line[i + 1..].trim_start();
                if rest.is_empty() || rest.starts_with('|') {
                    hits.push(hit(at..at + 1, "a comma with nothing after it"));
                }
            }
            if (c == '(' || c == '[') && next == Some(' ') {
                let close = if c == '(' { ')' } else { ']' };
                if let Some(&(_, n2)) = chars.get(k + 2)
                    && n2 == close
                {
                    hits.push(hit(at..at + 3, "empty brackets"));
                }
            }
        }
        let line_words = words(line);
        for (k, &(ws, we)) in line_words.iter().enumerate() {
            let word = &line[ws..we];
            if !matches!(word, "on" | "of" | "to") {
                continue;
            }
            let rest = line[we..].trim_start();
            if !(rest.is_empty() || rest.starts_with(['.', ',', ';', ':', ')', '|'])) {
                continue;
            }
            // "passes on," and "objected to." end a phrasal verb; a value dropped from a
            // sentence leaves its space behind ("end on .") and is reported whatever comes before.
            let spaced = line[we..].starts_with(' ');
            let verb = k
                .checked_sub(1)
                .and_then(|p| line_words.get(p))
                .is_some_and(|&(ps, pe)| phrasal_verb(&line[ps..pe]));
            if spaced || !verb {
                hits.push(hit(
                    start + ws..start + we,
                    format!("`{word}` with nothing after it"),
                ));
            }
        }
        if table {
            let mut offset = 0;
            for cell in line.split('|') {
                if cell.trim().is_empty() {
                    let at = start + offset;
                    hits.push(hit(at..at + cell.len().max(1), "an empty table cell"));
                }
                offset += cell.len() + 1;
            }
        }
    }
    dedup(hits)
}

/// Whether a word is a verb that a preposition can end, as in "passes on", "referred to".
fn phrasal_verb(word: &str) -> bool {
    const BASE: [&str; 12] = [
        "pass", "rely", "refer", "agree", "object", "carry", "consent", "hold", "relate", "apply",
        "adhere", "act",
    ];
    let w = word.to_lowercase();
    BASE.contains(&w.as_str()) || w.ends_with("ed") || w.ends_with("es") || w.ends_with("ing") || {
        w.ends_with('s') && !w.ends_with("ss") && BASE.iter().any(|b| w == format!("{b}s"))
    }
}

/// Byte ranges of the words of a line: letters and digits, with inner hyphens and apostrophes.
fn words(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let inner = |c: char| c.is_alphanumeric() || c == '-' || c == '\'' || c == '’';
    for (i, c) in line.char_indices() {
        match (start, inner(c)) {
            (None, true) if c.is_alphanumeric() => start = Some(i),
            (Some(s), false) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, line.len()));
    }
    // A trailing hyphen or apostrophe belongs to the punctuation, not the word.
    out.into_iter()
        .map(|(s, mut e)| {
            while e > s && line[..e].ends_with(['-', '\'', '’']) {
                e = line[..e].char_indices().last().map_or(s, |(i, _)| i);
            }
            (s, e)
        })
        .filter(|(s, e)| e > s)
        .collect()
}

/// Phrases that mark a leftover placeholder, matched without regard to case.
const PLACEHOLDER_PHRASES: [&str; 9] = [
    "lorem ipsum",
    "to be determined",
    "to be confirmed",
    "[insert",
    "<insert",
    "insert name",
    "placeholder",
    "have yet been described",
    "has yet been described",
];

/// Words that mark a leftover placeholder, matched exactly as whole words.
const PLACEHOLDER_WORDS: [&str; 5] = ["TBD", "TBC", "TBA", "TODO", "FIXME"];

/// Leftover placeholders: template syntax, `[NAME]`, `TBD`, `XXX`, text promising a
/// description that was never given.
pub fn placeholders(text: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    for syntax in ["{{", "}}", "{%", "%}", "{#", "#}"] {
        for (i, _) in text.match_indices(syntax) {
            hits.push(hit(i..i + 2, format!("template syntax `{syntax}`")));
        }
    }
    for (i, c) in text.char_indices() {
        if c == VALUE_START || c == VALUE_END {
            hits.push(hit(i..i + c.len_utf8(), "an encoded record value"));
        }
    }
    let lower = text.to_lowercase();
    // Lowercasing keeps byte offsets only for ASCII; map back through char positions otherwise.
    if lower.len() == text.len() {
        for phrase in PLACEHOLDER_PHRASES {
            for (i, _) in lower.match_indices(phrase) {
                hits.push(hit(
                    i..i + phrase.len(),
                    format!("placeholder text `{}`", &text[i..i + phrase.len()]),
                ));
            }
        }
    } else {
        for phrase in PLACEHOLDER_PHRASES {
            let mut from = 0;
            while let Some(found) = find_ci(&text[from..], phrase) {
                let at = from + found.start;
                let end = from + found.end;
                hits.push(hit(
                    at..end,
                    format!("placeholder text `{}`", &text[at..end]),
                ));
                from = end;
            }
        }
    }
    for (start, line) in lines(text) {
        for (ws, we) in words(line) {
            let word = &line[ws..we];
            if PLACEHOLDER_WORDS.contains(&word)
                || (word.len() >= 3 && word.bytes().all(|b| b == b'X'))
            {
                hits.push(hit(start + ws..start + we, format!("placeholder `{word}`")));
            }
        }
        // `[NAME]`, `[COMPANY NAME]`, `<DATE>`: capitals in brackets.
        for (open, close) in [('[', ']'), ('<', '>')] {
            let mut from = 0;
            while let Some(i) = line[from..].find(open).map(|i| from + i) {
                from = i + 1;
                let Some(j) = line[i + 1..].find(close).map(|j| i + 1 + j) else {
                    break;
                };
                let inside = &line[i + 1..j];
                if inside.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2
                    && inside
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || matches!(c, ' ' | '_' | '-' | '.'))
                {
                    hits.push(hit(
                        start + i..start + j + 1,
                        format!("placeholder `{}`", &line[i..=j]),
                    ));
                }
            }
        }
    }
    dedup(hits)
}

/// Case-insensitive search of an ASCII needle, returning byte offsets in `hay`.
fn find_ci(hay: &str, needle: &str) -> Option<Range<usize>> {
    let n = needle.len();
    hay.char_indices().find_map(|(i, _)| {
        let end = i + n;
        (end <= hay.len() && hay.is_char_boundary(end) && hay[i..end].eq_ignore_ascii_case(needle))
            .then_some(i..end)
    })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Dates in the text, long (`1 June 2024`) or ISO (`2024-06-01`), with their spans.
fn dates(text: &str) -> Vec<(Range<usize>, NaiveDate)> {
    let mut out = Vec::new();
    for (start, line) in lines(text) {
        let ws = words(line);
        for k in 0..ws.len() {
            let word = |n: usize| ws.get(n).map(|&(s, e)| &line[s..e]);
            let (Some(d), Some(m), Some(y)) = (word(k), word(k + 1), word(k + 2)) else {
                continue;
            };
            let Some(month) = MONTHS.iter().position(|x| *x == m) else {
                continue;
            };
            let gaps_are_spaces =
                line[ws[k].1..ws[k + 1].0] == *" " && line[ws[k + 1].1..ws[k + 2].0] == *" ";
            if !gaps_are_spaces || d.len() > 2 || y.len() != 4 {
                continue;
            }
            if let (Ok(d), Ok(y)) = (d.parse::<u32>(), y.parse::<i32>())
                && let Some(date) = NaiveDate::from_ymd_opt(y, month as u32 + 1, d)
            {
                out.push((start + ws[k].0..start + ws[k + 2].1, date));
            }
        }
        for (s, e) in ws {
            let w = &line[s..e];
            if w.len() == 10
                && let Ok(date) = NaiveDate::parse_from_str(w, "%Y-%m-%d")
            {
                out.push((start + s..start + e, date));
            }
        }
    }
    out
}

/// Phrases that say a date lies ahead.
const FUTURE: [&str; 20] = [
    "scheduled to",
    "will",
    "is due to",
    "are due to",
    "is expected to",
    "are expected to",
    "with effect from",
    "takes effect",
    "take effect",
    "shall apply from",
    "shall begin",
    "shall commence",
    "shall start",
    "shall end",
    "shall expire",
    "shall terminate",
    "comes into force",
    "come into force",
    "enters into force",
    "with effect on",
];

/// Dates before `as_of` that the sentence describes as future ("scheduled to end on", "with
/// effect from", "will").
pub fn past_dates(text: &str, as_of: NaiveDate) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (span, date) in dates(text) {
        if date >= as_of {
            continue;
        }
        // The clause of the sentence that leads to the date, at most 100 bytes back.
        let mut from = span.start.saturating_sub(100);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let before = &text[from..span.start];
        let cut = [before.rfind('\n'), before.rfind(';'), before.rfind(". ")]
            .into_iter()
            .flatten()
            .max()
            .map_or(0, |i| i + 1);
        let lead = before[cut..].to_lowercase();
        let marker = FUTURE.iter().find(|m| {
            lead.match_indices(*m).any(|(i, _)| {
                let end = i + m.len();
                let boundary_before = i == 0 || !lead[..i].ends_with(char::is_alphanumeric);
                let boundary_after = !lead[end..].starts_with(char::is_alphanumeric);
                boundary_before && boundary_after
            })
        });
        if let Some(marker) = marker {
            hits.push(hit(
                span.clone(),
                format!(
                    "{} has passed (as of {}), but the text says `{marker}`",
                    &text[span.clone()],
                    as_of.format("%Y-%m-%d")
                ),
            ));
        }
    }
    hits
}

/// What follows a reference when it points into another instrument ("clause 3.2 of the Agreement").
fn external(rest: &str) -> bool {
    ["of the ", "to the ", "of that ", "in the "]
        .iter()
        .any(|p| rest.trim_start().starts_with(p))
}

/// Whether the rest of a sentence says the references are not part of the agreement
/// ("Clause 13 and Annex I.C do not form part of Module Four").
fn negated(rest: &str) -> bool {
    let sentence = rest.split(". ").next().unwrap_or(rest);
    [
        "not form part",
        "not apply",
        "not applicable",
        "not used",
        "not included",
    ]
    .iter()
    .any(|p| sentence.contains(p))
}

/// Separators in a list of references: "clauses 2.3, 2.4 and 2.5".
const LIST_SEPARATORS: [&str; 5] = [", and ", ", ", " and ", " or ", " to "];

/// References to clauses (`clause 5.1`) and annexes (`Annex I.B`, `Annexes II and III`) that
/// `numbers` (the agreement's clause numbers, annexes as `Annex I.B`) does not contain.
///
/// Whole-number clause references (`Clause 13`) name clauses of the SCCs, not of the agreement,
/// and references followed by "of the ..." point into another instrument; neither is checked.
pub fn missing_references(text: &str, numbers: &BTreeSet<String>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (start, line) in lines(text) {
        for (ws, we) in words(line) {
            let word = &line[ws..we];
            let annex = match word {
                "clause" | "Clause" | "clauses" | "Clauses" => false,
                "Annex" | "Annexes" => true,
                _ => continue,
            };
            let mut refs: Vec<Range<usize>> = Vec::new();
            let mut at = we;
            let mut sep = " ";
            while let Some(rest) = line[at..].strip_prefix(sep) {
                let len = if annex {
                    annex_ref_len(rest)
                } else {
                    clause_ref_len(rest)
                };
                if len == 0 {
                    break;
                }
                let s = at + sep.len();
                refs.push(s..s + len);
                at = s + len;
                match LIST_SEPARATORS.iter().find(|p| line[at..].starts_with(**p)) {
                    Some(p) => sep = p,
                    None => break,
                }
            }
            if refs.is_empty() || external(&line[at..]) || negated(&line[at..]) {
                continue;
            }
            for r in refs {
                let target = &line[r.clone()];
                let found = if annex {
                    let full = format!("Annex {target}");
                    numbers.contains(&full)
                        || (!target.contains('.')
                            && numbers.iter().any(|n| n.starts_with(&format!("{full}."))))
                } else {
                    numbers.contains(target)
                };
                if !found {
                    let what = if annex {
                        format!("Annex {target}")
                    } else {
                        format!("clause {target}")
                    };
                    hits.push(hit(
                        start + r.start..start + r.end,
                        format!("refers to {what}, which this agreement does not contain"),
                    ));
                }
            }
        }
    }
    hits
}

/// Length of a dotted clause number (`5.1`, `2.10`) at the start of `s`; 0 for a whole number.
fn clause_ref_len(s: &str) -> usize {
    let b = s.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let first = digits(0);
    if first == 0 || b.get(first) != Some(&b'.') {
        return 0;
    }
    let second = digits(first + 1);
    if second == 0 {
        return 0;
    }
    let end = first + 1 + second;
    if b.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return 0;
    }
    end
}

/// Length of an annex label (`II`, `I.B`) at the start of `s`; 0 when there is none.
fn annex_ref_len(s: &str) -> usize {
    let b = s.as_bytes();
    let roman = b
        .iter()
        .take_while(|c| matches!(c, b'I' | b'V' | b'X' | b'L'))
        .count();
    if roman == 0 {
        return 0;
    }
    let mut end = roman;
    if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_uppercase) {
        end += 2;
    }
    if b.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return 0;
    }
    end
}

/// Normalises a term for comparison: the last word without possessive or plural ending.
pub fn normalize(term: &str) -> String {
    let term = term
        .trim()
        .trim_end_matches("'s")
        .trim_end_matches("’s")
        .trim_end_matches(['\'', '’']);
    let (head, last) = match term.rfind(' ') {
        Some(i) => (&term[..=i], &term[i + 1..]),
        None => ("", term),
    };
    let singular = if let Some(stem) = last.strip_suffix("ies")
        && !stem.is_empty()
    {
        format!("{stem}y")
    } else if last.ends_with("sses")
        || last.ends_with("xes")
        || last.ends_with("ches")
        || last.ends_with("shes")
    {
        last[..last.len() - 2].to_string()
    } else if last.ends_with('s') && !last.ends_with("ss") && last.len() > 1 {
        last[..last.len() - 1].to_string()
    } else {
        last.to_string()
    };
    format!("{head}{singular}")
}

/// Terms defined in a text: every capitalised phrase in quotation marks, normalised.
pub fn definitions(text: &str) -> BTreeSet<String> {
    quoted(text)
        .into_iter()
        .map(|(_, term)| normalize(&term))
        .collect()
}

/// Capitalised phrases in quotation marks (straight or curly, `**` emphasis removed), with
/// the byte offset of the opening mark.
fn quoted(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        k += 1;
        if c != '"' && c != '“' {
            continue;
        }
        let Some(end) = chars[k..]
            .iter()
            .take(80)
            .position(|&(_, d)| d == '"' || d == '”' || d == '\n')
        else {
            continue;
        };
        let (j, d) = chars[k + end];
        if d == '\n' {
            continue;
        }
        let inside = text[i + c.len_utf8()..j].trim_matches('*');
        if inside.chars().next().is_some_and(char::is_uppercase)
            && inside.split(' ').count() <= 6
            && inside.split(' ').all(|w| {
                w.chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
            })
        {
            out.push((i, inside.to_string()));
        }
        k += end + 1;
    }
    out
}

/// Phrases conventionally used as defined terms in data processing agreements; with the terms
/// a clause library defines, they are what the reader checks for a definition.
pub const CONVENTIONAL_TERMS: [&str; 28] = [
    "Affiliate",
    "Applicable Data Protection Law",
    "Applicable Law",
    "Business",
    "Client",
    "Company",
    "Confidential Information",
    "Consumer",
    "Contractor",
    "Controller",
    "Customer",
    "Data Breach",
    "Data Exporter",
    "Data Importer",
    "Data Subject",
    "Personal Data",
    "Personal Information",
    "Processor",
    "Provider",
    "Security Breach",
    "Security Incident",
    "Service Provider",
    "Standard Contractual Clauses",
    "Sub-Processor",
    "Subprocessor",
    "Supervisory Authority",
    "Supplier",
    "Vendor",
];

/// The phrases read as defined terms: those a clause library defines anywhere (in any clause,
/// selected or not) and [`CONVENTIONAL_TERMS`].
///
/// A capitalised phrase outside this vocabulary (a country, a statute, a company name) is a
/// proper name and needs no definition.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    terms: BTreeSet<String>,
    longest: usize,
}

impl Vocabulary {
    /// The vocabulary of a clause library, from its clause bodies (Markdown, template syntax allowed).
    pub fn from_bodies<'a>(bodies: impl IntoIterator<Item = &'a str>) -> Vocabulary {
        let mut v = Vocabulary::default();
        for term in CONVENTIONAL_TERMS {
            v.insert(term);
        }
        for body in bodies {
            for (at, term) in quoted(body) {
                if is_definition(body, at) {
                    v.insert(&term);
                }
            }
        }
        v
    }

    fn insert(&mut self, term: &str) {
        self.longest = self.longest.max(term.split(' ').count());
        self.terms.insert(normalize(term));
    }

    /// Whether a (normalised) phrase is a defined term somewhere.
    pub fn contains(&self, normalized: &str) -> bool {
        self.terms.contains(normalized)
    }
}

/// Whether the quoted term opening at `at` is being defined: `"X" means`, `"X" has the
/// meaning`, or inside parentheses, `(the "X")`.
fn is_definition(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..at];
    let open = before.matches('(').count() > before.matches(')').count();
    let after = &text[at + 1..];
    let close = after.find(['"', '”']).map_or(after.len(), |i| {
        i + after[i..].chars().next().map_or(1, char::len_utf8)
    });
    let rest = after[close..].trim_start_matches('*');
    open || [
        " means",
        " has the meaning",
        " shall mean",
        " shall have the meaning",
        " is defined",
    ]
    .iter()
    .any(|p| rest.starts_with(p))
}

/// The proper names an agreement prints from the records: parties, people, sub-processors,
/// representative and authority. They are names even where they contain a term ("Customer.io").
pub fn proper_names(company: &Company, vendor: &Vendor) -> Vec<String> {
    let mut names = vec![
        company.name.clone(),
        company.short_name.clone(),
        company.signatory.name.clone(),
        company.contact.name.clone(),
        vendor.name.clone(),
        vendor.short_name.clone(),
        vendor.signatory.name.clone(),
        vendor.contact.name.clone(),
    ];
    names.extend(company.eu_representative.iter().map(|o| o.name.clone()));
    names.extend(company.uk_representative.iter().map(|o| o.name.clone()));
    names.extend(vendor.eu_representative.iter().map(|o| o.name.clone()));
    names.extend(vendor.uk_representative.iter().map(|o| o.name.clone()));
    names.extend(company.supervisory_authority.iter().map(|o| o.name.clone()));
    names.extend(vendor.subprocessors.iter().map(|s| s.name.clone()));
    names.retain(|n| !n.trim().is_empty());
    names
}

/// Byte ranges where `names` occur in `text`.
/// Where the parties' and sub-processors' names occur in `text`, overlapping occurrences
/// included. One pass over the text whatever the number of names: an agreement may list
/// thousands of sub-processors.
fn name_ranges(text: &str, names: &[String]) -> Vec<Range<usize>> {
    let names: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !n.trim().is_empty())
        .collect();
    if names.is_empty() {
        return Vec::new();
    }
    // The NFA builds in time linear in the names, where the default DFA costs more to build
    // than one agreement's search saves.
    let automaton = aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
        .build(&names);
    match automaton {
        Ok(automaton) => automaton
            .find_overlapping_iter(text)
            .map(|m| m.range())
            .collect(),
        // Only a pattern set too large for the automaton fails to build: search name by name.
        Err(_) => names
            .iter()
            .flat_map(|n| text.match_indices(n).map(|(i, m)| i..i + m.len()))
            .collect(),
    }
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Defined terms of the vocabulary used in `text` but not in `defined` (normalised).
///
/// The text is read in runs of consecutive capitalised words. A run is a use of defined terms
/// only when the vocabulary covers every word of it: "California Consumer Privacy Act" is a
/// name, "Covered Personal Data" a term. A single capitalised word that opens a sentence,
/// list item, table cell or parenthesis is an ordinary word unless possessive ("Customer's").
pub fn undefined_terms(
    text: &str,
    defined: &BTreeSet<String>,
    vocabulary: &Vocabulary,
    names: &[String],
) -> Vec<Hit> {
    let names = name_ranges(text, names);
    let mut hits = Vec::new();
    for (start, line) in lines(text) {
        let body = list_label_len(line);
        let ws: Vec<(usize, usize)> = words(&line[body..])
            .into_iter()
            .map(|(s, e)| (s + body, e + body))
            .collect();
        let mut k = 0;
        while k < ws.len() {
            let (s, e) = ws[k];
            if !capitalised(&line[s..e]) {
                k += 1;
                continue;
            }
            let gap_before = &line[if k == 0 { body } else { ws[k - 1].1 }..s];
            let opens = gap_before.trim().is_empty() && k == 0
                || gap_before
                    .trim_end()
                    .ends_with(['.', ':', '|', '?', '!', ';', '(']);
            let quoted = gap_before.ends_with(['"', '“', '*']);
            // The run: following capitalised words separated by single spaces.
            let mut run = vec![(s, e)];
            while let Some(&(ns, ne)) = ws.get(k + run.len()) {
                let prev_end = run.last().map_or(e, |r| r.1);
                if &line[prev_end..ns] == " " && capitalised(&line[ns..ne]) {
                    run.push((ns, ne));
                } else {
                    break;
                }
            }
            k += run.len();
            if quoted {
                continue;
            }
            let mut matches: Vec<(usize, usize, String)> = Vec::new(); // (first, count, key)
            let mut i = 0;
            let mut covered = true;
            while i < run.len() {
                let longest = vocabulary.longest.min(run.len() - i);
                let found = (1..=longest).rev().find_map(|n| {
                    let phrase = &line[run[i].0..run[i + n - 1].1];
                    let key = normalize(phrase);
                    vocabulary.contains(&key).then_some((n, key))
                });
                match found {
                    Some((n, key)) => {
                        matches.push((i, n, key));
                        i += n;
                    }
                    None if i == 0 && opens => i += 1,
                    None => {
                        covered = false;
                        break;
                    }
                }
            }
            if !covered {
                continue;
            }
            for (first, n, key) in matches {
                if defined.contains(&key) {
                    continue;
                }
                let (ps, _) = run[first];
                let pe = run[first + n - 1].1;
                let phrase = &line[ps..pe];
                let possessive = phrase.ends_with("'s") || phrase.ends_with("’s");
                if n == 1 && first == 0 && opens && !possessive {
                    continue;
                }
                let span = start + ps..start + pe;
                if names
                    .iter()
                    .any(|r| r.start < span.end && span.start < r.end)
                {
                    continue;
                }
                hits.push(hit(
                    span,
                    format!(
                        "`{}` is used as a defined term, but this agreement does not define it",
                        phrase.trim_end_matches("'s").trim_end_matches("’s")
                    ),
                ));
            }
        }
    }
    hits
}

/// Length of a list label at the start of a line: `- `, `(a) `, `(iv) `, with indentation.
fn list_label_len(line: &str) -> usize {
    let lead = line.len() - line.trim_start().len();
    let rest = &line[lead..];
    if rest.starts_with("- ") {
        return lead + 2;
    }
    if let Some(inner) = rest.strip_prefix('(')
        && let Some(close) = inner.find(") ")
        && close <= 6
        && inner[..close].chars().all(|c| c.is_ascii_alphanumeric())
    {
        return lead + close + 3;
    }
    lead
}

#[cfg(test)]
mod tests;
