//! A report job, shared by every front end (`jindu report`, `jindu serve`): from a
//! loaded model and a validated request to PDF bytes. It computes the metric rows of
//! every level the documents need once, applies disclosure control and its audit (or
//! the raw mode), merges the office settings into `meta` and renders one document per
//! region. Nothing here reads arguments, prints or writes files.

use anyhow::{Context as _, Result, bail};
use serde_json::Value;

use super::bulletin::period::PeriodRows;
use super::bulletin::{self, Built, Context, Lang, Served, Spec, Template};
use super::{RenderOptions, TemplateSource, render_pdf_with};
use crate::dates::from_days;
use crate::metrics::Model;
use crate::metrics::compute::periods;
use crate::publish::Rule;
use crate::regions::Level;

/// What every page of a raw document says.
pub const RAW_STAMP: &str = "内部数据，未经发布控制，不得公开 · Internal: figures not disclosure-controlled, not for publication";

/// A validated report request.
#[derive(Debug, Clone)]
pub struct Job {
    /// Which shipped document the data is built for (a template file names the one it
    /// extends).
    pub template: Template,
    /// Where the templates come from, and the main file.
    pub source: TemplateSource,
    pub main: String,
    /// Office settings for `meta` (`cover` first).
    pub settings: Vec<(String, Value)>,
    pub year: i32,
    pub lang: Lang,
    pub rule: Rule,
    /// Figures before disclosure control; every page is stamped.
    pub raw: bool,
    /// The level of the documents (county for `--each county`).
    pub doc_level: Level,
    pub font_paths: Vec<std::path::PathBuf>,
    /// The province of the documents: only its regions are computed (see
    /// [`Context::new_in`]). `None` computes every region of the data.
    pub scope: Option<String>,
}

/// The scope of the documents of `region`: its province.
pub fn scope_of(region: &str) -> Option<String> {
    crate::regions::ancestor(region, Level::Province)
}

/// The import report without what changes from run to run (the ephemeral key id).
pub fn strip_volatile(mut report: Value) -> Value {
    if let Some(o) = report.as_object_mut() {
        o.remove("key_id");
        o.remove("ephemeral_key");
    }
    report
}

/// A job with its metric rows computed, published and audited: render any number of
/// documents from it, in parallel if wanted.
pub struct Prepared<'m> {
    job: Job,
    cx: Context<'m>,
    today: chrono::NaiveDate,
    /// The month or quarter of a periodic brief (`--period quarter|month`).
    period: Option<PeriodRows>,
    /// Make the region files a document likely loads on a second thread while it
    /// renders ([`Prepared::ahead`]).
    ahead: bool,
}

impl Job {
    /// Computes every level of the scope (the documents' own level and its ancestors
    /// over the trend years, deeper levels over the year and the one before), applies
    /// the rule and audits everything a template can reach (unless raw).
    pub fn prepare<'m>(self, model: &'m Model, import_report: Value) -> Result<Prepared<'m>> {
        let year = self.year;
        let first = periods(model).first().map_or(year, |p| p.year);
        let levels: Vec<(Level, i32, i32)> = Level::ALL
            .iter()
            .map(|&l| {
                let from = if l <= self.doc_level {
                    year - 10
                } else {
                    year - 1
                };
                (l, from.max(first), year)
            })
            .collect();
        let cx = Context::new_in(
            model,
            self.rule,
            strip_volatile(import_report),
            &levels,
            self.scope.as_deref(),
        );
        let cx = if self.raw {
            cx.into_raw()
        } else {
            // Everything a template can reach, checked before anything is rendered.
            let audit = crate::publish::audit_template_rows_in(
                cx.template_rows(),
                cx.template_groups(),
                self.rule,
            );
            if let Err(bad) = audit {
                let list: Vec<String> = bad.iter().take(10).map(|v| format!("  {v}")).collect();
                bail!(
                    "the disclosure audit refused the report data ({} cells):\n{}",
                    bad.len(),
                    list.join("\n")
                );
            }
            cx
        };
        Ok(Prepared {
            job: self,
            cx,
            today: from_days(model.cutoff),
            period: None,
            ahead: false,
        })
    }
}

impl Prepared<'_> {
    /// Makes every document a monthly or quarterly brief of `rows`' period: `/data.json`
    /// gains `period` and `period_rows`, `meta.template` is `period-brief` and
    /// `meta.partial` says whether the period runs past the cutoff.
    pub fn with_period(mut self, rows: PeriodRows) -> Self {
        self.period = Some(rows);
        self
    }

    /// Makes, while a document renders, the region files it likely loads
    /// ([`data::likely_regions`](super::bulletin::data::likely_regions)) on a second
    /// thread, ahead of the template asking for them: for a single document on an
    /// otherwise idle core (with `--each`, the documents keep the cores busy).
    pub fn ahead(mut self, on: bool) -> Self {
        self.ahead = on;
        self
    }

    /// The PDF of the document of region `code`.
    pub fn render(&self, code: &str) -> Result<Vec<u8>> {
        if !self.ahead {
            return self.render_now(code);
        }
        let codes = bulletin::data::likely_regions(&self.cx, code);
        std::thread::scope(|s| {
            s.spawn(|| bulletin::data::make_region_files(&self.cx, &codes));
            self.render_now(code)
        })
    }

    fn render_now(&self, code: &str) -> Result<Vec<u8>> {
        let job = &self.job;
        let spec = Spec {
            template: job.template,
            region: code.to_string(),
            year: job.year,
            lang: job.lang,
            rule: job.rule,
        };
        let Built { mut data, charts } = bulletin::build(&self.cx, &spec);
        if let Some(p) = &self.period {
            data["period"] = p.period_json();
            data["period_rows"] = p.rows_json(code);
            if let Some(meta) = data["meta"].as_object_mut() {
                meta.insert("template".into(), "period-brief".into());
                meta.insert("partial".into(), p.period.partial.into());
            }
        }
        if let Some(meta) = data["meta"].as_object_mut() {
            meta.insert("raw".into(), job.raw.into());
            for (k, v) in &job.settings {
                if meta.contains_key(k) && k != "cover" {
                    bail!(
                        "setting {k:?}: meta.{k} is given by jindu; choose another name (see docs/templates.md)"
                    );
                }
                meta.insert(k.clone(), v.clone());
            }
        }
        let opts = RenderOptions {
            font_paths: job.font_paths.clone(),
            ident: Some(format!(
                "jindu/{}/{code}/{}/{}",
                job.main,
                self.period
                    .as_ref()
                    .map_or_else(|| job.year.to_string(), |p| p.period.label()),
                if job.lang == Lang::En { "en" } else { "zh" }
            )),
            stamp: job.raw.then(|| RAW_STAMP.to_string()),
        };
        let served = Served {
            cx: &self.cx,
            region: code.to_string(),
            year: job.year,
            lang: job.lang,
        };
        render_pdf_with(
            &job.source,
            &job.main,
            &data,
            &charts,
            Some(&served),
            self.today,
            &opts,
        )
        .with_context(|| format!("rendering {} for {code}", job.main))
    }
}

/// The cover setting every job starts with (templates read `meta.cover`).
pub fn default_settings() -> Vec<(String, Value)> {
    vec![("cover".into(), true.into())]
}

/// The year of the cutoff when it is complete, else the year before.
pub fn default_year(model: &Model) -> Result<i32> {
    let ps = periods(model);
    let Some(last) = ps.last() else {
        bail!("the data has no periods");
    };
    Ok(if last.partial {
        last.year - 1
    } else {
        last.year
    })
}

pub fn default_region(model: &Model) -> Result<String> {
    let provinces: Vec<_> = model.regions.at_level(Level::Province).collect();
    match provinces.as_slice() {
        [one] => Ok(one.code.clone()),
        [] => bail!("the region table has no province: pass --region CODE"),
        many => bail!(
            "the data has {} provinces ({}): pass --region CODE",
            many.len(),
            many.iter()
                .map(|r| format!("{} {}", r.code, r.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
