//! The sample's `population` table (人口, DATA.md v1.2): **synthetic** resident
//! populations (常住人口) for every county and township of the geography and every year
//! of the sample, for the per-inhabitant rates of METRICS.md.
//!
//! Ningxia's counties start from round figures of the order of their real sizes (the
//! 2020 census counted about 7.2 million residents; 兴庆区 is the largest district at
//! about 0.9 million, 泾源县 the smallest county at under 0.1 million); city districts
//! grow about 1% a year, the rural counties of the south shrink slightly by
//! out-migration, the others grow slowly. These are not the statistical yearbook's
//! figures. Counties of the other provinces (national scale) get a generated size.
//! Every township gets a fixed share of its county (a weight from its own stream), so
//! townships add up to their county exactly in every year.
//!
//! Like the geography, the table does not depend on the user's seed, and it draws from
//! its own stream ([`domain::POPULATION`]), so no other table of the sample changes.

use super::regions::{FIRST_YEAR, Geography, LAST_YEAR, apportion};
use super::rng::{Rng, domain};

/// Ningxia counties: (code, residents in 2020 (synthetic, rounded), yearly growth).
const NINGXIA_2020: &[(u32, u64, f64)] = &[
    (640104, 900_000, 0.012),
    (640105, 450_000, 0.010),
    (640106, 480_000, 0.014),
    (640121, 340_000, 0.008),
    (640122, 350_000, 0.008),
    (640181, 300_000, 0.006),
    (640202, 300_000, 0.002),
    (640205, 190_000, -0.002),
    (640221, 260_000, -0.002),
    (640302, 410_000, 0.008),
    (640303, 200_000, 0.010),
    (640323, 160_000, 0.000),
    (640324, 320_000, -0.003),
    (640381, 280_000, 0.002),
    (640402, 430_000, 0.006),
    (640422, 320_000, -0.006),
    (640423, 120_000, -0.008),
    (640424, 80_000, -0.008),
    (640425, 170_000, -0.005),
    (640502, 400_000, 0.008),
    (640521, 330_000, 0.003),
    (640522, 330_000, -0.004),
];

/// The stream key of the table: fixed, like the geography.
const STREAM_SEED: u64 = 0x5EED_0F1A_2020;

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PopulationRow {
    pub region: u32,
    pub year: i32,
    pub population: u64,
}

/// Compound growth from 2020 to `year`, rounded to whole persons.
fn grown(base: u64, growth: f64, year: i32) -> u64 {
    (base as f64 * (1.0 + growth).powi(year - 2020)).round() as u64
}

/// Every county and township, every year from [`FIRST_YEAR`] to [`LAST_YEAR`], in
/// (year, county, township) order.
pub fn rows(geo: &Geography) -> Vec<PopulationRow> {
    let sizes: Vec<(u64, f64)> = geo
        .counties
        .iter()
        .map(|c| match NINGXIA_2020.iter().find(|n| n.0 == c.code) {
            Some(&(_, base, growth)) => (base, growth),
            None => {
                let mut rng = Rng::stream(STREAM_SEED, domain::POPULATION, u64::from(c.code));
                let base = 120_000 + rng.below(780_000);
                let growth = (rng.f64() - 0.4) * 0.02;
                (base, growth)
            }
        })
        .collect();
    let shares: Vec<Vec<f64>> = geo
        .counties
        .iter()
        .map(|c| {
            geo.townships[c.townships.clone()]
                .iter()
                .map(|t| {
                    let mut rng = Rng::stream(STREAM_SEED, domain::POPULATION, u64::from(t.code));
                    0.4 + rng.f64() * 1.6
                })
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for year in FIRST_YEAR..=LAST_YEAR {
        for (ci, c) in geo.counties.iter().enumerate() {
            let (base, growth) = sizes[ci];
            let total = grown(base, growth, year);
            out.push(PopulationRow {
                region: c.code,
                year,
                population: total,
            });
            let parts = apportion(total, &shares[ci]);
            for (t, n) in geo.townships[c.townships.clone()].iter().zip(parts) {
                out.push(PopulationRow {
                    region: t.code,
                    year,
                    population: n,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn townships_add_up_to_their_county_and_ningxia_is_about_seven_million() {
        let geo = Geography::build(false);
        let rows = rows(&geo);
        for year in [FIRST_YEAR, 2020, LAST_YEAR] {
            let of_year: Vec<&PopulationRow> = rows.iter().filter(|r| r.year == year).collect();
            let counties: u64 = of_year
                .iter()
                .filter(|r| r.region < 1_000_000)
                .map(|r| r.population)
                .sum();
            let townships: u64 = of_year
                .iter()
                .filter(|r| r.region >= 1_000_000)
                .map(|r| r.population)
                .sum();
            assert_eq!(counties, townships, "{year}");
            assert!(
                (6_000_000..8_000_000).contains(&counties),
                "{year}: {counties}"
            );
            assert!(of_year.iter().all(|r| r.population > 0));
        }
        // Every county and township has a row for every year.
        let n = geo.counties.len() + geo.townships.len();
        assert_eq!(rows.len(), n * (LAST_YEAR - FIRST_YEAR + 1) as usize);
    }
}
