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
    Document(#[from] crate::documents::DocError),
    /// JSON could not be produced or read.
    #[error("{context}: {source}")]
    Json {
        /// What was being read or written.
        context: String,
        /// The underlying cause.
        #[source]
        source: serde_json::Error,
    },
}

impl Error {
    /// An io error on `path`.
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The exit code this error maps to: 2 for bad input or usage.
    pub fn exit_code(&self) -> u8 {
        2
    }
}
