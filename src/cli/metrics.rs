//! `jindu metrics`: every indicator of docs/metrics.md per region and period (year,
//! quarter or month), in any output format, with disclosure control on request.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::args::{OutputArgs, PublishArgs, level_parser, period_parser};
use super::{open_data, progress_bar};
use crate::metrics::output::MetricTable;
use crate::metrics::{self, Model, PeriodKind, Request};
use crate::publish;
use crate::regions::{Level, level_of};
use crate::tr;

#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// A dataset written by `jindu import`, or an export folder (imported in memory).
    #[arg(value_name = "DATA")]
    pub data: PathBuf,
    /// Metric id (repeatable; default: all). See docs/metrics.md.
    #[arg(long = "metric", value_name = "ID")]
    pub metrics: Vec<String>,
    /// Regional level of the output rows.
    #[arg(long, default_value = "county", value_parser = level_parser())]
    pub level: Level,
    /// Only regions inside this one (a province, city, county or township code).
    #[arg(long, value_name = "CODE")]
    pub region: Option<String>,
    /// Length of the periods: calendar years (`2025`), quarters (`2025-Q1`) or months
    /// (`2025-03`).
    #[arg(long, default_value = "year", value_parser = period_parser())]
    pub period: PeriodKind,
    /// First year to report (with --period quarter|month: the periods of that year on).
    #[arg(long, value_name = "YEAR")]
    pub from: Option<i32>,
    /// Last year to report.
    #[arg(long, value_name = "YEAR")]
    pub to: Option<i32>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub publish: PublishArgs,
}

/// Validated metric selection and scope.
pub fn metrics_request(a: &MetricsArgs) -> Result<Request> {
    let mut defs = Vec::new();
    for id in &a.metrics {
        let d = metrics::defs::find(id).with_context(|| {
            let ids: Vec<&str> = metrics::defs::METRICS.iter().map(|m| m.id).collect();
            tr!(
                CliUnknownMetric,
                value = format!("{id:?}"),
                metrics = ids.join(", ")
            )
        })?;
        defs.push(d);
    }
    let level = a.level;
    if let Some(r) = &a.region {
        if !r.bytes().all(|b| b.is_ascii_digit()) || !(r.len() == 6 || r.len() == 9) {
            bail!(tr!(CliRegionSyntax, value = format!("{r:?}")));
        }
        if level_of(r) > level {
            bail!(tr!(
                CliRegionCoarser,
                region = r,
                region_level = level_of(r).as_str(),
                level = level.as_str()
            ));
        }
    }
    if let (Some(f), Some(t)) = (a.from, a.to)
        && f > t
    {
        bail!(tr!(CliFromAfterTo, from = f, to = t));
    }
    Ok(Request {
        metrics: defs,
        level,
        scope: a.region.clone(),
        from: a.from,
        to: a.to,
    })
}

pub fn run(a: MetricsArgs) -> Result<ExitCode> {
    let req = metrics_request(&a)?;
    a.output.validate()?;
    let data = open_data(&a.data, a.output.as_of()?)?;
    let pb = progress_bar();
    pb.set_message(tr!(ProgressReadingTables));
    pb.enable_steady_tick(std::time::Duration::from_millis(200));
    let mut model = Model::load(&data)?;
    drop(data);
    pb.set_message(tr!(ProgressComputingMetrics, count = model.persons.len()));
    let sums = metrics::compute::sum_periods(&model, &req, a.period);
    // The rows need only the sums: the persons' memory goes back before they are made.
    drop(std::mem::take(&mut model.persons));
    super::release_free_memory();
    let mut rows = sums.rows(&model, &req);
    drop(sums);
    pb.finish_and_clear();
    for w in metrics::missing_table_warnings(&model, &req)
        .into_iter()
        .chain(metrics::period_warnings(&req, a.period))
        .chain(metrics::population_warnings(&rows))
    {
        eprintln!("{}", tr!(CliWarning, warning = w));
    }
    // The rows are all that is written.
    drop(model);
    let rule = a.publish.rule();
    if a.publish.publish {
        publish::publish_rows(&mut rows, rule);
        // Nothing is written unless every published cell passes the audit.
        if let Err(v) = publish::audit_rows(&rows, rule) {
            for x in v.iter().skip(1).take(9) {
                eprintln!("  {x}");
            }
            anyhow::bail!(tr!(CliAuditFailed, first = v[0], more = v.len() - 1));
        }
    }
    a.output.write(&MetricTable { rows: &rows, rule })?;
    // The process ends after the output: millions of row strings need not be freed
    // one by one.
    std::mem::forget(rows);
    Ok(ExitCode::SUCCESS)
}
