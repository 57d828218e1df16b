//! Parsing of single cell values: dates, region codes and ID numbers (身份证号).
//!
//! Every function here is pure and returns a typed value or an [`Issue`] code; none of
//! them ever puts the raw value into a message, because a misaligned column can carry
//! an ID number or a name into any field.

use chrono::NaiveDate;

use super::issue::Code;
use crate::dates::{Days, from_ymd, to_days};
use crate::schema::fold_width;

/// [`str::trim`], returning at once when both ends are ASCII other than white space
/// (most cells).
pub(super) fn trim(s: &str) -> &str {
    let solid = |b: u8| b < 0x80 && !matches!(b, 0x09..=0x0D | b' ');
    match s.as_bytes() {
        [first, .., last] if solid(*first) && solid(*last) => s,
        [only] if solid(*only) => s,
        // Neither end white space (e.g. Chinese text): nothing to cut either.
        [_, ..]
            if s.chars().next().is_some_and(|c| !c.is_whitespace())
                && s.chars().next_back().is_some_and(|c| !c.is_whitespace()) =>
        {
            s
        }
        _ => s.trim(),
    }
}

/// Parses a text date. Accepted (DATA.md "Dates"): year first, with or without zero
/// padding, separated by `-`, `/` or `.`, or written `2021年3月5日`, or 8 digits
/// `20210305`; an ISO date-time with `T` or a space before the time and any time-zone
/// suffix (the date is taken as written). Full-width digits are folded first. A value
/// that does not start with a 4-digit year is [`Code::DateNotYearFirst`], a non-existent
/// day is [`Code::DateInvalid`].
pub fn parse_date(raw: &str) -> Result<Days, Code> {
    // Most cells: exactly `YYYY-MM-DD` in ASCII digits, which the general path below
    // reads the same way (no folding, trimming, time part or other separator applies).
    if let &[y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = raw.as_bytes()
        && [y1, y2, y3, y4, m1, m2, d1, d2]
            .iter()
            .all(u8::is_ascii_digit)
    {
        let n = |a: u8, b: u8| u32::from(a - b'0') * 10 + u32::from(b - b'0');
        let y = n(y1, y2) * 100 + n(y3, y4);
        return NaiveDate::from_ymd_opt(y as i32, n(m1, m2), n(d1, d2))
            .map(to_days)
            .ok_or(Code::DateInvalid);
    }
    parse_date_general(raw)
}

/// [`parse_date`] without its fast path.
fn parse_date_general(raw: &str) -> Result<Days, Code> {
    let folded = fold_width(raw);
    let s = trim(&folded);
    // Cut a time part: "2021-03-05T10:00:00+08:00" or "2021-03-05 10:00".
    let date_part = match s.find(['T', ' ']) {
        Some(i) if i >= 8 => &s[..i],
        _ => s,
    };
    let bytes = date_part.as_bytes();
    if bytes.len() < 4 || !bytes[..4].iter().all(u8::is_ascii_digit) {
        return Err(Code::DateNotYearFirst);
    }
    let (y, m, d) = if bytes.len() == 8 && bytes.iter().all(u8::is_ascii_digit) {
        (&date_part[0..4], &date_part[4..6], &date_part[6..8])
    } else if let Some(rest) = date_part.strip_suffix('日') {
        // 2021年3月5日
        let (y, rest) = rest.split_once('年').ok_or(Code::DateFormat)?;
        let (m, d) = rest.split_once('月').ok_or(Code::DateFormat)?;
        (y, m, d)
    } else {
        let sep = date_part[4..].chars().next().ok_or(Code::DateFormat)?;
        if !matches!(sep, '-' | '/' | '.') {
            return Err(Code::DateFormat);
        }
        let mut it = date_part.split(sep);
        let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
            return Err(Code::DateFormat);
        };
        (y, m, d)
    };
    let num = |p: &str, max_len: usize| -> Result<u32, Code> {
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Code::DateFormat);
        }
        p.parse().map_err(|_| Code::DateFormat)
    };
    if y.len() != 4 {
        return Err(Code::DateNotYearFirst);
    }
    let (y, m, d) = (num(y, 4)?, num(m, 2)?, num(d, 2)?);
    NaiveDate::from_ymd_opt(y as i32, m, d)
        .map(to_days)
        .ok_or(Code::DateInvalid)
}

/// Converts an Excel serial date (1900 date system) to a date. Serial 60 is the
/// non-existent 1900-02-29 of Lotus 1-2-3 compatibility and is an error; serials
/// below 60 are one day off in Excel's own rendering, and are taken as Excel shows them
/// (serial 1 = 1900-01-01). Fractions (times) are dropped.
/// Source: ECMA-376 Part 1, §18.17.4.1 (date systems).
pub fn excel_serial_date(serial: f64) -> Result<Days, Code> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return Err(Code::DateInvalid);
    }
    let whole = serial.floor() as i64;
    if whole == 60 {
        return Err(Code::ExcelSerial60);
    }
    // 1899-12-31 is serial 0 for serials < 60; 1899-12-30 is serial 0 above 60.
    let base = if whole < 60 {
        from_ymd(1899, 12, 31)
    } else {
        from_ymd(1899, 12, 30)
    };
    Ok(base + whole as i32)
}

/// A normalised region code: 6 or 9 digits (12-digit village codes are cut to 9).
pub fn parse_region(raw: &str) -> Result<String, Code> {
    region_code(raw, str::to_string)
}

/// [`parse_region`] handing the normalised code to `make` (no `String` in between).
pub(super) fn region_code<T>(raw: &str, make: impl FnOnce(&str) -> T) -> Result<T, Code> {
    let folded = fold_width(raw);
    let mut s = trim(&folded);
    // Spreadsheets turn codes into numbers: "640324.0".
    if let Some(stripped) = s.strip_suffix(".0") {
        s = stripped;
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Code::RegionFormat);
    }
    match s.len() {
        6 | 9 => Ok(make(s)),
        12 => Ok(make(&s[..9])),
        _ => Err(Code::RegionFormat),
    }
}

/// A whole number of the contract's `integer` type (DATA.md "Integers", v1.2): decimal
/// digits after full-width folding, optional `,` thousands separators (in groups of
/// three after the first group) and an optional trailing `人`. A sign, a decimal part or
/// anything else is an error, as is a number too large for an `i64`.
pub fn parse_integer(raw: &str) -> Result<i64, Code> {
    let folded = fold_width(raw);
    let mut s = trim(&folded);
    if let Some(x) = s.strip_suffix('人') {
        s = x.trim_end();
    }
    if s.is_empty() {
        return Err(Code::IntegerFormat);
    }
    let groups: Vec<&str> = s.split(',').collect();
    let digits_only = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let well_grouped =
        groups.len() == 1 || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !groups.iter().all(|g| digits_only(g)) || !well_grouped {
        return Err(Code::IntegerFormat);
    }
    groups
        .concat()
        .parse::<i64>()
        .map_err(|_| Code::IntegerRange)
}

/// What an ID number (GB 11643-1999) tells once validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber {
    /// The normalised 18 characters (upper-case `X`, half-width digits). Never leaves
    /// the import step: only its keyed pseudonym is kept.
    pub normalized: String,
    pub birth_date: Days,
    /// `male` when digit 17 is odd.
    pub sex: &'static str,
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: [u8; 11] = *b"10X98765432";

/// The GB 11643-1999 check character of the first 17 digits (ISO 7064 MOD 11-2:
/// Σ digit·weight mod 11, remainders 0..10 → `1 0 X 9 8 7 6 5 4 3 2`).
pub fn id_check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    ID_CHECK[(sum % 11) as usize]
}

/// Validates an ID number. Lower-case `x` and full-width digits are normalised. A value
/// in scientific notation, or one ending in `000` whose check fails, is reported as
/// mangled by a spreadsheet ([`Code::IdMangled`]).
pub fn parse_id_number(raw: &str) -> Result<IdNumber, Code> {
    let folded = fold_width(raw);
    let s = trim(&folded).to_ascii_uppercase();
    if looks_scientific(&s) {
        return Err(Code::IdMangled);
    }
    let b = s.as_bytes();
    let shape_ok = b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X');
    if !shape_ok {
        return Err(Code::IdFormat);
    }
    if id_check_char(&b[..17]) != b[17] {
        return Err(if s.ends_with("000") {
            Code::IdMangled
        } else {
            Code::IdCheck
        });
    }
    let y: i32 = s[6..10].parse().map_err(|_| Code::IdBirthDate)?;
    let m: u32 = s[10..12].parse().map_err(|_| Code::IdBirthDate)?;
    let d: u32 = s[12..14].parse().map_err(|_| Code::IdBirthDate)?;
    let birth = NaiveDate::from_ymd_opt(y, m, d).ok_or(Code::IdBirthDate)?;
    let sex = if (b[16] - b'0') % 2 == 1 {
        "male"
    } else {
        "female"
    };
    Ok(IdNumber {
        normalized: s,
        birth_date: to_days(birth),
        sex,
    })
}

/// `6.40324E+17`, `6.40324e17`: what Excel shows for an 18-digit number.
fn looks_scientific(s: &str) -> bool {
    let Some((mantissa, exp)) = s.split_once('E') else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    !mantissa.is_empty()
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !exp.is_empty()
        && exp.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_take_separators_full_width_digits_and_a_trailing_ren() {
        assert_eq!(parse_integer("1234"), Ok(1234));
        assert_eq!(parse_integer(" 1,234 "), Ok(1234));
        assert_eq!(parse_integer("1,234,567"), Ok(1_234_567));
        assert_eq!(parse_integer("１２３４"), Ok(1234));
        assert_eq!(parse_integer("１，２３４人"), Ok(1234));
        assert_eq!(parse_integer("1234人"), Ok(1234));
        assert_eq!(parse_integer("0"), Ok(0));
        for bad in [
            "-5", "+5", "12.0", "1.5", "1,23", "12,3456", ",123", "1,,234", "人", "", "十二",
            "1e3", "1 234",
        ] {
            assert_eq!(parse_integer(bad), Err(Code::IntegerFormat), "{bad:?}");
        }
        assert_eq!(
            parse_integer("99999999999999999999"),
            Err(Code::IntegerRange)
        );
    }

    fn d(y: i32, m: u32, day: u32) -> Days {
        from_ymd(y, m, day)
    }

    #[test]
    fn all_year_first_forms_parse() {
        let want = d(2021, 3, 5);
        for s in [
            "2021-03-05",
            "2021-3-5",
            "2021/3/5",
            "2021.3.5",
            "20210305",
            "2021年3月5日",
            "2021-03-05T10:11:12",
            "2021-03-05 10:11",
            "2021-03-05T10:11:12+08:00",
            "2021-03-05T00:00:00Z",
            " ２０２１－０３－０５ ",
            "２０２１年３月５日",
        ] {
            assert_eq!(parse_date(s), Ok(want), "{s}");
        }
    }

    #[test]
    fn day_first_dates_are_errors_not_guesses() {
        assert_eq!(parse_date("05/03/2021"), Err(Code::DateNotYearFirst));
        assert_eq!(parse_date("25/03/2021"), Err(Code::DateNotYearFirst));
        assert_eq!(parse_date("3/5/21"), Err(Code::DateNotYearFirst));
        assert_eq!(parse_date(""), Err(Code::DateNotYearFirst));
    }

    #[test]
    fn impossible_dates_are_invalid() {
        assert_eq!(parse_date("2021-02-29"), Err(Code::DateInvalid));
        // The fast path for `YYYY-MM-DD` reads every such value as the general path.
        for y in ["0000", "1900", "1999", "2000", "2024", "9999"] {
            for m in 0..=13 {
                for d in 0..=32 {
                    let s = format!("{y}-{m:02}-{d:02}");
                    assert_eq!(parse_date(&s), parse_date_general(&s), "{s}");
                }
            }
        }
        assert_eq!(parse_date("2021-13-01"), Err(Code::DateInvalid));
        assert_eq!(parse_date("2020-02-29"), Ok(d(2020, 2, 29)));
        assert_eq!(parse_date("2021-03"), Err(Code::DateFormat));
        assert_eq!(parse_date("2021-03-05-01"), Err(Code::DateFormat));
        assert_eq!(parse_date("2021_03_05"), Err(Code::DateFormat));
    }

    #[test]
    fn excel_serials() {
        assert_eq!(excel_serial_date(1.0), Ok(d(1900, 1, 1)));
        assert_eq!(excel_serial_date(59.0), Ok(d(1900, 2, 28)));
        assert_eq!(excel_serial_date(60.0), Err(Code::ExcelSerial60));
        assert_eq!(excel_serial_date(61.0), Ok(d(1900, 3, 1)));
        assert_eq!(excel_serial_date(44260.0), Ok(d(2021, 3, 5)));
        assert_eq!(excel_serial_date(44260.75), Ok(d(2021, 3, 5)));
        assert_eq!(excel_serial_date(0.0), Err(Code::DateInvalid));
    }

    #[test]
    fn region_codes() {
        assert_eq!(parse_region("640324").unwrap(), "640324");
        assert_eq!(parse_region(" 640324100 ").unwrap(), "640324100");
        assert_eq!(parse_region("640324100201").unwrap(), "640324100");
        assert_eq!(parse_region("６４０３２４").unwrap(), "640324");
        assert_eq!(parse_region("640324.0").unwrap(), "640324");
        assert_eq!(parse_region("64032"), Err(Code::RegionFormat));
        assert_eq!(parse_region("6403241"), Err(Code::RegionFormat));
        assert_eq!(parse_region("同心县"), Err(Code::RegionFormat));
    }

    /// 11010519491231002X is the GB 11643-1999 standard's own worked example.
    #[test]
    fn id_numbers() {
        let id = parse_id_number("11010519491231002x").unwrap();
        assert_eq!(id.normalized, "11010519491231002X");
        assert_eq!(id.birth_date, d(1949, 12, 31));
        assert_eq!(id.sex, "female");
        assert_eq!(id_check_char(b"11010519491231002"), b'X');
        assert_eq!(id_check_char(b"44052418800101001"), b'4');
        assert_eq!(parse_id_number("440524188001010014").unwrap().sex, "male");
        assert_eq!(
            parse_id_number("１１０１０５１９４９１２３１００２Ｘ")
                .unwrap()
                .normalized,
            "11010519491231002X"
        );
        assert_eq!(parse_id_number("110105194912310021"), Err(Code::IdCheck));
        assert_eq!(parse_id_number("6.40324E+17"), Err(Code::IdMangled));
        assert_eq!(parse_id_number("6.40324e17"), Err(Code::IdMangled));
        assert_eq!(parse_id_number("640324198001011000"), Err(Code::IdMangled));
        assert_eq!(parse_id_number("64032419800101"), Err(Code::IdFormat));
        // Right check character, impossible birth date (1980-02-30).
        let mut body = b"64032419800230123".to_vec();
        let c = id_check_char(&body);
        body.push(c);
        let s = String::from_utf8(body).unwrap();
        assert_eq!(parse_id_number(&s), Err(Code::IdBirthDate));
    }
}
