//! Contract v1.2 on the `periods` fixture, answers worked out by hand below: quarters
//! and months, `new_users_yoy`, the population rule, the per-inhabitant rates, the
//! incidents and the incident-free streak; and on the sample, that every count of the
//! province is the sum of its counties at every period kind.
//!
//! Fixture (`tests/fixtures/periods`; C = 2025-02-14, the latest first finding (H);
//! the first date is 2023-03-31 (A), so the periods are 2023–2025, 2023-Q1–2025-Q1 and
//! 2023-03–2025-02, the last of each partial except with `--as-of` on a period's end).
//! Nobody moves, dies or is abstinent: `existing` at D = persons found by D, by their
//! finding region.
//! - A 2023-03-31 (last day of Q1) @豫海镇 640324100; detox M1 reported 2023-04-02, in
//!   force; a negative test 2023-08-15.
//! - B 2023-04-01 (first day of Q2) @韦州镇 640324101.
//! - G 2023-11-05 @兴庆区 640104 (a county code; 640104 has no population).
//! - D 2024-01-01 @640402101; C 2024-02-29 @640402100 (29 February).
//! - E 2024-12-31 @上桥镇 640302100.
//! - F 2025-02-10 @640324100 and H 2025-02-14 @640302100: the partial month 2025-02.
//!
//! Population (`人口.csv`, with `"320,000"`, `319000人` and full-width digits): 640324
//! has own rows 320,000 / 319,000 / 318,500 (2023/24/25) and one township row
//! 640324100 = 40,000 in 2024 (ignored for the county); 640402 has township rows only,
//! 70,000 + 80,000 every year; 640302 has 400,000 every year (the 2024 row twice,
//! identical: merged). So the province has 870,000 (2023) and 869,000 (2024).
//!
//! Incidents: I1 2024-01-01 @640324100 毒驾, I2 2024-12-31 @640324101 自伤自残, I3
//! 2023-12-31 @640402100 滋事.

use std::collections::BTreeMap;

use crate::common::*;

const PERIODS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/periods");
const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/ningxia");

type Row = BTreeMap<String, String>;

/// Rows of `jindu metrics DATA --format csv ARGS`, with stderr.
fn metrics_on(data: &str, args: &[&str]) -> (Vec<Row>, String) {
    let mut all = vec!["metrics", data, "--format", "csv"];
    all.extend_from_slice(args);
    let o = run(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), header.len(), "{l}");
            header
                .iter()
                .zip(&f)
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect();
    (rows, stderr(&o))
}

fn metrics(args: &[&str]) -> (Vec<Row>, String) {
    metrics_on(PERIODS, args)
}

/// The row of (metric, period, region, breakdown value or "" for the total).
fn row<'a>(rows: &'a [Row], metric: &str, period: &str, region: &str, bv: &str) -> &'a Row {
    rows.iter()
        .find(|r| {
            r["metric"] == metric
                && r["period"] == period
                && r["region_code"] == region
                && r["breakdown_value"] == bv
        })
        .unwrap_or_else(|| panic!("no row {metric} {period} {region} {bv}"))
}

/// (numerator, denominator, value) of a total row.
fn ndv(rows: &[Row], metric: &str, period: &str, region: &str) -> (String, String, String) {
    let r = row(rows, metric, period, region, "");
    (
        r["numerator"].clone(),
        r["denominator"].clone(),
        r["value"].clone(),
    )
}

fn s(n: &str, d: &str, v: &str) -> (String, String, String) {
    (n.into(), d.into(), v.into())
}

fn close(text: &str, want: f64) -> bool {
    text.parse::<f64>()
        .is_ok_and(|x| (x - want).abs() <= 1e-9 * want.abs().max(1.0))
}

#[test]
fn quarters_and_months_cut_at_their_boundaries() {
    let (q, _) = metrics(&["--period", "quarter", "--level", "province"]);
    let periods: Vec<&str> = q
        .iter()
        .filter(|r| r["metric"] == "new_users" && r["breakdown"].is_empty())
        .map(|r| r["period"].as_str())
        .collect();
    assert_eq!(
        periods,
        [
            "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4",
            "2025-Q1"
        ]
    );
    // A (31 March) in Q1, B (1 April) in Q2; D and C (29 February) in 2024-Q1.
    let nu = |p: &str| ndv(&q, "new_users", p, "640000").2;
    assert_eq!(
        [
            "2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1", "2024-Q4"
        ]
        .map(nu),
        ["1", "1", "0", "1", "2", "1"]
    );
    // Stocks at D = E(p): at 2023-03-31 A is existing, B is not yet.
    assert_eq!(ndv(&q, "existing", "2023-Q1", "640000").2, "1");
    assert_eq!(
        row(&q, "existing", "2023-Q1", "640000", "")["as_of"],
        "2023-03-31"
    );
    // The last quarter is partial: D = C.
    let last = row(&q, "registered", "2025-Q1", "640000", "");
    assert_eq!(
        (last["as_of"].as_str(), last["flags"].as_str()),
        ("2025-02-14", "partial")
    );
    assert_eq!(last["value"], "8");

    let (m, _) = metrics(&["--period", "month", "--level", "county"]);
    let first = m.iter().find(|r| r["metric"] == "registered").unwrap();
    assert_eq!(first["period"], "2023-03");
    // 29 February 2024: C found that day, the month ends on it.
    let feb = row(&m, "new_users", "2024-02", "640402", "");
    assert_eq!(
        (feb["value"].as_str(), feb["as_of"].as_str()),
        ("1", "2024-02-29")
    );
    assert_eq!(feb["flags"], "");
    assert_eq!(ndv(&m, "new_users", "2024-01", "640402").2, "1");
    // The partial month 2025-02: F and H, D = C.
    let part = row(&m, "new_users", "2025-02", "640324", "");
    assert_eq!(
        (
            part["value"].as_str(),
            part["as_of"].as_str(),
            part["flags"].as_str()
        ),
        ("1", "2025-02-14", "partial")
    );
    assert_eq!(ndv(&m, "existing", "2025-02", "640302").2, "2");
    // Breakdown grids exist for months too (E is male).
    assert_eq!(
        row(&m, "new_users", "2024-12", "640302", "male")["value"],
        "1"
    );
    assert_eq!(
        row(&m, "new_users", "2024-12", "640302", "female")["value"],
        "0"
    );

    // With C on the last day of February 2024 the month is complete.
    let (m, _) = metrics(&[
        "--period",
        "month",
        "--level",
        "province",
        "--as-of",
        "2024-02-29",
    ]);
    let feb = row(&m, "registered", "2024-02", "640000", "");
    assert_eq!((feb["value"].as_str(), feb["flags"].as_str()), ("5", ""));
    assert!(!m.iter().any(|r| r["period"] == "2024-03"));
}

#[test]
fn new_users_yoy_with_the_earlier_period_missing_or_zero() {
    let (y, _) = metrics(&["--metric", "new_users_yoy", "--level", "county"]);
    // 2023 is the first period: no earlier one, denominator and value empty.
    assert_eq!(ndv(&y, "new_users_yoy", "2023", "640324"), s("2", "", ""));
    // 640402: 0 in 2023, 2 in 2024 (value empty: denominator 0), 0 in 2025 (−100%).
    assert_eq!(ndv(&y, "new_users_yoy", "2024", "640402"), s("2", "0", ""));
    assert_eq!(
        ndv(&y, "new_users_yoy", "2025", "640402"),
        s("0", "2", "-1")
    );
    let r = row(&y, "new_users_yoy", "2025", "640402", "");
    assert_eq!((r["ci_low"].as_str(), r["flags"].as_str()), ("", "partial"));

    let (q, _) = metrics(&[
        "--metric",
        "new_users_yoy",
        "--period",
        "quarter",
        "--level",
        "province",
    ]);
    assert_eq!(
        ndv(&q, "new_users_yoy", "2023-Q4", "640000"),
        s("1", "", "")
    );
    assert_eq!(
        ndv(&q, "new_users_yoy", "2024-Q1", "640000"),
        s("2", "1", "1")
    );
    assert_eq!(
        ndv(&q, "new_users_yoy", "2024-Q2", "640000"),
        s("0", "1", "-1")
    );
    assert_eq!(
        ndv(&q, "new_users_yoy", "2024-Q3", "640000"),
        s("0", "0", "")
    );
    assert_eq!(
        ndv(&q, "new_users_yoy", "2025-Q1", "640000"),
        s("2", "2", "0")
    );

    let (m, _) = metrics(&[
        "--metric",
        "new_users_yoy",
        "--period",
        "month",
        "--level",
        "province",
    ]);
    // 2023-02 lies before the first period (2023-03).
    assert_eq!(
        ndv(&m, "new_users_yoy", "2024-02", "640000"),
        s("1", "", "")
    );
    assert_eq!(
        ndv(&m, "new_users_yoy", "2024-03", "640000"),
        s("0", "1", "-1")
    );
    assert_eq!(
        ndv(&m, "new_users_yoy", "2025-02", "640000"),
        s("2", "1", "1")
    );
    // Never unstable, whatever the denominator.
    assert!(m.iter().all(|r| !r["flags"].contains("unstable")));
}

#[test]
fn population_rule_and_rates_per_inhabitants() {
    let (c, err) = metrics(&["--level", "county"]);
    // Own row (the township row of 2024 is not added): 2 existing / 319,000.
    let (n, d, v) = ndv(&c, "existing_per_10k", "2024", "640324");
    assert_eq!((n.as_str(), d.as_str()), ("2", "319000"));
    assert!(close(&v, 2.0 * 10_000.0 / 319_000.0), "{v}");
    // Child rows only: 640402 = 70,000 + 80,000 (full-width digits parsed).
    assert_eq!(ndv(&c, "existing_per_10k", "2024", "640402").1, "150000");
    // A partial year uses the population of its own year (2025).
    assert_eq!(ndv(&c, "existing_per_10k", "2025", "640324"), {
        let (n, d, _) = ndv(&c, "existing_per_10k", "2025", "640324");
        assert_eq!((n.as_str(), d.as_str()), ("3", "318500"));
        (n, d, ndv(&c, "existing_per_10k", "2025", "640324").2)
    });
    // The interval is Wilson's times 10,000 and never flagged unstable.
    let r = row(&c, "existing_per_10k", "2024", "640324", "");
    let (lo, hi) = jindu::stats::wilson(2, 319_000).unwrap();
    assert!(close(&r["ci_low"], lo * 1e4) && close(&r["ci_high"], hi * 1e4));
    assert_eq!(r["flags"], "");
    // No population for 兴庆区: value, interval and denominator empty, numerator kept,
    // one warning naming it.
    let r = row(&c, "existing_per_10k", "2023", "640104", "");
    assert_eq!(
        [
            &r["numerator"],
            &r["denominator"],
            &r["value"],
            &r["ci_low"],
            &r["ci_high"]
        ],
        ["1", "", "", "", ""]
    );
    assert_eq!(
        ndv(&c, "new_users_per_100k", "2023", "640104"),
        s("1", "", "")
    );
    let warnings: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("no population for"))
        .collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0].contains("640104 兴庆区") && warnings[0].contains("and 9 more"),
        "{}",
        warnings[0]
    );

    // Coarser levels recompute from the records: the province is 6 / 869,000 in 2024
    // (640324 + 640402's townships + 640302), never an average of county rates.
    let (p, _) = metrics(&["--level", "province", "--metric", "existing_per_10k"]);
    let (n, d, v) = ndv(&p, "existing_per_10k", "2024", "640000");
    assert_eq!((n.as_str(), d.as_str()), ("6", "869000"));
    assert!(close(&v, 6.0 * 10_000.0 / 869_000.0));
    assert_eq!(ndv(&p, "existing_per_10k", "2023", "640000").1, "870000");
    let (ci, _) = metrics(&["--level", "city", "--metric", "existing_per_10k"]);
    assert_eq!(ndv(&ci, "existing_per_10k", "2024", "640300").1, "719000");
    assert_eq!(ndv(&ci, "existing_per_10k", "2024", "640100").1, "");

    // Quarters and months take the population of the year of E(p).
    let (q, _) = metrics(&[
        "--level",
        "county",
        "--period",
        "quarter",
        "--metric",
        "new_users_per_100k",
    ]);
    let (n, d, v) = ndv(&q, "new_users_per_100k", "2024-Q1", "640402");
    assert_eq!((n.as_str(), d.as_str()), ("2", "150000"));
    assert!(close(&v, 2.0 * 100_000.0 / 150_000.0));
    // Townships: 640324100 has a row in 2024 only; the pseudo-township of 兴庆区 none.
    let (t, _) = metrics(&["--level", "township", "--metric", "existing_per_10k"]);
    assert_eq!(
        ndv(&t, "existing_per_10k", "2024", "640324100"),
        s("1", "40000", "0.25")
    );
    assert_eq!(
        ndv(&t, "existing_per_10k", "2023", "640324100"),
        s("1", "", "")
    );
    assert_eq!(
        ndv(&t, "existing_per_10k", "2024", "640104000"),
        s("1", "", "")
    );
}

#[test]
fn incidents_and_the_incident_free_streak() {
    let (y, _) = metrics(&[
        "--level",
        "county",
        "--metric",
        "incidents",
        "--metric",
        "incident_free_streak",
    ]);
    // 1 January and 31 December 2024 both fall in 2024.
    assert_eq!(ndv(&y, "incidents", "2024", "640324").2, "2");
    assert_eq!(ndv(&y, "incidents", "2023", "640324").2, "0");
    assert_eq!(ndv(&y, "incidents", "2023", "640402").2, "1");
    // The kind grid is complete, zeros included.
    let kinds: Vec<(&str, &str)> = y
        .iter()
        .filter(|r| {
            r["metric"] == "incidents"
                && r["period"] == "2024"
                && r["region_code"] == "640324"
                && r["breakdown"] == "kind"
        })
        .map(|r| (r["breakdown_value"].as_str(), r["value"].as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("drug_driving", "1"),
            ("harm_to_others", "0"),
            ("other", "0"),
            ("public_disorder", "0"),
            ("self_harm", "1")
        ]
    );
    // Streaks from the first period (2023): an incident resets to 0; the partial year
    // is empty; 兴庆区 never had one: Y − 2023 + 1.
    let st = |p: &str, r: &str| ndv(&y, "incident_free_streak", p, r);
    assert_eq!(st("2023", "640324"), s("1", "", "1"));
    assert_eq!(st("2024", "640324"), s("0", "", "0"));
    assert_eq!(st("2025", "640324"), s("", "", ""));
    assert_eq!(st("2023", "640402"), s("0", "", "0"));
    assert_eq!(st("2024", "640402"), s("1", "", "1"));
    assert_eq!(st("2023", "640104"), s("1", "", "1"));
    assert_eq!(st("2024", "640104"), s("2", "", "2"));

    let (q, err) = metrics(&[
        "--level",
        "county",
        "--period",
        "quarter",
        "--metric",
        "incidents",
        "--metric",
        "incident_free_streak",
    ]);
    assert_eq!(ndv(&q, "incidents", "2024-Q1", "640324").2, "1");
    assert_eq!(ndv(&q, "incidents", "2024-Q4", "640324").2, "1");
    assert_eq!(ndv(&q, "incidents", "2024-Q2", "640324").2, "0");
    assert!(!q.iter().any(|r| r["metric"] == "incident_free_streak"));
    assert!(
        err.contains("incident_free_streak exists for years only"),
        "{err}"
    );
    let (m, _) = metrics(&[
        "--level",
        "province",
        "--period",
        "month",
        "--metric",
        "incidents",
    ]);
    assert_eq!(ndv(&m, "incidents", "2023-12", "640000").2, "1");
    assert_eq!(ndv(&m, "incidents", "2024-01", "640000").2, "1");
    assert_eq!(ndv(&m, "incidents", "2024-12", "640000").2, "1");
    assert_eq!(ndv(&m, "incidents", "2024-06", "640000").2, "0");
}

#[test]
fn test_compliance_counts_the_quarters_inside_the_period() {
    // M1 (reported 2023-04-02) is due in 2023-Q3 (tested 08-15) and 2023-Q4 (not).
    let (y, _) = metrics(&["--level", "county", "--metric", "test_compliance"]);
    assert_eq!(ndv(&y, "test_compliance", "2023", "640324").0, "1");
    assert_eq!(ndv(&y, "test_compliance", "2023", "640324").1, "2");
    let (q, _) = metrics(&[
        "--level",
        "county",
        "--period",
        "quarter",
        "--metric",
        "test_compliance",
    ]);
    assert_eq!(
        ndv(&q, "test_compliance", "2023-Q3", "640324"),
        s("1", "1", "1")
    );
    assert_eq!(
        ndv(&q, "test_compliance", "2023-Q4", "640324"),
        s("0", "1", "0")
    );
    // 2025-Q1 ends after C: no unit.
    assert_eq!(
        ndv(&q, "test_compliance", "2025-Q1", "640324"),
        s("0", "0", "")
    );
    // A month contains no quarter: no rows, and a warning.
    let (m, err) = metrics(&[
        "--level",
        "county",
        "--period",
        "month",
        "--metric",
        "test_compliance",
    ]);
    assert!(m.is_empty());
    assert!(err.contains("a month contains none"), "{err}");
}

#[test]
fn population_and_incident_rows_are_accounted_for() {
    let o = run(&["check", "--format", "json", PERIODS]);
    assert!(o.status.success(), "{}", stdout(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let table = |name: &str| {
        report["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["table"] == name)
            .unwrap_or_else(|| panic!("no {name} in {report}"))
            .clone()
    };
    let p = table("population");
    assert_eq!(
        (
            p["rows_read"].as_u64(),
            p["accepted"].as_u64(),
            p["merged"].as_u64()
        ),
        (Some(14), Some(13), Some(1))
    );
    assert_eq!(table("incidents")["accepted"].as_u64(), Some(3));
}

#[test]
fn bad_integers_keys_and_references_are_quarantined() {
    let e = Export::basic();
    e.write(
        "population.csv",
        "地区,年度,人口数\n\
         640324,2020,300000\n\
         640324,2020,300001\n\
         640324,2021,-5\n\
         640324,2022,1.5\n\
         640324,1900,1000\n\
         640324,2023,0\n\
         640324,2024,\"1,23\"\n\
         640324,2025,\"1,234人\"\n\
         640324,2025,1234\n",
    );
    e.write(
        "incidents.csv",
        "事件编号,人员编号,案发日期,案发地,案事件类型\n\
         X1,P001,2020-01-01,640324100,毒驾\n\
         X2,NOPE,2020-01-01,640324100,毒驾\n\
         X3,P001,2020-01-01,640324100,打架\n",
    );
    let o = run(&[
        "check",
        "--format",
        "json",
        "--max-reject-rate",
        "1",
        e.path().to_str().unwrap(),
    ]);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let table = |name: &str| {
        report["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["table"] == name)
            .unwrap()
            .clone()
    };
    let p = table("population");
    let text = p.to_string();
    // (2020, 300001) conflicts with the first 2020 row; −5, 1.5 and "1,23" are not
    // integers; 1900 and 0 are out of range; "1,234人" and 1234 are the same row.
    assert_eq!(
        (
            p["rows_read"].as_u64(),
            p["accepted"].as_u64(),
            p["merged"].as_u64(),
            p["quarantined"].as_u64()
        ),
        (Some(9), Some(2), Some(1), Some(6)),
        "{text}"
    );
    for code in [
        "E_DUPLICATE_CONFLICT",
        "E_INTEGER_FORMAT",
        "E_INTEGER_RANGE",
    ] {
        assert!(text.contains(code), "{code}: {text}");
    }
    let i = table("incidents");
    let text = i.to_string();
    assert_eq!(
        (i["accepted"].as_u64(), i["quarantined"].as_u64()),
        (Some(1), Some(2)),
        "{text}"
    );
    assert!(
        text.contains("E_REF_PERSON") && text.contains("E_ENUM_VALUE"),
        "{text}"
    );
}

/// Every count of the province is the sum of the counts of its counties (pseudo-regions
/// included), for every count metric, breakdown value and period, at every period kind
/// (the streaks count years, not records: they do not add up and are left out).
#[test]
fn province_counts_are_the_sum_of_county_counts_at_every_period_kind() {
    let counts = [
        "registered",
        "existing",
        "abstinent_3y",
        "new_users",
        "in_society",
        "under_community_measure",
        "transfers_in",
        "transfers_out",
        "incidents",
    ];
    // Imported once: the runs below read the Parquet dataset.
    let work = tempfile::tempdir().unwrap();
    let key = work.path().join("test.key");
    std::fs::write(&key, format!("{}\n", "ab".repeat(32))).unwrap();
    let ds = work.path().join("ds");
    let o = run(&[
        "import",
        SAMPLE,
        "--out",
        ds.to_str().unwrap(),
        "--key-file",
        key.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ds = ds.to_str().unwrap();
    for period in ["year", "quarter", "month"] {
        let mut args = vec!["--period", period, "--from", "2012", "--to", "2016"];
        for m in counts {
            args.extend(["--metric", m]);
        }
        let sums = |level: &str| {
            let mut a = args.clone();
            a.extend(["--level", level]);
            let (rows, _) = metrics_on(ds, &a);
            let mut out: BTreeMap<(String, String, String), u64> = BTreeMap::new();
            for r in rows {
                let key = (
                    r["metric"].clone(),
                    r["period"].clone(),
                    r["breakdown_value"].clone(),
                );
                *out.entry(key).or_default() += r["value"].parse::<u64>().unwrap();
            }
            out
        };
        let province = sums("province");
        let county = sums("county");
        assert!(province.len() > 100, "{period}");
        assert_eq!(province, county, "{period}");
        assert!(
            province
                .keys()
                .any(|k| k.0 == "incidents" && province[k] > 0)
        );
    }
    // Rates are recomputed: the province's per-inhabitant rate is its own numerator
    // over its own population, both the sums of the counties'.
    let (p, _) = metrics_on(
        ds,
        &[
            "--level",
            "province",
            "--metric",
            "existing_per_10k",
            "--from",
            "2019",
            "--to",
            "2019",
        ],
    );
    let (c, _) = metrics_on(
        ds,
        &[
            "--level",
            "county",
            "--metric",
            "existing_per_10k",
            "--from",
            "2019",
            "--to",
            "2019",
        ],
    );
    let sum = |f: &str| {
        c.iter()
            .map(|r| r[f].parse::<u64>().unwrap_or(0))
            .sum::<u64>()
    };
    let (n, d, v) = ndv(&p, "existing_per_10k", "2019", "640000");
    assert_eq!(
        (n.parse::<u64>().unwrap(), d.parse::<u64>().unwrap()),
        (sum("numerator"), sum("denominator"))
    );
    assert!(close(
        &v,
        1e4 * sum("numerator") as f64 / sum("denominator") as f64
    ));
}

/// `stock_flow_periods` gives the counts of `metrics --period quarter|month`, and the
/// new tables are SQL tables.
#[test]
fn query_views_by_quarter_and_month() {
    let o = run(&[
        "query",
        PERIODS,
        "SELECT period_kind, period, as_of, partial, SUM(registered) AS registered, \
         SUM(new_users) AS new_users FROM stock_flow_periods \
         WHERE period IN ('2023-Q1', '2024-02', '2025-02') \
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "period_kind,period,as_of,partial,registered,new_users\n\
         month,2024-02,2024-02-29,false,5,1\n\
         month,2025-02,2025-02-14,true,8,2\n\
         quarter,2023-Q1,2023-03-31,false,1,1\n"
    );
    let o = run(&[
        "query",
        PERIODS,
        "SELECT SUM(population) AS p FROM population WHERE year = 2024 AND LENGTH(region) = 6",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "p\n719000\n");
    let o = run(&[
        "query",
        PERIODS,
        "SELECT kind, COUNT(*) AS n FROM incidents GROUP BY kind ORDER BY kind",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "kind,n\ndrug_driving,1\npublic_disorder,1\nself_harm,1\n"
    );
}
