//! From sums to output rows: the (numerator, denominator) grids over regions and
//! breakdown values, the emitter that turns them into [`MetricRow`]s (counts, Wilson
//! rates, ratios, Kaplan–Meier survival) and the canonical row order.

use rayon::prelude::*;

use super::attribution::Attribution;
use super::blocks::AGE_GROUPS;
use super::compute::{AGE_AT, DRUG_AT, MetricRow, SEX_AT};
use super::defs::{Kind, MetricDef};
use super::period::Period;
use crate::regions::Level;
use crate::schema;
use crate::stats::{self, KaplanMeier, Subject};

/// A (numerator, denominator) grid over regions × breakdown values.
#[derive(Debug, Clone, Default)]
pub(super) struct Grid {
    pub(super) width: usize,
    pub(super) num: Vec<u64>,
    pub(super) den: Vec<u64>,
}

impl Grid {
    pub(super) fn new(regions: usize, width: usize) -> Grid {
        Grid {
            width,
            num: vec![0; regions * width],
            den: vec![0; regions * width],
        }
    }

    pub(super) fn add(&mut self, r: usize, b: usize, num: bool, den: bool) {
        let i = r * self.width + b;
        self.num[i] += u64::from(num);
        self.den[i] += u64::from(den);
    }

    pub(super) fn merge(&mut self, o: &Grid) {
        for (a, b) in self.num.iter_mut().zip(&o.num) {
            *a += b;
        }
        for (a, b) in self.den.iter_mut().zip(&o.den) {
            *a += b;
        }
    }

    pub(super) fn get(&self, r: usize, b: usize) -> (u64, u64) {
        let i = r * self.width + b;
        (self.num[i], self.den[i])
    }
}

/// The byte order of the machine output: metric, period, region, breakdown, value.
///
/// The rows are ordered through a permutation of their indices (a stable sort, as the
/// rows themselves would be sorted) and then moved in place: no copy of the rows.
pub fn sort_rows(rows: &mut [MetricRow]) {
    if rows.is_sorted_by(|a, b| key(a) <= key(b)) {
        return;
    }
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    order.par_sort_by(|&a, &b| key(&rows[a as usize]).cmp(&key(&rows[b as usize])));
    // Row i of the result is the row at order[i]: follow each cycle once.
    for start in 0..order.len() {
        let mut i = start;
        while order[i] as usize != start && order[i] != u32::MAX {
            let j = order[i] as usize;
            rows.swap(i, j);
            order[i] = u32::MAX;
            i = j;
        }
        order[i] = u32::MAX;
    }
}

/// The sort key of a row.
type Key<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);

fn key(r: &MetricRow) -> Key<'_> {
    (
        r.metric,
        &r.period,
        &r.region_code,
        r.breakdown,
        &r.breakdown_value,
    )
}

/// The plain stable sort [`sort_rows`] must agree with.
#[cfg(test)]
fn sort_rows_by_copy(rows: &mut [MetricRow]) {
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
pub(super) type Breakdown = (&'static str, usize, fn() -> Vec<&'static str>);

pub(super) const PERSON_BREAKDOWNS: [Breakdown; 3] = [
    ("sex", SEX_AT, || schema::SEX.codes().collect()),
    ("age_group", AGE_AT, || AGE_GROUPS.to_vec()),
    ("primary_drug", DRUG_AT, || schema::DRUG.codes().collect()),
];

pub(super) const INCIDENT_BREAKDOWNS: [Breakdown; 1] =
    [("kind", 1, || schema::INCIDENT_KIND.codes().collect())];

pub(super) struct Emitter<'a> {
    pub(super) rows: &'a mut Vec<MetricRow>,
    pub(super) per: &'a Period,
    pub(super) at: &'a Attribution,
    pub(super) level: Level,
}

impl Emitter<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn push(
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
            period: self.per.label(),
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

    pub(super) fn counts(&mut self, def: &MetricDef, g: &Grid, breakdowns: &[Breakdown]) {
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

    pub(super) fn rate(
        &mut self,
        def: &MetricDef,
        r: usize,
        b: &'static str,
        bv: String,
        x: u64,
        n: u64,
    ) {
        let value = (n > 0).then(|| x as f64 / n as f64);
        self.push(def, r, b, bv, Some(x), Some(n), value, stats::wilson(x, n));
    }

    pub(super) fn rates(&mut self, def: &MetricDef, g: &Grid) {
        for r in 0..self.at.regions.len() {
            let (x, n) = g.get(r, 0);
            self.rate(def, r, "", String::new(), x, n);
        }
    }

    /// A streak of years: value = numerator = the streak, both empty where `streak` is
    /// (a partial year).
    pub(super) fn streak(&mut self, def: &MetricDef, streak: Option<&[u64]>) {
        for r in 0..self.at.regions.len() {
            let v = streak.map(|s| s[r]);
            self.push(
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

    /// Persons per `scale` inhabitants (METRICS.md "Population and rates per
    /// inhabitants"): `scale × x / pop` with the Wilson interval of `x / pop` times
    /// `scale`; without a population the value, interval and denominator are empty and
    /// the numerator is still written.
    pub(super) fn per_inhabitants(
        &mut self,
        def: &MetricDef,
        r: usize,
        x: u64,
        pop: Option<u64>,
        scale: u32,
    ) {
        let k = f64::from(scale);
        match pop.filter(|&p| p > 0) {
            Some(p) => {
                let value = k * x as f64 / p as f64;
                let ci = stats::wilson(x, p).map(|(l, h)| (l * k, h * k));
                self.push(def, r, "", String::new(), Some(x), Some(p), Some(value), ci);
            }
            None => self.push(def, r, "", String::new(), Some(x), None, None, None),
        }
    }

    pub(super) fn survival(&mut self, def: &MetricDef, cohort: &[(u32, Subject)], w: u32) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_by_permutation_is_the_stable_sort() {
        // Rows in a scrambled order, with equal keys (told apart by the numerator).
        let row = |i: u64| MetricRow {
            metric: ["b", "a", "c"][(i % 3) as usize],
            period: format!("{}", 2020 + (i * 7) % 4),
            as_of: 0,
            region_code: format!("{}", (i * 11) % 5),
            region_name: String::new(),
            region_level: Level::County,
            breakdown: ["", "sex"][(i % 2) as usize],
            breakdown_value: format!("{}", (i * 13) % 3),
            numerator: Some(i),
            denominator: None,
            value: None,
            ci_low: None,
            ci_high: None,
            partial: false,
            unstable: false,
            suppressed: false,
        };
        for n in [0, 1, 2, 10, 1000] {
            let rows: Vec<MetricRow> = (0..n).map(|i| row((i * 7919) % 1009)).collect();
            let (mut a, mut b) = (rows.clone(), rows);
            sort_rows(&mut a);
            sort_rows_by_copy(&mut b);
            assert_eq!(a, b);
        }
    }
}
