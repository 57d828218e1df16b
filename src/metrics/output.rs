//! Metric rows as a printable result of the output layer ([`crate::output`]): the
//! machine formats (CSV, JSON, Parquet, Arrow IPC) carry exactly the schema of
//! METRICS.md; the terminal table and the workbook (one sheet per metric, Chinese
//! headers) are for people, with suppressed cells shown as `<10` / `—`.

use polars::prelude::*;

use super::compute::MetricRow;
use super::defs::{self, Kind};
use crate::dates::iso;
use crate::output::{Cell, Grid, Printable, Sheet};
use crate::publish::{HIDDEN_RATE, Rule};

/// Metric rows with the disclosure rule that says how suppressed cells read.
pub struct MetricTable<'a> {
    pub rows: &'a [MetricRow],
    pub rule: Rule,
}

pub const COLUMNS: [&str; 14] = [
    "metric",
    "period",
    "as_of",
    "region_code",
    "region_name",
    "region_level",
    "breakdown",
    "breakdown_value",
    "numerator",
    "denominator",
    "value",
    "ci_low",
    "ci_high",
    "flags",
];

/// The machine schema as a frame (Parquet, Arrow).
pub fn to_frame(rows: &[MetricRow]) -> PolarsResult<DataFrame> {
    let s = |name: &str, f: &dyn Fn(&MetricRow) -> String| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
    };
    let u = |name: &str, f: &dyn Fn(&MetricRow) -> Option<u64>| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
    };
    let fl = |name: &str, f: &dyn Fn(&MetricRow) -> Option<f64>| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<_>>())
    };
    DataFrame::new(
        rows.len(),
        vec![
            s("metric", &|r| r.metric.to_string()),
            s("period", &|r| r.period.clone()),
            s("as_of", &|r| iso(r.as_of)),
            s("region_code", &|r| r.region_code.clone()),
            s("region_name", &|r| r.region_name.clone()),
            s("region_level", &|r| r.region_level.as_str().to_string()),
            s("breakdown", &|r| r.breakdown.to_string()),
            s("breakdown_value", &|r| r.breakdown_value.clone()),
            u("numerator", &|r| r.numerator),
            u("denominator", &|r| r.denominator),
            fl("value", &|r| r.value),
            fl("ci_low", &|r| r.ci_low),
            fl("ci_high", &|r| r.ci_high),
            s("flags", &|r| r.flags()),
        ],
    )
}

/// How a row's value reads for people: counts as integers, rates as percentages with
/// one decimal, ratios with one decimal, suppressed cells as `<10` / `—`.
pub fn display_value(r: &MetricRow, rule: Rule) -> String {
    let kind = defs::find(r.metric).map(|d| d.kind).unwrap_or(Kind::Count);
    if r.suppressed {
        return match kind {
            Kind::Count => rule.hidden_count(),
            _ => HIDDEN_RATE.to_string(),
        };
    }
    match (kind, r.value) {
        (_, None) => "—".to_string(),
        (Kind::Count, Some(v)) => format!("{v}"),
        (Kind::Ratio | Kind::PerInhabitants { .. }, Some(v)) => format!("{v:.1}"),
        (_, Some(v)) => format!("{:.1}%", v * 100.0),
    }
}

pub fn display_ci(r: &MetricRow) -> String {
    let per_inhabitants =
        defs::find(r.metric).is_some_and(|d| matches!(d.kind, Kind::PerInhabitants { .. }));
    match (r.ci_low, r.ci_high) {
        (Some(l), Some(h)) if per_inhabitants => format!("{l:.1}–{h:.1}"),
        (Some(l), Some(h)) => format!("{:.1}–{:.1}%", l * 100.0, h * 100.0),
        _ => String::new(),
    }
}

impl Printable for MetricTable<'_> {
    fn frame(&self) -> PolarsResult<DataFrame> {
        to_frame(self.rows)
    }

    /// A count's `value` is written as an integer.
    fn json_integer(&self, row: usize, column: &str) -> bool {
        column == "value"
            && self
                .rows
                .get(row)
                .and_then(|r| defs::find(r.metric))
                .is_some_and(|d| d.kind == Kind::Count)
    }

    /// Chinese metric names, the region with its name, the breakdown (`合计` for the
    /// total), the published value, its interval, numerator/denominator and flags.
    fn grid(&self) -> PolarsResult<Grid> {
        let headers = [
            "指标",
            "年份",
            "地区",
            "分组",
            "值",
            "95%置信区间",
            "分子/分母",
            "标记",
        ];
        let rows = self
            .rows
            .iter()
            .map(|r| {
                let name = defs::find(r.metric).map(|d| d.zh).unwrap_or(r.metric);
                let region = if r.region_name.is_empty() {
                    r.region_code.clone()
                } else {
                    format!("{} {}", r.region_code, r.region_name)
                };
                let group = if r.breakdown.is_empty() {
                    "合计".to_string()
                } else {
                    format!("{}={}", r.breakdown, r.breakdown_value)
                };
                let frac = match (r.numerator, r.denominator) {
                    (Some(n), Some(d)) => format!("{n}/{d}"),
                    _ => String::new(),
                };
                vec![
                    name.to_string(),
                    r.period.clone(),
                    region,
                    group,
                    display_value(r, self.rule),
                    display_ci(r),
                    frac,
                    r.flags(),
                ]
            })
            .collect();
        Ok(Grid {
            headers: headers.map(str::to_string).to_vec(),
            rows,
            right: vec![false, false, false, false, true, true, true, false],
            footer: None,
        })
    }

    /// One sheet per metric: its Chinese name, Chinese headers, numbers as numbers and
    /// rates as percentages.
    fn sheets(&self) -> PolarsResult<Vec<Sheet>> {
        let headers = [
            "年份",
            "截止日期",
            "区划代码",
            "地区",
            "级别",
            "分组",
            "分组值",
            "分子",
            "分母",
            "值",
            "95%下限",
            "95%上限",
            "标记",
        ];
        let mut sheets = Vec::new();
        for chunk in self.rows.chunk_by(|a, b| a.metric == b.metric) {
            let metric = chunk[0].metric;
            let def = defs::find(metric);
            let kind = def.map(|d| d.kind).unwrap_or(Kind::Count);
            let value = |v: f64| match kind {
                Kind::Rate | Kind::Survival | Kind::Change => Cell::Percent(v),
                Kind::Ratio | Kind::PerInhabitants { .. } => Cell::Decimal(v),
                Kind::Count => Cell::Number(v),
            };
            let opt = |v: Option<f64>, f: &dyn Fn(f64) -> Cell| v.map_or(Cell::Empty, f);
            let rows = chunk
                .iter()
                .map(|r| {
                    vec![
                        Cell::Text(r.period.clone()),
                        Cell::Text(iso(r.as_of)),
                        Cell::Text(r.region_code.clone()),
                        Cell::Text(r.region_name.clone()),
                        Cell::Text(r.region_level.zh().to_string()),
                        Cell::Text(r.breakdown.to_string()),
                        Cell::Text(r.breakdown_value.clone()),
                        opt(r.numerator.map(|n| n as f64), &Cell::Number),
                        opt(r.denominator.map(|n| n as f64), &Cell::Number),
                        if r.suppressed {
                            Cell::Text(display_value(r, self.rule))
                        } else {
                            opt(r.value, &value)
                        },
                        opt(r.ci_low, &Cell::Percent),
                        opt(r.ci_high, &Cell::Percent),
                        Cell::Text(r.flags()),
                    ]
                })
                .collect();
            sheets.push(Sheet {
                name: metric.to_string(),
                title: Some(def.map(|d| d.zh).unwrap_or(metric).to_string()),
                headers: headers.map(str::to_string).to_vec(),
                rows,
            });
        }
        Ok(sheets)
    }
}
