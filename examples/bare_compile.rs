//! Compiles one Typst file to PDF with a minimal embedded compiler (embedded fonts, no file access)
//! and exports it as `dpa render` does (PDF/A-2b and PDF/UA-1): the baseline `dpa render` is
//! measured against in the benchmark.
//!
//! `cargo run --release --example bare_compile -- FILE.typ OUT.pdf`
//!
//! `bare_compile --many AGE FILE.typ...` compiles and exports each file in turn in one process,
//! evicting the compiler's memoised results older than AGE documents after each (0: every
//! document laid out from scratch), and prints the mean milliseconds per document: what layout
//! reuse across the documents of one worker buys.

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

fn world(text: String) -> Result<Bare, String> {
    static FONTS: OnceLock<Vec<Font>> = OnceLock::new();
    let fonts = FONTS
        .get_or_init(|| typst_kit::fonts::embedded().map(|(f, _)| f).collect())
        .clone();
    let id = RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new("/main.typ").map_err(|e| format!("{e:?}"))?,
    )
    .intern();
    Ok(Bare {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        source: Source::new(id, text),
    })
}

fn compile(text: String) -> Result<Vec<u8>, String> {
    let world = world(text)?;
    let doc = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|e| format!("{:?}", e.first().map(|d| d.message.clone())))?;
    // The same PDF work as `dpa render`: PDF/A-2b and PDF/UA-1 together.
    let standards =
        typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::A_2b, typst_pdf::PdfStandard::Ua_1])
            .map_err(|e| format!("{e:?}"))?;
    let options = typst_pdf::PdfOptions {
        standards,
        timestamp: Datetime::from_ymd_hms(2025, 1, 1, 0, 0, 0).map(typst_pdf::Timestamp::new_utc),
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&doc, &options)
        .map_err(|e| format!("{:?}", e.first().map(|d| d.message.clone())))
}

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (Some(input), Some(output)) = (args.next(), args.next()) else {
        return Err(
            "usage: bare_compile FILE.typ OUT.pdf | bare_compile --many AGE FILE...".into(),
        );
    };
    if input == "--many" {
        let age: usize = output.parse().map_err(|_| "AGE is a number".to_string())?;
        let files: Vec<String> = args.collect();
        let texts: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}")))
            .collect::<Result<_, _>>()?;
        let start = std::time::Instant::now();
        for text in texts {
            compile(text)?;
            comemo::evict(age);
        }
        let per = start.elapsed().as_secs_f64() * 1000.0 / files.len().max(1) as f64;
        println!("{per:.2}");
        return Ok(());
    }
    let text = std::fs::read_to_string(&input).map_err(|e| format!("{input}: {e}"))?;
    let pdf = compile(text)?;
    std::fs::write(&output, pdf).map_err(|e| format!("{output}: {e}"))
}
