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
pub mod population;
mod sums;
#[cfg(test)]
pub(crate) mod testdata;

pub use compute::{MetricRow, Request, compute, compute_periods};
pub use model::Model;
pub use period::PeriodKind;

use crate::i18n::Text;

/// Warnings for requested metrics whose input tables are absent (they get no rows).
pub fn missing_table_warnings(model: &Model, req: &Request) -> Vec<Text> {
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
                crate::msg!(
                    WarnMetricNeedsTable,
                    id = d.id,
                    zh = d.zh,
                    tables = missing.join(", ")
                )
            })
        })
        .collect()
}

/// Warnings about the period kind (METRICS.md "Quarters and months", v1.2): with
/// `--period month`, `test_compliance` has no rows; with quarters or months, the
/// year-only streak metrics have none.
pub fn period_warnings(req: &Request, kind: PeriodKind) -> Vec<Text> {
    let asked = |id: &str| req.metrics.is_empty() || req.metrics.iter().any(|m| m.id == id);
    let mut out = Vec::new();
    if kind == PeriodKind::Month && asked("test_compliance") {
        out.push(crate::msg!(WarnComplianceNoMonths));
    }
    if kind != PeriodKind::Year {
        for id in defs::YEAR_ONLY {
            // Only when asked for by name: the default set simply leaves them out.
            if req.metrics.iter().any(|m| m.id == *id) {
                out.push(crate::msg!(WarnYearOnlyMetric, id = id, period = kind));
            }
        }
    }
    out
}

/// The one warning about regions without a population (METRICS.md "Population and rates
/// per inhabitants"): their per-inhabitant rates have empty values; up to ten regions
/// are named.
pub fn population_warnings(rows: &[MetricRow]) -> Vec<Text> {
    let mut missing: std::collections::BTreeSet<(&str, &str)> = Default::default();
    let mut periods: std::collections::BTreeSet<&str> = Default::default();
    for r in rows {
        let per_inhabitants = defs::find(r.metric)
            .is_some_and(|d| matches!(d.kind, defs::Kind::PerInhabitants { .. }));
        if per_inhabitants && r.denominator.is_none() && !r.suppressed {
            missing.insert((&r.region_code, &r.region_name));
            periods.insert(&r.period);
        }
    }
    if missing.is_empty() {
        return Vec::new();
    }
    let named: Vec<String> = missing
        .iter()
        .take(10)
        .map(|(c, n)| {
            if n.is_empty() {
                c.to_string()
            } else {
                format!("{c} {n}")
            }
        })
        .collect();
    let more = missing.len().saturating_sub(10);
    let first = periods.first().copied().unwrap_or("");
    let last = periods.last().copied().unwrap_or("");
    let span = if first == last {
        first.to_string()
    } else {
        format!("{first}–{last}")
    };
    let regions = named.join(", ");
    vec![if more > 0 {
        crate::msg!(
            WarnNoPopulationMore,
            count = missing.len(),
            span = span,
            regions = regions,
            more = more
        )
    } else {
        crate::msg!(
            WarnNoPopulation,
            count = missing.len(),
            span = span,
            regions = regions
        )
    }]
}
