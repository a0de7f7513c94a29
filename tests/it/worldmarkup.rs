//! Legal pages as docs sites and content systems write them (Markdown with HTML, template tags, MDX,
//! tables), compared with `dpa diff` as a reader of the published page sees them.

use serde_json::Value;

use crate::common::{dpa, stderr, stdout, write};

/// `dpa diff old.md new.md --format json`: (exit code, report).
fn diff(old: &str, new: &str) -> (i32, Value) {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "old.md", old);
    write(dir.path(), "new.md", new);
    let out = dpa(dir.path(), &["diff", "old.md", "new.md", "--format", "json"]);
    let code = out.status.code().unwrap_or(-1);
    let report = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("json ({e}); stderr: {}", stderr(&out)));
    (code, report)
}

fn count(report: &Value, status: &str) -> u64 {
    report["summary"][status].as_u64().expect("count")
}

/// Every count but `unchanged`, as (status, count), for messages and for "nothing changed".
fn changes(report: &Value) -> Vec<(String, u64)> {
    ["modified", "added", "removed", "moved", "renumbered"]
        .into_iter()
        .map(|s| (s.to_string(), count(report, s)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

fn assert_same(old: &str, new: &str) {
    let (code, report) = diff(old, new);
    assert_eq!(
        changes(&report),
        [],
        "a reader sees the same page: {}",
        serde_json::to_string_pretty(&report["clauses"]).unwrap_or_default()
    );
    assert_eq!(code, 0);
    assert!(count(&report, "unchanged") > 0);
}

/// An appendix of numbered safeguards under a heading written `heading`.
fn appendix(heading: &str) -> String {
    let mut s = String::from(
        "# Data Protection Terms\n\n## 1. Scope\n\nThese terms govern the processing of personal data.\n\n## 2. Security\n\nThe processor keeps the safeguards of Appendix A.\n\n",
    );
    s.push_str(heading);
    s.push_str("\n\n");
    for (n, topic) in [
        "access to premises",
        "access to systems",
        "encryption in transit",
        "encryption at rest",
        "logging of access",
        "backups",
    ]
    .iter()
    .enumerate()
    {
        s.push_str(&format!(
            "{}. The processor maintains controls for {topic}, reviewed once a year.\n\n",
            n + 1
        ));
    }
    s
}

#[test]
fn a_heading_nested_in_a_paragraph_is_a_heading() {
    let markdown = appendix("# Appendix A – Security Safeguards");
    let html = appendix("<p id=\"appendixA\"><h1>Appendix A – Security Safeguards</h1></p>");
    assert_same(&markdown, &html);
    assert_same(&html, &markdown);
    // The safeguards are numbered within the appendix, as a reader of either page finds them.
    let (_, report) = diff(&html, &html.replace("once a year", "twice a year"));
    assert_eq!(changes(&report), [("modified".to_string(), 6)]);
    let numbers: Vec<&str> = report["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .filter(|c| c["status"] == "modified")
        .filter_map(|c| c["new"]["number"].as_str())
        .collect();
    assert_eq!(numbers[0], "Appendix A/1", "{numbers:?}");
}

/// Sub-processing terms whose lettered duties are the list `ol`.
fn lettered(ol: &str) -> String {
    format!(
        "## 7. Sub-processors\n\nThe processor may engage sub-processors only if it:\n\n{ol}\n<li>informs the controller thirty days in advance;</li>\n<li>imposes the same data protection obligations by contract;</li>\n<li>remains liable for the sub-processor's performance.</li>\n</ol>\n\n## 8. Audits\n\nThe controller may audit once a year.\n"
    )
}

#[test]
fn list_markers_are_the_ones_displayed() {
    let by_type = lettered("<ol type=\"a\">");
    let by_css = lettered("<ol style=\"list-style-type:lower-alpha\" class=\"no-styling\">");
    assert_same(&by_type, &by_css);
    // Literal markers, as Markdown writes them, are the same items.
    let literal = "## 7. Sub-processors\n\nThe processor may engage sub-processors only if it:\n\na. informs the controller thirty days in advance;\n\nb. imposes the same data protection obligations by contract;\n\nc. remains liable for the sub-processor's performance.\n\n## 8. Audits\n\nThe controller may audit once a year.\n";
    assert_same(&by_css, literal);
    // A `start` attribute continues the lettering; an unstyled list is numbered.
    let started = lettered("<ol type=\"a\" start=\"2\">");
    let (_, report) = diff(&by_type, &started);
    let clause = &report["clauses"][0];
    assert_eq!(clause["status"], "modified", "{report}");
    let numbered = lettered("<ol>");
    let (_, report) = diff(&by_type, &numbered);
    assert_eq!(count(&report, "modified"), 1, "{report}");
}

#[test]
fn template_tags_mdx_and_markup_are_not_visible_text() {
    let plain = "---\ntitle: Privacy\n---\n\n## 1. Data\n\nThe {{variables.company}} service collects account data.\n\n## 2. Contact\n\nWrite to the privacy team, see our contact page.\nWe answer within 30 days.\n";
    let templated = "---\ntitle: Privacy\nversions:\n  fpt: '*'\n...\n\nimport Note from '../components/Note'\n\n## 1. Data\n\n{% comment %}Reviewed by legal.{% endcomment %}\nThe {% data variables.company %} service collects account data.\n\n## 2. Contact\n\n<Note type=\"info\">\nWrite to the privacy team, see our <a href=\"/contact\">contact page</a>.<br/>We answer within 30 days.\n</Note>\n";
    assert_same(plain, templated);
    let site_data = templated.replace("{% data variables.company %}", "{{ site.data.variables.company }}");
    assert_same(templated, &site_data);
    // A changed link target is not a change of words; a changed variable is.
    assert_same(templated, &templated.replace("/contact", "/contact-us"));
    let (_, report) = diff(templated, &templated.replace("variables.company", "variables.product"));
    assert_eq!(changes(&report), [("modified".to_string(), 1)]);
}

const SUBPROCESSORS: &str = "---\ntitle: Sub-processors\n---\n\n## Third-party sub-processors\n\n| Name | Processing | Location |\n|------|------------|----------|\n| Acme Hosting Inc. | Cloud infrastructure | United States |\n| Beta Mail Ltd | Transactional email | Ireland |\n| Gamma Support GmbH | Customer support | Germany |\n";

#[test]
fn a_sub_processor_list_diffs_row_by_row() {
    let new = SUBPROCESSORS
        .replace("| Ireland |", "| Netherlands |")
        .replace(
            "| Gamma Support GmbH |",
            "| Delta Analytics SAS | Product analytics | France |\n| Gamma Support GmbH |",
        );
    let (code, report) = diff(SUBPROCESSORS, &new);
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        changes(&report),
        [("modified".to_string(), 1), ("added".to_string(), 1)],
        "{report}"
    );
    let changed: Vec<(&str, &str)> = report["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .filter(|c| c["status"] != "unchanged")
        .map(|c| {
            (
                c["status"].as_str().unwrap_or(""),
                c["new"]["title"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        changed,
        [("modified", "Beta Mail Ltd"), ("added", "Delta Analytics SAS")]
    );
    // The same list as an HTML table is the same rows.
    let html = "---\ntitle: Sub-processors\n---\n\n## Third-party sub-processors\n\n<table>\n  <thead>\n    <tr><th>Name</th><th>Processing</th><th>Location</th></tr>\n  </thead>\n  <tbody>\n    <tr>\n      <td>Acme Hosting Inc.</td>\n      <td>Cloud infrastructure</td>\n      <td>United States</td>\n    </tr>\n    <tr><td>Beta Mail Ltd</td><td>Transactional email</td><td>Ireland</td></tr>\n    <tr><td>Gamma Support GmbH</td><td>Customer <br>support</td><td>Germany</td></tr>\n  </tbody>\n</table>\n";
    assert_same(SUBPROCESSORS, html);
}

#[test]
fn a_page_that_is_only_a_table_or_prose_is_read() {
    let table_only = "| Name | Location |\n|---|---|\n| Acme Hosting Inc. | United States |\n| Beta Mail Ltd | Ireland |\n";
    let (code, report) = diff(table_only, &table_only.replace("Ireland", "France"));
    assert_eq!(code, 0, "{report}");
    assert_eq!(changes(&report), [("modified".to_string(), 1)]);
    let prose = "We do not sell personal information.\n\nWe share it with service providers that help us run the service, under contract.\n\nYou may ask us for a copy of the data we hold about you:\n- by email;\n- by post.\n";
    let (code, report) = diff(prose, &prose.replace("by post", "by telephone"));
    assert_eq!(code, 0, "{report}");
    assert_eq!(changes(&report), [("modified".to_string(), 1)]);
    assert_eq!(count(&report, "unchanged"), 2);
}
