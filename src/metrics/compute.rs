//! Computing every metric per region and period from the [`Model`].
//!
//! For one requested level, every record is attributed once to a region of that level
//! (METRICS.md "Attribution to regions"): its ancestor code, or a `（未细分）`
//! pseudo-region when the code is coarser than the level. All counts are then summed
//! from records — a city is never an average of its counties. Persons are processed in
//! parallel chunks; integer sums and sorted survival subjects make the result
//! independent of the thread count.

use rayon::prelude::*;

pub use super::attribution::{Attribution, OutRegion, attribute};
use super::defs::{self, Kind, MetricDef};
pub use super::emit::sort_rows;
use super::emit::{Emitter, INCIDENT_BREAKDOWNS, PERSON_BREAKDOWNS};
use super::model::Model;
pub use super::period::{
    Entry, Period, PeriodKind, cohort_entry, periods, periods_of, subject, survival_window,
};
use super::population;
use super::sums::{Acc, Ctx, PeriodCtx, earliest_date, person_period, year_md};
use crate::dates::Days;
use crate::regions::Level;
use crate::schema;

/// One output row of the machine schema (METRICS.md "Machine output").
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    pub metric: &'static str,
    pub period: String,
    pub as_of: Days,
    pub region_code: String,
    pub region_name: String,
    pub region_level: Level,
    pub breakdown: &'static str,
    pub breakdown_value: String,
    pub numerator: Option<u64>,
    pub denominator: Option<u64>,
    pub value: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub partial: bool,
    pub unstable: bool,
    pub suppressed: bool,
}

impl MetricRow {
    pub fn flags(&self) -> String {
        let mut f = Vec::new();
        if self.partial {
            f.push("partial");
        }
        if self.unstable {
            f.push("unstable");
        }
        if self.suppressed {
            f.push("suppressed");
        }
        f.join(";")
    }
}

/// What to compute.
#[derive(Debug, Clone)]
pub struct Request {
    /// Metric ids; empty = all.
    pub metrics: Vec<&'static MetricDef>,
    pub level: Level,
    /// Scope: a region code whose significant prefix the output regions must start with.
    pub scope: Option<String>,
    pub from: Option<i32>,
    pub to: Option<i32>,
}

/// Breakdown columns (sex 2, age 4, drug 9) laid out in one grid: 0 = total.
pub(super) const SEX_AT: usize = 1;
pub(super) const AGE_AT: usize = 3;
pub(super) const DRUG_AT: usize = 7;
pub(super) const BREAKDOWN_WIDTH: usize = 16;
pub(super) const SERVICE_WIDTH: usize = 11; // total + ten types
pub(super) const INCIDENT_WIDTH: usize = 6; // total + five kinds
/// The grid columns of one [`Acc`] (each a numerator and a denominator of 8 bytes).
const ACC_COLUMNS: usize = 12 + 3 * BREAKDOWN_WIDTH + SERVICE_WIDTH + INCIDENT_WIDTH;
/// Bytes of accumulators per batch of periods (see [`compute_periods`]).
const ACC_BUDGET: usize = 96 << 20;

/// Computes the requested metrics for calendar years.
pub fn compute(model: &Model, req: &Request) -> Vec<MetricRow> {
    compute_periods(model, req, PeriodKind::Year)
}

/// The population of every output region for year `y` (METRICS.md "Population and
/// rates per inhabitants"): none for pseudo-regions and codes the region table does
/// not know at the level.
fn populations(model: &Model, at: &Attribution, level: Level, y: i32) -> Vec<Option<u64>> {
    at.regions
        .iter()
        .map(|r| {
            let known = model.regions.get(&r.code).is_some_and(|k| k.level == level);
            known
                .then(|| population::pop(&model.population, &r.code, y))
                .flatten()
        })
        .collect()
}

/// Computes the requested metrics for periods of `kind` (METRICS.md "Quarters and
/// months", v1.2): `--from`/`--to` select by the calendar year of the period.
pub fn compute_periods(model: &Model, req: &Request, kind: PeriodKind) -> Vec<MetricRow> {
    sum_periods(model, req, kind).rows(model, req)
}

/// The sums of every period of a run ([`sum_periods`]): all that the rows need of the
/// persons, so that a caller can let the persons go before the rows are made.
pub struct Sums {
    kind: PeriodKind,
    at: Attribution,
    accs: Vec<(Period, Acc)>,
}

/// The first half of [`compute_periods`]: the sums over persons, officers and
/// incidents of every period the request needs. [`Sums::rows`] with the same model
/// (its persons may be gone by then) and request makes the rows.
pub fn sum_periods(model: &Model, req: &Request, kind: PeriodKind) -> Sums {
    let at = Attribution::build(model, req.level, req.scope.as_deref());
    let n = at.regions.len();
    let all = periods_of(model, kind);
    let c = model.cutoff;
    let codes = &model.codes;
    let wanted = |id: &str| req.metrics.is_empty() || req.metrics.iter().any(|m| m.id == id);
    let in_range = |y: i32| req.from.is_none_or(|f| y >= f) && req.to.is_none_or(|t| y <= t);
    // Periods outside --from/--to are summed only where a reported row needs them
    // (the same period a year earlier for new_users_yoy, every earlier year for the
    // streaks), and only for their new users (`PeriodCtx::full`). The others stay
    // empty.
    let streaks = kind == PeriodKind::Year && defs::YEAR_ONLY.iter().any(|id| wanted(id));
    let needed = |per: &Period| {
        streaks || in_range(per.year) || (wanted("new_users_yoy") && in_range(per.year + 1))
    };
    let cx = Ctx {
        c,
        at: &at,
        county: Ctx::county_index(codes),
    };
    let births: Vec<(i32, u32)> = model.persons.par_iter().map(|p| year_md(p.birth)).collect();
    let earliest: Vec<Days> = model.persons.par_iter().map(earliest_date).collect();
    // The periods needed, in batches whose accumulators together stay near
    // ACC_BUDGET bytes (with thousands of regions an accumulator is megabytes): each
    // person is visited once per batch, for all its periods, in parallel blocks.
    let wanted_periods: Vec<usize> = (0..all.len()).filter(|&i| needed(&all[i])).collect();
    let acc_bytes = (n * ACC_COLUMNS * 16).max(1);
    let per_batch = (ACC_BUDGET / acc_bytes).clamp(1, 64);
    let mut sums: Vec<Option<Acc>> = vec![None; all.len()];
    let threads = rayon::current_num_threads().max(1);
    let block = model.persons.len().div_ceil(threads * 4).max(1024);
    for batch in wanted_periods.chunks(per_batch) {
        let pcs: Vec<PeriodCtx> = batch
            .iter()
            .map(|&i| PeriodCtx {
                per: &all[i],
                d_md: year_md(all[i].d),
                full: in_range(all[i].year),
            })
            .collect();
        let merged: Vec<Acc> = model
            .persons
            .par_chunks(block)
            .zip(births.par_chunks(block))
            .zip(earliest.par_chunks(block))
            .fold(Vec::new, |mut accs: Vec<Acc>, ((chunk, born), first)| {
                if accs.is_empty() {
                    accs = pcs.iter().map(|_| Acc::new(n)).collect();
                }
                for ((p, b), first) in chunk.iter().zip(born).zip(first) {
                    for (pc, acc) in pcs.iter().zip(accs.iter_mut()) {
                        // Nothing of a person counts in a period that ends before
                        // their first dated record.
                        if *first <= pc.per.end {
                            person_period(p, *b, pc, &cx, acc);
                        }
                    }
                }
                accs
            })
            .reduce(Vec::new, |a, b| {
                if a.is_empty() {
                    return b;
                }
                if b.is_empty() {
                    return a;
                }
                a.into_iter().zip(b).map(|(x, y)| x.merge(y)).collect()
            });
        let mut merged = merged.into_iter();
        for &i in batch {
            sums[i] = Some(merged.next().unwrap_or_else(|| Acc::new(n)));
        }
    }
    drop((births, earliest));
    let accs: Vec<(Period, Acc)> = all
        .iter()
        .zip(sums)
        .map(|(per, acc)| {
            let Some(mut acc) = acc else {
                return (*per, Acc::new(0));
            };
            for o in &model.officers {
                if o.start <= per.d
                    && o.end.is_none_or(|e| e > per.d)
                    && let Some(r) = at.of(o.region)
                {
                    acc.officers.add(r, 0, false, true);
                }
            }
            // Incidents dated in p (the snapshot holds none after C).
            let from = model.incidents.partition_point(|x| x.date < per.start);
            for x in model.incidents[from..]
                .iter()
                .take_while(|x| x.date <= per.end)
            {
                if let Some(r) = at.of(x.region) {
                    acc.incidents.add(r, 0, true, false);
                    acc.incidents.add(r, 1 + x.kind as usize, true, false);
                }
            }
            acc.cohort_community
                .sort_by_key(|(r, s)| (*r, s.time, s.event));
            acc.cohort_release
                .sort_by_key(|(r, s)| (*r, s.time, s.event));
            (*per, acc)
        })
        .collect();
    Sums { kind, at, accs }
}

impl Sums {
    /// The rows of the request, in the order of [`sort_rows`].
    pub fn rows(&self, model: &Model, req: &Request) -> Vec<MetricRow> {
        let Sums { kind, at, accs } = self;
        let kind = *kind;
        emit_rows(model, req, kind, at, accs)
    }
}

fn emit_rows(
    model: &Model,
    req: &Request,
    kind: PeriodKind,
    at: &Attribution,
    accs: &[(Period, Acc)],
) -> Vec<MetricRow> {
    let n = at.regions.len();
    let wanted = |id: &str| req.metrics.is_empty() || req.metrics.iter().any(|m| m.id == id);
    let in_range = |y: i32| req.from.is_none_or(|f| y >= f) && req.to.is_none_or(|t| y <= t);
    let streaks = kind == PeriodKind::Year && defs::YEAR_ONLY.iter().any(|id| wanted(id));
    let needs_pop = ["existing_per_10k", "new_users_per_100k"]
        .iter()
        .any(|id| wanted(id))
        && model.present.contains(&schema::Table::Population);
    let mut pops: std::collections::BTreeMap<i32, Vec<Option<u64>>> = Default::default();
    let new_totals: Vec<Vec<u64>> = accs
        .iter()
        .map(|(_, acc)| {
            (0..n)
                .map(|r| match acc.new_users.num.is_empty() {
                    true => 0, // a period nothing needs
                    false => acc.new_users.get(r, 0).0,
                })
                .collect()
        })
        .collect();
    let lag = kind.per_year();
    // The periods to report with their streaks (computed in period order: each needs
    // every earlier period), then the rows of each (period, metric) in parallel.
    struct Job<'a> {
        pi: usize,
        per: &'a Period,
        acc: &'a Acc,
        streak_now: Option<Vec<u64>>,
        quiet_now: Option<Vec<u64>>,
    }
    let mut jobs: Vec<Job> = Vec::new();
    let mut streak: Vec<u64> = vec![0; n];
    let mut quiet: Vec<u64> = vec![0; n];
    for (pi, (per, acc)) in accs.iter().enumerate() {
        // Streaks (years only) need every earlier period, whatever --from says.
        let streak_now: Option<Vec<u64>> = if per.partial || !streaks {
            None
        } else {
            Some(match pi {
                0 => vec![0; n],
                _ => (0..n)
                    .map(|r| {
                        if new_totals[pi][r] < new_totals[pi - 1][r] {
                            streak[r] + 1
                        } else {
                            0
                        }
                    })
                    .collect(),
            })
        };
        if let Some(s) = &streak_now {
            streak = s.clone();
        }
        // Complete years without an incident, counted from the first period.
        let quiet_now: Option<Vec<u64>> = (!per.partial && streaks).then(|| {
            (0..n)
                .map(|r| {
                    if acc.incidents.get(r, 0).0 > 0 {
                        0
                    } else {
                        quiet[r] + 1
                    }
                })
                .collect()
        });
        if let Some(q) = &quiet_now {
            quiet = q.clone();
        }
        if !in_range(per.year) {
            continue;
        }
        if needs_pop && !pops.contains_key(&per.year) {
            pops.insert(per.year, populations(model, at, req.level, per.year));
        }
        jobs.push(Job {
            pi,
            per,
            acc,
            streak_now,
            quiet_now,
        });
    }
    let metric_defs: Vec<&MetricDef> = defs::METRICS
        .iter()
        .filter(|def| wanted(def.id))
        .filter(|def| def.needs.iter().all(|t| model.present.contains(t)))
        .filter(|def| kind == PeriodKind::Year || !defs::YEAR_ONLY.contains(&def.id))
        .collect();
    let tasks: Vec<(&Job, &MetricDef)> = jobs
        .iter()
        .flat_map(|job| metric_defs.iter().map(move |def| (job, *def)))
        .collect();
    // Each group holds the rows of one metric and period, sorted on its own: every row
    // of a group has the same metric and period, so ordering the groups by those and
    // concatenating them gives the stable sort of all rows ([`sort_rows`]).
    let mut groups: Vec<Vec<MetricRow>> = tasks
        .par_iter()
        .map(|&(job, def)| {
            let Job {
                pi,
                per,
                acc,
                ref streak_now,
                ref quiet_now,
            } = *job;
            let mut rows = Vec::new();
            let mut emit = Emitter {
                rows: &mut rows,
                per,
                at,
                level: req.level,
            };
            match def.id {
                "registered" => emit.counts(def, &acc.registered, &[]),
                "existing" => emit.counts(def, &acc.existing, &PERSON_BREAKDOWNS),
                "abstinent_3y" => emit.counts(def, &acc.abstinent, &PERSON_BREAKDOWNS),
                "new_users" => emit.counts(def, &acc.new_users, &PERSON_BREAKDOWNS),
                "in_society" => emit.counts(def, &acc.in_society, &[]),
                "under_community_measure" => emit.counts(def, &acc.under_measure, &[]),
                "transfers_in" => emit.counts(def, &acc.transfers_in, &[]),
                "transfers_out" => emit.counts(def, &acc.transfers_out, &[]),
                "incidents" => emit.counts(def, &acc.incidents, &INCIDENT_BREAKDOWNS),
                "consolidation_rate" => {
                    for r in 0..n {
                        let ab = acc.abstinent.get(r, 0).0;
                        let ex = acc.existing.get(r, 0).0;
                        emit.rate(def, r, "", String::new(), ab, ab + ex);
                    }
                }
                "cross_region_share" => emit.rates(def, &acc.cross_region),
                "execution_rate" => emit.rates(def, &acc.execution),
                "timely_report_rate" => emit.rates(def, &acc.timely),
                "loss_of_contact_rate" => emit.rates(def, &acc.loss),
                "escalation_rate" => emit.rates(def, &acc.escalation),
                // A month contains no calendar quarter: no rows (a warning says so).
                "test_compliance" if kind == PeriodKind::Month => {}
                "test_compliance" => emit.rates(def, &acc.compliance),
                "service_coverage" => {
                    for r in 0..n {
                        let (x, den) = acc.coverage.get(r, 0);
                        emit.rate(def, r, "", String::new(), x, den);
                        for (k, t) in schema::SERVICE_TYPE.codes().enumerate() {
                            let (x, den) = acc.coverage.get(r, 1 + k);
                            emit.rate(def, r, "service_type", t.to_string(), x, den);
                        }
                    }
                }
                "officer_caseload" => {
                    for r in 0..n {
                        let num = acc.under_measure.get(r, 0).0;
                        let den = acc.officers.get(r, 0).1;
                        let value = (den > 0).then(|| num as f64 / den as f64);
                        emit.push(def, r, "", String::new(), Some(num), Some(den), value, None);
                    }
                }
                "new_users_decline_streak" => emit.streak(def, streak_now.as_deref()),
                "incident_free_streak" => emit.streak(def, quiet_now.as_deref()),
                "new_users_yoy" => {
                    for (r, &num) in new_totals[pi].iter().enumerate() {
                        // The same period one year earlier; none before the first period.
                        let den = pi.checked_sub(lag).map(|e| new_totals[e][r]);
                        let value = den.filter(|&d| d > 0).map(|d| num as f64 / d as f64 - 1.0);
                        emit.push(def, r, "", String::new(), Some(num), den, value, None);
                    }
                }
                "existing_per_10k" | "new_users_per_100k" => {
                    let Kind::PerInhabitants { scale } = def.kind else {
                        unreachable!("a per-inhabitant metric")
                    };
                    let grid = if def.id == "existing_per_10k" {
                        &acc.existing
                    } else {
                        &acc.new_users
                    };
                    let pop = &pops[&per.year];
                    for (r, p) in pop.iter().enumerate() {
                        emit.per_inhabitants(def, r, grid.get(r, 0).0, *p, scale);
                    }
                }
                id @ ("relapse_12m" | "relapse_36m" | "relapse_after_release_12m") => {
                    let (entry, w) = survival_window(id).expect("a relapse rate");
                    let cohort = match entry {
                        Entry::Community => &acc.cohort_community,
                        Entry::Release => &acc.cohort_release,
                    };
                    emit.survival(def, cohort, w);
                }
                other => unreachable!("metric {other} has no computation"),
            }
            sort_rows(&mut rows);
            rows
        })
        .filter(|g| !g.is_empty())
        .collect();
    groups.sort_by(|a, b| (a[0].metric, &a[0].period).cmp(&(b[0].metric, &b[0].period)));
    debug_assert!(groups.iter().all(|g| {
        g.iter()
            .all(|r| (r.metric, &r.period) == (g[0].metric, &g[0].period))
    }));
    let mut rows = Vec::with_capacity(groups.iter().map(Vec::len).sum());
    for mut g in groups {
        rows.append(&mut g);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testdata::model;

    /// The value of a total row (no breakdown).
    fn total(rows: &[MetricRow], metric: &str, period: &str, region: &str) -> Option<f64> {
        rows.iter()
            .find(|r| {
                r.metric == metric
                    && r.period == period
                    && r.region_code == region
                    && r.breakdown.is_empty()
            })
            .unwrap_or_else(|| panic!("no row {metric} {period} {region}"))
            .value
    }

    /// A year reported alone (`--from Y --to Y`) has the rows it has in a run over
    /// every year, down to the last field: the years before it are summed only for
    /// their new users (`PeriodCtx::full`), which is all `new_users_yoy` and
    /// `new_users_decline_streak` read of them.
    #[test]
    fn a_year_alone_has_the_rows_of_a_run_over_all_years() {
        let m = model(None);
        let all = |from, to| Request {
            metrics: Vec::new(),
            level: Level::County,
            scope: None,
            from,
            to,
        };
        let every = compute(&m, &all(None, None));
        let rows = compute(&m, &all(Some(2021), Some(2021)));
        let of_2021: Vec<String> = every
            .iter()
            .filter(|r| r.period == "2021")
            .map(|r| format!("{r:?}"))
            .collect();
        let alone: Vec<String> = rows.iter().map(|r| format!("{r:?}")).collect();
        assert!(!alone.is_empty());
        assert_eq!(alone.len(), of_2021.len());
        if let Some((a, e)) = alone.iter().zip(&of_2021).find(|(a, e)| a != e) {
            panic!("2021 alone:\n  {a}\nin the run over all years:\n  {e}");
        }
        // Both read 2020's new user in 利通 640302 (a, found 2020-01-01): none in
        // 2021 is a fall of 100 % and a first year of decline.
        assert_eq!(total(&rows, "new_users_yoy", "2021", "640302"), Some(-1.0));
        assert_eq!(
            total(&rows, "new_users_decline_streak", "2021", "640302"),
            Some(1.0)
        );
    }

    /// The test data (see `testdata.rs`), C = 2022-06-01 (the transfer), periods
    /// 2020–2022 (2022 partial, D = C):
    /// - `a` is found 2020-01-01 in 利通 640302. Its only transfer (2022-06-01,
    ///   兴庆 640104 → 惠农 640205) is after every D before 2022, so up to then `a` is
    ///   managed by the transfer's from_region 640104; at D = 2022-06-01 by 640205. It
    ///   dies on 2022-05-01: registered, but gone, at D 2022.
    /// - `b` is found 2022-01-01 in 红寺堡 640303, never transferred.
    #[test]
    fn stocks_follow_the_management_region_and_new_users_the_finding_region() {
        let m = model(None);
        let req = Request {
            metrics: ["registered", "existing", "new_users"]
                .iter()
                .map(|id| defs::find(id).unwrap())
                .collect(),
            level: Level::County,
            scope: None,
            from: None,
            to: None,
        };
        let rows = compute(&m, &req);
        assert_eq!(total(&rows, "registered", "2020", "640104"), Some(1.0));
        assert_eq!(total(&rows, "registered", "2020", "640302"), Some(0.0));
        assert_eq!(total(&rows, "existing", "2021", "640104"), Some(1.0));
        assert_eq!(total(&rows, "registered", "2022", "640104"), Some(0.0));
        assert_eq!(total(&rows, "registered", "2022", "640205"), Some(1.0));
        assert_eq!(total(&rows, "existing", "2022", "640205"), Some(0.0));
        assert_eq!(total(&rows, "registered", "2022", "640303"), Some(1.0));
        assert_eq!(total(&rows, "existing", "2022", "640303"), Some(1.0));
        assert_eq!(total(&rows, "new_users", "2020", "640302"), Some(1.0));
        assert_eq!(total(&rows, "new_users", "2020", "640104"), Some(0.0));
        assert_eq!(total(&rows, "new_users", "2022", "640303"), Some(1.0));
        // 2022 is partial: D is C.
        let r = rows
            .iter()
            .find(|r| r.metric == "registered" && r.period == "2022")
            .unwrap();
        assert!(r.partial);
        assert_eq!(r.as_of, m.cutoff);
        // Breakdown rows: b, existing in 2022, is female.
        let sex = |v: &str| {
            rows.iter()
                .find(|r| {
                    r.metric == "existing"
                        && r.period == "2022"
                        && r.region_code == "640303"
                        && r.breakdown == "sex"
                        && r.breakdown_value == v
                })
                .and_then(|r| r.value)
        };
        assert_eq!((sex("female"), sex("male")), (Some(1.0), Some(0.0)));
    }
}
