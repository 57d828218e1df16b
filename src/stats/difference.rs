//! Intervals for the difference of two independent rates, for year-on-year comparisons
//! (METRICS.md "Publication", v1.2).
//!
//! - Proportions: Newcombe's hybrid score interval, method 10 of Newcombe (1998),
//!   "Interval estimation for the difference between independent proportions:
//!   comparison of eleven methods", Statistics in Medicine 17, 873–890. With `p1 = x1/n1`,
//!   `p2 = x2/n2` and their Wilson intervals `(l1, u1)`, `(l2, u2)`:
//!
//!   ```text
//!   d = p1 − p2
//!   L = d − sqrt((p1 − l1)² + (u2 − p2)²)
//!   U = d + sqrt((u1 − p1)² + (p2 − l2)²)
//!   ```
//!
//! - Kaplan–Meier rates: `d ± z · sqrt(v1 + v2)` with `v` the Greenwood variance of
//!   `S(w)` on the plain scale (Greenwood 1926; Collett 2015, "Modelling Survival Data in
//!   Medical Research", 3rd ed., §2.2.1).

use super::{Z95, wilson};

/// A difference `d = first − second` of two rates with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub d: f64,
    pub low: f64,
    pub high: f64,
}

impl Difference {
    /// Whether the interval contains 0 (the difference is not statistically significant
    /// at the 5% level).
    pub fn contains_zero(&self) -> bool {
        self.low <= 0.0 && self.high >= 0.0
    }
}

/// Newcombe's hybrid score interval for `x1/n1 − x2/n2`; `None` when a denominator
/// is 0.
pub fn newcombe(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<Difference> {
    let (l1, u1) = wilson(x1, n1)?;
    let (l2, u2) = wilson(x2, n2)?;
    let (p1, p2) = (x1 as f64 / n1 as f64, x2 as f64 / n2 as f64);
    let d = p1 - p2;
    Some(Difference {
        d,
        low: d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(),
        high: d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt(),
    })
}

/// The interval of `r1 − r2` for two Kaplan–Meier rates with Greenwood standard errors
/// `se1`, `se2` (of `S(w)`; a rate `1 − S` has the same variance).
pub fn km_difference(r1: f64, se1: f64, r2: f64, se2: f64) -> Difference {
    let d = r1 - r2;
    let h = Z95 * (se1 * se1 + se2 * se2).sqrt();
    Difference {
        d,
        low: d - h,
        high: d + h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Newcombe (1998), Table II, method 10, to the four decimals printed there.
    #[test]
    fn newcombe_reproduces_the_published_examples() {
        let cases = [
            ((56, 70, 48, 80), (0.0524, 0.3339)),
            ((9, 10, 3, 10), (0.1705, 0.8090)),
            ((6, 7, 2, 7), (0.0582, 0.8062)),
            ((5, 56, 0, 29), (-0.0381, 0.1926)),
            ((0, 10, 0, 20), (-0.1611, 0.2775)),
            ((0, 10, 0, 10), (-0.2775, 0.2775)),
            ((10, 10, 0, 20), (0.6791, 1.0000)),
            ((10, 10, 0, 10), (0.6075, 1.0000)),
        ];
        for ((x1, n1, x2, n2), (lo, hi)) in cases {
            let r = newcombe(x1, n1, x2, n2).unwrap();
            assert!(
                (r.low - lo).abs() < 5e-5 && (r.high - hi).abs() < 5e-5,
                "{x1}/{n1} − {x2}/{n2}: {r:?}"
            );
            assert_eq!(r.d, x1 as f64 / n1 as f64 - x2 as f64 / n2 as f64);
        }
    }

    #[test]
    fn zero_denominators_and_significance() {
        assert_eq!(newcombe(1, 0, 1, 2), None);
        assert_eq!(newcombe(1, 2, 0, 0), None);
        assert!(newcombe(0, 10, 0, 10).unwrap().contains_zero());
        assert!(!newcombe(9, 10, 3, 10).unwrap().contains_zero());
        // Equal rates: the difference is exactly 0 and the interval symmetric.
        let r = newcombe(5, 10, 10, 20).unwrap();
        assert_eq!(r.d, 0.0);
        assert!((r.low + r.high).abs() < 1e-12);
    }

    #[test]
    fn km_difference_adds_the_variances() {
        // se 0.03 and 0.04: sqrt(0.0009 + 0.0016) = 0.05.
        let r = km_difference(0.374, 0.03, 0.194, 0.04);
        assert!((r.d - 0.18).abs() < 1e-12);
        assert!((r.low - (0.18 - Z95 * 0.05)).abs() < 1e-12);
        assert!((r.high - (0.18 + Z95 * 0.05)).abs() < 1e-12);
        assert!(!r.contains_zero());
    }
}
