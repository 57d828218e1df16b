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

use polars::prelude::{PlHashMap, PlHashSet};

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
    YEARS_NOT_PERSONS.contains(&metric)
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
    audit_each(rows.iter(), rule)
}

/// [`audit_rows`] of the rows `rows` yields.
fn audit_each<'r>(
    rows: impl Iterator<Item = &'r MetricRow> + Clone,
    rule: Rule,
) -> Result<(), Vec<Violation>> {
    let mut bad = Vec::new();
    for r in rows.clone() {
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

/// Metrics that are numbers of years, not of persons (the two streaks): never hidden
/// for themselves and never additive. In a template's rows the decline streak of new
/// users is shown only where the counts it compares are (see [`complete_suppression`]);
/// the incident-free streak only says that the shown zeros were zeros.
pub const YEARS_NOT_PERSONS: &[&str] = &["incident_free_streak", DECLINE_STREAK];

/// The streak that compares counts of new users of consecutive years.
const DECLINE_STREAK: &str = "new_users_decline_streak";

/// Empties the numbers of a hidden row.
fn hide(r: &mut MetricRow) {
    r.suppressed = true;
    r.numerator = None;
    r.denominator = None;
    r.value = None;
    r.ci_low = None;
    r.ci_high = None;
}

/// One additive table a template could build from published rows: the rows that add
/// up (by index) and their total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdditiveGroup {
    pub cells: Vec<usize>,
    pub total: usize,
}

/// The additive tables hidden inside a set of count rows of several levels: the
/// breakdown values of one region (they add up to its total row), and the regions one
/// level below a region (they add up to it), for every count metric, period and
/// breakdown value. Rows of [`YEARS_NOT_PERSONS`] metrics are not additive.
pub fn additive_groups(rows: &[MetricRow]) -> Vec<AdditiveGroup> {
    use crate::regions::{Level, ancestor};
    use std::borrow::Cow;
    type Key<'a> = (&'a str, &'a str, &'a str, &'a str, &'a str);
    let counts = count_rows(rows);
    let index: PlHashMap<Key, usize> = rows
        .iter()
        .enumerate()
        .filter(|(i, _)| counts[*i])
        .map(|(i, r)| {
            (
                (
                    r.metric,
                    r.period.as_str(),
                    r.region_code.as_str(),
                    r.breakdown,
                    r.breakdown_value.as_str(),
                ),
                i,
            )
        })
        .collect();
    // (metric, period, region of the total, breakdown, breakdown value or BY_BREAKDOWN,
    // level of the cells or u8::MAX): the breakdown values of a region form the group
    // (…, region, breakdown, BY_BREAKDOWN, u8::MAX); the regions below a region the
    // group (…, parent, breakdown, value, level). Cells in row order, groups in key
    // order.
    const BY_BREAKDOWN: &str = "\u{0}by-breakdown";
    type GroupKey<'a> = (&'a str, &'a str, Cow<'a, str>, &'a str, &'a str, u8);
    let mut groups: PlHashMap<GroupKey, Vec<usize>> = Default::default();
    for (i, r) in rows.iter().enumerate().filter(|(i, _)| counts[*i]) {
        if !r.breakdown.is_empty() {
            groups
                .entry((
                    r.metric,
                    r.period.as_str(),
                    Cow::Borrowed(r.region_code.as_str()),
                    r.breakdown,
                    BY_BREAKDOWN,
                    u8::MAX,
                ))
                .or_default()
                .push(i);
        }
        let parent_level = match r.region_level {
            Level::Province => continue,
            Level::City => Level::Province,
            Level::County => Level::City,
            Level::Township => Level::County,
        };
        if let Some(parent) = ancestor(&r.region_code, parent_level) {
            groups
                .entry((
                    r.metric,
                    r.period.as_str(),
                    Cow::Owned(parent),
                    r.breakdown,
                    r.breakdown_value.as_str(),
                    r.region_level as u8,
                ))
                .or_default()
                .push(i);
        }
    }
    let mut groups: Vec<(GroupKey, Vec<usize>)> = groups.into_iter().collect();
    groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    groups
        .into_iter()
        .filter_map(|((metric, period, region, bd, bv, level), cells)| {
            let (bd, bv) = if level == u8::MAX { ("", "") } else { (bd, bv) };
            let total = *index.get(&(metric, period, region.as_ref(), bd, bv))?;
            Some(AdditiveGroup { cells, total })
        })
        .collect()
}

/// Whether each row is a count of persons (a count metric not of [`YEARS_NOT_PERSONS`]).
fn count_rows(rows: &[MetricRow]) -> Vec<bool> {
    // Rows come sorted by metric: the last answer is usually the one.
    let mut last: Option<(&str, bool)> = None;
    rows.iter()
        .map(|r| match last {
            Some((m, c)) if m == r.metric => c,
            _ => {
                let c = defs::find(r.metric).is_some_and(|d| d.kind == Kind::Count)
                    && !YEARS_NOT_PERSONS.contains(&r.metric);
                last = Some((r.metric, c));
                c
            }
        })
        .collect()
}

/// Completes disclosure control over published rows of several levels that a template
/// may combine freely: `publ` are the rows after [`publish_rows`], `raw` the same rows
/// before it (same order). Complementary suppression ([`complementary`]) is applied to
/// every table of [`additive_groups`] (a region's children under its total as well as a
/// region's breakdown values) until no hidden value can be recovered by subtraction in
/// any of them; then a [`YEARS_NOT_PERSONS`] row is shown exactly where the counts of
/// new users of its year and the year before are shown (METRICS.md "Publication",
/// v1.2), with its value from `raw`.
pub fn complete_suppression(raw: &[MetricRow], publ: &mut [MetricRow]) {
    let groups = additive_groups(publ);
    complete_suppression_in(raw, publ, &groups);
}

/// [`complete_suppression`] with the [`additive_groups`] of the rows (of `raw` or
/// `publ`: they have the same keys) computed by the caller, who needs them again.
pub fn complete_suppression_in(
    raw: &[MetricRow],
    publ: &mut [MetricRow],
    groups: &[AdditiveGroup],
) {
    loop {
        let mut changed = false;
        for g in groups {
            let values: Vec<u64> = g
                .cells
                .iter()
                .map(|&i| raw[i].numerator.unwrap_or(0))
                .collect();
            let mut hidden: Vec<bool> = g.cells.iter().map(|&i| publ[i].suppressed).collect();
            let before = hidden.clone();
            let total_hidden = publ[g.total].suppressed;
            let hide_total = complementary(&values, &mut hidden, total_hidden);
            for (k, (&i, h)) in g.cells.iter().zip(&hidden).enumerate() {
                if *h && !before[k] {
                    hide(&mut publ[i]);
                    changed = true;
                }
            }
            if hide_total && !total_hidden {
                hide(&mut publ[g.total]);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for i in linked_rows(raw, publ) {
        hide(&mut publ[i]);
    }
    let shown: PlHashSet<(&str, &str, &str, &str)> = publ
        .iter()
        .filter(|r| r.metric == "new_users" && !r.suppressed)
        .map(|r| {
            (
                r.period.as_str(),
                r.region_code.as_str(),
                r.breakdown,
                r.breakdown_value.as_str(),
            )
        })
        .collect();
    // Only the decline streak rows need the answer.
    let streak_ok: Vec<bool> = publ
        .iter()
        .map(|r| {
            if r.metric != DECLINE_STREAK {
                return false;
            }
            let prev = r
                .period
                .parse::<i32>()
                .map(|y| (y - 1).to_string())
                .unwrap_or_default();
            [r.period.as_str(), prev.as_str()].iter().all(|p| {
                shown.contains(&(
                    *p,
                    r.region_code.as_str(),
                    r.breakdown,
                    r.breakdown_value.as_str(),
                ))
            })
        })
        .collect();
    // The set borrows `publ` (hashbrown's sets keep their borrows to the end of scope).
    drop(shown);
    for (i, r) in publ.iter_mut().enumerate() {
        if r.metric == DECLINE_STREAK {
            if streak_ok[i] {
                *r = raw[i].clone();
                r.suppressed = false;
            } else {
                hide(r);
            }
        }
    }
}

/// Shown rates and ratios that would give away a count hidden by complementary
/// suppression: in the same region, period and breakdown, a rate or ratio whose
/// numerator or denominator is the hidden count, or whose denominator is the hidden
/// count plus a shown one (the consolidation rate is abstinent ÷ (abstinent +
/// existing); persons per officer has the persons under measures as numerator). Found
/// from the numbers (`raw`, same order as `publ`), so a metric added later is covered;
/// an equality by chance hides a rate more than needed, never less.
pub fn linked_rows(raw: &[MetricRow], publ: &[MetricRow]) -> Vec<usize> {
    fn cell(r: &MetricRow) -> Cell<'_> {
        (
            r.period.as_str(),
            r.region_code.as_str(),
            r.breakdown,
            r.breakdown_value.as_str(),
        )
    }
    let counted = count_rows(raw);
    // Per cell: the hidden counts (raw values) and the shown counts.
    type Cell<'a> = (&'a str, &'a str, &'static str, &'a str);
    let mut counts: PlHashMap<Cell, (Vec<u64>, Vec<u64>)> = PlHashMap::default();
    for (i, (r, p)) in raw.iter().zip(publ).enumerate() {
        if !counted[i] {
            continue;
        }
        let Some(v) = r.numerator else { continue };
        let e = counts.entry(cell(r)).or_default();
        if p.suppressed {
            e.0.push(v);
        } else {
            e.1.push(v);
        }
    }
    let mut out = Vec::new();
    for (i, (r, p)) in raw.iter().zip(publ).enumerate() {
        if counted[i] || p.suppressed || YEARS_NOT_PERSONS.contains(&r.metric) {
            continue;
        }
        let Some((hidden, shown)) = counts.get(&cell(r)) else {
            continue;
        };
        // The denominator of a ratio or a rate per inhabitants counts officers or
        // inhabitants, never hidden (METRICS.md "Publication", v1.2): only its
        // numerator, persons, can give a hidden count away.
        let persons_below = !matches!(
            defs::find(r.metric).map(|d| d.kind),
            Some(Kind::Ratio | Kind::PerInhabitants { .. })
        );
        let gives_away = hidden.iter().any(|&h| {
            h > 0
                && (r.numerator == Some(h)
                    || (persons_below && r.denominator == Some(h))
                    || (persons_below
                        && shown
                            .iter()
                            .chain(hidden.iter())
                            .any(|&o| r.denominator == Some(h + o))))
        });
        if gives_away {
            out.push(i);
        }
    }
    out
}

/// The audit of rows handed to a template ([`complete_suppression`]): [`audit_rows`]
/// on the rows of persons, a [`YEARS_NOT_PERSONS`] row shown only beside the counts it
/// compares, and no table of [`additive_groups`] with exactly one hidden cell under a
/// shown total.
pub fn audit_template_rows(rows: &[MetricRow], rule: Rule) -> Result<(), Vec<Violation>> {
    audit_template_rows_in(rows, &additive_groups(rows), rule)
}

/// [`audit_template_rows`] with the [`additive_groups`] of `rows` (or of rows with the
/// same keys in the same order: the groups depend on the keys only, not on what is
/// hidden) computed by the caller.
pub fn audit_template_rows_in(
    rows: &[MetricRow],
    groups: &[AdditiveGroup],
    rule: Rule,
) -> Result<(), Vec<Violation>> {
    let persons = rows
        .iter()
        .filter(|r| !YEARS_NOT_PERSONS.contains(&r.metric));
    let mut bad = audit_each(persons, rule).err().unwrap_or_default();
    let published: PlHashSet<(&str, &str, &str, &str)> = rows
        .iter()
        .filter(|n| n.metric == "new_users" && !n.suppressed)
        .map(|n| {
            (
                n.period.as_str(),
                n.region_code.as_str(),
                n.breakdown,
                n.breakdown_value.as_str(),
            )
        })
        .collect();
    let shown = |period: &str, r: &MetricRow| {
        published.contains(&(
            period,
            r.region_code.as_str(),
            r.breakdown,
            r.breakdown_value.as_str(),
        ))
    };
    for r in rows
        .iter()
        .filter(|r| r.metric == DECLINE_STREAK && !r.suppressed)
    {
        let prev = r
            .period
            .parse::<i32>()
            .map(|y| (y - 1).to_string())
            .unwrap_or_default();
        if !(shown(&r.period, r) && shown(&prev, r)) {
            bad.push(Violation::of(
                r,
                "a decline streak is shown beside a hidden count of new users",
            ));
        }
    }
    for g in groups {
        let hidden = g.cells.iter().filter(|&&i| rows[i].suppressed).count();
        if hidden == 1 && !rows[g.total].suppressed {
            let cell = g
                .cells
                .iter()
                .find(|&&i| rows[i].suppressed)
                .expect("one hidden cell");
            bad.push(Violation::of(
                &rows[*cell],
                "one hidden value under a shown total can be recovered by subtraction",
            ));
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

    /// A count of `metric` in `code` (a city under 640000, or the province).
    fn area(metric: &'static str, code: &str, n: u64) -> MetricRow {
        let mut r = metric_row(metric, n, None, n as f64);
        r.region_code = code.to_string();
        if code != "640000" {
            r.region_level = crate::regions::Level::City;
        }
        r
    }

    /// Issue 16: a template may put any region's children under its total, so the rows
    /// handed to templates are completed across levels and audited as such.
    #[test]
    fn template_rows_hide_a_partner_across_levels_and_the_rates_that_give_it_away() {
        let rule = Rule::default();
        let mut ab = area("abstinent_3y", "640300", 40);
        ab.numerator = Some(40);
        let mut rate = metric_row("consolidation_rate", 40, Some(52), 40.0 / 52.0);
        rate.region_code = "640300".into();
        rate.region_level = crate::regions::Level::City;
        let raw = vec![
            area("abstinent_3y", "640000", 75),
            area("abstinent_3y", "640100", 5),
            area("abstinent_3y", "640200", 30),
            ab,
            rate,
        ];
        let mut publ = raw.clone();
        publish_rows(&mut publ, rule);
        // Primary suppression alone leaves 640100 recoverable as 75 − 30 − 40.
        let bad = audit_template_rows(&publ, rule).unwrap_err();
        assert_eq!(
            bad[0].to_string(),
            "disclosure audit: abstinent_3y 2025 region 640100: one hidden value under a \
             shown total can be recovered by subtraction"
        );
        complete_suppression(&raw, &mut publ);
        // The smallest other city is hidden too, and the consolidation rate whose
        // numerator is its count.
        assert!(publ[1].suppressed && publ[2].suppressed && !publ[3].suppressed);
        assert!(!publ[0].suppressed);
        assert_eq!(audit_template_rows(&publ, rule), Ok(()));
        assert!(!publ[4].suppressed, "40 is shown, so is the rate over it");
        let raw2: Vec<MetricRow> = raw
            .iter()
            .cloned()
            .map(|mut r| {
                if r.metric == "consolidation_rate" {
                    r.numerator = Some(30);
                    r.region_code = "640200".into();
                }
                r
            })
            .collect();
        let mut publ2 = raw2.clone();
        publish_rows(&mut publ2, rule);
        complete_suppression(&raw2, &mut publ2);
        assert!(
            publ2[2].suppressed && publ2[4].suppressed,
            "30 hidden: its rate too"
        );
    }

    #[test]
    fn a_decline_streak_shows_only_beside_shown_new_users() {
        let rule = Rule::default();
        let mut prev = area("new_users", "640000", 30);
        prev.period = "2024".into();
        let cur = area("new_users", "640000", 25);
        let streak = area("new_users_decline_streak", "640000", 3);
        let raw = vec![prev, cur, streak];
        let mut publ = raw.clone();
        publish_rows(&mut publ, rule);
        assert!(!publ[2].suppressed, "3 years are not 3 persons");
        complete_suppression(&raw, &mut publ);
        assert!(!publ[2].suppressed && publ[2].value == Some(3.0));
        assert_eq!(audit_template_rows(&publ, rule), Ok(()));
        // With the year before hidden, the streak goes.
        let mut raw = raw;
        raw[0].numerator = Some(4);
        raw[0].value = Some(4.0);
        let mut publ = raw.clone();
        publish_rows(&mut publ, rule);
        complete_suppression(&raw, &mut publ);
        assert!(publ[2].suppressed);
        publ[2] = raw[2].clone();
        let bad = audit_template_rows(&publ, rule).unwrap_err();
        assert_eq!(
            bad[0].problem,
            "a decline streak is shown beside a hidden count of new users"
        );
    }

    /// Officers are never hidden (v1.2): a caseload whose officer count equals a hidden
    /// count (or a hidden count plus another) by chance stays; one whose persons are
    /// the hidden count goes, and a rate with such a denominator goes.
    #[test]
    fn linked_rows_leave_caseloads_with_a_chance_officer_count() {
        let hidden = area("in_society", "640000", 12);
        let shown = area("existing", "640000", 30);
        let by_officers = metric_row("officer_caseload", 96, Some(12), 8.0);
        let by_sum = metric_row("officer_caseload", 96, Some(42), 96.0 / 42.0);
        let by_persons = metric_row("officer_caseload", 12, Some(4), 3.0);
        let rate = metric_row("execution_rate", 40, Some(42), 40.0 / 42.0);
        let raw = vec![hidden, shown, by_officers, by_sum, by_persons, rate];
        let mut publ = raw.clone();
        publ[0].suppressed = true;
        assert_eq!(linked_rows(&raw, &publ), vec![4, 5]);
    }
}
