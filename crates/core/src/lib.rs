//! `dpa`: Data Processing Addendums from TOML records, a Markdown clause library and Typst templates.
//!
//! The pipeline runs `model` (records) -> `library` (clauses, requirements) -> `select`
//! (frameworks and clauses for a vendor) -> `assemble` (Typst source) -> `render` (PDF),
//! orchestrated by `pipeline` over a loaded `workspace`. Documents are read and compared by the
//! `dpa-text` crate, re-exported here as [`documents`] and [`diff`]; the `dpa` binary (the
//! workspace root) is the command-line front end.

// Diagnostics travel in `Err` on cold paths only; boxing them would buy nothing.
#![allow(clippy::result_large_err)]

pub mod assemble;
pub mod diag;
pub mod error;
pub mod files;
pub mod import;
pub mod library;
pub mod manifest;
pub mod model;
pub mod notices;
pub mod pipeline;
pub mod proofread;
pub mod render;
pub mod review;
pub mod select;
pub mod side;
pub mod store;
pub mod track;
pub mod workspace;

pub use dpa_text::{diff, documents, escape, numerals};

/// Files compiled into the binary: the clause library, templates and data.
pub mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}
