//! `jindu import`: writes the canonical dataset atomically (Parquet per table,
//! `manifest.json`, `quarantine/` with mode 0600) and prints the data-quality report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::args::{ReadArgs, ReadConfig};
use super::{DataInvalid, progress_bar};
use crate::dataset::{Manifest, ParquetSink, Staging};
use crate::input::pseudo::Key;
use crate::input::source::InputFile;
use crate::input::{self, ImportOptions};
use crate::tr;

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// The dataset folder to write (replaced atomically when the import succeeds).
    #[arg(long, value_name = "DATASET")]
    pub out: PathBuf,
    /// Pseudonymisation key file (from `jindu keygen`). Without one, a random key is
    /// used for this run only and pseudonyms will not link across imports.
    #[arg(long, value_name = "FILE", env = "JINDU_KEY_FILE")]
    pub key_file: Option<PathBuf>,
}

/// Runs the import with a progress line on stderr.
pub fn import_with_progress(
    files: &[InputFile],
    ignored: &[PathBuf],
    options: &ImportOptions,
    sink: &mut dyn input::Sink,
) -> Result<input::Outcome, input::ImportError> {
    let pb = progress_bar();
    let outcome = input::import(files, ignored, options, sink, &|f, n| {
        pb.set_message(tr!(ProgressReading, file = f, rows = n));
        pb.tick();
    });
    pb.finish_and_clear();
    outcome
}

fn load_key(path: Option<&Path>) -> Result<Key> {
    match path {
        Some(p) => Ok(Key::load(p)?),
        None => {
            eprintln!("{}", tr!(CliNoKeyFile));
            Ok(Key::ephemeral()?)
        }
    }
}

pub fn run(a: ImportArgs) -> Result<ExitCode> {
    let key = load_key(a.key_file.as_deref())?;
    let cfg = ReadConfig::from_args(&a.read, key)?;
    let staging = Staging::new(&a.out)?;
    let mut sink = ParquetSink::new(&staging.tmp);
    let outcome = import_with_progress(&cfg.files, &cfg.ignored, &cfg.options, &mut sink);
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            staging.abandon();
            return Err(e.into());
        }
    };
    let rows = sink.finish()?;
    let report = &outcome.report;
    eprint!("{}", report.render_text(5, crate::i18n::current()));
    if report.failed() {
        if let Some(q) = staging.abandon() {
            eprintln!("{}", tr!(CliImportQuarantineKept, path = q.display()));
        }
        return Err(DataInvalid(tr!(CliImportFailed, path = a.out.display())).into());
    }
    let manifest = Manifest::from_report(report, &rows);
    let dest = staging.commit(&manifest)?;
    println!("{}", tr!(CliDatasetWritten, path = dest.display()));
    Ok(ExitCode::SUCCESS)
}
