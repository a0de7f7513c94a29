//! Our Typst `World`: the generated source in memory, embedded and workspace fonts, and no other file access.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// Fonts available to the compiler: the embedded ones, then the workspace's `fonts/`.
pub struct FontSet {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// Files of `fonts/` that could not be read as fonts.
    pub rejected: Vec<PathBuf>,
}

fn embedded() -> &'static [Font] {
    static EMBEDDED: OnceLock<Vec<Font>> = OnceLock::new();
    EMBEDDED.get_or_init(|| typst_kit::fonts::embedded().map(|(font, _)| font).collect())
}

impl FontSet {
    /// The embedded fonts plus every font file under `dir`, if given.
    pub fn load(dir: Option<&Path>) -> FontSet {
        let mut fonts: Vec<Font> = embedded().to_vec();
        let mut rejected = Vec::new();
        if let Some(dir) = dir {
            let mut files = Vec::new();
            crate::files::walk(dir, &mut files);
            for file in files {
                let ext = file
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if !matches!(ext.as_str(), "ttf" | "otf" | "ttc" | "otc") {
                    continue;
                }
                let before = fonts.len();
                if let Ok(data) = std::fs::read(&file) {
                    fonts.extend(Font::iter(Bytes::new(data)));
                }
                if fonts.len() == before {
                    rejected.push(file);
                }
            }
        }
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        FontSet {
            book,
            fonts,
            rejected,
        }
    }

    /// The characters of `text` that no font covers (whitespace and control characters aside).
    pub fn missing_chars(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for c in text.chars() {
            if c.is_whitespace() || c.is_control() || out.contains(&c) {
                continue;
            }
            // Zero-width and directional format characters are not drawn.
            if matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{E000}' | '\u{E001}')
            {
                continue;
            }
            if !self
                .fonts
                .iter()
                .any(|f| f.info().coverage.contains(c as u32))
            {
                out.push(c);
            }
        }
        out
    }
}

/// The standard library, built once per process.
pub fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// The file id of the generated main source (one id reused for every document).
pub fn main_id() -> FileId {
    static MAIN: OnceLock<FileId> = OnceLock::new();
    *MAIN.get_or_init(|| {
        let path = VirtualPath::new("/agreement.typ").expect("a valid virtual path");
        RootedPath::new(VirtualRoot::Project, path).intern()
    })
}

/// A compilation environment for one generated document.
pub struct DpaWorld {
    fonts: Arc<FontSet>,
    source: Source,
    root: Option<PathBuf>,
    files: Mutex<HashMap<FileId, FileResult<Bytes>>>,
    today: Option<Datetime>,
}

/// Top-level folders of the workspace that templates may read.
pub const READABLE: [&str; 2] = ["templates", "fonts"];

impl DpaWorld {
    /// A world whose main file is `text`, reading only `templates/` and `fonts/` under `root`.
    pub fn new(
        fonts: Arc<FontSet>,
        text: String,
        root: Option<PathBuf>,
        today: Option<Datetime>,
    ) -> Self {
        DpaWorld {
            fonts,
            source: Source::new(main_id(), text),
            root,
            files: Mutex::new(HashMap::new()),
            today,
        }
    }

    /// The main source.
    pub fn main_source(&self) -> &Source {
        &self.source
    }

    fn read(&self, id: FileId) -> FileResult<Bytes> {
        if let VirtualRoot::Package(spec) = id.root() {
            return Err(FileError::Other(Some(
                format!("package imports are disabled: {spec} cannot be loaded (dpa works offline and reads only the workspace's templates/ and fonts/)").into(),
            )));
        }
        let rel = id.vpath().get_without_slash().to_string();
        let allowed = READABLE
            .iter()
            .any(|dir| rel.starts_with(&format!("{dir}/")));
        let Some(root) = &self.root else {
            return Err(FileError::AccessDenied);
        };
        if !allowed {
            return Err(FileError::AccessDenied);
        }
        let path = root.join(&rel);
        // Refuse links that lead out of the workspace.
        let (Ok(real), Ok(real_root)) = (path.canonicalize(), root.canonicalize()) else {
            return Err(FileError::NotFound(PathBuf::from(&rel)));
        };
        if !real.starts_with(&real_root) {
            return Err(FileError::AccessDenied);
        }
        if real.is_dir() {
            return Err(FileError::IsDirectory);
        }
        std::fs::read(&real)
            .map(Bytes::new)
            .map_err(|_| FileError::AccessDenied)
    }
}

impl World for DpaWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.source.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.source.id() {
            return Ok(self.source.clone());
        }
        let bytes = self.file(id)?;
        let text = std::str::from_utf8(bytes.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_string()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let mut cache = self.files.lock().unwrap_or_else(|e| e.into_inner());
        cache.entry(id).or_insert_with(|| self.read(id)).clone()
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}
