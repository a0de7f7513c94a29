//! The public sub-processor page (`dpa subprocessors page`): the committed list and every change
//! of it from git history, as HTML, JSON and an Atom feed.

use crate::common::*;

/// Commits the workspace with a fixed commit date, so the page's dates are known.
fn commit_on(root: &std::path::Path, date: &str, message: &str) {
    let stamp = format!("{date}T10:00:00+00:00");
    let out = std::process::Command::new("git")
        .current_dir(root)
        .args(["commit", "-q", "-a", "-m", message])
        .env("GIT_AUTHOR_DATE", &stamp)
        .env("GIT_COMMITTER_DATE", &stamp)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_page_lists_the_committed_sub_processors_and_dates_each_change() {
    let ws = saas_vendor_repo();
    let root = ws.path();
    let toml = std::fs::read_to_string(root.join("dpa.toml")).expect("dpa.toml");
    // Postwise is replaced by another mail provider; the change is committed on a known day.
    let replaced = toml.replacen(
        "name = \"Postwise, Inc.\"",
        "name = \"Mailroute <Ltd> & Co\"",
        1,
    );
    assert_ne!(replaced, toml);
    std::fs::write(root.join("dpa.toml"), replaced).expect("write");
    commit_on(root, "2026-11-02", "Replace the mail provider");
    // An uncommitted change is not published, and is said so.
    std::fs::write(
        root.join("dpa.toml"),
        std::fs::read_to_string(root.join("dpa.toml"))
            .expect("read")
            .replacen("Delivery of transactional email", "Email delivery", 1),
    )
    .expect("write");

    let out = dpa(
        root,
        &[
            "subprocessors",
            "page",
            "--out",
            "site",
            "--url",
            "https://brightmetric.example/subprocessors/",
            "--as-of",
            "2027-02-01",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("not committed"), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("4 in service, 1 announced, "),
        "{}",
        stdout(&out)
    );

    let html = std::fs::read_to_string(root.join("site/index.html")).expect("index.html");
    assert!(html.contains("Sub-processors of Brightmetric Analytics, Inc."));
    assert!(html.contains("Mailroute &lt;Ltd&gt; &amp; Co"), "{html}");
    assert!(!html.contains("<Ltd>") && !html.contains("<script"));
    assert!(html.contains("Vectorline AI Ltd") && html.contains("1 March 2027"));
    assert!(
        html.contains("Delivery of transactional email") && !html.contains("Email delivery"),
        "the committed purpose is published"
    );
    assert!(
        html.contains("2 November 2026</time>: Removed: Postwise, Inc."),
        "{html}"
    );

    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("site/subprocessors.json")).expect("json"),
    )
    .expect("JSON");
    assert_eq!(json["announced"][0]["name"], "Vectorline AI Ltd");
    assert_eq!(json["announced"][0]["starts"], "2027-03-01");
    let newest: Vec<(String, String)> = json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .take(2)
        .map(|c| {
            (
                c["kind"].as_str().unwrap_or("").to_string(),
                c["subprocessor"]["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        newest,
        [
            ("added".to_string(), "Mailroute <Ltd> & Co".to_string()),
            ("removed".to_string(), "Postwise, Inc.".to_string()),
        ]
    );

    let atom = std::fs::read_to_string(root.join("site/feed.atom")).expect("feed.atom");
    assert!(atom.contains("<id>https://brightmetric.example/subprocessors/feed.atom</id>"));
    assert!(
        atom.contains("<updated>2026-11-02T10:00:00Z</updated>"),
        "{atom}"
    );
    assert!(atom.contains("Added: Mailroute &lt;Ltd&gt; &amp; Co (United States)"));
    // Well-formed XML: the feed parses.
    let parsed = crate::common::tool("python3")
        .args([
            "-c",
            "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1]); print('ok')",
        ])
        .arg(root.join("site/feed.atom"))
        .output()
        .expect("python3");
    assert_eq!(stdout(&parsed).trim(), "ok", "{}", stderr(&parsed));
}

#[test]
fn without_a_committed_list_the_page_is_refused() {
    let ws = saas_vendor();
    let out = dpa(ws.path(), &["subprocessors", "page", "--out", "site"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(!ws.path().join("site/index.html").exists());
}
