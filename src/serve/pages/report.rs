//! 报告 (reports): the bulletin or a county brief as PDF, and all county briefs of a
//! region as one ZIP, through [`crate::serve::reports`].

use super::*;
use crate::report::job::{default_region, default_year};

struct ReportAsk {
    doc: Doc,
    region: String,
    year: i32,
    english: bool,
    /// Office settings (`jindu report --set`): issuer, doc_number, signed, contact, and
    /// cover=off.
    settings: Vec<(&'static str, String)>,
}

/// The office settings a page can give (the `--set` keys of docs/templates.md).
const SETTINGS: [(&str, &str, &str); 4] = [
    ("issuer", "发文机关", "Issuing office"),
    ("doc_number", "文号", "Document number"),
    ("signed", "签发日期", "Signing date"),
    ("contact", "联系方式", "Contact"),
];

impl ReportAsk {
    /// The settings as the report job takes them.
    fn job_settings(&self) -> Vec<(String, serde_json::Value)> {
        self.settings
            .iter()
            .map(|(k, v)| {
                let v = if *k == "cover" {
                    serde_json::Value::Bool(v != "off")
                } else {
                    serde_json::Value::String(v.clone())
                };
                (k.to_string(), v)
            })
            .collect()
    }
}

fn report_ask(req: &Req, model: &crate::metrics::Model) -> Result<ReportAsk> {
    let doc = match req.get("template").filter(|s| !s.is_empty()) {
        Some(t) => Doc::parse(t)
            .with_context(|| format!("template {t:?}: annual-bulletin or county-brief"))?,
        None => Doc::AnnualBulletin,
    };
    let region = match req.get("region").map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => r.to_string(),
        None => default_region(model)?,
    };
    if !region.bytes().all(|b| b.is_ascii_digit()) || region.len() != 6 {
        bail!("region {region:?}: give a 6-digit province, city or county code");
    }
    let year = match req.get("year").map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse()
            .with_context(|| format!("year {s:?} is not a year"))?,
        None => default_year(model)?,
    };
    let mut settings = Vec::new();
    for (k, _, _) in SETTINGS {
        if let Some(v) = req.get(k).map(str::trim).filter(|v| !v.is_empty()) {
            if v.chars().count() > 200 {
                bail!("{k}: at most 200 characters");
            }
            settings.push((k, v.to_string()));
        }
    }
    if req.get("cover") == Some("off") {
        settings.push(("cover", "off".to_string()));
    }
    Ok(ReportAsk {
        doc,
        region,
        year,
        english: req.get("lang") == Some("en"),
        settings,
    })
}

pub(super) fn report_pdf(app: &App, req: &Req) -> Result<Vec<u8>> {
    let e = entry(app, req)?;
    let l = app.ws.load(&e)?;
    let a = report_ask(req, &l.model)?;
    let mut pdfs = reports::render_pdfs(
        &l.model,
        &l.import_report,
        a.doc,
        std::slice::from_ref(&a.region),
        &reports::Options {
            year: a.year,
            english: a.english,
            rule: app.cfg.rule,
            settings: &a.job_settings(),
        },
    )?;
    Ok(pdfs.remove(0))
}

pub(super) fn briefs_zip(app: &App, req: &Req) -> Result<Vec<u8>> {
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
        &reports::Options {
            year: a.year,
            english: a.english,
            rule: app.cfg.rule,
            settings: &a.job_settings(),
        },
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

pub(super) fn report_page(app: &App, req: &Req, lang: Lang) -> Resp {
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
            let given = |k: &str| {
                a.settings
                    .iter()
                    .find(|(key, _)| *key == k)
                    .map_or("", |(_, v)| v.as_str())
            };
            let mut office = String::new();
            for (k, zh, en) in SETTINGS {
                office.push_str(&field(lang.t(zh, en), &input(k, "text", given(k), "")));
            }
            let covers = vec![
                ("on".to_string(), lang.t("有", "yes").to_string()),
                ("off".to_string(), lang.t("无", "no").to_string()),
            ];
            let cover = if given("cover") == "off" { "off" } else { "on" };
            office.push_str(&field(
                lang.t("封面", "Cover"),
                &select("cover", &covers, cover),
            ));
            b.push_str(&format!(
                "<form method=\"get\" action=\"/report\" class=\"query\">{}{}{}{}{}{office}<div class=\"actions\"><button>{}</button></div></form>",
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
            let year = a.year.to_string();
            let mut pairs: Vec<(&str, &str)> = vec![
                ("data", &data),
                ("template", a.doc.name()),
                ("year", &year),
                ("region", &a.region),
                ("lang", if a.english { "en" } else { "zh" }),
            ];
            pairs.extend(a.settings.iter().map(|(k, v)| (*k, v.as_str())));
            let q = to_query(&pairs);
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
