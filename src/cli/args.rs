//! Argument groups shared by several commands, and their validation into library
//! values: output format and destination, disclosure control, the regional level, and
//! the options of every command that reads an export.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};

use crate::dates::Days;
use crate::input::ImportOptions;
use crate::input::decode::Encoding;
use crate::input::pseudo::Key;
use crate::input::source::{InputFile, discover};
use crate::input::values::parse_date;
use crate::metrics::PeriodKind;
use crate::output::Format;
use crate::publish::Rule;
use crate::regions::Level;
use crate::schema::Table;
use crate::tr;

/// `--format`: a value of [`Format::name`].
pub fn format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(Format::ALL.map(Format::name))
        .map(|s| Format::from_name(&s).expect("a listed format"))
}

/// `--level`: province, city, county or township.
pub fn level_parser() -> impl TypedValueParser<Value = Level> {
    PossibleValuesParser::new(Level::ALL.map(Level::as_str))
        .map(|s| Level::parse(&s).expect("a listed level"))
}

/// `--period year|quarter|month` (METRICS.md "Quarters and months", v1.2).
pub fn period_parser() -> impl TypedValueParser<Value = PeriodKind> {
    PossibleValuesParser::new(PeriodKind::ALL.map(PeriodKind::as_str))
        .map(|s| PeriodKind::parse(&s).expect("a listed period"))
}

/// The cutoff, format and destination of a command that prints results.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Data cutoff C (YYYY-MM-DD): read the data as it stood on that day.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// table, csv, json, parquet, xlsx or arrow (Arrow IPC).
    #[arg(long, default_value = "table", value_parser = format_parser())]
    pub format: Format,
    /// Output file (default: standard output; required for parquet, xlsx and arrow).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

impl OutputArgs {
    /// Binary formats need a file.
    pub fn validate(&self) -> Result<()> {
        if self.format.is_binary() && self.out.is_none() {
            bail!(tr!(CliBinaryNeedsOut, format = self.format.name()));
        }
        Ok(())
    }

    /// `--as-of` as a date (the dataset layer falls back to the cutoff recorded at
    /// import, then to the latest record date).
    pub fn as_of(&self) -> Result<Option<Days>> {
        self.as_of.as_deref().map(parse_as_of).transpose()
    }

    /// Writes `result` in `--format`: to the file of `--out` as it is formatted
    /// (atomically; a national metrics CSV is hundreds of MB, not held in memory
    /// first), or to standard output once formatted whole (an error prints nothing).
    pub fn write(&self, result: &dyn crate::output::Printable) -> Result<()> {
        match &self.out {
            Some(p) => super::write_atomically_with(p, |f| {
                crate::output::write(result, self.format, f).map_err(|e| match e {
                    crate::output::OutputError::Io(e) => e,
                    other => std::io::Error::other(other),
                })
            }),
            None => {
                let buf = crate::output::to_bytes(result, self.format)?;
                Ok(std::io::stdout().lock().write_all(&buf)?)
            }
        }
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

pub fn parse_as_of(s: &str) -> Result<Days> {
    parse_date(s).map_err(|c| {
        anyhow::anyhow!(tr!(
            CliAsOfNotDate,
            value = format!("{s:?}"),
            reason = c.msg().template(crate::i18n::current())
        ))
    })
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
    .with_context(|| tr!(CliRateSyntax, value = format!("{s:?}")))?;
    if !(0.0..=1.0).contains(&v) {
        bail!(tr!(CliRateRange, value = format!("{s:?}")));
    }
    Ok(v)
}

impl ReadConfig {
    pub fn from_args(a: &ReadArgs, key: Key) -> Result<ReadConfig> {
        let mut overrides = Vec::new();
        for spec in &a.tables {
            let (name, file) = spec
                .split_once('=')
                .with_context(|| tr!(CliTableSyntax, value = format!("{spec:?}")))?;
            let table = Table::from_name(name).with_context(|| {
                let names: Vec<&str> = Table::ALL.iter().map(|t| t.name()).collect();
                tr!(
                    CliTableUnknown,
                    value = format!("{spec:?}"),
                    name = format!("{name:?}"),
                    tables = names.join(", ")
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
            Some(e) => Some(
                Encoding::from_user(e)
                    .with_context(|| tr!(CliEncodingUnknown, value = format!("{e:?}")))?,
            ),
        };
        options.as_of = a.as_of.as_deref().map(parse_as_of).transpose()?;
        Ok(ReadConfig {
            files: found.files,
            ignored: found.ignored,
            options,
        })
    }
}
