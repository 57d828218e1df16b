//! The canonical dataset on disk: `DATASET/` with one Parquet file per table,
//! `manifest.json` and `quarantine/TABLE.csv`. This file owns the layout, the atomic
//! replacement of a dataset (built in a temporary folder beside it, renamed into place
//! only when complete), the Parquet sink the importer streams into, and reading a
//! dataset back.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::input::quarantine::{QuarantineRecord, QuarantineWriter};
use crate::input::report::ImportReport;
use crate::input::{Sink, SinkError};
use crate::schema::Table;

pub const MANIFEST: &str = "manifest.json";
pub const DATASET_FORMAT: u32 = 1;
pub const CONTRACT_VERSION: &str = "1.2";
const ROW_GROUP: usize = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("{}", crate::tr!(DatasetIo, path = path.display(), error = source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", crate::tr!(DatasetNotADataset, path = path.display()))]
    NotADataset { path: PathBuf },
    #[error("{}", crate::tr!(DatasetManifest, path = path.display(), error = message))]
    Manifest { path: PathBuf, message: String },
    #[error("{}", crate::tr!(DatasetIo, path = path.display(), error = source))]
    Polars { path: PathBuf, source: PolarsError },
    #[error("{}", crate::tr!(DatasetBusy, path = path.display()))]
    Busy { path: PathBuf },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> DatasetError + '_ {
    move |source| DatasetError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What `manifest.json` records.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub engine: String,
    pub engine_version: String,
    pub dataset_format: u32,
    pub contract_version: String,
    /// Data cutoff `C` (ISO date): `--as-of` or the latest record date.
    pub cutoff: Option<String>,
    /// `--as-of` when it was given (snapshot semantics apply in the metrics).
    pub as_of: Option<String>,
    pub key_id: String,
    pub ephemeral_key: bool,
    /// Rows per canonical table (tables absent from the export are absent here).
    pub tables: BTreeMap<String, u64>,
    /// The full import report: inputs with SHA-256, size, encoding, row accounting.
    pub import: serde_json::Value,
}

impl Manifest {
    pub fn from_report(report: &ImportReport, rows: &BTreeMap<String, u64>) -> Manifest {
        Manifest {
            engine: "jindu".into(),
            engine_version: env!("CARGO_PKG_VERSION").into(),
            dataset_format: DATASET_FORMAT,
            contract_version: CONTRACT_VERSION.into(),
            cutoff: report.cutoff.map(crate::dates::iso),
            as_of: report.as_of.map(crate::dates::iso),
            key_id: report.key_id.clone(),
            ephemeral_key: report.ephemeral_key,
            tables: rows.clone(),
            import: serde_json::to_value(report).expect("report serialises"),
        }
    }
}

/// Streams accepted rows into Parquet files and quarantined rows into 0600 CSV files
/// inside a (temporary) dataset folder.
pub struct ParquetSink {
    dir: PathBuf,
    writers: BTreeMap<Table, polars::io::parquet::write::BatchedWriter<BufWriter<File>>>,
    quarantine: BTreeMap<Table, QuarantineWriter<BufWriter<File>>>,
    pub rows: BTreeMap<String, u64>,
}

impl ParquetSink {
    pub fn new(dir: &Path) -> Self {
        ParquetSink {
            dir: dir.to_path_buf(),
            writers: BTreeMap::new(),
            quarantine: BTreeMap::new(),
            rows: BTreeMap::new(),
        }
    }

    /// Closes every file.
    pub fn finish(mut self) -> Result<BTreeMap<String, u64>, SinkError> {
        for (t, w) in std::mem::take(&mut self.writers) {
            let path = self.dir.join(format!("{}.parquet", t.name()));
            w.finish()
                .map_err(|source| SinkError::Polars { path, source })?;
        }
        for (t, w) in std::mem::take(&mut self.quarantine) {
            let path = self
                .dir
                .join("quarantine")
                .join(format!("{}.csv", t.name()));
            w.into_inner()
                .flush()
                .map_err(|source| SinkError::Io { path, source })?;
        }
        Ok(self.rows)
    }
}

/// Creates a file readable and writable by its owner only.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

impl Sink for ParquetSink {
    fn rows(&mut self, table: Table, mut chunk: DataFrame) -> Result<(), SinkError> {
        let path = self.dir.join(format!("{}.parquet", table.name()));
        let perr = |source| SinkError::Polars {
            path: path.clone(),
            source,
        };
        if let std::collections::btree_map::Entry::Vacant(e) = self.writers.entry(table) {
            let f = File::create(&path).map_err(|source| SinkError::Io {
                path: path.clone(),
                source,
            })?;
            // The columns of a chunk are encoded in parallel (on polars' pool) and
            // written in their order: the same bytes as one by one, and the last chunk
            // of the last table, written when everything else is done, takes both cores.
            let w = ParquetWriter::new(BufWriter::new(f))
                .with_compression(ParquetCompression::Zstd(None))
                .with_row_group_size(Some(ROW_GROUP))
                .set_parallel(true)
                .batched(chunk.schema())
                .map_err(perr)?;
            e.insert(w);
        }
        *self.rows.entry(table.name().to_string()).or_default() += chunk.height() as u64;
        if chunk.height() == 0 {
            return Ok(());
        }
        chunk.rechunk_mut();
        self.writers
            .get_mut(&table)
            .expect("just inserted")
            .write_batch(&chunk)
            .map_err(perr)
    }

    fn quarantine(&mut self, table: Table, record: &QuarantineRecord) -> Result<(), SinkError> {
        let qdir = self.dir.join("quarantine");
        let path = qdir.join(format!("{}.csv", table.name()));
        let ioe = |source| SinkError::Io {
            path: path.clone(),
            source,
        };
        if let std::collections::btree_map::Entry::Vacant(e) = self.quarantine.entry(table) {
            fs::create_dir_all(&qdir).map_err(ioe)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                fs::set_permissions(&qdir, fs::Permissions::from_mode(0o700)).map_err(ioe)?;
            }
            let f = create_private(&path).map_err(ioe)?;
            let w = QuarantineWriter::new(BufWriter::new(f)).map_err(ioe)?;
            e.insert(w);
        }
        self.quarantine
            .get_mut(&table)
            .expect("just inserted")
            .write(record)
            .map_err(ioe)
    }
}

/// A dataset being written: a hidden folder beside the target, renamed into place only
/// when complete (its `manifest.json` is written last, so a folder with a manifest is a
/// whole dataset).
///
/// Crash safety: while it lives, the staging holds an exclusive lock on
/// `.TARGET.lock` beside the target (released by the OS when the process dies, even by
/// SIGKILL), so a second import into the same folder is refused rather than mixed in.
/// Under the lock, [`Staging::new`] first repairs what a killed import may have left:
/// it moves a complete previous dataset back into place if a crash came between the
/// two renames of [`Staging::commit`], and removes stale temporary folders.
pub struct Staging {
    pub tmp: PathBuf,
    target: PathBuf,
    _lock: File,
}

/// Fault injection for the crash tests: `JINDU_FAULT=<point>` makes the process abort
/// (no cleanup, as after SIGKILL) at that point of writing a dataset.
fn fault_point(point: &str) {
    if std::env::var_os("JINDU_FAULT").is_some_and(|v| v == point) {
        std::process::abort();
    }
}

/// The folder a path lives in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The lock file of a dataset folder: `.NAME.lock` beside it.
fn lock_path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.lock"))
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging, DatasetError> {
        let parent = parent_dir(target);
        fs::create_dir_all(parent).map_err(io_err(parent))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "dataset".into());
        let lock_path = lock_path(parent, &name);
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_err(&lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                return Err(DatasetError::Busy {
                    path: target.to_path_buf(),
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_err(&lock_path)(e)),
        }
        recover(parent, &name, target)?;
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
        }
        fs::create_dir(&tmp).map_err(io_err(&tmp))?;
        Ok(Staging {
            tmp,
            target: target.to_path_buf(),
            _lock: lock,
        })
    }

    /// Writes the manifest and moves the finished dataset into place, replacing an
    /// existing one only now that the new one is complete.
    pub fn commit(self, manifest: &Manifest) -> Result<PathBuf, DatasetError> {
        fault_point("before-manifest");
        let mpath = self.tmp.join(MANIFEST);
        let mut text = serde_json::to_string_pretty(manifest).expect("manifest serialises");
        text.push('\n');
        fs::write(&mpath, text).map_err(io_err(&mpath))?;
        let old = self.tmp.with_file_name(format!(
            "{}.old",
            self.tmp.file_name().unwrap_or_default().to_string_lossy()
        ));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(io_err(&self.target))?;
        }
        fault_point("between-renames");
        if let Err(e) = fs::rename(&self.tmp, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(io_err(&self.target)(e));
        }
        fault_point("before-cleanup");
        if had_old {
            fs::remove_dir_all(&old).map_err(io_err(&old))?;
        }
        Ok(self.target.clone())
    }

    /// Keeps only the quarantine of a failed import, in `TARGET.failed-import/`, so the
    /// analyst can see why; the existing dataset is untouched.
    pub fn abandon(self) -> Option<PathBuf> {
        let q = self.tmp.join("quarantine");
        let keep = q.exists().then(|| {
            let mut name = self.target.file_name().unwrap_or_default().to_os_string();
            name.push(".failed-import");
            self.target.with_file_name(name)
        });
        if let Some(dest) = &keep {
            let _ = fs::remove_dir_all(dest);
            if fs::rename(&q, dest).is_err() {
                let _ = fs::remove_dir_all(&self.tmp);
                return None;
            }
        }
        let _ = fs::remove_dir_all(&self.tmp);
        keep
    }
}

/// Repairs an interrupted import of `target` when no import is running (a reader calls
/// this before it opens a dataset): see [`Staging`]. Does nothing when the lock is
/// taken or there is nothing to repair.
pub fn repair(target: &Path) -> Result<(), DatasetError> {
    let parent = parent_dir(target);
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(());
    };
    let lock_path = lock_path(parent, &name);
    if target.join(MANIFEST).is_file() || !lock_path.is_file() {
        return Ok(());
    }
    let lock = File::options()
        .write(true)
        .open(&lock_path)
        .map_err(io_err(&lock_path))?;
    if lock.try_lock().is_ok() {
        recover(parent, &name, target)?;
    }
    Ok(())
}

/// Repairs what a killed import left beside `target` (called under the lock): a
/// complete previous dataset (`.NAME.tmp-PID.old` with a manifest) goes back into place
/// if the target is missing; then every stale temporary folder is removed.
fn recover(parent: &Path, name: &str, target: &Path) -> Result<(), DatasetError> {
    let prefix = format!(".{name}.tmp-");
    let mut stale: Vec<PathBuf> = Vec::new();
    for e in fs::read_dir(parent).map_err(io_err(parent))? {
        let e = e.map_err(io_err(parent))?;
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            stale.push(e.path());
        }
    }
    stale.sort();
    if !target.exists()
        && let Some(old) = stale
            .iter()
            .find(|p| p.to_string_lossy().ends_with(".old") && p.join(MANIFEST).is_file())
    {
        fs::rename(old, target).map_err(io_err(target))?;
    }
    for p in stale.iter().filter(|p| p.exists()) {
        fs::remove_dir_all(p).map_err(io_err(p))?;
    }
    Ok(())
}

/// An imported dataset, opened for reading.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

impl Dataset {
    pub fn is_dataset(dir: &Path) -> bool {
        dir.join(MANIFEST).is_file()
    }

    pub fn open(dir: &Path) -> Result<Dataset, DatasetError> {
        let mpath = dir.join(MANIFEST);
        if !mpath.is_file() {
            return Err(DatasetError::NotADataset {
                path: dir.to_path_buf(),
            });
        }
        let text = fs::read_to_string(&mpath).map_err(io_err(&mpath))?;
        let manifest: Manifest =
            serde_json::from_str(&text).map_err(|e| DatasetError::Manifest {
                path: mpath.clone(),
                message: e.to_string(),
            })?;
        Ok(Dataset {
            dir: dir.to_path_buf(),
            manifest,
        })
    }

    pub fn has(&self, t: Table) -> bool {
        self.manifest.tables.contains_key(t.name())
    }

    pub fn table_path(&self, t: Table) -> PathBuf {
        self.dir.join(format!("{}.parquet", t.name()))
    }

    /// A lazy scan of one table (projection and filters are pushed into the reader).
    pub fn scan(&self, t: Table) -> Result<LazyFrame, DatasetError> {
        let path = self.table_path(t);
        let p = PlRefPath::try_from_path(&path).map_err(|source| DatasetError::Polars {
            path: path.clone(),
            source,
        })?;
        LazyFrame::scan_parquet(p, ScanArgsParquet::default())
            .map_err(|source| DatasetError::Polars { path, source })
    }

    /// The effective region table stored with the dataset.
    pub fn regions(&self) -> Result<crate::regions::RegionTable, DatasetError> {
        let path = self.table_path(Table::Regions);
        let mut t = crate::regions::RegionTable::builtin();
        if !path.is_file() {
            return Ok(t);
        }
        let df = self.read(Table::Regions)?;
        let perr = |source| DatasetError::Polars {
            path: path.clone(),
            source,
        };
        let col = |n: &str| -> Result<Vec<Option<String>>, DatasetError> {
            Ok(df
                .column(n)
                .and_then(|c| c.str().cloned())
                .map_err(perr)?
                .iter()
                .map(|v| v.map(str::to_string))
                .collect())
        };
        let (code, name, level, parent) =
            (col("code")?, col("name")?, col("level")?, col("parent")?);
        for i in 0..code.len() {
            let (Some(c), Some(n), Some(l)) = (&code[i], &name[i], &level[i]) else {
                continue;
            };
            if let Some(level) = crate::regions::Level::parse(l) {
                t.insert(crate::regions::Region {
                    code: c.clone(),
                    name: n.clone(),
                    level,
                    parent: parent[i].clone(),
                });
            }
        }
        Ok(t)
    }

    /// Reads one whole table.
    pub fn read(&self, t: Table) -> Result<DataFrame, DatasetError> {
        let path = self.table_path(t);
        let f = File::open(&path).map_err(io_err(&path))?;
        ParquetReader::new(f)
            .finish()
            .map_err(|source| DatasetError::Polars { path, source })
    }
}
