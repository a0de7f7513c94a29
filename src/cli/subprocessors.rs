//! `dpa subprocessors`: the processor's sub-processor changes — record an intended one, list
//! and send the notices each customer is owed, record an objection or a consent.

use std::path::PathBuf;

use chrono::NaiveDate;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::model::country;
use dpa::notices::{Duty, Standing, edit};
use dpa::pipeline::notices::{self, NoticeRow};
use dpa::store::{RecordLock, Store};

use super::Ctx;
use super::args::{parse_date, report_commit, report_pushed};

/// Arguments of `dpa subprocessors`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub action: Action,
}

/// Output format of the notice list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NoticeFormat {
    /// A readable table.
    Text,
    /// JSON for programs.
    Json,
    /// RFC 4180 CSV for spreadsheets.
    Csv,
}

/// The sub-processor actions.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Record an intended sub-processor in dpa.toml, to start on --effective.
    ///
    /// Example: dpa subprocessors add "Vectorline AI Ltd" --country GB --purpose "Anomaly detection" --effective 2027-03-01
    Add {
        /// Legal name.
        name: String,
        /// Country code where it processes (ISO 3166-1 alpha-2).
        #[arg(long, value_name = "CC")]
        country: String,
        /// What it does.
        #[arg(long, value_name = "TEXT")]
        purpose: String,
        /// The date it is to start processing customers' data (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        effective: NaiveDate,
        /// Postal address (needed for customers on specific authorisation).
        #[arg(long, value_name = "TEXT", default_value = "")]
        address: String,
        /// Contact person and details (needed for customers on specific authorisation).
        #[arg(long, value_name = "TEXT", default_value = "")]
        contact: String,
    },
    /// List every customer to tell of each intended sub-processor: notice period, latest date to send, objection deadline; with --send, write the letters and record them as sent.
    ///
    /// Example: dpa subprocessors notices --send letters/
    Notices {
        /// Only this sub-processor.
        name: Option<String>,
        /// Compute as of this date (YYYY-MM-DD) instead of today; with --send, the date of the letters.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Write one letter (PDF) per customer not yet told, and recipients.csv, into DIR, and record in each customer's record that the notice was sent.
        #[arg(long, value_name = "DIR")]
        send: Option<PathBuf>,
        /// Output format of the list.
        #[arg(long, value_enum, default_value_t = NoticeFormat::Text)]
        format: NoticeFormat,
    },
    /// Record a customer's objection to an intended sub-processor.
    ///
    /// Example: dpa subprocessors object nordlicht-retail "Vectorline AI Ltd" --date 2027-02-10
    Object {
        /// The customer id.
        customer: String,
        /// The sub-processor's name.
        name: String,
        /// Date of the objection (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        date: Option<NaiveDate>,
    },
    /// Record a customer's specific authorisation (consent) of an intended sub-processor.
    ///
    /// Example: dpa subprocessors consent meridian-sante "Vectorline AI Ltd" --date 2027-01-05
    Consent {
        /// The customer id.
        customer: String,
        /// The sub-processor's name.
        name: String,
        /// Date of the consent (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        date: Option<NaiveDate>,
    },
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// Runs `dpa subprocessors`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    notices::require_processor_side(&ws)?;
    match args.action {
        Action::Add {
            name,
            country: code,
            purpose,
            effective,
            address,
            contact,
        } => {
            if !country::is_known(&code) {
                return Err(Error::Usage(format!(
                    "`{code}` is not an ISO 3166-1 alpha-2 country code"
                )));
            }
            let intended = edit::Intended {
                name: name.clone(),
                country: code,
                purpose,
                address,
                contact,
                effective,
            };
            let store = open_store(&ws)?;
            let _lock = RecordLock::acquire(&store, std::time::Duration::from_secs(120))?;
            let sharing = store.check_remote(ctx.offline)?;
            let Some(done) = notices::add(&ws, &store, &intended, &mut diags)? else {
                ctx.report(&diags, &ws);
                return Err(Error::Invalid(diags.error_count().max(1)));
            };
            report_commit(ctx, &done, "this change");
            report_pushed(ctx, &dpa::pipeline::event::share(&store, &sharing));
            ctx.out(&format!(
                "{}: added `{name}`, effective {effective} (commit {}); see `dpa subprocessors notices` for the customers to tell\n",
                dpa::workspace::COMPANY_FILE,
                done.short()
            ))?;
            Ok(0)
        }
        Action::Notices {
            name,
            as_of,
            send,
            format,
        } => {
            let subs = notices::intended(&ws, name.as_deref())?;
            let mut customers = notices::customers(&ws, &mut diags);
            if diags.has_errors() {
                // A customer left out would be a customer never told.
                ctx.report(&diags, &ws);
                return Err(Error::Invalid(diags.error_count()));
            }
            let as_of = as_of.unwrap_or_else(today);
            if let Some(dir) = send {
                let store = open_store(&ws)?;
                let _lock = RecordLock::acquire(&store, std::time::Duration::from_secs(120))?;
                let sharing = store.check_remote(ctx.offline)?;
                let sent = notices::send(&ws, &store, &customers, &subs, as_of, &dir, &mut diags);
                ctx.report(&diags, &ws);
                let sent = sent?;
                for l in &sent.letters {
                    ctx.note(&format!("wrote {l}"));
                }
                let wrote = sent
                    .recipients
                    .as_ref()
                    .map(|r| format!("wrote {r}; "))
                    .unwrap_or_default();
                match &sent.committed {
                    Some(done) => {
                        report_commit(ctx, done, "this change");
                        report_pushed(ctx, &dpa::pipeline::event::share(&store, &sharing));
                        ctx.note(&format!(
                            "{wrote}recorded {} notice(s) as sent on {as_of} (commit {})",
                            sent.rows.len(),
                            done.short()
                        ));
                    }
                    None => ctx.note(&format!("{wrote}no notice was due, nothing recorded")),
                }
                // The list below shows the notices just recorded as sent.
                customers = notices::customers(&ws, &mut Diagnostics::new());
            }
            let rows = notices::rows(&ws, &customers, &subs, as_of);
            let text = match format {
                NoticeFormat::Text => table(&rows),
                NoticeFormat::Json => {
                    let mut s = serde_json::to_string_pretty(&rows).unwrap_or_default();
                    s.push('\n');
                    s
                }
                NoticeFormat::Csv => csv(&rows),
            };
            ctx.out(&text)?;
            ctx.finish(0)
        }
        Action::Object {
            customer,
            name,
            date,
        } => event(ctx, &ws, &customer, &name, date, true),
        Action::Consent {
            customer,
            name,
            date,
        } => event(ctx, &ws, &customer, &name, date, false),
    }
}

fn event(
    ctx: &Ctx,
    ws: &dpa::workspace::Workspace,
    customer: &str,
    name: &str,
    date: Option<NaiveDate>,
    objection: bool,
) -> Result<u8, Error> {
    let mut diags = Diagnostics::new();
    let Some(record) = ws.load_vendor(customer, &mut diags) else {
        ctx.report(&diags, ws);
        return Err(Error::Invalid(diags.error_count().max(1)));
    };
    let subs = notices::intended(ws, Some(name))?;
    let date = date.unwrap_or_else(today);
    let specific = dpa::side::specific(&ws.company, &record);
    if objection && specific {
        return Err(Error::Usage(format!(
            "`{customer}` is on specific authorisation: a sub-processor joins only with its consent, so there is nothing to object to; without `dpa subprocessors consent` it stays out"
        )));
    }
    if !objection && !specific {
        return Err(Error::Usage(format!(
            "`{customer}` is on general authorisation: it is notified and may object (`dpa subprocessors object`); consent is not asked"
        )));
    }
    let event = if objection {
        edit::Event::Objected(date)
    } else {
        edit::Event::Consented(date)
    };
    let store = open_store(ws)?;
    let _lock = RecordLock::acquire(&store, std::time::Duration::from_secs(120))?;
    let sharing = store.check_remote(ctx.offline)?;
    let done = notices::record(&store, &record, name, event)?;
    report_commit(ctx, &done, "this change");
    report_pushed(ctx, &dpa::pipeline::event::share(&store, &sharing));
    if objection
        && let Some(s) = subs.first()
        && let Some(effective) = s.effective
    {
        let terms = dpa::side::terms(&ws.company, &record, name);
        let plan = dpa::notices::plan(effective, &terms, date);
        if let Some(deadline) = plan.objection_deadline
            && terms.recorded.sent_on.is_some()
            && date > deadline
        {
            ctx.note(&format!(
                "warning: the objection period ended on {deadline}; a late objection does not keep `{name}` out of {customer}'s Annex III"
            ));
        }
    }
    ctx.out(&format!(
        "{}: recorded {} of `{name}` on {date} (commit {})\n",
        record.file,
        if objection {
            "the objection"
        } else {
            "the consent"
        },
        done.short()
    ))?;
    Ok(0)
}

/// The workspace's repository, with an identity to commit as: checked before anything is
/// written, like `dpa sign` and `dpa record`.
fn open_store(ws: &dpa::workspace::Workspace) -> Result<Store, Error> {
    let store = Store::open(&ws.root)?;
    store.signature()?;
    Ok(store)
}

fn opt(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "-".into(), |d| d.to_string())
}

fn duty(row: &NoticeRow) -> &'static str {
    match row.plan.duty {
        Duty::Notice => "notice",
        Duty::Consent => "consent",
    }
}

fn table(rows: &[NoticeRow]) -> String {
    if rows.is_empty() {
        return "no intended sub-processors: add one with `dpa subprocessors add`\n".into();
    }
    let mut out = String::new();
    let mut current = None;
    for r in rows {
        if current != Some((&r.subprocessor, r.effective)) {
            current = Some((&r.subprocessor, r.effective));
            out.push_str(&format!("{} (effective {})\n", r.subprocessor, r.effective));
            out.push_str(&format!(
                "  {:<22} {:<8} {:>4}  {:<10}  {:<10}  {:<10}  {:<10}  {}\n",
                "customer", "duty", "days", "send by", "sent", "objection", "joins", "state"
            ));
        }
        let p = &r.plan;
        let state = match p.standing {
            Standing::AwaitingConsent | Standing::ToSend | Standing::Late
                if p.duty == Duty::Consent && p.sent_on.is_none() =>
            {
                format!("needs consent ({})", p.standing.as_str())
            }
            s => s.as_str().to_string(),
        };
        out.push_str(&format!(
            "  {:<22} {:<8} {:>4}  {:<10}  {:<10}  {:<10}  {:<10}  {}\n",
            r.customer,
            duty(r),
            p.notice_days,
            p.send_by,
            opt(p.sent_on),
            opt(p.objection_deadline),
            opt(p.joins_from),
            state
        ));
    }
    out
}

fn csv(rows: &[NoticeRow]) -> String {
    let mut out = String::from(
        "subprocessor,effective,customer,name,contact_email,duty,notice_days,send_by,sent_on,objection_deadline,objected_on,consented_on,joins_from,state\n",
    );
    for r in rows {
        let p = &r.plan;
        let fields = [
            r.subprocessor.clone(),
            r.effective.to_string(),
            r.customer.clone(),
            r.name.clone(),
            r.contact_email.clone(),
            duty(r).into(),
            p.notice_days.to_string(),
            p.send_by.to_string(),
            p.sent_on.map(|d| d.to_string()).unwrap_or_default(),
            p.objection_deadline
                .map(|d| d.to_string())
                .unwrap_or_default(),
            p.objected_on.map(|d| d.to_string()).unwrap_or_default(),
            p.consented_on.map(|d| d.to_string()).unwrap_or_default(),
            p.joins_from.map(|d| d.to_string()).unwrap_or_default(),
            p.standing.as_str().into(),
        ];
        let quoted: Vec<String> = fields
            .iter()
            .map(|f| {
                if f.contains([',', '"', '\r', '\n']) {
                    format!("\"{}\"", f.replace('"', "\"\""))
                } else {
                    f.clone()
                }
            })
            .collect();
        out.push_str(&quoted.join(","));
        out.push('\n');
    }
    out
}
