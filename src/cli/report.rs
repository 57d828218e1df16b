//! `jindu report`: the annual bulletin and county briefs as PDF.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use clap::{Args, ValueEnum};
use rayon::prelude::*;

use super::open_data;
use crate::dates::from_days;
use crate::metrics::Model;
use crate::metrics::PeriodKind;
use crate::metrics::compute::Period;
use crate::publish::Rule;
use crate::regions::{Level, level_of, significant_prefix};
use crate::report::TemplateSource;
use crate::report::bulletin::period::PeriodRows;
use crate::report::bulletin::{self, Lang, Template};
use crate::report::job::{Job, default_region, default_year, scope_of};

/// The settings file read from a template file's folder.
pub const SETTINGS_FILE: &str = "settings.txt";

/// Office settings for `meta`: the template folder's `settings.txt` (lines `key = value`,
/// `#` comments), then `--set`; `cover` is on unless set off.
fn settings(
    dir: Option<&Path>,
    is_file: bool,
    set: &[(String, String)],
) -> Result<Vec<(String, serde_json::Value)>> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    if let (Some(dir), true) = (dir, is_file) {
        let path = dir.join(SETTINGS_FILE);
        if path.is_file() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            for (i, line) in text.lines().enumerate() {
                let line = line.trim().trim_start_matches('\u{feff}');
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let (k, v) = parse_setting(line)
                    .map_err(|e| anyhow::anyhow!("{}:{}: {e}", path.display(), i + 1))?;
                pairs.push((k, v.trim_matches('"').to_string()));
            }
        }
    }
    pairs.extend(set.iter().cloned());
    let mut out: Vec<(String, serde_json::Value)> = vec![("cover".into(), true.into())];
    for (k, v) in pairs {
        let value = if k == "cover" {
            match v.as_str() {
                "on" | "true" | "yes" | "1" => true.into(),
                "off" | "false" | "no" | "0" => false.into(),
                _ => bail!("setting cover={v:?}: give on or off"),
            }
        } else {
            serde_json::Value::String(v)
        };
        out.retain(|(key, _)| *key != k);
        out.push((k, value));
    }
    Ok(out)
}

/// `--template`: a shipped template by name, or a template file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateArg {
    /// 年度禁毒工作统计公报: the full bulletin of a province, city or county.
    AnnualBulletin,
    /// A one- or two-page brief of a county.
    CountyBrief,
    /// The brief of a county for a month or a quarter (`--period quarter|month`).
    PeriodBrief,
    /// A template file (`*.typ`); it may read files of its own folder only.
    File(PathBuf),
}

fn parse_template(s: &str) -> Result<TemplateArg, String> {
    match s {
        "annual-bulletin" => Ok(TemplateArg::AnnualBulletin),
        "county-brief" => Ok(TemplateArg::CountyBrief),
        "period-brief" => Ok(TemplateArg::PeriodBrief),
        _ if s.ends_with(".typ") => Ok(TemplateArg::File(PathBuf::from(s))),
        _ => Err(format!(
            "{s:?}: give annual-bulletin, county-brief, period-brief or a template file ending in .typ \
             (`jindu templates init DIR` writes the shipped ones to start from)"
        )),
    }
}

/// `--set key=value`.
fn parse_setting(s: &str) -> Result<(String, String), String> {
    let (k, v) = s.split_once('=').ok_or_else(|| {
        format!("{s:?}: write key=value, e.g. --set issuer=某某市禁毒委员会办公室")
    })?;
    let k = k.trim();
    if k.is_empty() || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(format!(
            "{k:?}: a setting name has letters, digits and '_' only"
        ));
    }
    Ok((k.to_string(), v.trim().to_string()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

/// `--period`: the length of the period a document reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    /// A calendar year (the annual bulletin and county brief).
    Year,
    /// A calendar quarter (季报: the period brief).
    Quarter,
    /// A calendar month (月报: the period brief).
    Month,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EachArg {
    /// One document per county of the region.
    County,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A dataset or export folder (default: sample-data/ningxia if present, else a
    /// freshly generated sample).
    #[arg(value_name = "DATA")]
    pub data: Option<PathBuf>,
    /// The document: annual-bulletin, county-brief (the default with --each county), or a
    /// template file FILE.typ (see docs/templates.md; `jindu templates init DIR`).
    #[arg(long, value_parser = parse_template, value_name = "NAME|FILE.typ")]
    pub template: Option<TemplateArg>,
    /// An office setting read by the template as `meta.KEY` (issuer, doc_number, signed,
    /// contact, cover=on|off, …); overrides the template folder's settings.txt. Repeatable.
    #[arg(long = "set", value_parser = parse_setting, value_name = "KEY=VALUE")]
    pub set: Vec<(String, String)>,
    /// Give templates the figures before disclosure control (counts 1–9 shown). For
    /// internal use only: every page then says the figures are not for publication.
    #[arg(long)]
    pub raw: bool,
    /// The year (default: the year of the data cutoff if complete, else the one before).
    #[arg(long)]
    pub year: Option<i32>,
    /// The length of the period reported: year (the bulletin and county brief), or
    /// quarter / month for the quarterly or monthly brief (template period-brief).
    #[arg(long, value_enum, default_value = "year")]
    pub period: PeriodArg,
    /// The quarter or month to report with --period quarter|month: 2025-Q3, 2025-09
    /// (default: the last complete one of the data).
    #[arg(long, value_name = "LABEL")]
    pub period_label: Option<String>,
    /// Region code: province, city or county (default: the only province of the data).
    #[arg(long, value_name = "CODE")]
    pub region: Option<String>,
    /// Language of the document.
    #[arg(long, value_enum, default_value = "zh")]
    pub lang: LangArg,
    /// Output PDF (default bulletin.pdf), or folder with --each (default county-briefs).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// One document per county of the region, rendered in parallel into the --out folder.
    #[arg(long, value_enum)]
    pub each: Option<EachArg>,
    /// A folder of Typst templates to use instead of the built-in ones.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// An extra font folder (searched recursively); may be repeated.
    #[arg(long, value_name = "DIR")]
    pub font_path: Vec<PathBuf>,
    /// Disclosure threshold: counts from 1 to N−1 are shown as <N.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub threshold: u64,
}

/// A temporary folder removed on drop (tempfile is only a dev-dependency).
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        let base = std::env::temp_dir();
        for i in 0..1000u32 {
            let path = base.join(format!("jindu-sample-{}-{i}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("cannot create a temporary folder"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The bundled sample: `sample-data/ningxia` under the current folder, or one
/// generated into a temporary folder (kept while the returned guard lives).
fn sample_data() -> Result<(PathBuf, Option<TempDir>)> {
    let local = Path::new("sample-data/ningxia");
    if local.is_dir() {
        return Ok((local.to_path_buf(), None));
    }
    use crate::sample::{Format, SampleConfig, Scale, generate};
    let dir = TempDir::new()?;
    let path = dir.0.join("ningxia");
    eprintln!("no sample-data/ningxia here: generating the sample data in a temporary folder");
    generate(
        &SampleConfig {
            scale: Scale::Ningxia,
            seed: 20251231,
            dirty: false,
            format: Format::Csv,
        },
        &path,
        &|_| {},
    )?;
    Ok((path, Some(dir)))
}

/// The file of one document of `--each county`: `640324-同心县.pdf`, with the period
/// label of a periodic brief (`640324-同心县-2025-Q3.pdf`).
fn file_name(code: &str, name: &str, label: Option<&str>) -> String {
    let safe: String = name
        .chars()
        .filter(|c| !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        .collect();
    let stem = if safe.is_empty() {
        code.to_string()
    } else {
        format!("{code}-{safe}")
    };
    match label {
        Some(l) => format!("{stem}-{l}.pdf"),
        None => format!("{stem}.pdf"),
    }
}

/// The shipped template of the monthly and quarterly brief.
const PERIOD_BRIEF: &str = "period-brief.typ";

/// The arguments that go with `--period` (exit code 2 with the fix when they do not).
fn check_period_args(a: &ReportArgs, kind: PeriodKind) -> Result<()> {
    if kind == PeriodKind::Year {
        if let Some(l) = &a.period_label {
            bail!(
                "--period-label {l} needs --period quarter or --period month (for a year give --year)"
            );
        }
        if a.template == Some(TemplateArg::PeriodBrief) {
            bail!("--template period-brief needs --period quarter or --period month");
        }
        return Ok(());
    }
    if let Some(y) = a.year {
        bail!(
            "--year {y} and --period {kind}: give the {kind} with --period-label (e.g. {})",
            if kind == PeriodKind::Quarter {
                format!("{y}-Q1")
            } else {
                format!("{y}-01")
            }
        );
    }
    match &a.template {
        Some(TemplateArg::AnnualBulletin) => bail!(
            "--template annual-bulletin is a yearly document; with --period {kind} use --template period-brief (the default) or a template file"
        ),
        Some(TemplateArg::CountyBrief) => bail!(
            "--template county-brief is a yearly document; with --period {kind} use --template period-brief (the default) or a template file"
        ),
        _ => Ok(()),
    }
}

pub fn run(a: ReportArgs) -> Result<ExitCode> {
    if a.threshold == 0 {
        bail!("--threshold must be at least 1");
    }
    // Usage errors before the data is loaded.
    let kind = match a.period {
        PeriodArg::Year => PeriodKind::Year,
        PeriodArg::Quarter => PeriodKind::Quarter,
        PeriodArg::Month => PeriodKind::Month,
    };
    check_period_args(&a, kind)?;
    let (data, _guard) = match &a.data {
        Some(p) => (p.clone(), None),
        None => sample_data()?,
    };
    // Fonts and Typst's library are made on the second core while the data loads.
    std::thread::spawn(crate::report::prepare);
    let data = open_data(&data, None)?;
    let model = Model::load(&data)?;
    let import_report = data.import_report.clone();
    drop(data);
    let period = match kind {
        PeriodKind::Year => None,
        _ => Some(
            bulletin::period::choose(&model, kind, a.period_label.as_deref())
                .map_err(anyhow::Error::msg)?,
        ),
    };
    let year = match (a.year, period) {
        (_, Some(p)) => p.year,
        (Some(y), None) => y,
        (None, None) => default_year(&model)?,
    };
    let region = match &a.region {
        Some(r) => r.clone(),
        None => default_region(&model)?,
    };
    bulletin::validate(&model, &region, year).map_err(anyhow::Error::msg)?;
    let level = level_of(&region);
    let template = match (&a.template, a.each) {
        (Some(TemplateArg::AnnualBulletin), _) => Template::AnnualBulletin,
        // The period brief reads the county brief's data and the period rows.
        (Some(TemplateArg::CountyBrief | TemplateArg::PeriodBrief), _)
        | (None, Some(EachArg::County)) => Template::CountyBrief,
        (None, None) if period.is_some() => Template::CountyBrief,
        (Some(TemplateArg::File(f)), each) => {
            if each.is_some() || f.file_stem().is_some_and(|s| s == "county-brief") {
                Template::CountyBrief
            } else {
                Template::AnnualBulletin
            }
        }
        (None, None) => Template::AnnualBulletin,
    };
    let is_file = matches!(a.template, Some(TemplateArg::File(_)));
    if !is_file && a.each.is_none() && period.is_some() && level != Level::County {
        bail!(
            "--period {kind} (the period brief) needs a county --region (a 6-digit code such as 640324), or --each county"
        );
    }
    if !is_file && a.each.is_none() && template == Template::CountyBrief && level != Level::County {
        bail!(
            "--template county-brief needs a county --region (a 6-digit code such as 640324), or --each county"
        );
    }
    if a.each.is_some() && level == Level::County {
        bail!("--each county needs a province or city --region, not the county {region}");
    }
    // The template: a file (its folder is all it can read), or a shipped one.
    let (templates, main) = match &a.template {
        Some(TemplateArg::File(f)) => {
            if a.templates.is_some() {
                bail!("--templates DIR and --template FILE.typ: give one of them");
            }
            if !f.is_file() {
                bail!(
                    "template file {} not found (`jindu templates init DIR` writes the shipped templates to start from)",
                    f.display()
                );
            }
            let dir = match f.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (TemplateSource::Dir(dir), name)
        }
        _ => (
            match &a.templates {
                Some(d) => TemplateSource::Dir(d.clone()),
                None => TemplateSource::Embedded,
            },
            if period.is_some() {
                PERIOD_BRIEF.to_string()
            } else {
                template.main().to_string()
            },
        ),
    };
    let settings = settings(templates.dir(), is_file, &a.set)?;
    let rule = Rule {
        threshold: a.threshold,
    };
    let lang = match a.lang {
        LangArg::Zh => Lang::Zh,
        LangArg::En => Lang::En,
    };
    // Documents: the region itself, or each of its counties.
    let docs: Vec<(String, String)> = match a.each {
        None => vec![(region.clone(), String::new())],
        Some(EachArg::County) => model
            .regions
            .at_level(Level::County)
            .filter(|r| r.code.starts_with(significant_prefix(&region)))
            .map(|r| (r.code.clone(), r.name.clone()))
            .collect(),
    };
    if docs.is_empty() {
        bail!("--region {region} has no counties in the region table");
    }
    let doc_level = if a.each.is_some() {
        Level::County
    } else {
        level
    };
    if a.raw {
        eprintln!("warning: --raw: the figures are not disclosure-controlled; every page says so");
    }
    let job = Job {
        template,
        source: templates,
        main,
        settings,
        year,
        lang,
        rule,
        raw: a.raw,
        doc_level,
        font_paths: a.font_path.clone(),
        scope: scope_of(&region),
    };
    if let Some(p) = period.filter(|p| p.partial) {
        eprintln!(
            "warning: {} is not complete (data cutoff {}); its figures run to the cutoff",
            p.label(),
            from_days(model.cutoff)
        );
    } else if period.is_none() && Period::new(year, model.cutoff).partial {
        eprintln!(
            "warning: {year} is not complete (data cutoff {}); its figures run to the cutoff",
            from_days(model.cutoff)
        );
    }
    // One document: its region files are made on the second core while it renders.
    let prepared = job.prepare(&model, import_report)?.ahead(a.each.is_none());
    let prepared = match period {
        Some(p) => prepared.with_period(
            PeriodRows::new(&model, p, doc_level, rule, a.raw).map_err(anyhow::Error::msg)?,
        ),
        None => prepared,
    };
    let label = period.map(|p| p.label());
    let render = |code: &str| prepared.render(code);
    match a.each {
        None => {
            let out = a
                .out
                .clone()
                .unwrap_or_else(|| PathBuf::from("bulletin.pdf"));
            let pdf = render(&region)?;
            super::write_atomically(&out, &pdf)?;
            eprintln!("wrote {} ({} bytes)", out.display(), pdf.len());
        }
        Some(EachArg::County) => {
            let out = a
                .out
                .clone()
                .unwrap_or_else(|| PathBuf::from("county-briefs"));
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let results: Vec<Result<PathBuf>> = docs
                .par_iter()
                .map(|(code, name)| {
                    let pdf = render(code)?;
                    let path = out.join(file_name(code, name, label.as_deref()));
                    super::write_atomically(&path, &pdf)?;
                    Ok(path)
                })
                .collect();
            let mut n = 0;
            for r in results {
                r?;
                n += 1;
            }
            eprintln!("wrote {n} PDFs to {}", out.display());
        }
    }
    // `jindu report` ends here: the OS takes back the model and the rows at once,
    // faster than freeing them allocation by allocation.
    std::mem::forget(prepared);
    std::mem::forget(model);
    Ok(ExitCode::SUCCESS)
}
