//! 查询 (queries): saved queries as forms of their typed parameters, an SQL box, results
//! paginated and downloadable, with a time and a row limit.

use super::*;

/// Runs the query of the request (a saved one by `name`, or the `sql` text) with a
/// time limit, keeps at most `max_rows` rows, and publishes unless `--raw`. Returns
/// the frame and whether rows were cut.
fn run_query(app: &App, req: &Req) -> Result<(DataFrame, bool)> {
    let e = entry(app, req)?;
    let saved_q = match req.get("name").filter(|s| !s.is_empty()) {
        Some(n) => Some(
            saved::find_saved(n, &app.cfg.root.join("queries"))?
                .with_context(|| format!("no saved query {n:?}"))?,
        ),
        None => None,
    };
    let sql_text = match &saved_q {
        Some(q) => q.sql.clone(),
        None => {
            let s = req.get("sql").unwrap_or("").trim().to_string();
            if s.is_empty() {
                bail!("write an SQL statement or choose a saved query");
            }
            s
        }
    };
    let given: Vec<(String, Option<ParamType>, String)> = req
        .query
        .iter()
        .filter_map(|(k, v)| {
            let name = k.strip_prefix("p.")?;
            (!v.trim().is_empty()).then(|| (name.to_string(), None, v.trim().to_string()))
        })
        .collect();
    let date_param = given
        .iter()
        .find(|g| g.0 == "date")
        .map(|g| {
            crate::input::values::parse_date(&g.2)
                .map_err(|_| anyhow::anyhow!("date {:?}: not a date; write it as YYYY-MM-DD", g.2))
        })
        .transpose()?;
    let declared = saved_q.as_ref().map(|q| q.params.clone());
    let probe = Builtins {
        cutoff: 0,
        as_of: 0,
    };
    saved::substitute(
        &sql_text,
        &saved::resolve(declared.as_deref(), &given, &probe)?,
        declared.as_deref(),
    )?;
    let (tx, rx) = mpsc::channel();
    let path = e.path.clone();
    // The query runs on its own thread; past the time limit the page answers with an
    // error and the thread's result is dropped when it ends.
    std::thread::spawn(move || {
        let r = (|| -> Result<DataFrame> {
            let mut env = Env::new(workspace::open(&path)?);
            let view_date = date_param.unwrap_or(env.cutoff);
            if view_date > env.cutoff {
                bail!(
                    "date {} is after the data cutoff C = {}",
                    crate::dates::iso(view_date),
                    crate::dates::iso(env.cutoff)
                );
            }
            let b = Builtins {
                cutoff: env.cutoff,
                as_of: view_date,
            };
            let values = saved::resolve(declared.as_deref(), &given, &b)?;
            let sql = saved::substitute(&sql_text, &values, declared.as_deref())?;
            env.run(&sql, view_date)
        })();
        let _ = tx.send(r);
    });
    let df = match rx.recv_timeout(app.cfg.query_timeout) {
        Ok(r) => r?,
        Err(_) => bail!(
            "the query ran longer than the limit of {} s and was abandoned",
            app.cfg.query_timeout.as_secs()
        ),
    };
    let cut = df.height() > app.cfg.max_rows;
    let mut df = if cut {
        df.head(Some(app.cfg.max_rows))
    } else {
        df
    };
    if !app.cfg.raw {
        let (p, cols) = publish_frame(&df, app.cfg.rule)?;
        let bad = audit_frame(&p, &cols, app.cfg.rule);
        if let Some(first) = bad.first() {
            bail!("disclosure audit: {first} (nothing shown; this is a bug in jindu)");
        }
        df = p;
    }
    Ok((df, cut))
}

pub(super) fn query_file(app: &App, req: &Req, f: Format) -> Result<Vec<u8>> {
    let (df, _) = run_query(app, req)?;
    Ok(crate::output::to_bytes(&df, f)?)
}

pub(super) fn query_page(app: &App, req: &Req, lang: Lang) -> Resp {
    let mut b = String::new();
    let data = req.get("data").unwrap_or("");
    let ran = req.get("name").is_some_and(|s| !s.is_empty())
        || req.get("sql").is_some_and(|s| !s.trim().is_empty());
    if ran {
        let what = req
            .get("name")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .unwrap_or_else(|| lang.t("SQL 查询", "SQL query").to_string());
        b.push_str(&format!(
            "<h2>{} {}</h2>",
            lang.t("结果：", "Result:"),
            esc(&what)
        ));
        match run_query(app, req) {
            Err(e) => b.push_str(&error_box(lang, &format!("{e:#}"))),
            Ok((df, cut)) => {
                let q = keep_query(req, &["page"]);
                b.push_str(&format!(
                    "<p class=\"downloads\"><a href=\"/query.csv?{q}\" download>{}</a> <a href=\"/query.xlsx?{q}\" download>{}</a></p>",
                    lang.t("下载 CSV", "Download CSV"),
                    lang.t("下载 Excel", "Download Excel")
                ));
                if cut {
                    b.push_str(&note(&format!(
                        "{} {}",
                        lang.t(
                            "结果超过行数上限，只保留前",
                            "The result passed the row limit; kept the first"
                        ),
                        app.cfg.max_rows
                    )));
                }
                let pages = df.height().div_ceil(PAGE_ROWS).max(1);
                let p = req
                    .get("page")
                    .and_then(|s| s.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, pages);
                let slice = df.slice(((p - 1) * PAGE_ROWS) as i64, PAGE_ROWS);
                match slice.grid() {
                    Ok(g) => b.push_str(&grid_table(&g, "result")),
                    Err(e) => b.push_str(&error_box(lang, &e.to_string())),
                }
                let mut nav = format!(
                    "<p class=\"pager\">{} {p} / {pages} · {} {}",
                    lang.t("第", "Page"),
                    df.height(),
                    lang.t("行", "rows")
                );
                if p > 1 {
                    nav.push_str(&format!(
                        " <a href=\"/query?{q}&amp;page={}\">‹ {}</a>",
                        p - 1,
                        lang.t("上一页", "previous")
                    ));
                }
                if p < pages {
                    nav.push_str(&format!(
                        " <a href=\"/query?{q}&amp;page={}\">{} ›</a>",
                        p + 1,
                        lang.t("下一页", "next")
                    ));
                }
                nav.push_str("</p>");
                b.push_str(&nav);
                if !app.cfg.raw {
                    b.push_str(&note(lang.t(
                        "计数列已做公开发布处理（1–9 隐藏）。",
                        "Count columns are published (1–9 hidden).",
                    )));
                }
            }
        }
    }
    b.push_str(&format!(
        "<h2>SQL</h2><form method=\"get\" action=\"/query\" class=\"busy\" id=\"sql\">{}{}<div class=\"actions\"><button>{}</button></div></form>",
        data_select(app, lang, data),
        field(
            lang.t("SQL 语句（只读，限时、限行）", "SQL statement (read only, time and row limited)"),
            &format!(
                "<textarea name=\"sql\" rows=\"5\" spellcheck=\"false\" placeholder=\"SELECT sex, count(*) AS n FROM persons GROUP BY sex\">{}</textarea>",
                esc(req.get("sql").unwrap_or(""))
            )
        ),
        lang.t("运行", "Run")
    ));
    b.push_str(&format!(
        "<h2>{}</h2>",
        lang.t("保存的查询", "Saved queries")
    ));
    match saved::all_saved(&app.cfg.root.join("queries")) {
        Err(e) => b.push_str(&error_box(lang, &e.to_string())),
        Ok(all) => {
            for q in all {
                let mut fields = String::new();
                for p in &q.params {
                    let ty = match p.ty {
                        ParamType::Integer => "number",
                        ParamType::Date => "date",
                        ParamType::Text => "text",
                    };
                    let (value, ph) = match &p.default {
                        Some(d) if d.starts_with('$') => (String::new(), d.clone()),
                        Some(d) => (d.clone(), String::new()),
                        None => (String::new(), String::new()),
                    };
                    let given = if req.get("name") == Some(q.name.as_str()) {
                        req.get(&format!("p.{}", p.name)).map(String::from)
                    } else {
                        None
                    };
                    let req_attr = if p.default.is_none() { " required" } else { "" };
                    fields.push_str(&field(
                        &format!("{} ({})", p.name, p.description),
                        &format!(
                            "<input type=\"{ty}\" name=\"p.{}\" value=\"{}\" placeholder=\"{}\"{req_attr}>",
                            esc(&p.name),
                            esc(given.as_deref().unwrap_or(&value)),
                            esc(&ph)
                        ),
                    ));
                }
                let open = if req.get("name") == Some(q.name.as_str()) {
                    " open"
                } else {
                    ""
                };
                b.push_str(&format!(
                    "<details class=\"saved\" id=\"q-{}\"{open}><summary><strong>{}</strong> {} <code>{}</code></summary><p class=\"note\">{}</p>\
<form method=\"get\" action=\"/query\" class=\"busy\"><input type=\"hidden\" name=\"name\" value=\"{}\"><input type=\"hidden\" name=\"data\" value=\"{}\">{fields}<div class=\"actions\"><button>{}</button></div></form></details>",
                    esc(&q.name),
                    esc(&q.title),
                    "",
                    esc(&q.name),
                    esc(&q.description),
                    esc(&q.name),
                    esc(data),
                    lang.t("运行", "Run")
                ));
            }
        }
    }
    let q = if ran {
        keep_query(req, &[])
    } else {
        String::new()
    };
    Resp::html(
        200,
        page(
            lang,
            "/query",
            &q,
            lang.t("查询", "Queries"),
            &b,
            app.cfg.raw,
        ),
    )
}
