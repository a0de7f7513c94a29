//! Rendering agreements into an output folder: one ([`render_one`]), many on threads
//! ([`render_many`]) or in worker processes ([`in_workers`]), and only those whose inputs
//! changed ([`plan`]).
//!
//! Every output folder holds the agreement's PDF, Typst source (and Word copy), and last its
//! manifest, whose [`RenderStamp`] records the key of everything the outputs were made from
//! and the size and hash of each output file. An agreement is current when its manifest reads,
//! was written by this build of dpa, carries the key its inputs give today, and every file it
//! names is there with that size and hash. Anything else means render.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::assemble::DocOptions;
use crate::diag::Diagnostics;
use crate::error::Error;
use crate::files::{sha256_hex, write_output};
use crate::manifest::{FileStamp, RenderStamp};
use crate::render::Renderer;
use crate::workspace::Workspace;

/// How agreements are rendered.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder written into, one sub-folder per vendor.
    pub out_root: PathBuf,
    /// Final form: no watermark, PDF/A-2b, the version number it would be issued as.
    pub final_: bool,
    /// Also a Word document; `Some(true)` restricts its editing to tracked changes.
    pub docx: Option<bool>,
}

/// One rendered agreement.
#[derive(Debug, Clone)]
pub struct Done {
    /// The PDF written.
    pub pdf: PathBuf,
    /// Its page count.
    pub pages: usize,
    /// The version of a final render; `None` for a draft.
    pub version: Option<u32>,
}

impl Options {
    /// What besides the inputs decides the outputs of `id`: draft or final (and, for a final
    /// render, the issued manifest its version number comes from), the Word copy, and the
    /// `SOURCE_DATE_EPOCH` the PDF dates come from.
    fn mode(&self, ws: &Workspace, id: &str) -> String {
        let mut mode = if self.final_ {
            let issued = std::fs::read(ws.root.join("agreements").join(id).join("manifest.json"))
                .map_or_else(|_| "none".to_string(), |b| sha256_hex(&b));
            format!("final issued={issued}")
        } else {
            "draft".to_string()
        };
        match self.docx {
            Some(true) => mode.push_str(" docx=protected"),
            Some(false) => mode.push_str(" docx"),
            None => {}
        }
        mode.push_str(&epoch());
        mode
    }
}

/// ` epoch=N` when `SOURCE_DATE_EPOCH` is set (it dates the PDF), else nothing.
pub fn epoch() -> String {
    std::env::var("SOURCE_DATE_EPOCH")
        .map(|e| format!(" epoch={e}"))
        .unwrap_or_default()
}

/// The key of an agreement's outputs: its input key (see [`Workspace::input_key`]) and the mode.
pub fn output_key(input_key: &str, mode: &str) -> String {
    sha256_hex(format!("{input_key}\n{mode}").as_bytes())
}

/// Why the outputs of `id` in `dir` are not current, or `None` when they are.
///
/// `key` is the output key its inputs give today (`None`: they could not be read, so render and
/// let the render report why); `files` the output files the options ask for.
pub fn stale_reason(dir: &Path, key: Option<&str>, files: &[String]) -> Option<String> {
    let Some(key) = key else {
        return Some("its inputs could not be read".into());
    };
    let Ok(text) = std::fs::read_to_string(dir.join("manifest.json")) else {
        return Some("no manifest".into());
    };
    // Only the tool and the stamp are needed: the rest is checked for syntax, not built.
    #[derive(serde::Deserialize)]
    struct Stamped {
        tool: crate::manifest::Tool,
        render: Option<RenderStamp>,
    }
    let Ok(manifest) = serde_json::from_str::<Stamped>(&text) else {
        return Some("the manifest does not read".into());
    };
    if manifest.tool.version != env!("CARGO_PKG_VERSION") {
        return Some(format!("rendered by dpa {}", manifest.tool.version));
    }
    let Some(stamp) = manifest.render else {
        return Some("the manifest has no render key".into());
    };
    if stamp.key != key {
        return Some("its inputs changed".into());
    }
    for name in files {
        let Some(want) = stamp.files.get(name) else {
            return Some(format!("{name} was not rendered"));
        };
        match std::fs::metadata(dir.join(name)) {
            Err(_) => return Some(format!("{name} is missing")),
            Ok(m) if m.len() != want.bytes => {
                return Some(format!("{name} has {} bytes, not {}", m.len(), want.bytes));
            }
            Ok(_) => {}
        }
        match std::fs::read(dir.join(name)) {
            Ok(bytes) if sha256_hex(&bytes) == want.sha256 => {}
            Ok(_) => return Some(format!("{name} was changed")),
            Err(e) => return Some(format!("{name} does not read: {e}")),
        }
    }
    None
}

/// The output file names of `id` under these options.
fn file_names(id: &str, options: &Options) -> Vec<String> {
    let mut files = vec![format!("{id}.pdf"), format!("{id}.typ")];
    if options.docx.is_some() {
        files.push(format!("{id}.docx"));
    }
    files
}

/// Which agreements must be rendered and which are current.
#[derive(Debug, Default)]
pub struct Plan {
    /// Vendors to render, each with the reason.
    pub stale: Vec<(String, String)>,
    /// Vendors whose outputs are current.
    pub current: Vec<String>,
}

/// Splits `ids` into the agreements that must be rendered and those that are current, checking
/// many at once.
pub fn plan(ws: &Workspace, ids: &[String], options: &Options) -> Plan {
    let verdicts: Vec<Option<String>> = ids
        .par_iter()
        .map(|id| {
            let key = ws
                .current_key(id)
                .map(|k| output_key(&k, &options.mode(ws, id)));
            stale_reason(
                &options.out_root.join(id),
                key.as_deref(),
                &file_names(id, options),
            )
        })
        .collect();
    let mut plan = Plan::default();
    for (id, verdict) in ids.iter().zip(verdicts) {
        match verdict {
            Some(reason) => plan.stale.push((id.clone(), reason)),
            None => plan.current.push(id.clone()),
        }
    }
    plan
}

/// Renders one vendor's agreement into `<out_root>/<id>/`: the Typst source, the PDF, the Word
/// copy if asked, and last the manifest with its render stamp, each file written atomically
/// (see [`write_output`]).
/// `Ok(None)` when the vendor's files have errors (reported in `diags`).
pub fn render_one(
    ws: &Workspace,
    renderer: &Renderer,
    id: &str,
    options: &Options,
    diags: &mut Diagnostics,
) -> Result<Option<Done>, Error> {
    let Some(vendor) = ws.load_vendor(id, diags) else {
        return Ok(None);
    };
    let mode = options.mode(ws, id);
    let draft = DocOptions {
        final_: false,
        version: "draft".into(),
    };
    let Some(mut prepared) = ws.prepare(vendor.clone(), &draft, diags) else {
        return Ok(None);
    };
    let mut version = None;
    if options.final_ {
        let n = ws.final_version(&prepared);
        let doc = DocOptions {
            final_: true,
            version: n.to_string(),
        };
        let Some(p) = ws.prepare(vendor, &doc, diags) else {
            return Ok(None);
        };
        prepared = p;
        version = Some(n);
    }
    let Some(mut output) = ws.render(renderer, &prepared, version, diags) else {
        return Ok(None);
    };
    let dir = options.out_root.join(id);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (format!("{id}.typ"), output.source.clone().into_bytes()),
        (format!("{id}.pdf"), std::mem::take(&mut output.pdf)),
    ];
    if let Some(protect) = options.docx {
        let meta = crate::render::docx::DocxMeta {
            company: &ws.company,
            vendor: &prepared.vendor,
            document_id: format!("DPA-{id}"),
            version: version.map_or_else(|| "draft".to_string(), |n| n.to_string()),
            effective: crate::assemble::context::effective_text(&prepared.vendor),
            title: prepared.assembled.title.clone(),
            created: crate::render::creation_date(prepared.vendor.service.starts),
            protect,
        };
        let bytes =
            crate::render::docx::write(&meta, &prepared.assembled.clauses).map_err(|reason| {
                Error::DocxWrite {
                    what: id.to_string(),
                    reason,
                }
            })?;
        files.push((format!("{id}.docx"), bytes));
    }
    output.manifest.render = Some(RenderStamp {
        key: output_key(&prepared.key, &mode),
        files: files
            .iter()
            .map(|(name, bytes)| (name.clone(), FileStamp::of(bytes)))
            .collect::<BTreeMap<_, _>>(),
    });
    for (name, bytes) in &files {
        write_output(&dir.join(name), bytes)?;
    }
    // The manifest last: until it is written, the folder reads as stale.
    write_output(
        &dir.join("manifest.json"),
        output.manifest.to_json().as_bytes(),
    )?;
    Ok(Some(Done {
        pdf: dir.join(format!("{id}.pdf")),
        pages: output.pages,
        version,
    }))
}

/// Called once per vendor of [`render_many`]: its id, the result, and its diagnostics.
pub type OnDone<'a> = dyn Fn(&str, Result<Option<Done>, Error>, Diagnostics) + Sync + 'a;

/// Renders `ids` on `jobs` threads (0: one per core), sharing one compiler; `done` is called
/// once per vendor, from the thread that rendered it, with the result and its diagnostics.
///
/// Each thread of a pool of `jobs` renders one agreement after another, taking the next one
/// from a shared counter. The agreements are not rayon tasks: Typst parallelises inside a
/// document with rayon, and a pool thread waiting for that work would otherwise steal the
/// next agreement and nest it, holding many half-exported documents at once. Inside the pool,
/// Typst's own parallel work runs on the same threads, so a one-thread pool lays out inline.
/// One agreement alone is rendered on the calling thread, where Typst may use every core.
///
/// After each agreement the compiler's memoised results are all evicted: agreements differ in
/// their parties' names, clause sets and annex tables, and keeping the previous documents'
/// layout cost more in lookups than it saved (BENCHMARKS.md, "Layout reuse").
pub fn render_many(
    ws: &Workspace,
    renderer: &Renderer,
    ids: &[String],
    options: &Options,
    jobs: usize,
    done: &OnDone<'_>,
) -> Result<(), Error> {
    let next = AtomicUsize::new(0);
    let work = || {
        while let Some(id) = ids.get(next.fetch_add(1, Ordering::Relaxed)) {
            let mut diags = Diagnostics::new();
            let result = render_one(ws, renderer, id, options, &mut diags);
            done(id, result, diags);
            comemo::evict(0);
        }
    };
    if ids.len() <= 1 {
        work();
        return Ok(());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(Error::ThreadPool)?;
    pool.broadcast(|_| work());
    Ok(())
}

/// Splits `ids` into batches of at most `batch`, as even as they can be, in a number that
/// `jobs` divides whenever there are enough ids, so that every worker gets the same share and
/// none idles while another finishes a full batch (98 ids, 2 jobs, at most 32 each: four
/// batches of 25, 25, 24 and 24, not 32, 32, 32 and 2).
pub fn balanced_batches(ids: &[String], batch: usize, jobs: usize) -> Vec<&[String]> {
    if ids.is_empty() {
        return Vec::new();
    }
    let (batch, jobs) = (batch.max(1), jobs.max(1));
    let count = (jobs * ids.len().div_ceil(jobs * batch)).min(ids.len());
    let (size, extra) = (ids.len() / count, ids.len() % count);
    let mut out = Vec::with_capacity(count);
    let mut start = 0;
    for i in 0..count {
        let len = size + usize::from(i < extra);
        out.push(&ids[start..start + len]);
        start += len;
    }
    out
}

/// Runs batches of `ids` in worker processes, `jobs` at once: `command` builds the process for
/// one batch, and `line` receives each line it prints on stdout. Returns the highest exit code
/// of the workers (2 when one could not be started or was killed).
///
/// The compiler's caches grow with every distinct document a process lays out, even when
/// evicted; a fresh process per batch (at most `batch` ids, see [`balanced_batches`]) keeps
/// the footprint of a bulk run flat.
pub fn in_workers(
    ids: &[String],
    batch: usize,
    jobs: usize,
    command: &(dyn Fn(&[String]) -> std::process::Command + Sync),
    line: &(dyn Fn(&str) + Sync),
) -> Result<u8, Error> {
    let batches = balanced_batches(ids, batch, jobs);
    let next = AtomicUsize::new(0);
    let worst = AtomicU8::new(0);
    let spawn_error: Mutex<Option<Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1).min(batches.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(batch) = batches.get(i) else { break };
                    let mut cmd = command(batch);
                    cmd.stdout(std::process::Stdio::piped());
                    let mut child = match cmd.spawn() {
                        Ok(c) => c,
                        Err(e) => {
                            spawn_error
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .get_or_insert(Error::Worker(e));
                            worst.fetch_max(2, Ordering::Relaxed);
                            break;
                        }
                    };
                    if let Some(stdout) = child.stdout.take() {
                        for l in std::io::BufRead::lines(std::io::BufReader::new(stdout))
                            .map_while(Result::ok)
                        {
                            line(&l);
                        }
                    }
                    let code = child.wait().ok().and_then(|s| s.code()).unwrap_or(2);
                    worst.fetch_max(u8::try_from(code).unwrap_or(2), Ordering::Relaxed);
                }
            });
        }
    });
    if let Some(e) = spawn_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(e);
    }
    Ok(worst.into_inner())
}

#[cfg(test)]
mod tests {
    use super::balanced_batches;

    fn sizes(n: usize, batch: usize, jobs: usize) -> Vec<usize> {
        let ids: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        let batches = balanced_batches(&ids, batch, jobs);
        let flat: Vec<&String> = batches.iter().flat_map(|b| b.iter()).collect();
        assert_eq!(
            flat,
            ids.iter().collect::<Vec<_>>(),
            "every id once, in order"
        );
        batches.iter().map(|b| b.len()).collect()
    }

    #[test]
    fn batches_share_the_work_evenly_between_the_workers() {
        assert_eq!(sizes(98, 32, 2), vec![25, 25, 24, 24]);
        assert_eq!(sizes(100, 32, 2), vec![25, 25, 25, 25]);
        assert_eq!(sizes(33, 32, 2), vec![17, 16]);
        assert_eq!(sizes(3, 32, 8), vec![1, 1, 1]);
        assert_eq!(sizes(0, 32, 2), Vec::<usize>::new());
        for n in 1..300 {
            for jobs in 1..5 {
                let s = sizes(n, 32, jobs);
                assert!(
                    s.iter().all(|&len| (1..=32).contains(&len)),
                    "{n} {jobs}: {s:?}"
                );
                let (lo, hi) = (s.iter().min().unwrap(), s.iter().max().unwrap());
                assert!(hi - lo <= 1, "{n} {jobs}: {s:?}");
                assert!(
                    s.len().is_multiple_of(jobs) || s.len() == n,
                    "{n} {jobs}: {s:?}"
                );
            }
        }
    }
}
