//! What all simulated persons share: the geography and the allocation of persons to
//! counties and years, the officers, and the cumulative weights for drawing townships
//! and counties; and the simulation of one block of persons.

use super::{BLOCK, Block, CUTOFF, simulate_person};
use crate::sample::officers::Officers;
use crate::sample::regions::{self, Cell, Geography};
use crate::sample::rng::Rng;

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

    pub(super) fn cell(&self, idx: u64) -> &Cell {
        let k = self.cells.partition_point(|c| c.start + c.count <= idx);
        &self.cells[k]
    }

    pub(super) fn township(&self, county: usize, rng: &mut Rng) -> u32 {
        let cum = &self.town_cum[county];
        let x = rng.f64() * cum[cum.len() - 1];
        let k = cum.partition_point(|&c| c <= x).min(cum.len() - 1);
        self.geo.townships[self.geo.counties[county].townships.start + k].code
    }

    pub(super) fn county_in_area(&self, area: usize, rng: &mut Rng) -> usize {
        let cum = &self.county_cum[area];
        let x = rng.f64() * cum[cum.len() - 1];
        let k = cum.partition_point(|&c| c <= x).min(cum.len() - 1);
        self.geo.areas[area].counties.start + k
    }

    pub(super) fn county_of_town(&self, town: u32) -> usize {
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
