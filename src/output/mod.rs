//! The one output layer of `jindu metrics`, `jindu query` and `jindu cohort`: one
//! [`Format`] enum and one entry point, [`write`], that writes any [`Printable`] result
//! in any format and returns nothing but bytes to a writer.
//!
//! A result gives a machine form (a frame: CSV, JSON, Parquet and Arrow IPC are written
//! from it, so those formats carry exactly its columns) and a form for people (a grid
//! of display text for the terminal, drawn by `comfy-table`, which knows CJK widths;
//! sheets of typed cells for XLSX). Machine text is fixed: UTF-8 without BOM, LF line
//! endings, empty for null, ISO dates, floats in their shortest round-trip form.

mod xlsx;

use std::io::Write;

use polars::prelude::*;

use crate::dates::{Days, iso};

pub use self::xlsx::{Cell, Sheet};

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An aligned table for the terminal.
    Table,
    Csv,
    Json,
    Parquet,
    Xlsx,
    /// Arrow IPC (Feather v2).
    Arrow,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Table,
        Format::Csv,
        Format::Json,
        Format::Parquet,
        Format::Xlsx,
        Format::Arrow,
    ];

    /// The format of a name of [`Format::name`].
    pub fn from_name(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == s)
    }

    /// Binary formats are written to a file, never to a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Parquet | Format::Xlsx | Format::Arrow)
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Parquet => "parquet",
            Format::Xlsx => "xlsx",
            Format::Arrow => "arrow",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("writing output: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing output: {0}")]
    Polars(#[from] PolarsError),
    #[error("writing the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Display text for the terminal: a header row, rows of text, which columns are
/// right-aligned (numbers), and a line under the table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub right: Vec<bool>,
    pub footer: Option<String>,
}

/// A result that can be written in every format.
pub trait Printable {
    /// The machine form.
    fn frame(&self) -> PolarsResult<DataFrame>;
    /// Whether JSON writes this float cell of the machine form as an integer (a count
    /// held in a float column).
    fn json_integer(&self, _row: usize, _column: &str) -> bool {
        false
    }
    /// The terminal table.
    fn grid(&self) -> PolarsResult<Grid>;
    /// The workbook's sheets.
    fn sheets(&self) -> PolarsResult<Vec<Sheet>>;
    /// The machine form as CSV ([`to_csv`] of [`Printable::frame`]). A result with many
    /// rows may write the same bytes directly, without building the frame.
    fn write_csv(&self, out: &mut dyn Write) -> Result<(), OutputError> {
        out.write_all(&to_csv(&self.frame()?)?)?;
        Ok(())
    }
}

/// Writes `result` in `format` to `out`.
pub fn write(
    result: &dyn Printable,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), OutputError> {
    match format {
        Format::Csv => result.write_csv(out)?,
        Format::Json => out.write_all(&to_json(result)?)?,
        Format::Table => out.write_all(to_table(&result.grid()?).as_bytes())?,
        Format::Parquet => {
            let mut df = result.frame()?;
            ParquetWriter::new(out)
                .with_compression(ParquetCompression::Zstd(None))
                .set_parallel(false)
                .finish(&mut df)?;
        }
        Format::Arrow => {
            let mut df = result.frame()?;
            IpcWriter::new(out).finish(&mut df)?;
        }
        Format::Xlsx => out.write_all(&xlsx::to_xlsx(&result.sheets()?)?)?,
    }
    Ok(())
}

/// [`write`] into a byte vector.
pub fn to_bytes(result: &dyn Printable, format: Format) -> Result<Vec<u8>, OutputError> {
    let mut buf = Vec::new();
    write(result, format, &mut buf)?;
    Ok(buf)
}

/// Shortest round-trip form of a float (Rust's `Display` for `f64`).
pub fn num(v: f64) -> String {
    format!("{v}")
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
pub fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        std::borrow::Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// One value as machine text: empty for null, ISO dates, shortest round-trip floats.
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

fn texts<T: ToString>(it: impl Iterator<Item = Option<T>>) -> Vec<String> {
    it.map(|v| v.map(|v| v.to_string()).unwrap_or_default())
        .collect()
}

/// Every value of a column as machine text (typed fast paths, [`cell_text`] otherwise).
pub fn column_text(s: &Series) -> PolarsResult<Vec<String>> {
    Ok(match s.dtype() {
        DataType::String => texts(s.str()?.iter()),
        DataType::UInt64 => texts(s.u64()?.iter()),
        DataType::UInt32 => texts(s.u32()?.iter()),
        DataType::Int64 => texts(s.i64()?.iter()),
        DataType::Int32 => texts(s.i32()?.iter()),
        DataType::Float64 => s
            .f64()?
            .iter()
            .map(|v| v.map(num).unwrap_or_default())
            .collect(),
        DataType::Date => s
            .date()?
            .physical()
            .iter()
            .map(|v| v.map(iso).unwrap_or_default())
            .collect(),
        _ => (0..s.len())
            .map(|i| s.get(i).map(|v| cell_text(&v)))
            .collect::<PolarsResult<_>>()?,
    })
}

fn columns(df: &DataFrame) -> Vec<Series> {
    df.columns()
        .iter()
        .map(|c| c.as_materialized_series().rechunk())
        .collect()
}

/// CSV: UTF-8 without BOM, LF line endings, a header row, fields quoted when needed.
pub fn to_csv(df: &DataFrame) -> PolarsResult<Vec<u8>> {
    let cols = columns(df);
    let text: Vec<Vec<String>> = cols.iter().map(column_text).collect::<PolarsResult<_>>()?;
    let mut s = String::with_capacity(df.height() * 16 * cols.len().max(1));
    let head: Vec<_> = cols.iter().map(|c| csv_field(c.name())).collect();
    s.push_str(&head.join(","));
    s.push('\n');
    for i in 0..df.height() {
        for (k, col) in text.iter().enumerate() {
            if k > 0 {
                s.push(',');
            }
            s.push_str(&csv_field(&col[i]));
        }
        s.push('\n');
    }
    Ok(s.into_bytes())
}

fn json_value(v: &AnyValue, integer: bool) -> serde_json::Value {
    use serde_json::Value;
    let float = |x: f64| {
        if integer && x.fract() == 0.0 && x.abs() < 9.0e15 {
            Value::from(x as i64)
        } else {
            serde_json::Number::from_f64(x)
                .map(Value::Number)
                .unwrap_or(Value::Null)
        }
    };
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
        AnyValue::Float32(x) => float(f64::from(*x)),
        AnyValue::Float64(x) => float(*x),
        other => cell_text(other).into(),
    }
}

/// JSON: an array of objects, keys in column order; dates as ISO strings.
pub fn to_json_value(result: &dyn Printable) -> PolarsResult<serde_json::Value> {
    let df = result.frame()?;
    let cols = columns(&df);
    let mut rows = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let mut o = serde_json::Map::new();
        for c in &cols {
            let integer = c.dtype().is_float() && result.json_integer(i, c.name());
            o.insert(c.name().to_string(), json_value(&c.get(i)?, integer));
        }
        rows.push(serde_json::Value::Object(o));
    }
    Ok(serde_json::Value::Array(rows))
}

fn to_json(result: &dyn Printable) -> PolarsResult<Vec<u8>> {
    let mut v = serde_json::to_vec_pretty(&to_json_value(result)?).expect("JSON of values");
    v.push(b'\n');
    Ok(v)
}

/// The terminal table: a Markdown-style grid (pastes into documents), CJK characters
/// counted as two columns, then the footer.
pub fn to_table(g: &Grid) -> String {
    use comfy_table::{CellAlignment, ColumnConstraint, ContentArrangement, Table, presets};
    let mut t = Table::new();
    t.load_preset(presets::ASCII_MARKDOWN)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(g.headers.clone());
    for r in &g.rows {
        t.add_row(r.clone());
    }
    for (k, right) in g.right.iter().enumerate() {
        if let Some(c) = t.column_mut(k) {
            c.set_constraint(ColumnConstraint::ContentWidth);
            if *right {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
    }
    let mut s = t.to_string();
    s.push('\n');
    if let Some(f) = &g.footer {
        s.push_str(f);
        if !f.ends_with('\n') {
            s.push('\n');
        }
    }
    s
}

/// A frame as it stands: the result of a query.
impl Printable for DataFrame {
    fn frame(&self) -> PolarsResult<DataFrame> {
        Ok(self.clone())
    }

    fn grid(&self) -> PolarsResult<Grid> {
        let cols = columns(self);
        let text: Vec<Vec<String>> = cols.iter().map(column_text).collect::<PolarsResult<_>>()?;
        let n = self.height();
        Ok(Grid {
            headers: cols.iter().map(|c| c.name().to_string()).collect(),
            rows: (0..n)
                .map(|i| text.iter().map(|c| c[i].clone()).collect())
                .collect(),
            right: cols
                .iter()
                .map(|c| c.dtype().is_primitive_numeric())
                .collect(),
            footer: Some(format!("({n} row{})", if n == 1 { "" } else { "s" })),
        })
    }

    fn sheets(&self) -> PolarsResult<Vec<Sheet>> {
        let cols = columns(self);
        let mut rows = Vec::with_capacity(self.height());
        for i in 0..self.height() {
            let mut row = Vec::with_capacity(cols.len());
            for c in &cols {
                row.push(match c.get(i)? {
                    AnyValue::Null => Cell::Empty,
                    AnyValue::Boolean(b) => Cell::Bool(b),
                    AnyValue::Date(d) => Cell::Date(d as Days),
                    v if v.dtype().is_primitive_numeric() => {
                        Cell::Number(v.extract::<f64>().unwrap_or(f64::NAN))
                    }
                    v => Cell::Text(cell_text(&v)),
                });
            }
            rows.push(row);
        }
        Ok(vec![Sheet {
            name: "query".into(),
            title: None,
            headers: cols.iter().map(|c| c.name().to_string()).collect(),
            rows,
        }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> DataFrame {
        df!(
            "name" => ["同心县", "a,b", "x\"y"],
            "n" => [Some(12u64), None, Some(3)],
            "rate" => [Some(0.5f64), Some(1.0 / 3.0), None],
        )
        .unwrap()
    }

    #[test]
    fn csv_quotes_only_what_needs_it() {
        let csv = String::from_utf8(to_csv(&frame()).unwrap()).unwrap();
        assert_eq!(
            csv,
            "name,n,rate\n同心县,12,0.5\n\"a,b\",,0.3333333333333333\n\"x\"\"y\",3,\n"
        );
    }

    #[test]
    fn json_has_keys_in_column_order_and_nulls() {
        let v = to_json_value(&frame()).unwrap();
        assert_eq!(v[0]["name"], "同心县");
        assert_eq!(v[1]["n"], serde_json::Value::Null);
        assert_eq!(v[0]["rate"], 0.5);
        let keys: Vec<&String> = v[0].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "n", "rate"]);
    }

    #[test]
    fn table_aligns_cjk_and_numbers() {
        // 同心县 takes six columns; numbers are right-aligned; nulls are blank.
        let t = to_table(&frame().grid().unwrap());
        assert_eq!(
            t,
            "| name   |  n |               rate |\n\
             |--------|----|--------------------|\n\
             | 同心县 | 12 |                0.5 |\n\
             | a,b    |    | 0.3333333333333333 |\n\
             | x\"y    |  3 |                    |\n\
             (3 rows)\n"
        );
    }

    #[test]
    fn binary_formats_round_trip() {
        let df = frame();
        let pq = to_bytes(&df, Format::Parquet).unwrap();
        let back = ParquetReader::new(std::io::Cursor::new(pq))
            .finish()
            .unwrap();
        assert!(back.equals_missing(&df));
        let ipc = to_bytes(&df, Format::Arrow).unwrap();
        let back = IpcReader::new(std::io::Cursor::new(ipc)).finish().unwrap();
        assert!(back.equals_missing(&df));
    }
}
