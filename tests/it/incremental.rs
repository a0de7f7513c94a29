//! Incremental `render --all` and `record --all`: exactly the agreements whose inputs changed
//! are rendered again, and outputs that are missing or damaged are never taken as current.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::{copy_dir, dpa, example_workspace, repo, stderr, stdout, write};

/// The example workspace with every agreement rendered once; each caller gets its own copy.
fn rendered_workspace() -> tempfile::TempDir {
    static MASTER: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let master = MASTER.get_or_init(|| {
        let dir =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("rendered-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let ws = example_workspace();
        let out = dpa(ws.path(), &["render", "--all"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("6 rendered, 0 unchanged"),
            "{}",
            stdout(&out)
        );
        copy_dir(ws.path(), &dir);
        dir
    });
    let ws = tempfile::tempdir().expect("tempdir");
    copy_dir(master, ws.path());
    ws
}

fn vendors(root: &Path) -> BTreeSet<String> {
    std::fs::read_dir(root.join("vendors"))
        .expect("vendors/")
        .map(|e| {
            e.expect("entry")
                .path()
                .file_stem()
                .expect("stem")
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// Runs `render --all` (with `extra` arguments); returns the vendors it rendered, checking the
/// summary line agrees.
fn render_all(root: &Path, extra: &[&str]) -> BTreeSet<String> {
    let mut args = vec!["render", "--all"];
    args.extend_from_slice(extra);
    let out = dpa(root, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let rendered: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("out/"))
        .filter_map(|l| l.split('/').next())
        .map(str::to_string)
        .collect();
    let total = vendors(root).len();
    let summary = format!(
        "{} rendered, {} unchanged",
        rendered.len(),
        total - rendered.len()
    );
    assert!(text.contains(&summary), "expected `{summary}` in:\n{text}");
    rendered
}

/// Clause ids of a vendor's rendered agreement, from its manifest.
fn clause_ids(root: &Path, id: &str) -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(root.join("out").join(id).join("manifest.json")).expect("manifest");
    let m: serde_json::Value = serde_json::from_str(&text).expect("json");
    m["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_string())
        .collect()
}

/// The built-in clause file that defines `id`, relative to the repository.
fn clause_file(id: &str) -> String {
    let mut files = Vec::new();
    dpa::files::walk(&repo().join("clauses"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        if text.contains(&format!("\nid = \"{id}\"\n")) {
            return dpa::files::display_path(&repo(), &f);
        }
    }
    panic!("no clause file for {id}");
}

/// Every kind of edit, each followed by `render --all`: the vendors rendered are exactly those
/// whose inputs the edit changed (never fewer, never more), and a second run renders none. The
/// edits run in an order where each kind follows another (the "nothing" edit after a render).
#[test]
fn every_kind_of_edit_renders_exactly_the_affected_agreements() {
    let ws = rendered_workspace();
    let root = ws.path();
    let all = vendors(root);
    let kinds = ["clause", "record", "nothing", "company", "font", "template"];
    for (step, kind) in kinds.into_iter().enumerate() {
        let expected: BTreeSet<String> = match kind {
            "record" => {
                let ids: Vec<&String> = all.iter().collect();
                let id = ids[step % ids.len()].clone();
                let path = root.join("vendors").join(format!("{id}.toml"));
                let text = std::fs::read_to_string(&path).expect("record");
                std::fs::write(
                    &path,
                    text.replacen("description = \"", "description = \"Edited: ", 1),
                )
                .expect("write");
                [id].into()
            }
            "clause" => {
                // A clause some but not all agreements use, reworded in a workspace override.
                let used: Vec<BTreeSet<String>> =
                    all.iter().map(|id| clause_ids(root, id)).collect();
                let union: BTreeSet<&String> = used.iter().flatten().collect();
                let partial: Vec<&String> = union
                    .into_iter()
                    .filter(|c| used.iter().any(|u| !u.contains(*c)))
                    .collect();
                let clause = partial[partial.len() / 2].clone();
                let file = clause_file(&clause);
                let text = std::fs::read_to_string(repo().join(&file)).expect("clause");
                write(
                    root,
                    &file,
                    &format!("{}\nThis sentence was added.\n", text.trim_end()),
                );
                all.iter()
                    .zip(&used)
                    .filter(|(_, u)| u.contains(&clause))
                    .map(|(id, _)| id.clone())
                    .collect()
            }
            "template" => {
                let text =
                    std::fs::read_to_string(repo().join("templates/dpa.typ")).expect("template");
                write(root, "templates/dpa.typ", &format!("{text}\n// edited\n"));
                all.clone()
            }
            "font" => {
                let font = typst_kit::fonts::embedded()
                    .next()
                    .expect("an embedded font")
                    .0;
                std::fs::create_dir_all(root.join("fonts")).expect("mkdir");
                std::fs::write(root.join("fonts/added.ttf"), font.data().as_slice()).expect("font");
                all.clone()
            }
            "company" => {
                let text = std::fs::read_to_string(root.join("dpa.toml")).expect("dpa.toml");
                std::fs::write(
                    root.join("dpa.toml"),
                    text.replacen("short_name = \"Lumen\"", "short_name = \"Lumen Ledger\"", 1),
                )
                .expect("write");
                all.clone()
            }
            _ => BTreeSet::new(),
        };
        let rendered = render_all(root, &[]);
        assert_eq!(
            rendered, expected,
            "edit `{kind}`: rendered {rendered:?}, expected {expected:?}"
        );
        assert!(
            render_all(root, &[]).is_empty(),
            "after `{kind}` everything is current"
        );
    }
}

#[test]
fn missing_truncated_or_altered_outputs_are_rendered_again() {
    let ws = rendered_workspace();
    let root = ws.path();
    let out = root.join("out");
    std::fs::remove_file(out.join("adreach/adreach.pdf")).expect("delete");
    let pdf = out.join("nordhost/nordhost.pdf");
    let bytes = std::fs::read(&pdf).expect("pdf");
    std::fs::write(&pdf, &bytes[..bytes.len() / 2]).expect("truncate");
    // Same size, different content.
    let typ = out.join("payroll-uk/payroll-uk.typ");
    let mut text = std::fs::read(&typ).expect("typ");
    text[10] ^= 1;
    std::fs::write(&typ, &text).expect("alter");
    // A manifest cut short.
    let man = out.join("suryadesk/manifest.json");
    let m = std::fs::read(&man).expect("manifest");
    std::fs::write(&man, &m[..m.len() / 3]).expect("truncate");
    let out = dpa(root, &["render", "--all", "-v"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("adreach: rendering: adreach.pdf is missing"),
        "{err}"
    );
    assert!(
        err.contains("nordhost: rendering: nordhost.pdf has"),
        "{err}"
    );
    assert!(
        err.contains("payroll-uk: rendering: payroll-uk.typ was changed"),
        "{err}"
    );
    assert!(
        err.contains("suryadesk: rendering: the manifest does not read"),
        "{err}"
    );
    assert!(
        stdout(&out).contains("4 rendered, 2 unchanged"),
        "{}",
        stdout(&out)
    );
    assert_eq!(std::fs::read(&pdf).expect("pdf").len(), bytes.len());
    assert!(render_all(root, &[]).is_empty());
}

#[test]
fn force_renders_every_agreement() {
    let ws = rendered_workspace();
    let root = ws.path();
    assert_eq!(render_all(root, &["--force"]), vendors(root));
    let out = dpa(root, &["render", "acme-analytics", "--force"]);
    assert_eq!(out.status.code(), Some(2), "--force goes with --all");
}

/// Outputs written by another version of dpa are stale, whatever their inputs.
#[test]
fn another_dpa_version_invalidates_every_agreement() {
    let ws = rendered_workspace();
    let root = ws.path();
    let all = vendors(root);
    for id in &all {
        let path = root.join("out").join(id).join("manifest.json");
        let text = std::fs::read_to_string(&path).expect("manifest");
        let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
        assert!(text.contains(&version), "{text}");
        std::fs::write(&path, text.replace(&version, "\"version\": \"0.0.1\"")).expect("write");
    }
    let out = dpa(root, &["render", "--all", "-v"]);
    assert!(
        stderr(&out).contains("rendered by dpa 0.0.1"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("6 rendered, 0 unchanged"),
        "{}",
        stdout(&out)
    );
    // The key itself carries this build's identity.
    let text = std::fs::read_to_string(root.join("out/adreach/manifest.json")).expect("manifest");
    let m: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        m["render"]["key"].as_str().map(str::len),
        Some(64),
        "{text}"
    );
}

/// Unchanged agreements are found without being assembled when the last issued version carries
/// today's key; an edited record is issued again, and the run says how many of each.
#[test]
fn record_all_counts_issued_and_unchanged() {
    let ws = crate::common::recorded_workspace();
    let root = ws.path();
    let path = root.join("vendors/adreach.toml");
    let text = std::fs::read_to_string(&path).expect("record");
    std::fs::write(
        &path,
        text.replacen("description = \"", "description = \"Edited: ", 1),
    )
    .expect("write");
    let out = dpa(root, &["record", "--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("adreach: issued v2"), "{text}");
    assert!(text.contains("1 issued, 5 unchanged"), "{text}");
    let m = std::fs::read_to_string(root.join("agreements/adreach/manifest.json")).expect("m");
    assert!(
        m.contains("\"render\""),
        "issued manifests carry their key: {m}"
    );
}
