//! The processor side's sub-processor changes as front ends ask for them: record an intended
//! one ([`add`]), list and send the notices each customer is owed ([`notices()`]), record an
//! objection or a consent under the customer's authorisation ([`answer`]). Each commit checks
//! the team's remote first and pushes after.

use std::path::Path;

use chrono::NaiveDate;

use crate::diag::Diagnostics;
use crate::error::Error;
use crate::model::country;
use crate::notices::edit;
use crate::store::{Committed, RecordLock, Store};
use crate::workspace::Workspace;

use super::event::{Pushed, share};
use super::notices::{self, NoticeRow, Written};

/// How long a command waits for another one recording in the same workspace.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(120);

/// A commit of the company's or customers' records, and what the team's remote made of it.
#[derive(Debug)]
pub struct Recorded {
    /// The commit, with what it left out.
    pub committed: Committed,
    /// Whether the team's remote has it.
    pub pushed: Pushed,
}

/// The workspace's repository, with an identity to commit as: checked before anything is
/// written, like `sign` and `record`.
fn open_store(ws: &Workspace) -> Result<Store, Error> {
    let store = Store::open(&ws.root)?;
    store.signature()?;
    Ok(store)
}

/// Records an intended sub-processor in dpa.toml and commits it. `Ok(None)` when the edited
/// dpa.toml would not load (its problems in `diags`; nothing written).
pub fn add(
    ws: &Workspace,
    diags: &mut Diagnostics,
    offline: bool,
    intended: &edit::Intended,
) -> Result<Option<Recorded>, Error> {
    notices::require_processor_side(ws)?;
    if !country::is_known(&intended.country) {
        return Err(Error::Usage(format!(
            "`{}` is not an ISO 3166-1 alpha-2 country code",
            intended.country
        )));
    }
    let store = open_store(ws)?;
    let _lock = RecordLock::acquire(&store, LOCK_WAIT)?;
    let sharing = store.check_remote(offline)?;
    let Some(committed) = notices::add(ws, &store, intended, diags)? else {
        return Ok(None);
    };
    let pushed = share(&store, &sharing);
    Ok(Some(Recorded { committed, pushed }))
}

/// Removes sub-processor `name` from dpa.toml and commits it: it leaves every customer's
/// Annex III (a removal needs no notice). `Ok(None)` when the edited dpa.toml would not load.
pub fn remove(
    ws: &Workspace,
    diags: &mut Diagnostics,
    offline: bool,
    name: &str,
) -> Result<Option<Recorded>, Error> {
    notices::require_processor_side(ws)?;
    let store = open_store(ws)?;
    let _lock = RecordLock::acquire(&store, LOCK_WAIT)?;
    let sharing = store.check_remote(offline)?;
    let Some(committed) = notices::remove(ws, &store, name, diags)? else {
        return Ok(None);
    };
    let pushed = share(&store, &sharing);
    Ok(Some(Recorded { committed, pushed }))
}

/// What [`notices()`] found and wrote.
#[derive(Debug)]
pub struct Notices {
    /// Every customer to tell of each intended sub-processor, as of the date.
    pub rows: Vec<NoticeRow>,
    /// The letters written, when asked to.
    pub written: Option<Written>,
}

/// The intended sub-processors (or `name` only) and every customer record; a customer record
/// with errors is an error ([`Error::Invalid`], problems in `diags`): a customer left out would
/// be a customer never told.
fn subs_and_customers<'w>(
    ws: &'w Workspace,
    diags: &mut Diagnostics,
    name: Option<&str>,
) -> Result<
    (
        Vec<&'w crate::model::OurSubprocessor>,
        Vec<crate::model::Vendor>,
    ),
    Error,
> {
    notices::require_processor_side(ws)?;
    let subs = notices::intended(ws, name)?;
    let customers = notices::customers(ws, diags);
    if diags.has_errors() {
        return Err(Error::Invalid(diags.error_count()));
    }
    Ok((subs, customers))
}

/// Lists every customer to tell of each intended sub-processor (or of `name` only) as of
/// `as_of`; with `write`, also writes the letters due, dated `as_of`, into that folder. Writing
/// records nothing: [`sent`] records the letters as sent.
pub fn notices(
    ws: &Workspace,
    diags: &mut Diagnostics,
    name: Option<&str>,
    as_of: NaiveDate,
    write: Option<&Path>,
) -> Result<Notices, Error> {
    let (subs, customers) = subs_and_customers(ws, diags, name)?;
    let written = match write {
        Some(dir) => Some(notices::write(ws, &customers, &subs, as_of, dir, diags)?),
        None => None,
    };
    Ok(Notices {
        rows: notices::rows(ws, &customers, &subs, as_of),
        written,
    })
}

/// What [`sent`] recorded.
#[derive(Debug)]
pub struct Sent {
    /// The notices recorded, with deadlines counted from the sending date.
    pub rows: Vec<NoticeRow>,
    /// The commit and the remote's answer; `None` when no notice was due.
    pub recorded: Option<Recorded>,
}

/// Records that the notices (or requests for consent) still due for the intended
/// sub-processors (or `name` only) were sent on `date`, to the customers in `only` (all when
/// empty), and commits the customer records in one commit.
pub fn sent(
    ws: &Workspace,
    diags: &mut Diagnostics,
    offline: bool,
    name: Option<&str>,
    date: NaiveDate,
    only: &[String],
) -> Result<Sent, Error> {
    let (subs, customers) = subs_and_customers(ws, diags, name)?;
    let store = open_store(ws)?;
    let _lock = RecordLock::acquire(&store, LOCK_WAIT)?;
    let sharing = store.check_remote(offline)?;
    let done = notices::record_sent(ws, &store, &customers, &subs, date, only)?;
    let recorded = done.committed.map(|committed| Recorded {
        committed,
        pushed: share(&store, &sharing),
    });
    Ok(Sent {
        rows: done.rows,
        recorded,
    })
}

/// A customer's answer to an intended sub-processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// An objection: for a customer on general authorisation, which is notified.
    Objection,
    /// A consent: for a customer on specific authorisation, which is asked.
    Consent,
    /// A refusal: a customer on specific authorisation declines to authorise it.
    Refusal,
}

/// What [`answer`] recorded.
#[derive(Debug)]
pub struct Answered {
    /// The customer's record file.
    pub file: String,
    /// The date recorded.
    pub on: NaiveDate,
    /// The commit.
    pub recorded: Recorded,
    /// For an objection after the objection period: the day the period ended (the objection
    /// does not keep the sub-processor out of the customer's Annex III).
    pub late: Option<NaiveDate>,
    /// Whether a refusal was recorded (also for `object` under specific authorisation).
    pub refused: bool,
}

/// Records a customer's objection to, or consent of, the intended sub-processor `name` on
/// `date` (today by default), and commits it; refused when the customer's authorisation does
/// not call for that answer. `Err(Error::Invalid)` when the customer's record has errors (in
/// `diags`).
pub fn answer(
    ws: &Workspace,
    diags: &mut Diagnostics,
    offline: bool,
    customer: &str,
    name: &str,
    date: Option<NaiveDate>,
    answer: Answer,
) -> Result<Answered, Error> {
    notices::require_processor_side(ws)?;
    let Some(record) = ws.load_vendor(customer, diags) else {
        return Err(Error::Invalid(diags.error_count().max(1)));
    };
    let subs = notices::intended(ws, Some(name))?;
    let date = date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let specific = crate::side::specific(&ws.company, &record);
    let event = match (answer, specific) {
        // Under specific authorisation an objection is a refusal of the consent asked.
        (Answer::Objection | Answer::Refusal, true) => edit::Event::Refused(date),
        (Answer::Refusal, false) => {
            return Err(Error::Usage(format!(
                "`{customer}` is on general authorisation: it is notified and may object (`dpa subprocessors object`); there is no consent to refuse"
            )));
        }
        (Answer::Consent, false) => {
            return Err(Error::Usage(format!(
                "`{customer}` is on general authorisation: it is notified and may object (`dpa subprocessors object`); consent is not asked"
            )));
        }
        (Answer::Objection, false) => edit::Event::Objected(date),
        (Answer::Consent, true) => edit::Event::Consented(date),
    };
    let store = open_store(ws)?;
    let _lock = RecordLock::acquire(&store, LOCK_WAIT)?;
    let sharing = store.check_remote(offline)?;
    let committed = notices::record(&store, &record, name, event)?;
    let pushed = share(&store, &sharing);
    let mut late = None;
    if answer == Answer::Objection
        && !specific
        && let Some(s) = subs.first()
        && let Some(effective) = s.effective
    {
        let terms = crate::side::terms(&ws.company, &record, name);
        let plan = crate::notices::plan(effective, &terms, date);
        if let Some(deadline) = plan.objection_deadline
            && terms.recorded.sent_on.is_some()
            && date > deadline
        {
            late = Some(deadline);
        }
    }
    Ok(Answered {
        file: record.file.clone(),
        on: date,
        recorded: Recorded { committed, pushed },
        late,
        refused: matches!(event, edit::Event::Refused(_)),
    })
}
