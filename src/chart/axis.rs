//! Axes: "nice" tick values, the decimals their labels need, and the linear
//! mapping from data to pixels.

/// "Nice" axis ticks covering `lo..=hi` with at most about `max_ticks` ticks.
pub(super) fn nice_ticks(lo: f64, hi: f64, max_ticks: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
    let raw = (hi - lo) / (max_ticks.max(2) - 1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * mag);
    let first = (lo / step + 1e-9).floor();
    let last = (hi / step - 1e-9).ceil();
    ((first as i64)..=(last as i64))
        .map(|k| {
            let v = k as f64 * step;
            (v * 1e9).round() / 1e9
        })
        .collect()
}

/// Decimals needed to print ticks of spacing `step` exactly.
pub(super) fn decimals_for(step: f64) -> usize {
    let mut d = 0;
    while d < 4
        && ((step * 10f64.powi(d as i32)).round() - step * 10f64.powi(d as i32)).abs() > 1e-6
    {
        d += 1;
    }
    d
}

/// A linear mapping from data to pixels.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scale {
    pub(super) d0: f64,
    pub(super) d1: f64,
    pub(super) p0: f64,
    pub(super) p1: f64,
}

impl Scale {
    pub(super) fn map(&self, v: f64) -> f64 {
        if (self.d1 - self.d0).abs() < f64::EPSILON {
            return self.p0;
        }
        self.p0 + (v - self.d0) / (self.d1 - self.d0) * (self.p1 - self.p0)
    }
}
