//! `jindu query` and `jindu cohort`: ad-hoc SQL and cohort survival over a dataset.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// A dataset written by `jindu import`, or an export folder.
    #[arg(value_name = "DATA")]
    pub data: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CohortArgs {
    /// A dataset written by `jindu import`, or an export folder.
    #[arg(value_name = "DATA")]
    pub data: PathBuf,
}

pub fn run_query(_a: QueryArgs) -> Result<ExitCode> {
    bail!("jindu query is being built (issue 6)")
}

pub fn run_cohort(_a: CohortArgs) -> Result<ExitCode> {
    bail!("jindu cohort is being built (issue 6)")
}
