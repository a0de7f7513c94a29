//! Word documents: exporting an assembled agreement as DOCX ([`writer`]) and reading any DOCX back as clauses ([`reader`]).

pub mod numbering;
pub mod parts;
pub mod reader;
pub mod writer;

pub use reader::{ReadDocx, read};
pub use writer::{DocxMeta, write};
