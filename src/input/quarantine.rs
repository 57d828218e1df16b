//! Quarantine records and their CSV form (`quarantine/TABLE.csv` in a dataset).
//!
//! The file holds raw fields, possibly raw ID numbers and names, so it is created with
//! owner-only permissions (0600) and never printed.

use std::io::{self, Write};

use super::issue::RowIssue;
use crate::i18n::Msg;
use crate::output::csv_field;

/// One quarantined row.
#[derive(Debug, Clone)]
pub struct QuarantineRecord {
    pub file: String,
    pub line: u64,
    pub issues: Vec<RowIssue>,
    pub raw: Vec<String>,
}

pub const HEADER: &str = "file,line,error_codes,message_zh,message_en,raw_fields";

/// Writes quarantine CSV rows (UTF-8 with BOM so that spreadsheet programs open it
/// with the right encoding). Generic over `Write` so tests can write to memory.
pub struct QuarantineWriter<W: Write> {
    out: W,
    rows: u64,
}

impl<W: Write> QuarantineWriter<W> {
    pub fn new(mut out: W) -> io::Result<Self> {
        out.write_all("\u{FEFF}".as_bytes())?;
        writeln!(out, "{HEADER}")?;
        Ok(QuarantineWriter { out, rows: 0 })
    }

    pub fn write(&mut self, r: &QuarantineRecord) -> io::Result<()> {
        let codes: Vec<&str> = r.issues.iter().map(|i| i.code.as_str()).collect();
        let zh: Vec<String> = r.issues.iter().map(RowIssue::message_zh).collect();
        let en: Vec<String> = r.issues.iter().map(RowIssue::message_en).collect();
        let raw = serde_json::to_string(&r.raw).expect("strings serialise");
        let (codes, zh, en) = (
            codes.join(";"),
            zh.join(Msg::IssueSeparator.zh()),
            en.join(Msg::IssueSeparator.en()),
        );
        let line = r.line.to_string();
        let fields = [
            csv_field(&r.file),
            csv_field(&line),
            csv_field(&codes),
            csv_field(&zh),
            csv_field(&en),
            csv_field(&raw),
        ];
        writeln!(self.out, "{}", fields.join(","))?;
        self.rows += 1;
        Ok(())
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::issue::Code;

    #[test]
    fn records_are_bilingual_csv() {
        let mut w = QuarantineWriter::new(Vec::new()).unwrap();
        w.write(&QuarantineRecord {
            file: "人员.csv".into(),
            line: 7,
            issues: vec![
                RowIssue::new(Code::DateNotYearFirst, Some("first_found_date")),
                RowIssue::new(Code::IdCheck, Some("id_number")),
            ],
            raw: vec!["P1".into(), "a,\"b\"".into()],
        })
        .unwrap();
        let text = String::from_utf8(w.into_inner()).unwrap();
        let line = text.lines().nth(1).unwrap();
        assert!(line.starts_with("人员.csv,7,E_DATE_NOT_YEAR_FIRST;E_ID_CHECK,"));
        assert!(line.contains("[first_found_date]"));
        assert!(line.ends_with(r#""[""P1"",""a,\""b\""""]""#), "{line}");
    }
}
