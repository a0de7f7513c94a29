//! The clause library and the requirement registry: built in, extended or overridden by the workspace.

pub mod clause;
pub mod reader;
pub mod requirements;
pub mod variables;
pub mod when;

use std::collections::BTreeMap;
use std::path::Path;

pub use clause::{Clause, Origin};
pub use requirements::Requirement;

use crate::builtin;
use crate::diag::{Diagnostic, Diagnostics};

/// Path of the registry inside a clause directory.
pub const REGISTRY: &str = "clauses/requirements.toml";

/// Every clause and requirement available to a workspace.
#[derive(Debug, Clone, Default)]
pub struct Library {
    clauses: BTreeMap<String, Clause>,
    requirements: Vec<Requirement>,
}

impl Library {
    /// The clauses, ordered by id.
    pub fn clauses(&self) -> impl Iterator<Item = &Clause> {
        self.clauses.values()
    }

    /// One clause by id.
    pub fn clause(&self, id: &str) -> Option<&Clause> {
        self.clauses.get(id)
    }

    /// The requirements, in registry order.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// One requirement by id.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }

    /// Loads the built-in library, then the workspace's `clauses/` over it (same id wins).
    pub fn load(workspace: Option<&Path>, diags: &mut Diagnostics) -> Library {
        let mut lib = Library::default();
        for (path, text) in builtin::CLAUSES {
            if *path == REGISTRY {
                lib.requirements = requirements::parse(path, text, diags);
            }
        }
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (path, text) in builtin::CLAUSES.iter().filter(|(p, _)| p.ends_with(".md")) {
            lib.add(
                Origin::Builtin(format!("builtin:{path}")),
                text,
                &mut seen,
                diags,
            );
        }
        if let Some(root) = workspace {
            let dir = root.join("clauses");
            let mut files = Vec::new();
            crate::files::walk(&dir, &mut files);
            let registry = dir.join("requirements.toml");
            if registry.is_file() {
                match crate::files::read_text(root, &registry) {
                    Ok((name, text)) => {
                        for req in requirements::parse(&name, &text, diags) {
                            match lib.requirements.iter_mut().find(|r| r.id == req.id) {
                                Some(existing) => *existing = req,
                                None => lib.requirements.push(req),
                            }
                        }
                    }
                    Err(d) => diags.push(d),
                }
            }
            let mut ws_seen: BTreeMap<String, String> = BTreeMap::new();
            for file in files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e == "md"))
            {
                match crate::files::read_text(root, file) {
                    Ok((name, text)) => {
                        lib.add(Origin::Workspace(name), &text, &mut ws_seen, diags);
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
        lib.check_references(diags);
        lib
    }

    fn add(
        &mut self,
        origin: Origin,
        text: &str,
        seen: &mut BTreeMap<String, String>,
        diags: &mut Diagnostics,
    ) {
        let Some(clause) = clause::parse(origin, text, diags) else {
            return;
        };
        let file = clause.origin.file().to_string();
        if let Some(first) = seen.get(&clause.id) {
            let span = id_span(&clause.text, &clause.id);
            diags.push(
                Diagnostic::error(&file, span, format!("clause id `{}` is already used by {first}", clause.id))
                    .with_hint("each clause file needs its own id; to replace a built-in clause, use its id in one workspace file"),
            );
            return;
        }
        seen.insert(clause.id.clone(), file);
        self.clauses.insert(clause.id.clone(), clause);
    }

    /// Reports `satisfies` entries that name no requirement of the registry.
    fn check_references(&self, diags: &mut Diagnostics) {
        let ids: Vec<&str> = self.requirements.iter().map(|r| r.id.as_str()).collect();
        for clause in self.clauses.values() {
            for req in &clause.satisfies {
                if ids.contains(&req.as_str()) {
                    continue;
                }
                let span = id_span(&clause.text, req);
                let d = Diagnostic::error(
                    clause.origin.file(),
                    span,
                    format!(
                        "clause `{}` claims to satisfy `{req}`, which is not in the requirement registry",
                        clause.id
                    ),
                );
                diags.push(match crate::diag::suggest(req, &ids) {
                    Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                    None => d.with_hint("requirement ids are listed in clauses/requirements.toml"),
                });
            }
        }
    }
}

/// The span of the first quoted occurrence of `id` in a clause's front matter.
fn id_span(text: &str, id: &str) -> Option<std::ops::Range<usize>> {
    let needle = format!("\"{id}\"");
    text.find(&needle)
        .map(|i| i + 1..i + 1 + id.len())
        .or(Some(0..0))
}
