//! Disclosure control for published outputs (METRICS.md "Publication"): primary
//! suppression of small counts, complementary suppression inside tables that have
//! totals, and the display strings `<10` and `—`. The rule protects persons of the
//! register only (v1.2): counts of officers and of inhabitants are never hidden, so a
//! ratio of persons per officer and a rate per inhabitants are hidden only for their
//! numerator.
//!
//! Used by `metrics --publish`, `query --publish` and every table of the bulletin, so
//! the rule is implemented once. Sources: the rule of METRICS.md; the complementary
//! step follows the usual cell-suppression practice (Hundepool et al., *Statistical
//! Disclosure Control*, Wiley 2012, §5.4): when exactly one cell of an additive table is
//! hidden, hide the smallest other non-zero cell as well.

use std::collections::BTreeMap;

use crate::metrics::MetricRow;
use crate::metrics::defs::{self, Kind};

/// The publication threshold: counts from 1 to `threshold − 1` are hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub threshold: u64,
}

impl Default for Rule {
    fn default() -> Self {
        Rule { threshold: 10 }
    }
}

impl Rule {
    /// A count is too small to publish when it is from 1 to threshold − 1 (zero shows).
    pub fn too_small(&self, n: u64) -> bool {
        n >= 1 && n < self.threshold
    }

    /// Display of a suppressed count: `<10`.
    pub fn hidden_count(&self) -> String {
        format!("<{}", self.threshold)
    }
}

/// Display of a suppressed rate.
pub const HIDDEN_RATE: &str = "—";

/// Complementary suppression over one additive table: `cells` sum to `total`.
/// `hidden[i]` says which cells are already suppressed (primary); the function hides
/// more cells until no hidden value can be recovered by subtraction: when exactly one
/// cell is hidden and the total is shown, the smallest other non-zero cell (first in
/// order on ties; a zero cell if there is none; the total if there is no other cell)
/// is hidden too. Returns whether the total must be hidden.
pub fn complementary(values: &[u64], hidden: &mut [bool], total_hidden: bool) -> bool {
    let count = hidden.iter().filter(|h| **h).count();
    if count != 1 || total_hidden {
        return total_hidden;
    }
    let pick = (0..values.len())
        .filter(|&i| !hidden[i] && values[i] > 0)
        .min_by_key(|&i| (values[i], i))
        .or_else(|| (0..values.len()).find(|&i| !hidden[i]));
    match pick {
        Some(i) => {
            hidden[i] = true;
            false
        }
        None => true,
    }
}

/// The streak metrics (`new_users_decline_streak`, `incident_free_streak`) count years,
/// not persons of the register: like officers and inhabitants (METRICS.md
/// "Publication", v1.2) they are never hidden. A streak says nothing about how many
/// persons there were.
fn counts_years(metric: &str) -> bool {
    defs::YEAR_ONLY.contains(&metric)
}

/// Applies the rule to machine-output rows: primary suppression of counts, of rates
/// with a small numerator or denominator and of ratios (persons per officer) and rates
/// per inhabitants with a small numerator (their denominators count officers or
/// inhabitants, not persons of the register), then complementary suppression inside every
/// additive breakdown group (sex, age group, drug: they add up to the total row).
/// Suppressed rows keep their keys and flags; their numbers are emptied.
pub fn publish_rows(rows: &mut [MetricRow], rule: Rule) {
    for r in rows.iter_mut() {
        if counts_years(r.metric) {
            continue;
        }
        let kind = defs::find(r.metric).map(|d| d.kind);
        let small = match kind {
            Some(Kind::Count | Kind::Ratio | Kind::PerInhabitants { .. }) => {
                r.numerator.is_some_and(|n| rule.too_small(n))
            }
            _ => {
                r.numerator.is_some_and(|n| rule.too_small(n))
                    || r.denominator.is_some_and(|n| rule.too_small(n))
            }
        };
        if small {
            r.suppressed = true;
        }
    }
    // Complementary suppression: rows are sorted by metric, period, region, breakdown.
    let mut i = 0;
    while i < rows.len() {
        let mut j = i;
        while j < rows.len()
            && rows[j].metric == rows[i].metric
            && rows[j].period == rows[i].period
            && rows[j].region_code == rows[i].region_code
        {
            j += 1;
        }
        let additive = defs::find(rows[i].metric).is_some_and(|d| d.kind == Kind::Count);
        if additive {
            let total_hidden = rows[i..j]
                .iter()
                .find(|r| r.breakdown.is_empty())
                .is_some_and(|r| r.suppressed);
            let mut k = i;
            while k < j {
                let mut l = k;
                while l < j && rows[l].breakdown == rows[k].breakdown {
                    l += 1;
                }
                if !rows[k].breakdown.is_empty() {
                    let values: Vec<u64> = rows[k..l]
                        .iter()
                        .map(|r| r.numerator.unwrap_or(0))
                        .collect();
                    let mut hidden: Vec<bool> = rows[k..l].iter().map(|r| r.suppressed).collect();
                    complementary(&values, &mut hidden, total_hidden);
                    for (r, h) in rows[k..l].iter_mut().zip(hidden) {
                        r.suppressed |= h;
                    }
                }
                k = l;
            }
        }
        i = j;
    }
    for r in rows.iter_mut().filter(|r| r.suppressed) {
        r.numerator = None;
        r.denominator = None;
        r.value = None;
        r.ci_low = None;
        r.ci_high = None;
    }
}

/// A published cell that breaks the rule: what [`audit_rows`] refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("disclosure audit: {metric} {period} region {region}{group}: {problem}")]
pub struct Violation {
    pub metric: String,
    pub period: String,
    pub region: String,
    /// `, breakdown sex=female`, or empty for a total row.
    pub group: String,
    pub problem: &'static str,
}

impl Violation {
    fn of(r: &MetricRow, problem: &'static str) -> Violation {
        Violation {
            metric: r.metric.to_string(),
            period: r.period.clone(),
            region: r.region_code.clone(),
            group: if r.breakdown.is_empty() {
                String::new()
            } else {
                format!(", breakdown {}={}", r.breakdown, r.breakdown_value)
            },
            problem,
        }
    }
}

/// Audits published rows independently of how they were suppressed: every cell that
/// would be shown is checked, so a bug in [`publish_rows`] (or rows that never went
/// through it) cannot reach an output. Refuses a shown count of persons from 1 to
/// `threshold − 1`, a shown rate with a numerator or denominator in that range, a
/// shown persons-per-officer ratio with such a numerator, a hidden cell whose numbers
/// were kept, and a breakdown group with exactly one hidden cell under a shown total
/// (recoverable by subtraction).
pub fn audit_rows(rows: &[MetricRow], rule: Rule) -> Result<(), Vec<Violation>> {
    let mut bad = Vec::new();
    for r in rows {
        if r.suppressed {
            if r.numerator.is_some() || r.denominator.is_some() || r.value.is_some() {
                bad.push(Violation::of(r, "a hidden cell still carries its numbers"));
            }
            continue;
        }
        let small = |n: Option<u64>| n.is_some_and(|n| rule.too_small(n));
        if counts_years(r.metric) {
            continue;
        }
        match defs::find(r.metric).map(|d| d.kind) {
            Some(Kind::Count) if small(r.numerator) => bad.push(Violation::of(
                r,
                "a count of fewer persons than the threshold is shown",
            )),
            Some(Kind::Ratio | Kind::PerInhabitants { .. }) if small(r.numerator) => bad.push(
                Violation::of(r, "a ratio over fewer persons than the threshold is shown"),
            ),
            Some(Kind::Rate | Kind::Survival | Kind::Change)
                if small(r.numerator) || small(r.denominator) =>
            {
                bad.push(Violation::of(
                    r,
                    "a rate from fewer persons than the threshold is shown",
                ))
            }
            _ => {}
        }
    }
    // Recoverable by subtraction: a shown total and exactly one hidden value of one
    // breakdown (the values of a breakdown add up to the total row).
    let mut groups: BTreeMap<(&str, &str, &str, &str), (usize, usize)> = BTreeMap::new();
    let mut totals: BTreeMap<(&str, &str, &str), bool> = BTreeMap::new();
    for r in rows {
        if defs::find(r.metric).is_none_or(|d| d.kind != Kind::Count) {
            continue;
        }
        let key = (r.metric, r.period.as_str(), r.region_code.as_str());
        if r.breakdown.is_empty() {
            totals.insert(key, r.suppressed);
        } else {
            let g = groups
                .entry((key.0, key.1, key.2, r.breakdown))
                .or_default();
            g.0 += usize::from(r.suppressed);
            g.1 += 1;
        }
    }
    for ((metric, period, region, breakdown), (hidden, _)) in groups {
        if hidden == 1 && totals.get(&(metric, period, region)) == Some(&false) {
            bad.push(Violation {
                metric: metric.to_string(),
                period: period.to_string(),
                region: region.to_string(),
                group: format!(", breakdown {breakdown}"),
                problem: "one hidden value under a shown total can be recovered by subtraction",
            });
        }
    }
    if bad.is_empty() { Ok(()) } else { Err(bad) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testdata::metric_row;

    #[test]
    fn threshold_hides_one_to_nine_and_shows_zero() {
        let r = Rule::default();
        assert!(!r.too_small(0));
        assert!(r.too_small(1));
        assert!(r.too_small(9));
        assert!(!r.too_small(10));
        assert_eq!(r.hidden_count(), "<10");
    }

    /// Per-inhabitant rates are hidden by their numerator only (the population is not a
    /// count of persons of the register); `new_users_yoy` compares two counts of
    /// persons and is hidden when either is small.
    #[test]
    fn per_inhabitant_rates_are_hidden_by_their_numerator_only() {
        let rule = Rule::default();
        let mut rows = vec![
            metric_row("existing_per_10k", 12, Some(5), 24_000.0),
            metric_row("new_users_per_100k", 3, Some(300_000), 1.0),
            metric_row("new_users_yoy", 40, Some(8), 4.0),
            metric_row("new_users_yoy", 40, Some(30), 0.333),
        ];
        publish_rows(&mut rows, rule);
        let hidden: Vec<bool> = rows.iter().map(|r| r.suppressed).collect();
        assert_eq!(hidden, [false, true, true, false]);
        assert!(audit_rows(&rows, rule).is_ok());
        // The audit refuses a shown per-inhabitant rate over 1–9 persons.
        let shown = [metric_row("existing_per_10k", 3, Some(300_000), 0.1)];
        assert!(audit_rows(&shown, rule).is_err());
    }

    /// Streaks count years, not persons: a streak of 3 or 7 years is shown; the audit
    /// does not flag it. A small count beside them is still hidden.
    #[test]
    fn streaks_of_years_are_never_hidden() {
        let rule = Rule::default();
        let mut rows = vec![
            metric_row("incident_free_streak", 7, None, 7.0),
            metric_row("new_users_decline_streak", 3, None, 3.0),
            metric_row("incidents", 3, None, 3.0),
        ];
        publish_rows(&mut rows, rule);
        let hidden: Vec<bool> = rows.iter().map(|r| r.suppressed).collect();
        assert_eq!(hidden, [false, false, true]);
        assert!(audit_rows(&rows, rule).is_ok());
    }

    /// `incidents` is an additive count over its `kind` breakdown: one hidden kind gets
    /// a partner.
    #[test]
    fn incident_kinds_get_complementary_suppression() {
        let rule = Rule::default();
        let mut rows = vec![metric_row("incidents", 40, None, 40.0)];
        for (kind, n) in [
            ("drug_driving", 12),
            ("harm_to_others", 3),
            ("other", 0),
            ("public_disorder", 11),
            ("self_harm", 14),
        ] {
            let mut r = metric_row("incidents", n, None, n as f64);
            r.breakdown = "kind";
            r.breakdown_value = kind.into();
            rows.push(r);
        }
        publish_rows(&mut rows, rule);
        let hidden: Vec<&str> = rows
            .iter()
            .filter(|r| r.suppressed)
            .map(|r| r.breakdown_value.as_str())
            .collect();
        assert_eq!(hidden, ["harm_to_others", "public_disorder"]);
        assert!(audit_rows(&rows, rule).is_ok());
    }

    #[test]
    fn a_single_hidden_cell_gets_a_partner() {
        // male 5 (hidden), female 40: hiding only male would reveal it as total − 40.
        let mut hidden = vec![true, false];
        assert!(!complementary(&[5, 40], &mut hidden, false));
        assert_eq!(hidden, vec![true, true]);
        // The smallest non-zero other cell is chosen.
        let mut hidden = vec![false, true, false, false];
        complementary(&[30, 3, 12, 0], &mut hidden, false);
        assert_eq!(hidden, vec![false, true, true, false]);
        // Two hidden cells already protect each other.
        let mut hidden = vec![true, true, false];
        complementary(&[3, 4, 50], &mut hidden, false);
        assert_eq!(hidden, vec![true, true, false]);
        // A hidden total protects the cells.
        let mut hidden = vec![true, false];
        assert!(complementary(&[5, 0], &mut hidden, true));
        assert_eq!(hidden, vec![true, false]);
        // Only one cell: the total must go.
        let mut hidden = vec![true];
        assert!(complementary(&[5], &mut hidden, false));
    }

    fn row(metric: &'static str, num: u64, den: u64) -> MetricRow {
        metric_row(metric, num, Some(den), num as f64 / den as f64)
    }

    /// v1.2: officers are not persons of the register; only the persons hide a ratio.
    #[test]
    fn officer_counts_never_hide_a_caseload() {
        let mut rows = vec![
            row("officer_caseload", 96, 3),
            row("officer_caseload", 5, 40),
            row("execution_rate", 96, 3),
        ];
        publish_rows(&mut rows, Rule::default());
        assert!(!rows[0].suppressed);
        assert_eq!(rows[0].value, Some(32.0));
        assert!(rows[1].suppressed);
        assert!(rows[2].suppressed, "a rate still hides a small denominator");
    }

    fn count(metric: &'static str, breakdown: &'static str, value: &str, n: u64) -> MetricRow {
        let mut r = row(metric, n, 0);
        r.denominator = None;
        r.value = Some(n as f64);
        r.breakdown = breakdown;
        r.breakdown_value = value.to_string();
        r
    }

    #[test]
    fn audit_passes_what_publish_rows_publishes() {
        let mut rows = vec![
            count("existing", "", "", 25),
            count("existing", "sex", "female", 3),
            count("existing", "sex", "male", 22),
            row("execution_rate", 4, 12),
            row("execution_rate", 40, 52),
        ];
        rows[3].period = "2024".into();
        assert!(audit_rows(&rows, Rule::default()).is_err());
        publish_rows(&mut rows, Rule::default());
        assert_eq!(audit_rows(&rows, Rule::default()), Ok(()));
    }

    #[test]
    fn audit_refuses_small_counts_rates_and_a_recoverable_cell() {
        let rule = Rule::default();
        // A hand-made table that hides a single cell of a total row.
        let mut rows = vec![
            count("existing", "", "", 25),
            count("existing", "sex", "female", 3),
            count("existing", "sex", "male", 22),
        ];
        rows[1].suppressed = true;
        rows[1].numerator = None;
        rows[1].value = None;
        let v = audit_rows(&rows, rule).unwrap_err();
        assert_eq!(v.len(), 1);
        assert_eq!(
            v[0].to_string(),
            "disclosure audit: existing 2025 region 640000, breakdown sex: one hidden value \
             under a shown total can be recovered by subtraction"
        );
        // A shown small count, a shown rate over 7 persons, numbers left in a hidden cell.
        let mut leaky = count("existing", "sex", "male", 22);
        leaky.suppressed = true;
        let rows = vec![
            count("new_users", "", "", 4),
            row("execution_rate", 5, 7),
            leaky,
        ];
        let problems: Vec<&str> = audit_rows(&rows, rule)
            .unwrap_err()
            .iter()
            .map(|v| v.problem)
            .collect();
        assert_eq!(
            problems,
            [
                "a count of fewer persons than the threshold is shown",
                "a rate from fewer persons than the threshold is shown",
                "a hidden cell still carries its numbers",
            ]
        );
        // Officers are not persons of the register: a caseload over 30 persons and 4
        // officers is shown.
        assert_eq!(audit_rows(&[row("officer_caseload", 30, 4)], rule), Ok(()));
    }
}
