//! CLI tests of `dpa render`, `check` and `init` on fixture workspaces, checking the PDFs' text.

use crate::common::*;

const VENDORS: [(&str, &str, &str); 6] = [
    ("acme-analytics", "Acme Analytics, Inc.", "Sam Roe"),
    ("adreach", "AdReach Media Corp.", "Morgan Ellis"),
    ("nordhost", "Nordhost GmbH", "Katrin Vogel"),
    ("payroll-uk", "Brightwage Payroll Ltd", "Oliver Grant"),
    ("pipeline-crm", "Pipeline CRM, LLC", "Jordan Blake"),
    (
        "suryadesk",
        "Suryadesk Support Services Private Limited",
        "Vikram Mehta",
    ),
];

#[test]
fn render_all_examples_writes_pdf_source_and_manifest() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["render", "--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for (id, name, signatory) in VENDORS {
        let dir = ws.path().join("out").join(id);
        let pdf = dir.join(format!("{id}.pdf"));
        let text = pdf_text(&pdf);
        assert!(text.contains(name), "{id}: legal name missing");
        assert!(text.contains(signatory), "{id}: vendor signatory missing");
        assert!(
            text.contains("Priya Natarajan"),
            "{id}: our signatory missing"
        );
        assert!(text.contains("Annex I.A"), "{id}: Annex I.A missing");
        assert!(text.contains("Annex I.B"), "{id}: Annex I.B missing");
        assert!(text.contains("Annex II"), "{id}: Annex II missing");
        assert!(text.contains("Page 1 of "), "{id}: page numbering missing");
        assert!(text.contains("DRAFT"), "{id}: draft watermark missing");
        assert!(
            text.contains(&format!("DPA-{id}")),
            "{id}: document id missing"
        );
        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("manifest.json")).expect("manifest"),
        )
        .expect("json");
        assert_eq!(manifest["vendor"], id);
        assert_eq!(
            manifest["version"],
            serde_json::Value::Null,
            "drafts carry no version"
        );
        let clauses = manifest["clauses"].as_array().expect("clauses");
        assert!(clauses.len() > 10, "{id}: only {} clauses", clauses.len());
        for title in clauses.iter().filter_map(|c| c["title"].as_str()).take(10) {
            assert!(
                text.contains(title),
                "{id}: clause title `{title}` not in the PDF"
            );
        }
        let source = std::fs::read_to_string(dir.join(format!("{id}.typ"))).expect("typst source");
        assert!(source.contains("#set document("));
        let check = crate::common::tool("qpdf")
            .arg("--check")
            .arg(&pdf)
            .output()
            .expect("qpdf is installed");
        assert!(
            check.status.success(),
            "{id}: qpdf --check failed: {}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
}

#[test]
fn annex_lists_every_data_category_and_scc_choices() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["render", "suryadesk"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = pdf_text(&ws.path().join("out/suryadesk/suryadesk.pdf"));
    for category in [
        "Name",
        "Email address",
        "Support ticket content",
        "Account identifiers",
    ] {
        assert!(text.contains(category), "data category {category} missing");
    }
    assert!(text.contains("Module Two"), "SCC module missing");
    assert!(text.contains("Option 2"), "clause 9(a) option missing");
    assert!(
        text.contains("45 days"),
        "clause 9(a) notice period missing"
    );
    assert!(
        text.contains("Netherlands"),
        "clause 17/18 law and forum missing"
    );
}

#[test]
fn final_render_is_pdfa_and_byte_reproducible() {
    let ws = example_workspace();
    let a = dpa(ws.path(), &["render", "--all", "--final", "--out", "a"]);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    let b = dpa(ws.path(), &["render", "--all", "--final", "--out", "b"]);
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    for (id, _, _) in VENDORS {
        let pa = std::fs::read(ws.path().join(format!("a/{id}/{id}.pdf"))).expect("pdf a");
        let pb = std::fs::read(ws.path().join(format!("b/{id}/{id}.pdf"))).expect("pdf b");
        assert!(pa == pb, "{id}: two final renders differ");
        let raw = String::from_utf8_lossy(&pa);
        assert!(
            raw.contains("<pdfaid:part>2</pdfaid:part>"),
            "{id}: no PDF/A identification in XMP"
        );
        assert!(
            raw.contains("<pdfaid:conformance>B</pdfaid:conformance>"),
            "{id}: not PDF/A-2b"
        );
        assert!(
            !pdf_text(&ws.path().join(format!("a/{id}/{id}.pdf"))).contains("DRAFT"),
            "{id}: final carries a watermark"
        );
    }
}

#[test]
fn source_date_epoch_sets_the_creation_date() {
    let ws = example_workspace();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dpa"))
        .args(["-C"])
        .arg(ws.path())
        .args(["render", "nordhost", "--final"])
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .output()
        .expect("run");
    assert!(out.status.success());
    let info = crate::common::tool("pdfinfo")
        .arg(ws.path().join("out/nordhost/nordhost.pdf"))
        .output()
        .expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("2026"), "{info}");
}

#[test]
fn record_text_is_never_markup() {
    let ws = example_workspace();
    let hostile =
        r#"#read("/etc/passwd") *x* _y_ $x$ \ ] [ {{ x }} {% if %} <b>&amp; @ref // `raw` = - + ~"#;
    Record::vendor(hostile)
        .regions(&["US-CA", "EEA"])
        .write(ws.path(), "hostile");
    let out = dpa(ws.path(), &["render", "hostile"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = pdf_text(&ws.path().join("out/hostile/hostile.pdf"));
    let expected: String = hostile.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains(&expected),
        "hostile name not printed literally:\n{text}"
    );
    assert!(!text.contains("root:"), "a file was read");
    let manifest =
        std::fs::read_to_string(ws.path().join("out/hostile/manifest.json")).expect("manifest");
    let manifest: serde_json::Value = serde_json::from_str(&manifest).expect("json");
    assert_eq!(manifest["vendor_name"], hostile);
}

#[test]
fn malformed_record_exits_2_with_located_errors() {
    let ws = example_workspace();
    // Two typos as a person makes them: the misspelt key on line 1, the country on line 3.
    let text = Record::vendor("Broken Co")
        .toml()
        .replacen("name = \"Broken Co\"", "nmae = \"Broken Co\"", 1)
        .replacen("country = \"US\"", "country = \"USA\"", 1);
    write(ws.path(), "vendors/broken.toml", &text);
    let out = dpa(ws.path(), &["render", "broken"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        r#"error: unknown key `nmae`
  ┌─ vendors/broken.toml:1:1
  │
1 │ nmae = "Broken Co"
  │ ^^^^ not a known field at the top level
  │
  = hint: did you mean `name`?

error: `USA` is not an ISO 3166-1 alpha-2 country code
  ┌─ vendors/broken.toml:3:11
  │
3 │ country = "USA"
  │           ^^^^^ unknown country
  │
  = hint: did you mean `US`?

"#
    );
    assert!(
        !ws.path().join("out/broken").exists(),
        "a failing vendor leaves no output"
    );
}

#[test]
fn bad_toml_syntax_is_located() {
    let ws = example_workspace();
    write(
        ws.path(),
        "vendors/syntax.toml",
        "name = \"Unclosed\naddress = \"x\"\n",
    );
    let out = dpa(ws.path(), &["check", "syntax"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("vendors/syntax.toml:1:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn render_all_continues_past_a_bad_vendor() {
    let ws = example_workspace();
    write(ws.path(), "vendors/zz-bad.toml", "name = 3\n");
    let out = dpa(ws.path(), &["render", "--all"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        ws.path()
            .join("out/acme-analytics/acme-analytics.pdf")
            .exists()
    );
    assert!(!ws.path().join("out/zz-bad").exists());
    assert!(
        stderr(&out).contains("vendors/zz-bad.toml:1:8"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn invalid_vendor_ids_are_refused() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["render", "../etc"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a valid vendor id"),
        "{}",
        stderr(&out)
    );
    let out = dpa(ws.path(), &["render", "acme"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean `acme-analytics`?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn check_passes_on_the_examples() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("checked 6 vendors"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn init_scaffolds_a_workspace_that_renders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dpa(dir.path(), &["init", "ws"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ws = dir.path().join("ws");
    assert!(ws.join(".git").is_dir());
    assert!(ws.join("dpa.toml").is_file());
    let out = dpa(&ws, &["render", "--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        ws.join("out/example-analytics/example-analytics.pdf")
            .is_file()
    );
    let again = dpa(dir.path(), &["init", "ws"]);
    assert_eq!(again.status.code(), Some(2), "init refuses to overwrite");
}

#[test]
fn init_role_processor_scaffolds_a_processor_side_workspace_that_checks_and_renders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dpa(dir.path(), &["init", "ws", "--role", "processor"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("edit dpa.toml and customers/example-customer.toml"),
        "{}",
        stderr(&out)
    );
    let ws = dir.path().join("ws");
    assert!(ws.join(".git").is_dir());
    let company = std::fs::read_to_string(ws.join("dpa.toml")).expect("dpa.toml");
    assert!(company.contains("role = \"processor\""), "{company}");
    assert!(company.contains("[[subprocessors]]\nname = "), "{company}");
    assert!(company.contains("# [[subprocessors]]"), "{company}");
    assert!(ws.join("customers/example-customer.toml").is_file());
    assert!(!ws.join("vendors").exists());

    let out = dpa(&ws, &["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).starts_with("checked 1 customer agreement,"),
        "{}",
        stdout(&out)
    );
    let out = dpa(&ws, &["render", "--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let typ =
        std::fs::read_to_string(ws.join("out/example-customer/example-customer.typ")).expect("typ");
    assert!(
        typ.contains("Example Hosting Ltd"),
        "Annex III lists our sub-processor"
    );
    let text = pdf_text(&ws.join("out/example-customer/example-customer.pdf"));
    assert!(text.contains("Example Retail GmbH"), "{text}");
    let out = dpa(&ws, &["subprocessors", "notices"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("no intended sub-processors"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn outside_a_workspace_render_suggests_init() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dpa(dir.path(), &["render", "--all"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("dpa init"), "{}", stderr(&out));
}

#[test]
fn scripts_without_a_font_are_named_in_a_warning() {
    let ws = example_workspace();
    Record::vendor("Ελληνική Κυριλλица Łódź 東京データ株式会社").write(ws.path(), "scripts");
    let out = dpa(ws.path(), &["render", "scripts"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "warning: `name` has characters no available font can draw: 東京データ株式会社"
        ),
        "{err}"
    );
    assert!(err.contains("vendors/scripts.toml:1:8"), "{err}");
    let warning = err
        .lines()
        .find(|l| l.starts_with("warning:"))
        .expect("a warning");
    assert!(
        !warning.contains('λ') && !warning.contains('Ł') && !warning.contains('ц'),
        "Greek, Cyrillic and Latin Extended are covered: {warning}"
    );
    let text = pdf_text(&ws.path().join("out/scripts/scripts.pdf"));
    assert!(text.contains("Ελληνική Κυριλλица Łódź"), "{text}");
}

#[test]
fn a_render_killed_midway_never_leaves_a_truncated_file() {
    let ws = example_workspace();
    assert_eq!(
        dpa(ws.path(), &["render", "acme-analytics", "payroll-uk"])
            .status
            .code(),
        Some(0)
    );
    let files = [
        "out/acme-analytics/acme-analytics.pdf",
        "out/acme-analytics/manifest.json",
        "out/payroll-uk/payroll-uk.pdf",
        "out/payroll-uk/manifest.json",
    ];
    let originals: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(ws.path().join(f)).expect("rendered"))
        .collect();
    for i in 0..12u64 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dpa"))
            .arg("-C")
            .arg(ws.path())
            .args(["render", "acme-analytics", "payroll-uk", "-q"])
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(20 + (i * 37) % 400));
        let _ = child.kill();
        let _ = child.wait();
        for (f, original) in files.iter().zip(&originals) {
            let now = std::fs::read(ws.path().join(f)).expect("still there");
            assert_eq!(
                &now, original,
                "{f} changed or was truncated after a kill at round {i}"
            );
        }
    }
}

#[test]
fn completions_load_in_bash_and_the_man_page_renders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dpa(dir.path(), &["completions", "bash"]);
    assert_eq!(script.status.code(), Some(0));
    let path = dir.path().join("dpa.bash");
    std::fs::write(&path, &script.stdout).expect("write");
    let bash = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("source {} && complete -p dpa", path.display()))
        .output()
        .expect("bash");
    assert!(
        bash.status.success(),
        "{}",
        String::from_utf8_lossy(&bash.stderr)
    );
    assert!(
        String::from_utf8_lossy(&bash.stdout).contains("complete"),
        "{}",
        String::from_utf8_lossy(&bash.stdout)
    );
    for shell in ["zsh", "fish", "powershell"] {
        assert!(
            !dpa(dir.path(), &["completions", shell]).stdout.is_empty(),
            "{shell}"
        );
    }
    let man = stdout(&dpa(dir.path(), &["man"]));
    assert!(
        man.starts_with(".ie \\n(.g .ds Aq") || man.contains(".TH dpa 1"),
        "{}",
        &man[..200.min(man.len())]
    );
    for cmd in [
        "render", "record", "diff", "status", "sign", "verify", "check",
    ] {
        assert!(man.contains(cmd), "man page lacks {cmd}");
    }
    // `man ./dpa.1` renders it (man-db and groff are part of the Debian base system).
    let page = dir.path().join("dpa.1");
    std::fs::write(&page, &man).expect("write");
    let shown = crate::common::tool("man")
        .arg("-l")
        .arg(&page)
        .env("MANWIDTH", "80")
        .env("MANPAGER", "cat")
        .output()
        .expect("man");
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("NAME") && shown.contains("Data Processing Addendums"),
        "{shown}"
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let ws = example_workspace();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{0}' -C '{1}' clauses | head -1 && '{0}' -C '{1}' status | head -1",
            env!("CARGO_BIN_EXE_dpa"),
            ws.path().display()
        ))
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn ejected_library_still_checks_and_overrides() {
    let ws = example_workspace();
    let out = dpa(ws.path(), &["eject"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(ws.path().join("clauses/gdpr/audits.md").is_file());
    assert!(ws.path().join("templates/dpa.typ").is_file());
    let check = dpa(ws.path(), &["check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    let listed = stdout(&dpa(ws.path(), &["clauses", "gdpr.audits"]));
    assert!(
        listed.contains("workspace (clauses/gdpr/audits.md)"),
        "{listed}"
    );
}

#[test]
fn bulk_final_render_is_identical_on_one_or_many_workers() {
    let ws = example_workspace();
    // More vendors than one worker batch, so that the bulk path with worker processes runs.
    for i in 0..36 {
        Record::vendor(&format!("Bulk Vendor {i} Ltd"))
            .regions(&["US-CA", "EEA"])
            .write(ws.path(), &format!("bulk-{i:02}"));
    }
    let one = dpa(
        ws.path(),
        &["render", "--all", "--final", "-j", "1", "--out", "one"],
    );
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    let many = dpa(
        ws.path(),
        &["render", "--all", "--final", "-j", "3", "--out", "many"],
    );
    assert_eq!(many.status.code(), Some(0), "{}", stderr(&many));
    assert_eq!(
        stdout(&many).lines().count(),
        43,
        "one result line per vendor, then the count: {}",
        stdout(&many)
    );
    assert!(
        stdout(&many).ends_with("42 rendered, 0 unchanged\n"),
        "{}",
        stdout(&many)
    );
    let mut compared = 0;
    for entry in std::fs::read_dir(ws.path().join("one")).expect("out") {
        let id = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        for file in [format!("{id}.pdf"), "manifest.json".to_string()] {
            let a = std::fs::read(ws.path().join("one").join(&id).join(&file)).expect("one");
            let b = std::fs::read(ws.path().join("many").join(&id).join(&file)).expect("many");
            assert!(a == b, "{id}/{file} differs between 1 and 3 workers");
            compared += 1;
        }
    }
    assert_eq!(compared, 84);
}
