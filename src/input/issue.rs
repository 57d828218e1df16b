//! Row-level problem codes with their bilingual messages, and file-level errors.
//!
//! A row problem ([`RowIssue`]) quarantines the row; a file problem ([`FileError`])
//! stops the import of that file. Messages never contain the offending value: the
//! quarantine file keeps the raw fields, owner-readable only.

use std::fmt;
use std::path::PathBuf;

use crate::i18n::{Lang, Msg, Text};
use crate::msg;

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

    /// The catalogue entry explaining the code, with the fix, without any value.
    pub fn msg(self) -> Msg {
        match self {
            Code::Decode => Msg::CodeDecode,
            Code::FieldCount => Msg::CodeFieldCount,
            Code::RecordTooLong => Msg::CodeRecordTooLong,
            Code::UnclosedQuote => Msg::CodeUnclosedQuote,
            Code::Required => Msg::CodeRequired,
            Code::DateNotYearFirst => Msg::CodeDateNotYearFirst,
            Code::DateFormat => Msg::CodeDateFormat,
            Code::DateInvalid => Msg::CodeDateInvalid,
            Code::ExcelSerial60 => Msg::CodeExcelSerial60,
            Code::RegionFormat => Msg::CodeRegionFormat,
            Code::EnumValue => Msg::CodeEnumValue,
            Code::IntegerFormat => Msg::CodeIntegerFormat,
            Code::IntegerRange => Msg::CodeIntegerRange,
            Code::IdMangled => Msg::CodeIdMangled,
            Code::IdFormat => Msg::CodeIdFormat,
            Code::IdCheck => Msg::CodeIdCheck,
            Code::IdBirthDate => Msg::CodeIdBirthDate,
            Code::DateOrder => Msg::CodeDateOrder,
            Code::AgeRange => Msg::CodeAgeRange,
            Code::EndReason => Msg::CodeEndReason,
            Code::RefPerson => Msg::CodeRefPerson,
            Code::RefMeasure => Msg::CodeRefMeasure,
            Code::DuplicateConflict => Msg::CodeDuplicateConflict,
        }
    }

    /// (Chinese, English) explanation with the fix, without any value.
    pub fn describe(self) -> (&'static str, &'static str) {
        (self.msg().zh(), self.msg().en())
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

    /// A detail from the catalogue, in both languages.
    pub fn with_text(mut self, t: Text) -> Self {
        self.detail_zh = Some(t.zh);
        self.detail_en = Some(t.en);
        self
    }

    /// The message in one language: `[column] explanation：detail`.
    pub fn message(&self, lang: Lang) -> String {
        let base = self.code.msg().template(lang);
        let mut s = match self.column {
            Some(c) => Msg::IssueWithColumn.render(lang, &[("column", &c), ("message", &base)]),
            None => base.to_string(),
        };
        let detail = match lang {
            Lang::Zh => &self.detail_zh,
            Lang::En => &self.detail_en,
        };
        if let Some(d) = detail {
            s = Msg::IssueDetail.render(lang, &[("message", &s), ("detail", d)]);
        }
        s
    }

    /// The message in both languages (the quarantine file keeps both).
    pub fn text(&self) -> Text {
        Text {
            zh: self.message(Lang::Zh),
            en: self.message(Lang::En),
        }
    }

    pub fn message_zh(&self) -> String {
        self.message(Lang::Zh)
    }

    pub fn message_en(&self) -> String {
        self.message(Lang::En)
    }
}

/// A problem that stops the import of a whole file (or table).
#[derive(Debug)]
pub enum FileError {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Empty {
        path: PathBuf,
    },
    Binary {
        path: PathBuf,
        offset: usize,
    },
    Utf16WithoutBom {
        path: PathBuf,
    },
    MissingColumn {
        path: PathBuf,
        table: &'static str,
        column: &'static str,
        aliases: String,
        found: String,
    },
    AmbiguousHeader {
        path: PathBuf,
        column: &'static str,
        first: usize,
        second: usize,
    },
    HeaderDecode {
        path: PathBuf,
    },
    NoPersons {
        path: PathBuf,
    },
    Xlsx {
        path: PathBuf,
        message: String,
    },
    NoSheet {
        path: PathBuf,
        sheet: String,
        available: String,
    },
    Parquet {
        path: PathBuf,
        message: String,
    },
    RejectRate {
        path: PathBuf,
        table: &'static str,
        read: u64,
        quarantined: u64,
        pct: f64,
        limit_pct: f64,
        cause: Text,
    },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text().get(crate::i18n::current()))
    }
}

impl std::error::Error for FileError {}

impl FileError {
    /// The message in both languages: the file, the line (and column) where it can be
    /// told, and the fix.
    pub fn text(&self) -> Text {
        match self {
            FileError::Io { path, source } => {
                msg!(FileIo, path = path.display(), error = source)
            }
            FileError::Empty { path } => msg!(FileEmpty, path = path.display()),
            FileError::Binary { path, offset } => {
                msg!(FileBinary, path = path.display(), offset = offset)
            }
            FileError::Utf16WithoutBom { path } => {
                msg!(FileUtf16WithoutBom, path = path.display())
            }
            FileError::MissingColumn {
                path,
                table,
                column,
                aliases,
                found,
            } => msg!(
                FileMissingColumn,
                path = path.display(),
                table = table,
                column = column,
                aliases = aliases,
                found = found
            ),
            FileError::AmbiguousHeader {
                path,
                column,
                first,
                second,
            } => msg!(
                FileAmbiguousHeader,
                path = path.display(),
                column = column,
                first = first,
                second = second
            ),
            FileError::HeaderDecode { path } => msg!(FileHeaderDecode, path = path.display()),
            FileError::NoPersons { path } => msg!(FileNoPersons, path = path.display()),
            FileError::Xlsx { path, message } => {
                msg!(FileXlsx, path = path.display(), error = message)
            }
            FileError::NoSheet {
                path,
                sheet,
                available,
            } => msg!(
                FileNoSheet,
                path = path.display(),
                sheet = sheet,
                available = available
            ),
            FileError::Parquet { path, message } => {
                msg!(FileParquet, path = path.display(), error = message)
            }
            FileError::RejectRate {
                path,
                table,
                read,
                quarantined,
                pct,
                limit_pct,
                cause,
            } => {
                let pct = format!("{pct:.1}");
                Text::each(|lang| {
                    Msg::FileRejectRate.render(
                        lang,
                        &[
                            ("path", &path.display()),
                            ("read", read),
                            ("quarantined", quarantined),
                            ("pct", &pct),
                            ("limit_pct", limit_pct),
                            ("cause", &cause.get(lang)),
                            ("table", table),
                        ],
                    )
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The analysts' documentation lists every code the importer can give, with the
    /// catalogue's Chinese and English text.
    #[test]
    fn every_code_is_documented() {
        let doc = include_str!("../../docs/data-contract.md");
        for c in Code::ALL {
            let row = format!("| `{}` | {} | {} |", c.as_str(), c.msg().zh(), c.msg().en());
            assert!(
                doc.lines().any(|l| l == row),
                "docs/data-contract.md lacks the row {row}"
            );
        }
    }
}
