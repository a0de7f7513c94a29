//! `dpa import`: vendor records from a procurement export (CSV or XLSX).
//!
//! Each row becomes a TOML document (a new record, or the existing record edited in place with
//! `--update`), which is then read by the record loader itself, so every value is checked with
//! the same rules and messages as a hand-written record. Messages are moved back onto the row
//! and column the value came from. Fields a row leaves empty are not errors: they are listed as
//! still missing before the vendor's agreement can be rendered.

pub mod fields;
pub mod mapfile;
pub mod sniff;
pub mod table;
pub mod values;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table as TomlTable, Value};

use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::error::Error;
use crate::model::vendor;
pub use fields::Kind;
pub use table::Table;

/// What the import is asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `COLUMN=FIELD` pairs from `--map`; an empty field ignores the column.
    pub maps: Vec<(String, String)>,
    /// Edit existing records in place.
    pub update: bool,
    /// Leave out invalid rows instead of refusing the whole file.
    pub skip_invalid: bool,
}

/// What happens to one row's vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// A new record is written.
    Create,
    /// The existing record is edited in place; these fields change.
    Update(Vec<String>),
    /// The existing record already holds every value of the row.
    Unchanged,
    /// A record exists and `--update` was not given: it is left alone.
    Exists,
    /// The row is invalid and left out (`--skip-invalid`).
    Invalid,
}

/// One row's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The spreadsheet row.
    pub row: usize,
    /// The vendor's name as the row gives it.
    pub name: String,
    /// The vendor id (the record's file stem).
    pub id: String,
    /// Why the id is not the one derived from the name (the record or row that has it), if it is not.
    pub renamed: Option<String>,
    /// What happens.
    pub action: Action,
    /// Fields the record still lacks before its agreement can be rendered.
    pub missing: Vec<String>,
    /// The record's new text (for `Create` and `Update`).
    pub text: String,
    /// The record's text before the import, for `Update`.
    pub before: Option<String>,
}

/// The whole import, decided before anything is written.
#[derive(Debug)]
pub struct Plan {
    /// One outcome per data row that names a vendor, in row order.
    pub outcomes: Vec<Outcome>,
    /// Errors, located at the rows and columns of the spreadsheet.
    pub diagnostics: Diagnostics,
    /// Which field each column fills (`None`: not imported).
    pub mapping: Vec<Option<String>>,
    /// Notes on how the file was read.
    pub notes: Vec<String>,
}

impl Plan {
    /// Whether any row is invalid.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.has_errors()
    }
}

/// Reads a CSV or XLSX file; workbooks are parsed by a bounded worker process (see
/// [`table::worker_if_requested`]).
pub fn read_table(path: &Path, shown: &str) -> Result<Table, String> {
    let bytes = table::read_bounded(path)?;
    // What the bytes are decides, not the name: a Word file or an HTML page named `.xls` is refused in plain words.
    match sniff::sniff(&bytes)? {
        sniff::Content::Workbook => table::sheet_table(shown, table::read_in_worker(&bytes)?),
        sniff::Content::Text(text, note) => {
            let mut table = table::read_csv(shown, &text)?;
            table.notes.extend(note.map(str::to_string));
            Ok(table)
        }
    }
}

/// Decides which field each column fills: the default headers, then `--map`.
pub fn mapping(table: &Table, maps: &[(String, String)]) -> Result<Vec<Option<String>>, Error> {
    let mut out: Vec<Option<String>> = table
        .columns
        .iter()
        .map(|c| {
            fields::default_field(&c.header).or_else(|| {
                SUBPROCESSOR_HEADERS
                    .contains(&fields::normalise(&c.header).as_str())
                    .then(|| SUBPROCESSORS.to_string())
            })
        })
        .collect();
    let mut explicit: Vec<usize> = Vec::new();
    let mut paths = fields::paths();
    paths.push(SUBPROCESSORS.to_string());
    let path_refs: Vec<&str> = paths.iter().map(String::as_str).collect();
    for (column, field) in maps {
        let wanted = fields::normalise(column);
        let Some(i) = table
            .columns
            .iter()
            .position(|c| fields::normalise(&c.header) == wanted && !wanted.is_empty())
        else {
            let headers: Vec<&str> = table.columns.iter().map(|c| c.header.as_str()).collect();
            let hint = match suggest(column, &headers) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the columns are: {}", headers.join(", ")),
            };
            return Err(Error::Usage(format!(
                "--map {column}={field}: {} has no column `{column}`\n  hint: {hint}",
                table.file
            )));
        };
        let spec = field.trim();
        if spec.is_empty() || spec == "-" {
            out[i] = None;
            explicit.push(i);
            continue;
        }
        let (name, flag) = match spec.split_once(':') {
            Some((f, v)) => (f.trim(), Some(v.trim())),
            None => (spec, None),
        };
        let Some(path) = resolve(name, &paths) else {
            let hint = match suggest(name, &path_refs) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "run `dpa import --help` for the fields a column can fill".to_string(),
            };
            return Err(Error::Usage(format!(
                "--map {column}={field}: `{name}` is not a field an import can fill\n  hint: {hint}"
            )));
        };
        let spec = match flag {
            None => path,
            Some(v) => format!(
                "{path}:{}",
                flag_value(&path, v)
                    .map_err(|why| { Error::Usage(format!("--map {column}={field}: {why}")) })?
            ),
        };
        out[i] = Some(spec);
        explicit.push(i);
    }
    // Two columns may not fill one field, except Yes/No columns that each add a value to it.
    for (i, f) in out.iter().enumerate() {
        if let Some(f) = f
            && !f.contains(':')
            && let Some(j) = out[i + 1..].iter().position(|g| g.as_ref() == Some(f))
        {
            let (a, b) = (i, i + 1 + j);
            // Keep the column a --map chose; suggest leaving out the other.
            let drop = if explicit.contains(&b) && !explicit.contains(&a) {
                a
            } else {
                b
            };
            let (ca, cb, cd) = (&table.columns[a], &table.columns[b], &table.columns[drop]);
            return Err(Error::Usage(format!(
                "columns {} ({}) and {} ({}) both fill `{f}`\n  hint: leave one out with --map '{}='",
                ca.letter, ca.header, cb.letter, cb.header, cd.header
            )));
        }
    }
    if !out.iter().any(|f| f.as_deref() == Some("name")) {
        let headers: Vec<&str> = table.columns.iter().map(|c| c.header.as_str()).collect();
        return Err(Error::Usage(format!(
            "no column of {} gives the vendor's name\n  hint: name it with --map 'COLUMN=name'; the columns are: {}",
            table.file,
            headers.join(", ")
        )));
    }
    Ok(out)
}

/// The pseudo-field of a sub-processor column: `Name (Country): purpose; ...`.
pub const SUBPROCESSORS: &str = "subprocessors";

/// Headers (normalised) of a sub-processor column recognised without `--map`.
const SUBPROCESSOR_HEADERS: &[&str] = &[
    "sub processors",
    "subprocessors",
    "sub processor",
    "subprocessor",
    "sub processors used",
    "their sub processors",
];

/// A field as `--map` may name it: its path (`processing.regions`) or, when only one field
/// ends so, its last part (`regions`).
fn resolve(name: &str, paths: &[String]) -> Option<String> {
    if paths.iter().any(|p| p == name) {
        return Some(name.to_string());
    }
    let tail: Vec<&String> = paths
        .iter()
        .filter(|p| p.rsplit('.').next() == Some(name))
        .collect();
    match tail.as_slice() {
        [one] => Some((*one).clone()),
        _ => None,
    }
}

/// The value a Yes/No column writes into `path` when the answer is Yes, as the record spells it.
fn flag_value(path: &str, value: &str) -> Result<String, String> {
    match fields::kind(path) {
        Some(Kind::List) if path == "processing.regions" => values::region_code(value)
            .ok_or_else(|| format!("`{value}` is not a region (EEA, UK, CH, US-CA, or a country)")),
        Some(Kind::List | Kind::Text) => Ok(value.to_string()),
        Some(Kind::Choice(choices)) => fields::choice(value, choices)
            .map(str::to_string)
            .ok_or_else(|| {
                let names: Vec<&str> = choices.iter().map(|c| c.name).collect();
                format!("`{value}` is not one of {}", names.join(", "))
            }),
        Some(Kind::Boolean) => values::yes_no(value)
            .map(|b| b.to_string())
            .ok_or_else(|| format!("`{value}` is not true or false")),
        Some(Kind::Date | Kind::Integer) | None => Err(format!(
            "`{path}` cannot be filled from a Yes/No column; map the column to it without `:VALUE`"
        )),
    }
}

/// A cell's value for `path`, read as people write it (country names, US dates, Yes/No), and
/// how a date was read when that is worth saying.
fn read_cell(text: &str, kind: Kind, path: &str) -> (Value, Option<values::DateReading>) {
    let format = crate::model::schema::field_at(vendor::fields(), path).and_then(|f| f.format);
    match (kind, format) {
        (Kind::Text, Some(crate::model::schema::Format::Country)) => (
            Value::from(values::country_code(text).unwrap_or(text)),
            None,
        ),
        (Kind::List, Some(crate::model::schema::Format::Region)) => {
            let items: Vec<String> = text
                .split([';', ',', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| values::region_code(s).unwrap_or_else(|| s.to_string()))
                .collect();
            (
                Value::Array(items.iter().map(String::as_str).collect()),
                None,
            )
        }
        (Kind::Date, _) => match values::date(text) {
            Some((d, reading)) => (
                Value::from(crate::model::schema::toml_date(d)),
                Some(reading).filter(|r| *r != values::DateReading::Iso),
            ),
            None => (Value::from(text), None),
        },
        (Kind::Boolean, _) => match values::yes_no(text) {
            Some(b) => (Value::from(b), None),
            None => (Value::from(text), None),
        },
        _ => (convert(text, kind), None),
    }
}

/// Legal-form words left off the end of a name when deriving an id (`Acme Analytics, Inc.` -> `acme-analytics`).
const LEGAL_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "lp",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "kg",
    "se",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "oy",
    "ab",
    "as",
    "asa",
    "aps",
    "kk",
    "pty",
    "pvt",
    "private",
    "sl",
    "sp",
    "zoo",
];

/// A vendor id from a name: ASCII letters and digits, words joined by `-`, legal forms left off.
pub fn derive_id(name: &str) -> String {
    let folded: String = name.chars().map(fold).collect();
    let mut words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // `S.A.`, `B.V.`: a trailing run of single letters is one word.
    let singles = words.iter().rev().take_while(|w| w.len() == 1).count();
    let joined;
    if singles >= 2 && singles < words.len() {
        joined = words[words.len() - singles..].concat();
        words.truncate(words.len() - singles);
        words.push(&joined);
    }
    while words.len() > 1 && words.last().is_some_and(|w| LEGAL_FORMS.contains(w)) {
        words.pop();
    }
    let mut id = String::new();
    for w in words {
        let extra = if id.is_empty() { w.len() } else { w.len() + 1 };
        if id.len() + extra > 56 {
            break;
        }
        if !id.is_empty() {
            id.push('-');
        }
        id.push_str(w);
    }
    if id.is_empty() { "vendor".into() } else { id }
}

/// Lower-case ASCII for a Latin letter with a diacritic; other characters lower-cased.
fn fold(c: char) -> char {
    let c = c.to_lowercase().next().unwrap_or(c);
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'ī' => 'i',
        'ł' => 'l',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ş' => 's',
        'ť' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        'ß' => 's',
        'æ' => 'a',
        'œ' => 'o',
        _ => c,
    }
}

/// A name as compared to find the same vendor: words only, lower case.
fn same_name(a: &str, b: &str) -> bool {
    fields::normalise(a) == fields::normalise(b)
}

/// An existing record: its text and the name it gives, if it can be read.
struct Existing {
    text: String,
    name: Option<String>,
}

fn existing_records(root: &Path) -> BTreeMap<String, Existing> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(root.join("vendors")) else {
        return out;
    };
    for e in entries.filter_map(Result::ok) {
        let path = e.path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let name = text
            .parse::<DocumentMut>()
            .ok()
            .and_then(|d| d.get("name").and_then(|n| n.as_str()).map(str::to_string));
        out.insert(stem, Existing { text, name });
    }
    out
}

/// One cell's value on its way into the record.
struct Value_ {
    path: String,
    column: usize,
    value: Value,
}

/// The TOML value of a cell for a field of `kind`; text that does not fit the kind stays a
/// string, so that the record loader reports it with its own message.
fn convert(text: &str, kind: Kind) -> Value {
    match kind {
        Kind::Text => Value::from(text),
        Kind::List => {
            let items: Vec<&str> = text
                .split([';', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            Value::Array(items.into_iter().collect())
        }
        Kind::Date => match text.parse::<toml_edit::Datetime>() {
            Ok(d) if d.date.is_some() && d.time.is_none() => Value::from(d),
            _ => Value::from(text),
        },
        Kind::Integer => match text.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::from(text),
        },
        Kind::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Value::from(true),
            "false" | "no" | "n" | "0" => Value::from(false),
            _ => Value::from(text),
        },
        Kind::Choice(choices) => Value::from(fields::choice(text, choices).unwrap_or(text)),
    }
}

/// A placeholder of the right kind for a missing required field, used only while checking the row.
fn placeholder(path: &str) -> Item {
    match fields::kind(path) {
        None => Item::Table(TomlTable::new()),
        Some(Kind::Text) if path == "country" => toml_edit::value("US"),
        Some(Kind::Text) => toml_edit::value("-"),
        Some(Kind::List) => {
            let v = if path == "processing.regions" {
                "US-CA"
            } else {
                "-"
            };
            toml_edit::value(Value::Array(std::iter::once(v).collect()))
        }
        Some(Kind::Date) => toml_edit::value(toml_edit::Datetime {
            date: Some(toml_edit::Date {
                year: 1900,
                month: 1,
                day: 1,
            }),
            time: None,
            offset: None,
        }),
        Some(Kind::Integer) => toml_edit::value(1),
        Some(Kind::Boolean) => toml_edit::value(false),
        Some(Kind::Choice(c)) => toml_edit::value(c.last().map_or("none", |c| c.name)),
    }
}

/// Sets `path` in the document, creating its table, keeping the decoration (comments) of a value it replaces.
fn set(doc: &mut DocumentMut, path: &str, item: Item) -> bool {
    let (table, key) = match path.rsplit_once('.') {
        Some((t, k)) => (Some(t), k),
        None => (None, path),
    };
    let root = doc.as_table_mut();
    let target: &mut dyn toml_edit::TableLike = match table {
        None => root,
        Some(t) => {
            if !root.contains_key(t) {
                root.insert(t, Item::Table(TomlTable::new()));
            }
            match root.get_mut(t).and_then(Item::as_table_like_mut) {
                Some(tl) => tl,
                None => return false,
            }
        }
    };
    match target.get_mut(key) {
        Some(old) => {
            let bare = |v: &Value| {
                let mut v = v.clone();
                v.decor_mut().clear();
                v.to_string()
            };
            let same = old.as_value().map(bare) == item.as_value().map(bare);
            if same {
                return false;
            }
            let decor = old.as_value().map(|v| v.decor().clone());
            let mut item = item;
            if let (Some(decor), Some(v)) = (decor, item.as_value_mut()) {
                *v.decor_mut() = decor;
            }
            *old = item;
            true
        }
        None => {
            target.insert(key, item);
            true
        }
    }
}

/// The item at `path` in a parsed document.
fn span_item<'d>(doc: &'d toml_edit::Document<String>, path: &str) -> Option<&'d Item> {
    let mut item: &Item = doc.as_item();
    for part in path.split('.') {
        item = item.as_table_like()?.get(part)?;
    }
    Some(item)
}

/// The span of the value at `path` in a parsed document.
fn span_of(doc: &toml_edit::Document<String>, path: &str) -> Option<Range<usize>> {
    span_item(doc, path)?.span()
}

/// The path a "missing required field `x`" message names.
fn missing_path(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing required field `")?;
    rest.split('`').next()
}

/// Checks a row's record with the record loader: errors moved onto the row's cells, and the
/// required fields it lacks.
fn check(
    id: &str,
    file: &str,
    doc: &DocumentMut,
    values: &[Value_],
    table: &Table,
    row: usize,
) -> (Vec<Diagnostic>, Vec<String>) {
    let mut trial = doc.clone();
    let mut missing: Vec<String> = Vec::new();
    let mut placeholders: Vec<String> = Vec::new();
    for _ in 0..6 {
        let text = trial.to_string();
        let mut diags = Diagnostics::new();
        let loaded = vendor::load(id, file, &text, &mut diags);
        let newly: Vec<String> = diags
            .iter()
            .filter_map(|d| missing_path(&d.message).map(str::to_string))
            .filter(|p| !placeholders.contains(p))
            .collect();
        if loaded.is_none() && !newly.is_empty() {
            let no_personal_data = trial
                .get("personal_data")
                .and_then(Item::as_bool)
                .is_some_and(|b| !b);
            for p in newly {
                if fields::kind(&p).is_some() {
                    missing.push(p.clone());
                }
                let item = if no_personal_data && p == "processing.regions" {
                    toml_edit::value(toml_edit::Array::new())
                } else {
                    placeholder(&p)
                };
                set(&mut trial, &p, item);
                placeholders.push(p);
            }
            continue;
        }
        let parsed = toml_edit::Document::parse(text.clone()).ok();
        let spans: Vec<(Range<usize>, usize)> = parsed
            .as_ref()
            .map(|p| {
                values
                    .iter()
                    .filter_map(|v| span_of(p, &v.path).map(|s| (s, v.column)))
                    .collect()
            })
            .unwrap_or_default();
        let held: Vec<Range<usize>> = parsed
            .as_ref()
            .map(|p| placeholders.iter().filter_map(|x| span_of(p, x)).collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        for d in diags.iter().filter(|d| d.is_error()) {
            if missing_path(&d.message).is_some() {
                continue;
            }
            let at = d.span.as_ref().map_or(0, |s| s.start);
            if held.iter().any(|s| s.contains(&at)) {
                continue;
            }
            let column = spans
                .iter()
                .find(|(s, _)| s.start <= at && at < s.end.max(s.start + 1))
                .map(|(_, c)| *c);
            let cell = column.and_then(|c| {
                table
                    .rows
                    .iter()
                    .find(|r| r.number == row)
                    .and_then(|r| r.cells.get(c))
            });
            // A list item's message points at the item inside the cell.
            let item = parsed.as_ref().and_then(|p| {
                let v = values.iter().find(|v| Some(v.column) == column)?;
                let array = span_item(p, &v.path)?.as_array()?;
                let i = array
                    .iter()
                    .position(|x| x.span().is_some_and(|s| s.contains(&at)))?;
                array.get(i)?.as_str().map(str::to_string)
            });
            let span = cell.and_then(|c| c.span.clone()).map(|s| {
                let narrowed = item.as_ref().and_then(|item| {
                    let source = table.source.as_deref()?.get(s.clone())?;
                    source
                        .find(item.as_str())
                        .map(|o| s.start + o..s.start + o + item.len())
                });
                narrowed.unwrap_or(s)
            });
            // The message names the row, the column and the value, never the whole row.
            let value = item
                .clone()
                .or_else(|| cell.map(|c| c.text.clone()))
                .filter(|v| !d.message.contains(v.as_str()))
                .map(|v| format!(" (the cell holds `{}`)", shown(&v)))
                .unwrap_or_default();
            let mut moved = Diagnostic::error(
                &table.file,
                span,
                format!("{}: {}{value}", table.place(row, column), d.message),
            );
            moved.label = d.label.clone();
            moved.hints = d.hints.clone();
            if column.is_none() {
                moved.hints.push(format!("in the record {file}"));
            }
            out.push(moved);
        }
        return (out, missing);
    }
    (Vec::new(), missing)
}

/// Decides what the import does, row by row, without writing anything.
pub fn plan(root: &Path, table: &Table, opts: &Options) -> Result<Plan, Error> {
    let mapping = mapping(table, &opts.maps)?;
    let existing = existing_records(root);
    let mut diagnostics = Diagnostics::new();
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut readings: Vec<String> = Vec::new();
    let mut read_dates: Vec<(String, values::DateReading)> = Vec::new();
    let column_of = |field: &str| mapping.iter().position(|m| m.as_deref() == Some(field));
    let name_col = column_of("name");
    let id_col = column_of(fields::ID);
    for row in &table.rows {
        let name = name_col
            .and_then(|c| row.cell(c))
            .map(|c| c.text.clone())
            .unwrap_or_default();
        let mut row_diags: Vec<Diagnostic> = Vec::new();
        if name.is_empty() {
            row_diags.push(
                Diagnostic::error(
                    &table.file,
                    name_col
                        .and_then(|c| row.cells.get(c))
                        .and_then(|c| c.span.clone()),
                    format!(
                        "{}: the vendor has no name",
                        table.place(row.number, name_col)
                    ),
                )
                .with_hint(
                    "every row needs the vendor's legal name; delete rows that are not vendors",
                ),
            );
        }
        // The id: given, or derived from the name with collisions resolved.
        let explicit = id_col.and_then(|c| row.cell(c).map(|cell| (c, cell)));
        let mut renamed = None;
        let id = if let Some((c, cell)) = explicit {
            if !vendor::valid_id(&cell.text) {
                row_diags.push(
                    Diagnostic::error(
                        &table.file,
                        cell.span.clone(),
                        format!(
                            "{}: `{}` is not a valid vendor id: ids are 1-64 characters of a-z, 0-9 and `-`, starting with a letter or digit",
                            table.place(row.number, Some(c)),
                            cell.text
                        ),
                    )
                    .with_hint(format!("leave the cell empty to derive the id from the name (`{}`)", derive_id(&name))),
                );
            } else if let Some(o) = outcomes.iter().find(|o| o.id == cell.text) {
                row_diags.push(Diagnostic::error(
                    &table.file,
                    cell.span.clone(),
                    format!(
                        "{}: vendor id `{}` is also row {}'s",
                        table.place(row.number, Some(c)),
                        cell.text,
                        o.row
                    ),
                ));
            }
            cell.text.clone()
        } else {
            let base = derive_id(&name);
            let mut candidate = base.clone();
            let mut n = 1;
            loop {
                if let Some(o) = outcomes.iter().find(|o| o.id == candidate) {
                    if same_name(&o.name, &name) && !name.is_empty() {
                        row_diags.push(Diagnostic::error(
                            &table.file,
                            name_col
                                .and_then(|c| row.cells.get(c))
                                .and_then(|c| c.span.clone()),
                            format!(
                                "{}: `{name}` is already row {}; a vendor is imported once",
                                table.place(row.number, name_col),
                                o.row
                            ),
                        ));
                        break;
                    }
                    renamed
                        .get_or_insert(format!("`{base}` is taken by row {} ({})", o.row, o.name));
                } else if let Some(e) = existing.get(&candidate) {
                    if e.name.as_deref().is_some_and(|n| same_name(n, &name)) {
                        break;
                    }
                    renamed.get_or_insert(format!(
                        "`{base}` is taken by vendors/{candidate}.toml ({})",
                        e.name.as_deref().unwrap_or("a record that cannot be read")
                    ));
                } else {
                    break;
                }
                n += 1;
                candidate = format!("{base}-{n}");
            }
            candidate
        };
        // The values of the row.
        let mut values: Vec<Value_> = Vec::new();
        let mut subprocessors: Option<Vec<values::Subprocessor>> = None;
        for (c, field) in mapping.iter().enumerate() {
            let (Some(field), Some(cell)) = (field, row.cell(c)) else {
                continue;
            };
            let (path, flag) = match field.split_once(':') {
                Some((p, v)) => (p, Some(v)),
                None => (field.as_str(), None),
            };
            let bad = |message: String, hint: &str| {
                Diagnostic::error(
                    &table.file,
                    None,
                    format!("{}: {message}", table.place(row.number, Some(c))),
                )
                .with_hint(hint.to_string())
            };
            if path == SUBPROCESSORS {
                match values::subprocessors(&cell.text) {
                    Ok(list) => subprocessors = Some(list),
                    Err(why) => row_diags.push(bad(
                        why,
                        "fix the cell, or leave it empty to add sub-processors later",
                    )),
                }
                continue;
            }
            let Some(kind) = fields::kind(path) else {
                continue;
            };
            let value = match flag {
                Some(v) => match values::yes_no(&cell.text) {
                    Some(true) if kind == Kind::List => Value::Array(std::iter::once(v).collect()),
                    Some(true) if kind == Kind::Boolean => Value::from(v == "true"),
                    Some(true) => Value::from(v),
                    // "No" to "acts as a service provider?" is the role `none`.
                    Some(false) => match kind {
                        Kind::Choice(choices) if choices.iter().any(|c| c.name == "none") => {
                            Value::from("none")
                        }
                        _ => continue,
                    },
                    None => {
                        row_diags.push(bad(
                            format!("`{}` is not Yes or No", shown(&cell.text)),
                            "write Yes or No (an empty cell counts as No)",
                        ));
                        continue;
                    }
                },
                None => {
                    let (value, reading) = read_cell(&cell.text, kind, path);
                    if let Some(r) = reading {
                        let header = &table.columns[c].header;
                        if !read_dates.iter().any(|(h, x)| h == header && *x == r) {
                            read_dates.push((header.clone(), r));
                            readings.push(format!(
                                "column {} ({header}): dates read as {}, e.g. `{}` as {}",
                                table.columns[c].letter,
                                r.describe(),
                                cell.text,
                                value.to_string().trim()
                            ));
                        }
                    }
                    value
                }
            };
            // Columns that add to one list (Yes/No region columns and a Regions column) are merged.
            if let Some(prev) = values.iter_mut().find(|v| v.path == path)
                && let (Value::Array(a), Value::Array(b)) = (&mut prev.value, &value)
            {
                for item in b.iter() {
                    if !a.iter().any(|x| x.as_str() == item.as_str()) {
                        a.push(item.clone());
                    }
                }
                continue;
            }
            values.push(Value_ {
                path: path.to_string(),
                column: c,
                value,
            });
        }
        let file = format!("vendors/{id}.toml");
        let prior = existing.get(&id);
        let (mut action, mut doc, before) = match prior {
            Some(e) if opts.update => match e.text.parse::<DocumentMut>() {
                Ok(doc) => (Action::Unchanged, doc, Some(e.text.clone())),
                Err(err) => {
                    row_diags.push(Diagnostic::error(
                        &table.file,
                        None,
                        format!(
                            "{}: {file} cannot be updated: it is not valid TOML ({})",
                            table.place(row.number, None),
                            err.message().trim()
                        ),
                    ));
                    (Action::Unchanged, DocumentMut::new(), Some(e.text.clone()))
                }
            },
            Some(_) => (Action::Exists, DocumentMut::new(), None),
            None => {
                let mut doc = DocumentMut::new();
                let source = Path::new(&table.file)
                    .file_name()
                    .map_or(table.file.clone(), |n| n.to_string_lossy().into_owned());
                doc.decor_mut()
                    .set_prefix(format!("# Imported from {source}, row {}.\n\n", row.number));
                (Action::Create, doc, None)
            }
        };
        let mut changed = Vec::new();
        if action != Action::Exists {
            // In record order, so that a new record reads like a hand-written one.
            let mut ordered: Vec<&Value_> = values.iter().collect();
            ordered.sort_by_key(|v| (fields::rank(&v.path), v.path.clone()));
            for v in ordered {
                if set(&mut doc, &v.path, toml_edit::value(v.value.clone())) {
                    changed.push(v.path.clone());
                }
            }
            if let Some(list) = &subprocessors
                && set_subprocessors(&mut doc, list)
            {
                changed.push(SUBPROCESSORS.to_string());
            }
        }
        let mut missing = Vec::new();
        if action != Action::Exists && row_diags.is_empty() {
            let (errs, lacking) = check(&id, &file, &doc, &values, table, row.number);
            row_diags.extend(errs);
            missing = lacking;
            missing.sort_by_key(|p| fields::rank(p));
            let measures = doc
                .get("security")
                .and_then(Item::as_table_like)
                .is_some_and(|t| !t.is_empty());
            let no_personal_data = doc
                .get("personal_data")
                .and_then(Item::as_bool)
                .is_some_and(|b| !b);
            if no_personal_data {
                // Needs no agreement: nothing is missing to draft one.
                missing.clear();
            } else if !measures {
                missing.push("security (at least one Annex II measure)".into());
            }
        }
        if let Action::Unchanged = action
            && !changed.is_empty()
        {
            action = Action::Update(changed);
        }
        if !row_diags.is_empty() {
            action = Action::Invalid;
            diagnostics.extend(row_diags);
        }
        let text = doc.to_string();
        outcomes.push(Outcome {
            row: row.number,
            name,
            id,
            renamed,
            action,
            missing,
            text,
            before,
        });
    }
    if opts.skip_invalid {
        // Invalid rows are left out; their messages are reported as warnings.
        let items: Vec<Diagnostic> = diagnostics
            .into_iter()
            .map(|mut d| {
                d.severity = crate::diag::Severity::Warning;
                d
            })
            .collect();
        diagnostics = Diagnostics::new();
        diagnostics.extend(items);
    }
    let mut notes = table.notes.clone();
    notes.extend(readings);
    Ok(Plan {
        outcomes,
        diagnostics,
        mapping,
        notes,
    })
}

/// A cell's text as messages quote it: at most 60 characters, never a whole row.
fn shown(text: &str) -> String {
    let mut s: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        s.push('…');
    }
    s
}

/// Writes the sub-processors of a row as `[[subprocessors]]`; whether the record changed.
fn set_subprocessors(doc: &mut DocumentMut, list: &[values::Subprocessor]) -> bool {
    let mut tables = toml_edit::ArrayOfTables::new();
    for s in list {
        let mut t = TomlTable::new();
        t["name"] = toml_edit::value(s.name.as_str());
        t["country"] = toml_edit::value(s.country.as_str());
        t["purpose"] = toml_edit::value(s.purpose.as_str());
        tables.push(t);
    }
    let new = Item::ArrayOfTables(tables);
    let same = doc
        .get("subprocessors")
        .is_some_and(|old| old.to_string() == new.to_string());
    if !same {
        doc.insert("subprocessors", new);
    }
    !same
}

/// Writes what the plan decided: new records (never replacing a file) and updated ones (only
/// when the file is still as it was read). Returns the files written. Refuses a plan with errors.
pub fn apply(root: &Path, plan: &Plan) -> Result<Vec<PathBuf>, Error> {
    if plan.has_errors() {
        return Err(Error::Invalid(plan.diagnostics.error_count()));
    }
    let dir = root.join("vendors");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let mut written = Vec::new();
    for o in &plan.outcomes {
        let path = dir.join(format!("{}.toml", o.id));
        match &o.action {
            Action::Create => {
                create_new(&path, o.text.as_bytes())?;
                written.push(path);
            }
            Action::Update(_) => {
                let now = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
                if Some(&now) != o.before.as_ref() {
                    return Err(Error::Usage(format!(
                        "{} changed while it was being imported; nothing more was written (written so far: {})",
                        path.display(),
                        written.len()
                    )));
                }
                crate::files::write_atomic(&path, o.text.as_bytes())?;
                written.push(path);
            }
            Action::Unchanged | Action::Exists | Action::Invalid => {}
        }
    }
    Ok(written)
}

/// Writes a new file whole, failing if one exists (a temporary file hard-linked into place).
fn create_new(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".import-{}-{}.tmp",
        std::process::id(),
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::hard_link(&tmp, path)
    })();
    let _ = std::fs::remove_file(&tmp);
    result.map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_names() {
        assert_eq!(derive_id("Acme Analytics, Inc."), "acme-analytics");
        assert_eq!(derive_id("Nordhost GmbH"), "nordhost");
        assert_eq!(derive_id("Société Générale S.A."), "societe-generale");
        assert_eq!(derive_id("Quanta Backup S.A."), "quanta-backup");
        assert_eq!(derive_id("Inc."), "inc");
        assert_eq!(derive_id("株式会社"), "vendor");
        let long = derive_id(&"word ".repeat(40));
        assert!(long.len() <= 56 && vendor::valid_id(&long), "{long}");
        assert!(vendor::valid_id(&format!("{long}-99")));
    }

    #[test]
    fn set_keeps_comments_of_replaced_values() {
        let mut doc: DocumentMut =
            "name = \"A\" # legal name\n\n[service]\n# why\nstarts = 2025-01-01\n"
                .parse()
                .unwrap();
        assert!(set(&mut doc, "name", toml_edit::value("B")));
        assert!(!set(&mut doc, "name", toml_edit::value("B")));
        assert!(set(
            &mut doc,
            "service.ends",
            toml_edit::value("2026-01-01")
        ));
        let text = doc.to_string();
        assert!(text.contains("name = \"B\" # legal name"), "{text}");
        assert!(text.contains("# why\nstarts"), "{text}");
    }

    #[test]
    fn cells_convert_by_kind() {
        assert_eq!(
            convert(" US-CA; EEA ;", Kind::List).to_string().trim(),
            r#"["US-CA", "EEA"]"#
        );
        assert!(convert("2025-01-15", Kind::Date).is_datetime());
        assert!(convert("15/01/2025", Kind::Date).is_str());
        assert_eq!(
            convert(
                "Service Provider",
                fields::kind("processing.ccpa_role").unwrap()
            )
            .as_str(),
            Some("service_provider")
        );
        assert_eq!(convert("Yes", Kind::Boolean).as_bool(), Some(true));
    }
}
