//! `jindu query` and `jindu cohort`: ad-hoc SQL and cohort survival over a dataset.
//! The work is done in [`crate::query`]; this module parses, validates and prints.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::{OutputArgs, PublishArgs};
use crate::metrics::output::PrintFormat;
use crate::query::cohort::{self, By, Entry};
use crate::query::disclosure::publish_frame;
use crate::query::output::write_frame;
use crate::query::saved::{self, Builtins};
use crate::query::sql::Env;

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// A dataset written by `jindu import`, or an export folder.
    #[arg(value_name = "DATA", required_unless_present = "list")]
    pub data: Option<PathBuf>,
    /// The SQL statement, or a saved query: `queries/NAME.sql` or `NAME`.
    #[arg(value_name = "SQL|QUERY", required_unless_present = "list")]
    pub query: Option<String>,
    /// A parameter: NAME=VALUE (repeatable). For ad-hoc SQL, NAME:TYPE=VALUE with TYPE
    /// integer, date or text (default text). `date=` sets the views' reference date.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// List the saved queries (from ./queries/ and built in) and exit.
    #[arg(long)]
    pub list: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Disclosure control of the count columns (see docs/queries.md).
    #[command(flatten)]
    pub publish: PublishArgs,
    /// Folder of saved queries.
    #[arg(long, value_name = "DIR", default_value = "queries")]
    pub queries: PathBuf,
}

#[derive(Debug, Args)]
pub struct CohortArgs {
    /// A dataset written by `jindu import`, or an export folder.
    #[arg(value_name = "DATA")]
    pub data: PathBuf,
    /// How persons enter the cohort.
    #[arg(long, value_enum, default_value_t = Entry::Community)]
    pub entry: Entry,
    /// Entry year.
    #[arg(long, value_name = "YEAR")]
    pub entered: i32,
    /// One curve per group, with a log-rank test between them.
    #[arg(long, value_enum)]
    pub by: Option<By>,
    /// Follow-up window in days (horizons beyond it are not reported).
    #[arg(long, value_name = "DAYS", default_value_t = 1095)]
    pub window: u32,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Write the Kaplan–Meier chart (cumulative relapse, numbers at risk) as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
}

fn list(a: &QueryArgs) -> Result<ExitCode> {
    let all = saved::all_saved(&a.queries)?;
    let mut s = String::new();
    for q in &all {
        s.push_str(&format!("{}  {}  [{}]\n", q.name, q.title, q.origin));
        if !q.description.is_empty() {
            s.push_str(&format!("    {}\n", q.description));
        }
        for p in &q.params {
            let def = match &p.default {
                Some(d) if p.ty == saved::ParamType::Text && !d.starts_with('$') => {
                    format!(" = {d:?}")
                }
                Some(d) => format!(" = {d}"),
                None => " (required)".into(),
            };
            s.push_str(&format!(
                "    --param {}=<{}>{def}  {}\n",
                p.name,
                p.ty.as_str(),
                p.description
            ));
        }
    }
    std::io::stdout().lock().write_all(s.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_query(a: QueryArgs) -> Result<ExitCode> {
    if a.list {
        return list(&a);
    }
    a.output.validate()?;
    let (Some(data), Some(text)) = (&a.data, &a.query) else {
        bail!("give DATA and a query (SQL text or a saved query), or --list");
    };
    let as_of = a.output.as_of(None)?;
    let given = a
        .params
        .iter()
        .map(|p| saved::split_param(p))
        .collect::<Result<Vec<_>, _>>()?;
    let saved_q = saved::find_saved(text, &a.queries)?;
    if saved_q.is_none() && text.trim_end().ends_with(".sql") {
        let names: Vec<String> = saved::all_saved(&a.queries)?
            .into_iter()
            .map(|q| q.name)
            .collect();
        bail!(
            "no saved query {text:?}; saved queries are: {} (see jindu query --list)",
            names.join(", ")
        );
    }
    // Parameters are checked before the data is read.
    let date_param = given
        .iter()
        .find(|g| g.0 == "date")
        .map(|g| {
            crate::input::values::parse_date(&g.2).map_err(|_| {
                anyhow::anyhow!("--param date={:?}: not a date; write it as YYYY-MM-DD", g.2)
            })
        })
        .transpose()?;
    let probe = Builtins {
        cutoff: 0,
        as_of: 0,
    };
    let declared = saved_q.as_ref().map(|q| q.params.as_slice());
    let sql_text = match &saved_q {
        Some(q) => q.sql.clone(),
        None => text.clone(),
    };
    saved::substitute(
        &sql_text,
        &saved::resolve(declared, &given, &probe)?,
        declared,
    )?;

    let mut env = Env::open(data, as_of)?;
    let view_date = date_param.unwrap_or(env.cutoff);
    if view_date > env.cutoff {
        bail!(
            "--param date={} is after the data cutoff C = {}",
            crate::dates::iso(view_date),
            crate::dates::iso(env.cutoff)
        );
    }
    let b = Builtins {
        cutoff: env.cutoff,
        as_of: view_date,
    };
    let values = saved::resolve(declared, &given, &b)?;
    let sql = saved::substitute(&sql_text, &values, declared)?;
    let mut df = env.run(&sql, view_date)?;
    let rule = a.publish.rule();
    if a.publish.publish {
        let (p, cols) = publish_frame(&df, rule)?;
        if cols.is_empty() {
            eprintln!(
                "warning: --publish found no count columns (integer columns other than years, ages and durations); nothing was suppressed"
            );
        }
        df = p;
    }
    let mut buf = Vec::new();
    write_frame(&df, a.output.format, &mut buf)?;
    a.output.emit(&buf)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run_cohort(a: CohortArgs) -> Result<ExitCode> {
    a.output.validate()?;
    if a.window == 0 {
        bail!("--window must be at least 1 day");
    }
    let as_of = a.output.as_of(None)?;
    let mut env = Env::open(&a.data, as_of)?;
    let (model, _) = env.model()?;
    let r = cohort::analyse(model, a.entry, a.entered, a.by, a.window)?;
    if r.groups[0].1.is_empty() {
        eprintln!(
            "warning: nobody entered the {} cohort of {}",
            a.entry.as_str(),
            a.entered
        );
    }
    let mut buf = Vec::new();
    if a.output.format == PrintFormat::Table {
        write_frame(&for_people(&r.table)?, a.output.format, &mut buf)?;
    } else {
        write_frame(&r.table, a.output.format, &mut buf)?;
    }
    if a.output.format == PrintFormat::Table {
        let line = match (a.by, r.logrank) {
            (None, _) => String::new(),
            (Some(_), Some((chi2, df, p))) => {
                format!("log-rank test: chi2 = {chi2:.3}, df = {df}, p = {p:.4}\n")
            }
            (Some(_), None) => {
                "log-rank test: not computable (fewer than two groups with events)\n".into()
            }
        };
        buf.extend_from_slice(line.as_bytes());
    }
    a.output.emit(&buf)?;
    if let Some(path) = &a.chart {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if ext != "svg" {
            bail!(
                "--chart {}: only SVG charts are written (use a .svg name)",
                path.display()
            );
        }
        let title = format!(
            "{} {} 年入组累计复吸率 / cumulative relapse, {} cohort {}",
            match a.entry {
                Entry::Community => "社区戒毒康复",
                Entry::Release => "解除强制隔离戒毒",
            },
            a.entered,
            a.entry.as_str(),
            a.entered
        );
        let svg = crate::chart::km_curves(&title, &cohort::curves(&r.groups, a.window));
        std::fs::write(path, svg).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The cohort table for the terminal: without the repeated entry/year/log-rank columns,
/// rates to four decimals.
fn for_people(df: &polars::prelude::DataFrame) -> Result<polars::prelude::DataFrame> {
    use polars::prelude::*;
    let keep: Vec<Column> = df
        .columns()
        .iter()
        .filter(|c| {
            !matches!(c.name().as_str(), "entry" | "year" | "by")
                && !c.name().starts_with("logrank")
        })
        .map(|c| -> PolarsResult<Column> {
            if c.dtype() == &DataType::Float64 {
                let v: Vec<Option<String>> = c
                    .f64()?
                    .iter()
                    .map(|x| x.map(|x| format!("{x:.4}")))
                    .collect();
                Ok(Column::new(c.name().clone(), v))
            } else {
                Ok(c.clone())
            }
        })
        .collect::<PolarsResult<_>>()?;
    Ok(DataFrame::new(df.height(), keep)?)
}
