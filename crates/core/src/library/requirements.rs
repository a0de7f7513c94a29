//! The requirement registry: every statutory requirement with its citation and the facts that make it apply.

use serde::Serialize;

use super::clause::{When, parse_when, warn_deprecated};
use super::reader::Reader;
use crate::diag::Diagnostics;
use crate::model::facts::Framework;
use crate::model::schema::parse_document;

/// One requirement an agreement must meet.
#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    /// Stable id, e.g. `gdpr.28.3.a`.
    pub id: String,
    /// Framework it belongs to.
    pub framework: Framework,
    /// Legal citation.
    pub citation: String,
    /// What the agreement must say.
    pub summary: String,
    /// `V` (checked against the primary text) or `S` (secondary sources only).
    pub mark: String,
    /// `required`, `recommended` or `optional`.
    pub level: String,
    /// Extra condition beyond the framework.
    #[serde(skip)]
    pub when: Option<When>,
    /// The condition as written.
    #[serde(rename = "when", skip_serializing_if = "Option::is_none")]
    pub when_source: Option<String>,
    /// The file it was read from.
    #[serde(skip)]
    pub file: String,
}

/// Longest plain-English name of a requirement, in characters.
const MAX_NAME_CHARS: usize = 100;

impl Requirement {
    /// Its name in plain English, for readers who do not know the ids: the registry's summary
    /// up to its first `;` or `:` (the heading of a list of details), shortened at a word.
    pub fn name(&self) -> String {
        name(&self.summary)
    }
    /// Whether it applies, given the vendor's frameworks and facts.
    pub fn applies(&self, frameworks: &[Framework], facts: &serde_json::Value) -> bool {
        frameworks.contains(&self.framework)
            && self.when.as_ref().is_none_or(|w| w.expr.eval(facts))
    }
}

/// The plain-English name made from a summary (see [`Requirement::name`]).
pub fn name(summary: &str) -> String {
    let head = summary.split("; ").next().unwrap_or(summary);
    let head = head.split(": ").next().unwrap_or(head).trim();
    if head.chars().count() <= MAX_NAME_CHARS {
        return head.to_string();
    }
    let cut: String = head.chars().take(MAX_NAME_CHARS).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}\u{2026}", cut[..at].trim_end_matches([',', ' ']))
}

/// Parses a registry file, reporting every problem to `diags`.
pub fn parse(file: &str, text: &str, diags: &mut Diagnostics) -> Vec<Requirement> {
    let doc = match parse_document(file, text) {
        Ok(doc) => doc,
        Err(d) => {
            diags.push(d);
            return Vec::new();
        }
    };
    let mut r = Reader::new(file, diags);
    let t = doc.as_table();
    r.check_keys(t, "", &["requirement"]);
    let mut out: Vec<Requirement> = Vec::new();
    for (i, (rt, span)) in r.tables(t, "", "requirement").into_iter().enumerate() {
        let p = format!("requirement[{i}]");
        r.check_keys(
            rt,
            &p,
            &[
                "id",
                "framework",
                "citation",
                "summary",
                "mark",
                "level",
                "when",
            ],
        );
        let id = r.string(rt, &p, "id", true, span.clone());
        let regulated = Framework::REGULATED.map(Framework::as_str);
        let framework = r
            .choice(rt, &p, "framework", &regulated, true, span.clone())
            .and_then(|f| f.parse::<Framework>().ok());
        let citation = r.string(rt, &p, "citation", true, span.clone());
        let summary = r.string(rt, &p, "summary", true, span.clone());
        let mark = r.choice(rt, &p, "mark", &["V", "S"], true, span.clone());
        let level = r.choice(
            rt,
            &p,
            "level",
            &["required", "recommended", "optional"],
            false,
            None,
        );
        let when_source = r.string(rt, &p, "when", false, None);
        let when = match &when_source {
            Some(src) => match parse_when(src) {
                Ok((expr, old)) => {
                    let base = r.span_of(&format!("{p}.when")).map_or(0, |s| s.start + 1);
                    warn_deprecated(&mut r, base, &old);
                    Some(When {
                        source: src.clone(),
                        expr,
                    })
                }
                Err(errors) => {
                    let base = r.span_of(&format!("{p}.when")).map_or(0, |s| s.start + 1);
                    for e in errors {
                        let d = r.error(
                            Some(base + e.span.start..base + e.span.end),
                            format!("invalid `when` condition: {}", e.message),
                        );
                        if let Some(h) = e.hint {
                            d.hints.push(h);
                        }
                    }
                    None
                }
            },
            None => None,
        };
        let (Some(id), Some(framework), Some(citation), Some(summary), Some(mark)) =
            (id, framework, citation, summary, mark)
        else {
            continue;
        };
        if out.iter().any(|q| q.id == id) {
            let span = r.span_of(&format!("{p}.id"));
            r.error(span, format!("requirement `{id}` is listed twice"));
            continue;
        }
        out.push(Requirement {
            id,
            framework,
            citation,
            summary,
            mark,
            level: level.unwrap_or_else(|| "required".into()),
            when,
            when_source,
            file: file.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects_duplicates() {
        let text = "[[requirement]]\nid = \"a.1\"\nframework = \"gdpr\"\ncitation = \"Art. 1\"\nsummary = \"s\"\nmark = \"V\"\n\n[[requirement]]\nid = \"a.1\"\nframework = \"gdpr\"\ncitation = \"Art. 1\"\nsummary = \"s\"\nmark = \"S\"\n";
        let mut d = Diagnostics::new();
        let reqs = parse("r.toml", text, &mut d);
        assert_eq!(reqs.len(), 1);
        assert_eq!(reqs[0].level, "required");
        assert!(d.iter().any(|e| e.message.contains("listed twice")));
    }

    #[test]
    fn applies_by_framework_and_condition() {
        let text = "[[requirement]]\nid = \"a.1\"\nframework = \"gdpr\"\ncitation = \"c\"\nsummary = \"s\"\nmark = \"V\"\nwhen = \"has_subprocessors\"\n";
        let mut d = Diagnostics::new();
        let reqs = parse("r.toml", text, &mut d);
        assert!(d.is_empty(), "{d:?}");
        let yes = serde_json::json!({"has_subprocessors": true});
        let no = serde_json::json!({"has_subprocessors": false});
        let gdpr = [Framework::General, Framework::Gdpr];
        assert!(reqs[0].applies(&gdpr, &yes));
        assert!(!reqs[0].applies(&gdpr, &no));
        assert!(!reqs[0].applies(&[Framework::General, Framework::Ccpa], &yes));
    }
}
