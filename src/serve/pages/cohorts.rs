//! 队列 (cohorts): Kaplan–Meier relapse curves with numbers at risk, relapse at 6/12/24/36
//! months and the log-rank test, as `jindu cohort`, with disclosure control.

use super::*;

struct CohortAsk {
    entry: CohortEntry,
    year: i32,
    by: Option<By>,
    window: u32,
}

fn cohort_ask(req: &Req, default_year: i32) -> Result<CohortAsk> {
    let entry = match req.get("entry").unwrap_or("community") {
        "community" => CohortEntry::Community,
        "release" => CohortEntry::Release,
        o => bail!("entry {o:?}: community or release"),
    };
    let year = match req.get("year").map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse()
            .with_context(|| format!("year {s:?} is not a year"))?,
        None => default_year,
    };
    let by = match req.get("by").unwrap_or("") {
        "" => None,
        "drug" => Some(By::Drug),
        "sex" => Some(By::Sex),
        "age-group" => Some(By::AgeGroup),
        "county" => Some(By::County),
        o => bail!("grouping {o:?}: drug, sex, age-group or county"),
    };
    let window = match req.get("window").map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse()
            .with_context(|| format!("window {s:?} is not a number of days"))?,
        None => 1095,
    };
    if window == 0 {
        bail!("the follow-up window must be at least 1 day");
    }
    Ok(CohortAsk {
        entry,
        year,
        by,
        window,
    })
}

fn default_cohort_year(model: &crate::metrics::Model) -> i32 {
    crate::dates::from_days(model.cutoff)
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(2024)
        - 1
}

/// The cohort of a request; the flag says the whole cohort was left out as too small.
fn cohort_result(app: &App, req: &Req) -> Result<(cohort::CohortResult, CohortAsk, bool)> {
    let e = entry(app, req)?;
    let loaded = app.ws.load(&e)?;
    let a = cohort_ask(req, default_cohort_year(&loaded.model))?;
    let mut r = cohort::analyse(&loaded.model, a.entry, a.year, a.by, a.window)?;
    let hidden = !app.cfg.raw && publish_cohort(&mut r, app.cfg.rule)?;
    Ok((r, a, hidden))
}

/// Disclosure control of a cohort: a group of fewer persons than the threshold is
/// left out (its rows, its curve), then the count columns (events, at risk) are
/// published as in `jindu query --publish`; the chart's numbers at risk below the
/// threshold are not drawn ([`publish_curves`]).
fn publish_cohort(r: &mut cohort::CohortResult, rule: crate::publish::Rule) -> Result<bool> {
    use polars::prelude::{BooleanChunked, DataType, NewChunkedArray};
    let small = |n: u64| rule.too_small(n);
    let n = r.table.column("n")?.cast(&DataType::UInt64)?;
    let keep: Vec<bool> = n.u64()?.iter().map(|v| !v.is_some_and(small)).collect();
    let mask = BooleanChunked::from_slice("keep".into(), &keep);
    r.table = r.table.filter(&mask)?;
    let (p, cols) = publish_frame(&r.table, rule)?;
    if let Some(first) = audit_frame(&p, &cols, rule).first() {
        bail!("disclosure audit: {first} (nothing shown; this is a bug in jindu)");
    }
    r.table = p;
    if small(r.groups[0].1.len() as u64) {
        r.groups.truncate(1);
        r.groups[0].1.clear();
        return Ok(true);
    }
    let total = r.groups.remove(0);
    r.groups.retain(|(_, s)| !small(s.len() as u64));
    r.groups.insert(0, total);
    Ok(false)
}

/// Numbers at risk below the threshold are left out of the chart (drawn as "—").
fn publish_curves(curves: &mut [crate::chart::KmCurve], rule: crate::publish::Rule) {
    for c in curves {
        c.2.retain(|(_, n)| !rule.too_small(*n));
    }
}

pub(super) fn cohort_file(app: &App, req: &Req, f: Format) -> Result<Vec<u8>> {
    let (r, _, _) = cohort_result(app, req)?;
    Ok(crate::output::to_bytes(&r, f)?)
}

pub(super) fn cohort_page(app: &App, req: &Req, lang: Lang) -> Resp {
    let entries = vec![
        (
            "community".to_string(),
            lang.t(
                "社区戒毒康复（首次报到）",
                "community measures (first report)",
            )
            .to_string(),
        ),
        (
            "release".to_string(),
            lang.t("解除强制隔离戒毒", "release from compulsory isolation")
                .to_string(),
        ),
    ];
    let bys = vec![
        (String::new(), lang.t("不分组", "none").to_string()),
        ("drug".to_string(), lang.t("毒品种类", "drug").to_string()),
        ("sex".to_string(), lang.t("性别", "sex").to_string()),
        (
            "age-group".to_string(),
            lang.t("年龄组", "age group").to_string(),
        ),
        (
            "county".to_string(),
            lang.t("县（区）", "county").to_string(),
        ),
    ];
    let mut b = format!(
        "<form method=\"get\" action=\"/cohort\" class=\"query busy\">{}{}{}{}{}<div class=\"actions\"><button>{}</button></div></form>",
        data_select(app, lang, req.get("data").unwrap_or("")),
        field(
            lang.t("入组方式", "Entry"),
            &select("entry", &entries, req.get("entry").unwrap_or("community"))
        ),
        field(
            lang.t("入组年份", "Entry year"),
            &input("year", "number", req.get("year").unwrap_or(""), "")
        ),
        field(
            lang.t("分组", "Grouping"),
            &select("by", &bys, req.get("by").unwrap_or(""))
        ),
        field(
            lang.t("随访窗口（天）", "Follow-up window (days)"),
            &input(
                "window",
                "number",
                req.get("window").unwrap_or("1095"),
                " min=\"1\""
            )
        ),
        lang.t("分析", "Analyse"),
    );
    match cohort_result(app, req) {
        Err(e) => b.push_str(&error_box(lang, &format!("{e:#}"))),
        Ok((r, a, hidden)) => {
            let q = keep_query(req, &[]);
            b.push_str(&format!(
                "<p class=\"downloads\"><a href=\"/cohort.csv?{q}\" download>{}</a> <a href=\"/cohort.xlsx?{q}\" download>{}</a></p>",
                lang.t("下载 CSV", "Download CSV"),
                lang.t("下载 Excel", "Download Excel")
            ));
            let n = r.groups[0].1.len() as u64;
            let n = if hidden {
                // Left out above when the cohort is smaller than the threshold.
                lang.t(
                    "少于发布阈值（不显示）",
                    "below the publication threshold (not shown)",
                )
                .to_string()
            } else {
                n.to_string()
            };
            b.push_str(&format!(
                "<p id=\"cohort-size\">{} {} {}</p>",
                lang.t("入组人数：", "Persons in the cohort:"),
                n,
                match &r.logrank {
                    Some((chi2, df, p)) =>
                        format!("· log-rank χ² = {chi2:.3}, df = {df}, p = {p:.4}"),
                    None if r.by.is_some() => lang
                        .t(
                            "· log-rank 检验无法计算（有事件的组少于两个）",
                            "· log-rank test not computable (fewer than two groups with events)"
                        )
                        .to_string(),
                    None => String::new(),
                }
            ));
            let title = format!(
                "{} {} {}",
                a.year,
                match a.entry {
                    CohortEntry::Community => lang.t(
                        "年社区戒毒康复入组累计复吸率",
                        "community cohort: cumulative relapse"
                    ),
                    CohortEntry::Release => lang.t(
                        "年解除强制隔离戒毒入组累计复吸率",
                        "release cohort: cumulative relapse"
                    ),
                },
                ""
            );
            let words = KmText {
                title: title.trim(),
                no_data: lang.t("无数据", "no data"),
                y_axis: lang.t("累计复吸率", "Cumulative relapse"),
                x_axis: lang.t("随访时间（月）", "Follow-up (months)"),
                at_risk: lang.t("风险人数", "Number at risk"),
            };
            let mut curves = cohort::curves(&r.groups, a.window);
            if !app.cfg.raw {
                publish_curves(&mut curves, app.cfg.rule);
            }
            b.push_str(&chart(
                &crate::chart::km_curves(&words, &curves),
                "km-chart",
            ));
            b.push_str(&format!(
                "<h2>{}</h2>",
                lang.t(
                    "6/12/24/36 个月累计复吸率与风险人数",
                    "Relapse at 6/12/24/36 months and numbers at risk"
                )
            ));
            match r.grid() {
                Ok(g) => b.push_str(&grid_table(&g, "cohort")),
                Err(e) => b.push_str(&error_box(lang, &e.to_string())),
            }
        }
    }
    let q = keep_query(req, &[]);
    Resp::html(
        200,
        page(
            lang,
            "/cohort",
            &q,
            lang.t("队列", "Cohorts"),
            &b,
            app.cfg.raw,
        ),
    )
}
