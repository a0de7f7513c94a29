//! Files: walking folders, reading UTF-8 text with located failures, reading with a size limit,
//! hashing, quoting CSV fields, and crash-safe writes (a temporary sibling, synced, then renamed into place).

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};

use crate::diag::Diagnostic;
use crate::error::Error;

/// Collects every file under `dir`, recursively, in sorted order; a missing directory yields nothing.
pub fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// `path` relative to `root`, with `/` separators, for messages and manifests.
pub fn display_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The source map: the text of every file read by [`read_text`], by path, as it was read.
/// Diagnostics print against the text that was parsed, so a file edited between parsing and
/// printing cannot move a caret onto other text; a file read again replaces its entry.
fn source_map() -> &'static Mutex<HashMap<PathBuf, Arc<str>>> {
    static SOURCES: OnceLock<Mutex<HashMap<PathBuf, Arc<str>>>> = OnceLock::new();
    SOURCES.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The text of `path` as [`read_text`] last read it, if it did.
pub fn source_as_read(path: &Path) -> Option<Arc<str>> {
    source_map()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(path)
        .cloned()
}

/// Reads a UTF-8 text file, turning failures into a diagnostic that names it, and keeps the
/// text in the source map for the diagnostics about it (see [`source_as_read`]).
pub fn read_text(root: &Path, path: &Path) -> Result<(String, String), Diagnostic> {
    let name = display_path(root, path);
    let bytes = fs::read(path)
        .map_err(|e| Diagnostic::error(&name, None, format!("cannot read the file: {e}")))?;
    match String::from_utf8(bytes) {
        Ok(text) => {
            source_map()
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(root.join(&name), Arc::from(text.as_str()));
            if let Some(span) = conflict_markers(&text) {
                return Err(Diagnostic::error(
                    &name,
                    Some(span),
                    "the file has unresolved merge conflict markers (<<<<<<< ... >>>>>>>)",
                )
                .with_hint("run `git merge --abort`, then `dpa sync`, which merges records field by field; or keep one side of each conflict, delete the markers and `git add` the file"));
            }
            Ok((name, text))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let mut d = Diagnostic::error(
                &name,
                None,
                format!("the file is not valid UTF-8 (first bad byte at offset {at})"),
            );
            d.hints.push("save the file as UTF-8".into());
            let _ = text;
            Err(d)
        }
    }
}

/// The span of the first git conflict block in `text` (`<<<<<<< ` through `>>>>>>> `), if any.
pub fn conflict_markers(text: &str) -> Option<std::ops::Range<usize>> {
    let mut start = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("<<<<<<< ") || line.trim_end() == "<<<<<<<" {
            start.get_or_insert(offset);
        } else if let Some(s) = start
            && (line.starts_with(">>>>>>> ") || line.trim_end() == ">>>>>>>")
        {
            return Some(s..offset + line.trim_end().len());
        }
        offset += line.len();
    }
    None
}

/// Quotes a CSV field when RFC 4180 requires it.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub use dpa_text::documents::read_bounded;

/// SHA-256 of bytes, hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `bytes` to `path` atomically: readers see the old file or the new one, never a part;
/// and durably: it returns once the bytes are on disk.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    replace(path, bytes, true)
}

/// Writes a derived output (a rendered PDF, its Typst source, its manifest) atomically for
/// readers, without waiting for the disk. A crash may leave such a file short or empty; the
/// render stamp records every output's size and hash, so the next `render` finds the damage
/// and renders it again. Records, registers and anything committed use [`write_atomic`].
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    replace(path, bytes, false)
}

fn replace(path: &Path, bytes: &[u8], sync: bool) -> Result<(), Error> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = unique_tmp(dir, &name);
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        if sync {
            file.sync_all()?;
        }
        drop(file);
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

fn unique_tmp(dir: &Path, name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_markers_are_found_as_one_span() {
        let text = "a = 1\n<<<<<<< HEAD\nb = 2\n=======\nb = 3\n>>>>>>> origin/main\nc = 4\n";
        let span = conflict_markers(text).expect("markers");
        assert!(text[span.clone()].starts_with("<<<<<<< HEAD"));
        assert!(text[span].ends_with(">>>>>>> origin/main"));
        assert_eq!(conflict_markers("a = \"<<<<<<< not at the start\"\n"), None);
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn reads_up_to_the_limit_and_refuses_more() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("f");
        fs::write(&p, vec![b'x'; 2 * 1024 * 1024]).expect("write");
        let limit = 2 * 1024 * 1024;
        assert_eq!(
            read_bounded(&p, limit, "no").expect("at the limit").len(),
            2 * 1024 * 1024
        );
        assert_eq!(
            read_bounded(&p, limit - 1, "too much here"),
            Err("the file is larger than 1 MiB; too much here".to_string())
        );
        assert!(read_bounded(&dir.path().join("missing"), limit, "no").is_err());
    }

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a/b/c.txt");
        write_atomic(&p, b"one").expect("write");
        write_atomic(&p, b"two").expect("rewrite");
        assert_eq!(fs::read(&p).expect("read"), b"two");
        let leftovers: Vec<_> = fs::read_dir(p.parent().expect("parent"))
            .expect("list")
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }
}
