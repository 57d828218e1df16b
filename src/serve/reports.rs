//! The one door from the workbench to the report stage: [`render_pdfs`] renders
//! documents exactly as `jindu report` does today (same context, templates and
//! options), so that a change of the report stage is adapted here and nowhere else in
//! `serve`. [`zip_pdfs`] packs several PDFs into one ZIP.

use std::io::Write as _;

use anyhow::{Result, bail};
use rayon::prelude::*;

use crate::metrics::Model;
use crate::publish::Rule;
use crate::regions::{Level, level_of};
use crate::report::TemplateSource;
use crate::report::bulletin::{self, Lang, Template};
use crate::report::job::{Job, default_settings, scope_of};

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    AnnualBulletin,
    CountyBrief,
}

impl Doc {
    pub fn name(self) -> &'static str {
        match self {
            Doc::AnnualBulletin => "annual-bulletin",
            Doc::CountyBrief => "county-brief",
        }
    }

    pub fn parse(s: &str) -> Option<Doc> {
        match s {
            "annual-bulletin" => Some(Doc::AnnualBulletin),
            "county-brief" => Some(Doc::CountyBrief),
            _ => None,
        }
    }
}

/// What a page asks of a report besides the document and the regions.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub year: i32,
    pub english: bool,
    pub rule: Rule,
    /// Office settings, as `jindu report --set` gives them.
    pub settings: &'a [(String, serde_json::Value)],
}

/// Renders one PDF per region code of `codes` (all at the same level: one county per
/// brief, or one bulletin), byte-identical to `jindu report` for the same request: the
/// same [`Job`] of the report stage.
pub fn render_pdfs(
    model: &Model,
    import_report: &serde_json::Value,
    doc: Doc,
    codes: &[String],
    o: &Options<'_>,
) -> Result<Vec<Vec<u8>>> {
    let Options {
        year,
        english,
        rule,
        settings,
    } = *o;
    let Some(first_code) = codes.first() else {
        bail!("no region to report on");
    };
    for c in codes {
        bulletin::validate(model, c, year).map_err(anyhow::Error::msg)?;
    }
    let template = match doc {
        Doc::AnnualBulletin => Template::AnnualBulletin,
        Doc::CountyBrief => Template::CountyBrief,
    };
    let level = level_of(first_code);
    if template == Template::CountyBrief && level != Level::County {
        bail!("a county brief needs a county (a 6-digit code such as 640324)");
    }
    let job = Job {
        template,
        source: TemplateSource::Embedded,
        main: template.main().to_string(),
        settings: {
            // As `jindu report --set`: later values replace earlier ones.
            let mut all = default_settings();
            for (k, v) in settings {
                all.retain(|(key, _)| key != k);
                all.push((k.clone(), v.clone()));
            }
            all
        },
        year,
        lang: if english { Lang::En } else { Lang::Zh },
        rule,
        raw: false,
        doc_level: level,
        font_paths: Vec::new(),
        scope: scope_of(first_code),
    };
    let prepared = job.prepare(model, import_report.clone())?;
    codes.par_iter().map(|code| prepared.render(code)).collect()
}

/// Packs `(file name, bytes)` into a ZIP archive (deflated, fixed timestamps so the
/// same PDFs give the same archive).
pub fn zip_pdfs(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in files {
        zip.start_file(name.as_str(), opts)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}
