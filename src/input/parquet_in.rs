//! Reading a Parquet table written by the engine itself (canonical column names), so a
//! canonical dataset can be fed back as an export. Values are handed to the row parser
//! as text (dates as ISO dates), which accepts them as any other export.

use std::borrow::Cow;
use std::fs::File;
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
    let df = ParquetReader::new(file).finish().map_err(|e| perr(&e))?;
    let header: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|s| s.to_string())
        .collect();
    on_header(&SourceInfo {
        format: SourceFormat::Parquet,
        delimiter: None,
        sheet: None,
        header,
    })?;
    // Every column as optional text.
    let mut cols: Vec<Vec<Option<String>>> = Vec::with_capacity(df.width());
    for c in df.columns() {
        let s = c.as_materialized_series();
        let v: Vec<Option<String>> = match s.dtype() {
            DataType::Date => s
                .date()
                .map_err(|e| perr(&e))?
                .physical()
                .iter()
                .map(|d| d.map(iso))
                .collect(),
            DataType::String => s
                .str()
                .map_err(|e| perr(&e))?
                .iter()
                .map(|x| x.map(str::to_string))
                .collect(),
            _ => {
                let cast = s.cast(&DataType::String).map_err(|e| perr(&e))?;
                cast.str()
                    .map_err(|e| perr(&e))?
                    .iter()
                    .map(|x| x.map(str::to_string))
                    .collect()
            }
        };
        cols.push(v);
    }
    for i in 0..df.height() {
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
