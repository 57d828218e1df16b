//! The course of an executed (or never reported) community measure (社区戒毒, 社区康复):
//! reporting, the planned end, loss of contact and imprisonment, the scheduled, spot
//! and hair tests with relapses and escalation, and the services while it runs.

use super::rates::{
    lost_rate, p_escalate, p_miss, p_relapse_in, p_report, p_timely, service_rate, service_weights,
    spot_rate,
};
use super::{CUTOFF, Ctx, Next, Service, Why, code, next_event};
use crate::dates::{Days, add_months, add_years, year};

/// Month offsets of the scheduled urine tests from the report date: intake, monthly in
/// year 1, every 2 months in year 2, quarterly in year 3.
const SCHEDULE: [i32; 23] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 18, 20, 22, 24, 27, 30, 33, 36,
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Planned,
    Lost,
    Prison,
    Life,
    Cutoff,
    Escalate,
}

impl Ctx<'_> {
    pub(super) fn community(&mut self, mi: usize, scratch: &mut Vec<(Days, u8)>) -> Next {
        let (d, kind, seq, officer) = {
            let m = &self.b.measures[mi];
            (m.decision, m.kind, m.seq, m.officer)
        };
        let y = year(d);
        if !self.rng.chance(p_report(y)) {
            let end = d + 30 + self.rng.below(240) as Days;
            let (next, end, reason) = if end > CUTOFF {
                (Next::Stop, None, None)
            } else if end >= self.life_end {
                (Next::Stop, Some(self.life_end), Some(self.gone_reason))
            } else {
                let u = self.rng.f64();
                if u < 0.6 {
                    let next = if self.rng.chance(0.7) {
                        Next::Using(end)
                    } else {
                        Next::Released(end)
                    };
                    (next, Some(end), Some(code::LOST))
                } else if u < 0.9 {
                    (
                        Next::Decide(end, Why::Escalated),
                        Some(end),
                        Some(code::ESCALATED),
                    )
                } else {
                    (Next::Released(end), Some(end), Some(code::OTHER))
                }
            };
            let m = &mut self.b.measures[mi];
            m.end = end;
            m.reason = reason;
            return next;
        }
        let report = if self.rng.chance(p_timely(y)) {
            d + self.rng.below(16) as Days
        } else {
            d + 16 + self.rng.below(if y >= 2020 { 30 } else { 100 }) as Days
        };
        if report > CUTOFF {
            return Next::Stop;
        }
        if report >= self.life_end {
            let m = &mut self.b.measures[mi];
            m.end = Some(self.life_end);
            m.reason = Some(self.gone_reason);
            return Next::Stop;
        }
        self.b.measures[mi].report = Some(report);
        let (planned, planned_reason) = if kind == code::DETOX {
            if y >= 2014 && self.rng.chance(0.35) {
                (
                    add_months(report, 24 + self.rng.below(10) as i32),
                    code::EARLY,
                )
            } else {
                (add_years(report, 3), code::COMPLETED)
            }
        } else if self.rng.chance(0.35) {
            (
                add_months(report, 12 + self.rng.below(22) as i32),
                code::EARLY,
            )
        } else {
            (add_years(report, 3), code::COMPLETED)
        };
        let ry = year(report);
        let mut use_at = if self.rng.chance(p_relapse_in(ry)) {
            Some(report + 1 + self.rng.exp(240.0) as Days)
        } else {
            None
        };
        let lost_at = next_event(&mut self.rng, report, planned, lost_rate);
        let prison_at = next_event(&mut self.rng, report, planned, |_| 0.01);
        let (mut stop, mut how) = (planned, Stop::Planned);
        if let Some(l) = lost_at
            && l < stop
        {
            (stop, how) = (l, Stop::Lost);
        }
        if let Some(p) = prison_at
            && p < stop
        {
            (stop, how) = (p, Stop::Prison);
        }
        if self.life_end <= stop {
            (stop, how) = (self.life_end, Stop::Life);
        }
        if CUTOFF < stop {
            (stop, how) = (CUTOFF + 1, Stop::Cutoff);
        }
        // candidate test dates: the schedule, spot tests, yearly hair tests
        scratch.clear();
        for &k in &SCHEDULE {
            let dt = if k == 0 {
                report
            } else {
                add_months(report, k) + self.rng.range_i32(-3, 5)
            };
            scratch.push((dt, 0));
        }
        let mut t = report;
        while let Some(s) = next_event(&mut self.rng, t, planned, spot_rate) {
            scratch.push((s, 1));
            t = s + 1;
        }
        scratch.sort_unstable();
        for &(td, spot) in scratch.iter() {
            if td >= stop {
                break;
            }
            if td < report || self.rng.chance(p_miss(year(td))) {
                continue;
            }
            let ty = year(td);
            let method = if spot == 1 && ty >= 2018 && self.rng.chance(0.3) {
                code::HAIR
            } else if self.rng.chance(0.03) {
                code::SALIVA
            } else if self.rng.chance(0.01) {
                code::BLOOD
            } else {
                code::URINE
            };
            let using = use_at.is_some_and(|u| u <= td);
            let result = if self.rng.chance(0.01) {
                code::REFUSED
            } else if using {
                code::POSITIVE
            } else {
                code::NEGATIVE
            };
            self.test(td, method, result, Some(seq));
            if result == code::POSITIVE {
                if self.rng.chance(p_escalate(ty)) {
                    let e = (td + 3 + self.rng.below(25) as Days).min(stop - 1);
                    (stop, how) = (e, Stop::Escalate);
                    break;
                }
                use_at = if self.rng.chance(0.5) {
                    Some(td + 1 + self.rng.exp(120.0) as Days)
                } else {
                    None
                };
            }
        }
        // services while the measure is carried out
        let until = (stop - 1).min(CUTOFF);
        let mut t = report;
        while let Some(s) = next_event(&mut self.rng, t, until, service_rate) {
            let kind = self.rng.weighted(&service_weights(year(s))) as u8;
            self.s_seq += 1;
            self.b.services.push(Service {
                person: self.idx,
                seq: self.s_seq,
                date: s,
                kind,
                officer,
            });
            t = s + 1;
        }
        let (end, reason, next) = match how {
            Stop::Planned => {
                let next = if use_at.is_some_and(|u| u <= stop) {
                    Next::Using(stop)
                } else {
                    Next::Released(stop)
                };
                (Some(stop), Some(planned_reason), next)
            }
            Stop::Lost => {
                let next = if use_at.is_some() || self.rng.chance(0.65) {
                    Next::Using(stop)
                } else {
                    Next::Released(stop)
                };
                (Some(stop), Some(code::LOST), next)
            }
            Stop::Prison => {
                let back = stop + 365 + self.rng.below(3 * 365) as Days;
                (Some(stop), Some(code::IMPRISONED), Next::Released(back))
            }
            Stop::Life => (Some(stop), Some(self.gone_reason), Next::Stop),
            Stop::Cutoff => (None, None, Next::Stop),
            Stop::Escalate => (
                Some(stop),
                Some(code::ESCALATED),
                Next::Decide(stop, Why::Escalated),
            ),
        };
        let m = &mut self.b.measures[mi];
        m.end = end;
        m.reason = reason;
        next
    }
}
