//! Periods and cohort entry (METRICS.md "Time" and "Relapse cohorts"): the dates of a
//! period `Y` with its reference date `D`, the periods of the data, how a person enters
//! a relapse cohort, and the survival subject that follows them from the index date.

use super::model::{ISOLATION, Measure, Model, Person, reason};
use crate::dates::{self, Days, add_years, dec31, jan1};
use crate::stats::Subject;

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

/// How a person enters a relapse cohort (METRICS.md "Relapse cohorts").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// Earliest community-measure report date in the year (`relapse_12m`, `relapse_36m`).
    Community,
    /// Release from compulsory isolation (completed or early release) in the year
    /// (`relapse_after_release_12m`).
    Release,
}

/// The cohort and the follow-up time `w` in days of each Kaplan–Meier relapse rate
/// (METRICS.md "Relapse cohorts": 12 months = 365 days, 36 months = 1095 days).
pub fn survival_window(metric: &str) -> Option<(Entry, u32)> {
    match metric {
        "relapse_12m" => Some((Entry::Community, 365)),
        "relapse_36m" => Some((Entry::Community, 1095)),
        "relapse_after_release_12m" => Some((Entry::Release, 365)),
        _ => None,
    }
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
