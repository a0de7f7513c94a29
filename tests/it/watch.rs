//! `dpa watch`: one render per save, errors located without stopping, and nothing partial left
//! behind when it is stopped.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use crate::common::{example_workspace, stdout};

const VENDOR: &str = "acme-analytics";
/// Generous: a debug build under load; the test never measures time.
const WAIT: Duration = Duration::from_secs(60);

struct Watch {
    child: Child,
    out: Receiver<String>,
    err: Receiver<String>,
}

fn start(root: &Path, verbose: bool) -> Watch {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dpa"))
        .arg("-C")
        .arg(root)
        .args(["watch", VENDOR])
        .args(verbose.then_some("-v"))
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dpa watch");
    let lines = |pipe: Box<dyn std::io::Read + Send>| {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        rx
    };
    let out = lines(Box::new(child.stdout.take().expect("stdout")));
    let err = lines(Box::new(child.stderr.take().expect("stderr")));
    Watch { child, out, err }
}

impl Watch {
    /// The next render line, or a failure naming what stderr said.
    fn rendered(&self) -> String {
        match self.out.recv_timeout(WAIT) {
            Ok(line) => line,
            Err(_) => panic!("no render; stderr: {}", self.stderr()),
        }
    }

    fn stderr(&self) -> String {
        self.err.try_iter().collect::<Vec<_>>().join("\n")
    }

    /// Stops it as Ctrl-C or `kill` would, and waits for it to exit.
    fn stop(mut self, signal: libc::c_int) -> std::process::ExitStatus {
        let pid = libc::pid_t::try_from(self.child.id()).expect("pid");
        // SAFETY: sends a signal to the child this test started.
        unsafe {
            libc::kill(pid, signal);
        }
        self.child.wait().expect("wait")
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn edit_record(root: &Path, from: &str, to: &str) {
    let path = root.join("vendors").join(format!("{VENDOR}.toml"));
    let text = std::fs::read_to_string(&path).expect("record");
    assert!(text.contains(from), "{from} in the record");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("save");
}

/// The output folder holds exactly the PDF, source and manifest, the manifest's stamp matches
/// the files and the record, and the PDF is whole.
fn assert_outputs_whole(root: &Path) {
    let dir = root.join("out").join(VENDOR);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("out dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("{VENDOR}.pdf"),
            format!("{VENDOR}.typ"),
            "manifest.json".to_string()
        ],
        "no temporary or partial file"
    );
    let pdf = std::fs::read(dir.join(format!("{VENDOR}.pdf"))).expect("pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        pdf.trim_ascii_end().ends_with(b"%%EOF"),
        "the PDF is complete"
    );
    let out = crate::common::dpa(root, &["render", "--all", "-v"]);
    let err = crate::common::stderr(&out);
    let stale = format!("{VENDOR}: rendering");
    assert!(
        !err.contains(&stale),
        "the watched outputs are current and intact: {err}"
    );
    assert!(stdout(&out).contains("unchanged"), "{}", stdout(&out));
}

#[test]
fn renders_once_per_save_reports_errors_and_goes_on() {
    let ws = example_workspace();
    let root = ws.path();
    let watch = start(root, false);
    let first = watch.rendered();
    assert!(
        first.starts_with(&format!("out/{VENDOR}/{VENDOR}.pdf  ")),
        "{first}"
    );
    let typ = root.join("out").join(VENDOR).join(format!("{VENDOR}.typ"));
    for n in 1..=3 {
        let marker = format!("Retained per edit {n}");
        edit_record(root, "retention = \"", &format!("retention = \"{marker}, "));
        let line = watch.rendered();
        assert!(line.contains(" pages  draft  "), "{line}");
        let source = std::fs::read_to_string(&typ).expect("typ");
        assert!(
            source.contains(&marker),
            "save {n} is in the new PDF's source"
        );
        // One save, one render: nothing more arrives while the files are quiet.
        assert!(
            watch.out.recv_timeout(Duration::from_millis(700)).is_err(),
            "a second render for save {n}"
        );
    }
    // A broken record: a located error, no render, and the watch goes on.
    edit_record(root, "name = \"", "name = = \"");
    let mut err = String::new();
    while !err.contains("waiting for the next save") {
        match watch.err.recv_timeout(WAIT) {
            Ok(line) => {
                err.push_str(&line);
                err.push('\n');
            }
            Err(_) => panic!("no error reported: {err}"),
        }
    }
    assert!(
        err.contains(&format!("vendors/{VENDOR}.toml:")),
        "located: {err}"
    );
    assert!(
        watch.out.try_recv().is_err(),
        "nothing rendered from a broken record"
    );
    edit_record(root, "name = = \"", "name = \"");
    watch.rendered();
    // Another vendor's record is not an input.
    edit_record_of(root, "adreach");
    assert!(watch.out.recv_timeout(Duration::from_millis(700)).is_err());
    let status = watch.stop(libc::SIGINT);
    assert!(
        status.success(),
        "Ctrl-C ends the watch cleanly: {status:?}"
    );
    assert_outputs_whole(root);
}

fn edit_record_of(root: &Path, id: &str) {
    let path = root.join("vendors").join(format!("{id}.toml"));
    let text = std::fs::read_to_string(&path).expect("record");
    std::fs::write(
        &path,
        text.replacen("retention = \"", "retention = \"Edited, ", 1),
    )
    .expect("save");
}

/// Stopped while it renders a save: the render in progress finishes, so the outputs are the
/// new ones, whole and current, and no temporary file is left.
#[test]
fn stopped_mid_render_finishes_it_and_leaves_no_partial_file() {
    let ws = example_workspace();
    let root = ws.path();
    let watch = start(root, true);
    watch.rendered();
    edit_record(root, "retention = \"", "retention = \"Killed, ");
    // Stop it once it has begun the render of this save.
    let begun = format!("{VENDOR}: rendering");
    let mut seen = 0;
    while seen < 2 {
        match watch.err.recv_timeout(WAIT) {
            Ok(line) if line == begun => seen += 1,
            Ok(_) => {}
            Err(_) => panic!("the render of the save never began"),
        }
    }
    let status = watch.stop(libc::SIGTERM);
    assert!(status.success(), "{status:?}");
    let source =
        std::fs::read_to_string(root.join("out").join(VENDOR).join(format!("{VENDOR}.typ")))
            .expect("typ");
    assert!(source.contains("Killed, "), "the save's render finished");
    assert_outputs_whole(root);
}
