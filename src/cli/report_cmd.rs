//! `jindu report`: the annual bulletin and county briefs as PDF.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use clap::Args;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A dataset or export folder (default: the bundled sample data).
    #[arg(value_name = "DATA")]
    pub data: Option<PathBuf>,
}

pub fn run(_a: ReportArgs) -> Result<ExitCode> {
    bail!("jindu report is being built (issue 5)")
}
