//! The committed synthetic sample: reproducible from its seed, calibrated to the
//! published figures (computed by jindu's own metrics), and `--dirty` leaves the clean
//! rows' numbers unchanged.

use std::collections::BTreeMap;

use crate::common::*;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/ningxia");

/// `jindu sample --scale ningxia --seed 20251231` gives the committed files, byte for
/// byte (the whole export regenerates in about a second).
#[test]
fn committed_sample_regenerates_identically() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("nx");
    let o = run(&[
        "sample",
        "--scale",
        "ningxia",
        "--seed",
        "20251231",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sample-data/ningxia.sha256"
    ))
    .unwrap();
    let mut n = 0;
    for line in manifest.lines() {
        let (_, name) = line.split_once("  ").unwrap();
        let name = name.trim_start_matches("ningxia/");
        let committed = std::fs::read(format!("{SAMPLE}/{name}")).unwrap();
        let regenerated = std::fs::read(out.join(name)).unwrap();
        assert!(
            committed == regenerated,
            "{name} differs from a fresh generation"
        );
        n += 1;
    }
    assert_eq!(n, 8);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 8);
}

type Rows = BTreeMap<(String, String, String), BTreeMap<String, String>>;

/// Totals (no breakdown) of `jindu metrics` as (metric, period, region) → row.
fn totals(args: &[&str]) -> Rows {
    let mut all = vec!["metrics", SAMPLE, "--format", "csv"];
    all.extend_from_slice(args);
    let o = run(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let mut out = BTreeMap::new();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        if !f[6].is_empty() {
            continue;
        }
        let row: BTreeMap<String, String> = header
            .iter()
            .cloned()
            .zip(f.iter().map(|s| s.to_string()))
            .collect();
        out.insert((f[0].to_string(), f[1].to_string(), f[3].to_string()), row);
    }
    out
}

fn value(r: &Rows, metric: &str, year: u32, region: &str) -> f64 {
    r[&(metric.to_string(), year.to_string(), region.to_string())]["value"]
        .parse()
        .unwrap_or_else(|_| panic!("{metric} {year} {region} has no value"))
}

fn within(x: f64, target: f64, rel: f64) -> bool {
    (x - target).abs() <= target * rel
}

/// SEED-FACTS.md, recomputed from the imported sample with the METRICS.md definitions.
#[test]
fn sample_reproduces_the_published_figures() {
    let p = totals(&["--level", "province"]);
    let nx = "640000";
    let exec13 = value(&p, "execution_rate", 2013, nx);
    assert!((0.40..=0.45).contains(&exec13), "execution 2013 {exec13}");
    for y in 2020..=2025 {
        let e = value(&p, "execution_rate", y, nx);
        assert!(e >= 0.99, "execution {y} {e}");
    }
    let c13 = value(&p, "consolidation_rate", 2013, nx);
    assert!((0.25..=0.29).contains(&c13), "consolidation 2013 {c13}");
    let c19 = value(&p, "consolidation_rate", 2019, nx);
    assert!((0.69..0.70).contains(&c19), "consolidation 2019 {c19}");
    let c25 = value(&p, "consolidation_rate", 2025, nx);
    assert!(c25 >= 0.92, "consolidation 2025 {c25}");
    let ab25 = value(&p, "abstinent_3y", 2025, nx);
    assert!(within(ab25, 27_900.0, 0.03), "abstinent 2025 {ab25}");
    let nu13 = value(&p, "new_users", 2013, nx);
    assert!(within(nu13, 4_485.0, 0.03), "new users 2013 {nu13}");
    let nu19 = value(&p, "new_users", 2019, nx);
    assert!(within(nu19, 199.0, 0.05), "new users 2019 {nu19}");
    for y in 2014..=2019 {
        assert!(
            value(&p, "new_users", y, nx) < value(&p, "new_users", y - 1, nx),
            "new users fall in {y}"
        );
    }
    for y in 2020..=2025 {
        assert!(
            value(&p, "new_users", y, nx) < nu19,
            "new users {y} below 2019"
        );
    }
    let caseload = value(&p, "officer_caseload", 2019, nx);
    assert!(
        (18.0..=22.0).contains(&caseload),
        "caseload 2019 {caseload}"
    );
    let reg16 = value(&p, "registered", 2016, nx);
    assert!(within(reg16, 28_818.0, 0.03), "registered 2016 {reg16}");
    let um16 = value(&p, "under_community_measure", 2016, nx);
    assert!(within(um16, 6_893.0, 0.03), "under measures 2016 {um16}");

    let c = totals(&[
        "--region",
        "640324",
        "--metric",
        "new_users_decline_streak",
        "--metric",
        "officer_caseload",
    ]);
    let streak = (2014..=2025)
        .map(|y| value(&c, "new_users_decline_streak", y, "640324"))
        .fold(0.0, f64::max);
    assert!(streak >= 8.0, "同心县 longest decline streak {streak}");
    let officers = &c[&(
        "officer_caseload".to_string(),
        "2025".to_string(),
        "640324".to_string(),
    )]["denominator"];
    assert_eq!(officers, "142", "同心县 officers");
}

/// The defects of `--dirty` are quarantined or normalised away: every metric is the
/// same as on the clean export of the same seed.
#[test]
fn dirty_exports_give_the_same_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let clean = dir.path().join("clean");
    let dirty = dir.path().join("dirty");
    for (out, extra) in [(&clean, None), (&dirty, Some("--dirty"))] {
        let mut args = vec![
            "sample",
            "--scale",
            "4000",
            "--seed",
            "7",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(extra);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let check = run(&["check", "--format", "json", dirty.to_str().unwrap()]);
    assert!(check.status.success(), "{}", stdout(&check));
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    let quarantined: u64 = report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["quarantined"].as_u64().unwrap())
        .sum();
    let merged: u64 = report["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["merged"].as_u64().unwrap())
        .sum();
    assert!(
        quarantined > 0 && merged > 0,
        "dirty sample has defects: {quarantined} quarantined, {merged} merged"
    );
    let a = run(&[
        "metrics",
        clean.to_str().unwrap(),
        "--format",
        "csv",
        "--level",
        "township",
    ]);
    let b = run(&[
        "metrics",
        dirty.to_str().unwrap(),
        "--format",
        "csv",
        "--level",
        "township",
    ]);
    assert!(a.status.success() && b.status.success());
    assert!(
        a.stdout == b.stdout,
        "metrics differ between the clean and the dirty export"
    );
}
