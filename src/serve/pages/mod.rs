//! The five pages of the workbench (数据 data, 指标 indicators, 队列 cohorts, 查询
//! queries, 报告 reports) and their downloads. Each handler reads form fields,
//! validates them into the library's request types and calls the same library
//! functions as the matching `jindu` command, so a page shows the command's numbers.
//! One file per page; they share this module's imports and helpers (`use super::*`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, mpsc};

use anyhow::{Context as _, Result, bail};
use polars::prelude::DataFrame;

use super::App;
use super::html::{self, Lang, chart, error_box, field, grid_table, note, page, select};
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
use crate::serve::http::{Req, Resp, esc, to_query, url_encode, valid_dataset_name};

/// Rows of a query result per page.
const PAGE_ROWS: usize = 100;
/// Rows of the indicators table shown in the page (downloads have all).
const SHOWN_METRIC_ROWS: usize = 2000;

const CSV: &str = "text/csv; charset=utf-8";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

mod cohorts;
mod data;
mod indicators;
mod query;
mod report;

use cohorts::{cohort_file, cohort_page};
pub use data::Jobs;
use data::{data_page, import_folder, job_page, upload};
use indicators::{metrics_file, metrics_page};
use query::{query_file, query_page};
use report::{briefs_zip, report_page, report_pdf};

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
