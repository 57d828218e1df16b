//! Calendar dates as day numbers: the one home of date arithmetic in jindu. A date is a
//! [`Days`] value, the number of days since 1970-01-01 in the proleptic Gregorian
//! calendar (the physical representation of a Parquet/Arrow `Date`), and every
//! conversion, calendar step and component read here goes through `chrono`'s
//! [`NaiveDate`]: month and year arithmetic clamp the day to the target month
//! (METRICS.md "Time": `D − 3 years` is calendar subtraction, 29 February becomes 28
//! February), ages rise on the birthday (METRICS.md "Age"), and the ISO spelling is
//! written without allocation so that the sample writer can use it on every row.
//! Parsing of messy inputs stays with the importer (`input::values`), which builds on
//! this module.

use chrono::{Datelike, Months, NaiveDate};

/// Days since 1970-01-01 (proleptic Gregorian); negative before 1970.
pub type Days = i32;

/// The day number of a date.
pub const fn to_days(d: NaiveDate) -> Days {
    d.to_epoch_days()
}

/// The date of a day number. Panics outside chrono's range (about ±262,000 years),
/// which no parsed or generated date reaches.
pub const fn from_days(days: Days) -> NaiveDate {
    match NaiveDate::from_epoch_days(days) {
        Some(d) => d,
        None => panic!("day number out of chrono's range"),
    }
}

/// The day number of `y-m-d`; usable in constants. Panics if the date does not exist.
pub const fn from_ymd(y: i32, m: u32, d: u32) -> Days {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => date.to_epoch_days(),
        None => panic!("no such date"),
    }
}

/// `(year, month, day)` of a day number, month and day 1-based.
pub fn ymd(day: Days) -> (i32, u32, u32) {
    let d = from_days(day);
    (d.year(), d.month(), d.day())
}

/// The calendar year of a day number.
pub fn year(day: Days) -> i32 {
    from_days(day).year()
}

/// Whether `y` is a Gregorian leap year.
pub const fn is_leap(y: i32) -> bool {
    match NaiveDate::from_yo_opt(y, 1) {
        Some(d) => d.leap_year(),
        None => panic!("year out of chrono's range"),
    }
}

/// 1 January of `y`.
pub const fn jan1(y: i32) -> Days {
    from_ymd(y, 1, 1)
}

/// 31 December of `y`.
pub const fn dec31(y: i32) -> Days {
    from_ymd(y, 12, 31)
}

/// The four calendar quarters of `y` as `(first day, last day)`, both inclusive.
pub fn quarters(y: i32) -> [(Days, Days); 4] {
    [1, 4, 7, 10].map(|m| {
        let start = NaiveDate::from_ymd_opt(y, m, 1).expect("quarter start");
        let next = start
            .checked_add_months(Months::new(3))
            .expect("quarter end in range");
        (to_days(start), to_days(next) - 1)
    })
}

/// Calendar month addition (`months` may be negative), the day clamped to the length
/// of the target month: 2021-01-31 + 1 month = 2021-02-28.
pub fn add_months(day: Days, months: i32) -> Days {
    let d = from_days(day);
    let step = Months::new(months.unsigned_abs());
    let moved = if months >= 0 {
        d.checked_add_months(step)
    } else {
        d.checked_sub_months(step)
    };
    to_days(moved.expect("date in range"))
}

/// Calendar year addition (`years` may be negative), 29 February clamped to 28
/// February in common years: 2025-12-31 − 3 years = 2022-12-31, 2024-02-29 − 1 year =
/// 2023-02-28 (METRICS.md "Time", `D − 3 years`).
pub fn add_years(day: Days, years: i32) -> Days {
    add_months(day, years * 12)
}

/// Age in whole years at `at` of a person born on `birth`, rising on the birthday; a
/// 29 February birthday rises on 1 March in common years because (2, 29) > (2, 28) in
/// the (month, day) comparison (METRICS.md "Age"). Negative when `at` is before
/// `birth`.
pub fn age_years(birth: Days, at: Days) -> i32 {
    let (b, a) = (from_days(birth), from_days(at));
    let before_birthday = (a.month(), a.day()) < (b.month(), b.day());
    a.year() - b.year() - i32::from(before_birthday)
}

/// Appends the ISO 8601 spelling `2021-03-05` without allocating for years 0–9999
/// (outside them chrono's `%Y-%m-%d`, which signs and widens the year).
pub fn push_iso(out: &mut Vec<u8>, day: Days) {
    let d = from_days(day);
    let (y, m, dd) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        out.extend_from_slice(d.format("%Y-%m-%d").to_string().as_bytes());
        return;
    }
    let y = y as u32;
    let digit = |v: u32| b'0' + (v % 10) as u8;
    out.extend_from_slice(&[
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(dd / 10),
        digit(dd),
    ]);
}

/// The ISO 8601 spelling of a day number (`2025-12-31`).
pub fn iso(day: Days) -> String {
    let mut out = Vec::with_capacity(10);
    push_iso(&mut out, day);
    String::from_utf8(out).expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(from_ymd(1970, 1, 1), 0);
        assert_eq!(from_ymd(2000, 3, 1), 11_017);
        assert_eq!(from_ymd(2025, 12, 31), 20_453);
        for d in from_ymd(1899, 1, 1)..from_ymd(2101, 1, 1) {
            let (y, m, dd) = ymd(d);
            assert_eq!(from_ymd(y, m, dd), d);
            assert_eq!(to_days(from_days(d)), d);
            assert_eq!(year(d), y);
        }
    }

    #[test]
    fn negative_days_are_before_1970() {
        assert_eq!(from_ymd(1969, 12, 31), -1);
        assert_eq!(ymd(-1), (1969, 12, 31));
        assert_eq!(ymd(-365), (1969, 1, 1));
        // 1949-12-31, the birth date of the GB 11643-1999 example ID number.
        assert_eq!(from_ymd(1949, 12, 31), -7306);
        assert_eq!(from_days(-7306), date(1949, 12, 31));
        assert_eq!(iso(-7306), "1949-12-31");
        assert_eq!(iso(from_ymd(1900, 2, 28)), "1900-02-28");
    }

    #[test]
    fn iso_round_trips_through_chrono() {
        for d in (from_ymd(1899, 1, 1)..from_ymd(2101, 1, 1)).step_by(37) {
            let s = iso(d);
            let parsed = NaiveDate::parse_from_str(&s, "%Y-%m-%d").unwrap();
            assert_eq!(to_days(parsed), d, "{s}");
            assert_eq!(s, from_days(d).format("%Y-%m-%d").to_string());
        }
        assert_eq!(iso(from_ymd(2021, 3, 5)), "2021-03-05");
        // Outside 0–9999 the spelling is chrono's.
        assert_eq!(iso(from_ymd(12_345, 6, 7)), "+12345-06-07");
        assert_eq!(iso(from_ymd(-1, 1, 1)), "-0001-01-01");
    }

    #[test]
    fn leap_years() {
        assert!(is_leap(2000) && is_leap(2024) && is_leap(1904));
        assert!(!is_leap(1900) && !is_leap(2100) && !is_leap(2025));
        assert_eq!(dec31(2024) - jan1(2024) + 1, 366);
        assert_eq!(dec31(2025) - jan1(2025) + 1, 365);
    }

    #[test]
    fn quarter_bounds() {
        let q = quarters(2024);
        let want = [
            ((2024, 1, 1), (2024, 3, 31)),
            ((2024, 4, 1), (2024, 6, 30)),
            ((2024, 7, 1), (2024, 9, 30)),
            ((2024, 10, 1), (2024, 12, 31)),
        ];
        for ((s, e), ((sy, sm, sd), (ey, em, ed))) in q.into_iter().zip(want) {
            assert_eq!(s, from_ymd(sy, sm, sd));
            assert_eq!(e, from_ymd(ey, em, ed));
        }
        // The quarters tile the year: 91 + 91 + 92 + 92 days in a leap year, 90 in
        // Q1 of a common year.
        assert_eq!(q.map(|(s, e)| e - s + 1), [91, 91, 92, 92]);
        assert_eq!(quarters(2025)[0].1 - quarters(2025)[0].0 + 1, 90);
        assert_eq!(q[0].0, jan1(2024));
        assert_eq!(q[3].1, dec31(2024));
    }

    #[test]
    fn calendar_month_and_year_steps() {
        assert_eq!(add_months(from_ymd(2021, 1, 31), 1), from_ymd(2021, 2, 28));
        assert_eq!(add_months(from_ymd(2021, 3, 31), -1), from_ymd(2021, 2, 28));
        assert_eq!(
            add_months(from_ymd(2021, 5, 15), -17),
            from_ymd(2019, 12, 15)
        );
        assert_eq!(
            add_years(from_ymd(2025, 12, 31), -3),
            from_ymd(2022, 12, 31)
        );
        // 29 February minus whole years: 28 February in common years.
        assert_eq!(add_years(from_ymd(2024, 2, 29), -3), from_ymd(2021, 2, 28));
        assert_eq!(add_years(from_ymd(2024, 2, 29), -1), from_ymd(2023, 2, 28));
        assert_eq!(add_years(from_ymd(2024, 2, 29), -4), from_ymd(2020, 2, 29));
        assert_eq!(add_years(from_ymd(2020, 2, 29), 3), from_ymd(2023, 2, 28));
        assert_eq!(add_years(from_ymd(1960, 3, 1), -3), from_ymd(1957, 3, 1));
    }

    #[test]
    fn ages_rise_on_the_birthday() {
        let age = |b: (i32, u32, u32), a: (i32, u32, u32)| {
            age_years(from_ymd(b.0, b.1, b.2), from_ymd(a.0, a.1, a.2))
        };
        assert_eq!(age((2000, 5, 10), (2018, 5, 9)), 17);
        assert_eq!(age((2000, 5, 10), (2018, 5, 10)), 18);
        // 29 February birthdays rise on 1 March in common years, on 29 February in
        // leap years.
        assert_eq!(age((2004, 2, 29), (2022, 2, 28)), 17);
        assert_eq!(age((2004, 2, 29), (2022, 3, 1)), 18);
        assert_eq!(age((2004, 2, 29), (2024, 2, 28)), 19);
        assert_eq!(age((2004, 2, 29), (2024, 2, 29)), 20);
        assert_eq!(age((2000, 2, 29), (2001, 2, 28)), 0);
        assert_eq!(age((2000, 2, 29), (2001, 3, 1)), 1);
        // Before 1970 and before birth.
        assert_eq!(age((1949, 12, 31), (1969, 12, 30)), 19);
        assert_eq!(age((1949, 12, 31), (1969, 12, 31)), 20);
        assert_eq!(age((2000, 5, 10), (1999, 5, 11)), -1);
        assert_eq!(age((2000, 5, 10), (2000, 5, 10)), 0);
    }
}
