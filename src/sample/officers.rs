//! 禁毒专干: officer posts ("slots") per county and township, and the officers who fill
//! them over time.
//!
//! Every post is filled from its first start date on without a gap: when an officer
//! leaves, the successor starts on the leaving date (the leaver's `end_date = D` means
//! not in service at `D`, the successor's `start_date = D` means in service), so the
//! number in service at any date after all first starts is exactly the number of posts.
//! 同心县 has 142 posts (scaled with the sample), all first filled by 2019, so 142
//! officers serve there at the end of 2019 and at the end of 2025. Other counties get
//! posts in proportion to their weight, sized so that the region has about one officer
//! per 20 persons under community measures in 2019, plus a few posts created 2020–2024.

use super::regions::{Geography, TONGXIN};
use super::rng::{Rng, domain};
use crate::dates::{Days, add_months, from_ymd};
use std::collections::HashMap;

/// Posts per 1,000 persons first found in a county, outside 同心县 (tuned so that the
/// 2019 caseload is about 20 persons per officer at `--scale ningxia`).
pub const POSTS_PER_1000: f64 = 4.7;
pub const TONGXIN_POSTS: f64 = 142.0;

#[derive(Debug, Clone)]
pub struct Officer {
    /// `ZG` + county code + 4-digit sequence.
    pub id: u64,
    pub region: u32,
    pub start: Days,
    pub end: Option<Days>,
}

#[derive(Debug, Clone, Default)]
pub struct Officers {
    pub list: Vec<Officer>,
    /// Officer indices per post, in start order.
    pub posts: Vec<Vec<u32>>,
    /// Post indices per region code (township, or county for county-level posts).
    pub by_region: HashMap<u32, Vec<u32>>,
}

impl Officers {
    /// Posts for every county, each with its succession of officers up to `cutoff`.
    pub fn build(geo: &Geography, seed: u64, cutoff: Days) -> Officers {
        let mut o = Officers::default();
        for (ci, county) in geo.counties.iter().enumerate() {
            let tongxin = county.code == TONGXIN;
            let base = if tongxin {
                TONGXIN_POSTS * geo.areas[county.area].factor
            } else {
                POSTS_PER_1000 * county.expected / 1000.0
            };
            let n_posts = (base.round() as u64).max(1);
            let n_growth = if tongxin {
                0
            } else {
                (n_posts as f64 * 0.08).round() as u64
            };
            let mut rng = Rng::stream(seed, domain::OFFICER, ci as u64);
            let towns = &geo.townships[county.townships.clone()];
            let tw: Vec<f64> = towns.iter().map(|t| t.weight).collect();
            let mut seq = 0u64;
            for k in 0..n_posts + n_growth {
                // every township gets a post first, then by weight; ~3% county-level
                let region = if k < towns.len() as u64 {
                    towns[k as usize].code
                } else if rng.chance(0.03) {
                    county.code
                } else {
                    towns[rng.weighted(&tw)].code
                };
                let first_start = if k >= n_posts {
                    from_ymd(2020, 1, 1) + rng.below(5 * 365) as Days
                } else {
                    // recruitment mostly 2014–2016, some earlier, all by 2019
                    let y = [
                        2011, 2012, 2013, 2014, 2014, 2015, 2015, 2015, 2016, 2016, 2017, 2018,
                        2019,
                    ][rng.below(13) as usize];
                    from_ymd(y, 1, 1) + rng.below(365) as Days
                };
                let post = o.posts.len() as u32;
                let mut officers = Vec::new();
                let mut start = first_start;
                loop {
                    seq += 1;
                    let tenure_months = 6 + rng.exp(90.0) as i32;
                    let end = add_months(start, tenure_months) + rng.below(28) as Days;
                    let idx = o.list.len() as u32;
                    let ends = end <= cutoff;
                    o.list.push(Officer {
                        id: county.code as u64 * 10_000 + seq,
                        region,
                        start,
                        end: ends.then_some(end),
                    });
                    officers.push(idx);
                    if !ends {
                        break;
                    }
                    start = end;
                }
                o.posts.push(officers);
                o.by_region.entry(region).or_default().push(post);
            }
        }
        o
    }

    /// The officer in service at `d` on a post of `region` (or of its county), picked
    /// with `rng`; `None` before any post there was filled.
    pub fn pick(&self, region: u32, d: Days, rng: &mut Rng) -> Option<u32> {
        let county = if region >= 1_000_000 {
            region / 1000
        } else {
            region
        };
        let posts = self
            .by_region
            .get(&region)
            .or_else(|| self.by_region.get(&county))?;
        let k0 = rng.below(posts.len() as u64) as usize;
        for j in 0..posts.len() {
            let post = &self.posts[posts[(k0 + j) % posts.len()] as usize];
            for &oi in post {
                let o = &self.list[oi as usize];
                if o.start <= d && o.end.is_none_or(|e| e > d) {
                    return Some(oi);
                }
            }
        }
        None
    }

    /// Officers in service at `d` whose region starts with `prefix` (a county code, or
    /// a province's 2 digits, matched on the code's digits).
    pub fn in_service(&self, d: Days, prefix: u32) -> u64 {
        self.list
            .iter()
            .filter(|o| o.start <= d && o.end.is_none_or(|e| e > d) && has_prefix(o.region, prefix))
            .count() as u64
    }
}

/// Whether region `code`'s digits start with `prefix`'s digits.
pub fn has_prefix(code: u32, prefix: u32) -> bool {
    let (mut c, p) = (code, prefix);
    let pd = digits(p);
    let cd = digits(c);
    if cd < pd {
        return false;
    }
    for _ in 0..cd - pd {
        c /= 10;
    }
    c == p
}

fn digits(mut x: u32) -> u32 {
    let mut n = 1;
    while x >= 10 {
        x /= 10;
        n += 1;
    }
    n
}
