//! One clause: TOML front matter between `+++` lines, then a Markdown body with tera expressions.

use serde::Serialize;

use super::reader::Reader;
use super::when::Expr;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::facts::{self, Framework, known_paths};
use crate::model::schema::parse_document;

/// Where a clause comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "path")]
pub enum Origin {
    /// Compiled into the binary; the name is `builtin:` and the path in the `dpa` repository.
    Builtin(String),
    /// A file of the workspace; the path is relative to the workspace.
    Workspace(String),
}

impl Origin {
    /// The file name diagnostics use.
    pub fn file(&self) -> &str {
        match self {
            Origin::Builtin(p) | Origin::Workspace(p) => p,
        }
    }
}

/// A parsed `when` condition with its source text.
#[derive(Debug, Clone)]
pub struct When {
    /// The condition as written.
    pub source: String,
    /// The parsed expression.
    pub expr: Expr,
}

/// A clause of the library.
#[derive(Debug, Clone)]
pub struct Clause {
    /// Stable id.
    pub id: String,
    /// Heading.
    pub title: String,
    /// Wording version.
    pub version: u32,
    /// Frameworks that select it.
    pub frameworks: Vec<Framework>,
    /// Requirement ids it satisfies.
    pub satisfies: Vec<String>,
    /// Condition on the vendor's facts.
    pub when: Option<When>,
    /// Position in the agreement.
    pub order: i64,
    /// Annex label, when the clause is an annex.
    pub annex: Option<String>,
    /// The Markdown body.
    pub body: String,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
    /// Where it comes from.
    pub origin: Origin,
    /// The whole file text, for diagnostics.
    pub text: String,
}

impl Clause {
    /// The fact paths the clause reads: those its template prints or tests and those its
    /// `when` condition names, sorted, each once.
    pub fn reads(&self) -> Vec<String> {
        let mut out: Vec<String> = super::variables::read(&self.body)
            .into_iter()
            .map(|(p, _)| p)
            .chain(
                self.when
                    .iter()
                    .flat_map(|w| w.expr.paths().into_iter().map(|(p, _)| p)),
            )
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

const KEYS: &[&str] = &[
    "id",
    "title",
    "version",
    "frameworks",
    "satisfies",
    "when",
    "order",
    "annex",
];

/// Whether `id` is a valid clause id: `[a-z0-9_.-]+`, starting with a letter or digit.
pub fn valid_id(id: &str) -> bool {
    id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.-".contains(&b))
}

/// Splits `+++` front matter from the body: (front matter, its offset, body, body offset).
fn split(text: &str) -> Option<(&str, usize, &str, usize)> {
    let rest = text.strip_prefix("+++")?;
    let rest_offset = 3;
    let line_end = rest.find('\n')?;
    if !rest[..line_end].trim().is_empty() {
        return None;
    }
    let fm_start = rest_offset + line_end + 1;
    let after = &text[fm_start..];
    let mut offset = 0;
    for line in after.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let front = &after[..offset];
            let body_start = fm_start + offset + line.len();
            return Some((front, fm_start, &text[body_start..], body_start));
        }
        offset += line.len();
    }
    None
}

/// Parses a clause file, reporting every problem to `diags`.
pub fn parse(origin: Origin, text: &str, diags: &mut Diagnostics) -> Option<Clause> {
    let file = origin.file().to_string();
    let Some((front, front_offset, body, body_offset)) = split(text) else {
        diags.push(
            Diagnostic::error(&file, Some(0..text.find('\n').unwrap_or(text.len()).min(3)), "a clause file must start with TOML front matter between `+++` lines")
                .with_hint("write `+++` on the first line, then `id`, `title`, `version`, `frameworks`, `satisfies`, `order`, then `+++`"),
        );
        return None;
    };
    let mut local = Diagnostics::new();
    let clause = parse_front(&file, front, &mut local);
    let shift = |d: Diagnostic| Diagnostic {
        span: d.span.map(|s| s.start + front_offset..s.end + front_offset),
        ..d
    };
    let mut failed = local.has_errors();
    diags.extend(local.into_iter().map(shift));
    for (path, span) in super::variables::read(body) {
        if facts::is_template_path(&path) {
            continue;
        }
        failed = true;
        let mut d = Diagnostic::error(
            &file,
            Some(body_offset + span.start..body_offset + span.end),
            format!("unknown template variable `{path}`"),
        );
        if let Some(near) = crate::diag::suggest(&path, facts::template_paths()) {
            d = d.with_hint(format!("did you mean `{near}`?"));
        }
        diags.push(d);
    }
    let (id, title, version, frameworks, satisfies, when, order, annex) = clause?;
    if failed {
        return None;
    }
    Some(Clause {
        id,
        title,
        version,
        frameworks,
        satisfies,
        when: when.map(|(source, expr, _)| When { source, expr }),
        order,
        annex,
        body: body.to_string(),
        body_offset,
        origin,
        text: text.to_string(),
    })
}

type Front = (
    String,
    String,
    u32,
    Vec<Framework>,
    Vec<String>,
    Option<(String, Expr, usize)>,
    i64,
    Option<String>,
);

fn parse_front(file: &str, front: &str, diags: &mut Diagnostics) -> Option<Front> {
    let doc = match parse_document(file, front) {
        Ok(doc) => doc,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let mut r = Reader::new(file, diags);
    let t = doc.as_table();
    let top = Some(0..0);
    r.check_keys(t, "", KEYS);
    let id = r.string(t, "", "id", true, top.clone());
    if let Some(id) = &id
        && !valid_id(id)
    {
        let span = r.span_of("id");
        r.error(
            span,
            format!("clause id `{id}` may hold only lowercase letters, digits, `_`, `.` and `-`"),
        );
    }
    let title = r.string(t, "", "title", true, top.clone());
    let version = r.integer(t, "", "version", true, top.clone());
    if version == Some(0) {
        let span = r.span_of("version");
        r.error(span, "`version` starts at 1");
    }
    let names = r.strings(t, "", "frameworks", true, top.clone());
    let known = || Framework::join(&Framework::ALL);
    let mut frameworks = None;
    if let Some(list) = &names {
        if list.is_empty() {
            let span = r.span_of("frameworks");
            r.error(span, "`frameworks` must name at least one framework")
                .hints
                .push(format!("known frameworks: {}", known()));
        }
        let mut parsed = Vec::new();
        for (i, f) in list.iter().enumerate() {
            match f.parse::<Framework>() {
                Ok(f) => parsed.push(f),
                Err(e) => {
                    let span = r.span_of(&format!("frameworks[{i}]"));
                    let d = r.error(span, format!("unknown framework `{f}`"));
                    match e.nearest {
                        Some(s) => d.hints.push(format!("did you mean `{s}`?")),
                        None => d.hints.push(format!("known frameworks: {}", known())),
                    }
                }
            }
        }
        frameworks = Some(parsed);
    }
    let satisfies = r
        .strings(t, "", "satisfies", false, None)
        .unwrap_or_default();
    let order = r.integer(t, "", "order", true, top);
    let annex = r.string(t, "", "annex", false, None);
    let when = match r.string(t, "", "when", false, None) {
        Some(src) => {
            let base = r.span_of("when").map_or(0, |s| s.start + 1);
            match parse_when(&src) {
                Ok((expr, old)) => {
                    warn_deprecated(&mut r, base, &old);
                    Some((src, expr, base))
                }
                Err(errors) => {
                    for e in errors {
                        let span = base + e.span.start..base + e.span.end;
                        let d = r.error(
                            Some(span),
                            format!("invalid `when` condition: {}", e.message),
                        );
                        if let Some(h) = e.hint {
                            d.hints.push(h);
                        }
                    }
                    None
                }
            }
        }
        None => None,
    };
    Some((
        id?,
        title?,
        version?,
        frameworks?,
        satisfies,
        when,
        i64::from(order?),
        annex,
    ))
}

/// Parses a `when` condition and checks its field paths. A vendor field written without
/// `vendor.` (the spelling before conditions and templates shared one root) is read as under
/// `vendor.`, and returned as a deprecation (old spelling, new spelling, span).
pub fn parse_when(src: &str) -> Result<(Expr, Vec<Deprecated>), Vec<super::when::WhenError>> {
    let mut expr = Expr::parse(src).map_err(|e| vec![e])?;
    let known = known_paths();
    let old = expr.rename_paths(&|p| {
        let new = format!("vendor.{p}");
        (!facts::is_known(p, known) && facts::is_known(&new, known)).then_some(new)
    });
    let errors = expr.check_paths(known);
    if errors.is_empty() {
        Ok((expr, old))
    } else {
        Err(errors)
    }
}

/// A path in a `when` condition written in a spelling that is still read but no longer
/// written: the old spelling, the new one and its span in the condition.
pub type Deprecated = (String, String, std::ops::Range<usize>);

/// Warns of every old spelling in a condition whose source starts at byte `base`.
pub(super) fn warn_deprecated(r: &mut Reader, base: usize, old: &[Deprecated]) {
    for (was, now, span) in old {
        r.warning(
            base + span.start..base + span.end,
            format!("`{was}` is the old spelling of `{now}` in a `when` condition"),
        )
        .hints
        .push(format!(
            "write `{now}`: conditions read the vendor record under `vendor.`, as templates do"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\nid = \"gdpr.x\"\ntitle = \"T\"\nversion = 2\nframeworks = [\"gdpr\"]\nsatisfies = [\"gdpr.28.1\"]\nwhen = \"has_subprocessors\"\norder = 310\n+++\nBody {{ vendor.name }}.\n";

    #[test]
    fn parses_front_matter_and_body() {
        let mut d = Diagnostics::new();
        let c = parse(Origin::Builtin("clauses/x.md".into()), GOOD, &mut d).expect("parses");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(c.id, "gdpr.x");
        assert_eq!(c.version, 2);
        assert_eq!(c.order, 310);
        assert_eq!(c.body, "Body {{ vendor.name }}.\n");
        assert_eq!(&GOOD[c.body_offset..], c.body);
    }

    #[test]
    fn bad_when_is_located_in_the_file() {
        let text = GOOD.replace("has_subprocessors", "processing.ccpa_rol == 'x'");
        let mut d = Diagnostics::new();
        assert!(parse(Origin::Workspace("clauses/x.md".into()), &text, &mut d).is_none());
        let e = d.iter().next().expect("one error");
        let span = e.span.clone().expect("located");
        assert_eq!(&text[span], "processing.ccpa_rol");
        assert!(
            e.hints.iter().any(|h| h.contains("processing.ccpa_role")),
            "{e:?}"
        );
    }

    #[test]
    fn a_misspelt_template_variable_is_located_with_the_nearest_path() {
        let text = GOOD.replace("{{ vendor.name }}", "{{ vendor.nmae }}");
        let mut d = Diagnostics::new();
        assert!(parse(Origin::Workspace("clauses/x.md".into()), &text, &mut d).is_none());
        let e = d.iter().next().expect("one error");
        assert_eq!(e.message, "unknown template variable `vendor.nmae`");
        assert_eq!(&text[e.span.clone().expect("located")], "vendor.nmae");
        assert_eq!(e.hints, ["did you mean `vendor.name`?"]);
    }

    #[test]
    fn the_old_when_spelling_is_read_with_a_warning() {
        let text = GOOD.replace(
            "has_subprocessors",
            "processing.ccpa_role == 'contractor' and company.role == 'controller'",
        );
        let mut d = Diagnostics::new();
        let c = parse(Origin::Workspace("clauses/x.md".into()), &text, &mut d).expect("parses");
        assert!(!d.has_errors(), "{d:?}");
        let w = d.iter().next().expect("one warning");
        assert_eq!(
            w.message,
            "`processing.ccpa_role` is the old spelling of `vendor.processing.ccpa_role` in a `when` condition"
        );
        assert_eq!(
            &text[w.span.clone().expect("located")],
            "processing.ccpa_role"
        );
        let when = c.when.as_ref().expect("a condition");
        let read: Vec<String> = when.expr.paths().into_iter().map(|(p, _)| p).collect();
        assert_eq!(read, ["vendor.processing.ccpa_role", "company.role"]);
        assert_eq!(
            c.reads(),
            ["company.role", "vendor.name", "vendor.processing.ccpa_role"]
        );
    }

    #[test]
    fn missing_front_matter_is_an_error() {
        let mut d = Diagnostics::new();
        assert!(parse(Origin::Workspace("c.md".into()), "Just text", &mut d).is_none());
        assert!(d.has_errors());
    }

    #[test]
    fn unknown_framework_suggests() {
        let text = GOOD.replace("[\"gdpr\"]", "[\"gpdr\"]");
        let mut d = Diagnostics::new();
        assert!(parse(Origin::Workspace("c.md".into()), &text, &mut d).is_none());
        let e = d.iter().next().expect("one error");
        assert_eq!(e.message, "unknown framework `gpdr`");
        assert_eq!(&text[e.span.clone().expect("located")], "\"gpdr\"");
        assert_eq!(e.hints, ["did you mean `gdpr`?"]);
    }
}
