//! The sample bulletin read as a reader reads it (`pdftotext -layout`): numbers are
//! located in their table row and checked against `jindu metrics` for that county and
//! year, and no count from 1 to 9 is printed where `<10` belongs.

use std::collections::BTreeMap;

use crate::common::*;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/ningxia");

/// (county name → (code, value)) of a county-level total of `metric` in `year`.
fn county_values(metric: &str, year: &str) -> BTreeMap<String, (String, u64)> {
    let o = run(&[
        "metrics", SAMPLE, "--metric", metric, "--from", year, "--to", year, "--format", "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut out = BTreeMap::new();
    for l in stdout(&o).lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        if f[6].is_empty() && !f[4].is_empty() {
            out.insert(f[4].to_string(), (f[3].to_string(), f[8].parse().unwrap()));
        }
    }
    assert!(out.len() >= 20, "{metric} {year}: {} counties", out.len());
    out
}

/// The rows of the table whose caption contains `caption`: the lines after it, up to
/// its note (`注：`) or the next table's caption, whose first cell `is_row` accepts
/// (a table broken across pages repeats its header; figures may sit in between),
/// split on runs of spaces.
fn table_rows(text: &str, caption: &str, is_row: &dyn Fn(&str) -> bool) -> Vec<Vec<String>> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(caption))
        .unwrap_or_else(|| panic!("no table {caption:?} in the bulletin"));
    let next_caption = |l: &str| {
        let t = l.trim_start();
        t.starts_with('注')
            || (t.starts_with('表') && t.chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
    };
    lines[at + 1..]
        .iter()
        .take_while(|l| !next_caption(l))
        .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|r| r.first().is_some_and(|c| is_row(c)))
        .collect()
}

/// How a published count of persons reads: 0, `<10`, or the count itself from 10 on.
fn published(n: u64) -> String {
    if (1..10).contains(&n) {
        "<10".into()
    } else {
        n.to_string()
            .chars()
            .rev()
            .collect::<Vec<_>>()
            .chunks(3)
            .map(|c| c.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(",")
            .chars()
            .rev()
            .collect()
    }
}

#[test]
fn new_users_table_rows_match_the_metrics_and_hide_small_counts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.pdf");
    let o = run(&["report", SAMPLE, "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = pdf_text(&std::fs::read(&out).unwrap());
    let (y24, y25) = (
        county_values("new_users", "2024"),
        county_values("new_users", "2025"),
    );
    let rows = table_rows(&text, "各县（市、区）新发现吸毒人员", &|c| {
        y25.contains_key(c) || c.ends_with("（合计）")
    });
    // One row per county, then the total.
    assert_eq!(rows.len(), y25.len() + 1);
    let total = rows.last().unwrap();
    assert_eq!(total[0], "宁夏回族自治区（合计）");
    // The region's new users: 96 in 2024, 83 in 2025 (sample_data.rs checks 2025 too).
    assert_eq!((total[1].as_str(), total[2].as_str()), ("96", "83"));
    let mut big = 0;
    for r in &rows[..rows.len() - 1] {
        let (code, n25) = &y25[&r[0]];
        let (_, n24) = &y24[&r[0]];
        assert_eq!(r[1], published(*n24), "{} ({code}) 2024: {r:?}", r[0]);
        assert_eq!(r[2], published(*n25), "{} ({code}) 2025: {r:?}", r[0]);
        if *n25 >= 10 {
            big += 1;
        }
    }
    // 同心县: 13 new users in 2024 and 11 in 2025, so they are printed.
    let tongxin = rows.iter().find(|r| r[0] == "同心县").expect("同心县 row");
    assert_eq!((tongxin[1].as_str(), tongxin[2].as_str()), ("13", "11"));
    assert!(big >= 1);
}

#[test]
fn published_helper_groups_thousands() {
    assert_eq!(published(0), "0");
    assert_eq!(published(7), "<10");
    assert_eq!(published(10), "10");
    assert_eq!(published(4265), "4,265");
    assert_eq!(published(1234567), "1,234,567");
}

/// Province totals of `metric` for 2024 and 2025: (numerator, value) per year.
fn province(metric: &str) -> [(u64, f64); 2] {
    let o = run(&[
        "metrics", SAMPLE, "--metric", metric, "--level", "province", "--from", "2024", "--to",
        "2025", "--format", "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: Vec<(u64, f64)> = stdout(&o)
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|f| f[6].is_empty())
        .map(|f| (f[8].parse().unwrap(), f[10].parse().unwrap_or(f64::NAN)))
        .collect();
    assert_eq!(rows.len(), 2, "{metric}");
    [rows[0], rows[1]]
}

/// Table 1 (主要指标): each indicator's row shows the metrics of 2024 and 2025.
#[test]
fn main_indicators_table_rows_match_the_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.pdf");
    let o = run(&["report", SAMPLE, "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = pdf_text(&std::fs::read(&out).unwrap());
    let rows = table_rows(&text, "主要指标", &|c| {
        !c.starts_with("指标") && !c.chars().all(|x| x.is_ascii_digit() || x == '—')
    });
    let row = |name: &str| {
        rows.iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("no row {name} in table 1: {rows:?}"))
            .clone()
    };
    for (name, metric) in [
        ("登记在册吸毒人员", "registered"),
        ("现有吸毒人员", "existing"),
        ("戒断三年未发现复吸人员", "abstinent_3y"),
        ("新发现吸毒人员", "new_users"),
    ] {
        let [(a, _), (b, _)] = province(metric);
        let r = row(name);
        assert_eq!(
            (r[1].clone(), r[2].clone()),
            (published(a), published(b)),
            "{name}"
        );
    }
    for (name, metric) in [
        ("戒断巩固率", "consolidation_rate"),
        ("社区戒毒社区康复执行率", "execution_rate"),
    ] {
        let [(_, a), (_, b)] = province(metric);
        let r = row(name);
        let pct = |v: f64| format!("{:.1}%", v * 100.0);
        assert_eq!((r[1].clone(), r[2].clone()), (pct(a), pct(b)), "{name}");
    }
    // Hand-checked: consolidation 93.2% → 95.2% (27,953 / 29,353 in 2025).
    assert_eq!(row("戒断巩固率")[2], "95.2%");
}

/// The data handed to Typst (the recorded snapshot in `report_render.rs`): the figures
/// of its headline and of the table of key figures (the region's rows, which the
/// template prints) equal `jindu metrics`, run as a separate process, formatted for
/// publication.
#[test]
fn bulletin_data_numbers_match_the_metrics() {
    use crate::report_render::{sample_context, sample_model};
    use jindu::report::bulletin::{Lang, Template};
    let model = sample_model();
    let cx = sample_context(&model);
    let built = crate::report_rules::build(&cx, Template::AnnualBulletin, "640000", 2025, Lang::Zh);
    // The headline's figures are the rows of the region in `metrics`, by display text.
    let rows = built.data["metrics"].as_array().unwrap();
    let value = |label: &str| {
        let id = jindu::metrics::defs::METRICS
            .iter()
            .find(|d| d.zh == label)
            .unwrap_or_else(|| panic!("no metric {label}"))
            .id;
        rows.iter()
            .find(|r| {
                r["metric"] == id
                    && r["year"] == 2025
                    && r["region_code"] == "640000"
                    && r["breakdown"] == ""
            })
            .unwrap_or_else(|| panic!("no row {label}"))["text"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let pct = |v: f64| format!("{:.1}%", v * 100.0);
    assert_eq!(value("现有吸毒人员"), published(province("existing")[1].0));
    assert_eq!(
        value("戒断三年未发现复吸人员"),
        published(province("abstinent_3y")[1].0)
    );
    assert_eq!(
        value("新发现吸毒人员"),
        published(province("new_users")[1].0)
    );
    assert_eq!(
        value("正在执行社区戒毒社区康复人员"),
        published(province("under_community_measure")[1].0)
    );
    assert_eq!(
        value("戒断巩固率"),
        pct(province("consolidation_rate")[1].1)
    );
    assert_eq!(
        value("社区戒毒社区康复执行率"),
        pct(province("execution_rate")[1].1)
    );
    // The overview's table of key figures (written in the template, checked in the PDF
    // by `main_indicators_table_rows_match_the_metrics`) reads the rows of both years.
    let text_of = |metric: &str, year: i64| {
        rows.iter()
            .find(|r| {
                r["metric"] == metric
                    && r["year"] == year
                    && r["region_code"] == "640000"
                    && r["breakdown"] == ""
            })
            .unwrap_or_else(|| panic!("no row {metric} {year}"))["text"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let [(r24, _), (r25, _)] = province("registered");
    assert_eq!(
        (text_of("registered", 2024), text_of("registered", 2025)),
        (published(r24), published(r25))
    );
}
