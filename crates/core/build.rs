//! Embeds the built-in clause library and templates into the binary.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::{env, fs};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    // The built-in files live at the top of the repository, two levels above this crate.
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("../..")
            .canonicalize()
            .expect("the repository root");
    let mut code = String::new();
    for (name, dir, exts) in [
        ("CLAUSES", "clauses", &["md", "toml"][..]),
        ("TEMPLATES", "templates", &["typ", "tera"][..]),
        ("DATA", "data", &["toml"][..]),
    ] {
        println!("cargo:rerun-if-changed={}", root.join(dir).display());
        let mut files = Vec::new();
        collect(&root.join(dir), &mut files);
        writeln!(
            code,
            "/// Built-in `{dir}/` files: (path relative to the repository, contents)."
        )
        .ok();
        writeln!(code, "pub static {name}: &[(&str, &str)] = &[").ok();
        for file in files {
            let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !exts.contains(&ext) {
                continue;
            }
            println!("cargo:rerun-if-changed={}", file.display());
            let rel = file
                .strip_prefix(&root)
                .expect("inside the crate")
                .to_string_lossy()
                .replace('\\', "/");
            writeln!(
                code,
                "    ({rel:?}, include_str!({:?})),",
                file.display().to_string()
            )
            .ok();
        }
        writeln!(code, "];").ok();
    }
    // An identity of this build: the library's sources (this crate and dpa-text; the command line
    // does not change what is rendered), the locked dependency versions (the Typst
    // compiler among them) and the built-in files. Incremental rendering treats outputs of any
    // other build as stale.
    let mut hasher = std::hash::DefaultHasher::new();
    let mut files = Vec::new();
    for dir in ["crates", "clauses", "templates", "data"] {
        println!("cargo:rerun-if-changed={}", root.join(dir).display());
        collect(&root.join(dir), &mut files);
    }
    for name in ["Cargo.lock", "Cargo.toml"] {
        println!("cargo:rerun-if-changed={}", root.join(name).display());
        files.push(root.join(name));
    }
    for file in &files {
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        rel.hash(&mut hasher);
        fs::read(file).unwrap_or_default().hash(&mut hasher);
    }
    writeln!(
        code,
        "/// An identity of this build of dpa (its sources, dependencies and built-in files).\npub const BUILD: &str = \"{}-{:016x}\";",
        env::var("CARGO_PKG_VERSION").unwrap_or_default(),
        hasher.finish()
    )
    .ok();
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
