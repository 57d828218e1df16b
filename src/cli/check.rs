//! `jindu check`: validates an export without writing anything and prints the
//! data-quality report (exit 1 when the import would fail).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, ValueEnum};

use super::args::{ReadArgs, ReadConfig};
use super::import::import_with_progress;
use crate::input::MemorySink;
use crate::input::pseudo::Key;

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

pub fn run(a: CheckArgs) -> Result<ExitCode> {
    let cfg = ReadConfig::from_args(&a.read, Key::ephemeral()?)?;
    let mut sink = MemorySink::default();
    let outcome = import_with_progress(&cfg.files, &cfg.ignored, &cfg.options, &mut sink)?;
    let report = &outcome.report;
    let mut out = std::io::stdout().lock();
    match a.format {
        ReportFormat::Text => write!(out, "{}", report.render_text(5, crate::i18n::current()))?,
        ReportFormat::Json => {
            serde_json::to_writer_pretty(&mut out, report)?;
            writeln!(out)?;
        }
    }
    Ok(if report.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
