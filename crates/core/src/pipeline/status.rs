//! `status`: the tracker, one row per counterparty, with the processor side's notice remarks,
//! and its output formats (table, JSON, CSV, HTML, XLSX, iCalendar).

use std::path::Path;

use chrono::NaiveDate;

use crate::diag::Diagnostics;
use crate::error::Error;
use crate::side::Side;
use crate::track::{self, Options, Row, Tracker, report, sheet, words};
use crate::workspace::Workspace;

/// The tracker ([`track::status`]); on the processor side each customer's standing on every
/// intended sub-processor is among its rows' remarks.
pub fn status(ws: &Workspace, options: &Options) -> Result<Tracker, Error> {
    let mut tracker = track::status(ws, options)?;
    if ws.side == Side::Customers {
        notice_remarks(ws, &mut tracker.rows, tracker.as_of);
    }
    Ok(tracker)
}

/// Processor side: each customer's standing on every intended sub-processor, as remarks on
/// its rows: a notice not yet sent (and by when it must be), an objection, a consent awaited.
fn notice_remarks(ws: &Workspace, rows: &mut [Row], as_of: NaiveDate) {
    use crate::notices::Standing;
    let Ok(subs) = crate::pipeline::notices::intended(ws, None) else {
        return;
    };
    let customers = crate::pipeline::notices::customers(ws, &mut Diagnostics::new());
    let plans = crate::pipeline::notices::rows(ws, &customers, &subs, as_of);
    for row in rows.iter_mut() {
        let id = crate::side::split_id(&row.vendor)
            .filter(|(stem, _)| customers.iter().any(|c| c.id == *stem))
            .map_or(row.vendor.as_str(), |(stem, _)| stem)
            .to_string();
        for n in plans.iter().filter(|n| n.customer == id) {
            let p = &n.plan;
            let remark = match p.standing {
                Standing::ToSend | Standing::Late => format!(
                    "sub-processor `{}` (effective {}): {} not sent; send by {}{}",
                    n.subprocessor,
                    n.effective,
                    if p.duty == crate::notices::Duty::Consent {
                        "request for consent"
                    } else {
                        "notice"
                    },
                    p.send_by,
                    if p.standing == Standing::Late {
                        " (late)"
                    } else {
                        ""
                    }
                ),
                Standing::Objected => format!(
                    "sub-processor `{}`: objected on {}",
                    n.subprocessor,
                    p.objected_on.map(|d| d.to_string()).unwrap_or_default()
                ),
                Standing::Refused => format!(
                    "sub-processor `{}`: consent refused on {}",
                    n.subprocessor,
                    n.plan.refused_on.map(|d| d.to_string()).unwrap_or_default()
                ),
                Standing::AwaitingConsent => format!(
                    "sub-processor `{}`: consent requested, not given{}",
                    n.subprocessor,
                    if p.late {
                        format!(" (late: not before {})", p.first_lawful)
                    } else {
                        String::new()
                    }
                ),
                // A notice sent late stays marked: the effective date does not hold here.
                Standing::Notified | Standing::Authorised | Standing::Consented
                    if p.late && p.joins_from.is_none_or(|j| as_of < j) =>
                {
                    format!(
                        "sub-processor `{}` (effective {}): {} sent late on {}; joins from {}",
                        n.subprocessor,
                        n.effective,
                        if p.duty == crate::notices::Duty::Consent {
                            "request for consent"
                        } else {
                            "notice"
                        },
                        p.sent_on.map(|d| d.to_string()).unwrap_or_default(),
                        p.joins_from.unwrap_or(p.first_lawful)
                    )
                }
                Standing::Notified | Standing::Authorised | Standing::Consented => continue,
            };
            row.remarks.push(remark);
        }
    }
}

/// An output format of the tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A readable table, with terminal colours or without.
    Text {
        /// With terminal colours.
        color: bool,
    },
    /// JSON.
    Json,
    /// RFC 4180 CSV.
    Csv,
    /// One self-contained HTML page.
    Html,
    /// An Excel workbook.
    Xlsx,
    /// A calendar of expiries, with a reminder `expiring_within` days before, and service ends.
    Ics {
        /// Days before an expiry to remind.
        expiring_within: i64,
    },
}

/// The tracker's rows in `format`.
pub fn output(
    ws: &Workspace,
    rows: &[Row],
    as_of: NaiveDate,
    format: Format,
) -> Result<Vec<u8>, Error> {
    Ok(match format {
        Format::Text { color } => report::text(
            rows,
            color,
            ws.company.ccpa.is_business(),
            as_of,
            ws.side.noun(),
        )
        .into_bytes(),
        Format::Json => {
            let mut s =
                serde_json::to_string_pretty(&serde_json::json!({"as_of": as_of, "vendors": rows}))
                    .unwrap_or_default();
            s.push('\n');
            s.into_bytes()
        }
        Format::Csv => report::csv(rows).into_bytes(),
        Format::Html => report::html(rows, &ws.company.name, as_of).into_bytes(),
        Format::Xlsx => {
            sheet::xlsx(rows, &words::summary(rows, ws.side.noun()), as_of).map_err(Error::Usage)?
        }
        Format::Ics { expiring_within } => {
            track::calendar::ics(rows, &ws.company.name, as_of, expiring_within).into_bytes()
        }
    })
}

/// Writes the tracker's rows in `format` to the file `path` (atomically).
pub fn write_output(
    ws: &Workspace,
    rows: &[Row],
    as_of: NaiveDate,
    format: Format,
    path: &Path,
) -> Result<(), Error> {
    crate::files::write_atomic(path, &output(ws, rows, as_of, format)?)
}
