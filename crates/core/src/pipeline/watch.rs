//! A live preview: render one vendor's agreement again on every save of its record, the company
//! record, the clauses, the templates or the fonts.
//!
//! The compiler's memoised work stays in the process between renders (evicted by age, and all
//! of it above a memory cap), so a save re-lays out only what changed. Every file is written
//! atomically and the manifest last, so a viewer reloads a whole PDF, and a stop request
//! (Ctrl-C, `kill`) takes effect between renders, never during a write.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::diag::{Diagnostics, SourceLookup};
use crate::error::Error;
use crate::render::Renderer;
use crate::workspace::{COMPANY_FILE, Workspace};

use super::render::{Done, Options, render_one};

/// How long a burst of file events must be quiet before rendering: one save is often several
/// events (truncate, write, close; or write a temporary file and rename it).
const SETTLE: Duration = Duration::from_millis(30);
/// How often a stop request is looked for while waiting.
const POLL: Duration = Duration::from_millis(100);
/// Compiler cache entries unused for this many renders are dropped.
const CACHE_AGE: usize = 10;
/// Above this resident size the watch drops all of the compiler's memoised work, whatever its
/// age, so a long session on a large agreement stays within the memory goal.
const MEMORY_CAP: u64 = 400 * 1024 * 1024;

/// The process's resident memory in bytes, where the system tells it (`/proc/self/statm`).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf only reads a system constant.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    Some(pages * u64::try_from(page).ok()?)
}

/// How many renders' memoised work to keep: [`CACHE_AGE`], or none above [`MEMORY_CAP`].
fn cache_age(resident: Option<u64>) -> usize {
    if resident.is_some_and(|bytes| bytes > MEMORY_CAP) {
        0
    } else {
        CACHE_AGE
    }
}

/// What one render of the watch produced, and when it began.
pub enum Outcome<'a> {
    /// A render begins (the first one, or after a save settled); a stop request now takes
    /// effect once it is done.
    Rendering,
    /// The agreement was rendered; `elapsed` is from the first event of the save to the
    /// manifest written (for the first render, from the start).
    Rendered {
        /// The outputs.
        done: Done,
        /// Save-to-PDF time.
        elapsed: Duration,
        /// Warnings.
        diags: Diagnostics,
        /// Source text for the diagnostics.
        sources: &'a dyn SourceLookup,
    },
    /// The workspace or the vendor has errors; the previous outputs stay as they were.
    Failed {
        /// The errors, located.
        diags: Diagnostics,
        /// Source text for the diagnostics.
        sources: &'a dyn SourceLookup,
    },
}

/// Watches the workspace at `root` and renders vendor `id` into `out_root` now and after every
/// save, until `stop` is set. `report` is called as every render begins and after it.
///
/// Fails only when the file watcher cannot start or an output cannot be written; errors in the
/// user's files are reported and the watch goes on.
pub fn watch(
    root: &Path,
    id: &str,
    out_root: &Path,
    stop: &AtomicBool,
    report: &mut dyn FnMut(Outcome<'_>),
) -> Result<(), Error> {
    remove_leftovers(&out_root.join(id));
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })
    .map_err(|e| watch_error(root, e))?;
    let mut watched: Vec<PathBuf> = Vec::new();
    let mut renderer = Renderer::new(Some(root.to_path_buf()));
    let options = Options {
        out_root: out_root.to_path_buf(),
        final_: false,
        docx: None,
    };
    let mut since = Instant::now();
    let mut fonts_changed = false;
    loop {
        follow(&mut watcher, root, &mut watched)?;
        if fonts_changed {
            renderer = Renderer::new(Some(root.to_path_buf()));
        }
        report(Outcome::Rendering);
        render(root, id, &renderer, &options, since, report)?;
        comemo::evict(cache_age(resident_bytes()));
        // Wait for the next relevant event, then for the burst to settle.
        let mut first = None;
        fonts_changed = false;
        loop {
            if stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            let wait = if first.is_some() { SETTLE } else { POLL };
            match rx.recv_timeout(wait) {
                Ok(Ok(event)) => {
                    if let Some(kind) = relevant(root, id, &event) {
                        first.get_or_insert_with(Instant::now);
                        fonts_changed |= kind == Changed::Fonts;
                    }
                }
                Ok(Err(e)) => return Err(watch_error(root, e)),
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if let Some(t) = first {
                        since = t;
                        break;
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
    }
}

/// Opens the workspace afresh (clauses and templates may have changed) and renders the vendor.
fn render(
    root: &Path,
    id: &str,
    renderer: &Renderer,
    options: &Options,
    since: Instant,
    report: &mut dyn FnMut(Outcome<'_>),
) -> Result<(), Error> {
    let mut diags = Diagnostics::new();
    let ws = match Workspace::open(root, &mut diags) {
        Ok(ws) => ws,
        Err(Error::Invalid(_)) => {
            report(Outcome::Failed {
                diags,
                sources: &crate::workspace::lookup_in(root),
            });
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    if diags.has_errors() {
        report(Outcome::Failed {
            diags,
            sources: &ws,
        });
        return Ok(());
    }
    match render_one(&ws, renderer, id, options, &mut diags)? {
        Some(done) => report(Outcome::Rendered {
            done,
            elapsed: since.elapsed(),
            diags,
            sources: &ws,
        }),
        None => report(Outcome::Failed {
            diags,
            sources: &ws,
        }),
    }
    Ok(())
}

/// What a file event touched.
#[derive(PartialEq, Eq)]
enum Changed {
    /// The company record, the vendor record, a clause or a template.
    Inputs,
    /// A file under `fonts/`.
    Fonts,
}

/// Whether an event changes one of the vendor's inputs (reads and other vendors' records do not).
fn relevant(root: &Path, id: &str, event: &notify::Event) -> Option<Changed> {
    if matches!(event.kind, EventKind::Access(_)) {
        return None;
    }
    let record = root.join("vendors").join(format!("{id}.toml"));
    let mut changed = None;
    for path in &event.paths {
        if path.starts_with(root.join("fonts")) {
            return Some(Changed::Fonts);
        }
        if *path == record
            || *path == root.join(COMPANY_FILE)
            || path.starts_with(root.join("clauses"))
            || path.starts_with(root.join("templates"))
        {
            changed = Some(Changed::Inputs);
        }
    }
    changed
}

/// Watches the workspace folder itself (for `dpa.toml` and folders created later), `vendors/`,
/// and every existing input folder recursively.
fn follow(
    watcher: &mut notify::RecommendedWatcher,
    root: &Path,
    watched: &mut Vec<PathBuf>,
) -> Result<(), Error> {
    let wanted = [
        (root.to_path_buf(), RecursiveMode::NonRecursive),
        (root.join("vendors"), RecursiveMode::NonRecursive),
        (root.join("clauses"), RecursiveMode::Recursive),
        (root.join("templates"), RecursiveMode::Recursive),
        (root.join("fonts"), RecursiveMode::Recursive),
    ];
    for (dir, mode) in wanted {
        if watched.contains(&dir) || !dir.is_dir() {
            continue;
        }
        watcher
            .watch(&dir, mode)
            .map_err(|e| watch_error(&dir, e))?;
        watched.push(dir);
    }
    Ok(())
}

fn watch_error(path: &Path, e: notify::Error) -> Error {
    Error::Watch {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// Removes temporary files an earlier process left in `dir` when it was killed mid-write.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CACHE_AGE, MEMORY_CAP, cache_age, resident_bytes};

    #[test]
    fn the_cache_is_kept_by_age_and_dropped_above_the_memory_cap() {
        assert_eq!(cache_age(None), CACHE_AGE);
        assert_eq!(cache_age(Some(MEMORY_CAP)), CACHE_AGE);
        assert_eq!(cache_age(Some(MEMORY_CAP + 1)), 0);
        if cfg!(target_os = "linux") {
            let bytes = resident_bytes().expect("resident size on Linux");
            assert!(
                bytes > 1024 * 1024 && bytes < 64 * 1024 * 1024 * 1024,
                "{bytes}"
            );
        }
    }
}
