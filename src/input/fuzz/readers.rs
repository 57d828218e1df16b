//! Fuzz targets of the readers: damaged CSV (every encoding, gzip), XLSX and Parquet
//! files of the basic fixture through `read_file` and the row parser (and for CSV, the
//! rows an import takes as fields against the same rows as cells), and the regression
//! cases they found.

use super::*;

const BASIC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/basic");

const FIXTURE_TABLES: &[(&str, Table)] = &[
    ("persons", Table::Persons),
    ("measures", Table::Measures),
    ("tests", Table::Tests),
    ("regions", Table::Regions),
    ("detections", Table::Detections),
    ("transfers", Table::Transfers),
    ("services", Table::Services),
    ("officers", Table::Officers),
];

/// Largest damaged file fed to a reader.
const MAX_INPUT: usize = 64 << 10;

/// Damages bytes: flips, truncation, inserted NULs, quotes, delimiters and newlines,
/// duplicated and deleted chunks.
fn mutate(bytes: &mut Vec<u8>, rng: &mut Rng) {
    for _ in 0..1 + rng.below(6) {
        if bytes.is_empty() {
            return;
        }
        let at = rng.below(bytes.len());
        match rng.below(9) {
            0 => bytes[at] = rng.next() as u8,
            1 => bytes[at] ^= 1 << rng.below(8),
            2 => bytes.insert(at, 0),
            3 => bytes.insert(at, b'"'),
            4 => bytes.insert(at, *rng.pick(b"\n\r,\t")),
            5 => bytes.truncate(at),
            6 => {
                let end = (at + 1 + rng.below(64)).min(bytes.len());
                let chunk = bytes[at..end].to_vec();
                let copies = if rng.chance(8) { 500 } else { 3 };
                for _ in 0..1 + rng.below(copies) {
                    if bytes.len() + chunk.len() > MAX_INPUT {
                        break;
                    }
                    bytes.splice(at..at, chunk.iter().copied());
                }
            }
            7 => {
                let end = (at + 1 + rng.below(32)).min(bytes.len());
                bytes.drain(at..end);
            }
            _ => {
                let v = rng.next().to_le_bytes();
                let end = (at + 8).min(bytes.len());
                bytes[at..end].copy_from_slice(&v[..end - at]);
            }
        }
    }
    bytes.truncate(MAX_INPUT);
}

/// Reads one file through the importer's reader with the row parser behind it, the
/// way an import does. Panics (with the input) on a panic or a hang; returns whether
/// the file was read to at least one row.
fn read_one(
    path: &Path,
    table: Table,
    encoding: Option<Encoding>,
    what: &str,
    max_record: usize,
) -> bool {
    let key = Key::from_bytes([3; 32], false);
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let map: std::cell::RefCell<Option<HeaderMap>> = std::cell::RefCell::new(None);
        let mut headers = 0;
        let mut rows = 0u64;
        let opts = ReadOptions {
            encoding,
            sheet: None,
            max_record_bytes: max_record,
        };
        let r = read_file(
            path,
            &opts,
            &mut |info| {
                headers += 1;
                *map.borrow_mut() = map_header(table, &info.header).ok();
                Ok(())
            },
            &mut |row| {
                rows += 1;
                if let (Some(m), RawRow::Cells { cells, .. }) = (map.borrow().as_ref(), row) {
                    let _ = parse_row(m, cells, &key);
                }
                Ok(())
            },
        );
        match &r {
            Ok((sha, _)) => {
                assert!(headers == 1 && sha.len() == 64, "one header, then rows");
            }
            Err(e) => {
                assert!(!e.to_string().is_empty() && headers <= 1, "a clear error");
            }
        }
        r.is_ok() && rows > 0
    }));
    let bytes = std::fs::read(path).unwrap_or_default();
    if result.is_err()
        && let Some(dir) = std::env::var_os("JINDU_FUZZ_DUMP")
    {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let _ = std::fs::write(Path::new(&dir).join(format!("{what}-{name}")), &bytes);
    }
    assert!(
        result.is_ok(),
        "{what}: reader panicked on {}",
        escaped(&bytes)
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{what}: reader took {:?} on {}",
        started.elapsed(),
        escaped(&bytes)
    );
    result.unwrap_or(false)
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(BASIC).join(format!("{name}.csv"))).expect("fixture")
}

#[test]
fn fuzz_read_csv_encodings() {
    use std::io::Write;
    let (mut rng, seed) = rng_for("read_csv");
    let start = Instant::now();
    let n = iters(400, 50);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut with_rows = 0;
    for round in 0..n {
        let &(name, table) = rng.pick(FIXTURE_TABLES);
        let text = fixture(name);
        let form = rng.below(6);
        let (mut bytes, encoding, ext) = match form {
            0 => (text.into_bytes(), None, "csv"),
            1 => (
                [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
                None,
                "csv",
            ),
            2 => (
                encoding_rs::GB18030.encode(&text).0.into_owned(),
                rng.chance(2).then_some(Encoding::Gb18030),
                "csv",
            ),
            3 | 4 => {
                let be = form == 4;
                let bom: &[u8] = if be { b"\xFE\xFF" } else { b"\xFF\xFE" };
                let units = text
                    .encode_utf16()
                    .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() });
                (bom.iter().copied().chain(units).collect(), None, "csv")
            }
            _ => (text.into_bytes(), None, "csv.gz"),
        };
        let gz_after = ext == "csv.gz" && rng.chance(2);
        if !gz_after {
            mutate(&mut bytes, &mut rng);
        }
        if ext == "csv.gz" {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&bytes).expect("gzip");
            bytes = gz.finish().expect("gzip");
            if gz_after {
                mutate(&mut bytes, &mut rng);
            }
        }
        let path = dir.path().join(format!("{name}.{ext}"));
        std::fs::write(&path, &bytes).expect("write");
        let max = if rng.chance(4) {
            40 + rng.below(200)
        } else {
            1 << 20
        };
        let what = format!("read_csv seed {seed} round {round} ({name}.{ext}, form {form})");
        with_rows += usize::from(read_one(&path, table, encoding, &what, max));
        // The rows handed over as fields (UTF-8 and unquoted GB18030 records) are the
        // cells the reader gives otherwise.
        assert!(
            rows_as_read(&path, encoding, max, true) == rows_as_read(&path, encoding, max, false),
            "{what}: fields and cells differ on {}",
            escaped(&std::fs::read(&path).unwrap_or_default())
        );
    }
    eprintln!(
        "fuzz read_csv: {with_rows} of {n} damaged files read to rows, the others file errors"
    );
    done("read_csv", n, start);
}

/// A workbook of a fixture table; cells are sometimes replaced by generated values.
fn fixture_xlsx(rng: &mut Rng, name: &str) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in fixture(name).lines().enumerate() {
        for (c, field) in line.split(',').enumerate() {
            let (r, c) = (
                r as u32 + rng.below(2) as u32 * u32::from(rng.chance(20)),
                c as u16,
            );
            let res = match (r > 0).then(|| rng.below(8)) {
                Some(0) => ws.write_number(r, c, f64::from_bits(rng.next())),
                Some(1) => ws.write_number(r, c, rng.below(3_000_000) as f64 / 3.0),
                Some(2) => ws.write_string(r, c, gen_string(rng)),
                Some(3) => ws.write_boolean(r, c, rng.chance(2)),
                _ => ws.write_string(r, c, field),
            };
            // Strings too long for a cell are refused by the writer: left empty.
            let _ = res;
        }
    }
    wb.save_to_buffer().expect("xlsx")
}

#[test]
fn fuzz_read_xlsx() {
    let (mut rng, seed) = rng_for("read_xlsx");
    let start = Instant::now();
    let n = iters(150, 100);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut with_rows = 0;
    for round in 0..n {
        let &(name, table) = rng.pick(FIXTURE_TABLES);
        let mut bytes = fixture_xlsx(&mut rng, name);
        if !rng.chance(4) {
            mutate(&mut bytes, &mut rng);
        }
        let path = dir.path().join(format!("{name}.xlsx"));
        std::fs::write(&path, &bytes).expect("write");
        with_rows += usize::from(read_one(
            &path,
            table,
            None,
            &format!("read_xlsx seed {seed} round {round} ({name})"),
            1 << 20,
        ));
    }
    eprintln!(
        "fuzz read_xlsx: {with_rows} of {n} damaged files read to rows, the others file errors"
    );
    done("read_xlsx", n, start);
}

/// A Parquet file of a fixture table: text columns, dates as dates where they parse.
fn fixture_parquet(name: &str) -> Vec<u8> {
    use polars::prelude::*;
    let text = fixture(name);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let cols: Vec<Column> = header
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let vals: Vec<Option<&str>> = rows
                .iter()
                .map(|r| r.get(i).copied().filter(|s| !s.is_empty()))
                .collect();
            let dates: Option<Vec<Option<i32>>> = vals
                .iter()
                .map(|v| v.map_or(Some(None), |s| parse_date(s).ok().map(Some)))
                .collect();
            match dates {
                Some(d) if d.iter().any(Option::is_some) => Column::new((*h).into(), d)
                    .cast(&DataType::Date)
                    .expect("date column"),
                _ => Column::new((*h).into(), vals),
            }
        })
        .collect();
    let mut df = DataFrame::new(rows.len(), cols).expect("frame");
    let mut out = Vec::new();
    ParquetWriter::new(&mut out)
        .finish(&mut df)
        .expect("parquet");
    out
}

#[test]
fn fuzz_read_parquet() {
    let (mut rng, seed) = rng_for("read_parquet");
    let start = Instant::now();
    let n = iters(150, 100);
    let dir = tempfile::tempdir().expect("temp dir");
    let files: Vec<(Vec<u8>, &str, Table)> = FIXTURE_TABLES
        .iter()
        .map(|&(name, t)| (fixture_parquet(name), name, t))
        .collect();
    let mut with_rows = 0;
    for round in 0..n {
        let (clean, name, table) = rng.pick(&files);
        let mut bytes = clean.clone();
        if !rng.chance(5) {
            mutate(&mut bytes, &mut rng);
        }
        let path = dir.path().join(format!("{name}.parquet"));
        std::fs::write(&path, &bytes).expect("write");
        with_rows += usize::from(read_one(
            &path,
            *table,
            None,
            &format!("read_parquet seed {seed} round {round} ({name})"),
            1 << 20,
        ));
    }
    eprintln!(
        "fuzz read_parquet: {with_rows} of {n} damaged files read to rows, the others file errors"
    );
    done("read_parquet", n, start);
}

/// Found by `fuzz_read_parquet`: a Date column holding a day number outside chrono's
/// calendar made `read_parquet` panic in `dates::from_days`.
#[test]
fn parquet_date_out_of_range_is_not_a_panic() {
    use polars::prelude::*;
    let days = vec![
        Some(i32::MAX),
        Some(i32::MIN),
        Some(96_000_101),
        Some(0),
        None,
    ];
    let mut df = DataFrame::new(
        days.len(),
        vec![
            Column::new("birth_date".into(), days)
                .cast(&DataType::Date)
                .expect("date column"),
        ],
    )
    .expect("frame");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("persons.parquet");
    let mut out = Vec::new();
    ParquetWriter::new(&mut out)
        .finish(&mut df)
        .expect("parquet");
    std::fs::write(&path, out).expect("write");
    let mut texts = Vec::new();
    let opts = ReadOptions {
        encoding: None,
        sheet: None,
        max_record_bytes: 1 << 20,
    };
    read_file(&path, &opts, &mut |_| Ok(()), &mut |row| {
        if let RawRow::Cells { cells, .. } = row {
            texts.push(match &cells[0] {
                Cell::Text(t) => t.to_string(),
                other => format!("{other:?}"),
            });
        }
        Ok(())
    })
    .expect("read");
    assert_eq!(
        texts,
        [
            "day number 2147483647",
            "day number -2147483648",
            "day number 96000101",
            "1970-01-01",
            "Empty"
        ]
    );
    for t in &texts[..3] {
        assert!(parse_date(t).is_err(), "{t} must not parse as a date");
    }
}

/// Found by `fuzz_read_parquet`: damaged Parquet files (bytes flipped in the metadata
/// or a page) made the Parquet reader panic (polars' thrift decoder, a page range, and
/// a column shorter than the frame indexed by `read_parquet`). Each is now a file
/// error or readable rows.
#[test]
fn damaged_parquet_is_a_file_error_not_a_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/damaged-parquet");
    for name in ["thrift-metadata", "short-column", "page-range"] {
        let path = dir.join(format!("{name}.parquet"));
        let opts = ReadOptions {
            encoding: None,
            sheet: None,
            max_record_bytes: 1 << 20,
        };
        let r = catch_unwind(AssertUnwindSafe(|| {
            read_file(&path, &opts, &mut |_| Ok(()), &mut |_| Ok(()))
        }));
        match r {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => assert!(e.to_string().contains("cannot read Parquet"), "{name}: {e}"),
            Err(_) => panic!("{name}: the reader panicked"),
        }
    }
}
