//! Periods an agreement states more than once: every statement of how long deletion takes must
//! agree with every other statement of the same period, wherever it is (a clause, Annex I.B,
//! Annex II), or the party bound is in breach of one of them from the day it signs.

use std::collections::BTreeMap;

use regex::Regex;

use super::{ClauseText, Finding, Kind, excerpt};

/// What a deletion period applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Copies {
    /// The data in use (production systems).
    Live,
    /// Copies held in backups.
    Backups,
    /// Every copy, backups included.
    All,
}

impl Copies {
    fn words(self) -> &'static str {
        match self {
            Copies::Live => "the data in use",
            Copies::Backups => "copies in backups",
            Copies::All => "every copy, backups included",
        }
    }
}

/// One statement of a deletion period.
#[derive(Debug, Clone)]
struct Statement {
    clause: usize,
    offset: usize,
    end: usize,
    copies: Copies,
    days: u32,
}

fn deletion_verb() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\b(delet(e|ed|es|ing|ion)|eras(e|ed|ure)|destr(oy|oyed|uction))\b")
            .expect("valid")
    })
}

fn within_days() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\bwithin (\d{1,4}) (more |further |additional )?(calendar )?days\b")
            .expect("valid")
    })
}

/// The deletion periods one sentence states, in order. A period of "N more days" runs on from
/// the one stated before it in the same sentence.
fn statements_in(sentence: &str, base: usize, clause: usize) -> Vec<Statement> {
    if !deletion_verb().is_match(sentence) {
        return Vec::new();
    }
    let mut out: Vec<Statement> = Vec::new();
    let mut from = 0;
    let matches: Vec<regex::Captures> = within_days().captures_iter(sentence).collect();
    for (i, m) in matches.iter().enumerate() {
        let whole = m.get(0).expect("match");
        let Ok(n) = m[1].parse::<u32>() else {
            continue;
        };
        let before = sentence[from..whole.start()].to_lowercase();
        let next = matches
            .get(i + 1)
            .map_or(sentence.len(), |n| n.get(0).expect("match").start());
        let after = sentence[whole.end()..next].to_lowercase();
        let copies = if before.contains("backup") {
            Copies::Backups
        } else if after.contains("including") && after.contains("backup") {
            Copies::All
        } else {
            Copies::Live
        };
        let days = match (m.get(2), out.last()) {
            (Some(_), Some(prev)) => prev.days + n,
            _ => n,
        };
        out.push(Statement {
            clause,
            offset: base + whole.start(),
            end: base + whole.end(),
            copies,
            days,
        });
        from = whole.end();
    }
    out
}

/// Sentences of a text with their byte offsets: split after `.`, `;` or a line break.
fn sentences(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        let end = match b {
            b'\n' | b';' => true,
            // A full stop ends a sentence unless a digit follows ("2.5 days").
            b'.' => bytes.get(i + 1).is_none_or(|n| !n.is_ascii_digit()),
            _ => false,
        };
        if end {
            out.push((start, &text[start..=i]));
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push((start, &text[start..]));
    }
    out
}

/// Every deletion period that disagrees with one stated before it for the same copies: a finding
/// at the later statement, naming the earlier one.
pub fn periods(clauses: &[ClauseText<'_>]) -> Vec<Finding> {
    let mut all = Vec::new();
    for (i, clause) in clauses.iter().enumerate() {
        for (base, sentence) in sentences(clause.text) {
            all.extend(statements_in(sentence, base, i));
        }
    }
    // The data in use and the backups are each bound by their own statements and by those
    // about every copy.
    let mut first: BTreeMap<Copies, &Statement> = BTreeMap::new();
    let mut findings = Vec::new();
    for s in &all {
        let kinds: &[Copies] = match s.copies {
            Copies::Live => &[Copies::Live],
            Copies::Backups => &[Copies::Backups],
            Copies::All => &[Copies::Live, Copies::Backups],
        };
        let mut reported = false;
        for kind in kinds {
            let earlier = first
                .get(kind)
                .copied()
                .or_else(|| first.get(&Copies::All).copied());
            match earlier {
                Some(e) if e.days != s.days && !reported => {
                    let c = &clauses[s.clause];
                    let other = &clauses[e.clause];
                    findings.push(Finding {
                        kind: Kind::InconsistentPeriod,
                        clause: c.number.to_string(),
                        title: c.title.to_string(),
                        offset: s.offset,
                        excerpt: excerpt(c.text, &(s.offset..s.end)),
                        message: format!(
                            "deletion of {} within {} days here, but within {} days in {} ({}) for {}",
                            s.copies.words(),
                            s.days,
                            e.days,
                            other.number,
                            other.title,
                            e.copies.words()
                        ),
                    });
                    reported = true;
                }
                Some(_) => {}
                None => {
                    first.insert(*kind, s);
                }
            }
        }
        if s.copies == Copies::All {
            first.entry(Copies::All).or_insert(s);
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause<'a>(number: &'a str, text: &'a str) -> ClauseText<'a> {
        ClauseText {
            number,
            title: "t",
            text,
        }
    }

    #[test]
    fn backups_deleted_later_than_every_copy_must_be_is_a_finding() {
        let clauses = [
            clause(
                "7.1",
                "The processor shall complete the return and deletion within 30 days after the Services end, including the deletion of copies held in backups.",
            ),
            clause(
                "Annex II",
                "Erasure: Customer data deleted from production within 30 days of termination and from backups within 35 more days",
            ),
        ];
        let found = periods(&clauses);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].clause, "Annex II");
        assert!(
            found[0].message.contains("within 65 days"),
            "{}",
            found[0].message
        );
        assert!(found[0].message.contains("within 30 days in 7.1"));
    }

    #[test]
    fn agreeing_periods_and_periods_of_other_things_are_not_findings() {
        let clauses = [
            clause(
                "7.1",
                "The processor shall complete the return and deletion within 30 days after the Services end, except that copies held in backups shall be deleted within 35 more days.",
            ),
            clause(
                "Annex II",
                "Data deleted from production within 30 days of termination and from backups within 35 more days. Access reviews within 90 days.",
            ),
            clause("8", "The processor shall notify a breach within 3 days."),
        ];
        assert_eq!(periods(&clauses), Vec::new());
    }

    #[test]
    fn two_different_periods_for_the_data_in_use_are_a_finding() {
        let clauses = [
            clause("7.1", "Delete the data within 30 days after the end."),
            clause("Annex I.B", "Data is deleted within 60 days after the end."),
        ];
        let found = periods(&clauses);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].clause, "Annex I.B");
    }
}
