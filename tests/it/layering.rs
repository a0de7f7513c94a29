//! The workspace's layering, read from its source: imports between top-level modules point one
//! way (no cycle), and the command-line parser stays in `cli/`.
//!
//! The modules of the three crates (the binary's `src/`, `crates/core/src/` and
//! `crates/text/src/`) have distinct names and form one graph. A module's dependencies are the
//! `crate::NAME`, `dpa::NAME` and `dpa_text::NAME` paths its files name (in `use` lines or
//! inline), comment lines aside. `super::` paths stay inside a top-level module, so they are not
//! followed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::repo;

/// The source folders of the workspace's crates, relative to the repository.
const SOURCE_ROOTS: [&str; 3] = ["src", "crates/core/src", "crates/text/src"];

/// Every `.rs` file of every crate: (its source root, the file), sorted.
fn workspace_files() -> Vec<(PathBuf, PathBuf)> {
    let root = repo();
    SOURCE_ROOTS
        .iter()
        .flat_map(|dir| {
            let src = root.join(dir);
            rust_files(&src).into_iter().map(move |f| (src.clone(), f))
        })
        .collect()
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read src/") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The top-level module a file belongs to: `src/diff/words.rs` -> `diff`, `src/store.rs` -> `store`.
fn top_module(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src/");
    let first = rel.components().next().expect("component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

/// The code of a line without its `//` comment (a `//` inside a string literal ends it early,
/// which can only hide a path, never invent one).
fn code(line: &str) -> &str {
    line.split("//").next().unwrap_or("")
}

/// The top-level modules named by `crate::`, `dpa::` and `dpa_text::` paths in one line,
/// grouped imports included.
fn named_modules(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code(line);
    while let Some((at, prefix)) = ["crate::", "dpa::", "dpa_text::"]
        .iter()
        .filter_map(|p| rest.find(p).map(|at| (at, *p)))
        .min()
    {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + prefix.len()..];
        // `other_crate::x` or `$crate::x` are not paths of this workspace.
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for item in inner.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
    }
    out
}

/// module -> module it imports -> the first place that import is made (`src/x.rs:12`).
type Graph = BTreeMap<String, BTreeMap<String, String>>;

fn module_graph() -> Graph {
    let root = repo();
    let mut graph = Graph::new();
    for (src, file) in workspace_files() {
        let rel = file
            .strip_prefix(&root)
            .expect("in repo")
            .display()
            .to_string();
        // The binary and the crate roots declare modules; they belong to none.
        if file == src.join("main.rs") || file == src.join("lib.rs") {
            continue;
        }
        let from = top_module(&src, &file);
        let text = std::fs::read_to_string(&file).expect("read source");
        let edges = graph.entry(from.clone()).or_default();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for to in named_modules(line) {
                if to != from {
                    edges
                        .entry(to)
                        .or_insert_with(|| format!("{rel}:{}", n + 1));
                }
            }
        }
    }
    graph
}

/// The cycles of the graph: each strongly connected component of more than one module, as a
/// closed path through it with the line that makes each step.
fn cycles(graph: &Graph) -> Vec<String> {
    // Modules that reach each other both ways lie on a common cycle.
    let reach = |start: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![start.to_string()];
        while let Some(m) = stack.pop() {
            for next in graph.get(&m).into_iter().flat_map(|e| e.keys()) {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|m| (m, reach(m))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for (m, r) in &reaches {
        if done.contains(*m) || !r.contains(*m) {
            continue;
        }
        let component: BTreeSet<String> = r
            .iter()
            .filter(|o| reaches.get(o).is_some_and(|ro| ro.contains(*m)))
            .cloned()
            .collect();
        done.extend(component.iter().cloned());
        // One path from m back to m inside the component, by breadth-first search.
        let mut parent: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([(*m).clone()]);
        'search: while let Some(at) = queue.pop_front() {
            for next in graph[&at].keys().filter(|n| component.contains(*n)) {
                if next == *m {
                    parent.insert(format!("{m}#end"), at.clone());
                    break 'search;
                }
                if !parent.contains_key(next) {
                    parent.insert(next.clone(), at.clone());
                    queue.push_back(next.clone());
                }
            }
        }
        let mut back = Vec::new();
        let mut at = parent[&format!("{m}#end")].clone();
        while at != **m {
            back.push(at.clone());
            at = parent[&at].clone();
        }
        back.reverse();
        let path: Vec<String> = std::iter::once((*m).clone())
            .chain(back)
            .chain(std::iter::once((*m).clone()))
            .collect();
        let steps: Vec<String> = path
            .windows(2)
            .map(|w| format!("{} -> {} ({})", w[0], w[1], graph[&w[0]][&w[1]]))
            .collect();
        out.push(format!(
            "cycle among {{{}}}: {}",
            component.into_iter().collect::<Vec<_>>().join(", "),
            steps.join(", ")
        ));
    }
    out
}

#[test]
fn top_level_modules_import_each_other_without_cycles() {
    let graph = module_graph();
    assert!(
        graph.len() > 10,
        "the source tree was found: {:?}",
        graph.keys()
    );
    // The reader sees real edges, so a missing edge cannot hide a cycle.
    assert!(graph["cli"].contains_key("workspace"), "{:?}", graph["cli"]);
    let found = cycles(&graph);
    assert!(found.is_empty(), "{}", found.join("\n"));
    // The front end sits on top: nothing imports `cli`, and only it calls the pipeline.
    for (module, edges) in &graph {
        assert!(
            !edges.contains_key("cli"),
            "{module} imports cli ({})",
            edges["cli"]
        );
        if module != "cli" {
            assert!(
                !edges.contains_key("pipeline"),
                "{module} imports pipeline ({})",
                edges["pipeline"]
            );
        }
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle_and_says_where() {
    let mut graph = Graph::new();
    let mut edge = |a: &str, b: &str, at: &str| {
        graph
            .entry(a.into())
            .or_default()
            .insert(b.into(), at.into());
        graph.entry(b.into()).or_default();
    };
    edge("docx", "documents", "src/docx/reader.rs:9");
    edge("documents", "docx", "src/documents/mod.rs:158");
    edge("documents", "diff", "src/documents/mod.rs:12");
    edge("cli", "docx", "src/cli/render.rs:3");
    assert_eq!(
        cycles(&graph),
        [
            "cycle among {documents, docx}: documents -> docx (src/documents/mod.rs:158), docx -> documents (src/docx/reader.rs:9)"
        ]
    );
    assert_eq!(
        named_modules("use crate::{diag::Diagnostics, files}; // crate::cli"),
        ["diag", "files"]
    );
    assert_eq!(
        named_modules("let x = crate::numerals::roman(4, false); $crate::y"),
        ["numerals"]
    );
    assert_eq!(
        named_modules("use dpa::{store, workspace}; dpa_text::diff::x(); not_dpa::y"),
        ["store", "workspace", "diff"]
    );
}

#[test]
fn the_argument_parser_stays_in_the_command_line_module() {
    let root = repo();
    let mut outside = Vec::new();
    for (_, file) in workspace_files() {
        let rel = file
            .strip_prefix(&root)
            .expect("in repo")
            .display()
            .to_string();
        if rel.starts_with("src/cli/") || rel == "src/main.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read source");
        for (n, line) in text.lines().enumerate() {
            let code = code(line);
            if code.contains("clap::") || code.contains("use clap") || code.contains("clap_") {
                outside.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "clap below cli/:\n{}",
        outside.join("\n")
    );
}

/// What `src/cli/` must not name: the crates below the library (git, the Typst compiler, the
/// record editor), and the calls that write, create, move or delete files, whether from `std`
/// or through the library's own atomic write. A command's files are written by its library
/// call; `cli/` prints.
const CLI_FORBIDDEN: [&str; 18] = [
    "git2",
    "typst",
    "toml_edit",
    "fs::write",
    "File::create",
    "File::options",
    "OpenOptions",
    "create_dir",
    "fs::copy",
    "fs::rename",
    "rename(",
    "remove_file",
    "remove_dir",
    "set_permissions",
    "hard_link",
    "symlink",
    "write_atomic",
    "tempfile",
];

/// The forbidden names in the code (not the comments) of a file's lines: `path:line: name`.
fn forbidden_in(shown: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        let code = code(line);
        for name in CLI_FORBIDDEN {
            if code.contains(name) {
                found.push(format!("{shown}:{}: {name}: {}", n + 1, trimmed));
            }
        }
    }
    found
}

#[test]
fn the_command_line_parses_and_prints_and_writes_nothing_itself() {
    let root = repo();
    let files = rust_files(&root.join("src/cli"));
    assert!(files.len() > 10, "src/cli/ was found: {files:?}");
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read");
        let shown = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        found.extend(forbidden_in(&shown, &text));
    }
    assert!(
        found.is_empty(),
        "src/cli/ names what belongs to the library:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_command_line_check_sees_a_write_and_a_git_call() {
    let text = "use std::io::Write;\n// std::fs::write(a, b) in a comment\nfn f() {\n    std::fs::write(p, b)?;\n    let r = git2::Repository::open(d);\n    dpa::files::write_atomic(p, b)?;\n    eprintln!(\"wrote it\");\n}\n";
    assert_eq!(
        forbidden_in("src/cli/x.rs", text),
        [
            "src/cli/x.rs:4: fs::write: std::fs::write(p, b)?;",
            "src/cli/x.rs:5: git2: let r = git2::Repository::open(d);",
            "src/cli/x.rs:6: write_atomic: dpa::files::write_atomic(p, b)?;",
        ]
    );
}

/// Where a `serde_json::Value` (or `json!`) may appear, and why: JSON output, the serialised facts
/// `when` conditions read, the tera context templates read, and bytes hashed. Anywhere else a
/// typed struct carries the data; a new file here needs a reason as good as these.
const JSON_VALUES_ALLOWED: [(&str, &str); 14] = [
    ("src/cli/", "JSON output of the commands"),
    (
        "crates/core/src/pipeline/status.rs",
        "JSON output of the tracker",
    ),
    ("crates/core/src/model/", "the record schema"),
    ("crates/text/src/diff/render.rs", "JSON output of a diff"),
    (
        "crates/core/src/library/when/",
        "conditions evaluate over the serialised facts",
    ),
    (
        "crates/core/src/library/requirements.rs",
        "a requirement's condition reads the facts",
    ),
    ("crates/core/src/select.rs", "builds the serialised facts"),
    (
        "crates/core/src/review/mod.rs",
        "the facts a review assumes",
    ),
    (
        "crates/core/src/assemble/context.rs",
        "the tera context templates read",
    ),
    (
        "crates/core/src/assemble/mod.rs",
        "the `typst` tera filter receives tera's values",
    ),
    (
        "crates/core/src/assemble/escape.rs",
        "tests render templates from JSON contexts",
    ),
    (
        "crates/core/src/manifest.rs",
        "record values flattened from their serialised form; the hashed parties block",
    ),
    (
        "crates/core/src/workspace.rs",
        "hash keys serialised to bytes; the glyph check walks a record's strings",
    ),
    (
        "crates/text/src/documents/numbering.rs",
        "docx_rs keeps list levels' fields private but serialisable",
    ),
];

#[test]
fn json_values_carry_data_only_where_a_reason_is_listed() {
    let root = repo();
    let mut outside = Vec::new();
    for (_, file) in workspace_files() {
        let rel = file
            .strip_prefix(&root)
            .expect("in repo")
            .display()
            .to_string();
        if JSON_VALUES_ALLOWED.iter().any(|(p, _)| rel.starts_with(p)) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read source");
        for (n, line) in text.lines().enumerate() {
            let code = code(line);
            let named = code.contains("serde_json::Value")
                || code.contains("json!")
                || (code.contains("use serde_json::") && code.contains("Value"));
            if named {
                outside.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        outside.is_empty(),
        "serde_json::Value outside the places listed in JSON_VALUES_ALLOWED; use a typed struct:\n{}",
        outside.join("\n")
    );
}

/// The crates are split by concern: reading and comparing documents (`dpa-text`) builds without
/// the Typst compiler, git or the agreement model, so a change there recompiles neither.
#[test]
fn the_text_crate_depends_on_neither_typst_nor_git_nor_the_library() {
    let manifest =
        std::fs::read_to_string(repo().join("crates/text/Cargo.toml")).expect("manifest");
    let table: toml::Table = manifest.parse().expect("TOML");
    let deps = table["dependencies"].as_table().expect("dependencies");
    for name in deps.keys() {
        assert!(
            !name.starts_with("typst") && name != "git2" && name != "dpa",
            "crates/text depends on {name}"
        );
    }
    assert!(
        deps.contains_key("docx-rs"),
        "the manifest was read: {deps:?}"
    );
}
