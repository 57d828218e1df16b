//! The publication rules of METRICS.md v1.2 in the documents of the sample data
//! (tracker issue 15): every year-on-year comparison handed to Typst agrees with the
//! rule, recomputed from its numbers; officers are never hidden (the caseload chart
//! shows every county with 10 or more persons under measures, `metrics --publish`
//! keeps small officer counts); no chart has fewer than three published points and no
//! table is all hidden, in the bulletin and in every county brief.

use std::collections::HashMap;

use serde_json::Value;

use jindu::chart::thousands;
use jindu::metrics::{MetricRow, Model, Request, compute};
use jindu::publish::{Rule, publish_rows};
use jindu::regions::Level;
use jindu::report::bulletin::{self, Built, Context, Lang, Spec, Template, cohort_subjects};
use jindu::stats::KaplanMeier;
use jindu::stats::difference::{km_difference, newcombe};

use super::report_render::{SAMPLE, sample_model};
use crate::common;

/// Published metric rows by (metric, year, region), total rows only.
type Published = HashMap<(String, i32, String), MetricRow>;

fn published(model: &Model, levels: &[(Level, i32, i32)]) -> Published {
    let mut out = HashMap::new();
    for &(level, from, to) in levels {
        let mut rows = compute(
            model,
            &Request {
                metrics: Vec::new(),
                level,
                scope: None,
                from: Some(from),
                to: Some(to),
            },
        );
        publish_rows(&mut rows, Rule::default());
        for r in rows.into_iter().filter(|r| r.breakdown.is_empty()) {
            let year = r.period.parse().unwrap();
            out.insert((r.metric.to_string(), year, r.region_code.clone()), r);
        }
    }
    out
}

/// The document `template` of `region` and `year` in `lang`, with the default rule.
pub(crate) fn build(
    cx: &Context,
    template: Template,
    region: &str,
    year: i32,
    lang: Lang,
) -> Built {
    let spec = Spec {
        template,
        region: region.into(),
        year,
        lang,
        rule: Rule::default(),
    };
    bulletin::build(cx, &spec)
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// A rate as published: percent with one decimal.
fn pct(v: f64) -> String {
    format!("{:.1}", v * 100.0)
}

/// Checks one comparison against the rule of METRICS.md ("Publication", v1.2),
/// recomputing it from its numbers; `cells` are the other cells of its table row.
fn check(c: &Value, pubd: &Published, model: &Model, lang: Lang, cells: Option<&[Value]>) {
    let metric = c["metric"].as_str().unwrap();
    let region = c["region"].as_str().unwrap();
    let year = c["years"][1].as_i64().unwrap() as i32;
    let text = c["text"].as_str().unwrap();
    let zh = lang == Lang::Zh;
    let (prev, cur) = (&c["prev"], &c["cur"]);
    // No rule for ratios (persons per officer), and a relative change (new_users_yoy)
    // is itself a comparison: never compared.
    if c["kind"] == "ratio" || c["kind"] == "change" {
        assert_eq!(c["outcome"], "not_compared", "{c}");
        assert_eq!(text, if zh { "不作比较" } else { "not compared" });
        return;
    }
    let row = |y: i32| pubd.get(&(metric.to_string(), y, region.to_string()));
    let visible = |y: i32| row(y).is_some_and(|r| !r.suppressed && r.value.is_some());
    if prev.is_null() || cur.is_null() {
        assert_eq!(c["outcome"], "not_compared", "{c}");
        assert_eq!(text, if zh { "不作比较" } else { "not compared" });
        // Either figure is hidden or missing, or a table cell of the row is hidden.
        let hidden_cell = cells.is_some_and(|r| {
            r.iter()
                .any(|v| v == &Value::from(Rule::default().hidden_count()))
        });
        assert!(
            !visible(year - 1) || !visible(year) || hidden_cell || c["kind"] == "ratio",
            "{c}"
        );
        return;
    }
    // The figures are the published ones.
    for (f, y) in [(prev, year - 1), (cur, year)] {
        let r = row(y).unwrap_or_else(|| panic!("no published row for {c}"));
        assert!(!r.suppressed, "{c}");
        assert_eq!(Some(num(&f["value"])), r.value, "{c}");
    }
    let (p, q) = (num(&prev["value"]), num(&cur["value"]));
    let outcome = c["outcome"].as_str().unwrap();
    match c["kind"].as_str().unwrap() {
        "count" => {
            let change = q - p;
            assert_eq!(num(&c["change"]), change, "{c}");
            let expect = if change > 0.0 {
                "up"
            } else if change < 0.0 {
                "down"
            } else {
                "equal"
            };
            assert_eq!(outcome, expect, "{c}");
            let n = thousands(change.abs() as u64);
            match (outcome, zh) {
                ("equal", true) => assert_eq!(text, "与上年持平"),
                ("equal", false) => assert_eq!(text, "unchanged from the previous year"),
                ("up", true) => assert!(text.starts_with(&format!("同比增加{n}名")), "{text}"),
                ("down", true) => assert!(text.starts_with(&format!("同比减少{n}名")), "{text}"),
                (o, false) => assert!(text.starts_with(&format!("{o} {n}")), "{text}"),
                _ => unreachable!(),
            }
            if p > 0.0 && change != 0.0 {
                let rel = change.abs() / p * 100.0;
                assert!((num(&c["relative"]).abs() - rel).abs() < 1e-9, "{c}");
                if rel >= 0.05 {
                    assert!(text.contains(&format!("{rel:.1}%")), "{text}");
                }
            }
        }
        kind @ ("rate" | "survival") => {
            let d = &c["difference"];
            let (low, high) = (num(&d["low"]), num(&d["high"]));
            if kind == "rate" {
                let n = |f: &Value, k: &str| f[k].as_u64().unwrap();
                let want = newcombe(
                    n(cur, "numerator"),
                    n(cur, "denominator"),
                    n(prev, "numerator"),
                    n(prev, "denominator"),
                )
                .unwrap();
                assert_eq!(
                    (want.d, want.low, want.high),
                    (num(&d["d"]), low, high),
                    "{c}"
                );
            } else {
                // Greenwood standard errors of the two cohorts, plain scale.
                let se = |y: i32| {
                    assert_eq!(metric, "relapse_12m", "{c}");
                    KaplanMeier::fit(&cohort_subjects(model, region, y))
                        .greenwood_se_at(365)
                        .unwrap()
                };
                assert_eq!(num(&prev["se"]), se(year - 1), "{c}");
                assert_eq!(num(&cur["se"]), se(year), "{c}");
                let want = km_difference(q, se(year), p, se(year - 1));
                assert_eq!(
                    (want.d, want.low, want.high),
                    (num(&d["d"]), low, high),
                    "{c}"
                );
            }
            let equal = pct(p) == pct(q);
            let points: f64 = pct(q).parse::<f64>().unwrap() - pct(p).parse::<f64>().unwrap();
            assert_eq!(outcome == "equal", equal, "{c}");
            let shown = format!("{:.1}", points.abs());
            let insignificant = !equal && low <= 0.0 && high >= 0.0;
            assert_eq!(d["significant"], !(low <= 0.0 && high >= 0.0), "{c}");
            if zh {
                if equal {
                    assert_eq!(text, "与上年持平");
                } else {
                    let verb = if points > 0.0 { "上升" } else { "下降" };
                    assert!(
                        text.starts_with(&format!("同比{verb}{shown}个百分点")),
                        "{text}"
                    );
                }
                assert_eq!(
                    text.ends_with("（差异无统计学意义）"),
                    insignificant,
                    "{text}"
                );
            } else {
                assert_eq!(
                    text.ends_with("(not statistically significant)"),
                    insignificant
                );
                assert_eq!(text == "unchanged from the previous year", equal, "{text}");
            }
        }
        "per_inhabitants" => {
            // A rate per inhabitants: the change of the published one-decimal values,
            // Newcombe's interval of the two proportions times the scale.
            let scale = match metric {
                "existing_per_10k" => 10_000.0,
                "new_users_per_100k" => 100_000.0,
                other => panic!("unknown per-inhabitant metric {other}"),
            };
            let n = |f: &Value, k: &str| f[k].as_u64().unwrap();
            let want = newcombe(
                n(cur, "numerator"),
                n(cur, "denominator"),
                n(prev, "numerator"),
                n(prev, "denominator"),
            )
            .unwrap();
            let d = &c["difference"];
            let (low, high) = (num(&d["low"]), num(&d["high"]));
            assert_eq!(
                (want.d * scale, want.low * scale, want.high * scale),
                (num(&d["d"]), low, high),
                "{c}"
            );
            let one = |v: f64| format!("{v:.1}");
            let equal = one(p) == one(q);
            assert_eq!(outcome == "equal", equal, "{c}");
            let points: f64 = one(q).parse::<f64>().unwrap() - one(p).parse::<f64>().unwrap();
            let shown = format!("{:.1}", points.abs());
            let insignificant = !equal && low <= 0.0 && high >= 0.0;
            if equal {
                assert_eq!(
                    text,
                    if zh {
                        "与上年持平"
                    } else {
                        "unchanged from the previous year"
                    }
                );
            } else if zh {
                let verb = if points > 0.0 { "上升" } else { "下降" };
                assert!(text.starts_with(&format!("同比{verb}{shown}")), "{text}");
                assert!(!text.contains("百分点"), "{text}");
                assert_eq!(
                    text.ends_with("（差异无统计学意义）"),
                    insignificant,
                    "{text}"
                );
            } else {
                let verb = if points > 0.0 { "up" } else { "down" };
                assert!(
                    text.starts_with(&format!("{verb} {shown} year on year")),
                    "{text}"
                );
                assert_eq!(
                    text.ends_with("(not statistically significant)"),
                    insignificant,
                    "{text}"
                );
            }
        }
        other => panic!("{other} compared: {c}"),
    }
}

/// The comparison of every total row of the document's region and year in `/data.json`,
/// with the words `jindu.typ` prints for it (rendered with the embedded library) as
/// `text`, and the metric, region and years `check` reads.
fn template_comparisons(d: &Value) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.typ"),
        "#import \"jindu.typ\": *\n#set page(height: auto)\n\
         #for r in data.metrics.filter(r => r.breakdown == \"\" and r.year == year and \
         r.region_code == region and r.comparison != none) [ROW|#r.metric|#change-words(r.comparison)|\\ ]\n",
    )
    .unwrap();
    let pdf = jindu::report::render_pdf(
        &jindu::report::TemplateSource::Dir(dir.path().to_path_buf()),
        "t.typ",
        d,
        &[],
        chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
        &Default::default(),
    )
    .unwrap();
    // pdftotext spaces Chinese from digits; English words keep their spaces.
    let zh = d["scope"]["lang"] == "zh";
    let text: String = common::pdf_text(&pdf)
        .chars()
        .filter(|c| *c != '\n' && !(zh && c.is_whitespace()))
        .collect();
    let region = d["scope"]["region"].as_str().unwrap();
    let year = d["scope"]["year"].as_i64().unwrap();
    let words: HashMap<&str, String> = text
        .split("ROW|")
        .skip(1)
        .map(|l| {
            let mut parts = l.split('|');
            let metric = parts.next().unwrap().trim();
            let words = parts.next().unwrap().split_whitespace();
            (metric, words.collect::<Vec<_>>().join(" "))
        })
        .collect();
    let mut out = Vec::new();
    for r in d["metrics"].as_array().unwrap() {
        if r["breakdown"] != "" || r["year"] != year || r["region_code"] != region {
            continue;
        }
        let Some(c) = r["comparison"].as_object() else {
            continue;
        };
        let metric = r["metric"].as_str().unwrap();
        // `check` refits the cohort of relapse_12m; the other Kaplan–Meier rates take the
        // same path (`greenwood_se` of their own cohort).
        if r["kind"] == "survival" && metric != "relapse_12m" {
            continue;
        }
        let mut c = c.clone();
        c.insert("metric".into(), metric.into());
        c.insert("region".into(), region.into());
        c.insert("years".into(), serde_json::json!([year - 1, year]));
        let text = words
            .get(metric)
            .unwrap_or_else(|| panic!("no words for {metric}"));
        c.insert("text".into(), text.clone().into());
        out.push(Value::Object(c));
    }
    assert!(out.len() >= 6, "the headline's comparisons at least");
    out
}

/// Walks every comparison of a document's data (the templates word every comparison
/// they print from a row's `comparison`, with `change-words` of jindu.typ), checks each
/// against the rule with the words printed for it; returns how many were checked.
fn check_document(d: &Value, pubd: &Published, model: &Model, lang: Lang) -> usize {
    let mut n = 0;
    // The comparisons of the region's rows of the year (the headline's among them), with
    // the words the templates print for them (`change-words` of jindu.typ).
    for c in template_comparisons(d) {
        check(&c, pubd, model, lang, None);
        n += 1;
    }
    n
}

#[test]
fn every_comparison_handed_to_typst_agrees_with_the_rule() {
    let model = sample_model();
    let levels = [(Level::Province, 2014, 2025), (Level::County, 2023, 2025)];
    let cx = Context::new(&model, Rule::default(), Value::Null, &levels);
    let pubd = published(&model, &levels);
    let mut kinds: HashMap<(String, String), usize> = HashMap::new();
    // 2024: the 12-month relapse of the 2023 and 2024 cohorts are both known.
    for (year, lang) in [(2025, Lang::Zh), (2025, Lang::En), (2024, Lang::Zh)] {
        let built = build(&cx, Template::AnnualBulletin, "640000", year, lang);
        assert!(check_document(&built.data, &pubd, &model, lang) > 15);
        let mut walk = vec![&built.data];
        while let Some(v) = walk.pop() {
            match v {
                Value::Object(o) => {
                    if let (Some(k), Some(out)) = (o.get("kind"), o.get("outcome")) {
                        *kinds.entry((k.to_string(), out.to_string())).or_default() += 1;
                    }
                    walk.extend(o.values());
                }
                Value::Array(a) => walk.extend(a),
                _ => {}
            }
        }
    }
    // The walk met every kind of comparison the sample has.
    for k in [
        ("\"count\"", "\"up\""),
        ("\"count\"", "\"down\""),
        ("\"count\"", "\"not_compared\""),
        ("\"rate\"", "\"up\""),
        ("\"rate\"", "\"equal\""),
        ("\"survival\"", "\"down\""),
        ("\"per_inhabitants\"", "\"up\""),
    ] {
        assert!(
            kinds.contains_key(&(k.0.to_string(), k.1.to_string())),
            "no {k:?} comparison in {kinds:?}"
        );
    }
}

/// A block of a shipped section, as `shipped_blocks` sees it.
#[derive(Debug)]
struct Block {
    kind: String,
    /// The published points of a chart, as the template counted them.
    points: Option<u64>,
    /// The kind of a chart drawn on request (`trend`, `bars`, `km`, …).
    chart: String,
    /// A sentence replacing a chart or a table (small areas).
    replaced: bool,
    /// A table whose every figure is hidden.
    all_hidden: bool,
}

/// The blocks the shipped `sections.typ` makes for a document (the bulletin's, or the
/// brief's with `brief`), rendered by a test template that prints one ASCII line per
/// block; every table is checked for all-hidden figures by the test template itself.
fn shipped_blocks(cx: &Context, built: &Built, brief: bool) -> Vec<Block> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sections.typ"),
        include_str!("../../report-templates/sections.typ"),
    )
    .unwrap();
    let list = if brief {
        "new-users-blocks(brief: true) + stocks-blocks(brief: true) + execution-blocks(brief: true)"
    } else {
        "overview-blocks() + new-users-blocks() + stocks-blocks() + execution-blocks() + \
         relapse-blocks() + control-blocks() + services-blocks() + officers-blocks() + \
         cross-region-blocks() + annex-blocks()"
    };
    let src = format!(
        "#import \"sections.typ\": *\n#set page(height: auto, width: 40cm)\n\
         #let hidden = (data.rule.hidden_count, data.rule.hidden_rate, \"\", \"不作比较\")\n\
         #for b in {list} [BLOCK|#b.kind|#b.at(\"points\", default: \"none\")|\
         #(if b.kind == \"chart\" {{ b.path.split(\"/\").at(2) }} else {{ \"-\" }})|\
         #(if b.kind == \"par\" and (b.text.contains(\"不绘制\") or b.text.contains(\"均因人数过少不予公布\")) {{ \"R\" }} else {{ \"-\" }})|\
         #(if b.kind == \"table\" and b.rows.all(r => r.slice(b.at(\"labels\", default: 1)).all(c => c in hidden)) {{ \"H\" }} else {{ \"-\" }})|END \\ ]\n"
    );
    std::fs::write(dir.path().join("t.typ"), src).unwrap();
    let served = bulletin::Served {
        cx,
        region: built.data["scope"]["region"].as_str().unwrap().to_string(),
        year: built.data["scope"]["year"].as_i64().unwrap() as i32,
        lang: Lang::Zh,
    };
    let pdf = jindu::report::render_pdf_with(
        &jindu::report::TemplateSource::Dir(dir.path().to_path_buf()),
        "t.typ",
        &built.data,
        &[],
        Some(&served),
        chrono::NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
        &Default::default(),
    )
    .unwrap();
    let text: String = common::pdf_text(&pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    text.split("BLOCK|")
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('|').collect();
            Block {
                kind: f[0].to_string(),
                points: f[1].parse().ok(),
                chart: f[2].to_string(),
                replaced: f[3] == "R",
                all_hidden: f[4] == "H",
            }
        })
        .collect()
}

/// Small areas: in the bulletin and in every county brief, each chart has at least
/// three published points (trend charts: counted on the SVG) and a chart block for
/// it, and no table is all hidden.
#[test]
fn no_chart_has_fewer_than_three_points_and_no_table_is_all_hidden() {
    let model = sample_model();
    let bulletin_cx = Context::new(
        &model,
        Rule::default(),
        Value::Null,
        &[(Level::Province, 2015, 2025), (Level::County, 2024, 2025)],
    );
    let brief_cx = Context::new(
        &model,
        Rule::default(),
        Value::Null,
        &[(Level::County, 2015, 2025), (Level::Township, 2024, 2025)],
    );
    let mut docs = vec![build(
        &bulletin_cx,
        Template::AnnualBulletin,
        "640000",
        2025,
        Lang::Zh,
    )];
    for (code, _) in brief_cx.regions_in(Level::County, "640000", 2025) {
        docs.push(build(
            &brief_cx,
            Template::CountyBrief,
            &code,
            2025,
            Lang::Zh,
        ));
    }
    let mut replaced = 0;
    for (i, built) in docs.iter().enumerate() {
        let cx = if i == 0 { &bulletin_cx } else { &brief_cx };
        let title = built.data["meta"]["region_code"].as_str().unwrap();
        let blocks = shipped_blocks(cx, built, i > 0);
        assert!(
            blocks.len() >= if i == 0 { 25 } else { 8 },
            "{title}: {blocks:?}"
        );
        for b in &blocks {
            if b.kind == "chart" {
                match b.points {
                    Some(n) => assert!(n >= 3, "{title}: {b:?}"),
                    None => assert_eq!(b.chart, "km", "{title}: {b:?}"),
                }
            }
            assert!(!b.all_hidden, "{title}: a table is all hidden");
        }
        replaced += blocks.iter().filter(|b| b.replaced).count();
    }
    // The small counties of the sample do have charts and tables replaced.
    assert!(replaced > 0);
}

/// Officers are not persons of the register (METRICS.md v1.2): the caseload chart of
/// the sample bulletin shows every county with 10 or more persons under measures.
#[test]
fn caseload_chart_shows_every_county_with_ten_persons_under_measures() {
    let model = sample_model();
    let levels = [(Level::Province, 2015, 2025), (Level::County, 2024, 2025)];
    let cx = Context::new(&model, Rule::default(), Value::Null, &levels);
    let built = build(&cx, Template::AnnualBulletin, "640000", 2025, Lang::Zh);
    let raw = compute(
        &model,
        &Request {
            metrics: vec![jindu::metrics::defs::find("officer_caseload").unwrap()],
            level: Level::County,
            scope: None,
            from: Some(2025),
            to: Some(2025),
        },
    );
    let expected: Vec<&str> = raw
        .iter()
        .filter(|r| r.numerator.unwrap() >= 10 && r.denominator.unwrap() > 0)
        .map(|r| r.region_name.as_str())
        .collect();
    assert_eq!(
        expected.len(),
        22,
        "every county of the sample has 10+ persons"
    );
    assert!(
        raw.iter().any(|r| r.denominator.unwrap() < 10),
        "some have few officers"
    );
    // The caseload chart of the bulletin, drawn on request as sections.typ asks.
    let counties: Vec<String> = built.data["regions"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["level"] == "county")
        .map(|r| r["code"].as_str().unwrap().to_string())
        .collect();
    let served = bulletin::Served {
        cx: &cx,
        region: "640000".into(),
        year: 2025,
        lang: Lang::Zh,
    };
    use jindu::report::world::VirtualFiles;
    let svg = served
        .load(&format!(
            "/charts/bars/metric=officer_caseload&regions={}&title=2025年各县（市、区）专干配比（人/专干）&norm=20&norm_label=标准 1:20.svg",
            counties.join(",")
        ))
        .unwrap()
        .unwrap();
    let svg = String::from_utf8(svg).unwrap();
    let texts = common::svg_text::svg_texts(&svg);
    // Each county's label is followed by its value, never by "无数据".
    for name in &expected {
        let i = texts.iter().position(|t| t == name).unwrap();
        let value = &texts[i + 1];
        assert!(value.parse::<f64>().is_ok(), "{name}: {value}");
    }
    assert!(!texts.iter().any(|t| t == Lang::Zh.missing()));
    // The officers of every county are in its rows (the officers table prints them),
    // small counts included.
    for c in &counties {
        let rows = bulletin::data::region_rows_json(&cx, c);
        let r = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["metric"] == "officer_caseload" && r["year"] == 2025 && r["breakdown"] == ""
            })
            .unwrap();
        assert!(r["denominator"].as_u64().is_some(), "{r}");
    }
}

/// `metrics --publish` hides a caseload only for its persons, never for its officers.
#[test]
fn metrics_publish_does_not_hide_officer_counts() {
    let args = [
        "metrics",
        SAMPLE,
        "--publish",
        "--format",
        "csv",
        "--metric",
        "officer_caseload",
        "--level",
        "county",
        "--from",
        "2025",
        "--to",
        "2025",
    ];
    let o = common::run(&args);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let out = common::stdout(&o);
    let rows: Vec<Vec<&str>> = out
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 22);
    let mut small = 0;
    for r in &rows {
        // numerator, denominator, value, …, flags
        assert!(!r[13].contains("suppressed"), "{r:?}");
        let officers: u64 = r[9].parse().unwrap();
        small += usize::from(officers < 10);
        assert!(r[8].parse::<u64>().unwrap() >= 10);
    }
    assert!(
        small > 10,
        "the sample has counties with fewer than 10 officers"
    );
}
