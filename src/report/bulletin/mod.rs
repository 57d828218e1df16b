//! The data of report templates and of the shipped annual bulletin (年度禁毒工作统计公报)
//! and county briefs: metric rows → published (disclosure-controlled) rows handed to
//! templates as data (`data`: `/data.json` and `/data/regions/CODE.json`, the contract
//! of `docs/templates.md`), charts drawn on request (`charts`: `/charts/KIND/….svg`),
//! and — until the shipped narrative is written in the templates — the numbered
//! sections of the shipped bulletin as blocks (`sections`).
//!
//! Every number shown comes from a metric row that went through
//! [`crate::publish::publish_rows`] (and, for what templates reach,
//! [`crate::publish::complete_suppression`] and its audit), or, for the tables the
//! sections build with a total row (children of the region plus the region itself),
//! through [`crate::publish::complementary`]. Nothing here decides what is too small.
//!
//! `/data.json` has the keys of `docs/templates.md` (`meta`, `scope`, `rule`, `levels`,
//! `regions`, `metrics`, `provenance`, `definitions`) and `sections`: an ordered list of
//! `{id, title, blocks}`, where a block is a paragraph, a table or a chart. Every
//! year-on-year comparison a section prints comes with its numbers (see `compare`): a
//! paragraph's or table's `comparisons` (in a table with its `cell`). A chart block has
//! the number of its published `points`; a chart with fewer than three, and a table
//! whose every figure is hidden, are replaced by a sentence.
//!
//! The module is split by what each part owns: `context` (the metric rows of a run,
//! computed once, and the rows templates reach), `data` (the template data and the
//! files served on request), `charts` (charts on request), `compare` (year-on-year
//! comparisons), `text` (the language, the Chinese/English words of the sections, value
//! and comparison wording, the charts' fixed words), `doc` (one document under
//! construction and the JSON blocks), `people` and `measures` (the numbered sections),
//! `methods` (annex tables and the metric definitions); this file assembles a document
//! ([`build`]) and checks its region and year ([`validate`]).

mod charts;
mod compare;
mod context;
pub mod data;
mod doc;
mod measures;
mod methods;
mod people;
pub mod period;
mod text;

use std::cell::RefCell;

use serde_json::{Value, json};

use crate::metrics::Model;
use crate::metrics::compute::{Period, periods};
use crate::publish::{HIDDEN_RATE, Rule};
use crate::regions::{Level, level_of};

pub use charts::KINDS as CHART_KINDS;
pub use context::{Context, child_level, cohort_subjects};
pub use data::Served;
pub use text::{Lang, fmt_rate};

use doc::Doc;
use text::Tr;

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

/// The data and charts of one document.
#[derive(Debug, Clone)]
pub struct Built {
    pub data: Value,
    pub charts: Vec<(String, String)>,
}

/// Number of years of the trend charts.
const TREND_YEARS: i32 = 10;

/// Builds the data and charts of one document. The region and year must have been
/// validated (see [`validate`]).
pub fn build(cx: &Context, spec: &Spec) -> Built {
    let level = level_of(&spec.region);
    let child = child_level(level);
    let tr = Tr(spec.lang);
    let name = cx
        .model
        .regions
        .name(&spec.region)
        .unwrap_or(&spec.region)
        .to_string();
    let first = periods(cx.model).first().map_or(spec.year, |p| p.year);
    let years: Vec<i32> = ((spec.year - TREND_YEARS + 1).max(first)..=spec.year).collect();
    let children = cx.regions_in(child, &spec.region, spec.year);
    let mut doc = Doc {
        cx,
        tr,
        level,
        child,
        code: spec.region.clone(),
        name: name.clone(),
        year: spec.year,
        years,
        children,
        charts: Vec::new(),
        empty: Vec::new(),
        points: Vec::new(),
        said: RefCell::new(Vec::new()),
    };
    let partial = Period::new(spec.year, cx.model.cutoff).partial;
    let y = spec.year;
    let sections = match spec.template {
        Template::AnnualBulletin => vec![
            doc.new_users(),
            doc.stocks(),
            doc.execution(),
            doc.relapse(),
            doc.services(),
            doc.officers(),
            doc.cross_region(),
            doc.annex(),
        ],
        Template::CountyBrief => {
            let mut s = vec![doc.new_users(), doc.stocks(), doc.execution()];
            // A brief keeps the text, one chart or table per section: two pages.
            for sec in &mut s {
                let id = sec["id"].as_str().unwrap_or("").to_string();
                if let Some(blocks) = sec["blocks"].as_array_mut() {
                    let n = blocks.len();
                    let mut i = 0;
                    blocks.retain(|b| {
                        i += 1;
                        let kind = b["kind"].as_str().unwrap_or("");
                        kind == "par"
                            || match id.as_str() {
                                "new_users" => kind == "chart" || (kind == "table" && i < n),
                                "stocks" => b["name"] == "stocks",
                                "execution" => kind == "table",
                                _ => false,
                            }
                    });
                }
            }
            doc.charts
                .retain(|(n, _)| n == "new-users" || n == "stocks");
            s
        }
    };
    let mut sections = sections;
    // Small areas (METRICS.md "Publication", v1.2): a chart with too few published
    // points, and a table whose every figure is hidden, become a sentence.
    let hidden = [
        cx.rule.hidden_count(),
        HIDDEN_RATE.to_string(),
        String::new(),
        doc.tr.not_compared(),
    ];
    for sec in &mut sections {
        for b in sec["blocks"].as_array_mut().into_iter().flatten() {
            if let Some((_, n)) = doc
                .points
                .iter()
                .find(|(name, _)| b["name"] == name.as_str())
            {
                b["points"] = (*n).into();
            }
            let why = match b["kind"].as_str() {
                Some("chart") => doc
                    .empty
                    .iter()
                    .find(|(name, _)| b["name"] == name.as_str())
                    .map(|(_, why)| why.clone()),
                Some("table") if all_hidden(b, &hidden) => {
                    let caption = b["caption"].as_str().unwrap_or("");
                    Some(doc.tr.t(
                        &format!("{caption}：各项数值均因人数过少不予公布。"),
                        &format!("{caption}: every figure is too small to publish."),
                    ))
                }
                _ => None,
            };
            if let Some(text) = why {
                *b = json!({"kind": "par", "text": text});
            }
        }
    }
    let data = json!({
        "meta": {
            "template": spec.template.main().trim_end_matches(".typ"),
            "lang": match spec.lang { Lang::Zh => "zh", Lang::En => "en" },
            "region_code": spec.region,
            "region_name": name,
            "region_level": level.as_str(),
            "year": y,
            "partial": partial,
            "engine": format!("jindu {}", env!("CARGO_PKG_VERSION")),
        },
        "sections": sections,
    });
    let mut data = data;
    if let (Some(out), Value::Object(generic)) = (
        data.as_object_mut(),
        data::template_json(cx, &spec.region, spec.year, spec.lang),
    ) {
        out.extend(generic);
    }
    Built {
        data,
        charts: doc.charts,
    }
}

/// Whether every figure of a table block is one of `hidden` (the first `labels`
/// columns, 1 unless the block says, name the rows).
fn all_hidden(table: &Value, hidden: &[String]) -> bool {
    let labels = table["labels"].as_u64().unwrap_or(1) as usize;
    table["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r.as_array().into_iter().flatten().skip(labels))
        .all(|c| c.as_str().is_some_and(|c| hidden.iter().any(|h| h == c)))
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
