//! Rendering, the writers: the embedded Typst compiler turns a generated source into a PDF, and
//! [`docx`] writes the same agreement, or a redline, as a Word document.

pub mod docx;
pub mod world;

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use typst::WorldExt;
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diag::Diagnostic;
pub use world::{DpaWorld, FontSet};

/// How to export the PDF.
#[derive(Debug, Clone)]
pub struct PdfSettings {
    /// PDF/A-2b for issued versions.
    pub archival: bool,
    /// Creation date written into the PDF.
    pub timestamp: DateTime<Utc>,
    /// A stable identifier of the document (e.g. `DPA-acme`).
    pub ident: String,
}

/// A rendered agreement with its outputs.
#[derive(Debug, Clone)]
pub struct Output {
    /// The PDF.
    pub pdf: Vec<u8>,
    /// The Typst source.
    pub source: String,
    /// The manifest.
    pub manifest: crate::manifest::Manifest,
    /// Page count.
    pub pages: usize,
}

/// A rendered PDF and what the compiler had to say.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The PDF bytes.
    pub pdf: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// Compiler warnings, located in the generated source.
    pub warnings: Vec<Diagnostic>,
}

/// Compiles Typst sources with shared fonts and workspace access rules.
pub struct Renderer {
    fonts: Arc<FontSet>,
    root: Option<PathBuf>,
}

/// The creation date for reproducible output: `SOURCE_DATE_EPOCH` if set, else `fallback` at midnight UTC.
pub fn creation_date(fallback: NaiveDate) -> DateTime<Utc> {
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH")
        && let Ok(secs) = epoch.trim().parse::<i64>()
        && let Some(dt) = DateTime::from_timestamp(secs, 0)
    {
        return dt;
    }
    fallback
        .and_hms_opt(0, 0, 0)
        .map_or_else(Utc::now, |d| d.and_utc())
}

impl Renderer {
    /// A renderer reading fonts and templates of the workspace at `root`, if any.
    pub fn new(root: Option<PathBuf>) -> Renderer {
        let fonts = FontSet::load(root.as_ref().map(|r| r.join("fonts")).as_deref());
        Renderer {
            fonts: Arc::new(fonts),
            root,
        }
    }

    /// The fonts in use.
    pub fn fonts(&self) -> &FontSet {
        &self.fonts
    }

    /// Compiles `source` and exports it as PDF; `file` names the source in diagnostics.
    pub fn render(
        &self,
        file: &str,
        source: String,
        settings: &PdfSettings,
    ) -> Result<Rendered, Vec<Diagnostic>> {
        let ts = settings.timestamp;
        let today = Datetime::from_ymd(ts.year(), ts.month() as u8, ts.day() as u8);
        let world = DpaWorld::new(self.fonts.clone(), source, self.root.clone(), today);
        let t0 = std::time::Instant::now();
        let result = typst::compile::<PagedDocument>(&world);
        let compile_time = t0.elapsed();
        let mut warnings: Vec<Diagnostic> = result
            .warnings
            .iter()
            .map(|d| convert(&world, file, d))
            .collect();
        let document = match result.output {
            Ok(doc) => doc,
            Err(errors) => {
                let mut all: Vec<Diagnostic> =
                    errors.iter().map(|d| convert(&world, file, d)).collect();
                all.append(&mut warnings);
                return Err(all);
            }
        };
        let timestamp = Datetime::from_ymd_hms(
            ts.year(),
            ts.month() as u8,
            ts.day() as u8,
            ts.hour() as u8,
            ts.minute() as u8,
            ts.second() as u8,
        )
        .map(Timestamp::new_utc);
        let standards = if settings.archival {
            PdfStandards::new(&[PdfStandard::A_2b, PdfStandard::Ua_1]).map_err(|e| {
                vec![Diagnostic::error(
                    file,
                    None,
                    format!("PDF standard: {e:?}"),
                )]
            })?
        } else {
            PdfStandards::default()
        };
        let options = PdfOptions {
            ident: Smart::Custom(settings.ident.clone()),
            creator: Smart::Custom(Some(format!("dpa {}", env!("CARGO_PKG_VERSION")))),
            timestamp,
            standards,
            ..PdfOptions::default()
        };
        let pages = document.pages().len();
        let t1 = std::time::Instant::now();
        let exported = typst_pdf::pdf(&document, &options);
        if std::env::var_os("DPA_TIMINGS").is_some() {
            eprintln!(
                "timing {file}: compile {:.1?} export {:.1?}",
                compile_time,
                t1.elapsed()
            );
        }
        match exported {
            Ok(pdf) => Ok(Rendered {
                pdf,
                pages,
                warnings,
            }),
            Err(errors) => Err(errors.iter().map(|d| convert(&world, file, d)).collect()),
        }
    }
}

/// Turns a Typst diagnostic into ours, located in the generated source when possible.
fn convert(world: &DpaWorld, file: &str, d: &SourceDiagnostic) -> Diagnostic {
    let in_main = d.span.id() == Some(world::main_id());
    let span = if in_main { world.range(d.span) } else { None };
    let name = match d.span.id() {
        Some(id) if !in_main => id.vpath().get_without_slash().to_string(),
        _ => file.to_string(),
    };
    let mut out = match d.severity {
        TypstSeverity::Error => Diagnostic::error(name, span, d.message.to_string()),
        TypstSeverity::Warning => Diagnostic::warning(name, span, d.message.to_string()),
    };
    for hint in &d.hints {
        out.hints.push(hint.v.to_string());
    }
    out
}
