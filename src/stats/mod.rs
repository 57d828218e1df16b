//! Pure statistics for the metrics of `METRICS.md`: the Wilson score interval for rates
//! ([`wilson`]), the Kaplan–Meier estimator with its Greenwood variance and "exponential
//! Greenwood" (log(−log)) interval for the relapse cohorts ([`KaplanMeier`]), and the
//! log-rank test for comparing cohorts ([`logrank`]) with the chi-square upper tail that
//! the test needs ([`chi_square_sf`], by `statrs`'s regularized incomplete gamma
//! function), and the intervals of year-on-year differences ([`difference`]). This module owns the formulas and nothing else: it knows no tables,
//! regions, dates or output format, and every function is deterministic, so two runs on
//! the same numbers give the same bits. Each formula cites its source in its doc
//! comment.

pub mod difference;
mod km;
mod logrank;
#[cfg(test)]
mod tests;
mod wilson;

pub use km::{KaplanMeier, KmStep};
pub use logrank::{LogRank, chi_square_sf, logrank};
pub use wilson::wilson;

/// The 97.5% quantile of the standard normal distribution, the `z` of every 95%
/// interval in `METRICS.md` (Φ⁻¹(0.975), to the precision of an `f64`).
pub const Z95: f64 = 1.959963984540054;

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
