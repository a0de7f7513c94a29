//! Templates cannot read outside templates/ and fonts/, nor import packages.

use crate::common::*;

fn with_prelude_line(line: &str) -> tempfile::TempDir {
    let ws = example_workspace();
    let prelude = std::fs::read_to_string(repo().join("templates/dpa.typ")).expect("prelude");
    write(
        ws.path(),
        "templates/dpa.typ",
        &format!("{prelude}\n{line}\n"),
    );
    ws
}

#[test]
fn package_imports_are_refused() {
    let ws = with_prelude_line("#import \"@preview/cetz:0.3.0\": canvas");
    let out = dpa(ws.path(), &["render", "nordhost"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("package imports are disabled"),
        "{}",
        stderr(&out)
    );
    assert!(!ws.path().join("out/nordhost").exists());
}

#[test]
fn files_outside_templates_and_fonts_are_refused() {
    let ws = with_prelude_line("#read(\"/etc/passwd\")");
    let out = dpa(ws.path(), &["render", "nordhost"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("access denied") || stderr(&out).contains("failed to load"),
        "{}",
        stderr(&out)
    );
    let ws = with_prelude_line("#read(\"../dpa.toml\")");
    let out = dpa(ws.path(), &["render", "nordhost"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn files_inside_templates_can_be_read() {
    let ws = with_prelude_line("#let logo-text = read(\"/templates/letterhead.txt\")");
    write(ws.path(), "templates/letterhead.txt", "Lumen letterhead");
    let out = dpa(ws.path(), &["render", "nordhost"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn template_syntax_errors_are_reported() {
    let ws = example_workspace();
    write(
        ws.path(),
        "templates/agreement.typ.tera",
        "{% for x in %}\n",
    );
    let out = dpa(ws.path(), &["render", "nordhost"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("templates/agreement.typ.tera"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn clauses_cannot_read_the_environment() {
    let ws = example_workspace();
    write(
        ws.path(),
        "clauses/leak.md",
        "+++\nid = \"general.leak\"\ntitle = \"Leak\"\nversion = 1\nframeworks = [\"general\"]\norder = 150\n+++\nHome is {{ get_env(name=\"HOME\") }}.\n",
    );
    let out = dpa(ws.path(), &["render", "nordhost"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`get_env` is disabled"),
        "{}",
        stderr(&out)
    );
    assert!(!ws.path().join("out/nordhost").exists());
}
