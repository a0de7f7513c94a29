//! Compiles one Typst file to PDF with a minimal embedded compiler (embedded fonts, no file access):
//! the baseline `dpa render` is measured against in the benchmark.
//!
//! `cargo run --release --example bare_compile -- FILE.typ OUT.pdf`

use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

struct Bare {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    source: Source,
}

impl World for Bare {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }
    fn main(&self) -> FileId {
        self.source.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.source.id() {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, _: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }
    fn today(&self, _: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(2025, 1, 1)
    }
}

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err("usage: bare_compile FILE.typ OUT.pdf".into());
    };
    let text = std::fs::read_to_string(&input).map_err(|e| format!("{input}: {e}"))?;
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    let fonts = FONTS
        .get_or_init(|| typst_kit::fonts::embedded().map(|(f, _)| f).collect())
        .clone();
    let id = RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new("/main.typ").map_err(|e| format!("{e:?}"))?,
    )
    .intern();
    let world = Bare {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        source: Source::new(id, text),
    };
    let doc = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|e| format!("{:?}", e.first().map(|d| d.message.clone())))?;
    let pdf = typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|e| format!("{:?}", e.first().map(|d| d.message.clone())))?;
    std::fs::write(&output, pdf).map_err(|e| format!("{output}: {e}"))
}
