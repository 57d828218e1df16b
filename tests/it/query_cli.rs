//! `jindu query` and `jindu cohort` on the basic fixture (hand-checked answers; see the
//! top of `tests/metrics_cli.rs` for its five persons) and on `sample-data/ningxia`.

use std::collections::BTreeMap;

use crate::common::*;

const NINGXIA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/ningxia");
const QUERIES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/queries");

/// Runs `jindu query … --format json` and returns the rows.
fn query(args: &[&str]) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let mut all = vec!["query"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "--queries", QUERIES]);
    let o = run(&all);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_object().unwrap().clone())
        .collect()
}

fn csv_header(args: &[&str]) -> Vec<String> {
    let mut all = vec!["query"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "csv", "--queries", QUERIES]);
    let o = run(&all);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o)
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect()
}

fn s(r: &serde_json::Map<String, serde_json::Value>, k: &str) -> String {
    match &r[k] {
        serde_json::Value::String(x) => x.clone(),
        v => v.to_string(),
    }
}

const SAVED: [(&str, &str); 11] = [
    (
        "overdue_tests",
        "township,township_name,person_id,measure_id,measure_type,report_date,last_test",
    ),
    (
        "lost_contact",
        "county,county_name,mgmt_region,person_id,sex,age,primary_drug,lost_contact_date,last_use",
    ),
    ("new_users", "primary_drug,age_group,n"),
    (
        "cross_region",
        "mgmt_county,mgmt_county_name,hukou_county,hukou_county_name,person_id,mgmt_region,hukou_region,under_community_measure",
    ),
    (
        "services_by_type",
        "township,township_name,service_type,n_services,persons",
    ),
    (
        "officer_caseload",
        "township,township_name,officer_id,persons",
    ),
    (
        "unreported_measures",
        "township,township_name,measure_id,person_id,measure_type,decision_date,waiting_days",
    ),
    (
        "relapse_list",
        "county,region,person_id,measure_id,index_date,relapsed,relapse_date,followup_end,followup_days,sex,age_group,primary_drug",
    ),
    ("escalations", "county,county_name,reason,n"),
    (
        "stock_flow",
        "year,as_of,partial,registered,new_users,existing,abstinent_3y,gone,under_community_measure",
    ),
    ("measure_outcomes", "county,end_reason,n"),
];

#[test]
fn list_shows_every_saved_query() {
    let o = run(&["query", "--list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for (name, _) in SAVED {
        assert!(out.contains(name), "{name} missing from --list:\n{out}");
    }
    assert!(out.contains("本季度逾期未检测人员 / Persons overdue for a test this quarter"));
    assert!(out.contains("--param year=<integer>"));
}

#[test]
fn every_saved_query_runs_on_the_fixture_and_the_sample() {
    for (name, cols) in SAVED {
        let file = format!("{QUERIES}/{name}.sql");
        assert_eq!(
            csv_header(&[BASIC, &file]).join(","),
            cols,
            "{name} on basic"
        );
        assert_eq!(csv_header(&[BASIC, name]).join(","), cols, "{name} by name");
        let mut args = vec![NINGXIA, file.as_str()];
        if [
            "new_users",
            "services_by_type",
            "relapse_list",
            "escalations",
            "measure_outcomes",
        ]
        .contains(&name)
        {
            args.extend(["--param", "year=2023"]);
        }
        if name == "unreported_measures" {
            // At C every unreported measure is still pending (decided < 15 days ago).
            args.extend(["--param", "days=0"]);
        }
        let rows = query(&args);
        assert!(!rows.is_empty(), "{name} on ningxia returned no rows");
        let keys: Vec<&str> = rows[0].keys().map(String::as_str).collect();
        assert_eq!(keys.join(","), cols, "{name} on ningxia");
    }
}

#[test]
fn fixture_answers() {
    // Existing at C = 2024-12-30: P002 (rehab running) and P004 (unreported decision).
    let rows = query(&[
        BASIC,
        "SELECT person_id FROM person_status WHERE existing ORDER BY person_id",
    ]);
    let ids: Vec<String> = rows.iter().map(|r| s(r, "person_id")).collect();
    assert_eq!(ids, ["P002", "P004"]);
    // P002 reported 2019-03-10, last valid test 2019-04-01: overdue in Q4 2024.
    let rows = query(&[BASIC, "overdue_tests"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(s(&rows[0], "person_id"), "P002");
    assert_eq!(s(&rows[0], "township"), "640502101");
    assert_eq!(s(&rows[0], "last_test"), "2019-04-01");
    // M005 decided 2019-11-20, never reported: 1867 days at 2024-12-30.
    let rows = query(&[BASIC, "unreported_measures"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(s(&rows[0], "measure_id"), "M005");
    assert_eq!(s(&rows[0], "waiting_days"), "1867");
    // M002 escalated 2017-03-01 after a positive test and a detection: relapse.
    let rows = query(&[BASIC, "escalations", "--param", "year=2017"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(s(&rows[0], "reason"), "relapse");
    assert_eq!(s(&rows[0], "county"), "640502");
    assert_eq!(s(&rows[0], "n"), "1");
    // At 2019-12-31, P004 (hukou 640302) is managed by 韦州镇 640324101 (before the
    // transfer of 2020-01-05): cross-region. At C he is managed in 640302.
    let rows = query(&[BASIC, "cross_region", "--param", "date=2019-12-31"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(s(&rows[0], "person_id"), "P004");
    assert_eq!(s(&rows[0], "mgmt_county"), "640324");
    assert!(query(&[BASIC, "cross_region"]).is_empty());
    // Stock flow of 2024 (partial): 5 registered, 2 existing, 2 abstinent, P003 dead.
    let rows = query(&[BASIC, "stock_flow"]);
    let last = rows.last().unwrap();
    assert_eq!(s(last, "year"), "2024");
    assert_eq!(
        ["registered", "existing", "abstinent_3y", "gone"].map(|k| s(last, k)),
        ["5", "2", "2", "1"]
    );
    // New users of 2021: P005, synthetic cannabinoids, 25 at first finding.
    let rows = query(&[BASIC, "new_users", "--param", "year=2021"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(s(&rows[0], "primary_drug"), "synthetic_cannabinoids");
    assert_eq!(s(&rows[0], "age_group"), "18-35");
    // Community cohort 2021: P005 reported 2021-03-12, no relapse, censored at C.
    let rows = query(&[BASIC, "relapse_list", "--param", "year=2021"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(s(&rows[0], "followup_days"), "1389");
    assert_eq!(s(&rows[0], "relapsed"), "false");
    // Measures in force at 2018-01-01: M003 (isolation, 2017-03-01..2019-03-01).
    let rows = query(&[
        BASIC,
        "SELECT measure_id, executing FROM measures_in_force",
        "--param",
        "date=2018-01-01",
    ]);
    assert_eq!(rows.len(), 1);
    assert_eq!(s(&rows[0], "measure_id"), "M003");
}

#[test]
fn as_of_reads_the_data_as_it_stood() {
    // P005 is first found 2021-03-03: absent at 2020-12-31, from tables and views.
    let rows = query(&[
        BASIC,
        "SELECT person_id FROM person_status ORDER BY person_id",
        "--as-of",
        "2020-12-31",
    ]);
    assert_eq!(rows.len(), 4);
    let rows = query(&[
        BASIC,
        "SELECT COUNT(*) AS n FROM tests",
        "--as-of",
        "2020-12-31",
    ]);
    assert_eq!(s(&rows[0], "n"), "6");
    // M006 ended 2024-03-10: at 2023-12-31 it has no end date yet.
    let rows = query(&[
        BASIC,
        "SELECT end_date, end_reason FROM measures WHERE measure_id = 'M006'",
        "--as-of",
        "2023-12-31",
    ]);
    assert_eq!(rows[0]["end_date"], serde_json::Value::Null);
    assert_eq!(rows[0]["end_reason"], serde_json::Value::Null);
}

#[test]
fn text_parameters_are_quoted_never_spliced() {
    let rows = query(&[
        BASIC,
        "SELECT person_id FROM persons WHERE person_id = {pid}",
        "--param",
        "pid=P001' OR '1'='1",
    ]);
    assert!(rows.is_empty(), "{rows:?}");
    let rows = query(&[BASIC, "SELECT {v} AS v", "--param", "v=O'Brien \"x\""]);
    assert_eq!(s(&rows[0], "v"), "O'Brien \"x\"");
    // Typed ad-hoc parameters, and a region prefix with a quote in a saved query.
    let rows = query(&[
        BASIC,
        "SELECT COUNT(*) AS n FROM persons WHERE first_found_date >= {d}",
        "--param",
        "d:date=2016-01-01",
    ]);
    assert_eq!(s(&rows[0], "n"), "3");
    let rows = query(&[BASIC, "lost_contact", "--param", "region=64'--"]);
    assert!(rows.is_empty());
    let o = run(&["query", BASIC, "new_users", "--param", "year=2024 OR 1=1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not an integer"), "{}", stderr(&o));
}

#[test]
fn errors_point_at_the_problem() {
    let o = run(&["query", BASIC, "SELECT nope FROM persons"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("unknown column \"nope\""), "{e}");
    assert!(e.contains("persons: person_id, id_pseudonym, sex"), "{e}");

    let o = run(&["query", BASIC, "SELECT * FROM peoples"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("unknown table \"peoples\""), "{e}");
    assert!(e.contains("persons") && e.contains("person_status"), "{e}");

    let o = run(&[
        "query",
        BASIC,
        "SELECT * FROM persons WHERE person_id = {pid}",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("missing parameter pid"),
        "{}",
        stderr(&o)
    );

    let o = run(&["query", BASIC, "new_users", "--param", "yr=2020"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("no parameter yr") && e.contains("year (integer)"),
        "{e}"
    );

    let o = run(&["query", BASIC, "queries/nope.sql"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no saved query"), "{}", stderr(&o));

    // A table the export lacks.
    let ex = Export::basic();
    ex.remove("services.csv");
    let p = ex.path().to_str().unwrap();
    let o = run(&["query", p, "services_by_type"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the data has no services table"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn publish_hides_small_counts_and_refuses_person_lists() {
    let o = run(&[
        "query",
        BASIC,
        "SELECT measure_type, COUNT(*) AS n FROM measures GROUP BY measure_type ORDER BY measure_type",
        "--publish",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "measure_type,n\ncommunity_detox,<10\ncommunity_rehab,<10\ncompulsory_isolation,<10\n"
    );
    // On the sample: no count from 1 to 9 survives; large ones stay.
    let o = run(&[
        "query",
        NINGXIA,
        "SELECT DATE_PART('year', first_found_date) AS year, primary_drug, COUNT(*) AS n \
         FROM persons GROUP BY year, primary_drug ORDER BY year, primary_drug",
        "--publish",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut hidden = 0;
    for r in v.as_array().unwrap() {
        let n = r["n"].as_str().unwrap();
        if n == "<10" {
            hidden += 1;
        } else {
            let x: u64 = n.parse().unwrap();
            assert!(x == 0 || x >= 10, "{r}");
        }
        assert!(r["year"].is_number(), "year is not a count: {r}");
    }
    assert!(hidden > 0);
    let o = run(&["query", BASIC, "SELECT * FROM persons", "--publish"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("lists persons"), "{}", stderr(&o));
}

/// Every format carries the CSV's values: Parquet and Arrow are read back and compared
/// cell by cell; the workbook has dates as dates, booleans and numbers typed.
#[test]
fn output_formats() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let sql =
        "SELECT person_id, first_found_date, registered, age FROM person_status ORDER BY person_id";
    let o = run(&["query", BASIC, sql, "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = stdout(&o);
    assert!(
        csv.starts_with("person_id,first_found_date,registered,age\nP001,2012-05-01,true,39\n"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 6);
    assert!(!csv.contains('\r'));
    for fmt in ["parquet", "arrow"] {
        let out = dir.path().join(format!("q.{fmt}"));
        let o = run(&[
            "query",
            BASIC,
            sql,
            "--format",
            fmt,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{fmt}: {}", stderr(&o));
        let file = std::fs::File::open(&out).unwrap();
        let df = match fmt {
            "parquet" => ParquetReader::new(file).finish().unwrap(),
            _ => IpcReader::new(file).finish().unwrap(),
        };
        assert_eq!(
            df.column("first_found_date").unwrap().dtype(),
            &DataType::Date
        );
        assert_eq!(df.column("registered").unwrap().dtype(), &DataType::Boolean);
        let back = String::from_utf8(jindu::output::to_csv(&df).unwrap()).unwrap();
        assert_eq!(back, csv, "{fmt}");
    }
    let out = dir.path().join("q.xlsx");
    let o = run(&[
        "query",
        BASIC,
        sql,
        "--format",
        "xlsx",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    use calamine::{Data, Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(&out).unwrap();
    let ws = wb.worksheet_range("query").unwrap();
    assert_eq!(
        ws.get((0, 1)),
        Some(&Data::String("first_found_date".into()))
    );
    assert_eq!(ws.get((1, 0)), Some(&Data::String("P001".into())));
    // A date cell: Excel serial 41030 is 2012-05-01.
    match ws.get((1, 1)) {
        Some(Data::DateTime(d)) => {
            assert!(d.is_datetime());
            assert_eq!(d.as_f64(), 41030.0);
        }
        other => panic!("first_found_date is not a date cell: {other:?}"),
    }
    assert_eq!(ws.get((1, 2)), Some(&Data::Bool(true)));
    assert_eq!(ws.get((1, 3)), Some(&Data::Float(39.0)));
    let o = run(&["query", BASIC, sql, "--format", "parquet"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["query", BASIC, sql]);
    assert!(stdout(&o).contains("(5 rows)"));
    assert!(
        stdout(&o).contains("| P001      | 2012-05-01       | true       |  39 |"),
        "{}",
        stdout(&o)
    );
}

/// The metrics rows of one metric and year at province level: (numerator, denominator, value).
fn metric(id: &str, year: &str) -> (String, String, String) {
    let o = run(&[
        "metrics", NINGXIA, "--metric", id, "--level", "province", "--from", year, "--to", year,
        "--format", "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let l = text.lines().nth(1).unwrap();
    let f: Vec<&str> = l.split(',').collect();
    (f[8].into(), f[9].into(), f[10].into())
}

fn cohort(args: &[&str]) -> Vec<BTreeMap<String, serde_json::Value>> {
    let mut all = vec!["cohort", NINGXIA, "--format", "json"];
    all.extend_from_slice(args);
    let o = run(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .collect()
}

#[test]
fn cohort_agrees_with_the_relapse_metrics() {
    for (entry, id, w, year) in [
        ("community", "relapse_12m", 365, "2022"),
        ("community", "relapse_36m", 1095, "2022"),
        ("community", "relapse_12m", 365, "2024"),
        ("release", "relapse_after_release_12m", 365, "2023"),
    ] {
        let rows = cohort(&["--entry", entry, "--entered", year]);
        let r = rows
            .iter()
            .find(|r| r["group"] == "(all)" && r["horizon_days"] == w)
            .unwrap();
        let (num, den, value) = metric(id, year);
        assert_eq!(r["events_by"].to_string(), num, "{id} {year}");
        assert_eq!(r["n"].to_string(), den, "{id} {year}");
        let v = r["relapse"].as_f64().unwrap();
        let m: f64 = value.parse().unwrap();
        assert!((v - m).abs() < 1e-12, "{id} {year}: {v} vs {m}");
    }
}

#[test]
fn cohort_groups_logrank_and_chart() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("km.svg");
    let rows = cohort(&[
        "--entered",
        "2022",
        "--by",
        "drug",
        "--chart",
        svg.to_str().unwrap(),
    ]);
    let total: i64 = rows
        .iter()
        .filter(|r| r["group"] != "(all)" && r["horizon_days"] == 365)
        .map(|r| r["n"].as_i64().unwrap())
        .sum();
    let all = rows
        .iter()
        .find(|r| r["group"] == "(all)" && r["horizon_days"] == 365)
        .unwrap();
    assert_eq!(all["n"].as_i64().unwrap(), total);
    let p = all["logrank_p"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    assert!(all["logrank_df"].as_i64().unwrap() >= 1);
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"));
    // Window: horizons beyond it are not reported.
    let rows = cohort(&["--entered", "2022", "--window", "365"]);
    assert!(
        rows.iter()
            .all(|r| r["horizon_days"].as_i64().unwrap() <= 365)
    );
    // The table form prints the log-rank line.
    let o = run(&["cohort", NINGXIA, "--entered", "2022", "--by", "sex"]);
    assert!(
        stdout(&o).contains("log-rank test: chi2 ="),
        "{}",
        stdout(&o)
    );
}

/// The saved `new_users` query (persons table only) agrees with the `new_users`
/// metric's drug and age-group breakdowns (29 February birthdays and birthdays late in
/// the year included).
#[test]
fn saved_new_users_agrees_with_the_metric() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/ningxia");
    for year in ["2013", "2019", "2024"] {
        let q = jindu()
            .args([
                "query",
                sample,
                "new_users",
                "--param",
                &format!("year={year}"),
                "--format",
                "csv",
            ])
            .output()
            .unwrap();
        assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
        let mut by_drug = std::collections::BTreeMap::<String, u64>::new();
        let mut by_age = std::collections::BTreeMap::<String, u64>::new();
        for l in String::from_utf8_lossy(&q.stdout).lines().skip(1) {
            let f: Vec<&str> = l.split(',').collect();
            let n: u64 = f[2].parse().unwrap();
            *by_drug.entry(f[0].to_string()).or_default() += n;
            *by_age.entry(f[1].to_string()).or_default() += n;
        }
        let m = jindu()
            .args([
                "metrics",
                sample,
                "--metric",
                "new_users",
                "--level",
                "province",
                "--from",
                year,
                "--to",
                year,
                "--format",
                "csv",
            ])
            .output()
            .unwrap();
        assert!(m.status.success(), "{}", String::from_utf8_lossy(&m.stderr));
        let mut compared = 0;
        for l in String::from_utf8_lossy(&m.stdout).lines().skip(1) {
            let f: Vec<&str> = l.split(',').collect();
            let n: u64 = f[8].parse().unwrap();
            let got = match f[6] {
                "primary_drug" => by_drug.get(f[7]).copied().unwrap_or(0),
                "age_group" => by_age.get(f[7]).copied().unwrap_or(0),
                _ => continue,
            };
            assert_eq!(got, n, "{year} {} {}", f[6], f[7]);
            compared += 1;
        }
        // Nine drugs and four age groups, every one compared.
        assert_eq!(compared, 13, "{year}");
        assert!(
            !by_drug.is_empty() && !by_age.is_empty(),
            "{year}: the query gave no rows"
        );
    }
}
