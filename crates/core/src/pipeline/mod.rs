//! The pipeline as library calls: every command of a front end (the command line, a web
//! page, an editor plugin) is one call here, returning typed data for the front end to
//! format: coverage ([`check()`]), the tracker ([`status()`]), rendering many agreements,
//! incrementally, on threads ([`render`]) or in worker processes ([`render_workers`]), a
//! review ([`review()`]), diffs of documents and versions ([`compare`]) and of the library
//! ([`library_diff()`]), issuing versions into git ([`issue`]) and listing them ([`log()`]),
//! what happened to an agreement ([`signing`], [`verify_signed`]), the processor side's
//! sub-processor changes ([`subprocessors`]), sharing the workspace with the team's remote
//! ([`sync`]), rendering one agreement again on every save ([`watch`]), and a new workspace
//! ([`init()`]), its ejected library ([`eject()`]) and imported records ([`import()`]).

pub mod check;
pub mod compare;
pub mod confirm;
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
pub mod subprocessor_guard;
pub mod subprocessors;
pub mod sync;
pub mod tags;
pub mod verify;
pub mod verify_signed;
pub mod watch;

pub use check::{CheckOptions, CheckReport, check};
pub use compare::{diff_documents, diff_issued, diff_returned};
pub use confirm::confirm;
pub use eject::eject;
pub use import::import;
pub use init::init;
pub use library_diff::{LibraryDiff, library_diff};
pub use log::log;
pub use review::review;
pub use signing::{accept, send, sign, sign_document};
pub use status::status;
pub use verify_signed::verify;
