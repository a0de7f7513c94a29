//! Failures of the environment (files, git, the compiler), as opposed to mistakes in the user's files.

use std::path::{Path, PathBuf};

/// An error that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The underlying cause.
        #[source]
        source: std::io::Error,
    },
    /// The user's files have errors; they were already reported as diagnostics.
    #[error("{0} error(s) in the workspace")]
    Invalid(usize),
    /// The command was used wrongly.
    #[error("{0}")]
    Usage(String),
    /// A document to compare or review could not be read as clauses.
    #[error("{0}")]
    Document(#[from] DocError),
    /// JSON could not be produced or read.
    #[error("{context}: {source}")]
    Json {
        /// What was being read or written.
        context: String,
        /// The underlying cause.
        #[source]
        source: serde_json::Error,
    },
    /// The git repository could not be read or written.
    #[error(transparent)]
    Store(Box<StoreError>),
    /// Worker threads could not be started.
    #[error("cannot start worker threads")]
    ThreadPool(#[source] rayon::ThreadPoolBuildError),
    /// A worker process could not be started.
    #[error("cannot start a worker process")]
    Worker(#[source] std::io::Error),
    /// A Word document could not be written.
    #[error("{what}: cannot write the Word document: {reason}")]
    DocxWrite {
        /// The vendor or file concerned.
        what: String,
        /// Why.
        reason: String,
    },
    /// Files could not be watched for changes.
    #[error("{path}: cannot watch for changes: {reason}")]
    Watch {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Standard output was closed by its reader (for example `| head`); not a failure.
    #[error("standard output was closed")]
    ClosedPipe,
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Io(e) => e,
            other => Error::Store(Box::new(other)),
        }
    }
}

impl From<git2::Error> for Error {
    fn from(e: git2::Error) -> Self {
        Error::Store(Box::new(StoreError::Git(e)))
    }
}

impl Error {
    /// An io error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The exit code this error maps to: 0 for a closed output pipe, 2 for everything else
    /// (bad input, bad usage, or an environment that failed).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::ClosedPipe => 0,
            _ => 2,
        }
    }
}

/// Why a git operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The workspace is not inside a git repository.
    #[error(
        "{0} is not inside a git repository\n  hint: run `dpa init` to create a workspace with a repository, or `git init`"
    )]
    NotARepository(PathBuf),
    /// The repository has no work tree.
    #[error("the repository has no work tree (it is bare)")]
    Bare,
    /// No user identity for commits.
    #[error(
        "git has no identity to sign commits with\n  hint: set one with `git config user.name \"Your Name\"` and `git config user.email you@example.com`"
    )]
    NoIdentity,
    /// A tag that should not exist does.
    #[error("tag {0} already exists; issued versions are never overwritten")]
    TagExists(String),
    /// Another process holds the index lock.
    #[error(
        "the git index is locked by another git process ({0} exists)\n  hint: wait for it to finish, or remove the lock file if no git process is running"
    )]
    IndexLocked(PathBuf),
    /// Another `dpa record` holds the lock for too long.
    #[error(
        "another `dpa record` is running in this repository ({0} exists); try again when it has finished"
    )]
    Locked(PathBuf),
    /// The branch moved while recording.
    #[error(
        "the branch moved while the version was being recorded (another `dpa record` or git command?); nothing was changed"
    )]
    Raced,
    /// The branch's upstream could not be reached.
    #[error(
        "cannot reach {upstream} ({url}): {reason}; nothing was written\n  hint: check the connection and try again, or pass --offline to work locally (a version recorded offline is provisional until `dpa sync` shares it)"
    )]
    Unreachable {
        /// `origin/main`.
        upstream: String,
        /// The remote's URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The branch is behind its upstream.
    #[error(
        "the branch is {behind} commit(s) behind {upstream}{}; nothing was written\n  hint: run `dpa sync` to bring them in, then run this command again",
        if theirs.is_empty() { String::new() } else { format!(", which has versions this workspace does not: {theirs}") }
    )]
    Behind {
        /// `origin/main`.
        upstream: String,
        /// Commits behind.
        behind: usize,
        /// The remote's versions not here.
        theirs: String,
    },
    /// The branch and its upstream have diverged.
    #[error(
        "the branch has diverged from {upstream}: {ahead} commit(s) here, {behind} there{}{}; nothing was written\n  hint: run `dpa sync` to merge them (records field by field; agreements regenerated), then run this command again",
        if theirs.is_empty() { String::new() } else { format!("; versions only on {upstream}: {theirs}") },
        if ours.is_empty() { String::new() } else { format!("; versions only here: {ours}") }
    )]
    Diverged {
        /// `origin/main`.
        upstream: String,
        /// Local commits the remote lacks.
        ahead: usize,
        /// Remote commits the branch lacks.
        behind: usize,
        /// The remote's versions not here.
        theirs: String,
        /// Versions here not on the remote.
        ours: String,
    },
    /// A version tag names different documents here and on the upstream.
    #[error(
        "{versions}: the same version number names a different document here and on {upstream}; nothing was written\n  hint: run `dpa sync`: a provisional version recorded offline is renumbered, the one on {upstream} keeps its number"
    )]
    TagsDiffer {
        /// `origin/main`.
        upstream: String,
        /// The versions.
        versions: String,
    },
    /// Provisional versions wait to be shared.
    #[error(
        "provisional versions recorded offline are not on {upstream} yet ({versions}); nothing was written\n  hint: run `dpa sync` to share them (renumbered if {upstream} has taken their numbers meanwhile)"
    )]
    ProvisionalPending {
        /// `origin/main`.
        upstream: String,
        /// The versions.
        versions: String,
    },
    /// A version is provisional and so cannot be sent or signed yet.
    #[error(
        "{id} v{version} was recorded offline and is provisional: its number may still change, so it cannot be {what} yet\n  hint: run `dpa sync` to share it; it keeps or gets its final number there"
    )]
    Provisional {
        /// Vendor id.
        id: String,
        /// Version.
        version: u32,
        /// `sent`, `signed`.
        what: String,
    },
    /// The upstream refused a push.
    #[error("{upstream} refused the push ({reasons}); {left}")]
    PushRefused {
        /// `origin/main`.
        upstream: String,
        /// What it refused, and why.
        reasons: String,
        /// The state left behind.
        left: String,
    },
    /// `dpa sync` on a branch without an upstream.
    #[error(
        "the branch `{0}` has no upstream to sync with\n  hint: push it once with `git push -u origin {0}`, or set one with `git branch --set-upstream-to origin/{0}`"
    )]
    NoUpstream(String),
    /// A git merge is in progress.
    #[error(
        "a git merge is in progress{0}\n  hint: run `git merge --abort`, then `dpa sync`, which merges records field by field and regenerates agreements/; or resolve every file, `git add` it and `git commit`"
    )]
    MergeInProgress(String),
    /// Local changes stand in the way of bringing in the remote's.
    #[error(
        "these files have changes that are not committed, and {upstream} changed them too: {files}; nothing was written\n  hint: commit them (`git commit {files}`) or put them aside (`git stash`), then run `dpa sync` again"
    )]
    Uncommitted {
        /// `origin/main`.
        upstream: String,
        /// The files.
        files: String,
    },
    /// A version asked for was never issued.
    #[error("vendor `{vendor}` has no issued version {version}")]
    NoSuchVersion {
        /// Vendor id.
        vendor: String,
        /// Version asked for.
        version: u32,
    },
    /// A vendor record cannot be edited.
    #[error("{0}")]
    BadRecord(String),
    /// A manifest in git cannot be read.
    #[error("{0}")]
    BadManifest(String),
    /// libgit2 failed.
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    /// libgit2 failed on a named tag, commit or file (a corrupt or missing object).
    #[error("{at}: git: {source}")]
    GitAt {
        /// What was being read: a tag, or a file at a tag.
        at: String,
        /// The underlying cause.
        #[source]
        source: git2::Error,
    },
    /// Files could not be written.
    #[error(transparent)]
    Io(#[from] Error),
}

pub use dpa_text::documents::{DocError, DocErrorKind};
