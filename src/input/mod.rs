//! The import stage: platform exports in, validated and pseudonymised canonical tables
//! out, with every input row accounted for.
//!
//! This module owns the data contract (`docs/data-contract.md`): finding tables in an
//! export, decoding CSV/XLSX/Parquet, header and value parsing, the row checks, the
//! reference and duplicate checks in the contract's order, the quarantine, the row
//! accounting (`read = accepted + merged + quarantined`, checked on every run) and the
//! data-quality report. Raw ID numbers and names never leave it: rows leave as
//! canonical values with a keyed pseudonym. Accepted rows stream out in chunks to a
//! [`Sink`] (memory or Parquet), so imports of gigabytes run in bounded memory. A file
//! goes through a pipeline of threads (read, checks of each row on its own in parallel,
//! the serial checks in file order, column buffers, sink), so the stages overlap; the
//! order of every output is the file's, whatever the thread count.

pub mod csvscan;
pub mod decode;
#[cfg(test)]
mod fuzz;
pub mod idset;
pub mod issue;
pub mod parquet_in;
pub mod pseudo;
pub mod quarantine;
pub mod report;
pub mod rows;
pub mod sink;
pub mod source;
pub mod values;
pub mod xlsx;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use polars::prelude::DataFrame;

use self::decode::Encoding;
use self::idset::IdSet;
use self::issue::{Code, FileError, RowIssue};
use self::pseudo::Key;
use self::quarantine::QuarantineRecord;
use self::report::{CodeStat, FileReport, ImportReport, TableReport};
use self::rows::{Cell, HeaderError, ParsedRow, Val, column_index};
use self::sink::{Columns, FirstRow, TableState};
pub use self::sink::{MemorySink, SharedSink, Sink, SinkError, empty_frame};
use self::source::{InputFile, RawRow, ReadOptions, SourceInfo};
use crate::dates::Days;
use crate::i18n::{Lang, Msg, Text};
use crate::regions::RegionTable;
use crate::schema::Table;

/// Settings of one import run.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub key: Key,
    /// Fraction of a file's rows that may be quarantined before the import fails.
    pub max_reject_rate: f64,
    pub max_record_bytes: usize,
    pub encoding: Option<Encoding>,
    pub sheet: Option<String>,
    pub as_of: Option<Days>,
    /// Rows per chunk handed to the sink.
    pub chunk_rows: usize,
}

impl ImportOptions {
    pub fn new(key: Key) -> Self {
        ImportOptions {
            key,
            max_reject_rate: 0.01,
            max_record_bytes: 1 << 20,
            encoding: None,
            sheet: None,
            as_of: None,
            chunk_rows: 1 << 20,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Sink(#[from] SinkError),
    #[error("{detail}")]
    Accounting { detail: crate::i18n::Text },
}

/// What an import produced besides the rows handed to the sink.
pub struct Outcome {
    pub report: ImportReport,
    pub regions: RegionTable,
}

/// Imports the files of an export in the contract's order (regions, persons, measures,
/// then the tables that refer to them) and reports on every file. File-level problems
/// are recorded in the report (`report.failed()`), not returned as errors, so a
/// `check` can show all of them at once.
pub fn import(
    files: &[InputFile],
    ignored: &[PathBuf],
    opts: &ImportOptions,
    sink: &mut dyn Sink,
    progress: &(dyn Fn(&str, u64) + Sync),
) -> Result<Outcome, ImportError> {
    let mut state = State::new(opts);
    let sink = SharedSink(std::sync::Mutex::new(sink));
    let mut report = ImportReport {
        key_id: opts.key.id(),
        ephemeral_key: opts.key.is_ephemeral(),
        ignored: ignored.iter().map(|p| display_name(p)).collect(),
        ..ImportReport::default()
    };
    if !files.iter().any(|f| f.table == Table::Persons) {
        report.errors.push(crate::msg!(ImportNoPersonsTable));
    }
    // Regions, persons and measures first (the others refer to them), then the other
    // tables in parallel: they only read the accepted persons and measures. A table's
    // rows are all read and judged before its last chunk is written (each table is one
    // file of the dataset, written in its own order), so the last chunks of persons
    // and measures (up to a row group each: about 0.7 s of one core for the 560,000
    // persons of the 1 GB export, with the other core idle when it was written in
    // line) are written on threads of their own while the next tables are read.
    let import_table =
        |state: &State<'_>,
         table: Table|
         -> Result<Option<(TableReport, TableState, Option<DataFrame>)>, ImportError> {
            let table_files: Vec<&InputFile> = files.iter().filter(|f| f.table == table).collect();
            if table_files.is_empty() {
                return Ok(None);
            }
            let mut tr = TableReport::new(table);
            let mut ts = TableState::new(table, opts.chunk_rows);
            for f in table_files {
                let fr = state.import_file(f, &mut ts, &sink, progress)?;
                tr.add(fr);
            }
            let last = ts.last_chunk();
            Ok(Some((tr, ts, last)))
        };
    const FIRST: [Table; 3] = [Table::Regions, Table::Persons, Table::Measures];
    let sink = &sink;
    let mut done: Vec<(TableReport, TableState)> = Vec::new();
    std::thread::scope(|s| -> Result<(), ImportError> {
        let mut last_writes = Vec::new();
        for table in FIRST {
            if let Some((tr, ts, last)) = import_table(&state, table)? {
                if let Some(df) = last {
                    last_writes.push(
                        std::thread::Builder::new()
                            .name("import-write".into())
                            .spawn_scoped(s, move || sink.rows(table, df))
                            .expect("thread"),
                    );
                }
                if table == Table::Regions {
                    state.regions_from(&ts);
                }
                let refs_ts = finish_table(&state, tr, ts, &mut done);
                if let Some(refs) = refs_ts {
                    state.tables.insert(table, refs);
                }
            }
        }
        // The other tables, one thread each (not rayon tasks: a table's pipeline blocks
        // on channels, and a rayon worker blocked there could starve the pool the
        // checks run on), each writing its last chunk itself; their states in the
        // order of `Table::ALL`, whatever thread ends first.
        let (state, import_table) = (&state, &import_table);
        let rest: Vec<_> = Table::ALL
            .into_iter()
            .filter(|t| !FIRST.contains(t))
            .map(|t| {
                s.spawn(
                    move || -> Result<Option<(TableReport, TableState)>, ImportError> {
                        let Some((tr, ts, last)) = import_table(state, t)? else {
                            return Ok(None);
                        };
                        if let Some(df) = last {
                            sink.rows(t, df)?;
                        }
                        Ok(Some((tr, ts)))
                    },
                )
            })
            .collect();
        for h in rest {
            if let Some((tr, ts)) = h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))? {
                finish_table(state, tr, ts, &mut done);
            }
        }
        for w in last_writes {
            w.join().unwrap_or_else(|p| std::panic::resume_unwind(p))?;
        }
        Ok(())
    })?;
    for (tr, ts) in done {
        if let Some(c) = ts.cols.cutoff {
            state.cutoff = Some(state.cutoff.map_or(c, |x| x.max(c)));
        }
        for f in &tr.files {
            if let Some(e) = &f.error {
                report.errors.push(e.clone());
            }
        }
        report.tables.push(tr);
    }
    report.derived_cutoff = state.cutoff;
    report.as_of = opts.as_of;
    if let Some(as_of) = opts.as_of {
        report.cutoff = Some(as_of);
    } else {
        report.cutoff = state.cutoff;
    }
    // The effective region table goes into the dataset.
    sink.rows(Table::Regions, state.regions.to_frame())?;
    Ok(Outcome {
        report,
        regions: state.regions,
    })
}

/// Completes a table's report; returns the table's references when other tables refer
/// to it (persons, measures). The table state is kept for the cutoff.
fn finish_table(
    state: &State<'_>,
    mut tr: TableReport,
    mut ts: TableState,
    done: &mut Vec<(TableReport, TableState)>,
) -> Option<Refs> {
    tr.unknown_regions = ts
        .cols
        .region_counts
        .iter()
        .filter(|(code, _)| !state.regions.contains(code))
        .map(|(c, n)| (c.clone(), *n))
        .collect();
    tr.accepted_ids = ts.dup.len() as u64;
    let dup = std::mem::take(&mut ts.dup);
    let refs = matches!(ts.table, Table::Persons | Table::Measures).then(|| Refs {
        accepted: dup.keys_only(),
        quarantined: std::mem::take(&mut ts.quarantined_ids),
    });
    ts.cols.region_counts.clear();
    done.push((tr, ts));
    refs
}

/// Ids accepted in a table (for reference checks) and ids whose rows were quarantined.
#[derive(Default)]
struct Refs {
    accepted: IdSet<()>,
    quarantined: rows::FingerprintMap<(String, u64)>,
}

struct State<'o> {
    opts: &'o ImportOptions,
    /// Whether the checks of a batch run on rayon's pool: not when the import itself
    /// runs on it (a worker blocked in the pipeline could leave the pool without one).
    parallel: bool,
    tables: BTreeMap<Table, Refs>,
    regions: RegionTable,
    cutoff: Option<Days>,
}

/// The table a table's `person_id` / `measure_id` refer to.
fn references(table: Table) -> &'static [(&'static str, Table, Code)] {
    match table {
        Table::Measures | Table::Detections | Table::Services | Table::Incidents => {
            &[("person_id", Table::Persons, Code::RefPerson)]
        }
        Table::Tests | Table::Transfers => &[
            ("person_id", Table::Persons, Code::RefPerson),
            ("measure_id", Table::Measures, Code::RefMeasure),
        ],
        _ => &[],
    }
}

pub fn display_name(p: &Path) -> String {
    p.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

impl<'o> State<'o> {
    fn new(opts: &'o ImportOptions) -> Self {
        State {
            opts,
            parallel: rayon::current_thread_index().is_none(),
            tables: BTreeMap::new(),
            regions: RegionTable::builtin(),
            cutoff: None,
        }
    }

    fn regions_from(&mut self, ts: &TableState) {
        for r in &ts.cols.region_rows {
            self.regions.insert(r.clone());
        }
    }

    fn import_file(
        &self,
        f: &InputFile,
        ts: &mut TableState,
        sink: &SharedSink<'_>,
        progress: &(dyn Fn(&str, u64) + Sync),
    ) -> Result<FileReport, ImportError> {
        let name = display_name(&f.path);
        let file_idx = ts.file_index;
        ts.file_index += 1;
        ts.file_names.push(name.clone());
        let mut fr = FileReport::new(f.table, &f.path);
        let table = f.table;
        let mut failure: Option<ImportError> = None;
        // A pipeline of threads, each stage in file order: the reader (read, decode,
        // scan, SHA-256) fills batches of rows; the preparer checks the rows of a batch
        // on their own in parallel (parsing, pseudonyms, references, fingerprints);
        // this thread judges duplicates and keeps the accounting and the quarantine in
        // file order; the builder fills the column buffers with the accepted rows and
        // the writer hands full chunks to the sink.
        let read = std::thread::scope(|s| {
            let (feed_tx, feed_rx) = mpsc::sync_channel::<Feed>(PIPELINE_DEPTH);
            let (prep_tx, prep_rx) = mpsc::sync_channel::<Feed>(PIPELINE_DEPTH);
            let (spare_tx, spare_rx) = mpsc::channel::<Batch>();
            let (rows_tx, rows_rx) = mpsc::sync_channel::<Vec<ParsedRow>>(PIPELINE_DEPTH);
            let (emptied_tx, emptied_rx) = mpsc::channel::<Vec<ParsedRow>>();
            let (chunk_tx, chunk_rx) = mpsc::sync_channel::<DataFrame>(1);
            let stage = |n: &str| std::thread::Builder::new().name(format!("import-{n}"));
            let reader = stage("read")
                .spawn_scoped(s, move || read_batches(f, self.opts, feed_tx, spare_rx))
                .expect("thread");
            stage("prepare")
                .spawn_scoped(s, move || {
                    let mut map = None;
                    for msg in feed_rx {
                        let msg = match msg {
                            Feed::Header(info, m) => {
                                map = m.clone();
                                Feed::Header(info, m)
                            }
                            Feed::Batch(mut b) => {
                                let mut out = std::mem::take(&mut b.prepared);
                                self.prepare(
                                    map.as_ref().expect("header before rows"),
                                    &b,
                                    &mut out,
                                );
                                b.prepared = out;
                                Feed::Batch(b)
                            }
                        };
                        if prep_tx.send(msg).is_err() {
                            break;
                        }
                    }
                })
                .expect("thread");
            let mut cols = std::mem::replace(&mut ts.cols, Columns::new(table, 0));
            let builder = stage("build")
                .spawn_scoped(s, move || {
                    for mut rows in rows_rx {
                        for row in rows.drain(..) {
                            if let Some(df) = cols.accept(row)
                                && chunk_tx.send(df).is_err()
                            {
                                return cols; // the writer failed
                            }
                        }
                        let _ = emptied_tx.send(rows);
                    }
                    cols
                })
                .expect("thread");
            let writer = stage("write")
                .spawn_scoped(s, move || -> Result<(), SinkError> {
                    for df in chunk_rx {
                        sink.rows(table, df)?;
                    }
                    Ok(())
                })
                .expect("thread");
            'feed: for msg in prep_rx {
                let mut batch = match msg {
                    Feed::Header(info, map) => {
                        fr.encoding = Some(info.format.label().to_string());
                        fr.delimiter = info.delimiter.map(|d| match d {
                            '\t' => "tab".to_string(),
                            c => c.to_string(),
                        });
                        fr.sheet = info.sheet.clone();
                        if let Some(m) = map {
                            fr.unknown_columns = m.unknown;
                        }
                        continue;
                    }
                    Feed::Batch(b) => b,
                };
                if fr.rows_read == 0 {
                    reserve_ids(&mut ts.dup, &f.path, &batch);
                }
                let mut accepted = emptied_rx.try_recv().unwrap_or_default();
                let mut prepared = std::mem::take(&mut batch.prepared);
                prefetch_buckets(&ts.dup, &prepared);
                for (i, item) in batch.rows.iter().enumerate() {
                    if i % PREFETCH_ROWS == 0 {
                        // The next group's, while this group is judged.
                        let next = prepared.get(i + PREFETCH_ROWS..).unwrap_or_default();
                        prefetch_buckets(&ts.dup, next);
                    }
                    let prep = std::mem::replace(&mut prepared[i], Prepared::Broken);
                    fr.rows_read += 1;
                    if fr.rows_read.is_multiple_of(100_000) {
                        progress(&name, fr.rows_read);
                    }
                    let outcome = match item {
                        BatchRow::Broken { line, code, raw } => RowOutcome::Quarantined(
                            *line,
                            vec![RowIssue::new(*code, None)],
                            raw.clone(),
                        ),
                        BatchRow::Cells { line, start, end } => {
                            let raw = || batch.cells(*start, *end).iter().map(cell_raw).collect();
                            Self::check_row(table, ts, file_idx, *line, raw, prep, &mut accepted)
                        }
                    };
                    match outcome {
                        RowOutcome::Accepted => fr.accepted += 1,
                        RowOutcome::Merged => fr.merged += 1,
                        RowOutcome::Quarantined(line, issues, raw) => {
                            fr.quarantined += 1;
                            for i in &issues {
                                let stat = fr.codes.entry(i.code.as_str().to_string()).or_insert(
                                    CodeStat {
                                        count: 0,
                                        example_line: line,
                                        example_message: i.text(),
                                    },
                                );
                                stat.count += 1;
                            }
                            let record = QuarantineRecord {
                                file: name.clone(),
                                line,
                                issues,
                                raw,
                            };
                            if let Err(e) = sink.quarantine(table, &record) {
                                failure = Some(e.into());
                                break 'feed;
                            }
                        }
                    }
                }
                prepared.clear();
                batch.prepared = prepared;
                if rows_tx.send(accepted).is_err() {
                    break; // the writer failed: its error is taken below
                }
                batch.clear();
                let _ = spare_tx.send(batch);
            }
            drop(rows_tx);
            ts.cols = builder
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            if let Err(e) = writer
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
            {
                failure.get_or_insert(e.into());
            }
            reader
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        });
        if let Some(e) = failure {
            return Err(e);
        }
        match read {
            Ok((sha, size)) => {
                fr.sha256 = Some(sha);
                fr.size = Some(size);
            }
            Err(e) => {
                fr.sha256 = source::file_digest(&f.path).ok().map(|(s, _)| s);
                fr.error = Some(e.text());
            }
        }
        fr.id_contradictions = std::mem::take(&mut ts.cols.contradictions);
        fr.id_suspect_cut = std::mem::take(&mut ts.cols.suspect_cut);
        if fr.rows_read != fr.accepted + fr.merged + fr.quarantined {
            return Err(ImportError::Accounting {
                detail: crate::msg!(
                    ImportAccounting,
                    file = name,
                    read = fr.rows_read,
                    accepted = fr.accepted,
                    merged = fr.merged,
                    quarantined = fr.quarantined
                ),
            });
        }
        if fr.error.is_none() && fr.rows_read == 0 && table == Table::Persons {
            fr.error = Some(
                FileError::NoPersons {
                    path: f.path.clone(),
                }
                .text(),
            );
        } else if fr.error.is_none() && fr.rows_read == 0 {
            fr.warnings.push(crate::msg!(ImportHeaderOnly));
        }
        if fr.error.is_none() && fr.rows_read > 0 {
            let rate = fr.quarantined as f64 / fr.rows_read as f64;
            if rate > self.opts.max_reject_rate {
                fr.error = Some(
                    FileError::RejectRate {
                        path: f.path.clone(),
                        table: table.name(),
                        read: fr.rows_read,
                        quarantined: fr.quarantined,
                        pct: rate * 100.0,
                        limit_pct: self.opts.max_reject_rate * 100.0,
                        cause: likely_cause(&fr),
                    }
                    .text(),
                );
            }
        }
        Ok(fr)
    }

    /// The serial part of the contract's order, in file order: a row refused by its
    /// own checks or its references is quarantined (and its id remembered); a row still
    /// standing is judged against the rows accepted before it on the table's key.
    fn check_row(
        table: Table,
        ts: &mut TableState,
        file_idx: u32,
        line: u64,
        raw: impl FnOnce() -> Vec<String>,
        prep: Prepared,
        accepted: &mut Vec<ParsedRow>,
    ) -> RowOutcome {
        match prep {
            Prepared::Broken => unreachable!("cells are prepared"),
            Prepared::Refused { issues, id } => {
                if let Some(key) = id {
                    ts.quarantined_ids
                        .entry(key)
                        .or_insert_with(|| (ts.file_names[file_idx as usize].clone(), line));
                }
                RowOutcome::Quarantined(line, issues, raw())
            }
            Prepared::Parsed {
                row,
                id_key,
                content,
            } => match ts
                .dup
                .get_or_insert(id_key, FirstRow::new(content, file_idx, line))
            {
                Some(first) => {
                    if first.content() == content {
                        return RowOutcome::Merged;
                    }
                    let first_name = &ts.file_names[first.file() as usize];
                    let first_line = first.line();
                    let issue =
                        RowIssue::new(Code::DuplicateConflict, Some(table.key_columns()[0]))
                            .with_text(crate::msg!(
                                DetailFirstRowAt,
                                file = first_name,
                                line = first_line
                            ));
                    RowOutcome::Quarantined(line, vec![issue], raw())
                }
                None => {
                    accepted.push(row);
                    RowOutcome::Accepted
                }
            },
        }
    }

    /// The checks of each row of a batch that need no other row, in parallel, in the
    /// contract's order: the row on its own (parsing, pseudonyms), then its references
    /// against the accepted rows of the referenced tables (complete before this table
    /// starts); then the fingerprints of the key and the content of a row still
    /// standing. Rows go in runs of [`PREPARE_RUN`]: every row of a run is parsed, the
    /// buckets its references will read are prefetched in a loop of their own, then
    /// the run's references are looked up (the sets of accepted ids are far larger
    /// than the caches).
    fn prepare(&self, map: &rows::HeaderMap, batch: &Batch, out: &mut Vec<Prepared>) {
        use rayon::prelude::*;
        let table = map.table;
        let key = &self.opts.key;
        let refs: Vec<(usize, Table, Code, Option<&Refs>)> = references(table)
            .iter()
            .map(|&(col, target, code)| {
                let ci = column_index(table, col).expect("reference column");
                (ci, target, code, self.tables.get(&target))
            })
            .collect();
        debug_assert!(refs.len() <= 2, "Parsing::ref_keys holds two");
        // The row on its own, and the fingerprints of the ids it refers to.
        let parse = |r: &BatchRow| -> Option<Parsing> {
            let BatchRow::Cells { start, end, .. } = r else {
                return None;
            };
            let slots = &batch.slots[*start..*end];
            let cell = |i: usize| slots.get(i).map(|s| s.cell(&batch.text));
            let (mut issues, values, facts) = match rows::parse_row_with(map, cell, key) {
                Ok(p) => (
                    Vec::new(),
                    p.values,
                    Some((p.name_hash, p.id_contradiction, p.id_suspect_cut)),
                ),
                Err((issues, values)) => (issues, values, None),
            };
            // Undecodable bytes anywhere in the row, mapped column or not.
            if !issues.iter().any(|i| i.code == Code::Decode)
                && slots.iter().any(|s| matches!(s, Slot::Undecodable))
            {
                issues.push(RowIssue::new(Code::Decode, None));
            }
            let mut ref_keys = [None; 2];
            for (k, &(ci, ..)) in ref_keys.iter_mut().zip(&refs) {
                *k = values[ci].as_str().map(|id| rows::hash128(id.as_bytes()));
            }
            Some(Parsing {
                issues,
                values,
                facts,
                ref_keys,
            })
        };
        // References, against the rows accepted in the referenced tables; fingerprints.
        let finish = |p: Option<Parsing>| -> Prepared {
            let Some(Parsing {
                mut issues,
                values,
                facts,
                ref_keys,
            }) = p
            else {
                return Prepared::Broken;
            };
            for (&(ci, target, code, refs), key) in refs.iter().zip(ref_keys) {
                let Some(key) = key else {
                    continue;
                };
                if refs.is_some_and(|r| r.accepted.contains(key)) {
                    continue;
                }
                let col_static: &'static str = table.columns()[ci].name;
                let issue = match refs.and_then(|r| r.quarantined.get(&key)) {
                    Some((file, l)) => {
                        RowIssue::new(code, Some(col_static)).with_text(Text::each(|lang| {
                            Msg::DetailRefQuarantined.render(
                                lang,
                                &[
                                    ("target", &target_name(target, lang)),
                                    ("file", file),
                                    ("line", &l),
                                ],
                            )
                        }))
                    }
                    None if refs.is_none() => {
                        RowIssue::new(code, Some(col_static)).with_text(Text::each(|lang| {
                            Msg::DetailRefNoTable
                                .render(lang, &[("target", &target_name(target, lang))])
                        }))
                    }
                    None => RowIssue::new(code, Some(col_static)),
                };
                issues.push(issue);
            }
            if !issues.is_empty() {
                let id = values[0].as_str().map(|id| rows::hash128(id.as_bytes()));
                return Prepared::Refused { issues, id };
            }
            let (name_hash, id_contradiction, id_suspect_cut) =
                facts.expect("no issues means parsed");
            let row = ParsedRow {
                values,
                name_hash,
                id_contradiction,
                id_suspect_cut,
            };
            Prepared::Parsed {
                id_key: row_key(table, &row.values),
                content: rows::content_hash(&row),
                row,
            }
        };
        let run = |rows: &[BatchRow], out: &mut [Prepared]| {
            let parsed: smallvec::SmallVec<[Option<Parsing>; PREPARE_RUN]> =
                rows.iter().map(parse).collect();
            // In a loop of their own, so that their page look-ups overlap (see
            // `prefetch_buckets`).
            for p in parsed.iter().flatten() {
                for (key, &(.., target)) in p.ref_keys.iter().zip(&refs) {
                    if let (Some(key), Some(r)) = (key, target) {
                        r.accepted.prefetch(*key);
                    }
                }
            }
            for (o, p) in out.iter_mut().zip(parsed) {
                *o = finish(p);
            }
        };
        out.clear();
        out.resize_with(batch.rows.len(), || Prepared::Broken);
        if self.parallel {
            out.par_chunks_mut(PREPARE_RUN)
                .zip(batch.rows.par_chunks(PREPARE_RUN))
                .with_min_len(4)
                .for_each(|(o, rows)| run(rows, o));
        } else {
            for (o, rows) in out
                .chunks_mut(PREPARE_RUN)
                .zip(batch.rows.chunks(PREPARE_RUN))
            {
                run(rows, o);
            }
        }
    }
}

/// A row of a batch parsed and checked on its own, before its references.
struct Parsing {
    issues: Vec<RowIssue>,
    values: rows::Values,
    /// The parsed row's facts; `None` when a check failed.
    facts: Option<(u64, bool, bool)>,
    /// Fingerprints of the ids in the reference columns ([`references`]).
    ref_keys: [Option<u128>; 2],
}

/// Rows parsed before their references are looked up (see [`State::prepare`]).
const PREPARE_RUN: usize = 32;

/// What flows from the reader through the preparer to the checker: the header (and
/// its mapping, unless it failed), then batches of rows with their checks on their own
/// (empty until prepared).
enum Feed {
    Header(SourceInfo, Option<rows::HeaderMap>),
    Batch(Batch),
}

/// Batches in flight between two stages of a file's pipeline.
const PIPELINE_DEPTH: usize = 2;

/// The reader stage: reads a file into batches of [`BATCH_ROWS`] rows (recycling the
/// batches the checker is done with) and returns the file's SHA-256 and size.
fn read_batches(
    f: &InputFile,
    opts: &ImportOptions,
    feed: mpsc::SyncSender<Feed>,
    spare: mpsc::Receiver<Batch>,
) -> Result<(String, u64), FileError> {
    let ropts = ReadOptions {
        encoding: opts.encoding,
        sheet: opts.sheet.as_deref(),
        max_record_bytes: opts.max_record_bytes,
    };
    let table = f.table;
    let path = &f.path;
    let closed = || FileError::Io {
        path: path.clone(),
        source: std::io::Error::other("output failed"),
    };
    let mut batch = Batch::default();
    let read = {
        let mut on_header = |info: &SourceInfo| -> Result<(), FileError> {
            let (map, err) = match rows::map_header(table, &info.header) {
                Ok(m) => (Some(m), None),
                Err(HeaderError::Missing(c)) => (
                    None,
                    Some(FileError::MissingColumn {
                        path: path.clone(),
                        table: table.name(),
                        column: c.name,
                        aliases: std::iter::once(c.name)
                            .chain(c.aliases.iter().copied())
                            .collect::<Vec<_>>()
                            .join(", "),
                        found: info.header.join(", "),
                    }),
                ),
                Err(HeaderError::Ambiguous {
                    column,
                    first,
                    second,
                }) => (
                    None,
                    Some(FileError::AmbiguousHeader {
                        path: path.clone(),
                        column,
                        first,
                        second,
                    }),
                ),
            };
            feed.send(Feed::Header(info.clone(), map))
                .map_err(|_| closed())?;
            err.map_or(Ok(()), Err)
        };
        // A full batch goes to the preparer.
        let sent = |batch: &mut Batch| -> Result<(), FileError> {
            if batch.rows.len() >= BATCH_ROWS {
                let next = spare.try_recv().unwrap_or_else(|_| batch.like());
                feed.send(Feed::Batch(std::mem::replace(batch, next)))
                    .map_err(|_| closed())?;
            }
            Ok(())
        };
        let filling = std::cell::RefCell::new(&mut batch);
        let mut on_row = |row: RawRow<'_>| -> Result<(), FileError> {
            let mut b = filling.borrow_mut();
            b.push(row);
            sent(&mut b)
        };
        let mut on_fields =
            |line: u64, text: &str, ends: &[usize], sep: usize| -> Result<(), FileError> {
                let mut b = filling.borrow_mut();
                b.push_fields(line, text, ends, sep);
                sent(&mut b)
            };
        source::read_file_with(
            path,
            &ropts,
            &mut on_header,
            &mut on_row,
            Some(&mut on_fields),
        )
    };
    // The rows read before the end of the file or before a file-level error.
    if !batch.rows.is_empty() {
        let _ = feed.send(Feed::Batch(batch));
    }
    read
}

/// A table's name in a message: its first Chinese name, or its English one.
fn target_name(t: Table, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => t.zh_names()[0],
        Lang::En => t.name(),
    }
}

/// The hash of a row's key ([`Table::key_columns`]): the id, or (region, year) for the
/// population table. Every key column is required, so an accepted row has them all.
fn row_key(table: Table, values: &[Val]) -> u128 {
    match table.key_columns() {
        [one] => {
            let v = &values[column_index(table, one).expect("key column")];
            rows::hash128(v.as_str().expect("required id").as_bytes())
        }
        cols => {
            let mut buf = Vec::new();
            for c in cols {
                match &values[column_index(table, c).expect("key column")] {
                    Val::Str(s) => buf.extend_from_slice(s.as_bytes()),
                    Val::Int(n) => buf.extend_from_slice(&n.to_le_bytes()),
                    Val::Date(d) => buf.extend_from_slice(&d.to_le_bytes()),
                    Val::Null => {}
                }
                buf.push(0xFF);
            }
            rows::hash128(&buf)
        }
    }
}

/// Makes room in the duplicate table for the rows of a file, estimated from the size of
/// its text ([`source::text_size`]: a gzip file's uncompressed size) and its first
/// batch: growing a map of tens of millions of ids step by step costs more than the
/// checks (each step copies it and the system zeroes fresh memory). Sized from its
/// compressed length, the table of the sample's `检测.csv.gz` (732,068 tests) had room
/// for about 94,000 ids and was rebuilt three times.
fn reserve_ids<V>(dup: &mut IdSet<V>, path: &Path, first: &Batch) {
    let size = source::text_size(path);
    // The batch's text and one delimiter or line end per cell.
    let bytes = (first.text.len() - first.delimiters + first.slots.len()).max(1) as u64;
    let rows = first.rows.len() as u64;
    let estimate = size.saturating_mul(rows) / bytes;
    dup.reserve(estimate.min(size / 2).min(1 << 31) as usize);
}

/// Rows whose buckets of the duplicate table are loaded together ([`prefetch_buckets`]):
/// the checker loads the next group's while it judges a group.
const PREFETCH_ROWS: usize = 128;

/// Asks the processor to load the buckets of the duplicate table that the first
/// [`PREFETCH_ROWS`] rows of `prepared` will look up, in a loop of its own.
///
/// The table is far larger than the caches and than what the processor's address
/// cache (TLB) covers, so the bucket of a row is on a page the processor has to look
/// up in the page tables before the load can even start, and a prefetch instruction
/// waits for that look-up. Interleaved with the judging of the rows (one prefetch a
/// few rows ahead, as before), each of those waits stalled the judging; a loop of
/// nothing but prefetches keeps several look-ups in flight at once. `perf annotate`
/// of the 1 GB import had put 93 % of the checking loop's samples on the instruction
/// after its prefetch. A simulation (`scripts/prefetch-sim.c`: 13 M lookups into a
/// 580 MB table, ≈ 40 operations of other work per row) took 0.73–2.2 s with one
/// prefetch 12 rows ahead (as before), 0.50–0.62 s with the next group's prefetched
/// while a group is judged, and 0.26–0.30 s for the work alone.
#[inline]
fn prefetch_buckets<V>(dup: &IdSet<V>, prepared: &[Prepared]) {
    for p in prepared.iter().take(PREFETCH_ROWS) {
        if let Prepared::Parsed { id_key, .. } = p {
            dup.prefetch(*id_key);
        }
    }
}

/// Rows per batch of [`State::prepare`].
const BATCH_ROWS: usize = 8192;

/// Rows read but not yet checked: their cells' text in one buffer, and once prepared,
/// the outcome of their checks on their own.
#[derive(Default)]
struct Batch {
    text: String,
    /// Bytes of `text` that are delimiters kept between fields (rows of
    /// [`Batch::push_fields`]), left out of the estimate of [`reserve_ids`].
    delimiters: usize,
    slots: Vec<Slot>,
    rows: Vec<BatchRow>,
    prepared: Vec<Prepared>,
}

enum BatchRow {
    Cells {
        line: u64,
        start: usize,
        end: usize,
    },
    Broken {
        line: u64,
        code: Code,
        raw: Vec<String>,
    },
}

/// A cell of a [`Batch`]: its text is a range of the batch's buffer.
enum Slot {
    Empty,
    Text(usize, usize),
    Number(f64),
    DateSerial(f64),
    Undecodable,
}

impl Slot {
    fn cell<'b>(&self, text: &'b str) -> Cell<'b> {
        match *self {
            Slot::Empty => Cell::Empty,
            Slot::Text(a, b) => Cell::Text(std::borrow::Cow::Borrowed(&text[a..b])),
            Slot::Number(n) => Cell::Number(n),
            Slot::DateSerial(n) => Cell::DateSerial(n),
            Slot::Undecodable => Cell::Undecodable,
        }
    }
}

impl Batch {
    fn push(&mut self, row: RawRow<'_>) {
        match row {
            RawRow::Broken { line, code, raw } => {
                self.rows.push(BatchRow::Broken { line, code, raw })
            }
            RawRow::Cells { line, cells } => {
                let start = self.slots.len();
                for c in cells {
                    let slot = match c {
                        Cell::Empty => Slot::Empty,
                        Cell::Text(t) => {
                            let a = self.text.len();
                            self.text.push_str(t);
                            Slot::Text(a, self.text.len())
                        }
                        Cell::Number(n) => Slot::Number(*n),
                        Cell::DateSerial(n) => Slot::DateSerial(*n),
                        Cell::Undecodable => Slot::Undecodable,
                    };
                    self.slots.push(slot);
                }
                self.rows.push(BatchRow::Cells {
                    line,
                    start,
                    end: self.slots.len(),
                });
            }
        }
    }

    /// A row of text fields: `text` holds them, field `i` ends at `ends[i]` and the
    /// next one starts `sep` bytes later (what [`Batch::push`] makes of the same row
    /// as cells).
    fn push_fields(&mut self, line: u64, text: &str, ends: &[usize], sep: usize) {
        let base = self.text.len();
        self.text.push_str(text);
        self.delimiters += ends.len().saturating_sub(1) * sep;
        let start = self.slots.len();
        let mut a = 0;
        for &e in ends {
            self.slots.push(if e == a {
                Slot::Empty
            } else {
                Slot::Text(base + a, base + e)
            });
            a = e + sep;
        }
        self.rows.push(BatchRow::Cells {
            line,
            start,
            end: self.slots.len(),
        });
    }

    /// The cells of a row (at most a few dozen: on the stack).
    fn cells(&self, start: usize, end: usize) -> CellBuf<'_> {
        self.slots[start..end]
            .iter()
            .map(|s| s.cell(&self.text))
            .collect()
    }

    /// An empty batch with room for what this one holds: the batches of a file are
    /// alike, and one grown by doubling copies its buffers and touches about twice
    /// their memory (fresh memory, which the system zeroes page by page).
    fn like(&self) -> Batch {
        Batch {
            text: String::with_capacity(self.text.len()),
            delimiters: 0,
            slots: Vec::with_capacity(self.slots.len()),
            rows: Vec::with_capacity(self.rows.len()),
            prepared: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.delimiters = 0;
        self.slots.clear();
        self.rows.clear();
    }
}

type CellBuf<'b> = smallvec::SmallVec<[Cell<'b>; 24]>;

/// A row of a batch after the checks that need no other row.
enum Prepared {
    /// A row the reader could not split into cells.
    Broken,
    /// Refused by its own checks or its references; the fingerprint of its id.
    Refused {
        issues: Vec<RowIssue>,
        id: Option<u128>,
    },
    /// Still standing, with the fingerprints of its key and content.
    Parsed {
        row: ParsedRow,
        id_key: u128,
        content: u128,
    },
}

enum RowOutcome {
    Accepted,
    Merged,
    Quarantined(u64, Vec<RowIssue>, Vec<String>),
}

fn cell_raw(c: &Cell<'_>) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.to_string(),
        Cell::Number(n) | Cell::DateSerial(n) => format!("{n}"),
        Cell::Undecodable => "\u{FFFD}".to_string(),
    }
}

/// A hint for a file whose rows were mostly refused, from its most frequent error.
fn likely_cause(fr: &FileReport) -> Text {
    let top = fr
        .codes
        .iter()
        .max_by_key(|(code, s)| (s.count, std::cmp::Reverse((*code).clone())))
        .map(|(c, _)| c.as_str());
    let m = match top {
        Some("E_DECODE") => Msg::CauseEncoding,
        Some("E_FIELD_COUNT") => Msg::CauseDelimiter,
        Some("E_REF_PERSON") | Some("E_REF_MEASURE") => Msg::CauseReference,
        Some("E_ID_MANGLED") => Msg::CauseIdMangled,
        Some("E_RECORD_TOO_LONG") | Some("E_UNCLOSED_QUOTE") => Msg::CauseQuoting,
        Some(_) => Msg::CauseHeaderMapping,
        None => Msg::CauseUnknown,
    };
    m.text(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::pseudo::Key;
    use crate::input::quarantine::QuarantineRecord;
    use crate::input::sink::{MemorySink, SinkError};
    use crate::sample::{Format, SampleConfig, Scale, generate};

    /// A sink that refuses the rows of one table (a full disk, say).
    struct RefusingSink {
        refuse: Table,
        inner: MemorySink,
    }

    impl Sink for RefusingSink {
        fn rows(&mut self, table: Table, chunk: DataFrame) -> Result<(), SinkError> {
            if table == self.refuse {
                return Err(SinkError::Io {
                    path: PathBuf::from(format!("{}.parquet", table.name())),
                    source: std::io::Error::other("no space left on device"),
                });
            }
            self.inner.rows(table, chunk)
        }

        fn quarantine(&mut self, table: Table, r: &QuarantineRecord) -> Result<(), SinkError> {
            self.inner.quarantine(table, r)
        }
    }

    /// The last chunk of persons and measures is written on a thread of its own while
    /// the next tables are read, that of every other table on the table's thread: a
    /// write that fails in either place fails the import with the sink's error.
    #[test]
    fn a_failed_write_of_a_last_chunk_fails_the_import() {
        let dir = tempfile::tempdir().unwrap();
        let export = dir.path().join("export");
        let config = SampleConfig {
            scale: Scale::Persons(200),
            seed: 7,
            dirty: false,
            format: Format::Csv,
        };
        generate(&config, &export, &|_| {}).unwrap();
        let found = source::discover(&[export], &[]).unwrap();
        let opts = ImportOptions::new(Key::from_bytes([3; 32], false));
        for refuse in [Table::Persons, Table::Measures, Table::Tests] {
            let mut sink = RefusingSink {
                refuse,
                inner: MemorySink::default(),
            };
            let got = import(&found.files, &found.ignored, &opts, &mut sink, &|_, _| {});
            let Err(ImportError::Sink(SinkError::Io { path, .. })) = got else {
                panic!("refusing {refuse:?}: the import did not fail with the sink's error");
            };
            assert_eq!(path, PathBuf::from(format!("{}.parquet", refuse.name())));
        }
        // And with a sink that takes everything, every table arrives.
        let mut sink = MemorySink::default();
        import(&found.files, &found.ignored, &opts, &mut sink, &|_, _| {}).unwrap();
        for t in [Table::Persons, Table::Measures, Table::Tests] {
            assert!(
                sink.frames.get(&t).is_some_and(|f| f[0].height() > 0),
                "{t:?}"
            );
        }
    }
}
