//! The tracker as a table: one header row of plain column names and one row of cells per
//! vendor, shared by the CSV and the XLSX export, and the XLSX workbook itself.

use chrono::NaiveDate;

use super::{Row, State, words};
use crate::model::facts::Framework;

/// The columns before the framework columns.
pub const LEAD: [&str; 5] = ["Vendor", "Name", "Owner", "Standing", "Needs"];
/// The columns after the framework columns.
pub const TAIL: [&str; 14] = [
    "Issued version",
    "Sent on",
    "Signed version",
    "Signed on",
    "Expires on",
    "Service starts",
    "Service ends",
    "Contact",
    "Contact email",
    "CCPA third party",
    "Outdated because",
    "Missing to draft",
    "Notes",
    "Remarks",
];

/// The header: [`LEAD`], one column per framework (named as [`words::framework`] names it),
/// whether or not any vendor needs it, then [`TAIL`].
pub fn header() -> Vec<&'static str> {
    LEAD.iter()
        .copied()
        .chain(
            Framework::REGULATED
                .iter()
                .map(|f| words::framework(f.as_str())),
        )
        .chain(TAIL.iter().copied())
        .collect()
}

/// A framework's state in its own column: `awaiting signature`, or `needs a CCPA agreement`.
fn column_state(f: &str, s: State) -> String {
    match s {
        State::Missing => words::needs(f),
        _ => words::state(s).to_string(),
    }
}

/// Joins a list for one cell: `; `-separated, with `;` inside an item written as `,`.
fn list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|s| s.as_ref().replace(';', ","))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One cell of the table: text, a whole number or a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text (empty when there is nothing to say).
    Text(String),
    /// A version number.
    Number(u32),
    /// A date.
    Date(NaiveDate),
}

impl Cell {
    /// The cell as CSV writes it.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// A vendor's row, one cell per column of [`header`].
pub fn cells(r: &Row) -> Vec<Cell> {
    let text = |s: Option<String>| Cell::Text(s.unwrap_or_default());
    let number = |n: Option<u32>| n.map_or(Cell::Text(String::new()), Cell::Number);
    let date = |d: Option<NaiveDate>| d.map_or(Cell::Text(String::new()), Cell::Date);
    let mut out = vec![
        Cell::Text(r.vendor.clone()),
        Cell::Text(r.name.clone()),
        text(r.owner.clone()),
        Cell::Text(words::overall(r.overall).to_string()),
        Cell::Text(list(
            &r.required
                .iter()
                .map(|f| words::framework(f))
                .collect::<Vec<_>>(),
        )),
    ];
    for f in Framework::REGULATED.map(Framework::as_str) {
        out.push(Cell::Text(
            r.states
                .get(f)
                .map(|s| column_state(f, *s))
                .unwrap_or_default(),
        ));
    }
    let outdated: Vec<String> = r
        .outdated
        .iter()
        .flat_map(|(f, causes)| causes.iter().map(move |c| format!("{f}: {c}")))
        .collect();
    out.extend([
        number(r.issued_version),
        date(r.sent_on),
        number(r.signed_version),
        date(r.signed_on),
        date(r.expires_on),
        date(r.service_starts),
        date(r.service_ends),
        text(r.contact_name.clone()),
        text(r.contact_email.clone()),
        Cell::Text(if r.ccpa_third_party { "yes" } else { "no" }.into()),
        Cell::Text(list(&outdated)),
        Cell::Text(list(&r.incomplete)),
        text(r.notes.clone()),
        Cell::Text(list(&r.remarks)),
    ]);
    out
}

/// The tracker as an XLSX workbook: the summary line, the header (bold, frozen, filtered) and
/// one row per vendor, dates as dates.
pub fn xlsx(rows: &[Row], summary: &str, as_of: NaiveDate) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| format!("the workbook cannot be written: {e}");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Vendor agreements").map_err(fail)?;
    let bold = Format::new().set_bold();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_string(0, 0, format!("As of {as_of}: {summary}"))
        .map_err(fail)?;
    let header = header();
    for (c, name) in header.iter().enumerate() {
        sheet
            .write_string_with_format(2, c as u16, *name, &bold)
            .map_err(fail)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 3 + i as u32;
        for (c, cell) in cells(r).into_iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(t) if t.is_empty() => {}
                Cell::Text(t) => {
                    sheet.write_string(row, c, t).map_err(fail)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(row, c, f64::from(n)).map_err(fail)?;
                }
                Cell::Date(d) => {
                    let date = ExcelDateTime::from_ymd(
                        u16::try_from(chrono::Datelike::year(&d)).unwrap_or(1900),
                        chrono::Datelike::month(&d) as u8,
                        chrono::Datelike::day(&d) as u8,
                    )
                    .map_err(fail)?;
                    sheet
                        .write_datetime_with_format(row, c, &date, &day)
                        .map_err(fail)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(3, 1).map_err(fail)?;
    let last = 2 + rows.len() as u32;
    sheet
        .autofilter(2, 0, last, header.len() as u16 - 1)
        .map_err(fail)?;
    sheet.set_column_width(0, 18).map_err(fail)?;
    sheet.set_column_width(1, 28).map_err(fail)?;
    book.save_to_buffer().map_err(fail)
}
