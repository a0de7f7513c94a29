//! `dpa clauses`: browse the clause library.

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::library::{Library, Origin};
use dpa::model::facts::Framework;

use super::{Ctx, Format};

/// Arguments of `dpa clauses`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Show this clause in full.
    #[arg(value_name = "ID")]
    pub id: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Runs `dpa clauses`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    let mut diags = Diagnostics::new();
    // The library works without a workspace: outside one, only the built-in clauses are listed.
    let root = ctx
        .root
        .join(dpa::workspace::COMPANY_FILE)
        .is_file()
        .then_some(ctx.root.as_path());
    let lib = Library::load(root.or(Some(ctx.root.as_path())), &mut diags);
    ctx.report(&diags, &dpa::workspace::lookup_in(&ctx.root));
    if diags.has_errors() {
        return Ok(2);
    }
    let source = |o: &Origin| match o {
        Origin::Builtin(p) => format!("built-in ({})", p.trim_start_matches("builtin:")),
        Origin::Workspace(p) => format!("workspace ({p})"),
    };
    match args.id {
        Some(id) => {
            let Some(c) = lib.clause(&id) else {
                let ids: Vec<&str> = lib.clauses().map(|c| c.id.as_str()).collect();
                let hint = dpa::diag::suggest(&id, &ids)
                    .map(|s| format!("\n  hint: did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(Error::Usage(format!(
                    "no clause `{id}` in the library{hint}"
                )));
            };
            if args.format == Format::Json {
                let v = serde_json::json!({"id": c.id, "title": c.title, "version": c.version, "frameworks": c.frameworks, "satisfies": c.satisfies, "when": c.when.as_ref().map(|w| &w.source), "order": c.order, "annex": c.annex, "source": source(&c.origin), "body": c.body});
                ctx.out(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&v).unwrap_or_default()
                ))?;
                return Ok(0);
            }
            let mut out = format!("{} (version {})\n{}\n", c.id, c.version, c.title);
            out.push_str(&format!(
                "source:     {}\nframeworks: {}\n",
                source(&c.origin),
                Framework::join(&c.frameworks)
            ));
            if let Some(w) = &c.when {
                out.push_str(&format!("when:       {}\n", w.source));
            }
            if let Some(a) = &c.annex {
                out.push_str(&format!("annex:      {a}\n"));
            }
            out.push_str("satisfies:\n");
            for r in &c.satisfies {
                let cite = lib
                    .requirement(r)
                    .map(|q| format!("{}{}", q.citation, if q.mark == "S" { " [S]" } else { "" }))
                    .unwrap_or_default();
                out.push_str(&format!("  {r:<24} {cite}\n"));
            }
            out.push('\n');
            out.push_str(c.body.trim_end());
            out.push('\n');
            ctx.out(&out)?;
        }
        None => {
            if args.format == Format::Json {
                let list: Vec<_> = lib
                    .clauses()
                    .map(|c| serde_json::json!({"id": c.id, "title": c.title, "version": c.version, "frameworks": c.frameworks, "satisfies": c.satisfies, "source": source(&c.origin)}))
                    .collect();
                ctx.out(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&list).unwrap_or_default()
                ))?;
                return Ok(0);
            }
            let mut clauses: Vec<_> = lib.clauses().collect();
            clauses.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
            let width = clauses.iter().map(|c| c.id.len()).max().unwrap_or(0);
            let mut out = String::new();
            for c in clauses {
                let ws = if matches!(c.origin, Origin::Workspace(_)) {
                    "  [workspace]"
                } else {
                    ""
                };
                out.push_str(&format!(
                    "{:width$}  v{:<2} {:<14} {}  ({} requirements){ws}\n",
                    c.id,
                    c.version,
                    Framework::join(&c.frameworks).replace(", ", ","),
                    c.title,
                    c.satisfies.len()
                ));
            }
            ctx.out(&out)?;
        }
    }
    Ok(0)
}
