//! Review of a DPA of any origin against the requirement registry: per requirement satisfied, partial or missing, with quoted evidence.
//!
//! The document is read by [`crate::documents::read_text`], the one reader of documents from
//! elsewhere, as clauses; each
//! applicable requirement's evidence rules ([`rules`]) are matched against the clauses' sentences,
//! paragraphs or whole text. The result says where the evidence is (clause number, heading, the
//! quoted sentence) and, for `partial`, what fell short.

pub mod html;
pub mod model;
pub mod rules;

use serde::Serialize;

use crate::diff::Clause;
use crate::library::Requirement;
pub use rules::{OwedBy, Rules, Scope, TransferUse};

use model::{Force, Kind, Part, Party, Unit};

/// Directory of saved reviews in a workspace (`reviews/<sha256>.json`).
pub const REVIEWS_DIR: &str = "reviews";

/// How far a document meets one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The document says what the requirement asks.
    Satisfied,
    /// It says something weaker, or limits it.
    Partial,
    /// Nothing in the document says it.
    Missing,
    /// The evidence is weak or conflicting: a person must read the quoted clauses.
    #[serde(rename = "to read")]
    ToRead,
    /// No evidence rule exists for the requirement, so it was not checked.
    Unchecked,
}

impl Status {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Satisfied => "satisfied",
            Status::Partial => "partial",
            Status::Missing => "missing",
            Status::ToRead => "to read",
            Status::Unchecked => "unchecked",
        }
    }
}

/// What a quoted passage shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bearing {
    /// It meets the requirement.
    Supports,
    /// It meets it only in part.
    Partial,
    /// It limits or contradicts it.
    Against,
}

/// One quoted passage and where it is.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// Index of the clause in the document's clause list.
    pub clause: usize,
    /// The clause number as the reader sees it.
    pub number: Option<String>,
    /// The clause heading.
    pub heading: Option<String>,
    /// The quoted sentence (or paragraph, for rules scoped wider).
    pub quote: String,
    /// What it shows.
    pub bearing: Bearing,
    /// Why it is partial or against.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
}

/// The review of one requirement.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Requirement id.
    pub requirement: String,
    /// Its name in plain English ([`Requirement::name`]).
    pub name: String,
    /// Its framework.
    pub framework: String,
    /// Legal citation.
    pub citation: String,
    /// What the agreement must say.
    pub summary: String,
    /// `required`, `recommended` or `optional`.
    pub level: String,
    /// The verdict.
    pub status: Status,
    /// What made it partial or missing despite some wording.
    pub reasons: Vec<String>,
    /// Quoted passages, supporting ones first.
    pub evidence: Vec<Evidence>,
}

/// Counts per status.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    /// Satisfied requirements.
    pub satisfied: usize,
    /// Partial ones.
    pub partial: usize,
    /// Missing ones.
    pub missing: usize,
    /// Ones a person must read.
    pub to_read: usize,
    /// Requirements without evidence rules.
    pub unchecked: usize,
}

/// The review of one document.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    /// The document as named on the command line.
    pub document: String,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
    /// Its format.
    pub format: String,
    /// Frameworks reviewed.
    pub frameworks: Vec<String>,
    /// The vendor whose record decided what applies, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Counts per status.
    pub counts: Counts,
    /// Clauses that undermine several requirements, those that reach most first.
    pub undermining: Vec<Undermining>,
    /// One finding per applicable requirement, in registry order.
    pub findings: Vec<Finding>,
    /// The document's clauses, for the HTML report.
    #[serde(skip)]
    pub clauses: Vec<Clause>,
}

impl Review {
    /// Whether a required requirement is missing or could not be checked: the exit status 1 case.
    pub fn has_gaps(&self) -> bool {
        self.findings.iter().any(|f| {
            f.level == "required" && matches!(f.status, Status::Missing | Status::Unchecked)
        })
    }
}

/// Most quotes kept per requirement and bearing.
const MAX_QUOTES: usize = 3;
/// Longest quote, in characters.
const MAX_QUOTE_CHARS: usize = 600;

/// A clause that limits several requirements at once, quoted where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct Undermining {
    /// Index of the clause in the document's clause list.
    pub clause: usize,
    /// The clause number as the reader sees it.
    pub number: Option<String>,
    /// The clause heading.
    pub heading: Option<String>,
    /// The quoted sentence.
    pub quote: String,
    /// What it does.
    pub because: String,
    /// The reviewed requirements it limits (ids).
    pub requirements: Vec<String>,
    /// Their names in plain English, in the same order.
    pub names: Vec<String>,
}

/// The result of reviewing a document.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// One finding per requirement.
    pub findings: Vec<Finding>,
    /// Counts per status.
    pub counts: Counts,
    /// Clauses that undermine requirements, those that reach most first.
    pub undermining: Vec<Undermining>,
}

/// Abbreviations after which a period does not end a sentence.
const ABBREVIATIONS: [&str; 16] = [
    "e.g", "i.e", "etc", "no", "art", "arts", "para", "cf", "inc", "ltd", "co", "corp", "u.s",
    "sec", "vs", "seq",
];

/// Splits a paragraph into sentences: at `.`, `?`, `!` or `;` followed by a space and a capital, a
/// quote or a bracket, except after an abbreviation, an initial or a clause number.
pub fn sentences(paragraph: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = paragraph.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if matches!(c, b'.' | b'?' | b'!' | b';') && bytes.get(i + 1) == Some(&b' ') {
            let next = paragraph[i + 2..].chars().next();
            let starts_sentence = next.is_some_and(|n| {
                n.is_uppercase() || matches!(n, '(' | '"' | '\u{201C}' | '\'' | '\u{2018}')
            });
            let word_before = paragraph[start..i]
                .rsplit(|ch: char| ch.is_whitespace() || ch == '(')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let abbreviation = c == b'.'
                && (ABBREVIATIONS.contains(&word_before.as_str())
                    || word_before.chars().count() == 1
                    || word_before
                        .chars()
                        .all(|ch| ch.is_ascii_digit() || ch == '.'));
            if starts_sentence && !abbreviation {
                let s = paragraph[start..=i].trim();
                if !s.is_empty() {
                    out.push(s);
                }
                start = i + 1;
            }
        }
        i += 1;
    }
    let s = paragraph[start..].trim();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

fn quote(text: &str) -> String {
    if text.chars().count() <= MAX_QUOTE_CHARS {
        return text.to_string();
    }
    let mut q: String = text.chars().take(MAX_QUOTE_CHARS).collect();
    q.push('\u{2026}');
    q
}

fn evidence(clauses: &[Clause], unit: &Unit, bearing: Bearing, because: Option<&str>) -> Evidence {
    let c = &clauses[unit.clause];
    Evidence {
        clause: unit.clause,
        number: c.number.clone(),
        heading: c.title.clone(),
        quote: quote(&unit.text),
        bearing,
        because: because.map(str::to_string),
    }
}

/// Finds up to [`MAX_QUOTES`] units matching `pattern`, skipping passages already quoted.
fn find(
    units: &[&Unit],
    pattern: &rules::Pattern,
    clauses: &[Clause],
    bearing: Bearing,
    because: Option<&str>,
    out: &mut Vec<Evidence>,
) -> bool {
    let mut found = false;
    for u in units.iter().copied().filter(|u| u.scope == pattern.scope) {
        if pattern.matches(&u.text) {
            found = true;
            let already = out
                .iter()
                .any(|e| e.clause == u.clause && e.quote == quote(&u.text));
            let kept = out.iter().filter(|e| e.bearing == bearing).count();
            if !already && kept < MAX_QUOTES {
                out.push(evidence(clauses, u, bearing, because));
            }
            if kept + 1 >= MAX_QUOTES {
                break;
            }
        }
    }
    found
}

/// Whether a unit can be evidence for `rule` at all: content (no definition, heading or empty
/// field), and no duty owed by the customer when the rule asks for the vendor's.
fn admissible(u: &Unit, rule: &rules::Rule) -> bool {
    u.kind == Kind::Content
        && !(rule.owed_by == OwedBy::Vendor
            && u.obligor == Party::Customer
            && matches!(u.force, Force::Duty | Force::Effort))
}

/// Reviews one requirement against the document's units.
fn review_one(
    req: &Requirement,
    rules: &Rules,
    clauses: &[Clause],
    units: &[Unit],
    undermining: &[(usize, &rules::Undermine)],
) -> Finding {
    let mut finding = Finding {
        requirement: req.id.clone(),
        name: req.name(),
        framework: req.framework.to_string(),
        citation: req.citation.clone(),
        summary: req.summary.clone(),
        level: req.level.clone(),
        status: Status::Unchecked,
        reasons: Vec::new(),
        evidence: Vec::new(),
    };
    let Some(rule) = rules.get(&req.id) else {
        finding
            .reasons
            .push("no evidence rule for this requirement in clauses/evidence.toml".into());
        return finding;
    };
    if let Some(fw) = rules.frameworks.get(req.framework.as_str())
        && !fw.document.is_empty()
        && !fw.document.iter().any(|re| {
            units
                .iter()
                .any(|u| u.kind == Kind::Content && re.is_match(&u.text))
        })
    {
        finding.status = Status::Missing;
        finding.reasons.push(fw.because.clone());
        return finding;
    }
    if rule
        .document
        .iter()
        .any(|re| !clauses.iter().any(|c| re.is_match(&c.text)))
    {
        finding.status = Status::Missing;
        finding.reasons.push(format!(
            "the document never refers to the {}",
            req.framework.as_str().to_uppercase()
        ));
        return finding;
    }
    let transfer = rules.transfer_use(&req.id, req.framework.as_str());
    let general: Vec<&Unit> = units
        .iter()
        .filter(|u| {
            admissible(u, rule) && (u.part != Part::Transfer || transfer == TransferUse::Satisfies)
        })
        .collect();
    let transfer_units: Vec<&Unit> = units
        .iter()
        .filter(|u| {
            admissible(u, rule) && u.part == Part::Transfer && transfer == TransferUse::Partial
        })
        .collect();
    let mut supports = Vec::new();
    for p in &rule.satisfied {
        find(&general, p, clauses, Bearing::Supports, None, &mut supports);
    }
    // Support in full needs a duty: a sentence of efforts or possibility is partial; a mere
    // permission of the vendor is for a person to read.
    let mut partial = Vec::new();
    let mut qualified: Vec<String> = Vec::new();
    let mut permissive = false;
    let strength = |e: &Evidence| -> Option<&Unit> {
        general
            .iter()
            .copied()
            .find(|u| u.clause == e.clause && quote(&u.text) == e.quote)
    };
    let mut strong = Vec::new();
    for e in supports {
        match strength(&e) {
            Some(u) if u.qualifier.is_some() && u.obligor != Party::Customer => {
                let q = u.qualifier.clone().unwrap_or_default();
                let because = format!("qualified by \"{q}\" where a firm duty is required");
                qualified.push(because.clone());
                partial.push(Evidence {
                    bearing: Bearing::Partial,
                    because: Some(because),
                    ..e
                });
            }
            Some(u)
                if u.scope == Scope::Sentence
                    && u.force == Force::Permission
                    && u.obligor != Party::Customer
                    && rule.owed_by == OwedBy::Vendor =>
            {
                permissive = true;
                partial.push(Evidence {
                    bearing: Bearing::Partial,
                    because: Some("only a permission of the vendor, not a duty".into()),
                    ..e
                });
            }
            _ => strong.push(e),
        }
    }
    let satisfied = !strong.is_empty();
    finding.reasons.extend(qualified.iter().cloned());
    let mut in_transfers = false;
    if !satisfied {
        let mut found = Vec::new();
        for p in &rule.satisfied {
            find(
                &transfer_units,
                p,
                clauses,
                Bearing::Partial,
                Some(TRANSFERS_ONLY),
                &mut found,
            );
        }
        if !found.is_empty() {
            in_transfers = true;
            finding.reasons.push(TRANSFERS_ONLY.into());
            partial.extend(found);
        }
        for q in &rule.partial {
            if find(
                &general,
                &q.pattern,
                clauses,
                Bearing::Partial,
                Some(&q.because),
                &mut partial,
            ) {
                finding.reasons.push(q.because.clone());
            }
        }
    }
    let content: Vec<&Unit> = units.iter().filter(|u| u.kind == Kind::Content).collect();
    let mut against = Vec::new();
    for q in &rule.against {
        if find(
            &content,
            &q.pattern,
            clauses,
            Bearing::Against,
            Some(&q.because),
            &mut against,
        ) {
            finding.reasons.push(q.because.clone());
        }
    }
    for (i, um) in undermining {
        if um.affects(&req.id) {
            let u = &units[*i];
            let already = against
                .iter()
                .any(|e| e.clause == u.clause && e.quote == quote(&u.text));
            if !already {
                against.push(evidence(clauses, u, Bearing::Against, Some(&um.because)));
            }
            finding.reasons.push(um.because.clone());
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    finding.reasons.retain(|r| seen.insert(r.clone()));
    let only_permission = !satisfied && permissive && qualified.is_empty() && !in_transfers;
    finding.status = match (satisfied, !partial.is_empty(), !against.is_empty()) {
        _ if only_permission => Status::ToRead,
        (true, _, false) => Status::Satisfied,
        (true, _, true) | (false, true, _) => Status::Partial,
        (false, false, _) => Status::Missing,
    };
    if finding.status == Status::ToRead {
        finding
            .reasons
            .push("only a permission of the vendor, not a duty: read the clause".into());
    }
    finding.evidence.extend(strong);
    finding.evidence.extend(partial);
    finding.evidence.extend(against);
    finding
}

/// Why wording found only in transfer clauses is partial.
const TRANSFERS_ONLY: &str = "only in standard clauses that govern restricted transfers";

/// Reviews `clauses` against each of `requirements` with `rules`: the document is modelled first
/// ([`model`]), then each requirement is matched against the units that can bear on it.
pub fn review(clauses: &[Clause], requirements: &[&Requirement], rules: &Rules) -> Outcome {
    let units = model::units(clauses);
    // Undermining clauses, matched once over the whole document.
    let mut hits: Vec<(usize, &rules::Undermine)> = Vec::new();
    for um in &rules.undermines {
        let mut n = 0;
        for (i, u) in units.iter().enumerate() {
            if u.kind == Kind::Content && u.scope == um.pattern.scope && um.pattern.matches(&u.text)
            {
                hits.push((i, um));
                n += 1;
                if n >= MAX_QUOTES {
                    break;
                }
            }
        }
    }
    let findings: Vec<Finding> = requirements
        .iter()
        .map(|r| review_one(r, rules, clauses, &units, &hits))
        .collect();
    let mut undermining: Vec<Undermining> = Vec::new();
    for (i, um) in &hits {
        let u = &units[*i];
        let reached: Vec<&Requirement> = requirements
            .iter()
            .copied()
            .filter(|r| um.affects(&r.id))
            .collect();
        if reached.is_empty() {
            continue;
        }
        let c = &clauses[u.clause];
        let q = quote(&u.text);
        if let Some(existing) = undermining
            .iter_mut()
            .find(|x| x.clause == u.clause && x.quote == q)
        {
            existing.because = format!("{}; {}", existing.because, um.because);
            for r in reached {
                if !existing.requirements.contains(&r.id) {
                    existing.requirements.push(r.id.clone());
                    existing.names.push(r.name());
                }
            }
            continue;
        }
        undermining.push(Undermining {
            clause: u.clause,
            number: c.number.clone(),
            heading: c.title.clone(),
            quote: q,
            because: um.because.clone(),
            requirements: reached.iter().map(|r| r.id.clone()).collect(),
            names: reached.iter().map(|r| r.name()).collect(),
        });
    }
    undermining.sort_by(|a, b| {
        b.requirements
            .len()
            .cmp(&a.requirements.len())
            .then(a.clause.cmp(&b.clause))
    });
    let mut counts = Counts::default();
    for f in &findings {
        match f.status {
            Status::Satisfied => counts.satisfied += 1,
            Status::Partial => counts.partial += 1,
            Status::Missing => counts.missing += 1,
            Status::ToRead => counts.to_read += 1,
            Status::Unchecked => counts.unchecked += 1,
        }
    }
    Outcome {
        findings,
        counts,
        undermining,
    }
}

/// The facts assumed when no vendor record is given, in the tree `when` conditions read
/// ([`crate::select::facts`]): a processor and CCPA service provider that uses sub-processors
/// under a general authorisation and handles no special-category data.
pub fn typical_facts() -> serde_json::Value {
    use crate::model::{Authorisation, CcpaRole, GdprRole, Mechanism};
    serde_json::json!({
        "has_subprocessors": true,
        "has_sensitive_data": false,
        "vendor": {
            "processing": {
                "ccpa_role": CcpaRole::ServiceProvider,
                "gdpr_role": GdprRole::Processor,
            },
            "transfers": {
                "subprocessor_authorisation": Authorisation::General,
                "mechanism": Mechanism::Scc,
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;

    #[test]
    fn splits_sentences_but_not_abbreviations_or_numbers() {
        let s = sentences(
            "The processor shall, e.g. by Art. 28, act. See Clause 7.1. (b) Audits are allowed; The end",
        );
        assert_eq!(
            s,
            vec![
                "The processor shall, e.g. by Art. 28, act.",
                "See Clause 7.1. (b) Audits are allowed;",
                "The end"
            ]
        );
    }

    #[test]
    fn typical_facts_name_only_known_paths() {
        fn leaves(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
            match v.as_object() {
                Some(m) => m.iter().for_each(|(k, x)| {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    leaves(x, &p, out)
                }),
                None => out.push(path.to_string()),
            }
        }
        let mut paths = Vec::new();
        leaves(&typical_facts(), "", &mut paths);
        assert_eq!(paths.len(), 6, "{paths:?}");
        let known = crate::model::facts::known_paths();
        for p in &paths {
            assert!(crate::model::facts::is_known(p, known), "{p}");
        }
    }

    fn req(id: &str) -> Requirement {
        Requirement {
            id: id.into(),
            framework: crate::model::framework::Framework::Gdpr,
            citation: "c".into(),
            summary: "s".into(),
            mark: "V".into(),
            level: "required".into(),
            when: None,
            when_source: None,
            file: "r.toml".into(),
        }
    }

    fn clause(number: &str, title: &str, text: &str) -> Clause {
        Clause {
            key: None,
            number: Some(number.into()),
            title: Some(title.into()),
            text: text.into(),
        }
    }

    #[test]
    fn satisfied_partial_against_and_missing() {
        let text = "[[evidence]]\nrequirement = \"a\"\n[[evidence.satisfied]]\nall = [\"audits?\", \"permit|allow\"]\n[[evidence.partial]]\nall = [\"audit reports?\"]\nbecause = \"audits limited to reports\"\n\n[[evidence]]\nrequirement = \"b\"\n[[evidence.satisfied]]\nall = [\"only for the purposes\"]\n[[evidence.against]]\nall = [\"improve its own products\"]\nbecause = \"own use allowed\"\n\n[[evidence]]\nrequirement = \"c\"\n[[evidence.satisfied]]\nall = [\"deleted\"]\n";
        let mut d = Diagnostics::new();
        let mut rules = Rules::default();
        for r in rules::parse("e.toml", text, &mut d).rules {
            rules.insert(r);
        }
        assert!(d.is_empty(), "{d:?}");
        let (a, b, c, x) = (req("a"), req("b"), req("c"), req("x"));
        let reqs = [&a, &b, &c, &x];
        let doc = [
            clause(
                "4",
                "Audits",
                "Vendor will provide its audit reports on request.",
            ),
            clause(
                "5",
                "Use",
                "Vendor processes data only for the purposes of the Agreement. Vendor may use Customer Data to improve its own products.",
            ),
        ];
        let Outcome {
            findings: f,
            counts,
            ..
        } = review(&doc, &reqs, &rules);
        assert_eq!(f[0].status, Status::Partial);
        assert_eq!(f[0].reasons, vec!["audits limited to reports"]);
        assert_eq!(f[0].evidence[0].number.as_deref(), Some("4"));
        assert_eq!(f[1].status, Status::Partial);
        assert!(f[1].evidence.iter().any(|e| e.bearing == Bearing::Against
            && e.quote == "Vendor may use Customer Data to improve its own products."));
        assert_eq!(f[2].status, Status::Missing);
        assert!(f[2].evidence.is_empty());
        assert_eq!(f[3].status, Status::Unchecked);
        assert_eq!(
            (counts.partial, counts.missing, counts.unchecked),
            (2, 1, 1)
        );
    }
}
