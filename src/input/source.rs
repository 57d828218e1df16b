//! Finding the tables of an export and reading their rows, whatever the file format:
//! CSV (optionally gzip-compressed, any supported encoding), XLSX and the engine's own
//! Parquet. Each source yields a header and then rows of [`Cell`]s with their physical
//! line numbers; it computes the file's SHA-256 and size as it reads.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::csvscan::{Scanned, Scanner, sniff_delimiter, unquoted_ends};
use super::decode::{Encoding, Sniffed, sniff, utf16_to_utf8};
use super::issue::{Code, FileError};
use super::rows::Cell;
use crate::schema::Table;

/// One input file and the table it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub table: Table,
    pub path: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    CsvGz,
    Xlsx,
    Parquet,
}

/// Splits `人员.csv.gz` into (`人员`, CsvGz).
pub fn classify(path: &Path) -> Option<(String, FileKind)> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_lowercase();
    for (ext, kind) in [
        (".csv.gz", FileKind::CsvGz),
        (".tsv.gz", FileKind::CsvGz),
        (".txt.gz", FileKind::CsvGz),
        (".csv", FileKind::Csv),
        (".tsv", FileKind::Csv),
        (".txt", FileKind::Csv),
        (".xlsx", FileKind::Xlsx),
        (".xlsm", FileKind::Xlsx),
        (".parquet", FileKind::Parquet),
    ] {
        if lower.ends_with(ext) {
            return Some((name[..name.len() - ext.len()].to_string(), kind));
        }
    }
    None
}

/// The size of a file's text, for estimates only (how many rows it holds): its length,
/// or for gzip its uncompressed length as the gzip trailer gives it (RFC 1952 §2.3.1:
/// ISIZE, the last four bytes, little-endian, modulo 2^32). A file of several gzip
/// members gives only its last member's length; a trailer smaller than the file itself
/// (a length wrapped past 4 GiB, or a last member that is small) is not believed, and
/// the file's length is taken. Nor is a trailer claiming more than 32 times the file's
/// length (CSV exports compress 5–15 times): the import reserves memory from this
/// estimate, and a damaged trailer must not make a small file reserve gigabytes.
pub fn text_size(path: &Path) -> u64 {
    const MAX_BELIEVED_RATIO: u64 = 32;
    use std::io::{Seek, SeekFrom};
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    // 18 bytes: the smallest gzip member (a 10-byte header and an 8-byte trailer).
    if !matches!(classify(path), Some((_, FileKind::CsvGz))) || size < 18 {
        return size;
    }
    let trailer = File::open(path).and_then(|mut f| {
        f.seek(SeekFrom::End(-4))?;
        let mut b = [0u8; 4];
        f.read_exact(&mut b)?;
        Ok(u64::from(u32::from_le_bytes(b)))
    });
    match trailer {
        Ok(n) if n > size => n.min(size.saturating_mul(MAX_BELIEVED_RATIO)),
        _ => size,
    }
}

/// The files of an export, with their tables, and the files that name no table.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<InputFile>,
    pub ignored: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{}", crate::tr!(DiscoverNotFound, path = path.display()))]
    NotFound { path: PathBuf },
    #[error("{}", crate::tr!(DiscoverReadDir, path = path.display(), error = source))]
    ReadDir { path: PathBuf, source: io::Error },
}

/// Lists the tables of an export: folders are read one level deep, files taken as they
/// are; `overrides` (from `--table NAME=FILE`) name the table of a file explicitly.
/// Files are ordered by table, then by path, so that the import is deterministic.
pub fn discover(
    paths: &[PathBuf],
    overrides: &[(Table, PathBuf)],
) -> Result<Discovery, DiscoverError> {
    let mut candidates = Vec::new();
    for p in paths {
        if p.is_dir() {
            let rd = std::fs::read_dir(p).map_err(|source| DiscoverError::ReadDir {
                path: p.clone(),
                source,
            })?;
            let mut entries: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            entries.sort();
            candidates.extend(entries);
        } else if p.is_file() {
            candidates.push(p.clone());
        } else {
            return Err(DiscoverError::NotFound { path: p.clone() });
        }
    }
    let mut out = Discovery::default();
    for (table, path) in overrides {
        if !path.is_file() {
            return Err(DiscoverError::NotFound { path: path.clone() });
        }
        out.files.push(InputFile {
            table: *table,
            path: path.clone(),
        });
    }
    for path in candidates {
        if overrides.iter().any(|(_, p)| p == &path) {
            continue;
        }
        match classify(&path).and_then(|(stem, _)| Table::from_name(&stem)) {
            Some(table) => out.files.push(InputFile { table, path }),
            None => out.ignored.push(path),
        }
    }
    out.files
        .sort_by(|a, b| (a.table, &a.path).cmp(&(b.table, &b.path)));
    out.files.dedup();
    Ok(out)
}

/// A reader that hashes and counts the bytes passing through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// Reads what is left (so the hash covers the whole file) and returns
    /// (hex SHA-256, size in bytes).
    pub fn finish(mut self) -> io::Result<(String, u64)> {
        io::copy(&mut self, &mut io::sink())?;
        Ok((hex::encode(self.hasher.finalize()), self.bytes))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// SHA-256 and size of a whole file.
pub fn file_digest(path: &Path) -> io::Result<(String, u64)> {
    HashingReader::new(File::open(path)?).finish()
}

/// One row handed to the importer.
pub enum RawRow<'a> {
    Cells {
        line: u64,
        cells: &'a [Cell<'a>],
    },
    Broken {
        line: u64,
        code: Code,
        raw: Vec<String>,
    },
}

/// The kind of a source file: CSV text in an encoding, or a typed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    Csv(Encoding),
    /// Spreadsheet input: cells are typed values.
    Xlsx,
    /// The engine's own Parquet.
    Parquet,
}

impl SourceFormat {
    /// How the data-quality report names it: the CSV encoding, `XLSX` or `Parquet`.
    pub fn label(self) -> &'static str {
        match self {
            SourceFormat::Csv(e) => e.label(),
            SourceFormat::Xlsx => "XLSX",
            SourceFormat::Parquet => "Parquet",
        }
    }
}

/// What a source tells about the file besides its rows.
#[derive(Debug, Clone)]
pub struct SourceInfo {
    pub format: SourceFormat,
    pub delimiter: Option<char>,
    pub sheet: Option<String>,
    pub header: Vec<String>,
}

pub struct ReadOptions<'a> {
    pub encoding: Option<Encoding>,
    pub sheet: Option<&'a str>,
    pub max_record_bytes: usize,
}

/// Reads a file: calls `on_header` once with the header, then `on_row` for every row
/// (blank lines skipped). Returns the file's SHA-256 and size.
pub fn read_file(
    path: &Path,
    opts: &ReadOptions<'_>,
    on_header: &mut dyn FnMut(&SourceInfo) -> Result<(), FileError>,
    on_row: &mut dyn FnMut(RawRow<'_>) -> Result<(), FileError>,
) -> Result<(String, u64), FileError> {
    read_file_with(path, opts, on_header, on_row, None)
}

/// A CSV row whose fields are all text, handed over without making [`Cell`]s: its
/// physical line, its text, where each field ends in it and the bytes between a field's
/// end and the next one's start (field `i` is `text[ends[i-1] + sep..ends[i]]`; an
/// empty field is [`Cell::Empty`]).
pub type OnFields<'f> = dyn FnMut(u64, &str, &[usize], usize) -> Result<(), FileError> + 'f;

/// [`read_file`], handing the rows of a CSV whose fields all decode to `on_fields` when
/// given (the same rows `on_row` would get as cells, cheaper): UTF-8 rows, and the
/// unquoted rows of GB18030 that decode whole into their fields (`decode_whole`);
/// every other row goes to `on_row`.
pub fn read_file_with(
    path: &Path,
    opts: &ReadOptions<'_>,
    on_header: &mut dyn FnMut(&SourceInfo) -> Result<(), FileError>,
    on_row: &mut dyn FnMut(RawRow<'_>) -> Result<(), FileError>,
    on_fields: Option<&mut OnFields<'_>>,
) -> Result<(String, u64), FileError> {
    let io_err = |source| FileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let kind = classify(path).map(|(_, k)| k).unwrap_or(FileKind::Csv);
    match kind {
        FileKind::Xlsx => {
            super::xlsx::read_xlsx(path, opts.sheet, on_header, on_row)?;
            file_digest(path).map_err(io_err)
        }
        FileKind::Parquet => {
            super::parquet_in::read_parquet(path, on_header, on_row)?;
            file_digest(path).map_err(io_err)
        }
        FileKind::Csv | FileKind::CsvGz => {
            let file = File::open(path).map_err(io_err)?;
            let mut hashing = HashingReader::new(file);
            {
                let reader: Box<dyn Read + '_> = if kind == FileKind::CsvGz {
                    Box::new(flate2::read::MultiGzDecoder::new(&mut hashing))
                } else {
                    Box::new(&mut hashing)
                };
                read_csv(path, reader, opts, on_header, on_row, on_fields)?;
            }
            hashing.finish().map_err(io_err)
        }
    }
}

const SNIFF_BYTES: usize = 1 << 20;

fn read_csv(
    path: &Path,
    mut reader: Box<dyn Read + '_>,
    opts: &ReadOptions<'_>,
    on_header: &mut dyn FnMut(&SourceInfo) -> Result<(), FileError>,
    on_row: &mut dyn FnMut(RawRow<'_>) -> Result<(), FileError>,
    mut on_fields: Option<&mut OnFields<'_>>,
) -> Result<(), FileError> {
    let io_err = |source| FileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io_err)?;
    if head.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty {
            path: path.to_path_buf(),
        });
    }
    let (encoding, bom_len) = match (opts.encoding, sniff(&head)) {
        (_, Sniffed::Text { encoding, bom_len }) if bom_len > 0 => (encoding, bom_len),
        (Some(forced), _) => (forced, 0),
        (None, Sniffed::Text { encoding, bom_len }) => (encoding, bom_len),
        (None, Sniffed::Binary { offset }) => {
            return Err(FileError::Binary {
                path: path.to_path_buf(),
                offset,
            });
        }
        (None, Sniffed::Utf16WithoutBom) => {
            return Err(FileError::Utf16WithoutBom {
                path: path.to_path_buf(),
            });
        }
    };
    let body: Box<dyn BufRead + '_> = match encoding {
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let mut all = head[bom_len..].to_vec();
            reader.read_to_end(&mut all).map_err(io_err)?;
            let utf8 = utf16_to_utf8(&all, encoding == Encoding::Utf16Be);
            Box::new(io::Cursor::new(utf8))
        }
        _ => Box::new(BufReader::with_capacity(
            1 << 16,
            io::Cursor::new(head[bom_len..].to_vec()).chain(reader),
        )),
    };
    let mut scanner = Scanner::new(body, b',', opts.max_record_bytes, 1);
    let Some((_, raw_header)) = scanner.next_nonblank_line().map_err(io_err)? else {
        return Err(FileError::Empty {
            path: path.to_path_buf(),
        });
    };
    let delimiter = sniff_delimiter(&raw_header);
    scanner.set_delimiter(delimiter);
    let header_text = encoding
        .decode(&raw_header)
        .ok_or_else(|| FileError::HeaderDecode {
            path: path.to_path_buf(),
        })?;
    let mut hs = Scanner::new(header_text.as_bytes(), delimiter, usize::MAX, 1);
    let header: Vec<String> = match hs.next_record().map_err(io_err)? {
        Some(Scanned::Record(r)) => r
            .fields()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect(),
        _ => Vec::new(),
    };
    let info = SourceInfo {
        format: SourceFormat::Csv(encoding),
        delimiter: Some(delimiter as char),
        sheet: None,
        header: header.clone(),
    };
    on_header(&info)?;
    let width = header.len();
    let mut decoded_ends = Vec::new();
    while let Some(s) = scanner.next_record().map_err(io_err)? {
        match s {
            Scanned::Broken { line, code, raw } => on_row(RawRow::Broken {
                line,
                code,
                raw: vec![String::from_utf8_lossy(&raw).into_owned()],
            })?,
            Scanned::Record(rec) => {
                if rec.len() != width {
                    let raw = rec.fields().map(|f| lossy(encoding, f)).collect::<Vec<_>>();
                    on_row(RawRow::Broken {
                        line: rec.line,
                        code: Code::FieldCount,
                        raw,
                    })?;
                    continue;
                }
                // UTF-8 is checked once per record, its fields are then slices of it (a
                // field boundary inside a character falls back to the field's own check).
                let whole = match encoding {
                    Encoding::Utf8 | Encoding::Utf8Bom => std::str::from_utf8(&rec.data).ok(),
                    _ => None,
                };
                // Every field a slice of the valid record: the fields as they are.
                if let (Some(w), Some(f)) = (whole, on_fields.as_deref_mut())
                    && rec.ends.iter().all(|&e| w.is_char_boundary(e))
                {
                    f(rec.line, w, &rec.ends, rec.sep)?;
                    scanner.recycle(rec);
                    continue;
                }
                // GB18030 is decoded once per unquoted record when that gives its
                // fields (`decode_whole`); otherwise field by field below, which marks
                // the fields that fail.
                if encoding == Encoding::Gb18030
                    && rec.sep == 1
                    && let Some(f) = on_fields.as_deref_mut()
                    && let Some((text, ends)) =
                        decode_whole(encoding, &rec.data, delimiter, &rec.ends, &mut decoded_ends)
                {
                    f(rec.line, &text, ends, 1)?;
                    scanner.recycle(rec);
                    continue;
                }
                let cells: smallvec::SmallVec<[Cell<'_>; 24]> = (0..rec.len())
                    .map(|i| {
                        let (a, b) = rec.bounds(i);
                        let text = match whole.and_then(|w| w.get(a..b)) {
                            Some(t) => Some(std::borrow::Cow::Borrowed(t)),
                            None => encoding.decode(&rec.data[a..b]),
                        };
                        match text {
                            Some(t) if t.is_empty() => Cell::Empty,
                            Some(t) => Cell::Text(t),
                            None => Cell::Undecodable,
                        }
                    })
                    .collect();
                on_row(RawRow::Cells {
                    line: rec.line,
                    cells: &cells,
                })?;
                drop(cells);
                scanner.recycle(rec);
            }
        }
    }
    Ok(())
}

/// An unquoted record (`data`, its fields ending at `raw_ends`) decoded whole, with the
/// ends of its fields in the decoded text (`ends` holds them when the text is not the
/// record's own bytes) — when that gives the record's fields: the record decodes, and
/// every delimiter of `data` is still one in the text. `None` otherwise (an undecodable
/// field, or a delimiter byte inside a character), for the field-by-field path.
///
/// A decoded ASCII character comes only from that byte standing alone (GB18030 and
/// UTF-8 encode every other character in bytes ≥ 0x80, bar GB18030's trailing bytes,
/// which decode into such characters), so as many delimiters in the text as in `data`
/// means none of `data`'s fell inside a character, and the text splits into the fields
/// that decoding each field would give. (The sniffed delimiters, comma, tab and
/// semicolon, are never a GB18030 trailing byte, 0x30–0x39, 0x40–0x7E or 0x80–0xFE;
/// `|` could be.)
fn decode_whole<'a>(
    encoding: Encoding,
    data: &'a [u8],
    delimiter: u8,
    raw_ends: &'a [usize],
    ends: &'a mut Vec<usize>,
) -> Option<(std::borrow::Cow<'a, str>, &'a [usize])> {
    let text = encoding.decode(data)?;
    let ends: &[usize] = match &text {
        // All ASCII: the same bytes, the same ends.
        std::borrow::Cow::Borrowed(_) => raw_ends,
        std::borrow::Cow::Owned(t) => {
            ends.clear();
            unquoted_ends(delimiter, t.as_bytes(), ends);
            ends
        }
    };
    (ends.len() == raw_ends.len()).then_some((text, ends))
}

/// A field shown in the quarantine: decoded, with undecodable bytes replaced.
pub fn lossy(encoding: Encoding, bytes: &[u8]) -> String {
    match encoding {
        Encoding::Gb18030 => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// The rows of a file (each its line and its cells as `{:?}`, or its code and raw text
/// when broken), then the reader's outcome: through `on_fields` where the reader offers
/// it (`fields`, as an import reads) or all as cells. The fields path must give what
/// the cells path gives (the unit test below and `fuzz_read_csv_encodings`).
#[cfg(test)]
pub(super) fn rows_as_read(
    path: &Path,
    encoding: Option<Encoding>,
    max_record_bytes: usize,
    fields: bool,
) -> (RowsRead, Result<(), String>) {
    let rows = std::cell::RefCell::new(Vec::new());
    let opts = ReadOptions {
        encoding,
        sheet: None,
        max_record_bytes,
    };
    let mut on_row = |row: RawRow<'_>| {
        let row = match row {
            RawRow::Broken { line, code, raw } => (
                line,
                std::iter::once(format!("<{code:?}>")).chain(raw).collect(),
            ),
            RawRow::Cells { line, cells } => {
                (line, cells.iter().map(|c| format!("{c:?}")).collect())
            }
        };
        rows.borrow_mut().push(row);
        Ok(())
    };
    // A text field as the cells path shows it: `Text("…")`, or `Empty`.
    let mut on_fields = |line: u64, text: &str, ends: &[usize], sep: usize| {
        let mut a = 0;
        let mut cells = Vec::new();
        for &e in ends {
            cells.push(match text.get(a..e) {
                _ if e == a => format!("{:?}", Cell::Empty),
                Some(t) => format!("{:?}", Cell::Text(std::borrow::Cow::Borrowed(t))),
                None => format!("<{a}..{e}: not on characters>"),
            });
            a = e + sep;
        }
        rows.borrow_mut().push((line, cells));
        Ok(())
    };
    let on_fields: Option<&mut OnFields<'_>> = if fields { Some(&mut on_fields) } else { None };
    let r = read_file_with(path, &opts, &mut |_| Ok(()), &mut on_row, on_fields);
    (rows.into_inner(), r.map(|_| ()).map_err(|e| e.to_string()))
}

/// Rows as [`rows_as_read`] shows them.
#[cfg(test)]
pub(super) type RowsRead = Vec<(u64, Vec<String>)>;

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn gb18030_records_decoded_whole_give_the_cells_of_field_by_field() {
        let dir = tempfile::tempdir().unwrap();
        let gbk = |s: &str| encoding_rs::GB18030.encode(s).0.into_owned();
        // The sniffed delimiters never fall inside a GB18030 character; `|` (the second
        // byte of 亅, 0x81 0x7C) can, and such a record is not taken whole.
        let whole_ends = |d: u8, raw: &[u8]| {
            let mut raw_ends = Vec::new();
            unquoted_ends(d, raw, &mut raw_ends);
            let mut ends = Vec::new();
            decode_whole(Encoding::Gb18030, raw, d, &raw_ends, &mut ends)
                .map(|(t, e)| (t.into_owned(), e.to_vec()))
        };
        for d in [b',', b'\t', b';'] {
            let raw = [&b"P6"[..], &[d, 0x81, 0x7C, d], b"z"].concat();
            let text = format!("P6{}亅{}z", d as char, d as char);
            assert_eq!(whole_ends(d, &raw), Some((text, vec![2, 6, 8])));
        }
        assert_eq!(whole_ends(b'|', b"P6|\x81\x7C|z"), None);
        assert_eq!(whole_ends(b',', b"P5,\x81,z"), None);
        assert_eq!(
            whole_ends(b',', b"P2,,x"),
            Some(("P2,,x".into(), vec![2, 3, 5]))
        );
        for delimiter in [",", "\t", ";"] {
            let d = delimiter.to_string();
            let mut bytes = gbk(&["人员编号", "姓名", "现住址"].join(&d));
            bytes.push(b'\n');
            for row in [
                ["P1", "张三", "宁夏银川市"].join(&d), // Chinese
                ["P2", "", "ascii only"].join(&d),     // ASCII, an empty field
                ["P3", "€", "𠀀"].join(&d),            // two- and four-byte GB18030
                ["P4", "\"李,四\"", "x"].join(&d),     // quoted
            ] {
                bytes.extend(gbk(&row));
                bytes.push(b'\n');
            }
            // A lead byte before the delimiter: that field does not decode.
            bytes.extend(gbk("P5"));
            bytes.extend(d.as_bytes());
            bytes.extend([0x81]);
            bytes.extend(d.as_bytes());
            bytes.extend(gbk("王五\n"));
            // A two-byte character whose second byte is `|` (0x7C), 亅.
            bytes.extend(gbk("P6"));
            bytes.extend(d.as_bytes());
            bytes.extend([0x81, 0x7C]);
            bytes.extend(d.as_bytes());
            bytes.extend(gbk("z\n"));
            let path = dir.path().join("人员.csv");
            std::fs::write(&path, &bytes).unwrap();
            let (whole, read) = rows_as_read(&path, None, 1 << 20, true);
            assert_eq!(
                (&whole, &read),
                (&rows_as_read(&path, None, 1 << 20, false).0, &Ok(())),
                "delimiter {delimiter:?}"
            );
            let text = |t: &str| format!("{:?}", Cell::Text(t.into()));
            assert_eq!(whole.len(), 6, "delimiter {delimiter:?}");
            assert_eq!(whole[0].1, [text("P1"), text("张三"), text("宁夏银川市")]);
            assert_eq!(whole[1].1, [text("P2"), "Empty".into(), text("ascii only")]);
            assert_eq!(whole[2].1, [text("P3"), text("€"), text("𠀀")]);
            assert_eq!(whole[4].1[1], "Undecodable");
        }
    }

    #[test]
    fn text_size_is_the_uncompressed_size_of_a_gzip_file() {
        let dir = tempfile::tempdir().unwrap();
        // Rows like an export's: a few varying columns compress a few times, not the
        // hundreds of times of one repeated line (which the 32-fold bound would cap).
        let text: String = (0..5_000u64)
            .map(|i| {
                let x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
                format!(
                    "P{:07},{},20{:02}-0{}-1{}\n",
                    x % 10_000_000,
                    x % 3,
                    x % 26,
                    x % 9 + 1,
                    x % 10
                )
            })
            .collect();
        let gz = dir.path().join("检测.csv.gz");
        std::fs::write(&gz, gzip(text.as_bytes())).unwrap();
        let gz_len = std::fs::metadata(&gz).unwrap().len();
        assert!(gz_len * 2 < text.len() as u64 && gz_len * 32 > text.len() as u64);
        assert_eq!(text_size(&gz), text.len() as u64);
        // A plain file: its length.
        let csv = dir.path().join("检测.csv");
        std::fs::write(&csv, &text).unwrap();
        assert_eq!(text_size(&csv), text.len() as u64);
        // Two members: the trailer gives the last one's size only; it is not believed
        // when it is below the file's own size, which is taken instead.
        let mut two = gzip(text.as_bytes());
        two.extend(gzip(b"x\n"));
        let multi = dir.path().join("multi.csv.gz");
        std::fs::write(&multi, &two).unwrap();
        assert_eq!(text_size(&multi), two.len() as u64);
        // Not gzip at all, or too short for a trailer: the file's length.
        let bad = dir.path().join("bad.csv.gz");
        std::fs::write(&bad, b"not gzip").unwrap();
        assert_eq!(text_size(&bad), 8);
        // A trailer claiming 4 GiB for a file of 20 bytes: at most 32 times the file.
        let mut lying = b"\x1f\x8b\x08\0\0\0\0\0\0\xff\x03\0\0\0\0\0".to_vec();
        lying.extend_from_slice(&u32::MAX.to_le_bytes());
        let lying_path = dir.path().join("lying.csv.gz");
        std::fs::write(&lying_path, &lying).unwrap();
        assert_eq!(text_size(&lying_path), 20 * 32);
        assert_eq!(text_size(&dir.path().join("missing.csv.gz")), 0);
    }
}
