//! The bounded worker process that parses untrusted documents.
//!
//! Counterparty files are hostile input. Every parse of one runs in a separate process with caps
//! on address space and CPU time and a wall-clock deadline, so a zip bomb, a deflate bomb, deeply
//! nested markup or a parser panic ends that process, not `dpa`, and is reported as a refusal
//! naming the file.
//!
//! The worker is the running executable started again with [`WORKER_ENV`] set. The library owns
//! its entry: a constructor (in `.init_array` on Linux, `__mod_init_func` on macOS, `.CRT$XCU`
//! on Windows) answers the request before `main` runs, in any binary that links the library
//! (the `dpa` binary, a test harness, a later server), so no front end has to dispatch it.
//! [`worker_if_requested`] is the same entry for a platform without constructors.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The environment variable that turns the executable into a document worker; its value is the
/// format to parse (see [`super::Kind::as_str`]).
pub const WORKER_ENV: &str = "DPA_DOCUMENT_WORKER";

/// Bounds on reading one untrusted document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file accepted, in bytes.
    pub file_bytes: u64,
    /// Largest extracted text accepted, in bytes (a long DPA is about 150 KB).
    pub text_bytes: usize,
    /// Most clauses a document may yield.
    pub clauses: usize,
    /// Address-space limit of the worker process, in bytes.
    pub memory: u64,
    /// CPU-time limit of the worker process, in seconds.
    pub cpu_seconds: u64,
    /// Wall-clock deadline of the worker process.
    pub deadline: Duration,
    /// Most bytes a zip container (DOCX) may expand to, by its own directory.
    pub unzipped_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 32 * 1024 * 1024,
            text_bytes: 4 * 1024 * 1024,
            clauses: 20_000,
            memory: 1536 * 1024 * 1024,
            cpu_seconds: 20,
            deadline: Duration::from_secs(25),
            unzipped_bytes: 256 * 1024 * 1024,
        }
    }
}

/// Highest compression ratio accepted for a large part of a zip container.
pub const MAX_ZIP_RATIO: u64 = 200;

/// Limits the current process for a worker: address space and CPU time.
pub fn limit_worker(limits: &Limits) {
    #[cfg(unix)]
    {
        let set = |resource, value: u64| {
            let lim = libc::rlimit {
                rlim_cur: value as libc::rlim_t,
                rlim_max: value as libc::rlim_t,
            };
            // SAFETY: setrlimit reads a plain struct we own; failure leaves the limit unchanged.
            unsafe { libc::setrlimit(resource, &lim) };
        };
        set(libc::RLIMIT_AS, limits.memory);
        set(libc::RLIMIT_CPU, limits.cpu_seconds);
        set(libc::RLIMIT_CORE, 0);
    }
    #[cfg(not(unix))]
    let _ = limits;
}

/// Refuses a zip whose directory promises more than the limit or an implausible ratio (a zip
/// bomb); a directory that lies about sizes is caught by the worker's memory limit.
pub fn check_zip(bytes: &[u8], what: &str, limit: u64) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a readable {what} (a truncated or damaged file?): {e}"))?;
    if zip.len() > 10_000 {
        return Err(format!("the {what} holds {} parts; refused", zip.len()));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| format!("not a readable {what}: {e}"))?;
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        total = total.saturating_add(size);
        if total > limit || (size > 1024 * 1024 && size / packed > MAX_ZIP_RATIO) {
            return Err(format!(
                "the {what} expands to {} MiB or more (a zip bomb?); refused, the limit is {} MiB",
                total.max(size) / (1024 * 1024),
                limit / (1024 * 1024)
            ));
        }
    }
    Ok(())
}

/// The executable to start as a worker: this one.
fn worker_exe() -> Result<std::path::PathBuf, String> {
    std::env::current_exe().map_err(|e| format!("cannot locate the running executable: {e}"))
}

/// Parses `bytes` as `kind` in a worker process; returns what the worker printed (JSON).
pub(crate) fn run_document_worker(
    kind: &str,
    what: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<u8>, String> {
    // Keeps the constructor's object linked into every binary that reads documents.
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_vendor = "apple",
        windows
    ))]
    let _ = std::hint::black_box(&WORKER_HOOK);
    let exe = worker_exe()?;
    run_worker(
        &exe,
        &[],
        &[(WORKER_ENV, kind)],
        what,
        bytes,
        limits.text_bytes.saturating_mul(4),
        limits,
    )
}

/// Runs `exe ARGS` (with `env` set) as a bounded worker: `bytes` on its stdin, at most `max_out`
/// bytes of its stdout returned; a refusal (exit 2 with a reason) or a breach of the limits is
/// the error, with `what` naming the input in messages.
pub fn run_worker(
    exe: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    what: &str,
    bytes: &[u8],
    max_out: usize,
    limits: &Limits,
) -> Result<Vec<u8>, String> {
    let mut command = Command::new(exe);
    command
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("could not start the {what} reader: {e}"))?;
    let mut stdin = child.stdin.take();
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(mut s) = stdin.take() {
            // The worker may stop reading early; a broken pipe is its answer, not ours.
            let _ = s.write_all(&input);
        }
    });
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stdout {
            let _ = s.take(max_out as u64 + 1).read_to_end(&mut buf);
        }
        buf
    });
    let stderr = child.stderr.take();
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stderr {
            let _ = s.take(4096).read_to_end(&mut buf);
        }
        buf
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() > limits.deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("the {what} reader failed: {e}")),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    let Some(status) = status else {
        return Err(format!(
            "reading the {what} took longer than {} seconds; refused",
            limits.deadline.as_secs()
        ));
    };
    if out.len() > max_out {
        return Err(format!(
            "the {what} holds more than {} MiB of text; refused",
            max_out / (1024 * 1024)
        ));
    }
    let err = String::from_utf8_lossy(&err);
    let err_line = err
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if status.success() {
        return Ok(out);
    }
    if status.code() == Some(2) && !err_line.is_empty() {
        return Err(err_line.to_string());
    }
    Err(format!(
        "the {what} is malformed or hostile: reading it exceeded the reader's limits ({} MiB of memory, {} s of CPU){}",
        limits.memory / (1024 * 1024),
        limits.cpu_seconds,
        if err_line.is_empty() {
            String::new()
        } else {
            format!(": {err_line}")
        }
    ))
}

/// A worker's input: stdin up to one byte past `limit`, so that an oversized file still shows as
/// one; exit code 2 with the reason on stderr when it cannot be read.
pub fn worker_input(what: &str, limit: u64) -> Result<Vec<u8>, u8> {
    let mut bytes = Vec::new();
    match std::io::stdin().take(limit + 1).read_to_end(&mut bytes) {
        Ok(_) => Ok(bytes),
        Err(e) => {
            eprintln!("could not read the {what}: {e}");
            Err(2)
        }
    }
}

/// A worker's exit code: 0 once `result` is printed on stdout; 2 with the reason on stderr, or
/// when stdout cannot take the result (the parent reads a short result as a failed worker).
pub fn worker_exit(result: Result<Vec<u8>, String>) -> u8 {
    match result {
        Ok(bytes) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(&bytes).and_then(|_| out.flush()) {
                Ok(()) => 0,
                Err(_) => 2,
            }
        }
        Err(e) => {
            eprintln!("{e}");
            2
        }
    }
}

/// The document worker: when [`WORKER_ENV`] is set, parses stdin and exits the process with the
/// worker's code; otherwise returns and the program goes on.
pub fn worker_if_requested() {
    let Some(kind) = std::env::var_os(WORKER_ENV) else {
        return;
    };
    let kind = kind.to_string_lossy().into_owned();
    let limits = Limits::default();
    limit_worker(&limits);
    // The reason goes to stderr as one line; a panic message would only repeat it.
    std::panic::set_hook(Box::new(|_| {}));
    let code = match worker_input("document", limits.file_bytes) {
        Ok(bytes) => worker_exit(super::worker_parse(&kind, &bytes, &limits)),
        Err(code) => code,
    };
    std::process::exit(i32::from(code));
}

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_vendor = "apple",
    windows
))]
extern "C" fn worker_hook() {
    worker_if_requested();
}

/// Runs [`worker_if_requested`] before `main` in every binary that links the reader.
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_vendor = "apple",
    windows
))]
#[used]
#[cfg_attr(
    any(target_os = "linux", target_os = "android"),
    unsafe(link_section = ".init_array")
)]
#[cfg_attr(
    target_vendor = "apple",
    unsafe(link_section = "__DATA,__mod_init_func")
)]
#[cfg_attr(windows, unsafe(link_section = ".CRT$XCU"))]
static WORKER_HOOK: extern "C" fn() = worker_hook;
