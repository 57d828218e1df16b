//! `jindu sample`: a synthetic export (fake persons) that behaves like a real one, as
//! CSV, XLSX or a canonical dataset.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use super::import::import_with_progress;
use super::progress_bar;
use crate::dataset::{Manifest, ParquetSink, Staging};
use crate::input::ImportOptions;
use crate::input::pseudo::Key;
use crate::input::source::discover;
use crate::tr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SampleFormat {
    /// A platform-like export: CSV with Chinese headers, some GB18030, some gzip.
    Csv,
    /// Every table as an XLSX workbook.
    Xlsx,
    /// A canonical dataset (Parquet), as `jindu import` writes it.
    Parquet,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// `ningxia` (calibrated to the published figures), `national` (2.5 million
    /// persons) or a number of persons.
    #[arg(long, default_value = "ningxia")]
    pub scale: String,
    /// Seed of the generator: the same seed gives byte-identical files.
    #[arg(long, default_value_t = 20251231)]
    pub seed: u64,
    /// Output folder.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Add the defects real exports have (a few per mille of rows).
    #[arg(long)]
    pub dirty: bool,
    #[arg(long, value_enum, default_value_t = SampleFormat::Csv)]
    pub format: SampleFormat,
}

pub fn run(a: SampleArgs) -> Result<ExitCode> {
    use crate::sample::{self, Format, SampleConfig, Scale};
    let scale: Scale = a.scale.parse()?;
    let pb = progress_bar();
    let progress = |n: u64| {
        pb.set_message(tr!(ProgressRowsWritten, count = n));
        pb.tick();
    };
    let started = std::time::Instant::now();
    if a.format != SampleFormat::Parquet {
        let cfg = SampleConfig {
            scale,
            seed: a.seed,
            dirty: a.dirty,
            format: if a.format == SampleFormat::Xlsx {
                Format::Xlsx
            } else {
                Format::Csv
            },
        };
        let summary = sample::generate(&cfg, &a.out, &progress)?;
        pb.finish_and_clear();
        for f in &summary.files {
            println!(
                "{}",
                tr!(
                    CliSampleFile,
                    table = format!("{:<12}", f.table.name()),
                    rows = format!("{:>10}", f.rows),
                    path = f.path.display()
                )
            );
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{}",
            tr!(
                CliSampleSummary,
                persons = summary.persons,
                rows = summary.rows(),
                secs = format!("{secs:.1}"),
                rate = format!("{:.0}", summary.rows() as f64 / secs.max(1e-9))
            )
        );
        return Ok(ExitCode::SUCCESS);
    }
    // Parquet: generate the CSV export beside the target, then import it with a key
    // derived from the seed (the persons are synthetic), so the dataset is reproducible.
    let tmp = tempfile_dir(&a.out)?;
    let cfg = SampleConfig {
        scale,
        seed: a.seed,
        dirty: a.dirty,
        format: Format::Csv,
    };
    sample::generate(&cfg, &tmp, &progress)?;
    let mut key_bytes = [0u8; 32];
    for (i, b) in a.seed.to_le_bytes().iter().enumerate() {
        key_bytes[i] = *b;
    }
    let found = discover(std::slice::from_ref(&tmp), &[])?;
    let mut options = ImportOptions::new(Key::from_bytes(key_bytes, false));
    options.max_reject_rate = 1.0;
    let staging = Staging::new(&a.out)?;
    let mut sink = ParquetSink::new(&staging.tmp);
    pb.finish_and_clear();
    let outcome = import_with_progress(&found.files, &found.ignored, &options, &mut sink)?;
    let rows = sink.finish()?;
    let dest = staging.commit(&Manifest::from_report(&outcome.report, &rows))?;
    std::fs::remove_dir_all(&tmp).ok();
    println!("{}", tr!(CliSampleWritten, path = dest.display()));
    Ok(ExitCode::SUCCESS)
}

fn tempfile_dir(beside: &Path) -> Result<PathBuf> {
    let parent = crate::dataset::store::parent_dir(beside);
    std::fs::create_dir_all(parent)?;
    let dir = parent.join(format!(".jindu-sample-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
