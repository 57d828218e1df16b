//! Render tests: the demo template to PDF, text extraction, reproducibility,
//! font coverage and diagnostics.

use std::fs;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::*;
use crate::chart::{self, YAxis};
use bulletin::Lang;

#[path = "../../tests/it/pdf_text.rs"]
mod pdf_text;
use pdf_text::pdf_text;

fn cutoff() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, 31).expect("valid date")
}

fn demo_data() -> Value {
    json!({
        "title": "2025年度禁毒工作统计公报（演示）",
        "subtitle": "社区戒毒社区康复工作数据",
        "issuer": "某市禁毒委员会办公室",
        "summary": "2025年，全市共有社区戒毒社区康复人员 1,234 名，执行率 98.7%。表中小于 10 的数字以 <10 表示，“—”表示无数据；*星号*、#井号与 $美元$ 符号均按原样输出。",
        "table": {
            "caption": "各县（区）社区戒毒社区康复人员情况",
            "header": ["县（区）", "在册人数", "新增人数", "执行率"],
            "rows": [
                ["东城区", 412, 37, "99.0%"],
                ["西山县", 286, "<10", "97.5%"],
                ["南湖区", 0, "—", "—"],
                ["合计", 698, 45, "98.4%"]
            ],
            "note": "注：为保护个人信息，小于 10 的数字以“<10”表示。"
        },
        "charts": [
            {"name": "trend", "caption": "社区戒毒执行率变化趋势"},
            {"name": "ranked", "caption": "各县（区）社工人均管理人数"}
        ]
    })
}

fn demo_charts() -> Vec<(String, String)> {
    let trend = chart::trend_line(
        &Lang::Zh.trend_text("社区戒毒执行率"),
        &[
            (
                "本市".to_string(),
                vec![
                    (2020, Some(0.962)),
                    (2021, Some(0.971)),
                    (2022, None),
                    (2023, Some(0.981)),
                    (2024, Some(0.984)),
                    (2025, Some(0.987)),
                ],
            ),
            (
                "全省".to_string(),
                vec![
                    (2020, Some(0.955)),
                    (2021, Some(0.962)),
                    (2022, Some(0.97)),
                    (2023, Some(0.975)),
                    (2024, Some(0.98)),
                    (2025, Some(0.983)),
                ],
            ),
        ],
        Some((0.99, "目标 99%")),
        YAxis::Percent,
    );
    let ranked = chart::ranked_bars(
        &Lang::Zh.bar_text("各县（区）社工人均管理人数"),
        &[
            ("东城区".to_string(), Some(24.5)),
            ("西山县".to_string(), Some(17.0)),
            ("南湖区".to_string(), None),
            ("北岭县".to_string(), Some(31.2)),
        ],
        Some((20.0, "标准 1:20")),
    );
    vec![("trend".to_string(), trend), ("ranked".to_string(), ranked)]
}

fn render_demo() -> Result<Vec<u8>, ReportError> {
    render_pdf(
        &TemplateSource::Embedded,
        "demo.typ",
        &demo_data(),
        &demo_charts(),
        cutoff(),
        &RenderOptions::default(),
    )
}

/// A temporary template folder holding `files`.
fn template_dir(tag: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jindu-report-test-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create temp dir");
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create dir");
        }
        fs::write(path, text).expect("write template");
    }
    dir
}

fn compile_error(dir: &std::path::Path, main: &str) -> Vec<Diagnostic> {
    match render_pdf(
        &TemplateSource::Dir(dir.to_path_buf()),
        main,
        &json!({"x": 1}),
        &[],
        cutoff(),
        &RenderOptions::default(),
    ) {
        Err(ReportError::Compile(diags)) => diags,
        other => panic!("expected a compile error, got {:?}", other.map(|b| b.len())),
    }
}

#[test]
fn demo_renders_with_chinese_text_and_verbatim_cells() {
    let pdf = render_demo().unwrap_or_else(|e| panic!("{e}"));
    assert!(pdf.starts_with(b"%PDF-"));
    if let Ok(path) = std::env::var("JINDU_DEMO_PDF") {
        fs::write(&path, &pdf).expect("write demo pdf");
    }
    let text = pdf_text(&pdf);
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for needle in [
        "2025年度禁毒工作统计公报（演示）",
        "一、总体情况",
        "（一）分县（区）统计",
        "二、图表",
        "各县（区）社区戒毒社区康复人员情况",
        "西山县",
        "<10",
        "—",
        "*星号*、#井号与$美元$",
        "2025年12月31日",
    ] {
        assert!(
            squeezed.contains(needle),
            "{needle:?} not in extracted text:\n{text}"
        );
    }
}

#[test]
fn renders_are_byte_identical() {
    let a = render_demo().unwrap_or_else(|e| panic!("{e}"));
    let b = render_demo().unwrap_or_else(|e| panic!("{e}"));
    assert!(a == b, "two renders of the same input differ");
    // A different cutoff changes the document date and the PDF.
    let c = render_pdf(
        &TemplateSource::Embedded,
        "demo.typ",
        &demo_data(),
        &demo_charts(),
        NaiveDate::from_ymd_opt(2024, 12, 31).expect("valid date"),
        &RenderOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(a != c);
}

#[test]
fn uncovered_characters_are_reported_with_their_path() {
    let mut data = demo_data();
    data["table"]["rows"][1][0] = json!("西山县😀");
    data["issuer"] = json!("𠀀市禁毒办");
    let err = render_pdf(
        &TemplateSource::Embedded,
        "demo.typ",
        &data,
        &demo_charts(),
        cutoff(),
        &RenderOptions::default(),
    )
    .expect_err("must fail");
    let ReportError::MissingGlyphs(missing) = &err else {
        panic!("unexpected error {err}")
    };
    let found: Vec<(char, &str)> = missing
        .iter()
        .map(|m| (m.character, m.json_path.as_str()))
        .collect();
    assert!(found.contains(&('😀', "$.table.rows[1][0]")), "{found:?}");
    assert!(found.contains(&('\u{20000}', "$.issuer")), "{found:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("U+1F600") && msg.contains("--font-path"),
        "{msg}"
    );
}

#[test]
fn errors_have_file_line_and_column() {
    let dir = template_dir(
        "diag",
        &[
            ("main.typ", "#import \"lib.typ\": f\n= 标题\n#f(1)\n"),
            ("lib.typ", "#let f(x) = {\n  x + \"a\"\n}\n"),
        ],
    );
    let diags = compile_error(&dir, "main.typ");
    let d = &diags[0];
    assert_eq!(d.severity, DiagnosticSeverity::Error);
    // A template on disk is named by its path there.
    let lib = dir.join("lib.typ").display().to_string();
    assert_eq!(d.file.as_deref(), Some(lib.as_str()));
    assert_eq!((d.line, d.column), (Some(2), Some(3)));
    let shown = d.to_string();
    assert!(
        shown.starts_with(&format!("{lib}:2:3: error: cannot add")),
        "{shown}"
    );
    let main = dir.join("main.typ").display().to_string();
    assert!(shown.contains(&format!("{main}:3:2")), "trace: {shown}");
    fs::remove_dir_all(dir).ok();
}

#[test]
fn warnings_fail_the_render() {
    let dir = template_dir(
        "warn",
        &[("main.typ", "#set text(font: \"No Such Font\")\n你好\n")],
    );
    let diags = compile_error(&dir, "main.typ");
    assert!(
        diags
            .iter()
            .any(|d| d.severity == DiagnosticSeverity::Warning
                && d.message.contains("unknown font family")),
        "{diags:?}"
    );
    fs::remove_dir_all(dir).ok();
}

#[test]
fn no_packages_and_no_reads_outside_the_template_folder() {
    let dir = template_dir(
        "sandbox",
        &[
            ("pkg.typ", "#import \"@preview/cetz:0.3.0\": canvas\n"),
            ("escape.typ", "#read(\"../../../../../../etc/hostname\")\n"),
            ("data.typ", "#let d = json(\"/data.json\")\n#d.x\n"),
        ],
    );
    let diags = compile_error(&dir, "pkg.typ");
    assert!(diags[0].message.contains("offline"), "{diags:?}");
    let diags = compile_error(&dir, "escape.typ");
    let escape = dir.join("escape.typ").display().to_string();
    assert_eq!(diags[0].file.as_deref(), Some(escape.as_str()), "{diags:?}");
    // The virtual data file is visible from a template folder too.
    render_pdf(
        &TemplateSource::Dir(dir.clone()),
        "data.typ",
        &json!({"x": "<10"}),
        &[],
        cutoff(),
        &RenderOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    fs::remove_dir_all(dir).ok();
}

#[test]
fn bad_inputs_are_rejected() {
    let err = render_pdf(
        &TemplateSource::Embedded,
        "nope.typ",
        &json!({}),
        &[],
        cutoff(),
        &RenderOptions::default(),
    )
    .expect_err("missing main");
    assert!(matches!(err, ReportError::MainNotFound(_)), "{err}");
    let err = render_pdf(
        &TemplateSource::Embedded,
        "demo.typ",
        &demo_data(),
        &[("../x".to_string(), String::new())],
        cutoff(),
        &RenderOptions::default(),
    )
    .expect_err("bad chart name");
    assert!(matches!(err, ReportError::ChartName(_)), "{err}");
}

/// The data layout of `bulletin` (docs/templates.md: meta, scope, rule, regions,
/// metric rows, breakdowns, pooled counts, cohorts, provenance, definitions), minimal,
/// every figure hidden: both templates compile it.
fn bulletin_data() -> Value {
    let row = json!({
        "metric": "existing", "period": "2025", "year": 2025, "as_of": "2025-12-31",
        "region_code": "640000", "region_name": "某省", "region_level": "province",
        "breakdown": "", "breakdown_value": "", "kind": "count",
        "numerator": null, "denominator": null, "value": null, "ci_low": null, "ci_high": null,
        "partial": false, "unstable": false, "suppressed": true, "text": "<10", "ci_text": "",
        "comparison": {"kind": "count", "outcome": "not_compared", "prev": null, "cur": null,
            "change": null, "change_text": null, "relative": null, "relative_text": null,
            "relative_small": false, "difference": null, "significant": null}
    });
    json!({
        "meta": {
            "template": "annual-bulletin", "lang": "zh", "region_code": "640000",
            "region_name": "某省", "region_level": "province", "year": 2025,
            "partial": false, "engine": "jindu test",
            "issuer": "某省禁毒委员会办公室", "doc_number": "某禁毒办〔2026〕1号"
        },
        "scope": {"region": "640000", "level": "province", "year": 2025, "lang": "zh"},
        "rule": {"threshold": 10, "hidden_count": "<10", "hidden_rate": "—", "published": true},
        "levels": [{"level": "province", "from": 2025, "to": 2025}],
        "regions": {"640000": {"code": "640000", "name": "某省", "level": "province",
            "parent": null, "in_table": true}},
        "metrics": [row],
        "provenance": {"engine": "jindu test", "version": "0", "cutoff": "2025-12-31",
            "cutoff_date": {"year": 2025, "month": 12, "day": 31},
            "inputs": [{"file": "人员.csv", "table": "persons", "sha256": "ab12",
                "rows_read": 1, "accepted": 1, "merged": 0, "quarantined": 0}],
            "quarantined": [], "quarantined_total": 0},
        "definitions": [{"id": "existing", "zh": "现有吸毒人员", "en": "Existing drug users",
            "kind": "count", "definition": {"zh": "在册。", "en": "Registered."}}],
        "breakdowns": {"sex": [{"value": "male", "zh": "男", "en": "male"}]},
        "pooled": {"new_users": null},
        "cohorts": [{"year": 2025, "persons": null, "text": "<10", "drawn": false}]
    })
}

#[test]
fn bulletin_templates_compile_every_block_kind() {
    for main in ["annual-bulletin.typ", "county-brief.typ"] {
        compile_document(
            &TemplateSource::Embedded,
            main,
            &bulletin_data(),
            &demo_charts()[..1],
            cutoff(),
            &RenderOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{main}: {e}"));
    }
}

#[test]
fn every_chart_kind_renders_in_typst() {
    let charts = vec![
        demo_charts().remove(0),
        (
            "counts".to_string(),
            chart::trend_line(
                &Lang::Zh.trend_text("在册吸毒人员数"),
                &[(
                    "人数".to_string(),
                    vec![
                        (2021, Some(1234.0)),
                        (2022, Some(1180.0)),
                        (2023, None),
                        (2024, Some(990.0)),
                    ],
                )],
                None,
                YAxis::Count,
            ),
        ),
        (
            "km".to_string(),
            chart::km_curves(
                &Lang::Zh.km_text("出所人员累计复吸率"),
                &[
                    (
                        "2021年出所".to_string(),
                        vec![
                            (30, 0.05),
                            (200, 0.12),
                            (400, 0.2),
                            (700, 0.26),
                            (1000, 0.3),
                        ],
                        vec![(0, 250), (183, 210), (365, 180), (730, 120), (1096, 60)],
                    ),
                    (
                        "2022年出所".to_string(),
                        vec![(60, 0.04), (300, 0.1), (600, 0.15)],
                        vec![(0, 300), (183, 260), (365, 200), (730, 90)],
                    ),
                ],
            ),
        ),
        (
            "stacked".to_string(),
            chart::stacked_bars(
                &Lang::Zh.bar_text("各县（区）帮扶服务覆盖人数"),
                &[
                    "东城区".to_string(),
                    "西山县".to_string(),
                    "南湖区".to_string(),
                ],
                &[
                    ("就业帮扶".to_string(), vec![Some(120.0), Some(45.0), None]),
                    ("心理辅导".to_string(), vec![Some(80.0), Some(60.0), None]),
                    ("医疗救助".to_string(), vec![Some(30.0), None, None]),
                ],
            ),
        ),
        (
            "empty".to_string(),
            chart::km_curves(&Lang::Zh.km_text("暂无复吸数据"), &[]),
        ),
    ];
    let mut data = demo_data();
    data["charts"] = Value::Array(
        charts
            .iter()
            .map(|(name, _)| json!({"name": name, "caption": name}))
            .collect(),
    );
    let pdf = render_pdf(
        &TemplateSource::Embedded,
        "demo.typ",
        &data,
        &charts,
        cutoff(),
        &RenderOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    if let Ok(path) = std::env::var("JINDU_GALLERY_PDF") {
        fs::write(&path, &pdf).expect("write gallery pdf");
    }
}
