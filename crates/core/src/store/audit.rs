//! The check a team's shared repository runs on what is pushed to it (a CI job, a server's
//! pre-receive hook): an issued version's tag is never moved or deleted, and every manifest
//! matches the PDF beside it. It reads git objects only, so it runs in a bare repository.

use std::path::Path;

use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};

use crate::files::sha256_hex;
use crate::manifest::Manifest;

use super::remote::parse_tag;

/// A problem found, for one reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The reference (`refs/tags/dpa/acme/v1`, `refs/heads/main`).
    pub reference: String,
    /// What is wrong.
    pub problem: String,
}

/// Every `agreements/<id>/manifest.json` in a tree (at any depth, for a workspace in a folder
/// of the repository): its path and the vendor id.
fn manifests(repo: &Repository, tree: &git2::Tree<'_>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let _ = tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() == Some(ObjectType::Blob) && entry.name().ok() == Some("manifest.json") {
            let parts: Vec<&str> = dir.trim_end_matches('/').split('/').collect();
            if parts.len() >= 2 && parts[parts.len() - 2] == "agreements" {
                out.push((
                    format!("{dir}manifest.json"),
                    parts[parts.len() - 1].to_string(),
                ));
            }
        }
        TreeWalkResult::Ok
    });
    let _ = repo;
    out
}

fn blob(repo: &Repository, tree: &git2::Tree<'_>, path: &str) -> Option<Vec<u8>> {
    let e = tree.get_path(Path::new(path)).ok()?;
    Some(
        e.to_object(repo)
            .ok()?
            .peel_to_blob()
            .ok()?
            .content()
            .to_vec(),
    )
}

/// Checks one manifest against the PDF beside it; the problem, if any.
fn check_manifest(
    repo: &Repository,
    tree: &git2::Tree<'_>,
    path: &str,
    id: &str,
) -> Result<Manifest, String> {
    let bytes = blob(repo, tree, path).ok_or_else(|| format!("{path} cannot be read"))?;
    let manifest = Manifest::from_json(&String::from_utf8_lossy(&bytes))
        .map_err(|e| format!("{path} is not a manifest: {e}"))?;
    let pdf_path = format!("{}{id}.pdf", path.trim_end_matches("manifest.json"));
    let pdf =
        blob(repo, tree, &pdf_path).ok_or_else(|| format!("{path} has no {pdf_path} beside it"))?;
    let actual = sha256_hex(&pdf);
    if actual != manifest.document_sha256 {
        return Err(format!(
            "{path} names a PDF with SHA-256 {}, but {pdf_path} has {actual}",
            manifest.document_sha256
        ));
    }
    Ok(manifest)
}

/// Checks every manifest in a commit's tree against its PDF.
pub fn check_commit(repo: &Repository, reference: &str, commit: Oid) -> Vec<Finding> {
    let finding = |problem: String| Finding {
        reference: reference.to_string(),
        problem,
    };
    let tree = match repo.find_commit(commit).and_then(|c| c.tree()) {
        Ok(t) => t,
        Err(e) => {
            return vec![finding(format!(
                "commit {commit} cannot be read: {}",
                e.message()
            ))];
        }
    };
    manifests(repo, &tree)
        .into_iter()
        .filter_map(|(path, id)| check_manifest(repo, &tree, &path, &id).err())
        .map(finding)
        .collect()
}

/// Checks an issued version's tag: it points at a commit holding the vendor's manifest for
/// that version, and the manifest matches its PDF.
pub fn check_tag(repo: &Repository, name: &str, target: Oid) -> Vec<Finding> {
    let reference = format!("refs/tags/{name}");
    let finding = |problem: String| Finding {
        reference: reference.clone(),
        problem,
    };
    let Some(v) = parse_tag(name) else {
        return vec![finding(
            "is not named dpa/<id>/v<N>, the form of an issued version".into(),
        )];
    };
    let commit = match repo
        .find_object(target, None)
        .and_then(|o| o.peel_to_commit())
    {
        Ok(c) => c,
        Err(e) => {
            return vec![finding(format!(
                "does not point at a commit: {}",
                e.message()
            ))];
        }
    };
    let tree = match commit.tree() {
        Ok(t) => t,
        Err(e) => return vec![finding(format!("its tree cannot be read: {}", e.message()))],
    };
    let mine: Vec<(String, String)> = manifests(repo, &tree)
        .into_iter()
        .filter(|(_, id)| *id == v.id)
        .collect();
    let Some((path, id)) = mine.first() else {
        return vec![finding(format!(
            "its commit holds no agreements/{}/manifest.json",
            v.id
        ))];
    };
    match check_manifest(repo, &tree, path, id) {
        Err(problem) => vec![finding(problem)],
        Ok(m) if m.version != Some(v.version) => vec![finding(format!(
            "{path} is version {}, not {}",
            m.version.map_or("draft".to_string(), |n| n.to_string()),
            v.version
        ))],
        Ok(_) => Vec::new(),
    }
}

/// Checks a whole repository: every `dpa/*` tag, and the manifests at the tip of every branch.
/// Returns the findings and how many tags were checked.
pub fn check_repository(repo: &Repository) -> Result<(Vec<Finding>, usize), git2::Error> {
    let mut findings = Vec::new();
    let mut count = 0;
    for r in repo.references_glob("refs/tags/dpa/*")?.flatten() {
        if let (Some(name), Some(target)) = (r.name().ok(), r.target()) {
            count += 1;
            let name = name.strip_prefix("refs/tags/").unwrap_or(name);
            findings.extend(check_tag(repo, name, target));
        }
    }
    for r in repo.references_glob("refs/heads/*")?.flatten() {
        if let (Some(name), Ok(c)) = (r.name().ok(), r.peel_to_commit()) {
            findings.extend(check_commit(repo, name, c.id()));
        }
    }
    Ok((findings, count))
}

/// Checks the reference updates of a push, as a pre-receive hook reads them (`OLD NEW REF`):
/// a `dpa/*` tag is never moved or deleted, a new one must be a sound version, and the
/// manifests at a pushed branch's tip must match their PDFs.
pub fn check_updates(repo: &Repository, updates: &[(Oid, Oid, String)]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (old, new, reference) in updates {
        let finding = |problem: String| Finding {
            reference: reference.clone(),
            problem,
        };
        if let Some(tag) = reference.strip_prefix("refs/tags/dpa/") {
            let tag = format!("dpa/{tag}");
            if !old.is_zero() {
                findings.push(finding(if new.is_zero() {
                    "deletes an issued version; issued versions are never deleted".into()
                } else {
                    format!(
                        "moves an issued version ({} -> {}); issued versions are never rewritten",
                        short(*old),
                        short(*new)
                    )
                }));
            } else if !new.is_zero() {
                findings.extend(check_tag(repo, &tag, *new));
            }
        } else if reference.starts_with("refs/heads/") && !new.is_zero() {
            findings.extend(check_commit(repo, reference, *new));
        }
    }
    findings
}

/// Parses pre-receive input: one `OLD NEW REF` line per reference.
pub fn parse_updates(text: &str) -> Result<Vec<(Oid, Oid, String)>, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.split_whitespace();
            match (parts.next(), parts.next(), parts.next()) {
                (Some(o), Some(n), Some(r)) => Ok((
                    Oid::from_str(o).map_err(|_| format!("not an object id: {o}"))?,
                    Oid::from_str(n).map_err(|_| format!("not an object id: {n}"))?,
                    r.to_string(),
                )),
                _ => Err(format!("not `OLD NEW REF`: {l}")),
            }
        })
        .collect()
}

fn short(id: Oid) -> String {
    id.to_string().chars().take(10).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pre_receive_lines_parse() {
        let zero = "0".repeat(40);
        let one = "1".repeat(40);
        let updates =
            parse_updates(&format!("{zero} {one} refs/tags/dpa/acme/v1\n\n")).expect("parse");
        assert_eq!(updates.len(), 1);
        assert!(updates[0].0.is_zero());
        assert_eq!(updates[0].2, "refs/tags/dpa/acme/v1");
        assert!(parse_updates("junk\n").is_err());
    }

    #[test]
    fn a_moved_or_deleted_tag_is_refused_before_anything_is_read() {
        let dir = std::env::temp_dir().join(format!("dpa-audit-{}", std::process::id()));
        let repo = Repository::init_bare(&dir).expect("repo");
        let (a, b) = (Oid::from_str(&"a".repeat(40)).expect("oid"), Oid::ZERO_SHA1);
        let moved = check_updates(&repo, &[(a, a, "refs/tags/dpa/x/v1".into())]);
        assert!(
            moved[0].problem.contains("moves an issued version"),
            "{moved:?}"
        );
        let deleted = check_updates(&repo, &[(a, b, "refs/tags/dpa/x/v1".into())]);
        assert!(deleted[0].problem.contains("deletes"), "{deleted:?}");
        assert!(check_updates(&repo, &[(a, b, "refs/heads/gone".into())]).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
