//! Evidence rules: per requirement, the phrase patterns that show a document meets it, falls short, or runs against it.
//!
//! Rules are data (`clauses/evidence.toml`, built in and overridable by the workspace file of the
//! same name, rule by rule). A pattern is a case-insensitive regular expression matched at word
//! boundaries; `{name}` expands to the synonyms of `[synonyms] name`. A rule's `all` lists the
//! elements that must co-occur in one unit of text (a sentence by default).

use std::collections::BTreeMap;

use regex::Regex;

use crate::diag::{Diagnostic, Diagnostics};
use crate::library::reader::Reader;
use crate::model::schema::parse_document;

/// Path of the evidence rules inside a workspace, and of the built-in file.
pub const EVIDENCE: &str = "clauses/evidence.toml";

/// The built-in rules, compiled in from the file itself so that the library rebuilds whenever
/// the rules change.
const BUILT_IN: &str = include_str!("../../../../clauses/evidence.toml");

/// The span of text in which a rule's elements must co-occur.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One sentence (or list item).
    Sentence,
    /// One paragraph.
    Paragraph,
    /// The whole clause, heading included.
    Clause,
}

/// Elements that must all occur in one unit of text.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// One compiled alternative set per element.
    pub elements: Vec<Regex>,
    /// Elements that must not occur in the same unit (a negation such as "not" or "on request").
    pub none: Vec<Regex>,
    /// Where the elements must co-occur.
    pub scope: Scope,
}

impl Pattern {
    /// Whether every element occurs in `text`.
    pub fn matches(&self, text: &str) -> bool {
        self.elements.iter().all(|re| re.is_match(text))
            && !self.none.iter().any(|re| re.is_match(text))
    }
}

/// A pattern with the reason it weakens or counts against a requirement.
#[derive(Debug, Clone)]
pub struct Qualified {
    /// What must co-occur.
    pub pattern: Pattern,
    /// Why it is partial or contrary, in the reviewer's words ("audits limited to reports").
    pub because: String,
}

/// Who must owe a sentence for it to count as evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwedBy {
    /// The vendor's duties only: a duty of the customer or data exporter does not count
    /// (its rights, "Customer may audit", still do).
    Vendor,
    /// Either party (the requirement is about the controller's own rights and duties).
    Any,
}

/// What wording in standard clauses that bind only restricted transfers is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferUse {
    /// It meets the requirement (a requirement of the transfer framework itself).
    Satisfies,
    /// At most partial: it does not bind all processing.
    Partial,
    /// Nothing: the framework's data is never a restricted transfer (Californian data).
    Ignored,
}

/// Conditions per framework: what a document must speak of for any requirement of the
/// framework to count, and what transfer clauses are worth for it.
#[derive(Debug, Clone)]
pub struct FrameworkRule {
    /// Patterns of which one must occur somewhere in the document.
    pub document: Vec<Regex>,
    /// Why the framework's requirements are missing when none occurs.
    pub because: String,
    /// What transfer clauses are worth for the framework's requirements.
    pub transfer_clauses: TransferUse,
}

/// A clause anywhere in the document that undermines several requirements: a carve-out, a
/// unilateral right to amend, an audit limit.
#[derive(Debug, Clone)]
pub struct Undermine {
    /// The wording.
    pub pattern: Pattern,
    /// What it does, in the reviewer's words.
    pub because: String,
    /// Requirement ids it limits; `gdpr.*` stands for every id of a prefix.
    pub affects: Vec<String>,
}

impl Undermine {
    /// Whether it limits requirement `id`.
    pub fn affects(&self, id: &str) -> bool {
        self.affects.iter().any(|a| match a.strip_suffix('*') {
            Some(prefix) => id.starts_with(prefix),
            None => a == id,
        })
    }
}

/// The evidence rules of one requirement.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The requirement id.
    pub requirement: String,
    /// Patterns that must each occur somewhere in the document for anything to count
    /// (a CCPA term needs a document that speaks of the CCPA).
    pub document: Vec<Regex>,
    /// Any one of these, matched, shows the requirement met.
    pub satisfied: Vec<Pattern>,
    /// Weaker wording: partial when nothing satisfies.
    pub partial: Vec<Qualified>,
    /// Wording that limits or contradicts it: at most partial when found.
    pub against: Vec<Qualified>,
    /// Whose sentences count.
    pub owed_by: OwedBy,
    /// What transfer clauses are worth, when the rule says (else its framework decides).
    pub transfer_clauses: Option<TransferUse>,
    /// The file the rule came from.
    pub file: String,
}

/// Every requirement's rules, by requirement id, with the per-framework conditions and the
/// clauses that undermine several requirements.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    rules: BTreeMap<String, Rule>,
    /// Per framework name.
    pub frameworks: BTreeMap<String, FrameworkRule>,
    /// Carve-outs and limits, matched anywhere in the document.
    pub undermines: Vec<Undermine>,
}

/// What one evidence file holds.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    /// Per-requirement rules.
    pub rules: Vec<Rule>,
    /// Per-framework conditions.
    pub frameworks: BTreeMap<String, FrameworkRule>,
    /// Undermining clauses.
    pub undermines: Vec<Undermine>,
}

impl Rules {
    /// The rule of one requirement.
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.get(id)
    }

    /// Number of requirements with rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Loads the built-in rules, then the workspace's `clauses/evidence.toml` over them (same requirement wins).
    pub fn load(workspace: Option<&std::path::Path>, diags: &mut Diagnostics) -> Rules {
        let mut rules = Rules::default();
        rules.merge(parse(EVIDENCE, BUILT_IN, diags));
        if let Some(root) = workspace {
            let file = root.join(EVIDENCE);
            if file.is_file() {
                match crate::files::read_text(root, &file) {
                    Ok((name, text)) => rules.merge(parse(&name, &text, diags)),
                    Err(d) => diags.push(d),
                }
            }
        }
        rules
    }

    fn merge(&mut self, parsed: Parsed) {
        for rule in parsed.rules {
            self.insert(rule);
        }
        self.frameworks.extend(parsed.frameworks);
        if !parsed.undermines.is_empty() {
            self.undermines = parsed.undermines;
        }
    }

    /// What transfer clauses are worth for requirement `id` of `framework`.
    pub fn transfer_use(&self, id: &str, framework: &str) -> TransferUse {
        self.get(id)
            .and_then(|r| r.transfer_clauses)
            .or_else(|| self.frameworks.get(framework).map(|f| f.transfer_clauses))
            .unwrap_or(TransferUse::Partial)
    }

    /// Adds a rule, replacing any earlier rule of the same requirement.
    pub fn insert(&mut self, rule: Rule) {
        self.rules.insert(rule.requirement.clone(), rule);
    }
}

/// Expands `{name}` references to synonym groups; unknown names are reported.
fn expand(src: &str, synonyms: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let name = &after[..j];
        // `{2,3}` is a regex repetition, not a synonym.
        if name.chars().all(|c| c.is_ascii_digit() || c == ',') {
            out.push('{');
            out.push_str(name);
            out.push('}');
        } else {
            match synonyms.get(name) {
                Some(s) => {
                    out.push_str("(?:");
                    out.push_str(s);
                    out.push(')');
                }
                None => return Err(format!("unknown synonym group `{{{name}}}`")),
            }
        }
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Compiles one element: case-insensitive, at word boundaries, typographic quotes folded.
fn compile(src: &str, synonyms: &BTreeMap<String, String>) -> Result<Regex, String> {
    let expanded = expand(src, synonyms)?;
    regex::RegexBuilder::new(&format!(r"(?i)\b(?:{expanded})\b"))
        .size_limit(1 << 20)
        .build()
        .map_err(|e| format!("invalid pattern: {e}"))
}

/// Compiles a list of patterns found under `key`, reporting bad ones.
fn regexes(
    r: &mut Reader<'_>,
    t: &dyn toml_edit::TableLike,
    key: &str,
    span: Option<std::ops::Range<usize>>,
    synonyms: &BTreeMap<String, String>,
) -> Vec<Regex> {
    let mut out = Vec::new();
    if let Some(arr) = t.get(key).and_then(|v| v.as_array()) {
        for v in arr.iter() {
            match v.as_str().map(|s| compile(s, synonyms)) {
                Some(Ok(re)) => out.push(re),
                Some(Err(msg)) => {
                    r.error(v.span().or(span.clone()), msg);
                }
                None => {
                    r.error(v.span().or(span.clone()), "a pattern must be a string");
                }
            }
        }
    }
    out
}

fn transfer_use(
    r: &mut Reader<'_>,
    t: &dyn toml_edit::TableLike,
    prefix: &str,
    span: Option<std::ops::Range<usize>>,
) -> Option<TransferUse> {
    match r
        .choice(
            t,
            prefix,
            "transfer_clauses",
            &["satisfies", "partial", "ignored"],
            false,
            span,
        )
        .as_deref()
    {
        Some("satisfies") => Some(TransferUse::Satisfies),
        Some("partial") => Some(TransferUse::Partial),
        Some("ignored") => Some(TransferUse::Ignored),
        _ => None,
    }
}

/// Parses an evidence file, reporting every problem to `diags`.
pub fn parse(file: &str, text: &str, diags: &mut Diagnostics) -> Parsed {
    let doc = match parse_document(file, text) {
        Ok(doc) => doc,
        Err(d) => {
            diags.push(d);
            return Parsed::default();
        }
    };
    let mut r = Reader::new(file, diags);
    let t = doc.as_table();
    r.check_keys(t, "", &["synonyms", "framework", "undermines", "evidence"]);
    let mut synonyms = BTreeMap::new();
    if let Some(table) = t.get("synonyms").and_then(|i| i.as_table()) {
        for (k, v) in table.iter() {
            match v.as_str() {
                Some(s) => {
                    synonyms.insert(k.to_string(), s.to_string());
                }
                None => {
                    let span = r.span_of(&format!("synonyms.{k}"));
                    r.error(span, format!("synonym group `{k}` must be a string"));
                }
            }
        }
    }
    let mut parsed = Parsed::default();
    if let Some((ft, _)) = r.table(t, "", "framework", false, None) {
        for (name, item) in ft.iter() {
            let p = format!("framework.{name}");
            let Some(fw) = item.as_table_like() else {
                let span = r.span_of(&p);
                r.error(span, format!("`{p}` must be a table"));
                continue;
            };
            let span = r.span_of(&p);
            r.check_keys(fw, &p, &["document", "because", "transfer_clauses"]);
            let document = regexes(&mut r, fw, "document", span.clone(), &synonyms);
            let because = r
                .string(fw, &p, "because", !document.is_empty(), span.clone())
                .unwrap_or_default();
            let transfer_clauses =
                transfer_use(&mut r, fw, &p, span).unwrap_or(TransferUse::Partial);
            parsed.frameworks.insert(
                name.to_string(),
                FrameworkRule {
                    document,
                    because,
                    transfer_clauses,
                },
            );
        }
    }
    for (i, (ut, span)) in r.tables(t, "", "undermines").into_iter().enumerate() {
        let p = format!("undermines[{i}]");
        r.check_keys(ut, &p, &["all", "none", "scope", "because", "affects"]);
        let pattern = pattern(&mut r, ut, &p, span.clone(), &synonyms);
        let because = r
            .string(ut, &p, "because", true, span.clone())
            .unwrap_or_default();
        let affects = r
            .strings(ut, &p, "affects", true, span.clone())
            .unwrap_or_default();
        parsed.undermines.push(Undermine {
            pattern,
            because,
            affects,
        });
    }
    let out = &mut parsed.rules;
    for (i, (rt, span)) in r.tables(t, "", "evidence").into_iter().enumerate() {
        let p = format!("evidence[{i}]");
        r.check_keys(
            rt,
            &p,
            &[
                "requirement",
                "document",
                "owed_by",
                "transfer_clauses",
                "satisfied",
                "partial",
                "against",
            ],
        );
        let Some(requirement) = r.string(rt, &p, "requirement", true, span.clone()) else {
            continue;
        };
        let document = regexes(&mut r, rt, "document", span.clone(), &synonyms);
        let owed_by = match r
            .choice(rt, &p, "owed_by", &["vendor", "any"], false, span.clone())
            .as_deref()
        {
            Some("any") => OwedBy::Any,
            _ => OwedBy::Vendor,
        };
        let transfer_clauses = transfer_use(&mut r, rt, &p, span.clone());
        let mut rule = Rule {
            requirement,
            document,
            satisfied: Vec::new(),
            partial: Vec::new(),
            against: Vec::new(),
            owed_by,
            transfer_clauses,
            file: file.to_string(),
        };
        for key in ["satisfied", "partial", "against"] {
            for (j, (pt, pspan)) in r.tables(rt, &p, key).into_iter().enumerate() {
                let pp = format!("{p}.{key}[{j}]");
                let allowed: &[&str] = if key == "satisfied" {
                    &["all", "none", "scope"]
                } else {
                    &["all", "none", "scope", "because"]
                };
                r.check_keys(pt, &pp, allowed);
                let pattern = pattern(&mut r, pt, &pp, pspan.clone(), &synonyms);
                if key == "satisfied" {
                    rule.satisfied.push(pattern);
                } else {
                    let because = r
                        .string(pt, &pp, "because", true, pspan.clone())
                        .unwrap_or_default();
                    let q = Qualified { pattern, because };
                    if key == "partial" {
                        rule.partial.push(q);
                    } else {
                        rule.against.push(q);
                    }
                }
            }
        }
        if rule.satisfied.is_empty() {
            r.error(
                span.clone(),
                format!(
                    "evidence for `{}` needs at least one [[evidence.satisfied]] pattern",
                    rule.requirement
                ),
            );
            continue;
        }
        if out.iter().any(|q| q.requirement == rule.requirement) {
            let at = r.span_of(&format!("{p}.requirement"));
            r.error(
                at,
                format!("evidence for `{}` is listed twice", rule.requirement),
            );
            continue;
        }
        out.push(rule);
    }
    parsed
}

/// One pattern table: `all`, `none`, `scope`.
fn pattern(
    r: &mut Reader<'_>,
    pt: &dyn toml_edit::TableLike,
    pp: &str,
    pspan: Option<std::ops::Range<usize>>,
    synonyms: &BTreeMap<String, String>,
) -> Pattern {
    let scope = match r
        .choice(
            pt,
            pp,
            "scope",
            &["sentence", "paragraph", "clause"],
            false,
            None,
        )
        .as_deref()
    {
        Some("paragraph") => Scope::Paragraph,
        Some("clause") => Scope::Clause,
        _ => Scope::Sentence,
    };
    let elements = regexes(r, pt, "all", pspan.clone(), synonyms);
    if pt
        .get("all")
        .and_then(|v| v.as_array())
        .is_none_or(|a| a.is_empty())
    {
        r.error(
            pspan.clone(),
            format!("`{pp}` needs `all`: a non-empty list of patterns"),
        );
    }
    let none = regexes(r, pt, "none", pspan, synonyms);
    Pattern {
        elements,
        none,
        scope,
    }
}

/// Reports rules for requirements the registry does not know.
pub fn check_references(rules: &Rules, ids: &[&str], diags: &mut Diagnostics) {
    for rule in rules.rules.values() {
        if !ids.contains(&rule.requirement.as_str()) {
            diags.push(
                Diagnostic::error(
                    &rule.file,
                    None,
                    format!(
                        "evidence rules for `{}`, which is not in the requirement registry",
                        rule.requirement
                    ),
                )
                .with_hint("requirement ids are listed in clauses/requirements.toml"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_expand_and_match_at_word_boundaries() {
        let text = "[synonyms]\nctl = \"controller|customer\"\n\n[[evidence]]\nrequirement = \"x.1\"\n[[evidence.satisfied]]\nall = [\"audit(s|ing)?\", \"{ctl}\"]\n[[evidence.partial]]\nall = [\"reports?\"]\nbecause = \"reports only\"\n";
        let mut d = Diagnostics::new();
        let rules = parse("e.toml", text, &mut d).rules;
        assert!(d.is_empty(), "{d:?}");
        let p = &rules[0].satisfied[0];
        assert!(p.matches("The Customer may conduct audits."));
        assert!(!p.matches("The Customers may conduct audits."));
        assert!(!p.matches("The processor may conduct audits."));
        assert_eq!(rules[0].partial[0].because, "reports only");
    }

    #[test]
    fn reports_unknown_synonyms_bad_regex_and_duplicates() {
        let text = "[[evidence]]\nrequirement = \"x.1\"\n[[evidence.satisfied]]\nall = [\"{nope}\"]\n\n[[evidence]]\nrequirement = \"x.2\"\n[[evidence.satisfied]]\nall = [\"(unclosed\"]\n\n[[evidence]]\nrequirement = \"x.3\"\n[[evidence.satisfied]]\nall = [\"a\"]\n\n[[evidence]]\nrequirement = \"x.3\"\n[[evidence.satisfied]]\nall = [\"b\"]\n";
        let mut d = Diagnostics::new();
        let rules = parse("e.toml", text, &mut d).rules;
        let msgs: Vec<&str> = d.iter().map(|e| e.message.as_str()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("unknown synonym group `{nope}`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("invalid pattern")),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.contains("listed twice")), "{msgs:?}");
        assert_eq!(rules.len(), 3);
    }
}
