//! Reading a Parquet table written by the engine itself (canonical column names), so a
//! canonical dataset can be fed back as an export. Values are handed to the row parser
//! as text (dates as ISO dates), which accepts them as any other export.

use std::borrow::Cow;
use std::fs::File;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use polars::prelude::*;

use super::issue::FileError;
use super::rows::Cell;
use super::source::{RawRow, SourceFormat, SourceInfo};
use crate::dates::iso;

pub fn read_parquet(
    path: &Path,
    on_header: &mut dyn FnMut(&SourceInfo) -> Result<(), FileError>,
    on_row: &mut dyn FnMut(RawRow<'_>) -> Result<(), FileError>,
) -> Result<(), FileError> {
    let perr = |e: &dyn std::fmt::Display| FileError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let file = File::open(path).map_err(|source| FileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    // A damaged file can make the Parquet reader panic (out-of-range offsets in its
    // metadata or pages): that is a file error, not a crash of the import.
    let decoded = catch_unwind(AssertUnwindSafe(|| decode(file))).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(crate::tr!(ParquetDamaged, detail = what))
    });
    let (header, cols, height) = decoded.map_err(|e| perr(&e))?;
    on_header(&SourceInfo {
        format: SourceFormat::Parquet,
        delimiter: None,
        sheet: None,
        header,
    })?;
    for i in 0..height {
        let cells: Vec<Cell<'_>> = cols
            .iter()
            .map(|c| match &c[i] {
                Some(s) => Cell::Text(Cow::Borrowed(s.as_str())),
                None => Cell::Empty,
            })
            .collect();
        // Parquet has no lines: the row number plus one, as if line 1 were a header.
        on_row(RawRow::Cells {
            line: i as u64 + 2,
            cells: &cells,
        })?;
    }
    Ok(())
}

/// The header, every column as optional text, and the row count of a Parquet file.
type Decoded = (Vec<String>, Vec<Vec<Option<String>>>, usize);

fn decode(file: File) -> Result<Decoded, String> {
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| e.to_string())?;
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    // Every column as optional text.
    let mut cols: Vec<Vec<Option<String>>> = Vec::with_capacity(df.width());
    for c in df.columns() {
        let s = c.as_materialized_series();
        let v: Vec<Option<String>> = match s.dtype() {
            DataType::Date => s
                .date()
                .map_err(|e| e.to_string())?
                .physical()
                .iter()
                .map(|d| d.map(date_text))
                .collect(),
            DataType::String => s
                .str()
                .map_err(|e| e.to_string())?
                .iter()
                .map(|x| x.map(str::to_string))
                .collect(),
            _ => {
                let cast = s.cast(&DataType::String).map_err(|e| e.to_string())?;
                cast.str()
                    .map_err(|e| e.to_string())?
                    .iter()
                    .map(|x| x.map(str::to_string))
                    .collect()
            }
        };
        if v.len() != df.height() {
            return Err(crate::tr!(
                ParquetDamagedColumn,
                values = v.len(),
                rows = df.height()
            ));
        }
        cols.push(v);
    }
    Ok((header, cols, df.height()))
}

/// The ISO text of a Parquet date. A day number outside the calendar (a damaged or
/// foreign file) is written so that it never parses as a date, and its row is
/// quarantined instead of crashing the import.
fn date_text(day: i32) -> String {
    if chrono::NaiveDate::from_epoch_days(day).is_some() {
        iso(day)
    } else {
        format!("day number {day}")
    }
}
