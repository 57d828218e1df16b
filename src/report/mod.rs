//! Report rendering: Typst compiled into the binary, offline and reproducible.
//!
//! A report is a Typst template (from `report-templates/`, compiled in, a
//! `--templates DIR` or a `--template FILE.typ` whose folder is all it can read) that
//! reads its data with `json("/data.json")`, the rows of other regions with
//! `json("/data/regions/CODE.json")` and charts with `image("/charts/….svg")`; files
//! other than `/data.json` and pre-drawn charts are made when the template loads them
//! ([`VirtualFiles`], see `docs/templates.md`). Data is never pasted into Typst source,
//! so strings such as `<10` print as given. Diagnostics name a template on disk by its
//! path as given, with line and column.
//!
//! ```ignore
//! use jindu::report::*;
//! let data = serde_json::json!({"title": "年度禁毒工作统计公报"});
//! let cutoff = chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
//! let pdf = render_pdf(&TemplateSource::Embedded, "demo.typ", &data, &[], cutoff,
//!                      &RenderOptions::default())?;
//! ```

pub mod bulletin;
pub mod fonts;
pub mod job;
pub mod world;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use chrono::Datelike;
use serde_json::Value;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::FileId;
use typst::{World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

pub use fonts::{CJK_FAMILY, FontStore, MissingGlyph};
pub use world::{TemplateSource, VirtualFiles};

use world::ReportWorld;

/// Virtual path of the report data inside the Typst world.
pub const DATA_PATH: &str = "/data.json";
/// Virtual folder of the charts inside the Typst world (`/charts/NAME.svg`).
pub const CHARTS_DIR: &str = "/charts";

/// Options of a render beyond its inputs.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Extra font folders (`--font-path DIR`), searched recursively. System
    /// fonts are never used.
    pub font_paths: Vec<PathBuf>,
    /// A stable identifier of the document, hashed into the PDF's `/ID`.
    /// Defaults to `jindu/<main>/<today>`.
    pub ident: Option<String>,
    /// Words put at the top of every page (raw mode: the figures are not
    /// disclosure-controlled), whatever the template does.
    pub stamp: Option<String>,
}

/// Everything that can go wrong while rendering a report.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot use template folder {}: {source}", path.display())]
    TemplateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("template {0:?} not found in the template folder")]
    MainNotFound(String),
    #[error("cannot read fonts from {}: {source}", path.display())]
    FontDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "invalid chart name {0:?}: use letters, digits, '-' and '_' (it becomes /charts/NAME.svg)"
    )]
    ChartName(String),
    #[error("cannot serialize the report data: {0}")]
    Data(#[from] serde_json::Error),
    #[error("{}", missing_glyphs_message(.0))]
    MissingGlyphs(Vec<MissingGlyph>),
    #[error("typst compilation failed:\n{}", DiagnosticList(.0))]
    Compile(Vec<Diagnostic>),
    #[error("PDF export failed:\n{}", DiagnosticList(.0))]
    Pdf(Vec<Diagnostic>),
}

fn missing_glyphs_message(missing: &[MissingGlyph]) -> String {
    let mut msg = String::from("no font has a glyph for these characters of the report data:");
    for m in missing {
        msg.push_str(&format!("\n  {m}"));
    }
    msg.push_str(
        "\nhint: pass `--font-path DIR` with a font that has them (e.g. the full Noto Sans \
         CJK SC or another font with CJK Extension B–G), or correct the data",
    );
    msg
}

/// A Typst error or warning, located like typst-cli does (`file:line:col`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: DiagnosticSeverity,
    /// The file, as a virtual path (`/demo.typ`), if the diagnostic points into one.
    pub file: Option<String>,
    /// One-based line.
    pub line: Option<usize>,
    /// One-based column, in characters.
    pub column: Option<usize>,
    pub message: String,
    pub hints: Vec<String>,
    /// Where the error came from: `in call to f at /lib.typ:3:5`, innermost first.
    pub trace: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagnosticSeverity {
    Error,
    /// Typst warnings fail a render too.
    Warning,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            if let (Some(line), Some(col)) = (self.line, self.column) {
                write!(f, ":{line}:{col}")?;
            }
            write!(f, ": ")?;
        }
        let sev = match self.severity {
            DiagnosticSeverity::Error => "error",
            DiagnosticSeverity::Warning => "warning (treated as error)",
        };
        write!(f, "{sev}: {}", self.message)?;
        for t in &self.trace {
            write!(f, "\n  = {t}")?;
        }
        for h in &self.hints {
            write!(f, "\n  = hint: {h}")?;
        }
        Ok(())
    }
}

struct DiagnosticList<'a>(&'a [Diagnostic]);

impl fmt::Display for DiagnosticList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Makes what every render needs and no data changes ahead of the first render: the
/// bundled fonts, parsed and with their data hashed ([`FontStore::prepare_bundled`]),
/// and Typst's standard library. Call it on a spare thread while the data loads.
pub fn prepare() {
    FontStore::prepare_bundled();
    let mut h = std::hash::DefaultHasher::new();
    std::hash::Hash::hash(&world::library(), &mut h);
}

/// Renders template `main` (e.g. `annual-bulletin.typ`) to PDF bytes.
///
/// `data` is available to the template as `json("/data.json")`; each chart
/// `(name, svg)` as `/charts/NAME.svg`. `today` (the data cutoff) is what
/// Typst's `datetime.today()` returns and the PDF's creation date, so the same
/// inputs give byte-identical output. Typst warnings are errors.
pub fn render_pdf(
    templates: &TemplateSource,
    main: &str,
    data: &Value,
    charts: &[(String, String)],
    today: chrono::NaiveDate,
    opts: &RenderOptions,
) -> Result<Vec<u8>, ReportError> {
    render_pdf_with(templates, main, data, charts, None, today, opts)
}

/// As [`render_pdf`], with files made when the template loads them (`provider`:
/// metric rows per region, charts on request).
pub fn render_pdf_with(
    templates: &TemplateSource,
    main: &str,
    data: &Value,
    charts: &[(String, String)],
    provider: Option<&dyn VirtualFiles>,
    today: chrono::NaiveDate,
    opts: &RenderOptions,
) -> Result<Vec<u8>, ReportError> {
    let fonts = FontStore::with_dirs(&opts.font_paths)?;
    let mut document = compile_with(&fonts, templates, main, data, charts, provider, today)?;
    if let Some(words) = &opts.stamp {
        document = stamp(&fonts, document, words, today)?;
    }
    let ident = opts
        .ident
        .clone()
        .unwrap_or_else(|| format!("jindu/{main}/{today}"));
    let timestamp = Datetime::from_ymd_hms(today.year(), month(today), day(today), 0, 0, 0)
        .map(Timestamp::new_utc);
    let options = PdfOptions {
        ident: Smart::Custom(ident),
        timestamp,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options)
        .map_err(|errors| ReportError::Pdf(errors.iter().map(plain_diagnostic).collect()))
}

/// Compiles template `main` to a laid-out document (for page counts, tests and
/// other exporters). Same inputs as [`render_pdf`].
pub fn compile_document(
    templates: &TemplateSource,
    main: &str,
    data: &Value,
    charts: &[(String, String)],
    today: chrono::NaiveDate,
    opts: &RenderOptions,
) -> Result<PagedDocument, ReportError> {
    let fonts = FontStore::with_dirs(&opts.font_paths)?;
    compile_with(&fonts, templates, main, data, charts, None, today)
}

/// Puts `words` at the top of every page of `document` (raw mode: figures that did not
/// go through disclosure control), whatever the template did with its pages.
fn stamp(
    fonts: &FontStore,
    mut document: PagedDocument,
    words: &str,
    today: chrono::NaiveDate,
) -> Result<PagedDocument, ReportError> {
    let source = "#set page(width: 21cm, height: 1.2cm, margin: 0pt)\n\
                  #set text(font: (\"Noto Sans CJK SC\",), size: 9pt, fill: rgb(\"#c00000\"), weight: \"bold\")\n\
                  #align(center + horizon, json(\"/stamp.json\").text)\n";
    let mut files = HashMap::new();
    files.insert(
        "/stamp.json".to_string(),
        Bytes::new(serde_json::to_vec(&serde_json::json!({ "text": words }))?),
    );
    files.insert("/stamp.typ".to_string(), Bytes::from_string(source));
    let date = Datetime::from_ymd(today.year(), month(today), day(today))
        .expect("a chrono date is a valid Typst date");
    let world = ReportWorld::new(
        &TemplateSource::Embedded,
        "stamp.typ",
        fonts,
        files,
        None,
        date,
    )?;
    let banner = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|e| ReportError::Compile(e.iter().map(|d| locate(&world, d, None)).collect()))?;
    let Some(banner) = banner.pages().first().map(|p| p.frame.clone()) else {
        return Ok(document);
    };
    let mut pages = document.pages().to_vec();
    for page in &mut pages {
        let x = (page.frame.width() - banner.width()) / 2.0;
        page.frame.push_frame(
            typst::layout::Point::new(x, typst::layout::Abs::zero()),
            banner.clone(),
        );
    }
    let info = document.info_mut().clone();
    Ok(PagedDocument::new(pages.into(), info))
}

fn compile_with(
    fonts: &FontStore,
    templates: &TemplateSource,
    main: &str,
    data: &Value,
    charts: &[(String, String)],
    provider: Option<&dyn VirtualFiles>,
    today: chrono::NaiveDate,
) -> Result<PagedDocument, ReportError> {
    fonts.check_coverage(data)?;

    let mut files = HashMap::new();
    files.insert(DATA_PATH.to_string(), Bytes::new(serde_json::to_vec(data)?));
    for (name, svg) in charts {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ReportError::ChartName(name.clone()));
        }
        files.insert(
            format!("{CHARTS_DIR}/{name}.svg"),
            Bytes::from_string(svg.clone()),
        );
    }
    let today = Datetime::from_ymd(today.year(), month(today), day(today))
        .expect("a chrono date is a valid Typst date");
    let world = ReportWorld::new(templates, main, fonts, files, provider, today)?;

    let warned = typst::compile::<PagedDocument>(&world);
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let document = match warned.output {
        Ok(document) => Some(document),
        Err(errors) => {
            diagnostics.extend(errors.iter().map(|d| locate(&world, d, templates.dir())));
            None
        }
    };
    diagnostics.extend(
        warned
            .warnings
            .iter()
            .map(|d| locate(&world, d, templates.dir())),
    );
    match document {
        Some(document) if diagnostics.is_empty() => Ok(document),
        _ => Err(ReportError::Compile(diagnostics)),
    }
}

fn month(d: chrono::NaiveDate) -> u8 {
    d.month() as u8
}

fn day(d: chrono::NaiveDate) -> u8 {
    d.day() as u8
}

/// Converts a Typst diagnostic, resolving its span to `file:line:col`. With the folder
/// of a template on disk, its files are named by their path there (as the author
/// knows them); the files jindu makes keep their virtual path.
fn locate(
    world: &dyn World,
    diag: &SourceDiagnostic,
    root: Option<&std::path::Path>,
) -> Diagnostic {
    let position = |id, range| {
        let (file, line, col) = position(world, id, range);
        let file = file.map(|f: String| match root {
            Some(dir) if !f.starts_with("/data") && !f.starts_with(CHARTS_DIR) => {
                dir.join(f.trim_start_matches('/')).display().to_string()
            }
            _ => f,
        });
        (file, line, col)
    };
    let (file, line, column) = position(diag.span.id(), world.range(diag.span));
    let trace = diag
        .trace
        .iter()
        .map(|point| {
            let (file, line, col) = position(point.span.id(), world.range(point.span));
            match (file, line, col) {
                (Some(file), Some(line), Some(col)) => {
                    format!("{} at {file}:{line}:{col}", point.v)
                }
                (Some(file), _, _) => format!("{} in {file}", point.v),
                _ => point.v.to_string(),
            }
        })
        .collect();
    Diagnostic {
        severity: severity(diag.severity),
        file,
        line,
        column,
        message: diag.message.to_string(),
        hints: diag.hints.iter().map(|h| h.v.to_string()).collect(),
        trace,
    }
}

/// A diagnostic without source positions (PDF export has no world at hand).
fn plain_diagnostic(diag: &SourceDiagnostic) -> Diagnostic {
    Diagnostic {
        severity: severity(diag.severity),
        file: None,
        line: None,
        column: None,
        message: diag.message.to_string(),
        hints: diag.hints.iter().map(|h| h.v.to_string()).collect(),
        trace: Vec::new(),
    }
}

fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::Error,
        Severity::Warning => DiagnosticSeverity::Warning,
    }
}

fn position(
    world: &dyn World,
    id: Option<FileId>,
    range: Option<std::ops::Range<usize>>,
) -> (Option<String>, Option<usize>, Option<usize>) {
    let Some(id) = id else {
        return (None, None, None);
    };
    let file = Some(id.vpath().get_with_slash().to_string());
    let Some(range) = range else {
        return (file, None, None);
    };
    let Ok(bytes) = world.file(id) else {
        return (file, None, None);
    };
    let text = String::from_utf8_lossy(&bytes[..range.start.min(bytes.len())]).into_owned();
    let line = text.matches('\n').count() + 1;
    let column = text.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (file, Some(line), Some(column))
}

#[cfg(test)]
mod tests;
