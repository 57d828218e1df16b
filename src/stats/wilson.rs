//! The Wilson score interval for a binomial proportion, the interval of every rate in
//! `METRICS.md`.

use super::Z95;

/// 95% Wilson score interval for a binomial proportion `x / n`, without continuity
/// correction (Wilson 1927, "Probable inference, the law of succession, and
/// statistical inference", JASA 22:209–212; method 3 of Newcombe 1998, "Two-sided
/// confidence intervals for the single proportion", Stat Med 17:857–872; recommended
/// over the Wald interval by Agresti & Coull 1998, Am Stat 52:119–126):
///
/// ```text
/// centre = (x + z²/2) / (n + z²)
/// half   = z / (n + z²) · sqrt(x(n − x)/n + z²/4)
/// ```
///
/// Returns `None` when `n == 0` (the rate is undefined). The lower bound is exactly
/// `0.0` when `x == 0` and the upper bound exactly `1.0` when `x == n`, as
/// `METRICS.md` requires (in exact arithmetic they are; in floating point they would
/// be off by a rounding error). Bounds are clamped to `[0, 1]`. `x > n` is a caller
/// error and is treated as `x == n`.
pub fn wilson(x: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let x = x.min(n);
    let (xf, nf) = (x as f64, n as f64);
    let z2 = Z95 * Z95;
    let denom = nf + z2;
    let centre = (xf + z2 / 2.0) / denom;
    let half = Z95 / denom * (xf * (nf - xf) / nf + z2 / 4.0).sqrt();
    let low = if x == 0 {
        0.0
    } else {
        (centre - half).clamp(0.0, 1.0)
    };
    let high = if x == n {
        1.0
    } else {
        (centre + half).clamp(0.0, 1.0)
    };
    Some((low, high))
}
