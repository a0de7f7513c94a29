//! `dpa-text`: documents from anywhere read as clauses, and two versions compared clause by clause.
//!
//! [`documents`] is the one way in for untrusted files (Markdown, HTML, DOCX, PDF, plain text): it
//! sniffs the format by content and parses in a sandboxed worker with memory, CPU and time limits.
//! [`diff`] segments texts into clauses, matches them and reports word-level changes. Nothing here
//! renders, touches git or knows the agreement model; the `dpa` library builds on it.

pub mod diff;
pub mod documents;
pub mod escape;
pub mod numerals;
