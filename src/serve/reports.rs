//! The one door from the workbench to the report stage: [`render_pdfs`] renders
//! documents exactly as `jindu report` does today (same context, templates and
//! options), so that a change of the report stage is adapted here and nowhere else in
//! `serve`. [`zip_pdfs`] packs several PDFs into one ZIP.

use std::io::Write as _;

use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;

use crate::dates::from_days;
use crate::metrics::Model;
use crate::metrics::compute::periods;
use crate::publish::Rule;
use crate::regions::{Level, level_of};
use crate::report::bulletin::{self, Built, Context, Lang, Spec, Template, child_level};
use crate::report::{RenderOptions, TemplateSource, render_pdf};

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

/// The import report without what changes from run to run (as `jindu report`).
fn strip_volatile(mut report: serde_json::Value) -> serde_json::Value {
    if let Some(o) = report.as_object_mut() {
        o.remove("key_id");
        o.remove("ephemeral_key");
    }
    report
}

/// Renders one PDF per region code of `codes` (all at the same level: one county per
/// brief, or one bulletin), byte-identical to `jindu report` for the same request.
pub fn render_pdfs(
    model: &Model,
    import_report: &serde_json::Value,
    doc: Doc,
    codes: &[String],
    year: i32,
    english: bool,
    rule: Rule,
) -> Result<Vec<Vec<u8>>> {
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
    let lang = if english { Lang::En } else { Lang::Zh };
    let first = periods(model).first().map_or(year, |p| p.year);
    let mut levels = vec![(level, (year - 10).max(first), year)];
    let child = child_level(level);
    if child != level {
        levels.push((child, (year - 1).max(first), year));
    }
    let cx = Context::new(model, rule, strip_volatile(import_report.clone()), &levels);
    let today = from_days(model.cutoff);
    codes
        .par_iter()
        .map(|code| {
            let spec = Spec {
                template,
                region: code.clone(),
                year,
                lang,
                rule,
            };
            let Built { data, charts } = bulletin::build(&cx, &spec);
            let opts = RenderOptions {
                font_paths: Vec::new(),
                ident: Some(format!(
                    "jindu/{}/{code}/{year}/{}",
                    template.main(),
                    if english { "en" } else { "zh" }
                )),
            };
            render_pdf(
                &TemplateSource::Embedded,
                template.main(),
                &data,
                &charts,
                today,
                &opts,
            )
            .with_context(|| format!("rendering {} for {code}", template.main()))
        })
        .collect()
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
