//! The reviewer's model of a document, built before anything is matched: the parts (body,
//! annexes, incorporated standard clauses for restricted transfers) and the scope each states;
//! which passages are definitions, headings or empty annex fields; and, for each sentence, who
//! owes it and with what force.
//!
//! A privacy lawyer reads "The data importer shall ..." as binding only restricted transfers,
//! "'Controller' means ..." as a definition, "Categories of data subjects:" with nothing after it
//! as a blank, and "Customer shall ..." as the customer's duty; the matcher in [`super`] sees
//! those readings as [`Unit`] fields.

use std::sync::LazyLock;

use regex::Regex;

use super::rules::Scope;
use crate::diff::Clause;

/// Which part of the document a passage belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The agreement itself: binds all processing under it.
    Body,
    /// An annex, schedule or exhibit that is not standard transfer clauses.
    Annex,
    /// Standard clauses (or their annexes) that govern only restricted transfers, or a passage
    /// about the "data importer" and "data exporter".
    Transfer,
}

/// Who owes a sentence's duty, told from the subject before its verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The vendor: processor, service provider, data importer, "we".
    Vendor,
    /// The customer: controller, business, data exporter, "you".
    Customer,
    /// No party could be told (a passive sentence, a vendor named by its company name).
    Unknown,
}

/// How strongly a sentence binds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Force {
    /// shall, must, will, agrees to, undertakes to.
    Duty,
    /// may, can, is entitled to.
    Permission,
    /// Efforts or endeavours, "where possible": not a duty where the law demands one.
    Effort,
    /// A statement without a modal verb.
    Statement,
}

/// What kind of text a passage is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text that can state a duty or a fact.
    Content,
    /// A definition: "X" means ... . Never a duty.
    Definition,
    /// A heading line inside a clause. Never content.
    Heading,
    /// A label with nothing after it, or "None", "N/A", "-". States nothing.
    Empty,
}

/// One unit of text a pattern is matched against, with the reading of it.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Index of the clause in the document's clause list.
    pub clause: usize,
    /// Sentence, paragraph or clause.
    pub scope: Scope,
    /// The text.
    pub text: String,
    /// The part it sits in (a sentence about the data importer is [`Part::Transfer`] wherever it is).
    pub part: Part,
    /// Who owes it.
    pub obligor: Party,
    /// How strongly it binds.
    pub force: Force,
    /// The effort or possibility wording that weakens it, when [`Force::Effort`].
    pub qualifier: Option<String>,
    /// Content, definition, heading or empty.
    pub kind: Kind,
}

fn re(src: &str) -> Regex {
    Regex::new(src).expect("built-in pattern compiles")
}

/// Titles that open a new part of the document.
static PART_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(annex|appendix|schedule|exhibit|attachment|addendum|part)\b|standard contractual clauses|international (data )?transfer (addendum|agreement)|\bmodule (one|two|three|four|1|2|3|4)\b",
    )
});
/// Titles that name standard transfer clauses themselves.
static TRANSFER_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)standard contractual clauses|international (data )?transfer (addendum|agreement)|\bmodule (one|two|three|four|1|2|3|4)\b",
    )
});
/// Text that states that a part applies only to restricted transfers.
static TRANSFER_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)appl(y|ies) only (to|where|in respect of|for)\b.{0,80}\btransfers?|only (to|for) (the extent of )?(any )?(restricted|international|onward) transfers?",
    )
});
/// The parties of standard transfer clauses.
static IMPORTER_EXPORTER: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\bdata (importer|exporter)s?\b"));
/// A definition: `"Term" means`, `Term shall mean`, `Term has the meaning`.
static DEFINITION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)^\W{0,3}(\(?[a-z0-9]{1,4}[.)]\s+)?["“'‘]?[\w][\w\s\-/’']{0,60}["”'’]?\s*(\([^)]{0,60}\)\s*)?(means|shall mean|has the meaning|shall have the meaning|refers to|is defined as)\b"#,
    )
});
/// A label followed by nothing, or by a word that says nothing.
static EMPTY_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^[^:.;]{3,160}:\s*(none|n/?a|not applicable|nil|tbd|tbc|to be (confirmed|determined|completed)|-+|–|—|\.{2,}|…|\[[^\]]*\]|_+)?\s*\.?$",
    )
});
/// A label ending with a colon.
static LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"^[^:.;]{3,160}:\s*$"));
/// Words of a sentence with a verb: a line holding one of them is not a heading.
static FINITE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(shall|must|will|may|can|is|are|was|were|be|does|do|has|have|agrees?|undertakes?|warrants?|ensures?|provides?|processes|uses)\b",
    )
});
/// The modal verb that ends the subject of a duty.
static MODAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(shall|must|will|may|can|agrees? (to|that)|undertakes? to|warrants?|is (required|obliged|obligated|entitled|permitted) to|are (required|obliged|obligated|entitled|permitted) to|(has|have) the right to|reserves the right to|commits? to)\b",
    )
});
/// Force: wording of efforts or possibility.
static EFFORT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b((commercially )?reasonable (efforts|endeavou?rs)|best efforts|endeavou?rs?|endeavou?r to|whenever possible|where (possible|practicable|feasible)|to the extent (possible|practicable|feasible|reasonably practicable)|if (possible|practicable)|(and|or) negotiable|attempts? to|strives? to|aims? to)\b",
    )
});
/// A parenthesis: what it holds details the duty around it and does not weaken it ("notify
/// ... (including, where possible, the categories ...)" repeats Art. 33(3)(a) itself).
static PARENTHESIS: LazyLock<Regex> = LazyLock::new(|| re(r"\([^()]*\)"));

/// The effort or possibility wording that weakens `text` itself, outside its parentheses.
fn effort(text: &str) -> Option<String> {
    let outside = PARENTHESIS.replace_all(text, " ");
    EFFORT.find(&outside).map(|m| m.as_str().to_string())
}

static PERMISSION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(may|can|is (entitled|permitted) to|are (entitled|permitted) to|(has|have) the right to|reserves the right to)\b",
    )
});
static DUTY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(shall|must|will|agrees? (to|that)|undertakes? to|warrants?|is (required|obliged|obligated) to|are (required|obliged|obligated) to|commits? to)\b",
    )
});
static VENDOR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(processors?|sub-?processors?|vendors?|suppliers?|service providers?|providers?|contractors?|data importers?|we|importer)\b",
    )
});
static CUSTOMER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(customers?|controllers?|data exporters?|clients?|business|you|subscribers?|licensees?|exporter)\b",
    )
});
/// A comma-separated piece that opens with a condition or a preposition is not the subject.
static NOT_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(upon|at|if|where|when|whenever|unless|on|in|to the extent|subject to|after|before|following|for|with|without|under|by|as|except|save|notwithstanding|pursuant to|within|once|including|and|or)\b",
    )
});

/// Who owes `sentence`: the party named in the subject before its first modal verb.
pub fn obligor(sentence: &str) -> Party {
    let Some(m) = MODAL.find(sentence) else {
        return Party::Unknown;
    };
    let subject = &sentence[..m.start()];
    let piece = subject
        .split([',', '('])
        .rev()
        .find(|p| !p.trim().is_empty() && !NOT_SUBJECT.is_match(p))
        .unwrap_or(subject);
    let last = |re: &Regex| re.find_iter(piece).last().map(|m| m.start());
    match (last(&VENDOR), last(&CUSTOMER)) {
        (Some(v), Some(c)) => {
            // "Customer's processor" is the vendor; "processor's customer" the customer: the head
            // noun is the later one.
            if v > c {
                Party::Vendor
            } else {
                Party::Customer
            }
        }
        (Some(_), None) => Party::Vendor,
        (None, Some(_)) => Party::Customer,
        (None, None) => Party::Unknown,
    }
}

/// How strongly `sentence` binds, and the wording that weakens it.
pub fn force(sentence: &str) -> (Force, Option<String>) {
    if let Some(q) = effort(sentence) {
        return (Force::Effort, Some(q));
    }
    let duty = DUTY.find(sentence).map(|m| m.start());
    let permission = PERMISSION.find(sentence).map(|m| m.start());
    let f = match (duty, permission) {
        (Some(d), Some(p)) if p < d => Force::Permission,
        (Some(_), _) => Force::Duty,
        (None, Some(_)) => Force::Permission,
        (None, None) => Force::Statement,
    };
    (f, None)
}

/// Whether a paragraph is a heading line: short, no closing punctuation, no verb, followed by
/// more text.
fn is_heading(para: &str, followed: bool) -> bool {
    let t = para.trim();
    followed
        && !t.ends_with(['.', ';', ':', '!', '?', ',', ')'])
        && t.split_whitespace().count() <= 12
        && !FINITE.is_match(t)
        && t.chars().next().is_some_and(|c| c.is_uppercase())
}

/// Whether a sentence is a definition.
pub fn is_definition(sentence: &str) -> bool {
    DEFINITION.is_match(sentence)
}

/// Whether a passage is an annex field that states nothing.
pub fn is_empty_field(text: &str) -> bool {
    EMPTY_FIELD.is_match(text.trim())
}

/// The paragraphs of a clause as the reader means them: heading lines marked, a label ending in
/// a colon joined to the content that follows it, an empty label marked empty.
fn paragraphs(text: &str) -> Vec<(String, Kind)> {
    let raw: Vec<&str> = text
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let p = raw[i];
        let next = raw.get(i + 1).copied();
        if LABEL.is_match(p) {
            match next {
                Some(n) if !LABEL.is_match(n) && !is_empty_field(n) => {
                    out.push((format!("{p} {n}"), Kind::Content));
                    i += 2;
                    continue;
                }
                _ => out.push((p.to_string(), Kind::Empty)),
            }
        } else if is_empty_field(p) {
            out.push((p.to_string(), Kind::Empty));
        } else if is_heading(p, next.is_some()) {
            out.push((p.to_string(), Kind::Heading));
        } else {
            out.push((p.to_string(), Kind::Content));
        }
        i += 1;
    }
    out
}

/// The part of each clause: the body until a part title, then annex or transfer parts. A part is
/// a transfer part when its title names standard transfer clauses, when it says it applies only
/// to restricted transfers, or when most of its sentences speak of the data importer or exporter.
pub fn parts(clauses: &[Clause]) -> Vec<Part> {
    let mut starts: Vec<usize> = Vec::new();
    for (i, c) in clauses.iter().enumerate() {
        let title = c.title.as_deref().unwrap_or("");
        let numbered = c.number.as_deref().unwrap_or("");
        if PART_TITLE.is_match(title) || PART_TITLE.is_match(numbered) {
            starts.push(i);
        }
    }
    let mut out = vec![Part::Body; clauses.len()];
    for (k, &s) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(clauses.len());
        let group = &clauses[s..end];
        let title = format!(
            "{} {}",
            group[0].number.as_deref().unwrap_or(""),
            group[0].title.as_deref().unwrap_or("")
        );
        let text: String = group
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let opening: String = text.chars().take(600).collect();
        let sentences: Vec<&str> = text
            .split('\n')
            .flat_map(super::sentences)
            .filter(|s| FINITE.is_match(s) || s.contains(':'))
            .collect();
        let importer = sentences
            .iter()
            .filter(|s| IMPORTER_EXPORTER.is_match(s))
            .count();
        // Standard clauses under Art. 28(7) are not transfer clauses: a title counts only when
        // the part speaks of the data importer or exporter.
        let transfer = TRANSFER_ONLY.is_match(&opening)
            || (importer >= 1 && TRANSFER_TITLE.is_match(&title))
            || (importer >= 2 && importer * 2 >= sentences.len());
        let part = if transfer {
            Part::Transfer
        } else {
            Part::Annex
        };
        for p in &mut out[s..end] {
            *p = part;
        }
    }
    out
}

fn unit(clause: usize, scope: Scope, text: String, part: Part, kind: Kind) -> Unit {
    let part = if IMPORTER_EXPORTER.is_match(&text) {
        Part::Transfer
    } else {
        part
    };
    let (obligor, (force, qualifier)) = if scope == Scope::Sentence {
        (obligor(&text), force(&text))
    } else {
        (Party::Unknown, (Force::Statement, effort(&text)))
    };
    let kind = if kind == Kind::Content && scope == Scope::Sentence && is_definition(&text) {
        Kind::Definition
    } else if kind == Kind::Content && is_empty_field(&text) {
        Kind::Empty
    } else {
        kind
    };
    Unit {
        clause,
        scope,
        text,
        part,
        obligor,
        force,
        qualifier,
        kind,
    }
}

/// The units of a document: each clause whole (heading lines and empty fields left out), each
/// paragraph and each sentence, with the reading of each.
pub fn units(clauses: &[Clause]) -> Vec<Unit> {
    let parts = parts(clauses);
    let mut out = Vec::new();
    for (i, c) in clauses.iter().enumerate() {
        let paras = paragraphs(&c.text);
        let content: Vec<&str> = paras
            .iter()
            .filter(|(_, k)| *k == Kind::Content)
            .map(|(p, _)| p.as_str())
            .collect();
        let body = content.join("\n");
        let whole = match &c.title {
            Some(t) => format!("{t}. {body}"),
            None => body,
        };
        let mut whole_unit = unit(i, Scope::Clause, whole, parts[i], Kind::Content);
        if content.is_empty() {
            whole_unit.kind = Kind::Heading;
        }
        // A clause is transfer text as a whole only when its part is; one sentence about the
        // data importer does not make the clause so.
        whole_unit.part = parts[i];
        out.push(whole_unit);
        for (para, kind) in paras {
            let mut pu = unit(i, Scope::Paragraph, para.clone(), parts[i], kind);
            if kind != Kind::Content {
                pu.kind = kind;
            }
            out.push(pu);
            for s in super::sentences(&para) {
                out.push(unit(i, Scope::Sentence, s.to_string(), parts[i], kind));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obligor_is_the_subject_before_the_verb() {
        assert_eq!(obligor("Processor shall notify Customer."), Party::Vendor);
        assert_eq!(
            obligor("Customer shall ensure its staff comply."),
            Party::Customer
        );
        assert_eq!(
            obligor("If Customer objects, the Processor shall propose a remedy."),
            Party::Vendor
        );
        assert_eq!(
            obligor("The data exporter shall notify the data importer."),
            Party::Customer
        );
        assert_eq!(
            obligor("Personal data is encrypted at rest."),
            Party::Unknown
        );
    }

    #[test]
    fn force_tells_duty_permission_and_effort() {
        assert_eq!(force("Vendor shall delete the data.").0, Force::Duty);
        assert_eq!(force("Customer may audit Vendor.").0, Force::Permission);
        let (f, q) = force("Vendor will use commercially reasonable efforts to notify Customer.");
        assert_eq!(f, Force::Effort);
        assert_eq!(q.as_deref(), Some("commercially reasonable efforts"));
        // Wording the law itself qualifies, in a parenthesis, leaves the duty a duty.
        assert_eq!(
            force("The notification shall contain a description of the nature of the breach (including, where possible, the categories and approximate number of data subjects).").0,
            Force::Duty
        );
        assert_eq!(
            force("Vendor shall, where possible, notify Customer.").0,
            Force::Effort
        );
    }

    #[test]
    fn definitions_headings_and_empty_fields() {
        assert!(is_definition(
            "\"Controller\" means the person which determines the purposes of processing."
        ));
        assert!(is_definition(
            "(c) “Personal Data” has the meaning given in the GDPR."
        ));
        assert!(!is_definition(
            "Processor shall process data only for the purposes."
        ));
        assert!(is_empty_field("Categories of personal data: None"));
        assert!(is_empty_field("Nature of the processing: N/A"));
        assert!(is_empty_field("Duration:"));
        assert!(!is_empty_field("Duration: the term of the Agreement"));
        let p = paragraphs(
            "Prohibition on combining data\nVendor shall not combine data.\nCategories of data subjects:\nEmployees of Customer\nPurpose:\nDuration: None",
        );
        let kinds: Vec<Kind> = p.iter().map(|(_, k)| *k).collect();
        assert_eq!(
            kinds,
            vec![
                Kind::Heading,
                Kind::Content,
                Kind::Content,
                Kind::Empty,
                Kind::Empty
            ]
        );
        assert_eq!(p[2].0, "Categories of data subjects: Employees of Customer");
    }
}
