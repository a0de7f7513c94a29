//! The integration tests: one binary that runs the real `dpa` against fixture workspaces.

mod common;

mod as_of;
mod browser;
mod checkapi;
mod coverage;
mod diffout;
mod difftrust;
mod docx;
mod drafting;
mod errors;
mod escaping;
mod fuzz;
mod import;
mod incremental;
mod layering;
mod librarydiff;
mod malformed;
mod messages;
mod processor;
mod render;
mod review;
mod sandbox;
mod separate;
mod signatory;
mod snapshots;
mod state_terms;
mod store;
mod subprocessor_commits;
mod team;
mod track;
mod transfers;
mod vendorpaper;
mod watch;
mod wordout;
