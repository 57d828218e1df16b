//! Reading the first sheet (or `--sheet NAME`) of an XLSX workbook into rows of cells.
//! Numbers stay numbers and date cells stay Excel serials, so that the row parser can
//! tell a spreadsheet-mangled ID number or an Excel serial date from text.

use std::borrow::Cow;
use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

use super::issue::FileError;
use super::rows::Cell;
use super::source::{RawRow, SourceFormat, SourceInfo};

pub fn read_xlsx(
    path: &Path,
    sheet: Option<&str>,
    on_header: &mut dyn FnMut(&SourceInfo) -> Result<(), FileError>,
    on_row: &mut dyn FnMut(RawRow<'_>) -> Result<(), FileError>,
) -> Result<(), FileError> {
    let xerr = |e: &dyn std::fmt::Display| FileError::Xlsx {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut wb = open_workbook_auto(path).map_err(|e| xerr(&e))?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| FileError::NoSheet {
                path: path.to_path_buf(),
                sheet: s.to_string(),
                available: names.join(", "),
            })?,
        None => names.first().cloned().ok_or_else(|| FileError::Empty {
            path: path.to_path_buf(),
        })?,
    };
    let range = wb.worksheet_range(&name).map_err(|e| xerr(&e))?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows().enumerate();
    // Header: the first row with any content.
    let mut header = None;
    for (i, row) in rows.by_ref() {
        if row.iter().any(|c| !matches!(c, Data::Empty)) {
            header = Some((i, row));
            break;
        }
    }
    let Some((_, header_row)) = header else {
        return Err(FileError::Empty {
            path: path.to_path_buf(),
        });
    };
    let header: Vec<String> = header_row
        .iter()
        .map(|c| cell_display(c).trim().to_string())
        .collect();
    on_header(&SourceInfo {
        format: SourceFormat::Xlsx,
        delimiter: None,
        sheet: Some(name.clone()),
        header,
    })?;
    for (i, row) in rows {
        if row.iter().all(|c| match c {
            Data::Empty => true,
            Data::String(s) => s.trim().is_empty(),
            _ => false,
        }) {
            continue; // blank row
        }
        let cells: Vec<Cell<'_>> = row.iter().map(to_cell).collect();
        on_row(RawRow::Cells {
            line: u64::from(first_row) + i as u64 + 1,
            cells: &cells,
        })?;
    }
    Ok(())
}

fn to_cell(d: &Data) -> Cell<'_> {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(Cow::Borrowed(s.as_str())),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(Cow::Owned(b.to_string())),
        Data::DateTime(dt) => Cell::DateSerial(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(Cow::Borrowed(s.as_str())),
        Data::Error(e) => Cell::Text(Cow::Owned(format!("#{e:?}"))),
    }
}

/// Cell text for headers and the quarantine.
pub fn cell_display(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}
