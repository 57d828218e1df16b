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
//! - nothing is compared when either figure is hidden or missing, nor for ratios
//!   (persons per officer), for which the contract has no rule.
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
            Kind::Ratio | Kind::PerInhabitants { .. } | Kind::Change => {}
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
