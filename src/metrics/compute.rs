//! Computing every metric per region and period from the [`Model`].
//!
//! For one requested level, every record is attributed once to a region of that level
//! (METRICS.md "Attribution to regions"): its ancestor code, or a `（未细分）`
//! pseudo-region when the code is coarser than the level. All counts are then summed
//! from records — a city is never an average of its counties. Persons are processed in
//! parallel chunks; integer sums and sorted survival subjects make the result
//! independent of the thread count.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::blocks::{self, AGE_GROUPS, age_group};
use super::defs::{self, Kind, MetricDef};
use super::model::{Code, Codes, ISOLATION, Measure, Model, Person, reason};
use crate::dates::{self, Days, add_years, age_years, dec31, jan1};
use crate::regions::{Level, ancestor, significant_prefix};
use crate::schema;
use crate::stats::{self, KaplanMeier, Subject};

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

/// An output region of the requested level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutRegion {
    pub code: String,
    pub name: String,
}

/// The regions of the output and the attribution of every interned code to one of them.
#[derive(Debug, Clone)]
pub struct Attribution {
    pub regions: Vec<OutRegion>,
    /// Indexed by interned code: the output region, or None when out of scope.
    pub of_code: Vec<Option<u32>>,
}

/// The code a record's region is attributed to at `level`: its ancestor when the code
/// is precise enough, else the code padded with zeros (a pseudo-region).
pub fn attribute(code: &str, level: Level) -> (String, bool) {
    match ancestor(code, level) {
        Some(a) => (a, false),
        None => {
            let p = significant_prefix(code);
            (format!("{p:0<width$}", width = level.code_len()), true)
        }
    }
}

impl Attribution {
    pub fn build(model: &Model, level: Level, scope: Option<&str>) -> Attribution {
        let prefix = scope.map(significant_prefix).unwrap_or("");
        let mut regions: BTreeMap<String, String> = model
            .regions
            .at_level(level)
            .filter(|r| r.code.starts_with(prefix))
            .map(|r| (r.code.clone(), r.name.clone()))
            .collect();
        let mut of_code = vec![None; model.codes.codes.len()];
        let mut keys: Vec<Option<String>> = vec![None; model.codes.codes.len()];
        for (i, code) in model.codes.codes.iter().enumerate() {
            if code.len() != 6 && code.len() != 9 {
                continue;
            }
            let (key, pseudo) = attribute(code, level);
            if !key.starts_with(prefix) {
                continue;
            }
            let used = model.attribution_codes.contains(&(i as Code));
            if !regions.contains_key(&key) && used {
                let name = if pseudo {
                    match model.regions.name(code) {
                        Some(n) => format!("{n}（未细分）"),
                        None => String::new(),
                    }
                } else {
                    model.regions.name(&key).unwrap_or("").to_string()
                };
                regions.insert(key.clone(), name);
            }
            keys[i] = Some(key);
        }
        let list: Vec<OutRegion> = regions
            .into_iter()
            .map(|(code, name)| OutRegion { code, name })
            .collect();
        let pos: BTreeMap<&str, u32> = list
            .iter()
            .enumerate()
            .map(|(i, r)| (r.code.as_str(), i as u32))
            .collect();
        for (i, k) in keys.iter().enumerate() {
            of_code[i] = k.as_deref().and_then(|k| pos.get(k).copied());
        }
        Attribution {
            regions: list,
            of_code,
        }
    }

    fn of(&self, c: Code) -> Option<usize> {
        self.of_code
            .get(c as usize)
            .copied()
            .flatten()
            .map(|r| r as usize)
    }
}

/// A (numerator, denominator) grid over regions × breakdown values.
#[derive(Debug, Clone, Default)]
struct Grid {
    width: usize,
    num: Vec<u64>,
    den: Vec<u64>,
}

impl Grid {
    fn new(regions: usize, width: usize) -> Grid {
        Grid {
            width,
            num: vec![0; regions * width],
            den: vec![0; regions * width],
        }
    }

    fn add(&mut self, r: usize, b: usize, num: bool, den: bool) {
        let i = r * self.width + b;
        self.num[i] += u64::from(num);
        self.den[i] += u64::from(den);
    }

    fn merge(&mut self, o: &Grid) {
        for (a, b) in self.num.iter_mut().zip(&o.num) {
            *a += b;
        }
        for (a, b) in self.den.iter_mut().zip(&o.den) {
            *a += b;
        }
    }

    fn get(&self, r: usize, b: usize) -> (u64, u64) {
        let i = r * self.width + b;
        (self.num[i], self.den[i])
    }
}

/// Breakdown columns (sex 2, age 4, drug 9) laid out in one grid: 0 = total.
const SEX_AT: usize = 1;
const AGE_AT: usize = 3;
const DRUG_AT: usize = 7;
const BREAKDOWN_WIDTH: usize = 16;
const SERVICE_WIDTH: usize = 11; // total + ten types

/// The sums of one period.
#[derive(Debug, Clone, Default)]
struct Acc {
    registered: Grid,
    existing: Grid,
    abstinent: Grid,
    in_society: Grid,
    under_measure: Grid,
    cross_region: Grid,
    new_users: Grid,
    execution: Grid,
    timely: Grid,
    loss: Grid,
    escalation: Grid,
    compliance: Grid,
    coverage: Grid,
    transfers_in: Grid,
    transfers_out: Grid,
    officers: Grid,
    /// (region, subject) for the three cohorts.
    cohort_community: Vec<(u32, Subject)>,
    cohort_release: Vec<(u32, Subject)>,
}

impl Acc {
    fn new(n: usize) -> Acc {
        Acc {
            registered: Grid::new(n, 1),
            existing: Grid::new(n, BREAKDOWN_WIDTH),
            abstinent: Grid::new(n, BREAKDOWN_WIDTH),
            in_society: Grid::new(n, 1),
            under_measure: Grid::new(n, 1),
            cross_region: Grid::new(n, 1),
            new_users: Grid::new(n, BREAKDOWN_WIDTH),
            execution: Grid::new(n, 1),
            timely: Grid::new(n, 1),
            loss: Grid::new(n, 1),
            escalation: Grid::new(n, 1),
            compliance: Grid::new(n, 1),
            coverage: Grid::new(n, SERVICE_WIDTH),
            transfers_in: Grid::new(n, 1),
            transfers_out: Grid::new(n, 1),
            officers: Grid::new(n, 1),
            cohort_community: Vec::new(),
            cohort_release: Vec::new(),
        }
    }

    fn merge(mut self, o: Acc) -> Acc {
        for (a, b) in [
            (&mut self.registered, &o.registered),
            (&mut self.existing, &o.existing),
            (&mut self.abstinent, &o.abstinent),
            (&mut self.in_society, &o.in_society),
            (&mut self.under_measure, &o.under_measure),
            (&mut self.cross_region, &o.cross_region),
            (&mut self.new_users, &o.new_users),
            (&mut self.execution, &o.execution),
            (&mut self.timely, &o.timely),
            (&mut self.loss, &o.loss),
            (&mut self.escalation, &o.escalation),
            (&mut self.compliance, &o.compliance),
            (&mut self.coverage, &o.coverage),
            (&mut self.transfers_in, &o.transfers_in),
            (&mut self.transfers_out, &o.transfers_out),
            (&mut self.officers, &o.officers),
        ] {
            a.merge(b);
        }
        self.cohort_community.extend(o.cohort_community);
        self.cohort_release.extend(o.cohort_release);
        self
    }
}

/// The dates of period `Y` (METRICS.md "Time").
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub year: i32,
    pub start: Days,
    pub end: Days,
    /// `D = min(Y-12-31, C)`.
    pub d: Days,
    /// `D − 3 years`, calendar subtraction.
    pub d_minus_3y: Days,
    pub partial: bool,
    /// The calendar quarters of the year as (start, end).
    pub quarters: [(Days, Days); 4],
}

impl Period {
    pub fn new(year: i32, cutoff: Days) -> Period {
        let (start, end) = (jan1(year), dec31(year));
        let d = end.min(cutoff);
        Period {
            year,
            start,
            end,
            d,
            d_minus_3y: add_years(d, -3),
            partial: end > cutoff,
            quarters: dates::quarters(year),
        }
    }
}

/// All periods of the model: from the first dated record's year to the year of `C`.
pub fn periods(model: &Model) -> Vec<Period> {
    let Some(first) = model.first_year else {
        return Vec::new();
    };
    let last = dates::year(model.cutoff);
    (first..=last)
        .map(|y| Period::new(y, model.cutoff))
        .collect()
}

fn hits(dates: &[Days], from: Days, to: Days) -> bool {
    let k = dates.partition_point(|&d| d < from);
    k < dates.len() && dates[k] <= to
}

/// The per-person work of one period.
fn person_period(
    p: &Person,
    per: &Period,
    c: Days,
    at: &Attribution,
    codes: &Codes,
    acc: &mut Acc,
) {
    let d = per.d;
    // Stocks at D, attributed by mgmt(p, D).
    let rm = at.of(blocks::mgmt(p, d));
    if let Some(r) = rm {
        if blocks::registered(p, d) {
            acc.registered.add(r, 0, true, false);
            if !blocks::gone(p, d) {
                let ab = blocks::abstinent_3y_with(p, d, per.d_minus_3y);
                let grid = if ab {
                    &mut acc.abstinent
                } else {
                    &mut acc.existing
                };
                let age = age_group(age_years(p.birth, d));
                for b in [
                    0,
                    SEX_AT + p.sex as usize,
                    AGE_AT + age,
                    DRUG_AT + p.drug as usize,
                ] {
                    grid.add(r, b, true, false);
                }
                if !ab {
                    if !blocks::in_isolation(p, d) {
                        acc.in_society.add(r, 0, true, false);
                    }
                    let mg = codes.get(blocks::mgmt(p, d));
                    let differs = county(codes.get(p.hukou)) != county(mg);
                    acc.cross_region.add(r, 0, differs, true);
                }
            }
        }
        if blocks::under_community_measure(p, d) {
            acc.under_measure.add(r, 0, true, false);
        }
    }
    // New users in Y, attributed by first_found_region.
    if p.first_found >= per.start
        && p.first_found <= per.end
        && let Some(r) = at.of(p.first_found_region)
    {
        let age = age_group(age_years(p.birth, p.first_found));
        for b in [
            0,
            SEX_AT + p.sex as usize,
            AGE_AT + age,
            DRUG_AT + p.drug as usize,
        ] {
            acc.new_users.add(r, b, true, false);
        }
    }
    // Measure flows, attributed by the measure's region.
    for m in p.measures.iter().filter(|m| m.is_community()) {
        let Some(r) = at.of(m.region) else { continue };
        if m.decision >= per.start && m.decision <= per.end {
            let excused = m.report.is_none()
                && matches!(
                    m.reason,
                    Some(reason::DIED | reason::DEPARTED | reason::IMPRISONED)
                );
            let pending = m.report.is_none() && m.end.is_none() && c - m.decision < 15;
            if !excused && !pending {
                acc.execution.add(r, 0, m.report.is_some(), true);
                acc.timely
                    .add(r, 0, m.report.is_some_and(|x| x <= m.decision + 15), true);
            }
        }
        let executed_in_y =
            m.report.is_some_and(|x| x <= per.end) && m.end.is_none_or(|e| e >= per.start);
        if executed_in_y {
            let ended_in_y = m.end.is_some_and(|e| e >= per.start && e <= per.end);
            acc.loss.add(
                r,
                0,
                ended_in_y && m.reason == Some(reason::LOST_CONTACT),
                true,
            );
            acc.escalation.add(
                r,
                0,
                ended_in_y && m.reason == Some(reason::ESCALATED),
                true,
            );
        }
        if let Some(rep) = m.report {
            for &(qs, qe) in &per.quarters {
                if rep <= qs && m.end.is_none_or(|e| e > qe) && qe <= c && !blocks::gone(p, qe) {
                    acc.compliance.add(r, 0, hits(&p.valid_tests, qs, qe), true);
                }
            }
        }
    }
    // Service coverage, attributed by mgmt(p, D).
    if let Some(r) = rm {
        let present_at_start =
            p.death.is_none_or(|x| x >= per.start) && p.departure.is_none_or(|x| x >= per.start);
        let eligible = present_at_start
            && p.measures.iter().any(|m| {
                m.is_community()
                    && m.report.is_some_and(|x| x <= d)
                    && m.end.is_none_or(|e| e >= per.start)
            });
        if eligible {
            let mut got = [false; SERVICE_WIDTH];
            for &(sd, t) in &p.services {
                if sd >= per.start && sd <= per.end {
                    got[0] = true;
                    got[1 + t as usize] = true;
                }
            }
            for (b, g) in got.iter().enumerate() {
                acc.coverage.add(r, b, *g, true);
            }
        }
    }
    // Transfers dated in Y (and not after C).
    for t in &p.transfers {
        if t.date >= per.start && t.date <= per.end && t.date <= c {
            if let Some(r) = at.of(t.to) {
                acc.transfers_in.add(r, 0, true, false);
            }
            if let Some(r) = at.of(t.from) {
                acc.transfers_out.add(r, 0, true, false);
            }
        }
    }
    // Relapse cohorts entered in Y.
    for (entry, list) in [
        (Entry::Community, &mut acc.cohort_community),
        (Entry::Release, &mut acc.cohort_release),
    ] {
        if let Some((m, index)) = cohort_entry(p, entry, per)
            && let (Some(r), Some(s)) = (at.of(m.region), subject(p, index, c))
        {
            list.push((r as u32, s));
        }
    }
}

/// How a person enters a relapse cohort (METRICS.md "Relapse cohorts").
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Entry {
    /// Earliest community-measure report date in the year (`relapse_12m`, `relapse_36m`).
    Community,
    /// Release from compulsory isolation (completed or early release) in the year
    /// (`relapse_after_release_12m`).
    Release,
}

/// The measure that puts `p` into the `entry` cohort of the period and the index date:
/// the earliest qualifying date in the year, ties broken by the smaller measure id.
pub fn cohort_entry<'p>(p: &'p Person, entry: Entry, per: &Period) -> Option<(&'p Measure, Days)> {
    let in_year = |d: Option<Days>| d.filter(|&x| x >= per.start && x <= per.end);
    p.measures
        .iter()
        .filter_map(|m| {
            let index = match entry {
                Entry::Community if m.is_community() => in_year(m.report)?,
                Entry::Release
                    if m.kind == ISOLATION
                        && matches!(m.reason, Some(reason::COMPLETED | reason::EARLY_RELEASE)) =>
                {
                    in_year(m.end)?
                }
                _ => return None,
            };
            Some((m, index))
        })
        .min_by(|a, b| (a.1, a.0.id.as_bytes()).cmp(&(b.1, b.0.id.as_bytes())))
}

fn county(code: &str) -> &str {
    &code[..code.len().min(6)]
}

/// The survival subject of a person entering a cohort on `index`: the first use
/// strictly after it, censored at the earliest of death, departure and `C` (an event on
/// the censoring date counts). None when censored before the index date.
pub fn subject(p: &Person, index: Days, c: Days) -> Option<Subject> {
    let cens = [p.death, p.departure, Some(c)]
        .into_iter()
        .flatten()
        .min()
        .expect("C");
    if cens < index {
        return None;
    }
    let k = p.uses.partition_point(|&u| u <= index);
    match p.uses.get(k) {
        Some(&e) if e <= cens => Some(Subject {
            time: (e - index) as u32,
            event: true,
        }),
        _ => Some(Subject {
            time: (cens - index) as u32,
            event: false,
        }),
    }
}

/// Computes the requested metrics.
pub fn compute(model: &Model, req: &Request) -> Vec<MetricRow> {
    let at = Attribution::build(model, req.level, req.scope.as_deref());
    let n = at.regions.len();
    let all = periods(model);
    let c = model.cutoff;
    let codes = &model.codes;
    // One pass per period over all persons, in parallel chunks.
    let accs: Vec<(Period, Acc)> = all
        .iter()
        .map(|per| {
            // One accumulator per rayon split (not per chunk): with thousands of
            // regions an accumulator is megabytes.
            let mut acc = model
                .persons
                .par_chunks(4096)
                .with_min_len(64)
                .fold(
                    || Acc::new(n),
                    |mut a, chunk| {
                        for p in chunk {
                            person_period(p, per, c, &at, codes, &mut a);
                        }
                        a
                    },
                )
                .reduce(|| Acc::new(n), Acc::merge);
            for o in &model.officers {
                if o.start <= per.d
                    && o.end.is_none_or(|e| e > per.d)
                    && let Some(r) = at.of(o.region)
                {
                    acc.officers.add(r, 0, false, true);
                }
            }
            acc.cohort_community
                .sort_by_key(|(r, s)| (*r, s.time, s.event));
            acc.cohort_release
                .sort_by_key(|(r, s)| (*r, s.time, s.event));
            (*per, acc)
        })
        .collect();
    let wanted = |id: &str| req.metrics.is_empty() || req.metrics.iter().any(|m| m.id == id);
    let in_range = |y: i32| req.from.is_none_or(|f| y >= f) && req.to.is_none_or(|t| y <= t);
    let mut rows = Vec::new();
    let mut prev_new: Option<Vec<u64>> = None;
    let mut streak: Vec<u64> = vec![0; n];
    for (pi, (per, acc)) in accs.iter().enumerate() {
        let new_totals: Vec<u64> = (0..n).map(|r| acc.new_users.get(r, 0).0).collect();
        // Decline streaks need every earlier period, whatever --from says.
        let streak_now: Option<Vec<u64>> = if per.partial {
            None
        } else {
            Some(match (&prev_new, pi) {
                (Some(prev), _) => (0..n)
                    .map(|r| {
                        if new_totals[r] < prev[r] {
                            streak[r] + 1
                        } else {
                            0
                        }
                    })
                    .collect(),
                (None, _) => vec![0; n],
            })
        };
        if let Some(s) = &streak_now {
            streak = s.clone();
        }
        prev_new = Some(new_totals);
        if !in_range(per.year) {
            continue;
        }
        let mut emit = Emitter {
            rows: &mut rows,
            per,
            at: &at,
            level: req.level,
        };
        for def in defs::METRICS.iter().filter(|m| wanted(m.id)) {
            if !def.needs.iter().all(|t| model.present.contains(t)) {
                continue;
            }
            match def.id {
                "registered" => emit.counts(def, &acc.registered, &[]),
                "existing" => emit.counts(def, &acc.existing, &PERSON_BREAKDOWNS),
                "abstinent_3y" => emit.counts(def, &acc.abstinent, &PERSON_BREAKDOWNS),
                "new_users" => emit.counts(def, &acc.new_users, &PERSON_BREAKDOWNS),
                "in_society" => emit.counts(def, &acc.in_society, &[]),
                "under_community_measure" => emit.counts(def, &acc.under_measure, &[]),
                "transfers_in" => emit.counts(def, &acc.transfers_in, &[]),
                "transfers_out" => emit.counts(def, &acc.transfers_out, &[]),
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
                "new_users_decline_streak" => {
                    for r in 0..n {
                        let v = streak_now.as_ref().map(|s| s[r]);
                        emit.push(
                            def,
                            r,
                            "",
                            String::new(),
                            v,
                            None,
                            v.map(|x| x as f64),
                            None,
                        );
                    }
                }
                "relapse_12m" => emit.survival(def, &acc.cohort_community, 365),
                "relapse_36m" => emit.survival(def, &acc.cohort_community, 1095),
                "relapse_after_release_12m" => emit.survival(def, &acc.cohort_release, 365),
                other => unreachable!("metric {other} has no computation"),
            }
        }
    }
    sort_rows(&mut rows);
    rows
}

/// The byte order of the machine output: metric, period, region, breakdown, value.
pub fn sort_rows(rows: &mut [MetricRow]) {
    rows.sort_by(|a, b| {
        (
            a.metric,
            &a.period,
            &a.region_code,
            a.breakdown,
            &a.breakdown_value,
        )
            .cmp(&(
                b.metric,
                &b.period,
                &b.region_code,
                b.breakdown,
                &b.breakdown_value,
            ))
    });
}

/// (breakdown name, first column in the grid, values).
type Breakdown = (&'static str, usize, fn() -> Vec<&'static str>);

const PERSON_BREAKDOWNS: [Breakdown; 3] = [
    ("sex", SEX_AT, || schema::SEX.codes().collect()),
    ("age_group", AGE_AT, || AGE_GROUPS.to_vec()),
    ("primary_drug", DRUG_AT, || schema::DRUG.codes().collect()),
];

struct Emitter<'a> {
    rows: &'a mut Vec<MetricRow>,
    per: &'a Period,
    at: &'a Attribution,
    level: Level,
}

impl Emitter<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        def: &MetricDef,
        r: usize,
        breakdown: &'static str,
        breakdown_value: String,
        numerator: Option<u64>,
        denominator: Option<u64>,
        value: Option<f64>,
        ci: Option<(f64, f64)>,
    ) {
        let region = &self.at.regions[r];
        self.rows.push(MetricRow {
            metric: def.id,
            period: self.per.year.to_string(),
            as_of: self.per.d,
            region_code: region.code.clone(),
            region_name: region.name.clone(),
            region_level: self.level,
            breakdown,
            breakdown_value,
            numerator,
            denominator,
            value,
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            partial: self.per.partial,
            unstable: def.has_interval() && denominator.is_some_and(|d| d < 20),
            suppressed: false,
        });
    }

    fn counts(&mut self, def: &MetricDef, g: &Grid, breakdowns: &[Breakdown]) {
        debug_assert_eq!(def.kind, Kind::Count);
        for r in 0..self.at.regions.len() {
            let x = g.get(r, 0).0;
            self.push(
                def,
                r,
                "",
                String::new(),
                Some(x),
                None,
                Some(x as f64),
                None,
            );
            for (name, at, values) in breakdowns {
                for (k, v) in values().into_iter().enumerate() {
                    let x = g.get(r, at + k).0;
                    self.push(
                        def,
                        r,
                        name,
                        v.to_string(),
                        Some(x),
                        None,
                        Some(x as f64),
                        None,
                    );
                }
            }
        }
    }

    fn rate(&mut self, def: &MetricDef, r: usize, b: &'static str, bv: String, x: u64, n: u64) {
        let value = (n > 0).then(|| x as f64 / n as f64);
        self.push(def, r, b, bv, Some(x), Some(n), value, stats::wilson(x, n));
    }

    fn rates(&mut self, def: &MetricDef, g: &Grid) {
        for r in 0..self.at.regions.len() {
            let (x, n) = g.get(r, 0);
            self.rate(def, r, "", String::new(), x, n);
        }
    }

    fn survival(&mut self, def: &MetricDef, cohort: &[(u32, Subject)], w: u32) {
        let nreg = self.at.regions.len();
        let mut by_region: Vec<Vec<Subject>> = vec![Vec::new(); nreg];
        for (r, s) in cohort {
            by_region[*r as usize].push(*s);
        }
        for (r, subjects) in by_region.iter().enumerate() {
            let km = KaplanMeier::fit(subjects);
            let events = subjects.iter().filter(|s| s.event && s.time <= w).count() as u64;
            let (value, ci) = match km.relapse_at(w) {
                Some((v, lo, hi)) => (Some(v), Some((lo, hi))),
                None => (None, None),
            };
            self.push(
                def,
                r,
                "",
                String::new(),
                Some(events),
                Some(subjects.len() as u64),
                value,
                ci,
            );
        }
    }
}
