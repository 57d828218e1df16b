//! The metric rows the documents of a run are built from: every metric computed once
//! per level for all regions, raw and published (disclosure-controlled), indexed by
//! (metric, year, region, breakdown); and the Kaplan–Meier subjects of the relapse
//! cohorts, chosen by the rules of the metrics.

use std::collections::BTreeMap;
use std::sync::Arc;

use polars::prelude::{InitHashMaps, PlHashMap};

use rayon::prelude::*;
use serde_json::Value;

use crate::metrics::compute::{Entry, Period, cohort_entry, subject, survival_window};
use crate::metrics::model::Code;
use crate::metrics::{MetricRow, Model, Request, compute};
use crate::publish::{self, Rule};
use crate::regions::{Level, significant_prefix};
use crate::stats::{KaplanMeier, Subject};

/// (metric, year, region code, breakdown, breakdown value), the strings numbered by
/// [`Names`].
type Key = (&'static str, i32, u32, &'static str, u32);

/// The region codes and breakdown values of the rows, numbered: the keys of the
/// indexes hold numbers, so building and looking up a key allocates nothing.
#[derive(Default)]
struct Names(PlHashMap<String, u32>);

impl Names {
    fn add(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.0.get(s) {
            return i;
        }
        let i = self.0.len() as u32;
        self.0.insert(s.to_string(), i);
        i
    }

    fn get(&self, s: &str) -> Option<u32> {
        self.0.get(s).copied()
    }

    /// The key of a row whose strings were added.
    fn key(&self, r: &MetricRow) -> Key {
        (
            r.metric,
            r.period.parse().unwrap_or(0),
            self.get(&r.region_code).expect("a region code of the rows"),
            r.breakdown,
            self.get(&r.breakdown_value)
                .expect("a breakdown value of the rows"),
        )
    }

    /// The key of a metric, year, region and breakdown; none when no row has the
    /// region or value.
    fn find(
        &self,
        metric: &'static str,
        year: i32,
        code: &str,
        bd: &'static str,
        bv: &str,
    ) -> Option<Key> {
        Some((metric, year, self.get(code)?, bd, self.get(bv)?))
    }
}

/// The raw metric rows of one level: `Context::raw[start..start + len]`, with an index
/// into them.
struct LevelRows {
    start: usize,
    len: usize,
    index: PlHashMap<Key, usize>,
}

/// The metric rows the documents are built from, computed once per level and shared
/// by every document of a run (`--each county`).
pub struct Context<'a> {
    pub model: &'a Model,
    pub rule: Rule,
    /// Input files with SHA-256 and row accounting (`import_report` of the load).
    pub import_report: Value,
    /// The raw rows of every level, in level order.
    raw: Vec<MetricRow>,
    /// The strings of the rows' keys, numbered.
    names: Names,
    /// The additive tables of the rows ([`publish::additive_groups`]): the same for
    /// the raw and the published rows.
    groups: Vec<publish::AdditiveGroup>,
    levels: BTreeMap<Level, LevelRows>,
    /// The rows templates can reach: the published rows of every level, completed
    /// across levels ([`publish::complete_suppression`]), or the raw rows in raw mode.
    template: TemplateRows,
    /// Greenwood standard errors of Kaplan–Meier rates, by (metric, region, year),
    /// computed once per run (`--each county` shares the province's).
    se_cache: std::sync::Mutex<PlHashMap<(String, String, i32), Option<f64>>>,
    /// Relapse cohorts as published, by (region, year), computed once per run.
    cohort_cache: std::sync::Mutex<PlHashMap<(String, i32), Arc<Cohort>>>,
    /// The entrants of the relapse cohorts of a year ([`entrants`]), by (release
    /// cohort, year), computed once per run.
    entrants_cache: std::sync::Mutex<PlHashMap<(bool, i32), Arc<Entrants>>>,
    /// The bytes of the region files (`/data/regions/CODE.json`, `/data/index/CODE.json`)
    /// by virtual path, made once per run (the same for every document;
    /// [`Context::region_file`]).
    region_files: std::sync::Mutex<PlHashMap<String, Arc<RegionFile>>>,
    /// The levels computed with their first and last year.
    level_years: Vec<(Level, i32, i32)>,
}

/// The entrants of a relapse cohort year: the region of the entry measure and the
/// subject, in person order ([`entrants`]).
type Entrants = Vec<(Code, Subject)>;

/// A file made once, by whichever thread asks first; the others wait for it.
type RegionFile = std::sync::OnceLock<Result<Arc<Vec<u8>>, String>>;

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
    /// The cohort of `year` from its `subjects` ([`cohort_subjects`]).
    fn of(subjects: &[Subject], rule: Rule, year: i32) -> Cohort {
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
        let km = KaplanMeier::fit(subjects);
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
    by_region: PlHashMap<u32, Vec<usize>>,
    index: PlHashMap<Key, usize>,
    /// The breakdown names present.
    breakdowns: Vec<&'static str>,
    raw: bool,
}

impl TemplateRows {
    /// `names` has the strings of `rows`.
    fn new(rows: Vec<MetricRow>, raw: bool, names: &Names) -> TemplateRows {
        let mut by_region: PlHashMap<u32, Vec<usize>> = PlHashMap::new();
        let mut index = PlHashMap::with_capacity(rows.len());
        let mut breakdowns = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let key = names.key(r);
            by_region.entry(key.2).or_default().push(i);
            index.insert(key, i);
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
        // The levels are independent: computed in parallel (a level's computation is
        // serial for a province's persons), in a fixed order whatever the threads.
        let computed: Vec<(Level, Vec<MetricRow>, Vec<MetricRow>)> = levels
            .par_iter()
            .with_max_len(1)
            .map(|&(level, from, to)| {
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
                (level, raw, publ)
            })
            .collect();
        // A level given twice keeps its last computation; rows in level order.
        let mut by_level: BTreeMap<Level, (Vec<MetricRow>, Vec<MetricRow>)> = BTreeMap::new();
        for (level, raw, publ) in computed {
            by_level.insert(level, (raw, publ));
        }
        let total: usize = by_level.values().map(|(raw, _)| raw.len()).sum();
        let mut raw: Vec<MetricRow> = Vec::with_capacity(total);
        let mut publ: Vec<MetricRow> = Vec::with_capacity(total);
        let mut spans = Vec::new();
        for (level, (r, p)) in by_level {
            spans.push((level, raw.len(), r.len()));
            raw.extend(r);
            publ.extend(p);
        }
        // The suppression across levels and the indexes read the same raw rows: both at
        // once.
        let (groups, (names, map)) = rayon::join(
            || {
                let groups = publish::additive_groups(&raw);
                publish::complete_suppression_in(&raw, &mut publ, &groups);
                groups
            },
            || {
                let mut names = Names::default();
                let mut map = BTreeMap::new();
                for &(level, start, len) in &spans {
                    let index = raw[start..start + len]
                        .iter()
                        .enumerate()
                        .map(|(i, row)| {
                            names.add(&row.region_code);
                            names.add(&row.breakdown_value);
                            (names.key(row), i)
                        })
                        .collect();
                    map.insert(level, LevelRows { start, len, index });
                }
                (names, map)
            },
        );
        let mut cx = Context {
            model,
            rule,
            import_report,
            raw,
            levels: map,
            template: TemplateRows::new(publ, false, &names),
            names,
            groups,
            se_cache: std::sync::Mutex::new(PlHashMap::new()),
            cohort_cache: std::sync::Mutex::new(PlHashMap::new()),
            entrants_cache: std::sync::Mutex::new(PlHashMap::new()),
            region_files: std::sync::Mutex::new(PlHashMap::new()),
            level_years: Vec::new(),
        };
        cx.level_years = cx.years_of_levels();
        cx
    }

    /// Raw mode (`--raw`): templates reach the rows before disclosure control. The
    /// documents then say so on every page.
    pub fn into_raw(mut self) -> Self {
        self.template = TemplateRows::new(self.raw.clone(), true, &self.names);
        self
    }

    /// Greenwood's standard error of the Kaplan–Meier relapse rate `metric` of `year`
    /// inside `region` (the variance of `S(w)`, that of `1 − S(w)`); none for other
    /// metrics or where the rate is undefined. Computed once per (metric, region, year).
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
        let se = survival_window(metric).and_then(|(entry, w)| {
            KaplanMeier::fit(&self.cohort_in(entry, region, year)).greenwood_se_at(w)
        });
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
        let subjects = self.cohort_in(Entry::Community, region, year);
        let c = Arc::new(Cohort::of(&subjects, self.rule, year));
        cache().insert(key, c.clone());
        c
    }

    /// The subjects of the `entry` cohort of `year` inside `region`: [`cohort`], from
    /// the entrants of the year computed once per run ([`entrants`]).
    fn cohort_in(&self, entry: Entry, region: &str, year: i32) -> Vec<Subject> {
        let key = (entry == Entry::Release, year);
        let cached = self
            .entrants_cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        let all = match cached {
            Some(all) => all,
            None => {
                let all = Arc::new(entrants(self.model, entry, year));
                self.entrants_cache
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(key, all.clone());
                all
            }
        };
        let prefix = significant_prefix(region);
        all.iter()
            .filter(|(code, _)| self.model.codes.get(*code).starts_with(prefix))
            .map(|(_, s)| *s)
            .collect()
    }

    /// The region file at virtual `path` made by `make`, once per run: a second caller
    /// (another document, or the thread that makes the files a document will load) gets
    /// the same bytes.
    pub(super) fn region_file(
        &self,
        path: &str,
        make: impl FnOnce() -> Result<Vec<u8>, String>,
    ) -> Result<Arc<Vec<u8>>, String> {
        let cell = self
            .region_files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(path.to_string())
            .or_default()
            .clone();
        cell.get_or_init(|| make().map(Arc::new)).clone()
    }

    /// The raw rows of a level.
    fn rows(&self, l: &LevelRows) -> &[MetricRow] {
        &self.raw[l.start..l.start + l.len]
    }

    /// The additive tables of [`template_rows`](Self::template_rows), for
    /// [`publish::audit_template_rows_in`].
    pub fn template_groups(&self) -> &[publish::AdditiveGroup] {
        &self.groups
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
        self.names
            .get(code)
            .and_then(|c| self.template.by_region.get(&c))
            .into_iter()
            .flatten()
            .map(|&i| &self.template.rows[i])
    }

    /// The region codes of the rows templates can reach, each once, in no order.
    pub fn template_codes(&self) -> impl Iterator<Item = &str> {
        self.names
            .0
            .iter()
            .filter(|&(_, id)| self.template.by_region.contains_key(id))
            .map(|(code, _)| code.as_str())
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
        let key = self.names.find(def.id, year, code, bd, bv)?;
        self.template
            .index
            .get(&key)
            .map(|&i| &self.template.rows[i])
    }

    /// The levels computed, with their first and last year.
    pub fn level_years(&self) -> Vec<(Level, i32, i32)> {
        self.level_years.clone()
    }

    /// [`level_years`](Self::level_years), computed once.
    fn years_of_levels(&self) -> Vec<(Level, i32, i32)> {
        self.levels
            .iter()
            .filter_map(|(l, rows)| {
                let years = self
                    .rows(rows)
                    .iter()
                    .filter_map(|r| r.period.parse::<i32>().ok());
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
        let key = self.names.find(metric, year, code, bd, bv)?;
        self.levels.get(&level)?.index.get(&key).copied()
    }

    pub(super) fn raw(&self, level: Level, i: usize) -> &MetricRow {
        &self.rows(&self.levels[&level])[i]
    }

    /// Codes and names of the regions of `level` inside `scope`, in code order, as the
    /// metric rows list them (pseudo-regions included).
    pub fn regions_in(&self, level: Level, scope: &str, year: i32) -> Vec<(String, String)> {
        let prefix = significant_prefix(scope);
        let Some(l) = self.levels.get(&level) else {
            return Vec::new();
        };
        self.rows(l)
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

/// Every entrant of the `entry` cohort of `year` with the region of its entry measure,
/// in person order: [`cohort`] of any region is the entrants whose region lies inside
/// it (the same subjects in the same order).
fn entrants(model: &Model, entry: Entry, year: i32) -> Entrants {
    let per = Period::new(year, model.cutoff);
    let mut out = Vec::new();
    for p in &model.persons {
        if let Some((m, index)) = cohort_entry(p, entry, &per)
            && let Some(s) = subject(p, index, model.cutoff)
        {
            out.push((m.region, s));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::compute::periods;
    use crate::metrics::testdata::model;

    /// The cohorts from the entrants computed once per year are those of a pass over
    /// the persons for each region: the same subjects in the same order.
    #[test]
    fn cohorts_from_the_entrants_of_a_year_are_the_cohorts_of_the_region() {
        let m = model(None);
        let years: Vec<i32> = periods(&m).iter().map(|p| p.year).collect();
        let cx = Context::new(
            &m,
            Rule::default(),
            Value::Null,
            &[(Level::County, years[0], *years.last().unwrap())],
        );
        let mut some = 0;
        for region in m.regions.by_code.keys() {
            for &y in &years {
                for entry in [Entry::Community, Entry::Release] {
                    let want = cohort(&m, entry, region, y);
                    some += want.len();
                    assert_eq!(cx.cohort_in(entry, region, y), want, "{region} {y}");
                }
            }
        }
        assert!(some > 0, "the test data has cohorts");
    }
}
