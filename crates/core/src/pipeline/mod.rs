//! The pipeline as library calls: what a front end (the command line, a web page, an editor
//! plugin) asks of a workspace, each returning data for the front end to format: coverage
//! ([`check()`]), the library diff ([`library_diff()`]), rendering many agreements, incrementally
//! and in parallel ([`render`]), issuing a version into git ([`issue`]), sharing the workspace with the team's remote
//! ([`sync`]), and rendering one agreement again on every save ([`watch`]).

pub mod check;
pub mod compare;
pub mod eject;
pub mod event;
pub mod import;
pub mod init;
pub mod issue;
pub mod library_diff;
pub mod log;
pub mod notices;
pub mod page;
pub mod render;
pub mod render_workers;
pub mod review;
pub mod signing;
pub mod status;
pub mod subprocessors;
pub mod sync;
pub mod tags;
pub mod verify;
pub mod verify_signed;
pub mod watch;

pub use check::{CheckOptions, CheckReport, check};
pub use compare::{diff_documents, diff_issued, diff_returned};
pub use eject::eject;
pub use import::import;
pub use init::init;
pub use library_diff::{LibraryDiff, library_diff};
pub use log::log;
pub use review::review;
pub use signing::{accept, send, sign, sign_document};
pub use status::status;
pub use verify_signed::verify;
