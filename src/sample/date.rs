//! Calendar dates as day numbers (days since 1970-01-01), with the civil-calendar
//! conversions of Howard Hinnant's `days_from_civil` / `civil_from_days`, and the
//! allocation-free formatting the CSV writer needs.

/// Days since 1970-01-01 (proleptic Gregorian).
pub type Day = i32;

pub const fn from_ymd(y: i32, m: u32, d: u32) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

pub const fn ymd(day: Day) -> (i32, u32, u32) {
    let z = day + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub const fn year(day: Day) -> i32 {
    ymd(day).0
}

pub const fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub const fn month_len(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Calendar month addition, the day clamped to the target month's length.
pub fn add_months(day: Day, months: i32) -> Day {
    let (y, m, d) = ymd(day);
    let idx = y * 12 + (m as i32 - 1) + months;
    let (ny, nm) = (idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1);
    from_ymd(ny, nm, d.min(month_len(ny, nm)))
}

pub fn add_years(day: Day, years: i32) -> Day {
    add_months(day, years * 12)
}

/// Whole years from `birth` to `at`, rising on the birthday (29 February rises on
/// 1 March in common years), as METRICS.md defines age.
pub fn age(birth: Day, at: Day) -> i32 {
    let (by, bm, bd) = ymd(birth);
    let (y, m, d) = ymd(at);
    let mut a = y - by;
    if (m, d) < (bm, bd) {
        a -= 1;
    }
    a
}

/// First day of `y`.
pub const fn jan1(y: i32) -> Day {
    from_ymd(y, 1, 1)
}

/// Last day of `y`.
pub const fn dec31(y: i32) -> Day {
    from_ymd(y, 12, 31)
}

fn push2(out: &mut Vec<u8>, v: u32) {
    out.push(b'0' + (v / 10) as u8);
    out.push(b'0' + (v % 10) as u8);
}

fn push4(out: &mut Vec<u8>, v: i32) {
    let v = v as u32;
    push2(out, v / 100);
    push2(out, v % 100);
}

/// `2021-03-05`
pub fn push_iso(out: &mut Vec<u8>, day: Day) {
    let (y, m, d) = ymd(day);
    push4(out, y);
    out.push(b'-');
    push2(out, m);
    out.push(b'-');
    push2(out, d);
}

/// `20210305`
pub fn push_compact(out: &mut Vec<u8>, day: Day) {
    let (y, m, d) = ymd(day);
    push4(out, y);
    push2(out, m);
    push2(out, d);
}

/// `2021{sep}3{sep}5` without zero padding (`/`, `.` or `-`).
pub fn push_unpadded(out: &mut Vec<u8>, day: Day, sep: u8) {
    let (y, m, d) = ymd(day);
    push4(out, y);
    out.push(sep);
    push_uint(out, m as u64);
    out.push(sep);
    push_uint(out, d as u64);
}

/// `2021年3月5日`
pub fn push_chinese(out: &mut Vec<u8>, day: Day) {
    let (y, m, d) = ymd(day);
    push4(out, y);
    out.extend_from_slice("年".as_bytes());
    push_uint(out, m as u64);
    out.extend_from_slice("月".as_bytes());
    push_uint(out, d as u64);
    out.extend_from_slice("日".as_bytes());
}

/// `05/03/2021` (day first: the importer must quarantine it).
pub fn push_day_first(out: &mut Vec<u8>, day: Day) {
    let (y, m, d) = ymd(day);
    push2(out, d);
    out.push(b'/');
    push2(out, m);
    out.push(b'/');
    push4(out, y);
}

/// Decimal digits of `v`, no padding.
pub fn push_uint(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// Decimal digits of `v`, zero-padded to at least `width`.
pub fn push_padded(out: &mut Vec<u8>, v: u64, width: usize) {
    let mut buf = [b'0'; 24];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    out.extend_from_slice(&buf[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        assert_eq!(from_ymd(1970, 1, 1), 0);
        assert_eq!(from_ymd(2000, 3, 1), 11_017);
        for d in from_ymd(1899, 1, 1)..from_ymd(2101, 1, 1) {
            let (y, m, dd) = ymd(d);
            assert_eq!(from_ymd(y, m, dd), d);
        }
    }

    #[test]
    fn month_and_year_arithmetic() {
        assert_eq!(add_months(from_ymd(2021, 1, 31), 1), from_ymd(2021, 2, 28));
        assert_eq!(add_years(from_ymd(2020, 2, 29), 3), from_ymd(2023, 2, 28));
        assert_eq!(
            add_years(from_ymd(2025, 12, 31), -3),
            from_ymd(2022, 12, 31)
        );
        assert_eq!(age(from_ymd(2000, 2, 29), from_ymd(2001, 2, 28)), 0);
        assert_eq!(age(from_ymd(2000, 2, 29), from_ymd(2001, 3, 1)), 1);
    }

    #[test]
    fn formats() {
        let d = from_ymd(2021, 3, 5);
        let mut v = Vec::new();
        push_iso(&mut v, d);
        v.push(b' ');
        push_unpadded(&mut v, d, b'/');
        v.push(b' ');
        push_chinese(&mut v, d);
        v.push(b' ');
        push_compact(&mut v, d);
        v.push(b' ');
        push_day_first(&mut v, d);
        v.push(b' ');
        push_padded(&mut v, 123, 7);
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "2021-03-05 2021/3/5 2021年3月5日 20210305 05/03/2021 0000123"
        );
    }
}
