//! The person-level simulation: every person is followed from first finding to the data
//! cutoff (2025-12-31) through a small state machine, and the records of the export are
//! the traces of that history, not independent columns.
//!
//! States and transitions (rates are per year and change with the calendar year, see
//! `rates`):
//!
//! * **found** (first finding or a police detection): a detection record, then within
//!   days a decision: before the Anti-Drug Law (2008-06-01) compulsory isolation (then
//!   强制戒毒), voluntary treatment or nothing; after it mostly 社区戒毒 for a first
//!   finding and more compulsory isolation for repeat users.
//! * **community measure** (社区戒毒 3 years, 社区康复 up to 3 years): reported within 15
//!   days, late, or never (the reporting probability is the execution rate of the
//!   decision year: 42.5% in 2013, ≥ 99% from 2019). Unreported decisions end within
//!   months as lost contact, escalation or other. Executed measures carry urine tests
//!   monthly in year 1, every 2 months in year 2 and quarterly in year 3 (some missed,
//!   about 1% refused), spot and hair tests in later years, and services. A relapse
//!   shows as the next positive test and is escalated to compulsory isolation or
//!   tolerated; loss of contact, imprisonment, death and departure end the measure.
//! * **compulsory isolation** (强制隔离戒毒, 2 years, early release after 18–23 months):
//!   followed by a 社区康复 decision on release.
//! * **using** (free, active): detected by police at a rate that peaks in the 2013
//!   campaign (大收戒), or quits.
//! * **released** (free, clean): relapses with a probability that falls year by year
//!   after 2013, or stays abstinent.
//!
//! Persons working away from home (户籍地 ≠ 居住地, 28%) are handed over from the
//! household-registration township to the residence township with their first community
//! measure from 2012 on (a transfer), and some move back home later (another transfer).
//!
//! The files: `records` the simulated rows, `world` what all persons share, `community`
//! the course of a community measure, `rates` the time-varying parameters; this file
//! the person's state machine.

mod community;
mod rates;
mod records;
#[cfg(test)]
mod tests;
mod world;

pub use records::{
    Block, Detection, EDUCATIONS, ETHNICITIES, Measure, OCCUPATIONS, Person, Service, Test,
    Transfer, code,
};
pub use world::World;

use super::digits::{push_compact, push_padded};
use super::regions::{BINHE, SHAPOTOU, XINGREN};
use super::rng::{Rng, domain};
use crate::dates::{Days, add_years, from_ymd, is_leap, jan1, year};
use crate::input::values::id_check_char;
use rates::{check_rate, detect_rate, drug_weights, p_rehab, p_relapse_out, quit_rate};

/// The data cutoff: no record is dated later, and the last person is first found on it.
pub const CUTOFF: Days = from_ymd(2025, 12, 31);
const LAW_2008: Days = from_ymd(2008, 6, 1);
/// Persons at `--scale national`.
pub const NATIONAL_PERSONS: u64 = 2_500_000;
/// Persons per block (the unit of parallel simulation and of ordered writing).
pub const BLOCK: u64 = 1024;

fn id_number(hukou: u32, birth: Days, male: bool, rng: &mut Rng) -> [u8; 18] {
    let county = if hukou >= 1_000_000 {
        hukou / 1000
    } else {
        hukou
    };
    let mut v = Vec::with_capacity(18);
    push_padded(&mut v, county as u64, 6);
    push_compact(&mut v, birth);
    push_padded(&mut v, rng.below(100), 2);
    let sex_digit = 2 * rng.below(5) as u8 + u8::from(male);
    v.push(b'0' + sex_digit);
    v.push(id_check_char(&v));
    let mut out = [0u8; 18];
    out.copy_from_slice(&v);
    out
}

/// First event after `t0` of a process with yearly rate `rate(year)`, if at most `until`.
fn next_event(rng: &mut Rng, t0: Days, until: Days, rate: impl Fn(i32) -> f64) -> Option<Days> {
    let mut t = t0 as f64;
    while t <= until as f64 {
        let y = year(t as Days);
        let y_end = jan1(y + 1) as f64;
        let r = rate(y);
        if r > 0.0 {
            let s = t + rng.exp(365.25 / r);
            if s < y_end {
                let d = s as Days;
                return (d <= until).then_some(d);
            }
        }
        t = y_end;
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Why {
    Found,
    Escalated,
    AfterCi,
}

enum Next {
    Decide(Days, Why),
    Using(Days),
    Released(Days),
    Stop,
}

struct Ctx<'a> {
    w: &'a World,
    rng: Rng,
    b: &'a mut Block,
    idx: u64,
    hukou: u32,
    cur_res: u32,
    life_end: Days,
    gone_reason: u8,
    transferred: bool,
    m_seq: u16,
    d_seq: u16,
    t_seq: u32,
    x_seq: u16,
    s_seq: u32,
}

fn simulate_person(w: &World, idx: u64, b: &mut Block, scratch: &mut Vec<(Days, u8)>) {
    let cell = *w.cell(idx);
    let mut rng = Rng::stream(w.seed, domain::PERSON, idx);
    let y = cell.year;
    let ylen = if is_leap(y) { 366 } else { 365 };
    let mut ff = jan1(y) + rng.below(ylen) as Days;
    if idx + 1 == w.total || ff > CUTOFF {
        ff = CUTOFF; // the last person is first found on the cutoff date
    }
    let male = rng.chance(0.84);
    let age = match rng.weighted(&[3.0, 62.0, 33.0, 2.0]) {
        0 => rng.range_i32(14, 17),
        1 => rng.range_i32(18, 35),
        2 => rng.range_i32(36, 59),
        _ => rng.range_i32(60, 75),
    };
    let birth = add_years(ff, -age) - 1 - rng.below(363) as Days;
    let county = &w.geo.counties[cell.county];
    let ff_town = w.township(cell.county, &mut rng);
    let (hukou, residence) = if rng.chance(0.28) {
        if county.code == SHAPOTOU && rng.chance(0.5) {
            if rng.chance(0.5) {
                (XINGREN, BINHE)
            } else {
                (BINHE, XINGREN)
            }
        } else if rng.chance(0.45) && county.townships.len() > 1 {
            let mut h = w.township(cell.county, &mut rng);
            if h == ff_town {
                h = w.geo.townships
                    [county.townships.start + (rng.below(county.townships.len() as u64) as usize)]
                    .code;
            }
            (h, ff_town)
        } else {
            let c = w.county_in_area(county.area, &mut rng);
            (w.township(c, &mut rng), ff_town)
        }
    } else {
        (ff_town, ff_town)
    };
    let ff_region = if rng.chance(0.02) {
        residence / 1000
    } else {
        residence
    };
    let hui = matches!(
        county.code,
        640324 | 640422 | 640522 | 640424 | 640402 | 640303
    );
    let ethnicity = if rng.chance(if hui {
        0.7
    } else if county.area == 0 {
        0.3
    } else {
        0.03
    }) {
        1
    } else if rng.chance(0.95) {
        0
    } else {
        2 + rng.below(ETHNICITIES.len() as u64 - 2) as u8
    };
    let occupation = rng.weighted(&[30.0, 20.0, 25.0, 8.0, 6.0, 6.0, 1.0, 4.0]) as u8;
    let education = rng.weighted(&[4.0, 22.0, 45.0, 15.0, 7.0, 5.0, 2.0]) as u8;
    let drug = rng.weighted(&drug_weights(y)) as u8;
    let hukou_col = if rng.chance(0.01) {
        hukou / 1000
    } else {
        hukou
    };
    let id = id_number(hukou, birth, male, &mut rng);
    let death_rate = if drug == 0 { 0.005 } else { 0.002 } * if age >= 50 { 2.0 } else { 1.0 };
    let death = Some(ff + 1 + rng.exp(365.25 / death_rate) as Days).filter(|&d| d <= CUTOFF);
    let departure = Some(ff + 1 + rng.exp(365.25 / 0.0003) as Days).filter(|&d| d <= CUTOFF);
    let (life_end, gone_reason) = match (death, departure) {
        (Some(d), Some(e)) if e < d => (e, code::DEPARTED),
        (Some(d), _) => (d, code::DIED),
        (None, Some(e)) => (e, code::DEPARTED),
        (None, None) => (Days::MAX, code::DIED),
    };
    let starts = (
        b.measures.len() as u32,
        b.detections.len() as u32,
        b.tests.len() as u32,
        b.transfers.len() as u32,
        b.services.len() as u32,
    );
    let mut cx = Ctx {
        w,
        rng,
        b,
        idx,
        hukou,
        cur_res: residence,
        life_end,
        gone_reason,
        transferred: false,
        m_seq: 0,
        d_seq: 0,
        t_seq: 0,
        x_seq: 0,
        s_seq: 0,
    };
    if cx.rng.chance(0.92) {
        cx.detection(ff, ff_region);
    }
    let mut next = Next::Decide(ff, Why::Found);
    for _ in 0..64 {
        next = match next {
            Next::Decide(t, why) => cx.decide(t, why, scratch),
            Next::Using(t) => cx.using(t),
            Next::Released(t) => cx.released(t),
            Next::Stop => break,
        };
    }
    let residence = cx.cur_res;
    let b = cx.b;
    b.persons.push(Person {
        index: idx,
        male,
        birth,
        id_number: id,
        ethnicity,
        hukou: hukou_col,
        residence,
        first_found: ff,
        first_found_region: ff_region,
        drug,
        occupation,
        education,
        death,
        departure,
        measures: starts.0..b.measures.len() as u32,
        detections: starts.1..b.detections.len() as u32,
        tests: starts.2..b.tests.len() as u32,
        transfers: starts.3..b.transfers.len() as u32,
        services: starts.4..b.services.len() as u32,
    });
}

impl Ctx<'_> {
    /// The last day on which this person can have a record.
    fn horizon(&self) -> Days {
        CUTOFF.min(self.life_end - 1)
    }

    fn detection(&mut self, d: Days, region: u32) {
        self.d_seq += 1;
        self.b.detections.push(Detection {
            person: self.idx,
            seq: self.d_seq,
            date: d,
            region,
        });
    }

    fn test(&mut self, date: Days, method: u8, result: u8, measure: Option<u16>) {
        self.t_seq += 1;
        self.b.tests.push(Test {
            person: self.idx,
            seq: self.t_seq,
            date,
            method,
            result,
            measure,
        });
    }

    fn near(&mut self) -> u32 {
        let u = self.rng.f64();
        if u < 0.03 {
            self.cur_res / 1000
        } else if u < 0.13 {
            let c = self.w.county_of_town(self.cur_res);
            self.w.township(c, &mut self.rng)
        } else {
            self.cur_res
        }
    }

    fn transfer(&mut self, d: Days, from: u32, to: u32, measure: Option<u16>) {
        self.x_seq += 1;
        self.b.transfers.push(Transfer {
            person: self.idx,
            seq: self.x_seq,
            date: d,
            from,
            to,
            measure,
        });
        self.cur_res = to;
    }

    fn decide(&mut self, t: Days, why: Why, scratch: &mut Vec<(Days, u8)>) -> Next {
        if t > CUTOFF || t >= self.life_end {
            return Next::Stop;
        }
        let (kind, d) = match why {
            Why::Escalated => (code::CI, t),
            Why::AfterCi => {
                if t >= LAW_2008 && self.rng.chance(p_rehab(year(t))) {
                    (code::REHAB, t)
                } else {
                    return Next::Released(t);
                }
            }
            Why::Found => {
                let d = t + 1 + self.rng.below(10) as Days;
                let first = self.m_seq == 0;
                let k = if d < LAW_2008 {
                    [Some(code::CI), Some(code::VOLUNTARY), None]
                        [self.rng.weighted(&[35.0, 10.0, 55.0])]
                } else if first {
                    [
                        Some(code::DETOX),
                        Some(code::CI),
                        Some(code::VOLUNTARY),
                        None,
                    ][self.rng.weighted(&[75.0, 8.0, 3.0, 14.0])]
                } else if d < from_ymd(2017, 1, 1) {
                    [Some(code::DETOX), Some(code::CI), None]
                        [self.rng.weighted(&[30.0, 60.0, 10.0])]
                } else {
                    [Some(code::DETOX), Some(code::CI), None]
                        [self.rng.weighted(&[50.0, 40.0, 10.0])]
                };
                match k {
                    Some(k) => (k, d),
                    None => {
                        return if self.rng.chance(0.5) {
                            Next::Using(d)
                        } else {
                            Next::Released(d)
                        };
                    }
                }
            }
        };
        if d > CUTOFF || d >= self.life_end {
            return Next::Stop;
        }
        let region = if self.rng.chance(0.02) {
            self.cur_res / 1000
        } else {
            self.cur_res
        };
        let officer = if d >= from_ymd(2011, 1, 1) {
            self.w.officers.pick(region, d, &mut self.rng)
        } else {
            None
        };
        self.m_seq += 1;
        let seq = self.m_seq;
        let mi = self.b.measures.len();
        self.b.measures.push(Measure {
            person: self.idx,
            seq,
            kind,
            decision: d,
            report: None,
            end: None,
            reason: None,
            region,
            officer,
        });
        let community = kind == code::DETOX || kind == code::REHAB;
        if community && !self.transferred && self.hukou != self.cur_res && d >= from_ymd(2012, 1, 1)
        {
            // two-way hand-over: the household-registration township hands the person to
            // the residence township that carries out the measure
            let td = d + 1 + self.rng.below(10) as Days;
            if td <= self.horizon() {
                let (h, r) = (self.hukou, self.cur_res);
                self.transferred = true;
                self.transfer(td, h, r, Some(seq));
            }
        }
        let (next, report, end, reason) = match kind {
            code::VOLUNTARY | code::CI => {
                let report = d + self.rng.below(if kind == code::CI { 11 } else { 6 }) as Days;
                let (dur, reason) = if kind == code::VOLUNTARY {
                    (90 + self.rng.below(91) as Days, code::COMPLETED)
                } else if d < LAW_2008 {
                    (180 + self.rng.below(551) as Days, code::COMPLETED)
                } else if self.rng.chance(0.3) {
                    (540 + self.rng.below(161) as Days, code::EARLY)
                } else {
                    (730, code::COMPLETED)
                };
                let end = report + dur;
                if report > CUTOFF {
                    (Next::Stop, None, None, None)
                } else if report >= self.life_end {
                    (
                        Next::Stop,
                        None,
                        Some(self.life_end),
                        Some(self.gone_reason),
                    )
                } else if end >= self.life_end && self.life_end <= CUTOFF {
                    (
                        Next::Stop,
                        Some(report),
                        Some(self.life_end),
                        Some(self.gone_reason),
                    )
                } else if end > CUTOFF {
                    (Next::Stop, Some(report), None, None)
                } else if kind == code::CI {
                    (
                        Next::Decide(end, Why::AfterCi),
                        Some(report),
                        Some(end),
                        Some(reason),
                    )
                } else {
                    (Next::Released(end), Some(report), Some(end), Some(reason))
                }
            }
            _ => return self.community(mi, scratch),
        };
        let m = &mut self.b.measures[mi];
        m.report = report;
        m.end = end;
        m.reason = reason;
        next
    }

    fn using(&mut self, t: Days) -> Next {
        let until = self.horizon();
        if t > until {
            return Next::Stop;
        }
        match next_event(&mut self.rng, t, until, |y| detect_rate(y) + quit_rate(y)) {
            None => Next::Stop,
            Some(s) => {
                let y = year(s);
                if self
                    .rng
                    .chance(detect_rate(y) / (detect_rate(y) + quit_rate(y)))
                {
                    let r = self.near();
                    self.detection(s, r);
                    Next::Decide(s, Why::Found)
                } else {
                    Next::Released(s)
                }
            }
        }
    }

    fn released(&mut self, t: Days) -> Next {
        if t > self.horizon() {
            return Next::Stop;
        }
        if self.cur_res != self.hukou && t >= from_ymd(2014, 1, 1) && self.rng.chance(0.1) {
            let td = t + 30 + self.rng.below(270) as Days;
            if td <= self.horizon() {
                let (from, to) = (self.cur_res, self.hukou);
                self.transfer(td, from, to, None);
            }
        }
        let relapse = self
            .rng
            .chance(p_relapse_out(year(t)))
            .then(|| t + 1 + self.rng.exp(365.0) as Days);
        // routine checks of registered persons outside measures (动态管控), negative
        // while clean; from 2014 on
        let clean_until = relapse.unwrap_or(Days::MAX).min(self.horizon() + 1);
        let mut c = t.max(from_ymd(2014, 1, 1));
        while let Some(s) = next_event(&mut self.rng, c, clean_until - 1, check_rate) {
            let method = if year(s) >= 2018 && self.rng.chance(0.5) {
                code::HAIR
            } else {
                code::URINE
            };
            let result = if self.rng.chance(0.01) {
                code::REFUSED
            } else {
                code::NEGATIVE
            };
            self.test(s, method, result, None);
            c = s + 1;
        }
        match relapse {
            Some(u) => Next::Using(u),
            None => Next::Stop,
        }
    }
}
