//! A procurement export read as a table: CSV (RFC 4180, `,` `;` or tab separated) or the first
//! sheet of an XLSX workbook, each cell with its spreadsheet row and column and, for CSV, its
//! place in the file.

use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::documents::sandbox;
use crate::files;

/// Largest spreadsheet accepted, in bytes (an export of thousands of vendors is a few MiB).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// Most rows read.
pub const MAX_ROWS: usize = 100_000;
/// Most columns read.
pub const MAX_COLUMNS: usize = 1_000;
/// Most characters of text in one cell.
pub const MAX_CELL_CHARS: usize = 100_000;

/// One cell: its text (trimmed) and, for CSV, its byte range in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    /// The value as text.
    pub text: String,
    /// Where the cell is in the CSV text.
    pub span: Option<Range<usize>>,
}

/// One data row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The row number a spreadsheet shows (the header row is usually 1).
    pub number: usize,
    /// The cells, one per column (missing trailing cells are empty).
    pub cells: Vec<Cell>,
}

impl Row {
    /// The cell of column `i` (empty when the row is short).
    pub fn cell(&self, i: usize) -> Option<&Cell> {
        self.cells.get(i).filter(|c| !c.text.is_empty())
    }
}

/// A column: its header and its spreadsheet letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The header text.
    pub header: String,
    /// `A`, `B`, ... `AA`.
    pub letter: String,
    /// Where the header is in the CSV text.
    pub span: Option<Range<usize>>,
}

/// A whole table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The file as messages name it.
    pub file: String,
    /// The CSV text, for located messages; `None` for a workbook.
    pub source: Option<String>,
    /// The header row.
    pub columns: Vec<Column>,
    /// The data rows, blank rows left out.
    pub rows: Vec<Row>,
    /// Things the reader should know about how the file was read.
    pub notes: Vec<String>,
}

impl Table {
    /// `row 7, column E (Country)`.
    pub fn place(&self, row: usize, column: Option<usize>) -> String {
        match column.and_then(|c| self.columns.get(c)) {
            Some(c) => format!("row {row}, column {} ({})", c.letter, c.header),
            None => format!("row {row}"),
        }
    }
}

/// The spreadsheet letter of a zero-based column index.
pub fn letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads a file of at most [`MAX_FILE_BYTES`].
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    files::read_bounded(path, MAX_FILE_BYTES, "refused")
}

/// Whether bytes are an XLSX workbook (a zip) rather than text.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads CSV bytes: UTF-8 (with or without a byte-order mark), else Windows-1252 as Excel saves it.
pub fn read_csv(file: &str, bytes: &[u8]) -> Result<Table, String> {
    let mut notes = Vec::new();
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t).to_string(),
        Err(_) => {
            if bytes.contains(&0) {
                return Err("not a CSV file: it holds binary data (NUL bytes)".into());
            }
            notes.push("read as Windows-1252 text (the file is not UTF-8)".to_string());
            let (t, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            t.into_owned()
        }
    };
    let records = parse_csv(&text)?;
    let mut table = build(file, Some(text), records, 1)?;
    table.notes.extend(notes);
    Ok(table)
}

/// A raw record: its cells with spans.
type Record = Vec<Cell>;

/// The delimiter of the first line: the most frequent of `,`, `;` and tab outside quotes.
fn delimiter(text: &str) -> char {
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            _ if !quoted => {
                for (d, n) in counts.iter_mut() {
                    if *d == c {
                        *n += 1;
                    }
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .max_by_key(|(d, n)| (*n, *d == ','))
        .map_or(',', |(d, _)| *d)
}

/// RFC 4180 with a detected delimiter; quoted cells may hold delimiters, quotes (`""`) and line breaks.
fn parse_csv(text: &str) -> Result<Vec<Record>, String> {
    let delim = delimiter(text);
    let mut records = Vec::new();
    let mut record: Record = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut line = 1usize;
    loop {
        // One cell.
        let start = chars.peek().map_or(text.len(), |(i, _)| *i);
        let mut value = String::new();
        let mut end = start;
        let mut ended_record = false;
        if chars.peek().is_some_and(|(_, c)| *c == '"') {
            let opened_on = line;
            chars.next();
            loop {
                match chars.next() {
                    None => {
                        return Err(format!(
                            "line {opened_on}: a quoted cell is never closed (a `\"` is missing)"
                        ));
                    }
                    Some((_, '"')) => {
                        if chars.peek().is_some_and(|(_, c)| *c == '"') {
                            chars.next();
                            value.push('"');
                        } else {
                            break;
                        }
                    }
                    Some((_, c)) => {
                        if c == '\n' {
                            line += 1;
                        }
                        value.push(c);
                    }
                }
            }
            end = chars.peek().map_or(text.len(), |(i, _)| *i);
            // Text after the closing quote up to the delimiter is kept, as spreadsheets do.
            while let Some(&(i, c)) = chars.peek() {
                if c == delim || c == '\n' || c == '\r' {
                    break;
                }
                value.push(c);
                end = i + c.len_utf8();
                chars.next();
            }
        } else {
            while let Some(&(i, c)) = chars.peek() {
                if c == delim || c == '\n' || c == '\r' {
                    break;
                }
                value.push(c);
                end = i + c.len_utf8();
                chars.next();
            }
        }
        if value.chars().count() > MAX_CELL_CHARS {
            return Err(format!(
                "line {line}: a cell holds more than {MAX_CELL_CHARS} characters; refused"
            ));
        }
        let trimmed = value.trim();
        let lead = value.len() - value.trim_start().len();
        let quoted = text[start..end].starts_with('"');
        let span = if trimmed.is_empty() || quoted {
            start..end
        } else {
            (start + lead)..(start + lead + trimmed.len())
        };
        record.push(Cell {
            text: trimmed.to_string(),
            span: Some(span),
        });
        if record.len() > MAX_COLUMNS {
            return Err(format!(
                "line {line}: more than {MAX_COLUMNS} columns; refused"
            ));
        }
        match chars.next() {
            Some((_, c)) if c == delim => {}
            Some((_, '\r')) => {
                if chars.peek().is_some_and(|(_, c)| *c == '\n') {
                    chars.next();
                }
                ended_record = true;
            }
            Some((_, '\n')) => ended_record = true,
            Some(_) => {}
            None => {
                records.push(std::mem::take(&mut record));
                break;
            }
        }
        if ended_record {
            line += 1;
            records.push(std::mem::take(&mut record));
            if records.len() > MAX_ROWS {
                return Err(format!("more than {MAX_ROWS} rows; refused"));
            }
            if chars.peek().is_none() {
                break;
            }
        }
    }
    Ok(records)
}

/// Turns raw records into a table: the first non-blank record is the header.
fn build(
    file: &str,
    source: Option<String>,
    records: Vec<Record>,
    first_number: usize,
) -> Result<Table, String> {
    let mut numbered = records
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i + first_number, r))
        .filter(|(_, r)| r.iter().any(|c| !c.text.is_empty()));
    let Some((_, header)) = numbered.next() else {
        return Err("the file holds no rows: it needs a header row and one row per vendor".into());
    };
    let mut columns: Vec<Column> = header
        .into_iter()
        .enumerate()
        .map(|(i, c)| Column {
            header: c.text,
            letter: letter(i),
            span: c.span,
        })
        .collect();
    while columns.last().is_some_and(|c| c.header.is_empty()) {
        columns.pop();
    }
    let rows: Vec<Row> = numbered
        .map(|(number, cells)| Row { number, cells })
        .collect();
    if rows.is_empty() {
        return Err("the file has a header row but no vendor rows".into());
    }
    Ok(Table {
        file: file.to_string(),
        source,
        columns,
        rows,
        notes: Vec::new(),
    })
}

/// A workbook's first sheet as the worker process returns it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Sheet {
    /// The sheet's name.
    pub name: String,
    /// Zero-based row of the first cell of the used range.
    pub first_row: usize,
    /// Zero-based column of the first cell of the used range.
    pub first_column: usize,
    /// The used range, row by row, as text.
    pub rows: Vec<Vec<String>>,
}

/// Reads the first sheet of an XLSX workbook, in this process; untrusted files go through the worker.
pub fn read_sheet(bytes: &[u8]) -> Result<Sheet, String> {
    use calamine::{Data, Reader, Xlsx};
    sandbox::check_zip(bytes, "workbook", sandbox::Limits::default().unzipped_bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a readable XLSX workbook: {e}"))?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or("the workbook has no sheets")?;
    let range = book
        .worksheet_range(&name)
        .map_err(|e| format!("sheet `{name}` cannot be read: {e}"))?;
    let (first_row, first_column) = range
        .start()
        .map_or((0, 0), |(r, c)| (r as usize, c as usize));
    if range.height() > MAX_ROWS || range.width() > MAX_COLUMNS {
        return Err(format!(
            "sheet `{name}` has {} rows and {} columns; at most {MAX_ROWS} rows and {MAX_COLUMNS} columns are read",
            range.height(),
            range.width()
        ));
    }
    let rows = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => String::new(),
                    Data::String(s) => s.chars().take(MAX_CELL_CHARS).collect(),
                    Data::Int(i) => i.to_string(),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => {
                        format!("{}", *f as i64)
                    }
                    Data::Float(f) => f.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::DateTime(d) => d
                        .as_datetime()
                        .map(|dt| dt.date().format("%Y-%m-%d").to_string())
                        .unwrap_or_else(|| d.to_string()),
                    Data::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
                    Data::DurationIso(s) => s.clone(),
                    Data::Error(e) => format!("#ERROR {e}"),
                })
                .collect()
        })
        .collect();
    Ok(Sheet {
        name,
        first_row,
        first_column,
        rows,
    })
}

/// Turns a sheet into a table: row numbers and column letters as the spreadsheet shows them.
pub fn sheet_table(file: &str, sheet: Sheet) -> Result<Table, String> {
    let records: Vec<Record> = sheet
        .rows
        .into_iter()
        .map(|r| {
            let mut cells: Vec<Cell> = vec![Cell::default(); sheet.first_column];
            cells.extend(r.into_iter().map(|text| Cell {
                text: text.trim().to_string(),
                span: None,
            }));
            cells
        })
        .collect();
    let mut table = build(file, None, records, sheet.first_row + 1)?;
    if let Some((i, r)) = table
        .rows
        .iter()
        .flat_map(|r| r.cells.iter().enumerate().map(move |(i, c)| (i, (r, c))))
        .find(|(_, (_, c))| c.text.starts_with("#ERROR "))
        .map(|(i, (r, _))| (i, r.number))
    {
        return Err(format!(
            "{}: the cell holds a formula error; fix it or export values",
            table.place(r, Some(i))
        ));
    }
    table.notes.push(format!("read sheet `{}`", sheet.name));
    Ok(table)
}

/// The environment variable that turns the executable into the workbook worker.
pub const WORKER_ENV: &str = "DPA_SHEET_WORKER";

/// The worker side of reading a workbook: limits itself, reads stdin, prints the sheet as JSON.
fn worker_main() -> u8 {
    sandbox::limit_worker(&sandbox::Limits::default());
    std::panic::set_hook(Box::new(|_| {}));
    let bytes = match sandbox::worker_input("workbook", MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(code) => return code,
    };
    let result = std::panic::catch_unwind(|| read_sheet(&bytes))
        .unwrap_or_else(|_| Err("the workbook is malformed".to_string()))
        .and_then(|s| serde_json::to_vec(&s).map_err(|e| e.to_string()));
    sandbox::worker_exit(result)
}

/// The workbook worker: when [`WORKER_ENV`] is set, reads the workbook on stdin and exits the
/// process with the worker's code; otherwise returns and the program goes on. On Linux a
/// constructor runs it before `main` in every binary that links the library; elsewhere a front
/// end calls it first thing.
pub fn worker_if_requested() {
    if std::env::var_os(WORKER_ENV).is_some() {
        std::process::exit(i32::from(worker_main()));
    }
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

/// Runs [`worker_if_requested`] before `main` in every binary that links the library.
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
pub(crate) static WORKER_HOOK: extern "C" fn() = worker_hook;

/// Reads a workbook's first sheet in a bounded worker process: this executable started again
/// with [`WORKER_ENV`] set.
pub(crate) fn read_in_worker(bytes: &[u8]) -> Result<Sheet, String> {
    // Keeps the constructor's object linked into every binary that imports.
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_vendor = "apple",
        windows
    ))]
    let _ = std::hint::black_box(&WORKER_HOOK);
    let exe = std::env::current_exe()
        .map_err(|e| format!("cannot locate the running executable: {e}"))?;
    let json = sandbox::run_worker(
        &exe,
        &[],
        &[(WORKER_ENV, "1")],
        "workbook",
        bytes,
        64 << 20,
        &sandbox::Limits::default(),
    )?;
    serde_json::from_slice(&json)
        .map_err(|e| format!("the workbook reader returned invalid data: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
        assert_eq!(letter(27), "AB");
        assert_eq!(letter(701), "ZZ");
        assert_eq!(letter(702), "AAA");
    }

    #[test]
    fn csv_cells_keep_rows_and_spans() {
        let text = "Name,Country\r\n\"Acme, Inc.\", US \r\n\r\n\"Say \"\"hi\"\"\nLtd\",DE\n";
        let t = read_csv("v.csv", text.as_bytes()).unwrap();
        assert_eq!(t.columns[1].header, "Country");
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].number, 2);
        assert_eq!(t.rows[0].cells[0].text, "Acme, Inc.");
        let us = t.rows[0].cells[1].span.clone().unwrap();
        assert_eq!(&text[us], "US");
        // The blank line is row 3; the multi-line cell is one row, row 4.
        assert_eq!(t.rows[1].number, 4);
        assert_eq!(t.rows[1].cells[0].text, "Say \"hi\"\nLtd");
        assert_eq!(t.place(4, Some(1)), "row 4, column B (Country)");
    }

    #[test]
    fn semicolon_separated_exports_are_recognised() {
        let t = read_csv("v.csv", "Name;Regions\nAcme;\"US-CA;EEA\"\n".as_bytes()).unwrap();
        assert_eq!(t.rows[0].cells[1].text, "US-CA;EEA");
    }

    #[test]
    fn bad_csv_is_an_error_not_a_panic() {
        assert!(read_csv("v.csv", b"Name\n\"open").is_err());
        assert!(read_csv("v.csv", b"").is_err());
        assert!(read_csv("v.csv", b"Name\n").is_err());
        assert!(read_csv("v.csv", b"a\0b").is_err());
        let t = read_csv("v.csv", b"Name\nCaf\xe9 Ltd\n").unwrap();
        assert_eq!(t.rows[0].cells[0].text, "Café Ltd");
    }

    #[test]
    fn malformed_workbooks_are_errors() {
        assert!(read_sheet(b"PK\x03\x04 truncated").is_err());
        assert!(read_sheet(b"not a zip").is_err());
    }
}
