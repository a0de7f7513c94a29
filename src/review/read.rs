//! Reading an untrusted document (PDF, DOCX, Markdown, text) into clauses, within bounds.
//!
//! Counterparty files are hostile input. Every reader works under limits: the file size, the
//! extracted text, and for the binary formats (PDF, DOCX) a separate worker process with a cap on
//! memory and CPU time and a wall-clock deadline, so a zip bomb, a deflate bomb, deeply nested
//! objects or a reader panic end that process, not `dpa`, and are reported as a refusal.
//!
//! Segmentation goes through the diff segmenter: every format is first turned into Markdown
//! (headings for the lines a reader sees as headings), then split into clauses.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::diff::{Clause, segment_markdown};
use crate::files;

/// Largest file accepted, in bytes.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// Largest extracted text accepted, in bytes (a long DPA is about 150 KB).
pub const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;
/// Most clauses a document may yield.
pub const MAX_CLAUSES: usize = 20_000;
/// Address-space limit of the worker process that reads PDF and DOCX.
pub const WORKER_MEMORY: u64 = 1536 * 1024 * 1024;
/// CPU-time limit of the worker process, in seconds.
pub const WORKER_CPU_SECONDS: u64 = 30;
/// Most bytes a DOCX may expand to, by its own directory.
pub const MAX_UNZIPPED_BYTES: u64 = 256 * 1024 * 1024;
/// Highest compression ratio accepted for a large DOCX part.
pub const MAX_ZIP_RATIO: u64 = 200;
/// Wall-clock deadline of the worker process.
pub const WORKER_DEADLINE: Duration = Duration::from_secs(60);

/// The formats `dpa review` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// PDF, text extracted with `pdf-extract`.
    Pdf,
    /// Word (Office Open XML).
    Docx,
    /// Markdown.
    Markdown,
    /// Plain text.
    Text,
}

impl Kind {
    /// The name used on the worker's command line and in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Docx => "docx",
            Kind::Markdown => "markdown",
            Kind::Text => "text",
        }
    }

    /// Parses [`Kind::as_str`].
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "pdf" => Some(Kind::Pdf),
            "docx" => Some(Kind::Docx),
            "markdown" => Some(Kind::Markdown),
            "text" => Some(Kind::Text),
            _ => None,
        }
    }

    /// Whether the format is read in a worker process.
    pub fn sandboxed(self) -> bool {
        matches!(self, Kind::Pdf | Kind::Docx)
    }

    /// The format of a file, by its first bytes, then by its extension.
    pub fn detect(path: &Path, bytes: &[u8]) -> Kind {
        if bytes.starts_with(b"%PDF-") {
            return Kind::Pdf;
        }
        if bytes.starts_with(b"PK\x03\x04") {
            return Kind::Docx;
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "pdf" => Kind::Pdf,
            "docx" => Kind::Docx,
            "md" | "markdown" => Kind::Markdown,
            _ => Kind::Text,
        }
    }
}

/// Reads a file of at most [`MAX_FILE_BYTES`]; the reason when it cannot be read or is too large.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    files::read_bounded(
        path,
        MAX_FILE_BYTES,
        "a data processing agreement is far smaller",
    )
}

/// Turns a document into Markdown, in this process. PDF and DOCX should go through [`extract_sandboxed`].
pub fn extract(kind: Kind, bytes: &[u8]) -> Result<String, String> {
    let md = match kind {
        Kind::Markdown => text_of(bytes)?,
        Kind::Text => text_to_markdown(&text_of(bytes)?),
        Kind::Pdf => {
            let text = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes))
                .map_err(|_| "the PDF is malformed (its structure could not be read)".to_string())?
                .map_err(|e| format!("not a readable PDF: {e}"))?;
            text_to_markdown(&text)
        }
        Kind::Docx => std::panic::catch_unwind(|| {
            check_zip(bytes)?;
            docx_to_markdown(bytes)
        })
        .map_err(|_| "the Word document is malformed".to_string())??,
    };
    if md.len() > MAX_TEXT_BYTES {
        return Err(too_much_text());
    }
    Ok(md)
}

fn too_much_text() -> String {
    format!(
        "the document holds more than {} MiB of text; a data processing agreement is far smaller",
        MAX_TEXT_BYTES / (1024 * 1024)
    )
}

/// UTF-8 text without NUL bytes (which mark a binary file), BOM removed.
fn text_of(bytes: &[u8]) -> Result<String, String> {
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(too_much_text());
    }
    if bytes.contains(&0) {
        return Err(
            "not a text file (it holds NUL bytes); give a PDF, DOCX, Markdown or text file".into(),
        );
    }
    let s = std::str::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.valid_up_to()
        )
    })?;
    Ok(s.strip_prefix('\u{FEFF}').unwrap_or(s).to_string())
}

/// Splits the Markdown form of a document into clauses; an error when it yields none or too many.
pub fn segment(markdown: &str) -> Result<Vec<Clause>, String> {
    let clauses = segment_markdown(markdown);
    if clauses.iter().all(|c| c.text.trim().is_empty()) {
        return Err("the document holds no text to review (a scanned PDF needs OCR first)".into());
    }
    if clauses.len() > MAX_CLAUSES {
        return Err(format!(
            "the document splits into more than {MAX_CLAUSES} clauses"
        ));
    }
    Ok(clauses)
}

/// Whether a line of plain text reads as a heading: a clause label, a short numbered title, or a short line in capitals.
fn heading_line(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || t.len() > 90 || t.starts_with('#') {
        return false;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let first = words
        .first()
        .map(|w| w.to_ascii_lowercase())
        .unwrap_or_default();
    const LABELS: [&str; 10] = [
        "clause",
        "section",
        "article",
        "annex",
        "appendix",
        "schedule",
        "exhibit",
        "attachment",
        "part",
        "addendum",
    ];
    let labelled = LABELS.contains(&first.as_str())
        && words.get(1).is_some_and(|w| {
            w.trim_end_matches([':', '.', '-'])
                .chars()
                .all(|c| c.is_ascii_digit() || "IVXivx.".contains(c))
        });
    if labelled && !t.ends_with(['.', ',', ';']) {
        return true;
    }
    let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    let caps = letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase()) && words.len() <= 12;
    if caps {
        return true;
    }
    // "7.6 Documentation and compliance": a numbered short title with no closing period.
    first
        .trim_end_matches('.')
        .split('.')
        .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && words.len() >= 2
        && words.len() <= 10
        && words[1].chars().next().is_some_and(char::is_uppercase)
        && !t.ends_with(['.', ',', ';', ':'])
}

/// Turns extracted plain text into Markdown the segmenter reads: heading lines become headings,
/// a bare "Clause 7" label is joined with the title on the next line, and stray markup is inert.
pub fn text_to_markdown(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace(['\r', '\u{c}'], "\n");
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + 256);
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        if heading_line(line) {
            let mut heading = line.trim().to_string();
            let bare_label = heading.split_whitespace().count() == 2
                && heading_line(&heading)
                && heading.chars().next().is_some_and(char::is_alphabetic);
            // A "Clause 7" label on its own line, its title on the next.
            if bare_label
                && let Some(next) = lines[i + 1..].iter().find(|l| !l.trim().is_empty())
                && next.trim().len() <= 90
                && !next.trim().ends_with(['.', ';', ','])
                && !next.trim_start().starts_with('(')
                && !heading_line(next)
            {
                let skip = lines[i + 1..]
                    .iter()
                    .position(|l| !l.trim().is_empty())
                    .unwrap_or(0);
                heading = format!("{}: {}", heading.trim_end_matches([':', '.']), next.trim());
                i += skip + 1;
            }
            out.push_str("\n## ");
            out.push_str(&escape_inline(&heading));
            out.push_str("\n\n");
        } else {
            out.push_str(&escape_inline(line));
            out.push('\n');
        }
        i += 1;
    }
    out
}

/// Neutralises Markdown markup in extracted text, so it reads as the words it is.
fn escape_inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if matches!(c, '*' | '_' | '`' | '<' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    let trimmed = out.trim_start();
    if trimmed.starts_with('#') || trimmed.starts_with('>') || trimmed.starts_with('|') {
        let indent = out.len() - trimmed.len();
        out.insert(indent, '\\');
    }
    out
}

/// Refuses a zip whose directory promises more than [`MAX_UNZIPPED_BYTES`] or an implausible ratio
/// (a zip bomb); a directory that lies about sizes is caught by the worker's memory limit.
pub fn check_zip(bytes: &[u8]) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a readable Word document (a truncated or damaged file?): {e}"))?;
    if zip.len() > 10_000 {
        return Err(format!(
            "the Word document holds {} parts; refused",
            zip.len()
        ));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| format!("not a readable Word document: {e}"))?;
        let (size, packed) = (entry.size(), entry.compressed_size().max(1));
        total = total.saturating_add(size);
        if total > MAX_UNZIPPED_BYTES || (size > 1024 * 1024 && size / packed > MAX_ZIP_RATIO) {
            return Err(format!(
                "the Word document expands to {} MiB or more (a zip bomb?); refused, the limit is {} MiB",
                total.max(size) / (1024 * 1024),
                MAX_UNZIPPED_BYTES / (1024 * 1024)
            ));
        }
    }
    Ok(())
}

/// Reads a Word document's paragraphs and tables as Markdown: heading styles and short bold lines become headings.
fn docx_to_markdown(bytes: &[u8]) -> Result<String, String> {
    use docx_rs::{
        DocumentChild, Paragraph, ParagraphChild, RunChild, TableCellContent, TableChild,
        TableRowChild,
    };
    fn para(p: &Paragraph) -> (String, bool) {
        let mut text = String::new();
        let mut all_bold = true;
        let mut any = false;
        let mut stack: Vec<&ParagraphChild> = p.children.iter().collect();
        stack.reverse();
        while let Some(child) = stack.pop() {
            let runs: Vec<&docx_rs::Run> = match child {
                ParagraphChild::Run(r) => vec![r.as_ref()],
                ParagraphChild::Hyperlink(h) => h
                    .children
                    .iter()
                    .filter_map(|c| match c {
                        ParagraphChild::Run(r) => Some(r.as_ref()),
                        _ => None,
                    })
                    .collect(),
                ParagraphChild::Insert(ins) => ins
                    .children
                    .iter()
                    .filter_map(|c| match c {
                        docx_rs::InsertChild::Run(r) => Some(r.as_ref()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for r in runs {
                let before = text.len();
                for c in &r.children {
                    match c {
                        RunChild::Text(t) => text.push_str(&t.text),
                        RunChild::Tab(_) => text.push(' '),
                        RunChild::Break(_) | RunChild::CarriageReturn(_) => text.push(' '),
                        _ => {}
                    }
                }
                if text[before..].trim().is_empty() {
                    continue;
                }
                any = true;
                if r.run_property.bold.is_none() {
                    all_bold = false;
                }
            }
        }
        (text, any && all_bold)
    }
    let docx =
        docx_rs::read_docx(bytes).map_err(|e| format!("not a readable Word document: {e}"))?;
    let mut out = String::new();
    for child in &docx.document.children {
        match child {
            DocumentChild::Paragraph(p) => {
                let (text, bold) = para(p);
                let t = text.trim();
                if t.is_empty() {
                    continue;
                }
                let style = p
                    .property
                    .style
                    .as_ref()
                    .map(|s| s.val.to_ascii_lowercase())
                    .unwrap_or_default();
                let level = style
                    .strip_prefix("heading")
                    .map(|n| n.trim().parse::<usize>().unwrap_or(2).clamp(1, 6));
                let heading = match level {
                    Some(l) => Some(l),
                    None if style == "title" => Some(1),
                    None if (bold && t.len() <= 90 && !t.ends_with('.')) || heading_line(t) => {
                        Some(2)
                    }
                    None => None,
                };
                match heading {
                    Some(l) => {
                        out.push('\n');
                        out.push_str(&"#".repeat(l));
                        out.push(' ');
                        out.push_str(&escape_inline(t));
                        out.push_str("\n\n");
                    }
                    None => {
                        out.push_str(&escape_inline(t));
                        out.push_str("\n\n");
                    }
                }
            }
            DocumentChild::Table(table) => {
                for TableChild::TableRow(row) in &table.rows {
                    let cells: Vec<String> = row
                        .cells
                        .iter()
                        .map(|TableRowChild::TableCell(cell)| {
                            cell.children
                                .iter()
                                .filter_map(|c| match c {
                                    TableCellContent::Paragraph(p) => {
                                        Some(para(p).0.trim().to_string())
                                    }
                                    _ => None,
                                })
                                .filter(|s| !s.is_empty())
                                .collect::<Vec<_>>()
                                .join(" ")
                        })
                        .filter(|s| !s.is_empty())
                        .collect();
                    if !cells.is_empty() {
                        out.push_str(&escape_inline(&cells.join(": ")));
                        out.push_str("\n\n");
                    }
                }
            }
            _ => {}
        }
        if out.len() > MAX_TEXT_BYTES {
            return Err(too_much_text());
        }
    }
    Ok(out)
}

/// Limits the current process for a worker: address space and CPU time.
pub fn limit_worker() {
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
        set(libc::RLIMIT_AS, WORKER_MEMORY);
        set(libc::RLIMIT_CPU, WORKER_CPU_SECONDS);
        set(libc::RLIMIT_CORE, 0);
    }
}

/// Runs [`extract`] in a worker process (`exe __extract KIND`), bounded in memory, CPU and wall-clock time.
pub fn extract_sandboxed(exe: &Path, kind: Kind, bytes: &[u8]) -> Result<String, String> {
    let out = run_worker(
        exe,
        &["__extract", kind.as_str()],
        &kind.as_str().to_uppercase(),
        bytes,
        MAX_TEXT_BYTES,
    )?;
    String::from_utf8(out).map_err(|_| "the document reader returned invalid text".to_string())
}

/// Runs `exe ARGS` as a bounded worker: `bytes` on its stdin, at most `max_out` bytes of its
/// stdout returned; a refusal (exit 2 with a reason) or a breach of the limits is the error, with
/// `what` naming the input in messages.
pub fn run_worker(
    exe: &Path,
    args: &[&str],
    what: &str,
    bytes: &[u8],
    max_out: usize,
) -> Result<Vec<u8>, String> {
    let mut child = Command::new(exe)
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
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
            Ok(None) if start.elapsed() > WORKER_DEADLINE => {
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
            WORKER_DEADLINE.as_secs()
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
        WORKER_MEMORY / (1024 * 1024),
        WORKER_CPU_SECONDS,
        if err_line.is_empty() {
            String::new()
        } else {
            format!(": {err_line}")
        }
    ))
}

/// The worker side of [`extract_sandboxed`]: limits itself, reads stdin, prints Markdown; exit 2 with a reason on stderr.
pub fn worker_main(kind: &str) -> u8 {
    limit_worker();
    // The reason goes to stderr as one line; a panic message would only repeat it.
    std::panic::set_hook(Box::new(|_| {}));
    let Some(kind) = Kind::parse(kind) else {
        eprintln!("unknown document kind `{kind}`");
        return 2;
    };
    match worker_input("document", MAX_FILE_BYTES) {
        Ok(bytes) => worker_exit(extract(kind, &bytes)),
        Err(code) => code,
    }
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
pub fn worker_exit(result: Result<String, String>) -> u8 {
    match result {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_headings_become_clauses() {
        let text = "STANDARD CONTRACTUAL CLAUSES\nClause 7\nObligations of the Parties\n7.1 Instructions\n(a) The processor shall process personal data only on documented\ninstructions from the controller.\n\n7.6 Documentation and compliance\n(c) The processor shall permit audits.\n";
        let md = text_to_markdown(text);
        let clauses = segment(&md).unwrap();
        let numbers: Vec<_> = clauses.iter().map(|c| c.number.clone()).collect();
        assert!(numbers.contains(&Some("7.1".into())), "{numbers:?}\n{md}");
        assert!(numbers.contains(&Some("7.6".into())), "{numbers:?}\n{md}");
        let c71 = clauses
            .iter()
            .find(|c| c.number.as_deref() == Some("7.1"))
            .unwrap();
        assert_eq!(c71.title.as_deref(), Some("Instructions"));
        assert!(
            c71.text.contains("only on documented instructions"),
            "{}",
            c71.text
        );
    }

    #[test]
    fn markup_in_extracted_text_stays_literal() {
        let md = text_to_markdown("# not a heading *bold* [link](x)\n");
        let clauses = segment(&md).unwrap();
        assert!(clauses[0].text.contains("*bold*"), "{:?}", clauses);
    }

    #[test]
    fn refuses_binary_empty_and_oversized_text() {
        assert!(
            extract(Kind::Text, b"abc\0def")
                .unwrap_err()
                .contains("NUL")
        );
        assert!(segment(&extract(Kind::Text, b"  \n\n").unwrap()).is_err());
        let big = vec![b'a'; MAX_TEXT_BYTES + 1];
        assert!(
            extract(Kind::Text, &big)
                .unwrap_err()
                .contains("MiB of text")
        );
        assert!(extract(Kind::Text, &[0xff, 0xfe, 0x41]).is_err());
    }

    #[test]
    fn malformed_pdf_and_docx_are_errors_not_panics() {
        for bytes in [
            &b"%PDF-1.7\n1 0 obj << /Type /Catalog"[..],
            b"%PDF-",
            b"%PDF-1.4\n[[[[[[",
        ] {
            assert!(extract(Kind::Pdf, bytes).is_err());
        }
        assert!(extract(Kind::Docx, b"PK\x03\x04 truncated").is_err());
    }
}
