//! Workbooks: one sheet per [`Sheet`], an optional bold title row, bold headers, and
//! typed cells (numbers as numbers, percentages and dates with their number formats),
//! so that Excel and WPS sort and sum them without conversion.

use rust_xlsxwriter::{Format, Workbook};

use super::OutputError;
use crate::dates::Days;

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A fraction shown as a percentage with one decimal (`0.0%`).
    Percent(f64),
    /// A number shown with one decimal (`0.0`).
    Decimal(f64),
    Date(Days),
    Bool(bool),
}

/// One worksheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    /// A bold line above the headers.
    pub title: Option<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Excel's serial day number of a date (days since 1899-12-30).
fn excel_serial(d: Days) -> f64 {
    f64::from(d) + 25569.0
}

/// The workbook of `sheets` (a sheet saying so when there are none).
pub fn to_xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, OutputError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0%");
    let dec = Format::new().set_num_format("0.0");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name)?;
        let mut row = 0u32;
        if let Some(t) = &sheet.title {
            ws.write_string_with_format(row, 0, t, &bold)?;
            row += 1;
        }
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(row, c as u16, h, &bold)?;
        }
        for cells in &sheet.rows {
            row += 1;
            for (c, cell) in cells.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) => {
                        ws.write_string(row, c, s)?;
                    }
                    Cell::Number(x) => {
                        ws.write_number(row, c, *x)?;
                    }
                    Cell::Percent(x) => {
                        ws.write_number_with_format(row, c, *x, &pct)?;
                    }
                    Cell::Decimal(x) => {
                        ws.write_number_with_format(row, c, *x, &dec)?;
                    }
                    Cell::Date(d) => {
                        ws.write_number_with_format(row, c, excel_serial(*d), &date)?;
                    }
                    Cell::Bool(b) => {
                        ws.write_boolean(row, c, *b)?;
                    }
                }
            }
        }
        ws.autofit();
    }
    if sheets.is_empty() {
        wb.add_worksheet().write_string(0, 0, "无数据 / no rows")?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serial_of_the_epoch_and_a_known_day() {
        // 1970-01-01 is Excel day 25569; 2025-12-31 is day 46022.
        assert_eq!(excel_serial(0), 25569.0);
        assert_eq!(excel_serial(20453), 46022.0);
    }

    #[test]
    fn a_workbook_is_a_zip_with_a_sheet() {
        let bytes = to_xlsx(&[Sheet {
            name: "s".into(),
            title: Some("标题".into()),
            headers: vec!["a".into()],
            rows: vec![vec![Cell::Percent(0.5)], vec![Cell::Date(0)]],
        }])
        .unwrap();
        assert_eq!(&bytes[..2], b"PK");
        let bytes = to_xlsx(&[]).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
