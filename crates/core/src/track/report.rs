//! The tracker's rows as text (a table, with terminal colours), CSV and an HTML page; the
//! workbook is [`super::sheet`], the calendar [`super::calendar`].

use chrono::NaiveDate;

use crate::escape;
use crate::files::csv_field;

use super::{Overall, Row, State, sheet, words};

/// `text` in its state's terminal colour.
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

/// The value, or `-`.
fn or_dash<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

/// The tracker as a readable table: a summary, one row per counterparty with its remarks.
pub fn text(
    rows: &[Row],
    color: bool,
    business: Option<bool>,
    as_of: NaiveDate,
    noun: &str,
) -> String {
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

/// The tracker as RFC 4180 CSV, the columns of the workbook.
pub fn csv(rows: &[Row]) -> String {
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

/// The tracker as one self-contained HTML page.
pub fn html(rows: &[Row], company: &str, as_of: NaiveDate) -> String {
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
.covered, .ended {{ background: #dff3e3; }} .expiring, .sent, .issued, .gaps, .reviewed {{ background: #fff1c7; }}
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
