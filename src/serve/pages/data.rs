//! 数据 (data): the datasets of the workspace with their manifests, imports by upload
//! or from a folder of the workspace (as background jobs with progress), and the
//! data-quality report (line numbers and error codes only, never row values).

use super::*;

pub(super) fn data_page(app: &App, req: &Req, lang: Lang, result: Option<String>) -> Resp {
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
            s.push_str(&format!("<li>{}</li>", esc(e.get(lang))));
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
    // One row of the accounting: a table (`<tr class="table">`) or one of its files
    // (indented), with its read / accepted / merged / quarantined counts.
    let counts_row = |tr: &str, label: &str, x: &serde_json::Value| {
        format!(
            "{tr}<td>{label}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            n(&x["rows_read"]),
            n(&x["accepted"]),
            n(&x["merged"]),
            n(&x["quarantined"])
        )
    };
    for t in v["tables"].as_array().into_iter().flatten() {
        let table = esc(t["table"].as_str().unwrap_or(""));
        s.push_str(&counts_row("<tr class=\"table\">", &table, t));
        for f in t["files"].as_array().into_iter().flatten() {
            let file = format!("&nbsp;&nbsp;{}", esc(f["file"].as_str().unwrap_or("")));
            s.push_str(&counts_row("<tr>", &file, f));
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
pub(super) fn job_page(app: &App, req: &Req, lang: Lang) -> Resp {
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

pub(super) fn upload(app: &App, req: &Req, lang: Lang) -> Resp {
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
                .and_then(crate::serve::http::safe_file_name)
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

pub(super) fn import_folder(app: &App, req: &Req, lang: Lang) -> Resp {
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
