//! The person-level simulation: every person is followed from first finding to the data
//! cutoff (2025-12-31) through a small state machine, and the records of the export are
//! the traces of that history, not independent columns.
//!
//! States and transitions (rates are per year and change with the calendar year, see
//! the functions at the end of this file):
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

use super::date::{self, Day, add_months, add_years, from_ymd, jan1, year};
use super::officers::Officers;
use super::regions::{self, BINHE, Cell, Geography, SHAPOTOU, XINGREN};
use super::rng::{Rng, domain};

/// The data cutoff: no record is dated later, and the last person is first found on it.
pub const CUTOFF: Day = from_ymd(2025, 12, 31);
const LAW_2008: Day = from_ymd(2008, 6, 1);
/// Persons at `--scale national`.
pub const NATIONAL_PERSONS: u64 = 2_500_000;
/// Persons per block (the unit of parallel simulation and of ordered writing).
pub const BLOCK: u64 = 1024;

/// Indices into the schema's enumeration value lists (checked by a unit test).
pub mod code {
    pub const DETOX: u8 = 0;
    pub const REHAB: u8 = 1;
    pub const CI: u8 = 2;
    pub const VOLUNTARY: u8 = 3;

    pub const COMPLETED: u8 = 0;
    pub const EARLY: u8 = 1;
    pub const ESCALATED: u8 = 2;
    pub const DIED: u8 = 3;
    pub const DEPARTED: u8 = 4;
    pub const IMPRISONED: u8 = 5;
    pub const LOST: u8 = 6;
    pub const OTHER: u8 = 7;

    pub const NEGATIVE: u8 = 0;
    pub const POSITIVE: u8 = 1;
    pub const REFUSED: u8 = 2;

    pub const URINE: u8 = 0;
    pub const HAIR: u8 = 1;
    pub const BLOOD: u8 = 2;
    pub const SALIVA: u8 = 3;
}

pub const ETHNICITIES: &[&str] = &["汉族", "回族", "蒙古族", "满族", "东乡族", "土族"];
pub const OCCUPATIONS: &[&str] = &[
    "无业",
    "农民",
    "务工",
    "个体经营",
    "司机",
    "服务业",
    "学生",
    "其他",
];
pub const EDUCATIONS: &[&str] = &["文盲", "小学", "初中", "高中", "中专", "大专", "本科"];

#[derive(Debug, Clone)]
pub struct Person {
    /// 0-based; the person_id is `P` + (index + 1) zero-padded.
    pub index: u64,
    pub male: bool,
    pub birth: Day,
    pub id_number: [u8; 18],
    pub ethnicity: u8,
    pub hukou: u32,
    pub residence: u32,
    pub first_found: Day,
    pub first_found_region: u32,
    pub drug: u8,
    pub occupation: u8,
    pub education: u8,
    pub death: Option<Day>,
    pub departure: Option<Day>,
    /// This person's rows in the block's tables.
    pub measures: std::ops::Range<u32>,
    pub detections: std::ops::Range<u32>,
    pub tests: std::ops::Range<u32>,
    pub transfers: std::ops::Range<u32>,
    pub services: std::ops::Range<u32>,
}

#[derive(Debug, Clone)]
pub struct Measure {
    pub person: u64,
    pub seq: u16,
    pub kind: u8,
    pub decision: Day,
    pub report: Option<Day>,
    pub end: Option<Day>,
    pub reason: Option<u8>,
    pub region: u32,
    /// Index into `Officers::list`.
    pub officer: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Detection {
    pub person: u64,
    pub seq: u16,
    pub date: Day,
    pub region: u32,
}

#[derive(Debug, Clone)]
pub struct Test {
    pub person: u64,
    pub seq: u32,
    pub date: Day,
    pub method: u8,
    pub result: u8,
    pub measure: Option<u16>,
}

#[derive(Debug, Clone)]
pub struct Transfer {
    pub person: u64,
    pub seq: u16,
    pub date: Day,
    pub from: u32,
    pub to: u32,
    pub measure: Option<u16>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub person: u64,
    pub seq: u32,
    pub date: Day,
    pub kind: u8,
    pub officer: Option<u32>,
}

/// The simulated records of a run of consecutive persons.
#[derive(Debug, Clone, Default)]
pub struct Block {
    pub persons: Vec<Person>,
    pub measures: Vec<Measure>,
    pub detections: Vec<Detection>,
    pub tests: Vec<Test>,
    pub transfers: Vec<Transfer>,
    pub services: Vec<Service>,
}

/// Everything shared by all persons: geography, allocation, officers.
#[derive(Debug, Clone)]
pub struct World {
    pub seed: u64,
    pub national: bool,
    pub geo: Geography,
    pub cells: Vec<Cell>,
    pub total: u64,
    pub officers: Officers,
    /// Digits of the person number in ids (at least 7).
    pub pid_width: usize,
    /// Cumulative township weights per county.
    town_cum: Vec<Vec<f64>>,
    /// Cumulative county weights per area.
    county_cum: Vec<Vec<f64>>,
    county_by_code: std::collections::HashMap<u32, usize>,
}

impl World {
    /// `ningxia` persons in Ningxia, and `others` in the other provinces (national only).
    pub fn new(seed: u64, ningxia: u64, others: u64) -> World {
        let national = others > 0;
        let mut geo = Geography::build(national);
        let cells = regions::allocate(&mut geo, ningxia, others);
        let total = cells.iter().map(|c| c.count).sum();
        let officers = Officers::build(&geo, seed, CUTOFF);
        let cum = |w: &mut dyn Iterator<Item = f64>| {
            let mut acc = 0.0;
            w.map(|x| {
                acc += x;
                acc
            })
            .collect::<Vec<f64>>()
        };
        let town_cum = geo
            .counties
            .iter()
            .map(|c| cum(&mut geo.townships[c.townships.clone()].iter().map(|t| t.weight)))
            .collect();
        let county_cum = geo
            .areas
            .iter()
            .map(|a| cum(&mut geo.counties[a.counties.clone()].iter().map(|c| c.weight)))
            .collect();
        let mut pid_width = 7;
        while 10u64.pow(pid_width as u32) <= total {
            pid_width += 1;
        }
        let county_by_code = geo
            .counties
            .iter()
            .enumerate()
            .map(|(i, c)| (c.code, i))
            .collect();
        World {
            seed,
            national,
            geo,
            cells,
            total,
            officers,
            pid_width,
            town_cum,
            county_cum,
            county_by_code,
        }
    }

    pub fn blocks(&self) -> u64 {
        self.total.div_ceil(BLOCK)
    }

    fn cell(&self, idx: u64) -> &Cell {
        let k = self.cells.partition_point(|c| c.start + c.count <= idx);
        &self.cells[k]
    }

    fn township(&self, county: usize, rng: &mut Rng) -> u32 {
        let cum = &self.town_cum[county];
        let x = rng.f64() * cum[cum.len() - 1];
        let k = cum.partition_point(|&c| c <= x).min(cum.len() - 1);
        self.geo.townships[self.geo.counties[county].townships.start + k].code
    }

    fn county_in_area(&self, area: usize, rng: &mut Rng) -> usize {
        let cum = &self.county_cum[area];
        let x = rng.f64() * cum[cum.len() - 1];
        let k = cum.partition_point(|&c| c <= x).min(cum.len() - 1);
        self.geo.areas[area].counties.start + k
    }

    fn county_of_town(&self, town: u32) -> usize {
        let c = if town >= 1_000_000 { town / 1000 } else { town };
        self.county_by_code.get(&c).copied().unwrap_or(0)
    }

    /// Simulates block `b` (persons `b·BLOCK ..`).
    pub fn simulate_block(&self, b: u64) -> Block {
        let lo = b * BLOCK;
        let hi = (lo + BLOCK).min(self.total);
        let mut block = Block::default();
        let mut scratch = Vec::with_capacity(64);
        for idx in lo..hi {
            simulate_person(self, idx, &mut block, &mut scratch);
        }
        block
    }
}

/// The GB 11643 check character of the first 17 digits (ISO 7064 MOD 11-2).
pub fn check_char(first17: &[u8]) -> u8 {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const MAP: &[u8; 11] = b"10X98765432";
    let s: u32 = first17
        .iter()
        .zip(W)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    MAP[(s % 11) as usize]
}

fn id_number(hukou: u32, birth: Day, male: bool, rng: &mut Rng) -> [u8; 18] {
    let county = if hukou >= 1_000_000 {
        hukou / 1000
    } else {
        hukou
    };
    let (y, m, d) = date::ymd(birth);
    let mut v = Vec::with_capacity(18);
    date::push_padded(&mut v, county as u64, 6);
    date::push_compact(&mut v, birth);
    debug_assert_eq!((y, m, d), date::ymd(birth));
    date::push_padded(&mut v, rng.below(100), 2);
    let sex_digit = 2 * rng.below(5) as u8 + u8::from(male);
    v.push(b'0' + sex_digit);
    v.push(check_char(&v));
    let mut out = [0u8; 18];
    out.copy_from_slice(&v);
    out
}

/// First event after `t0` of a process with yearly rate `rate(year)`, if at most `until`.
fn next_event(rng: &mut Rng, t0: Day, until: Day, rate: impl Fn(i32) -> f64) -> Option<Day> {
    let mut t = t0 as f64;
    while t <= until as f64 {
        let y = year(t as Day);
        let y_end = jan1(y + 1) as f64;
        let r = rate(y);
        if r > 0.0 {
            let s = t + rng.exp(365.25 / r);
            if s < y_end {
                let d = s as Day;
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
    Decide(Day, Why),
    Using(Day),
    Released(Day),
    Stop,
}

struct Ctx<'a> {
    w: &'a World,
    rng: Rng,
    b: &'a mut Block,
    idx: u64,
    hukou: u32,
    cur_res: u32,
    life_end: Day,
    gone_reason: u8,
    transferred: bool,
    m_seq: u16,
    d_seq: u16,
    t_seq: u32,
    x_seq: u16,
    s_seq: u32,
}

fn simulate_person(w: &World, idx: u64, b: &mut Block, scratch: &mut Vec<(Day, u8)>) {
    let cell = *w.cell(idx);
    let mut rng = Rng::stream(w.seed, domain::PERSON, idx);
    let y = cell.year;
    let ylen = if date::is_leap(y) { 366 } else { 365 };
    let mut ff = jan1(y) + rng.below(ylen) as Day;
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
    let birth = add_years(ff, -age) - 1 - rng.below(363) as Day;
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
    let death = Some(ff + 1 + rng.exp(365.25 / death_rate) as Day).filter(|&d| d <= CUTOFF);
    let departure = Some(ff + 1 + rng.exp(365.25 / 0.0003) as Day).filter(|&d| d <= CUTOFF);
    let (life_end, gone_reason) = match (death, departure) {
        (Some(d), Some(e)) if e < d => (e, code::DEPARTED),
        (Some(d), _) => (d, code::DIED),
        (None, Some(e)) => (e, code::DEPARTED),
        (None, None) => (Day::MAX, code::DIED),
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
    /// The last day on which this person can have a record.
    fn horizon(&self) -> Day {
        CUTOFF.min(self.life_end - 1)
    }

    fn detection(&mut self, d: Day, region: u32) {
        self.d_seq += 1;
        self.b.detections.push(Detection {
            person: self.idx,
            seq: self.d_seq,
            date: d,
            region,
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

    fn transfer(&mut self, d: Day, from: u32, to: u32, measure: Option<u16>) {
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

    fn decide(&mut self, t: Day, why: Why, scratch: &mut Vec<(Day, u8)>) -> Next {
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
                let d = t + 1 + self.rng.below(10) as Day;
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
            let td = d + 1 + self.rng.below(10) as Day;
            if td <= self.horizon() {
                let (h, r) = (self.hukou, self.cur_res);
                self.transferred = true;
                self.transfer(td, h, r, Some(seq));
            }
        }
        let (next, report, end, reason) = match kind {
            code::VOLUNTARY | code::CI => {
                let report = d + self.rng.below(if kind == code::CI { 11 } else { 6 }) as Day;
                let (dur, reason) = if kind == code::VOLUNTARY {
                    (90 + self.rng.below(91) as Day, code::COMPLETED)
                } else if d < LAW_2008 {
                    (180 + self.rng.below(551) as Day, code::COMPLETED)
                } else if self.rng.chance(0.3) {
                    (540 + self.rng.below(161) as Day, code::EARLY)
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

    fn community(&mut self, mi: usize, scratch: &mut Vec<(Day, u8)>) -> Next {
        let (d, kind, seq, officer) = {
            let m = &self.b.measures[mi];
            (m.decision, m.kind, m.seq, m.officer)
        };
        let y = year(d);
        if !self.rng.chance(p_report(y)) {
            let end = d + 30 + self.rng.below(240) as Day;
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
            d + self.rng.below(16) as Day
        } else {
            d + 16 + self.rng.below(if y >= 2020 { 30 } else { 100 }) as Day
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
            Some(report + 1 + self.rng.exp(240.0) as Day)
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
            self.t_seq += 1;
            self.b.tests.push(Test {
                person: self.idx,
                seq: self.t_seq,
                date: td,
                method,
                result,
                measure: Some(seq),
            });
            if result == code::POSITIVE {
                if self.rng.chance(p_escalate(ty)) {
                    let e = (td + 3 + self.rng.below(25) as Day).min(stop - 1);
                    (stop, how) = (e, Stop::Escalate);
                    break;
                }
                use_at = if self.rng.chance(0.5) {
                    Some(td + 1 + self.rng.exp(120.0) as Day)
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
                let back = stop + 365 + self.rng.below(3 * 365) as Day;
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

    fn using(&mut self, t: Day) -> Next {
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

    fn released(&mut self, t: Day) -> Next {
        if t > self.horizon() {
            return Next::Stop;
        }
        if self.cur_res != self.hukou && t >= from_ymd(2014, 1, 1) && self.rng.chance(0.1) {
            let td = t + 30 + self.rng.below(270) as Day;
            if td <= self.horizon() {
                let (from, to) = (self.cur_res, self.hukou);
                self.transfer(td, from, to, None);
            }
        }
        let relapse = self
            .rng
            .chance(p_relapse_out(year(t)))
            .then(|| t + 1 + self.rng.exp(365.0) as Day);
        // routine checks of registered persons outside measures (动态管控), negative
        // while clean; from 2014 on
        let clean_until = relapse.unwrap_or(Day::MAX).min(self.horizon() + 1);
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
            self.t_seq += 1;
            self.b.tests.push(Test {
                person: self.idx,
                seq: self.t_seq,
                date: s,
                method,
                result,
                measure: None,
            });
            c = s + 1;
        }
        match relapse {
            Some(u) => Next::Using(u),
            None => Next::Stop,
        }
    }
}

// ---- time-varying parameters (calibrated against SEED-FACTS.md, see calibrate.rs) ----

/// Share of releases from compulsory isolation followed by 社区康复.
fn p_rehab(y: i32) -> f64 {
    if y <= 2016 { 0.3 } else { 0.75 }
}

/// Share of community-measure decisions of year `y` that are ever reported.
fn p_report(y: i32) -> f64 {
    match y {
        ..=2012 => 0.38,
        2013 => 0.425,
        2014 => 0.70,
        2015 => 0.88,
        2016 => 0.975,
        2017 => 0.982,
        2018 => 0.988,
        2019 => 0.993,
        _ => 0.9995,
    }
}

/// Share of reported measures reported within 15 days.
fn p_timely(y: i32) -> f64 {
    match y {
        ..=2012 => 0.5,
        2013 => 0.45,
        2014 => 0.6,
        2015 => 0.75,
        2016..=2018 => 0.85,
        2019 => 0.95,
        _ => 0.99,
    }
}

/// Probability of a relapse during an executed community measure started in `y`.
fn p_relapse_in(y: i32) -> f64 {
    match y {
        ..=2012 => 0.6,
        2013 => 0.5,
        2014 => 0.38,
        2015 => 0.32,
        2016 => 0.27,
        2017 => 0.32,
        2018 => 0.3,
        2019 => 0.26,
        2020 => 0.15,
        2021 => 0.13,
        _ => 0.12,
    }
}

/// Probability of a relapse after a release (or quitting) in `y`.
fn p_relapse_out(y: i32) -> f64 {
    match y {
        ..=2012 => 0.76,
        2013 => 0.6,
        2014 => 0.45,
        2015 => 0.38,
        2016 => 0.32,
        2017 => 0.38,
        2018 => 0.34,
        2019 => 0.3,
        2020 => 0.16,
        2021 => 0.14,
        2022 => 0.12,
        _ => 0.11,
    }
}

/// Police detections per year of an active user outside any measure (the 2013 campaign).
fn detect_rate(y: i32) -> f64 {
    match y {
        ..=2007 => 0.35,
        2008..=2012 => 0.55,
        2013 => 2.6,
        2014 => 1.5,
        _ => 1.3,
    }
}

/// Spontaneous quitting per year of an active user.
fn quit_rate(y: i32) -> f64 {
    match y {
        ..=2012 => 0.08,
        2013..=2017 => 0.2,
        _ => 0.3,
    }
}

/// Loss of contact per year during an executed community measure.
fn lost_rate(y: i32) -> f64 {
    match y {
        ..=2012 => 0.15,
        2013 => 0.12,
        2014 => 0.08,
        2015 => 0.05,
        2016 => 0.03,
        2017..=2019 => 0.015,
        _ => 0.008,
    }
}

fn p_escalate(y: i32) -> f64 {
    if y < 2013 { 0.4 } else { 0.6 }
}

fn p_miss(y: i32) -> f64 {
    match y {
        ..=2012 => 0.2,
        2013 => 0.18,
        2014 => 0.12,
        2015 => 0.08,
        2016..=2018 => 0.05,
        _ => 0.03,
    }
}

/// Spot tests per year besides the schedule.
fn spot_rate(y: i32) -> f64 {
    match y {
        ..=2015 => 0.0,
        2016..=2019 => 1.0,
        _ => 2.0,
    }
}

/// Routine tests per year of a registered person outside any measure while clean.
fn check_rate(y: i32) -> f64 {
    match y {
        ..=2013 => 0.0,
        2014..=2017 => 0.5,
        _ => 1.0,
    }
}

/// Services per year of an executed community measure.
fn service_rate(y: i32) -> f64 {
    match y {
        ..=2007 => 0.0,
        2008..=2012 => 0.2,
        2013 => 0.4,
        2014..=2016 => 0.8,
        2017..=2019 => 1.4,
        _ => 2.0,
    }
}

/// Weights of the ten service types (schema order): more kinds in later years.
fn service_weights(y: i32) -> [f64; 10] {
    // skills, employment, allowance, housing, medical, counseling, relief, elderly, education, other
    match y {
        ..=2013 => [30.0, 0.0, 0.0, 0.0, 0.0, 30.0, 30.0, 0.0, 0.0, 10.0],
        2014..=2016 => [25.0, 15.0, 12.0, 0.0, 10.0, 18.0, 15.0, 0.0, 0.0, 5.0],
        _ => [18.0, 16.0, 12.0, 6.0, 10.0, 14.0, 10.0, 6.0, 4.0, 4.0],
    }
}

/// Weights of the primary drugs (schema order) for persons first found in `y`.
fn drug_weights(y: i32) -> [f64; 9] {
    const HEROIN: [f64; 26] = [
        88.0, 86.0, 84.0, 82.0, 80.0, 77.0, 74.0, 71.0, 67.0, 62.0, 57.0, 52.0, 48.0, 44.0, 40.0,
        35.0, 30.0, 25.0, 21.0, 17.0, 14.0, 12.0, 10.0, 9.0, 8.0, 7.0,
    ];
    let i = (y - regions::FIRST_YEAR).clamp(0, 25) as usize;
    let heroin = HEROIN[i];
    let ketamine = match y {
        ..=2003 => 0.0,
        2004..=2007 => 2.0,
        2008..=2012 => 4.0,
        _ => 5.5,
    };
    let synthetic = match y {
        ..=2018 => 0.0,
        _ => 2.0 * (y - 2018) as f64,
    };
    let mdma = if (2005..=2015).contains(&y) { 2.0 } else { 0.5 };
    let unknown = if y < 2010 { 2.0 } else { 0.5 };
    let (cannabis, cocaine, other) = (1.5, 0.2, 1.0);
    let meth = 100.0 - heroin - ketamine - synthetic - mdma - unknown - cannabis - cocaine - other;
    [
        heroin, meth, ketamine, cannabis, synthetic, mdma, cocaine, other, unknown,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    #[test]
    fn code_indices_match_the_schema() {
        let mt = schema::MEASURE_TYPE.values;
        assert_eq!(mt[code::DETOX as usize].code, "community_detox");
        assert_eq!(mt[code::REHAB as usize].code, "community_rehab");
        assert_eq!(mt[code::CI as usize].code, "compulsory_isolation");
        assert_eq!(mt[code::VOLUNTARY as usize].code, "voluntary");
        let er = schema::END_REASON.values;
        for (i, c) in [
            "completed",
            "early_release",
            "escalated",
            "died",
            "departed",
            "imprisoned",
            "lost_contact",
            "other",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(er[i].code, *c);
        }
        assert_eq!(
            schema::TEST_RESULT.values[code::POSITIVE as usize].code,
            "positive"
        );
        assert_eq!(
            schema::TEST_RESULT.values[code::REFUSED as usize].code,
            "refused"
        );
        assert_eq!(schema::TEST_METHOD.values[code::HAIR as usize].code, "hair");
        assert_eq!(
            schema::TEST_METHOD.values[code::SALIVA as usize].code,
            "saliva"
        );
        assert_eq!(schema::DRUG.values[0].code, "heroin");
        assert_eq!(schema::DRUG.values[4].code, "synthetic_cannabinoids");
        assert_eq!(schema::SERVICE_TYPE.values[7].code, "elderly_care");
        assert_eq!(schema::SERVICE_TYPE.values.len(), 10);
    }

    #[test]
    fn id_check_characters() {
        // GB 11643-1999 example: 11010519491231002X
        assert_eq!(check_char(b"11010519491231002"), b'X');
        assert_eq!(check_char(b"44052418800101001"), b'4');
        let mut rng = Rng::from_seed(3);
        for _ in 0..1000 {
            let birth = from_ymd(1980, 1, 1) + rng.below(9000) as Day;
            let male = rng.chance(0.5);
            let id = id_number(640324101, birth, male, &mut rng);
            assert_eq!(&id[..6], b"640324");
            assert_eq!(id[17], check_char(&id[..17]));
            assert_eq!((id[16] - b'0') % 2 == 1, male);
            let mut v = Vec::new();
            date::push_compact(&mut v, birth);
            assert_eq!(&id[6..14], &v[..]);
        }
    }

    #[test]
    fn drug_weights_are_valid() {
        for y in 2000..=2025 {
            let w = drug_weights(y);
            assert!(w.iter().all(|&x| x >= 0.0), "{y}: {w:?}");
        }
    }
}
