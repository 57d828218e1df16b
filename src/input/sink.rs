//! Where accepted rows go: the [`Sink`] trait (memory, or the dataset's Parquet sink),
//! the sink shared by tables imported in parallel, and the per-table column buffers
//! that hand rows to a sink in chunks of canonical columns.

use std::collections::BTreeMap;
use std::path::PathBuf;

use polars::prelude::*;

use super::quarantine::QuarantineRecord;
use super::rows::{self, OutColumn, OutType, ParsedRow, Val};
use crate::dates::Days;
use crate::regions::{Level, Region};
use crate::schema::{ColType, Table};

/// Where accepted rows and quarantined rows go.
pub trait Sink: Send {
    fn rows(&mut self, table: Table, chunk: DataFrame) -> Result<(), SinkError>;
    fn quarantine(&mut self, table: Table, record: &QuarantineRecord) -> Result<(), SinkError>;
}

/// A sink shared by the tables imported in parallel (each table writes its own files).
pub struct SharedSink<'a>(pub(super) std::sync::Mutex<&'a mut dyn Sink>);

impl SharedSink<'_> {
    pub(super) fn rows(&self, table: Table, chunk: DataFrame) -> Result<(), SinkError> {
        self.0.lock().expect("sink lock").rows(table, chunk)
    }

    pub(super) fn quarantine(
        &self,
        table: Table,
        record: &QuarantineRecord,
    ) -> Result<(), SinkError> {
        self.0.lock().expect("sink lock").quarantine(table, record)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("{}", crate::tr!(SinkIo, path = path.display(), error = source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", crate::tr!(SinkIo, path = path.display(), error = source))]
    Polars { path: PathBuf, source: PolarsError },
}

/// Keeps everything in memory (for `check`, and for metrics on an export folder).
#[derive(Default)]
pub struct MemorySink {
    pub frames: BTreeMap<Table, Vec<DataFrame>>,
    pub quarantined: BTreeMap<Table, Vec<QuarantineRecord>>,
    /// When false, quarantine records are counted by the report only.
    pub keep_quarantine: bool,
}

impl Sink for MemorySink {
    fn rows(&mut self, table: Table, chunk: DataFrame) -> Result<(), SinkError> {
        self.frames.entry(table).or_default().push(chunk);
        Ok(())
    }

    fn quarantine(&mut self, table: Table, record: &QuarantineRecord) -> Result<(), SinkError> {
        if self.keep_quarantine {
            self.quarantined
                .entry(table)
                .or_default()
                .push(record.clone());
        }
        Ok(())
    }
}

impl MemorySink {
    /// One frame per table (empty frames with the canonical schema for tables that
    /// had files but no accepted rows).
    pub fn into_tables(self) -> BTreeMap<Table, DataFrame> {
        let mut out = BTreeMap::new();
        for (t, chunks) in self.frames {
            let mut it = chunks.into_iter();
            let mut df = it.next().unwrap_or_else(|| empty_frame(t));
            for c in it {
                df.vstack_mut_owned(c).expect("same schema");
            }
            df.rechunk_mut();
            out.insert(t, df);
        }
        out
    }
}

/// What the duplicate check keeps of the first accepted row of an id (read only when
/// the id comes again): its content's fingerprint, and its file's index and line packed
/// in one word, 24 bytes in all instead of 32 for `(u128, u32, u64)` (whose alignment is
/// 16). A table's import keeps one per accepted row (13 M for the benchmark's tests),
/// and every byte of them is fresh memory the system faults in and zeroes.
#[derive(Clone, Copy)]
pub(super) struct FirstRow {
    content: [u64; 2],
    /// `line | file << LINE_BITS`.
    at: u64,
}

/// Bits of [`FirstRow::at`] for the line: 2^40 lines per file, 2^24 files per table.
const LINE_BITS: u32 = 40;

impl FirstRow {
    pub(super) fn new(content: u128, file: u32, line: u64) -> Self {
        assert!(
            line >> LINE_BITS == 0 && u64::from(file) >> (64 - LINE_BITS) == 0,
            "fewer than 2^40 lines per file and 2^24 files per table"
        );
        FirstRow {
            content: [content as u64, (content >> 64) as u64],
            at: line | (u64::from(file) << LINE_BITS),
        }
    }

    pub(super) fn content(&self) -> u128 {
        u128::from(self.content[0]) | (u128::from(self.content[1]) << 64)
    }

    pub(super) fn file(&self) -> u32 {
        (self.at >> LINE_BITS) as u32
    }

    pub(super) fn line(&self) -> u64 {
        self.at & ((1 << LINE_BITS) - 1)
    }
}

/// Per-table state across its files: what the serial checker keeps (duplicates, the
/// ids of quarantined rows, file names) and the column buffers of the accepted rows.
pub(super) struct TableState {
    pub(super) table: Table,
    /// id fingerprint → the first accepted row's content fingerprint, file and line.
    pub(super) dup: super::idset::IdSet<FirstRow>,
    pub(super) quarantined_ids: rows::FingerprintMap<(String, u64)>,
    pub(super) file_index: u32,
    pub(super) file_names: Vec<String>,
    /// The accepted rows' side; moved to the builder thread while a file is read.
    pub(super) cols: Columns,
}

impl TableState {
    pub(super) fn new(table: Table, chunk_rows: usize) -> Self {
        TableState {
            table,
            dup: Default::default(),
            quarantined_ids: rows::FingerprintMap::default(),
            file_index: 0,
            file_names: Vec::new(),
            cols: Columns::new(table, chunk_rows),
        }
    }

    /// The rows still buffered, as the table's last chunk for the sink (at the end of
    /// a table); `None` for the region table, written once at the end of the import.
    pub(super) fn last_chunk(&mut self) -> Option<DataFrame> {
        self.cols.chunk(0)
    }
}

/// The accepted rows of a table: column buffers handed to the sink in chunks, and what
/// the report and the region table need from them.
pub(super) struct Columns {
    pub(super) table: Table,
    out: Vec<OutColumn>,
    builders: Vec<ColBuilder>,
    buffered: usize,
    chunk_rows: usize,
    pub(super) region_counts: RegionCounts,
    pub(super) region_rows: Vec<Region>,
    /// Rows of the current file whose explicit sex/birth date contradict the ID.
    pub(super) contradictions: u64,
    /// Rows of the current file whose valid ID number ends in `000`.
    pub(super) suspect_cut: u64,
    /// Latest date of this table's accepted rows among the cutoff columns.
    pub(super) cutoff: Option<Days>,
    /// Column indices, looked up once: the cutoff columns, the region columns, and for
    /// the region table (code, name, level, parent).
    cutoff_cols: Vec<usize>,
    region_cols: Vec<usize>,
    region_table_cols: Option<[usize; 4]>,
}

/// Accepted rows per region code (hashed: looked up for every region cell).
pub(super) type RegionCounts =
    std::collections::HashMap<String, u64, xxhash_rust::xxh3::Xxh3DefaultBuilder>;

pub(super) enum ColBuilder {
    /// Text goes straight into Arrow's string views: no `String` per cell is kept.
    Str(StringChunkedBuilder),
    /// Dates and integers go straight into Arrow's buffers too (the builder that
    /// `from_iter_options` used on a vector of options, without the vector).
    Date(PrimitiveChunkedBuilder<Int32Type>),
    Int(PrimitiveChunkedBuilder<Int64Type>),
}

impl ColBuilder {
    fn new(c: &OutColumn, capacity: usize) -> Self {
        match c.ty {
            OutType::Str => ColBuilder::Str(StringChunkedBuilder::new(c.name.into(), capacity)),
            OutType::Date => {
                ColBuilder::Date(PrimitiveChunkedBuilder::new(c.name.into(), capacity))
            }
            OutType::Int => ColBuilder::Int(PrimitiveChunkedBuilder::new(c.name.into(), capacity)),
        }
    }
}

impl Columns {
    pub(super) fn new(table: Table, chunk_rows: usize) -> Self {
        let out = rows::out_columns(table);
        // Room for a chunk up front (at most a default chunk's), not doubling from 0.
        let capacity = chunk_rows.min(1 << 20);
        let builders = out.iter().map(|c| ColBuilder::new(c, capacity)).collect();
        let col = |n: &str| rows::column_index(table, n).expect("schema column");
        Columns {
            table,
            out,
            builders,
            buffered: 0,
            chunk_rows,
            region_counts: RegionCounts::default(),
            region_rows: Vec::new(),
            contradictions: 0,
            suspect_cut: 0,
            cutoff: None,
            cutoff_cols: table.cutoff_columns().iter().map(|c| col(c)).collect(),
            region_cols: if table == Table::Regions {
                Vec::new()
            } else {
                table
                    .columns()
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.ty == ColType::Region)
                    .map(|(i, _)| i)
                    .collect()
            },
            region_table_cols: (table == Table::Regions)
                .then(|| [col("code"), col("name"), col("level"), col("parent")]),
        }
    }

    /// Takes an accepted row: the cutoff, region counts and the table's own facts,
    /// then its values into the column buffers. Returns a chunk for the sink when
    /// [`ImportOptions::chunk_rows`](super::ImportOptions) rows are buffered.
    pub(super) fn accept(&mut self, row: ParsedRow) -> Option<DataFrame> {
        for &ci in &self.cutoff_cols {
            if let Some(d) = row.values[ci].as_date() {
                self.cutoff = Some(self.cutoff.map_or(d, |c| c.max(d)));
            }
        }
        for &ci in &self.region_cols {
            if let Some(code) = row.values[ci].as_str() {
                if let Some(n) = self.region_counts.get_mut(code) {
                    *n += 1;
                } else {
                    self.region_counts.insert(code.to_string(), 1);
                }
            }
        }
        if row.id_contradiction {
            self.contradictions += 1;
        }
        if row.id_suspect_cut {
            self.suspect_cut += 1;
        }
        if let Some([code, name, level, parent]) = self.region_table_cols
            && let (Val::Str(code), Val::Str(name), Val::Str(level)) = (
                row.values[code].clone(),
                row.values[name].clone(),
                row.values[level].clone(),
            )
        {
            self.region_rows.push(Region {
                code: code.into_string(),
                name: name.into_string(),
                level: Level::parse(&level).expect("validated level"),
                parent: row.values[parent].as_str().map(str::to_string),
            });
        }
        self.push(row);
        if self.buffered >= self.chunk_rows {
            self.chunk(self.chunk_rows.min(1 << 20))
        } else {
            None
        }
    }

    fn push(&mut self, mut row: ParsedRow) {
        for (b, c) in self.builders.iter_mut().zip(&self.out) {
            match (b, std::mem::replace(&mut row.values[c.source], Val::Null)) {
                (ColBuilder::Str(v), Val::Str(s)) => v.append_value(s),
                (ColBuilder::Str(v), _) => v.append_null(),
                (ColBuilder::Date(v), Val::Date(d)) => v.append_value(d),
                (ColBuilder::Date(v), _) => v.append_null(),
                (ColBuilder::Int(v), Val::Int(n)) => v.append_value(n),
                (ColBuilder::Int(v), _) => v.append_null(),
            }
        }
        self.buffered += 1;
    }

    /// The buffered rows as a chunk (possibly empty: the sink then creates the table's
    /// file); `None` for the region table, written once at the end of the import.
    fn chunk(&mut self, next_capacity: usize) -> Option<DataFrame> {
        if self.table == Table::Regions {
            return None;
        }
        let cols: Vec<Column> = self
            .builders
            .iter_mut()
            .zip(&self.out)
            .map(|(b, c)| {
                let mut full = std::mem::replace(b, ColBuilder::new(c, next_capacity));
                build_column(c.name, &mut full)
            })
            .collect();
        let df = DataFrame::new(self.buffered, cols).expect("equal lengths");
        self.buffered = 0;
        Some(df)
    }
}

fn build_column(name: &str, b: &mut ColBuilder) -> Column {
    match b {
        ColBuilder::Str(v) => std::mem::replace(v, StringChunkedBuilder::new(name.into(), 0))
            .finish()
            .into_column(),
        ColBuilder::Date(v) => std::mem::replace(v, PrimitiveChunkedBuilder::new(name.into(), 0))
            .finish()
            .into_date()
            .into_column(),
        ColBuilder::Int(v) => std::mem::replace(v, PrimitiveChunkedBuilder::new(name.into(), 0))
            .finish()
            .into_column(),
    }
}

/// An empty frame with a table's canonical schema.
pub fn empty_frame(table: Table) -> DataFrame {
    let cols: Vec<Column> = rows::out_columns(table)
        .iter()
        .map(|c| match c.ty {
            OutType::Str => build_column(
                c.name,
                &mut ColBuilder::Str(StringChunkedBuilder::new(c.name.into(), 0)),
            ),
            OutType::Date => build_column(
                c.name,
                &mut ColBuilder::Date(PrimitiveChunkedBuilder::new(c.name.into(), 0)),
            ),
            OutType::Int => build_column(
                c.name,
                &mut ColBuilder::Int(PrimitiveChunkedBuilder::new(c.name.into(), 0)),
            ),
        })
        .collect();
    DataFrame::new(0, cols).expect("empty")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_row_keeps_content_file_and_line() {
        let content = 0xFEDC_BA98_7654_3210_0123_4567_89AB_CDEF_u128;
        for (file, line) in [(0, 0), (1, 2), ((1 << 24) - 1, (1 << 40) - 1), (7, 1 << 39)] {
            let f = FirstRow::new(content, file, line);
            assert_eq!((f.content(), f.file(), f.line()), (content, file, line));
        }
        assert_eq!(std::mem::size_of::<FirstRow>(), 24);
    }

    #[test]
    #[should_panic(expected = "2^40 lines")]
    fn first_row_refuses_a_line_beyond_its_bits() {
        FirstRow::new(1, 0, 1 << 40);
    }
}
