//! The calibration checker: the SEED-FACTS.md figures computed on the in-memory
//! simulation with the METRICS.md definitions (region-wide, data cutoff 2025-12-31), so
//! the unit tests can hold the generator to them before the metrics engine re-checks
//! them on the imported export.

use super::officers::has_prefix;
use super::regions::TONGXIN;
use super::simulate::{Block, CUTOFF, Person, World, code};
use crate::dates::{Days, add_years, dec31, from_ymd, iso, year};
use rayon::prelude::*;
use std::fmt;

/// A world and all its simulated blocks, in block order.
pub struct Simulation {
    pub world: World,
    pub blocks: Vec<Block>,
}

impl Simulation {
    pub fn run(world: World) -> Simulation {
        let blocks = (0..world.blocks())
            .into_par_iter()
            .map(|b| world.simulate_block(b))
            .collect();
        Simulation { world, blocks }
    }

    fn persons(&self) -> impl Iterator<Item = (&Block, &Person)> {
        self.blocks
            .iter()
            .flat_map(|b| b.persons.iter().map(move |p| (b, p)))
    }
}

#[derive(Debug, Clone, Default)]
pub struct Calibration {
    /// Region-wide new users per year (2000..=2025).
    pub new_users: Vec<(i32, u64)>,
    /// 同心县 new users per year, by first_found_region.
    pub tongxin_new_users: Vec<(i32, u64)>,
    pub new_users_streak_2025: u32,
    pub tongxin_streak_2025: u32,
    /// (decision year, numerator, denominator) of `execution_rate`.
    pub execution_rate: Vec<(i32, u64, u64)>,
    /// (D, abstinent_3y, existing).
    pub consolidation: Vec<(Days, u64, u64)>,
    /// (D, registered).
    pub registered: Vec<(Days, u64)>,
    /// (D, under_community_measure).
    pub under_measure: Vec<(Days, u64)>,
    /// (D, gone).
    pub gone: Vec<(Days, u64)>,
    /// (D, officers in service region-wide, in 同心县).
    pub officers: Vec<(Days, u64, u64)>,
    pub rows: [u64; 6],
}

impl Calibration {
    pub fn rate(num: u64, den: u64) -> f64 {
        if den == 0 {
            f64::NAN
        } else {
            num as f64 / den as f64
        }
    }

    pub fn execution(&self, y: i32) -> f64 {
        self.execution_rate
            .iter()
            .find(|r| r.0 == y)
            .map_or(f64::NAN, |r| Self::rate(r.1, r.2))
    }

    pub fn consolidation_at(&self, d: Days) -> (u64, u64, f64) {
        let r = self
            .consolidation
            .iter()
            .find(|r| r.0 == d)
            .copied()
            .unwrap_or((d, 0, 0));
        (r.1, r.2, Self::rate(r.1, r.1 + r.2))
    }

    fn at(v: &[(Days, u64)], d: Days) -> u64 {
        v.iter().find(|r| r.0 == d).map_or(0, |r| r.1)
    }

    pub fn registered_at(&self, d: Days) -> u64 {
        Self::at(&self.registered, d)
    }

    pub fn under_measure_at(&self, d: Days) -> u64 {
        Self::at(&self.under_measure, d)
    }

    pub fn officers_at(&self, d: Days) -> (u64, u64) {
        self.officers
            .iter()
            .find(|r| r.0 == d)
            .map_or((0, 0), |r| (r.1, r.2))
    }

    /// under_community_measure / officers in service, region-wide.
    pub fn caseload(&self, d: Days) -> f64 {
        self.under_measure_at(d) as f64 / self.officers_at(d).0 as f64
    }
}

fn is_community(kind: u8) -> bool {
    kind == code::DETOX || kind == code::REHAB
}

fn gone(p: &Person, d: Days) -> bool {
    p.death.is_some_and(|x| x <= d) || p.departure.is_some_and(|x| x <= d)
}

/// `abstinent_3y(p, D)` of METRICS.md (the caller checks registered and not gone).
fn abstinent(b: &Block, p: &Person, d: Days) -> bool {
    let limit = add_years(d, -3);
    let mut last = p.first_found;
    for x in &b.detections[p.detections.start as usize..p.detections.end as usize] {
        if x.date <= d {
            last = last.max(x.date);
        }
    }
    for t in &b.tests[p.tests.start as usize..p.tests.end as usize] {
        if t.date <= d && t.result == code::POSITIVE {
            last = last.max(t.date);
        }
    }
    if last > limit {
        return false;
    }
    !b.measures[p.measures.start as usize..p.measures.end as usize]
        .iter()
        .any(|m| m.decision <= d && m.end.is_none_or(|e| e > d))
}

fn under_measure(b: &Block, p: &Person, d: Days) -> bool {
    !gone(p, d)
        && b.measures[p.measures.start as usize..p.measures.end as usize]
            .iter()
            .any(|m| {
                is_community(m.kind)
                    && m.decision <= d
                    && m.end.is_none_or(|e| e > d)
                    && m.report.is_some_and(|r| r <= d)
            })
}

fn streak(v: &[(i32, u64)]) -> u32 {
    let mut s = 0;
    for w in v.windows(2).rev() {
        if w[1].1 < w[0].1 {
            s += 1;
        } else {
            break;
        }
    }
    s
}

/// The reference dates the checker evaluates stocks at.
pub fn checkpoints() -> Vec<Days> {
    vec![
        dec31(2013),
        dec31(2016),
        dec31(2019),
        from_ymd(2020, 6, 30),
        dec31(2025),
    ]
}

pub fn calibration(sim: &Simulation) -> Calibration {
    let c = CUTOFF;
    let mut cal = Calibration::default();
    let years: Vec<i32> = (2000..=2025).collect();
    let mut nu = vec![0u64; years.len()];
    let mut tx = vec![0u64; years.len()];
    let mut ex = vec![(0u64, 0u64); years.len()];
    let cps = checkpoints();
    let mut cons = vec![(0u64, 0u64); cps.len()];
    let mut reg = vec![0u64; cps.len()];
    let mut um = vec![0u64; cps.len()];
    let mut gn = vec![0u64; cps.len()];
    for (b, p) in sim.persons() {
        let y = year(p.first_found);
        if (2000..=2025).contains(&y) {
            nu[(y - 2000) as usize] += 1;
            if has_prefix(p.first_found_region, TONGXIN) {
                tx[(y - 2000) as usize] += 1;
            }
        }
        for m in &b.measures[p.measures.start as usize..p.measures.end as usize] {
            let y = year(m.decision);
            if !is_community(m.kind) || !(2000..=2025).contains(&y) {
                continue;
            }
            if m.report.is_none() {
                if matches!(
                    m.reason,
                    Some(code::DIED | code::DEPARTED | code::IMPRISONED)
                ) {
                    continue;
                }
                if m.end.is_none() && c - m.decision < 15 {
                    continue;
                }
            }
            let e = &mut ex[(y - 2000) as usize];
            e.1 += 1;
            if m.report.is_some() {
                e.0 += 1;
            }
        }
        for (i, &d) in cps.iter().enumerate() {
            if p.first_found > d {
                continue;
            }
            reg[i] += 1;
            if gone(p, d) {
                gn[i] += 1;
                continue;
            }
            if abstinent(b, p, d) {
                cons[i].0 += 1;
            } else {
                cons[i].1 += 1;
            }
            if under_measure(b, p, d) {
                um[i] += 1;
            }
        }
    }
    cal.new_users = years.iter().copied().zip(nu).collect();
    cal.tongxin_new_users = years.iter().copied().zip(tx).collect();
    cal.new_users_streak_2025 = streak(&cal.new_users);
    cal.tongxin_streak_2025 = streak(&cal.tongxin_new_users);
    cal.execution_rate = years.iter().zip(ex).map(|(&y, (n, d))| (y, n, d)).collect();
    cal.consolidation = cps
        .iter()
        .zip(&cons)
        .map(|(&d, &(a, e))| (d, a, e))
        .collect();
    cal.registered = cps.iter().copied().zip(reg).collect();
    cal.under_measure = cps.iter().copied().zip(um).collect();
    cal.gone = cps.iter().copied().zip(gn).collect();
    let o = &sim.world.officers;
    cal.officers = cps
        .iter()
        .map(|&d| (d, o.in_service(d, 64), o.in_service(d, TONGXIN)))
        .collect();
    for b in &sim.blocks {
        cal.rows[0] += b.persons.len() as u64;
        cal.rows[1] += b.measures.len() as u64;
        cal.rows[2] += b.detections.len() as u64;
        cal.rows[3] += b.tests.len() as u64;
        cal.rows[4] += b.transfers.len() as u64;
        cal.rows[5] += b.services.len() as u64;
    }
    cal
}

impl fmt::Display for Calibration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "year  new_users  同心  execution_rate (num/den)")?;
        for i in 0..self.new_users.len() {
            let (y, n) = self.new_users[i];
            let (_, en, ed) = self.execution_rate[i];
            writeln!(
                f,
                "{y}  {n:>6}  {:>5}  {:.4} ({en}/{ed})",
                self.tongxin_new_users[i].1,
                Self::rate(en, ed)
            )?;
        }
        writeln!(
            f,
            "decline streak 2025: region {}, 同心 {}",
            self.new_users_streak_2025, self.tongxin_streak_2025
        )?;
        for (i, &(d, a, e)) in self.consolidation.iter().enumerate() {
            let (o, ot) = self.officers_at(d);
            writeln!(
                f,
                "{}: registered {} gone {} abstinent_3y {a} existing {e} consolidation {:.4} under_measure {} officers {o} (同心 {ot}) caseload {:.2}",
                iso(d),
                self.registered[i].1,
                self.gone[i].1,
                Self::rate(a, a + e),
                self.under_measure[i].1,
                self.caseload(d),
            )?;
        }
        writeln!(
            f,
            "rows: persons {} measures {} detections {} tests {} transfers {} services {}",
            self.rows[0], self.rows[1], self.rows[2], self.rows[3], self.rows[4], self.rows[5]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{Scale, world_for};

    fn within(x: f64, target: f64, rel: f64) -> bool {
        (x - target).abs() <= rel * target
    }

    #[test]
    fn ningxia_calibration_matches_seed_facts() {
        for seed in [20251231u64, 7] {
            let sim = Simulation::run(world_for(&Scale::Ningxia, seed));
            let cal = calibration(&sim);
            let msg = format!("seed {seed}\n{cal}");
            // execution rate
            assert!(within(cal.execution(2013), 0.425, 0.03), "{msg}");
            for y in 2020..=2025 {
                assert!(cal.execution(y) >= 0.99, "{y} {msg}");
            }
            // consolidation
            let (_, _, r13) = cal.consolidation_at(dec31(2013));
            assert!(within(r13, 0.27, 0.03), "2013 {msg}");
            let (_, _, r19) = cal.consolidation_at(dec31(2019));
            assert!(
                (0.69..=0.70).contains(&r19) || within(r19, 0.696, 0.01),
                "2019 {msg}"
            );
            let (a25, _, r25) = cal.consolidation_at(dec31(2025));
            assert!(r25 >= 0.92, "2025 {msg}");
            assert!(within(a25 as f64, 27_900.0, 0.03), "abstinent 2025 {msg}");
            // new users
            let nu = |y: i32| cal.new_users.iter().find(|r| r.0 == y).unwrap().1;
            assert_eq!(nu(2013), 4485, "{msg}");
            assert_eq!(nu(2019), 199, "{msg}");
            assert!(cal.new_users_streak_2025 >= 12, "{msg}");
            assert!(cal.tongxin_streak_2025 >= 8, "{msg}");
            // officers and stocks
            assert_eq!(cal.officers_at(dec31(2019)).1, 142, "{msg}");
            assert_eq!(cal.officers_at(dec31(2025)).1, 142, "{msg}");
            assert!(
                within(cal.caseload(dec31(2019)), 20.0, 0.10),
                "caseload {msg}"
            );
            assert_eq!(cal.registered_at(dec31(2016)), 28_818, "{msg}");
            assert!(
                within(cal.under_measure_at(dec31(2016)) as f64, 6893.0, 0.03),
                "under 2016 {msg}"
            );
        }
    }
}
