//! The building blocks of METRICS.md ("Building blocks"), one pure function each, on
//! one [`Person`] and a reference date `d`.

use super::model::{Code, ISOLATION, Measure, Person};
use crate::dates::{Days, add_years};

/// `registered(p, D)`: `first_found_date ≤ D` (dead and departed persons stay
/// registered).
pub fn registered(p: &Person, d: Days) -> bool {
    p.first_found <= d
}

/// `gone(p, D)`: `death_date ≤ D` or `departure_date ≤ D`.
pub fn gone(p: &Person, d: Days) -> bool {
    p.death.is_some_and(|x| x <= d) || p.departure.is_some_and(|x| x <= d)
}

/// `in_force(m, D)`: decided by `D` and not ended by `D` (reported or not).
pub fn in_force(m: &Measure, d: Days) -> bool {
    m.decision <= d && m.end.is_none_or(|e| e > d)
}

/// `executing(m, D)`: in force and reported by `D`.
pub fn executing(m: &Measure, d: Days) -> bool {
    in_force(m, d) && m.report.is_some_and(|r| r <= d)
}

/// `last_use(p, D)`: the latest of `first_found_date` and every detection or positive
/// test dated `≤ D` (uses before `first_found_date` count too).
pub fn last_use(p: &Person, d: Days) -> Days {
    // `uses` is sorted: the last one not after `d`.
    let k = p.uses.partition_point(|&u| u <= d);
    match k {
        0 => p.first_found,
        _ => p.first_found.max(p.uses[k - 1]),
    }
}

/// `abstinent_3y(p, D)`: registered, not gone, last use on or before `D − 3 years`
/// (calendar subtraction), and no measure of any type in force at `D`.
pub fn abstinent_3y(p: &Person, d: Days) -> bool {
    abstinent_3y_with(p, d, add_years(d, -3))
}

/// [`abstinent_3y`] with `D − 3 years` computed once by the caller.
pub fn abstinent_3y_with(p: &Person, d: Days, d_minus_3y: Days) -> bool {
    registered(p, d)
        && !gone(p, d)
        && last_use(p, d) <= d_minus_3y
        && !p.measures.iter().any(|m| in_force(m, d))
}

/// `existing(p, D)`: registered, not gone, not abstinent for three years.
pub fn existing(p: &Person, d: Days) -> bool {
    registered(p, d) && !gone(p, d) && !abstinent_3y(p, d)
}

/// `mgmt(p, d)`: the `to_region` of the latest transfer dated `≤ d` (ties: the larger
/// `transfer_id`); if none, the `from_region` of the earliest transfer (ties: the
/// smaller `transfer_id`); without transfers, `residence_region`. Transfers are sorted
/// by (date, id as bytes).
pub fn mgmt(p: &Person, d: Days) -> Code {
    let k = p.transfers.partition_point(|t| t.date <= d);
    if k > 0 {
        p.transfers[k - 1].to
    } else if let Some(first) = p.transfers.first() {
        first.from
    } else {
        p.residence
    }
}

/// Whether the person is in compulsory isolation (admitted, not released) at `d`.
pub fn in_isolation(p: &Person, d: Days) -> bool {
    p.measures
        .iter()
        .any(|m| m.kind == ISOLATION && executing(m, d))
}

/// Whether a community measure (detox or rehab) is executing at `d`.
pub fn under_community_measure(p: &Person, d: Days) -> bool {
    !gone(p, d)
        && p.measures
            .iter()
            .any(|m| m.is_community() && executing(m, d))
}

/// Age groups of the national reports: `<18`, `18-35`, `36-59`, `60+`.
pub const AGE_GROUPS: [&str; 4] = ["<18", "18-35", "36-59", "60+"];

pub fn age_group(age: i32) -> usize {
    match age {
        a if a < 18 => 0,
        a if a <= 35 => 1,
        a if a <= 59 => 2,
        _ => 3,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::dates::to_days;
    use crate::metrics::model::{DETOX, REHAB, Transfer};
    use chrono::NaiveDate;

    pub fn d(s: &str) -> Days {
        to_days(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
    }

    pub fn person(found: &str) -> Person {
        Person {
            sex: 0,
            birth: d("1980-01-01"),
            hukou: 0,
            residence: 1,
            first_found: d(found),
            first_found_region: 1,
            drug: 0,
            death: None,
            departure: None,
            measures: vec![],
            uses: vec![],
            valid_tests: vec![],
            transfers: vec![],
            services: vec![],
        }
    }

    pub fn measure(id: &str, kind: u8, dec: &str, rep: Option<&str>, end: Option<&str>) -> Measure {
        Measure {
            id: id.into(),
            kind,
            decision: d(dec),
            report: rep.map(d),
            end: end.map(d),
            reason: end.map(|_| 0),
            region: 1,
        }
    }

    fn transfer(id: &str, date: &str, from: Code, to: Code) -> Transfer {
        Transfer {
            id: id.into(),
            date: d(date),
            from,
            to,
        }
    }

    #[test]
    fn last_use_exactly_three_years_before_is_abstinent() {
        // D = 2025-12-31, D − 3y = 2022-12-31. Last use on that day qualifies;
        // one day later does not.
        let mut p = person("2015-06-01");
        p.uses = vec![d("2022-12-31")];
        assert!(abstinent_3y(&p, d("2025-12-31")));
        p.uses = vec![d("2023-01-01")];
        assert!(!abstinent_3y(&p, d("2025-12-31")));
        assert!(existing(&p, d("2025-12-31")));
        // A use after D is not seen at D.
        p.uses = vec![d("2020-01-01"), d("2026-03-01")];
        assert_eq!(last_use(&p, d("2025-12-31")), d("2020-01-01"));
    }

    #[test]
    fn feb_29_minus_three_years_is_feb_28() {
        // D = 2024-02-29 → D − 3y = 2021-02-28.
        let mut p = person("2010-01-01");
        p.uses = vec![d("2021-02-28")];
        assert!(abstinent_3y(&p, d("2024-02-29")));
        p.uses = vec![d("2021-03-01")];
        assert!(!abstinent_3y(&p, d("2024-02-29")));
    }

    #[test]
    fn a_measure_ending_on_d_is_not_in_force() {
        // in_force needs end_date > D: a measure ending on D no longer blocks.
        let mut p = person("2015-01-01");
        p.measures = vec![measure(
            "M1",
            DETOX,
            "2019-01-01",
            Some("2019-01-05"),
            Some("2025-12-31"),
        )];
        assert!(!in_force(&p.measures[0], d("2025-12-31")));
        assert!(abstinent_3y(&p, d("2025-12-31")));
        // The day before, it is in force and blocks abstinence.
        assert!(in_force(&p.measures[0], d("2025-12-30")));
        assert!(!abstinent_3y(&p, d("2025-12-30")));
    }

    #[test]
    fn an_unreported_decision_blocks_abstinence_but_does_not_execute() {
        let mut p = person("2015-01-01");
        p.measures = vec![measure("M1", REHAB, "2025-06-01", None, None)];
        let dd = d("2025-12-31");
        assert!(in_force(&p.measures[0], dd));
        assert!(!executing(&p.measures[0], dd));
        assert!(!abstinent_3y(&p, dd));
        assert!(!under_community_measure(&p, dd));
    }

    #[test]
    fn dying_on_d_is_gone_at_d() {
        let mut p = person("2015-01-01");
        p.death = Some(d("2025-12-31"));
        assert!(gone(&p, d("2025-12-31")));
        assert!(!existing(&p, d("2025-12-31")));
        assert!(!abstinent_3y(&p, d("2025-12-31")));
        assert!(registered(&p, d("2025-12-31")));
        assert!(abstinent_3y(&p, d("2025-12-30")));
    }

    #[test]
    fn management_region_follows_transfers() {
        let mut p = person("2015-01-01");
        assert_eq!(mgmt(&p, d("2025-12-31")), 1); // residence
        // Two transfers on one day: the larger id wins for "latest ≤ d".
        p.transfers = vec![
            transfer("T1", "2020-05-01", 10, 11),
            transfer("T2", "2020-05-01", 12, 13),
            transfer("T3", "2023-01-01", 14, 15),
        ];
        // Before the first transfer: from_region of the earliest (smaller id on ties).
        assert_eq!(mgmt(&p, d("2020-04-30")), 10);
        // A transfer on the reference date applies.
        assert_eq!(mgmt(&p, d("2020-05-01")), 13);
        assert_eq!(mgmt(&p, d("2022-12-31")), 13);
        assert_eq!(mgmt(&p, d("2023-01-01")), 15);
    }

    #[test]
    fn transfer_ids_compare_as_byte_strings() {
        // "T10" < "T9" in byte order, so T9 is the "larger" id on the same day.
        let mut p = person("2015-01-01");
        p.transfers = vec![
            transfer("T10", "2020-05-01", 1, 2),
            transfer("T9", "2020-05-01", 3, 4),
        ];
        p.transfers
            .sort_by(|a, b| (a.date, a.id.as_bytes()).cmp(&(b.date, b.id.as_bytes())));
        assert_eq!(mgmt(&p, d("2020-05-01")), 4);
        assert_eq!(mgmt(&p, d("2020-04-01")), 1);
    }

    #[test]
    fn age_groups_are_the_national_bands() {
        assert_eq!(AGE_GROUPS[age_group(17)], "<18");
        assert_eq!(AGE_GROUPS[age_group(18)], "18-35");
        assert_eq!(AGE_GROUPS[age_group(35)], "18-35");
        assert_eq!(AGE_GROUPS[age_group(36)], "36-59");
        assert_eq!(AGE_GROUPS[age_group(59)], "36-59");
        assert_eq!(AGE_GROUPS[age_group(60)], "60+");
    }
}
