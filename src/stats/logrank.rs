//! The k-sample log-rank test of equal survival, with the chi-square upper tail that
//! turns its statistic into a p-value.

use statrs::distribution::{ChiSquared, ContinuousCDF};

use super::Subject;

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

/// Upper tail `P(X ≥ x)` of the chi-square distribution with `df` degrees of freedom:
/// `Q(df/2, x/2)`, the regularized upper incomplete gamma function (Abramowitz &
/// Stegun 1964, "Handbook of Mathematical Functions", 26.4.19), as computed by
/// `statrs` (`ChiSquared::sf`, which evaluates `gamma_ur`). `1` for `x ≤ 0`; NaN for
/// `df ≤ 0` or a NaN argument.
pub fn chi_square_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    ChiSquared::new(df).map_or(f64::NAN, |chi2| chi2.sf(x))
}
