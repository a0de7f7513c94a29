//! Helpers shared by several commands: arguments, the counterparties a command applies to, and
//! committing an event in a counterparty's record.

use chrono::NaiveDate;

use crate::diag::Diagnostics;
use crate::error::Error;
use crate::store::{Change, Store};
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
/// files under `message` ([`agreements::commit`]); notes when the record was not in git yet or
/// keeps other uncommitted changes. Returns the commit's short id, for the command's result line.
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
    if done.first_commit {
        ctx.note(&format!(
            "note: {file} was not in git before; it was committed whole"
        ));
    } else if done.other_changes {
        ctx.note(&format!(
            "note: {file} has other changes that are not committed; only the [[agreements]] entry was committed"
        ));
    }
    Ok(done.commit.to_string()[..10].to_string())
}
