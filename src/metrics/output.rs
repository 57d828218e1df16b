//! Writing metric rows in every output format through one entry point,
//! [`write_rows`]: the machine formats (CSV, JSON, Parquet, Arrow IPC) carry exactly the
//! schema of METRICS.md; `table` and `xlsx` are for people.

use std::io::Write;

use polars::prelude::*;

use super::compute::MetricRow;
use super::defs::{self, Kind};
use crate::dates::iso;
use crate::publish::{HIDDEN_RATE, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PrintFormat {
    Table,
    Csv,
    Json,
    Parquet,
    Xlsx,
    Arrow,
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

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("writing output: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing output: {0}")]
    Polars(#[from] PolarsError),
    #[error("writing the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Writes rows in one format. `rule` only changes how suppressed cells are shown in
/// the human formats.
pub fn write_rows(
    rows: &[MetricRow],
    format: PrintFormat,
    rule: Rule,
    out: &mut dyn Write,
) -> Result<(), OutputError> {
    match format {
        PrintFormat::Csv => out.write_all(&to_csv(rows))?,
        PrintFormat::Json => out.write_all(&to_json(rows))?,
        PrintFormat::Table => out.write_all(to_table(rows, rule).as_bytes())?,
        PrintFormat::Parquet => {
            let mut df = to_frame(rows)?;
            ParquetWriter::new(out)
                .with_compression(ParquetCompression::Zstd(None))
                .set_parallel(false)
                .finish(&mut df)?;
        }
        PrintFormat::Arrow => {
            let mut df = to_frame(rows)?;
            IpcWriter::new(out).finish(&mut df)?;
        }
        PrintFormat::Xlsx => out.write_all(&to_xlsx(rows, rule)?)?,
    }
    Ok(())
}

/// Shortest round-trip form of a float (Rust's `Display` for `f64`).
pub fn num(v: f64) -> String {
    format!("{v}")
}

fn opt_u(v: Option<u64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn opt_f(v: Option<f64>) -> String {
    v.map(num).unwrap_or_default()
}

fn csv_field(s: &str) -> String {
    crate::input::quarantine::csv_field(s)
}

/// CSV: UTF-8 without BOM, LF line endings.
pub fn to_csv(rows: &[MetricRow]) -> Vec<u8> {
    let mut s = String::with_capacity(rows.len() * 120);
    s.push_str(&COLUMNS.join(","));
    s.push('\n');
    for r in rows {
        let fields = [
            r.metric.to_string(),
            r.period.clone(),
            iso(r.as_of),
            r.region_code.clone(),
            csv_field(&r.region_name),
            r.region_level.as_str().to_string(),
            r.breakdown.to_string(),
            csv_field(&r.breakdown_value),
            opt_u(r.numerator),
            opt_u(r.denominator),
            opt_f(r.value),
            opt_f(r.ci_low),
            opt_f(r.ci_high),
            r.flags(),
        ];
        s.push_str(&fields.join(","));
        s.push('\n');
    }
    s.into_bytes()
}

fn json_num(v: Option<f64>, count: bool) -> serde_json::Value {
    match v {
        None => serde_json::Value::Null,
        Some(x) if count && x.fract() == 0.0 && x.abs() < 9.0e15 => (x as i64).into(),
        Some(x) => serde_json::Number::from_f64(x)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
    }
}

/// One JSON object per row, keys in schema order.
pub fn to_json_value(rows: &[MetricRow]) -> serde_json::Value {
    let list: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let count = defs::find(r.metric).is_some_and(|d| d.kind == Kind::Count);
            let mut o = serde_json::Map::new();
            o.insert("metric".into(), r.metric.into());
            o.insert("period".into(), r.period.clone().into());
            o.insert("as_of".into(), iso(r.as_of).into());
            o.insert("region_code".into(), r.region_code.clone().into());
            o.insert("region_name".into(), r.region_name.clone().into());
            o.insert("region_level".into(), r.region_level.as_str().into());
            o.insert("breakdown".into(), r.breakdown.into());
            o.insert("breakdown_value".into(), r.breakdown_value.clone().into());
            o.insert("numerator".into(), r.numerator.into());
            o.insert("denominator".into(), r.denominator.into());
            o.insert("value".into(), json_num(r.value, count));
            o.insert("ci_low".into(), json_num(r.ci_low, false));
            o.insert("ci_high".into(), json_num(r.ci_high, false));
            o.insert("flags".into(), r.flags().into());
            serde_json::Value::Object(o)
        })
        .collect();
    serde_json::Value::Array(list)
}

pub fn to_json(rows: &[MetricRow]) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(&to_json_value(rows)).expect("json");
    v.push(b'\n');
    v
}

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
        (Kind::Ratio, Some(v)) => format!("{v:.1}"),
        (_, Some(v)) => format!("{:.1}%", v * 100.0),
    }
}

pub fn display_ci(r: &MetricRow) -> String {
    match (r.ci_low, r.ci_high) {
        (Some(l), Some(h)) => format!("{:.1}–{:.1}%", l * 100.0, h * 100.0),
        _ => String::new(),
    }
}

/// Terminal columns of a string: East Asian wide and full-width characters take two
/// (Unicode Standard Annex #11, simplified to the CJK, Hangul and full-width blocks).
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    let width = display_width(s);
    format!("{s}{}", " ".repeat(w.saturating_sub(width)))
}

/// A terminal table with Chinese metric names.
pub fn to_table(rows: &[MetricRow], rule: Rule) -> String {
    let head = [
        "指标",
        "年份",
        "地区",
        "分组",
        "值",
        "95%置信区间",
        "分子/分母",
        "标记",
    ];
    let mut lines: Vec<[String; 8]> = vec![head.map(str::to_string)];
    for r in rows {
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
        lines.push([
            name.to_string(),
            r.period.clone(),
            region,
            group,
            display_value(r, rule),
            display_ci(r),
            frac,
            r.flags(),
        ]);
    }
    let mut widths = [0usize; 8];
    for l in &lines {
        for (w, c) in widths.iter_mut().zip(l.iter()) {
            *w = (*w).max(display_width(c));
        }
    }
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let cells: Vec<String> = l.iter().zip(widths).map(|(c, w)| pad(c, w)).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * 7;
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
    }
    out
}

/// A workbook: one sheet per metric, Chinese headers, numbers as numbers, percentages
/// formatted as percentages.
pub fn to_xlsx(rows: &[MetricRow], rule: Rule) -> Result<Vec<u8>, OutputError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0%");
    let dec = Format::new().set_num_format("0.0");
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
    let mut start = 0;
    while start < rows.len() {
        let metric = rows[start].metric;
        let end = rows[start..]
            .iter()
            .position(|r| r.metric != metric)
            .map_or(rows.len(), |p| start + p);
        let def = defs::find(metric);
        let kind = def.map(|d| d.kind).unwrap_or(Kind::Count);
        let ws = wb.add_worksheet();
        ws.set_name(metric)?;
        ws.write_string_with_format(0, 0, def.map(|d| d.zh).unwrap_or(metric), &bold)?;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(1, c as u16, *h, &bold)?;
        }
        for (i, r) in rows[start..end].iter().enumerate() {
            let row = i as u32 + 2;
            ws.write_string(row, 0, &r.period)?;
            ws.write_string(row, 1, iso(r.as_of))?;
            ws.write_string(row, 2, &r.region_code)?;
            ws.write_string(row, 3, &r.region_name)?;
            ws.write_string(row, 4, r.region_level.zh())?;
            ws.write_string(row, 5, r.breakdown)?;
            ws.write_string(row, 6, &r.breakdown_value)?;
            if let Some(n) = r.numerator {
                ws.write_number(row, 7, n as f64)?;
            }
            if let Some(d) = r.denominator {
                ws.write_number(row, 8, d as f64)?;
            }
            let vfmt = match kind {
                Kind::Rate | Kind::Survival => Some(&pct),
                Kind::Ratio => Some(&dec),
                Kind::Count => None,
            };
            if r.suppressed {
                ws.write_string(row, 9, display_value(r, rule))?;
            } else if let Some(v) = r.value {
                match vfmt {
                    Some(f) => ws.write_number_with_format(row, 9, v, f)?,
                    None => ws.write_number(row, 9, v)?,
                };
            }
            for (c, v) in [(10u16, r.ci_low), (11, r.ci_high)] {
                if let Some(v) = v {
                    ws.write_number_with_format(row, c, v, &pct)?;
                }
            }
            ws.write_string(row, 12, r.flags())?;
        }
        ws.autofit();
        start = end;
    }
    if rows.is_empty() {
        wb.add_worksheet().write_string(0, 0, "无数据 / no rows")?;
    }
    Ok(wb.save_to_buffer()?)
}
