//! The report part of contract v1.2 (tracker issue 10) on the sample data: the
//! per-inhabitant table of the county brief shows the rows of `jindu metrics
//! --publish`; the incidents line of 同心县 2021 says ten years without incidents; the
//! quarterly and monthly briefs read 本季度 / 本月 with their period label and the
//! counts of `jindu metrics --period quarter|month --publish`; bad period arguments
//! are usage errors (exit code 2) that say the fix.

use std::collections::HashMap;
use std::path::Path;

use super::report_render::SAMPLE;
use crate::common;

/// Renders `jindu report SAMPLE ARGS --out DIR/NAME` and returns the PDF's text
/// (pdftotext -layout).
fn render_text(dir: &Path, name: &str, args: &[&str]) -> String {
    let out = dir.join(name);
    let mut all = vec!["report", SAMPLE];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let o = common::run(&all);
    assert!(o.status.success(), "{}", common::stderr(&o));
    common::pdf_text(&std::fs::read(&out).unwrap())
}

/// `jindu metrics SAMPLE --format csv --publish ARGS`: (metric, period, region name,
/// breakdown value) → the value as published with one decimal or as an integer, `—`
/// or `<10` when hidden.
fn published(args: &[&str]) -> HashMap<(String, String, String, String), String> {
    let mut all = vec!["metrics", SAMPLE, "--format", "csv", "--publish"];
    all.extend_from_slice(args);
    let o = common::run(&all);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let text = common::stdout(&o);
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| head.iter().position(|h| *h == n).unwrap();
    let (m, p, name, bv, v, flags) = (
        col("metric"),
        col("period"),
        col("region_name"),
        col("breakdown_value"),
        col("value"),
        col("flags"),
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let shown = if f[flags].contains("suppressed") || f[v].is_empty() {
                "hidden".to_string()
            } else if f[m].ends_with("per_10k") || f[m].ends_with("per_100k") {
                format!("{:.1}", f[v].parse::<f64>().unwrap())
            } else {
                f[v].to_string()
            };
            (
                (f[m].into(), f[p].into(), f[name].into(), f[bv].into()),
                shown,
            )
        })
        .collect()
}

/// The cells of the line of `text` that starts with `label` (pdftotext -layout keeps
/// a table row on one line, its cells apart by two spaces or more).
fn row_cells(text: &str, label: &str) -> Vec<String> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with(label) && l[label.len()..].starts_with("  "))
        .unwrap_or_else(|| panic!("no row {label} in\n{text}"));
    line[label.len()..]
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

fn as_shown(cell: &str) -> &str {
    if cell == "—" || cell == "<10" {
        "hidden"
    } else {
        cell
    }
}

#[test]
fn county_brief_per_inhabitants_and_incidents_of_tongxin_2021() {
    let dir = tempfile::tempdir().unwrap();
    let text = render_text(
        dir.path(),
        "tongxin.pdf",
        &[
            "--template",
            "county-brief",
            "--region",
            "640324",
            "--year",
            "2021",
        ],
    );
    let section = text
        .split("五、按常住人口比较")
        .nth(1)
        .and_then(|s| s.split("六、").next())
        .expect("section 五 of the brief");
    let ms = ["existing_per_10k", "new_users_per_100k"];
    let mut want = published(&[
        "--metric", ms[0], "--metric", ms[1], "--level", "township", "--region", "640324",
        "--from", "2021", "--to", "2021",
    ]);
    want.extend(published(&[
        "--metric", ms[0], "--metric", ms[1], "--level", "county", "--region", "640324", "--from",
        "2021", "--to", "2021",
    ]));
    let mut checked = 0;
    for ((metric, _, name, _), _) in want.iter().filter(|(k, _)| k.0 == ms[0]) {
        if name.is_empty() || name.contains("未细分") {
            continue;
        }
        let label = if name == "同心县" {
            "同心县（合计）".to_string()
        } else {
            name.clone()
        };
        let cells = row_cells(section, &label);
        assert_eq!(cells.len(), 2, "{label}: {cells:?}");
        for (i, m) in ms.iter().enumerate() {
            let w = &want[&(m.to_string(), "2021".into(), name.clone(), String::new())];
            assert_eq!(as_shown(&cells[i]), w, "{label} {m} ({metric})");
        }
        checked += 1;
    }
    assert!(checked >= 10, "{checked} rows checked");
    // 22.1 per 10,000 and its change in the sentence (published values of the sample).
    assert!(
        section.contains("每万人口现有吸毒人员数22.1名"),
        "{section}"
    );
    // The incidents line: 同心县 has had no incident since 2012.
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        flat.contains("截至2021年，同心县已连续10年未发生吸毒人员肇事肇祸案事件。"),
        "{flat}"
    );
    assert!(flat.contains("2021年同心县发生吸毒人员肇事肇祸案事件0起"));
}

/// The counts of the period rows of 同心县 as published by `jindu metrics --period`.
fn check_period_brief(kind: &str, label: &str, this: &str, args: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec!["--period", kind, "--region", "640324"];
    all.extend_from_slice(args);
    let text = render_text(dir.path(), "p.pdf", &all);
    assert!(text.contains(this), "{text}");
    assert!(text.contains(label), "{text}");
    assert!(!text.contains("连续"), "no year-only figures: {text}");
    let want = published(&[
        "--period",
        kind,
        "--level",
        "county",
        "--region",
        "640324",
        "--metric",
        "existing",
        "--metric",
        "under_community_measure",
        "--metric",
        "in_society",
        "--metric",
        "new_users",
        "--from",
        "2024",
        "--to",
        "2025",
    ]);
    let year_ago = {
        let (y, rest) = label.split_once('-').unwrap();
        format!("{}-{rest}", y.parse::<i32>().unwrap() - 1)
    };
    for (m, name) in [
        ("existing", "现有吸毒人员"),
        ("under_community_measure", "正在执行社区戒毒社区康复人员"),
        ("in_society", "社会面吸毒人员"),
        ("new_users", "新发现吸毒人员"),
    ] {
        // The table of key figures: a year earlier, this period, the change.
        let table = text
            .split("二、主要指标")
            .nth(1)
            .expect("the table of key figures");
        let cells = row_cells(table, name);
        let key = |p: &str| (m.to_string(), p.to_string(), "同心县".into(), String::new());
        assert_eq!(
            as_shown(&cells[0]).replace(',', ""),
            want[&key(&year_ago)],
            "{m}"
        );
        assert_eq!(
            as_shown(&cells[1]).replace(',', ""),
            want[&key(label)],
            "{m}"
        );
    }
    // test_compliance has quarters only.
    assert_eq!(text.contains("检测履约率"), kind == "quarter", "{text}");
}

#[test]
fn quarterly_brief_reads_this_quarter() {
    check_period_brief(
        "quarter",
        "2025-Q3",
        "本季度",
        &["--period-label", "2025-Q3"],
    );
}

#[test]
fn monthly_brief_reads_this_month() {
    // The default month is the last complete one of the data (cutoff 2025-12-31).
    check_period_brief("month", "2025-12", "本月", &[]);
}

#[test]
fn bad_period_arguments_are_usage_errors() {
    for (args, says) in [
        (
            vec!["--period-label", "2025-Q3"],
            "--period-label 2025-Q3 needs --period quarter or --period month",
        ),
        (
            vec!["--period", "quarter", "--period-label", "2025-13"],
            "a quarter is written like 2025-Q3",
        ),
        (
            vec!["--period", "month", "--period-label", "2025-Q3"],
            "a month is written like 2025-09",
        ),
        (
            vec!["--period", "quarter", "--year", "2025"],
            "give the quarter with --period-label",
        ),
        (
            vec!["--period", "month", "--template", "county-brief"],
            "--template county-brief is a yearly document",
        ),
        (
            vec!["--template", "period-brief"],
            "--template period-brief needs --period quarter or --period month",
        ),
        (
            vec![
                "--period",
                "quarter",
                "--period-label",
                "2031-Q1",
                "--region",
                "640324",
            ],
            "the data has quarters from",
        ),
        (
            vec!["--period", "quarter", "--region", "640000"],
            "needs a county --region",
        ),
    ] {
        let mut all = vec!["report", SAMPLE];
        all.extend_from_slice(&args);
        let o = common::run(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", common::stderr(&o));
        assert!(
            common::stderr(&o).contains(says),
            "{args:?}: {}",
            common::stderr(&o)
        );
    }
}
