//! An in-memory [`typst::World`]: templates from a folder or compiled into the
//! binary, data and charts handed over as virtual files, a fixed font store and
//! a fixed date. No network, no packages, no system fonts, no file outside the
//! template folder.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::ReportError;
use super::fonts::FontStore;

/// Templates compiled into the binary: `report-templates/*`, by file name.
const EMBEDDED_TEMPLATES: &[(&str, &str)] = &[
    ("lib.typ", include_str!("../../report-templates/lib.typ")),
    (
        "jindu.typ",
        include_str!("../../report-templates/jindu.typ"),
    ),
    (
        "methods.typ",
        include_str!("../../report-templates/methods.typ"),
    ),
    (
        "sections.typ",
        include_str!("../../report-templates/sections.typ"),
    ),
    (
        "inhabitants.typ",
        include_str!("../../report-templates/inhabitants.typ"),
    ),
    (
        "incidents.typ",
        include_str!("../../report-templates/incidents.typ"),
    ),
    (
        "period-brief.typ",
        include_str!("../../report-templates/period-brief.typ"),
    ),
    ("demo.typ", include_str!("../../report-templates/demo.typ")),
    (
        "annual-bulletin.typ",
        include_str!("../../report-templates/annual-bulletin.typ"),
    ),
    (
        "county-brief.typ",
        include_str!("../../report-templates/county-brief.typ"),
    ),
];

/// The libraries a template folder without its own copy reads from the binary.
const LIBRARIES: &[&str] = &["lib.typ", "jindu.typ"];

/// Where the Typst templates come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TemplateSource {
    /// The templates compiled into the binary (`report-templates/` at build time).
    #[default]
    Embedded,
    /// A template folder on disk (`--templates DIR`). Files outside it cannot be read.
    Dir(PathBuf),
}

impl TemplateSource {
    /// Names of the templates compiled into the binary.
    pub fn embedded_names() -> impl Iterator<Item = &'static str> {
        EMBEDDED_TEMPLATES.iter().map(|(name, _)| *name)
    }

    /// The folder of a template file on disk, if any.
    pub fn dir(&self) -> Option<&Path> {
        match self {
            TemplateSource::Dir(d) => Some(d),
            TemplateSource::Embedded => None,
        }
    }

    /// The text of an embedded template, e.g. `lib.typ`.
    pub fn embedded(name: &str) -> Option<&'static str> {
        EMBEDDED_TEMPLATES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, text)| *text)
    }
}

/// A resolved template source: the canonical folder, if any.
enum Templates {
    Embedded,
    Dir(PathBuf),
}

impl Templates {
    fn new(source: &TemplateSource) -> Result<Self, ReportError> {
        match source {
            TemplateSource::Embedded => Ok(Self::Embedded),
            TemplateSource::Dir(dir) => {
                let root = dir
                    .canonicalize()
                    .map_err(|source| ReportError::TemplateDir {
                        path: dir.clone(),
                        source,
                    })?;
                if !root.is_dir() {
                    return Err(ReportError::TemplateDir {
                        path: dir.clone(),
                        source: std::io::Error::new(
                            std::io::ErrorKind::NotADirectory,
                            "not a directory",
                        ),
                    });
                }
                Ok(Self::Dir(root))
            }
        }
    }

    fn read(&self, vpath: &VirtualPath) -> FileResult<Bytes> {
        match self {
            Self::Embedded => {
                let name = vpath.get_without_slash();
                TemplateSource::embedded(name)
                    .map(Bytes::from_string)
                    .ok_or_else(|| FileError::NotFound(PathBuf::from(vpath.get_with_slash())))
            }
            Self::Dir(root) => {
                let path = vpath.realize(root).map_err(FileError::Realize)?;
                match read_inside(root, &path) {
                    // The libraries are there even when the folder has no copy of them.
                    Err(FileError::NotFound(p)) => LIBRARIES
                        .iter()
                        .find(|l| **l == vpath.get_without_slash())
                        .and_then(|l| TemplateSource::embedded(l))
                        .map(Bytes::from_string)
                        .ok_or(FileError::NotFound(p)),
                    other => other,
                }
            }
        }
    }
}

/// Reads `path` if, after resolving symbolic links, it still lies inside `root`.
fn read_inside(root: &Path, path: &Path) -> FileResult<Bytes> {
    let real = path
        .canonicalize()
        .map_err(|err| FileError::from_io(err, path))?;
    if !real.starts_with(root) {
        return Err(FileError::AccessDenied);
    }
    if real.is_dir() {
        return Err(FileError::IsDirectory);
    }
    fs::read(&real)
        .map(Bytes::new)
        .map_err(|err| FileError::from_io(err, path))
}

/// Virtual files made when a template loads them (metric rows of a region, charts on
/// request): the data side of a report, called by the World.
pub trait VirtualFiles: Send + Sync {
    /// The bytes of the file at the absolute virtual path `path`; `None` when the path
    /// is none of these files, an error message when it is one but cannot be made
    /// (e.g. an unknown metric: the message lists the ones that exist).
    fn load(&self, path: &str) -> Option<Result<Vec<u8>, String>>;
}

/// Typst's standard library, built once per process (every document of a run shares
/// it, with its hash).
pub(crate) fn library() -> LazyHash<Library> {
    static LIBRARY: std::sync::OnceLock<LazyHash<Library>> = std::sync::OnceLock::new();
    LIBRARY
        .get_or_init(|| LazyHash::new(Library::default()))
        .clone()
}

/// The world one report is compiled in.
pub(crate) struct ReportWorld<'p> {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: FileId,
    templates: Templates,
    /// Files handed over in memory, by absolute virtual path (`/data.json`).
    virtual_files: HashMap<String, Bytes>,
    /// Files made on request.
    provider: Option<&'p dyn VirtualFiles>,
    today: Datetime,
    sources: Mutex<HashMap<FileId, FileResult<Source>>>,
    files: Mutex<HashMap<FileId, FileResult<Bytes>>>,
}

impl<'p> ReportWorld<'p> {
    pub(crate) fn new(
        templates: &TemplateSource,
        main: &str,
        fonts: &FontStore,
        virtual_files: HashMap<String, Bytes>,
        provider: Option<&'p dyn VirtualFiles>,
        today: Datetime,
    ) -> Result<Self, ReportError> {
        let vpath =
            VirtualPath::new(main).map_err(|_| ReportError::MainNotFound(main.to_string()))?;
        let main_id = RootedPath::new(VirtualRoot::Project, vpath).intern();
        let world = Self {
            library: library(),
            book: LazyHash::new(fonts.book().clone()),
            fonts: fonts.fonts().to_vec(),
            main: main_id,
            templates: Templates::new(templates)?,
            virtual_files,
            provider,
            today,
            sources: Mutex::new(HashMap::new()),
            files: Mutex::new(HashMap::new()),
        };
        if world.source(main_id).is_err() {
            return Err(ReportError::MainNotFound(main.to_string()));
        }
        Ok(world)
    }

    fn read(&self, id: FileId) -> FileResult<Bytes> {
        if let VirtualRoot::Package(spec) = id.root() {
            return Err(FileError::Package(PackageError::Other(Some(
                format!(
                    "package {spec} is not available: jindu renders offline and \
                     downloads no packages; copy what you need into the template folder"
                )
                .into(),
            ))));
        }
        let vpath = id.vpath();
        if let Some(bytes) = self.virtual_files.get(vpath.get_with_slash()) {
            return Ok(bytes.clone());
        }
        if let Some(made) = self.provider.and_then(|p| p.load(vpath.get_with_slash())) {
            return made
                .map(Bytes::new)
                .map_err(|msg| FileError::Other(Some(msg.into())));
        }
        self.templates.read(vpath)
    }
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        let mut cache = self.sources.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(id)
            .or_insert_with(|| {
                let bytes = self.file(id)?;
                let text = std::str::from_utf8(&bytes).map_err(|_| FileError::InvalidUtf8)?;
                // Strip a byte-order mark, as typst-cli does.
                let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                Ok(Source::new(id, text.to_string()))
            })
            .clone()
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let mut cache = self.files.lock().unwrap_or_else(|e| e.into_inner());
        cache.entry(id).or_insert_with(|| self.read(id)).clone()
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
