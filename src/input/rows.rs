//! Turning one row of cells into canonical values, with every row-level check of the
//! contract (formats, enumerations, required values, the tables' own checks).
//!
//! Pure: no I/O, no state beyond the header mapping and the pseudonymisation key.

use std::borrow::Cow;

use polars::prelude::PlSmallStr;

use super::issue::{Code, RowIssue};
use super::pseudo::Key;
use super::values;
use crate::dates::{Days, age_years};
use crate::schema::{ColType, ColumnDef, Req, Table, fold_width, normalize_name};

/// One cell as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    /// A numeric spreadsheet cell.
    Number(f64),
    /// A spreadsheet date cell, as its serial number.
    DateSerial(f64),
    /// Bytes that do not decode in the file's encoding.
    Undecodable,
}

impl Cell<'_> {
    /// The same cell borrowing its text.
    pub fn borrowed(&self) -> Cell<'_> {
        match self {
            Cell::Empty => Cell::Empty,
            Cell::Text(t) => Cell::Text(Cow::Borrowed(t)),
            Cell::Number(n) => Cell::Number(*n),
            Cell::DateSerial(n) => Cell::DateSerial(*n),
            Cell::Undecodable => Cell::Undecodable,
        }
    }
}

/// A canonical value. Text is a small string: ids, codes and enumeration values (most
/// of the cells) are held inline or point to static text, with no allocation each.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Val {
    Null,
    Str(PlSmallStr),
    Date(Days),
    Int(i64),
}

impl Val {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_date(&self) -> Option<Days> {
        match self {
            Val::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Val::Int(n) => Some(*n),
            _ => None,
        }
    }
}

/// The type of a canonical output column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutType {
    Str,
    Date,
    Int,
}

/// A column of the canonical (Parquet) table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutColumn {
    pub name: &'static str,
    pub ty: OutType,
    /// Index of the input column it comes from.
    pub source: usize,
}

/// The canonical columns of a table: the contract's columns without names, with the ID
/// number replaced by its pseudonym `id_pseudonym`.
pub fn out_columns(table: Table) -> Vec<OutColumn> {
    table
        .columns()
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let (name, ty) = match c.ty {
                ColType::Name => return None,
                ColType::IdNumber => ("id_pseudonym", OutType::Str),
                ColType::Date => (c.name, OutType::Date),
                ColType::Integer { .. } => (c.name, OutType::Int),
                _ => (c.name, OutType::Str),
            };
            Some(OutColumn {
                name,
                ty,
                source: i,
            })
        })
        .collect()
}

/// Where each contract column sits in a file.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    pub table: Table,
    /// For each contract column, its field index in the file.
    pub index: Vec<Option<usize>>,
    /// Header names that match no column (kept out of the data, listed in the report).
    pub unknown: Vec<String>,
    pub width: usize,
    /// Parquet input: the pseudonym column, when re-importing a canonical table.
    pub pseudonym_index: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderError {
    Missing(&'static ColumnDef),
    Ambiguous {
        column: &'static str,
        first: usize,
        second: usize,
    },
}

/// Matches a header row against the contract: canonical name or any alias, ignoring
/// surrounding spaces, full-width forms and case.
pub fn map_header(table: Table, headers: &[String]) -> Result<HeaderMap, HeaderError> {
    let cols = table.columns();
    let mut index = vec![None; cols.len()];
    let mut unknown = Vec::new();
    let mut pseudonym_index = None;
    for (pos, h) in headers.iter().enumerate() {
        let key = normalize_name(h);
        let hit = cols.iter().position(|c| {
            normalize_name(c.name) == key || c.aliases.iter().any(|a| normalize_name(a) == key)
        });
        match hit {
            Some(ci) => {
                if let Some(first) = index[ci] {
                    return Err(HeaderError::Ambiguous {
                        column: cols[ci].name,
                        first: first + 1,
                        second: pos + 1,
                    });
                }
                index[ci] = Some(pos);
            }
            None if table == Table::Persons && key == "id_pseudonym" => pseudonym_index = Some(pos),
            None if key.is_empty() => {}
            None => unknown.push(h.trim().to_string()),
        }
    }
    for (ci, c) in cols.iter().enumerate() {
        if c.header_required() && index[ci].is_none() {
            return Err(HeaderError::Missing(c));
        }
    }
    Ok(HeaderMap {
        table,
        index,
        unknown,
        width: headers.len(),
        pseudonym_index,
    })
}

/// A row that passed its own checks: values in contract column order (names and the raw
/// ID number already gone), plus facts the importer reports.
#[derive(Debug, Clone)]
pub struct ParsedRow {
    /// One value per contract column; `Name` columns are `Null`, the ID number column
    /// holds the pseudonym.
    pub values: Values,
    /// Hash of the name cell, so that rows differing only by name are not "exact"
    /// duplicates.
    pub name_hash: u64,
    /// The explicit sex or birth date contradicted the ID number.
    pub id_contradiction: bool,
    /// The ID number ends in `000` and passes the check: probably cut to 15
    /// significant digits by a spreadsheet whose check character happened to fit.
    pub id_suspect_cut: bool,
}

/// The values of a row (a vector moves through the pipeline's stages as one pointer).
pub type Values = Vec<Val>;

/// Parses and checks one row. `cells` are the file's fields in file order.
pub fn parse_row(
    map: &HeaderMap,
    cells: &[Cell<'_>],
    key: &Key,
) -> Result<ParsedRow, (Vec<RowIssue>, Values)> {
    parse_row_with(map, |i| cells.get(i).map(Cell::borrowed), key)
}

/// [`parse_row`] reading the file's field `i` through `cells(i)` (`None` past the last
/// one), so that a caller holding its fields otherwise makes no slice of cells.
pub fn parse_row_with<'c>(
    map: &HeaderMap,
    cells: impl Fn(usize) -> Option<Cell<'c>>,
    key: &Key,
) -> Result<ParsedRow, (Vec<RowIssue>, Values)> {
    let cols = map.table.columns();
    let mut issues = Vec::new();
    let mut values: Values = vec![Val::Null; cols.len()];
    let mut name_hash = 0;
    let mut id_info = None;
    for (ci, c) in cols.iter().enumerate() {
        let cell = map.index[ci].and_then(&cells).unwrap_or(Cell::Empty);
        let cell = &cell;
        match c.ty {
            ColType::Name => {
                if let Cell::Text(t) = cell {
                    name_hash = hash64(t.trim().as_bytes());
                }
                continue;
            }
            ColType::IdNumber => match cell_text(cell) {
                Ok(None) => {}
                Ok(Some(raw)) => match values::parse_id_number(&raw) {
                    Ok(id) => {
                        values[ci] =
                            Val::Str(PlSmallStr::from_string(key.pseudonym(&id.normalized)));
                        id_info = Some(id);
                    }
                    Err(code) => issues.push(RowIssue::new(code, Some(c.name))),
                },
                Err(Cell::Number(_)) => issues.push(RowIssue::new(Code::IdMangled, Some(c.name))),
                Err(_) => issues.push(RowIssue::new(Code::Decode, Some(c.name))),
            },
            _ => match parse_cell(c, cell) {
                Ok(v) => values[ci] = v,
                Err(issue) => issues.push(issue),
            },
        }
    }
    if let (Some(pi), Some(ci)) = (map.pseudonym_index, column_index(map.table, "id_number"))
        && let Some(Cell::Text(t)) = cells(pi)
        && !t.trim().is_empty()
        && values[ci] == Val::Null
    {
        values[ci] = Val::Str(PlSmallStr::from_str(t.trim()));
    }
    let mut id_contradiction = false;
    let id_suspect_cut = id_info
        .as_ref()
        .is_some_and(|id| id.normalized.ends_with("000"));
    match map.table {
        Table::Persons => {
            id_contradiction = person_checks(&mut values, &mut issues, id_info.as_ref());
        }
        Table::Measures => measure_checks(&values, &mut issues),
        _ => {}
    }
    if issues.is_empty() {
        Ok(ParsedRow {
            values,
            name_hash,
            id_contradiction,
            id_suspect_cut,
        })
    } else {
        Err((issues, values))
    }
}

pub fn column_index(table: Table, name: &str) -> Option<usize> {
    table.columns().iter().position(|c| c.name == name)
}

fn col_of(table: Table, name: &'static str) -> usize {
    column_index(table, name).expect("schema column")
}

/// Sex and birth date from the ID where missing; the contract's date and age checks.
/// Returns whether an explicit column contradicted the ID.
fn person_checks(
    values: &mut [Val],
    issues: &mut Vec<RowIssue>,
    id: Option<&values::IdNumber>,
) -> bool {
    let t = Table::Persons;
    let (sex_i, birth_i) = (col_of(t, "sex"), col_of(t, "birth_date"));
    let sex_failed = issues.iter().any(|i| i.column == Some("sex"));
    let birth_failed = issues.iter().any(|i| i.column == Some("birth_date"));
    let mut contradiction = false;
    if let Some(id) = id {
        match &values[sex_i] {
            Val::Null if !sex_failed => values[sex_i] = Val::Str(PlSmallStr::from_static(id.sex)),
            Val::Str(s) if s.as_str() != id.sex => contradiction = true,
            _ => {}
        }
        match values[birth_i] {
            Val::Null if !birth_failed => values[birth_i] = Val::Date(id.birth_date),
            Val::Date(d) if d != id.birth_date => contradiction = true,
            _ => {}
        }
    }
    if values[sex_i] == Val::Null && !sex_failed {
        issues.push(
            RowIssue::new(Code::Required, Some("sex")).with_text(crate::msg!(DetailNoIdToDerive)),
        );
    }
    if values[birth_i] == Val::Null && !birth_failed {
        issues.push(
            RowIssue::new(Code::Required, Some("birth_date"))
                .with_text(crate::msg!(DetailNoIdToDerive)),
        );
    }
    let found = values[col_of(t, "first_found_date")].as_date();
    let birth = values[birth_i].as_date();
    if let (Some(b), Some(f)) = (birth, found) {
        if b >= f {
            issues.push(
                RowIssue::new(Code::DateOrder, Some("birth_date"))
                    .with_text(crate::msg!(DetailBirthBeforeFound)),
            );
        }
        let age = age_years(b, f);
        if !(10..=100).contains(&age) {
            issues.push(RowIssue::new(Code::AgeRange, Some("birth_date")));
        }
    }
    if let Some(f) = found {
        for col in ["death_date", "departure_date"] {
            if let Some(d) = values[col_of(t, col)].as_date()
                && d < f
            {
                issues.push(
                    RowIssue::new(Code::DateOrder, Some(col))
                        .with_text(crate::msg!(DetailNotBeforeFound)),
                );
            }
        }
    }
    contradiction
}

fn measure_checks(values: &[Val], issues: &mut Vec<RowIssue>) {
    let t = Table::Measures;
    let decision = values[col_of(t, "decision_date")].as_date();
    for col in ["report_date", "end_date"] {
        if let (Some(dec), Some(d)) = (decision, values[col_of(t, col)].as_date())
            && d < dec
        {
            issues.push(
                RowIssue::new(Code::DateOrder, Some(col))
                    .with_text(crate::msg!(DetailNotBeforeDecision)),
            );
        }
    }
    let end_failed = issues.iter().any(|i| i.column == Some("end_date"));
    let reason_failed = issues.iter().any(|i| i.column == Some("end_reason"));
    let has_end = values[col_of(t, "end_date")] != Val::Null || end_failed;
    let has_reason = values[col_of(t, "end_reason")] != Val::Null || reason_failed;
    if has_end != has_reason {
        issues.push(RowIssue::new(Code::EndReason, Some("end_reason")));
    }
}

/// The text of a cell, trimmed; `Ok(None)` when empty; `Err(cell)` for non-text cells.
fn cell_text<'c>(cell: &'c Cell<'_>) -> Result<Option<Cow<'c, str>>, Cell<'c>> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(t) => {
            let t = values::trim(t);
            if t.is_empty() {
                Ok(None)
            } else {
                Ok(Some(Cow::Borrowed(t)))
            }
        }
        Cell::Number(n) => Err(Cell::Number(*n)),
        Cell::DateSerial(n) => Err(Cell::DateSerial(*n)),
        Cell::Undecodable => Err(Cell::Undecodable),
    }
}

/// An integral spreadsheet number as digits (`640324.0` → `640324`).
fn integral(n: f64) -> Option<String> {
    (n.is_finite() && n.fract() == 0.0 && n.abs() < 9.0e15).then(|| format!("{}", n as i64))
}

fn parse_cell(c: &'static ColumnDef, cell: &Cell<'_>) -> Result<Val, RowIssue> {
    let issue = |code| RowIssue::new(code, Some(c.name));
    let text: Option<Cow<'_, str>> = match cell_text(cell) {
        Ok(t) => t,
        Err(Cell::Undecodable) => return Err(issue(Code::Decode)),
        Err(Cell::DateSerial(n)) => {
            return match c.ty {
                ColType::Date => values::excel_serial_date(n).map(Val::Date).map_err(issue),
                _ => Err(issue(match c.ty {
                    ColType::Region => Code::RegionFormat,
                    ColType::Enum(_) => Code::EnumValue,
                    ColType::Integer { .. } => Code::IntegerFormat,
                    _ => Code::DateFormat,
                })),
            };
        }
        Err(Cell::Number(n)) => {
            if c.ty == ColType::Date {
                return values::excel_serial_date(n).map(Val::Date).map_err(issue);
            }
            if let ColType::Integer { .. } = c.ty
                && integral(n).is_none()
            {
                // An XLSX numeric cell must hold a whole number (DATA.md "Integers").
                return Err(issue(Code::IntegerFormat));
            }
            match integral(n) {
                Some(s) => Some(Cow::Owned(s)),
                None => Some(Cow::Owned(format!("{n}"))),
            }
        }
        Err(_) => unreachable!("cell_text returns only non-text cells as errors"),
    };
    let Some(text) = text else {
        return if c.req == Req::Yes {
            Err(issue(Code::Required))
        } else {
            Ok(Val::Null)
        };
    };
    match c.ty {
        ColType::Id => Ok(Val::Str(PlSmallStr::from_str(&fold_width(&text)))),
        ColType::Text => Ok(Val::Str(PlSmallStr::from_str(&text))),
        ColType::Date => values::parse_date(&text).map(Val::Date).map_err(issue),
        ColType::Region => values::region_code(&text, PlSmallStr::from_str)
            .map(Val::Str)
            .map_err(issue),
        ColType::Enum(def) => def
            .parse(&text)
            .map(|v| Val::Str(PlSmallStr::from_static(v)))
            .ok_or_else(|| {
                issue(Code::EnumValue)
                    .with_text(crate::msg!(DetailAllowedValues, values = def.allowed()))
            }),
        ColType::Integer { min, max } => match values::parse_integer(&text) {
            Ok(n) if (min..=max).contains(&n) => Ok(Val::Int(n)),
            Ok(_) => Err(issue(Code::IntegerRange).with_text(crate::msg!(
                DetailAllowedRange,
                range = range_text(min, max)
            ))),
            Err(code) => Err(issue(code)),
        },
        ColType::IdNumber | ColType::Name => unreachable!("handled by parse_row"),
    }
}

/// The allowed range of an integer column, for messages: `1949–2100`, `≥ 1`.
fn range_text(min: i64, max: i64) -> String {
    if max == i64::MAX {
        format!("≥ {min}")
    } else {
        format!("{min}–{max}")
    }
}

/// A fast, fixed 64-bit hash (XXH3, unseeded): fingerprints of names for duplicate
/// detection; never stored.
pub fn hash64(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// A 128-bit fingerprint of a string (XXH3-128, unseeded), for id sets of tens of
/// millions of rows; never stored.
pub fn hash128(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Hasher of maps keyed by a [`hash128`] fingerprint: the key is already a hash, so
/// the map takes its bits as they are instead of hashing it again.
#[derive(Default, Clone, Copy)]
pub struct FingerprintHasher(u64);

impl std::hash::Hasher for FingerprintHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Not used by u128 keys; a plain fold keeps it correct for anything else.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = (n as u64) ^ ((n >> 64) as u64);
    }
}

/// A map keyed by [`hash128`] fingerprints.
pub type FingerprintMap<V> =
    std::collections::HashMap<u128, V, std::hash::BuildHasherDefault<FingerprintHasher>>;

/// Fingerprint of a parsed row's content (all known columns), for duplicate detection.
pub fn content_hash(row: &ParsedRow) -> u128 {
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with_borrow_mut(|buf| {
        buf.clear();
        content_bytes(row, buf);
        hash128(buf)
    })
}

/// What [`content_hash`] hashes: every value with its kind, then the name's hash.
fn content_bytes(row: &ParsedRow, buf: &mut Vec<u8>) {
    for v in &row.values {
        match v {
            Val::Null => buf.push(0),
            Val::Str(s) => {
                buf.push(1);
                buf.extend_from_slice(s.as_bytes());
                buf.push(0xFF);
            }
            Val::Date(d) => {
                buf.push(2);
                buf.extend_from_slice(&d.to_le_bytes());
            }
            Val::Int(n) => {
                buf.push(3);
                buf.extend_from_slice(&n.to_le_bytes());
            }
        }
    }
    buf.extend_from_slice(&row.name_hash.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        Key::from_bytes([7; 32], false)
    }

    fn map(table: Table, headers: &[&str]) -> HeaderMap {
        map_header(
            table,
            &headers.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        )
        .unwrap()
    }

    fn texts<'a>(v: &[&'a str]) -> Vec<Cell<'a>> {
        v.iter().map(|s| Cell::Text(Cow::Borrowed(*s))).collect()
    }

    const PERSON_HEADERS: [&str; 9] = [
        "人员编号",
        "身份证号",
        "姓名",
        "户籍地",
        "居住地",
        "初次发现日期",
        "初次发现地",
        "主要滥用毒品",
        "备注",
    ];

    #[test]
    fn headers_match_aliases_loosely_and_list_unknowns() {
        let m = map(Table::Persons, &PERSON_HEADERS);
        assert_eq!(m.index[0], Some(0));
        assert_eq!(m.unknown, vec!["备注".to_string()]);
        let m = map(
            Table::Tests,
            &[" TEST_ID ", "人员编号", "检测日期", "检测方式", "检测结果"],
        );
        assert_eq!(m.index[0], Some(0));
    }

    #[test]
    fn missing_and_ambiguous_headers() {
        let h: Vec<String> = ["人员编号", "户籍地"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        match map_header(Table::Persons, &h) {
            Err(HeaderError::Missing(c)) => assert_eq!(c.name, "residence_region"),
            other => panic!("{other:?}"),
        }
        let h: Vec<String> = ["test_id", "检测编号"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(matches!(
            map_header(Table::Tests, &h),
            Err(HeaderError::Ambiguous {
                first: 1,
                second: 2,
                ..
            })
        ));
    }

    #[test]
    fn sex_and_birth_come_from_the_id() {
        let m = map(Table::Persons, &PERSON_HEADERS);
        let row = parse_row(
            &m,
            &texts(&[
                "P1",
                "11010519491231002X",
                "虚构",
                "640324",
                "640324100",
                "2000-01-01",
                "640324",
                "海洛因",
                "x",
            ]),
            &key(),
        )
        .unwrap();
        assert_eq!(row.values[3], Val::Str("female".into()));
        assert!(matches!(row.values[4], Val::Date(_)));
        let pseudo = row.values[1].as_str().unwrap();
        assert_eq!(pseudo.len(), 64);
        assert!(!pseudo.contains("110105"));
    }

    #[test]
    fn every_failing_check_is_listed() {
        let m = map(Table::Persons, &PERSON_HEADERS);
        let Err((issues, _)) = parse_row(
            &m,
            &texts(&[
                "P1",
                "6.40324E+17",
                "",
                "64",
                "640324100",
                "05/03/2021",
                "640324",
                "咖啡",
                "",
            ]),
            &key(),
        ) else {
            panic!("should fail")
        };
        let codes: Vec<_> = issues.iter().map(|i| i.code).collect();
        for c in [
            Code::IdMangled,
            Code::RegionFormat,
            Code::DateNotYearFirst,
            Code::EnumValue,
            Code::Required,
        ] {
            assert!(codes.contains(&c), "{c} missing from {codes:?}");
        }
    }

    #[test]
    fn measure_date_order_and_end_reason() {
        let m = map(
            Table::Measures,
            &[
                "措施编号",
                "人员编号",
                "措施类型",
                "决定日期",
                "报到日期",
                "结束日期",
                "结束原因",
                "执行地",
            ],
        );
        let ok = parse_row(
            &m,
            &texts(&[
                "M1",
                "P1",
                "社区戒毒",
                "2020-01-01",
                "2020-01-05",
                "2023-01-01",
                "期满解除",
                "640324",
            ]),
            &key(),
        );
        assert!(ok.is_ok());
        let Err((issues, _)) = parse_row(
            &m,
            &texts(&[
                "M1",
                "P1",
                "社区戒毒",
                "2020-01-01",
                "2019-12-31",
                "2023-01-01",
                "",
                "640324",
            ]),
            &key(),
        ) else {
            panic!()
        };
        let codes: Vec<_> = issues.iter().map(|i| i.code).collect();
        assert_eq!(codes, vec![Code::DateOrder, Code::EndReason]);
    }

    #[test]
    fn spreadsheet_cells() {
        let m = map(
            Table::Detections,
            &["查获编号", "人员编号", "查获日期", "查获地"],
        );
        let cells = vec![
            Cell::Number(1001.0),
            Cell::Text("P1".into()),
            Cell::DateSerial(44260.0),
            Cell::Number(640324.0),
        ];
        let row = parse_row(&m, &cells, &key()).unwrap();
        assert_eq!(row.values[0], Val::Str("1001".into()));
        assert_eq!(row.values[3], Val::Str("640324".into()));
        let cells = vec![
            Cell::Text("D1".into()),
            Cell::Text("P1".into()),
            Cell::Number(60.0),
            Cell::Text("640324".into()),
        ];
        let Err((issues, _)) = parse_row(&m, &cells, &key()) else {
            panic!()
        };
        assert_eq!(issues[0].code, Code::ExcelSerial60);
    }
}
