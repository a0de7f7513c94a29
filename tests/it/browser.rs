//! The HTML outputs (status page, diff redline) in headless Chromium: no console errors, hostile
//! record text shown literally and never executed, and a screenshot kept under target/.

use std::path::Path;

use crate::common::*;

const HOSTILE: &str = r#"<img src=x onerror="document.body.setAttribute('data-pwned','1')"><script>document.body.setAttribute('data-pwned','2')</script> & Co"#;

fn chromium(args: &[&str], profile: &Path) -> std::process::Output {
    crate::common::tool("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium is installed (Debian package chromium)")
}

fn check_page(name: &str, html: &Path, dir: &Path) -> String {
    let url = format!("file://{}", html.display());
    let dom = chromium(&["--dump-dom", &url], &dir.join(format!("profile-{name}")));
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let log = String::from_utf8_lossy(&dom.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "{name}: console messages: {console:?}");
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    assert!(
        !dom.contains("data-pwned=\"1\"") && !dom.contains("data-pwned=\"2\""),
        "{name}: record text was executed"
    );
    let artifacts = repo().join("target/browser-screenshots");
    std::fs::create_dir_all(&artifacts).expect("mkdir");
    let shot = artifacts.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&shot);
    let out = chromium(
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,900",
            &url,
        ],
        &dir.join(format!("profile-{name}-shot")),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::metadata(&shot).is_ok_and(|m| m.len() > 1000),
        "{name}: no screenshot"
    );
    dom
}

#[test]
fn status_page_renders_and_keeps_record_text_inert() {
    let ws = example_workspace();
    Record::vendor(HOSTILE).write(ws.path(), "hostile");
    let out = dpa(ws.path(), &["status", "--format", "html"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = ws.path().join("status.html");
    std::fs::write(&html, &out.stdout).expect("write");
    let dom = check_page("status", &html, ws.path());
    assert!(
        dom.contains("&lt;img src=x onerror="),
        "hostile name not shown literally"
    );
    assert!(dom.contains("acme-analytics"));
}

#[test]
fn diff_redline_renders_and_keeps_contract_text_inert() {
    let ws = example_workspace();
    let old = ws.path().join("old.md");
    let new = ws.path().join("new.md");
    std::fs::write(
        &old,
        "## 1. Parties\n\n1.1 The vendor is Acme.\n\n1.2 Data is deleted after 30 days.\n",
    )
    .expect("write");
    std::fs::write(
        &new,
        format!(
            "## 1. Parties\n\n1.1 The vendor is {HOSTILE}.\n\n1.2 Data is deleted after 14 days.\n"
        ),
    )
    .expect("write");
    let out = dpa(
        ws.path(),
        &[
            "diff",
            old.to_str().expect("utf8"),
            new.to_str().expect("utf8"),
            "--format",
            "html",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = ws.path().join("redline.html");
    std::fs::write(&html, &out.stdout).expect("write");
    let dom = check_page("redline", &html, ws.path());
    assert!(
        dom.contains("<ins>") || dom.contains("<ins "),
        "no insertions marked"
    );
    // A document's markup is read as a browser shows it: the image and the script are not
    // text, what they surround is, and nothing of them runs in the report (`check_page`).
    assert!(
        dom.contains("&amp; Co"),
        "the visible text around the markup not shown"
    );
    assert!(
        !dom.contains("<img src=\"x\""),
        "the document's markup became markup"
    );
}

#[test]
fn redline_folds_modified_clauses_to_their_context() {
    let ws = example_workspace();
    let far =
        "Recitals that nobody changed run on for many words before anything differs in this clause";
    let near = "and then the processor shall delete the data within";
    let after =
        "days of the end of the services unless the law requires storage for longer periods";
    let old = ws.path().join("old.md");
    let new = ws.path().join("new.md");
    let doc = |days: &str| {
        let mut s = String::from("## 1. Terms\n\n");
        for i in 1..=6 {
            s.push_str(&format!(
                "1.{i} Unchanged clause number {i} says the same.\n\n"
            ));
        }
        s.push_str(&format!("1.7 {far} {near} {days} {after}.\n"));
        s
    };
    std::fs::write(&old, doc("30")).expect("write");
    std::fs::write(&new, doc("14")).expect("write");
    let out = dpa(
        ws.path(),
        &[
            "diff",
            old.to_str().expect("utf8"),
            new.to_str().expect("utf8"),
            "--format",
            "html",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = ws.path().join("folded.html");
    std::fs::write(&html, &out.stdout).expect("write");
    let dom = check_page("redline-folded", &html, ws.path());
    assert!(
        dom.contains("7 unchanged clauses: 1 Terms \u{2013} 1.6</summary>"),
        "unchanged run not folded: {dom}"
    );
    assert!(dom.contains("<details class=\"whole\"><summary>Whole clause</summary>"));

    // What a reader sees: the printed page shows the excerpt around the change and hides the
    // folded runs and the whole clause until opened.
    let pdf = ws.path().join("folded.pdf");
    let printed = chromium(
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
            &format!("file://{}", html.display()),
        ],
        &ws.path().join("profile-print"),
    );
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let seen = pdf_text(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        seen.contains("… then the processor shall delete the data within"),
        "{seen}"
    );
    assert!(
        seen.contains("days of the end of the services unless …"),
        "{seen}"
    );
    assert!(seen.contains("Whole clause"), "{seen}");
    assert!(
        !seen.contains("Recitals that nobody changed"),
        "whole clause shown: {seen}"
    );
    assert!(seen.contains("7 unchanged clauses"), "{seen}");
    assert!(!seen.contains("1.3"), "fold open: {seen}");
}

#[test]
fn review_report_renders_and_keeps_document_text_inert() {
    let ws = example_workspace();
    let doc = ws.path().join("their-dpa.md");
    std::fs::write(
        &doc,
        format!(
            "## 1. Audits\n\n1.1 The processor shall permit and contribute to audits by the controller. {HOSTILE}\n\n## 2. Use\n\n2.1 The processor may use Customer Data to improve its own products.\n"
        ),
    )
    .expect("write");
    let out = dpa(
        ws.path(),
        &[
            "review",
            doc.to_str().expect("utf8"),
            "--framework",
            "gdpr",
            "--format",
            "html",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let html = ws.path().join("review.html");
    std::fs::write(&html, &out.stdout).expect("write");
    let dom = check_page("review", &html, ws.path());
    assert!(
        dom.contains("&amp; Co"),
        "the visible text around the markup not shown"
    );
    assert!(
        !dom.contains("<img src=\"x\""),
        "the document's markup became markup"
    );
    assert!(
        dom.contains("<mark class=\"supports\">1.1 The processor shall permit")
            || dom.contains("<mark class=\"supports\">The processor shall permit"),
        "evidence not highlighted"
    );
    assert!(
        dom.contains("<mark class=\"against\">"),
        "contrary wording not highlighted"
    );
    assert!(
        dom.contains("href=\"#req-gdpr.28.3.h\""),
        "evidence not labelled with its requirement"
    );
}
