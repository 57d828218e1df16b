//! Row-level problem codes with their bilingual messages, and file-level errors.
//!
//! A row problem ([`RowIssue`]) quarantines the row; a file problem ([`FileError`])
//! stops the import of that file. Messages never contain the offending value: the
//! quarantine file keeps the raw fields, owner-readable only.

use std::fmt;
use std::path::PathBuf;

/// Why a row was quarantined. The string codes are stable and documented in
/// `docs/data-contract.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    Decode,
    FieldCount,
    RecordTooLong,
    UnclosedQuote,
    Required,
    DateNotYearFirst,
    DateFormat,
    DateInvalid,
    ExcelSerial60,
    RegionFormat,
    EnumValue,
    IntegerFormat,
    IntegerRange,
    IdMangled,
    IdFormat,
    IdCheck,
    IdBirthDate,
    DateOrder,
    AgeRange,
    EndReason,
    RefPerson,
    RefMeasure,
    DuplicateConflict,
}

impl Code {
    pub const ALL: [Code; 23] = [
        Code::Decode,
        Code::FieldCount,
        Code::RecordTooLong,
        Code::UnclosedQuote,
        Code::Required,
        Code::DateNotYearFirst,
        Code::DateFormat,
        Code::DateInvalid,
        Code::ExcelSerial60,
        Code::RegionFormat,
        Code::EnumValue,
        Code::IntegerFormat,
        Code::IntegerRange,
        Code::IdMangled,
        Code::IdFormat,
        Code::IdCheck,
        Code::IdBirthDate,
        Code::DateOrder,
        Code::AgeRange,
        Code::EndReason,
        Code::RefPerson,
        Code::RefMeasure,
        Code::DuplicateConflict,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Decode => "E_DECODE",
            Code::FieldCount => "E_FIELD_COUNT",
            Code::RecordTooLong => "E_RECORD_TOO_LONG",
            Code::UnclosedQuote => "E_UNCLOSED_QUOTE",
            Code::Required => "E_REQUIRED",
            Code::DateNotYearFirst => "E_DATE_NOT_YEAR_FIRST",
            Code::DateFormat => "E_DATE_FORMAT",
            Code::DateInvalid => "E_DATE_INVALID",
            Code::ExcelSerial60 => "E_EXCEL_SERIAL_60",
            Code::RegionFormat => "E_REGION_FORMAT",
            Code::EnumValue => "E_ENUM_VALUE",
            Code::IntegerFormat => "E_INTEGER_FORMAT",
            Code::IntegerRange => "E_INTEGER_RANGE",
            Code::IdMangled => "E_ID_MANGLED",
            Code::IdFormat => "E_ID_FORMAT",
            Code::IdCheck => "E_ID_CHECK",
            Code::IdBirthDate => "E_ID_BIRTH_DATE",
            Code::DateOrder => "E_DATE_ORDER",
            Code::AgeRange => "E_AGE_RANGE",
            Code::EndReason => "E_END_REASON",
            Code::RefPerson => "E_REF_PERSON",
            Code::RefMeasure => "E_REF_MEASURE",
            Code::DuplicateConflict => "E_DUPLICATE_CONFLICT",
        }
    }

    /// (Chinese, English) explanation with the fix, without any value.
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Code::Decode => (
                "字节无法按检测到的编码解码",
                "bytes do not decode in the detected encoding; re-save the file as UTF-8 or pass --encoding",
            ),
            Code::FieldCount => (
                "字段个数与表头不一致",
                "the number of fields differs from the header; check the delimiter and quoting",
            ),
            Code::RecordTooLong => (
                "记录超过读取长度上限，可能是引号未闭合",
                "record longer than the reader's limit, probably an unclosed quote; fix the quoting or raise --max-record-bytes",
            ),
            Code::UnclosedQuote => (
                "引号未闭合（文件可能被截断）",
                "quoted field never closes (file truncated?); close the quote or re-export the file",
            ),
            Code::Required => (
                "必填项为空",
                "required value is empty; fill it in the platform and export again",
            ),
            Code::DateNotYearFirst => (
                "日期必须以四位年份开头（如 2021-03-05），不猜测日/月顺序",
                "date must start with a 4-digit year (e.g. 2021-03-05); day/month orders are not guessed",
            ),
            Code::DateFormat => (
                "日期格式无法识别",
                "date format not recognised; use YYYY-MM-DD",
            ),
            Code::DateInvalid => (
                "日期不存在",
                "no such calendar date; correct the day or month",
            ),
            Code::ExcelSerial60 => (
                "Excel 序列号 60 表示不存在的 1900-02-29",
                "Excel serial 60 is the non-existent 1900-02-29; enter the real date",
            ),
            Code::RegionFormat => (
                "区划代码应为 6、9 或 12 位数字",
                "region code must be 6, 9 or 12 digits; format the column as text before export",
            ),
            Code::EnumValue => (
                "取值不在允许范围内",
                "value is not one of the allowed values",
            ),
            Code::IntegerFormat => (
                "应为整数（可用千位分隔符“,”或以“人”结尾，不得带符号或小数）",
                "must be a whole number (digits, optionally with `,` thousands separators or a trailing 人; no sign, no decimal part)",
            ),
            Code::IntegerRange => ("数值超出允许范围", "number is outside the allowed range"),
            Code::IdMangled => (
                "身份证号被表格软件改写（科学计数法或末三位为000），已无法恢复",
                "ID number mangled by a spreadsheet (scientific notation or trailing 000); format the column as text and export again",
            ),
            Code::IdFormat => (
                "身份证号应为18位（末位可为X）",
                "ID number must be 18 characters (last may be X)",
            ),
            Code::IdCheck => (
                "身份证号校验位错误（GB 11643）",
                "ID number check character is wrong (GB 11643); correct the number",
            ),
            Code::IdBirthDate => (
                "身份证号中的出生日期不存在",
                "the birth date inside the ID number is not a real date",
            ),
            Code::DateOrder => ("日期先后顺序不合理", "dates are in an impossible order"),
            Code::AgeRange => (
                "初次发现时年龄不在10至100岁之间",
                "age at first finding must be between 10 and 100; check birth_date and first_found_date",
            ),
            Code::EndReason => (
                "结束原因与结束日期必须同时填写或同时为空",
                "end_reason must be filled exactly when end_date is",
            ),
            Code::RefPerson => (
                "人员编号在人员表中不存在",
                "person_id does not exist among the accepted persons",
            ),
            Code::RefMeasure => (
                "措施编号在措施表中不存在",
                "measure_id does not exist among the accepted measures",
            ),
            Code::DuplicateConflict => (
                "编号重复且内容不同，保留首条",
                "same id with different content; the first accepted row is kept",
            ),
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem of one row: the code, the column it concerns and optional detail that
/// is safe to show (allowed values, the line of the first duplicate, never raw data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowIssue {
    pub code: Code,
    pub column: Option<&'static str>,
    pub detail_zh: Option<String>,
    pub detail_en: Option<String>,
}

impl RowIssue {
    pub fn new(code: Code, column: Option<&'static str>) -> Self {
        RowIssue {
            code,
            column,
            detail_zh: None,
            detail_en: None,
        }
    }

    pub fn with_detail(mut self, zh: impl Into<String>, en: impl Into<String>) -> Self {
        self.detail_zh = Some(zh.into());
        self.detail_en = Some(en.into());
        self
    }

    pub fn message_zh(&self) -> String {
        let (zh, _) = self.code.describe();
        let mut s = match self.column {
            Some(c) => format!("[{c}] {zh}"),
            None => zh.to_string(),
        };
        if let Some(d) = &self.detail_zh {
            s.push('：');
            s.push_str(d);
        }
        s
    }

    pub fn message_en(&self) -> String {
        let (_, en) = self.code.describe();
        let mut s = match self.column {
            Some(c) => format!("[{c}] {en}"),
            None => en.to_string(),
        };
        if let Some(d) = &self.detail_en {
            s.push_str(": ");
            s.push_str(d);
        }
        s
    }
}

/// A problem that stops the import of a whole file (or table).
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: the file is empty (no header line); export the table again")]
    Empty { path: PathBuf },
    #[error(
        "{path}: line 1: this is not a text table (binary content at byte {offset}); \
         pass a CSV, XLSX or Parquet export"
    )]
    Binary { path: PathBuf, offset: usize },
    #[error(
        "{path}: looks like UTF-16 without a byte-order mark; re-save it as UTF-8 or \
         UTF-16 with BOM"
    )]
    Utf16WithoutBom { path: PathBuf },
    #[error(
        "{path}: line 1: table `{table}` needs column `{column}` (accepted headers: {aliases}); \
         found: {found}. Rename the header or check that this file is the {table} table \
         and that the delimiter is right"
    )]
    MissingColumn {
        path: PathBuf,
        table: &'static str,
        column: &'static str,
        aliases: String,
        found: String,
    },
    #[error(
        "{path}: line 1, columns {first} and {second}: both headers mean `{column}`; \
         remove one of them"
    )]
    AmbiguousHeader {
        path: PathBuf,
        column: &'static str,
        first: usize,
        second: usize,
    },
    #[error("{path}: line 1: the header could not be decoded; save the file as UTF-8 or GB18030")]
    HeaderDecode { path: PathBuf },
    #[error("{path}: the header has no data rows, and the `persons` table cannot be empty")]
    NoPersons { path: PathBuf },
    #[error("{path}: cannot read the workbook: {message}")]
    Xlsx { path: PathBuf, message: String },
    #[error("{path}: no sheet named `{sheet}`; the workbook has: {available}")]
    NoSheet {
        path: PathBuf,
        sheet: String,
        available: String,
    },
    #[error("{path}: cannot read Parquet: {message}")]
    Parquet { path: PathBuf, message: String },
    #[error(
        "{path}: {quarantined} of {read} rows ({pct:.1}%) were quarantined, more than the \
         allowed {limit_pct}%. Likely cause: {cause}. Look at quarantine/{table}.csv (or \
         run `jindu check`), fix the export, or raise the limit with --max-reject-rate"
    )]
    RejectRate {
        path: PathBuf,
        table: &'static str,
        read: u64,
        quarantined: u64,
        pct: f64,
        limit_pct: f64,
        cause: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The analysts' documentation lists every code the importer can give.
    #[test]
    fn every_code_is_documented() {
        let doc = include_str!("../../docs/data-contract.md");
        for c in Code::ALL {
            assert!(
                doc.contains(&format!("`{}`", c.as_str())),
                "{c} missing from docs/data-contract.md"
            );
        }
    }
}
