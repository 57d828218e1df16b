//! Fuzz targets of header mapping, row parsing, encoding detection and decoding, and
//! the CSV scanner.

use super::values::{ENUMS, gen_date_text, gen_id_text, gen_region_text};
use super::*;

#[test]
fn fuzz_map_header() {
    let (mut rng, seed) = rng_for("map_header");
    let start = Instant::now();
    let n = iters(5_000, 4);
    for _ in 0..n {
        let table = *rng.pick(&Table::ALL);
        let mut headers: Vec<String> = Vec::new();
        for c in table.columns() {
            if !rng.chance(8) {
                let names = [&[c.name][..], c.aliases].concat();
                let name = *rng.pick(&names);
                headers.push(respell(&mut rng, name));
            }
        }
        for _ in 0..rng.below(4) {
            let at = rng.below(headers.len() + 1);
            let h = if rng.chance(2) || headers.is_empty() {
                gen_string(&mut rng)
            } else {
                headers[rng.below(headers.len())].clone()
            };
            headers.insert(at, h);
        }
        for i in (1..headers.len()).rev() {
            if rng.chance(3) {
                headers.swap(i, rng.below(i + 1));
            }
        }
        if let Ok(HeaderMap {
            index,
            unknown,
            width,
            ..
        }) = map_header(table, &headers)
        {
            assert_eq!(width, headers.len(), "map_header seed {seed}: {headers:?}");
            let mut seen = std::collections::HashSet::new();
            for (c, i) in table.columns().iter().zip(&index) {
                let Some(i) = *i else {
                    assert!(!c.header_required(), "map_header seed {seed}: {headers:?}");
                    continue;
                };
                let key = normalize_name(&headers[i]);
                assert!(
                    seen.insert(i)
                        && (normalize_name(c.name) == key
                            || c.aliases.iter().any(|a| normalize_name(a) == key)),
                    "map_header seed {seed}: {headers:?} mapped {} to {:?}",
                    c.name,
                    headers[i]
                );
            }
            assert!(
                unknown.len() <= headers.len(),
                "map_header seed {seed}: {headers:?}"
            );
        }
    }
    done("map_header", n, start);
}

/// Random cells for a table's header: texts from the value generators, numbers, date
/// serials, empties and undecodable cells.
fn gen_cell(rng: &mut Rng) -> Cell<'static> {
    match rng.below(9) {
        0 => Cell::Empty,
        1 => Cell::Undecodable,
        2 => Cell::Number(match rng.below(3) {
            0 => f64::from_bits(rng.next()),
            1 => rng.below(1_000_000_000) as f64 * 1e9,
            _ => rng.below(100_000) as f64 / 4.0,
        }),
        3 => Cell::DateSerial(rng.below(3_000_000) as f64 - 100.0),
        4 => Cell::Text(Cow::Owned(gen_date_text(rng))),
        5 => Cell::Text(Cow::Owned(gen_id_text(rng))),
        6 => Cell::Text(Cow::Owned(gen_region_text(rng))),
        7 => {
            let def = *rng.pick(ENUMS);
            let v = rng.pick(def.values);
            Cell::Text(Cow::Owned(respell(rng, v.zh)))
        }
        _ => Cell::Text(Cow::Owned(gen_string(rng))),
    }
}

#[test]
fn fuzz_parse_row() {
    let (mut rng, seed) = rng_for("parse_row");
    let start = Instant::now();
    let n = iters(5_000, 4);
    let key = Key::from_bytes([7; 32], false);
    for _ in 0..n {
        let table = *rng.pick(&Table::ALL);
        let headers: Vec<String> = table.columns().iter().map(|c| c.name.to_string()).collect();
        let map = map_header(table, &headers).expect("canonical header");
        let width = (headers.len() + rng.below(3)).saturating_sub(1);
        let cells: Vec<Cell<'_>> = (0..width).map(|_| gen_cell(&mut rng)).collect();
        let out = catch_unwind(AssertUnwindSafe(|| parse_row(&map, &cells, &key).is_ok()));
        assert!(
            out.is_ok(),
            "parse_row seed {seed}: {table} {cells:?} panicked"
        );
    }
    done("parse_row", n, start);
}

#[test]
fn fuzz_sniff_and_decode() {
    let (mut rng, seed) = rng_for("sniff_decode");
    let start = Instant::now();
    let n = iters(10_000, 2);
    let fffd_utf8 = "\u{FFFD}".as_bytes();
    let fffd_gb = encoding_rs::GB18030.encode("\u{FFFD}").0.into_owned();
    for _ in 0..n {
        let text = gen_string(&mut rng);
        let bytes: Vec<u8> = match rng.below(5) {
            0 => (0..rng.below(64)).map(|_| rng.next() as u8).collect(),
            1 => encoding_rs::GB18030.encode(&text).0.into_owned(),
            2 => text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
            3 => {
                let mut b = text.clone().into_bytes();
                for _ in 0..rng.below(3) {
                    let at = rng.below(b.len() + 1);
                    b.insert(at, rng.next() as u8);
                }
                b
            }
            _ => text.clone().into_bytes(),
        };
        match sniff(&bytes) {
            Sniffed::Binary { offset } => {
                assert!(
                    offset < bytes.len(),
                    "sniff seed {seed}: {bytes:?} offset {offset}"
                )
            }
            Sniffed::Text { bom_len, .. } => {
                assert!(bom_len <= bytes.len(), "sniff seed {seed}: {bytes:?}")
            }
            Sniffed::Utf16WithoutBom => {}
        }
        let has = |pat: &[u8]| bytes.windows(pat.len()).any(|w| w == pat);
        for enc in [
            Encoding::Utf8,
            Encoding::Utf8Bom,
            Encoding::Gb18030,
            Encoding::Utf16Le,
            Encoding::Utf16Be,
        ] {
            if let Some(s) = enc.decode(&bytes) {
                let allowed = match enc {
                    Encoding::Gb18030 => has(&fffd_gb),
                    Encoding::Utf16Le | Encoding::Utf16Be => false,
                    Encoding::Utf8 | Encoding::Utf8Bom => has(fffd_utf8),
                };
                assert!(
                    allowed || !s.contains('\u{FFFD}'),
                    "decode {enc:?} seed {seed}: {bytes:?} gave U+FFFD"
                );
                if matches!(enc, Encoding::Utf8 | Encoding::Utf8Bom) {
                    assert_eq!(s.as_bytes(), &bytes[..], "decode {enc:?} seed {seed}");
                }
            }
        }
        // GB18030 text decodes back to itself, private-use characters aside (GB18030-2022
        // moved some of them to standard characters).
        let (gb, _, unmappable) = encoding_rs::GB18030.encode(&text);
        let private = text.chars().any(|c| ('\u{E000}'..='\u{F8FF}').contains(&c));
        if !unmappable && !private {
            let back = Encoding::Gb18030.decode(&gb).unwrap_or_default();
            if back != text {
                let i = back
                    .chars()
                    .zip(text.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                panic!(
                    "GB18030 round trip seed {seed}: {:?} came back as {:?}",
                    text.chars().nth(i),
                    back.chars().nth(i)
                );
            }
        }
        // UTF-16 transcoding: exact for text, and never invalid UTF-8 for bytes.
        for be in [false, true] {
            let units: Vec<u8> = text
                .encode_utf16()
                .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() })
                .collect();
            assert_eq!(
                utf16_to_utf8(&units, be),
                text.as_bytes(),
                "utf16_to_utf8 seed {seed}: {text:?}"
            );
            let out = utf16_to_utf8(&bytes, be);
            assert!(
                std::str::from_utf8(&out).is_ok(),
                "utf16_to_utf8 seed {seed}: {bytes:?}"
            );
        }
    }
    done("sniff_decode", n, start);
}

/// CSV-ish bytes: the scanner's special bytes, text and GB18030 bytes.
fn gen_csv_bytes(rng: &mut Rng) -> Vec<u8> {
    let len = if rng.chance(10) {
        rng.below(5000)
    } else {
        rng.below(200)
    };
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        match rng.below(10) {
            0 => out.push(b'"'),
            1 => out.push(b'\n'),
            2 => {
                const SEPARATORS: [&[u8]; 5] = [b",", b"\t", b";", b"\r\n", b"\"\""];
                let sep: &&[u8] = rng.pick(&SEPARATORS);
                out.extend_from_slice(sep)
            }
            3 => out.push(rng.next() as u8),
            4 => out.extend_from_slice("人员".as_bytes()),
            5 => out.extend_from_slice(&[0xC8, 0xCB, 0xD4, 0xB1]), // 人员 in GB18030
            6 => out.extend_from_slice(b"   "),
            _ => out.push(b'a' + rng.below(26) as u8),
        }
    }
    out
}

fn quote_field(f: &str, delimiter: u8) -> String {
    let needs = f.contains(['"', '\n', '\r', delimiter as char]) || f.starts_with(' ');
    if needs {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f.to_string()
    }
}

#[test]
fn fuzz_csv_scanner() {
    let (mut rng, seed) = rng_for("csv_scanner");
    let start = Instant::now();
    let n = iters(10_000, 2);
    for _ in 0..n {
        let input = gen_csv_bytes(&mut rng);
        let delimiter = *rng.pick(b",\t;");
        let max = if rng.chance(4) {
            usize::MAX
        } else {
            rng.below(300)
        };
        let physical_lines = input.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let d = sniff_delimiter(&input);
        assert!(
            matches!(d, b',' | b'\t' | b';'),
            "sniff_delimiter seed {seed}: {input:?}"
        );
        let mut s = Scanner::new(&input[..], delimiter, max, 1);
        let mut last_line = 0;
        let mut count = 0u64;
        while let Some(item) = s.next_record().expect("reading a slice") {
            count += 1;
            assert!(
                count <= physical_lines,
                "scanner seed {seed}: no progress on {input:?}"
            );
            let (line, len) = match &item {
                Scanned::Record(r) => (r.line, r.data.len()),
                Scanned::Broken { line, raw, .. } => (*line, raw.len()),
            };
            assert!(
                len <= max && line > last_line && line <= physical_lines,
                "scanner seed {seed} max {max}: {item:?} after line {last_line} from {:?}",
                String::from_utf8_lossy(&input)
            );
            last_line = line;
        }
    }
    // Well-formed CSV, quoted as a writer would, scans back to its fields.
    for _ in 0..n / 2 {
        let delimiter = *rng.pick(b",\t;");
        let rows: Vec<Vec<String>> = (0..1 + rng.below(5))
            .map(|_| {
                (0..1 + rng.below(5))
                    .map(|_| gen_string(&mut rng).replace('\r', ""))
                    .collect()
            })
            .collect();
        let line = |r: &[String]| {
            let fields: Vec<String> = r.iter().map(|f| quote_field(f, delimiter)).collect();
            fields.join(&(delimiter as char).to_string())
        };
        let blank = |r: &[String]| line(r).bytes().all(|b| b.is_ascii_whitespace());
        let mut text = String::new();
        for r in &rows {
            text.push_str(&line(r));
            text.push_str(if rng.chance(2) { "\r\n" } else { "\n" });
        }
        let mut s = Scanner::new(text.as_bytes(), delimiter, usize::MAX, 1);
        let mut got = Vec::new();
        while let Some(item) = s.next_record().expect("reading a slice") {
            match item {
                Scanned::Record(r) => got.push(
                    r.fields()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect::<Vec<_>>(),
                ),
                Scanned::Broken { .. } => panic!("scanner seed {seed}: broken record in {text:?}"),
            }
        }
        // Blank lines (white space only, such as empty fields between tabs) are not rows.
        let want: Vec<Vec<String>> = rows.into_iter().filter(|r| !blank(r)).collect();
        if got != want {
            let i = (0..).find(|&i| got.get(i) != want.get(i)).unwrap_or(0);
            panic!(
                "scanner round trip seed {seed}: record {i}: got {:?}, want {:?}",
                got.get(i),
                want.get(i)
            );
        }
    }
    done("csv_scanner", n + n / 2, start);
}

// ---- Readers: damaged files of the basic fixture --------------------------------
