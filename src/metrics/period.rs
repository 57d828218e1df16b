//! Periods and cohort entry (METRICS.md "Time", "Quarters and months" (v1.2) and
//! "Relapse cohorts"): the dates of a period `p` (a calendar year, quarter or month)
//! with its reference date `D = min(E(p), C)`, the periods of the data, how a person
//! enters a relapse cohort, and the survival subject that follows them from the index
//! date.

use std::fmt;

use super::model::{ISOLATION, Measure, Model, Person, reason};
use crate::dates::{self, Days, add_months, add_years, dec31, from_ymd, jan1};
use crate::stats::Subject;

/// The length of the periods of a run (`--period year|quarter|month`, METRICS.md v1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum PeriodKind {
    #[default]
    Year,
    Quarter,
    Month,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 3] = [PeriodKind::Year, PeriodKind::Quarter, PeriodKind::Month];

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Year => "year",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Month => "month",
        }
    }

    pub fn parse(s: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Periods per year: the distance to "the same period one year earlier"
    /// (`new_users_yoy`).
    pub fn per_year(self) -> usize {
        match self {
            PeriodKind::Year => 1,
            PeriodKind::Quarter => 4,
            PeriodKind::Month => 12,
        }
    }
}

impl fmt::Display for PeriodKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The dates of period `p` (METRICS.md "Time" and "Quarters and months").
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub kind: PeriodKind,
    /// The calendar year of the period (of `E(p)`).
    pub year: i32,
    /// 0 for a year, the quarter 1–4 or the month 1–12.
    pub index: u8,
    /// `S(p)`.
    pub start: Days,
    /// `E(p)`.
    pub end: Days,
    /// `D = min(E(p), C)`.
    pub d: Days,
    /// `D − 3 years`, calendar subtraction.
    pub d_minus_3y: Days,
    /// `E(p) > C`.
    pub partial: bool,
    /// The calendar quarters inside the period as (start, end): the first
    /// `n_quarters` entries (four for a year, the quarter itself, none for a month).
    pub quarters: [(Days, Days); 4],
    pub n_quarters: u8,
}

impl Period {
    /// The calendar year `year` at cutoff `C`.
    pub fn new(year: i32, cutoff: Days) -> Period {
        Period::of(PeriodKind::Year, year, 0, cutoff)
    }

    /// The period of `kind` numbered `index` (0 for a year, quarter 1–4, month 1–12)
    /// in `year`, at cutoff `C`.
    pub fn of(kind: PeriodKind, year: i32, index: u8, cutoff: Days) -> Period {
        let (start, end, quarters, n_quarters) = match kind {
            PeriodKind::Year => (jan1(year), dec31(year), dates::quarters(year), 4),
            PeriodKind::Quarter => {
                let q = dates::quarters(year)[usize::from(index) - 1];
                (q.0, q.1, [q; 4], 1)
            }
            PeriodKind::Month => {
                let s = from_ymd(year, u32::from(index), 1);
                (s, add_months(s, 1) - 1, [(s, s); 4], 0)
            }
        };
        let d = end.min(cutoff);
        Period {
            kind,
            year,
            index,
            start,
            end,
            d,
            d_minus_3y: add_years(d, -3),
            partial: end > cutoff,
            quarters,
            n_quarters,
        }
    }

    /// The period of `kind` that contains `day`.
    pub fn containing(kind: PeriodKind, day: Days, cutoff: Days) -> Period {
        let (y, m, _) = dates::ymd(day);
        let index = match kind {
            PeriodKind::Year => 0,
            PeriodKind::Quarter => (m as u8 - 1) / 3 + 1,
            PeriodKind::Month => m as u8,
        };
        Period::of(kind, y, index, cutoff)
    }

    /// The next period of the same kind.
    pub fn next(&self, cutoff: Days) -> Period {
        Period::containing(self.kind, self.end + 1, cutoff)
    }

    /// The label of the `period` column: `2025`, `2025-Q1` or `2025-03` (these sort in
    /// time order as byte strings).
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Year => self.year.to_string(),
            PeriodKind::Quarter => format!("{}-Q{}", self.year, self.index),
            PeriodKind::Month => format!("{}-{:02}", self.year, self.index),
        }
    }

    /// The calendar quarters that lie inside the period (`test_compliance`).
    pub fn inner_quarters(&self) -> &[(Days, Days)] {
        &self.quarters[..usize::from(self.n_quarters)]
    }
}

/// All years of the model: from the first dated record's year to the year of `C`.
pub fn periods(model: &Model) -> Vec<Period> {
    periods_of(model, PeriodKind::Year)
}

/// All periods of `kind`: from the one containing the earliest date of the cutoff list
/// to the one containing `C`.
pub fn periods_of(model: &Model, kind: PeriodKind) -> Vec<Period> {
    let Some(first) = model.first_date else {
        return Vec::new();
    };
    let c = model.cutoff;
    let mut out = vec![Period::containing(kind, first, c)];
    while out.last().expect("one period").end < c {
        let next = out.last().expect("one period").next(c);
        out.push(next);
    }
    out
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
/// the earliest qualifying date in the period, ties broken by the smaller measure id.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::iso;
    use crate::metrics::testdata::d;

    fn c(s: &str) -> Days {
        d(s).expect("date")
    }

    #[test]
    fn labels_bounds_and_the_partial_flag() {
        let cut = c("2024-02-29");
        let q = Period::of(PeriodKind::Quarter, 2024, 1, cut);
        assert_eq!(q.label(), "2024-Q1");
        assert_eq!(
            (iso(q.start), iso(q.end)),
            ("2024-01-01".into(), "2024-03-31".into())
        );
        assert!(q.partial);
        assert_eq!(iso(q.d), "2024-02-29");
        // D − 3 years from 29 February is 28 February.
        assert_eq!(iso(q.d_minus_3y), "2021-02-28");
        assert_eq!(q.inner_quarters(), &[(q.start, q.end)]);
        // February of a leap year ends on the 29th; on C it is complete.
        let feb = Period::of(PeriodKind::Month, 2024, 2, cut);
        assert_eq!(feb.label(), "2024-02");
        assert_eq!(iso(feb.end), "2024-02-29");
        assert!(!feb.partial);
        assert!(feb.inner_quarters().is_empty());
        let dec = Period::of(PeriodKind::Month, 2023, 12, cut);
        assert_eq!(
            (iso(dec.start), iso(dec.end)),
            ("2023-12-01".into(), "2023-12-31".into())
        );
        assert_eq!(dec.next(cut).label(), "2024-01");
        assert_eq!(
            Period::of(PeriodKind::Quarter, 2023, 4, cut)
                .next(cut)
                .label(),
            "2024-Q1"
        );
        let y = Period::new(2023, cut);
        assert_eq!(
            (y.label(), y.inner_quarters().len()),
            ("2023".to_string(), 4)
        );
        assert_eq!(
            Period::containing(PeriodKind::Quarter, c("2023-09-30"), cut).label(),
            "2023-Q3"
        );
        assert_eq!(
            Period::containing(PeriodKind::Quarter, c("2023-10-01"), cut).label(),
            "2023-Q4"
        );
        assert_eq!(
            Period::containing(PeriodKind::Month, c("2023-10-31"), cut).label(),
            "2023-10"
        );
    }

    #[test]
    fn labels_sort_in_time_order_as_bytes() {
        let cut = c("2025-12-31");
        for kind in PeriodKind::ALL {
            let mut p = Period::containing(kind, c("2008-01-01"), cut);
            let mut labels = vec![p.label()];
            while p.end < cut {
                p = p.next(cut);
                labels.push(p.label());
            }
            let mut sorted = labels.clone();
            sorted.sort();
            assert_eq!(labels, sorted, "{kind}");
        }
    }
}
