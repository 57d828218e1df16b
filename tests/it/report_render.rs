//! End-to-end tests of `jindu report` (tracker issue 5) on the bundled sample data:
//! the PDF renders, its text has the sections, every county and the key figures of
//! `jindu metrics`, renders are byte-identical, `--lang en` and `--each county` work,
//! bad arguments exit with code 2; and a snapshot of the JSON handed to Typst.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use jindu::chart::thousands;
use jindu::report::bulletin::{self, Context, Lang, Template, fmt_rate};

pub(crate) const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/ningxia");

fn report(args: &[&str], threads: Option<&str>) -> Output {
    let mut c = common::jindu();
    c.arg("report").arg(SAMPLE).args(args);
    if let Some(t) = threads {
        c.env("RAYON_NUM_THREADS", t);
    }
    c.output().expect("run jindu report")
}

fn render(dir: &Path, name: &str, args: &[&str], threads: Option<&str>) -> Vec<u8> {
    let out: PathBuf = dir.join(name);
    let mut all = vec!["--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = report(&all, threads);
    assert!(
        o.status.success(),
        "jindu report failed: {}",
        common::stderr(&o)
    );
    std::fs::read(out).expect("read pdf")
}

fn text_of(pdf: &[u8]) -> String {
    let t = common::pdf_text::pdf_text(pdf);
    // Text extraction may break lines inside a run; compare without whitespace.
    t.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Rows of `jindu metrics SAMPLE --format csv` for the given arguments.
fn metrics_csv(args: &[&str]) -> Vec<Vec<String>> {
    let mut all = vec!["metrics", SAMPLE, "--format", "csv"];
    all.extend_from_slice(args);
    let o = common::run(&all);
    assert!(o.status.success(), "{}", common::stderr(&o));
    common::stdout(&o)
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn bulletin_has_sections_counties_and_the_figures_of_jindu_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = render(dir.path(), "b.pdf", &[], None);
    assert!(pdf.starts_with(b"%PDF-"));
    let text = text_of(&pdf);
    for h in [
        "宁夏回族自治区",
        "2025年度禁毒工作统计公报",
        "一、总体情况",
        "二、新发现吸毒人员",
        "三、现有吸毒人员与戒断三年未复吸人员",
        "四、社区戒毒社区康复执行",
        "五、复吸",
        "六、管控",
        "七、帮扶救助",
        "八、专干队伍",
        "九、人户分离与双向帮扶",
        "附表",
        "指标口径与数据说明",
        "Kaplan–Meier",
        "SHA-256",
        "<10",
    ] {
        assert!(text.contains(h), "the bulletin lacks {h:?}");
    }
    // Every county of the province.
    let counties = metrics_csv(&[
        "--level",
        "county",
        "--metric",
        "registered",
        "--from",
        "2025",
        "--to",
        "2025",
    ]);
    assert_eq!(counties.len(), 22);
    for r in &counties {
        assert!(text.contains(&r[4]), "the bulletin lacks county {}", r[4]);
    }
    // Key figures equal the metrics output, formatted as in the bulletin.
    let rows = metrics_csv(&[
        "--level",
        "province",
        "--metric",
        "new_users",
        "--metric",
        "abstinent_3y",
        "--metric",
        "existing",
        "--metric",
        "consolidation_rate",
        "--metric",
        "execution_rate",
        "--from",
        "2025",
        "--to",
        "2025",
    ]);
    let total = |m: &str| {
        rows.iter()
            .find(|r| r[0] == m && r[6].is_empty())
            .unwrap_or_else(|| panic!("no {m} row"))
            .clone()
    };
    for m in ["new_users", "abstinent_3y", "existing"] {
        let n: u64 = total(m)[8].parse().unwrap();
        let shown = thousands(n);
        assert!(
            text.contains(&format!("{shown}名")),
            "{m} = {shown} is not in the bulletin"
        );
    }
    assert_eq!(thousands(27953), "27,953");
    for m in ["consolidation_rate", "execution_rate"] {
        let v: f64 = total(m)[10].parse().unwrap();
        let shown = fmt_rate(v);
        assert!(
            text.contains(&shown),
            "{m} = {shown} is not in the bulletin"
        );
    }
}

#[test]
fn two_renders_are_byte_identical_and_english_works() {
    let dir = tempfile::tempdir().unwrap();
    let a = render(dir.path(), "a.pdf", &[], None);
    let b = render(dir.path(), "b.pdf", &[], Some("1"));
    assert!(a == b, "two renders differ");
    let en = render(dir.path(), "en.pdf", &["--lang", "en"], None);
    let text = text_of(&en);
    for h in [
        "AnnualStatisticalBulletinonDrugControl,2025",
        "1.Overview",
        "5.Relapse",
        "Definitionsanddatanotes",
        "Greenwoodvariance",
    ] {
        assert!(text.contains(h), "the English bulletin lacks {h:?}");
    }
}

#[test]
fn each_county_writes_one_brief_per_county() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("briefs");
    let o = report(&["--each", "county", "--out", out.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 22, "{files:?}");
    assert!(files.contains(&"640324-同心县.pdf".to_string()));
    let pdf = std::fs::read(out.join("640324-同心县.pdf")).unwrap();
    let text = text_of(&pdf);
    assert!(text.contains("同心县2025年禁毒工作统计简报"));
    assert!(text.contains("韦州镇"));
}

#[test]
fn bad_region_or_year_is_a_usage_error() {
    let o = report(&["--region", "650000"], None);
    assert_eq!(o.status.code(), Some(2), "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains("--region 650000"));
    let o = report(&["--year", "1990"], None);
    assert_eq!(o.status.code(), Some(2), "{}", common::stderr(&o));
    assert!(common::stderr(&o).contains("--year 1990"));
}

/// The model of the bundled sample data.
pub(crate) fn sample_model() -> jindu::metrics::Model {
    let data = jindu::dataset::Data::open(Path::new(SAMPLE), None, &|_| {}).expect("load sample");
    jindu::metrics::Model::load(&data).expect("model")
}

/// The metric rows of the province bulletin of the sample data (default rule).
pub(crate) fn sample_context(model: &jindu::metrics::Model) -> Context<'_> {
    Context::new(
        model,
        jindu::publish::Rule::default(),
        serde_json::Value::Null,
        &[
            (jindu::regions::Level::Province, 2015, 2025),
            (jindu::regions::Level::County, 2024, 2025),
        ],
    )
}

/// The text nodes of every chart of the sample bulletin in `lang`, as `jindu report`
/// builds them, without the county names (data, written as the region table has them).
fn bulletin_chart_texts(lang: Lang) -> Vec<(String, Vec<String>)> {
    let model = sample_model();
    let cx = sample_context(&model);
    let counties: Vec<String> = cx
        .regions_in(jindu::regions::Level::County, "640000", 2025)
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    assert_eq!(counties.len(), 22);
    // The charts sections.typ asks for, drawn on request as the template loads them.
    use jindu::report::VirtualFiles as _;
    let served = bulletin::Served {
        cx: &cx,
        region: "640000".into(),
        year: 2025,
        lang,
    };
    let codes: Vec<String> = cx
        .regions_in(jindu::regions::Level::County, "640000", 2025)
        .into_iter()
        .map(|(code, _)| code)
        .collect();
    let regions = codes.join(",");
    let zh = lang == Lang::Zh;
    let t = |a: &str, b: &str| if zh { a.to_string() } else { b.to_string() };
    let target = t("目标 99%", "target 99%");
    let paths = [
        (
            "new-users",
            format!(
                "trend/metric=new_users&title={}",
                t("新发现吸毒人员（人）", "New drug users (persons)")
            ),
        ),
        (
            "stocks",
            format!(
                "trend/metric=existing,abstinent_3y&title={}",
                t(
                    "现有吸毒人员与戒断三年未复吸人员（人）",
                    "Existing and abstinent users (persons)"
                )
            ),
        ),
        (
            "consolidation",
            format!(
                "trend/metric=consolidation_rate&title={}",
                t("戒断巩固率", "Consolidation rate")
            ),
        ),
        (
            "execution-trend",
            format!(
                "trend/metric=execution_rate,timely_report_rate&title={}&norm=0.99&norm_label={target}",
                t("执行率与按期报到率", "Execution and timely reporting")
            ),
        ),
        (
            "execution",
            format!(
                "bars/metric=execution_rate&regions={regions}&title={}&norm=99&norm_label={target}",
                t(
                    "2025年各县（市、区）社区戒毒社区康复执行率（%）",
                    "Execution rate by area, 2025 (%)"
                )
            ),
        ),
        (
            "relapse",
            format!(
                "km/from=2021&to=2025&title={}&label={}",
                t(
                    "社区戒毒社区康复人员累计复吸率（按入组年份）",
                    "Cumulative relapse by entry cohort"
                ),
                t("{year}年入组", "{year} cohort")
            ),
        ),
        (
            "control",
            format!(
                "trend/metric=loss_of_contact_rate,escalation_rate&title={}",
                t("失控率与转强制隔离戒毒率", "Loss of contact and escalation")
            ),
        ),
        (
            "services",
            format!(
                "breakdown/metric=service_coverage&by=service_type&title={}",
                t(
                    "2025年帮扶覆盖率（按帮扶类型，%）",
                    "Support coverage by service type, 2025 (%)"
                )
            ),
        ),
        (
            "caseload",
            format!(
                "bars/metric=officer_caseload&regions={regions}&title={}&norm=20&norm_label={}",
                t(
                    "2025年各县（市、区）专干配比（人/专干）",
                    "Persons per officer by area, 2025"
                ),
                t("标准 1:20", "norm 1:20")
            ),
        ),
    ];
    let charts: Vec<(String, String)> = paths
        .iter()
        .map(|(name, spec)| {
            let svg = served
                .load(&format!("/charts/{spec}.svg"))
                .expect("a chart path")
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            (name.to_string(), String::from_utf8(svg).unwrap())
        })
        .collect();
    charts
        .iter()
        .map(|(name, svg)| {
            let texts = common::svg_text::svg_texts(svg)
                .into_iter()
                .filter(|t| !counties.contains(t))
                .collect();
            (name.clone(), texts)
        })
        .collect()
}

/// Asserts that some chart text node of `charts` is exactly each of `words`.
fn assert_chart_words(charts: &[(String, Vec<String>)], words: &[&str]) {
    for word in words {
        assert!(
            charts.iter().flat_map(|(_, t)| t).any(|t| t == word),
            "no chart has the text {word:?}"
        );
    }
}

#[test]
fn english_bulletin_charts_have_english_words_only() {
    let charts = bulletin_chart_texts(Lang::En);
    for (name, texts) in &charts {
        let cjk: Vec<&String> = texts
            .iter()
            .filter(|t| common::svg_text::has_cjk(t))
            .collect();
        assert!(cjk.is_empty(), "chart {name} has Chinese words: {cjk:?}");
    }
    assert_chart_words(
        &charts,
        &[
            "Cumulative relapse",
            "Follow-up (months)",
            "Number at risk",
            "New drug users (persons)",
            "target 99%",
            "norm 1:20",
        ],
    );
}

#[test]
fn chinese_bulletin_charts_keep_chinese_words() {
    let charts = bulletin_chart_texts(Lang::Zh);
    assert_chart_words(
        &charts,
        &[
            "累计复吸率",
            "随访时间（月）",
            "风险人数",
            "新发现吸毒人员（人）",
            "目标 99%",
            "标准 1:20",
        ],
    );
}

/// The JSON handed to Typst for the sample bulletin: meta, rule, scope, levels, the rows
/// of the headline, the breakdown labels, the pooled counts and the relapse cohorts.
#[test]
fn bulletin_data_snapshot() {
    let model = sample_model();
    let cx = sample_context(&model);
    let built = crate::report_rules::build(&cx, Template::AnnualBulletin, "640000", 2025, Lang::Zh);
    let d = &built.data;
    let keys: Vec<&String> = d.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "meta",
            "rule",
            "scope",
            "levels",
            "regions",
            "metrics",
            "breakdowns",
            "pooled",
            "cohorts",
            "provenance",
            "definitions"
        ]
    );
    // Charts are drawn on request: none before rendering.
    assert!(built.charts.is_empty());
    // The KM curves are fitted on exactly the cohort of relapse_12m.
    let rows = jindu::metrics::compute(
        &model,
        &jindu::metrics::Request {
            metrics: vec![jindu::metrics::defs::find("relapse_12m").unwrap()],
            level: jindu::regions::Level::Province,
            scope: None,
            from: Some(2021),
            to: Some(2025),
        },
    );
    assert_eq!(rows.len(), 5);
    for r in &rows {
        let subjects = bulletin::cohort_subjects(&model, "640000", r.period.parse().unwrap());
        let km = jindu::stats::KaplanMeier::fit(&subjects);
        assert_eq!(Some(subjects.len() as u64), r.denominator, "{}", r.period);
        assert_eq!(Some(km.events_by(365)), r.numerator, "{}", r.period);
        assert_eq!(km.relapse_at(365).map(|x| x.0), r.value, "{}", r.period);
        // `/data/cohorts` has the same cohort.
        let year: i64 = r.period.parse().unwrap();
        let c = d["cohorts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["year"] == year)
            .unwrap();
        assert_eq!(c["persons"].as_u64(), r.denominator, "{}", r.period);
    }
    // The headline's rows (the template prints their text and comparison).
    let headline: Vec<&serde_json::Value> = d["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            r["year"] == 2025
                && r["breakdown"] == ""
                && [
                    "existing",
                    "abstinent_3y",
                    "consolidation_rate",
                    "new_users",
                    "execution_rate",
                    "under_community_measure",
                ]
                .contains(&r["metric"].as_str().unwrap())
        })
        .collect();
    let small = serde_json::json!({
        "meta": d["meta"],
        "rule": d["rule"],
        "scope": d["scope"],
        "levels": d["levels"],
        "headline": headline,
        "breakdowns": d["breakdowns"],
        "pooled": d["pooled"],
        "cohorts": d["cohorts"],
    });
    insta::assert_json_snapshot!("sample_bulletin_data", small);
}

/// `/data/index/CODE.json` (what `index-of` of jindu.typ loads for regions other than
/// the document's) holds exactly the rows of `/data/regions/CODE.json`, keyed as the
/// template used to key them in Typst (`metric|year|breakdown|value`), in row order;
/// paths that are not a region of the scope are refused as for the region rows.
#[test]
fn region_index_files_key_the_region_rows() {
    use jindu::report::VirtualFiles as _;
    let model = sample_model();
    let cx = sample_context(&model);
    let served = bulletin::Served {
        cx: &cx,
        region: "640000".into(),
        year: 2025,
        lang: Lang::Zh,
    };
    let load = |path: &str| -> serde_json::Value {
        let bytes = served.load(path).expect("served").expect(path);
        serde_json::from_slice(&bytes).expect("json")
    };
    for code in ["640324", "640000"] {
        let rows = load(&format!("/data/regions/{code}.json"));
        let rows = rows.as_array().expect("array");
        assert!(rows.len() > 100, "{code}: {} rows", rows.len());
        let index = load(&format!("/data/index/{code}.json"));
        let index = index.as_object().expect("object");
        let mut keys: Vec<String> = Vec::new();
        for r in rows {
            let s = |f: &str| r[f].as_str().expect(f).to_string();
            let key = format!(
                "{}|{}|{}|{}",
                s("metric"),
                r["year"].as_i64().expect("year"),
                s("breakdown"),
                s("breakdown_value")
            );
            assert_eq!(&index[&key], r, "{code} {key}");
            keys.push(key);
        }
        // One row per key in the sample: the index is the rows, in their order.
        assert_eq!(index.keys().cloned().collect::<Vec<_>>(), keys, "{code}");
    }
    let err = served.load("/data/index/999999.json").expect("served");
    assert!(err.unwrap_err().contains("unknown region \"999999\""));
    let err = served.load("/data/index/640324").expect("served");
    assert!(err.unwrap_err().contains("/data/index/CODE.json"));
}
