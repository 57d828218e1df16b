//! Metric rows as a printable result of the output layer ([`crate::output`]): the
//! machine formats (CSV, JSON, Parquet, Arrow IPC) carry exactly the schema of
//! METRICS.md; the terminal table and the workbook (one sheet per metric, Chinese
//! headers) are for people, with suppressed cells shown as `<10` / `—`.

use std::fmt::Write as _;
use std::io::Write;

use polars::prelude::*;
use rayon::prelude::*;

use super::compute::MetricRow;
use super::defs::{self, Kind};
use crate::dates::iso;
use crate::output::{Cell, Grid, OutputError, Printable, Sheet, csv_field};
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

/// Appends one row of the machine schema as a CSV line: the bytes
/// [`crate::output::to_csv`] writes for the row of [`to_frame`] (strings quoted when
/// needed, empty for null, integers and shortest round-trip floats as `Display` writes
/// them).
fn push_csv_row(s: &mut String, r: &MetricRow, as_of: &str) {
    let text = |s: &mut String, v: &str| {
        s.push_str(&csv_field(v));
        s.push(',');
    };
    text(s, r.metric);
    text(s, &r.period);
    text(s, as_of);
    text(s, &r.region_code);
    text(s, &r.region_name);
    text(s, r.region_level.as_str());
    text(s, r.breakdown);
    text(s, &r.breakdown_value);
    for v in [r.numerator, r.denominator] {
        if let Some(v) = v {
            let _ = write!(s, "{v}");
        }
        s.push(',');
    }
    for v in [r.value, r.ci_low, r.ci_high] {
        if let Some(v) = v {
            let _ = write!(s, "{v}");
        }
        s.push(',');
    }
    s.push_str(&csv_field(&r.flags()));
    s.push('\n');
}

/// The CSV of [`to_frame`] written row by row, without the frame: blocks of rows are
/// formatted in parallel and written in order.
fn write_rows_csv(rows: &[MetricRow], out: &mut dyn Write) -> Result<(), OutputError> {
    let head: Vec<_> = COLUMNS.iter().map(|c| csv_field(c)).collect();
    out.write_all(head.join(",").as_bytes())?;
    out.write_all(b"\n")?;
    const BLOCK: usize = 1 << 18;
    const PART: usize = 1 << 13;
    for block in rows.chunks(BLOCK) {
        let parts: Vec<String> = block
            .par_chunks(PART)
            .map(|part| {
                let mut s = String::with_capacity(part.len() * 96);
                let mut as_of: Option<(i32, String)> = None;
                for r in part {
                    if as_of.as_ref().is_none_or(|(d, _)| *d != r.as_of) {
                        as_of = Some((r.as_of, iso(r.as_of)));
                    }
                    let a = as_of.as_ref().map_or("", |(_, t)| t.as_str());
                    push_csv_row(&mut s, r, a);
                }
                s
            })
            .collect();
        for p in parts {
            out.write_all(p.as_bytes())?;
        }
    }
    Ok(())
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

    /// The same bytes as the CSV of the frame, without building it (national runs
    /// have millions of rows).
    fn write_csv(&self, out: &mut dyn Write) -> Result<(), OutputError> {
        write_rows_csv(self.rows, out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regions::Level;

    fn row(i: usize) -> MetricRow {
        MetricRow {
            metric: if i.is_multiple_of(2) {
                "existing"
            } else {
                "execution_rate"
            },
            period: format!("{}", 2020 + i % 3),
            as_of: 18_000 + (i as i32 % 5) * 100,
            region_code: format!("6401{:02}", i % 7),
            region_name: match i % 4 {
                0 => "兴庆区".to_string(),
                1 => "a,b".to_string(),
                2 => "x\"y".to_string(),
                _ => String::new(),
            },
            region_level: Level::County,
            breakdown: if i.is_multiple_of(3) { "" } else { "sex" },
            breakdown_value: if i.is_multiple_of(3) {
                String::new()
            } else {
                "male".into()
            },
            numerator: (!i.is_multiple_of(5)).then_some(i as u64 * 7),
            denominator: i.is_multiple_of(2).then_some(i as u64 * 13 + 1),
            value: match i % 4 {
                0 => None,
                1 => Some(1.0 / 3.0),
                2 => Some(12.0),
                _ => Some(f64::NAN),
            },
            ci_low: (i % 3 == 1).then_some(0.1 + i as f64 * 1e-7),
            ci_high: (i % 3 == 1).then_some(1e-20),
            partial: i % 2 == 1,
            unstable: i % 3 == 2,
            suppressed: i % 5 == 4,
        }
    }

    #[test]
    fn streamed_csv_is_the_csv_of_the_frame() {
        for n in [0, 1, 7, 20_000] {
            let rows: Vec<MetricRow> = (0..n).map(row).collect();
            let table = MetricTable {
                rows: &rows,
                rule: Rule { threshold: 10 },
            };
            let mut streamed = Vec::new();
            table.write_csv(&mut streamed).unwrap();
            let framed = crate::output::to_csv(&to_frame(&rows).unwrap()).unwrap();
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(framed).unwrap()
            );
        }
    }
}
