//! The Kaplan–Meier estimator of a survival curve with Greenwood's variance, the
//! log(−log) pointwise interval, numbers at risk and the median with its interval: the
//! relapse rates of the cohorts in `METRICS.md`.

use super::{Subject, Z95};

/// Survival values within this distance of 0.5 count as 0.5 when a median is read off
/// the curve, so that a product equal to one half in exact arithmetic is recognised
/// despite rounding (`(1 − 7/22)(1 − 4/15)` is `0.5000000000000001` in `f64`).
const HALF_TOLERANCE: f64 = 1e-12;

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
