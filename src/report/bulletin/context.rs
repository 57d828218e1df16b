//! The metric rows the documents of a run are built from: every metric computed once
//! per level for all regions, raw and published (disclosure-controlled), indexed by
//! (metric, year, region, breakdown); and the Kaplan–Meier subjects of the relapse
//! cohorts, chosen by the rules of the metrics.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde_json::Value;

use crate::metrics::compute::{Entry, Period, cohort_entry, subject, survival_window};
use crate::metrics::{MetricRow, Model, Request, compute};
use crate::publish::{self, Rule};
use crate::regions::{Level, significant_prefix};
use crate::stats::{KaplanMeier, Subject};

type Key = (&'static str, i32, String, &'static str, String);

/// Metric rows of one level, raw and published (same order), with an index.
struct LevelRows {
    raw: Vec<MetricRow>,
    publ: Vec<MetricRow>,
    index: HashMap<Key, usize>,
}

/// The metric rows the documents are built from, computed once per level and shared
/// by every document of a run (`--each county`).
pub struct Context<'a> {
    pub model: &'a Model,
    pub rule: Rule,
    /// Input files with SHA-256 and row accounting (`import_report` of the load).
    pub import_report: Value,
    levels: BTreeMap<Level, LevelRows>,
    /// The rows templates can reach: the published rows of every level, completed
    /// across levels ([`publish::complete_suppression`]), or the raw rows in raw mode.
    template: TemplateRows,
    /// Greenwood standard errors of Kaplan–Meier rates, by (metric, region, year),
    /// computed once per run (`--each county` shares the province's).
    se_cache: std::sync::Mutex<HashMap<(String, String, i32), Option<f64>>>,
    /// Relapse cohorts as published, by (region, year), computed once per run.
    cohort_cache: std::sync::Mutex<HashMap<(String, i32), Arc<Cohort>>>,
}

/// Days of the numbers-at-risk table under a cumulative relapse curve: 0, 6, 12, 24
/// and 36 months.
const AT_RISK_DAYS: [u32; 5] = [0, 183, 365, 730, 1096];

/// The community-measure entry cohort of a region and year as it may be published
/// (METRICS.md "Relapse cohorts" and "Publication"): its size, and its cumulative
/// relapse curve (Kaplan–Meier, `1 − S(t)`) cut where fewer than `threshold` persons
/// remain at risk, with the numbers at risk at [`AT_RISK_DAYS`]. `drawn` is false when
/// the cohort has fewer than `threshold` persons, or the curve would show 1 to
/// `threshold − 1` relapses (a small count).
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    pub year: i32,
    pub persons: u64,
    pub drawn: bool,
    /// (day, cumulative relapse) from (0, 0), when drawn.
    pub points: Vec<(u32, f64)>,
    /// (day, persons at risk), when drawn.
    pub at_risk: Vec<(u32, u64)>,
}

impl Cohort {
    fn of(model: &Model, rule: Rule, region: &str, year: i32) -> Cohort {
        let subjects = cohort_subjects(model, region, year);
        let persons = subjects.len() as u64;
        let mut c = Cohort {
            year,
            persons,
            drawn: false,
            points: Vec::new(),
            at_risk: Vec::new(),
        };
        if persons < rule.threshold.max(1) {
            return c;
        }
        let km = KaplanMeier::fit(&subjects);
        let shown = km
            .steps
            .iter()
            .filter(|s| s.events > 0 && s.at_risk >= rule.threshold);
        let drawn: u64 = shown.clone().map(|s| s.events).sum();
        if rule.too_small(drawn) {
            return c;
        }
        let max_t = km.steps.last().map_or(0, |s| s.time);
        c.points = std::iter::once((0, 0.0))
            .chain(shown.map(|s| (s.time, 1.0 - s.survival)))
            .collect();
        c.at_risk = AT_RISK_DAYS
            .iter()
            .filter(|&&d| d <= max_t)
            .map(|&d| (d, km.at_risk_at(d)))
            .filter(|(_, k)| *k >= rule.threshold)
            .collect();
        c.drawn = true;
        c
    }
}

/// The rows handed to templates, indexed by region.
struct TemplateRows {
    rows: Vec<MetricRow>,
    by_region: HashMap<String, Vec<usize>>,
    index: HashMap<Key, usize>,
    /// The breakdown names present.
    breakdowns: Vec<&'static str>,
    raw: bool,
}

impl TemplateRows {
    fn new(rows: Vec<MetricRow>, raw: bool) -> TemplateRows {
        let mut by_region: HashMap<String, Vec<usize>> = HashMap::new();
        let mut index = HashMap::new();
        let mut breakdowns = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            by_region.entry(r.region_code.clone()).or_default().push(i);
            index.insert(key(r), i);
            if !breakdowns.contains(&r.breakdown) {
                breakdowns.push(r.breakdown);
            }
        }
        TemplateRows {
            rows,
            by_region,
            index,
            breakdowns,
            raw,
        }
    }
}

fn key(r: &MetricRow) -> Key {
    (
        r.metric,
        r.period.parse().unwrap_or(0),
        r.region_code.clone(),
        r.breakdown,
        r.breakdown_value.clone(),
    )
}

/// The level whose regions make up a region's per-area tables.
pub fn child_level(level: Level) -> Level {
    match level {
        Level::Province | Level::City => Level::County,
        _ => Level::Township,
    }
}

impl<'a> Context<'a> {
    /// Computes every metric at `levels` for the years `from..=to` (all regions).
    pub fn new(
        model: &'a Model,
        rule: Rule,
        import_report: Value,
        levels: &[(Level, i32, i32)],
    ) -> Context<'a> {
        Context::new_in(model, rule, import_report, levels, None)
    }

    /// As [`Context::new`], for the regions inside `scope` only (a region code: the
    /// province of the documents). A report's scope is its region, the ancestors and
    /// the descendants: the province holds all of them, and complementary suppression
    /// across levels is complete inside it. On national data this computes one
    /// province instead of the whole country.
    pub fn new_in(
        model: &'a Model,
        rule: Rule,
        import_report: Value,
        levels: &[(Level, i32, i32)],
        scope: Option<&str>,
    ) -> Context<'a> {
        let mut map = BTreeMap::new();
        for &(level, from, to) in levels {
            let req = Request {
                metrics: Vec::new(),
                level,
                scope: scope.map(str::to_string),
                from: Some(from),
                to: Some(to),
            };
            let raw = compute(model, &req);
            let mut publ = raw.clone();
            publish::publish_rows(&mut publ, rule);
            let index = raw
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let year = r.period.parse().unwrap_or(0);
                    (
                        (
                            r.metric,
                            year,
                            r.region_code.clone(),
                            r.breakdown,
                            r.breakdown_value.clone(),
                        ),
                        i,
                    )
                })
                .collect();
            map.insert(level, LevelRows { raw, publ, index });
        }
        let raw: Vec<MetricRow> = map.values().flat_map(|l| l.raw.iter().cloned()).collect();
        let mut publ: Vec<MetricRow> = map.values().flat_map(|l| l.publ.iter().cloned()).collect();
        publish::complete_suppression(&raw, &mut publ);
        Context {
            model,
            rule,
            import_report,
            levels: map,
            template: TemplateRows::new(publ, false),
            se_cache: std::sync::Mutex::new(HashMap::new()),
            cohort_cache: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Raw mode (`--raw`): templates reach the rows before disclosure control. The
    /// documents then say so on every page.
    pub fn into_raw(mut self) -> Self {
        let raw: Vec<MetricRow> = self
            .levels
            .values()
            .flat_map(|l| l.raw.iter().cloned())
            .collect();
        self.template = TemplateRows::new(raw, true);
        self
    }

    /// [`greenwood_se`], computed once per (metric, region, year).
    pub(super) fn greenwood_se(&self, metric: &str, region: &str, year: i32) -> Option<f64> {
        let key = (metric.to_string(), region.to_string(), year);
        if let Some(se) = self
            .se_cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return *se;
        }
        let se = greenwood_se(self.model, metric, region, year);
        self.se_cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, se);
        se
    }

    /// The relapse cohort of `region` entering in `year` as it may be published
    /// ([`Cohort`]), computed once per run.
    pub fn cohort(&self, region: &str, year: i32) -> Arc<Cohort> {
        let key = (region.to_string(), year);
        let cache = || self.cohort_cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache().get(&key) {
            return c.clone();
        }
        let c = Arc::new(Cohort::of(self.model, self.rule, region, year));
        cache().insert(key, c.clone());
        c
    }

    /// Whether templates reach raw (not disclosure-controlled) rows.
    pub fn is_raw(&self) -> bool {
        self.template.raw
    }

    /// Every row templates can reach (published, unless [`is_raw`](Self::is_raw)).
    pub fn template_rows(&self) -> &[MetricRow] {
        &self.template.rows
    }

    /// The rows of one region templates can reach, in metric/period/breakdown order.
    pub fn template_rows_of(&self, code: &str) -> impl Iterator<Item = &MetricRow> {
        self.template
            .by_region
            .get(code)
            .into_iter()
            .flatten()
            .map(|&i| &self.template.rows[i])
    }

    /// The template row of a metric, year, region and breakdown.
    pub fn template_row(
        &self,
        metric: &str,
        year: i32,
        code: &str,
        bd: &str,
        bv: &str,
    ) -> Option<&MetricRow> {
        let def = crate::metrics::defs::find(metric)?;
        let bd = *self.template.breakdowns.iter().find(|b| **b == bd)?;
        self.template
            .index
            .get(&(def.id, year, code.to_string(), bd, bv.to_string()))
            .map(|&i| &self.template.rows[i])
    }

    /// The levels computed, with their first and last year.
    pub fn level_years(&self) -> Vec<(Level, i32, i32)> {
        self.levels
            .iter()
            .filter_map(|(l, rows)| {
                let years = rows.raw.iter().filter_map(|r| r.period.parse::<i32>().ok());
                let (lo, hi) = years.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
                (lo <= hi).then_some((*l, lo, hi))
            })
            .collect()
    }

    pub(super) fn find(
        &self,
        level: Level,
        metric: &'static str,
        year: i32,
        code: &str,
    ) -> Option<usize> {
        self.find_bd(level, metric, year, code, "", "")
    }

    pub(super) fn find_bd(
        &self,
        level: Level,
        metric: &'static str,
        year: i32,
        code: &str,
        bd: &'static str,
        bv: &str,
    ) -> Option<usize> {
        self.levels
            .get(&level)?
            .index
            .get(&(metric, year, code.to_string(), bd, bv.to_string()))
            .copied()
    }

    pub(super) fn raw(&self, level: Level, i: usize) -> &MetricRow {
        &self.levels[&level].raw[i]
    }

    /// Codes and names of the regions of `level` inside `scope`, in code order, as the
    /// metric rows list them (pseudo-regions included).
    pub fn regions_in(&self, level: Level, scope: &str, year: i32) -> Vec<(String, String)> {
        let prefix = significant_prefix(scope);
        let Some(l) = self.levels.get(&level) else {
            return Vec::new();
        };
        l.raw
            .iter()
            .filter(|r| {
                r.metric == "registered"
                    && r.period == year.to_string()
                    && r.region_code.starts_with(prefix)
            })
            .map(|r| (r.region_code.clone(), r.region_name.clone()))
            .collect()
    }
}

/// The Kaplan–Meier subjects of the community-measure entry cohort of `year` inside
/// `region`, with exactly the rules of `relapse_12m` (METRICS.md "Relapse cohorts"):
/// the earliest community measure reported in the year (ties: smaller id), the
/// region of that measure, follow-up by [`subject`].
pub fn cohort_subjects(model: &Model, region: &str, year: i32) -> Vec<Subject> {
    cohort(model, Entry::Community, region, year)
}

/// The subjects of the `entry` cohort of `year` inside `region` (see
/// [`cohort_subjects`]).
fn cohort(model: &Model, entry: Entry, region: &str, year: i32) -> Vec<Subject> {
    let per = Period::new(year, model.cutoff);
    let prefix = significant_prefix(region);
    let mut out = Vec::new();
    for p in &model.persons {
        if let Some((m, index)) = cohort_entry(p, entry, &per)
            && model.codes.get(m.region).starts_with(prefix)
            && let Some(s) = subject(p, index, model.cutoff)
        {
            out.push(s);
        }
    }
    out
}

/// Greenwood's standard error of the Kaplan–Meier relapse rate `metric` of `year`
/// inside `region` (the variance of `S(w)`, that of `1 − S(w)`); none for other
/// metrics or where the rate is undefined.
pub(super) fn greenwood_se(model: &Model, metric: &str, region: &str, year: i32) -> Option<f64> {
    let (entry, w) = survival_window(metric)?;
    KaplanMeier::fit(&cohort(model, entry, region, year)).greenwood_se_at(w)
}
