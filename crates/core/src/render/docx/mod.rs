//! Word documents written: an assembled agreement as DOCX ([`writer`]), and a clause diff as a
//! tracked-changes redline ([`redline`]). Reading a DOCX back as clauses is
//! [`crate::documents::docx`].

pub mod parts;
pub mod redline;
pub mod writer;

pub use writer::{DocxMeta, write};
