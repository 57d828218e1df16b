//! `jindu metrics` on the basic fixture, whose answers are worked out by hand below.
//!
//! Fixture (C = 2024-12-30, the latest test date; periods 2010–2024, 2024 partial):
//! - P001 男 found 2012-05-01 @同心 640324100, detox M001 2012-06-01..2015-06-01.
//! - P002 女 found 2016-07-15 @沙坡头 640502101; detox M002 escalated 2017-03-01,
//!   isolation M003 2017-03-01..2019-03-01 (completed), rehab M004 reported 2019-03-10,
//!   still running; positive test 2017-01-10; transfer 2019-06-01 → 640502100.
//! - P003 男 found 2010-02-20 @西夏 640105100, died 2023-04-01, no records.
//! - P004 男 born 2000-02-29, found 2019-11-11 @同心 640324101, detox M005 decided
//!   2019-11-20, never reported; transfer 2020-01-05 640324101 → 利通 640302100.
//! - P005 男 found 2021-03-03 @640324 (county code), detox M006 2021-03-12..2024-03-10.

use std::collections::BTreeMap;

use crate::common::*;

type Rows = BTreeMap<(String, String, String, String, String), BTreeMap<String, String>>;

fn metrics(args: &[&str]) -> Rows {
    let mut all = vec!["metrics", BASIC, "--format", "csv"];
    all.extend_from_slice(args);
    let o = run(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut out = BTreeMap::new();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f.len(), header.len(), "{l}");
        let row: BTreeMap<String, String> = header
            .iter()
            .zip(&f)
            .map(|(h, v)| (h.to_string(), v.to_string()))
            .collect();
        let key = (
            f[0].into(),
            f[1].into(),
            f[3].into(),
            f[6].into(),
            f[7].into(),
        );
        out.insert(key, row);
    }
    out
}

fn get<'a>(
    rows: &'a Rows,
    metric: &str,
    period: &str,
    region: &str,
) -> &'a BTreeMap<String, String> {
    rows.get(&(
        metric.into(),
        period.into(),
        region.into(),
        String::new(),
        String::new(),
    ))
    .unwrap_or_else(|| panic!("no row {metric} {period} {region}"))
}

fn val(rows: &Rows, metric: &str, period: &str, region: &str) -> String {
    get(rows, metric, period, region)["value"].clone()
}

fn frac(rows: &Rows, metric: &str, period: &str, region: &str) -> (String, String) {
    let r = get(rows, metric, period, region);
    (r["numerator"].clone(), r["denominator"].clone())
}

#[test]
fn stocks_at_end_2019() {
    let r = metrics(&["--from", "2019", "--to", "2019"]);
    // Registered by mgmt at 2019-12-31: P001, P004 (before its transfer: from_region)
    // in 同心; P002 (after its transfer) in 沙坡头; P003 in 西夏.
    assert_eq!(val(&r, "registered", "2019", "640324"), "2");
    assert_eq!(val(&r, "registered", "2019", "640502"), "1");
    assert_eq!(val(&r, "registered", "2019", "640105"), "1");
    assert_eq!(val(&r, "registered", "2019", "640302"), "0");
    // P001 last used 2012 (≤ 2016-12-31) → abstinent; P004 found 2019 → existing.
    assert_eq!(val(&r, "abstinent_3y", "2019", "640324"), "1");
    assert_eq!(val(&r, "existing", "2019", "640324"), "1");
    assert_eq!(val(&r, "existing", "2019", "640502"), "1");
    assert_eq!(val(&r, "abstinent_3y", "2019", "640105"), "1");
    assert_eq!(val(&r, "consolidation_rate", "2019", "640324"), "0.5");
    assert_eq!(
        frac(&r, "consolidation_rate", "2019", "640105"),
        ("1".into(), "1".into())
    );
    // Breakdowns: P004 is male, 19 at D (born on Feb 29), ketamine.
    let k = |b: &str, v: &str| {
        r[&(
            "existing".into(),
            "2019".into(),
            "640324".into(),
            b.into(),
            v.into(),
        )]["value"]
            .clone()
    };
    assert_eq!(k("sex", "male"), "1");
    assert_eq!(k("sex", "female"), "0");
    assert_eq!(k("age_group", "18-35"), "1");
    assert_eq!(k("primary_drug", "ketamine"), "1");
    assert_eq!(k("primary_drug", "heroin"), "0");
    assert_eq!(val(&r, "in_society", "2019", "640324"), "1");
    assert_eq!(val(&r, "under_community_measure", "2019", "640502"), "1");
    assert_eq!(val(&r, "under_community_measure", "2019", "640324"), "0");
    // P004's hukou county 640302 differs from its management county 640324.
    assert_eq!(
        frac(&r, "cross_region_share", "2019", "640324"),
        ("1".into(), "1".into())
    );
    assert_eq!(
        frac(&r, "cross_region_share", "2019", "640502"),
        ("0".into(), "1".into())
    );
    assert_eq!(val(&r, "officer_caseload", "2019", "640502"), "1");
    assert_eq!(val(&r, "officer_caseload", "2019", "640324"), "0");
    assert_eq!(val(&r, "officer_caseload", "2019", "640302"), "");
}

#[test]
fn flows_of_2019() {
    let r = metrics(&["--from", "2019", "--to", "2019"]);
    assert_eq!(val(&r, "new_users", "2019", "640324"), "1");
    // M004 reported on time; M005 never reported (not pending: decided long before C).
    assert_eq!(
        frac(&r, "execution_rate", "2019", "640502"),
        ("1".into(), "1".into())
    );
    assert_eq!(
        frac(&r, "execution_rate", "2019", "640324"),
        ("0".into(), "1".into())
    );
    assert_eq!(
        frac(&r, "timely_report_rate", "2019", "640502"),
        ("1".into(), "1".into())
    );
    assert_eq!(
        frac(&r, "loss_of_contact_rate", "2019", "640502"),
        ("0".into(), "1".into())
    );
    // M004 reported 2019-03-10: Q2–Q4 are units; only Q2 has a valid test (the refused
    // test of 2019-05-02 does not count).
    assert_eq!(
        frac(&r, "test_compliance", "2019", "640502"),
        ("1".into(), "3".into())
    );
    assert_eq!(
        frac(&r, "service_coverage", "2019", "640502"),
        ("1".into(), "1".into())
    );
    let svc = &r[&(
        "service_coverage".into(),
        "2019".into(),
        "640502".into(),
        "service_type".into(),
        "skills_training".into(),
    )];
    assert_eq!(
        (svc["numerator"].as_str(), svc["denominator"].as_str()),
        ("1", "1")
    );
    // A transfer inside one county counts as in and out there.
    assert_eq!(val(&r, "transfers_in", "2019", "640502"), "1");
    assert_eq!(val(&r, "transfers_out", "2019", "640502"), "1");
    // Relapse cohort 2019: P002 entered on 2019-03-10, no use after, censored at C.
    let rel = get(&r, "relapse_12m", "2019", "640502");
    assert_eq!(rel["value"], "0");
    assert_eq!(rel["numerator"], "0");
    assert_eq!(rel["denominator"], "1");
    assert_eq!(rel["flags"], "unstable");
    assert_eq!(val(&r, "relapse_after_release_12m", "2019", "640502"), "0");
}

/// M002 (P002's detox in 沙坡头, reported 2016-08-20) ended as escalated on 2017-03-01.
/// escalation_rate 2017: denominator = community measures executed at some time in 2017
/// (reported by 2017-12-31, not ended before 2017-01-01): M002 only (M001 ended 2015,
/// M004 reported 2019) → 1/1 in 640502 and the province, 0/0 in 同心. 2016: M001 ended
/// before 2016 → 沙坡头 M002 executed but not escalated in 2016 → 0/1.
#[test]
fn escalation_of_2017() {
    let r = metrics(&[
        "--from",
        "2016",
        "--to",
        "2017",
        "--metric",
        "escalation_rate",
    ]);
    assert_eq!(
        frac(&r, "escalation_rate", "2017", "640502"),
        ("1".into(), "1".into())
    );
    assert_eq!(val(&r, "escalation_rate", "2017", "640502"), "1");
    assert_eq!(
        frac(&r, "escalation_rate", "2017", "640324"),
        ("0".into(), "0".into())
    );
    assert_eq!(val(&r, "escalation_rate", "2017", "640324"), "");
    assert_eq!(
        frac(&r, "escalation_rate", "2016", "640502"),
        ("0".into(), "1".into())
    );
    let p = metrics(&[
        "--from",
        "2017",
        "--to",
        "2017",
        "--metric",
        "escalation_rate",
        "--level",
        "province",
    ]);
    assert_eq!(
        frac(&p, "escalation_rate", "2017", "640000"),
        ("1".into(), "1".into())
    );
}

#[test]
fn partial_last_period() {
    let r = metrics(&["--from", "2024"]);
    let row = get(&r, "abstinent_3y", "2024", "640324");
    assert_eq!(row["as_of"], "2024-12-30");
    assert_eq!(row["flags"], "partial");
    // P005's measure ended 2024-03-10 and their last use was 2021-03-03.
    assert_eq!(row["value"], "2");
    assert_eq!(val(&r, "consolidation_rate", "2024", "640324"), "1");
    // P003 died in 2023: registered, not in any stock.
    assert_eq!(val(&r, "registered", "2024", "640105"), "1");
    assert_eq!(val(&r, "consolidation_rate", "2024", "640105"), "");
    assert_eq!(
        get(&r, "consolidation_rate", "2024", "640105")["numerator"],
        "0"
    );
    // The decline streak is empty for a partial period.
    assert_eq!(val(&r, "new_users_decline_streak", "2024", "640324"), "");
    // Q4 ends after C: only Q1–Q3 are units for M004.
    assert_eq!(
        frac(&r, "test_compliance", "2024", "640502"),
        ("0".into(), "3".into())
    );
}

#[test]
fn decline_streaks() {
    let r = metrics(&["--metric", "new_users_decline_streak"]);
    // 同心 new users: 2012 1, 2019 1, 2021 1, otherwise 0.
    let s = |y: &str| val(&r, "new_users_decline_streak", y, "640324");
    assert_eq!(s("2010"), "0");
    assert_eq!(s("2012"), "0");
    assert_eq!(s("2013"), "1");
    assert_eq!(s("2014"), "0");
    assert_eq!(s("2020"), "1");
    assert_eq!(s("2022"), "1");
    assert_eq!(s("2023"), "0");
}

#[test]
fn township_level_with_pseudo_regions() {
    let r = metrics(&[
        "--level",
        "township",
        "--metric",
        "new_users",
        "--to",
        "2021",
    ]);
    let row = get(&r, "new_users", "2021", "640324000");
    assert_eq!(row["region_name"], "同心县（未细分）");
    assert_eq!(row["value"], "1");
    assert_eq!(
        get(&r, "new_users", "2021", "640324100")["region_name"],
        "豫海镇"
    );
}

#[test]
fn province_counts_are_sums_and_rates_are_recomputed() {
    let county = metrics(&[]);
    let province = metrics(&["--level", "province"]);
    let mut sums: BTreeMap<(String, String, String, String), u64> = BTreeMap::new();
    for ((m, p, _, b, v), row) in &county {
        let def = jindu::metrics::defs::find(m).unwrap();
        if def.kind == jindu::metrics::defs::Kind::Count && !row["numerator"].is_empty() {
            *sums
                .entry((m.clone(), p.clone(), b.clone(), v.clone()))
                .or_default() += row["numerator"].parse::<u64>().unwrap();
        }
    }
    let mut checked = 0;
    for ((m, p, b, v), total) in &sums {
        if m == "new_users_decline_streak" {
            continue; // a streak is not additive
        }
        let row = &province[&(m.clone(), p.clone(), "640000".into(), b.clone(), v.clone())];
        assert_eq!(
            row["numerator"].parse::<u64>().unwrap(),
            *total,
            "{m} {p} {b} {v}"
        );
        checked += 1;
    }
    assert!(checked > 100);
    // Province consolidation 2019 = 2 / 4, not the mean of county rates (0.5, 0, 1).
    assert_eq!(
        val(&province, "consolidation_rate", "2019", "640000"),
        "0.5"
    );
    assert_eq!(
        val(&province, "consolidation_rate", "2024", "640000"),
        "0.5"
    );
}

#[test]
fn output_is_sorted_and_identical_across_thread_counts() {
    let a = run(&["metrics", BASIC, "--format", "csv"]);
    let b = jindu()
        .env("RAYON_NUM_THREADS", "1")
        .args(["metrics", BASIC, "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(a.stdout, b.stdout);
    let text = stdout(&a);
    let keys: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            vec![
                f[0].into(),
                f[1].into(),
                f[3].into(),
                f[6].into(),
                f[7].into(),
            ]
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(text.starts_with("metric,period,as_of,region_code,region_name,region_level,breakdown,breakdown_value,numerator,denominator,value,ci_low,ci_high,flags\n"));
}

#[test]
fn missing_tables_give_no_rows_and_a_warning() {
    let e = Export::basic();
    e.remove("services.csv");
    let o = run(&["metrics", e.path().to_str().unwrap(), "--format", "csv"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("service_coverage"), "{}", stderr(&o));
    assert!(stderr(&o).contains("needs the table(s) services"));
    assert!(!stdout(&o).contains("service_coverage"));
}

#[test]
fn publish_hides_small_counts() {
    let o = run(&[
        "metrics",
        BASIC,
        "--format",
        "csv",
        "--publish",
        "--metric",
        "existing",
        "--from",
        "2019",
        "--to",
        "2019",
    ]);
    assert!(o.status.success());
    let text = stdout(&o);
    let row = text
        .lines()
        .find(|l| l.starts_with("existing,2019,2019-12-31,640324,同心县,county,,,"))
        .unwrap();
    assert!(row.ends_with(",,,,,,suppressed"), "{row}");
    let table = run(&[
        "metrics",
        BASIC,
        "--publish",
        "--metric",
        "existing",
        "--from",
        "2019",
        "--to",
        "2019",
    ]);
    assert!(stdout(&table).contains("<10"));
}

#[test]
fn as_of_snapshot_ignores_later_records() {
    // As of 2019-12-31 the data looks like the end of 2019; P005 does not exist yet.
    let r = metrics(&["--as-of", "2019-12-31"]);
    assert_eq!(get(&r, "existing", "2019", "640324")["flags"], "");
    assert!(!r.keys().any(|k| k.1 == "2020"));
    assert_eq!(val(&r, "abstinent_3y", "2019", "640324"), "1");
    // M005 decided 2019-11-20, never reported: C − decision = 41 days, not pending.
    assert_eq!(
        frac(&r, "execution_rate", "2019", "640324"),
        ("0".into(), "1".into())
    );
    let pending = metrics(&["--as-of", "2019-11-30"]);
    // Now C − decision = 10 days < 15: pending, left out of the denominator.
    assert_eq!(
        frac(&pending, "execution_rate", "2019", "640324"),
        ("0".into(), "0".into())
    );
}

/// Every format carries the same values as the CSV: Parquet and Arrow are read back
/// and compared cell by cell, JSON row by row; the workbook's cells are typed.
#[test]
fn every_format_writes_the_same_values() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["metrics", BASIC, "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = stdout(&o);
    assert!(csv.lines().count() > 100);
    for f in ["parquet", "arrow"] {
        let p = dir.path().join(format!("m.{f}"));
        let o = run(&[
            "metrics",
            BASIC,
            "--format",
            f,
            "--out",
            p.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{f}: {}", stderr(&o));
        let file = std::fs::File::open(&p).unwrap();
        let df = match f {
            "parquet" => ParquetReader::new(file).finish().unwrap(),
            _ => IpcReader::new(file).finish().unwrap(),
        };
        assert_eq!(df.column("numerator").unwrap().dtype(), &DataType::UInt64);
        assert_eq!(df.column("value").unwrap().dtype(), &DataType::Float64);
        let back = String::from_utf8(jindu::output::to_csv(&df).unwrap()).unwrap();
        assert_eq!(back, csv, "{f} differs from the CSV");
    }
    // JSON: the same rows; a count's value is an integer, a rate's a float.
    let o = run(&["metrics", BASIC, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v.as_array().unwrap();
    let lines: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), lines.len());
    for (r, l) in rows.iter().zip(&lines) {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(r["metric"], f[0]);
        assert_eq!(r["region_code"], f[3]);
        let num = r["numerator"]
            .as_u64()
            .map(|n| n.to_string())
            .unwrap_or_default();
        assert_eq!(num, f[8], "{l}");
        match r["value"].as_f64() {
            Some(x) => assert_eq!(x, f[10].parse::<f64>().unwrap(), "{l}"),
            None => assert_eq!(f[10], "", "{l}"),
        }
    }
    let reg = rows
        .iter()
        .find(|r| {
            r["metric"] == "registered"
                && r["period"] == "2019"
                && r["region_code"] == "640324"
                && r["breakdown"] == ""
        })
        .unwrap();
    assert!(reg["value"].is_u64(), "{reg}");
    assert_eq!(reg["value"], 2);
    // The workbook: one sheet per metric, title and headers, numbers as numbers.
    let p = dir.path().join("m.xlsx");
    let o = run(&[
        "metrics",
        BASIC,
        "--format",
        "xlsx",
        "--out",
        p.to_str().unwrap(),
        "--from",
        "2019",
        "--to",
        "2019",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    use calamine::{Data, Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(&p).unwrap();
    assert!(wb.sheet_names().contains(&"registered".to_string()));
    let ws = wb.worksheet_range("registered").unwrap();
    assert_eq!(
        ws.get((0, 0)),
        Some(&Data::String("登记在册吸毒人员".into()))
    );
    assert_eq!(ws.get((1, 2)), Some(&Data::String("区划代码".into())));
    let row = ws
        .rows()
        .find(|r| {
            r[2] == Data::String("640324".into())
                && matches!(&r[5], Data::Empty | Data::String(_))
                && r[5].to_string().is_empty()
        })
        .expect("同心县 total row");
    assert_eq!(row[9], Data::Float(2.0));
    let ws = wb.worksheet_range("execution_rate").unwrap();
    let cell = |code: &str, col: usize| {
        ws.rows()
            .find(|r| r[2] == Data::String(code.into()))
            .unwrap_or_else(|| panic!("no {code} row"))[col]
            .clone()
    };
    // 2019 (see flows_of_2019): 沙坡头 1/1, 同心 0/1, as numbers; the rate 1 is 100%.
    assert_eq!(
        (cell("640502", 7), cell("640502", 8)),
        (Data::Float(1.0), Data::Float(1.0))
    );
    assert_eq!(
        (cell("640324", 7), cell("640324", 9)),
        (Data::Float(0.0), Data::Float(0.0))
    );
    assert_eq!(cell("640502", 9), Data::Float(1.0));
    // A binary format needs --out.
    let o = run(&["metrics", BASIC, "--format", "parquet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--format parquet writes a binary file: add --out FILE"));
}

#[test]
fn pending_is_less_than_15_days_before_the_cutoff() {
    // M005 was decided 2019-11-20 and never reported.
    let day14 = metrics(&["--as-of", "2019-12-04", "--metric", "execution_rate"]);
    assert_eq!(
        frac(&day14, "execution_rate", "2019", "640324"),
        ("0".into(), "0".into())
    );
    let day15 = metrics(&["--as-of", "2019-12-05", "--metric", "execution_rate"]);
    assert_eq!(
        frac(&day15, "execution_rate", "2019", "640324"),
        ("0".into(), "1".into())
    );
}

#[test]
fn snapshot_of_the_province_table() {
    let o = run(&[
        "metrics",
        BASIC,
        "--level",
        "province",
        "--from",
        "2019",
        "--to",
        "2020",
        "--metric",
        "consolidation_rate",
        "--metric",
        "existing",
        "--metric",
        "execution_rate",
        "--metric",
        "relapse_12m",
        "--metric",
        "officer_caseload",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    // The layout was checked by eye; its numbers are checked here against the CSV of
    // the same command (whose values the tests above derive by hand): every table row
    // shows the CSV row's numerator/denominator and flags, in the same order.
    let mut args: Vec<&str> = vec!["metrics", BASIC, "--format", "csv", "--level", "province"];
    args.extend(["--from", "2019", "--to", "2020"]);
    for m in [
        "consolidation_rate",
        "existing",
        "execution_rate",
        "relapse_12m",
        "officer_caseload",
    ] {
        args.extend(["--metric", m]);
    }
    let csv = stdout(&run(&args));
    let csv_rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let table_rows: Vec<Vec<&str>> = table
        .lines()
        .skip(2)
        .map(|l| l.trim_matches('|').split('|').map(str::trim).collect())
        .collect();
    assert_eq!(table_rows.len(), csv_rows.len());
    for (t, c) in table_rows.iter().zip(&csv_rows) {
        assert_eq!(t[1], c[1], "period");
        let frac = if c[9].is_empty() {
            String::new()
        } else {
            format!("{}/{}", c[8], c[9])
        };
        assert_eq!(t[6], frac, "{t:?} vs {c:?}");
        assert_eq!(t[7], c[13], "{t:?} vs {c:?}");
        if c[9].is_empty() {
            assert_eq!(t[4], c[10], "a count shows its value: {t:?}");
        }
    }
    insta::assert_snapshot!("province_table", table);
}

/// The 2019 county rows of 吴忠市 (640300: 利通, 红寺堡, 盐池, 同心, 青铜峡), worked out
/// from the fixture (D = 2019-12-31). Only 同心 640324 has anything:
/// - P001 (male, born 1985-03-12, heroin; last use 2012-05-01 ≤ D − 3 years, no
///   measure in force) is abstinent_3y: age 34 at D → 18-35.
/// - P004 (male, born 2000-02-29, ketamine, found 2019-11-11 in 同心 640324101; its
///   only transfer is in 2020, so at D it is managed by that transfer's from_region
///   640324101) is existing, in society, a new user (age 19 at finding) and, with
///   hukou 利通 640302, cross-region: 1/1.
/// - registered 2 (P001, P004); consolidation = abstinent / registered alive = 1/2.
/// - M005 (同心, decided 2019-11-20, never reported, long before C): execution and
///   timely report 0/1; officer caseload: no one under a measure, one officer: 0/1.
///
/// Every other count is 0 and every other rate has an empty value over 0/0.
/// Intervals are Wilson's (z = 1.959963984540054), computed here independently.
#[test]
fn county_rows_of_2019_in_wuzhong() {
    let o = run(&[
        "metrics", BASIC, "--format", "csv", "--from", "2019", "--to", "2019", "--region", "640300",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let expected: BTreeMap<(&str, &str, &str), (&str, &str)> = [
        (("abstinent_3y", "", ""), ("1", "")),
        (("abstinent_3y", "age_group", "18-35"), ("1", "")),
        (("abstinent_3y", "primary_drug", "heroin"), ("1", "")),
        (("abstinent_3y", "sex", "male"), ("1", "")),
        (("consolidation_rate", "", ""), ("1", "2")),
        (("cross_region_share", "", ""), ("1", "1")),
        (("execution_rate", "", ""), ("0", "1")),
        (("existing", "", ""), ("1", "")),
        (("existing", "age_group", "18-35"), ("1", "")),
        (("existing", "primary_drug", "ketamine"), ("1", "")),
        (("existing", "sex", "male"), ("1", "")),
        (("in_society", "", ""), ("1", "")),
        (("new_users", "", ""), ("1", "")),
        (("new_users", "age_group", "18-35"), ("1", "")),
        (("new_users", "primary_drug", "ketamine"), ("1", "")),
        (("new_users", "sex", "male"), ("1", "")),
        (("officer_caseload", "", ""), ("0", "1")),
        (("registered", "", ""), ("2", "")),
        (("timely_report_rate", "", ""), ("0", "1")),
    ]
    .into_iter()
    .collect();
    let wilson = |k: f64, n: f64| {
        let z = 1.959963984540054f64;
        let p = k / n;
        let c = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
        let h = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
        ((c - h).max(0.0), (c + h).min(1.0))
    };
    let mut seen = 0;
    let mut regions = std::collections::BTreeSet::new();
    for l in text.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(f[1], "2019");
        regions.insert(f[3]);
        let key = (f[0], f[6], f[7]);
        if (f[0], f[3]) == ("new_users_yoy", "640324") {
            // v1.2: P004 in 2019 against nobody in 2018: the value is empty.
            assert_eq!((f[8], f[9], f[10], f[11]), ("1", "0", "", ""), "{l}");
            continue;
        }
        let (num, den) = match (f[3], expected.get(&key)) {
            ("640324", Some(v)) => {
                seen += 1;
                *v
            }
            _ => {
                // Nothing else: zero counts; rates 0/0 with empty values.
                assert!(f[8] == "0" || f[8].is_empty(), "{l}");
                assert!(f[9] == "0" || f[9].is_empty(), "{l}");
                assert!(f[10] == "0" || f[10].is_empty(), "{l}");
                continue;
            }
        };
        assert_eq!((f[8], f[9]), (num, den), "{l}");
        if den.is_empty() {
            assert_eq!(f[10], num, "{l}");
            continue;
        }
        let (k, n): (f64, f64) = (num.parse().unwrap(), den.parse().unwrap());
        let v: f64 = f[10].parse().unwrap();
        assert_eq!(v, k / n, "{l}");
        if f[0] == "officer_caseload" {
            assert_eq!((f[11], f[12]), ("", ""), "a ratio has no interval: {l}");
            continue;
        }
        let (lo, hi) = wilson(k, n);
        let (got_lo, got_hi): (f64, f64) = (f[11].parse().unwrap(), f[12].parse().unwrap());
        assert!(
            (got_lo - lo).abs() < 1e-12 && (got_hi - hi).abs() < 1e-12,
            "{l}: {lo} {hi}"
        );
        assert_eq!(f[13], "unstable", "fewer than 30 in the denominator: {l}");
    }
    assert_eq!(seen, expected.len(), "every expected row of 同心 is there");
    assert_eq!(
        regions.into_iter().collect::<Vec<_>>(),
        ["640302", "640303", "640323", "640324", "640381"]
    );
}

/// `jindu import --as-of` records the cutoff; `jindu metrics` on that dataset reads the
/// data as it stood then, exactly as `jindu metrics --as-of` on the export does.
#[test]
fn import_as_of_is_used_by_metrics() {
    let work = tempfile::tempdir().unwrap();
    let ds = work.path().join("ds");
    let o = run(&[
        "import",
        BASIC,
        "--out",
        ds.to_str().unwrap(),
        "--as-of",
        "2019-12-31",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ds.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["as_of"], "2019-12-31");
    assert_eq!(m["cutoff"], "2019-12-31");
    let from_dataset = run(&["metrics", ds.to_str().unwrap(), "--format", "csv"]);
    let from_export = run(&["metrics", BASIC, "--format", "csv", "--as-of", "2019-12-31"]);
    assert!(from_dataset.status.success());
    assert_eq!(stdout(&from_dataset), stdout(&from_export));
    assert!(!stdout(&from_dataset).contains(",2020,"));
}
