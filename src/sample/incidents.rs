//! The sample's `incidents` table (肇事肇祸, DATA.md v1.2): cases in which a simulated
//! drug user caused harm, drawn per person from its own stream ([`domain::INCIDENT`]),
//! so no other table of the sample changes.
//!
//! A person has incidents as a Poisson process between first finding and the earliest
//! of death, departure and the cutoff: [`RATE_EARLY`] a year in the first three years
//! after first finding (active use), [`RATE_LATE`] afterwards. The place is the person's
//! residence township. As the published reports say of 同心县 ("连续10年未发生吸毒人员
//! 肇事肇祸案事件"), the sample has no incident in 同心县 from 2012 to 2021 (draws that
//! fall there are dropped), while the region as a whole has incidents every year.

use super::rng::{Rng, domain};
use super::simulate::CUTOFF;
use super::simulate::Person;
use crate::dates::{Days, year};

/// Incidents per person-year in the first three years after first finding.
pub const RATE_EARLY: f64 = 0.02;
/// Incidents per person-year afterwards.
pub const RATE_LATE: f64 = 0.003;
/// 同心县 and its incident-free decade (2012–2021).
pub const QUIET_COUNTY: u32 = super::regions::TONGXIN;
pub const QUIET_YEARS: std::ops::RangeInclusive<i32> = 2012..=2021;
/// Relative frequency of the kinds, in [`crate::schema::INCIDENT_KIND`] order (self harm,
/// harm to others, drug driving, public disorder, other).
const KIND_WEIGHTS: [f64; 5] = [0.25, 0.2, 0.25, 0.2, 0.1];

/// One incident of the sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Incident {
    pub person: u64,
    pub seq: u16,
    pub date: Days,
    pub region: u32,
    pub kind: u8,
}

fn county_of(code: u32) -> u32 {
    if code >= 1_000_000 { code / 1000 } else { code }
}

/// The incidents of one person, by date.
pub fn of_person(seed: u64, p: &Person) -> Vec<Incident> {
    let mut rng = Rng::stream(seed, domain::INCIDENT, p.index);
    let end = [p.death, p.departure, Some(CUTOFF)]
        .into_iter()
        .flatten()
        .min()
        .expect("the cutoff");
    let early_end = p.first_found + 3 * 365;
    let mut out = Vec::new();
    let mut t = p.first_found as f64;
    let mut seq = 0u16;
    while t <= end as f64 {
        let rate = if (t as Days) < early_end {
            RATE_EARLY
        } else {
            RATE_LATE
        };
        let next = t + rng.exp(365.25 / rate);
        // A step that crosses the end of the early phase restarts at its end with the
        // late rate (memorylessness of the exponential).
        if (t as Days) < early_end && next >= early_end as f64 {
            t = early_end as f64;
            continue;
        }
        t = next;
        let date = t as Days;
        if date > end {
            break;
        }
        let kind = rng.weighted(&KIND_WEIGHTS) as u8;
        if county_of(p.residence) == QUIET_COUNTY && QUIET_YEARS.contains(&year(date)) {
            continue;
        }
        seq += 1;
        out.push(Incident {
            person: p.index,
            seq,
            date,
            region: p.residence,
            kind,
        });
    }
    out
}
