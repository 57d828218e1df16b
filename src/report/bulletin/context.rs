//! The metric rows the documents of a run are built from: every metric computed once
//! per level for all regions, raw and published (disclosure-controlled), indexed by
//! (metric, year, region, breakdown); and the Kaplan–Meier subjects of the relapse
//! cohorts, chosen by the rules of the metrics.

use std::collections::{BTreeMap, HashMap};

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
        let mut map = BTreeMap::new();
        for &(level, from, to) in levels {
            let req = Request {
                metrics: Vec::new(),
                level,
                scope: None,
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
        Context {
            model,
            rule,
            import_report,
            levels: map,
        }
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

    pub(super) fn publ(&self, level: Level, i: usize) -> &MetricRow {
        &self.levels[&level].publ[i]
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
