//! The pipeline as library calls: what a front end (the command line, a web page, an editor
//! plugin) asks of a workspace, each returning data for the front end to format.

pub mod check;
pub mod library_diff;

pub use check::{CheckOptions, CheckReport, check};
pub use library_diff::{LibraryDiff, library_diff};
