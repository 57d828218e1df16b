//! The dataset layer: what every front end (metrics, query, cohort, report) reads.
//!
//! [`Data::open`] takes a canonical dataset written by `jindu import` ([`store`]) or an
//! export folder, which it imports in memory through the import stage; it reports
//! progress through a callback and never prints. It then fixes the data cutoff `C` and
//! applies the snapshot of [`snapshot`] once: every table a caller gets from [`Data`] is
//! the table as it stood at `C`.

pub mod snapshot;
pub mod store;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polars::prelude::*;

pub use self::snapshot::Snapshot;
pub use self::store::{
    CONTRACT_VERSION, DATASET_FORMAT, Dataset, DatasetError, MANIFEST, Manifest, ParquetSink,
    Staging, create_private,
};
use crate::dates::Days;
use crate::input::pseudo::Key;
use crate::input::source::{DiscoverError, discover};
use crate::input::values::parse_date;
use crate::input::{self, ImportError, ImportOptions, MemorySink};
use crate::regions::RegionTable;
use crate::schema::Table;

/// Why data could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{}", crate::tr!(OpenNotFound, path = _0.display()))]
    NotFound(PathBuf),
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error("{}", crate::tr!(OpenKey, error = _0))]
    Key(String),
    /// The export failed validation (exit code 1): `errors` are the report's file errors.
    #[error("{}", crate::tr!(OpenInvalid, path = path.display()))]
    Invalid { path: PathBuf, errors: Vec<String> },
    #[error("{}", crate::tr!(OpenRecordedAsOf, value = format!("{_0:?}")))]
    RecordedAsOf(String),
    #[error("{}", crate::tr!(OpenNoPersons))]
    NoPersons,
    #[error("{}", crate::tr!(OpenNoCutoff))]
    NoCutoff,
    #[error("{}", crate::tr!(OpenPolars, table = table, error = source))]
    Polars {
        table: &'static str,
        source: PolarsError,
    },
}

/// What [`Data::open`] tells its caller while it works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress<'a> {
    /// Importing an export in memory: `rows` rows of `file` read so far.
    Reading { file: &'a str, rows: u64 },
    /// The in-memory import finished.
    Imported { rows_read: u64, quarantined: u64 },
}

/// Where the data came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A canonical dataset folder.
    Dataset(PathBuf),
    /// An export folder or file, imported in memory.
    Export(PathBuf),
}

/// Canonical tables at the cutoff `C`, with the region table and the import report.
pub struct Data {
    /// The tables the data has (regions excepted), snapshot at `C`, lazy.
    tables: BTreeMap<Table, LazyFrame>,
    /// The same tables before the snapshot (for [`Data::chunks`], which slices them
    /// and applies the snapshot to each slice).
    raw: BTreeMap<Table, LazyFrame>,
    /// All transfers, before the snapshot (for [`Snapshot::late_transfers`]).
    all_transfers: Option<LazyFrame>,
    pub snapshot: Snapshot,
    /// The effective region table (built-in rows extended by the data's own).
    pub regions: RegionTable,
    /// Input files with SHA-256 and row accounting, for methods appendices.
    pub import_report: serde_json::Value,
    pub origin: Origin,
}

impl Data {
    /// Opens a dataset folder (lazy Parquet scans) or imports an export in memory, and
    /// fixes `C`: `as_of`, else the cutoff recorded at import (`jindu import --as-of`),
    /// else the latest record date.
    pub fn open(
        path: &Path,
        as_of: Option<Days>,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Data, OpenError> {
        store::repair(path)?;
        if Dataset::is_dataset(path) {
            let ds = Dataset::open(path)?;
            let regions = ds.regions()?;
            let recorded = match ds.manifest.as_of.as_deref() {
                Some(s) => Some(parse_date(s).map_err(|_| OpenError::RecordedAsOf(s.into()))?),
                None => None,
            };
            let mut tables = BTreeMap::new();
            for t in Table::ALL {
                if t != Table::Regions && ds.has(t) {
                    tables.insert(t, ds.scan(t)?);
                }
            }
            let import_report = ds.manifest.import.clone();
            return Data::at(
                tables,
                regions,
                as_of.or(recorded),
                import_report,
                Origin::Dataset(path.to_path_buf()),
            );
        }
        if !path.exists() {
            return Err(OpenError::NotFound(path.to_path_buf()));
        }
        let found = discover(&[path.to_path_buf()], &[])?;
        let key = Key::ephemeral().map_err(|e| OpenError::Key(e.to_string()))?;
        let options = ImportOptions::new(key);
        let mut sink = MemorySink::default();
        let outcome = input::import(
            &found.files,
            &found.ignored,
            &options,
            &mut sink,
            &|f, n| progress(Progress::Reading { file: f, rows: n }),
        )?;
        let report = &outcome.report;
        progress(Progress::Imported {
            rows_read: report.tables.iter().map(|t| t.rows_read).sum(),
            quarantined: report.tables.iter().map(|t| t.quarantined).sum(),
        });
        if report.failed() {
            return Err(OpenError::Invalid {
                path: path.to_path_buf(),
                errors: report.errors.iter().map(|e| e.to_string()).collect(),
            });
        }
        // Only tables the export had are "present"; regions come from the import.
        let had: BTreeSet<Table> = found.files.iter().map(|f| f.table).collect();
        let tables: BTreeMap<Table, LazyFrame> = sink
            .into_tables()
            .into_iter()
            .filter(|(t, _)| had.contains(t) && *t != Table::Regions)
            .map(|(t, df)| (t, df.lazy()))
            .collect();
        let import_report = serde_json::to_value(report).unwrap_or(serde_json::Value::Null);
        Data::at(
            tables,
            outcome.regions,
            as_of,
            import_report,
            Origin::Export(path.to_path_buf()),
        )
    }

    /// Data from canonical frames already in memory (tests, generated data).
    pub fn from_frames(
        frames: BTreeMap<Table, DataFrame>,
        regions: RegionTable,
        as_of: Option<Days>,
    ) -> Result<Data, OpenError> {
        let tables = frames
            .into_iter()
            .filter(|(t, _)| *t != Table::Regions)
            .map(|(t, df)| (t, df.lazy()))
            .collect();
        Data::at(
            tables,
            regions,
            as_of,
            serde_json::Value::Null,
            Origin::Export(PathBuf::new()),
        )
    }

    /// Fixes `C` and snapshots the tables at it.
    fn at(
        raw: BTreeMap<Table, LazyFrame>,
        regions: RegionTable,
        as_of: Option<Days>,
        import_report: serde_json::Value,
        origin: Origin,
    ) -> Result<Data, OpenError> {
        let persons = raw.get(&Table::Persons).ok_or(OpenError::NoPersons)?;
        let cutoff = match as_of {
            Some(c) => c,
            None => snapshot::derive_cutoff(&raw)
                .map_err(|source| OpenError::Polars {
                    table: "(all)",
                    source,
                })?
                .ok_or(OpenError::NoCutoff)?,
        };
        let snapshot = Snapshot::new(cutoff, as_of.is_some(), persons).map_err(|source| {
            OpenError::Polars {
                table: Table::Persons.name(),
                source,
            }
        })?;
        let all_transfers = raw.get(&Table::Transfers).cloned();
        let tables = raw
            .iter()
            .map(|(t, lf)| (*t, snapshot.apply(*t, lf.clone())))
            .collect();
        Ok(Data {
            tables,
            raw,
            all_transfers,
            snapshot,
            regions,
            import_report,
            origin,
        })
    }

    /// The data cutoff `C`.
    pub fn cutoff(&self) -> Days {
        self.snapshot.cutoff
    }

    /// The explicit cutoff, if `C` was given rather than derived.
    pub fn explicit_as_of(&self) -> Option<Days> {
        self.snapshot.explicit.then_some(self.snapshot.cutoff)
    }

    /// Whether the data has table `t` (the region table always exists).
    pub fn has(&self, t: Table) -> bool {
        t == Table::Regions || self.tables.contains_key(&t)
    }

    /// The tables the data has, regions excepted.
    pub fn tables(&self) -> impl Iterator<Item = (Table, &LazyFrame)> {
        self.tables.iter().map(|(t, lf)| (*t, lf))
    }

    /// Table `t` at `C`, lazy (`None` if the data has no such table). The region table
    /// is [`RegionTable::to_frame`] of [`Data::regions`].
    pub fn table(&self, t: Table) -> Option<LazyFrame> {
        if t == Table::Regions {
            return Some(self.regions.to_frame().lazy());
        }
        self.tables.get(&t).cloned()
    }

    /// The named columns of table `t` at `C`.
    pub fn columns(&self, t: Table, cols: &[&str]) -> Result<DataFrame, OpenError> {
        let pe = |source| OpenError::Polars {
            table: t.name(),
            source,
        };
        let lf = self
            .table(t)
            .ok_or_else(|| pe(polars_err!(ComputeError: "the data has no {} table", t)))?;
        lf.select(cols.iter().map(|c| col(*c)).collect::<Vec<_>>())
            .collect()
            .map_err(pe)
    }

    /// The named columns of table `t` at `C`, in consecutive blocks of about `rows`
    /// stored rows each (fewer where the snapshot leaves rows out), in table order:
    /// [`Data::columns`] without holding the whole table, for the largest tables. The
    /// snapshot is row by row, so the blocks together are exactly [`Data::columns`].
    pub fn chunks<E: From<OpenError>>(
        &self,
        t: Table,
        cols: &[&str],
        rows: usize,
        mut f: impl FnMut(DataFrame) -> Result<(), E>,
    ) -> Result<(), E> {
        let pe = |source| OpenError::Polars {
            table: t.name(),
            source,
        };
        let Some(raw) = self.raw.get(&t) else {
            return Err(pe(polars_err!(ComputeError: "the data has no {} table", t)).into());
        };
        let n = raw.clone().select([len()]).collect().map_err(pe)?;
        let n = n
            .column("len")
            .and_then(|c| c.u32().map(|c| c.get(0).unwrap_or(0)))
            .map_err(pe)? as usize;
        let rows = rows.max(1);
        let select: Vec<Expr> = cols.iter().map(|c| col(*c)).collect();
        for off in (0..n).step_by(rows) {
            let slice = raw.clone().slice(off as i64, rows.min(n - off) as IdxSize);
            let df = self
                .snapshot
                .apply(t, slice)
                .select(select.clone())
                .collect()
                .map_err(pe)?;
            f(df)?;
        }
        Ok(())
    }

    /// The named columns of the transfers dated after `C` of the persons at `C`
    /// ([`Snapshot::late_transfers`]); empty when the data has no transfers.
    pub fn late_transfers(&self, cols: &[&str]) -> Result<Option<DataFrame>, OpenError> {
        let Some(all) = &self.all_transfers else {
            return Ok(None);
        };
        self.snapshot
            .late_transfers(all.clone())
            .select(cols.iter().map(|c| col(*c)).collect::<Vec<_>>())
            .collect()
            .map(Some)
            .map_err(|source| OpenError::Polars {
                table: Table::Transfers.name(),
                source,
            })
    }
}
