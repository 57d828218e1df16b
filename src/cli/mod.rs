//! The command line: the only module that knows clap or prints. Each command has one
//! file here holding its arguments, their validation into library values, and one
//! `run` function that wires the stages together; [`dispatch`] maps outcomes to exit
//! codes (0 ok, 1 data failed validation, 2 usage or internal error).
//!
//! This is the edge of the program: errors become `anyhow` with context here, results
//! go to stdout, progress and warnings to stderr, never a raw ID number or name.

pub mod args;
pub mod check;
pub mod cohort;
pub mod help;
pub mod import;
pub mod keygen;
pub mod metrics;
pub mod query;
pub mod report;
pub mod sample;
pub mod serve;
pub mod templates;

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use clap::{FromArgMatches, Parser, Subcommand};

use crate::dataset::{Data, OpenError, Progress};
use crate::dates::Days;
use crate::i18n;
use crate::tr;

#[derive(Debug, Parser)]
#[command(
    name = "jindu",
    version,
    about = "禁毒统计 — statistics and bulletins from community drug-rehabilitation data",
    long_about = None,
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate an export without writing a dataset; print the data-quality report.
    Check(check::CheckArgs),
    /// Import an export into a validated, pseudonymised canonical dataset.
    Import(import::ImportArgs),
    /// Write a new random 256-bit pseudonymisation key file (mode 0600).
    Keygen(keygen::KeygenArgs),
    /// Compute the indicators of docs/metrics.md per region and year.
    Metrics(metrics::MetricsArgs),
    /// Generate a synthetic export (fake persons) for tests, demos and benchmarks.
    Sample(sample::SampleArgs),
    /// Render the annual bulletin or county briefs to PDF (default: the sample bulletin).
    Report(report::ReportArgs),
    /// Write the shipped report templates into a folder to start one's own from.
    Templates(templates::TemplatesArgs),
    /// Run SQL (or a saved query from queries/) over the canonical tables.
    Query(query::QueryArgs),
    /// Kaplan–Meier relapse curves for an entry cohort, with log-rank tests.
    Cohort(cohort::CohortArgs),
    /// Start the local web workbench (data, indicators, cohorts, queries, reports).
    Serve(serve::ServeArgs),
}

/// A failure that maps to exit code 1 (the data, not the program, is at fault).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DataInvalid(pub String);

/// The program: chooses the language of the messages (`--lang`, else the locale) before
/// clap builds its help, parses the command line and runs the command.
pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let lang = i18n::select(&args, |k| std::env::var(k).ok());
    i18n::set(lang);
    let matches = help::command(lang).get_matches_from(args);
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => dispatch(cli),
        Err(e) => e.exit(),
    }
}

pub fn dispatch(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Check(a) => check::run(a),
        Command::Import(a) => import::run(a),
        Command::Keygen(a) => keygen::run(a),
        Command::Metrics(a) => metrics::run(a),
        Command::Sample(a) => sample::run(a),
        Command::Report(a) => report::run(a),
        Command::Templates(a) => templates::run(a),
        Command::Query(a) => query::run(a),
        Command::Cohort(a) => cohort::run(a),
        Command::Serve(a) => serve::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let data = e.downcast_ref::<DataInvalid>().is_some();
            eprintln!("{}", tr!(CliError, error = format!("{e:#}")));
            if data {
                ExitCode::from(1)
            } else {
                ExitCode::from(2)
            }
        }
    }
}

/// A progress line on stderr for long work (hidden when stderr is not a terminal).
pub fn progress_bar() -> indicatif::ProgressBar {
    let pb =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    pb.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .expect("valid template"),
    );
    pb
}

/// Writes an output file atomically: into a hidden file beside it, renamed over the
/// target only when complete, so a killed run never leaves a truncated PDF, CSV or
/// workbook where a good one was.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, |f| f.write_all(bytes))
}

/// [`write_atomically`] of the bytes `write` produces, written to the file as they
/// come (a large output need not be held in memory first).
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    use anyhow::Context as _;
    let parent = crate::dataset::store::parent_dir(path);
    let name = path
        .file_name()
        .with_context(|| tr!(CliNotAFileName, path = path.display()))?
        .to_string_lossy();
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let run = || -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        write(&mut f)?;
        let f = f
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    run().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::Error::new(e).context(tr!(CliWriting, path = path.display()))
    })
}

/// Opens DATA through the dataset layer with a progress line; an export folder that
/// fails validation is a data error (exit 1) with the report's file errors listed.
pub fn open_data(path: &Path, as_of: Option<Days>) -> Result<Data> {
    let pb = progress_bar();
    let shown = path.display().to_string();
    let opened = Data::open(path, as_of, &|p| match p {
        Progress::Reading { file, rows } => {
            pb.set_message(tr!(ProgressReading, file = file, rows = rows));
            pb.tick();
        }
        Progress::Imported {
            rows_read,
            quarantined,
        } => {
            pb.suspend(|| {
                eprintln!(
                    "{}",
                    tr!(
                        ProgressImportedInMemory,
                        path = shown,
                        read = rows_read,
                        quarantined = quarantined
                    )
                )
            });
        }
    });
    pb.finish_and_clear();
    match opened {
        Ok(d) => Ok(d),
        Err(OpenError::Invalid { path, errors }) => {
            for e in &errors {
                eprintln!("  - {e}");
            }
            Err(DataInvalid(tr!(CliExportInvalid, path = path.display())).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Hands the memory freed so far back to the system. The allocator (mimalloc, declared
/// in `main.rs`) keeps freed pages for reuse for a while and per thread; after the
/// persons of a national dataset are dropped, that would add their gigabyte to the
/// peak of the rows made next. One call costs milliseconds; calling it when mimalloc is
/// not the global allocator (the library's own tests) only tidies mimalloc's empty heap.
pub(crate) fn release_free_memory() {
    unsafe extern "C" {
        /// mimalloc's `void mi_collect(bool force)` (mimalloc.h), always linked with the
        /// `mimalloc` crate.
        fn mi_collect(force: bool);
    }
    // SAFETY: mi_collect takes no pointers and may be called at any time from any
    // thread (mimalloc.h: "Eagerly free memory").
    unsafe { mi_collect(true) }
}
