//! The data of report templates (the shipped annual bulletin 年度禁毒工作统计公报 and
//! county briefs among them): metric rows → published (disclosure-controlled) rows
//! handed to templates as data (`data`: `/data.json`, `/data/regions/CODE.json` and
//! `/data/cohorts/CODE.json`, the contract of `docs/templates.md`) and charts drawn on
//! request (`charts`: `/charts/KIND/….svg`). Every word of a document is its
//! template's (`report-templates/`); this module has numbers, names and charts.
//!
//! Every number a template reaches comes from a metric row that went through
//! [`crate::publish::publish_rows`], [`crate::publish::complete_suppression`] and
//! the audit of the rows templates reach; nothing here decides what is too small
//! (the relapse cohorts and pooled counts apply the same rule, see `context`, `data`).
//!
//! The module is split by what each part owns: `context` (the metric rows of a run,
//! computed once, the rows templates reach, the relapse cohorts), `data` (the template
//! data and the files served on request), `charts` (charts on request), `compare`
//! (year-on-year comparisons), `text` (the language, value wording and the charts'
//! fixed words), `methods` (the metric definitions); this file assembles a document's
//! data ([`build`]) and checks its region and year ([`validate`]).

mod charts;
mod compare;
mod context;
pub mod data;
mod methods;
pub mod period;
mod text;

use serde_json::{Value, json};

use crate::metrics::Model;
use crate::metrics::compute::{Period, periods};
use crate::publish::Rule;
use crate::regions::{Level, level_of};

pub use charts::KINDS as CHART_KINDS;
pub use context::{Cohort, Context, child_level, cohort_subjects};
pub use data::Served;
pub use text::{Lang, fmt_rate};

/// Which document to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    AnnualBulletin,
    CountyBrief,
}

impl Template {
    /// The Typst file of the template.
    pub fn main(self) -> &'static str {
        match self {
            Template::AnnualBulletin => "annual-bulletin.typ",
            Template::CountyBrief => "county-brief.typ",
        }
    }
}

/// What one document covers.
#[derive(Debug, Clone)]
pub struct Spec {
    pub template: Template,
    /// Region code (province, city or county).
    pub region: String,
    pub year: i32,
    pub lang: Lang,
    pub rule: Rule,
}

/// The data and charts of one document: `/data.json`, and charts drawn before
/// rendering (`/charts/NAME.svg`; none today: templates ask for theirs).
#[derive(Debug, Clone)]
pub struct Built {
    pub data: Value,
    pub charts: Vec<(String, String)>,
}

/// Builds the data of one document (`/data.json`). The region and year must have been
/// validated (see [`validate`]). Charts are drawn when the template loads them.
pub fn build(cx: &Context, spec: &Spec) -> Built {
    let level = level_of(&spec.region);
    let name = cx
        .model
        .regions
        .name(&spec.region)
        .unwrap_or(&spec.region)
        .to_string();
    let partial = Period::new(spec.year, cx.model.cutoff).partial;
    let mut data = json!({
        "meta": {
            "template": spec.template.main().trim_end_matches(".typ"),
            "lang": match spec.lang { Lang::Zh => "zh", Lang::En => "en" },
            "region_code": spec.region,
            "region_name": name,
            "region_level": level.as_str(),
            "year": spec.year,
            "partial": partial,
            "engine": format!("jindu {}", env!("CARGO_PKG_VERSION")),
        },
    });
    if let (Some(out), Value::Object(generic)) = (
        data.as_object_mut(),
        data::template_json(cx, &spec.region, spec.year, spec.lang),
    ) {
        out.extend(generic);
    }
    Built {
        data,
        charts: Vec::new(),
    }
}

/// Checks a region and year against the data: a clear message when they do not fit.
pub fn validate(model: &Model, region: &str, year: i32) -> Result<(), String> {
    let ps = periods(model);
    let (Some(first), Some(last)) = (ps.first(), ps.last()) else {
        return Err("the data has no periods".into());
    };
    if year < first.year || year > last.year {
        return Err(format!(
            "--year {year}: the data covers {}–{} (cutoff {})",
            first.year,
            last.year,
            crate::dates::iso(model.cutoff)
        ));
    }
    if !region.bytes().all(|b| b.is_ascii_digit()) || region.len() != 6 {
        return Err(format!(
            "--region {region:?}: give a 6-digit province, city or county code"
        ));
    }
    if !model.regions.contains(region) {
        let known: Vec<String> = model
            .regions
            .by_code
            .values()
            .filter(|r| r.level != Level::Township)
            .take(8)
            .map(|r| format!("{} {}", r.code, r.name))
            .collect();
        return Err(format!(
            "--region {region}: no such region in the region table (e.g. {} …)",
            known.join(", ")
        ));
    }
    Ok(())
}
