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
    assert_eq!(n, 10);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 10);
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

fn frac(r: &Rows, metric: &str, year: u32, region: &str) -> (u64, u64) {
    let row = &r[&(metric.to_string(), year.to_string(), region.to_string())];
    (
        row["numerator"].parse().unwrap(),
        row["denominator"].parse().unwrap(),
    )
}

fn within(x: f64, target: f64, rel: f64) -> bool {
    (x - target).abs() <= target * rel
}

/// SEED-FACTS.md, recomputed from the imported sample with the METRICS.md definitions.
#[test]
fn sample_reproduces_the_published_figures() {
    let p = totals(&["--level", "province"]);
    let nx = "640000";
    // The campaign's start: execution 2,513 of 5,817 (43%, published "about 40%").
    assert_eq!(frac(&p, "execution_rate", 2013, nx), (2513, 5817));
    for y in 2020..=2025 {
        let e = value(&p, "execution_rate", y, nx);
        assert!(e >= 0.99, "execution {y} {e}");
    }
    // Consolidation: 27% at the start (5,436 / 20,063), 69% in 2019 (published 69%),
    // above 92% ten years on (27,953 / 29,353 = 95.2%).
    assert_eq!(frac(&p, "consolidation_rate", 2013, nx), (5436, 20063));
    assert_eq!(frac(&p, "consolidation_rate", 2019, nx), (20314, 29332));
    assert_eq!(frac(&p, "consolidation_rate", 2025, nx), (27953, 29353));
    let ab25 = value(&p, "abstinent_3y", 2025, nx);
    assert_eq!(ab25, 27_953.0, "abstinent 2025 (published about 27,900)");
    // New users exactly as published: 4,485 (2013) and 199 (2019).
    let nu13 = value(&p, "new_users", 2013, nx);
    assert_eq!(nu13, 4_485.0);
    let nu19 = value(&p, "new_users", 2019, nx);
    assert_eq!(nu19, 199.0);
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
    // About 1 officer per 20 persons under measures in 2019: 5,514 / 268.
    assert_eq!(frac(&p, "officer_caseload", 2019, nx), (5514, 268));
    // Registered exactly as published (28,818, mid 2016, reproduced at the end of
    // 2016); under community measures 6,891 (published 6,893).
    assert_eq!(value(&p, "registered", 2016, nx), 28_818.0);
    let um16 = value(&p, "under_community_measure", 2016, nx);
    assert_eq!(um16, 6_891.0);
    assert!(within(um16, 6_893.0, 0.001));
    // Escalation and 36-month relapse are non-zero in the sample.
    assert_eq!(frac(&p, "escalation_rate", 2019, nx), (445, 8406));
    assert_eq!(frac(&p, "relapse_36m", 2019, nx), (473, 1868));

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

/// The metrics of the imported sample equal the generator's own calibration checker
/// (`src/sample/calibrate.rs`), a second implementation of the stock and flow
/// definitions that runs on the in-memory simulation, before any export or import.
#[test]
fn sample_metrics_equal_the_generators_calibration() {
    use jindu::sample::calibrate::{Simulation, calibration};
    use jindu::sample::{Scale, world_for};
    let cal = calibration(&Simulation::run(world_for(&Scale::Ningxia, 20251231)));
    let p = totals(&["--level", "province"]);
    let nx = "640000";
    let mut compared = 0;
    for &(y, n) in &cal.new_users {
        if y >= 2000 && p.contains_key(&("new_users".to_string(), y.to_string(), nx.to_string())) {
            assert_eq!(
                value(&p, "new_users", y as u32, nx),
                n as f64,
                "new users {y}"
            );
            compared += 1;
        }
    }
    for &(y, num, den) in &cal.execution_rate {
        if p.contains_key(&("execution_rate".to_string(), y.to_string(), nx.to_string())) {
            assert_eq!(
                frac(&p, "execution_rate", y as u32, nx),
                (num, den),
                "execution {y}"
            );
            compared += 1;
        }
    }
    for y in [2013, 2016, 2019, 2025] {
        let d = jindu::dates::dec31(y);
        let (abstinent, existing, _) = cal.consolidation_at(d);
        assert_eq!(
            frac(&p, "consolidation_rate", y as u32, nx),
            (abstinent, abstinent + existing),
            "consolidation {y}"
        );
        assert_eq!(
            value(&p, "registered", y as u32, nx),
            cal.registered_at(d) as f64,
            "registered {y}"
        );
        assert_eq!(
            value(&p, "under_community_measure", y as u32, nx),
            cal.under_measure_at(d) as f64,
            "under measures {y}"
        );
        let (officers, _) = cal.officers_at(d);
        assert_eq!(
            frac(&p, "officer_caseload", y as u32, nx).1,
            officers,
            "officers {y}"
        );
        compared += 4;
    }
    assert!(compared > 40, "only {compared} figures compared");
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

/// `metrics --publish` audits every published cell before writing (a count or a rate
/// from 1–9 persons shown, or one hidden value recoverable from its total, refuses the
/// output); the sample passes at every level.
#[test]
fn published_sample_passes_the_disclosure_audit() {
    for level in ["province", "city", "county", "township"] {
        let o = run(&[
            "metrics",
            SAMPLE,
            "--level",
            level,
            "--publish",
            "--format",
            "csv",
        ]);
        assert!(o.status.success(), "{level}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(
            text.contains(",suppressed") || text.contains(";suppressed"),
            "{level}: nothing hidden?"
        );
    }
}

/// Contract v1.2 in the sample: 同心县 has no incident in the ten years up to 2021
/// (连续10年未发生吸毒人员肇事肇祸案事件) while the region as a whole has some every year,
/// and every county has a population, so every per-inhabitant rate has a value.
#[test]
fn sample_incidents_and_population() {
    let r = totals(&[
        "--level",
        "county",
        "--region",
        "640324",
        "--metric",
        "incident_free_streak",
    ]);
    assert_eq!(value(&r, "incident_free_streak", 2021, "640324"), 10.0);
    assert_eq!(value(&r, "incident_free_streak", 2011, "640324"), 0.0);
    let p = totals(&["--level", "province", "--metric", "incidents"]);
    for y in 2000..=2025 {
        assert!(value(&p, "incidents", y, "640000") > 0.0, "{y}");
    }
    let c = totals(&[
        "--level",
        "county",
        "--metric",
        "existing_per_10k",
        "--from",
        "2019",
        "--to",
        "2019",
    ]);
    for ((_, _, region), row) in &c {
        assert!(!row["value"].is_empty(), "{region}: no population");
    }
    // 同心县, end 2019: about 1,200 existing users for about 320,000 residents.
    let v = value(&c, "existing_per_10k", 2019, "640324");
    assert!((30.0..45.0).contains(&v), "{v}");
}
