//! `dpa subprocessors`: the arguments of [`dpa::pipeline::subprocessors`], the notice list as a
//! table or CSV, and what the commands print.

use std::path::PathBuf;

use chrono::NaiveDate;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::notices::{Duty, Standing, edit};
use dpa::pipeline::notices::{self, NoticeRow};
use dpa::pipeline::page;
use dpa::pipeline::subprocessors::{self, Answer};

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

/// What `dpa subprocessors notices` records.
#[derive(Debug, clap::Subcommand)]
pub enum NoticesAction {
    /// Record the notices (or requests for consent) still due as sent on --date, in each customer's record, in one commit.
    ///
    /// Example: dpa subprocessors notices sent "Vectorline AI Ltd" --date 2026-12-10
    Sent {
        /// Only this sub-processor.
        name: Option<String>,
        /// The date the letters were sent (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        date: NaiveDate,
        /// Only this customer (repeatable); default every customer still to be told.
        #[arg(long = "customer", value_name = "ID")]
        customers: Vec<String>,
    },
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
    /// List every customer to tell of each intended sub-processor: notice period, latest date to send, objection deadline; with --write, write the letters (writing records nothing: `notices sent` does).
    ///
    /// Example: dpa subprocessors notices --write letters/
    #[command(args_conflicts_with_subcommands = true)]
    Notices {
        /// Record the letters as sent.
        #[command(subcommand)]
        record: Option<NoticesAction>,
        /// Only this sub-processor.
        name: Option<String>,
        /// Compute as of this date (YYYY-MM-DD) instead of today; with --write, the date of the letters.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
        /// Write one letter (PDF) per customer not yet told, and recipients.csv, into DIR; nothing is recorded.
        #[arg(long, value_name = "DIR")]
        write: Option<PathBuf>,
        /// Output format of the list.
        #[arg(long, value_enum, default_value_t = NoticeFormat::Text)]
        format: NoticeFormat,
    },
    /// Record an intended sub-processor that replaces a listed one: it is noticed like an addition, and the one it replaces leaves each customer's Annex III when it joins it.
    ///
    /// Example: dpa subprocessors replace "Postwise, Inc." "Mailrelay GmbH" --country DE --purpose "Delivery of transactional email" --effective 2027-05-01
    Replace {
        /// The listed sub-processor it replaces.
        old: String,
        /// Legal name of the new one.
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
    /// Remove a sub-processor from dpa.toml: it leaves every customer's Annex III.
    ///
    /// Example: dpa subprocessors remove "Postwise, Inc."
    Remove {
        /// The sub-processor's name.
        name: String,
    },
    /// Write the public sub-processor page into DIR: index.html, subprocessors.json and feed.atom, from dpa.toml's list as committed and every change of it in git history.
    ///
    /// Example: dpa subprocessors page --out site/subprocessors --as-of 2027-01-10
    Page {
        /// The folder to write into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The URL the folder is published at; the feed's id and links derive from it.
        #[arg(long, value_name = "URL")]
        url: Option<String>,
        /// Describe the list as of this date (YYYY-MM-DD) instead of today: additions starting later are announced.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        as_of: Option<NaiveDate>,
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
    /// Record a customer's refusal to authorise an intended sub-processor (specific authorisation): it never joins that customer's Annex III.
    ///
    /// Example: dpa subprocessors refuse meridian-sante "Vectorline AI Ltd" --date 2027-01-30
    Refuse {
        /// The customer id.
        customer: String,
        /// The sub-processor's name.
        name: String,
        /// Date of the refusal (YYYY-MM-DD); default today.
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

/// Runs `dpa subprocessors`.
pub fn run(ctx: &Ctx, args: Args) -> Result<u8, Error> {
    let mut diags = Diagnostics::new();
    let ws = super::open(ctx, &mut diags)?;
    notices::require_processor_side(&ws)?;
    match args.action {
        Action::Page { out, url, as_of } => {
            let options = page::PageOptions {
                as_of: as_of.unwrap_or_else(|| chrono::Local::now().date_naive()),
                url,
            };
            let out = ctx.root.join(out);
            let published = page::publish(&ctx.root, &out, &options, &mut diags)?;
            ctx.report(&diags, &ws);
            let p = &published.page;
            ctx.out(&format!(
                "{} in service, {} announced, {} changes: wrote {}\n",
                p.current.len(),
                p.announced.len(),
                p.changes.len(),
                published
                    .files
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))?;
            ctx.finish(0)
        }
        Action::Add {
            name,
            country,
            purpose,
            effective,
            address,
            contact,
        } => {
            let intended = edit::Intended {
                name,
                country,
                purpose,
                address,
                contact,
                effective,
                replaces: None,
            };
            add(ctx, &ws, &mut diags, &intended)
        }
        Action::Replace {
            old,
            name,
            country,
            purpose,
            effective,
            address,
            contact,
        } => {
            let intended = edit::Intended {
                name,
                country,
                purpose,
                address,
                contact,
                effective,
                replaces: Some(old),
            };
            add(ctx, &ws, &mut diags, &intended)
        }
        Action::Remove { name } => {
            let Some(done) = subprocessors::remove(&ws, &mut diags, ctx.offline, &name)? else {
                ctx.report(&diags, &ws);
                return Err(Error::Invalid(diags.error_count().max(1)));
            };
            report_commit(ctx, &done.committed, "this change");
            report_pushed(ctx, &done.pushed);
            ctx.out(&format!(
                "{}: removed `{name}` (commit {}); it leaves every customer's Annex III\n",
                dpa::workspace::COMPANY_FILE,
                done.committed.short()
            ))?;
            Ok(0)
        }
        Action::Notices {
            record:
                Some(NoticesAction::Sent {
                    name,
                    date,
                    customers,
                }),
            ..
        } => {
            let done = match subprocessors::sent(
                &ws,
                &mut diags,
                ctx.offline,
                name.as_deref(),
                date,
                &customers,
            ) {
                Ok(done) => done,
                Err(e) => {
                    ctx.report(&diags, &ws);
                    return Err(e);
                }
            };
            match &done.recorded {
                Some(r) => {
                    report_commit(ctx, &r.committed, "this change");
                    report_pushed(ctx, &r.pushed);
                    for row in done.rows.iter().filter(|r| r.plan.late) {
                        ctx.note(&format!(
                            "warning: {}: sent after {}, the latest date for {} days' notice: `{}` may start for it from {}, not {}",
                            row.customer,
                            row.plan.send_by,
                            row.plan.notice_days,
                            row.subprocessor,
                            row.plan.first_lawful,
                            row.effective
                        ));
                    }
                    ctx.out(&format!(
                        "recorded {} notice(s) as sent on {date} (commit {})\n",
                        done.rows.len(),
                        r.committed.short()
                    ))?;
                }
                None => ctx.out("no notice was due, nothing recorded\n")?,
            }
            ctx.finish(0)
        }
        Action::Notices {
            record: None,
            name,
            as_of,
            write,
            format,
        } => {
            let as_of = as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
            let found =
                subprocessors::notices(&ws, &mut diags, name.as_deref(), as_of, write.as_deref());
            let found = match found {
                Ok(found) => found,
                Err(e) => {
                    ctx.report(&diags, &ws);
                    return Err(e);
                }
            };
            if let Some(written) = &found.written {
                ctx.report(&diags, &ws);
                for l in &written.letters {
                    ctx.note(&format!("wrote {l}"));
                }
                ctx.note(&format!(
                    "wrote {}: {} letter(s) dated {as_of}, not recorded as sent; after sending them, run `dpa subprocessors notices sent --date DATE`",
                    written.recipients,
                    written.letters.len()
                ));
            }
            let rows = &found.rows;
            let text = match format {
                NoticeFormat::Text => table(rows),
                NoticeFormat::Json => {
                    let mut s = serde_json::to_string_pretty(rows).unwrap_or_default();
                    s.push('\n');
                    s
                }
                NoticeFormat::Csv => csv(rows),
            };
            ctx.out(&text)?;
            ctx.finish(0)
        }
        Action::Object {
            customer,
            name,
            date,
        } => event(ctx, &ws, &customer, &name, date, Answer::Objection),
        Action::Consent {
            customer,
            name,
            date,
        } => event(ctx, &ws, &customer, &name, date, Answer::Consent),
        Action::Refuse {
            customer,
            name,
            date,
        } => event(ctx, &ws, &customer, &name, date, Answer::Refusal),
    }
}

fn add(
    ctx: &Ctx,
    ws: &dpa::workspace::Workspace,
    diags: &mut Diagnostics,
    intended: &edit::Intended,
) -> Result<u8, Error> {
    let Some(done) = subprocessors::add(ws, diags, ctx.offline, intended)? else {
        ctx.report(diags, ws);
        return Err(Error::Invalid(diags.error_count().max(1)));
    };
    report_commit(ctx, &done.committed, "this change");
    report_pushed(ctx, &done.pushed);
    let replacing = intended
        .replaces
        .as_ref()
        .map(|old| format!(", replacing `{old}`"))
        .unwrap_or_default();
    ctx.out(&format!(
        "{}: added `{}`{replacing}, effective {} (commit {}); see `dpa subprocessors notices` for the customers to tell\n",
        dpa::workspace::COMPANY_FILE,
        intended.name,
        intended.effective,
        done.committed.short()
    ))?;
    Ok(0)
}

fn event(
    ctx: &Ctx,
    ws: &dpa::workspace::Workspace,
    customer: &str,
    name: &str,
    date: Option<NaiveDate>,
    answer: Answer,
) -> Result<u8, Error> {
    let mut diags = Diagnostics::new();
    let done =
        match subprocessors::answer(ws, &mut diags, ctx.offline, customer, name, date, answer) {
            Ok(done) => done,
            Err(e) => {
                if diags.has_errors() {
                    ctx.report(&diags, ws);
                }
                return Err(e);
            }
        };
    report_commit(ctx, &done.recorded.committed, "this change");
    report_pushed(ctx, &done.recorded.pushed);
    if let Some(deadline) = done.late {
        ctx.note(&format!(
            "warning: the objection period ended on {deadline}; a late objection does not keep `{name}` out of {customer}'s Annex III"
        ));
    }
    ctx.out(&format!(
        "{}: recorded {} of `{name}` on {} (commit {})\n",
        done.file,
        match answer {
            _ if done.refused => "the refusal",
            Answer::Objection => "the objection",
            Answer::Consent => "the consent",
            Answer::Refusal => "the refusal",
        },
        done.on,
        done.recorded.committed.short()
    ))?;
    Ok(0)
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
                if p.late {
                    format!("needs consent (late: from {})", p.first_lawful)
                } else {
                    format!("needs consent ({})", p.standing.as_str())
                }
            }
            Standing::Late => format!("late: from {}", p.first_lawful),
            s if p.late => format!("{} (late: from {})", s.as_str(), p.first_lawful),
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
