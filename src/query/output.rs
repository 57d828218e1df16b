//! Writing any result frame through one entry point, [`write_frame`]: CSV (UTF-8, LF),
//! JSON (an array of objects), Parquet and Arrow IPC (polars writers), an aligned text
//! table for the terminal, and an XLSX workbook.

use std::io::Write;

use polars::prelude::*;

use crate::dates::iso;
use crate::metrics::output::{OutputError, PrintFormat, display_width, num};

/// Writes `df` in `format` to `out`.
pub fn write_frame(
    df: &DataFrame,
    format: PrintFormat,
    out: &mut dyn Write,
) -> Result<(), OutputError> {
    match format {
        PrintFormat::Csv => out.write_all(to_csv(df)?.as_bytes())?,
        PrintFormat::Json => out.write_all(&to_json(df)?)?,
        PrintFormat::Table => out.write_all(to_table(df)?.as_bytes())?,
        PrintFormat::Parquet => {
            let mut df = df.clone();
            ParquetWriter::new(out)
                .with_compression(ParquetCompression::Zstd(None))
                .set_parallel(false)
                .finish(&mut df)?;
        }
        PrintFormat::Arrow => {
            let mut df = df.clone();
            IpcWriter::new(out).finish(&mut df)?;
        }
        PrintFormat::Xlsx => out.write_all(&to_xlsx(df)?)?,
    }
    Ok(())
}

/// One cell as text: empty for null, ISO dates, shortest round-trip floats.
pub fn cell_text(v: &AnyValue) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::Boolean(b) => b.to_string(),
        AnyValue::String(s) => (*s).to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Date(d) => iso(*d),
        AnyValue::Float32(x) => num(f64::from(*x)),
        AnyValue::Float64(x) => num(*x),
        AnyValue::Int8(x) => x.to_string(),
        AnyValue::Int16(x) => x.to_string(),
        AnyValue::Int32(x) => x.to_string(),
        AnyValue::Int64(x) => x.to_string(),
        AnyValue::UInt8(x) => x.to_string(),
        AnyValue::UInt16(x) => x.to_string(),
        AnyValue::UInt32(x) => x.to_string(),
        AnyValue::UInt64(x) => x.to_string(),
        other => format!("{other}"),
    }
}

fn cell_json(v: &AnyValue) -> serde_json::Value {
    use serde_json::Value;
    match v {
        AnyValue::Null => Value::Null,
        AnyValue::Boolean(b) => (*b).into(),
        AnyValue::Int8(x) => (*x).into(),
        AnyValue::Int16(x) => (*x).into(),
        AnyValue::Int32(x) => (*x).into(),
        AnyValue::Int64(x) => (*x).into(),
        AnyValue::UInt8(x) => (*x).into(),
        AnyValue::UInt16(x) => (*x).into(),
        AnyValue::UInt32(x) => (*x).into(),
        AnyValue::UInt64(x) => (*x).into(),
        AnyValue::Float32(x) => serde_json::Number::from_f64(f64::from(*x))
            .map(Value::Number)
            .unwrap_or(Value::Null),
        AnyValue::Float64(x) => serde_json::Number::from_f64(*x)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        other => cell_text(other).into(),
    }
}

fn series(df: &DataFrame) -> Vec<Series> {
    df.columns()
        .iter()
        .map(|c| c.as_materialized_series().rechunk())
        .collect()
}

/// CSV: UTF-8 without BOM, LF line endings, a header row, fields quoted when needed.
pub fn to_csv(df: &DataFrame) -> PolarsResult<String> {
    let cols = series(df);
    let mut s = String::new();
    let head: Vec<String> = cols
        .iter()
        .map(|c| crate::input::quarantine::csv_field(c.name()))
        .collect();
    s.push_str(&head.join(","));
    s.push('\n');
    for i in 0..df.height() {
        let mut fields = Vec::with_capacity(cols.len());
        for c in &cols {
            fields.push(crate::input::quarantine::csv_field(&cell_text(&c.get(i)?)));
        }
        s.push_str(&fields.join(","));
        s.push('\n');
    }
    Ok(s)
}

/// JSON: an array of objects, keys in column order; dates as ISO strings.
pub fn to_json_value(df: &DataFrame) -> PolarsResult<serde_json::Value> {
    let cols = series(df);
    let mut rows = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let mut o = serde_json::Map::new();
        for c in &cols {
            o.insert(c.name().to_string(), cell_json(&c.get(i)?));
        }
        rows.push(serde_json::Value::Object(o));
    }
    Ok(serde_json::Value::Array(rows))
}

pub fn to_json(df: &DataFrame) -> PolarsResult<Vec<u8>> {
    let mut v = serde_json::to_vec_pretty(&to_json_value(df)?).expect("json");
    v.push(b'\n');
    Ok(v)
}

fn is_numeric(dt: &DataType) -> bool {
    dt.is_primitive_numeric()
}

/// An aligned text table (numbers right-aligned, CJK counted as two columns), with
/// the row count underneath.
pub fn to_table(df: &DataFrame) -> PolarsResult<String> {
    let cols = series(df);
    let mut grid: Vec<Vec<String>> = vec![cols.iter().map(|c| c.name().to_string()).collect()];
    for i in 0..df.height() {
        let mut row = Vec::with_capacity(cols.len());
        for c in &cols {
            row.push(cell_text(&c.get(i)?));
        }
        grid.push(row);
    }
    let mut widths = vec![0usize; cols.len()];
    for row in &grid {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(display_width(c));
        }
    }
    let right: Vec<bool> = cols.iter().map(|c| is_numeric(c.dtype())).collect();
    let mut out = String::new();
    for (r, row) in grid.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let fill = " ".repeat(widths[k].saturating_sub(display_width(c)));
                if right[k] && r > 0 {
                    format!("{fill}{c}")
                } else {
                    format!("{c}{fill}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if r == 0 {
            let total = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
    }
    out.push_str(&format!(
        "({} row{})\n",
        df.height(),
        if df.height() == 1 { "" } else { "s" }
    ));
    Ok(out)
}

/// A workbook with one sheet: bold headers, numbers as numbers, dates as dates.
pub fn to_xlsx(df: &DataFrame) -> Result<Vec<u8>, OutputError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("query")?;
    let cols = series(df);
    for (k, c) in cols.iter().enumerate() {
        ws.write_string_with_format(0, k as u16, c.name().as_str(), &bold)?;
    }
    for i in 0..df.height() {
        let row = i as u32 + 1;
        for (k, c) in cols.iter().enumerate() {
            let col = k as u16;
            match c.get(i)? {
                AnyValue::Null => {}
                AnyValue::Boolean(b) => {
                    ws.write_boolean(row, col, b)?;
                }
                AnyValue::Date(d) => {
                    // Excel serial: days since 1899-12-30.
                    ws.write_number_with_format(row, col, f64::from(d) + 25569.0, &date)?;
                }
                v if is_numeric(v.dtype().as_ref()) => {
                    let x = v.extract::<f64>().unwrap_or(f64::NAN);
                    ws.write_number(row, col, x)?;
                }
                v => {
                    ws.write_string(row, col, cell_text(&v))?;
                }
            }
        }
    }
    ws.autofit();
    Ok(wb.save_to_buffer()?)
}
