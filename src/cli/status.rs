//! `dpa status`: the tracker, one row per vendor, as a table, JSON, CSV or an HTML page.

use chrono::NaiveDate;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::escape;
use dpa::files::csv_field;
use dpa::select::Framework;
use dpa::track::{self, Overall, Row, State, sheet, words};

use super::Ctx;
use super::args::parse_date;

/// Output format of the tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// A readable table.
    Text,
    /// JSON for programs.
    Json,
    /// RFC 4180 CSV for spreadsheets.
    Csv,
    /// One self-contained HTML page.
    Html,
    /// An Excel workbook (XLSX), written to the file given with --out.
    Xlsx,
    /// A calendar (iCalendar) of expiries, with a reminder --expiring-within days before, and service ends.
    Ics,
}

/// Arguments of `dpa status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only vendors that need FRAMEWORK and have no signed, unexpired version that includes it.
    #[arg(long, value_name = "FRAMEWORK", value_parser = Framework::regulated)]
    pub missing: Option<Framework>,
    /// Only vendors that need FRAMEWORK.
    #[arg(long, value_name = "FRAMEWORK", value_parser = Framework::regulated)]
    pub framework: Option<Framework>,
    /// Only this vendor.
    #[arg(long, value_name = "ID")]
    pub vendor: Option<String>,
    /// Compute states as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Days before expiry that count as "expiring".
    #[arg(long, value_name = "DAYS", default_value_t = 60)]
    pub expiring_within: i64,
    /// Exit with 1 when any needed framework is not covered.
    #[arg(long)]
    pub fail_on_gaps: bool,
    /// Only vendors whose `owner` is OWNER (compared without case).
    #[arg(long, value_name = "OWNER")]
    pub owner: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    pub format: StatusFormat,
    /// Write the output to FILE instead of stdout (required for --format xlsx).
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
}

/// Runs `dpa status`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    if args.format == StatusFormat::Xlsx && args.out.is_none() {
        return Err(Error::Usage(
            "--format xlsx writes a workbook: say where with --out FILE.xlsx".into(),
        ));
    }
    let conflicted = super::report_conflicts(ctx);
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    let options = track::Options {
        vendor: args.vendor,
        framework: args.framework,
        missing: args.missing,
        owner: args.owner,
        as_of: args
            .as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
        expiring_within: args.expiring_within,
    };
    let tracker = track::status(&ws, &options)?;
    diags.extend(tracker.diagnostics.iter().cloned());
    ctx.report(&diags, &ws);
    let invalid = tracker.has_invalid() || diags.has_errors();
    if invalid {
        // The tracker is still written, with each broken record as a "record invalid" row.
        eprintln!(
            "error: some records are invalid; they are listed as \"record invalid\" and the others are tracked"
        );
    }
    if !tracker.uncommitted.is_empty() {
        ctx.note(&format!(
            "note: tracker state not committed to git: [[agreements]] in {} differ from the last commit",
            tracker.uncommitted.join(", ")
        ));
    }
    let mut rows = tracker.rows;
    let as_of = tracker.as_of;
    if ws.side == dpa::side::Side::Customers {
        notice_remarks(&ws, &mut rows, as_of);
    }
    let rows = &rows;
    let text = match args.format {
        StatusFormat::Text => text(
            rows,
            ctx.color_out,
            ws.company.ccpa.is_business(),
            as_of,
            ws.side.noun(),
        ),
        StatusFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&serde_json::json!({"as_of": as_of, "vendors": rows}))
                    .unwrap_or_default();
            s.push('\n');
            s
        }
        StatusFormat::Csv => csv(rows),
        StatusFormat::Html => html(rows, &ws.company.name, as_of),
        StatusFormat::Xlsx => String::new(),
        StatusFormat::Ics => {
            track::calendar::ics(rows, &ws.company.name, as_of, args.expiring_within)
        }
    };
    let bytes = match args.format {
        StatusFormat::Xlsx => {
            sheet::xlsx(rows, &words::summary(rows, ws.side.noun()), as_of).map_err(Error::Usage)?
        }
        _ => text.into_bytes(),
    };
    let printed = match &args.out {
        Some(path) => {
            dpa::files::write_atomic(path, &bytes)?;
            if !ctx.quiet {
                eprintln!("wrote {}", path.display());
            }
            Ok(())
        }
        None => ctx.out(&String::from_utf8_lossy(&bytes)),
    };
    if invalid || conflicted {
        return Ok(2);
    }
    let gaps = rows.iter().any(|r| r.states.values().any(|s| s.is_gap()));
    if args.fail_on_gaps && gaps {
        return Ok(1);
    }
    printed.map(|()| 0)
}

fn paint(text: &str, state: Option<State>, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    let code = match state {
        Some(State::Covered | State::Ended) => "32",
        Some(State::Expiring | State::Sent | State::Issued) => "33",
        Some(State::Outdated) => "35",
        _ => "31",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn or_dash<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

/// Processor side: each customer's standing on every intended sub-processor, as remarks on
/// its rows: a notice not yet sent (and by when it must be), an objection, a consent awaited.
fn notice_remarks(ws: &dpa::workspace::Workspace, rows: &mut [Row], as_of: NaiveDate) {
    use dpa::notices::Standing;
    let Ok(subs) = dpa::pipeline::notices::intended(ws, None) else {
        return;
    };
    let customers = dpa::pipeline::notices::customers(ws, &mut Diagnostics::new());
    let plans = dpa::pipeline::notices::rows(ws, &customers, &subs, as_of);
    for row in rows.iter_mut() {
        let id = dpa::side::split_id(&row.vendor)
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
                    if p.duty == dpa::notices::Duty::Consent {
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
                Standing::AwaitingConsent => format!(
                    "sub-processor `{}`: consent requested, not given",
                    n.subprocessor
                ),
                Standing::Notified | Standing::Authorised | Standing::Consented => continue,
            };
            row.remarks.push(remark);
        }
    }
}

fn text(rows: &[Row], color: bool, business: Option<bool>, as_of: NaiveDate, noun: &str) -> String {
    let mut out = words::summary(rows, noun);
    out.push('\n');
    if business == Some(false) && noun == "vendor" {
        out.push_str("note: by the facts in dpa.toml we are not a CCPA business; no vendor needs CCPA terms\n");
    }
    let w = rows
        .iter()
        .map(|r| r.vendor.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let ow = rows
        .iter()
        .filter_map(|r| r.owner.as_ref().map(|o| o.chars().count()))
        .max()
        .unwrap_or(1)
        .max(5);
    out.push_str(&format!(
        "{:w$}  {:ow$}  {:<10}  {:<10}  WHAT IT NEEDS (as of {as_of})\n",
        noun.to_uppercase(),
        "OWNER",
        "SIGNED",
        "EXPIRES"
    ));
    for r in rows {
        let states: Vec<String> = r
            .required
            .iter()
            .filter_map(|f| {
                let s = *r.states.get(f)?;
                Some(paint(&words::cell(f, s), Some(s), color))
            })
            .collect();
        let states = match r.overall {
            Overall::Invalid => paint(words::overall(Overall::Invalid), None, color),
            _ if states.is_empty() => words::overall(Overall::None).to_string(),
            _ => states.join(", "),
        };
        let owner = r.owner.as_deref().unwrap_or("-");
        let pad = ow.saturating_sub(owner.chars().count());
        out.push_str(&format!(
            "{:w$}  {owner}{:pad$}  {:<10}  {:<10}  {states}\n",
            r.vendor,
            "",
            or_dash(r.signed_on),
            or_dash(r.expires_on),
        ));
        for n in &r.remarks {
            out.push_str(&format!("{:w$}  note: {n}\n", ""));
        }
        if let Some(n) = &r.notes {
            out.push_str(&format!("{:w$}  notes: {n}\n", ""));
        }
    }
    out
}

fn csv(rows: &[Row]) -> String {
    let mut out = sheet::header().join(",");
    out.push_str("\r\n");
    for r in rows {
        let fields: Vec<String> = sheet::cells(r)
            .iter()
            .map(|c| csv_field(&c.text()))
            .collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

fn html(rows: &[Row], company: &str, as_of: NaiveDate) -> String {
    let mut body = String::new();
    let dash = |v: Option<String>| {
        v.map(|x| escape::html(&x))
            .unwrap_or_else(|| "&ndash;".into())
    };
    for r in rows {
        let states: Vec<String> = if r.overall == Overall::Invalid {
            vec!["<span class=\"s invalid\">record invalid</span>".into()]
        } else if r.required.is_empty() {
            vec!["<span class=\"s none\">needs no agreement</span>".into()]
        } else {
            r.required
                .iter()
                .filter_map(|f| {
                    let st = *r.states.get(f)?;
                    Some(format!(
                        "<span class=\"s {}\">{}</span>",
                        st.as_str(),
                        escape::html(&words::cell(f, st))
                    ))
                })
                .collect()
        };
        let mut notes: Vec<String> = r
            .remarks
            .iter()
            .map(|n| format!("<div class=\"note\">{}</div>", escape::html(n)))
            .collect();
        if let Some(n) = &r.notes {
            notes.push(format!(
                "<div class=\"note own\">Notes: {}</div>",
                escape::html(n)
            ));
        }
        body.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape::html(&r.vendor),
            escape::html(&r.name),
            notes.join(""),
            dash(r.owner.clone()),
            states.join(" "),
            dash(match (r.signed_version, r.signed_on) {
                (Some(v), Some(d)) => Some(format!("v{v} on {d}")),
                (None, Some(d)) => Some(d.to_string()),
                (v, None) => v.map(|v| format!("v{v}")),
            }),
            dash(r.expires_on.map(|d| d.to_string())),
            dash(r.service_ends.map(|d| d.to_string())),
        ));
    }
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Vendor agreements: {company}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #1d1d1f; }}
h1 {{ font-size: 1.4rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }}
th {{ background: #f4f4f6; }}
.s {{ display: inline-block; padding: .1rem .45rem; margin: .1rem; border-radius: .6rem; font-size: .85rem; }}
.covered, .ended {{ background: #dff3e3; }} .expiring, .sent, .issued, .gaps {{ background: #fff1c7; }}
.outdated {{ background: #eadcf7; }} .expired, .missing, .unsigned, .invalid {{ background: #fbdada; }}
.none {{ background: #eeeeee; }}
.note {{ font-size: .8rem; color: #555; }} .own {{ font-style: italic; }}
td:nth-child(n+5) {{ white-space: nowrap; }}
</style>
</head>
<body>
<h1>Vendor agreements of {company}</h1>
<p>As of {as_of}. {summary}</p>
<table>
<thead><tr><th>Vendor</th><th>Name</th><th>Owner</th><th>What it needs</th><th>Signed</th><th>Expires</th><th>Service ends</th></tr></thead>
<tbody>
{body}</tbody>
</table>
</body>
</html>
"#,
        company = escape::html(company),
        summary = escape::html(&words::summary(rows, "vendor")),
    )
}
