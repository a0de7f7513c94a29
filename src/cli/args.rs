//! Helpers shared by several commands: arguments, the counterparties a command applies to, and
//! committing an event in a counterparty's record.

use chrono::NaiveDate;

use crate::diag::Diagnostics;
use crate::error::Error;
use crate::store::{Change, Committed, Store};
use crate::track::agreements::{self, Entry, Event};
use crate::workspace::Workspace;

use super::Ctx;

/// Parses a YYYY-MM-DD date argument.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write YYYY-MM-DD"))
}

/// Which counterparties a command applies to: the ones named, or all with `--all`.
pub fn vendor_ids(
    ws: &Workspace,
    named: &[String],
    all: bool,
    diags: &mut Diagnostics,
) -> Vec<String> {
    if all {
        ws.vendor_ids(diags)
    } else {
        named.to_vec()
    }
}

/// Records `event` for `entry` in the counterparty record `file` and commits it with `extra`
/// files under `message` ([`agreements::commit`]), noting what the commit left out (see
/// [`report_commit`]). Returns the commit's short id, for the command's result line.
pub fn commit_event(
    ctx: &Ctx,
    store: &Store,
    file: &str,
    entry: &Entry,
    event: &Event,
    extra: Vec<Change>,
    message: &str,
) -> Result<String, Error> {
    let done = agreements::commit(store, file, entry, event, extra, message)?;
    report_commit(ctx, &done, "the [[agreements]] entry");
    Ok(done.short())
}

/// Notes how a commit of edited records differs from their files: a record new to git was
/// committed whole; one with other uncommitted edits keeps them, and only `what` was committed.
pub fn report_commit(ctx: &Ctx, done: &Committed, what: &str) {
    for file in &done.first_commit {
        ctx.note(&format!(
            "note: {file} was not in git before; it was committed whole"
        ));
    }
    for file in &done.other_changes {
        ctx.note(&format!(
            "note: {file} has other changes that are not committed; only {what} was committed"
        ));
    }
}
