//! Helpers shared by several commands: arguments, the counterparties a command applies to, and
//! the notes printed after a commit of a counterparty's record.

use chrono::NaiveDate;

use dpa::diag::Diagnostics;
use dpa::pipeline::event::{Pushed, RecordCommit};
use dpa::store::Committed;
use dpa::workspace::Workspace;

use super::Ctx;

/// Parses a YYYY-MM-DD date argument.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date: write YYYY-MM-DD"))
}

/// Which agreements a command applies to: the ones named (a customer with separate documents
/// stands for both), or all with `--all`.
pub fn vendor_ids(
    ws: &Workspace,
    named: &[String],
    all: bool,
    diags: &mut Diagnostics,
) -> Vec<String> {
    if all {
        ws.vendor_ids(diags)
    } else {
        named.iter().flat_map(|id| ws.documents_of(id)).collect()
    }
}

/// Notes what a commit of a record left out and what the team's remote made of it, on stderr.
pub fn report_record_commit(ctx: &Ctx, done: &RecordCommit, what: &str) {
    report_commit(ctx, &done.committed, what);
    report_pushed(ctx, &done.pushed);
}

/// Notes a commit that is not on the team's remote: made offline, or refused by the remote.
pub fn report_pushed(ctx: &Ctx, pushed: &Pushed) {
    match pushed {
        Pushed::Solo | Pushed::Pushed => {}
        Pushed::Offline(up) => ctx.note(&format!(
            "note: offline: the commit is not on {up} yet; run `dpa sync` when back online"
        )),
        Pushed::Refused(e) => ctx.note(&format!(
            "warning: the commit stays here, not pushed: {e}\n  hint: run `dpa sync`"
        )),
    }
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
