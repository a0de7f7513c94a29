//! Committing a change to a counterparty's record: the team's remote checked first, the commit,
//! and the push after it. `send`, `sign`, `accept` and the sub-processor commands all commit
//! this way.

use crate::error::Error;
use crate::store::remote::Sharing;
use crate::store::{Change, Committed, Store, StoreError};
use crate::track::agreements::{self, Entry, Event, Recorded};

/// What became of a commit with the team's remote.
#[derive(Debug)]
pub enum Pushed {
    /// The workspace has no upstream: the commit stays here.
    Solo,
    /// `--offline`: the commit is not on the upstream (named, `origin/main`) yet.
    Offline(String),
    /// The commit was pushed to the upstream.
    Pushed,
    /// The remote refused the push; the commit stays here.
    Refused(StoreError),
}

/// A change committed to a record, and what the remote made of it.
#[derive(Debug)]
pub struct RecordCommit {
    /// The commit, with what it left out.
    pub committed: Committed,
    /// Whether the team's remote has it.
    pub pushed: Pushed,
}

impl RecordCommit {
    /// The commit id as printed.
    pub fn short(&self) -> String {
        self.committed.short()
    }
}

/// Pushes the branch to its upstream when online (see [`Store::check_remote`] for `sharing`),
/// so the team sees the commit just made; a push the remote refuses leaves it here.
pub fn share(store: &Store, sharing: &Sharing) -> Pushed {
    match sharing {
        Sharing::Solo => Pushed::Solo,
        Sharing::Offline(up) => Pushed::Offline(up.short()),
        Sharing::Online(up) => match store.publish(up, store.tracking_tip(up), &[]) {
            Ok(_) => Pushed::Pushed,
            Err(e) => Pushed::Refused(e),
        },
    }
}

/// Records `event` for `entry` in the counterparty record `file` and commits it with `extra`
/// files under `message` ([`agreements::commit`]).
///
/// With an upstream, the remote is checked first ([`Store::check_remote`]; `offline` skips it)
/// and the commit pushed after ([`share`]); an event about a provisional version (recorded
/// offline) is refused.
pub fn commit_event(
    store: &Store,
    offline: bool,
    file: &str,
    entry: &Entry,
    event: &Event,
    extra: Vec<Change>,
    message: &str,
) -> Result<RecordCommit, Error> {
    let sharing = store.check_remote(offline)?;
    if let Some(v) = entry.version() {
        let stem = std::path::Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ids = [stem.clone(), format!("{stem}-ccpa"), format!("{stem}-gdpr")];
        if let Some(p) = store
            .provisional()?
            .into_keys()
            .find(|p| p.version == v && ids.contains(&p.id))
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
    let committed = agreements::commit(store, file, entry, event, extra, message)?;
    let pushed = share(store, &sharing);
    Ok(RecordCommit { committed, pushed })
}

/// When and by whom (the git author) an agreement is entered now.
pub fn recorded_now(store: &Store) -> Result<Recorded, Error> {
    let sig = store.signature()?;
    let name = sig.name().unwrap_or_default();
    let by = match sig.email().ok().filter(|e| !e.is_empty()) {
        Some(email) => format!("{name} <{email}>"),
        None => name.to_string(),
    };
    Ok(Recorded {
        on: chrono::Local::now().date_naive(),
        by,
    })
}
