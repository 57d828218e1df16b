//! The sums of one period and what one person adds to them.
//!
//! [`Acc`] holds, per output region, the numerator and denominator grids of every
//! metric of one period, and the cohort subjects of the survival metrics;
//! [`person_period`] adds one person's records to it with the building blocks of
//! METRICS.md (`mgmt`, `existing`, `abstinent_3y`, …); [`Acc::merge`] joins the sums of
//! person blocks computed in parallel (integer sums: the order does not matter).
//! [`super::compute`] drives the periods and persons and turns the sums into rows.

use super::blocks::{self, age_group};
use super::compute::{
    AGE_AT, Attribution, BREAKDOWN_WIDTH, DRUG_AT, Entry, INCIDENT_WIDTH, Period, SERVICE_WIDTH,
    SEX_AT, cohort_entry, subject,
};
use super::emit::Grid;
use super::model::{Codes, Person, reason};
use crate::dates::{Days, age_years};
use crate::regions::county_of;
use crate::stats::Subject;

/// The sums of one period.
#[derive(Debug, Clone, Default)]
pub(super) struct Acc {
    pub(super) registered: Grid,
    pub(super) existing: Grid,
    pub(super) abstinent: Grid,
    pub(super) in_society: Grid,
    pub(super) under_measure: Grid,
    pub(super) cross_region: Grid,
    pub(super) new_users: Grid,
    pub(super) execution: Grid,
    pub(super) timely: Grid,
    pub(super) loss: Grid,
    pub(super) escalation: Grid,
    pub(super) compliance: Grid,
    pub(super) coverage: Grid,
    pub(super) transfers_in: Grid,
    pub(super) transfers_out: Grid,
    pub(super) officers: Grid,
    pub(super) incidents: Grid,
    /// (region, subject) for the three cohorts.
    pub(super) cohort_community: Vec<(u32, Subject)>,
    pub(super) cohort_release: Vec<(u32, Subject)>,
}

impl Acc {
    pub(super) fn new(n: usize) -> Acc {
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
            incidents: Grid::new(n, INCIDENT_WIDTH),
            cohort_community: Vec::new(),
            cohort_release: Vec::new(),
        }
    }

    pub(super) fn merge(mut self, o: Acc) -> Acc {
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
            (&mut self.incidents, &o.incidents),
        ] {
            a.merge(b);
        }
        self.cohort_community.extend(o.cohort_community);
        self.cohort_release.extend(o.cohort_release);
        self
    }
}

fn hits(dates: &[Days], from: Days, to: Days) -> bool {
    let k = dates.partition_point(|&d| d < from);
    k < dates.len() && dates[k] <= to
}

/// A date as (year, month × 32 + day): [`age_years`] from two of them without the
/// calendar.
pub(super) fn year_md(day: Days) -> (i32, u32) {
    let (y, m, d) = crate::dates::ymd(day);
    (y, m * 32 + d)
}

/// [`age_years`] of a birth and a date given by [`year_md`]: the completed years, a
/// year less before the birthday in the (month, day) order.
fn age_at(birth: (i32, u32), at: (i32, u32)) -> i32 {
    at.0 - birth.0 - i32::from(at.1 < birth.1)
}

/// What every person's work in one run shares.
pub(super) struct Ctx<'a> {
    pub(super) c: Days,
    pub(super) at: &'a Attribution,
    /// The county of every interned code, as an index ([`county_of`] of its text).
    pub(super) county: Vec<u32>,
}

impl Ctx<'_> {
    pub(super) fn county_index(codes: &Codes) -> Vec<u32> {
        let mut seen: std::collections::HashMap<&str, u32> = Default::default();
        codes
            .codes
            .iter()
            .map(|c| {
                let k = seen.len() as u32;
                *seen.entry(county_of(c)).or_insert(k)
            })
            .collect()
    }
}

/// A period with its reference date `D` as [`year_md`].
pub(super) struct PeriodCtx<'a> {
    pub(super) per: &'a Period,
    pub(super) d_md: (i32, u32),
    /// Whether the period's own rows are reported. A period outside `--from`/`--to`
    /// is summed only for what later periods read of it (the new users of
    /// `new_users_yoy` and `new_users_decline_streak`; incidents are summed apart):
    /// [`person_period`] adds its new users and nothing else.
    pub(super) full: bool,
}

/// The earliest date of a person's own records that [`person_period`] compares with a
/// period: every sum it adds needs one of these dates on or before the period's end
/// (`first_found_date` for stocks and new users, a measure's decision, report or end
/// date for measure flows, stocks under measure, coverage and cohort entries, a
/// transfer's or service's date), so a period ending earlier gets nothing from them.
pub(super) fn earliest_date(p: &Person) -> Days {
    let mut first = p.first_found;
    for m in &p.measures {
        for d in [Some(m.decision), m.report, m.end].into_iter().flatten() {
            first = first.min(d);
        }
    }
    for t in &p.transfers {
        first = first.min(t.date);
    }
    for s in &p.services {
        first = first.min(s.0);
    }
    first
}

/// The per-person work of one period.
pub(super) fn person_period(
    p: &Person,
    birth: (i32, u32),
    pc: &PeriodCtx,
    cx: &Ctx,
    acc: &mut Acc,
) {
    let per = pc.per;
    let c = cx.c;
    let at = cx.at;
    let d = per.d;
    if !pc.full {
        new_users(p, per, at, acc);
        return;
    }
    // Stocks at D, attributed by mgmt(p, D).
    let mg = blocks::mgmt(p, d);
    let rm = at.of(mg);
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
                let age = age_group(age_at(birth, pc.d_md));
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
                    let differs = cx.county[p.hukou as usize] != cx.county[mg as usize];
                    acc.cross_region.add(r, 0, differs, true);
                }
            }
        }
        if blocks::under_community_measure(p, d) {
            acc.under_measure.add(r, 0, true, false);
        }
    }
    new_users(p, per, at, acc);
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
            for &(qs, qe) in per.inner_quarters() {
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

/// New users in the period, attributed by `first_found_region`.
fn new_users(p: &Person, per: &Period, at: &Attribution, acc: &mut Acc) {
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
}
