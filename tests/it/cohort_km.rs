//! Kaplan–Meier relapse worked out by hand on `tests/fixtures/cohort`, checked in both
//! `jindu metrics` (`relapse_12m`, `relapse_36m`) and `jindu cohort`.
//!
//! Five persons report to a community measure on 2020-01-10 (the index date); the data
//! cutoff C is 2024-12-30 (Q4's last test), so t = days after 2020-01-10:
//!
//! | person | what happens                                   | t    | event |
//! |--------|------------------------------------------------|------|-------|
//! | Q1     | positive test 2020-04-19                       | 100  | yes   |
//! | Q5     | departs 2020-04-19 (censored, tie with Q1)     | 100  | no    |
//! | Q2     | dies 2020-07-28                                | 200  | no    |
//! | Q3     | negative test 2020-03-01, detected 2021-02-13  | 400  | yes   |
//! | Q4     | negative tests only, followed to C             | 1816 | no    |
//!
//! Events come before censorings at a tied time (METRICS.md), so at t = 100 five are
//! at risk: S(100) = 1 − 1/5 = 0.8 (handled the other way it would be 1 − 1/4 = 0.75).
//! Q5 and Q2 leave; at t = 400 two are at risk: S(400) = 0.8 × (1 − 1/2) = 0.4.
//! relapse_12m = 1 − S(365) = 0.2 with 1 event by day 365; relapse_36m = 1 − S(1095)
//! = 0.6 with 2 events; the cohort is 5. The median is 400 days (first t with S ≤ 0.5).
//!
//! Interval (exponential Greenwood, z = 1.959963984540054): V(t) = Σ d/(n(n − d)),
//! se = √V / |ln S|, S_low = S^exp(z·se), S_high = S^exp(−z·se); relapse = 1 − S.

use crate::common::*;

const COHORT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cohort");
const Z: f64 = 1.959963984540054;

/// (S_low, S_high) by the formula above, from (d, n) at each event time up to t.
fn greenwood(s: f64, steps: &[(f64, f64)]) -> (f64, f64) {
    let v: f64 = steps.iter().map(|(d, n)| d / (n * (n - d))).sum();
    let se = v.sqrt() / s.ln().abs();
    (s.powf((Z * se).exp()), s.powf((-Z * se).exp()))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

#[test]
fn relapse_metrics_are_the_hand_worked_kaplan_meier() {
    let o = run(&[
        "metrics",
        COHORT,
        "--metric",
        "relapse_12m",
        "--metric",
        "relapse_36m",
        "--level",
        "province",
        "--from",
        "2020",
        "--to",
        "2020",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    let expect = [
        ("relapse_12m", "1", 0.8, greenwood(0.8, &[(1.0, 5.0)])),
        (
            "relapse_36m",
            "2",
            0.4,
            greenwood(0.4, &[(1.0, 5.0), (1.0, 2.0)]),
        ),
    ];
    for (r, (id, events, s, (s_low, s_high))) in rows.iter().zip(expect) {
        assert_eq!(r[0], id);
        assert_eq!((r[8], r[9]), (events, "5"), "{id}");
        assert!(close(num(r[10]), 1.0 - s), "{id} value {}", r[10]);
        // The interval of 1 − S is (1 − S_high, 1 − S_low).
        assert!(close(num(r[11]), 1.0 - s_high), "{id} low {}", r[11]);
        assert!(close(num(r[12]), 1.0 - s_low), "{id} high {}", r[12]);
    }
}

#[test]
fn cohort_table_is_the_hand_worked_kaplan_meier() {
    let o = run(&["cohort", COHORT, "--entered", "2020", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v.as_array().unwrap();
    // Horizons 6, 12, 24 and 36 months: at risk just after the horizon, events by it,
    // survival.
    let expect = [
        (183, 3, 1, 0.8),
        (365, 2, 1, 0.8),
        (730, 1, 2, 0.4),
        (1095, 1, 2, 0.4),
    ];
    assert_eq!(rows.len(), expect.len());
    for (r, (h, at_risk, events, s)) in rows.iter().zip(expect) {
        assert_eq!(r["group"], "(all)");
        assert_eq!(r["n"], 5);
        assert_eq!(r["events"], 2);
        assert_eq!(r["median_days"], 400);
        assert_eq!(r["horizon_days"], h);
        assert_eq!(r["at_risk"], at_risk, "{h}");
        assert_eq!(r["events_by"], events, "{h}");
        assert!(close(r["survival"].as_f64().unwrap(), s), "{h}");
        let steps: &[(f64, f64)] = if s == 0.8 {
            &[(1.0, 5.0)]
        } else {
            &[(1.0, 5.0), (1.0, 2.0)]
        };
        let (lo, hi) = greenwood(s, steps);
        assert!(close(r["survival_low"].as_f64().unwrap(), lo), "{h}");
        assert!(close(r["survival_high"].as_f64().unwrap(), hi), "{h}");
    }
}
