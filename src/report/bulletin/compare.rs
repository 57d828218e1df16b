//! Year-on-year comparisons of published figures (METRICS.md "Publication", v1.2):
//!
//! - a count: the absolute and relative change; equal only when the counts are;
//! - a rate: the change in percentage points between the two published (one-decimal)
//!   values, equal only when those are, with the 95% interval of the difference:
//!   Newcombe's hybrid score interval for proportions (method 10 of Newcombe 1998, see
//!   [`crate::stats::difference::newcombe`]), `d ± 1.96 · sqrt(v1 + v2)` with the
//!   Greenwood variances for Kaplan–Meier rates
//!   ([`crate::stats::difference::km_difference`]); a change whose interval contains 0
//!   is "not statistically significant", never "unchanged";
//! - a rate per inhabitants (`existing_per_10k`, `new_users_per_100k`, v1.2) is a
//!   rate: the change of the published one-decimal value (persons per 10,000 or
//!   100,000), equal only when those are, with Newcombe's interval of the difference
//!   of the two proportions numerator / population multiplied by the scale; not
//!   significant when it contains 0;
//! - nothing is compared when either figure is hidden or missing, nor for ratios
//!   (persons per officer), for which the contract has no rule, nor for a relative
//!   change (`new_users_yoy`, itself a comparison) or a number of years
//!   (`incident_free_streak`, `new_users_decline_streak`).
//!
//! The wording is in [`super::text`]; [`Comparison::json`] gives the numbers handed to
//! the templates with it.

use serde_json::{Value, json};

use crate::metrics::MetricRow;
use crate::metrics::defs::{self, Kind};
use crate::stats::difference::{Difference, km_difference, newcombe};

/// What a comparison concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Up,
    Down,
    Equal,
    /// Either figure is hidden or missing, or the metric is a ratio.
    NotCompared,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Up => "up",
            Outcome::Down => "down",
            Outcome::Equal => "equal",
            Outcome::NotCompared => "not_compared",
        }
    }
}

/// One figure of a comparison: its value and what the interval is built from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub numerator: Option<u64>,
    pub denominator: Option<u64>,
    /// Greenwood standard error of a Kaplan–Meier rate.
    pub se: Option<f64>,
}

/// The comparison of a figure with the one of the previous year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    pub kind: Kind,
    pub outcome: Outcome,
    pub prev: Option<Figure>,
    pub cur: Option<Figure>,
    /// Counts: `cur − prev` (persons). Rates: the change in percentage points between
    /// the published one-decimal values.
    pub change: f64,
    /// Counts: the relative change in percent (none when the previous count is 0).
    pub relative: Option<f64>,
    /// Rates: `cur − prev` as a fraction with its 95% interval.
    pub difference: Option<Difference>,
}

/// A rate as published, in percent with one decimal (as [`super::text::fmt_rate`]
/// writes it).
fn published_percent(v: f64) -> f64 {
    format!("{:.1}", v * 100.0).parse().unwrap_or(f64::NAN)
}

/// A rate per inhabitants as published: one decimal (as `metrics --publish` writes it).
fn published_one_decimal(v: f64) -> f64 {
    format!("{v:.1}").parse().unwrap_or(f64::NAN)
}

/// A published row as a figure (none when hidden or without a value).
fn figure(r: Option<&MetricRow>, se: Option<f64>) -> Option<Figure> {
    let r = r.filter(|r| !r.suppressed)?;
    Some(Figure {
        value: r.value?,
        numerator: r.numerator,
        denominator: r.denominator,
        se,
    })
}

impl Comparison {
    /// Compares two published rows of the same metric (`prev` the year before `cur`).
    /// `se` are the Greenwood standard errors of Kaplan–Meier rates (previous, current).
    pub fn of(
        metric: &str,
        prev: Option<&MetricRow>,
        cur: Option<&MetricRow>,
        se: (Option<f64>, Option<f64>),
    ) -> Comparison {
        let kind = defs::find(metric).map_or(Kind::Count, |d| d.kind);
        let mut c = Comparison {
            kind,
            outcome: Outcome::NotCompared,
            prev: figure(prev, se.0),
            cur: figure(cur, se.1),
            change: 0.0,
            relative: None,
            difference: None,
        };
        // A number of years is not a count of persons: no rule compares it.
        if crate::publish::YEARS_NOT_PERSONS.contains(&metric) {
            return c;
        }
        let (Some(p), Some(q)) = (c.prev, c.cur) else {
            return c;
        };
        let direction = |x: f64| {
            if x > 0.0 {
                Outcome::Up
            } else if x < 0.0 {
                Outcome::Down
            } else {
                Outcome::Equal
            }
        };
        match kind {
            Kind::Count => {
                c.change = q.value - p.value;
                c.relative = (p.value > 0.0).then(|| c.change / p.value * 100.0);
                c.outcome = direction(c.change);
            }
            Kind::Rate | Kind::Survival => {
                let diff = match kind {
                    Kind::Rate => match (q.numerator, q.denominator, p.numerator, p.denominator) {
                        (Some(x1), Some(n1), Some(x2), Some(n2)) => newcombe(x1, n1, x2, n2),
                        _ => None,
                    },
                    _ => match (q.se, p.se) {
                        (Some(s1), Some(s2)) => Some(km_difference(q.value, s1, p.value, s2)),
                        _ => None,
                    },
                };
                let Some(diff) = diff else {
                    return c;
                };
                // One decimal, as the two published values differ.
                c.change = ((published_percent(q.value) - published_percent(p.value)) * 10.0)
                    .round()
                    / 10.0;
                c.difference = Some(diff);
                c.outcome = direction(c.change);
            }
            Kind::PerInhabitants { scale } => {
                let (Some(x1), Some(n1), Some(x2), Some(n2)) =
                    (q.numerator, q.denominator, p.numerator, p.denominator)
                else {
                    return c;
                };
                let Some(diff) = newcombe(x1, n1, x2, n2) else {
                    return c;
                };
                let s = f64::from(scale);
                c.change = ((published_one_decimal(q.value) - published_one_decimal(p.value))
                    * 10.0)
                    .round()
                    / 10.0;
                c.difference = Some(Difference {
                    d: diff.d * s,
                    low: diff.low * s,
                    high: diff.high * s,
                });
                c.outcome = direction(c.change);
            }
            Kind::Ratio | Kind::Change => {}
        }
        c
    }

    /// Whether the interval of a rate's change contains 0 (then the text says the
    /// difference is not statistically significant).
    pub fn not_significant(&self) -> bool {
        matches!(self.outcome, Outcome::Up | Outcome::Down)
            && self.difference.is_some_and(|d| d.contains_zero())
    }

    /// The numbers of the comparison for the templates, with the `text` printed for it.
    pub fn json(&self, metric: &str, region: &str, year: i32, text: &str) -> Value {
        let fig = |f: Option<Figure>| {
            f.map(|f| {
                json!({
                    "value": f.value,
                    "numerator": f.numerator,
                    "denominator": f.denominator,
                    "se": f.se,
                })
            })
        };
        json!({
            "metric": metric,
            "region": region,
            "years": [year - 1, year],
            "kind": match self.kind {
                Kind::Count => "count",
                Kind::Rate => "rate",
                Kind::Survival => "survival",
                Kind::Ratio => "ratio",
                Kind::PerInhabitants { .. } => "per_inhabitants",
                Kind::Change => "change",
            },
            "prev": fig(self.prev),
            "cur": fig(self.cur),
            "outcome": self.outcome.as_str(),
            "change": (self.outcome != Outcome::NotCompared).then_some(self.change),
            "relative": self.relative,
            "difference": self.difference.map(|d| json!({
                "d": d.d,
                "low": d.low,
                "high": d.high,
                "significant": !d.contains_zero(),
            })),
            "text": text,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testdata::metric_row;

    /// `existing_per_10k` of a region of 100,000 inhabitants.
    fn per_10k(x: u64) -> MetricRow {
        metric_row(
            "existing_per_10k",
            x,
            Some(100_000),
            10_000.0 * x as f64 / 100_000.0,
        )
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    /// Known values (Wilson intervals at z = 1.959964 worked by hand in a script):
    /// 12.0 → 15.0 per 10,000 of 100,000 inhabitants is up 3.0 with the interval
    /// −0.226–6.256 (contains 0: not significant); 20.0 → 30.0 is up 10.0 with
    /// 5.633–14.420.
    #[test]
    fn a_rate_per_inhabitants_is_compared_as_a_rate_scaled() {
        let c = Comparison::of(
            "existing_per_10k",
            Some(&per_10k(120)),
            Some(&per_10k(150)),
            (None, None),
        );
        assert_eq!(c.outcome, Outcome::Up);
        assert_eq!(c.change, 3.0);
        let d = c.difference.unwrap();
        close(d.d, 3.0);
        close(d.low, -0.226_160_740_589_309_6);
        close(d.high, 6.255_785_742_741_718);
        assert!(c.not_significant());
        let c = Comparison::of(
            "existing_per_10k",
            Some(&per_10k(200)),
            Some(&per_10k(300)),
            (None, None),
        );
        let d = c.difference.unwrap();
        close(d.low, 5.633_269_144_682_013);
        close(d.high, 14.420_075_803_616_257);
        assert!(!c.not_significant());
        assert_eq!(c.outcome, Outcome::Up);
    }

    /// Equal only at the printed precision: 12.00 and 12.04 per 10,000 both print
    /// 12.0, whatever the interval; a hidden figure is not compared; the scale of
    /// `new_users_per_100k` is 100,000.
    #[test]
    fn per_inhabitants_equal_hidden_and_scale() {
        let a = metric_row("existing_per_10k", 1200, Some(1_000_000), 12.0);
        let b = metric_row("existing_per_10k", 1204, Some(1_000_000), 12.04);
        let c = Comparison::of("existing_per_10k", Some(&a), Some(&b), (None, None));
        assert_eq!(c.outcome, Outcome::Equal);
        assert_eq!(c.change, 0.0);
        close(c.difference.unwrap().d, 0.04);
        let mut hidden = per_10k(5);
        hidden.suppressed = true;
        hidden.value = None;
        let c = Comparison::of(
            "existing_per_10k",
            Some(&hidden),
            Some(&per_10k(150)),
            (None, None),
        );
        assert_eq!(c.outcome, Outcome::NotCompared);
        assert!(c.difference.is_none());
        // 30 and 12 new users per 100,000 of 100,000 inhabitants.
        let n = |x: u64| metric_row("new_users_per_100k", x, Some(100_000), x as f64);
        let c = Comparison::of(
            "new_users_per_100k",
            Some(&n(30)),
            Some(&n(12)),
            (None, None),
        );
        assert_eq!(c.outcome, Outcome::Down);
        assert_eq!(c.change, -18.0);
        let want = newcombe(12, 100_000, 30, 100_000).unwrap();
        close(c.difference.unwrap().low, want.low * 100_000.0);
    }

    /// `new_users_yoy` (a relative change) and the streaks are not compared.
    #[test]
    fn changes_and_streaks_are_not_compared() {
        let y = |x: u64| metric_row("new_users_yoy", x, Some(100), x as f64 / 100.0 - 1.0);
        let c = Comparison::of("new_users_yoy", Some(&y(90)), Some(&y(80)), (None, None));
        assert_eq!(c.outcome, Outcome::NotCompared);
        assert!(c.difference.is_none());
        let s = |x: u64| metric_row("incident_free_streak", x, None, x as f64);
        let c = Comparison::of(
            "incident_free_streak",
            Some(&s(9)),
            Some(&s(10)),
            (None, None),
        );
        assert_eq!(c.outcome, Outcome::NotCompared);
    }
}
