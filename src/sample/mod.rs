//! Synthetic sample data (`jindu sample`): this module owns the generator of fake but
//! realistic platform exports in the DATA.md format — the simulated persons and their
//! histories ([`simulate`]), the geography and the allocation of persons to places and
//! years ([`regions`]), the officers ([`officers`]), the calibration of the simulation
//! against the published figures of SEED-FACTS.md ([`calibrate`]), and the writing of
//! the ten tables (the synthetic `population` of [`population`] and the `incidents` of
//! [`incidents`] included) as CSV, CSV.gz and XLSX with Chinese headers and labels, optionally
//! with the defects real exports have ([`write`]). It has its own PRNG ([`rng`]) so the
//! same seed gives byte-identical files on every machine and thread count. Nothing in
//! it describes real persons: names are `虚构人员0000123`, ID numbers are generated.
//!
//! Output layout (`Format::Csv`): `人员.csv` and `措施.csv` in GB18030 with CRLF line
//! ends (as the platform's Windows export writes them), `查获.csv` UTF-8 with BOM, the
//! rest UTF-8 without BOM; at up to [`COMPACT_MAX_PERSONS`] persons the two big tables
//! are gzipped (`检测.csv.gz`, `帮扶.csv.gz`) and the officers come as `专干.xlsx`; above
//! that everything is plain `.csv` (gzip is too slow for the national scale).

pub mod calibrate;
pub mod digits;
pub mod incidents;
pub mod officers;
pub mod population;
pub mod regions;
pub mod rng;
pub mod simulate;
pub mod write;

use crate::schema::Table;
use rayon::prelude::*;
use simulate::World;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Up to this many persons, `Format::Csv` gzips the big tables and writes the officers
/// as XLSX, like a county or provincial export; above it all tables are plain CSV.
pub const COMPACT_MAX_PERSONS: u64 = 200_000;
/// Blocks simulated and formatted in parallel before being written in order.
const CHUNK_BLOCKS: u64 = 32;
/// Data rows per XLSX sheet (Excel's 1,048,576 rows less the header).
const XLSX_MAX_ROWS: u64 = 1_048_575;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scale {
    /// Ningxia, calibrated to SEED-FACTS.md (31,387 persons).
    Ningxia,
    /// Ningxia plus 30 provinces with generated cities, counties and townships,
    /// 2.5 million persons.
    National,
    /// Ningxia's geography and time shape with this many persons.
    Persons(u64),
    /// `national:N`: the national geography (Ningxia calibrated as in `ningxia`, plus 30
    /// provinces) with N persons outside Ningxia: a national structure small enough for
    /// tests, with many small cells.
    NationalPersons(u64),
}

impl FromStr for Scale {
    type Err = SampleError;
    fn from_str(s: &str) -> Result<Scale, SampleError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ningxia" => Ok(Scale::Ningxia),
            "national" => Ok(Scale::National),
            n if n.starts_with("national:") => n["national:".len()..]
                .parse()
                .ok()
                .filter(|&n| n > 0)
                .map(Scale::NationalPersons)
                .ok_or_else(|| SampleError::BadScale(s.to_string())),
            n => n
                .parse()
                .map(Scale::Persons)
                .map_err(|_| SampleError::BadScale(s.to_string())),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    /// Not written by this module (returns [`SampleError::Unsupported`]).
    Parquet,
}

#[derive(Debug, Clone)]
pub struct SampleConfig {
    pub scale: Scale,
    pub seed: u64,
    pub dirty: bool,
    pub format: Format,
}

#[derive(Debug, Clone)]
pub struct FileSummary {
    pub table: Table,
    pub path: PathBuf,
    /// Data rows written (header excluded; dirty extra rows included).
    pub rows: u64,
    pub bytes: u64,
    /// `UTF-8`, `UTF-8 with BOM`, `GB18030` or `XLSX`.
    pub encoding: &'static str,
    pub gzip: bool,
}

#[derive(Debug, Clone)]
pub struct SampleSummary {
    pub persons: u64,
    pub files: Vec<FileSummary>,
}

impl SampleSummary {
    pub fn rows(&self) -> u64 {
        self.files.iter().map(|f| f.rows).sum()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SampleError {
    #[error("invalid scale {0:?}: expected ningxia, national, national:N or a number of persons")]
    BadScale(String),
    #[error("{0}")]
    Unsupported(String),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {message}")]
    Xlsx { path: PathBuf, message: String },
    #[error(
        "table {table} has {rows} rows, more than an XLSX sheet holds ({XLSX_MAX_ROWS}); use --format csv"
    )]
    TooManyRows { table: Table, rows: u64 },
}

/// The world (geography, allocation, officers) of a scale.
pub fn world_for(scale: &Scale, seed: u64) -> World {
    let base: u64 = regions::base_new_users().iter().sum();
    match scale {
        Scale::Ningxia => World::new(seed, base, 0),
        Scale::Persons(n) => World::new(seed, *n, 0),
        Scale::National => World::new(seed, base, simulate::NATIONAL_PERSONS - base),
        Scale::NationalPersons(n) => World::new(seed, base, *n),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Csv { gz: bool, gb18030: bool, bom: bool },
    Xlsx,
}

fn kind_of(t: Table, format: Format, compact: bool) -> Kind {
    if format == Format::Xlsx || (compact && t == Table::Officers) {
        return Kind::Xlsx;
    }
    let gb18030 = matches!(t, Table::Persons | Table::Measures);
    let gz = compact && matches!(t, Table::Tests | Table::Services);
    Kind::Csv {
        gz,
        gb18030,
        bom: t == Table::Detections,
    }
}

enum Out {
    Plain(BufWriter<File>),
    Gz(Box<flate2::write::GzEncoder<BufWriter<File>>>),
    Xlsx(Box<XlsxSheet>),
}

struct XlsxSheet {
    book: rust_xlsxwriter::Workbook,
    row: u32,
    date: rust_xlsxwriter::Format,
}

struct Writer {
    table: Table,
    path: PathBuf,
    kind: Kind,
    out: Out,
    rows: u64,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SampleError + '_ {
    move |source| SampleError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn xlsx_err(path: &Path) -> impl FnOnce(rust_xlsxwriter::XlsxError) -> SampleError + '_ {
    move |e| SampleError::Xlsx {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

impl Writer {
    fn create(dir: &Path, table: Table, kind: Kind) -> Result<Writer, SampleError> {
        let stem = table.zh_names()[0];
        let name = match kind {
            Kind::Xlsx => format!("{stem}.xlsx"),
            Kind::Csv { gz: true, .. } => format!("{stem}.csv.gz"),
            Kind::Csv { .. } => format!("{stem}.csv"),
        };
        let path = dir.join(name);
        let out = match kind {
            Kind::Xlsx => {
                let mut book = rust_xlsxwriter::Workbook::new();
                let created = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 12, 31)
                    .map_err(xlsx_err(&path))?;
                book.set_properties(
                    &rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created),
                );
                let sheet = book.add_worksheet();
                sheet.set_name(stem).map_err(xlsx_err(&path))?;
                for (i, c) in table.columns().iter().enumerate() {
                    sheet
                        .write_string(0, i as u16, c.zh_header())
                        .map_err(xlsx_err(&path))?;
                }
                let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
                Out::Xlsx(Box::new(XlsxSheet { book, row: 1, date }))
            }
            Kind::Csv { gz, .. } => {
                let f =
                    BufWriter::with_capacity(1 << 20, File::create(&path).map_err(io_err(&path))?);
                if gz {
                    let gz = flate2::write::GzEncoder::new(f, flate2::Compression::new(6));
                    Out::Gz(Box::new(gz))
                } else {
                    Out::Plain(f)
                }
            }
        };
        let mut w = Writer {
            table,
            path,
            kind,
            out,
            rows: 0,
        };
        if let Kind::Csv { bom, .. } = kind {
            if bom {
                w.write_raw(b"\xEF\xBB\xBF")?;
            }
            let h = write::header(table, w.eol());
            w.write_text(&h)?;
        }
        Ok(w)
    }

    fn crlf(&self) -> bool {
        matches!(self.kind, Kind::Csv { gb18030: true, .. })
    }

    fn eol(&self) -> &'static [u8] {
        if self.crlf() { b"\r\n" } else { b"\n" }
    }

    fn write_raw(&mut self, b: &[u8]) -> Result<(), SampleError> {
        let r = match &mut self.out {
            Out::Plain(f) => f.write_all(b),
            Out::Gz(f) => f.write_all(b),
            Out::Xlsx(_) => Ok(()),
        };
        r.map_err(io_err(&self.path))
    }

    /// Writes UTF-8 CSV text, encoded as the file requires (or into the sheet).
    fn write_text(&mut self, text: &[u8]) -> Result<(), SampleError> {
        match self.kind {
            Kind::Csv { gb18030: true, .. } => {
                let s = std::str::from_utf8(text).unwrap_or_default();
                let (bytes, _, _) = encoding_rs::GB18030.encode(s);
                let bytes = bytes.into_owned();
                self.write_raw(&bytes)
            }
            Kind::Csv { .. } => self.write_raw(text),
            Kind::Xlsx => self.write_sheet_rows(text),
        }
    }

    fn write_sheet_rows(&mut self, text: &[u8]) -> Result<(), SampleError> {
        let Out::Xlsx(x) = &mut self.out else {
            return Ok(());
        };
        let s = std::str::from_utf8(text).unwrap_or_default();
        let sheet = x
            .book
            .worksheet_from_index(0)
            .map_err(xlsx_err(&self.path))?;
        for line in s.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            if x.row as u64 > XLSX_MAX_ROWS {
                return Err(SampleError::TooManyRows {
                    table: self.table,
                    rows: x.row as u64,
                });
            }
            for (i, cell) in line.split(',').enumerate() {
                if cell.is_empty() {
                    continue;
                }
                let col = i as u16;
                let res = match write::parse_iso(cell).filter(|_| write::is_date_col(self.table, i))
                {
                    Some((y, m, d)) => match rust_xlsxwriter::ExcelDateTime::from_ymd(y, m, d) {
                        Ok(dt) => sheet
                            .write_datetime_with_format(x.row, col, &dt, &x.date)
                            .map(|_| ()),
                        Err(_) => sheet.write_string(x.row, col, cell).map(|_| ()),
                    },
                    None => sheet.write_string(x.row, col, cell).map(|_| ()),
                };
                res.map_err(xlsx_err(&self.path))?;
            }
            x.row += 1;
        }
        Ok(())
    }

    fn finish(self) -> Result<FileSummary, SampleError> {
        let Writer {
            table,
            path,
            kind,
            out,
            rows,
        } = self;
        match out {
            Out::Plain(mut f) => f.flush().map_err(io_err(&path))?,
            Out::Gz(f) => {
                let mut inner = f.finish().map_err(io_err(&path))?;
                inner.flush().map_err(io_err(&path))?;
            }
            Out::Xlsx(mut x) => {
                if let Ok(sheet) = x.book.worksheet_from_index(0) {
                    sheet.set_column_width(0, 16).map_err(xlsx_err(&path))?;
                    sheet.set_freeze_panes(1, 0).map_err(xlsx_err(&path))?;
                }
                x.book.save(&path).map_err(xlsx_err(&path))?;
            }
        }
        let bytes = std::fs::metadata(&path).map_err(io_err(&path))?.len();
        let (encoding, gzip) = match kind {
            Kind::Xlsx => ("XLSX", false),
            Kind::Csv {
                gz, gb18030: true, ..
            } => ("GB18030", gz),
            Kind::Csv { gz, bom: true, .. } => ("UTF-8 with BOM", gz),
            Kind::Csv { gz, .. } => ("UTF-8", gz),
        };
        Ok(FileSummary {
            table,
            path,
            rows,
            bytes,
            encoding,
            gzip,
        })
    }
}

/// Generates the sample export into `out_dir` (created if needed). `progress` is called
/// with the number of data rows written so far, after every chunk of blocks.
pub fn generate(
    cfg: &SampleConfig,
    out_dir: &Path,
    progress: &dyn Fn(u64),
) -> Result<SampleSummary, SampleError> {
    if cfg.format == Format::Parquet {
        return Err(SampleError::Unsupported(
            "the sample generator writes CSV or XLSX; Parquet is written by the engine's canonical writer".into(),
        ));
    }
    if cfg.format == Format::Xlsx && cfg.scale == Scale::National {
        return Err(SampleError::TooManyRows {
            table: Table::Tests,
            rows: 60_000_000,
        });
    }
    std::fs::create_dir_all(out_dir).map_err(io_err(out_dir))?;
    let world = world_for(&cfg.scale, cfg.seed);
    let compact = world.total <= COMPACT_MAX_PERSONS;
    let mut done = 0u64;
    let mut summary = SampleSummary {
        persons: world.total,
        files: Vec::new(),
    };

    // regions, officers and population: whole tables
    for t in [Table::Regions, Table::Officers, Table::Population] {
        let mut w = Writer::create(out_dir, t, kind_of(t, cfg.format, compact))?;
        let (body, n) = match t {
            Table::Regions => write::format_regions(&world.geo.rows, w.eol()),
            Table::Officers => write::format_officers(&world, cfg.dirty, w.eol()),
            _ => write::format_population(&population::rows(&world.geo), w.eol()),
        };
        w.write_text(&body)?;
        w.rows = n;
        done += n;
        summary.files.push(w.finish()?);
    }
    progress(done);

    let mut writers = Vec::with_capacity(6);
    for t in write::BLOCK_TABLES {
        writers.push(Writer::create(out_dir, t, kind_of(t, cfg.format, compact))?);
    }
    let crlf: [bool; 6] = std::array::from_fn(|i| writers[i].crlf());
    let mut incidents = Writer::create(
        out_dir,
        Table::Incidents,
        kind_of(Table::Incidents, cfg.format, compact),
    )?;
    let incidents_eol = incidents.eol();
    let blocks = world.blocks();
    let mut b0 = 0;
    while b0 < blocks {
        let b1 = (b0 + CHUNK_BLOCKS).min(blocks);
        let outs: Vec<(write::BlockOut, (Vec<u8>, u64))> = (b0..b1)
            .into_par_iter()
            .map(|bi| {
                let block = world.simulate_block(bi);
                (
                    write::format_block(&world, bi, &block, cfg.dirty, crlf),
                    write::format_incidents(&world, &block, incidents_eol),
                )
            })
            .collect();
        for (o, (inc, inc_rows)) in outs {
            incidents.write_text(&inc)?;
            incidents.rows += inc_rows;
            done += inc_rows;
            if matches!(incidents.kind, Kind::Xlsx) && incidents.rows > XLSX_MAX_ROWS {
                return Err(SampleError::TooManyRows {
                    table: Table::Incidents,
                    rows: incidents.rows,
                });
            }
            for (i, w) in writers.iter_mut().enumerate() {
                w.write_text(&o.bufs[i])?;
                w.rows += o.rows[i];
                done += o.rows[i];
                if matches!(w.kind, Kind::Xlsx) && w.rows > XLSX_MAX_ROWS {
                    return Err(SampleError::TooManyRows {
                        table: w.table,
                        rows: w.rows,
                    });
                }
            }
        }
        progress(done);
        b0 = b1;
    }
    for w in writers {
        summary.files.push(w.finish()?);
    }
    summary.files.push(incidents.finish()?);
    summary.files.sort_by_key(|f| f.table);
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::{Days, age_years, year};
    use crate::input::values::id_check_char;
    use calibrate::Simulation;
    use simulate::CUTOFF;

    #[test]
    fn scale_parses() {
        assert_eq!("ningxia".parse::<Scale>().unwrap(), Scale::Ningxia);
        assert_eq!(" National ".parse::<Scale>().unwrap(), Scale::National);
        assert_eq!("5000".parse::<Scale>().unwrap(), Scale::Persons(5000));
        assert_eq!(
            "national:40000".parse::<Scale>().unwrap(),
            Scale::NationalPersons(40000)
        );
        assert!("national:".parse::<Scale>().is_err());
        assert!("national:0".parse::<Scale>().is_err());
        assert!("lots".parse::<Scale>().is_err());
    }

    #[test]
    fn simulation_respects_the_date_orders_of_data_md() {
        let sim = Simulation::run(world_for(&Scale::Ningxia, 20251231));
        let mut latest: Days = Days::MIN;
        let mut seen = 0u64;
        for b in &sim.blocks {
            for p in &b.persons {
                assert_eq!(p.index, seen, "persons in id order");
                seen += 1;
                let ff = p.first_found;
                assert!(p.birth < ff);
                assert!(
                    (10..=100).contains(&age_years(p.birth, ff)),
                    "age {}",
                    age_years(p.birth, ff)
                );
                assert!(ff <= CUTOFF);
                latest = latest.max(ff);
                for d in [p.death, p.departure].into_iter().flatten() {
                    assert!(d >= ff && d <= CUTOFF);
                }
                let id = &p.id_number;
                assert_eq!(id[17], id_check_char(&id[..17]));
                assert_eq!((id[16] - b'0') % 2 == 1, p.male);
                let mut bd = Vec::new();
                digits::push_compact(&mut bd, p.birth);
                assert_eq!(&id[6..14], &bd[..]);
                let hukou_county = if p.hukou >= 1_000_000 {
                    p.hukou / 1000
                } else {
                    p.hukou
                };
                assert_eq!(
                    std::str::from_utf8(&id[..6]).unwrap(),
                    hukou_county.to_string()
                );
                let life_end = p
                    .death
                    .into_iter()
                    .chain(p.departure)
                    .min()
                    .unwrap_or(Days::MAX);
                let ms = &b.measures[p.measures.start as usize..p.measures.end as usize];
                for m in ms {
                    assert_eq!(m.person, p.index);
                    assert!(m.decision >= ff && m.decision <= CUTOFF);
                    assert!(m.report.is_none_or(|r| r >= m.decision && r <= CUTOFF));
                    assert!(m.end.is_none_or(|e| e >= m.decision && e <= CUTOFF));
                    assert!(m.end.is_none_or(|e| m.report.is_none_or(|r| e >= r)));
                    assert_eq!(
                        m.end.is_some(),
                        m.reason.is_some(),
                        "end_reason exactly when end_date"
                    );
                    assert!(m.decision < life_end);
                    latest = latest.max(m.end.or(m.report).unwrap_or(m.decision));
                }
                // measures follow each other: a new one is decided after the previous ended
                for w in ms.windows(2) {
                    assert!(
                        w[0].end.is_some_and(|e| e <= w[1].decision),
                        "{:?} {:?}",
                        w[0],
                        w[1]
                    );
                }
                for x in &b.detections[p.detections.start as usize..p.detections.end as usize] {
                    assert!(
                        x.person == p.index
                            && x.date >= ff
                            && x.date <= CUTOFF
                            && x.date < life_end
                    );
                }
                for t in &b.tests[p.tests.start as usize..p.tests.end as usize] {
                    assert!(
                        t.person == p.index
                            && t.date >= ff
                            && t.date <= CUTOFF
                            && t.date < life_end
                    );
                    if let Some(s) = t.measure {
                        let m = &ms[s as usize - 1];
                        assert!(
                            m.report.is_some_and(|r| r <= t.date)
                                && m.end.is_none_or(|e| t.date <= e)
                        );
                    }
                    latest = latest.max(t.date);
                }
                for x in &b.transfers[p.transfers.start as usize..p.transfers.end as usize] {
                    assert!(
                        x.person == p.index && x.date >= ff && x.date <= CUTOFF && x.from != x.to
                    );
                }
                let tr = &b.transfers[p.transfers.start as usize..p.transfers.end as usize];
                if let Some(last) = tr.last() {
                    assert_eq!(
                        last.to, p.residence,
                        "residence is where the last transfer leads"
                    );
                }
                for s in &b.services[p.services.start as usize..p.services.end as usize] {
                    assert!(
                        s.person == p.index
                            && s.date >= ff
                            && s.date <= CUTOFF
                            && s.date < life_end
                    );
                }
            }
        }
        assert_eq!(latest, CUTOFF, "the derived cutoff is 2025-12-31");
    }

    #[test]
    fn shape_of_the_population() {
        let sim = Simulation::run(world_for(&Scale::Ningxia, 20251231));
        let persons: Vec<&simulate::Person> = sim.blocks.iter().flat_map(|b| &b.persons).collect();
        let n = persons.len() as f64;
        let male = persons.iter().filter(|p| p.male).count() as f64 / n;
        assert!((0.82..0.86).contains(&male), "{male}");
        let core = persons
            .iter()
            .filter(|p| (18..=59).contains(&age_years(p.birth, p.first_found)))
            .count() as f64
            / n;
        assert!(core > 0.9, "{core}");
        let away = persons
            .iter()
            .filter(|p| p.hukou / 1000 != p.residence / 1000 && p.hukou != p.residence)
            .count();
        assert!(away as f64 / n > 0.1);
        let late_synth = persons
            .iter()
            .filter(|p| p.drug == 4 && year(p.first_found) >= 2019)
            .count();
        assert!(
            late_synth > 0
                && persons
                    .iter()
                    .filter(|p| p.drug == 4 && year(p.first_found) < 2019)
                    .count()
                    == 0
        );
        let named = [
            640324100u32,
            640324101,
            640502100,
            640502101,
            640105100,
            640302100,
        ];
        for code in named {
            assert!(persons.iter().any(|p| p.residence == code), "{code}");
        }
        let county_level = persons
            .iter()
            .filter(|p| p.first_found_region < 1_000_000)
            .count();
        assert!(county_level > 0 && (county_level as f64) < 0.05 * n);
    }

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("jindu-sample-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn byte_identical_across_thread_counts() {
        let cfg = SampleConfig {
            scale: Scale::Persons(3000),
            seed: 11,
            dirty: true,
            format: Format::Csv,
        };
        let (a, b) = (tmp("t1"), tmp("t2"));
        let p1 = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let p3 = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let s1 = p1.install(|| generate(&cfg, &a, &|_| {})).unwrap();
        let s3 = p3.install(|| generate(&cfg, &b, &|_| {})).unwrap();
        assert_eq!(s1.rows(), s3.rows());
        let (fa, fb) = (files(&a), files(&b));
        assert_eq!(fa.len(), 10);
        assert_eq!(fa, fb);
        let names: Vec<&str> = fa.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "专干.xlsx",
                "人口.csv",
                "人员.csv",
                "帮扶.csv.gz",
                "措施.csv",
                "查获.csv",
                "检测.csv.gz",
                "移交.csv",
                "肇事肇祸.csv",
                "行政区划.csv"
            ]
        );
        let _ = std::fs::remove_dir_all(&a);
        let _ = std::fs::remove_dir_all(&b);
    }

    #[test]
    fn dirty_only_adds_rows_and_respellings() {
        let clean = SampleConfig {
            scale: Scale::Persons(6000),
            seed: 5,
            dirty: false,
            format: Format::Csv,
        };
        let dirty = SampleConfig {
            dirty: true,
            ..clean.clone()
        };
        let (a, b) = (tmp("clean"), tmp("dirty"));
        let sc = generate(&clean, &a, &|_| {}).unwrap();
        let sd = generate(&dirty, &b, &|_| {}).unwrap();
        for (fc, fd) in sc.files.iter().zip(&sd.files) {
            assert_eq!(fc.table, fd.table);
            assert!(fd.rows >= fc.rows);
            if fc.table != Table::Regions {
                assert!(
                    fd.rows <= fc.rows + fc.rows / 50 + 5,
                    "{}: {} vs {}",
                    fc.table,
                    fd.rows,
                    fc.rows
                );
            }
        }
        for name in ["人员.csv", "措施.csv", "查获.csv", "移交.csv"] {
            let read = |d: &Path| {
                let bytes = std::fs::read(d.join(name)).unwrap();
                let enc = if name == "人员.csv" || name == "措施.csv" {
                    encoding_rs::GB18030
                } else {
                    encoding_rs::UTF_8
                };
                let (text, _, bad) = enc.decode(&bytes);
                assert!(!bad);
                text.into_owned()
            };
            let (c, d) = (read(&a), read(&b));
            let dl: std::collections::HashSet<&str> = d.lines().collect();
            let cl: Vec<&str> = c.lines().collect();
            let missing = cl.iter().filter(|l| !dl.contains(*l)).count();
            // only cosmetic re-spellings of clean rows are missing, a few per mille
            assert!(
                missing * 100 < cl.len(),
                "{name}: {missing} of {}",
                cl.len()
            );
            assert!(d.contains("E+17") || name != "人员.csv");
        }
        let _ = std::fs::remove_dir_all(&a);
        let _ = std::fs::remove_dir_all(&b);
    }

    #[test]
    fn parquet_is_left_to_the_engine() {
        let cfg = SampleConfig {
            scale: Scale::Persons(10),
            seed: 1,
            dirty: false,
            format: Format::Parquet,
        };
        assert!(matches!(
            generate(&cfg, &tmp("pq"), &|_| {}),
            Err(SampleError::Unsupported(_))
        ));
    }

    #[test]
    fn xlsx_format_writes_every_table() {
        let cfg = SampleConfig {
            scale: Scale::Persons(500),
            seed: 2,
            dirty: false,
            format: Format::Xlsx,
        };
        let d = tmp("xlsx");
        let s = generate(&cfg, &d, &|_| {}).unwrap();
        assert_eq!(s.files.len(), 10);
        assert!(
            s.files
                .iter()
                .all(|f| f.encoding == "XLSX" && f.path.extension().unwrap() == "xlsx")
        );
        let _ = std::fs::remove_dir_all(&d);
    }
}
