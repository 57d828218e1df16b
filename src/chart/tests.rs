//! Unit tests of the charts: sizes, words from the caller, number formats.

use super::axis::{decimals_for, nice_ticks};
use super::km::month_ticks;
use super::numbers::{fmt_number, fmt_percent};
use super::*;

/// The words of the Chinese bulletin, as the callers pass them.
fn trend_zh(title: &str) -> TrendText<'_> {
    TrendText {
        title,
        no_data: "暂无数据",
        axis_cut: "注：纵轴未从 0 开始",
    }
}

fn bars_zh(title: &str) -> BarText<'_> {
    BarText {
        title,
        no_data: "暂无数据",
        missing: "无数据",
    }
}

fn km_zh(title: &str) -> KmText<'_> {
    KmText {
        title,
        no_data: "暂无数据",
        y_axis: "累计复吸率",
        x_axis: "随访时间（月）",
        at_risk: "风险人数",
    }
}

fn assert_svg(svg: &str, title: &str) {
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(200)]);
    assert!(svg.contains(title), "title missing");
    assert!(svg.contains(r#"font-family="Noto Sans CJK SC""#));
    assert!(svg.trim_end().ends_with("</svg>"));
}

fn trend() -> Vec<TrendSeries> {
    vec![
        (
            "执行率".to_string(),
            vec![
                (2019, Some(0.962)),
                (2020, Some(0.975)),
                (2021, None),
                (2022, Some(0.981)),
                (2023, Some(0.99)),
            ],
        ),
        (
            "全省".to_string(),
            vec![(2019, Some(0.95)), (2020, Some(0.97)), (2023, Some(0.985))],
        ),
    ]
}

#[test]
fn trend_line_has_title_family_and_target() {
    let svg = trend_line(
        &trend_zh("社区戒毒执行率"),
        &trend(),
        Some((0.99, "目标 99%")),
        YAxis::Percent,
    );
    assert_svg(&svg, "社区戒毒执行率");
    assert!(svg.contains("目标 99%"));
    assert!(svg.contains("2021"));
    assert!(svg.contains("纵轴未从 0 开始"));
    assert_eq!(
        svg,
        trend_line(
            &trend_zh("社区戒毒执行率"),
            &trend(),
            Some((0.99, "目标 99%")),
            YAxis::Percent
        )
    );
}

#[test]
fn trend_line_single_series_counts() {
    let s = vec![(
        "人数".to_string(),
        vec![(2021, Some(1234.0)), (2022, Some(1500.0)), (2023, None)],
    )];
    let svg = trend_line(&trend_zh("在册吸毒人员数"), &s, None, YAxis::Count);
    assert_svg(&svg, "在册吸毒人员数");
    assert!(svg.contains("1,234"), "data labels with separators");
}

#[test]
fn empty_inputs_give_placeholder() {
    for svg in [
        trend_line(&trend_zh("空"), &[], None, YAxis::Count),
        trend_line(
            &trend_zh("空"),
            &[("a".into(), vec![(2020, None)])],
            None,
            YAxis::Count,
        ),
        ranked_bars(&bars_zh("空"), &[], Some((20.0, "标准"))),
        ranked_bars(&bars_zh("空"), &[("甲县".into(), None)], None),
        km_curves(&km_zh("空"), &[]),
        km_curves(&km_zh("空"), &[("a".into(), vec![], vec![])]),
        stacked_bars(&bars_zh("空"), &[], &[]),
        stacked_bars(
            &bars_zh("空"),
            &["甲县".into()],
            &[("a".into(), vec![None])],
        ),
    ] {
        assert_svg(&svg, "空");
        assert!(svg.contains("暂无数据"));
    }
}

#[test]
fn ranked_bars_sorts_and_marks_missing() {
    let items = vec![
        ("甲县".to_string(), Some(18.0)),
        ("乙县".to_string(), None),
        ("丙区".to_string(), Some(31.5)),
    ];
    let svg = ranked_bars(
        &bars_zh("各县（区）社工人均管理人数"),
        &items,
        Some((20.0, "标准 1:20")),
    );
    assert_svg(&svg, "各县（区）社工人均管理人数");
    assert!(svg.contains("无数据"));
    assert!(svg.contains("标准 1:20"));
    let (a, b, c) = (
        svg.find("丙区").unwrap(),
        svg.find("甲县").unwrap(),
        svg.find("乙县").unwrap(),
    );
    assert!(a < b && b < c, "ranked descending, missing last");
    assert_eq!(
        svg,
        ranked_bars(
            &bars_zh("各县（区）社工人均管理人数"),
            &items,
            Some((20.0, "标准 1:20"))
        )
    );
}

#[test]
fn km_curves_have_at_risk_table() {
    let curves = vec![
        (
            "2021年出所".to_string(),
            vec![(30, 0.05), (200, 0.12), (400, 0.2), (700, 0.26)],
            vec![(0, 250), (183, 210), (365, 180), (730, 120)],
        ),
        (
            "2022年出所".to_string(),
            vec![(60, 0.04), (300, 0.1)],
            vec![(0, 300), (183, 260), (365, 200)],
        ),
    ];
    let svg = km_curves(&km_zh("出所人员累计复吸率"), &curves);
    assert_svg(&svg, "出所人员累计复吸率");
    assert!(svg.contains("风险人数"));
    assert!(svg.contains("250") && svg.contains("120"));
    assert!(svg.contains("—"), "no count past the follow-up");
    assert_eq!(svg, km_curves(&km_zh("出所人员累计复吸率"), &curves));
}

#[test]
fn stacked_bars_totals_and_none() {
    let cats = vec!["甲县".to_string(), "乙县".to_string()];
    let series = vec![
        ("就业帮扶".to_string(), vec![Some(12.0), None]),
        ("心理辅导".to_string(), vec![Some(30.0), Some(8.0)]),
    ];
    let svg = stacked_bars(&bars_zh("服务覆盖情况"), &cats, &series);
    assert_svg(&svg, "服务覆盖情况");
    assert!(svg.contains("就业帮扶") && svg.contains("42"));
    assert_eq!(svg, stacked_bars(&bars_zh("服务覆盖情况"), &cats, &series));
}

#[test]
fn titles_are_escaped() {
    let svg = ranked_bars(&bars_zh("<10 & more"), &[("a".into(), Some(1.0))], None);
    assert!(svg.contains("&lt;10 &amp; more"));
}

#[test]
fn number_formatting() {
    assert_eq!(fmt_number(1234567.0, 0), "1,234,567");
    assert_eq!(fmt_number(-1234.5, 1), "-1,234.5");
    assert_eq!(fmt_number(-0.01, 1), "0.0");
    assert_eq!(fmt_percent(0.99, 0), "99%");
    assert_eq!(
        nice_ticks(0.0, 97.0, 6),
        vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    );
    assert_eq!(decimals_for(0.25), 2);
    assert_eq!(month_ticks(730), vec![0, 6, 12, 18, 24]);
    assert_eq!(month_ticks(1096), vec![0, 6, 12, 18, 24, 30, 36]);
    assert_eq!(month_ticks(1400), vec![0, 12, 24, 36, 48]);
    assert!((text_width("禁毒ab", 10.0, false) - 31.81).abs() < 0.01);
}

#[path = "../../tests/it/svg_text.rs"]
mod svg_text;
use svg_text::{has_cjk, svg_texts};

#[test]
fn every_word_comes_from_the_caller() {
    let trend_words = TrendText {
        title: "Execution rate",
        no_data: "No data",
        axis_cut: "Note: the axis does not start at 0",
    };
    let bars = BarText {
        title: "Persons per officer",
        no_data: "No data",
        missing: "no data",
    };
    let km = KmText {
        title: "Cumulative relapse by entry cohort",
        no_data: "No data",
        y_axis: "Cumulative relapse",
        x_axis: "Follow-up (months)",
        at_risk: "Number at risk",
    };
    let series = vec![("Execution".to_string(), trend()[0].1.clone())];
    let curves = vec![(
        "2021 cohort".to_string(),
        vec![(30, 0.05), (200, 0.12), (400, 0.2)],
        vec![(0, 250), (183, 210), (365, 180)],
    )];
    let cats = vec!["A".to_string(), "B".to_string()];
    let stacked = vec![("Jobs".to_string(), vec![Some(12.0), None])];
    let charts = [
        (
            trend_line(
                &trend_words,
                &series,
                Some((0.99, "target 99%")),
                YAxis::Percent,
            ),
            vec!["Execution rate", "Note: the axis does not start at 0"],
        ),
        (
            trend_line(&trend_words, &[], None, YAxis::Count),
            vec!["No data"],
        ),
        (
            ranked_bars(&bars, &[("A".into(), Some(25.0)), ("B".into(), None)], None),
            vec!["Persons per officer", "no data"],
        ),
        (
            stacked_bars(&bars, &cats, &stacked),
            vec!["Jobs", "no data"],
        ),
        (ranked_bars(&bars, &[], None), vec!["No data"]),
        (
            km_curves(&km, &curves),
            vec!["Cumulative relapse", "Follow-up (months)", "Number at risk"],
        ),
        (km_curves(&km, &[]), vec!["No data"]),
    ];
    for (svg, expected) in &charts {
        let texts = svg_texts(svg);
        for w in expected {
            assert!(texts.iter().any(|t| t == w), "{w:?} not in {texts:?}");
        }
        assert!(!texts.iter().any(|t| has_cjk(t)), "CJK in {texts:?}");
    }
}

#[test]
fn thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(27953), "27,953");
    assert_eq!(thousands(1234567), "1,234,567");
    assert_eq!(fmt_number(27953.0, 0), thousands(27953));
}
