//! The HTML outputs (status page, diff redline) in headless Chromium: no console errors, hostile
//! record text shown literally and never executed, and a screenshot kept under target/.

use std::path::Path;
use std::process::Command;

use crate::common::*;

const HOSTILE: &str = r#"<img src=x onerror="document.body.setAttribute('data-pwned','1')"><script>document.body.setAttribute('data-pwned','2')</script> & Co"#;

fn chromium(args: &[&str], profile: &Path) -> std::process::Output {
    Command::new("chromium")
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
    write(
        ws.path(),
        "vendors/hostile.toml",
        &vendor_record(&format!("'''{HOSTILE}'''"), r#"["US-CA"]"#),
    );
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
    assert!(dom.contains("onerror="), "hostile text not shown");
}
