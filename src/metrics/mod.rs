//! The metrics stage: every indicator of METRICS.md (`docs/metrics.md`) per region and
//! period, from canonical tables to machine-output rows.
//!
//! [`model`] turns canonical frames into per-person timelines (applying the `--as-of`
//! snapshot), [`blocks`] holds the building blocks (`existing`, `abstinent_3y`,
//! `mgmt`, …), [`compute`] attributes records to regions and sums them, [`defs`] lists
//! the metrics and [`output`] writes them. Everything here is pure: no file is touched.

pub mod attribution;
pub mod blocks;
pub mod compute;
pub mod defs;
mod emit;
pub mod model;
pub mod output;
pub mod period;
#[cfg(test)]
pub(crate) mod testdata;

pub use compute::{MetricRow, Request, compute};
pub use model::Model;

/// Warnings for requested metrics whose input tables are absent (they get no rows).
pub fn missing_table_warnings(model: &Model, req: &Request) -> Vec<String> {
    let wanted: Vec<&defs::MetricDef> = if req.metrics.is_empty() {
        defs::METRICS.iter().collect()
    } else {
        req.metrics.clone()
    };
    wanted
        .iter()
        .filter_map(|d| {
            let missing: Vec<&str> = d
                .needs
                .iter()
                .filter(|t| !model.present.contains(t))
                .map(|t| t.name())
                .collect();
            (!missing.is_empty()).then(|| {
                format!(
                    "metric {} ({}) needs the {} table{}, which the data does not have: no rows written for it",
                    d.id,
                    d.zh,
                    missing.join(" and "),
                    if missing.len() > 1 { "s" } else { "" }
                )
            })
        })
        .collect()
}
