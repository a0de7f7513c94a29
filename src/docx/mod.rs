//! Word documents: exporting an assembled agreement as DOCX ([`writer`]), reading any DOCX back as
//! clauses ([`reader`]), and a clause diff as a tracked-changes redline ([`redline`]).

pub mod numbering;
pub mod parts;
pub mod reader;
pub mod redline;
pub mod writer;

pub use reader::{ReadDocx, read};
pub use writer::{DocxMeta, write};
