//! Reference tests of the statistics against published tables, lifelines and scipy.

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

// ---- Chi-square upper tail -----------------------------------------------------

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
