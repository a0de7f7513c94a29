//! Helpers shared by several commands: arguments, the counterparties a command applies to, and
//! committing an event in a counterparty's record.

use chrono::NaiveDate;

use dpa::diag::Diagnostics;
use dpa::error::Error;
use dpa::store::remote::Sharing;
use dpa::store::{Change, Committed, Store, StoreError};
use dpa::track::agreements::{self, Entry, Event};
use dpa::workspace::Workspace;

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
///
/// With an upstream, the remote is checked first ([`Store::check_remote`]) and the commit pushed
/// after ([`share`]); an event about a provisional version (recorded offline) is refused.
pub fn commit_event(
    ctx: &Ctx,
    store: &Store,
    file: &str,
    entry: &Entry,
    event: &Event,
    extra: Vec<Change>,
    message: &str,
) -> Result<String, Error> {
    let sharing = check_remote(ctx, store)?;
    if let Entry::Version(v) = entry {
        let stem = std::path::Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ids = [stem.clone(), format!("{stem}-ccpa"), format!("{stem}-gdpr")];
        if let Some(p) = store
            .provisional()?
            .into_keys()
            .find(|p| p.version == *v && ids.contains(&p.id))
        {
            return Err(StoreError::Provisional {
                id: p.id,
                version: p.version,
                what: match event {
                    Event::Sent { .. } => "sent for signature".into(),
                    _ => "recorded as signed".into(),
                },
            }
            .into());
        }
    }
    let done = agreements::commit(store, file, entry, event, extra, message)?;
    report_commit(ctx, &done, "the [[agreements]] entry");
    share(ctx, store, &sharing);
    Ok(done.short())
}

/// Checks the team's remote before a command writes (see [`Store::check_remote`]): refuses when
/// the branch is behind or has diverged from its upstream; `--offline` skips it.
pub fn check_remote(ctx: &Ctx, store: &Store) -> Result<Sharing, Error> {
    Ok(store.check_remote(ctx.offline)?)
}

/// After a commit: pushes the branch to its upstream when online, so the team sees it; a push
/// the remote refuses leaves the commit here, with a note saying what to run.
pub fn share(ctx: &Ctx, store: &Store, sharing: &Sharing) {
    match sharing {
        Sharing::Solo => {}
        Sharing::Offline(up) => ctx.note(&format!(
            "note: offline: the commit is not on {} yet; run `dpa sync` when back online",
            up.short()
        )),
        Sharing::Online(up) => {
            if let Err(e) = store.publish(up, store.tracking_tip(up), &[]) {
                ctx.note(&format!(
                    "warning: the commit stays here, not pushed: {e}\n  hint: run `dpa sync`"
                ));
            }
        }
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
