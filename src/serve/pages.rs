//! The five pages of the workbench (数据 data, 指标 indicators, 队列 cohorts, 查询
//! queries, 报告 reports) and their downloads. Each handler reads form fields,
//! validates them into the library's request types and calls the same library
//! functions as the matching `jindu` command, so a page shows the command's numbers.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, mpsc};

use anyhow::{Context as _, Result, bail};
use polars::prelude::DataFrame;

use super::App;
use super::html::{self, Lang, chart, error_box, field, grid_table, note, page, select};
use super::http::{Req, Resp, esc, to_query, url_encode, valid_dataset_name};
use super::reports::{self, Doc};
use super::workspace::{self, Entry, ImportResult, UploadDir};
use crate::chart::{KmText, TrendText, YAxis, trend_line};
use crate::input::pseudo::Key;
use crate::input::report::ImportReport;
use crate::metrics::defs::{self, Kind, METRICS};
use crate::metrics::output::{MetricTable, display_ci, display_value};
use crate::metrics::{self, MetricRow, Request};
use crate::output::{Format, Printable};
use crate::publish;
use crate::query::cohort::{self, By, Entry as CohortEntry};
use crate::query::disclosure::{audit_frame, publish_frame};
use crate::query::saved::{self, Builtins, ParamType};
use crate::query::sql::Env;
use crate::regions::{Level, level_of};

/// Rows of a query result per page.
const PAGE_ROWS: usize = 100;
/// Rows of the indicators table shown in the page (downloads have all).
const SHOWN_METRIC_ROWS: usize = 2000;

const CSV: &str = "text/csv; charset=utf-8";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn route(app: &App, req: &Req, lang: Lang) -> Resp {
    match (req.method.as_str(), req.path.as_str()) {
        ("GET" | "HEAD", "/") => Resp::redirect("/data"),
        ("GET" | "HEAD", "/data") => data_page(app, req, lang, None),
        ("POST", "/data/upload") => upload(app, req, lang),
        ("POST", "/data/import") => import_folder(app, req, lang),
        ("GET" | "HEAD", "/data/job") => job_page(app, req, lang),
        ("GET" | "HEAD", "/metrics") => metrics_page(app, req, lang),
        ("GET" | "HEAD", "/metrics.csv") => {
            download(metrics_file(app, req, Format::Csv), "metrics.csv", CSV)
        }
        ("GET" | "HEAD", "/metrics.xlsx") => {
            download(metrics_file(app, req, Format::Xlsx), "metrics.xlsx", XLSX)
        }
        ("GET" | "HEAD", "/cohort") => cohort_page(app, req, lang),
        ("GET" | "HEAD", "/cohort.csv") => {
            download(cohort_file(app, req, Format::Csv), "cohort.csv", CSV)
        }
        ("GET" | "HEAD", "/cohort.xlsx") => {
            download(cohort_file(app, req, Format::Xlsx), "cohort.xlsx", XLSX)
        }
        ("GET" | "HEAD", "/query") => query_page(app, req, lang),
        ("GET" | "HEAD", "/query.csv") => {
            download(query_file(app, req, Format::Csv), "query.csv", CSV)
        }
        ("GET" | "HEAD", "/query.xlsx") => {
            download(query_file(app, req, Format::Xlsx), "query.xlsx", XLSX)
        }
        ("GET" | "HEAD", "/report") => report_page(app, req, lang),
        ("GET" | "HEAD", "/report.pdf") => match report_pdf(app, req) {
            Ok(pdf) => Resp::bytes("application/pdf", pdf),
            Err(e) => Resp::text(422, &format!("{e:#}")),
        },
        ("GET" | "HEAD", "/report/briefs.zip") => {
            download(briefs_zip(app, req), "county-briefs.zip", "application/zip")
        }
        _ => Resp::html(
            404,
            page(
                lang,
                "",
                "",
                lang.t("找不到页面", "Not found"),
                &note(lang.t("没有这个页面。", "There is no such page.")),
                app.cfg.raw,
            ),
        ),
    }
}

fn download(r: Result<Vec<u8>>, name: &str, ct: &'static str) -> Resp {
    match r {
        Ok(b) => Resp::bytes(ct, b).attachment(name),
        Err(e) => Resp::text(422, &format!("{e:#}")),
    }
}

/// The query string of a request without the given fields (for links that change one).
fn keep_query(req: &Req, drop: &[&str]) -> String {
    let pairs: Vec<(&str, &str)> = req
        .query
        .iter()
        .filter(|(k, _)| !drop.contains(&k.as_str()) && k != "csrf")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    to_query(&pairs)
}

fn entry(app: &App, req: &Req) -> Result<Entry> {
    match app.ws.entry(req.get("data")) {
        Some(e) => Ok(e),
        None => match req.get("data") {
            Some(d) if !d.is_empty() => bail!("no dataset {d:?} in the workspace"),
            _ => bail!(
                "the workspace {} holds no dataset or export yet: import one on the data page",
                app.ws.root.display()
            ),
        },
    }
}

fn data_select(app: &App, lang: Lang, selected: &str) -> String {
    let opts: Vec<(String, String)> = app
        .ws
        .entries()
        .into_iter()
        .map(|e| {
            let label = if e.id == "." {
                format!(
                    "{} {}",
                    lang.t("工作区文件夹", "workspace folder"),
                    dir_name(&e)
                )
            } else {
                e.id.clone()
            };
            (e.id, label)
        })
        .collect();
    field(
        lang.t("数据集", "Dataset"),
        &select("data", &opts, selected),
    )
}

fn dir_name(e: &Entry) -> String {
    e.path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn input(name: &str, ty: &str, value: &str, extra: &str) -> String {
    format!(
        "<input type=\"{ty}\" name=\"{}\" id=\"f-{}\" value=\"{}\"{extra}>",
        esc(name),
        esc(name),
        esc(value)
    )
}

// ---------------------------------------------------------------- 数据 data

fn data_page(app: &App, req: &Req, lang: Lang, result: Option<String>) -> Resp {
    let mut b = String::new();
    if let Some(r) = &result {
        b.push_str(r);
    }
    b.push_str(&format!(
        "<p class=\"note\">{} <code>{}</code></p>",
        esc(lang.t("工作区：", "Workspace:")),
        esc(&app.ws.root.display().to_string())
    ));
    let entries = app.ws.entries();
    b.push_str(&format!("<h2>{}</h2>", lang.t("数据集", "Datasets")));
    if entries.is_empty() {
        b.push_str(&note(lang.t(
            "工作区里还没有数据集或导出文件夹。请在下面导入。",
            "The workspace holds no dataset or export folder yet; import one below.",
        )));
    } else {
        b.push_str(&format!(
            "<div class=\"scroll\"><table id=\"datasets\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            lang.t("名称", "Name"),
            lang.t("类型", "Kind"),
            lang.t("截止日期", "Cutoff"),
            lang.t("行数", "Rows"),
            lang.t("导入文件", "Inputs"),
            lang.t("密钥编号", "Key id"),
        ));
        for e in &entries {
            let name = if e.id == "." {
                dir_name(e)
            } else {
                e.id.clone()
            };
            match &e.manifest {
                Some(m) => {
                    let rows: Vec<String> =
                        m.tables.iter().map(|(t, n)| format!("{t} {n}")).collect();
                    let inputs: Vec<String> = m.import["tables"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .flat_map(|t| t["files"].as_array().into_iter().flatten())
                        .filter_map(|f| f["file"].as_str().map(String::from))
                        .collect();
                    b.push_str(&format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code>{}</td></tr>",
                        esc(&name),
                        lang.t("数据集", "dataset"),
                        esc(m.cutoff.as_deref().unwrap_or("—")),
                        esc(&rows.join(", ")),
                        esc(&inputs.join(", ")),
                        esc(&m.key_id),
                        if m.ephemeral_key {
                            lang.t("（临时密钥）", " (one-off key)")
                        } else {
                            ""
                        }
                    ));
                }
                None => b.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td colspan=\"4\">{}</td></tr>",
                    esc(&name),
                    lang.t("导出文件夹", "export folder"),
                    lang.t(
                        "每次使用时在内存中导入；导入为数据集会更快。",
                        "imported in memory at each use; import it as a dataset for speed."
                    )
                )),
            }
        }
        b.push_str("</tbody></table></div>");
    }
    let key_note = match &app.cfg.key_file {
        Some(_) => lang.t("使用服务启动时给出的假名化密钥。", "Pseudonyms use the key file given at start."),
        None => lang.t(
            "未给出密钥文件（--key-file）：每次导入使用临时密钥，假名不能与其他导入关联。",
            "No --key-file given: each import uses a one-off key; pseudonyms will not link to other imports.",
        ),
    };
    let actions = format!(
        "<div class=\"actions\"><button name=\"action\" value=\"check\">{}</button> <button name=\"action\" value=\"import\">{}</button></div>",
        lang.t("只检查", "Check only"),
        lang.t("检查并导入", "Check and import")
    );
    let name_field = field(
        lang.t("新数据集名称", "New dataset name"),
        &input(
            "name",
            "text",
            req.get("name").unwrap_or(""),
            " pattern=\"[^./\\\\]+\" placeholder=\"ningxia-2024\"",
        ),
    );
    b.push_str(&format!(
        "<h2>{}</h2><p class=\"note\">{} {} MB。{}</p>\
<form method=\"post\" action=\"/data/upload\" enctype=\"multipart/form-data\" class=\"busy\" id=\"upload\">{}{}{}{}</form>",
        lang.t("上传导出文件", "Upload an export"),
        lang.t("选择导出的 CSV/XLSX 文件（人员、措施、检测……）。上传上限", "Choose the exported CSV/XLSX files (persons, measures, tests, …). Upload limit"),
        app.cfg.max_upload / (1024 * 1024),
        esc(key_note),
        html::csrf_field(&app.csrf),
        field(lang.t("文件", "Files"), "<input type=\"file\" name=\"files\" multiple required>"),
        name_field,
        actions
    ));
    b.push_str(&format!(
        "<h2>{}</h2><form method=\"post\" action=\"/data/import\" class=\"busy\" id=\"folder\">{}{}{}{}</form>",
        lang.t("从工作区文件夹导入", "Import a folder of the workspace"),
        html::csrf_field(&app.csrf),
        field(
            lang.t("文件夹（相对于工作区）", "Folder (relative to the workspace)"),
            &input("path", "text", req.get("path").unwrap_or(""), " required placeholder=\"exports/2024\"")
        ),
        name_field,
        actions
    ));
    Resp::html(
        200,
        page(lang, "/data", "", lang.t("数据", "Data"), &b, app.cfg.raw),
    )
}

/// The data-quality report as HTML: counts per table and file, error codes with their
/// count and first line number (never the rows or their values), file errors.
fn report_html(lang: Lang, r: &ImportReport, written: Option<&str>) -> String {
    let v = serde_json::to_value(r).unwrap_or_default();
    let mut s = format!(
        "<section class=\"report\" id=\"quality\"><h2>{}</h2>",
        lang.t("数据质量报告", "Data-quality report")
    );
    if r.failed() {
        s.push_str(&format!(
            "<p class=\"bad\">{}</p><ul>",
            lang.t(
                "导入未通过，没有写入任何数据集：",
                "The import failed; no dataset was written:"
            )
        ));
        for e in &r.errors {
            s.push_str(&format!("<li>{}</li>", esc(e)));
        }
        s.push_str("</ul>");
    } else if let Some(w) = written {
        s.push_str(&format!(
            "<p class=\"ok\">{} <strong>{}</strong></p>",
            lang.t("已写入数据集", "Dataset written:"),
            esc(w)
        ));
    } else {
        s.push_str(&format!(
            "<p class=\"ok\">{}</p>",
            lang.t(
                "检查通过（未写入）。",
                "The check passed (nothing written)."
            )
        ));
    }
    s.push_str(&format!(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        lang.t("表 / 文件", "Table / file"),
        lang.t("读取", "Read"),
        lang.t("接受", "Accepted"),
        lang.t("合并", "Merged"),
        lang.t("隔离", "Quarantined"),
    ));
    let n = |x: &serde_json::Value| x.as_u64().map(|n| n.to_string()).unwrap_or_default();
    for t in v["tables"].as_array().into_iter().flatten() {
        s.push_str(&format!(
            "<tr class=\"table\"><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(t["table"].as_str().unwrap_or("")),
            n(&t["rows_read"]),
            n(&t["accepted"]),
            n(&t["merged"]),
            n(&t["quarantined"])
        ));
        for f in t["files"].as_array().into_iter().flatten() {
            s.push_str(&format!(
                "<tr><td>&nbsp;&nbsp;{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(f["file"].as_str().unwrap_or("")),
                n(&f["rows_read"]),
                n(&f["accepted"]),
                n(&f["merged"]),
                n(&f["quarantined"])
            ));
            let mut codes: Vec<(&String, &serde_json::Value)> = f["codes"]
                .as_object()
                .map(|o| o.iter().collect())
                .unwrap_or_default();
            codes.sort_by(|a, b| {
                b.1["count"]
                    .as_u64()
                    .cmp(&a.1["count"].as_u64())
                    .then(a.0.cmp(b.0))
            });
            for (code, st) in codes {
                s.push_str(&format!(
                    "<tr class=\"code\"><td colspan=\"5\">&nbsp;&nbsp;&nbsp;&nbsp;<code>{}</code> × {} — {} {}{}</td></tr>",
                    esc(code),
                    n(&st["count"]),
                    lang.t("例：第", "e.g. line"),
                    n(&st["example_line"]),
                    lang.t(" 行", "")
                ));
            }
            if let Some(e) = f["error"].as_str() {
                s.push_str(&format!(
                    "<tr class=\"bad\"><td colspan=\"5\">{}</td></tr>",
                    esc(e)
                ));
            }
        }
    }
    s.push_str("</tbody></table>");
    s.push_str(&note(lang.t(
        "被隔离的行保存在磁盘上（权限 0600），页面只显示行号和错误代码。",
        "Quarantined rows stay on disk (mode 0600); the page shows only line numbers and error codes.",
    )));
    s.push_str("</section>");
    s
}

fn import_key(app: &App) -> Result<Key> {
    Ok(match &app.cfg.key_file {
        Some(p) => Key::load(p)?,
        None => Key::ephemeral()?,
    })
}

/// The destination of an import (`None` for a check) from the form's name and action.
fn import_dest(app: &App, req: &Req) -> Result<Option<(String, std::path::PathBuf)>> {
    if req.get("action") != Some("import") {
        return Ok(None);
    }
    let name = req.get("name").unwrap_or("").trim().to_string();
    if !valid_dataset_name(&name) {
        bail!("dataset name {name:?}: use 1–64 letters, digits, '-' or '_' (no dots, no slashes)");
    }
    let dest = app.ws.root.join(&name);
    Ok(Some((name, dest)))
}

fn finish_import(
    app: &App,
    req: &Req,
    lang: Lang,
    r: Result<(ImportResult, Option<String>)>,
) -> Resp {
    match r {
        Ok((res, name)) => {
            if let Some(n) = &name {
                app.ws.forget(n);
            }
            let status = if res.report.failed() { 422 } else { 200 };
            let html = report_html(lang, &res.report, res.written.as_ref().and(name.as_deref()));
            let mut resp = data_page(app, req, lang, Some(html));
            resp.status = status;
            resp
        }
        Err(e) => {
            let mut resp = data_page(app, req, lang, Some(error_box(lang, &format!("{e:#}"))));
            resp.status = 400;
            resp
        }
    }
}

/// Imports running in the background, by id: the data page shows their progress
/// (refreshing itself, without JavaScript) and then their report.
#[derive(Default)]
pub struct Jobs(Mutex<BTreeMap<String, Arc<Mutex<Job>>>>);

type JobResult = Result<(ImportResult, Option<String>)>;

#[derive(Default)]
pub struct Job {
    /// The file being read and its rows so far.
    file: String,
    rows: u64,
    done: Option<Result<(ImportResult, Option<String>), String>>,
}

/// Starts `work` on its own thread as a job and answers with the job page's address.
fn start_job(
    app: &App,
    work: impl FnOnce(&(dyn Fn(&str, u64) + Sync)) -> JobResult + Send + 'static,
) -> Result<Resp> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("random: {e}"))?;
    let id = hex::encode(b);
    let job = Arc::new(Mutex::new(Job::default()));
    app.jobs
        .0
        .lock()
        .expect("jobs lock")
        .insert(id.clone(), job.clone());
    std::thread::spawn(move || {
        let progress = |file: &str, rows: u64| {
            let mut j = job.lock().expect("job lock");
            j.file = file.to_string();
            j.rows = rows;
        };
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&progress)))
            .unwrap_or_else(|_| {
                Err(anyhow::anyhow!(
                    "internal error (see the server's terminal)"
                ))
            })
            .map_err(|e| format!("{e:#}"));
        job.lock().expect("job lock").done = Some(r);
    });
    Ok(Resp::redirect(&format!("/data/job?id={id}")))
}

/// The page of an import job: its progress while it runs (202, refreshing every
/// second), then the data page with the report.
fn job_page(app: &App, req: &Req, lang: Lang) -> Resp {
    let id = req.get("id").unwrap_or("");
    let job = app.jobs.0.lock().expect("jobs lock").get(id).cloned();
    let Some(job) = job else {
        let body = error_box(lang, lang.t("没有这个导入任务。", "No such import job."));
        return Resp::html(
            404,
            page(
                lang,
                "/data",
                "",
                lang.t("数据", "Data"),
                &body,
                app.cfg.raw,
            ),
        );
    };
    let j = job.lock().expect("job lock");
    let r: JobResult = match &j.done {
        None => {
            let msg = if j.file.is_empty() {
                lang.t("正在开始……", "Starting…").to_string()
            } else {
                format!(
                    "{} {}：{} {}",
                    lang.t("正在读取", "Reading"),
                    j.file,
                    j.rows,
                    lang.t("行", "rows")
                )
            };
            let body = format!(
                "<p class=\"busy-note\" id=\"progress\">{}</p>{}",
                esc(&msg),
                note(lang.t(
                    "本页每秒自动刷新，导入完成后显示数据质量报告。",
                    "This page refreshes every second and shows the data-quality report when the import ends."
                ))
            );
            let html = page(
                lang,
                "/data",
                "",
                lang.t("数据", "Data"),
                &body,
                app.cfg.raw,
            )
            .replacen(
                "<meta charset=\"utf-8\">",
                "<meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"1\">",
                1,
            );
            return Resp::html(202, html);
        }
        Some(Ok((res, name))) => Ok((
            ImportResult {
                report: res.report.clone(),
                written: res.written.clone(),
            },
            name.clone(),
        )),
        Some(Err(e)) => Err(anyhow::anyhow!("{e}")),
    };
    drop(j);
    finish_import(app, req, lang, r)
}

fn upload(app: &App, req: &Req, lang: Lang) -> Resp {
    let r = (|| -> Result<Resp> {
        if req.files.iter().all(|f| f.data.is_empty()) {
            bail!("choose at least one file to upload");
        }
        let dest = import_dest(app, req)?;
        let key = import_key(app)?;
        let dir = UploadDir::new(&app.ws.root)?;
        for f in &req.files {
            let name = f
                .file_name
                .as_deref()
                .and_then(super::http::safe_file_name)
                .with_context(|| "an uploaded file has no usable name".to_string())?;
            dir.write(&name, &f.data)?;
        }
        start_job(app, move |progress| {
            let to = dest.as_ref().map(|d| d.1.as_path());
            let res = workspace::import_folder(&dir.0, to, key, progress)?;
            // The uploaded files are removed as soon as the import has read them.
            drop(dir);
            Ok((res, dest.map(|d| d.0)))
        })
    })();
    r.unwrap_or_else(|e| finish_import(app, req, lang, Err(e)))
}

fn import_folder(app: &App, req: &Req, lang: Lang) -> Resp {
    let r = (|| -> Result<Resp> {
        let src = app.ws.resolve(req.get("path").unwrap_or(""))?;
        let dest = import_dest(app, req)?;
        if let Some((_, d)) = &dest
            && d.starts_with(&src)
        {
            bail!("the new dataset cannot be written inside the folder it is imported from");
        }
        let key = import_key(app)?;
        start_job(app, move |progress| {
            let to = dest.as_ref().map(|d| d.1.as_path());
            let res = workspace::import_folder(&src, to, key, progress)?;
            Ok((res, dest.map(|d| d.0)))
        })
    })();
    r.unwrap_or_else(|e| finish_import(app, req, lang, Err(e)))
}

// ---------------------------------------------------------------- 指标 indicators

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

fn metrics_file(app: &App, req: &Req, f: Format) -> Result<Vec<u8>> {
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
        Kind::Count | Kind::Ratio => YAxis::Count,
        Kind::Rate | Kind::Survival => YAxis::Percent,
    };
    chart(&trend_line(&words, &series, None, y), "metrics-chart")
}

fn metrics_page(app: &App, req: &Req, lang: Lang) -> Resp {
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

// ---------------------------------------------------------------- 队列 cohorts

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

fn cohort_file(app: &App, req: &Req, f: Format) -> Result<Vec<u8>> {
    let (r, _, _) = cohort_result(app, req)?;
    Ok(crate::output::to_bytes(&r, f)?)
}

fn cohort_page(app: &App, req: &Req, lang: Lang) -> Resp {
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

// ---------------------------------------------------------------- 查询 queries

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

fn query_file(app: &App, req: &Req, f: Format) -> Result<Vec<u8>> {
    let (df, _) = run_query(app, req)?;
    Ok(crate::output::to_bytes(&df, f)?)
}

fn query_page(app: &App, req: &Req, lang: Lang) -> Resp {
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

// ---------------------------------------------------------------- 报告 reports

struct ReportAsk {
    doc: Doc,
    region: String,
    year: i32,
    english: bool,
}

fn report_ask(req: &Req, model: &crate::metrics::Model) -> Result<ReportAsk> {
    let doc = match req.get("template").filter(|s| !s.is_empty()) {
        Some(t) => Doc::parse(t)
            .with_context(|| format!("template {t:?}: annual-bulletin or county-brief"))?,
        None => Doc::AnnualBulletin,
    };
    let region = match req.get("region").map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => r.to_string(),
        None => {
            let provinces: Vec<_> = model.regions.at_level(Level::Province).collect();
            match provinces.as_slice() {
                [one] => one.code.clone(),
                _ => bail!("choose a region"),
            }
        }
    };
    if !region.bytes().all(|b| b.is_ascii_digit()) || region.len() != 6 {
        bail!("region {region:?}: give a 6-digit province, city or county code");
    }
    let year = match req.get("year").map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse()
            .with_context(|| format!("year {s:?} is not a year"))?,
        None => {
            let ps = crate::metrics::compute::periods(model);
            let last = ps.last().context("the data has no periods")?;
            if last.partial {
                last.year - 1
            } else {
                last.year
            }
        }
    };
    Ok(ReportAsk {
        doc,
        region,
        year,
        english: req.get("lang") == Some("en"),
    })
}

fn report_pdf(app: &App, req: &Req) -> Result<Vec<u8>> {
    let e = entry(app, req)?;
    let l = app.ws.load(&e)?;
    let a = report_ask(req, &l.model)?;
    let mut pdfs = reports::render_pdfs(
        &l.model,
        &l.import_report,
        a.doc,
        &[a.region],
        a.year,
        a.english,
        app.cfg.rule,
    )?;
    Ok(pdfs.remove(0))
}

fn briefs_zip(app: &App, req: &Req) -> Result<Vec<u8>> {
    let e = entry(app, req)?;
    let l = app.ws.load(&e)?;
    let a = report_ask(req, &l.model)?;
    let prefix = crate::regions::significant_prefix(&a.region);
    let counties: Vec<(String, String)> = l
        .model
        .regions
        .at_level(Level::County)
        .filter(|r| r.code.starts_with(prefix))
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    if counties.is_empty() {
        bail!("region {} has no counties in the region table", a.region);
    }
    let codes: Vec<String> = counties.iter().map(|c| c.0.clone()).collect();
    let pdfs = reports::render_pdfs(
        &l.model,
        &l.import_report,
        Doc::CountyBrief,
        &codes,
        a.year,
        a.english,
        app.cfg.rule,
    )?;
    let files: Vec<(String, Vec<u8>)> = counties
        .iter()
        .zip(pdfs)
        .map(|((code, name), pdf)| {
            let safe: String = name
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-')
                .collect();
            (format!("{code}-{safe}.pdf"), pdf)
        })
        .collect();
    reports::zip_pdfs(&files)
}

fn report_page(app: &App, req: &Req, lang: Lang) -> Resp {
    let mut b = String::new();
    let r = (|| -> Result<(ReportAsk, Vec<(String, String)>)> {
        let e = entry(app, req)?;
        let l = app.ws.load(&e)?;
        let a = report_ask(req, &l.model)?;
        let mut regions = Vec::new();
        for lv in [Level::Province, Level::City, Level::County] {
            let mut rs: Vec<_> = l.model.regions.at_level(lv).collect();
            rs.sort_by(|x, y| x.code.cmp(&y.code));
            for r in rs {
                regions.push((r.code.clone(), format!("{} {}", r.code, r.name)));
            }
        }
        Ok((a, regions))
    })();
    let templates = vec![
        (
            "annual-bulletin".to_string(),
            lang.t("年度禁毒工作统计公报", "annual bulletin")
                .to_string(),
        ),
        (
            "county-brief".to_string(),
            lang.t("县（区）简报", "county brief").to_string(),
        ),
    ];
    let langs = vec![
        ("zh".to_string(), "中文".to_string()),
        ("en".to_string(), "English".to_string()),
    ];
    match r {
        Err(e) => {
            b.push_str(&format!(
                "<form method=\"get\" action=\"/report\">{}<button>{}</button></form>",
                data_select(app, lang, req.get("data").unwrap_or("")),
                lang.t("选择", "Choose")
            ));
            b.push_str(&error_box(lang, &format!("{e:#}")));
        }
        Ok((a, regions)) => {
            b.push_str(&format!(
                "<form method=\"get\" action=\"/report\" class=\"query\">{}{}{}{}{}<div class=\"actions\"><button>{}</button></div></form>",
                data_select(app, lang, req.get("data").unwrap_or("")),
                field(lang.t("模板", "Template"), &select("template", &templates, a.doc.name())),
                field(lang.t("年份", "Year"), &input("year", "number", &a.year.to_string(), "")),
                field(lang.t("地区", "Region"), &select("region", &regions, &a.region)),
                field(lang.t("语言", "Language"), &select("lang", &langs, if a.english { "en" } else { "zh" })),
                lang.t("生成", "Render"),
            ));
            let data = app
                .ws
                .entry(req.get("data"))
                .map(|e| e.id)
                .unwrap_or_default();
            let q = to_query(&[
                ("data", &data),
                ("template", a.doc.name()),
                ("year", &a.year.to_string()),
                ("region", &a.region),
                ("lang", if a.english { "en" } else { "zh" }),
            ]);
            b.push_str(&format!(
                "<p class=\"downloads\"><a href=\"/report.pdf?{q}\" download=\"report-{}-{}.pdf\">{}</a> <a href=\"/report/briefs.zip?{q}\" download>{}</a></p>",
                url_encode(&a.region),
                a.year,
                lang.t("下载 PDF", "Download PDF"),
                lang.t("下载全部县（区）简报（ZIP）", "Download all county briefs (ZIP)")
            ));
            b.push_str(&note(lang.t(
                "报告中 1–9 的计数显示为 <10。生成可能需要几秒钟。",
                "Counts of 1–9 read <10 in reports. Rendering may take a few seconds.",
            )));
            b.push_str(&format!(
                "<iframe class=\"pdf\" title=\"PDF\" src=\"/report.pdf?{q}\"></iframe>"
            ));
        }
    }
    Resp::html(
        200,
        page(
            lang,
            "/report",
            &keep_query(req, &[]),
            lang.t("报告", "Reports"),
            &b,
            app.cfg.raw,
        ),
    )
}
