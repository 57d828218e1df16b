//! 指标 (indicators): metric rows as `jindu metrics --publish` computes them, a trend
//! chart, and CSV/XLSX downloads.

use super::*;

fn metric_name(lang: Lang, id: &str) -> String {
    defs::find(id)
        .map(|d| lang.t(d.zh, d.en).to_string())
        .unwrap_or_else(|| id.to_string())
}

/// The form fields as the library's metric request (as `jindu metrics` validates).
fn metrics_request(req: &Req) -> Result<Request> {
    let mut metrics = Vec::new();
    for id in req.all("metric") {
        metrics.push(defs::find(id).with_context(|| format!("{id:?} is not a metric"))?);
    }
    if metrics.is_empty() {
        metrics.push(&METRICS[0]);
    }
    let level = match req.get("level").filter(|s| !s.is_empty()) {
        Some(l) => Level::parse(l).with_context(|| format!("{l:?} is not a level"))?,
        None => Level::County,
    };
    let scope = req
        .get("region")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from);
    if let Some(r) = &scope {
        if !r.bytes().all(|b| b.is_ascii_digit()) || !(r.len() == 6 || r.len() == 9) {
            bail!(
                "region {r:?}: give a 6-digit (province, city or county) or 9-digit (township) code"
            );
        }
        if level_of(r) > level {
            bail!(
                "region {r} is a {} but the level {} is coarser; choose {} or finer",
                level_of(r).as_str(),
                level.as_str(),
                level_of(r).as_str()
            );
        }
    }
    let year = |k: &str| -> Result<Option<i32>> {
        match req.get(k).map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Ok(Some(
                s.parse()
                    .with_context(|| format!("{k} {s:?} is not a year"))?,
            )),
            None => Ok(None),
        }
    };
    let (from, to) = (year("from")?, year("to")?);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        bail!("from {f} is after to {t}");
    }
    Ok(Request {
        metrics,
        level,
        scope,
        from,
        to,
    })
}

/// The metric rows of a request, published unless the server runs with `--raw`.
fn metric_rows(app: &App, req: &Req) -> Result<(Vec<MetricRow>, Request)> {
    let r = metrics_request(req)?;
    let e = entry(app, req)?;
    let loaded = app.ws.load(&e)?;
    let mut rows = metrics::compute(&loaded.model, &r);
    if !app.cfg.raw {
        publish::publish_rows(&mut rows, app.cfg.rule);
        if let Err(v) = publish::audit_rows(&rows, app.cfg.rule) {
            bail!(
                "disclosure audit: {} (nothing shown; this is a bug in jindu)",
                v[0]
            );
        }
    }
    Ok((rows, r))
}

pub(super) fn metrics_file(app: &App, req: &Req, f: Format) -> Result<Vec<u8>> {
    let (rows, _) = metric_rows(app, req)?;
    Ok(crate::output::to_bytes(
        &MetricTable {
            rows: &rows,
            rule: app.cfg.rule,
        },
        f,
    )?)
}

/// A trend chart of the first metric: one line per region (the first eight), totals only.
fn metrics_chart(lang: Lang, rows: &[MetricRow], id: &str) -> String {
    let kind = defs::find(id).map_or(Kind::Count, |d| d.kind);
    let mut series: Vec<crate::chart::TrendSeries> = Vec::new();
    for r in rows
        .iter()
        .filter(|r| r.metric == id && r.breakdown.is_empty())
    {
        let Ok(year) = r.period.get(..4).unwrap_or("").parse::<i32>() else {
            continue;
        };
        let label = format!("{} {}", r.region_code, r.region_name);
        let v = if r.suppressed { None } else { r.value };
        if let Some(s) = series.iter_mut().find(|s| s.0 == label) {
            s.1.push((year, v));
        } else if series.len() < 8 {
            series.push((label, vec![(year, v)]));
        }
    }
    let title = metric_name(lang, id);
    let words = TrendText {
        title: &title,
        no_data: lang.t("无数据", "no data"),
        axis_cut: lang.t("纵轴不从 0 开始", "axis does not start at 0"),
    };
    let y = match kind {
        Kind::Count | Kind::Ratio | Kind::PerInhabitants { .. } => YAxis::Count,
        Kind::Rate | Kind::Survival | Kind::Change => YAxis::Percent,
    };
    chart(&trend_line(&words, &series, None, y), "metrics-chart")
}

pub(super) fn metrics_page(app: &App, req: &Req, lang: Lang) -> Resp {
    let chosen: Vec<&str> = req.all("metric");
    let mut opts = String::new();
    for m in METRICS.iter() {
        let sel = if chosen.contains(&m.id) || (chosen.is_empty() && m.id == METRICS[0].id) {
            " selected"
        } else {
            ""
        };
        opts.push_str(&format!(
            "<option value=\"{}\"{sel}>{} · {}</option>",
            m.id,
            esc(lang.t(m.zh, m.en)),
            m.id
        ));
    }
    let levels: Vec<(String, String)> = Level::ALL
        .iter()
        .map(|l| {
            let zh = match l {
                Level::Province => "省",
                Level::City => "市",
                Level::County => "县（区）",
                Level::Township => "乡镇（街道）",
            };
            (l.as_str().to_string(), lang.t(zh, l.as_str()).to_string())
        })
        .collect();
    let mut b = format!(
        "<form method=\"get\" action=\"/metrics\" class=\"query busy\">{}{}{}{}{}{}{}<div class=\"actions\"><button>{}</button></div></form>",
        data_select(app, lang, req.get("data").unwrap_or("")),
        field(
            lang.t("指标（可多选）", "Indicators (several allowed)"),
            &format!("<select name=\"metric\" id=\"f-metric\" multiple size=\"6\">{opts}</select>")
        ),
        field(
            lang.t("层级", "Level"),
            &select("level", &levels, req.get("level").unwrap_or("county"))
        ),
        field(
            lang.t("地区代码（可空）", "Region code (optional)"),
            &input(
                "region",
                "text",
                req.get("region").unwrap_or(""),
                " inputmode=\"numeric\" placeholder=\"640000\""
            )
        ),
        field(
            lang.t("起始年", "From year"),
            &input("from", "number", req.get("from").unwrap_or(""), "")
        ),
        field(
            lang.t("截止年", "To year"),
            &input("to", "number", req.get("to").unwrap_or(""), "")
        ),
        field(
            lang.t("表格行", "Table rows"),
            &select(
                "rows",
                &[
                    ("total".to_string(), lang.t("合计", "totals").to_string()),
                    (
                        "all".to_string(),
                        lang.t("合计和分组（性别、年龄、毒品）", "totals and breakdowns")
                            .to_string()
                    ),
                ],
                req.get("rows").unwrap_or("total"),
            )
        ),
        lang.t("计算", "Compute"),
    );
    match metric_rows(app, req) {
        Err(e) => b.push_str(&error_box(lang, &format!("{e:#}"))),
        Ok((rows, r)) => {
            let q = keep_query(req, &[]);
            b.push_str(&format!(
                "<p class=\"downloads\"><a href=\"/metrics.csv?{q}\" download>{}</a> <a href=\"/metrics.xlsx?{q}\" download>{}</a></p>",
                lang.t("下载 CSV", "Download CSV"),
                lang.t("下载 Excel", "Download Excel")
            ));
            b.push_str(&note(if app.cfg.raw {
                lang.t(
                    "未做小数字隐藏（--raw）。",
                    "No disclosure control (--raw).",
                )
            } else {
                lang.t(
                    "已做公开发布处理：1–9 的计数显示为 <10，并做了互补隐藏。",
                    "Published figures: counts of 1–9 read <10, with complementary suppression.",
                )
            }));
            b.push_str(&metrics_chart(lang, &rows, r.metrics[0].id));
            // The page shows totals unless breakdowns are asked for; downloads have all.
            let shown: Vec<MetricRow> = if req.get("rows") == Some("all") {
                rows
            } else {
                rows.into_iter()
                    .filter(|r| r.breakdown.is_empty())
                    .collect()
            };
            b.push_str(&metrics_table(lang, app, &shown));
        }
    }
    let q = keep_query(req, &[]);
    Resp::html(
        200,
        page(
            lang,
            "/metrics",
            &q,
            lang.t("指标", "Indicators"),
            &b,
            app.cfg.raw,
        ),
    )
}

fn metrics_table(lang: Lang, app: &App, rows: &[MetricRow]) -> String {
    let heads = [
        lang.t("指标", "Indicator"),
        lang.t("期间", "Period"),
        lang.t("地区代码", "Region code"),
        lang.t("地区", "Region"),
        lang.t("分组", "Breakdown"),
        lang.t("分子", "Numerator"),
        lang.t("分母", "Denominator"),
        lang.t("值", "Value"),
        "95% CI",
        lang.t("标记", "Flags"),
    ];
    let mut s = String::from("<div class=\"scroll\"><table id=\"metrics\"><thead><tr>");
    for h in heads {
        s.push_str(&format!("<th>{}</th>", esc(h)));
    }
    s.push_str("</tr></thead><tbody>");
    let opt = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
    for r in rows.iter().take(SHOWN_METRIC_ROWS) {
        let bd = if r.breakdown.is_empty() {
            String::new()
        } else {
            format!("{}={}", r.breakdown, r.breakdown_value)
        };
        s.push_str(&format!(
            "<tr data-metric=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\" data-v=\"{}\">{}</td><td>{}</td><td>{}</td></tr>",
            r.metric,
            esc(&metric_name(lang, r.metric)),
            esc(&r.period),
            esc(&r.region_code),
            esc(&r.region_name),
            esc(&bd),
            opt(r.numerator),
            opt(r.denominator),
            r.value.map(crate::output::num).unwrap_or_default(),
            esc(&display_value(r, app.cfg.rule)),
            esc(&display_ci(r)),
            esc(&r.flags()),
        ));
    }
    s.push_str("</tbody></table></div>");
    if rows.len() > SHOWN_METRIC_ROWS {
        s.push_str(&note(&format!(
            "{} {} / {}",
            lang.t(
                "页面只显示前若干行，完整结果请下载：",
                "Only the first rows are shown; download for all:"
            ),
            SHOWN_METRIC_ROWS,
            rows.len()
        )));
    }
    s
}
