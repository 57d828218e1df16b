//! The command line: clap definitions, their validation into configs, and one `run_*`
//! function per command that wires the stages together and maps outcomes to exit
//! codes (0 ok, 1 data failed validation, 2 usage or internal error).
//!
//! This is the edge of the program: errors become `anyhow` with context here, and
//! everything printed goes through this module (reports to stdout, progress and
//! warnings to stderr, never a raw ID number or name).

pub mod query_cmd;
pub mod report_cmd;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use crate::dataset::Dataset;
use crate::dataset::{Manifest, ParquetSink, Staging};
use crate::dates::Days;
use crate::input::decode::Encoding;
use crate::input::pseudo::{self, Key};
use crate::input::source::{InputFile, discover};
use crate::input::values::parse_date;
use crate::input::{self, ImportOptions, MemorySink};
use crate::metrics::output::{PrintFormat, write_rows};
use crate::metrics::{self, Model, Request, TableSource};
use crate::publish::{self, Rule};
use crate::regions::{Level, RegionTable, level_of};
use crate::schema::Table;

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
    Check(CheckArgs),
    /// Import an export into a validated, pseudonymised canonical dataset.
    Import(ImportArgs),
    /// Write a new random 256-bit pseudonymisation key file (mode 0600).
    Keygen(KeygenArgs),
    /// Compute the indicators of docs/metrics.md per region and year.
    Metrics(MetricsArgs),
    /// Generate a synthetic export (fake persons) for tests, demos and benchmarks.
    Sample(SampleArgs),
    /// Render the annual bulletin or county briefs to PDF (default: the sample bulletin).
    Report(report_cmd::ReportArgs),
    /// Run SQL (or a saved query from queries/) over the canonical tables.
    Query(query_cmd::QueryArgs),
    /// Kaplan–Meier relapse curves for an entry cohort, with log-rank tests.
    Cohort(query_cmd::CohortArgs),
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LevelArg {
    Province,
    City,
    County,
    Township,
}

impl From<LevelArg> for Level {
    fn from(l: LevelArg) -> Level {
        match l {
            LevelArg::Province => Level::Province,
            LevelArg::City => Level::City,
            LevelArg::County => Level::County,
            LevelArg::Township => Level::Township,
        }
    }
}

#[derive(Debug, Args)]
pub struct MetricsArgs {
    /// A dataset written by `jindu import`, or an export folder (imported in memory).
    #[arg(value_name = "DATA")]
    pub data: PathBuf,
    /// Metric id (repeatable; default: all). See docs/metrics.md.
    #[arg(long = "metric", value_name = "ID")]
    pub metrics: Vec<String>,
    /// Regional level of the output rows.
    #[arg(long, value_enum, default_value_t = LevelArg::County)]
    pub level: LevelArg,
    /// Only regions inside this one (a province, city, county or township code).
    #[arg(long, value_name = "CODE")]
    pub region: Option<String>,
    /// First year to report.
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

/// The cutoff, format and destination of a command that prints results.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Data cutoff C (YYYY-MM-DD): read the data as it stood on that day.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value_t = PrintFormat::Table)]
    pub format: PrintFormat,
    /// Output file (default: standard output; required for parquet, xlsx and arrow).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

impl OutputArgs {
    /// Binary formats need a file.
    pub fn validate(&self) -> Result<()> {
        if matches!(
            self.format,
            PrintFormat::Parquet | PrintFormat::Xlsx | PrintFormat::Arrow
        ) && self.out.is_none()
        {
            bail!(
                "--format {:?} writes a binary file: add --out FILE",
                self.format
            );
        }
        Ok(())
    }

    /// `--as-of`, or else `recorded` (the cutoff an import recorded).
    pub fn as_of(&self, recorded: Option<Days>) -> Result<Option<Days>> {
        Ok(match &self.as_of {
            Some(s) => Some(parse_as_of(s)?),
            None => recorded,
        })
    }

    /// Writes the finished output to `--out` or standard output.
    pub fn emit(&self, buf: &[u8]) -> Result<()> {
        match &self.out {
            Some(p) => {
                std::fs::write(p, buf).with_context(|| format!("writing {}", p.display()))?
            }
            None => std::io::stdout().lock().write_all(buf)?,
        }
        Ok(())
    }
}

/// Disclosure control of printed results.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Apply disclosure control (counts 1–9 hidden, complementary suppression; see
    /// docs/metrics.md and docs/queries.md).
    #[arg(long)]
    pub publish: bool,
    /// Publication threshold: counts below it (and above 0) are hidden.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub threshold: u64,
}

impl PublishArgs {
    pub fn rule(&self) -> Rule {
        Rule {
            threshold: self.threshold.max(1),
        }
    }
}

/// Options shared by every command that reads an export.
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Export folders or files (tables recognised by file name: persons.csv, 人员.csv, …).
    #[arg(value_name = "EXPORT", required = true)]
    pub exports: Vec<PathBuf>,
    /// Name the table of a file explicitly: --table persons=export1.csv (repeatable).
    #[arg(long = "table", value_name = "NAME=FILE")]
    pub tables: Vec<String>,
    /// Text encoding of CSV files without a byte-order mark (default: detected).
    #[arg(long, value_name = "utf-8|gb18030|utf-16le|utf-16be")]
    pub encoding: Option<String>,
    /// Worksheet to read from XLSX files (default: the first).
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Largest share of a file's rows that may be quarantined before the import fails,
    /// as a fraction (0.01) or percentage (1%).
    #[arg(long, value_name = "R", default_value = "0.01")]
    pub max_reject_rate: String,
    /// Longest CSV record accepted, in bytes (longer ones are quarantined).
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub max_record_bytes: usize,
    /// Data cutoff C (YYYY-MM-DD); default: the latest record date.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub read: ReadArgs,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Text,
    Json,
}

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

#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// Where to write the key (never overwritten).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// A failure that maps to exit code 1 (the data, not the program, is at fault).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DataInvalid(pub String);

pub fn dispatch(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Check(a) => run_check(a),
        Command::Import(a) => run_import(a),
        Command::Keygen(a) => run_keygen(a),
        Command::Metrics(a) => run_metrics(a),
        Command::Sample(a) => run_sample(a),
        Command::Report(a) => report_cmd::run(a),
        Command::Query(a) => query_cmd::run_query(a),
        Command::Cohort(a) => query_cmd::run_cohort(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let data = e.downcast_ref::<DataInvalid>().is_some();
            eprintln!("error: {e:#}");
            if data {
                ExitCode::from(1)
            } else {
                ExitCode::from(2)
            }
        }
    }
}

/// Validated settings for reading an export.
pub struct ReadConfig {
    pub files: Vec<InputFile>,
    pub ignored: Vec<PathBuf>,
    pub options: ImportOptions,
}

pub fn parse_rate(s: &str) -> Result<f64> {
    let t = s.trim();
    let v = if let Some(p) = t.strip_suffix('%') {
        p.trim().parse::<f64>().map(|x| x / 100.0)
    } else {
        t.parse::<f64>()
    }
    .with_context(|| {
        format!("--max-reject-rate {s:?}: give a fraction like 0.02 or a percentage like 2%")
    })?;
    if !(0.0..=1.0).contains(&v) {
        bail!("--max-reject-rate {s:?} must be between 0 and 1 (or 0% and 100%)");
    }
    Ok(v)
}

pub fn parse_as_of(s: &str) -> Result<Days> {
    parse_date(s).map_err(|c| {
        anyhow::anyhow!(
            "--as-of {s:?} is not a date ({}); write it as YYYY-MM-DD",
            c.describe().1
        )
    })
}

impl ReadConfig {
    fn from_args(a: &ReadArgs, key: Key) -> Result<ReadConfig> {
        let mut overrides = Vec::new();
        for spec in &a.tables {
            let (name, file) = spec
                .split_once('=')
                .with_context(|| format!("--table {spec:?}: write it as NAME=FILE"))?;
            let table = Table::from_name(name).with_context(|| {
                let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
                format!(
                    "--table {spec:?}: unknown table {name:?}; tables are {}",
                    names.join(", ")
                )
            })?;
            overrides.push((table, PathBuf::from(file)));
        }
        let found = discover(&a.exports, &overrides)?;
        let mut options = ImportOptions::new(key);
        options.max_reject_rate = parse_rate(&a.max_reject_rate)?;
        options.max_record_bytes = a.max_record_bytes.max(64);
        options.sheet = a.sheet.clone();
        options.encoding = match &a.encoding {
            None => None,
            Some(e) => Some(Encoding::from_user(e).with_context(|| {
                format!("--encoding {e:?}: use utf-8, gb18030, utf-16le or utf-16be")
            })?),
        };
        options.as_of = a.as_of.as_deref().map(parse_as_of).transpose()?;
        Ok(ReadConfig {
            files: found.files,
            ignored: found.ignored,
            options,
        })
    }
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
        pb.set_message(format!("reading {f}: {n} rows"));
        pb.tick();
    });
    pb.finish_and_clear();
    outcome
}

/// A progress line on stderr for long reads (hidden when stderr is not a terminal).
pub fn progress_bar() -> indicatif::ProgressBar {
    let pb =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    pb.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .expect("valid template"),
    );
    pb
}

fn run_check(a: CheckArgs) -> Result<ExitCode> {
    let cfg = ReadConfig::from_args(&a.read, Key::ephemeral()?)?;
    let mut sink = MemorySink::default();
    let outcome = import_with_progress(&cfg.files, &cfg.ignored, &cfg.options, &mut sink)?;
    let report = &outcome.report;
    let mut out = std::io::stdout().lock();
    match a.format {
        ReportFormat::Text => write!(out, "{}", report.render_text(5))?,
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

fn load_key(path: Option<&Path>) -> Result<Key> {
    match path {
        Some(p) => Ok(Key::load(p)?),
        None => {
            eprintln!(
                "warning: no --key-file (or JINDU_KEY_FILE) given: using a random key for this \
                 run only; pseudonyms will not link to other imports. Create a key once with \
                 `jindu keygen --out FILE` and keep it safe."
            );
            Ok(Key::ephemeral()?)
        }
    }
}

fn run_import(a: ImportArgs) -> Result<ExitCode> {
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
    eprint!("{}", report.render_text(5));
    if report.failed() {
        if let Some(q) = staging.abandon() {
            eprintln!(
                "the quarantined rows of this failed import are in {}",
                q.display()
            );
        }
        return Err(DataInvalid(format!(
            "import failed; {} was not written (an existing dataset there is unchanged)",
            a.out.display()
        ))
        .into());
    }
    let manifest = Manifest::from_report(report, &rows);
    let dest = staging.commit(&manifest)?;
    println!("dataset written to {}", dest.display());
    Ok(ExitCode::SUCCESS)
}

fn run_keygen(a: KeygenArgs) -> Result<ExitCode> {
    let key = pseudo::keygen(&a.out)?;
    println!(
        "key written to {} (key id {}); keep it safe and out of version control",
        a.out.display(),
        key.id()
    );
    Ok(ExitCode::SUCCESS)
}

/// Canonical tables from a dataset folder, or from an export imported in memory.
pub struct Loaded {
    pub source: Box<dyn TableSource>,
    pub regions: RegionTable,
    /// The explicit cutoff recorded at import (`--as-of` of `jindu import`).
    pub as_of: Option<Days>,
    /// Input files with SHA-256 and row accounting, for methods appendices.
    pub import_report: serde_json::Value,
}

pub fn load_data(path: &Path) -> Result<Loaded> {
    if Dataset::is_dataset(path) {
        let ds = Dataset::open(path)?;
        let regions = ds.regions()?;
        let as_of = ds.manifest.as_of.as_deref().map(parse_as_of).transpose()?;
        let import_report = ds.manifest.import.clone();
        return Ok(Loaded {
            source: Box::new(ds),
            regions,
            as_of,
            import_report,
        });
    }
    if !path.exists() {
        bail!("{}: no such dataset or export folder", path.display());
    }
    let found = discover(&[path.to_path_buf()], &[])?;
    let options = ImportOptions::new(Key::ephemeral()?);
    let mut sink = MemorySink::default();
    let outcome = import_with_progress(&found.files, &found.ignored, &options, &mut sink)?;
    let report = &outcome.report;
    let quarantined: u64 = report.tables.iter().map(|t| t.quarantined).sum();
    let read: u64 = report.tables.iter().map(|t| t.rows_read).sum();
    eprintln!(
        "imported {} in memory: {read} rows read, {quarantined} quarantined (run `jindu check {}` for details)",
        path.display(),
        path.display()
    );
    if report.failed() {
        for e in &report.errors {
            eprintln!("  - {e}");
        }
        return Err(
            DataInvalid(format!("{}: the export failed validation", path.display())).into(),
        );
    }
    let mut tables = sink.into_tables();
    // Only tables the export had are "present"; regions always come from the import.
    let had: std::collections::BTreeSet<Table> = found.files.iter().map(|f| f.table).collect();
    tables.retain(|t, _| had.contains(t) || *t == Table::Regions);
    Ok(Loaded {
        source: Box::new(tables),
        regions: outcome.regions,
        as_of: None,
        import_report: serde_json::to_value(report)?,
    })
}

/// Validated metric selection and scope.
pub fn metrics_request(a: &MetricsArgs) -> Result<Request> {
    let mut defs = Vec::new();
    for id in &a.metrics {
        let d = metrics::defs::find(id).with_context(|| {
            let ids: Vec<&str> = metrics::defs::METRICS.iter().map(|m| m.id).collect();
            format!(
                "--metric {id:?} is not a metric; metrics are: {}",
                ids.join(", ")
            )
        })?;
        defs.push(d);
    }
    let level: Level = a.level.into();
    if let Some(r) = &a.region {
        if !r.bytes().all(|b| b.is_ascii_digit()) || !(r.len() == 6 || r.len() == 9) {
            bail!(
                "--region {r:?}: give a 6-digit (province, city or county) or 9-digit (township) code"
            );
        }
        if level_of(r) > level {
            bail!(
                "--region {r} is a {} but --level {} is coarser; choose --level {} or finer",
                level_of(r).as_str(),
                level.as_str(),
                level_of(r).as_str()
            );
        }
    }
    if let (Some(f), Some(t)) = (a.from, a.to)
        && f > t
    {
        bail!("--from {f} is after --to {t}");
    }
    Ok(Request {
        metrics: defs,
        level,
        scope: a.region.clone(),
        from: a.from,
        to: a.to,
    })
}

fn run_metrics(a: MetricsArgs) -> Result<ExitCode> {
    let req = metrics_request(&a)?;
    a.output.validate()?;
    let loaded = load_data(&a.data)?;
    let as_of = a.output.as_of(loaded.as_of)?;
    let pb = progress_bar();
    pb.set_message("reading the canonical tables");
    pb.enable_steady_tick(std::time::Duration::from_millis(200));
    let model = Model::load(loaded.source.as_ref(), loaded.regions, as_of)?;
    pb.set_message(format!(
        "computing metrics for {} persons",
        model.persons.len()
    ));
    let mut rows = metrics::compute(&model, &req);
    pb.finish_and_clear();
    for w in metrics::missing_table_warnings(&model, &req) {
        eprintln!("warning: {w}");
    }
    let rule = a.publish.rule();
    if a.publish.publish {
        publish::publish_rows(&mut rows, rule);
    }
    let mut buf = Vec::new();
    write_rows(&rows, a.output.format, rule, &mut buf)?;
    a.output.emit(&buf)?;
    Ok(ExitCode::SUCCESS)
}

fn run_sample(a: SampleArgs) -> Result<ExitCode> {
    use crate::sample::{self, Format, SampleConfig, Scale};
    let scale: Scale = a.scale.parse()?;
    let pb = progress_bar();
    let progress = |n: u64| {
        pb.set_message(format!("{n} rows written"));
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
                "{:<12} {:>10} rows  {}",
                f.table.name(),
                f.rows,
                f.path.display()
            );
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{} persons, {} rows in {secs:.1} s ({:.0} rows/s)",
            summary.persons,
            summary.rows(),
            summary.rows() as f64 / secs.max(1e-9)
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
    println!("synthetic dataset written to {}", dest.display());
    Ok(ExitCode::SUCCESS)
}

fn tempfile_dir(beside: &Path) -> Result<PathBuf> {
    let parent = beside
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let dir = parent.join(format!(".jindu-sample-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
