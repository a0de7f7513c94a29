//! Assembly: selected clauses and record values become one Typst source, through tera templates.

pub mod context;
pub mod escape;
pub mod markdown;
pub mod prerequisites;

use std::collections::HashMap;
use std::error::Error as _;

use serde::Serialize;
use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics};
use crate::files::sha256_hex;
use crate::library::{Clause, Library};
use crate::manifest::ManifestClause;
use crate::model::{Company, Vendor};
use crate::select::{Applicability, Framework};

/// The built-in house style, prepended to every generated source.
pub const PRELUDE: &str = "templates/dpa.typ";
/// The built-in document template.
pub const DOCUMENT: &str = "templates/agreement.typ.tera";

/// Section titles by `order` range: (first order, last order, title).
pub const SECTIONS: [(i64, i64, &str); 5] = [
    (i64::MIN, 199, "General terms"),
    (200, 299, "California Consumer Privacy Act terms"),
    (300, 499, "Processor terms (GDPR Article 28)"),
    (500, 699, "International transfers"),
    (700, i64::MAX, "Term, termination and general provisions"),
];

/// A whole agreement, ready for the Typst compiler.
#[derive(Debug, Clone)]
pub struct Assembled {
    /// The complete Typst source.
    pub source: String,
    /// Document title for metadata.
    pub title: String,
    /// The clauses in agreement order, annexes last.
    pub clauses: Vec<ManifestClause>,
}

/// Whether a render is a draft or the final, issued form.
#[derive(Debug, Clone)]
pub struct DocOptions {
    /// Final (no watermark, PDF/A) or draft.
    pub final_: bool,
    /// Version label for the footer: a number for issued versions, `draft` otherwise.
    pub version: String,
}

/// One clause body, compiled on first use (most runs need only the clauses of a few vendors).
struct ClauseTemplate {
    body: String,
    compiled: std::sync::OnceLock<Result<tera::Tera, String>>,
}

impl ClauseTemplate {
    fn get(&self) -> &Result<tera::Tera, String> {
        self.compiled.get_or_init(|| {
            let mut t = tera::Tera::default();
            t.autoescape_on(vec![".md"]);
            t.set_escape_fn(escape::encode_value);
            t.register_function("get_env", no_env);
            t.add_raw_template("clause.md", &self.body)
                .map(|()| t)
                .map_err(|e| tera_message(&e))
        })
    }
}

/// Clause and document templates for one library; clause bodies compile when first needed.
pub struct Templates {
    clauses: HashMap<String, ClauseTemplate>,
    document: tera::Tera,
    prelude: String,
    document_file: String,
}

/// Prints a value in Typst code position: strings as string literals, lists as arrays.
pub(crate) struct TypstFilter;

impl tera::Filter for TypstFilter {
    fn filter(&self, value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
        Ok(Value::String(typst_code(value)))
    }
    fn is_safe(&self) -> bool {
        true
    }
}

fn typst_code(value: &Value) -> String {
    match value {
        Value::Null => "none".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => escape::typst_str(s),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(typst_code).collect();
            format!(
                "({}{})",
                inner.join(", "),
                if inner.len() == 1 { "," } else { "" }
            )
        }
        Value::Object(map) => {
            if map.is_empty() {
                return "(:)".into();
            }
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", escape::typst_str(k), typst_code(v)))
                .collect();
            format!("({})", inner.join(", "))
        }
    }
}

/// The message of a tera error with its causes, which hold the useful part.
pub fn tera_message(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// Replaces tera's `get_env`, so that clauses and templates cannot read the environment.
fn no_env(_: &HashMap<String, Value>) -> tera::Result<Value> {
    Err(tera::Error::msg(
        "`get_env` is disabled: clauses and templates may print only record values",
    ))
}

impl Templates {
    /// Prepares the clause bodies and compiles the document template, reporting its errors.
    ///
    /// `overrides` maps a template path (`templates/dpa.typ`, `templates/agreement.typ.tera`) to a workspace file and its text.
    pub fn new(
        library: &Library,
        overrides: &HashMap<String, (String, String)>,
        diags: &mut Diagnostics,
    ) -> Templates {
        let clauses = library
            .clauses()
            .map(|c| {
                (
                    c.id.clone(),
                    ClauseTemplate {
                        body: c.body.clone(),
                        compiled: std::sync::OnceLock::new(),
                    },
                )
            })
            .collect();
        let builtin = |path: &str| {
            crate::builtin::TEMPLATES
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, t)| t.to_string())
                .unwrap_or_default()
        };
        let (_, prelude) = overrides
            .get(PRELUDE)
            .cloned()
            .unwrap_or_else(|| (PRELUDE.to_string(), builtin(PRELUDE)));
        let (document_file, document_text) = overrides
            .get(DOCUMENT)
            .cloned()
            .unwrap_or_else(|| (DOCUMENT.to_string(), builtin(DOCUMENT)));
        let mut document = tera::Tera::default();
        document.autoescape_on(vec![".tera"]);
        document.set_escape_fn(escape::typst_value);
        document.register_filter("typst", TypstFilter);
        document.register_function("get_env", no_env);
        if let Err(e) = document.add_raw_template("agreement.typ.tera", &document_text) {
            diags.push(Diagnostic::error(
                &document_file,
                Some(0..0),
                format!("template error: {}", tera_message(&e)),
            ));
        }
        Templates {
            clauses,
            document,
            prelude,
            document_file,
        }
    }

    /// The house style (`templates/dpa.typ`) every generated source starts with.
    pub fn prelude(&self) -> &str {
        &self.prelude
    }

    /// Compiles every clause body now, reporting each syntax error (for `dpa check`).
    pub fn check_all(&self, library: &Library, diags: &mut Diagnostics) {
        for clause in library.clauses() {
            if let Some(Err(e)) = self.clauses.get(&clause.id).map(ClauseTemplate::get) {
                diags.push(clause_template_error(clause, e));
            }
        }
    }
}

fn clause_template_error(clause: &Clause, message: &str) -> Diagnostic {
    Diagnostic::error(
        clause.origin.file(),
        Some(clause.body_offset..clause.body_offset),
        format!("template error in clause `{}`: {message}", clause.id),
    )
    .with_hint("clause bodies use tera syntax: {{ vendor.name }}, {% if ... %}, {% for ... %}")
}

/// A numbered clause as the document template prints it.
#[derive(Serialize)]
struct ClauseEntry {
    id: String,
    number: String,
    title: String,
    label: String,
    body: String,
}

/// A section of numbered clauses, in the order the document prints them.
#[derive(Serialize)]
struct SectionEntry {
    index: usize,
    number: usize,
    title: String,
    clauses: Vec<ClauseEntry>,
}

/// An annex as the document template prints it; `anchor` is its label for cross-references.
#[derive(Serialize)]
struct AnnexEntry {
    label: String,
    title: String,
    anchor: String,
    body: String,
    id: String,
}

/// The document's identity and metadata (`doc` in the template).
#[derive(Serialize)]
struct DocEntry<'a> {
    id: String,
    version: String,
    #[serde(rename = "final")]
    final_: bool,
    draft: bool,
    title: String,
    /// "Data Processing Addendum", or "CCPA Addendum" for a separate CCPA document.
    name: &'a str,
    subject: String,
    keywords: Vec<&'a str>,
    paper: &'a str,
}

fn section_of(order: i64) -> usize {
    SECTIONS
        .iter()
        .position(|(lo, hi, _)| (*lo..=*hi).contains(&order))
        .unwrap_or(0)
}

/// The heading of section `index` for the clauses selected: the processor terms name the laws
/// whose terms they hold, so a section of US state terms is never headed as GDPR terms.
fn section_title(index: usize, selected: &[&Clause]) -> String {
    let title = SECTIONS[index].2;
    if index != 2 {
        return title.to_string();
    }
    let holds = |framework: Framework| {
        selected.iter().any(|c| {
            c.annex.is_none() && section_of(c.order) == index && c.frameworks.contains(&framework)
        })
    };
    match (holds(Framework::Gdpr), holds(Framework::Usstate)) {
        (true, false) => title.to_string(),
        (true, true) => "Processor terms (GDPR Article 28 and US state privacy laws)".to_string(),
        (false, true) => "Processor terms (US state privacy laws)".to_string(),
        (false, false) => "Processor terms".to_string(),
    }
}

/// Assembles one vendor's agreement from its selected clauses.
#[allow(clippy::too_many_arguments)]
pub fn assemble(
    templates: &Templates,
    company: &Company,
    vendor: &Vendor,
    app: &Applicability,
    selected: &[&Clause],
    options: &DocOptions,
    diags: &mut Diagnostics,
) -> Option<Assembled> {
    let ctx = match tera::Context::from_value(context::build(company, vendor, app)) {
        Ok(c) => c,
        Err(e) => {
            diags.push(Diagnostic::error(
                &vendor.file,
                None,
                format!("cannot build template values: {}", tera_message(&e)),
            ));
            return None;
        }
    };

    // Number every clause first, so that cross-references can point forward.
    let mut numbers: HashMap<&str, String> = HashMap::new();
    let mut section_numbers: Vec<(usize, usize)> = Vec::new(); // (section index, its number)
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for clause in selected.iter().filter(|c| c.annex.is_none()) {
        let s = section_of(clause.order);
        if !section_numbers.iter().any(|(i, _)| *i == s) {
            section_numbers.push((s, section_numbers.len() + 1));
        }
        let sn = section_numbers
            .iter()
            .find(|(i, _)| *i == s)
            .map_or(0, |(_, n)| *n);
        let n = counts.entry(s).or_insert(0);
        *n += 1;
        numbers.insert(&clause.id, format!("{sn}.{n}"));
    }
    for clause in selected.iter().filter(|c| c.annex.is_some()) {
        numbers.insert(
            &clause.id,
            format!("Annex {}", clause.annex.as_deref().unwrap_or("")),
        );
    }

    let mut failed = false;
    let mut assembled = Vec::new();
    let mut sections: Vec<SectionEntry> = Vec::new();
    let mut annexes: Vec<AnnexEntry> = Vec::new();
    for clause in selected {
        let template = match templates.clauses.get(&clause.id).map(ClauseTemplate::get) {
            Some(Ok(t)) => t,
            Some(Err(e)) => {
                diags.push(clause_template_error(clause, e));
                failed = true;
                continue;
            }
            None => {
                diags.push(Diagnostic::error(
                    clause.origin.file(),
                    None,
                    format!(
                        "clause `{}` is not in the library the templates were built from",
                        clause.id
                    ),
                ));
                failed = true;
                continue;
            }
        };
        let rendered = match template.render("clause.md", &ctx) {
            Ok(r) => escape::mend_joins(&r),
            Err(e) => {
                diags.push(Diagnostic::error(
                    clause.origin.file(),
                    Some(clause.body_offset..clause.body_offset),
                    format!(
                        "clause `{}` cannot be filled in for {}: {}",
                        clause.id,
                        vendor.file,
                        tera_message(&e)
                    ),
                ));
                failed = true;
                continue;
            }
        };
        let resolve = |id: &str| numbers.get(id).cloned();
        let converted = match markdown::convert(&rendered, &resolve) {
            Ok(c) => c,
            Err(markdown::UnknownReference(target)) => {
                let span = clause
                    .text
                    .find(&format!("#{target})"))
                    .map(|i| i + 1..i + 1 + target.len());
                diags.push(Diagnostic::error(clause.origin.file(), span, format!("clause `{}` refers to clause `{target}`, which is not part of the agreement for {}", clause.id, vendor.id))
                    .with_hint("refer only to clauses selected whenever this one is, or add the same `when` condition"));
                failed = true;
                continue;
            }
        };
        let number = numbers.get(clause.id.as_str()).cloned().unwrap_or_default();
        let label = markdown::clause_label(&clause.id);
        match &clause.annex {
            Some(annex) => annexes.push(AnnexEntry {
                label: annex.clone(),
                title: clause.title.clone(),
                anchor: label,
                body: converted.typst.clone(),
                id: clause.id.clone(),
            }),
            None => {
                let entry = ClauseEntry {
                    id: clause.id.clone(),
                    number: number.clone(),
                    title: clause.title.clone(),
                    label,
                    body: converted.typst.clone(),
                };
                let s = section_of(clause.order);
                match sections.iter_mut().find(|sec| sec.index == s) {
                    Some(sec) => sec.clauses.push(entry),
                    None => sections.push(SectionEntry {
                        index: s,
                        number: section_numbers
                            .iter()
                            .find(|(i, _)| *i == s)
                            .map_or(0, |(_, n)| *n),
                        title: section_title(s, selected),
                        clauses: vec![entry],
                    }),
                }
            }
        }
        assembled.push(ManifestClause {
            id: clause.id.clone(),
            version: clause.version,
            number,
            title: clause.title.clone(),
            text_hash: sha256_hex(converted.plain.as_bytes()),
            text: converted.plain,
            frameworks: clause.frameworks.iter().map(|f| f.to_string()).collect(),
            satisfies: clause.satisfies.clone(),
            reads: clause.reads(),
            markdown: rendered.clone(),
            section: if clause.annex.is_some() {
                String::new()
            } else {
                section_title(section_of(clause.order), selected)
            },
        });
    }
    if failed {
        return None;
    }
    // Annexes follow the numbered clauses in the manifest, as in the document.
    assembled.sort_by_key(|c| c.number.starts_with("Annex "));

    // A CCPA addendum issued on its own (processor side, separate documents) says so.
    let name = match vendor.document {
        Some(crate::model::DocumentKind::Ccpa) => "CCPA Addendum",
        _ => "Data Processing Addendum",
    };
    let title = format!(
        "{name}: {} and {}",
        escape::clean(&company.short_name),
        escape::clean(&vendor.short_name)
    );
    let keywords: Vec<&str> = std::iter::once(name)
        .chain(app.frameworks[1..].iter().map(|f| f.as_str()))
        .collect();
    let doc = DocEntry {
        id: format!("DPA-{}", vendor.id),
        version: options.version.clone(),
        final_: options.final_,
        draft: !options.final_,
        title: title.clone(),
        name,
        subject: format!(
            "Data protection terms between {} and {} ({})",
            escape::clean(&company.name),
            escape::clean(&vendor.name),
            Framework::join(&app.frameworks[1..])
        ),
        keywords,
        paper: company.paper.typst_name(),
    };
    let mut full_ctx = ctx.clone();
    full_ctx.insert("doc", &doc);
    full_ctx.insert("sections", &sections);
    full_ctx.insert("annexes", &annexes);
    let body = match templates.document.render("agreement.typ.tera", &full_ctx) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::error(
                &templates.document_file,
                Some(0..0),
                format!("template error: {}", tera_message(&e)),
            ));
            return None;
        }
    };
    let mut source = String::with_capacity(templates.prelude.len() + body.len() + 1);
    source.push_str(&templates.prelude);
    if !source.ends_with('\n') {
        source.push('\n');
    }
    source.push_str(&body);
    Some(Assembled {
        source,
        title,
        clauses: assembled,
    })
}
