//! Pure statistics for the metrics of `METRICS.md`: the Wilson score interval for rates,
//! the Kaplan–Meier estimator with its Greenwood variance and "exponential Greenwood"
//! (log(−log)) interval for the relapse cohorts, the log-rank test for comparing
//! cohorts, and the chi-square upper tail that the test needs. This module owns the
//! formulas and nothing else: it knows no tables, regions, dates or output format,
//! uses only `std`, and every function is deterministic, so two runs on the same
//! numbers give the same bits. Each formula cites its source in its doc comment.

/// The 97.5% quantile of the standard normal distribution, the `z` of every 95%
/// interval in `METRICS.md` (Φ⁻¹(0.975), to the precision of an `f64`).
pub const Z95: f64 = 1.959963984540054;

pub mod difference;

/// Survival values within this distance of 0.5 count as 0.5 when a median is read off
/// the curve, so that a product equal to one half in exact arithmetic is recognised
/// despite rounding (`(1 − 7/22)(1 − 4/15)` is `0.5000000000000001` in `f64`).
const HALF_TOLERANCE: f64 = 1e-12;

// ---------------------------------------------------------------------------------
// Wilson score interval
// ---------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------
// Kaplan–Meier
// ---------------------------------------------------------------------------------

/// One person of a cohort: follow-up time in whole days (0 allowed) and whether it
/// ended in the event (`true`) or was censored (`false`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subject {
    pub time: u32,
    pub event: bool,
}

impl Subject {
    pub fn event(time: u32) -> Subject {
        Subject { time, event: true }
    }

    pub fn censored(time: u32) -> Subject {
        Subject { time, event: false }
    }
}

/// One row of the Kaplan–Meier life table: one per distinct follow-up time, whether
/// events, censorings or both happened there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KmStep {
    /// The follow-up time in days.
    pub time: u32,
    /// `n_i`: subjects with follow-up time `≥ time` (those censored at `time` are
    /// still at risk at `time`: events come before censorings at tied times).
    pub at_risk: u64,
    /// `d_i`: events at `time`.
    pub events: u64,
    /// Censorings at `time`.
    pub censored: u64,
    /// `S(time) = Π_{t_j ≤ time} (1 − d_j / n_j)`.
    pub survival: f64,
    /// Greenwood's running sum `Σ_{t_j ≤ time} d_j / (n_j (n_j − d_j))`; infinite
    /// from the step where everyone still at risk has the event (`S = 0`).
    pub greenwood_sum: f64,
}

/// The Kaplan–Meier product-limit estimate of a survival curve (Kaplan & Meier 1958,
/// "Nonparametric estimation from incomplete observations", JASA 53:457–481), with
/// Greenwood's variance (Greenwood 1926, "The natural duration of cancer", Reports on
/// Public Health and Medical Subjects 33, HMSO).
///
/// At tied times events come before censorings: a subject censored at `t` is still at
/// risk at `t` (the usual convention, Kaplan & Meier 1958 §2; `METRICS.md`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KaplanMeier {
    /// The life table, by increasing time.
    pub steps: Vec<KmStep>,
    /// Number of subjects the curve was fitted on.
    pub subjects: u64,
}

impl KaplanMeier {
    /// Fits the curve. The order of `subjects` does not matter.
    pub fn fit(subjects: &[Subject]) -> KaplanMeier {
        let mut sorted: Vec<Subject> = subjects.to_vec();
        sorted.sort_unstable_by_key(|s| s.time);
        let mut steps = Vec::new();
        let mut at_risk = sorted.len() as u64;
        let mut survival = 1.0_f64;
        let mut greenwood_sum = 0.0_f64;
        for group in sorted.chunk_by(|a, b| a.time == b.time) {
            let events = group.iter().filter(|s| s.event).count() as u64;
            let censored = group.len() as u64 - events;
            if events > 0 {
                let (n, d) = (at_risk as f64, events as f64);
                survival *= 1.0 - d / n;
                greenwood_sum += if events == at_risk {
                    f64::INFINITY
                } else {
                    d / (n * (n - d))
                };
            }
            steps.push(KmStep {
                time: group[0].time,
                at_risk,
                events,
                censored,
                survival,
                greenwood_sum,
            });
            at_risk -= group.len() as u64;
        }
        KaplanMeier {
            steps,
            subjects: subjects.len() as u64,
        }
    }

    /// The last step with `time ≤ w`, or `None` before the first step.
    fn step_at(&self, w: u32) -> Option<&KmStep> {
        let i = self.steps.partition_point(|s| s.time <= w);
        i.checked_sub(1).map(|i| &self.steps[i])
    }

    /// Whether some subject (event or censored) has follow-up time `≥ w`.
    fn observed_until(&self, w: u32) -> bool {
        self.steps.last().is_some_and(|s| s.time >= w)
    }

    /// `S(w) = Π_{t_i ≤ w} (1 − d_i / n_i)`. `None` when no subject, event or censored,
    /// has a follow-up time `≥ w` (`METRICS.md`: "the value and interval are empty when
    /// no person has `t ≥ w`"), and so always for an empty cohort.
    pub fn survival_at(&self, w: u32) -> Option<f64> {
        if !self.observed_until(w) {
            return None;
        }
        Some(self.step_at(w).map_or(1.0, |s| s.survival))
    }

    /// Greenwood's standard error of `S(w)`, `S(w) · sqrt(Σ_{t_i ≤ w} d_i / (n_i (n_i −
    /// d_i)))` (Greenwood 1926); `0` while `S = 1` and where `S = 0`. `None` as for
    /// [`survival_at`](Self::survival_at).
    pub fn greenwood_se_at(&self, w: u32) -> Option<f64> {
        let s = self.survival_at(w)?;
        let sum = self.step_at(w).map_or(0.0, |s| s.greenwood_sum);
        Some(if s == 0.0 { 0.0 } else { s * sum.sqrt() })
    }

    /// 95% pointwise interval for `S(w)` on the log(−log) scale, the "exponential
    /// Greenwood" interval (Kalbfleisch & Prentice 2002, "The Statistical Analysis of
    /// Failure Time Data", 2nd ed., §1.4; Collett 2015, "Modelling Survival Data in
    /// Medical Research", 3rd ed., §2.2.3; the default of `lifelines` and of SAS
    /// `PROC LIFETEST`):
    ///
    /// ```text
    /// θ = ln(−ln S),  se(θ) = sqrt(Σ d_i / (n_i (n_i − d_i))) / |ln S|
    /// interval = (S^exp(+z·se), S^exp(−z·se))
    /// ```
    ///
    /// The interval lies inside `[0, 1]` by construction. Where `S(w)` is exactly 1
    /// (no event yet) or 0 it collapses to `(S, S)`. `None` as for
    /// [`survival_at`](Self::survival_at).
    pub fn interval_at(&self, w: u32) -> Option<(f64, f64)> {
        self.survival_at(w)?;
        Some(match self.step_at(w) {
            Some(step) => loglog_band(step.survival, step.greenwood_sum),
            None => (1.0, 1.0),
        })
    }

    /// The value and interval mapped to the cumulative-incidence scale `1 − S(w)` (the
    /// relapse rates of `METRICS.md`): `(1 − S, 1 − S_upper, 1 − S_lower)`, so the
    /// tuple reads (value, low, high). `None` as for [`survival_at`](Self::survival_at).
    pub fn relapse_at(&self, w: u32) -> Option<(f64, f64, f64)> {
        let s = self.survival_at(w)?;
        let (low, high) = self.interval_at(w)?;
        Some((1.0 - s, 1.0 - high, 1.0 - low))
    }

    /// Number of subjects at risk at `t` (follow-up time `≥ t`), for numbers-at-risk
    /// tables under a curve.
    pub fn at_risk_at(&self, t: u32) -> u64 {
        let i = self.steps.partition_point(|s| s.time < t);
        self.steps.get(i).map_or(0, |s| s.at_risk)
    }

    /// Number of events with time `≤ w` (the `numerator` of a relapse rate).
    pub fn events_by(&self, w: u32) -> u64 {
        let i = self.steps.partition_point(|s| s.time <= w);
        self.steps[..i].iter().map(|s| s.events).sum()
    }

    /// Median survival time: the smallest step time `t` with `S(t) ≤ 0.5` (Collett 2015
    /// §2.4; the `lifelines` rule; R `survival` takes the midpoint where the curve is
    /// exactly 0.5 over an interval, this does not). `None` when the curve never
    /// reaches 0.5 ("not reached").
    pub fn median(&self) -> Option<u32> {
        self.first_time_at_or_below_half(|s| s.survival)
    }

    /// 95% confidence interval for the median read off the pointwise log(−log) band
    /// (Brookmeyer & Crowley 1982, Biometrics 38:29–41, as in R `survival` and
    /// `lifelines`' `median_survival_times`): the lower limit is the first time at
    /// which the lower band is `≤ 0.5`, the upper limit the first time at which the
    /// upper band is `≤ 0.5`. Either is `None` when never reached.
    pub fn median_interval(&self) -> (Option<u32>, Option<u32>) {
        let band = |s: &KmStep| loglog_band(s.survival, s.greenwood_sum);
        (
            self.first_time_at_or_below_half(|s| band(s).0),
            self.first_time_at_or_below_half(|s| band(s).1),
        )
    }

    fn first_time_at_or_below_half(&self, f: impl Fn(&KmStep) -> f64) -> Option<u32> {
        self.steps
            .iter()
            .find(|s| f(s) <= 0.5 + HALF_TOLERANCE)
            .map(|s| s.time)
    }
}

/// The log(−log) band `(S^exp(z·se), S^exp(−z·se))` with `se = sqrt(g) / |ln S|` (see
/// [`KaplanMeier::interval_at`]); `(S, S)` when `S` is 1 or 0.
fn loglog_band(s: f64, greenwood_sum: f64) -> (f64, f64) {
    if s >= 1.0 || s <= 0.0 {
        return (s, s);
    }
    let se = greenwood_sum.sqrt() / s.ln().abs();
    let k = (Z95 * se).exp();
    (s.powf(k), s.powf(1.0 / k))
}

// ---------------------------------------------------------------------------------
// Log-rank test
// ---------------------------------------------------------------------------------

/// Result of a k-sample log-rank test.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRank {
    /// The chi-square statistic `(O − E)ᵀ V⁻¹ (O − E)` over all groups but one.
    pub statistic: f64,
    /// Degrees of freedom: the number of groups used minus one.
    pub df: u32,
    /// Upper tail of the chi-square distribution with `df` degrees of freedom at
    /// `statistic`.
    pub p_value: f64,
    /// Observed events per input group (same order as the input).
    pub observed: Vec<u64>,
    /// Expected events per input group under the null hypothesis.
    pub expected: Vec<f64>,
}

/// The log-rank test of equal survival in `k ≥ 2` groups (Mantel 1966, "Evaluation of
/// survival data and two new rank order statistics arising in its consideration",
/// Cancer Chemother Rep 50:163–170; Peto & Peto 1972, JRSS A 135:185–207; the k-sample
/// form with the hypergeometric variance as in Kalbfleisch & Prentice 2002 §7.2 and
/// Collett 2015 §2.6, and as R `survival::survdiff` computes it).
///
/// At each distinct event time `t`, with `n_j` at risk and `d_j` events in group `j`,
/// `N = Σ n_j`, `D = Σ d_j`:
///
/// ```text
/// E_j  += n_j D / N
/// V_jj += n_j (N − n_j) D (N − D) / (N² (N − 1))
/// V_jl -= n_j n_l D (N − D) / (N² (N − 1))        (j ≠ l)
/// ```
///
/// The statistic uses the full variance–covariance matrix of `O − E` without the last
/// group, solved by Gaussian elimination with partial pivoting. As in `survdiff`,
/// groups with no expected events (empty, or nobody at risk at any event time) carry
/// no information and are left out, and `df` counts the groups that remain, minus one.
/// Returns `None` when fewer than two groups remain or the variance matrix is
/// singular (for instance when no event happened at all).
pub fn logrank(groups: &[&[Subject]]) -> Option<LogRank> {
    let k = groups.len();
    // Per group: subjects sorted by time, walked with a cursor.
    let sorted: Vec<Vec<Subject>> = groups
        .iter()
        .map(|g| {
            let mut v = g.to_vec();
            v.sort_unstable_by_key(|s| s.time);
            v
        })
        .collect();
    let mut event_times: Vec<u32> = groups
        .iter()
        .flat_map(|g| g.iter().filter(|s| s.event).map(|s| s.time))
        .collect();
    event_times.sort_unstable();
    event_times.dedup();

    let mut observed = vec![0_u64; k];
    let mut expected = vec![0.0_f64; k];
    let mut var = vec![vec![0.0_f64; k]; k];
    let mut cursor = vec![0_usize; k];
    let mut n = vec![0_u64; k];
    let mut d = vec![0_u64; k];
    for &t in &event_times {
        for j in 0..k {
            let g = &sorted[j];
            while cursor[j] < g.len() && g[cursor[j]].time < t {
                cursor[j] += 1;
            }
            n[j] = (g.len() - cursor[j]) as u64;
            d[j] = g[cursor[j]..]
                .iter()
                .take_while(|s| s.time == t)
                .filter(|s| s.event)
                .count() as u64;
        }
        let big_n: u64 = n.iter().sum();
        let big_d: u64 = d.iter().sum();
        let (nf, df) = (big_n as f64, big_d as f64);
        let v = if big_n > 1 {
            df * (nf - df) / (nf * nf * (nf - 1.0))
        } else {
            0.0
        };
        for j in 0..k {
            observed[j] += d[j];
            expected[j] += n[j] as f64 * df / nf;
            for l in 0..k {
                let (nj, nl) = (n[j] as f64, n[l] as f64);
                var[j][l] += if j == l {
                    nj * (nf - nj) * v
                } else {
                    -nj * nl * v
                };
            }
        }
    }

    let used: Vec<usize> = (0..k).filter(|&j| expected[j] > 0.0).collect();
    if used.len() < 2 {
        return None;
    }
    let m = used.len() - 1;
    let rhs: Vec<f64> = used[..m]
        .iter()
        .map(|&j| observed[j] as f64 - expected[j])
        .collect();
    let matrix: Vec<Vec<f64>> = used[..m]
        .iter()
        .map(|&j| used[..m].iter().map(|&l| var[j][l]).collect())
        .collect();
    let solution = solve(matrix, rhs.clone())?;
    let statistic = rhs
        .iter()
        .zip(&solution)
        .map(|(a, b)| a * b)
        .sum::<f64>()
        .max(0.0);
    let df = m as u32;
    Some(LogRank {
        statistic,
        df,
        p_value: chi_square_sf(statistic, df as f64),
        observed,
        expected,
    })
}

/// Solves `A x = b` by Gaussian elimination with partial pivoting (Press et al. 2007,
/// "Numerical Recipes", 3rd ed., §2.1–2.2). `None` when `A` is singular, judged by a
/// pivot below `1e-10` times the largest diagonal entry.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let m = b.len();
    let scale = (0..m).map(|i| a[i][i].abs()).fold(0.0, f64::max);
    if !(scale > 0.0 && scale.is_finite()) {
        return None;
    }
    let tol = scale * 1e-10;
    for col in 0..m {
        let pivot = (col..m).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() <= tol {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col].clone();
        for row in col + 1..m {
            let f = a[row][col] / pivot_row[col];
            if f != 0.0 {
                for (dst, src) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                    *dst -= f * src;
                }
                b[row] -= f * b[col];
            }
        }
    }
    let mut x = vec![0.0; m];
    for row in (0..m).rev() {
        let tail: f64 = (row + 1..m).map(|c| a[row][c] * x[c]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    Some(x)
}

// ---------------------------------------------------------------------------------
// Chi-square upper tail via the incomplete gamma function
// ---------------------------------------------------------------------------------

/// Upper tail `P(X ≥ x)` of the chi-square distribution with `df` degrees of freedom:
/// `Q(df/2, x/2)`, the regularized upper incomplete gamma function (Abramowitz &
/// Stegun 1964, "Handbook of Mathematical Functions", 26.4.19). `1` for `x ≤ 0`; NaN
/// for `df ≤ 0` or a NaN argument.
pub fn chi_square_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    gamma_q(df / 2.0, x / 2.0)
}

/// The regularized upper incomplete gamma function `Q(a, x) = Γ(a, x) / Γ(a)` for
/// `a > 0`, `x ≥ 0` (Abramowitz & Stegun 1964, 6.5.3), computed as in Press et al.
/// 2007, "Numerical Recipes", 3rd ed., §6.2 (`gammq`): by the series for `P(a, x)`
/// (A&S 6.5.29) when `x < a + 1`, else by Legendre's continued fraction for `Q`
/// (A&S 6.5.31) evaluated with the modified Lentz method. NaN outside the domain.
pub fn gamma_q(a: f64, x: f64) -> f64 {
    if a.is_nan() || a <= 0.0 || x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return 1.0;
    }
    if x.is_infinite() {
        return 0.0;
    }
    if x < a + 1.0 {
        1.0 - gamma_p_series(a, x)
    } else {
        gamma_q_continued_fraction(a, x)
    }
}

/// The regularized lower incomplete gamma function `P(a, x) = 1 − Q(a, x)` (see
/// [`gamma_q`]; Numerical Recipes `gammp`).
pub fn gamma_p(a: f64, x: f64) -> f64 {
    if a.is_nan() || a <= 0.0 || x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return 0.0;
    }
    if x.is_infinite() {
        return 1.0;
    }
    if x < a + 1.0 {
        gamma_p_series(a, x)
    } else {
        1.0 - gamma_q_continued_fraction(a, x)
    }
}

const GAMMA_EPS: f64 = f64::EPSILON;
const GAMMA_MAX_ITER: usize = 10_000;
const GAMMA_FPMIN: f64 = f64::MIN_POSITIVE / f64::EPSILON;

/// `P(a, x)` by its series `e^{−x} x^a / Γ(a+1) · Σ x^n / ((a+1)…(a+n))` (A&S 6.5.29;
/// Numerical Recipes `gser`); converges fast for `x < a + 1`.
fn gamma_p_series(a: f64, x: f64) -> f64 {
    let mut ap = a;
    let mut del = 1.0 / a;
    let mut sum = del;
    for _ in 0..GAMMA_MAX_ITER {
        ap += 1.0;
        del *= x / ap;
        sum += del;
        if del.abs() < sum.abs() * GAMMA_EPS {
            break;
        }
    }
    (sum.ln() - x + a * x.ln() - ln_gamma(a)).exp()
}

/// `Q(a, x)` by Legendre's continued fraction (A&S 6.5.31) with the modified Lentz
/// method (Numerical Recipes `gcf`, §5.2 and §6.2); converges fast for `x ≥ a + 1`.
fn gamma_q_continued_fraction(a: f64, x: f64) -> f64 {
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / GAMMA_FPMIN;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..=GAMMA_MAX_ITER {
        let an = -(i as f64) * (i as f64 - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < GAMMA_FPMIN {
            d = GAMMA_FPMIN;
        }
        c = b + an / c;
        if c.abs() < GAMMA_FPMIN {
            c = GAMMA_FPMIN;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < GAMMA_EPS {
            break;
        }
    }
    (h.ln() - x + a * x.ln() - ln_gamma(a)).exp()
}

/// `ln Γ(x)` for `x > 0` by the Lanczos approximation (Lanczos 1964, "A precision
/// approximation of the gamma function", SIAM J Numer Anal B 1:86–96) with `g = 7` and
/// nine coefficients (the set computed by P. Godfrey, relative error below 1e-15 for
/// real arguments), and the reflection formula `Γ(x) Γ(1 − x) = π / sin(πx)` below
/// 0.5 (A&S 6.1.17). NaN for `x ≤ 0`.
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEF[0];
    for (i, c) in COEF.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    macro_rules! assert_close {
        ($a:expr, $b:expr, $tol:expr) => {{
            let (a, b, tol): (f64, f64, f64) = ($a, $b, $tol);
            assert!(
                close(a, b, tol),
                "{} = {a}, expected {b} ± {tol}",
                stringify!($a)
            );
        }};
    }

    /// Builds subjects from `(time, event)` pairs.
    fn subjects(pairs: &[(u32, bool)]) -> Vec<Subject> {
        pairs
            .iter()
            .map(|&(time, event)| Subject { time, event })
            .collect()
    }

    /// The 6-MP arm of Freireich et al. 1963 (Blood 21:699–716), remission times in
    /// weeks, `false` = censored; the worked example of Kaplan–Meier in Kleinbaum &
    /// Klein, "Survival Analysis: A Self-Learning Text", ch. 2, and Collett §2.
    fn six_mp() -> Vec<Subject> {
        subjects(&[
            (6, true),
            (6, true),
            (6, true),
            (6, false),
            (7, true),
            (9, false),
            (10, true),
            (10, false),
            (11, false),
            (13, true),
            (16, true),
            (17, false),
            (19, false),
            (20, false),
            (22, true),
            (23, true),
            (25, false),
            (32, false),
            (32, false),
            (34, false),
            (35, false),
        ])
    }

    /// The placebo arm of Freireich et al. 1963, no censoring.
    fn placebo() -> Vec<Subject> {
        [
            1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23,
        ]
        .into_iter()
        .map(Subject::event)
        .collect()
    }

    // ---- Wilson -------------------------------------------------------------------

    #[test]
    fn wilson_newcombe_table_i() {
        // Newcombe 1998, Stat Med 17:857, Table I, method 3 (score, no continuity
        // correction), 81/263: 0.2553 to 0.3662; 15/148: 0.0624 to 0.1605. Full
        // precision from statsmodels 0.15.0 proportion_confint(method="wilson"):
        // (0.2552885198782742, 0.36620957698280004) and
        // (0.06238639953073628, 0.16048724172330803).
        let (lo, hi) = wilson(81, 263).unwrap();
        assert_close!(lo, 0.2553, 5e-5);
        assert_close!(hi, 0.3662, 5e-5);
        assert_close!(lo, 0.2552885198782742, 1e-13);
        assert_close!(hi, 0.36620957698280004, 1e-13);
        let (lo, hi) = wilson(15, 148).unwrap();
        assert_close!(lo, 0.0624, 5e-5);
        assert_close!(hi, 0.1605, 5e-5);
        assert_close!(lo, 0.06238639953073628, 1e-13);
        assert_close!(hi, 0.16048724172330803, 1e-13);
    }

    #[test]
    fn wilson_bounds_are_exact_at_the_edges() {
        // x = 0: upper = z²/(n + z²) = 3.841459/13.841459 = 0.277533 by hand (Newcombe
        // Table I, 0/10: 0.0000 to 0.2775; statsmodels 0.15.0: 0.27753279986288926).
        let (lo, hi) = wilson(0, 10).unwrap();
        assert_eq!(lo, 0.0);
        assert_close!(hi, 0.27753279986288926, 1e-13);
        // x = n: the mirror image, 0.7224672001371106 (statsmodels) to exactly 1.
        let (lo, hi) = wilson(10, 10).unwrap();
        assert_close!(lo, 0.7224672001371106, 1e-13);
        assert_eq!(hi, 1.0);
        // 1/1: x = n gives lower = n/(n + z²) = 1/4.841459 = 0.206549 by hand
        // (statsmodels 0.15.0: 0.2065493143772374), upper exactly 1.
        let (lo, hi) = wilson(1, 1).unwrap();
        assert_close!(lo, 0.2065493143772374, 1e-13);
        assert_eq!(hi, 1.0);
        // 0/1: exactly 0 to 1 − 0.206549 (statsmodels: 0.7934506856227627).
        let (lo, hi) = wilson(0, 1).unwrap();
        assert_eq!(lo, 0.0);
        assert_close!(hi, 0.7934506856227627, 1e-13);
        assert_eq!(wilson(0, 0), None);
        assert_eq!(wilson(5, 0), None);
    }

    #[test]
    fn wilson_is_symmetric_and_contains_the_estimate() {
        for n in [1_u64, 2, 7, 19, 20, 100, 12_345] {
            for x in 0..=n.min(50) {
                let (lo, hi) = wilson(x, n).unwrap();
                let p = x as f64 / n as f64;
                assert!(0.0 <= lo && lo <= p && p <= hi && hi <= 1.0, "{x}/{n}");
                let (lo2, hi2) = wilson(n - x, n).unwrap();
                assert_close!(lo, 1.0 - hi2, 1e-12);
                assert_close!(hi, 1.0 - lo2, 1e-12);
            }
        }
    }

    // ---- Kaplan–Meier -------------------------------------------------------------

    #[test]
    fn km_six_mp_survival_matches_the_textbook_table() {
        // Kleinbaum & Klein ch. 2, Table for group 1 (6-MP): S(6) = .8571, S(7) = .8067,
        // S(10) = .7529, S(13) = .6902, S(16) = .6275, S(22) = .5378, S(23) = .4482.
        let km = KaplanMeier::fit(&six_mp());
        for (t, s) in [
            (6, 0.8571),
            (7, 0.8067),
            (10, 0.7529),
            (13, 0.6902),
            (16, 0.6275),
            (22, 0.5378),
            (23, 0.4482),
        ] {
            assert_close!(km.survival_at(t).unwrap(), s, 5e-5);
        }
        // Exact products: S(10) = 18/21 · 16/17 · 14/15 = 64/85.
        assert_close!(km.survival_at(10).unwrap(), 64.0 / 85.0, 1e-15);
        // Between steps the curve is flat; before the first event it is 1.
        assert_eq!(km.survival_at(9), km.survival_at(7));
        assert_eq!(km.survival_at(5), Some(1.0));
        assert_eq!(km.survival_at(0), Some(1.0));
        // The last subject is censored at 35: S(35) is the last value, S(36) is empty.
        assert_close!(km.survival_at(35).unwrap(), 0.448179, 1e-6);
        assert_eq!(km.survival_at(36), None);
        assert_eq!(km.subjects, 21);
        // Life table at 6: 21 at risk, 3 events, 1 censored (censored after events).
        let s6 = km.steps[0];
        assert_eq!((s6.time, s6.at_risk, s6.events, s6.censored), (6, 21, 3, 1));
        assert_eq!(km.steps.len(), 16);
    }

    #[test]
    fn km_six_mp_greenwood_and_loglog_interval_match_lifelines() {
        let km = KaplanMeier::fit(&six_mp());
        // Greenwood SE at 6: S·sqrt(3/(21·18)) = 0.857143 · 0.089087 = 0.0764
        // (Kleinbaum & Klein ch. 2; Collett §2.2.1).
        assert_close!(km.greenwood_se_at(6).unwrap(), 0.0764, 5e-5);
        // At t = 10, by hand: S = 64/85 = 0.752941, Greenwood sum = 3/(21·18) +
        // 1/(17·16) + 1/(15·14) = 0.0079365 + 0.0036765 + 0.0047619 = 0.0163749;
        // ln S = −0.283759, se(θ) = sqrt(0.0163749)/0.283759 = 0.450961,
        // z·se = 0.883868, exp(±z·se) = 2.420251 / 0.413180, bounds
        // S^2.420251 = 0.503200, S^0.413180 = 0.889362.
        // lifelines 0.30.3 KaplanMeierFitter (default exponential Greenwood CI) on
        // this data: (0.5031995107999564, 0.8893618351692651). (A value quoted as
        // (0.5197, 0.8806) elsewhere is not what lifelines gives.)
        let (lo, hi) = km.interval_at(10).unwrap();
        assert_close!(lo, 0.5031995107999564, 1e-12);
        assert_close!(hi, 0.8893618351692651, 1e-12);
        // More lifelines 0.30.3 values on the same curve.
        for (t, lo, hi) in [
            (6, 0.6197179552659838, 0.9515517476469969),
            (7, 0.5631465646222333, 0.9228090192028802),
            (13, 0.4316102224861839, 0.8490659633494505),
            (16, 0.36751085598750194, 0.8049121894718411),
            (22, 0.26777893676713493, 0.7467907176353943),
            (23, 0.18805200595923233, 0.6801426284952412),
            (35, 0.18805200595923233, 0.6801426284952412),
        ] {
            let (l, h) = km.interval_at(t).unwrap();
            assert_close!(l, lo, 1e-12);
            assert_close!(h, hi, 1e-12);
        }
        // Before the first event the interval collapses to (1, 1).
        assert_eq!(km.interval_at(5), Some((1.0, 1.0)));
        assert_eq!(km.interval_at(36), None);
    }

    #[test]
    fn km_six_mp_median_and_its_interval() {
        // lifelines 0.30.3: median_survival_time_ = 23; median_survival_times of the
        // confidence interval: lower 13, upper inf (not reached). By hand: the lower
        // band first drops to ≤ 0.5 at 13 (0.4316; at 10 it is 0.5032), the upper band
        // never does (its minimum is 0.6801).
        let km = KaplanMeier::fit(&six_mp());
        assert_eq!(km.median(), Some(23));
        assert_eq!(km.median_interval(), (Some(13), None));
        // Placebo arm: S(8) = 8/21 = 0.381 ≤ 0.5 and S(5) = 12/21 = 0.571, median 8.
        assert_eq!(KaplanMeier::fit(&placebo()).median(), Some(8));
    }

    #[test]
    fn km_median_at_exactly_one_half() {
        // 1, 2, 3, 4 all events: S(2) = 0.5 exactly; lifelines 0.30.3 median = 2.
        let km = KaplanMeier::fit(&[1, 2, 3, 4].map(Subject::event));
        assert_eq!(km.median(), Some(2));
        // 22 subjects, 7 events at 1, 4 at 2, 11 censored at 5: S(2) = 15/22 · 11/15 = 1/2
        // in exact arithmetic, 0.5000000000000001 in floating point (checked in
        // Python): still recognised as the median.
        let mut v = vec![Subject::event(1); 7];
        v.extend([Subject::event(2); 4]);
        v.extend([Subject::censored(5); 11]);
        let km = KaplanMeier::fit(&v);
        assert!(km.survival_at(2).unwrap() > 0.5);
        assert_eq!(km.median(), Some(2));
        // Not reached.
        let km = KaplanMeier::fit(&[
            Subject::event(1),
            Subject::censored(2),
            Subject::censored(3),
        ]);
        assert_eq!(km.median(), None);
    }

    #[test]
    fn km_ties_events_before_censorings_match_lifelines() {
        // Events and censorings tied at 0, 2 and 5. lifelines 0.30.3 event_table:
        // t=0: at_risk 10, observed 1, censored 1; t=2: 8, 2, 2; t=5: 4, 1, 1;
        // t=7: 2, 1, 0; t=9: 1, 0, 1. Survival 0.9, 0.675, 0.50625, 0.253125.
        let km = KaplanMeier::fit(&subjects(&[
            (0, true),
            (0, false),
            (2, true),
            (2, true),
            (2, false),
            (2, false),
            (5, true),
            (5, false),
            (7, true),
            (9, false),
        ]));
        let table: Vec<_> = km
            .steps
            .iter()
            .map(|s| (s.time, s.at_risk, s.events, s.censored))
            .collect();
        assert_eq!(
            table,
            [
                (0, 10, 1, 1),
                (2, 8, 2, 2),
                (5, 4, 1, 1),
                (7, 2, 1, 0),
                (9, 1, 0, 1)
            ]
        );
        // lifelines 0.30.3 survival and CI.
        for (t, s, lo, hi) in [
            (0, 0.9, 0.47300927136205084, 0.985281393367343),
            (2, 0.675, 0.29058535740313257, 0.8824967337087402),
            (5, 0.50625, 0.13956377129035924, 0.7903235248002741),
            (7, 0.253125, 0.013754819958110965, 0.6438076563936472),
            (9, 0.253125, 0.013754819958110965, 0.6438076563936472),
        ] {
            assert_close!(km.survival_at(t).unwrap(), s, 1e-12);
            let (l, h) = km.interval_at(t).unwrap();
            assert_close!(l, lo, 1e-12);
            assert_close!(h, hi, 1e-12);
        }
        // lifelines 0.30.3: median 7.
        assert_eq!(km.median(), Some(7));
        // Numbers at risk: 10 at 0, 8 at 1 and 2, 4 at 3..5, 1 at 8 and 9, 0 after.
        assert_eq!(
            [0, 1, 2, 3, 5, 6, 8, 9, 10].map(|t| km.at_risk_at(t)),
            [10, 8, 8, 4, 4, 2, 1, 1, 0]
        );
        assert_eq!([0, 1, 2, 7, 100].map(|w| km.events_by(w)), [1, 1, 3, 5, 5]);
    }

    #[test]
    fn km_time_zero_events() {
        // Two of four relapse on the index day: S(0) = 1 − 2/4 = 0.5.
        let km = KaplanMeier::fit(&subjects(&[(0, true), (0, true), (3, false), (4, false)]));
        assert_eq!(km.survival_at(0), Some(0.5));
        assert_eq!(km.median(), Some(0));
        assert_eq!(km.events_by(0), 2);
        // With w = 0 every subject has t ≥ 0, so the value exists.
        let (v, lo, hi) = km.relapse_at(0).unwrap();
        assert_eq!(v, 0.5);
        assert!(lo < v && v < hi);
    }

    #[test]
    fn km_all_censored_stays_at_one() {
        let km = KaplanMeier::fit(&[400, 500, 800].map(Subject::censored));
        assert_eq!(km.survival_at(365), Some(1.0));
        assert_eq!(km.interval_at(365), Some((1.0, 1.0)));
        assert_eq!(km.relapse_at(365), Some((0.0, 0.0, 0.0)));
        assert_eq!(km.greenwood_se_at(365), Some(0.0));
        assert_eq!(km.median(), None);
        assert_eq!(km.median_interval(), (None, None));
        assert_eq!(km.events_by(1000), 0);
    }

    #[test]
    fn km_everyone_has_the_event() {
        // 10, 20, 30 all events: S = 2/3, 1/3, 0.
        let km = KaplanMeier::fit(&[30, 10, 20].map(Subject::event));
        assert_close!(km.survival_at(15).unwrap(), 2.0 / 3.0, 1e-15);
        assert_eq!(km.survival_at(30), Some(0.0));
        assert_eq!(km.interval_at(30), Some((0.0, 0.0)));
        assert_eq!(km.relapse_at(30), Some((1.0, 1.0, 1.0)));
        assert_eq!(km.greenwood_se_at(30), Some(0.0));
        assert!(km.steps[2].greenwood_sum.is_infinite());
        // S(10) = 2/3; by hand: Greenwood sum 1/(3·2) = 1/6, ln S = −0.405465,
        // se(θ) = 0.408248/0.405465 = 1.006864, exp(z·se) = 7.195224, S^7.195224 = 0.054073,
        // S^(1/7.195224) = 0.945206. lifelines 0.30.3: (0.05407342678651668,
        // 0.945206387272047).
        let (lo, hi) = km.interval_at(10).unwrap();
        assert_close!(lo, 0.05407342678651668, 1e-12);
        assert_close!(hi, 0.945206387272047, 1e-12);
        assert_eq!(km.median(), Some(20));
        // The window is past the last time: nobody has t ≥ 31.
        assert_eq!(km.survival_at(31), None);
    }

    #[test]
    fn km_follow_up_shorter_than_the_window_is_empty() {
        // Everyone followed for less than 365 days: value and interval are empty.
        let km = KaplanMeier::fit(&subjects(&[(100, true), (200, false), (364, false)]));
        assert_eq!(km.survival_at(365), None);
        assert_eq!(km.interval_at(365), None);
        assert_eq!(km.relapse_at(365), None);
        assert_eq!(km.greenwood_se_at(365), None);
        // …but the numerator is still countable.
        assert_eq!(km.events_by(365), 1);
        // One person reaching exactly 365 (censored there) is enough.
        let km = KaplanMeier::fit(&subjects(&[(100, true), (365, false)]));
        assert_eq!(km.survival_at(365), Some(0.5));
    }

    #[test]
    fn km_empty_input() {
        let km = KaplanMeier::fit(&[]);
        assert!(km.steps.is_empty());
        assert_eq!(km.subjects, 0);
        assert_eq!(km.survival_at(0), None);
        assert_eq!(km.interval_at(365), None);
        assert_eq!(km.relapse_at(365), None);
        assert_eq!(km.at_risk_at(0), 0);
        assert_eq!(km.events_by(365), 0);
        assert_eq!(km.median(), None);
        assert_eq!(km.median_interval(), (None, None));
    }

    #[test]
    fn km_relapse_maps_the_interval() {
        let km = KaplanMeier::fit(&six_mp());
        let s = km.survival_at(10).unwrap();
        let (lo, hi) = km.interval_at(10).unwrap();
        assert_eq!(km.relapse_at(10), Some((1.0 - s, 1.0 - hi, 1.0 - lo)));
    }

    #[test]
    fn km_input_order_does_not_matter() {
        let mut v = six_mp();
        let a = KaplanMeier::fit(&v);
        v.reverse();
        v.swap(0, 7);
        assert_eq!(KaplanMeier::fit(&v), a);
    }

    // ---- Log-rank -----------------------------------------------------------------

    #[test]
    fn logrank_six_mp_versus_placebo() {
        // Freireich data, the classic textbook example (Kleinbaum & Klein ch. 2:
        // log-rank chi-square 16.79, p < 0.0001; R survdiff: Chisq = 16.8, p = 4e-05).
        // lifelines 0.30.3 logrank_test: 16.792940989216547, p = 4.168809109334511e-05.
        // Observed/expected (Kleinbaum & Klein): 6-MP 9 / 19.25, placebo 21 / 10.75.
        let (a, b) = (six_mp(), placebo());
        let r = logrank(&[&a, &b]).unwrap();
        assert_close!(r.statistic, 16.792940989216547, 1e-9);
        assert_close!(r.p_value, 4.168809109334511e-05, 1e-12);
        assert_eq!(r.df, 1);
        assert_eq!(r.observed, [9, 21]);
        assert_close!(r.expected[0], 19.25, 5e-3);
        assert_close!(r.expected[1], 10.75, 5e-3);
        // The statistic does not depend on which group is left out.
        let r2 = logrank(&[&b, &a]).unwrap();
        assert_close!(r2.statistic, r.statistic, 1e-9);
    }

    #[test]
    fn logrank_three_groups_matches_lifelines() {
        // lifelines 0.30.3 multivariate_logrank_test on these three groups:
        // test_statistic = 5.235551558718151, p = 0.07296497267485724, df = 2.
        let a = subjects(&[
            (3, true),
            (5, true),
            (7, false),
            (9, true),
            (12, true),
            (15, false),
            (18, true),
            (21, false),
        ]);
        let b = subjects(&[
            (2, true),
            (4, true),
            (4, true),
            (6, false),
            (8, true),
            (10, true),
            (11, false),
            (13, true),
        ]);
        let c = subjects(&[
            (5, true),
            (8, false),
            (10, true),
            (14, true),
            (16, false),
            (20, true),
            (25, true),
            (30, false),
        ]);
        let r = logrank(&[&a, &b, &c]).unwrap();
        assert_eq!(r.df, 2);
        assert_close!(r.statistic, 5.235551558718151, 1e-9);
        assert_close!(r.p_value, 0.07296497267485724, 1e-12);
        // Any order gives the same statistic.
        let r2 = logrank(&[&c, &a, &b]).unwrap();
        assert_close!(r2.statistic, r.statistic, 1e-9);
        // lifelines 0.30.3 logrank_test(a, b): 1.6165774907050774, p = 0.20356966876913804.
        let r = logrank(&[&a, &b]).unwrap();
        assert_close!(r.statistic, 1.6165774907050774, 1e-9);
        assert_close!(r.p_value, 0.20356966876913804, 1e-12);
        // An empty group is left out: still the two-group test, df 1.
        let empty: Vec<Subject> = Vec::new();
        let r = logrank(&[&a, &empty, &b]).unwrap();
        assert_eq!(r.df, 1);
        assert_close!(r.statistic, 1.6165774907050774, 1e-9);
        assert_eq!(r.observed[1], 0);
        assert_eq!(r.expected[1], 0.0);
    }

    #[test]
    fn logrank_identical_groups_give_zero() {
        let a = six_mp();
        let r = logrank(&[&a, &a]).unwrap();
        assert_close!(r.statistic, 0.0, 1e-12);
        assert_close!(r.p_value, 1.0, 1e-12);
        let r = logrank(&[&a, &a, &a]).unwrap();
        assert_eq!(r.df, 2);
        assert_close!(r.statistic, 0.0, 1e-12);
    }

    #[test]
    fn logrank_degenerate_inputs() {
        let a = six_mp();
        let empty: Vec<Subject> = Vec::new();
        assert!(logrank(&[]).is_none());
        assert!(logrank(&[&a]).is_none());
        assert!(logrank(&[&a, &empty]).is_none());
        // No events at all: no variance.
        let c1 = [1, 2, 3].map(Subject::censored);
        let c2 = [4, 5].map(Subject::censored);
        assert!(logrank(&[&c1, &c2]).is_none());
        // A group whose members are all gone before the first event carries no
        // information (expected 0) and is left out, as R survdiff does.
        let early = [Subject::censored(0)];
        let late = [Subject::event(5), Subject::event(6)];
        assert!(logrank(&[&early, &late]).is_none());
    }

    // ---- Chi-square and gamma -----------------------------------------------------

    #[test]
    fn chi_square_critical_values() {
        // The 95% quantiles of chi-square with 1 and 2 df (A&S Table 26.8; R
        // qchisq(0.95, 1) = 3.841458820694124, qchisq(0.95, 2) = 5.991464547107979):
        // upper tail 0.05. scipy 1.17.1 chi2.sf gives 0.04999999999999989 and
        // 0.05000000000000007.
        assert_close!(chi_square_sf(3.841458820694124, 1.0), 0.05, 1e-13);
        assert_close!(chi_square_sf(5.991464547107979, 2.0), 0.05, 1e-13);
        // More scipy 1.17.1 chi2.sf values, relative error 1e-10.
        for (x, df, p) in [
            (16.79, 1.0, 4.1752751389197874e-05),
            (0.5, 3.0, 0.9188914116546758),
            (100.0, 10.0, 5.4497019829205215e-17),
            (1e-3, 1.0, 0.9747728793699604),
            (40.0, 2.0, 2.0611536224385566e-09),
        ] {
            let got = chi_square_sf(x, df);
            assert!(
                ((got - p) / p).abs() < 1e-10,
                "chi2.sf({x}, {df}) = {got}, want {p}"
            );
        }
        // df = 2 has the closed form exp(−x/2).
        for x in [0.1, 1.0, 7.5, 30.0] {
            assert_close!(chi_square_sf(x, 2.0), (-x / 2.0_f64).exp(), 1e-14);
        }
        assert_eq!(chi_square_sf(0.0, 1.0), 1.0);
        assert_eq!(chi_square_sf(-1.0, 1.0), 1.0);
        assert!(chi_square_sf(1.0, 0.0).is_nan());
        assert!(chi_square_sf(f64::NAN, 1.0).is_nan());
    }

    #[test]
    fn incomplete_gamma_identities() {
        // P + Q = 1 on both sides of the switch point x = a + 1.
        for a in [0.5, 1.0, 2.5, 10.0] {
            for x in [0.01, 0.5, 1.0, 3.0, 11.0, 50.0] {
                assert_close!(gamma_p(a, x) + gamma_q(a, x), 1.0, 1e-14);
            }
        }
        // Q(1, x) = e^{−x}; P(1/2, x) = erf(sqrt x): erf(1) = 0.8427007929497149 (A&S
        // Table 7.1).
        assert_close!(gamma_q(1.0, 2.0), (-2.0_f64).exp(), 1e-15);
        assert_close!(gamma_p(0.5, 1.0), 0.8427007929497149, 1e-14);
        assert_eq!(gamma_q(1.0, 0.0), 1.0);
        assert_eq!(gamma_q(1.0, f64::INFINITY), 0.0);
        assert!(gamma_q(0.0, 1.0).is_nan());
        assert!(gamma_q(1.0, -1.0).is_nan());
    }

    #[test]
    fn ln_gamma_known_values() {
        // Γ(n) = (n − 1)!; Γ(1/2) = sqrt(π) (A&S 6.1.8); Γ(0.1) = 9.513507698668732 and
        // Γ(100) = 99! with ln 99! = 359.1342053695754 (A&S 6.1; Python math.lgamma).
        assert_close!(ln_gamma(1.0), 0.0, 1e-15);
        assert_close!(ln_gamma(2.0), 0.0, 1e-15);
        assert_close!(ln_gamma(5.0), 24.0_f64.ln(), 1e-14);
        assert_close!(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-14);
        assert_close!(ln_gamma(0.1), 9.513507698668732_f64.ln(), 1e-13);
        assert_close!(ln_gamma(100.0), 359.1342053695754, 1e-11);
        assert!(ln_gamma(0.0).is_nan());
        assert!(ln_gamma(-1.5).is_nan());
    }
}
