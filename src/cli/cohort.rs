//! `jindu cohort`: Kaplan–Meier relapse curves of an entry cohort, with medians,
//! survival at 6/12/24/36 months and log-rank tests; optionally the chart as SVG.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};

use super::args::OutputArgs;
use super::open_data;
use crate::metrics::Model;
use crate::query::cohort::{self, By, Entry};
use crate::report::bulletin::Lang;
use crate::tr;

/// `--entry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EntryArg {
    /// Earliest community-measure report date in the year (`relapse_12m`, `relapse_36m`).
    Community,
    /// Release from compulsory isolation (completed or early release) in the year
    /// (`relapse_after_release_12m`).
    Release,
}

impl From<EntryArg> for Entry {
    fn from(e: EntryArg) -> Entry {
        match e {
            EntryArg::Community => Entry::Community,
            EntryArg::Release => Entry::Release,
        }
    }
}

/// `--by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ByArg {
    Drug,
    Sex,
    /// Age at the index date, in the national bands.
    AgeGroup,
    /// County (first 6 digits) of the measure that put the person into the cohort.
    County,
}

impl From<ByArg> for By {
    fn from(b: ByArg) -> By {
        match b {
            ByArg::Drug => By::Drug,
            ByArg::Sex => By::Sex,
            ByArg::AgeGroup => By::AgeGroup,
            ByArg::County => By::County,
        }
    }
}

#[derive(Debug, Args)]
pub struct CohortArgs {
    /// A dataset written by `jindu import`, or an export folder.
    #[arg(value_name = "DATA")]
    pub data: PathBuf,
    /// How persons enter the cohort.
    #[arg(long, value_enum, default_value_t = EntryArg::Community)]
    pub entry: EntryArg,
    /// Entry year.
    #[arg(long, value_name = "YEAR")]
    pub entered: i32,
    /// One curve per group, with a log-rank test between them.
    #[arg(long, value_enum)]
    pub by: Option<ByArg>,
    /// Follow-up window in days (horizons beyond it are not reported).
    #[arg(long, value_name = "DAYS", default_value_t = 1095)]
    pub window: u32,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Write the Kaplan–Meier chart (cumulative relapse, numbers at risk) as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
}

pub fn run(a: CohortArgs) -> Result<ExitCode> {
    a.output.validate()?;
    if a.window == 0 {
        bail!(tr!(CliCohortWindow));
    }
    let data = open_data(&a.data, a.output.as_of()?)?;
    let model = Model::load(&data)?;
    let r = cohort::analyse(
        &model,
        a.entry.into(),
        a.entered,
        a.by.map(By::from),
        a.window,
    )?;
    if r.groups[0].1.is_empty() {
        eprintln!(
            "{}",
            tr!(
                CliCohortEmpty,
                entry = Entry::from(a.entry).as_str(),
                year = a.entered
            )
        );
    }
    a.output.write(&r)?;
    if let Some(path) = &a.chart {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if ext != "svg" {
            bail!(tr!(CliCohortChartSvg, path = path.display()));
        }
        let title = format!(
            "{} {} 年入组累计复吸率 / cumulative relapse, {} cohort {}",
            match Entry::from(a.entry) {
                Entry::Community => "社区戒毒康复",
                Entry::Release => "解除强制隔离戒毒",
            },
            a.entered,
            Entry::from(a.entry).as_str(),
            a.entered
        );
        let svg = crate::chart::km_curves(
            &Lang::Zh.km_text(&title),
            &cohort::curves(&r.groups, a.window),
        );
        super::write_atomically(path, svg.as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}
