//! Sub-processor change notices over a workspace (processor side): for each intended
//! sub-processor in `dpa.toml`, every customer who must be told or asked, by when, and the
//! letters; the records are edited in place and each change is committed to git.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::assemble::context::long_date;
use crate::assemble::{TypstFilter, escape};
use crate::diag::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::files::{csv_field, display_path, read_text, write_atomic};
use crate::model::company::OurSubprocessor;
use crate::model::{Vendor, country};
use crate::notices::{self, Duty, Plan, Standing, edit};
use crate::render::{PdfSettings, Renderer, creation_date};
use crate::side::{self, Side};
use crate::store::{Committed, Store};
use crate::workspace::{COMPANY_FILE, Workspace};

/// The letter template, overridable by the workspace's own file.
pub const LETTER: &str = "templates/notice.typ.tera";

/// One customer to tell (or ask) about one intended sub-processor.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeRow {
    /// The customer's id.
    pub customer: String,
    /// The customer's legal name.
    pub name: String,
    /// The customer's privacy contact.
    pub contact_name: String,
    /// The contact's email.
    pub contact_email: String,
    /// The intended sub-processor.
    pub subprocessor: String,
    /// Its intended effective date.
    pub effective: NaiveDate,
    /// Deadlines and standing.
    #[serde(flatten)]
    pub plan: Plan,
}

/// Refuses a workspace on the vendors' side: notices are the processor's duty.
pub fn require_processor_side(ws: &Workspace) -> Result<(), Error> {
    if ws.side == Side::Customers {
        return Ok(());
    }
    Err(Error::Usage(
        "`dpa subprocessors` is for the processor side: set `role = \"processor\"` (or \"service_provider\") in dpa.toml and keep customer records in customers/".into(),
    ))
}

/// The intended sub-processors of `dpa.toml` (those with an `effective` date), or the one named.
pub fn intended<'w>(
    ws: &'w Workspace,
    only: Option<&str>,
) -> Result<Vec<&'w OurSubprocessor>, Error> {
    let list: Vec<&OurSubprocessor> = ws
        .company
        .subprocessors
        .iter()
        .filter(|s| s.effective.is_some())
        .filter(|s| only.is_none_or(|n| n == s.listed.name))
        .collect();
    if let Some(name) = only
        && list.is_empty()
    {
        let names: Vec<&str> = ws
            .company
            .subprocessors
            .iter()
            .map(|s| s.listed.name.as_str())
            .collect();
        return Err(Error::Usage(if names.contains(&name) {
            format!(
                "`{name}` has no `effective` date in {COMPANY_FILE}: it is already authorised for every customer"
            )
        } else {
            format!(
                "no sub-processor `{name}` in {COMPANY_FILE}; add it with `dpa subprocessors add`"
            )
        }));
    }
    Ok(list)
}

/// Every customer record, loaded; any that cannot be read is reported in `diags` (the caller
/// must fail rather than leave that customer out).
pub fn customers(ws: &Workspace, diags: &mut Diagnostics) -> Vec<Vendor> {
    ws.record_ids(diags)
        .into_iter()
        .filter_map(|id| ws.load_vendor(&id, diags))
        .collect()
}

/// The notice rows for these customers and intended sub-processors as of `as_of`.
pub fn rows(
    ws: &Workspace,
    customers: &[Vendor],
    subs: &[&OurSubprocessor],
    as_of: NaiveDate,
) -> Vec<NoticeRow> {
    let mut out = Vec::new();
    for s in subs {
        let Some(effective) = s.effective else {
            continue;
        };
        for c in customers {
            let terms = side::terms(&ws.company, c, &s.listed.name);
            out.push(NoticeRow {
                customer: c.id.clone(),
                name: c.name.clone(),
                contact_name: c.contact.name.clone(),
                contact_email: c.contact.email.clone(),
                subprocessor: s.listed.name.clone(),
                effective,
                plan: notices::plan(effective, &terms, as_of),
            });
        }
    }
    out
}

/// The Typst source of the letter to one customer, sent on `date`.
pub fn letter_source(
    ws: &Workspace,
    customer: &Vendor,
    sub: &OurSubprocessor,
    row: &NoticeRow,
    date: NaiveDate,
) -> Result<String, Diagnostic> {
    let (file, text) = match read_text(&ws.root, &ws.root.join(LETTER)) {
        Ok(x) if ws.root.join(LETTER).is_file() => x,
        _ => (
            format!("builtin:{LETTER}"),
            crate::builtin::TEMPLATES
                .iter()
                .find(|(p, _)| *p == LETTER)
                .map(|(_, t)| t.to_string())
                .unwrap_or_default(),
        ),
    };
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".tera"]);
    tera.set_escape_fn(escape::typst_value);
    tera.register_filter("typst", TypstFilter);
    let fail = |e: tera::Error| {
        Diagnostic::error(
            &file,
            Some(0..0),
            format!("template error: {}", crate::assemble::tera_message(&e)),
        )
    };
    tera.add_raw_template("notice.typ.tera", &text)
        .map_err(fail)?;
    let c = &ws.company;
    let plan = &row.plan;
    let on_request = |s: &str| {
        if s.is_empty() {
            "On request".to_string()
        } else {
            s.to_string()
        }
    };
    let ctx = LetterContext {
        company: c,
        customer,
        subprocessor: LetterSubprocessor {
            name: &sub.listed.name,
            address: on_request(&sub.listed.address),
            contact: on_request(&sub.listed.contact),
            country_name: country::name(&sub.listed.country).unwrap_or(&sub.listed.country),
            purpose: &sub.listed.purpose,
            replaces: sub.replaces.as_deref().unwrap_or_default(),
        },
        letter: Letter {
            date: long_date(date),
            consent: plan.duty == Duty::Consent,
            effective: long_date(row.effective),
            notice_days: plan.notice_days,
            objection_deadline: plan.objection_deadline.map(long_date).unwrap_or_default(),
            joins_from: plan.joins_from.map(long_date).unwrap_or_default(),
            late: plan.late,
            first_lawful: long_date(plan.first_lawful),
            documents: documents_named(ws, customer),
            transfer: transfer_statement(c, customer, sub),
        },
        doc: LetterDoc {
            paper: c.paper.typst_name(),
            id: format!("SPN-{}", customer.id),
            version: date.to_string(),
        },
    };
    let context = tera::Context::from_serialize(&ctx).map_err(fail)?;
    let body = tera.render("notice.typ.tera", &context).map_err(fail)?;
    Ok(format!("{}\n{body}", ws.templates.prelude()))
}

/// What the notice letter template sees.
#[derive(Serialize)]
struct LetterContext<'a> {
    company: &'a crate::model::Company,
    customer: &'a Vendor,
    subprocessor: LetterSubprocessor<'a>,
    letter: Letter,
    doc: LetterDoc<'a>,
}

/// The intended sub-processor, as the letter names it.
#[derive(Serialize)]
struct LetterSubprocessor<'a> {
    name: &'a str,
    address: String,
    contact: String,
    country_name: &'a str,
    purpose: &'a str,
    /// The sub-processor it replaces; empty for an addition.
    replaces: &'a str,
}

/// The dates and duty the letter states.
#[derive(Serialize)]
struct Letter {
    date: String,
    consent: bool,
    effective: String,
    notice_days: u32,
    objection_deadline: String,
    joins_from: String,
    /// Sent after the latest date to send: the effective date cannot hold for this customer.
    late: bool,
    /// The first date the customer's notice period allows the start (proposed when late).
    first_lawful: String,
    /// The customer's agreements, named as their titles name them: `the CCPA Addendum and the
    /// Data Processing Addendum`.
    documents: String,
    /// Where the customer's agreement has GDPR terms: whether the sub-processor's processing is
    /// a Restricted Transfer and under which mechanism (empty otherwise).
    transfer: String,
}

/// The customer's agreements as the letter names them: each document of a separate pair.
pub fn documents_named(ws: &Workspace, customer: &Vendor) -> String {
    let docs = ws.documents_of(&customer.id);
    let names: Vec<&str> = docs
        .iter()
        .map(|id| match crate::side::split_id(id) {
            Some((_, crate::model::DocumentKind::Ccpa)) if docs.len() > 1 => "the CCPA Addendum",
            _ => "the Data Processing Addendum",
        })
        .collect();
    and_list(&names)
}

/// What the notice states about transfers, as the GDPR terms require of every notice: for each
/// origin of the customer's European data, whether processing in the sub-processor's countries
/// is a Restricted Transfer and, if so, the mechanism that will apply. Empty for a customer
/// without European data.
pub fn transfer_statement(
    company: &crate::model::Company,
    customer: &Vendor,
    sub: &OurSubprocessor,
) -> String {
    use crate::model::country::Origin;
    let mut origins: Vec<Origin> = customer
        .processing
        .regions
        .iter()
        .filter_map(|r| country::region_origin(r))
        .collect();
    origins.dedup();
    if origins.is_empty() {
        return String::new();
    }
    let countries: Vec<&str> = std::iter::once(sub.listed.country.as_str())
        .chain(sub.listed.also_in.iter().map(String::as_str))
        .collect();
    let named = |codes: &[&str]| {
        let names: Vec<String> = codes.iter().map(|c| country::name_in_text(c)).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        and_list(&refs)
    };
    let restricted: Vec<&str> = countries
        .iter()
        .copied()
        .filter(|c| origins.iter().any(|o| !country::adequate(*o, c, false)))
        .collect();
    if restricted.is_empty() {
        return format!(
            "The Sub-processor will process Covered Personal Data in {}, which the data may reach without further safeguards (within the European Economic Area or under an adequacy decision): this is not a Restricted Transfer, and no transfer mechanism is needed.",
            named(&countries)
        );
    }
    let mut mechanism = "the standard contractual clauses adopted by the European Commission (Module Three: processor to processor)".to_string();
    if origins.contains(&Origin::Uk) {
        mechanism.push_str(
            ", with the UK International Data Transfer Addendum for data from the United Kingdom",
        );
    }
    if origins.contains(&Origin::Ch) {
        mechanism.push_str(", adapted for transfers under the Swiss Federal Act on Data Protection for data from Switzerland");
    }
    format!(
        "Processing in {} is a Restricted Transfer. It will be made under {mechanism}, concluded between {} and the Sub-processor before the Sub-processor first processes Covered Personal Data.",
        named(&restricted),
        company.short_name
    )
}

/// The document fields the shared prelude reads.
#[derive(Serialize)]
struct LetterDoc<'a> {
    paper: &'a str,
    id: String,
    version: String,
}

/// What [`write()`] wrote.
#[derive(Debug, Default)]
pub struct Written {
    /// Letters written, relative to the workspace or as given.
    pub letters: Vec<String>,
    /// The recipients file.
    pub recipients: String,
    /// The rows the letters were written for, with deadlines counted from the letters' date.
    pub rows: Vec<NoticeRow>,
}

/// `A`, `A and B`, `A, B and C`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The rows still to be told (or asked) as of `date`, with deadlines counted as if the notice
/// went out that day; `only` limits them to those customers.
fn due(
    ws: &Workspace,
    customers: &[Vendor],
    subs: &[&OurSubprocessor],
    date: NaiveDate,
    only: &[String],
) -> Vec<NoticeRow> {
    let by_id: HashMap<&str, &Vendor> = customers.iter().map(|c| (c.id.as_str(), c)).collect();
    rows(ws, customers, subs, date)
        .into_iter()
        .filter(|r| matches!(r.plan.standing, Standing::ToSend | Standing::Late))
        .filter(|r| only.is_empty() || only.contains(&r.customer))
        .filter_map(|row| {
            let customer = by_id.get(row.customer.as_str())?;
            let mut terms = side::terms(&ws.company, customer, &row.subprocessor);
            terms.recorded.sent_on = Some(date);
            Some(NoticeRow {
                plan: notices::plan(row.effective, &terms, date),
                ..row
            })
        })
        .collect()
}

/// Writes, dated `date`, a letter PDF per customer still to be told (or asked) of `subs` into
/// `out`, and a `recipients.csv` beside them. Nothing is recorded: writing a letter is not
/// sending it ([`record_sent`] records that).
pub fn write(
    ws: &Workspace,
    customers: &[Vendor],
    subs: &[&OurSubprocessor],
    date: NaiveDate,
    out: &std::path::Path,
    diags: &mut Diagnostics,
) -> Result<Written, Error> {
    let by_id: HashMap<&str, &Vendor> = customers.iter().map(|c| (c.id.as_str(), c)).collect();
    let renderer = Renderer::new(Some(ws.root.clone()));
    let mut pdfs = Vec::new();
    let mut written = Vec::new();
    for row in due(ws, customers, subs, date, &[]) {
        let (Some(customer), Some(sub)) = (
            by_id.get(row.customer.as_str()),
            subs.iter().find(|s| s.listed.name == row.subprocessor),
        ) else {
            continue;
        };
        let source = match letter_source(ws, customer, sub, &row, date) {
            Ok(s) => s,
            Err(d) => {
                diags.push(d);
                return Err(Error::Invalid(diags.error_count()));
            }
        };
        let name = format!("{}-{}.typ", customer.id, slug(&sub.listed.name));
        let settings = PdfSettings {
            archival: false,
            timestamp: creation_date(date),
            ident: format!("SPN-{}", customer.id),
        };
        match renderer.render(&name, source, &settings) {
            Ok(r) => pdfs.push((name.replace(".typ", ".pdf"), r.pdf)),
            Err(errors) => {
                diags.extend(errors);
                return Err(Error::Invalid(diags.error_count()));
            }
        }
        written.push(row);
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut result = Written::default();
    for (name, pdf) in &pdfs {
        let path = out.join(name);
        write_atomic(&path, pdf)?;
        result.letters.push(display_path(&ws.root, &path));
    }
    let mut csv = String::from(
        "customer,name,contact_name,contact_email,duty,subprocessor,effective,letter_date,late,first_lawful,objection_deadline,joins_from,letter\n",
    );
    for (row, (name, _)) in written.iter().zip(&pdfs) {
        let p = &row.plan;
        let fields = [
            row.customer.clone(),
            row.name.clone(),
            row.contact_name.clone(),
            row.contact_email.clone(),
            match p.duty {
                Duty::Notice => "notice".into(),
                Duty::Consent => "consent".into(),
            },
            row.subprocessor.clone(),
            row.effective.to_string(),
            date.to_string(),
            if p.late { "yes" } else { "no" }.into(),
            p.first_lawful.to_string(),
            p.objection_deadline
                .map(|d| d.to_string())
                .unwrap_or_default(),
            p.joins_from.map(|d| d.to_string()).unwrap_or_default(),
            name.clone(),
        ];
        let fields: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        csv.push_str(&fields.join(","));
        csv.push('\n');
    }
    let recipients = out.join("recipients.csv");
    write_atomic(&recipients, csv.as_bytes())?;
    result.recipients = display_path(&ws.root, &recipients);
    result.rows = written;
    Ok(result)
}

/// What [`record_sent`] recorded.
#[derive(Debug, Default)]
pub struct SentRecord {
    /// The notices recorded as sent, with deadlines counted from the sending date.
    pub rows: Vec<NoticeRow>,
    /// The commit of the customer records; `None` when no notice was due.
    pub committed: Option<Committed>,
}

/// Records in each customer's record that the notice (or request for consent) of `subs` still
/// due was sent on `date` (to the customers in `only`, or all when it is empty), and commits
/// those records in one commit.
pub fn record_sent(
    ws: &Workspace,
    store: &Store,
    customers: &[Vendor],
    subs: &[&OurSubprocessor],
    date: NaiveDate,
    only: &[String],
) -> Result<SentRecord, Error> {
    for id in only {
        if !customers.iter().any(|c| &c.id == id) {
            return Err(Error::Usage(format!("no customer `{id}` in customers/")));
        }
    }
    let sent_rows = due(ws, customers, subs, date, only);
    let mut result = SentRecord::default();
    if sent_rows.is_empty() {
        return Ok(result);
    }
    let by_id: HashMap<&str, &Vendor> = customers.iter().map(|c| (c.id.as_str(), c)).collect();
    // One edit per customer record, with every notice sent to it.
    let mut by_customer: Vec<(&Vendor, Vec<&str>)> = Vec::new();
    for row in &sent_rows {
        let Some(c) = by_id.get(row.customer.as_str()) else {
            continue;
        };
        match by_customer.iter_mut().find(|(v, _)| v.id == c.id) {
            Some((_, names)) => names.push(&row.subprocessor),
            None => by_customer.push((c, vec![&row.subprocessor])),
        }
    }
    let mut edited = Vec::new();
    for (c, names) in &by_customer {
        edited.push(store.edited(&c.file, |text| {
            names.iter().try_fold(text.to_string(), |t, n| {
                edit::record(&t, n, edit::Event::Sent(date))
            })
        })?);
    }
    let mut names: Vec<&str> = sent_rows.iter().map(|r| r.subprocessor.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let n = by_customer.len();
    let mut message = format!(
        "dpa: notice of sub-processor {} to {n} customer{}\n\n",
        and_list(&names),
        if n == 1 { "" } else { "s" }
    );
    for s in subs
        .iter()
        .filter(|s| names.contains(&s.listed.name.as_str()))
    {
        if let Some(e) = s.effective {
            message.push_str(&format!(
                "Sub-processor: {} (effective {e})\n",
                s.listed.name
            ));
        }
    }
    message.push_str(&format!("Sent: {date}\n"));
    for (c, _) in &by_customer {
        message.push_str(&format!("Customer: {} ({})\n", c.id, c.name));
    }
    result.committed = Some(store.commit_edited(edited, Vec::new(), &message)?);
    result.rows = sent_rows;
    Ok(result)
}

/// Records an objection or a consent of one customer to one sub-processor in its record, and
/// commits that change.
pub fn record(
    store: &Store,
    customer: &Vendor,
    subprocessor: &str,
    event: edit::Event,
) -> Result<Committed, Error> {
    let edited = store
        .edited(&customer.file, |text| {
            edit::record(text, subprocessor, event)
        })
        .map_err(|e| match e {
            crate::store::StoreError::BadRecord(m) => Error::Usage(format!("cannot edit {m}")),
            other => other.into(),
        })?;
    let (what, key, on) = match event {
        edit::Event::Sent(d) => ("notice", "Sent", d),
        edit::Event::Objected(d) => ("objection", "Objected", d),
        edit::Event::Consented(d) => ("consent", "Consented", d),
        edit::Event::Refused(d) => ("refusal", "Refused", d),
    };
    let message = format!(
        "dpa: {what} of {} to sub-processor {subprocessor}\n\nCustomer: {} ({})\nSub-processor: {subprocessor}\n{key}: {on}\n",
        customer.id, customer.id, customer.name
    );
    Ok(store.commit_edited(vec![edited], Vec::new(), &message)?)
}

/// Adds an intended sub-processor to `dpa.toml` and commits that change; the edited file must
/// still load (its problems are reported in `diags`, and nothing is written or committed).
pub fn add(
    ws: &Workspace,
    store: &Store,
    intended: &edit::Intended,
    diags: &mut Diagnostics,
) -> Result<Option<Committed>, Error> {
    let path = ws.root.join(COMPANY_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let edited = edit::add_subprocessor(&text, intended).map_err(Error::Usage)?;
    let file = display_path(&ws.root, &path);
    if crate::model::company::load(&file, &edited, diags).is_none() {
        return Ok(None);
    }
    let edited = store.edited(COMPANY_FILE, |t| edit::add_subprocessor(t, intended))?;
    let replacing = intended
        .replaces
        .as_ref()
        .map(|old| format!(", replacing {old}"))
        .unwrap_or_default();
    let mut message = format!(
        "dpa: intended sub-processor {}{replacing}, effective {}\n\nSub-processor: {} ({})\nPurpose: {}\nEffective: {}\n",
        intended.name,
        intended.effective,
        intended.name,
        intended.country,
        intended.purpose,
        intended.effective
    );
    if let Some(old) = &intended.replaces {
        message.push_str(&format!("Replaces: {old}\n"));
    }
    Ok(Some(store.commit_edited(
        vec![edited],
        Vec::new(),
        &message,
    )?))
}

/// Removes sub-processor `name` from `dpa.toml` and commits that change; the edited file must
/// still load (its problems are reported in `diags`, and nothing is written or committed).
pub fn remove(
    ws: &Workspace,
    store: &Store,
    name: &str,
    diags: &mut Diagnostics,
) -> Result<Option<Committed>, Error> {
    let path = ws.root.join(COMPANY_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let edited = edit::remove_subprocessor(&text, name).map_err(Error::Usage)?;
    let file = display_path(&ws.root, &path);
    if crate::model::company::load(&file, &edited, diags).is_none() {
        return Ok(None);
    }
    let edited = store.edited(COMPANY_FILE, |t| edit::remove_subprocessor(t, name))?;
    let message = format!("dpa: sub-processor {name} removed\n\nRemoved: {name}\n");
    Ok(Some(store.commit_edited(
        vec![edited],
        Vec::new(),
        &message,
    )?))
}

/// A file-name form of a name: `Vectorline AI Ltd` -> `vectorline-ai-ltd`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "subprocessor".into()
    } else {
        out
    }
}
