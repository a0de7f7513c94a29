//! `dpa`: Data Processing Addendums from TOML records, a Markdown clause library and Typst templates.
//!
//! The pipeline runs `model` (records) -> `library` (clauses, requirements) -> `select`
//! (frameworks and clauses for a vendor) -> `assemble` (Typst source) -> `render` (PDF),
//! orchestrated by `workspace`; `cli` is the command-line front end.

// Diagnostics travel in `Err` on cold paths only; boxing them would buy nothing.
#![allow(clippy::result_large_err)]

pub mod assemble;
pub mod cli;
pub mod diag;
pub mod diff;
pub mod documents;
pub mod docx;
pub mod error;
pub mod escape;
pub mod files;
pub mod import;
pub mod library;
pub mod manifest;
pub mod model;
pub mod notices;
pub mod numerals;
pub mod pipeline;
pub mod read;
pub mod render;
pub mod review;
pub mod select;
pub mod side;
pub mod store;
pub mod track;
pub mod workspace;

/// Files compiled into the binary: the clause library, templates and data.
pub mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}
