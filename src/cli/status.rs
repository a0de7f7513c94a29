//! `dpa status`: the tracker, one row per vendor, as a table, JSON, CSV or an HTML page.

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::assemble::DocOptions;
use crate::diag::Diagnostics;
use crate::error::Error;
use crate::manifest::ManifestClause;
use crate::select;
use crate::store::{Store, StoreError};
use crate::track::{self, IssuedVersion, Row, RowInput, State};

use super::Ctx;

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
}

/// Arguments of `dpa status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only vendors that need FRAMEWORK and have no signed, unexpired version that includes it.
    #[arg(long, value_name = "FRAMEWORK")]
    pub missing: Option<String>,
    /// Only vendors that need FRAMEWORK.
    #[arg(long, value_name = "FRAMEWORK")]
    pub framework: Option<String>,
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
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatusFormat::Text)]
    pub format: StatusFormat,
}

/// Parses a YYYY-MM-DD date argument.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write YYYY-MM-DD"))
}

fn check_framework(f: &Option<String>) -> Result<(), Error> {
    if let Some(f) = f
        && !select::FRAMEWORKS[1..].contains(&f.as_str())
    {
        return Err(Error::Usage(format!(
            "unknown framework `{f}`: use one of {}",
            select::FRAMEWORKS[1..].join(", ")
        )));
    }
    Ok(())
}

/// Runs `dpa status`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    check_framework(&args.missing)?;
    check_framework(&args.framework)?;
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    // Outside a repository nothing was issued; any other git failure is an error, never "missing".
    let store = match Store::open(&ws.root) {
        Ok(store) => Some(store),
        Err(StoreError::NotARepository(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let as_of = args
        .as_of
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let ids = match &args.vendor {
        Some(id) => vec![id.clone()],
        None => ws.vendor_ids(&mut diags),
    };
    // Which vendors have issued versions: one listing of the tags, not one per vendor.
    let tagged: std::collections::BTreeSet<String> = match &store {
        Some(s) => s.vendors_with_versions()?.into_iter().collect(),
        None => Default::default(),
    };
    // Records load and facts derive in parallel; git is read afterwards, only for vendors with tags.
    let loaded: Vec<(
        Option<(crate::model::Vendor, select::Applicability)>,
        Diagnostics,
    )> = ids
        .par_iter()
        .map(|id| {
            let mut d = Diagnostics::new();
            let loaded = ws.load_vendor(id, &mut d).map(|v| {
                let app = select::applicability(&ws.company, &v, &mut d);
                (v, app)
            });
            (loaded, d)
        })
        .collect();
    let mut rows: Vec<Row> = Vec::with_capacity(loaded.len());
    for (loaded, d) in loaded {
        diags.extend(d);
        let Some((vendor, app)) = loaded else {
            continue;
        };
        let id = &vendor.id;
        let required: Vec<String> = app.frameworks[1..].iter().map(|s| s.to_string()).collect();
        let mut issued = Vec::new();
        if let Some(store) = store.as_ref().filter(|_| tagged.contains(id)) {
            for i in store.issued(id)? {
                let manifest = store.manifest(id, i.version)?;
                issued.push(IssuedVersion {
                    version: i.version,
                    manifest,
                });
            }
        }
        // Only vendors with a signature need today's clause text, to tell `outdated`.
        let current: Option<Vec<ManifestClause>> =
            if vendor.agreements.iter().any(|a| a.status == "signed") {
                let mut quiet = Diagnostics::new();
                ws.prepare(
                    vendor.clone(),
                    &DocOptions {
                        final_: false,
                        version: "draft".into(),
                    },
                    &mut quiet,
                )
                .map(|p| p.assembled.clauses.to_vec())
            } else {
                None
            };
        let row = track::row(&RowInput {
            vendor: &vendor,
            required,
            ccpa_third_party: app.ccpa_third_party,
            issued: &issued,
            current: current.as_deref(),
            as_of,
            expiring_within: args.expiring_within,
        });
        rows.push(row);
    }
    ctx.report(&diags, &ws);
    if let Some(f) = &args.framework {
        rows.retain(|r| r.required.contains(f));
    }
    if let Some(f) = &args.missing {
        rows.retain(|r| r.states.get(f).is_some_and(|s| s.is_missing()));
    }
    let gaps = rows
        .iter()
        .any(|r| r.states.values().any(|s| *s != State::Covered));
    let text = match args.format {
        StatusFormat::Text => text(&rows, ctx.color_out, ws.company.ccpa.is_business(), as_of),
        StatusFormat::Json => {
            let mut s =
                serde_json::to_string_pretty(&serde_json::json!({"as_of": as_of, "vendors": rows}))
                    .unwrap_or_default();
            s.push('\n');
            s
        }
        StatusFormat::Csv => csv(&rows),
        StatusFormat::Html => html(&rows, &ws.company.name, as_of),
    };
    let printed = ctx.out(&text);
    if diags.has_errors() {
        return Ok(2);
    }
    if args.fail_on_gaps && gaps {
        return Ok(1);
    }
    printed.map(|()| 0)
}

fn paint(state: State, color: bool) -> String {
    if !color {
        return state.as_str().to_string();
    }
    let code = match state {
        State::Covered => "32",
        State::Expiring | State::Sent => "33",
        State::Outdated => "35",
        State::Expired | State::Missing => "31",
    };
    format!("\x1b[{code}m{}\x1b[0m", state.as_str())
}

fn text(rows: &[Row], color: bool, business: Option<bool>, as_of: NaiveDate) -> String {
    let mut out = String::new();
    if business == Some(false) {
        out.push_str("note: by the facts in dpa.toml we are not a CCPA business; no vendor needs CCPA terms\n");
    }
    let w = rows
        .iter()
        .map(|r| r.vendor.len())
        .max()
        .unwrap_or(6)
        .max(6);
    out.push_str(&format!(
        "{:w$}  {:<8} {:<12} STATES (as of {as_of})\n",
        "VENDOR", "SIGNED", "EXPIRES"
    ));
    for r in rows {
        let states: Vec<String> = r
            .required
            .iter()
            .map(|f| format!("{f}:{}", paint(r.states[f], color)))
            .collect();
        let signed = r
            .signed_version
            .map(|v| format!("v{v}"))
            .unwrap_or_else(|| "-".into());
        let expires = r
            .expires_on
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into());
        let states = if states.is_empty() {
            "(no framework applies)".to_string()
        } else {
            states.join("  ")
        };
        out.push_str(&format!(
            "{:w$}  {signed:<8} {expires:<12} {states}\n",
            r.vendor
        ));
        for n in &r.notes {
            out.push_str(&format!("{:w$}  note: {n}\n", ""));
        }
    }
    out
}

/// Quotes a CSV field when RFC 4180 requires it.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(rows: &[Row]) -> String {
    let frameworks: Vec<&str> = select::FRAMEWORKS[1..]
        .iter()
        .copied()
        .filter(|f| rows.iter().any(|r| r.required.iter().any(|x| x == f)))
        .collect();
    let mut header = vec!["vendor", "name", "required"];
    header.extend(frameworks.iter().copied());
    header.extend([
        "signed_version",
        "expires_on",
        "issued_version",
        "ccpa_third_party",
        "notes",
    ]);
    let mut out = header.join(",");
    out.push_str("\r\n");
    for r in rows {
        let mut fields = vec![
            csv_field(&r.vendor),
            csv_field(&r.name),
            csv_field(&r.required.join(" ")),
        ];
        for f in &frameworks {
            fields.push(
                r.states
                    .get(*f)
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            );
        }
        fields.push(r.signed_version.map(|v| v.to_string()).unwrap_or_default());
        fields.push(r.expires_on.map(|d| d.to_string()).unwrap_or_default());
        fields.push(r.issued_version.map(|v| v.to_string()).unwrap_or_default());
        fields.push(r.ccpa_third_party.to_string());
        fields.push(csv_field(&r.notes.join("; ")));
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Escapes text for HTML.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html(rows: &[Row], company: &str, as_of: NaiveDate) -> String {
    let mut body = String::new();
    let count = |s: State| {
        rows.iter()
            .flat_map(|r| r.states.values())
            .filter(|x| **x == s)
            .count()
    };
    for r in rows {
        let states: Vec<String> = r
            .required
            .iter()
            .map(|f| {
                format!(
                    "<span class=\"s {st}\">{f}: {st}</span>",
                    f = html_escape(f),
                    st = r.states[f].as_str()
                )
            })
            .collect();
        let notes: Vec<String> = r
            .notes
            .iter()
            .map(|n| format!("<div class=\"note\">{}</div>", html_escape(n)))
            .collect();
        body.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            html_escape(&r.vendor),
            html_escape(&r.name),
            notes.join(""),
            states.join(" "),
            r.signed_version
                .map(|v| format!("v{v}"))
                .unwrap_or_else(|| "&ndash;".into()),
            r.expires_on
                .map(|d| d.to_string())
                .unwrap_or_else(|| "&ndash;".into()),
        ));
    }
    let summary: Vec<String> = [
        State::Covered,
        State::Expiring,
        State::Outdated,
        State::Sent,
        State::Expired,
        State::Missing,
    ]
    .iter()
    .map(|s| {
        format!(
            "<span class=\"s {0}\">{1} {0}</span>",
            s.as_str(),
            count(*s)
        )
    })
    .collect();
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
.covered {{ background: #dff3e3; }} .expiring, .sent {{ background: #fff1c7; }}
.outdated {{ background: #eadcf7; }} .expired, .missing {{ background: #fbdada; }}
.note {{ font-size: .8rem; color: #555; }}
</style>
</head>
<body>
<h1>Vendor agreements of {company}</h1>
<p>As of {as_of}. {summary}</p>
<table>
<thead><tr><th>Vendor</th><th>Name</th><th>Frameworks</th><th>Signed</th><th>Expires</th></tr></thead>
<tbody>
{body}</tbody>
</table>
</body>
</html>
"#,
        company = html_escape(company),
        summary = summary.join(" "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn html_escapes_markup() {
        assert_eq!(
            html_escape("<script>alert('x')</script> & \""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;"
        );
    }
}
